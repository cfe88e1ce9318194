"""The demo's entry points: ``python -m bot demo`` (:func:`cmd_demo`) and :func:`run_demo`.

They choose the run: the quarter (:class:`~bot.demo.run.DemoRun`) or, with ``--setahun``, the
whole year (:class:`~bot.demo.setahun.YearRun`, which builds on the quarter), then print and
write what it produced.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

from bot import texts
from bot.demo.paths import DEMO_MASTER, DEMO_SETTINGS
from bot.demo.provision import provision
from bot.demo.report import DemoReport, format_summary, format_timeline
from bot.demo.run import DEMO_TW, PACE_SECONDS, DemoError, DemoRun, demo_sandbox, without_kinerja_environment
from bot.demo.setahun import YearRun, format_tahunan, year_masters
from config.settings import SettingsError
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer
from sheets.master import load_master

__all__ = ["cmd_demo", "run_demo"]

logger = logging.getLogger(__name__)


def run_demo(
    out: Path,
    *,
    cepat: bool = False,
    write: Callable[[str], object] = sys.stdout.write,
    sandbox: SandboxServer | None = None,
    setahun: bool = False,
) -> DemoReport:
    """Run the demo quarter (``setahun``: the whole year) and write its outputs to ``out``;
    :class:`DemoError` when it cannot finish.

    The sandbox is started and stopped here unless a running (fresh) one is given, which then
    stays up afterwards with everything the demo left in it.
    """
    started = time.monotonic()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DemoError(f"Folder keluaran {out} tidak dapat dibuat: {err.strerror}.") from err
    data = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    data["google"]["master_indikator"] = str(DEMO_MASTER)
    lingkup = f"tahun anggaran {data['tahun']}" if setahun else texts.periode(DEMO_TW, data["tahun"])
    write(f"Demo Kinerja Bot: {data['dinas']['nama']}, {lingkup}\n")
    with (
        tempfile.TemporaryDirectory(prefix="kinerja-demo-") as work,
        without_kinerja_environment(),
        demo_sandbox(sandbox) as server,
    ):
        control = SandboxControl(server.base_url)
        master = year_masters(Path(work), int(data["tahun"]), DEMO_MASTER) if setahun else DEMO_MASTER
        try:
            settings = provision(control, data, Path(work), master=master)
        except SettingsError as err:
            raise DemoError(f"Pengaturan demo tidak valid:\n{err}") from err
        write(
            f"Sandbox berjalan di {server.base_url}; {len(settings.bidang)} bidang, "
            f"{len(load_master(DEMO_MASTER))} indikator.\n"
        )
        runner = YearRun if setahun else DemoRun
        demo = runner(settings, control, out, write, pace=0.0 if cepat else PACE_SECONDS)
        files = asyncio.run(demo.run())
    seconds = time.monotonic() - started
    report = DemoReport(out, files, seconds, len(demo.steps), demo.timeline, demo.summary, demo.tahun, DEMO_TW)
    lingkup = f" {texts.periode(DEMO_TW, demo.tahun)}" if setahun else ""
    write(f"\nLini masa{lingkup} (jam kantor simulasi):\n" + format_timeline(report.timeline, settings.tz) + "\n")
    write(f"\nRekap {texts.periode(DEMO_TW, demo.tahun)}:\n" + format_summary(report.summary, settings) + "\n")
    if isinstance(demo, YearRun):
        report = replace(report, tahunan=tuple(demo.tahunan), year_events=len(demo.events))
        write(
            f"\nHasil tahunan {demo.tahun} (tab Tahunan lembar kerja rekap dinas):\n"
            + format_tahunan(demo.tahunan)
            + "\n"
        )
    write("\nBerkas keluaran:\n" + "".join(f"  {path}\n" for path in files.values()))
    sesudahnya = f"; {report.year_events} peristiwa sesudahnya" if setahun else ""
    write(f"\nDemo selesai dalam {seconds:.1f} detik ({report.steps} langkah{sesudahnya}).\n")
    return report


def cmd_demo(args: argparse.Namespace) -> int:
    """``python -m bot demo``: 0 on success; 1 with an Indonesian message otherwise."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        run_demo(Path(args.out), cepat=args.cepat, setahun=getattr(args, "setahun", False))
    except DemoError as err:
        sys.stderr.write(f"\nDemo gagal: {err}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("\nDemo dihentikan.\n")
        return 130
    except Exception as err:  # the demo must end with a message, never a bare traceback
        logger.exception("demo failed")
        sys.stderr.write(f"\nDemo gagal karena kesalahan tak terduga: {type(err).__name__}: {err}\n")
        return 1
    return 0
