"""The composition root of ``python -m bot run``: the real Google edge, the store and the bot.

Everything is built once here from the settings; the demo uses the same function, only the
endpoints in its settings differ.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from bot.telegram.app import KinerjaBot, create_bot, open_store
from config.settings import Settings
from sheets.google.workbooks import GoogleWorkbooks

logger = logging.getLogger(__name__)


def build_service(settings: Settings, **options: Any) -> KinerjaBot:
    """The whole service: store (migrated), Google edge, Telegram bot."""
    store = open_store(settings)
    # The sheets' "Diperbarui" stamps use the same clock as the workflow.
    workbooks = GoogleWorkbooks(settings, clock=options.get("clock"))
    return create_bot(settings, workbooks, store=store, **options)


async def run_until_signalled(settings: Settings) -> None:
    """Run the service until SIGINT or SIGTERM."""
    service = build_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    logger.info("Kinerja Bot berjalan untuk %s tahun %s", settings.dinas.nama, settings.tahun)
    await service.run(stop)
    logger.info("Kinerja Bot berhenti")
