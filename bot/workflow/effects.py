"""The Google effects the state tables name, carried out through the WorkbookPort.

An :class:`Act` is one action as the generic path carries it: who, on which period (and bidang),
the text they typed, what the intake found, and, once the Google effect ran, what it returned.
:class:`GoogleEffects` runs the effect a table row names (:class:`~bot.workflow.machine.GoogleEffect`);
every effect is idempotent, so running it again after a crash or a fault changes nothing twice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.errors import ActionRefused
from bot.workflow.intake import SheetMemory, SubmissionReady
from bot.workflow.machine import BidangEvent, BidangState, DinasEvent, GoogleEffect
from bot.workflow.master_versions import masters_by_tw, target_labels, versions_from_rows
from bot.workflow.people import Actor
from bot.workflow.ports import WorkbookPort
from sheets.facts import (
    ArchiveRef,
    AuditEntry,
    Feedback,
    FeedbackPlace,
    ProblemInfo,
    RekapData,
    RekapRef,
    RekomendasiData,
    SnapshotData,
    TindakLanjutData,
    WorkbookRef,
)
from sheets.master import Master
from sheets.notes import cell_marks, marked_after
from sheets.riwayat import pelaku

logger = logging.getLogger(__name__)

Event = DinasEvent | BidangEvent


@dataclass
class Act:
    """One action on its way through the generic path (check -> Google -> move + audit + outbox)."""

    actor: Actor
    event: Event
    period: Row[Any]
    now: datetime
    bidang: str | None = None
    report: Row[Any] | None = None
    text: str | None = None  # the reason, note, rekomendasi or tindak lanjut typed
    khusus: Mapping[str, str] = field(default_factory=dict)  # rekomendasi per bidang
    submission: SubmissionReady | None = None
    place: FeedbackPlace | None = None
    place_after: FeedbackPlace | None = None  # ``place`` with the cells the feedback left marked
    rekap: RekapData | None = None  # what the dinas workbook is written from (REKAP, ARCHIVE)
    deadline: datetime | None = None  # the input deadline a distribution sets
    refs: Mapping[str, WorkbookRef] = field(default_factory=dict)  # DISTRIBUTE
    master: Master | None = None  # DISTRIBUTE: the list new workbooks are laid out from
    rekap_ref: RekapRef | None = None  # REKAP, ARCHIVE
    archive: ArchiveRef | None = None  # ARCHIVE
    bot_step_due: bool = False  # the bot's own next step on the period is due after this move
    owed: int | None = None  # the intention whose Google effect follows the move (FOLLOWING_EFFECTS)

    @property
    def tahun(self) -> int:
        """The period's year."""
        return int(self.period.tahun)

    @property
    def tw(self) -> int:
        """The period's TW."""
        return int(self.period.tw)


def rekap_data(tx: Tx, period: Row[Any], act: Act) -> RekapData:
    """Plain data for the dinas workbook: snapshots of the year up to this TW, rekomendasi, audit.

    What the action itself adds (the rekomendasi given, the tindak lanjut recorded) is included,
    so the workbook written before the move already holds it.
    """
    snapshots = tuple(
        SnapshotData(r.bidang, r.tw, r.values, r.values_hash) for r in tx.snapshots_of_year(period.tahun, period.tw)
    )
    rekomendasi = [RekomendasiData(period.tw, r.bidang, r.teks, r.created_at) for r in tx.rekomendasi_of(period.id)]
    tindak_lanjut = [
        TindakLanjutData(period.tw, r.bidang, r.teks, r.created_at) for r in tx.tindak_lanjut_of(period.id)
    ]
    if act.event is DinasEvent.GIVE_REKOMENDASI and act.text is not None:
        rekomendasi.append(RekomendasiData(period.tw, None, act.text, act.now))
        rekomendasi += [RekomendasiData(period.tw, kode, teks, act.now) for kode, teks in act.khusus.items()]
    if act.event is DinasEvent.RECORD_TINDAK_LANJUT and act.bidang is not None and act.text is not None:
        tindak_lanjut.append(TindakLanjutData(period.tw, act.bidang, act.text, act.now))
    versions = versions_from_rows(tx.master_versions(period.tahun))
    audit_rows = list(tx.audit_rows(period.id))
    # The revision (APBD Perubahan) that starts at this TW is part of its Riwayat.
    for version in versions:
        revision = tx.audit_row(version.audit_id) if version.audit_id and version.mulai_tw == period.tw else None
        if revision is not None and revision.period_id != period.id:
            audit_rows.append(revision)
    riwayat = tuple(
        AuditEntry(
            a.sop_step or 0,
            a.actor_role,
            a.actor_nama,
            a.event,
            a.bidang,
            a.at,
            a.duration_seconds,
            a.mutu_baku_seconds,
            a.within,
            a.reason,
            pelaku(a.actor_role, a.actor_nama, a.bidang, a.atas_nama) if a.atas_nama else None,
        )
        for a in audit_rows
    )
    return RekapData(
        snapshots=snapshots,
        catatan_analisis=period.catatan_analisis,
        rekomendasi=tuple(rekomendasi),
        tindak_lanjut=tuple(tindak_lanjut),
        riwayat=riwayat,
        masters=masters_by_tw(versions),
        target_labels={tw: label for tw, label in target_labels(versions).items() if tw <= period.tw},
    )


# The effects that write the validation's notes (and so need where they go).
NOTE_EFFECTS = frozenset({GoogleEffect.FEEDBACK, GoogleEffect.LOCK, GoogleEffect.RETURN})
# The effects on one bidang's workbook (compensated by :meth:`GoogleEffects.settle`).
BIDANG_EFFECTS = frozenset({GoogleEffect.FEEDBACK, GoogleEffect.LOCK, GoogleEffect.RETURN, GoogleEffect.REOPEN})
# The effects that follow the move instead of preceding it: what they write follows from the
# store alone, so :meth:`GoogleEffects.settle` after the move writes exactly what they would
# have (the approval's lock and "disetujui" Status). The others write what only the action holds
# (a reason, the validation's notes, a workbook's new id) or must succeed for the move to be true.
FOLLOWING_EFFECTS = frozenset({GoogleEffect.LOCK})


def stored_place(tx: Tx, tahun: int, kode: str) -> FeedbackPlace | None:
    """Where the notes go in ``kode``'s workbook, as the intake last found it (or a feedback left it)."""
    return SheetMemory.from_json(tx.sheet_memory(tahun, kode)).place


def remember_place(tx: Tx, tahun: int, kode: str, place: FeedbackPlace, now: datetime) -> None:
    """Store ``place`` as where the notes are: the cells a feedback just marked are the ones to unmark next."""
    memory = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
    if memory.place != place:
        tx.set_sheet_memory(tahun, kode, dataclasses.replace(memory, place=place).as_json(), now)


def marked_place(feedback: Feedback, tw: int) -> FeedbackPlace | None:
    """Where the notes are once ``feedback`` is written (None: the edge found the place itself)."""
    if feedback.place is None:
        return None
    return marked_after(feedback.place, cell_marks(feedback.problems, feedback.place, tw))


# The period's report document (PDF bytes) for (tahun, tw), read from the store.
LaporanSource = Callable[[int, int], bytes]


class GoogleEffects:
    """Runs the Google effect of a table row; what it returns is recorded on the Act."""

    def __init__(
        self,
        workbook: WorkbookPort,
        kodes: tuple[str, ...],
        laporan: LaporanSource | None = None,
        *,
        dikoreksi_sekretaris: Callable[[str], bool] = lambda kode: False,
    ) -> None:
        self.workbook = workbook
        self.kodes = kodes
        self.laporan = laporan
        # Whether the Sekretaris corrects a bidang (the Sekretariat): the Status tab names them.
        self.dikoreksi_sekretaris = dikoreksi_sekretaris

    def run(self, effect: GoogleEffect, act: Act) -> None:
        """Carry out ``effect`` for ``act`` (blocking; outside any transaction)."""
        tahun, kode, tw = act.tahun, act.bidang or "", act.tw
        if effect is GoogleEffect.DISTRIBUTE:
            refs = self.workbook.distribute(tahun, tw, self.kodes, act.master)
            missing = set(self.kodes) - set(refs)
            if missing:
                raise ActionRefused(texts.refusal_distribution_failed(missing))
            act.refs = refs
        elif effect is GoogleEffect.FEEDBACK:
            feedback = self._submission_feedback(act, self.dikoreksi_sekretaris(kode))
            if act.submission is not None and act.submission.ok:
                # Locked while it waits for the koreksi: what the Kepala Bidang approves is what
                # the staff submitted (a return opens it again).
                self.workbook.lock_tw(tahun, kode, tw, feedback)
            else:  # refused: editable, whatever a stop in an earlier attempt left
                self.workbook.reopen_tw(tahun, kode, tw, feedback)
            act.place_after = marked_place(feedback, tw)
        elif effect is GoogleEffect.LOCK:
            # Status Pengisian reads "Siap Dikoreksi" once approved, whether the staff submitted
            # through the sheet (they set it) or with /kirim (they did not).
            approved = texts.sheet_status_approved(self.dikoreksi_sekretaris(kode))
            feedback = Feedback(approved, place=act.place, mark_submitted=True)
            self.workbook.lock_tw(tahun, kode, tw, feedback)
            act.place_after = marked_place(feedback, tw)
        elif effect is GoogleEffect.RETURN:
            # A return always leaves the TW's cells editable, whatever locked them.
            returned = texts.sheet_status_returned(self.dikoreksi_sekretaris(kode))
            feedback = Feedback(returned, act.text or "", reset_submission=True, place=act.place)
            self.workbook.reopen_tw(tahun, kode, tw, feedback)
            act.place_after = marked_place(feedback, tw)
        elif effect is GoogleEffect.REOPEN:
            self.workbook.reopen_tw(tahun, kode, tw, Feedback(None, act.text or "", reset_submission=True))
        elif effect in (GoogleEffect.REKAP, GoogleEffect.ARCHIVE):
            assert act.rekap is not None
            act.rekap_ref = self.workbook.write_rekap(tahun, tw, act.rekap)
            if effect is GoogleEffect.ARCHIVE:
                act.archive = self.workbook.archive(tahun, tw, self._laporan(act))
        else:  # pragma: no cover - the enum is closed
            raise ValueError(effect)

    def settle(
        self, effect: GoogleEffect, period: Row[Any], report: Row[Any] | None, place: FeedbackPlace | None
    ) -> FeedbackPlace | None:
        """Compensate ``effect`` left half done: make the bidang's sheet say what the store says.

        A bidang effect (the lock of a submission or an approval, a return, a reopen) that did not
        become a move leaves the sheet as the report's current state wants it: locked while it
        waits for the koreksi or once approved, editable otherwise. The dinas effects need no
        compensation: a workbook written or shared again later is found and rewritten as is.
        Returns where the notes are when the compensation wrote them (the cells it left marked).
        """
        if effect not in BIDANG_EFFECTS or report is None:
            return None
        tahun, kode, tw = int(period.tahun), str(report.bidang), int(period.tw)
        state = BidangState(report.state)
        if state is BidangState.SUBMITTED:
            problems = tuple(ProblemInfo.from_dict(p) for p in (report.submission or {}).get("problems", ()))
            warnings = tuple(p for p in problems if p.severity == "warning")
            awaiting = texts.sheet_status_awaiting_koreksi(self.dikoreksi_sekretaris(kode))
            feedback = Feedback(awaiting, "", warnings, place=place)
            self.workbook.lock_tw(tahun, kode, tw, feedback)
            return marked_place(feedback, tw)
        if state is BidangState.APPROVED:
            approved = texts.sheet_status_approved(self.dikoreksi_sekretaris(kode))
            feedback = Feedback(approved, place=place, mark_submitted=True)
            self.workbook.lock_tw(tahun, kode, tw, feedback)
            return marked_place(feedback, tw)
        self.workbook.reopen_tw(tahun, kode, tw)
        return None

    def _laporan(self, act: Act) -> bytes | None:
        """The report document to archive; without it the archive still holds the workbook's export.

        A document that cannot be written must not keep the period open for ever: the close goes
        on with Drive's export of the workbook as the PDF copy, and the cause is logged.
        """
        if self.laporan is None:
            return None
        try:
            return self.laporan(act.tahun, act.tw)
        except Exception:
            logger.exception(
                "the report document of TW %s %s could not be written; archiving the export", act.tw, act.tahun
            )
            return None

    @staticmethod
    def _submission_feedback(act: Act, dikoreksi_sekretaris: bool) -> Feedback:
        """The validation's notes: the warnings of a valid submission, every problem of a refused one."""
        ready = act.submission
        assert ready is not None
        warnings = tuple(p for p in ready.problems if p.severity == "warning")
        if ready.ok:
            awaiting = texts.sheet_status_awaiting_koreksi(dikoreksi_sekretaris)
            return Feedback(awaiting, "", warnings, place=act.place)
        errors = sum(1 for p in ready.problems if p.severity == "error")
        catatan = texts.sheet_validation_failed(errors)
        return Feedback(texts.SHEET_STATUS_NEEDS_FIX, catatan, ready.problems, reset_submission=True, place=act.place)
