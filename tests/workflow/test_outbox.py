"""The outbox worker: delivery, retries, unreachable people, unbound recipients, dedupe."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from bot.workflow.bot_steps import Foreground
from bot.workflow.errors import TransientDeliveryError
from bot.workflow.notifications import Kind
from bot.workflow.outbox import OutboxWorker
from bot.workflow.ports import Notification, PartsProgress
from bot.workflow.service import WorkflowService
from tests.workflow.conftest import KASUBBAG, SEKRETARIS, WIB, actor_of
from tests.workflow.doubles import FileNotifier


def now() -> datetime:
    return datetime.now(WIB)


@pytest.fixture
def notifier(tmp_path: Path) -> FileNotifier:
    return FileNotifier(tmp_path / "sent.jsonl")


async def test_delivers_each_row_once(service: WorkflowService, store, notifier) -> None:
    pid = service.start_period(2026, 1)
    service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    worker = OutboxWorker(store, notifier, now)
    assert await worker.run_once() == 6
    assert await worker.run_once() == 0
    lines = notifier.lines()
    assert len(lines) == 6 and len({line["key"] for line in lines}) == 6
    with store.transaction() as tx:
        assert all(r.sent_at is not None and r.attempts == 1 for r in tx.outbox_rows())
        assert tx.count_pending() == 0


async def test_deliveries_let_the_presses_being_handled_finish_first(service: WorkflowService, store, notifier) -> None:
    service.start_period(2026, 1)
    foreground = Foreground(max_wait=30.0)
    worker = OutboxWorker(store, notifier, now, foreground=foreground)
    with foreground.pressing():
        delivering = asyncio.ensure_future(worker.run_once())
        await asyncio.sleep(0.3)
        assert not delivering.done() and notifier.lines() == []
    assert await asyncio.wait_for(delivering, 10) == 1


async def test_transient_errors_retry_later_then_give_up(service, store, notifier, clock) -> None:
    service.start_period(2026, 1)
    notifier.transient = 1
    worker = OutboxWorker(store, notifier, now, max_attempts=3)
    assert await worker.run_once() == 0
    with store.transaction() as tx:
        [row] = tx.outbox_rows()
    assert row.attempts == 1 and "network down" in row.last_error
    assert (row.next_attempt_at - now()).total_seconds() == pytest.approx(1.0)  # RetryAfter honoured
    assert await worker.run_once() == 0  # not yet due
    clock.shift(2)
    assert await worker.run_once() == 1
    # A row failing every time is given up after max_attempts.
    service.start_period(2026, 2)
    notifier.transient = 10
    for _ in range(5):
        clock.shift(3600)
        await worker.run_once()
    with store.transaction() as tx:
        last = tx.outbox_rows()[-1]
    assert last.failed_at is not None and last.attempts == 3 and last.sent_at is None


async def test_unreachable_person_is_marked_and_kasubbag_told_once(service, store, notifier) -> None:
    notifier.unreachable = {SEKRETARIS}
    service.start_period(2026, 1)
    service.start_period(2026, 2)
    worker = OutboxWorker(store, notifier, now)
    await worker.run_once()
    await worker.run_once()
    with store.transaction() as tx:
        rows = tx.outbox_rows()
        sekretaris = tx.person_by_telegram(SEKRETARIS)
    assert sekretaris.unreachable
    failed = [r for r in rows if r.kind == Kind.DISTRIBUTION_APPROVAL_REQUEST]
    assert all(r.failed_at is not None for r in failed)
    told = [r for r in rows if r.kind == Kind.RECIPIENT_UNREACHABLE]
    assert len(told) == 1 and told[0].sent_at is not None and told[0].payload["nama"] == sekretaris.nama
    assert [line["to"] for line in notifier.lines()] == [KASUBBAG]


async def test_unbound_recipient_waits_until_registered(service, store, notifier, clock) -> None:
    with store.transaction() as tx:
        sekretaris = tx.person_by_telegram(SEKRETARIS)
        tx.update_person(sekretaris.id, telegram_id=None)
    service.start_period(2026, 1)
    worker = OutboxWorker(store, notifier, now)
    assert await worker.run_once() == 0
    with store.transaction() as tx:
        [row] = tx.outbox_rows()
    assert row.attempts == 0 and row.sent_at is None and "belum terdaftar" in row.last_error
    code = service.directory.create_invite("sekretaris", None, sekretaris.nama, now())
    service.directory.redeem_invite(555, code, now())
    clock.shift(11 * 60)
    assert await worker.run_once() == 1
    assert notifier.lines()[0]["to"] == 555


def test_dedupe_key_stops_a_second_row(service, store) -> None:
    values = dict(
        dedupe_key="k1",
        recipient_role="sekretaris",
        recipient_nama="X",
        kind="period_closed",
        payload={},
        created_at=now(),
        next_attempt_at=now(),
    )
    with store.transaction() as tx:
        assert tx.enqueue(**values) is True
        assert tx.enqueue(**values) is False
        assert len(tx.outbox_rows()) == 1


class PartedNotifier:
    """Sends every notification as three messages; Telegram "stops answering" after ``accept`` of them."""

    def __init__(self, accept: int) -> None:
        self.accept = accept
        self.sent: list[tuple[str, int]] = []

    async def deliver(self, notification: Notification, progress: PartsProgress | None = None) -> None:
        for part in range(notification.parts_sent, 3):
            if len(self.sent) >= self.accept:
                raise TransientDeliveryError("jaringan putus", retry_after=1.0)
            self.sent.append((notification.dedupe_key, part))
            if progress is not None and part + 1 < 3:
                await progress(part + 1)


async def test_parts_already_sent_are_not_sent_again_after_a_restart(service: WorkflowService, store, clock) -> None:
    service.start_period(2026, 1)
    notifier = PartedNotifier(accept=2)
    assert await OutboxWorker(store, notifier, now).run_once() == 0
    with store.transaction() as tx:
        [row] = tx.outbox_rows()
    assert row.parts_sent == 2 and row.sent_at is None
    # A new worker (the service restarted) resumes with the third message only.
    notifier.accept = 3
    clock.shift(2)
    assert await OutboxWorker(store, notifier, now).run_once() == 1
    assert [part for _, part in notifier.sent] == [0, 1, 2]
    with store.transaction() as tx:
        [row] = tx.outbox_rows()
    assert row.sent_at is not None
