"""Rekap (SOP step 4): the draft at regency scale, the aggregation against row by row, and the dinas
workbook written against a careful gspread user.

- **Draft at regency scale** (B bidang x I indicators x 4 TW, 200 x 400 in the full run): what the
  bot does between "every bidang approved" and its first request to Google, on a real store: read
  the approved snapshots, the rekomendasi and the audit trail (:func:`bot.workflow.effects.rekap_data`,
  a SQLite store holding the 4 x B snapshots), then every tab's rows
  (:func:`sheets.google.rekap.build_rekap_sheets`) and the requests, the values cut into bodies of
  at most 2 MB (:func:`sheets.google.rekap.rekap_value_batches`): everything before the first
  request to Google. Target: under 2 s. No peer is run at this size (the row-by-row peer takes
  minutes); the aggregation below compares them at 50 bidang.
- **Aggregation**: :func:`sheets.aggregate.build_rekap` (vectorised pandas) against
  :func:`benchmarks.rekap_rows.build_rekap_rows` (row by row, pure Python, the same scalar rules)
  on 50 bidang x 400 indicators x 4 TW of generated data (every Jenis and Polaritas, missing
  values, target 0, missing TW targets and pagu). Both results are checked equal before any figure
  is reported. Time: the median of repeated runs; memory: the peak traced by ``tracemalloc``.
- **Writing**: :meth:`sheets.google.workbooks.GoogleWorkbooks.write_rekap` against a careful
  gspread user (:class:`CarefulRekapWriter`: the tabs, then one ``update`` per tab), both run on
  the sandbox at every size (the last one the regency's), nothing extrapolated. The largest request
  body each sent is read from the sandbox (``/_sandbox/google/bodies``): Google refuses a body over
  10 MB and recommends 2 MB. At regency scale the careful user's ``update`` of one TW tab is over
  10 MB, and the sandbox refuses it as Google does: the benchmark says so instead of a time.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gspread
import numpy as np
import pandas as pd

from benchmarks.common import (
    POLICY,
    TAHUN,
    BenchmarkError,
    BenchmarkResult,
    Figure,
    Progress,
    Sizes,
    World,
    bidang_kode,
    median,
    ms,
    world,
)
from benchmarks.rekap_rows import assert_same, build_rekap_rows, plain_tables
from bot.demo.provision import BOT_EMAIL
from sheets import layout
from sheets.aggregate import build_rekap
from sheets.capaian import Jenis, Polaritas
from sheets.facts import RekapData, SnapshotData
from sheets.google.chunks import MAX_REQUEST_BYTES
from sheets.google.rekap import RekapSheets, build_rekap_sheets
from sheets.google.sharing import rekap_access
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Indikator, Master, indikator_key
from sheets.snapshot import snapshot_hash

REKAP_TW = 4


def generated(bidang: int, indikator: int, seed: int = 7) -> tuple[Master, dict[str, pd.DataFrame], dict[str, str]]:
    """A master list, approved typed tables and bidang names: ``bidang`` x ``indikator`` x 4 TW."""
    rng = np.random.default_rng(seed)
    kodes = [bidang_kode(b) for b in range(bidang)]
    jenis = (Jenis.KUMULATIF, Jenis.NILAI_AKHIR, Jenis.RATA_RATA)
    items = tuple(
        Indikator(
            bidang=code,
            kode=f"2.07.{i // 10:02d}.{i:04d}",
            program=f"Program {i // 10}",
            indikator=f"Indikator {i}",
            satuan="%" if i % 5 == 0 else "Orang",
            polaritas=Polaritas.NEGATIF if i % 7 == 0 else Polaritas.POSITIF,
            jenis=jenis[i % 3],
            target_tahunan=float(40 + i % 60),
            target_tw=(10.0 + i % 5, 20.0 + i % 7, None if i % 4 else 0.0, 40.0 + i % 60),
            pagu=None if i % 11 == 0 else 1_000_000.0 + 1000 * i,
        )
        for code in kodes
        for i in range(indikator)
    )
    master = Master(indikator=items)
    keys = pd.Series(
        [indikator_key(f"2.07.{i // 10:02d}.{i:04d}", f"Indikator {i}") for i in range(indikator)], dtype="str"
    )
    tables = {}
    for code in kodes:
        values = np.round(rng.uniform(0, 60, size=(indikator, 8)), 2)
        values[rng.random((indikator, 8)) < 0.05] = np.nan
        values[:, 4:] *= 10_000
        frame = pd.DataFrame(
            values, columns=[f"realisasi_tw{k}" for k in range(1, 5)] + [f"anggaran_tw{k}" for k in range(1, 5)]
        )
        frame.insert(0, "key", keys)
        for k in range(1, 5):
            kendala = pd.Series(
                [f"Kendala TW {k} no {i}" if i % 9 == 0 else None for i in range(indikator)], dtype="str"
            )
            frame[f"kendala_tw{k}"] = kendala
        tables[code] = frame
    names = {code: f"Bidang Uji {code}" for code in kodes}
    return master, tables, names


def snapshots_of(tables: Mapping[str, pd.DataFrame], tw: int) -> tuple[SnapshotData, ...]:
    """Approved snapshots (the store's form) of every bidang for TW 1..``tw``."""
    result = []
    for kode, table in tables.items():
        for k in range(1, tw + 1):
            entries = {}
            for row in table.to_dict("records"):
                realisasi, anggaran = row[f"realisasi_tw{k}"], row[f"anggaran_tw{k}"]
                kendala = row[f"kendala_tw{k}"]
                entries[row["key"]] = {
                    "realisasi": None if pd.isna(realisasi) else float(realisasi),
                    "anggaran": None if pd.isna(anggaran) else float(anggaran),
                    "kendala": None if pd.isna(kendala) else str(kendala),
                }
            values = {"indikator": entries}
            result.append(SnapshotData(kode, k, values, snapshot_hash(values)))
    return tuple(result)


def _peak_bytes(call: Any) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return int(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def aggregation(sizes: Sizes, progress: Progress) -> list[Figure]:
    """Time and peak memory of the vectorised and the row-by-row rekap; equal results asserted."""
    b, i = sizes.rekap_bidang, sizes.rekap_indikator
    master, tables, names = generated(b, i)
    master.frame()  # the master's frame is built once per list and cached: not part of a rekap
    rows_input = plain_tables(tables)
    product = build_rekap(master, tables, names, REKAP_TW)
    peer = build_rekap_rows(master, rows_input, names, REKAP_TW)
    try:
        assert_same(product, peer)
    except AssertionError as err:
        raise BenchmarkError(f"vectorised and row-by-row rekap differ: {err}") from err
    progress(f"rekap {b}x{i}x4: vectorised and row-by-row results are equal ({len(product.per_tw[4])} rows per TW)")
    product_times, peer_times = [], []
    for _ in range(sizes.rekap_repeats):
        start = time.perf_counter()
        build_rekap(master, tables, names, REKAP_TW)
        product_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        build_rekap_rows(master, rows_input, names, REKAP_TW)
        peer_times.append(time.perf_counter() - start)
    product_peak = _peak_bytes(lambda: build_rekap(master, tables, names, REKAP_TW))
    peer_peak = _peak_bytes(lambda: build_rekap_rows(master, rows_input, names, REKAP_TW))
    params = {"bidang": b, "indikator": i, "tw": REKAP_TW}
    progress(
        f"rekap aggregation: vectorised {ms(median(product_times)):.0f} ms {product_peak / 2**20:.1f} MiB, "
        f"row by row {ms(median(peer_times)):.0f} ms {peer_peak / 2**20:.1f} MiB"
    )
    return [
        Figure("aggregation time", "ms", ms(median(product_times)), ms(median(peer_times)), params, target=1000.0),
        Figure(
            "aggregation peak memory (tracemalloc)",
            "MiB",
            round(product_peak / 2**20, 2),
            round(peer_peak / 2**20, 2),
            params,
        ),
    ]


class CarefulRekapWriter:
    """A careful gspread user writing the dinas workbook's values: the tabs, then one ``update`` per tab.

    What a real user would write, and why this is it: gspread's documentation writes a block of
    cells with ``Worksheet.update(values, "A1")``, one request for a whole grid, and a user who
    has met the Sheets quota writes each tab that way rather than a row or a cell at a time. So:
    ``create`` in the folder, ``update_locale`` (the office reads Indonesian numbers), one
    ``add_worksheet`` per tab sized for its grid, the default first sheet deleted, one ``update``
    per tab, and one ``share`` per reader (as the product shares the dinas workbook). Values only:
    no formats, colours or charts, which the product writes and this user does not (the
    comparison flatters the peer). gspread sends each ``update`` as one body whatever its size.
    """

    def __init__(self, client: gspread.Client, folder_id: str, readers: Mapping[str, str]) -> None:
        self.client = client
        self.folder_id = folder_id
        self.readers = dict(readers)

    def write(self, title: str, grids: Mapping[str, list[list[Any]]], tabs: Sequence[str]) -> str:
        """Write every tab's grid; returns the spreadsheet id (gspread's APIError when Google refuses)."""
        spreadsheet = self.client.create(title, self.folder_id)
        spreadsheet.update_locale("id_ID")
        first = spreadsheet.sheet1
        sheets = []
        for tab in tabs:
            grid = grids[tab]
            sheets.append(spreadsheet.add_worksheet(tab, rows=len(grid), cols=max(len(row) for row in grid)))
        spreadsheet.del_worksheet(first)
        for address, role in self.readers.items():
            spreadsheet.share(address, perm_type="user", role=role, notify=False)
        for sheet, tab in zip(sheets, tabs, strict=True):
            sheet.update(grids[tab], "A1")
        return str(spreadsheet.id)


def _padded(grid: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Rows as Sheets hands them back: trailing empty cells and empty trailing rows dropped."""
    rows = []
    for row in grid:
        cells = list(row)
        while cells and cells[-1] in ("", None):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def same_values(client: gspread.Client, product_id: str, peer_id: str, tabs: Sequence[str]) -> str | None:
    """Where the two workbooks' values first differ (None when every tab holds the same values)."""
    ranges = [layout.quote_tab(tab) for tab in tabs]
    options: dict[str, Any] = {"valueRenderOption": "UNFORMATTED_VALUE"}
    mine = client.open_by_key(product_id).values_batch_get(ranges, params=options)["valueRanges"]
    theirs = client.open_by_key(peer_id).values_batch_get(ranges, params=options)["valueRanges"]
    for tab, a, b in zip(tabs, mine, theirs, strict=True):
        left, right = _padded(a.get("values", [])), _padded(b.get("values", []))
        if left != right:
            row = next(
                (r for r, (x, y) in enumerate(zip(left, right, strict=False)) if x != y), min(len(left), len(right))
            )
            return f"{tab} row {row + 1}"
    return None


def _bodies(w: World) -> dict[str, Any]:
    return dict(w.control.call("GET", "google/bodies"))


@dataclass
class RegencyData:
    """Generated regency-scale data, shared by the draft and the write of the same size."""

    master: Master
    data: RekapData
    names: dict[str, str]


def regency_data(sizes: Sizes) -> RegencyData:
    """B bidang x I indicators x 4 TW of approved snapshots (seed 11)."""
    master, tables, names = generated(sizes.regency_bidang, sizes.regency_indikator, seed=11)
    return RegencyData(master, RekapData(snapshots=snapshots_of(tables, REKAP_TW)), names)


def draft(regency: RegencyData, sizes: Sizes, workdir: Path, progress: Progress) -> list[Figure]:
    """The draft rekap at regency scale from a real store: read, frames and rows, requests cut to 2 MB."""
    from zoneinfo import ZoneInfo

    from bot.store import schema
    from bot.store.migrate import upgrade
    from bot.store.repository import Store
    from bot.workflow.effects import Act, rekap_data
    from bot.workflow.machine import DinasEvent
    from bot.workflow.people import SYSTEM_ACTOR
    from sheets.google.rekap import rekap_requests, rekap_value_batches

    workdir.mkdir(parents=True, exist_ok=True)
    b, i = sizes.regency_bidang, sizes.regency_indikator
    (workdir / "draft.db").unlink(missing_ok=True)  # a store of this draft only
    store = Store(upgrade(f"sqlite:///{workdir / 'draft.db'}"))
    now = datetime(2027, 1, 8, 2, 0, tzinfo=UTC)
    with store.transaction() as tx:
        periods = {
            tw: tx.insert_period(tahun=TAHUN, tw=tw, state="rekap", since=now, step_since=now, opened_at=now)
            for tw in range(1, REKAP_TW + 1)
        }
        for snapshot in regency.data.snapshots:
            tx.conn.execute(
                schema.snapshots.insert().values(
                    period_id=periods[snapshot.tw],
                    bidang=snapshot.bidang,
                    tahun=TAHUN,
                    tw=snapshot.tw,
                    values=snapshot.values,
                    values_hash=snapshot.values_hash,
                    approved_at=now,
                )
            )
        for kode in regency.names:  # the TW's trail: each bidang submitted, was checked and approved
            for step, event in ((2, "ajukan"), (3, "setujui")):
                tx.insert_audit(
                    period_id=periods[REKAP_TW],
                    bidang=kode,
                    machine="bidang",
                    sop_step=step,
                    actor_role="kepala_bidang",
                    actor_nama=f"Kepala {kode}",
                    event=event,
                    at=now,
                    duration_seconds=3600.0,
                    mutu_baku_seconds=86400.0,
                    within=True,
                )
    store.dispose()
    regency.master.frame()  # built once per master list and kept: not part of a draft
    tz = ZoneInfo("Asia/Jakarta")
    times: dict[str, list[float]] = {"read": [], "rows": [], "cut": []}
    batches: list[Any] = []
    for _ in range(sizes.rekap_repeats):
        store = Store(upgrade(f"sqlite:///{workdir / 'draft.db'}"))
        start = time.perf_counter()
        with store.read() as tx:
            period = tx.find_period(TAHUN, REKAP_TW)
            assert period is not None
            data = rekap_data(tx, period, Act(SYSTEM_ACTOR, DinasEvent.ALL_APPROVED, period, now))
        read = time.perf_counter()
        sheets = build_rekap_sheets(regency.master, data, regency.names, REKAP_TW, tz)
        rows = time.perf_counter()
        rekap_requests(sheets, [0], REKAP_TW)
        batches = rekap_value_batches(sheets)
        cut = time.perf_counter()
        store.dispose()
        if len(data.snapshots) != b * REKAP_TW:
            raise BenchmarkError(f"the draft read {len(data.snapshots)} snapshots, expected {b * REKAP_TW}")
        times["read"].append(read - start)
        times["rows"].append(rows - read)
        times["cut"].append(cut - rows)
    total = [sum(parts) for parts in zip(*times.values(), strict=True)]
    params = {"bidang": b, "indikator": i, "tw": REKAP_TW}
    progress(
        f"rekap draft {b}x{i}x4: read {ms(median(times['read'])):.0f} ms, frames and rows "
        f"{ms(median(times['rows'])):.0f} ms, requests cut {ms(median(times['cut'])):.0f} ms "
        f"({len(batches)} value requests); total {ms(median(total)):.0f} ms"
    )
    return [
        Figure("draft rekap, whole (store read to requests ready)", "ms", ms(median(total)), None, params, 2000.0),
        Figure(
            "draft rekap: store read (snapshots, rekomendasi, audit)", "ms", ms(median(times["read"])), None, params
        ),
        Figure("draft rekap: frames and every tab's rows", "ms", ms(median(times["rows"])), None, params),
        Figure(
            "draft rekap: requests, values cut into bodies of at most 2 MB",
            "ms",
            ms(median(times["cut"])),
            None,
            params,
        ),
    ]


def _grid_rows(sheets: RekapSheets) -> int:
    return sum(len(sheets.grids[tab]) for tab in sheets.tabs)


def writing(sizes: Sizes, regency: RegencyData, workdir: Path, progress: Progress) -> tuple[list[Figure], list[str]]:
    """The dinas workbook written by the product and by the careful gspread user, at every size."""
    figures: list[Figure] = []
    notes: list[str] = []
    written = [*sizes.write_rows, sizes.regency_bidang * sizes.regency_indikator]
    for rows in written:
        if rows == written[-1]:
            master, data, bidang = regency.master, regency.data, sizes.regency_bidang
            per_bidang = sizes.regency_indikator
        else:
            per_bidang = min(rows, 400)
            bidang = max(rows // per_bidang, 1)
            master, tables, _names = generated(bidang, per_bidang, seed=11)
            data = RekapData(snapshots=snapshots_of(tables, REKAP_TW))
        with world(bidang, workdir / f"write-{rows}") as w:
            names = {b.kode: b.nama for b in w.settings.bidang}
            workbooks = GoogleWorkbooks(w.settings, master=master, policy=POLICY)
            w.control.reset_stats()
            w.control.call("DELETE", "google/bodies")
            start = time.perf_counter()
            ref = workbooks.write_rekap(TAHUN, REKAP_TW, data)
            first_time = time.perf_counter() - start
            first = w.control.google_total()
            largest = _bodies(w)["largest"]
            w.control.reset_stats()
            workbooks.write_rekap(TAHUN, REKAP_TW, data)
            again = w.control.google_total()
            sheets = build_rekap_sheets(master, data, names, REKAP_TW, w.settings.tz)
            params = {"indikator_rows": bidang * per_bidang, "tw": REKAP_TW, "sheet_rows": _grid_rows(sheets)}
            bot = w.control.gspread_as(BOT_EMAIL)
            careful = CarefulRekapWriter(bot, w.settings.google.root_folder_id, rekap_access(w.settings))
            w.control.reset_stats()
            w.control.call("DELETE", "google/bodies")
            start = time.perf_counter()
            refused = ""
            try:
                peer_id = careful.write(f"Rekap gspread {rows}", sheets.grids, sheets.tabs)
            except gspread.exceptions.APIError as err:
                refused = f"Google refused the careful user's update: {err.code} {str(err)[:100]}"
            peer_time = time.perf_counter() - start
            peer = float(w.control.google_total())
            peer_largest = _bodies(w)["largest"]
            if not refused:
                difference = same_values(bot, ref.spreadsheet_id, peer_id, sheets.tabs)
                if difference is not None:
                    raise BenchmarkError(f"the two dinas workbooks of {rows} rows differ at {difference}")
        note = refused
        if refused:
            notes.append(f"{bidang * per_bidang} rows: {refused} (request body {peer_largest['bytes']:,} bytes)")
        progress(
            f"rekap write {bidang * per_bidang} rows: product {first} requests (rewrite {again}), largest body "
            f"{largest['bytes']:,} B, {ms(first_time):.0f} ms; careful gspread {peer:.0f} requests, largest body "
            f"{peer_largest['bytes']:,} B, {ms(peer_time):.0f} ms" + (f" ({refused})" if refused else ", values equal")
        )
        figures += [
            Figure(
                "Google requests to write the dinas workbook (first write, incl. find/create)",
                "requests",
                float(first),
                peer,
                params,
                note=note,
            ),
            Figure("Google requests to rewrite the dinas workbook", "requests", float(again), None, params),
            Figure(
                "largest request body writing the dinas workbook",
                "MB",
                round(largest["bytes"] / 1e6, 3),
                round(peer_largest["bytes"] / 1e6, 3),
                params,
                target=MAX_REQUEST_BYTES / 1e6,
                note=note,
            ),
            Figure(
                "wall time to write the dinas workbook (first write)",
                "ms",
                ms(first_time),
                None if refused else ms(peer_time),
                params,
                note=note,
            ),
        ]
    return figures, notes


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """The draft at regency scale, the aggregation against row by row, the write against a careful user."""
    result = BenchmarkResult(
        name="rekap",
        title="Rekap dinas / dinas rekap",
        product="the draft: bot.workflow.effects.rekap_data on a SQLite store + sheets.google.rekap (frames by "
        "sheets.aggregate, vectorised pandas; every tab's rows; the requests); GoogleWorkbooks.write_rekap (1 "
        "batchUpdate + 1 values.batchUpdate per 2 MB of values, plus Drive find/create, sharing and the locale "
        "the first time)",
        peer="benchmarks.rekap_rows.build_rekap_rows (row by row, pure Python, sheets.capaian's scalar rules); a "
        "careful gspread user (benchmarks/rekap.py CarefulRekapWriter): create, update_locale, add_worksheet per "
        "tab, one update per tab, share per reader",
        notes=[
            "the two aggregations are asserted equal (floats to 1e-9 relative) before timing",
            f"aggregation and draft time: median of {sizes.rekap_repeats} run(s); peak memory: what tracemalloc "
            "traces (Python and numpy allocations made by the call), one run each",
            f"the dinas workbook is written for TW {REKAP_TW} (tabs TW I..IV and Tahunan each hold every indicator "
            "row); both writers run at every size, nothing extrapolated; where the careful user finished, both "
            "workbooks' values are read back and checked equal (the careful user writes no formats or charts)",
            "largest request body: what the sandbox received (/_sandbox/google/bodies); Google refuses a body over "
            "10,485,760 bytes and recommends 2 MB",
        ],
    )
    regency = regency_data(sizes)
    progress(f"rekap: draft at {sizes.regency_bidang} bidang x {sizes.regency_indikator} indikator x 4 TW")
    result.figures += draft(regency, sizes, workdir / "draft", progress)
    progress(f"rekap: aggregation {sizes.rekap_bidang} bidang x {sizes.rekap_indikator} indikator x 4 TW")
    result.figures += aggregation(sizes, progress)
    progress("rekap: writing the dinas workbook")
    figures, notes = writing(sizes, regency, workdir, progress)
    result.figures += figures
    result.notes += notes
    return result
