"""Regency scale: the poll of B bidang x I indicators (200 x 400 in the full run) under Google's Sheets quota.

Setup, not measured: a sandbox with B bidang, each with I generated indicators
(:func:`benchmarks.common.generated_master_rows`), and every bidang's workbook laid out by the
product (:meth:`GoogleWorkbooks.distribute`, quotas off). Then the sandbox's per-minute quotas are
switched on at Google's limits (60 read and 60 write requests per minute per user, 300 per
project) and every side polls as an API client (the service account's token, which the quota
counts). Time passes on the sandbox clock, never slept: the poll interval between two cycles
(``jadwal.interval_polling_detik``), and every wait for a quota window advances it.

- **Product**: :meth:`WorkflowService.poll_once` (the Google edge, the intake, a SQLite store) with
  the default budget (``google.maks_baca_per_polling``): the first poll (every workbook new to the
  store), then a quiet one (k = 0), one changed workbook (k = 1) and every workbook changed
  (k = B, each staff member types a value). Each runs cycle after cycle, the interval between,
  until the to-read list is empty: the cycles, the Sheets reads, the quota refusals (429), the
  sandbox minutes from the first cycle's start to the last one's end, and the wall time of the
  cycles themselves.
- **Peers**: the gspread tutorial user (:class:`benchmarks.poll.NaivePoller`, 5 requests per
  workbook) and the careful ``values_batch_get`` user (:class:`benchmarks.poll.CarefulPoller`, 2),
  who have no change list and read every workbook every cycle, validating what they read as the
  product does. Each is given gspread's own answer to a 429, the exponential backoff of
  ``gspread.http_client.BackOffHTTPClient`` (:class:`BackOff`), with its waits on the sandbox clock
  as the product's are: one cycle each, its reads, refusals and sandbox minutes.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
from gspread.exceptions import APIError

from benchmarks.common import (
    TAHUN,
    TW,
    BenchmarkError,
    BenchmarkResult,
    Figure,
    Progress,
    Sizes,
    World,
    staff_email,
    world,
)
from benchmarks.poll import REALISASI_COLUMN, CarefulPoller, NaivePoller
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.service import WorkflowService
from config.settings import Settings
from sandbox.google.clients import sandbox_http_client, service_account_credentials
from sheets import layout
from sheets.google.auth import SCOPES
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks

READS = ("sheets.spreadsheets.get", "sheets.spreadsheets.values.get", "sheets.spreadsheets.values.batchGet")
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
"""The workflow's clock: TW I of the benchmark's year is running (the poll watches that year)."""
QUOTA_WINDOW_SECONDS = 60.0
MAX_CYCLES = 50


@dataclass
class Poll:
    """One poll of one side: cycles until every changed workbook was read."""

    cycles: int
    requests: int
    reads: int
    refused: int
    """Answers 429 (quota) the side received."""
    sandbox_minutes: float
    """Sandbox time from the first cycle's start to the last one's end (poll intervals and quota waits)."""
    wall_seconds: float
    """Wall time of the cycles themselves (the intervals between them not counted)."""
    completed: bool = True
    failure: str = ""
    methods: dict[str, int] = field(default_factory=dict)
    """Requests per API method, over every cycle."""


def _clock(w: World) -> float:
    return float(w.control.call("GET", "clock")["offset_seconds"])


class BackOff:
    """gspread's ``BackOffHTTPClient`` rule, its waits spent on the sandbox clock.

    What a careful gspread user facing 429s writes, and why this is it: gspread ships
    ``BackOffHTTPClient`` for exactly this (``gspread.service_account(..., http_client=
    BackOffHTTPClient)``): on a 429, 408 or 5xx it waits 2, 4, 8 ... up to 128 seconds and tries
    again, resetting after a success. The rule is copied here because gspread's sleeps on the wall
    clock, while the sandbox's quota window (like the product's waits) runs on the sandbox clock.
    """

    MAX_WAIT = 128

    def __init__(self, w: World) -> None:
        self.w = w
        self.refused = 0

    def client_class(self) -> type[gspread.HTTPClient]:
        """A gspread HTTPClient class sending to the sandbox with this backoff."""
        base = sandbox_http_client(self.w.control.base)
        backoff = self

        class BackOffSandboxClient(base):  # type: ignore[misc, valid-type]
            def request(self, *args: Any, **kwargs: Any) -> Any:
                attempt = 0
                while True:
                    try:
                        return super().request(*args, **kwargs)
                    except APIError as err:
                        attempt += 1
                        wait = min(2**attempt, BackOff.MAX_WAIT)
                        retry = err.code in (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.REQUEST_TIMEOUT) or (
                            err.code >= HTTPStatus.INTERNAL_SERVER_ERROR
                        )
                        if not retry or 2**attempt > BackOff.MAX_WAIT:
                            raise
                        backoff.refused += err.code == HTTPStatus.TOO_MANY_REQUESTS
                        backoff.w.control.advance_clock(wait)

        return BackOffSandboxClient


def api_client(w: World, http_client: type[gspread.HTTPClient] | None = None) -> gspread.Client:
    """A gspread client of the bot's service account (a token from the token endpoint: quota applies)."""
    credentials = service_account_credentials(str(w.settings.google.key_file), list(SCOPES))
    return gspread.authorize(credentials, http_client=http_client or sandbox_http_client(w.control.base))


def _service(w: World, workdir: Path) -> WorkflowService:
    """The workflow on a fresh SQLite store; the Google edge waits a quota out on the sandbox clock."""
    store_dir = Path(tempfile.mkdtemp(prefix="store-", dir=workdir))  # a fresh store: no cursor, nothing known
    database = w.settings.database.model_copy(update={"url": f"sqlite:///{store_dir / 'regency.db'}"})
    settings: Settings = w.settings.model_copy(update={"database": database})
    edge = GoogleWorkbooks(
        settings, master=w.master, policy=RetryPolicy(), sleep=w.control.advance_clock, clock=lambda: NOW
    )
    service = WorkflowService(settings, Store(upgrade(settings.database.url)), edge, clock=lambda: NOW)
    service.start()
    return service


def _queued(service: WorkflowService) -> int:
    with service.store.read() as tx:
        return len(tx.queued_reads(TAHUN))


def _remembered(service: WorkflowService) -> int:
    """How many bidang's workbooks the store has taken in (their sheet memory)."""
    with service.store.read() as tx:
        return sum(1 for b in service.settings.bidang if tx.sheet_memory(TAHUN, b.kode))


def product_poll(w: World, service: WorkflowService) -> Poll:
    """Poll cycles, the interval between them, until the to-read list is empty."""
    session: Any = service.workbook.clients.session  # type: ignore[attr-defined]
    interval = w.settings.jadwal.interval_polling_detik
    retries = session.retries
    cycles = requests = reads = 0
    per_method: dict[str, int] = {}
    wall = 0.0
    began = _clock(w)
    ended = began
    while True:
        w.control.reset_stats()
        start = time.perf_counter()
        service.poll_once()
        wall += time.perf_counter() - start
        methods = w.control.google_methods()
        methods.pop("oauth2.token", None)
        requests += sum(methods.values())
        reads += sum(methods.get(m, 0) for m in READS)
        for method, count in methods.items():
            per_method[method] = per_method.get(method, 0) + count
        cycles += 1
        ended = _clock(w)
        w.control.advance_clock(interval)
        if _queued(service) == 0:
            break
        if cycles >= MAX_CYCLES:
            raise BenchmarkError(f"the product's poll did not finish in {MAX_CYCLES} cycles")
    return Poll(cycles, requests, reads, session.retries - retries, (ended - began) / 60, wall, methods=per_method)


def peer_poll(w: World, peer: NaivePoller, backoff: BackOff | None) -> Poll:
    """One cycle of a peer (it reads every workbook every cycle)."""
    refused = backoff.refused if backoff is not None else 0
    w.control.reset_stats()
    began = _clock(w)
    start = time.perf_counter()
    failure = ""
    try:
        peer.cycle()
    except APIError as err:
        failure = f"{err.code}: {str(err)[:120]}"
    wall = time.perf_counter() - start
    methods = w.control.google_methods()
    methods.pop("oauth2.token", None)
    reads = sum(methods.get(m, 0) for m in READS)
    refused = (backoff.refused - refused) if backoff is not None else int(bool(failure))
    return Poll(1, sum(methods.values()), reads, refused, (_clock(w) - began) / 60, wall, not failure, failure, methods)


def _edit(staff: dict[str, gspread.Worksheet], kodes: list[str], value: int) -> None:
    for kode in kodes:
        staff[kode].update([[value]], f"{REALISASI_COLUMN}2")


def _figures(label: str, params: dict[str, Any], product: Poll, peer: Poll | None, against: str = "") -> list[Figure]:
    """Refusals (target 0), requests, sandbox minutes and, against a peer, wall time of one poll."""
    note = "" if peer is None or peer.completed else f"{against} stopped: {peer.failure}"
    suffix = f", against the {against}" if against else ""
    figures = [
        Figure(
            f"{label}: Sheets quota refusals (429){suffix}",
            "answers",
            float(product.refused),
            None if peer is None else float(peer.refused),
            params,
            target=0.0,
            note=note,
        ),
        Figure(
            f"{label}: Google requests{suffix}",
            "requests",
            float(product.requests),
            None if peer is None else float(peer.requests),
            params,
            note=note,
        ),
        Figure(
            f"{label}: sandbox minutes until every changed workbook was read{suffix}",
            "min",
            round(product.sandbox_minutes, 2),
            None if peer is None or not peer.completed else round(peer.sandbox_minutes, 2),
            params,
            note=note,
        ),
    ]
    if peer is not None:
        figures.append(
            Figure(
                f"{label}: wall time of the cycles{suffix}",
                "s",
                round(product.wall_seconds, 2),
                round(peer.wall_seconds, 2),
                params,
                note=note,
            )
        )
    return figures


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """The product's polls at regency scale under the quota, against each peer's cycle."""
    b, i = sizes.regency_bidang, sizes.regency_indikator
    result = BenchmarkResult(
        name="regency",
        title="Skala kabupaten: polling dalam kuota Sheets / regency scale: the poll under the Sheets quota",
        product=f"WorkflowService.poll_once (Google edge + intake + SQLite store), {b} bidang x {i} indicators, "
        "google.maks_baca_per_polling at its default; cycles at the poll interval until every changed workbook "
        "was read",
        peer="gspread tutorial user (open_by_key + get_all_values per tab) and careful user (open_by_key + one "
        "values_batch_get), each reading every workbook every cycle, with gspread's BackOffHTTPClient rule on 429",
        notes=[
            "quotas switched on in the sandbox at Google's limits: 60 read and 60 write requests per minute per user, "
            "300 per project; every side polls with the bot's service account token (counted by the quota); the "
            "poll interval and every wait for a quota window pass on the sandbox clock",
            "target (issue #20 item 3): every poll completes under the quota, without a single 429",
            "peers: one cycle each (they read every workbook every cycle, so every cycle costs the same); ratio = "
            "peer / product",
        ],
    )
    workdir.mkdir(parents=True, exist_ok=True)
    progress(f"regency: world with {b} bidang x {i} indicators, every workbook distributed (quota off)")
    with world(b, workdir / "world", indikator=i) as w:
        edge = GoogleWorkbooks(w.settings, master=w.master, policy=RetryPolicy(), sleep=w.control.advance_clock)
        start = time.perf_counter()
        refs = edge.distribute(TAHUN, TW, w.kodes)
        progress(f"regency: {len(refs)} workbooks laid out in {time.perf_counter() - start:.1f} s")
        staff = {
            kode: w.control.gspread_as(staff_email(kode))
            .open_by_key(ref.spreadsheet_id)
            .worksheet(layout.TAB_REALISASI)
            for kode, ref in refs.items()
        }
        w.control.quotas(enabled=True)
        limits = w.control.call("GET", "google/quotas")["limits"]
        budget = w.settings.google.maks_baca_per_polling
        result.notes.append(
            f"quota limits in force: {limits['sheets_read_per_user']} reads per user per "
            f"{limits['window_seconds']:.0f} s; the product's budget {budget} workbooks per poll cycle; poll interval "
            f"{w.settings.jadwal.interval_polling_detik} s"
        )
        service = _service(w, workdir)
        polls: dict[str, Poll] = {}
        value = 0
        for label, changed in (("first poll", None), ("k=0", []), ("k=1", w.kodes[:1]), (f"k={b}", w.kodes)):
            if changed is not None:
                value += 1
                _edit(staff, changed, value)
            polls[label] = product_poll(w, service)
            p = polls[label]
            if label == "first poll" and _remembered(service) != b:
                raise BenchmarkError(f"the first poll took in {_remembered(service)} workbooks of {b}")
            progress(
                f"regency product {label}: {p.cycles} cycle(s), {p.reads} reads, {p.refused} refused, "
                f"{p.sandbox_minutes:.1f} sandbox min, {p.wall_seconds:.1f} s; {p.methods}"
            )
        w.control.advance_clock(2 * QUOTA_WINDOW_SECONDS)  # the product's window has passed
        books = {kode: ref.spreadsheet_id for kode, ref in refs.items()}
        peers: dict[str, Poll] = {}
        for name, cls in (("tutorial", NaivePoller), ("careful", CarefulPoller)):
            backoff = BackOff(w)
            poller = cls(api_client(w, backoff.client_class()), books, w.master)
            peers[name] = peer_poll(w, poller, backoff)
            q = peers[name]
            progress(
                f"regency {name} peer: {q.reads} reads, {q.refused} refused, {q.sandbox_minutes:.1f} sandbox min, "
                f"{q.wall_seconds:.1f} s" + ("" if q.completed else f"; stopped: {q.failure}")
            )
            w.control.advance_clock(2 * QUOTA_WINDOW_SECONDS)
        bare = NaivePoller(api_client(w), books, w.master)
        tutorial_bare = peer_poll(w, bare, None)
        w.control.quotas(enabled=False)
    params = {"bidang": b, "indikator": i}
    first, every = polls["first poll"], polls[f"k={b}"]
    for label, product in polls.items():
        result.figures += _figures(label, {**params, "cycles": product.cycles}, product, None)
    for name, peer in peers.items():
        result.figures += _figures(
            f"k={b}", {**params, "cycles": every.cycles}, every, peer, f"{name} gspread user (1 cycle)"
        )
    result.notes.append(
        f"first poll: {first.reads} reads over {first.cycles} cycles, wall time of the cycles "
        f"{first.wall_seconds:.1f} s; the tutorial user without backoff (gspread's default client): "
        + (
            f"stopped after {tutorial_bare.reads} reads: {tutorial_bare.failure}"
            if not tutorial_bare.completed
            else f"completed with {tutorial_bare.reads} reads"
        )
    )
    result.notes.append(
        "requests per method: "
        + "; ".join(f"{label}: {poll.methods}" for label, poll in (*polls.items(), *peers.items()))
    )
    result.notes.append(
        "wall time on the in-process sandbox is mostly the sandbox's own: the product reads each changed "
        "workbook's values and formats in one request (so that a percent cell is read as meant), which the "
        "sandbox renders cell by cell, while the peers read values only"
    )
    return result
