"""The demo and its simulated people: one full quarter of SOP P-SEK-KP-09 on the sandbox.

A package of its own that uses the product (``bot``, ``sheets``, ``config``) and the sandbox; the
product never imports it (``python -m bot demo`` imports it lazily, inside the command).

- :mod:`bot.demo.entry`: ``python -m bot demo`` (:func:`run_demo`), the quarter or the year;
- :mod:`bot.demo.run`: the quarter (:class:`DemoRun`); :mod:`bot.demo.setahun`: the year (``--setahun``);
- :mod:`bot.demo.provision`: a sandbox provisioned for Kinerja Bot from its settings;
- :mod:`bot.demo.actors`: the simulated people and what they can do (:class:`~bot.demo.actors.Office`);
- :mod:`bot.demo.filling`: how a person fills a bidang sheet;
- :mod:`bot.demo.scenario`: steps and their runner;
- :mod:`bot.demo.script`, :mod:`bot.demo.quarter`: the content and the steps of one quarter;
- :mod:`bot.demo.report`, :mod:`bot.demo.transcript`: what a run produced and how it is printed.
"""

from bot.demo.entry import cmd_demo, run_demo
from bot.demo.paths import DEMO_DIR, DEMO_MASTER, DEMO_SETTINGS
from bot.demo.report import (
    RIWAYAT_HEADER,
    DemoReport,
    TimelineRow,
    actor_label,
    format_summary,
    format_timeline,
)
from bot.demo.run import (
    DEFAULT_OUT,
    DEMO_TW,
    DRAIN_TIMEOUT,
    PACE_SECONDS,
    DemoError,
    DemoRun,
    SimulatedClock,
)

__all__ = [
    "DEFAULT_OUT",
    "DEMO_DIR",
    "DEMO_MASTER",
    "DEMO_SETTINGS",
    "DEMO_TW",
    "DRAIN_TIMEOUT",
    "PACE_SECONDS",
    "RIWAYAT_HEADER",
    "DemoError",
    "DemoReport",
    "DemoRun",
    "SimulatedClock",
    "TimelineRow",
    "actor_label",
    "cmd_demo",
    "format_summary",
    "format_timeline",
    "run_demo",
]
