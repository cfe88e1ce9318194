"""The one composition root: settings -> the store, the Google edge, the workflow, the Telegram bot.

Everything is built once here and handed to the parts that use it: the store (migrated), the
WorkflowService, the PTB Application with its handlers (services handed over in
``application.bot_data``), the outbox worker delivering through :class:`TelegramNotifier`, and
the workflow scheduler. ``python -m bot run`` uses :func:`build_service` (the real Google edge);
the tests and the demo call :func:`create_bot` with any :class:`WorkbookPort` (the sandbox-backed
edge or a double) without a branch in the product; only the endpoints in the settings differ.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.logging_setup import mask_in_logs
from bot.store.identity import StoreGuard
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.telegram.app import KinerjaBot, build_application
from bot.telegram.handlers import BOT_DATA_KEY, EdgeContext, register
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.prompts import PromptStore
from bot.telegram.render import Renderer
from bot.workflow.outbox import OutboxWorker
from bot.workflow.ports import WorkbookPort
from bot.workflow.scheduler import WorkflowScheduler
from bot.workflow.service import WorkflowService
from config.learned import load_facts
from config.settings import Settings
from sheets.google.workbooks import GoogleWorkbooks

logger = logging.getLogger(__name__)


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
    # Before anything can log a Bot API URL (python-telegram-bot does at DEBUG): no log line shows the token.
    mask_in_logs(token or settings.telegram.resolved_token())
    store = store or open_store(settings)
    # The draft rekap and the close run in a worker thread: the last press does not wait for them.
    service = WorkflowService(settings, store, workbook, clock=clock, bot_steps_in_background=True)
    service.start()
    application = build_application(settings, token)

    def laporan(tahun: int, tw: int) -> bytes:
        """The period's report document as it stands now (a draft until the Kepala Dinas approves)."""
        from bot.laporan_data import laporan_pdf  # reportlab and pandas only when a report is written

        return laporan_pdf(settings, store, tahun, tw, dibuat=service.now())

    renderer = Renderer(settings, laporan=laporan)
    notifier = TelegramNotifier(application.bot, renderer, max_inline_wait=max_inline_wait)
    # Handler replies go through the notifier's retry rules too: a 429 or a network error delays them.
    application.bot_data[BOT_DATA_KEY] = EdgeContext(settings, service, PromptStore(store), notifier.call)
    register(application)
    worker = OutboxWorker(store, notifier, service.now, foreground=service.foreground)
    guard = StoreGuard(store.engine)  # the store's identity, checked on every scheduler cycle
    scheduler = WorkflowScheduler(service, check_store=guard.check) if with_scheduler else None
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


def build_service(
    settings: Settings, *, google_sleep: Callable[[float], None] | None = None, **options: Any
) -> KinerjaBot:
    """The whole service: store (migrated), Google edge, Telegram bot.

    ``google_sleep``: how the Google session waits between attempts (``time.sleep`` by default;
    the demo, which keeps the sandbox's time, lets that time pass instead).
    """
    store = open_store(settings)
    # The sheets' "Diperbarui" stamps use the same clock as the workflow; the locale code sent first
    # is the one doctor --live saw Google take (config.learned).
    learned = load_facts(settings.google.berkas_temuan)
    workbooks = GoogleWorkbooks(
        settings, clock=options.get("clock"), sleep=google_sleep, preferred_locale=learned.locale
    )
    bot = create_bot(settings, workbooks, store=store, **options)
    # At start, not at the first poll: the master list of the year being worked on must be readable
    # (MasterError; the next year's is awaited with reminders, bot.workflow.year). A year already
    # distributed has it in the store; a master sheet is checked by doctor and when it is used.
    masters = bot.service.core.masters
    if not masters.from_sheet:
        masters.current(bot.service.year.current())
    return bot


async def run_until_signalled(settings: Settings) -> None:
    """Run the service until SIGINT or SIGTERM."""
    service = build_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info("Kinerja Bot berjalan untuk %s tahun %s", settings.dinas.nama, service.service.year.current())
    await service.run(stop)
    logger.info("Kinerja Bot berhenti")
