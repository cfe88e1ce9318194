"""SOP step 1: a period opens, the Sekretaris approves (or defers) distributing the format.

On approval the Google effect finds or creates every bidang's workbook, shares it and opens the
TW; the move then creates the period's bidang reports with their links and tells each bidang's
staff their link and the input deadline (the table row's notifications).
"""

from __future__ import annotations

import logging
from typing import Any

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import Detail, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BIDANG_HOLDS, BidangState, DinasEvent, DinasState, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import DistributionApprovalRequest
from bot.workflow.people import SYSTEM_ACTOR, Actor
from sheets.master import MasterError, load_master
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
                format=self.format_figures(tahun, tw),
                deadline=core.calendar.input_deadline(now).isoformat(),
            )
            core.recorder.notify(
                tx, f"a{audit_id}", Kind.DISTRIBUTION_APPROVAL_REQUEST, Role.SEKRETARIS, None, payload, now, period_id
            )
        logger.info("period TW %s %s started", tw, tahun)
        return period_id

    def format_figures(self, tahun: int, tw: int) -> list[dict[str, Any]]:
        """Per bidang: name, indicators (all, with a target this TW), pagu and Drive folder.

        Read from the year's master list each time (it is small, and an admin may fix it between
        periods); when it cannot be read, only names and folders are given and the reason logged.
        """
        settings = self.core.settings
        try:
            master = load_master(settings.master_path(tahun))
        except MasterError as err:
            logger.warning("step 1 request without indicator figures: %s", err)
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
        self.core.perform(
            actor, period_id, [DinasEvent.APPROVE_DISTRIBUTION], detail=self._opened, record=self._reports
        )

    def _opened(self, act: Act, event: Event) -> Detail:
        act.deadline = self.core.calendar.input_deadline(act.now)
        return Detail(columns={"distributed_at": act.now, "deadline": act.deadline})

    def _reports(self, tx: Tx, act: Act, event: Event, audit_id: int) -> None:
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
