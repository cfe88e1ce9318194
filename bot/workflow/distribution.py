"""SOP step 1: a period opens, the Sekretaris approves (or defers) distributing the format.

On approval the Google effect finds or creates every bidang's workbook, shares it and opens the
TW; the move then creates the period's bidang reports with their links and tells each bidang's
staff their link and the input deadline (the table row's notifications). The year's first
distribution keeps the master list it laid the workbooks out from as the year's version 1 (APBD
Murni, :mod:`bot.workflow.masters`); a master sheet that cannot be used refuses the approval and
tells the Kasubbag every problem at its cell.
"""

from __future__ import annotations

import logging
from typing import Any

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import Detail, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.errors import ActionRefused
from bot.workflow.intentions import tell_turning_to_google
from bot.workflow.machine import BIDANG_HOLDS, BidangState, DinasEvent, DinasState, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import DistributionApprovalRequest, MasterInvalid
from bot.workflow.people import SYSTEM_ACTOR, Actor
from sheets.master import Master, MasterError
from sheets.summary import jumlah_bertarget

logger = logging.getLogger(__name__)


class Distribution:
    """Step 1 of the SOP."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    def start_period(self, tahun: int, tw: int, actor: Actor = SYSTEM_ACTOR) -> int:
        """Open period (tahun, tw): ask the Sekretaris to approve distributing the format."""
        core = self.core
        if actor.role not in (Role.SYSTEM, Role.KASUBBAG_KPEP):
            raise ActionRefused(texts.REFUSAL_START_PERIOD_ROLE)
        if tw not in (1, 2, 3, 4):
            raise ActionRefused(texts.REFUSAL_TW_RANGE)
        now = core.now()
        # Read before the transaction: a master sheet is read from Google.
        figures = self.format_figures(tahun, tw)
        with core.store.transaction() as tx:
            if tx.find_period(tahun, tw) is not None:
                raise ActionRefused(texts.refusal_period_started(tw, tahun))
            period_id = tx.insert_period(
                tahun=tahun, tw=tw, state=DinasState.AWAITING_DISTRIBUTION, since=now, step_since=now, opened_at=now
            )
            audit_id = core.recorder.audit(
                tx,
                period_id=period_id,
                machine="dinas",
                bidang=None,
                transition=None,
                sop_step=1,
                event="mulai_periode",
                from_state=None,
                to_state=DinasState.AWAITING_DISTRIBUTION,
                actor=actor,
                step_since=None,
                now=now,
            )
            payload = DistributionApprovalRequest(
                period_id=period_id,
                tahun=tahun,
                tw=tw,
                bidang=list(core.kodes),
                mutu_baku=core.builders.mutu_baku(1),
                # What the Sekretaris approves: each bidang's format and folder, and the input
                # deadline that approving today would set.
                format=figures,
                deadline=core.calendar.input_deadline(now).isoformat(),
            )
            core.recorder.notify(
                tx, f"a{audit_id}", Kind.DISTRIBUTION_APPROVAL_REQUEST, Role.SEKRETARIS, None, payload, now, period_id
            )
        logger.info("period TW %s %s started", tw, tahun)
        return period_id

    def format_figures(self, tahun: int, tw: int) -> list[dict[str, Any]]:
        """Per bidang: name, indicators (all, with a target this TW), pagu and Drive folder.

        From the list TW ``tw`` is measured against (before the year's first distribution: its
        source, read again, so a fix made meanwhile counts); when it cannot be read, only names and
        folders are given, and the Kasubbag is told what to fix before the Sekretaris approves.
        """
        settings = self.core.settings
        try:
            master: Master | None = self.core.masters.for_tw(tahun, tw)
        except MasterError as err:
            logger.warning("step 1 request without indicator figures: %s", err)
            self.tell_master_invalid(err)
            master = None
        figures: list[dict[str, Any]] = []
        for bidang in settings.bidang:
            row: dict[str, Any] = {
                "kode": bidang.kode,
                "nama": bidang.nama,
                "folder_url": f"https://drive.google.com/drive/folders/{bidang.folder_id}",
            }
            if master is not None:
                items = master.for_bidang(bidang.kode)
                row["indikator"] = len(items)
                row["indikator_bertarget"] = jumlah_bertarget(items, tw)
                row["pagu"] = sum(item.pagu or 0.0 for item in items)
            figures.append(row)
        return figures

    def approve(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Setujui. Distribute every workbook, open the TW, send links and deadline."""
        with self.core.store.transaction() as tx:
            period = self.core.guards.period(tx, period_id)
            self.core.guards.check_event(tx, period, DinasEvent.APPROVE_DISTRIBUTION, actor, None)
        tell_turning_to_google()  # the master list may be read from its sheet first
        try:
            master = self.core.masters.for_tw(period.tahun, period.tw)
        except MasterError as err:
            self.tell_master_invalid(err)
            raise ActionRefused(texts.refusal_master_invalid(len(err.cells))) from err
        self.core.perform(
            actor,
            period_id,
            [DinasEvent.APPROVE_DISTRIBUTION],
            detail=self._opened,
            record=self._reports,
            master=master,
        )

    def tell_master_invalid(self, err: MasterError) -> None:
        """Tell the Kasubbag why the master sheet cannot be used, every problem at its cell.

        A CSV is the admin's file (``doctor`` names its problems); only the Kasubbag's sheet is theirs to fix.
        """
        core = self.core
        if not core.masters.from_sheet:
            return
        now = core.now()
        url = core.masters.sheet_url
        payload = MasterInvalid(
            sumber=err.source, url=url, masalah=[{"cell": p.cell, "text": p.sentence()} for p in err.cells]
        )
        with core.store.transaction() as tx:
            key = f"induk-galat:{now.isoformat()}"
            core.recorder.notify(tx, key, Kind.MASTER_INVALID, Role.KASUBBAG_KPEP, None, payload, now)

    def _opened(self, act: Act, event: Event) -> Detail:
        act.deadline = self.core.calendar.input_deadline(act.now)
        return Detail(columns={"distributed_at": act.now, "deadline": act.deadline})

    def _reports(self, tx: Tx, act: Act, event: Event, audit_id: int) -> None:
        if act.master is not None:
            self.core.masters.keep_murni(tx, act.tahun, act.master, act.now)
        holding = BIDANG_HOLDS[BidangState.OPENED]
        for kode in self.core.kodes:
            ref = act.refs[kode]
            tx.insert_report(
                period_id=act.period.id,
                bidang=kode,
                state=BidangState.OPENED,
                since=act.now,
                step_since=act.now,
                holder_role=holding.role,
                workbook_url=ref.url,
                spreadsheet_id=ref.spreadsheet_id,
            )

    def defer(self, actor: Actor, period_id: int, note: str | None = None) -> None:
        """Sekretaris: Tunda. The request stays open; the Kasubbag is told."""
        self.core.perform(
            actor, period_id, [DinasEvent.DEFER_DISTRIBUTION], text=note, detail=lambda act, event: Detail(note=note)
        )
