"""Poll cost: Google requests and wall time per poll cycle with N bidang and k changed workbooks.

Product: :class:`sheets.google.workbooks.GoogleWorkbooks` polled through the public WorkbookPort
(``poll(cursor)``): one Drive change listing plus one read per changed workbook, which it then
validates. Peer (:class:`NaivePoller`): the gspread tutorial way, every cycle open every workbook
by key and read every tab with ``get_all_values``; to be fair it runs the same validator on what it
read (it has to, to find what changed), so both sides do the same work per workbook read.

Between cycles, staff (real gspread clients acting as each bidang's editor) type a new value into
k workbooks; their edits are outside the measured cycle. Request counts come from the sandbox's
per-method stats; each (N, k) cycle is repeated and the median wall time kept.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import gspread

from benchmarks.common import (
    POLICY,
    TAHUN,
    TW,
    BenchmarkError,
    BenchmarkResult,
    Figure,
    Progress,
    Sizes,
    median,
    ms,
    staff_email,
    world,
)
from bot.demo.provision import BOT_EMAIL
from bot.workflow.intake import SheetMemory, ValuesChanged, events_for
from sheets import layout
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Master
from sheets.snapshot import snapshot_hash, snapshot_values
from sheets.validate import validate_realisasi

REALISASI_COLUMN = layout.column_letter(layout.REALISASI_HEADER.index(layout.col_realisasi(TW)))


class NaivePoller:
    """The tutorial poller: open every workbook by key, ``get_all_values`` on every tab, validate."""

    def __init__(self, client: gspread.Client, books: Mapping[str, str], master: Master) -> None:
        self.client = client
        self.books = dict(books)
        self.master = master
        self._last: dict[str, str] = {}

    def cycle(self) -> list[str]:
        """One cycle over every workbook; returns the bidang whose data changed since the last cycle."""
        changed = []
        for kode, key in self.books.items():
            spreadsheet = self.client.open_by_key(key)
            tabs = {sheet.title: sheet.get_all_values() for sheet in spreadsheet.worksheets()}
            result = validate_realisasi(
                tabs.get(layout.TAB_REALISASI), self.master, bidang=kode, tw=TW, submission=False
            )
            result.summary()
            digest = snapshot_hash(
                {
                    "values": snapshot_values(result.table, TW),
                    "status": tabs.get(layout.TAB_STATUS),
                }
            )
            if self._last.get(kode) != digest:
                changed.append(kode)
            self._last[kode] = digest
        return changed


def _staff_sheets(control: Any, refs: Mapping[str, Any]) -> dict[str, gspread.Worksheet]:
    sheets = {}
    for kode, ref in refs.items():
        client = control.gspread_as(staff_email(kode))
        sheets[kode] = client.open_by_key(ref.spreadsheet_id).worksheet(layout.TAB_REALISASI)
    return sheets


def measure(n: int, sizes: Sizes, workdir: Path, progress: Progress) -> list[Figure]:
    """Figures for N = ``n`` bidang and k = 0, 1, N changed workbooks."""
    figures: list[Figure] = []
    with world(n, workdir) as w:
        workbooks = GoogleWorkbooks(w.settings, master=w.master, policy=POLICY)
        refs = workbooks.distribute(TAHUN, TW, w.kodes)
        known = {ref.spreadsheet_id: (TAHUN, kode) for kode, ref in refs.items()}
        memory: dict[str, SheetMemory] = {}

        def product_cycle(cursor: str | None) -> tuple[str | None, set[str]]:
            """The product's poll: the Google edge reads, the workflow's intake finds the events."""
            changes = workbooks.poll(cursor, known, [TAHUN])
            seen: set[str] = set()
            for fact in changes.books:
                before = memory.get(fact.bidang, SheetMemory())
                events, memory[fact.bidang] = events_for(fact, w.master, before, {}, None)
                seen |= {e.bidang for e in events if isinstance(e, ValuesChanged)}
            return changes.cursor, seen

        cursor, _ = product_cycle(None)  # the first poll reads every workbook once
        naive = NaivePoller(w.control.gspread_as(BOT_EMAIL), {k: r.spreadsheet_id for k, r in refs.items()}, w.master)
        naive.cycle()  # the peer's first cycle: its baseline
        staff = _staff_sheets(w.control, refs)
        edits = 0
        for k in sorted({0, 1, n}):
            product_requests, peer_requests, product_times, peer_times = [], [], [], []
            for _ in range(sizes.poll_repeats):
                for kode in w.kodes[:k]:
                    edits += 1
                    staff[kode].update([[edits]], f"{REALISASI_COLUMN}2")
                w.control.reset_stats()
                start = time.perf_counter()
                cursor, seen = product_cycle(cursor)
                product_times.append(time.perf_counter() - start)
                product_requests.append(w.control.google_total())
                if seen != set(w.kodes[:k]):
                    raise BenchmarkError(f"product poll saw {sorted(seen)}, expected {w.kodes[:k]}")
                w.control.reset_stats()
                start = time.perf_counter()
                changed = naive.cycle()
                peer_times.append(time.perf_counter() - start)
                peer_requests.append(w.control.google_total())
                if set(changed) != set(w.kodes[:k]):
                    raise BenchmarkError(f"naive poll saw {sorted(changed)}, expected {w.kodes[:k]}")
            params = {"N": n, "k": k}
            figures.append(
                Figure(
                    "Google requests per poll cycle",
                    "requests",
                    float(median(product_requests)),
                    float(median(peer_requests)),
                    params,
                    target=float(1 + k),
                )
            )
            figures.append(
                Figure(
                    "wall time per poll cycle",
                    "ms",
                    ms(median(product_times)),
                    ms(median(peer_times)),
                    params,
                )
            )
            progress(
                f"poll N={n} k={k}: product {median(product_requests):.0f} requests "
                f"{ms(median(product_times)):.1f} ms, naive {median(peer_requests):.0f} requests "
                f"{ms(median(peer_times)):.1f} ms"
            )
    return figures


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Poll cost for every N of ``sizes``."""
    result = BenchmarkResult(
        name="poll",
        title="Biaya polling / poll cost",
        product="GoogleWorkbooks.poll(cursor) + intake: 1 Drive changes.list + 1 spreadsheets.get per changed workbook",
        peer="gspread tutorial: every cycle open_by_key + worksheets() + get_all_values() on every tab of every "
        "workbook, then the same validation",
        notes=[
            f"median of {sizes.poll_repeats} cycle(s) per (N, k); staff edits happen outside the measured cycle",
            "wall time on the loopback sandbox includes the sandbox's own processing of each request",
            "target = DESIGN.md section 9: at most 1 + k requests",
        ],
    )
    for n in sizes.poll_n:
        progress(f"poll: world with N={n} bidang")
        result.figures += measure(n, sizes, workdir / f"poll-{n}", progress)
    return result
