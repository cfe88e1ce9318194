"""What ``/status``, ``/bantuan`` and the other read-only commands show: a period, its reports, who
holds each step, and what one person may do now (:meth:`Views.open_moves`).

Read models only: nothing here writes. Each view is read in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.errors import ActionRefused
from bot.workflow.guards import BIDANG_DINAS_EVENTS, Event, Guards, event_role
from bot.workflow.machine import (
    BIDANG_HOLDS,
    BIDANG_TABLE,
    DINAS_HOLDS,
    DINAS_TABLE,
    TERMINAL_DINAS_STATES,
    BidangEvent,
    BidangState,
    DinasState,
    Role,
)
from bot.workflow.people import Actor, Directory

# The events a person causes (every other one is the bot's own), in the tables' order.
PERSON_EVENTS: tuple[Event, ...] = tuple(
    dict.fromkeys(
        [e for (_, e) in BIDANG_TABLE if event_role(BIDANG_TABLE, e) is not Role.SYSTEM]
        + [e for (_, e) in DINAS_TABLE if event_role(DINAS_TABLE, e) is not Role.SYSTEM]
    )
)


@dataclass(frozen=True)
class PeriodRef:
    """Which period an action was checked against (for the texts that name it)."""

    id: int
    tahun: int
    tw: int


@dataclass(frozen=True)
class ReportView:
    """One bidang's report as ``/status`` shows it."""

    bidang: str
    bidang_nama: str
    state: BidangState
    state_label: str
    since: datetime
    holder_role: Role | None
    holder_nama: tuple[str, ...]
    step_since: datetime
    url: str | None
    last_reason: str | None
    tindak_lanjut: str | None


@dataclass(frozen=True)
class PeriodView:
    """A period as ``/status`` shows it."""

    id: int
    tahun: int
    tw: int
    state: DinasState
    since: datetime
    step_since: datetime
    holder_role: Role | None
    holder_nama: tuple[str, ...]
    deadline: datetime | None
    rekap_url: str | None
    archive_url: str | None
    catatan_analisis: str | None
    reports: tuple[ReportView, ...]
    rekap_summary: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Move:
    """An event a person may cause now on a period, for ``bidang`` when it concerns one."""

    event: Event
    bidang: str | None


class Views:
    """The read models of the workflow."""

    def __init__(self, store: Store, directory: Directory, guards: Guards) -> None:
        self.store = store
        self.directory = directory
        self.guards = guards

    def current_period_id(self) -> int | None:
        """The latest running period, else the latest period, else None."""
        with self.store.read() as tx:
            periods = tx.periods()
        running = [p for p in periods if p.state not in TERMINAL_DINAS_STATES]
        pool = running or periods
        return pool[-1].id if pool else None

    def running_period_ids(self) -> list[int]:
        """Every running period, oldest first; when none runs, the latest period; else empty.

        /status shows them all: a period stuck in an earlier TW must not hide behind the newest.
        """
        with self.store.read() as tx:
            periods = tx.periods()
        running = [p.id for p in periods if p.state not in TERMINAL_DINAS_STATES]
        return running or ([periods[-1].id] if periods else [])

    def _names(self, tx: Tx, role: Role, bidang: str | None) -> tuple[str, ...]:
        """Who holds ``role`` (of ``bidang``) now, a Plh marked as such."""
        people = self.directory.recipients(tx, role, bidang, at=self.guards.clock())
        return tuple(texts.nama_pemegang(p.nama, p.atas_nama) for p in people)

    def period_id_for(self, tahun: int | None, tw: int | None, current_year: int) -> int | None:
        """The period a command names: (tahun, tw); a year alone: its latest period; a TW alone: that TW of
        ``current_year`` (else its latest); neither: :meth:`current_period_id`. None when there is none."""
        if tahun is None and tw is None:
            return self.current_period_id()
        with self.store.transaction() as tx:
            periods = tx.periods()
        if tahun is None:
            same_tw = [p for p in periods if p.tw == tw]
            this_year = [p for p in same_tw if p.tahun == current_year]
            pool = this_year or same_tw
        else:
            pool = [p for p in periods if p.tahun == tahun and (tw is None or p.tw == tw)]
        return pool[-1].id if pool else None

    def period_view(self, period_id: int) -> PeriodView:
        """The period, each bidang's state, who holds each open step and since when."""
        with self.store.read() as tx:
            period = self.guards.period(tx, period_id)
            tl = {r.bidang: r.teks for r in tx.tindak_lanjut_of(period.id)}
            reports = []
            for r in tx.reports(period.id):
                holding = BIDANG_HOLDS.get(BidangState(r.state))
                names = self._names(tx, holding.role, r.bidang) if holding else ()
                reports.append(
                    ReportView(
                        r.bidang,
                        self.guards.bidang_label(r.bidang),
                        BidangState(r.state),
                        texts.bidang_state_label(r.state, self.directory.corrector_is_sekretaris(r.bidang)),
                        r.since,
                        self.directory.holder_role(holding.role, r.bidang) if holding else None,
                        names,
                        r.step_since,
                        r.workbook_url,
                        r.last_reason,
                        tl.get(r.bidang),
                    )
                )
            holding = DINAS_HOLDS.get(DinasState(period.state))
            names = ()
            if holding and holding.role is not Role.KEPALA_BIDANG:
                names = self._names(tx, holding.role, None)
            return PeriodView(
                period.id,
                period.tahun,
                period.tw,
                DinasState(period.state),
                period.since,
                period.step_since,
                holding.role if holding else None,
                names,
                period.deadline,
                period.rekap_url,
                period.archive_url,
                period.catatan_analisis,
                tuple(reports),
                dict(period.rekap_summary or {}),
            )

    def open_moves(self, actor: Actor, period_id: int) -> tuple[Move, ...]:
        """What ``actor`` may do now in the period: each event a person causes whose checks pass.

        The checks are the ones every action runs before it writes (``Guards.check_event``: role,
        bidang, the state tables' row for the current state, a tindak lanjut not yet recorded),
        tried for the period and for each bidang report the event could concern; nothing is
        written. A move is no promise: the action checks again when it is taken.
        """
        moves: list[Move] = []
        with self.store.transaction() as tx:
            period = self.guards.period(tx, period_id)
            dinas_state = DinasState(period.state)
            reports = {r.bidang: BidangState(r.state) for r in tx.reports(period.id)}
            for event in PERSON_EVENTS:
                candidates: list[str | None]
                if isinstance(event, BidangEvent):
                    candidates = [k for k, state in reports.items() if (state, event) in BIDANG_TABLE]
                elif (dinas_state, event) not in DINAS_TABLE:
                    candidates = []
                else:
                    candidates = list(reports) if event in BIDANG_DINAS_EVENTS else [None]
                for bidang in candidates:
                    try:
                        self.guards.check_event(tx, period, event, actor, bidang)
                    except ActionRefused:
                        continue
                    moves.append(Move(event, bidang))
        return tuple(moves)
