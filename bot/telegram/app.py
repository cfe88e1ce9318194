"""The composition root of the Telegram side: settings + a WorkbookPort -> a running Kinerja Bot.

Built once: the store (migrated), the WorkflowService, the PTB v22 Application pointed at
``telegram.base_url`` (the real Bot API or the sandbox), the handlers (services handed over in
``application.bot_data``), the outbox worker delivering through :class:`TelegramNotifier`, and
the workflow scheduler. The Google edge is a parameter (any :class:`WorkbookPort`), so tests and
the demo plug in a double or the sandbox-backed adapter without a branch in here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import BotCommand
from telegram.ext import Application, ApplicationBuilder

from bot import texts
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.telegram.handlers import BOT_DATA_KEY, EdgeContext, register
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.prompts import PromptStore
from bot.telegram.render import Renderer
from bot.telegram.updates import PerChatUpdateProcessor
from bot.workflow.outbox import OutboxWorker
from bot.workflow.ports import WorkbookPort
from bot.workflow.scheduler import WorkflowScheduler
from bot.workflow.service import WorkflowService
from config.settings import Settings

logger = logging.getLogger(__name__)


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
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(file_base_url(base_url))
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
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        logger.info("Kinerja Bot stopped")

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()


def open_store(settings: Settings) -> Store:
    """The store of ``settings.database.url``, migrated to the latest schema."""
    return Store(upgrade(settings.database.url))


def create_bot(
    settings: Settings,
    workbook: WorkbookPort,
    *,
    store: Store | None = None,
    token: str | None = None,
    clock: Callable[[], datetime] | None = None,
    outbox_interval: float = 1.0,
    poll_timeout: int = 10,
    with_scheduler: bool = True,
    max_inline_wait: float = 30.0,
) -> KinerjaBot:
    """Wire every service once from ``settings`` and the Google edge ``workbook``."""
    store = store or open_store(settings)
    service = WorkflowService(settings, store, workbook, clock=clock)
    service.start()
    application = build_application(settings, token)
    notifier = TelegramNotifier(application.bot, Renderer(settings), max_inline_wait=max_inline_wait)
    # Handler replies go through the notifier's retry rules too: a 429 or a network error delays them.
    application.bot_data[BOT_DATA_KEY] = EdgeContext(settings, service, PromptStore(store), notifier.call)
    register(application)
    worker = OutboxWorker(store, notifier, service.now)
    scheduler = WorkflowScheduler(service) if with_scheduler else None
    return KinerjaBot(
        settings,
        store,
        service,
        application,
        notifier,
        worker,
        scheduler,
        outbox_interval=outbox_interval,
        poll_timeout=poll_timeout,
    )
