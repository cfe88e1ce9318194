"""Races: two decisions on the same report at the same moment give one action, on both engines.

The workflow checks a decision, calls Google, then re-checks and writes it in a second
transaction. The store serialises those transactions (``BEGIN IMMEDIATE`` on SQLite, an advisory
lock on PostgreSQL, ``bot.store.repository``), so the later re-check sees the earlier decision.
Each test makes the race certain rather than likely: each thread waits in the Google call for the
other (a barrier, given up after a moment), and every write of a report's state waits a little
before it runs, so that without the serialisation both re-checks would read "not yet decided".
Since durable intentions (issue #16), the first check records the action: the later press is
refused already there ("sedang diproses") and never reaches Google, or, when it comes after the
first one's move, refused as decided.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.store.repository import Store
from bot.workflow.errors import ActionRefused, InvalidTransition
from bot.workflow.machine import BidangEvent, BidangState
from bot.workflow.notifications import Kind
from bot.workflow.service import WorkflowService
from sheets.facts import Feedback
from tests.workflow.conftest import KEPALA, STAF, actor_of
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver, submission

STATE_WRITE_DELAY = 0.3  # seconds: longer than a re-check takes, so both would read before either writes
MEETING_WAIT = 1.0  # seconds a racer in the Google call waits for the other


class MeetingWorkbook(InMemoryWorkbook):
    """The in-memory double whose ``lock_tw`` and ``write_feedback`` wait for both racers."""

    def __init__(self) -> None:
        super().__init__()
        self.barrier: threading.Barrier | None = None

    def _meet(self) -> None:
        if self.barrier is not None:
            # The other racer may have been refused before Google: then nobody comes.
            with contextlib.suppress(threading.BrokenBarrierError):
                self.barrier.wait(timeout=MEETING_WAIT)

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        self._meet()  # once per decision: the Status feedback below is part of the same call
        InMemoryWorkbook.lock_tw(self, tahun, kode, tw)
        if feedback is not None:
            InMemoryWorkbook.write_feedback(self, tahun, kode, tw, feedback)

    def write_feedback(self, tahun: int, kode: str, tw: int, feedback: Feedback) -> None:
        self._meet()
        super().write_feedback(tahun, kode, tw, feedback)


@pytest.fixture
def workbook() -> MeetingWorkbook:
    return MeetingWorkbook()


@pytest.fixture
def slow_state_writes(store: Store) -> Iterator[None]:
    """Every UPDATE of a report's row waits before it runs (inside its transaction)."""

    def delay(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE BIDANG_REPORTS"):
            time.sleep(STATE_WRITE_DELAY)

    event.listen(store.engine, "before_cursor_execute", delay)
    yield
    event.remove(store.engine, "before_cursor_execute", delay)


def at_once(workbook: MeetingWorkbook, *racers: Callable[[], None]) -> list[BaseException | None]:
    """Run the racers in threads that meet in the Google call; what each raised (None: it acted)."""
    workbook.barrier = threading.Barrier(len(racers))
    outcomes: list[BaseException | None] = [None] * len(racers)

    def run(index: int, racer: Callable[[], None]) -> None:
        try:
            racer()
        except BaseException as err:
            outcomes[index] = err

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racer hangs"
    workbook.barrier = None
    return outcomes


def audit_events(store: Store, event_name: str, kode: str) -> int:
    with store.transaction() as tx:
        return sum(1 for r in tx.audit_rows() if r.event == event_name and r.bidang == kode)


def outbox_kind(store: Store, kind: Kind) -> int:
    with store.transaction() as tx:
        return sum(1 for r in tx.outbox_rows() if r.kind == kind)


def test_same_setujui_twice_at_once_approves_once(
    service: WorkflowService, workbook: MeetingWorkbook, store: Store, clock: Any, slow_state_writes: None
) -> None:
    drive = Driver(service, workbook, clock)
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, KEPALA["PTK"])

    def press() -> None:
        service.approve_koreksi(kepala, pid, "PTK")

    outcomes = at_once(workbook, press, press)
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and isinstance(refused[0], ActionRefused), outcomes
    assert "sedang diproses" in str(refused[0]) or "sudah disetujui" in str(refused[0])
    assert audit_events(store, BidangEvent.APPROVE, "PTK") == 1
    assert outbox_kind(store, Kind.REPORT_APPROVED) == 1
    with store.transaction() as tx:
        assert len(tx.snapshots_of_year(2026, 4)) == 1
        assert tx.get_report(pid, "PTK").state == BidangState.APPROVED  # type: ignore[union-attr]


def test_sheet_siap_dikoreksi_and_kirim_at_once_submit_once(
    service: WorkflowService, workbook: MeetingWorkbook, store: Store, clock: Any, slow_state_writes: None
) -> None:
    drive = Driver(service, workbook, clock)
    drive.collecting()
    staf = actor_of(service, STAF["PTK"])

    def poll() -> None:
        # The sheet's "Siap Dikoreksi", as the poll's intake hands it to the workflow.
        service.handle_events([submission("PTK", 1)])

    def kirim() -> None:
        service.submit(staf, submission("PTK", 1))

    outcomes = at_once(workbook, poll, kirim)
    assert all(o is None or isinstance(o, ActionRefused | InvalidTransition) for o in outcomes), outcomes
    assert audit_events(store, BidangEvent.SUBMIT, "PTK") == 1
    assert outbox_kind(store, Kind.KOREKSI_REQUEST) == 1
    assert outbox_kind(store, Kind.SUBMISSION_RECEIVED) == 1
