"""Chat: a button press to its edited message, Kinerja Bot against the stack's own floor, in one world.

The product: the service as ``python -m bot run`` wires it (:mod:`benchmarks.service_process`) in
its own process against the in-process sandbox, with P + L generated bidang. The benchmark plays
everyone through the sandbox: the Sekretaris approves distribution, the staff of every bidang fill
their workbook with real gspread and set "Siap Dikoreksi", one poll (cycle after cycle until
every workbook is read) turns that into a "Permohonan koreksi" message per bidang, then L Kepala
Bidang press "Setujui" one after another (the lone press) and the other P press it at the same
moment (threads released by one barrier). Each approval moves the report (one store transaction)
before the message is edited; its lock in Google follows in the service's worker thread. The last
one makes the draft rekap due, which the service builds off the press path (its worker thread).

The floor (the peer, :mod:`benchmarks.floor_bot`): a bare python-telegram-bot bot that only answers
the callback and edits the message, in its own process with its own bot token in the same
sandbox, pressed the same way by the same people (L alone, then P at once). It runs once before
and once after the product; each of its figures is the better of the two, so a machine that gets
busier or quieter during the run does not flatter the product. ratio = floor / product: 1 means
the product adds nothing to the stack's cost, 0.67 that it takes 1.5 times as long.

Latency of a press: from the moment the sandbox queued the callback query (its own monotonic
clock) to the moment the edit of that message is visible in the sandbox (polled every millisecond
in this process), and likewise to the callback answer. Memory: ``VmRSS`` of the service's process
idle with the period open (after the poll that validated every workbook) against a fresh
interpreter importing the same libraries (:func:`benchmarks.processes.library_rss_kib`), and its
peaks during that poll and the presses.
"""

from __future__ import annotations

import pickle
import statistics
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from benchmarks.common import (
    TAHUN,
    TW,
    BenchmarkError,
    BenchmarkResult,
    Figure,
    Progress,
    Sizes,
    World,
    percentile,
    staff_email,
    world,
)
from benchmarks.processes import ChildProcess, child_env, library_rss_kib, wait_until
from config.settings import DatabaseSettings, TelegramSettings
from sandbox.server import SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets import layout
from sheets.google.drive import PROP_BIDANG, PROP_JENIS
from sheets.master import Master

BURST_RATIO_TARGET = 1.5
"""Kinerja Bot's p95 for P presses at once within this many times the floor's (DESIGN.md section 9)."""
LONE_RATIO_TARGET = 1.2
"""A lone press within this many times the floor's."""
MEMORY_RATIO_TARGET = 1.15
"""Idle RSS within this many times the RSS of importing the same libraries."""
RSS_TARGET_MB = 120.0
KOREKSI = "Permohonan koreksi"
DRAFT = "Draf rekap laporan kinerja dinas"
SETUJUI = "Setujui"
FLOOR_TEXT = "Permohonan koreksi (dasar)"
LONE_PAUSE = 0.3  # seconds between two lone presses: each starts from a quiet service


def kib_to_mb(kib: float) -> float:
    """KiB (as /proc reports) -> MB (10^6 bytes, as the design's target is written), 0.1 MB."""
    return round(kib * 1024 / 1e6, 1)


class TelegramView:
    """Read-only view of what one bot sent, straight from the in-process sandbox's state."""

    def __init__(self, server: SandboxServer, token: str = DEFAULT_BOT_TOKEN) -> None:
        service: Any = server.app.service("telegram")
        self.bot = service.world.bots[token]
        self.token = token

    def find(self, chat_id: int, contains: str, button: str | None = None) -> tuple[int, int] | None:
        """(message id, edits so far) of the bot's latest message holding ``contains`` (and ``button``)."""
        with self.bot.lock:
            for message_id, stored in sorted(self.bot.chats.get(chat_id, {}).items(), reverse=True):
                data = stored.data
                labels = [
                    b.get("text") for row in (data.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
                ]
                text = data.get("text") or data.get("caption") or ""
                if stored.sender == "bot" and contains in text and (button is None or button in labels):
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


def _press(base_url: str, user_id: int, message_id: int, token: str) -> str:
    response = requests.post(
        f"{base_url}/_sandbox/telegram/press",
        json={"user_id": user_id, "message_id": message_id, "text": SETUJUI, "token": token},
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


# --- pressing ----------------------------------------------------------------------------------


@dataclass
class Presses:
    """What pressing measured, for the product or the floor."""

    lone_ms: list[float] = field(default_factory=list)
    """Press -> edited message of each lone press."""
    edit_ms: list[float] = field(default_factory=list)
    """Press -> edited message of each of the P presses at once."""
    answer_ms: list[float] = field(default_factory=list)
    cpu_s: float = 0.0
    """CPU time of the bot's process during the P presses."""
    server_cpu_s: float = 0.0
    """CPU time of the database server during the P presses (0 for SQLite, inside the service)."""
    rss_peak_kib: int = 0
    last_edit_at: float = 0.0
    """When the last of the P edits became visible (monotonic clock)."""

    @property
    def lone(self) -> float:
        """The median lone press."""
        return float(statistics.median(self.lone_ms))

    def burst(self, q: float) -> float:
        """The ``q``-th percentile of the P presses at once."""
        return percentile(self.edit_ms, q)


def _lone(w: World, view: TelegramView, presser: int, message: tuple[int, int]) -> float:
    message_id, before = message
    query = _press(w.control.base, presser, message_id, view.token)
    wait_until(lambda: view.edits(presser, message_id)[0] > before, 120, "a lone press's edit", every=0.001)
    edited = time.monotonic()
    created, _ = view.callback_times(query)
    return (edited - created) * 1000


def _burst(
    w: World, view: TelegramView, targets: Mapping[str, tuple[int, tuple[int, int]]]
) -> tuple[dict[str, float], dict[str, str]]:
    """Every presser presses Setujui at once (one barrier); when each edit became visible, and the query ids."""
    barrier = threading.Barrier(len(targets))
    query_ids: dict[str, str] = {}
    errors: list[BaseException] = []

    def press(name: str) -> None:
        presser, (message_id, _) = targets[name]
        try:
            barrier.wait(timeout=30)
            query_ids[name] = _press(w.control.base, presser, message_id, view.token)
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=press, args=(name,), daemon=True) for name in targets]
    for thread in threads:
        thread.start()
    edited_at: dict[str, float] = {}
    deadline = time.monotonic() + 300
    while len(edited_at) < len(targets) and time.monotonic() < deadline and not errors:
        for name, (presser, (message_id, before)) in targets.items():
            if name not in edited_at and view.edits(presser, message_id)[0] > before:
                edited_at[name] = time.monotonic()
        time.sleep(0.001)
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise BenchmarkError(f"a press failed: {errors[0]!r}")
    if len(edited_at) < len(targets):
        raise BenchmarkError(f"only {len(edited_at)} of {len(targets)} messages were edited")
    return edited_at, query_ids


def press(
    w: World,
    view: TelegramView,
    lone: Mapping[str, tuple[int, tuple[int, int]]],
    burst: Mapping[str, tuple[int, tuple[int, int]]],
    process: ChildProcess,
    server_cpu: Callable[[], float] | None = None,
) -> Presses:
    """The lone presses one by one, then the burst at once, against the bot in ``process``."""
    cpu_of_server = server_cpu or (lambda: 0.0)
    result = Presses()
    for presser, message in lone.values():
        time.sleep(LONE_PAUSE)
        result.lone_ms.append(_lone(w, view, presser, message))
    time.sleep(0.5)  # let the outbox settle: the presses start from a quiet bot
    process.call("watch")
    server_before = cpu_of_server()
    edited_at, query_ids = _burst(w, view, burst)
    peak = process.call("peak")
    result.server_cpu_s = cpu_of_server() - server_before
    result.cpu_s = float(peak["cpu_seconds"])
    result.rss_peak_kib = int(peak["rss_peak_kib"])
    result.last_edit_at = max(edited_at.values())
    for name, (presser, (message_id, _)) in burst.items():
        created, answered = view.callback_times(query_ids[name])
        result.edit_ms.append((edited_at[name] - created) * 1000)
        if answered is not None:
            result.answer_ms.append((answered - created) * 1000)
        if view.token == DEFAULT_BOT_TOKEN and "Disetujui" not in view.edits(presser, message_id)[1]:
            raise BenchmarkError(f"the koreksi request of {name} was not edited to its outcome")
    return result


# --- the floor ---------------------------------------------------------------------------------


def measure_floor(
    w: World, pressers: Mapping[str, int], lone: int, workdir: Path, label: str, progress: Progress
) -> Presses:
    """The bare PTB bot in its own process (own token, same sandbox): ``lone`` presses alone, the rest at once."""
    created = w.control.call("POST", "telegram/bots", {"first_name": "Bot Dasar"})
    token = str(created["token"])
    updates = TelegramSettings().concurrent_updates
    base_url = w.settings.telegram.base_url
    floor = ChildProcess(
        ["-m", "benchmarks.floor_bot", token, base_url, str(updates)], workdir / f"floor-{label}.log", child_env()
    )
    try:
        floor.expect(timeout=120)
        sent = floor.call("send", chats=list(pressers.values()), text=FLOOR_TEXT, timeout=300)["message_ids"]
        view = TelegramView(w.server, token)
        targets = {name: (chat, (int(sent[str(chat)]), 0)) for name, chat in pressers.items()}
        names = list(targets)
        presses = press(w, view, {n: targets[n] for n in names[:lone]}, {n: targets[n] for n in names[lone:]}, floor)
    finally:
        floor.stop()
    progress(
        f"chat [floor {label}]: lone {presses.lone:.0f} ms; {len(presses.edit_ms)} at once p50 "
        f"{presses.burst(50):.0f} ms p95 {presses.burst(95):.0f} ms; {presses.cpu_s * 1000 / len(presses.edit_ms):.1f} "
        "ms CPU per press"
    )
    return presses


def better(a: Presses, b: Presses) -> Presses:
    """Per figure, the better (lower) of two floor runs."""
    lower = min((a, b), key=lambda p: p.burst(95))
    return Presses(
        lone_ms=min((a.lone_ms, b.lone_ms), key=statistics.median),
        edit_ms=lower.edit_ms,
        answer_ms=min((a.answer_ms, b.answer_ms), key=lambda v: percentile(v, 95) if v else float("inf")),
        cpu_s=min(a.cpu_s, b.cpu_s),
        rss_peak_kib=min(a.rss_peak_kib, b.rss_peak_kib),
        last_edit_at=lower.last_edit_at,
    )


# --- the product -------------------------------------------------------------------------------


@dataclass
class Product:
    """What one run of the product measured."""

    presses: Presses
    google_requests: int
    """Google API requests during the P presses (the token endpoint excluded; the draft rekap included)."""
    cycle: dict[str, Any]
    """The poll (cycles until every workbook was read) finding every workbook changed (the service's answer)."""
    idle_cycle: dict[str, Any] | None = None
    """A poll with no workbook changed (when asked for)."""
    server_cpu_cycle_s: float = 0.0
    draft_after_ms: float | None = None
    """From the last edit of the P presses to the draft rekap's message in the Kasubbag's chat."""
    rss_idle_kib: int | None = None
    """Idle with the period open, after the poll."""
    library: dict[str, Any] | None = None
    """:func:`library_rss_kib` of the modules the service had loaded at that moment."""


def split(w: World, lone: int) -> tuple[dict[str, int], list[str]]:
    """Who presses for each bidang (kode -> Telegram id), and the order: the lone presses first."""
    pressers: dict[str, int] = {}
    for kode in w.kodes:
        telegram_id = w.settings.kepala_bidang(kode).telegram_id
        if telegram_id is None:
            raise BenchmarkError(f"no Telegram id for the Kepala Bidang of {kode}")
        pressers[kode] = telegram_id
    order = [*w.kodes[1 : lone + 1], w.kodes[0], *w.kodes[lone + 1 :]]  # the Sekretaris presses in the burst
    return pressers, order


def measure_product(
    w: World,
    lone: int,
    workdir: Path,
    progress: Progress,
    *,
    label: str = "product",
    database_url: str | None = None,
    server_cpu: Callable[[], float] | None = None,
    idle_poll: bool = False,
    memory: bool = False,
) -> Product:
    """The service in its own process in world ``w``: distribute, fill, poll, then press.

    ``database_url``: the service's store instead of the world's SQLite file (an empty database,
    migrated by the service at start); ``server_cpu``: the database server's CPU seconds so far;
    ``idle_poll``: also one poll with no workbook changed; ``memory``: the idle RSS with the
    period open and its library floor.
    """
    cpu_of_server = server_cpu or (lambda: 0.0)
    n = len(w.kodes)
    view = TelegramView(w.server)
    settings = w.settings
    if database_url is not None:
        settings = settings.model_copy(update={"database": DatabaseSettings(url=database_url)})
    settings_file = workdir / f"settings-{label}.pickle"
    settings_file.write_bytes(pickle.dumps(settings))
    service = ChildProcess(
        ["-m", "benchmarks.service_process", str(settings_file)],
        workdir / f"{label}.log",
        child_env(KINERJA_TELEGRAM__TOKEN=DEFAULT_BOT_TOKEN),
    )
    idle_cycle = None
    rss_idle = library = None
    try:
        service.expect(timeout=120)
        service.call("start_period", tahun=TAHUN, tw=TW)
        sekretaris = w.settings.pejabat.sekretaris.telegram_id
        kasubbag = w.settings.pejabat.kasubbag_kpep.telegram_id
        assert sekretaris is not None and kasubbag is not None
        # With many bidang the request lists every format and is split into numbered parts; its
        # buttons ride on the last part. It is the Sekretaris's only message with Setujui now.
        ask = wait_until(lambda: view.find(sekretaris, "", SETUJUI), 60, "the distribution request")
        _press(w.control.base, sekretaris, ask[0], DEFAULT_BOT_TOKEN)
        wait_until(lambda: view.edits(sekretaris, ask[0])[0] > ask[1], 300, "the distribution approval")
        service.call("poll", timeout=600)  # the first poll reads every workbook once (no cursor yet)
        if idle_poll:
            idle_cycle = service.call("poll")
            if idle_cycle["events"] != 0:
                raise BenchmarkError(f"the idle poll gave {idle_cycle['events']} events, expected 0")
        refs = {
            f["appProperties"].get(PROP_BIDANG): f["id"]
            for f in w.control.files()
            if f["appProperties"].get(PROP_JENIS) == "bidang"
        }
        if set(refs) != set(w.kodes):
            raise BenchmarkError(f"workbooks found for {sorted(refs)}, expected {w.kodes}")
        for kode in w.kodes:
            _fill(w.control, refs[kode], kode, w.master)
        server_cpu_cycle = cpu_of_server()
        cycle = service.call("poll", timeout=900)
        server_cpu_cycle = cpu_of_server() - server_cpu_cycle
        if cycle["events"] != n:
            raise BenchmarkError(f"the poll gave {cycle['events']} events, expected {n}")
        pressers, order = split(w, lone)
        found: dict[str, tuple[int, int]] = {}

        def every_request() -> bool:
            for kode in order:
                if kode not in found:
                    request = view.find(pressers[kode], KOREKSI, SETUJUI)
                    if request is not None:
                        found[kode] = request
            return len(found) == len(order)

        wait_until(every_request, 300, f"{n} koreksi requests")
        if memory:
            time.sleep(1.0)  # idle: the outbox delivered, nothing running
            rss_idle = int(service.call("rss")["rss_kib"])
            library = library_rss_kib(service.call("modules")["modules"])
        progress(
            f"chat [{label}]: poll {cycle['seconds'] * 1000:.0f} ms ({cycle['cycles']} cycles), {n} koreksi "
            "requests delivered; "
            f"{lone} lone presses, then {n - lone} at once"
        )
        targets = {kode: (pressers[kode], found[kode]) for kode in order}
        w.control.reset_stats()
        before_draft = view.find(kasubbag, DRAFT)
        presses = press(
            w,
            view,
            {k: targets[k] for k in order[:lone]},
            {k: targets[k] for k in order[lone:]},
            service,
            cpu_of_server,
        )
        draft = wait_until(
            lambda: (lambda d: d if d is not None and d != before_draft else None)(view.find(kasubbag, DRAFT)),
            300,
            "the draft rekap",
            every=0.001,
        )
        draft_after = (time.monotonic() - presses.last_edit_at) * 1000 if draft else None
        service.call("bot_steps_idle", timeout=300)
        google_requests = w.control.google_total()
    finally:
        service.stop()
    product = Product(
        presses,
        google_requests,
        cycle,
        idle_cycle,
        server_cpu_cycle,
        draft_after,
        rss_idle,
        library,
    )
    progress(
        f"chat [{label}]: lone {presses.lone:.0f} ms; {n - lone} at once p50 {presses.burst(50):.0f} ms p95 "
        f"{presses.burst(95):.0f} ms; {presses.cpu_s * 1000 / (n - lone):.1f} ms CPU per press; "
        f"{google_requests} Google requests"
    )
    return product


LAST: dict[tuple[str, int], Product] = {}
"""The product's run on SQLite of this process, by (sizes, P): the store benchmark's peer when it ran."""


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """The product's presses against the floor's, in one world; the service's memory."""
    burst, lone = sizes.chat_presses, sizes.chat_lone
    n = burst + lone
    updates = TelegramSettings().concurrent_updates
    result = BenchmarkResult(
        name="chat",
        title="Chat dan memori / chat and memory",
        product=f"the service as `python -m bot run` wires it (bot.runtime.build_service) in its own process, "
        f"{n} bidang, telegram.concurrent_updates={updates} (the default): {lone} Kepala Bidang press Setujui on "
        f"the koreksi request one after another, then {burst} at the same moment (the last one makes the draft "
        "rekap due, built off the press path)",
        peer=f"floor: a bare python-telegram-bot bot (benchmarks/floor_bot.py: answer the callback, edit the "
        f"message; nothing else) in its own process, concurrent_updates={updates}, the same people pressing the "
        "same way in the same sandbox; run before and after the product, the better of the two per figure",
        notes=[
            "ratio = floor / product (every figure lower-is-better): 1.0 = the product adds nothing to the stack's "
            "own cost; the targets are ratios to the floor measured in the same run (DESIGN.md section 9, issue #20)",
            "latency: from the sandbox queuing the callback query to the edit being visible in the sandbox "
            "(1 ms polling); each approval is checked and recorded with its notifications and the lock it owes in "
            "one store transaction, then answered beside the edit; the TW's lock in Google follows in the service's "
            "worker thread once no press is being handled (DESIGN.md section 6), its Google request counted below",
            "options differing from `bot run`: outbox_interval 0.2 s, getUpdates timeout 2 s (the floor's too), no "
            "scheduler (the benchmark triggers the poll)",
            "memory: VmRSS of the service process idle with the period open (every workbook validated once) "
            "against a fresh interpreter importing the modules the service had loaded then (ours excepted); peaks "
            "sampled every 2 ms",
            "absolute figures on a 2-core machine shared with other work vary by tens of percent between runs; "
            "the ratios, measured side by side, are what counts",
        ],
    )
    workdir.mkdir(parents=True, exist_ok=True)
    progress(f"chat: world with {n} bidang")
    with world(n, workdir / "world", telegram=True) as w:
        pressers, order = split(w, lone)
        ordered = {kode: pressers[kode] for kode in order}
        floor_before = measure_floor(w, ordered, lone, workdir, "before", progress)
        product = measure_product(w, lone, workdir, progress, memory=True, idle_poll=True)
        floor_after = measure_floor(w, ordered, lone, workdir, "after", progress)
    LAST[(sizes.name, burst)] = product
    floor = better(floor_before, floor_after)
    p = product.presses
    burst_params = {"presses": burst, "at_once": True}
    lone_params = {"presses": lone, "at_once": False}
    result.figures += [
        Figure(
            "press -> edited message, one press alone (median)",
            "ms",
            round(p.lone, 1),
            round(floor.lone, 1),
            lone_params,
            target=round(LONE_RATIO_TARGET * floor.lone, 1),
            target_rule=f"<= {LONE_RATIO_TARGET} x peer",
        ),
        *[
            Figure(
                f"press -> edited message, p{q}",
                "ms",
                round(p.burst(q), 1),
                round(floor.burst(q), 1),
                burst_params,
                target=round(BURST_RATIO_TARGET * floor.burst(q), 1) if q == 95 else None,
                target_rule=f"<= {BURST_RATIO_TARGET} x peer" if q == 95 else "",
            )
            for q in (50, 95, 99)
        ],
        Figure(
            "press -> edited message, max", "ms", round(max(p.edit_ms), 1), round(max(floor.edit_ms), 1), burst_params
        ),
        Figure(
            "CPU per press (the bot's process)",
            "ms",
            round(p.cpu_s * 1000 / burst, 2),
            round(floor.cpu_s * 1000 / burst, 2),
            burst_params,
        ),
    ]
    if p.answer_ms and floor.answer_ms:
        result.figures.append(
            Figure(
                "press -> callback answered, p95",
                "ms",
                round(percentile(p.answer_ms, 95), 1),
                round(percentile(floor.answer_ms, 95), 1),
                burst_params,
            )
        )
    if product.draft_after_ms is not None:
        result.figures.append(
            Figure(
                "last edit -> draft rekap in the Kasubbag's chat",
                "ms",
                round(product.draft_after_ms, 1),
                None,
                {"bidang": n},
            )
        )
    assert product.rss_idle_kib is not None and product.library is not None
    library_kib = float(product.library["rss_kib"])
    result.figures += [
        Figure(
            "service RSS idle with the period open, against importing its libraries",
            "MB",
            kib_to_mb(product.rss_idle_kib),
            kib_to_mb(library_kib),
            {"bidang": n},
            target=round(MEMORY_RATIO_TARGET * kib_to_mb(library_kib), 1),
            target_rule=f"<= {MEMORY_RATIO_TARGET} x peer",
        ),
        Figure(
            "service RSS, peak during the poll (every workbook changed)",
            "MB",
            kib_to_mb(product.cycle["rss_peak_kib"]),
            None,
            {"bidang": n, "k": n, "cycles": product.cycle["cycles"]},
        ),
        Figure(
            "service RSS, peak during the presses (the draft rekap included)",
            "MB",
            kib_to_mb(p.rss_peak_kib),
            kib_to_mb(floor.rss_peak_kib),
            burst_params,
        ),
    ]
    result.notes.append(
        f"{product.google_requests / n:.1f} Google requests per press (mean over the {n} presses, the draft rekap "
        f"included); the library floor imported {product.library['imported']} modules"
        + (f" ({len(product.library['failed'])} would not import alone)" if product.library["failed"] else "")
    )
    for label, presses in (("product", p), ("floor", floor)):
        if len(presses.answer_ms) < len(presses.edit_ms):
            result.notes.append(
                f"{label}: {len(presses.edit_ms) - len(presses.answer_ms)} press(es) had no answer recorded"
            )
    return result
