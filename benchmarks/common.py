"""What every benchmark shares: sizes, figures, progress lines, the machine, and a provisioned world.

A *world* is a running in-process sandbox (:func:`sandbox.server.running_sandbox`) provisioned by
:func:`bot.demo.provision.provision` for settings with N generated bidang: ``SEK`` (corrected by the
Sekretaris, as in the example settings) then ``B01`` .. ``B<N-1>``, each with one staff member
(Google editor, Telegram user) and, except ``SEK``, a Kepala Bidang. The master list gives each
bidang the indicators of one of the demo's four bidang (``config/demo/indikator.csv``), in turn.
"""

from __future__ import annotations

import copy
import csv
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from benchmarks.errors import BenchmarkError as BenchmarkError  # re-exported: every benchmark raises it
from bot.demo.provision import provision
from config.settings import Settings
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer, running_sandbox
from sheets.google.http import RetryPolicy
from sheets.master import Master, load_master

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "settings.example.yaml"
DEMO_MASTER = REPO / "config" / "demo" / "indikator.csv"
TAHUN = 2026
TW = 1
POLICY = RetryPolicy(attempts=3, timeout=300.0, initial_wait=0.05, max_wait=0.5)
"""The product's retry rules with short waits: the sandbox injects no faults here."""

PACKAGES = (
    "pandas",
    "numpy",
    "gspread",
    "google-api-python-client",
    "google-auth",
    "python-telegram-bot",
    "httpx",
    "requests",
    "SQLAlchemy",
    "Werkzeug",
    "pydantic",
)

Progress = Callable[[str], None]


# --- sizes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How big each benchmark runs."""

    name: str
    poll_n: tuple[int, ...]
    poll_repeats: int
    distribution_n: tuple[int, ...]
    rekap_bidang: int
    rekap_indikator: int
    rekap_repeats: int
    write_rows: tuple[int, ...]
    chat_presses: int
    """Presses at once (P)."""
    chat_lone: int
    """Lone presses (L), one after another, before the P at once."""
    regency_bidang: int
    regency_indikator: int
    """Regency scale: bidang x indicators (the poll under the quota, the draft rekap, the dinas workbook)."""


FULL = Sizes(
    name="penuh",
    poll_n=(5, 20, 50),
    poll_repeats=3,
    distribution_n=(5, 20, 50),
    rekap_bidang=50,
    rekap_indikator=400,
    rekap_repeats=3,
    write_rows=(100, 20_000),
    chat_presses=50,
    chat_lone=5,
    regency_bidang=200,
    regency_indikator=400,
)
CEPAT = Sizes(
    name="cepat",
    poll_n=(3,),
    poll_repeats=1,
    distribution_n=(3,),
    rekap_bidang=5,
    rekap_indikator=40,
    rekap_repeats=1,
    write_rows=(20, 200),
    chat_presses=4,
    chat_lone=2,
    regency_bidang=6,
    regency_indikator=20,
)


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measured figure, the peer's figure for the same thing, and the design target.

    Every figure is lower-is-better, so ``ratio = peer / product``: above 1 the product does better.
    """

    name: str
    unit: str
    product: float
    peer: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    target: float | None = None
    note: str = ""
    target_rule: str = ""
    """How ``target`` was set when it is not a fixed number, e.g. ``<= 1.5 x peer`` (the peer of this run)."""

    @property
    def ratio(self) -> float | None:
        """peer / product (None without a peer)."""
        if self.peer is None:
            return None
        if self.product == 0:
            return float("inf") if self.peer > 0 else 1.0
        return self.peer / self.product

    @property
    def meets_target(self) -> bool | None:
        """Whether the product's figure is within the design target (None without one)."""
        return None if self.target is None else self.product <= self.target

    def as_json(self) -> dict[str, Any]:
        """The JSON form written to results.json."""
        return {
            "name": self.name,
            "params": dict(self.params),
            "unit": self.unit,
            "product": self.product,
            "peer": self.peer,
            "ratio": self.ratio,
            "target": self.target,
            "meets_target": self.meets_target,
            "target_rule": self.target_rule or None,
            "note": self.note,
        }


@dataclass
class BenchmarkResult:
    """What one benchmark module reports."""

    name: str
    title: str
    product: str
    peer: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The JSON form written to results.json."""
        return {
            "title": self.title,
            "product": self.product,
            "peer": self.peer,
            "notes": list(self.notes),
            "seconds": round(self.seconds, 2),
            "figures": [f.as_json() for f in self.figures],
        }


# --- helpers ---------------------------------------------------------------------------------


def progress_printer(stream: Any = None) -> Progress:
    """A progress function printing ``[mm:ss] message`` lines (stderr by default)."""
    start = time.perf_counter()
    out = stream or sys.stderr

    def say(message: str) -> None:
        elapsed = time.perf_counter() - start
        print(f"[{int(elapsed // 60):02d}:{elapsed % 60:05.2f}] {message}", file=out, flush=True)

    return say


def median(values: Sequence[float]) -> float:
    """The median of measured values."""
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> float:
    """Seconds -> milliseconds, rounded to 0.01 ms."""
    return round(seconds * 1000.0, 2)


def machine() -> dict[str, Any]:
    """The machine and software the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        usable: int | None = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    packages: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_model": cpu,
        "cores": usable,
        "ram_gib": ram_gib,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "packages": packages,
        "load_average_at_start": load,
    }


def now_iso() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --- the world -------------------------------------------------------------------------------


def bidang_kode(index: int) -> str:
    """``SEK`` for the first bidang, then ``B01``, ``B02``, ..."""
    return "SEK" if index == 0 else f"B{index:02d}"


def staff_email(kode: str) -> str:
    """The Google account of bidang ``kode``'s staff (the workbook's editor)."""
    return f"staf.{kode.lower()}@disnaker.example.go.id"


def kepala_telegram_id(index: int) -> int:
    """The Telegram id of bidang ``index``'s Kepala Bidang."""
    return 200_000_000 + index


def staf_telegram_id(index: int) -> int:
    """The Telegram id of bidang ``index``'s staff member."""
    return 300_000_000 + index


JENIS_LABELS = ("Kumulatif", "Nilai Akhir", "Rata-rata")


def generated_master_rows(kode: str, indikator: int) -> list[list[str]]:
    """``indikator`` master list rows of bidang ``kode``, as an admin's CSV holds them.

    Every Jenis and Polaritas, a percent unit every fifth row, a TW III target left empty three
    rows in four (the annual target applies) and 0 in the fourth, no pagu every eleventh row.
    """
    rows = []
    for i in range(indikator):
        tw3 = "" if i % 4 else "0"
        rows.append(
            [
                kode,
                f"2.07.{i // 10:02d}.{i:04d}",
                f"Program {i // 10}",
                f"Indikator {i}",
                "%" if i % 5 == 0 else "Orang",
                "Negatif" if i % 7 == 0 else "Positif",
                JENIS_LABELS[i % 3],
                str(40 + i % 60),
                str(10 + i % 5),
                str(20 + i % 7),
                tw3,
                str(40 + i % 60),
                "" if i % 11 == 0 else str(1_000_000 + 1000 * i),
            ]
        )
    return rows


def world_data(n: int, indikator: int | None = None) -> tuple[dict[str, Any], list[list[str]]]:
    """Settings data (the example's, with ``n`` generated bidang) and the master list rows.

    ``indikator``: each bidang gets that many generated indicators (:func:`generated_master_rows`)
    instead of the demo's.
    """
    if n < 1:
        raise ValueError("at least one bidang")
    data = copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    with DEMO_MASTER.open(encoding="utf-8", newline="") as handle:
        demo = list(csv.reader(handle))
    header, rows = demo[0], demo[1:]
    templates: dict[str, list[list[str]]] = {}
    for row in rows:
        templates.setdefault(row[0], []).append(row)
    groups = list(templates.values())
    bidang = []
    master = [header]
    for index in range(n):
        kode = bidang_kode(index)
        entry: dict[str, Any] = {
            "kode": kode,
            "nama": "Sekretariat" if index == 0 else f"Bidang Uji {index:02d}",
            "folder_id": f"folder-{kode.lower()}",
            "editor": [staff_email(kode)],
            "staf": [{"nama": f"Staf {kode}", "telegram_id": staf_telegram_id(index), "email": staff_email(kode)}],
        }
        if index:
            entry["kepala"] = {"nama": f"Kepala {kode}", "telegram_id": kepala_telegram_id(index)}
        bidang.append(entry)
        if indikator is None:
            master += [[kode, *row[1:]] for row in groups[index % len(groups)]]
        else:
            master += generated_master_rows(kode, indikator)
    data["bidang"] = bidang
    data["sekretariat"] = "SEK"
    data["tahun"] = TAHUN
    return data, master


@dataclass
class World:
    """A provisioned in-process sandbox and the settings pointing at it."""

    server: SandboxServer
    control: SandboxControl
    settings: Settings
    master: Master
    workdir: Path

    @property
    def kodes(self) -> list[str]:
        """The bidang codes in settings order."""
        return [b.kode for b in self.settings.bidang]


@contextmanager
def world(
    n: int,
    workdir: Path,
    *,
    telegram: bool = False,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    indikator: int | None = None,
) -> Iterator[World]:
    """A fresh sandbox provisioned for ``n`` generated bidang (store and key files in ``workdir``).

    ``overrides``: settings sections merged over the generated ones, e.g.
    ``{"telegram": {"concurrent_updates": 1}}`` (validated with the rest of the settings);
    ``indikator``: generated indicators per bidang instead of the demo's (see :func:`world_data`).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    data, master_rows = world_data(n, indikator)
    for section, values in (overrides or {}).items():
        data[section] = {**data.get(section, {}), **values}
    master_file = workdir / "indikator.csv"
    with master_file.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(master_rows)
    with running_sandbox() as server:
        control = SandboxControl(server.base_url, timeout=300.0)
        settings = provision(control, data, workdir, master=master_file, telegram=telegram)
        # Request counts and wall time are measured with the change feed at once (Google's lag,
        # the sandbox's default, would only add waiting between an edit and the poll seeing it).
        control.change_lag(0)
        master = load_master(master_file, bidang_codes=[b.kode for b in settings.bidang])
        yield World(server, control, settings, master, workdir)
