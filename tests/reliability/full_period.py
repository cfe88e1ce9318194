"""Machinery of the full-period reliability tests: one quarter of the SOP run twice and compared.

The quarter is the demo's (:func:`bot.demo.quarter.quarter_steps` with :func:`bot.demo.script.demo_script`):
four bidang fill, one is returned, one mistypes, the Sekretaris returns the draft once, the
Kepala Dinas writes rekomendasi, every bidang records its tindak lanjut, the period closes.
It runs once undisturbed and once disturbed, and the end states must be equal:

* in process (:func:`run_in_process`): the demo's own runner (:class:`bot.demo.DemoRun`, the real
  service built by ``build_service`` on a simulated office clock), with a hook that re-arms
  Telegram 429 bursts every few steps while a share of the bot's Google requests fails;
* as a subprocess (:class:`SubprocessQuarter`): ``python -m bot run --config FILE`` against the
  sandbox on the real clock, driven by the same steps, killed with SIGKILL and restarted at
  chosen step boundaries.

Both run with the sandbox as strict as Google on time (per-minute quotas, the change feed's lag),
its clock moved by the runner, never slept for (:class:`bot.demo.sandbox_time.SandboxTime`); the
in-process clean run (``strict=False``) has neither, so comparing it with the disturbed one shows
the quotas and the lag change nothing either.

What is compared (:class:`QuarterState`): every bot file in Drive (name, place, tabs, writers,
protections, cell values: ``workbook_state`` of the Google edge tests), the number of files, each
person's chat as the sequence of bot messages (text with file ids replaced by what the file is,
buttons, photo), and the store (audit trail, outbox, periods, reports, snapshots, rekomendasi,
tindak lanjut, timers), without ids and times that legitimately differ between two runs.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import yaml
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from bot.demo import DEMO_MASTER, DEMO_SETTINGS, DemoRun
from bot.demo.actors import Cast, Office, Person, ScenarioError, button_labels, message_text
from bot.demo.filling import load_isian
from bot.demo.paths import ISIAN_DEMO
from bot.demo.provision import BOT_EMAIL, provision
from bot.demo.quarter import quarter_steps
from bot.demo.sandbox_time import SandboxTime
from bot.demo.scenario import Scenario, Step, StepResult
from bot.demo.script import demo_script
from bot.store import schema
from bot.workflow.calendar import WorkCalendar
from config.settings import Settings
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets.snapshot import snapshot_hash
from tests.conftest import REPO_ROOT
from tests.google_edge.conftest import workbook_state

# ==========================================================================================
# settings
# ==========================================================================================

POLL_MINUTE = 60.0
"""How far the sandbox clock moves each time the people of a subprocess run check on the bot."""
MAKS_PERCOBAAN = 10
"""google.maks_percobaan of both runs: with 20% of requests failing, 5 attempts (the default) give
up on about one call in 3,000, which is a few times per quarter; an office on a flaky line sets it
higher, and so do these runs (the wait between attempts stays the product's own backoff)."""


def demo_settings_data(**changes: Any) -> dict[str, Any]:
    """The demo's settings as data (master list resolved), with top-level sections updated by ``changes``."""
    data = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    data["google"]["master_indikator"] = str(DEMO_MASTER)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def due_period(settings: Settings, now: datetime) -> tuple[int, int] | None:
    """(tahun, tw) the scheduler opens at ``now``: the latest period whose opening has passed."""
    return WorkCalendar.of(settings).due_period(now, settings.tahun)


# ==========================================================================================
# what two runs are compared on
# ==========================================================================================

_SPREADSHEET = re.compile(r"(/spreadsheets/d/)([A-Za-z0-9_-]{20,})")
_FOLDER = re.compile(r"(/folders/)([A-Za-z0-9_-]+)")
_FILE = re.compile(r"(/file/d/)([A-Za-z0-9_-]{20,})")
_WAKTU = re.compile(
    r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} [A-Z][a-z]+ \d{4} (pukul )?\d{2}\.\d{2}( [A-Z]{3,4})?"
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}[:.]\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
_TANGGAL_JAM = re.compile(r"\b\d{2}-\d{2}-\d{4} \d{2}[:.]\d{2}\b")
_DURASI = re.compile(r"\b\d+ (hari|jam|menit|detik)\b|kurang dari 1 menit")


@dataclass(frozen=True)
class Normaliser:
    """Replaces what legitimately differs between two runs: file ids (by what the file is) and, on
    a real clock, times and durations."""

    labels: Mapping[str, str]
    """Drive file id -> a stable label (its appProperties, or its name)."""
    times: bool = False

    def text(self, value: str) -> str:
        """``value`` with ids (and times) replaced."""
        for pattern in (_SPREADSHEET, _FOLDER, _FILE):
            value = pattern.sub(lambda m: m.group(1) + self.labels.get(m.group(2), "<berkas-tak-dikenal>"), value)
        value = value.replace("?usp=drivesdk", "")
        if self.times:
            value = _WAKTU.sub("<waktu>", value)
            value = _ISO.sub("<waktu>", value)
            value = _TANGGAL_JAM.sub("<waktu>", value)
            value = _DURASI.sub("<durasi>", value)
        return value

    def value(self, value: Any) -> Any:
        """A JSON-like value with every string normalised (an id on its own too)."""
        if isinstance(value, str):
            return self.labels.get(value, self.text(value))
        if isinstance(value, Mapping):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value


def file_labels(control: SandboxControl) -> dict[str, str]:
    """Every Drive file id -> what it is: its appProperties (bot files) or its name (folders)."""
    labels = {}
    for f in control.files():
        props = f.get("appProperties") or {}
        label = ",".join(f"{k}={v}" for k, v in sorted(props.items())) if props else f"nama={f['name']}"
        labels[f["id"]] = f"<{label}>"
    return labels


OUTCOME_MARK = "\n>> "
"""Where the outcome line the bot appends to a decided message starts (``>> Disetujui oleh ...``)."""


@dataclass(frozen=True)
class Message:
    """One bot message as a person reads it at the end: text, buttons, a photo or not."""

    text: str
    buttons: tuple[str, ...]
    photo: bool
    message_id: int = field(compare=False)

    @property
    def sent(self) -> tuple[str, bool]:
        """What was sent, before the bot edited an outcome line into it (and took its buttons away)."""
        return self.text.split(OUTCOME_MARK, 1)[0].rstrip(), self.photo


@dataclass(frozen=True)
class QuarterState:
    """The end state of one run, normalised."""

    workbooks: dict[str, Any]
    files: int
    chats: dict[str, tuple[Message, ...]]
    """Person key -> the bot's messages in their chat, oldest first."""
    store: dict[str, list[Any]]


class _DriveView:
    """What ``workbook_state`` needs of the Google edge tests' ``Env``, on a SandboxControl."""

    def __init__(self, control: SandboxControl) -> None:
        self.control = control

    def person(self, email: str) -> Any:
        return self.control.gspread_as(email)

    def files(self) -> list[dict[str, Any]]:
        return self.control.files()


def chat_messages(office: Office, person: Person, normalise: Normaliser) -> tuple[Message, ...]:
    """The bot's messages to ``person`` (deleted ones kept: a deletion is part of the state)."""
    messages = []
    for message in office.chat(person):
        text = normalise.text(message_text(message))
        if message.get("deleted"):
            text = "<dihapus> " + text
        messages.append(
            Message(text, tuple(button_labels(message)), bool(message.get("photo")), int(message["message_id"]))
        )
    return tuple(messages)


OBSERVED_EVENT = "nilai_berubah"
"""The poll noticing that a bidang started typing. Whether it is seen depends on whether a poll
runs between a staff member's typing and their /kirim (a race of two real actors, in any run), and
it is no step of the SOP. Runs are compared as if it had not been seen: its audit row dropped,
the next move of that report starting from the state before it, audit ids replaced by their place
among the rows kept. (The Riwayat tab never shows it: ``sheets.riwayat.LEWATI_RIWAYAT``.)"""

_AUDIT_KEY = re.compile(r"^a(\d+)(?=:|$)")


def _audit(connection: Any, normalise: Normaliser, drop: Iterable[str]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """Audit rows without :data:`OBSERVED_EVENT` moves, and audit id -> place among the rows kept."""
    kept: list[dict[str, Any]] = []
    place: dict[int, int] = {}
    carried: dict[tuple[Any, ...], Any] = {}
    skip = {"id", *drop}
    for row in connection.execute(select(schema.audit).order_by(schema.audit.c.id)):
        key = (row.period_id, row.machine, row.bidang)
        if row.event == OBSERVED_EVENT:
            carried.setdefault(key, row.from_state)
            continue
        values = {k: _column(v, normalise) for k, v in row._mapping.items() if k not in skip}
        if key in carried:
            values["from_state"] = carried.pop(key)
        place[row.id] = len(kept)
        kept.append(values)
    return kept, place


def _column(value: Any, normalise: Normaliser) -> Any:
    if isinstance(value, datetime):
        return None if normalise.times else value.isoformat()
    return _rehashed(normalise.value(value))


_PERIOD_KEY = re.compile(r"^(mb|deadline|tl|tamper|bukti):(\d+):")


def _period_ids(value: Any, place: Mapping[int, str]) -> Any:
    """``value`` with every period id (a ``period_id`` field, a timer or dedupe key naming one)
    replaced by the period's place in time."""
    if isinstance(value, Mapping):
        return {
            k: place.get(v, v) if k == "period_id" and isinstance(v, int) else _period_ids(v, place)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_period_ids(v, place) for v in value]
    if isinstance(value, str):
        return _PERIOD_KEY.sub(lambda m: f"{m.group(1)}:{place.get(int(m.group(2)), m.group(2))}:", value)
    return value


def _rehashed(value: Any) -> Any:
    """``value`` with every ``values_hash`` beside its ``values`` recomputed from the normalised
    values: a bukti dukung link names a Drive file id, which differs between two runs."""
    if isinstance(value, Mapping):
        found = {k: _rehashed(v) for k, v in value.items()}
        if isinstance(found.get("values"), Mapping) and "values_hash" in found:
            found["values_hash"] = snapshot_hash(found["values"])
        return found
    if isinstance(value, list):
        return [_rehashed(v) for v in value]
    return value


def store_state(database_url: str, normalise: Normaliser) -> dict[str, list[Any]]:
    """The store's tables without row ids and times (time-derived columns kept only on a simulated clock)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            audit, place = _audit(
                connection, normalise, ("at", "duration_seconds", "within") if normalise.times else ("at",)
            )
            # Periods by their place in time: PostgreSQL's sequences are not transactional, so a
            # period inserted by a transaction a kill rolled back leaves its id unused.
            periods = connection.execute(
                select(schema.periods.c.id).order_by(schema.periods.c.tahun, schema.periods.c.tw)
            )
            period_place = {row.id: f"periode#{index}" for index, row in enumerate(periods)}

            def key(dedupe_key: str) -> str:
                return normalise.text(_AUDIT_KEY.sub(lambda m: f"a#{place.get(int(m.group(1)), '?')}", dedupe_key))

            def rows(table: Any, *, order: Any = None, drop: Iterable[str] = ()) -> list[dict[str, Any]]:
                skip = {"id", *drop}
                result = []
                for row in connection.execute(select(table).order_by(order if order is not None else table.c.id)):
                    values = {k: _column(v, normalise) for k, v in row._mapping.items() if k not in skip}
                    if "audit_id" in values:
                        values["audit_id"] = place.get(row.audit_id) if row.audit_id is not None else None
                    if "dedupe_key" in values:
                        values["dedupe_key"] = key(row.dedupe_key)
                    result.append(_rehashed(values))
                return result

            outbox = sorted(
                rows(
                    schema.outbox,
                    drop=("created_at", "next_attempt_at", "attempts", "last_error", "sent_at", "failed_at"),
                ),
                key=lambda r: r["dedupe_key"],
            )
            delivery = sorted(
                (
                    {
                        "dedupe_key": key(r.dedupe_key),
                        "status": "gagal" if r.failed_at else "terkirim" if r.sent_at else "tertunda",
                    }
                    for r in connection.execute(select(schema.outbox))
                ),
                key=lambda r: r["dedupe_key"],
            )
            state = {
                "audit": audit,
                "outbox": outbox,
                "outbox_delivery": delivery,
                "periods": rows(schema.periods),
                "bidang_reports": rows(schema.bidang_reports),
                "people": rows(schema.people, drop=("created_at",)),
                "snapshots": rows(schema.snapshots, drop=("approved_at",)),
                "rekomendasi": rows(schema.rekomendasi, drop=("created_at",)),
                "tindak_lanjut": rows(schema.tindak_lanjut, drop=("created_at",)),
                "timers_fired": sorted(normalise.text(r.key) for r in connection.execute(select(schema.timers_fired))),
            }
            state = _period_ids(state, period_place)
    finally:
        engine.dispose()
    return state


def capture(control: SandboxControl, office: Office, cast: Cast, database_url: str, *, times: bool) -> QuarterState:
    """The end state of a run (faults must be cleared first: this reads through the sandbox)."""
    normalise = Normaliser(file_labels(control), times=times)
    # Links between workbooks hold random file ids; on a real clock the sheets' stamps differ too.
    workbooks = normalise.value(workbook_state(_DriveView(control)))  # type: ignore[arg-type]
    chats = {person.key: chat_messages(office, person, normalise) for person in cast.everyone()}
    return QuarterState(workbooks, len(control.files()), chats, store_state(database_url, normalise))


def differences(expected: QuarterState, actual: QuarterState, *, chats: bool = True, limit: int = 8) -> list[str]:
    """Human-readable differences between two end states (empty when equal)."""
    found: list[str] = []
    if expected.files != actual.files:
        found.append(f"jumlah berkas Drive: {expected.files} != {actual.files}")
    for key in sorted(set(expected.workbooks) | set(actual.workbooks)):
        a, b = expected.workbooks.get(key), actual.workbooks.get(key)
        if a != b:
            found.append(f"workbook {key}: {_first_difference(a, b)}")
    for table in sorted(set(expected.store) | set(actual.store)):
        a, b = expected.store.get(table), actual.store.get(table)
        if a != b:
            found.append(f"tabel {table}: {_first_difference(a, b)}")
    if chats:
        for person in sorted(set(expected.chats) | set(actual.chats)):
            a, b = expected.chats.get(person, ()), actual.chats.get(person, ())
            if a != b:
                found.append(f"percakapan {person}: {_first_difference(list(a), list(b))}")
    return found[:limit] + ([f"... dan {len(found) - limit} lagi"] if len(found) > limit else [])


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}/{key}")
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _first_difference(x, y, f"{path}[{index}]")
        if len(a) != len(b):
            return f"{path}: panjang {len(a)} != {len(b)}; lebih: {(a[len(b) :] or b[len(a) :])[:2]!r}"
    return f"{path}: {a!r:.300} != {b!r:.300}"


# ==========================================================================================
# exactly once: a disturbed chat against the undisturbed one
# ==========================================================================================


@dataclass(frozen=True)
class ChatComparison:
    """A disturbed chat aligned with the undisturbed one."""

    duplicates: tuple[Message, ...]
    """Extra copies sent right before or after their twin (the outbox's documented resend after a
    crash between Telegram accepting a message and the outbox marking it sent). A notification of
    several messages (the chart photo, then the text) is resent whole: its copy is a block."""
    resends: int
    """How many resent notifications the duplicates make (a block counts once)."""
    lost: tuple[Message, ...]
    """Messages of the undisturbed run that never came."""
    unexpected: tuple[Message, ...]
    """Messages that are neither expected nor a copy of a neighbour."""


def align_chat(expected: Sequence[Message], actual: Sequence[Message]) -> ChatComparison:
    """Align ``actual`` with ``expected`` (longest common subsequence); an extra message sent like a
    neighbour is a duplicate, any other extra is unexpected, an expected one not matched is lost.

    The twin a person acted on carries the outcome edit, the other copy keeps its buttons: copies
    are recognised by what was sent (:attr:`Message.sent`), not by how they look at the end.
    """
    matcher = difflib.SequenceMatcher(None, list(expected), list(actual), autojunk=False)
    matched_expected: set[int] = set()
    matched_actual: set[int] = set()
    for block in matcher.get_matching_blocks():
        matched_expected.update(range(block.a, block.a + block.size))
        matched_actual.update(range(block.b, block.b + block.size))
    duplicates: list[Message] = []
    unexpected: list[Message] = []
    resends = 0
    for start, end in _runs(sorted(set(range(len(actual))) - matched_actual)):
        block = [m.sent for m in actual[start:end]]
        size = end - start
        before = [m.sent for m in actual[max(0, start - size) : start]]
        after = [m.sent for m in actual[end : end + size]]
        if block in (before, after):  # a whole notification resent next to its twin
            duplicates.extend(actual[start:end])
            resends += 1
            continue
        for index in range(start, end):  # else message by message
            message = actual[index]
            neighbours = [actual[i] for i in (index - 1, index + 1) if 0 <= i < len(actual)]
            if any(other.sent == message.sent for other in neighbours):
                duplicates.append(message)
                resends += 1
            else:
                unexpected.append(message)
    lost = tuple(m for i, m in enumerate(expected) if i not in matched_expected)
    return ChatComparison(tuple(duplicates), resends, lost, tuple(unexpected))


def _runs(indices: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted indices as [start, end) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs


# ==========================================================================================
# in process, with faults: the demo's runner
# ==========================================================================================


@dataclass(frozen=True)
class FaultPlan:
    """What fails: a share of the bot's Google requests, and bursts of Telegram 429s."""

    google_rate: float = 0.2
    google_statuses: tuple[int, ...] = (429, 500, 503)
    telegram_every: int = 4
    """A burst is armed before every this many steps."""
    telegram_burst: tuple[tuple[str | None, int], ...] = (("sendMessage", 2), (None, 1))
    """(method or any, how many requests) of each burst."""
    retry_after: int = 1

    def google_faults(self) -> list[dict[str, Any]]:
        """Rate faults, one per status, that together fail ``google_rate`` of the bot's requests in equal shares.

        The sandbox tries faults in order, each with its own draw: the i-th gets share/(1 - i*share).
        """
        share = self.google_rate / len(self.google_statuses)
        return [
            {"service": "google", "status": status, "rate": share / (1 - index * share), "account": BOT_EMAIL}
            for index, status in enumerate(self.google_statuses)
        ]

    def telegram_faults(self) -> list[dict[str, Any]]:
        """One burst of 429s with Retry-After."""
        return [
            {
                "service": "telegram",
                "status": 429,
                "count": count,
                "retry_after": self.retry_after,
                **({"method": method} if method else {}),
            }
            for method, count in self.telegram_burst
        ]


class FaultyDemoRun(DemoRun):
    """The demo's runner with a fault plan: Telegram bursts re-armed before every few steps."""

    def __init__(self, *args: Any, plan: FaultPlan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.bursts = 0

    def before(self, index: int, step: Step) -> None:
        """Arm a Telegram burst when due, then what the demo does (clock, sweep, poll, drain)."""
        if self.plan is not None and index % self.plan.telegram_every == 0:
            for spec in self.plan.telegram_faults():
                self.control.call("POST", "faults", spec)
            self.bursts += 1
        super().before(index, step)

    def after(self, result: StepResult) -> None:
        """After the last step, stop every fault: the demo then reads its outputs through the sandbox."""
        super().after(result)
        if result.index == len(self.steps) - 1:
            self.control.clear_faults()


@dataclass(frozen=True)
class InProcessRun:
    """One in-process quarter: its end state, the sandbox statistics and the demo's own report."""

    state: QuarterState
    stats: dict[str, Any]
    seconds: float
    steps: int
    bursts: int
    outputs: dict[str, Path]


def run_in_process(
    workdir: Path, plan: FaultPlan | None, database_url: str | None = None, *, strict: bool = True
) -> InProcessRun:
    """One quarter on a fresh sandbox with the demo's runner (simulated clock), under ``plan`` if given,
    on the store at ``database_url`` when given (a SQLite file in ``workdir`` otherwise); ``strict``:
    Google's per-minute quotas and change-feed lag on (the demo's default), else neither."""
    started = time.monotonic()
    with running_sandbox() as server:
        control = SandboxControl(server.base_url)
        settings = provision(control, demo_settings_data(), workdir, master=DEMO_MASTER, maks_percobaan=MAKS_PERCOBAAN)
        if database_url is not None:
            settings = settings.model_copy(
                update={"database": settings.database.model_copy(update={"url": database_url})}
            )
        control.reset_stats()  # count the quarter only, not the provisioning
        if plan is not None:
            for spec in plan.google_faults():
                control.call("POST", "faults", spec)
        demo = FaultyDemoRun(
            settings, control, workdir / "keluaran", lambda _: None, pace=0.0, plan=plan, strict=strict
        )
        demo.out.mkdir(parents=True, exist_ok=True)
        try:
            outputs = asyncio.run(demo.run())
        finally:
            control.clear_faults()
        stats = control.call("GET", "stats")
        assert demo.office is not None
        state = capture(control, demo.office, demo.cast, settings.database.url, times=False)
    return InProcessRun(state, stats, time.monotonic() - started, len(demo.steps), demo.bursts, dict(outputs))


# ==========================================================================================
# as a subprocess, killed and restarted
# ==========================================================================================


class ServiceDied(ScenarioError):
    """The service process ended on its own (not killed by the test)."""


class ServiceProcess:
    """``python -m bot run --config FILE`` as a child process; every start logs to its own file."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        """Start a new process (the previous one must be gone)."""
        assert self.process is None or self.process.poll() is not None, "previous process still running"
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
        env["KINERJA_TELEGRAM__TOKEN"] = DEFAULT_BOT_TOKEN
        self._close_log()
        self._log = (self.logs / f"bot-{self.starts:02d}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def check_alive(self) -> None:
        """Raise :class:`ServiceDied` (with the end of its log) if the process has ended."""
        if self.process is not None and self.process.poll() is not None:
            raise ServiceDied(f"proses bot berhenti sendiri (kode {self.process.returncode}):\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or closed."""
        assert self.process is not None
        self.check_alive()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def stop(self) -> int | None:
        """SIGTERM and wait (SIGKILL if it does not end in time); the exit code."""
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self._close_log()
        return self.process.returncode

    def log_tail(self, lines: int = 40) -> str:
        """The end of the current process's log."""
        path = self.logs / f"bot-{self.starts:02d}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


WATCHDOG = Person("penjaga", "Penjaga Uji", "Penjaga uji (bukan pegawai)", 100000099)
"""A stranger who sends /start to see whether the bot answers (the bot writes nothing for strangers)."""


@dataclass
class SubprocessRun:
    """One quarter against a subprocess: end state, kills, and how long it took."""

    state: QuarterState | None = None
    seconds: float = 0.0
    tw: int = 0
    steps: int = 0
    planned: dict[int, str] = field(default_factory=dict)
    """Scenario index -> why the service is killed there (see :func:`kill_points`)."""
    killed: list[tuple[int, str, int]] = field(default_factory=list)
    """(scenario index, step key, SOP step) of every kill done."""
    starts: int = 0
    exit_code: int | None = None


def kill_points(steps: Sequence[Step], *, mid_step: Sequence[str] = ()) -> dict[int, str]:
    """Scenario index -> why it is a kill point: the start, each distinct change of SOP step
    (first occurrence), and the steps named in ``mid_step`` (within an SOP step)."""
    points = {0: "awal (periode baru dibuka oleh jadwal)"}
    seen: set[tuple[int, int]] = set()
    for index in range(1, len(steps)):
        pair = (steps[index - 1].sop_step, steps[index].sop_step)
        if pair[0] != pair[1] and pair not in seen:
            seen.add(pair)
            points[index] = f"batas langkah SOP {pair[0]} -> {pair[1]}"
    for index, step in enumerate(steps):
        if step.key in mid_step:
            points[index] = f"di tengah langkah SOP {step.sop_step} (sebelum {step.key})"
    return dict(sorted(points.items()))


class SubprocessQuarter:
    """The quarter against ``python -m bot run`` on the real clock; with ``kills``, SIGKILL and a
    restart before every step :func:`kill_points` names (``mid_step`` adds steps by key). The
    service's store is a SQLite file in ``workdir``, or the database at ``database_url`` when given
    (the service migrates it at start)."""

    def __init__(
        self,
        workdir: Path,
        *,
        kills: bool = False,
        mid_step: Sequence[str] = (),
        timeout: float = 120.0,
        database_url: str | None = None,
    ) -> None:
        self.workdir = workdir
        self.kills = kills
        self.mid_step = tuple(mid_step)
        self.timeout = timeout
        self.database_url = database_url

    def run(self) -> SubprocessRun:
        """Provision a fresh sandbox, start the service, play the quarter, stop it, capture the end state."""
        started = time.monotonic()
        self.workdir.mkdir(parents=True, exist_ok=True)
        with running_sandbox() as server:
            control = SandboxControl(server.base_url)
            data = demo_settings_data(jadwal={"interval_polling_detik": 5})
            settings = provision(control, data, self.workdir, master=DEMO_MASTER, maks_percobaan=MAKS_PERCOBAAN)
            if self.database_url is not None:
                settings = settings.model_copy(
                    update={"database": settings.database.model_copy(update={"url": self.database_url})}
                )
            due = due_period(settings, datetime.now(settings.tz))
            if due is None:
                raise ScenarioError(
                    f"belum ada periode sejak {settings.tahun} yang jatuh tempo dibuka; periksa jam komputer"
                )
            tahun, tw = due
            config = self.workdir / "settings.yaml"
            config.write_text(
                yaml.safe_dump(settings.model_dump(mode="json", exclude_none=True), allow_unicode=True),
                encoding="utf-8",
            )
            control.telegram_user(WATCHDOG.telegram_id, "Penjaga", "Uji")
            control.quotas()  # Google's per-minute quotas; the change feed's lag is on by default
            cast = Cast.from_settings(settings)
            steps = quarter_steps(cast, demo_script(tahun, load_isian(ISIAN_DEMO), tw=tw))
            # While the people wait for the bot, minutes pass on Google's side (the service polls by itself).
            sandbox_time = SandboxTime(control)
            office = Office(
                control,
                cast,
                timeout=self.timeout,
                nudge=lambda: sandbox_time.let_pass(POLL_MINUTE),
                on_press=sandbox_time.pressed,
            )
            service = ServiceProcess(config, self.workdir)
            planned = kill_points(steps, mid_step=self.mid_step) if self.kills else {}
            result = SubprocessRun(tw=tw, steps=len(steps), planned=planned)
            database = settings.database.url
            try:
                service.start()
                self._wait_answering(office, service)

                def before(index: int, step: Step) -> None:
                    if index in planned:
                        service.kill()
                        result.killed.append((index, step.key, step.sop_step))
                        service.start()
                        self._wait_answering(office, service)
                    service.check_alive()
                    wait_delivered(office, database, service)

                Scenario(office, steps).run(before=before)
                wait_delivered(office, database, service)
            finally:
                result.exit_code = service.stop()
                result.starts = service.starts
            result.state = capture(control, office, cast, database, times=True)
        result.seconds = time.monotonic() - started
        return result

    def _wait_answering(self, office: Office, service: ServiceProcess) -> None:
        """Until the (re)started bot answers a stranger's /start: its long polling is up."""
        mark = office.last_id(WATCHDOG)
        office.send(WATCHDOG, "/start")

        def answered() -> bool:
            service.check_alive()
            return office.last_id(WATCHDOG) > mark

        office.wait(answered, "bot menjawab /start lagi setelah dijalankan", self.timeout)


def pending_outbox(database_url: str) -> int:
    """Outbox rows neither sent nor given up (read from the service's database)."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            query = (
                select(func.count())
                .select_from(schema.outbox)
                .where(schema.outbox.c.sent_at.is_(None), schema.outbox.c.failed_at.is_(None))
            )
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def wait_delivered(office: Office, database_url: str, service: ServiceProcess) -> None:
    """Until the outbox is empty (so each step's messages land before the next step acts)."""

    def delivered() -> bool:
        service.check_alive()
        return pending_outbox(database_url) == 0

    office.wait(delivered, "semua pemberitahuan terkirim", office.timeout)
