"""The outbox worker: delivers pending notifications through a Notifier, with bounded retries.

Bookkeeping: a row is marked sent in its own transaction right after the Notifier returns; the
dedupe key (UNIQUE) keeps a notification from being written twice. A notification of several
messages (a chart, then text parts) stores how many were accepted after each one, so a retry or a
restart resumes after them. What remains at-least-once is the instant between the far side
accepting a message and that mark: a crash exactly there resends that one message on restart (no
message is ever lost).
Rows whose person has no Telegram binding yet wait (without using up attempts) until someone
binds; a person who blocked the bot is marked unreachable and the Kasubbag is told.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Store
from bot.workflow.bot_steps import Foreground
from bot.workflow.errors import RecipientUnreachable, TransientDeliveryError
from bot.workflow.machine import Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import RecipientUnreachable as UnreachablePayload
from bot.workflow.people import Person
from bot.workflow.ports import Notification, Notifier

logger = logging.getLogger(__name__)

UNBOUND_RETRY = timedelta(minutes=10)
PRESS_POLL_SECONDS = 0.02  # how often a delivery waiting for the presses looks again


class OutboxWorker:
    """Delivers the outbox; ``run_once`` for one batch, ``run_forever`` as a task beside the bot."""

    def __init__(
        self,
        store: Store,
        notifier: Notifier,
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        base_delay: float = 5.0,
        max_delay: float = 3600.0,
        batch_size: int = 50,
        foreground: Foreground | None = None,
    ) -> None:
        """``foreground``: the presses each delivery first lets finish (None: deliver at once)."""
        self.store = store
        self.foreground = foreground
        self.notifier = notifier
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.batch_size = batch_size

    def _backoff(self, attempts: int) -> float:
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        return float(delay * random.uniform(0.8, 1.2))  # jitter: many rows failing together spread out

    def _load(self) -> list[tuple[Row[Any], Person | None]]:
        with self.store.read() as tx:
            rows = tx.pending_outbox(self.clock(), self.batch_size)
            people = {}
            for row in rows:
                if row.recipient_person_id is not None and row.recipient_person_id not in people:
                    person_row = tx.get_person(row.recipient_person_id)
                    people[row.recipient_person_id] = Person.from_row(person_row) if person_row else None
        return [(row, people.get(row.recipient_person_id)) for row in rows]

    async def run_once(self) -> int:
        """Deliver one batch of due rows; returns how many were sent."""
        sent = 0
        blocked: set[int] = set()
        due = await asyncio.to_thread(self._load)
        if due:
            await self._after_presses()  # once per batch: a stream of presses delays it at most max_wait
        for row, person in due:
            if person is not None and person.id in blocked:
                person = replace(person, unreachable=True)  # found out earlier in this batch
            sent += await self._deliver_one(row, person, blocked)
        return sent

    async def _after_presses(self) -> None:
        """Let the presses being handled finish first, at most ``foreground.max_wait`` seconds."""
        if self.foreground is None:
            return
        waited = 0.0
        while not self.foreground.quiet() and waited < self.foreground.max_wait:
            await asyncio.sleep(PRESS_POLL_SECONDS)
            waited += PRESS_POLL_SECONDS

    async def _deliver_one(self, row: Row[Any], person: Person | None, blocked: set[int]) -> int:
        now = self.clock()
        if person is None or person.telegram_id is None:
            await asyncio.to_thread(self._retry, row.id, texts.DELIVERY_NOT_BOUND, now + UNBOUND_RETRY, False)
            return 0
        if person.unreachable:
            await asyncio.to_thread(self._fail, row, person, texts.DELIVERY_BLOCKED, False)
            return 0
        notification = Notification(
            id=row.id,
            dedupe_key=row.dedupe_key,
            kind=row.kind,
            payload=row.payload,
            recipient_role=row.recipient_role,
            recipient_bidang=row.recipient_bidang,
            recipient_nama=person.nama,
            telegram_id=person.telegram_id,
            attempts=row.attempts,
            parts_sent=row.parts_sent,
            atas_nama=row.recipient_atas_nama,
        )

        async def progress(parts_sent: int) -> None:
            await asyncio.to_thread(self._mark_parts_sent, row.id, parts_sent)

        try:
            await self.notifier.deliver(notification, progress)
        except RecipientUnreachable as err:
            logger.warning("recipient %s unreachable: %s", person.id, err)
            blocked.add(person.id)
            await asyncio.to_thread(self._fail, row, person, str(err) or texts.DELIVERY_UNREACHABLE, True)
            return 0
        except TransientDeliveryError as err:
            delay = err.retry_after if err.retry_after is not None else self._backoff(row.attempts + 1)
            await asyncio.to_thread(self._transient, row, str(err), delay)
            return 0
        except Exception as err:  # a bug in a renderer must not stop the other rows
            logger.exception("delivering outbox row %s failed", row.id)
            await asyncio.to_thread(
                self._transient, row, f"{type(err).__name__}: {err}", self._backoff(row.attempts + 1)
            )
            return 0
        marked = await asyncio.to_thread(self._mark_sent, row.id)
        return 1 if marked else 0

    def _mark_sent(self, row_id: int) -> bool:
        with self.store.transaction() as tx:
            return tx.mark_sent(row_id, self.clock())

    def _mark_parts_sent(self, row_id: int, parts_sent: int) -> None:
        with self.store.transaction() as tx:
            tx.mark_parts_sent(row_id, parts_sent)

    def _retry(self, row_id: int, error: str, at: datetime, count: bool) -> None:
        with self.store.transaction() as tx:
            tx.mark_retry(row_id, error, at, count_attempt=count)

    def _transient(self, row: Row[Any], error: str, delay: float) -> None:
        now = self.clock()
        with self.store.transaction() as tx:
            if row.attempts + 1 >= self.max_attempts:
                logger.error("outbox row %s given up after %s attempts: %s", row.id, row.attempts + 1, error)
                tx.mark_failed(row.id, error, now)
            else:
                tx.mark_retry(row.id, error, now + timedelta(seconds=delay))

    def _fail(self, row: Row[Any], person: Person, error: str, newly: bool) -> None:
        """Give up on a row for an unreachable person; tell the Kasubbag when it first happens."""
        now = self.clock()
        with self.store.transaction() as tx:
            tx.mark_failed(row.id, error, now)
            current = tx.get_person(person.id)
            if not newly or current is None or current.unreachable:
                return
            tx.update_person(person.id, unreachable=True)
            if person.role is Role.KASUBBAG_KPEP or row.kind == Kind.RECIPIENT_UNREACHABLE:
                return
            payload = UnreachablePayload(
                nama=person.nama, role=str(person.role), bidang=person.bidang, kind=row.kind, error=error
            ).as_json()
            for kasubbag in tx.people_with_role(Role.KASUBBAG_KPEP):
                tx.enqueue(
                    dedupe_key=f"unreachable:{person.id}:{row.id}:{kasubbag.id}",
                    period_id=row.period_id,
                    recipient_role=Role.KASUBBAG_KPEP,
                    recipient_bidang=None,
                    recipient_person_id=kasubbag.id,
                    recipient_nama=kasubbag.nama,
                    kind=Kind.RECIPIENT_UNREACHABLE,
                    payload=payload,
                    created_at=now,
                    next_attempt_at=now,
                )

    async def run_forever(self, stop: asyncio.Event, interval: float = 1.0) -> None:
        """Deliver until ``stop`` is set; a failing batch is logged and retried."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("outbox batch failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)
