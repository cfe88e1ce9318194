"""Chat: button press to edited message latency with P presses at once, concurrent against serial
handling, with and without Google latency; and the service's memory.

The service runs alone in a child process (:mod:`benchmarks.service_process`, the wiring of
``python -m bot run``) against the in-process sandbox, with P generated bidang. The benchmark
plays everyone through the sandbox: the Sekretaris approves distribution, the staff of every
bidang fill their workbook with real gspread and set "Siap Dikoreksi", one poll cycle turns that
into P "Permohonan koreksi" messages, then every Kepala Bidang (the Sekretaris for the
Sekretariat) presses "Setujui" at the same moment (threads released by one barrier).

Each approval waits on Google (it locks the TW in the workbook before the store records the
decision and the message is edited), so how many presses the service handles at once matters as
soon as Google is not on loopback. The presses are therefore measured in four scenarios, each in a
fresh world and service process: ``telegram.concurrent_updates`` at its default (the product) and
at 1 (one update at a time: the peer), each with the sandbox adding 0 ms and a realistic latency
(:attr:`benchmarks.common.Sizes.chat_google_ms`, set with ``POST /_sandbox/latency`` for the
presses only) to every Google API request. ratio = serial / concurrent.

Latency of a press: from the moment the sandbox queued the callback query (its own monotonic
clock) to the moment the bot's edit of that message is visible in the sandbox (polled every
millisecond in this process), and likewise to the callback answer. The last approval also builds
the draft rekap. Memory: ``VmRSS`` of the service's process, idle and sampled every 2 ms during a
poll cycle and during the presses; compared with DESIGN.md section 9's targets.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from benchmarks.common import (
    REPO,
    TAHUN,
    TW,
    BenchmarkError,
    BenchmarkResult,
    Figure,
    Progress,
    Sizes,
    percentile,
    staff_email,
    world,
)
from config.settings import DatabaseSettings, Settings, TelegramSettings
from sandbox.server import SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets import layout
from sheets.google.drive import PROP_BIDANG, PROP_JENIS
from sheets.master import Master

LATENCY_TARGET_MS = 200.0
RSS_TARGET_MB = 150.0
KOREKSI = "Permohonan koreksi"
SETUJUI = "Setujui"


def kib_to_mb(kib: float) -> float:
    """KiB (as /proc reports) -> MB (10^6 bytes, as the design's target is written), 0.1 MB."""
    return round(kib * 1024 / 1e6, 1)


class ServiceProcess:
    """The child process running the service, driven by one JSON command per line."""

    def __init__(self, settings: Settings, workdir: Path, token: str) -> None:
        settings_file = workdir / "settings.pickle"
        settings_file.write_bytes(pickle.dumps(settings))
        self.log = workdir / "service.log"
        env = {**os.environ, "KINERJA_TELEGRAM__TOKEN": token, "PTB_TIMEDELTA": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        self._log_handle = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.service_process", str(settings_file)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_handle,
            text=True,
            bufsize=1,
        )
        self._answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, name="service-reader", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self._answers.put(json.loads(line))
            except ValueError:
                continue
        self._answers.put(None)

    def expect(self, timeout: float = 120.0) -> dict[str, Any]:
        """The next answer of the service; BenchmarkError when it fails, dies or keeps silent."""
        try:
            answer = self._answers.get(timeout=timeout)
        except queue.Empty:
            raise BenchmarkError(f"the service did not answer in {timeout:.0f} s; see {self.log}") from None
        if answer is None:
            tail = self.log.read_text(encoding="utf-8")[-2000:]
            raise BenchmarkError(f"the service process ended unexpectedly:\n{tail}")
        if not answer.get("ok"):
            raise BenchmarkError(f"the service failed: {answer.get('error')}")
        return answer

    def call(self, cmd: str, timeout: float = 120.0, **arguments: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **arguments}) + "\n")
        self.process.stdin.flush()
        return self.expect(timeout)

    def stop(self) -> None:
        """Stop the service (killed if it does not stop in time)."""
        try:
            if self.process.poll() is None:
                self.call("stop", timeout=30)
            self.process.wait(timeout=30)
        except (BenchmarkError, subprocess.TimeoutExpired, BrokenPipeError, OSError):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            self._log_handle.close()


class TelegramView:
    """Read-only view of what the bot sent, straight from the in-process sandbox's state."""

    def __init__(self, server: SandboxServer) -> None:
        service: Any = server.app.service("telegram")
        self.bot = service.world.bots[DEFAULT_BOT_TOKEN]

    def find(self, chat_id: int, contains: str, button: str) -> tuple[int, int] | None:
        """(message id, edits so far) of the bot's latest message holding ``contains`` and ``button``."""
        with self.bot.lock:
            for message_id, stored in sorted(self.bot.chats.get(chat_id, {}).items(), reverse=True):
                data = stored.data
                labels = [
                    b.get("text") for row in (data.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
                ]
                if stored.sender == "bot" and contains in (data.get("text") or "") and button in labels:
                    return message_id, stored.edits
        return None

    def edits(self, chat_id: int, message_id: int) -> tuple[int, str]:
        """(edit count, current text) of a message."""
        with self.bot.lock:
            stored = self.bot.chats[chat_id][message_id]
            return stored.edits, str(stored.data.get("text") or "")

    def callback_times(self, query_id: str) -> tuple[float, float | None]:
        """(created, answered) of a callback query, both on the monotonic clock.

        The sandbox stamps creation with ``time.monotonic()`` and the answer with ``time.time()``;
        the answer is moved onto the monotonic clock with the current offset between the two.
        """
        offset = time.time() - time.monotonic()
        with self.bot.lock:
            record = self.bot.callbacks[query_id]
            answered = None if record.answered_at is None else record.answered_at - offset
            return record.created, answered


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """``check()`` once it is truthy; BenchmarkError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise BenchmarkError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _press(base_url: str, user_id: int, message_id: int) -> str:
    response = requests.post(
        f"{base_url}/_sandbox/telegram/press",
        json={"user_id": user_id, "message_id": message_id, "text": SETUJUI},
        timeout=60,
    )
    response.raise_for_status()
    return str(response.json()["callback_query_id"])


def _fill(control: Any, spreadsheet_id: str, kode: str, master: Master) -> None:
    """The staff of ``kode`` fill TW I (realisasi = target, some anggaran) and set Siap Dikoreksi."""
    items = master.for_bidang(kode)
    book = control.gspread_as(staff_email(kode)).open_by_key(spreadsheet_id)
    sheet = book.worksheet(layout.TAB_REALISASI)
    realisasi = [
        [item.target_tw[TW - 1] if item.target_tw[TW - 1] is not None else item.target_tahunan] for item in items
    ]
    anggaran = [[1_000_000] for _ in items]
    for label, values in ((layout.col_realisasi(TW), realisasi), (layout.col_anggaran(TW), anggaran)):
        column = layout.column_letter(layout.REALISASI_HEADER.index(label))
        sheet.update(values, f"{column}2:{column}{len(items) + 1}")
    book.worksheet(layout.TAB_STATUS).update([[layout.STATUS_SIAP_DIKOREKSI]], f"B{layout.status_row(TW)}")


@dataclass(frozen=True)
class Scenario:
    """One way of running the presses: how many updates the service handles at once, Google's latency."""

    concurrent_updates: int
    google_ms: int

    @property
    def label(self) -> str:
        """Short name for progress lines and work folders."""
        mode = "serial" if self.concurrent_updates == 1 else f"concurrent{self.concurrent_updates}"
        return f"{mode}-google{self.google_ms}ms"


@dataclass
class Measured:
    """What one scenario measured."""

    edit_ms: list[float]
    answer_ms: list[float]
    google_requests: int
    """Google API requests during the presses (the token endpoint excluded)."""
    rss_presses_kib: int
    rss_start_kib: int | None = None
    rss_idle_kib: int | None = None
    cycle: dict[str, Any] = field(default_factory=dict)
    """The poll cycle that found every workbook changed (the service process's answer)."""
    cpu_presses_s: float = 0.0
    """CPU time of the service process during the presses."""
    server_cpu_presses_s: float = 0.0
    """CPU time of the database server during the presses (0 for SQLite, which runs in the service)."""
    server_cpu_cycle_s: float = 0.0
    """CPU time of the database server during :attr:`cycle`."""
    idle_cycle: dict[str, Any] | None = None
    """A poll cycle with no workbook changed (only when asked for)."""


def _measure(
    n: int,
    workdir: Path,
    progress: Progress,
    scenario: Scenario,
    *,
    rss: bool,
    database_url: str | None = None,
    server_cpu: Callable[[], float] | None = None,
    idle_poll: bool = False,
) -> Measured:
    """A fresh world and service process with ``scenario``'s settings; P presses at once.

    The Google latency is set in the sandbox only for the presses: the world is built, the
    workbooks handed out and filled, and the poll cycle run at loopback speed. With ``rss`` the
    idle RSS is sampled after a quiet second (the other scenarios skip those pauses).

    ``database_url``: the service's store instead of the world's SQLite file (an empty database,
    migrated by the service at start); ``server_cpu``: the database server's CPU seconds so far,
    read around the poll cycle and the presses; ``idle_poll``: also one poll cycle with no
    workbook changed, right after the first one.
    """
    label = scenario.label
    cpu_of_server = server_cpu or (lambda: 0.0)
    progress(f"chat [{label}]: world with {n} bidang, starting the service process")
    overrides = {"telegram": {"concurrent_updates": scenario.concurrent_updates}}
    with world(n, workdir / label, telegram=True, overrides=overrides) as w:
        if w.settings.telegram.concurrent_updates != scenario.concurrent_updates:
            raise BenchmarkError("the settings did not take telegram.concurrent_updates")
        view = TelegramView(w.server)
        settings = w.settings
        if database_url is not None:
            settings = settings.model_copy(update={"database": DatabaseSettings(url=database_url)})
        service = ServiceProcess(settings, workdir / label, DEFAULT_BOT_TOKEN)
        rss_start = rss_idle = idle_cycle = None
        try:
            service.expect(timeout=120)
            if rss:
                time.sleep(1.0)
                rss_start = service.call("rss")["rss_kib"]
            service.call("start_period", tahun=TAHUN, tw=TW)
            sekretaris = w.settings.pejabat.sekretaris.telegram_id
            assert sekretaris is not None
            # With 50 bidang the request lists 50 formats and is split into numbered parts; its
            # buttons ride on the last part, which carries no title. It is the Sekretaris's only
            # message with Setujui at this point.
            ask = wait_until(lambda: view.find(sekretaris, "", SETUJUI), 60, "the distribution request")
            _press(w.control.base, sekretaris, ask[0])
            wait_until(lambda: view.edits(sekretaris, ask[0])[0] > ask[1], 120, "the distribution approval")
            service.call("poll")  # the first cycle reads every workbook once (no cursor yet)
            if idle_poll:
                idle_cycle = service.call("poll")
                if idle_cycle["events"] != 0:
                    raise BenchmarkError(f"the idle poll cycle gave {idle_cycle['events']} events, expected 0")
            refs = {
                f["appProperties"].get(PROP_BIDANG): f["id"]
                for f in w.control.files()
                if f["appProperties"].get(PROP_JENIS) == "bidang"
            }
            if set(refs) != set(w.kodes):
                raise BenchmarkError(f"workbooks found for {sorted(refs)}, expected {w.kodes}")
            for kode in w.kodes:
                _fill(w.control, refs[kode], kode, w.master)
            if rss:
                time.sleep(1.0)
                rss_idle = service.call("rss")["rss_kib"]
            server_cpu_cycle = cpu_of_server()
            cycle = service.call("poll", timeout=300)
            server_cpu_cycle = cpu_of_server() - server_cpu_cycle
            if cycle["events"] != n:
                raise BenchmarkError(f"the poll cycle gave {cycle['events']} events, expected {n}")
            pressers: dict[str, int] = {}
            for kode in w.kodes:
                telegram_id = w.settings.kepala_bidang(kode).telegram_id
                if telegram_id is None:
                    raise BenchmarkError(f"no Telegram id for the Kepala Bidang of {kode}")
                pressers[kode] = telegram_id
            requests_by_kode: dict[str, tuple[int, int]] = {}

            def all_requests() -> bool:
                for kode, person in pressers.items():
                    if kode not in requests_by_kode:
                        found = view.find(person, KOREKSI, SETUJUI)
                        if found is not None:
                            requests_by_kode[kode] = found
                return len(requests_by_kode) == len(pressers)

            wait_until(all_requests, 120, f"{n} koreksi requests")
            progress(
                f"chat [{label}]: poll cycle {cycle['seconds'] * 1000:.0f} ms, {n} koreksi requests "
                f"delivered; {n} presses at once"
            )
            time.sleep(0.5)  # let the outbox settle: the presses start from a quiet service
            service.call("watch")
            server_cpu_presses = cpu_of_server()
            w.control.reset_stats()
            if scenario.google_ms:
                w.control.latency("google", scenario.google_ms)
            edited_at, query_ids = _press_all(w, view, pressers, requests_by_kode, service)
            w.control.clear_latency()
            google_requests = w.control.google_total()
            peak = service.call("peak")
            server_cpu_presses = cpu_of_server() - server_cpu_presses
            rss_presses = peak["rss_peak_kib"]
            edit_ms, answer_ms = [], []
            for kode in w.kodes:
                text = view.edits(pressers[kode], requests_by_kode[kode][0])[1]
                if "Disetujui" not in text:
                    raise BenchmarkError(f"the koreksi request of {kode} was edited to {text[-120:]!r}")
                created, answered = view.callback_times(query_ids[kode])
                edit_ms.append((edited_at[kode] - created) * 1000)
                if answered is not None:
                    answer_ms.append((answered - created) * 1000)
        finally:
            service.stop()
    progress(
        f"chat [{label}]: press -> edit p50 {percentile(edit_ms, 50):.0f} ms p95 {percentile(edit_ms, 95):.0f} "
        f"ms p99 {percentile(edit_ms, 99):.0f} ms; {google_requests} Google requests"
    )
    return Measured(
        edit_ms,
        answer_ms,
        google_requests,
        rss_presses,
        rss_start,
        rss_idle,
        cycle,
        cpu_presses_s=float(peak["cpu_seconds"]),
        server_cpu_presses_s=server_cpu_presses,
        server_cpu_cycle_s=server_cpu_cycle,
        idle_cycle=idle_cycle,
    )


def _press_all(
    w: Any,
    view: TelegramView,
    pressers: dict[str, int],
    requests_by_kode: dict[str, tuple[int, int]],
    service: ServiceProcess,
) -> tuple[dict[str, float], dict[str, str]]:
    """Every presser presses Setujui at once (one barrier); when each edit became visible, and the query ids."""
    n = len(pressers)
    barrier = threading.Barrier(n)
    query_ids: dict[str, str] = {}
    errors: list[BaseException] = []

    def press(kode: str) -> None:
        try:
            barrier.wait(timeout=30)
            query_ids[kode] = _press(w.control.base, pressers[kode], requests_by_kode[kode][0])
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=press, args=(kode,), daemon=True) for kode in pressers]
    for thread in threads:
        thread.start()
    edited_at: dict[str, float] = {}
    deadline = time.monotonic() + 300
    while len(edited_at) < n and time.monotonic() < deadline and not errors:
        for kode, (message_id, before) in requests_by_kode.items():
            if kode not in edited_at and view.edits(pressers[kode], message_id)[0] > before:
                edited_at[kode] = time.monotonic()
        time.sleep(0.001)
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise BenchmarkError(f"a press failed: {errors[0]!r}")
    if len(edited_at) < n:
        raise BenchmarkError(f"only {len(edited_at)} of {n} messages were edited; see {service.log}")
    return edited_at, query_ids


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Latency of P simultaneous presses, concurrent against serial handling, and the service's RSS."""
    n = sizes.chat_presses
    concurrent = TelegramSettings().concurrent_updates
    result = BenchmarkResult(
        name="chat",
        title="Chat dan memori / chat and memory",
        product=f"the service as `python -m bot run` wires it (bot.runtime.build_service) in its own process, "
        f"{n} bidang, telegram.concurrent_updates={concurrent} (the default); every Kepala Bidang "
        f"presses Setujui on the koreksi request at the same moment",
        peer="the same service with telegram.concurrent_updates=1 (one update at a time); memory figures "
        "have no peer (compared with DESIGN.md section 9 targets: p95 < 200 ms, RSS < 150 MB)",
        notes=[
            "latency: from the sandbox queuing the callback query to the edit being visible in the sandbox "
            "(1 ms polling); each approval locks the TW in Google before the edit; the last one also writes "
            "the draft rekap",
            "google_ms: latency the sandbox adds to every Google API request during the presses only "
            "(POST /_sandbox/latency; world building and the poll cycle run at loopback speed); Telegram "
            "requests get none. Each scenario runs in a fresh world and service process",
            "options differing from `bot run`: outbox_interval 0.2 s, getUpdates timeout 2 s, no scheduler "
            "(the benchmark triggers the poll cycle)",
            "RSS: VmRSS of the service process; peaks sampled every 2 ms; idle and poll-cycle figures from "
            "the concurrent run at google_ms=0",
        ],
    )
    workdir.mkdir(parents=True, exist_ok=True)
    measured: dict[Scenario, Measured] = {}
    for google_ms in sizes.chat_google_ms:
        for updates in (concurrent, 1):
            scenario = Scenario(updates, google_ms)
            first = not measured
            measured[scenario] = _measure(n, workdir, progress, scenario, rss=first)
    base = measured[Scenario(concurrent, sizes.chat_google_ms[0])]
    for google_ms in sizes.chat_google_ms:
        product, peer = measured[Scenario(concurrent, google_ms)], measured[Scenario(1, google_ms)]
        params = {"presses": n, "google_ms": google_ms}
        for q in (50, 95, 99):
            result.figures.append(
                Figure(
                    f"press -> edited message, p{q}",
                    "ms",
                    round(percentile(product.edit_ms, q), 1),
                    round(percentile(peer.edit_ms, q), 1),
                    params,
                    target=LATENCY_TARGET_MS if q == 95 else None,
                )
            )
        result.figures.append(
            Figure(
                "press -> edited message, max",
                "ms",
                round(max(product.edit_ms), 1),
                round(max(peer.edit_ms), 1),
                params,
            )
        )
        if product.answer_ms and peer.answer_ms:
            result.figures.append(
                Figure(
                    "press -> callback answered, p95",
                    "ms",
                    round(percentile(product.answer_ms, 95), 1),
                    round(percentile(peer.answer_ms, 95), 1),
                    params,
                )
            )
        result.figures.append(
            Figure(
                "service RSS, peak during the presses (incl. the draft rekap)",
                "MB",
                kib_to_mb(product.rss_presses_kib),
                kib_to_mb(peer.rss_presses_kib),
                {"bidang": n, "google_ms": google_ms},
                target=RSS_TARGET_MB,
            )
        )
        result.notes.append(
            f"google_ms={google_ms}: {product.google_requests / n:.1f} Google requests per press (mean, the draft "
            f"rekap included) concurrent, {peer.google_requests / n:.1f} serial"
        )
    for scenario, m in measured.items():
        if len(m.answer_ms) < n:
            result.notes.append(f"{scenario.label}: {n - len(m.answer_ms)} press(es) had no callback answer recorded")
    assert base.rss_start_kib is not None and base.rss_idle_kib is not None
    bidang = {"bidang": n}
    result.figures += [
        Figure(
            "service RSS, idle after start", "MB", kib_to_mb(base.rss_start_kib), None, bidang, target=RSS_TARGET_MB
        ),
        Figure(
            "service RSS, idle with the period open",
            "MB",
            kib_to_mb(base.rss_idle_kib),
            None,
            bidang,
            target=RSS_TARGET_MB,
        ),
        Figure(
            "service RSS, peak during a poll cycle (every workbook changed)",
            "MB",
            kib_to_mb(base.cycle["rss_peak_kib"]),
            None,
            {**bidang, "k": n},
            target=RSS_TARGET_MB,
        ),
    ]
    return result
