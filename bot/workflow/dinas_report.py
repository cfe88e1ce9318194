"""SOP steps 4 to 8: the dinas report, from the draft rekap to the rekomendasi handed to every bidang.

Step 4: once every bidang is approved the bot writes the draft rekap (the Kasubbag may add an
analysis note, then sends it to the Sekretaris); step 5: the Sekretaris forwards or returns it;
step 6: the Kepala Dinas approves (then writes the rekomendasi) or returns it; steps 7 and 8 are
the bot's own, recorded at once after the rekomendasi. After a return the Kasubbag may reopen
one bidang's approved report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import Detail, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.errors import ActionRefused
from bot.workflow.guards import require_text
from bot.workflow.koreksi import Koreksi
from bot.workflow.machine import BidangEvent, BidangState, DinasEvent, DinasState
from bot.workflow.people import SYSTEM_ACTOR, Actor

# The audit note of the bot's own steps 7 and 8.
_HANDED_NOTES = {
    DinasEvent.HAND_TO_KASUBBAG: texts.AUDIT_HANDED_TO_KASUBBAG,
    DinasEvent.HAND_TO_BIDANG: texts.AUDIT_HANDED_TO_BIDANG,
}


def all_approved(tx: Tx, period: Row[Any]) -> bool:
    """The period collects and every bidang's report is approved: the draft rekap is due."""
    if period.state != DinasState.COLLECTING:
        return False
    # Asked by every approval inside its transaction: counted by the database, not read row by row.
    total, approved = tx.tally_reports(period.id, BidangState.APPROVED)
    return total > 0 and approved == total


class DinasReport:
    """Steps 4-8 of the SOP."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    def build_draft(self, period_id: int) -> None:
        """Step 4, the bot's part: the draft rekap once every bidang is approved (skipped otherwise)."""
        self.core.perform(SYSTEM_ACTOR, period_id, [DinasEvent.ALL_APPROVED], precondition=all_approved)

    def add_analysis_note(self, actor: Actor, period_id: int, note: str) -> None:
        """Kasubbag: Tambah analisis (replaces the earlier note)."""
        note = require_text(note, texts.FIELD_CATATAN_ANALISIS)
        self.core.perform(
            actor,
            period_id,
            [DinasEvent.ADD_ANALYSIS_NOTE],
            text=note,
            detail=lambda act, event: Detail(note=note, columns={"catatan_analisis": note}),
        )

    def submit_to_sekretaris(self, actor: Actor, period_id: int) -> None:
        """Kasubbag: Kirim ke Sekretaris. The rekap is rewritten with the note, the Sekretaris asked."""
        self.core.perform(actor, period_id, [DinasEvent.SUBMIT_TO_SEKRETARIS])

    def forward_to_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Teruskan ke Kepala Dinas."""
        self.core.perform(actor, period_id, [DinasEvent.FORWARD_TO_KEPALA_DINAS])

    def return_dinas(self, actor: Actor, period_id: int, event: DinasEvent, reason: str) -> None:
        """Sekretaris or Kepala Dinas: Kembalikan (to the Kasubbag, with a reason)."""
        reason = require_text(reason, texts.FIELD_ALASAN_PENGEMBALIAN)
        self.core.perform(
            actor,
            period_id,
            [event],
            text=reason,
            detail=lambda act, ev: Detail(reason=reason, columns={"last_reason": reason}),
        )

    def approve_by_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Kepala Dinas: Setujui; the bot then asks for the rekomendasi."""
        self.core.perform(actor, period_id, [DinasEvent.APPROVE_BY_KEPALA_DINAS])

    def give_rekomendasi(
        self, actor: Actor, period_id: int, umum: str, per_bidang: Mapping[str, str] | None = None
    ) -> None:
        """Kepala Dinas: the rekomendasi (general + per bidang). Steps 7 and 8 follow at once."""
        umum = require_text(umum, texts.FIELD_REKOMENDASI_UMUM)
        khusus: dict[str, str] = {}
        for kode, teks in (per_bidang or {}).items():
            if kode not in self.core.kodes:
                raise ActionRefused(texts.refusal_unknown_bidang(kode))
            if not (teks or "").strip():  # never dropped in silence: the bidang would get nothing
                raise ActionRefused(texts.refusal_rekomendasi_empty(kode))
            khusus[kode] = teks.strip()
        self.core.perform(
            actor,
            period_id,
            [DinasEvent.GIVE_REKOMENDASI, DinasEvent.HAND_TO_KASUBBAG, DinasEvent.HAND_TO_BIDANG],
            text=umum,
            khusus=khusus,
            detail=lambda act, event: Detail(note=_HANDED_NOTES.get(DinasEvent(event), umum)),
            record=self._rekomendasi,
        )

    @staticmethod
    def _rekomendasi(tx: Tx, act: Act, event: Event, audit_id: int) -> None:
        if event is not DinasEvent.GIVE_REKOMENDASI:
            return
        tx.insert_rekomendasi(
            period_id=act.period.id, bidang=None, teks=act.text, created_at=act.now, audit_id=audit_id
        )
        for kode, teks in act.khusus.items():
            tx.insert_rekomendasi(
                period_id=act.period.id, bidang=kode, teks=teks, created_at=act.now, audit_id=audit_id
            )

    def reopen_bidang(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kasubbag, after a return: reopen one bidang's approved report for correction."""
        reason = require_text(reason, texts.FIELD_ALASAN_BUKA_KEMBALI)

        def detail(act: Act, event: Event) -> Detail:
            if event is BidangEvent.REOPEN:
                return Detail(reason=reason, columns={"last_reason": reason})
            return Detail(reason=reason, audit_bidang=kode)

        def record(tx: Tx, act: Act, event: Event, audit_id: int) -> None:
            if event is BidangEvent.REOPEN:
                Koreksi.forget_submission(tx, act, event, audit_id)

        self.core.perform(
            actor,
            period_id,
            [DinasEvent.REOPEN_BIDANG, BidangEvent.REOPEN],
            bidang=kode,
            text=reason,
            detail=detail,
            record=record,
        )
