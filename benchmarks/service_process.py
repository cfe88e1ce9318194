"""The service under measurement, alone in its own process: ``python -m benchmarks.service_process SETTINGS``.

Runs exactly what ``python -m bot run`` runs (:func:`bot.runtime.build_service`: the store, the
Google edge, the Telegram bot), against the endpoints in the pickled settings, so that its
resident memory is the service's own and not the benchmark's or the sandbox's. The benchmark
drives it with one JSON command per line on stdin and reads one JSON answer per line on stdout:

- ``{"cmd": "rss"}`` -> ``{"rss_kib"}`` (``VmRSS`` of ``/proc/self/status``);
- ``{"cmd": "start_period", "tahun", "tw"}`` -> ``{"period_id"}``;
- ``{"cmd": "poll"}`` -> one ``WorkflowService.poll_once`` with RSS sampled every 2 ms:
  ``{"events", "seconds", "cpu_seconds", "rss_before_kib", "rss_peak_kib", "rss_after_kib"}``;
- ``{"cmd": "watch"}`` / ``{"cmd": "peak"}``: sample RSS from now on / stop and give the peak
  (``rss_peak_kib``) and the process's CPU time since ``watch`` (``cpu_seconds``);
- ``{"cmd": "stop"}``: stop the service and exit.

The bot token comes from ``KINERJA_TELEGRAM__TOKEN`` as in production. Only imports of the product
(and the standard library) happen here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import sys
import threading
import time
from pathlib import Path
from typing import Any

SAMPLE_SECONDS = 0.002


def rss_kib() -> int:
    """This process's resident set size in KiB (``VmRSS`` of ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


class RssWatch:
    """Samples RSS in a thread until stopped; keeps the peak."""

    def __init__(self) -> None:
        self.peak = rss_kib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, rss_kib())

    def stop(self) -> int:
        """Stop sampling; the peak RSS seen (KiB)."""
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib())
        return self.peak


def cpu_seconds() -> float:
    """CPU time (user + system, every thread) this process has used so far."""
    times = os.times()
    return times.user + times.system


def _send(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def serve(settings_file: Path) -> None:
    """Start the service, then answer commands until ``stop`` or the end of stdin."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from bot.runtime import build_service

    settings = pickle.loads(settings_file.read_bytes())
    token = os.environ.get("KINERJA_TELEGRAM__TOKEN")
    service = build_service(settings, token=token, outbox_interval=0.2, poll_timeout=2, with_scheduler=False)
    await service.start()
    _send({"ok": True, "event": "ready", "rss_kib": rss_kib()})
    watch: RssWatch | None = None
    watch_cpu = 0.0
    try:
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            command = json.loads(line)
            name = command.get("cmd")
            try:
                if name == "rss":
                    _send({"ok": True, "rss_kib": rss_kib()})
                elif name == "start_period":
                    period_id = await asyncio.to_thread(
                        service.service.start_period, int(command["tahun"]), int(command["tw"])
                    )
                    _send({"ok": True, "period_id": period_id})
                elif name == "poll":
                    before = rss_kib()
                    cycle = RssWatch()
                    cpu = cpu_seconds()
                    start = time.perf_counter()
                    events = await asyncio.to_thread(service.service.poll_once)
                    seconds = time.perf_counter() - start
                    cpu = cpu_seconds() - cpu
                    peak = cycle.stop()
                    _send(
                        {
                            "ok": True,
                            "events": events,
                            "seconds": seconds,
                            "cpu_seconds": cpu,
                            "rss_before_kib": before,
                            "rss_peak_kib": peak,
                            "rss_after_kib": rss_kib(),
                        }
                    )
                elif name == "watch":
                    watch = RssWatch()
                    watch_cpu = cpu_seconds()
                    _send({"ok": True})
                elif name == "peak":
                    peak = watch.stop() if watch is not None else rss_kib()
                    watch = None
                    _send({"ok": True, "rss_peak_kib": peak, "cpu_seconds": cpu_seconds() - watch_cpu})
                elif name == "stop":
                    break
                else:
                    _send({"ok": False, "error": f"unknown command {name!r}"})
            except Exception as err:  # reported to the benchmark, which fails loudly
                logging.getLogger(__name__).exception("command %s failed", name)
                _send({"ok": False, "error": f"{type(err).__name__}: {err}"})
    finally:
        await service.stop()
        service.store.dispose()
        _send({"ok": True, "event": "stopped"})


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
