"""What ``/status`` and the other read-only commands show: a period, its reports, who holds each step.

Read models only: nothing here writes. Each view is read in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.store.repository import Store
from bot.workflow.guards import Guards
from bot.workflow.machine import (
    BIDANG_HOLDS,
    DINAS_HOLDS,
    TERMINAL_DINAS_STATES,
    BidangState,
    DinasState,
    Role,
)
from bot.workflow.people import Directory


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

    def period_view(self, period_id: int) -> PeriodView:
        """The period, each bidang's state, who holds each open step and since when."""
        with self.store.read() as tx:
            period = self.guards.period(tx, period_id)
            tl = {r.bidang: r.teks for r in tx.tindak_lanjut_of(period.id)}
            reports = []
            for r in tx.reports(period.id):
                holding = BIDANG_HOLDS.get(BidangState(r.state))
                names = tuple(p.nama for p in self.directory.recipients(tx, holding.role, r.bidang)) if holding else ()
                reports.append(
                    ReportView(
                        r.bidang,
                        self.guards.bidang_label(r.bidang),
                        BidangState(r.state),
                        r.since,
                        holding.role if holding else None,
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
                names = tuple(p.nama for p in self.directory.recipients(tx, holding.role))
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
