"""SOP step 9: every bidang's tindak lanjut, then the period closed and archived.

Each Kepala Bidang records the tindak lanjut from Telegram (written to the dinas workbook);
when every bidang has answered, the bot writes the final rekap, archives it and tells everyone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import Detail, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.guards import require_text
from bot.workflow.machine import DinasEvent, DinasState
from bot.workflow.people import SYSTEM_ACTOR, Actor


def all_followed_up(tx: Tx, period: Row[Any]) -> bool:
    """The period is in follow-up and every bidang has recorded its tindak lanjut: it may close."""
    if period.state != DinasState.FOLLOW_UP:
        return False
    answered = {r.bidang for r in tx.tindak_lanjut_of(period.id)}
    return answered >= tx.report_states(period.id).keys()


class FollowUp:
    """Step 9 of the SOP."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    def record_tindak_lanjut(self, actor: Actor, period_id: int, kode: str, teks: str) -> Act | None:
        """Kepala Bidang: Catat tindak lanjut. Written to the dinas workbook; the Act says whether the close is due."""
        teks = require_text(teks, texts.FIELD_TINDAK_LANJUT)
        return self.core.perform(
            actor,
            period_id,
            [DinasEvent.RECORD_TINDAK_LANJUT],
            bidang=kode,
            text=teks,
            detail=lambda act, event: Detail(note=teks, audit_bidang=kode),
            record=self._tindak_lanjut,
            bot_step=all_followed_up,
        )

    @staticmethod
    def _tindak_lanjut(tx: Tx, act: Act, event: Event, audit_id: int) -> None:
        tx.insert_tindak_lanjut(
            period_id=act.period.id,
            bidang=act.bidang,
            teks=act.text,
            created_at=act.now,
            actor_person_id=act.actor.person_id,
            audit_id=audit_id,
        )

    def close(self, period_id: int) -> None:
        """The bot's part of step 9: the final rekap, the archive, everyone told (skipped until due)."""
        self.core.perform(
            SYSTEM_ACTOR, period_id, [DinasEvent.CLOSE], detail=self._closed, precondition=all_followed_up
        )

    @staticmethod
    def _closed(act: Act, event: Event) -> Detail:
        assert act.archive is not None
        # The audit note says where the archive went and anything it had to do otherwise (an xlsx built by the bot).
        note = "\n".join((act.archive.url, *act.archive.catatan))
        return Detail(note=note, columns={"archive_url": act.archive.url, "closed_at": act.now})
