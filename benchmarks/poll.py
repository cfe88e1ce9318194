"""Poll cost: Google requests and wall time per poll cycle with N bidang and k changed workbooks.

Product: :class:`sheets.google.workbooks.GoogleWorkbooks` polled through the public WorkbookPort
(``poll(cursor)``): one Drive change listing plus one read per changed workbook, which it then
validates. Two peers, each running the same validator on what it read (it has to, to find what
changed), so every side does the same work per workbook read:

- :class:`NaivePoller`, the gspread tutorial way: every cycle open every workbook by key and read
  every tab with ``get_all_values`` (5 requests per workbook);
- :class:`CarefulPoller`, a careful gspread user: open every workbook by key and read its two tabs
  in one ``values_batch_get`` (2 requests per workbook).

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


class CarefulPoller(NaivePoller):
    """A careful gspread user: open each workbook, read both tabs with one ``values_batch_get``, validate.

    What a real user would write, and why this is it: gspread's documentation answers "read many
    ranges in one call" with ``Spreadsheet.values_batch_get``; the user still opens each workbook by
    key (one metadata read, gspread's way to a Spreadsheet) and, without Drive's change list, reads
    every workbook every cycle. Unformatted values, as the product reads them, so numbers arrive
    as numbers.
    """

    def cycle(self) -> list[str]:
        """One cycle over every workbook; returns the bidang whose data changed since the last cycle."""
        changed = []
        for kode, key in self.books.items():
            spreadsheet = self.client.open_by_key(key)
            ranges = [f"'{layout.TAB_REALISASI}'", f"'{layout.TAB_STATUS}'"]
            body = spreadsheet.values_batch_get(ranges, params={"valueRenderOption": "UNFORMATTED_VALUE"})
            realisasi, status = (item.get("values", []) for item in body["valueRanges"])
            result = validate_realisasi(realisasi, self.master, bidang=kode, tw=TW, submission=False)
            result.summary()
            digest = snapshot_hash({"values": snapshot_values(result.table, TW), "status": status})
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
        books = {k: r.spreadsheet_id for k, r in refs.items()}
        peers = {
            "tutorial": NaivePoller(w.control.gspread_as(BOT_EMAIL), books, w.master),
            "careful": CarefulPoller(w.control.gspread_as(BOT_EMAIL), books, w.master),
        }
        for peer in peers.values():
            peer.cycle()  # each peer's first cycle: its baseline
        staff = _staff_sheets(w.control, refs)
        edits = 0
        for k in sorted({0, 1, n}):
            product_requests: list[float] = []
            product_times: list[float] = []
            peer_requests: dict[str, list[float]] = {name: [] for name in peers}
            peer_times: dict[str, list[float]] = {name: [] for name in peers}
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
                for name, peer in peers.items():
                    w.control.reset_stats()
                    start = time.perf_counter()
                    changed = peer.cycle()
                    peer_times[name].append(time.perf_counter() - start)
                    peer_requests[name].append(w.control.google_total())
                    if set(changed) != set(w.kodes[:k]):
                        raise BenchmarkError(f"{name} poll saw {sorted(changed)}, expected {w.kodes[:k]}")
            params = {"N": n, "k": k}
            for name, label in (("tutorial", ""), ("careful", ", against a careful values_batch_get user")):
                figures += [
                    Figure(
                        f"Google requests per poll cycle{label}",
                        "requests",
                        float(median(product_requests)),
                        float(median(peer_requests[name])),
                        params,
                        target=float(1 + k),
                    ),
                    Figure(
                        f"wall time per poll cycle{label}",
                        "ms",
                        ms(median(product_times)),
                        ms(median(peer_times[name])),
                        params,
                    ),
                ]
            progress(
                f"poll N={n} k={k}: product {median(product_requests):.0f} requests "
                f"{ms(median(product_times)):.1f} ms; tutorial {median(peer_requests['tutorial']):.0f} requests "
                f"{ms(median(peer_times['tutorial'])):.1f} ms; careful {median(peer_requests['careful']):.0f} "
                f"requests {ms(median(peer_times['careful'])):.1f} ms"
            )
    return figures


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Poll cost for every N of ``sizes``."""
    result = BenchmarkResult(
        name="poll",
        title="Biaya polling / poll cost",
        product="GoogleWorkbooks.poll(cursor) + intake: 1 Drive changes.list + 1 spreadsheets.get per changed workbook",
        peer="gspread tutorial: every cycle open_by_key + worksheets() + get_all_values() on every tab of every "
        "workbook; and (figures marked 'careful') a careful gspread user: open_by_key + one values_batch_get of "
        "both tabs per workbook; both then run the same validation",
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
