"""The service under measurement, alone in its own process: ``python -m benchmarks.service_process SETTINGS``.

Runs exactly what ``python -m bot run`` runs (:func:`bot.runtime.build_service`: the store, the
Google edge, the Telegram bot, the worker of the bot's own steps), against the endpoints in the
pickled settings, so that its resident memory and CPU are the service's own and not the
benchmark's or the sandbox's. Only the scheduler is left out: the benchmark triggers the poll
cycle itself. Commands (besides those of :mod:`benchmarks.processes`):

- ``{"cmd": "start_period", "tahun", "tw"}`` -> ``{"period_id"}``;
- ``{"cmd": "poll"}`` -> ``WorkflowService.poll_once`` cycle after cycle, at once, until every
  changed workbook is read (a cycle reads at most ``google.maks_baca_per_polling``), with RSS
  sampled every 2 ms: ``{"events", "cycles", "seconds", "cpu_seconds", "rss_before_kib",
  "rss_peak_kib", "rss_after_kib"}``;
- ``{"cmd": "bot_steps_idle"}`` -> ``{"idle"}`` once the bot's own steps (the draft rekap) are done.

The bot token comes from ``KINERJA_TELEGRAM__TOKEN`` as in production. Only imports of the product
(and the standard library) happen here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.processes import RssWatch, cpu_seconds, rss_kib, send, serve_commands

MAX_CYCLES = 20


async def serve(settings_file: Path) -> None:
    """Start the service, then answer commands until ``stop`` or the end of stdin."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from bot.runtime import build_service

    settings = pickle.loads(settings_file.read_bytes())
    token = os.environ.get("KINERJA_TELEGRAM__TOKEN")
    service = build_service(settings, token=token, outbox_interval=0.2, poll_timeout=2, with_scheduler=False)
    await service.start()

    async def start_period(command: dict[str, Any]) -> dict[str, Any]:
        tahun, tw = int(command["tahun"]), int(command["tw"])
        return {"period_id": await asyncio.to_thread(service.service.start_period, tahun, tw)}

    def queued() -> int:
        with service.service.store.read() as tx:
            return sum(len(tx.queued_reads(tahun)) for tahun in {int(p.tahun) for p in tx.periods()})

    def poll_until_read() -> tuple[int, int]:
        """Poll cycles until every changed workbook is read (the budget per cycle may leave some)."""
        events = cycles = 0
        while True:
            events += service.service.poll_once()
            cycles += 1
            if queued() == 0 or cycles >= MAX_CYCLES:
                return events, cycles

    async def poll(_command: dict[str, Any]) -> dict[str, Any]:
        before = rss_kib()
        cycle = RssWatch()
        cpu = cpu_seconds()
        start = time.perf_counter()
        events, cycles = await asyncio.to_thread(poll_until_read)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu
        peak = cycle.stop()
        return {
            "events": events,
            "cycles": cycles,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "rss_before_kib": before,
            "rss_peak_kib": peak,
            "rss_after_kib": rss_kib(),
        }

    async def bot_steps_idle(_command: dict[str, Any]) -> dict[str, Any]:
        steps = service.service.bot_steps
        idle = steps is None or await asyncio.to_thread(steps.wait_idle, 300)
        return {"idle": idle}

    send({"ok": True, "event": "ready", "rss_kib": rss_kib()})
    try:
        await serve_commands({"start_period": start_period, "poll": poll, "bot_steps_idle": bot_steps_idle})
    finally:
        await service.stop()
        service.store.dispose()
        send({"ok": True, "event": "stopped"})


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m benchmarks.service_process SETTINGS_PICKLE``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m benchmarks.service_process SETTINGS_PICKLE", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="service: %(levelname)s %(name)s %(message)s")
    asyncio.run(serve(Path(args[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
