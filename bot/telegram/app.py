"""The running Telegram side: the PTB v22 Application and what runs beside it.

:func:`build_application` points the Application at ``telegram.base_url`` (the real Bot API or
the sandbox); :class:`KinerjaBot` starts and stops long polling, the outbox worker and the
workflow scheduler together. Everything is wired once in the composition root,
:mod:`bot.runtime`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot import texts
from bot.store.repository import Store
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.updates import PerChatUpdateProcessor
from bot.workflow.outbox import OutboxWorker
from bot.workflow.scheduler import WorkflowScheduler
from bot.workflow.service import WorkflowService
from config.settings import Settings

logger = logging.getLogger(__name__)

BOT_STEP_STOP_SECONDS = 120.0
"""How long a stop waits for the draft rekap or the close under way (it is resumed at start anyway)."""


class TelegramEdgeError(Exception):
    """The Telegram edge cannot start (no token, bad base URL)."""


def file_base_url(base_url: str) -> str:
    """``https://api.telegram.org/bot`` -> ``https://api.telegram.org/file/bot`` (same for the sandbox)."""
    trimmed = base_url.rstrip("/")
    if not trimmed.endswith("/bot"):
        raise TelegramEdgeError(texts.TELEGRAM_BASE_URL_INVALID)
    return trimmed[: -len("/bot")] + "/file/bot"


def build_application(settings: Settings, token: str | None = None) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB Application for ``settings`` (handlers not yet added)."""
    token = token or settings.telegram.resolved_token()
    if not token:
        raise TelegramEdgeError(texts.TELEGRAM_TOKEN_MISSING)
    base_url = settings.telegram.base_url.rstrip("/")
    # PTB's two connection pools (the Bot API calls and the long poll) would each load the CA bundle
    # into an SSL context of their own (about 0.8 MB each, for the life of the service). One context,
    # made as httpx makes its default (certifi, or SSL_CERT_FILE/SSL_CERT_DIR), serves both: the same
    # host, the same verification. The pool sizes are PTB's defaults.
    tls = httpx.create_ssl_context()
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_base_url(base_url))
        .request(HTTPXRequest(connection_pool_size=256, httpx_kwargs={"verify": tls}))
        .get_updates_request(HTTPXRequest(connection_pool_size=1, httpx_kwargs={"verify": tls}))
        # Updates of different chats are handled side by side (telegram.concurrent_updates), each
        # waiting on Google in a worker thread; one chat's updates keep their order. The store
        # serialises the decisions themselves (a doubled press still counts once).
        .concurrent_updates(PerChatUpdateProcessor(settings.telegram.concurrent_updates))
    )
    return builder.build()


@dataclass
class KinerjaBot:
    """Everything that runs together: application (long polling), outbox worker, scheduler."""

    settings: Settings
    store: Store
    service: WorkflowService
    application: Application[Any, Any, Any, Any, Any, Any]
    notifier: TelegramNotifier
    worker: OutboxWorker
    scheduler: WorkflowScheduler | None
    outbox_interval: float = 1.0
    poll_timeout: int = 10
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        """Initialise, register the commands, start polling, the outbox worker and the scheduler."""
        self._stop.clear()
        await self.application.initialize()
        await self.application.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS])
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            poll_interval=0, timeout=self.poll_timeout, allowed_updates=["message", "callback_query", "my_chat_member"]
        )
        self._tasks.append(asyncio.create_task(self.worker.run_forever(self._stop, self.outbox_interval)))
        if self.scheduler is not None:
            self._tasks.append(asyncio.create_task(self.scheduler.run(self._stop)))
        logger.info("Kinerja Bot started (long polling)")

    async def stop(self) -> None:
        """Stop everything started by :meth:`start`, in reverse order."""
        self._stop.set()
        for task in self._tasks:
            with contextlib.suppress(Exception):
                await task
        self._tasks.clear()
        # The step (the owed effect) under way finishes; the sweep (the next start) does the rest.
        for worker in (self.service.bot_steps, self.service.owed_effects):
            if worker is not None:
                await asyncio.to_thread(worker.stop, BOT_STEP_STOP_SECONDS)
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        logger.info("Kinerja Bot stopped")

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set; raise the scheduler's StoreMismatch when the store stopped it."""
        await self.start()
        try:
            waits = [asyncio.create_task(stop.wait())]
            if self.scheduler is not None:
                waits.append(asyncio.create_task(self.scheduler.failed.wait()))
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()
        finally:
            await self.stop()
        if self.scheduler is not None and self.scheduler.failure is not None:
            raise self.scheduler.failure
