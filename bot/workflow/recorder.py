"""Writes shared by every action, inside its one transaction: the move, its audit row, its outbox rows.

A move of either table updates the report's state (and the clocks ``since`` and ``step_since``),
appends the audit row with the time spent against the step's Mutu Baku, and writes one outbox
row per recipient of each notification the table row names. The timers and the intake's
reports use :meth:`Recorder.notify` for their own notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot.store.repository import Tx
from bot.workflow.calendar import WorkCalendar
from bot.workflow.machine import (
    BIDANG_HOLDS,
    DINAS_HOLDS,
    BidangEvent,
    BidangState,
    DinasEvent,
    DinasState,
    Notify,
    Role,
    Scope,
    Transition,
    bidang_transition,
    dinas_transition,
)
from bot.workflow.notifications import Kind
from bot.workflow.payloads import Payload, check_payload
from bot.workflow.people import Actor, Directory, Person
from config.settings import Settings

# Builds the payload of one notification of a move; the bidang is the recipient's (EACH_BIDANG).
PayloadFor = Callable[[Notify, str | None], Payload]


class Recorder:
    """The move + audit + outbox writes of the workflow (the caller owns the transaction)."""

    def __init__(
        self, settings: Settings, calendar: WorkCalendar, directory: Directory, kodes: tuple[str, ...]
    ) -> None:
        self.settings = settings
        self.calendar = calendar
        self.directory = directory
        self.kodes = kodes

    def audit(
        self,
        tx: Tx,
        *,
        period_id: int | None,
        machine: str,
        bidang: str | None,
        transition: Transition | None,
        sop_step: int | None,
        event: str,
        from_state: str | None,
        to_state: str | None,
        actor: Actor,
        step_since: datetime | None,
        now: datetime,
        reason: str | None = None,
        note: str | None = None,
    ) -> int:
        """One audit row, with the time spent in the step against its Mutu Baku; returns its id."""
        duration = mutu_baku_seconds = within = None
        if step_since is not None:
            duration = (now - step_since).total_seconds()
        if transition is not None and transition.mutu_baku_step is not None and step_since is not None:
            durasi = self.settings.mutu_baku.for_step(transition.mutu_baku_step)
            mutu_baku_seconds, within = self.calendar.working_time_between(step_since, now, durasi)
        return tx.insert_audit(
            period_id=period_id,
            bidang=bidang,
            machine=machine,
            sop_step=sop_step,
            actor_role=actor.role,
            actor_person_id=actor.person_id,
            actor_nama=actor.nama,
            atas_nama=actor.atas_nama,
            telegram_user_id=actor.telegram_id,
            event=event,
            from_state=from_state,
            to_state=to_state,
            at=now,
            duration_seconds=duration,
            mutu_baku_seconds=mutu_baku_seconds,
            within=within,
            reason=reason,
            note=note,
        )

    def move_period(
        self,
        tx: Tx,
        period: Row[Any],
        event: DinasEvent,
        actor: Actor,
        now: datetime,
        *,
        bidang: str | None = None,
        reason: str | None = None,
        note: str | None = None,
        **columns: Any,
    ) -> tuple[Row[Any], Transition, int]:
        """Apply one dinas-table move; returns the reloaded period, the row, and the audit id."""
        transition = dinas_transition(DinasState(period.state), event)
        before = DINAS_HOLDS.get(DinasState(period.state))
        after = DINAS_HOLDS.get(DinasState(transition.dest))
        audit_id = self.audit(
            tx,
            period_id=period.id,
            machine="dinas",
            bidang=bidang,
            transition=transition,
            sop_step=transition.sop_step,
            event=event,
            from_state=period.state,
            to_state=transition.dest,
            actor=actor,
            step_since=period.step_since,
            now=now,
            reason=reason,
            note=note,
        )
        tx.update_period(
            period.id,
            state=transition.dest,
            since=now if transition.dest != period.state else period.since,
            step_since=now if before != after else period.step_since,
            **columns,
        )
        moved = tx.get_period(period.id)
        assert moved is not None
        return moved, transition, audit_id

    def move_report(
        self,
        tx: Tx,
        period: Row[Any],
        report: Row[Any],
        event: BidangEvent,
        actor: Actor,
        now: datetime,
        *,
        reason: str | None = None,
        note: str | None = None,
        **columns: Any,
    ) -> tuple[Row[Any], Transition, int]:
        """Apply one bidang-table move; returns the reloaded report, the row, and the audit id."""
        transition = bidang_transition(BidangState(report.state), event)
        before = BIDANG_HOLDS.get(BidangState(report.state))
        after = BIDANG_HOLDS.get(BidangState(transition.dest))
        audit_id = self.audit(
            tx,
            period_id=period.id,
            machine="bidang",
            bidang=report.bidang,
            transition=transition,
            sop_step=transition.sop_step,
            event=event,
            from_state=report.state,
            to_state=transition.dest,
            actor=actor,
            step_since=report.step_since,
            now=now,
            reason=reason,
            note=note,
        )
        moved = tx.move_report(
            report.id,
            state=transition.dest,
            since=now if transition.dest != report.state else report.since,
            step_since=now if before != after else report.step_since,
            holder_role=after.role if after else None,
            **columns,
        )
        return moved, transition, audit_id

    def announce(
        self,
        tx: Tx,
        transition: Transition,
        audit_id: int,
        bidang: str | None,
        payload_for: PayloadFor,
        now: datetime,
        period_id: int,
    ) -> None:
        """The outbox rows of every notification the table row names (keyed by the audit row)."""
        for notify in transition.notify:
            if notify.scope is Scope.EACH_BIDANG:
                for kode in self.kodes:
                    payload = payload_for(notify, kode)
                    self.notify(tx, f"a{audit_id}:{kode}", notify.kind, notify.role, kode, payload, now, period_id)
            elif notify.scope is Scope.EVERYONE:
                payload = payload_for(notify, None)
                for row in tx.people():
                    self.notify_person(tx, f"a{audit_id}", notify.kind, Person.from_row(row), payload, now, period_id)
            else:
                target = bidang if notify.scope is Scope.BIDANG else None
                payload = payload_for(notify, target)
                self.notify(tx, f"a{audit_id}", notify.kind, notify.role, target, payload, now, period_id)

    def notify(
        self,
        tx: Tx,
        key: str,
        kind: Kind,
        role: Role,
        bidang: str | None,
        payload: Payload,
        now: datetime,
        period_id: int | None = None,
    ) -> list[Person]:
        """Outbox rows for everyone holding ``role`` (for ``bidang``); ``key`` makes each row unique."""
        check_payload(kind, payload)
        people = self.directory.recipients(tx, role, bidang, at=now)
        for person in people:
            self.notify_person(tx, key, kind, person, payload, now, period_id)
        return people

    def notify_person(
        self, tx: Tx, key: str, kind: Kind, person: Person, payload: Payload, now: datetime, period_id: int | None
    ) -> None:
        """One outbox row for one person (as a Plh when ``person.atas_nama`` names the holder)."""
        check_payload(kind, payload)
        plh = ":plh" if person.atas_nama else ""  # the same person may also get it in their own right
        tx.enqueue(
            dedupe_key=f"{key}:{kind}:{person.id}{plh}",
            period_id=period_id,
            recipient_role=person.role,
            recipient_bidang=person.bidang,
            recipient_nama=person.nama,
            recipient_atas_nama=person.atas_nama,
            recipient_person_id=person.id,
            kind=kind,
            payload=payload.as_json(),
            created_at=now,
            next_attempt_at=now,
        )
