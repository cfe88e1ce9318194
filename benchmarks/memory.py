"""Memory: the idle RSS of ``python -m bot run`` against a process importing the same libraries.

The product is the real command, ``python -X importtime -m bot run --config settings.yaml``,
started against a provisioned sandbox (P bidang, the settings of the chat benchmark, its store
migrated on this first start) and left idle: once it says it started, the scheduler's first sweep
and poll have run and a few quiet seconds passed, its ``VmRSS`` is read from ``/proc``.

The peer is the floor of that figure: a fresh interpreter that imports exactly the modules the
command had imported by then (``-X importtime`` lists each as it is loaded), ours excepted
(:func:`benchmarks.processes.library_rss_kib`), and does nothing else. So the ratio says what
Kinerja Bot's own code and state add to the libraries it needs at start (issue #20: at most 1.15
times), and the absolute figure what an office PC must give it (under 120 MB).
"""

from __future__ import annotations

import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from benchmarks.common import REPO, BenchmarkError, BenchmarkResult, Figure, Progress, Sizes, world
from benchmarks.processes import child_env, library_rss_kib, rss_kib, wait_until
from bot.store.migrate import upgrade
from sandbox.telegram import DEFAULT_BOT_TOKEN

RATIO_TARGET = 1.15
RSS_TARGET_MB = 120.0
STARTED = "Kinerja Bot started"
SETTLE_SECONDS = 3.0
"""Quiet time after the start before RSS is read: the first sweep and poll have run by then."""
_IMPORT_LINE = re.compile(r"^import time:\s+\d+\s+\|\s+\d+\s+\|\s+(?P<name>\S+)\s*$")


def kib_to_mb(kib: float) -> float:
    """KiB (as /proc reports) -> MB (10^6 bytes, as the design's target is written), 0.1 MB."""
    return round(kib * 1024 / 1e6, 1)


def imported(log: str) -> list[str]:
    """The modules ``-X importtime`` says were imported, in the order they were."""
    return [m["name"] for line in log.splitlines() if (m := _IMPORT_LINE.match(line))]


def idle_rss(config: Path, log: Path) -> tuple[int, list[str]]:
    """Start ``python -m bot run``, wait until it is idle, read its RSS and imports, stop it."""
    env = child_env(KINERJA_TELEGRAM__TOKEN=DEFAULT_BOT_TOKEN, KINERJA_LOG_LEVEL="INFO")
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "bot", "run", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(
                lambda: STARTED in log.read_text(encoding="utf-8") or process.poll() is not None,
                180,
                "`python -m bot run` to start",
                every=0.1,
            )
            if process.poll() is not None:
                raise BenchmarkError(f"`python -m bot run` ended: {log.read_text(encoding='utf-8')[-2000:]}")
            time.sleep(SETTLE_SECONDS)
            samples = []
            for _ in range(5):
                samples.append(rss_kib(process.pid))
                time.sleep(0.2)
            modules = imported(log.read_text(encoding="utf-8"))
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    return int(statistics.median(samples)), modules


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Idle RSS of the real command against its library floor."""
    n = sizes.chat_presses + sizes.chat_lone
    result = BenchmarkResult(
        name="memory",
        title="Memori layanan / service memory",
        product=f"`python -m bot run --config settings.yaml` against the sandbox ({n} bidang, its store at the newest "
        f"revision: a restart), idle {SETTLE_SECONDS:.0f} s after it said it started (its first sweep and poll done)",
        peer="floor: a fresh interpreter importing exactly the modules the command had imported by then "
        "(read from -X importtime, Kinerja Bot's own excepted), doing nothing else",
        notes=[
            "ratio = floor / product: what Kinerja Bot's own code and state add to the libraries it needs at start; "
            f"targets (issue #20): at most {RATIO_TARGET} x the floor, and under {RSS_TARGET_MB:.0f} MB",
            "pandas, numpy, matplotlib, reportlab, openpyxl and Alembic are not among those libraries: they are "
            "loaded where a frame, a chart, a report, an xlsx or a migration is made (see the chat benchmark for "
            "the RSS with a period open, after the first validation)",
            "a first start on a new store, or one after an upgrade, also loads Alembic to migrate it (about 11 MB)",
        ],
    )
    workdir.mkdir(parents=True, exist_ok=True)
    progress(f"memory: world with {n} bidang, `python -m bot run` idle")
    with world(n, workdir / "world", telegram=True) as w:
        config = workdir / "settings.yaml"
        data = w.settings.model_dump(mode="json", exclude_none=True)
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        upgrade(w.settings.database.url).dispose()  # a restart on its store: no migration due
        rss, modules = idle_rss(config, workdir / "bot-run.log")
    floor = library_rss_kib(modules)
    product_mb, floor_mb = kib_to_mb(rss), kib_to_mb(float(floor["rss_kib"]))
    progress(f"memory: `bot run` idle {product_mb} MB; its {floor['imported']} library modules alone {floor_mb} MB")
    params = {"bidang": n}
    result.figures += [
        Figure(
            "RSS idle after start, against importing the same libraries",
            "MB",
            product_mb,
            floor_mb,
            params,
            target=round(RATIO_TARGET * floor_mb, 1),
            target_rule=f"<= {RATIO_TARGET} x peer",
        ),
        Figure("RSS idle after start", "MB", product_mb, None, params, target=RSS_TARGET_MB),
    ]
    heavy = sorted(
        {m.split(".")[0] for m in modules} & {"pandas", "numpy", "matplotlib", "reportlab", "openpyxl", "alembic"}
    )
    result.notes.append(
        f"{len(modules)} modules imported at start, {floor['imported']} of them libraries the floor imported"
        + (f"; loaded although occasional: {', '.join(heavy)}" if heavy else "; none of the occasional libraries")
    )
    return result
