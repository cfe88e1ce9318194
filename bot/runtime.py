"""The composition root of ``python -m bot run``: the real Google edge, the store and the bot.

Everything is built once here from the settings; the demo uses the same function, only the
endpoints in its settings differ.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Mapping
from typing import Any

from bot.store.repository import Store
from bot.telegram.app import KinerjaBot, create_bot, open_store
from config.settings import Settings
from sheets.google.workbooks import GoogleWorkbooks

logger = logging.getLogger(__name__)


class StoreSnapshotSource:
    """Approved snapshots and known workbook ids for the Google poll, from the workflow store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def approved_snapshots(self, tahun: int) -> Mapping[str, Mapping[int, Mapping[str, Any]]]:
        """Bidang kode -> TW -> approved values, every TW of ``tahun``."""
        with self._store.transaction() as tx:
            rows = tx.snapshots_of_year(tahun, up_to_tw=4)
        result: dict[str, dict[int, Mapping[str, Any]]] = {}
        for row in rows:
            result.setdefault(row.bidang, {})[row.tw] = row.values
        return result

    def workbook_ids(self, tahun: int) -> Mapping[str, str]:
        """Spreadsheet id -> bidang kode of every report of ``tahun``."""
        with self._store.transaction() as tx:
            return {
                report.spreadsheet_id: report.bidang
                for period in tx.periods()
                if period.tahun == tahun
                for report in tx.reports(period.id)
                if report.spreadsheet_id
            }


def build_service(settings: Settings, **options: Any) -> KinerjaBot:
    """The whole service: store (migrated), Google edge with store-backed snapshots, Telegram bot."""
    store = open_store(settings)
    source = StoreSnapshotSource(store)
    # The sheets' "Diperbarui" stamps use the same clock as the workflow.
    workbooks = GoogleWorkbooks(settings, snapshots=source, known=source, clock=options.get("clock"))
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
