"""The checks every action runs before it writes: the period exists, role, bidang, the state table.

An action is refused with :class:`~bot.workflow.errors.ActionRefused` (an Indonesian reason the
Telegram edge shows) before anything is written. The same checks run again inside the
transaction that writes the move, so a doubled press finds the state moved on and is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.errors import ActionRefused, InvalidTransition
from bot.workflow.machine import (
    BIDANG_TABLE,
    DINAS_TABLE,
    BidangEvent,
    BidangState,
    DinasEvent,
    DinasState,
    Role,
    Transition,
    bidang_transition,
    dinas_transition,
)
from bot.workflow.people import Acting, Actor, Directory

MIN_REASON_LENGTH = 3
Event = DinasEvent | BidangEvent

# Dinas events that concern one bidang (checked with that bidang).
BIDANG_DINAS_EVENTS = frozenset({DinasEvent.REOPEN_BIDANG, DinasEvent.RECORD_TINDAK_LANJUT})


def event_role(table: Mapping[tuple[Any, Any], Transition], event: Any) -> Role:
    """The role that causes ``event`` (the same in every row of a table, checked by the tests)."""
    return next(t.actor_role for (_, e), t in table.items() if e == event)


def require_text(text: str | None, what: str) -> str:
    """``text`` stripped; refused when empty, punctuation only, or shorter than a word."""
    cleaned = (text or "").strip()
    if not any(char.isalnum() for char in cleaned):  # empty, or only " . " / "-"
        raise ActionRefused(texts.refusal_text_required(what))
    if len(cleaned) < MIN_REASON_LENGTH:
        raise ActionRefused(texts.refusal_text_too_short(what, MIN_REASON_LENGTH))
    return cleaned


class Guards:
    """Role, bidang and state checks against the tables and the directory of people.

    A person acting as Plh for an official may do what the official may, while the Plh is in
    force (``clock`` says when "now" is); the official keeps their own rights meanwhile.
    """

    def __init__(self, directory: Directory, kodes: tuple[str, ...], clock: Callable[[], datetime]) -> None:
        self.directory = directory
        self.kodes = kodes
        self.clock = clock

    def bidang_label(self, kode: str) -> str:
        """A bidang's name (the kode when unknown)."""
        return self.directory.settings.bidang_nama(kode)

    def period(self, tx: Tx, period_id: int) -> Row[Any]:
        """The period, refused when it does not exist."""
        period = tx.get_period(period_id)
        if period is None:
            raise ActionRefused(texts.REFUSAL_PERIOD_NOT_FOUND)
        return period

    def report(self, tx: Tx, period: Row[Any], kode: str) -> Row[Any]:
        """A bidang's report of the period, refused when it does not exist."""
        report = tx.get_report(period.id, kode)
        if report is None:
            raise ActionRefused(texts.refusal_report_not_found(kode, period.tw, period.tahun))
        return report

    def _holds(self, actor: Actor, role: Role, bidang: str | None) -> bool:
        """Whether ``actor`` holds ``role`` (for ``bidang``) in their own right."""
        if actor.atas_nama is not None:
            return False  # acting for someone: checked against the Plh in force, every time
        if role is Role.SYSTEM:
            return actor.role is Role.SYSTEM
        if role is Role.KEPALA_BIDANG:
            assert bidang is not None
            return (actor.role is Role.KEPALA_BIDANG and actor.bidang == bidang) or (
                self.directory.corrector_is_sekretaris(bidang) and actor.role is Role.SEKRETARIS
            )
        if role is Role.STAF:
            return actor.role is Role.STAF and actor.bidang == bidang
        return actor.role is role

    def acting(self, tx: Tx, actor: Actor, role: Role, bidang: str | None) -> Acting | None:
        """The Plh ``actor`` holds for ``role`` (of ``bidang``) now, None when they hold none."""
        if actor.person_id is None or role in (Role.SYSTEM, Role.STAF):
            return None
        now = self.clock()
        if role is Role.KEPALA_BIDANG:
            assert bidang is not None
            acting = self.directory.corrector_acting(tx, bidang, now)
        else:
            acting = self.directory.acting_for(tx, role, None, now)
        return acting if acting is not None and acting.person.id == actor.person_id else None

    def check_role(self, actor: Actor, role: Role, bidang: str | None, tx: Tx | None = None) -> None:
        """Refuse unless ``actor`` may act as ``role`` (for ``bidang``): in their own right, or as its Plh.

        The Plh is looked up only with a transaction ``tx`` (every check of an action has one).
        """
        if self._holds(actor, role, bidang):
            return
        if tx is not None and self.acting(tx, actor, role, bidang) is not None:
            return
        if role is Role.SYSTEM:
            raise ActionRefused(texts.REFUSAL_SYSTEM_ONLY)
        if role is Role.KEPALA_BIDANG:
            assert bidang is not None
            sekretaris_corrects = self.directory.corrector_is_sekretaris(bidang)
            raise ActionRefused(texts.refusal_only_kepala_bidang(self.bidang_label(bidang), sekretaris_corrects))
        if role is Role.STAF:
            raise ActionRefused(texts.refusal_only_staf(self.bidang_label(bidang or "")))
        raise ActionRefused(texts.refusal_only_role(role))

    def in_capacity(self, tx: Tx, actor: Actor, event: Event, bidang: str | None) -> Actor:
        """``actor`` as the audit trail records them for ``event``: as the Plh when they act as one."""
        table: Mapping[tuple[Any, Any], Transition] = BIDANG_TABLE if isinstance(event, BidangEvent) else DINAS_TABLE
        role = event_role(table, event)
        if self._holds(actor, role, bidang):
            return actor
        acting = self.acting(tx, actor, role, bidang)
        return acting.as_actor() if acting is not None else actor

    def check_dinas(
        self, period: Row[Any], event: DinasEvent, actor: Actor, bidang: str | None = None, tx: Tx | None = None
    ) -> Transition:
        """Role first (who may ever do this), then the table row for the current state."""
        self.check_role(actor, event_role(DINAS_TABLE, event), bidang, tx)
        try:
            return dinas_transition(DinasState(period.state), event)
        except InvalidTransition:
            raise ActionRefused(texts.refusal_dinas_state(period.tw, period.tahun, period.state)) from None

    def check_bidang(
        self, period: Row[Any], report: Row[Any], event: BidangEvent, actor: Actor, tx: Tx | None = None
    ) -> Transition:
        """Role, then the period collecting (but for a reopen), then the bidang table's row."""
        self.check_role(actor, event_role(BIDANG_TABLE, event), report.bidang, tx)
        if period.state != DinasState.COLLECTING and event is not BidangEvent.REOPEN:
            raise ActionRefused(texts.refusal_bidang_locked(period.tw, period.tahun, period.state))
        try:
            return bidang_transition(BidangState(report.state), event)
        except InvalidTransition:
            raise ActionRefused(
                texts.refusal_bidang_state(
                    self.bidang_label(report.bidang),
                    period.tw,
                    period.tahun,
                    report.state,
                    self.directory.corrector_is_sekretaris(report.bidang),
                )
            ) from None

    def check_event(self, tx: Tx, period: Row[Any], event: Event, actor: Actor, bidang: str | None) -> Row[Any] | None:
        """Every check the action causing ``event`` runs before writing; the bidang report when it concerns one.

        A bidang event, reopening a bidang and recording its tindak lanjut need ``bidang``; reopening
        is checked on both tables (the dinas report must be in revision, the bidang report approved).
        """
        needs_bidang = isinstance(event, BidangEvent) or event in BIDANG_DINAS_EVENTS
        if needs_bidang and not bidang:
            raise ActionRefused(texts.REFUSAL_BIDANG_NOT_NAMED)
        if bidang and bidang not in self.kodes:
            raise ActionRefused(texts.refusal_unknown_bidang(bidang))
        if event is DinasEvent.RECORD_TINDAK_LANJUT:
            assert bidang is not None
            self.check_dinas(period, event, actor, bidang=bidang, tx=tx)
            if bidang not in {r.bidang for r in tx.reports(period.id)}:
                raise ActionRefused(texts.refusal_bidang_not_in_period(bidang))
            if bidang in {r.bidang for r in tx.tindak_lanjut_of(period.id)}:
                raise ActionRefused(texts.refusal_tindak_lanjut_recorded(self.bidang_label(bidang)))
            return None
        if event in (DinasEvent.REOPEN_BIDANG, BidangEvent.REOPEN):
            assert bidang is not None
            self.check_dinas(period, DinasEvent.REOPEN_BIDANG, actor, tx=tx)
            report = self.report(tx, period, bidang)
            self.check_bidang(period, report, BidangEvent.REOPEN, actor, tx)
            return report
        if isinstance(event, BidangEvent):
            assert bidang is not None
            report = self.report(tx, period, bidang)
            self.check_bidang(period, report, event, actor, tx)
            return report
        self.check_dinas(period, event, actor, tx=tx)
        return None
