"""The path of a press (issue #20): one store transaction, the actor from memory, the rest left to workers.

An approval takes one transaction (the checks, the move, its audit row and notifications, the
lock it owes) and nothing more in the pressing thread: the actor is found in memory after the
first lookup, the lock is carried out by the worker of owed effects and the draft rekap the last
approval makes due by the worker of the bot's own steps (:class:`bot.workflow.bot_steps.BotSteps`
both). A draft a stop left unbuilt is built by the scheduler's sweep.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import event

from bot.store.repository import Store
from bot.workflow.bot_steps import BotSteps, Foreground
from bot.workflow.dinas_report import all_approved
from bot.workflow.machine import DinasState as D
from bot.workflow.machine import Role
from bot.workflow.notifications import Kind
from bot.workflow.service import WorkflowService
from config.settings import Settings
from tests.workflow.conftest import KEPALA, WIB, actor_of
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver


@pytest.fixture
def background(
    settings: Settings, store: Store, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> Iterator[WorkflowService]:
    """The service as ``python -m bot run`` wires it: the bot's own steps in a worker thread."""
    service = WorkflowService(settings, store, workbook, bot_steps_in_background=True)
    service.start()
    yield service
    assert service.bot_steps is not None and service.owed_effects is not None
    service.bot_steps.stop(30)
    service.owed_effects.stop(30)


@contextmanager
def this_thread(store: Store) -> Iterator[tuple[list[str], list[str]]]:
    """(transactions begun, statements run) by the calling thread while the block runs."""
    me = threading.get_ident()
    begun: list[str] = []
    statements: list[str] = []

    # Left listening after the block: removing a listener while a worker thread's statement runs
    # them fails in that thread (SQLAlchemy iterates its listeners unlocked); the engine is the test's.
    recording = True

    def on_begin(_conn: Any) -> None:
        if recording and threading.get_ident() == me:
            begun.append("begin")

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if recording and threading.get_ident() == me:
            statements.append(statement)

    event.listen(store.engine, "begin", on_begin)
    event.listen(store.engine, "before_cursor_execute", on_statement)
    yield begun, statements
    recording = False


def rekap_drafts(store: Store) -> int:
    with store.read() as tx:
        return sum(1 for row in tx.outbox_rows() if row.kind == Kind.REKAP_DRAFT)


def test_the_last_approval_takes_one_transaction_and_leaves_the_lock_and_the_draft_to_workers(
    background: WorkflowService, store: Store, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> None:
    drive = Driver(background, workbook, clock)
    pid = drive.collecting()
    *first, last = background.kodes
    for kode in background.kodes:
        drive.submit(kode)
    for kode in first:
        drive.approve(kode)
    kepala = actor_of(background, KEPALA[last])  # looked up once: from memory afterwards
    assert background.owed_effects is not None and background.owed_effects.wait_idle(60)
    locks = workbook.names().count("lock_tw")
    with this_thread(store) as (begun, statements):
        background.approve_koreksi(kepala, pid, last)
    assert len(begun) == 1, statements
    rekap_reads = [s for s in statements if "FROM audit" in s or "snapshots.tahun" in s]  # rekap_data's reads
    assert not rekap_reads
    assert background.owed_effects.wait_idle(60)
    assert workbook.names().count("lock_tw") == locks + 1
    assert (last, 1) in workbook.locked
    assert background.bot_steps is not None and background.bot_steps.wait_idle(60)
    assert background.period_view(pid).state == D.ANALYSIS
    assert rekap_drafts(store) == 1
    assert len(workbook.rekap_writes) == 1


def test_the_lock_waits_for_the_presses_being_handled_then_follows(
    background: WorkflowService, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> None:
    drive = Driver(background, workbook, clock)
    pid = drive.collecting()
    kode = background.kodes[0]
    drive.submit(kode)
    assert background.owed_effects is not None and background.owed_effects.wait_idle(30)
    locks = workbook.names().count("lock_tw")
    with background.foreground.pressing():  # another person's press is being handled
        background.approve_koreksi(actor_of(background, KEPALA[kode]), pid, kode)
        assert not background.owed_effects.wait_idle(0.3)
        assert workbook.names().count("lock_tw") == locks
    assert background.owed_effects.wait_idle(30)
    assert workbook.names().count("lock_tw") == locks + 1


def test_a_stream_of_presses_delays_the_bots_own_work_only_a_bounded_while() -> None:
    foreground = Foreground(max_wait=0.2)
    done = threading.Event()
    steps = BotSteps(lambda _key: done.set(), "test-steps", foreground)
    with foreground.pressing():  # never quiet while the work waits
        steps.request(1)
        assert done.wait(10)
    steps.stop(10)


def test_a_draft_a_stop_left_unbuilt_is_built_by_the_sweep(
    settings: Settings, store: Store, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> None:
    before_stop = WorkflowService(settings, store, workbook)
    before_stop.start()
    drive = Driver(before_stop, workbook, clock)
    pid = drive.collecting()
    for kode in before_stop.kodes:
        drive.submit(kode)
    for kode in before_stop.kodes:
        # The press as it commits: moved, the draft due; the process stops before a worker builds it.
        act = before_stop.koreksi.approve(actor_of(before_stop, KEPALA[kode]), pid, kode, bot_step=all_approved)
        assert act is not None and act.bot_step_due is (kode == before_stop.kodes[-1])
    assert before_stop.period_view(pid).state == D.COLLECTING and rekap_drafts(store) == 0
    restarted = WorkflowService(settings, store, workbook, bot_steps_in_background=True)
    restarted.start()
    restarted.tick()  # the scheduler's sweep, run at every start and every half minute
    assert restarted.period_view(pid).state == D.ANALYSIS
    assert rekap_drafts(store) == 1


def test_every_bound_person_is_in_memory_after_start(service: WorkflowService, store: Store) -> None:
    with store.read() as tx:
        bound = {row.telegram_id for row in tx.bound_people()}
    assert set(KEPALA.values()) <= bound
    with this_thread(store) as (_, statements):
        for telegram_id in bound:
            found, actor = service.directory.cached_actor(telegram_id)
            assert found and actor is not None and actor.telegram_id == telegram_id
    assert statements == []


def test_the_actor_is_looked_up_once_and_again_after_a_binding(service: WorkflowService, store: Store) -> None:
    newcomer = 777_000_001
    assert service.directory.actor_for_telegram(newcomer) is None
    with this_thread(store) as (_, statements):
        assert service.directory.actor_for_telegram(newcomer) is None
        assert service.directory.cached_actor(newcomer) == (True, None)
    assert statements == []
    now = datetime(2026, 4, 1, 9, 0, tzinfo=WIB)
    code = service.directory.create_invite(Role.STAF, "PTK", "Dewi Lestari", now)
    bound = service.directory.redeem_invite(newcomer, code, now)
    assert service.directory.cached_actor(newcomer) == (False, None)  # the binding emptied the memory
    assert service.directory.actor_for_telegram(newcomer) == bound
    assert bound.role is Role.STAF and bound.bidang == "PTK"
