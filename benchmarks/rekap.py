"""Rekap (SOP step 4): aggregation time and peak memory, and the requests to write the dinas workbook.

Aggregation: :func:`sheets.aggregate.build_rekap` (vectorised pandas) against
:func:`benchmarks.rekap_rows.build_rekap_rows` (row by row, pure Python, the same scalar rules) on
B bidang x I indicators x 4 TW of generated data (every Jenis and Polaritas, missing values,
target 0, missing TW targets and pagu). Both results are checked equal before any figure is
reported. Time: the median of repeated runs; memory: the peak traced by ``tracemalloc`` during one
run (allocations made by the call, inputs excluded), measured apart from the timing runs.

Writing: :meth:`sheets.google.workbooks.GoogleWorkbooks.write_rekap` against tutorial gspread code
(``client.create``, ``add_worksheet`` per tab, then ``append_row`` per row), both writing the same
grids to the sandbox. Above ``naive_write_max_rows`` indicator rows the peer is not run: its count
is extrapolated from the per-row cost it showed on the smallest size (and the output says so).
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Mapping
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
from sheets.google.rekap import RekapSheets, build_rekap_sheets
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


class NaiveRekapWriter:
    """Tutorial gspread: create the workbook, add each tab, then ``append_row`` for every row."""

    def __init__(self, client: gspread.Client, folder_id: str) -> None:
        self.client = client
        self.folder_id = folder_id

    def write(self, title: str, grids: Mapping[str, list[list[Any]]]) -> int:
        """Write every tab's rows; returns the number of rows appended."""
        spreadsheet = self.client.create(title, self.folder_id)
        first = spreadsheet.sheet1
        appended = 0
        for tab in layout.DINAS_TABS:
            grid = grids[tab]
            sheet = spreadsheet.add_worksheet(tab, rows=1, cols=max(len(row) for row in grid))
            for row in grid:
                sheet.append_row(row)
                appended += 1
        spreadsheet.del_worksheet(first)
        return appended


def _grid_rows(sheets: RekapSheets) -> int:
    return sum(len(sheets.grids[tab]) for tab in layout.DINAS_TABS)


def writing(sizes: Sizes, workdir: Path, progress: Progress) -> tuple[list[Figure], list[str]]:
    """Requests (and time) to write the dinas workbook for each size of ``sizes.write_rows``."""
    figures: list[Figure] = []
    notes: list[str] = []
    per_row: float | None = None
    fixed: float | None = None
    per_row_seconds: float | None = None
    for rows in sizes.write_rows:
        per_bidang = min(rows, 400)
        bidang = max(rows // per_bidang, 1)
        master, tables, _names = generated(bidang, per_bidang, seed=11)
        data = RekapData(snapshots=snapshots_of(tables, REKAP_TW))
        with world(bidang, workdir / f"write-{rows}") as w:
            names = {b.kode: b.nama for b in w.settings.bidang}
            workbooks = GoogleWorkbooks(w.settings, master=master, policy=POLICY)
            w.control.reset_stats()
            start = time.perf_counter()
            workbooks.write_rekap(TAHUN, REKAP_TW, data)
            first_time = time.perf_counter() - start
            first = w.control.google_total()
            w.control.reset_stats()
            workbooks.write_rekap(TAHUN, REKAP_TW, data)
            again = w.control.google_total()
            sheets = build_rekap_sheets(master, data, names, REKAP_TW, w.settings.tz)
            total_rows = _grid_rows(sheets)
            params = {"indikator_rows": bidang * per_bidang, "tw": REKAP_TW, "sheet_rows": total_rows}
            if rows <= sizes.naive_write_max_rows:
                naive = NaiveRekapWriter(w.control.gspread_as(BOT_EMAIL), w.settings.google.root_folder_id)
                w.control.reset_stats()
                start = time.perf_counter()
                appended = naive.write(f"Rekap naif {rows}", sheets.grids)
                peer_time = time.perf_counter() - start
                methods = w.control.google_methods()
                methods.pop("oauth2.token", None)
                peer: float = sum(methods.values())
                appends = methods.get("sheets.spreadsheets.values.append", 0)
                if appends != appended:
                    raise BenchmarkError(f"naive writer sent {appends} appends for {appended} rows")
                per_row = appends / appended
                fixed = peer - appends
                per_row_seconds = peer_time / appended
                note = "measured"
            else:
                if per_row is None or fixed is None or per_row_seconds is None:
                    raise BenchmarkError("the naive writer must run on a smaller size first")
                peer = fixed + per_row * total_rows
                peer_time = per_row_seconds * total_rows
                note = (
                    f"naive peer extrapolated: {fixed:.0f} fixed requests + {per_row:.0f} request per row "
                    f"x {total_rows} rows (per-row cost measured at {sizes.write_rows[0]} indicator rows)"
                )
                notes.append(f"{bidang * per_bidang} rows: {note}")
        progress(
            f"rekap write {bidang * per_bidang} rows: product {first} requests (rewrite {again}) "
            f"{ms(first_time):.0f} ms, naive {peer:.0f} requests ({note})"
        )
        figures += [
            Figure(
                "Google requests to write the dinas workbook (first write, incl. find/create)",
                "requests",
                float(first),
                float(peer),
                params,
                note=note,
            ),
            Figure(
                "Google requests to rewrite the dinas workbook",
                "requests",
                float(again),
                float(peer),
                params,
                note=note,
            ),
            Figure(
                "wall time to write the dinas workbook (first write)",
                "ms",
                ms(first_time),
                ms(peer_time),
                params,
                note=note,
            ),
        ]
    return figures, notes


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Aggregation and writing figures."""
    result = BenchmarkResult(
        name="rekap",
        title="Rekap dinas / dinas rekap",
        product="sheets.aggregate.build_rekap (vectorised pandas); GoogleWorkbooks.write_rekap "
        "(1 batchUpdate + 1 values.batchUpdate per 2 MB of values, plus Drive find/create and the locale "
        "the first time)",
        peer="benchmarks.rekap_rows.build_rekap_rows (row by row, pure Python, sheets.capaian's scalar rules); "
        "gspread tutorial writer: create + add_worksheet per tab + append_row per row",
        notes=[
            "the two aggregations are asserted equal (floats to 1e-9 relative) before timing",
            f"aggregation time: median of {sizes.rekap_repeats} run(s); peak memory: what tracemalloc traces "
            "(Python and numpy allocations made by the call), one run each",
            f"the dinas workbook is written for TW {REKAP_TW} (tabs TW I..IV each hold every indicator row)",
        ],
    )
    progress(f"rekap: aggregation {sizes.rekap_bidang} bidang x {sizes.rekap_indikator} indikator x 4 TW")
    result.figures += aggregation(sizes, progress)
    progress("rekap: writing the dinas workbook")
    figures, notes = writing(sizes, workdir, progress)
    result.figures += figures
    result.notes += notes
    return result
