"""Revised targets mid-year (APBD Perubahan): read, shown, applied to every workbook, audited, announced.

The Kasubbag updates the master sheet and sends ``/perubahan TANGGAL``; the bot reads and
validates the sheet (every problem written beside its row and listed in the reply), compares it
with the list in force and shows what changes, from which TW, with the buttons Terapkan / Batal.
The admin of a CSV-kept list does the same with ``python -m bot perubahan``. The revision is kept
as a draft (``master_versions`` row with status ``draf``) until applied.

Applying it: the TWs from ``mulai_tw`` on take it. ``mulai_tw`` is the TW the date falls in, or
later when that TW is already measured (a bidang approved it, or the dinas report moved past
collecting): an approved TW keeps the targets it was approved under. Every bidang workbook of the
year gets the revised targets and pagu of those TWs, the added indicators' rows, the dropped
ones marked (:mod:`sheets.revision`) - Google first, idempotent, so a fault only means pressing
again - then in one transaction the version is stored, the audit trail records it, and the
Kepala Dinas is told (``TARGET_REVISED``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import WorkflowCore
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BidangState, DinasState, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import TargetRevised
from bot.workflow.people import Actor
from bot.workflow.year import BudgetYear
from sheets.master import Indikator, Master, master_from_json, master_to_json
from sheets.revision import TargetRevision, compare

logger = logging.getLogger(__name__)

__all__ = ["MasterRevisions", "RevisionDraft"]

DRAF, BERLAKU, BATAL = "draf", "berlaku", "batal"
UNMEASURED_STATES = frozenset({DinasState.AWAITING_DISTRIBUTION, DinasState.COLLECTING})


@dataclass(frozen=True)
class RevisionDraft:
    """A revision read and compared, waiting to be applied (or applied: ``status`` "berlaku")."""

    id: int
    tahun: int
    berlaku: date
    mulai_tw: int
    tw_tanggal: int
    totals: tuple[int, int, int]
    per_bidang: list[dict[str, Any]]
    sumber: str
    status: str

    def preview(self) -> str:
        """What the Kasubbag reads before applying it."""
        return texts.revision_preview(
            self.tahun, self.berlaku, self.mulai_tw, self.tw_tanggal, self.totals, self.per_bidang, self.sumber
        )


def tw_of(day: date, tahun: int) -> int:
    """The TW of ``tahun`` a date falls in (1 before the year, 5 after it)."""
    if day.year < tahun:
        return 1
    if day.year > tahun:
        return 5
    return (day.month - 1) // 3 + 1


class MasterRevisions:
    """The APBD Perubahan of the year: prepare (read, compare), apply, cancel; and /induk's check."""

    def __init__(self, core: WorkflowCore, year: BudgetYear) -> None:
        self.core = core
        self.year = year

    # --- who, and from which TW --------------------------------------------------------------

    def _check(self, tx: Tx, actor: Actor) -> Actor:
        """The Kasubbag (or their Plh), or the administrator's command; as the audit trail records them."""
        if actor.role in (Role.SYSTEM, Role.KASUBBAG_KPEP):
            return actor
        acting = self.core.guards.acting(tx, actor, Role.KASUBBAG_KPEP, None)
        if acting is None:
            raise ActionRefused(texts.REFUSAL_MASTER_ONLY_KASUBBAG)
        return acting.as_actor()

    @staticmethod
    def first_tw(tx: Tx, tahun: int, berlaku: date) -> tuple[int, int]:
        """(the first TW the revision applies to, the TW its date falls in); 5 when none is left."""
        dated = tw_of(berlaku, tahun)
        first = dated
        for period in tx.periods():
            if period.tahun != tahun:
                continue
            approved = BidangState.APPROVED in set(tx.report_states(period.id).values())
            if approved or DinasState(period.state) not in UNMEASURED_STATES:
                first = max(first, period.tw + 1)
        return first, dated

    def _dropped(self, base: list[Master], new: Master) -> tuple[Indikator, ...]:
        """Every indicator of the year's earlier lists that ``new`` no longer has."""
        present = {(item.bidang, item.key) for item in new.indikator}
        earlier: dict[tuple[str, str], Indikator] = {}
        for master in base:
            earlier.update({(item.bidang, item.key): item for item in master.indikator})
        return tuple(item for identity, item in earlier.items() if identity not in present)

    # --- /induk ---------------------------------------------------------------------------------

    def check_sheet(self, actor: Actor, tahun: int | None = None) -> tuple[int, Master]:
        """``/induk [TAHUN]``: read and validate a year's list in the master sheet now (notes written
        beside its rows); the budget year the office works in by default."""
        with self.core.store.transaction() as tx:
            self._check(tx, actor)
        if not self.core.masters.from_sheet:
            raise ActionRefused(texts.REFUSAL_MASTER_NOT_SHEET)
        tahun = self.year.current() if tahun is None else tahun
        return tahun, self.core.masters.read_sheet(tahun)

    # --- prepare, apply, cancel -----------------------------------------------------------------

    def prepare(
        self, actor: Actor, berlaku: date, master: Master | None = None, tahun: int | None = None
    ) -> RevisionDraft:
        """Read the revised list of budget year ``tahun`` (the master sheet's tab of the year, or ``master``
        from the admin's CSV), compare it with that year's list in force, keep a draft.

        ``tahun`` is by default the budget year the office works in (:meth:`BudgetYear.current`):
        a revision is one of that year's versions. Raises :class:`~sheets.master.MasterError` when
        the sheet cannot be used (its problems are written beside their rows), ActionRefused when
        there is nothing to apply.
        """
        core = self.core
        tahun = self.year.current() if tahun is None else tahun
        with core.store.transaction() as tx:
            who = self._check(tx, actor)
        if master is None:
            if not core.masters.from_sheet:
                raise ActionRefused(texts.REFUSAL_MASTER_NOT_SHEET)
            master = core.masters.read_sheet(tahun)
        versions = core.masters.versions(tahun)
        murni: Master | None = None
        if not versions:
            with core.store.transaction() as tx:
                distributed = any(p.tahun == tahun and p.distributed_at is not None for p in tx.periods())
            if not distributed or core.masters.from_sheet:
                # Before the year's first distribution there is nothing to revise: the list is simply
                # edited. A year distributed before versions were kept revises its configured CSV.
                raise ActionRefused(texts.refusal_revision_before_distribution(tahun))
            murni = core.masters.read_csv(tahun)
        base = versions[-1].master if versions else murni
        assert base is not None
        changes = compare(base, master, core.kodes)
        if not any(change.any for change in changes.values()):
            raise ActionRefused(texts.REFUSAL_REVISION_NO_CHANGE)
        per_bidang: list[dict[str, Any]] = [
            {
                "kode": kode,
                "nama": core.settings.bidang_nama(kode),
                "diubah": len(change.diubah),
                "ditambah": len(change.ditambah),
                "dihapus": len(change.dihapus),
            }
            for kode, change in changes.items()
            if change.any
        ]
        totals = tuple(sum(int(b[name]) for b in per_bidang) for name in ("diubah", "ditambah", "dihapus"))
        now = core.now()
        with core.store.transaction() as tx:
            first, dated = self.first_tw(tx, tahun, berlaku)
            if first > 4:
                raise ActionRefused(texts.refusal_revision_all_measured(tahun))
            draft_id = tx.insert_master_version(
                tahun=tahun,
                versi=None,
                status=DRAF,
                label=texts.LABEL_APBD_PERUBAHAN,
                berlaku_mulai=berlaku,
                mulai_tw=first,
                sumber=master.source or "-",
                indikator=master_to_json(master),
                ringkasan={
                    "per_bidang": per_bidang,
                    "totals": list(totals),
                    "tw_tanggal": dated,
                    "murni": master_to_json(murni) if murni is not None else None,
                    "murni_sumber": murni.source if murni is not None else None,
                },
                created_at=now,
                created_by_person_id=who.person_id,
                created_by_nama=who.nama,
            )
            row = tx.get_master_version(draft_id)
            assert row is not None
            draft = self._draft(row)
        logger.info("revision %s of %s prepared: from TW %s, %s", draft_id, tahun, first, totals)
        return draft

    @staticmethod
    def _draft(row: Any) -> RevisionDraft:
        summary = dict(row.ringkasan or {})
        totals = tuple(int(v) for v in summary.get("totals", (0, 0, 0)))
        return RevisionDraft(
            row.id,
            row.tahun,
            row.berlaku_mulai,
            row.mulai_tw,
            int(summary.get("tw_tanggal", row.mulai_tw)),
            (totals[0], totals[1], totals[2]),
            list(summary.get("per_bidang", [])),
            row.sumber,
            row.status,
        )

    def _open_draft(self, tx: Tx, draft_id: int) -> Any:
        row = tx.get_master_version(draft_id)
        if row is None:
            raise ActionRefused(texts.REFUSAL_REVISION_NOT_FOUND)
        if row.status != DRAF:
            raise ActionRefused(texts.refusal_revision_decided(row.status))
        return row

    def apply(self, actor: Actor, draft_id: int) -> RevisionDraft:
        """Terapkan: every workbook takes the revision, then it is stored, audited and announced."""
        core = self.core
        with core.store.transaction() as tx:
            self._check(tx, actor)
            row = self._open_draft(tx, draft_id)
            first, _ = self.first_tw(tx, row.tahun, row.berlaku_mulai)
            if first > 4:
                raise ActionRefused(texts.refusal_revision_all_measured(row.tahun))
            with_workbooks = {
                report.bidang
                for period in tx.periods()
                if period.tahun == row.tahun
                for report in tx.reports(period.id)
                if report.spreadsheet_id
            }
        tahun = int(row.tahun)
        summary = dict(row.ringkasan or {})
        new = master_from_json(row.indikator, row.sumber)
        earlier = [version.master for version in core.masters.versions(tahun)]
        if summary.get("murni") and not earlier:
            earlier = [master_from_json(summary["murni"], str(summary.get("murni_sumber") or "-"))]
        dropped = Master(self._dropped(earlier, new))
        for kode in (k for k in core.kodes if k in with_workbooks):
            revision = TargetRevision(kode, new.for_bidang(kode), dropped.for_bidang(kode), first)
            core.workbook.revise_targets(tahun, kode, revision)
        now = core.now()
        with core.store.transaction() as tx:
            who = self._check(tx, actor)
            row = self._open_draft(tx, draft_id)  # a doubled press finds it applied
            if summary.get("murni") and not tx.master_version_ids(tahun):
                core.masters.keep_murni(tx, tahun, earlier[0], now)
            versi = len(tx.master_version_ids(tahun)) + 1
            draft = self._draft(row)
            period = tx.find_period(tahun, first)
            audit_id = core.recorder.audit(
                tx,
                period_id=period.id if period is not None else None,
                machine="induk",
                bidang=None,
                transition=None,
                sop_step=None,
                event="perubahan_target",
                from_state=None,
                to_state=None,
                actor=who,
                step_since=None,
                now=now,
                note=texts.audit_revision_note(row.label, row.berlaku_mulai, first, draft.totals),
            )
            tx.update_master_version(
                draft_id, status=BERLAKU, versi=versi, mulai_tw=first, applied_at=now, audit_id=audit_id
            )
            payload = TargetRevised(
                tahun=tahun,
                versi=versi,
                label=row.label,
                berlaku_mulai=row.berlaku_mulai.isoformat() if row.berlaku_mulai else None,
                mulai_tw=first,
                diubah=draft.totals[0],
                ditambah=draft.totals[1],
                dihapus=draft.totals[2],
                bidang_berubah=draft.per_bidang,
                actor_nama=texts.nama_pemegang(who.nama, who.atas_nama),
            )
            core.recorder.notify(
                tx, f"a{audit_id}", Kind.TARGET_REVISED, Role.KEPALA_DINAS, None, payload, now, payload_period(period)
            )
            applied = tx.get_master_version(draft_id)
            assert applied is not None
            result = self._draft(applied)
        logger.info("revision %s of %s applied as version %s from TW %s", draft_id, tahun, versi, first)
        return result

    def cancel(self, actor: Actor, draft_id: int) -> None:
        """Batal: the draft is dropped; nothing changed anywhere."""
        with self.core.store.transaction() as tx:
            self._check(tx, actor)
            self._open_draft(tx, draft_id)
            tx.update_master_version(draft_id, status=BATAL)
        logger.info("revision %s cancelled", draft_id)


def payload_period(period: Any) -> int | None:
    """The outbox row's period: the TW the revision starts at, when it has begun."""
    return int(period.id) if period is not None else None
