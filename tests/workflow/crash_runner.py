"""A service process for the crash test: applies a scripted SOP run to a database (SQLite or PostgreSQL).

``python -m tests.workflow.crash_runner (--db FILE | --url URL) --notify FILE [--kill-at N]``

The next action is always derived from the database (what the people would do next given the
current states and what already happened), so a process killed at any point and started again
carries on exactly where the last one stopped. Time is logical (derived from the audit trail),
so an interrupted run and an undisturbed one write the same rows. With ``--kill-at N`` the process
sends itself SIGKILL at its N-th step boundary: after a Google port call (before the database
commit), after an action's commit (before delivery), after a tick, after an outbox delivery batch.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.machine import BidangEvent, BidangState, DinasEvent, DinasState
from bot.workflow.outbox import OutboxWorker
from bot.workflow.service import WorkflowService
from config.settings import Settings, load_settings
from tests.workflow.conftest import EXAMPLE, KADIS, KASUBBAG, KEPALA, SEKRETARIS, WIB
from tests.workflow.doubles import FileNotifier, InMemoryWorkbook
from tests.workflow.scenario import submission

BASE = datetime(2026, 4, 1, 8, 0, tzinfo=WIB)


class Boundary:
    """Counts step boundaries and kills the process at the chosen one."""

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at = kill_at
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.kill_at is not None and self.count >= self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


class BoundaryWorkbook(InMemoryWorkbook):
    """The in-memory workbook with a step boundary after every write (the Google side is done)."""

    def __init__(self, boundary: Boundary) -> None:
        super().__init__()
        self.boundary = boundary

    def _call(self, name: str, *args: Any) -> None:
        super()._call(name, *args)
        if name != "poll":
            self.boundary()


class Reader:
    """Short read transactions on the runner's database, through an engine of its own.

    Not ``Store.transaction()``: a store transaction takes the write lock (``BEGIN IMMEDIATE`` on
    SQLite, the advisory lock on PostgreSQL), and the clock is read while the service holds its
    write transaction open. A plain read (SQLite in WAL mode, PostgreSQL READ COMMITTED) neither
    waits for nor blocks that transaction, and sees what was committed.
    """

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def numbers(self, query: str) -> tuple[int, ...]:
        """The one row of ``query`` (counts), read in a transaction of its own."""
        with self.engine.connect() as connection:
            row = connection.execute(text(query)).one()
        return tuple(int(value) for value in row)

    def dispose(self) -> None:
        self.engine.dispose()


class LogicalClock:
    """Now = base + 7 minutes per committed audit row: equal in every process at equal state."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def __call__(self) -> datetime:
        (count,) = self.reader.numbers("SELECT COUNT(*) FROM audit")
        return BASE + timedelta(minutes=7 * count)


def runner_settings() -> Settings:
    """The example settings with two bidang: the Sekretariat and PTK."""
    settings = load_settings(EXAMPLE)
    return settings.model_copy(update={"bidang": settings.bidang[:2]})


def next_action(service: WorkflowService, workbook: InMemoryWorkbook) -> Callable[[], None] | None:
    """What the people do next, decided from the database alone; None when the period is closed."""
    actor = service.directory.actor_for_telegram
    with service.store.transaction() as tx:
        periods = tx.periods()
        if not periods:
            raise RuntimeError("the tick should have opened TW I")
        period = periods[0]
        pid, state = period.id, DinasState(period.state)
        reports = tx.reports(pid)
        answered = {r.bidang for r in tx.tindak_lanjut_of(pid)}
        # How often each event happened (to each bidang): what the people already did.
        seen = Counter((a.event, a.bidang) for a in tx.audit_rows(pid))
    counts = {(event, kode): seen[(str(event), kode)] for event in BidangEvent for kode in ("SEK", "PTK")}
    dinas_counts = {str(e): sum(n for (ev, _), n in seen.items() if ev == e) for e in DinasEvent}

    def submit(kode: str, ok: bool) -> Callable[[], None]:
        version = 1 + counts[(BidangEvent.RETURN, kode)] + counts[(BidangEvent.REOPEN, kode)]

        def act() -> None:
            service.handle_events([submission(kode, period.tw, ok, version)])

        return act

    if state is DinasState.AWAITING_DISTRIBUTION:
        return lambda: service.approve_distribution(actor(SEKRETARIS), pid)
    if state is DinasState.COLLECTING:
        for report in reports:
            kode, rstate = report.bidang, BidangState(report.state)
            if rstate is BidangState.OPENED and kode == "PTK" and not counts[(BidangEvent.SUBMISSION_INVALID, kode)]:
                return submit(kode, ok=False)
            if rstate in (
                BidangState.OPENED,
                BidangState.FILLING,
                BidangState.RETURNED,
                BidangState.REOPENED,
            ):
                return submit(kode, ok=True)
            if rstate is BidangState.SUBMITTED:
                if kode == "PTK" and not counts[(BidangEvent.RETURN, kode)]:
                    return lambda k=kode: service.return_koreksi(actor(KEPALA[k]), pid, k, "Lengkapi bukti dukung")
                return lambda k=kode: service.approve_koreksi(actor(KEPALA[k]), pid, k)
        return lambda: service.advance(pid)
    kasubbag = actor(KASUBBAG)
    if state is DinasState.REVISION and not dinas_counts[DinasEvent.REOPEN_BIDANG]:
        return lambda: service.reopen_bidang(kasubbag, pid, "PTK", "Periksa kembali realisasi")
    if state in (DinasState.ANALYSIS, DinasState.REVISION):
        if not dinas_counts[DinasEvent.ADD_ANALYSIS_NOTE]:
            return lambda: service.add_analysis_note(kasubbag, pid, "Capaian umumnya tinggi.")
        return lambda: service.submit_to_sekretaris(kasubbag, pid)
    if state is DinasState.TELAAH_SEKRETARIS:
        if not dinas_counts[DinasEvent.RETURN_BY_SEKRETARIS]:
            return lambda: service.return_by_sekretaris(actor(SEKRETARIS), pid, "Data PTK perlu dicek")
        return lambda: service.forward_to_kepala_dinas(actor(SEKRETARIS), pid)
    if state is DinasState.TELAAH_KEPALA_DINAS:
        if not dinas_counts[DinasEvent.RETURN_BY_KEPALA_DINAS]:
            return lambda: service.return_by_kepala_dinas(actor(KADIS), pid, "Analisis belum tajam")
        return lambda: service.approve_by_kepala_dinas(actor(KADIS), pid)
    if state is DinasState.WRITING_REKOMENDASI:
        return lambda: service.give_rekomendasi(actor(KADIS), pid, "Tingkatkan serapan", {"PTK": "Bursa kerja"})
    if state is DinasState.FOLLOW_UP:
        for report in reports:
            if report.bidang not in answered:
                return lambda k=report.bidang: service.record_tindak_lanjut(actor(KEPALA[k]), pid, k, f"TL {k}")
        return lambda: service.advance(pid)
    return None


def run(url: str, notify: Path, kill_at: int | None) -> None:
    """Apply the script from wherever the database at ``url`` is; kill at boundary ``kill_at`` if given."""
    boundary = Boundary(kill_at)
    engine = upgrade(url)
    store = Store(engine)
    reader = Reader(url)
    clock = LogicalClock(reader)
    workbook = BoundaryWorkbook(boundary)
    service = WorkflowService(runner_settings(), store, workbook, clock=clock)
    service.start()
    worker = OutboxWorker(store, FileNotifier(notify), clock)

    counting = (
        "SELECT (SELECT COUNT(*) FROM audit), (SELECT COUNT(*) FROM outbox), "
        "(SELECT COUNT(*) FROM timers_fired), (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL)"
    )

    def written() -> tuple[int, ...]:
        return reader.numbers(counting)

    runner = asyncio.Runner()
    for _ in range(500):
        before = written()
        service.tick()
        if written() != before:  # a tick that wrote nothing is no new boundary
            boundary()
        action = next_action(service, workbook)
        if action is None:
            break
        action()
        boundary()
        if runner.run(worker.run_once()):
            boundary()
    else:
        raise RuntimeError("the script did not finish")
    while runner.run(worker.run_once()):
        boundary()
    runner.close()
    reader.dispose()
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    database = parser.add_mutually_exclusive_group(required=True)
    database.add_argument("--db", type=Path, help="a SQLite file")
    database.add_argument("--url", help="a database URL (SQLAlchemy), e.g. postgresql+psycopg://...")
    parser.add_argument("--notify", type=Path, required=True)
    parser.add_argument("--kill-at", type=int, default=None)
    args = parser.parse_args(argv)
    run(args.url or f"sqlite:///{args.db}", args.notify, args.kill_at)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
