"""Cell sizes counted per column are exactly what ``json.dumps`` writes, down to the last float digit."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.rekap import generated, snapshots_of
from sheets.aggregate import rows_for_sheet, rows_with_sizes
from sheets.facts import AuditEntry, RekapData, SnapshotData
from sheets.google.chunks import json_size
from sheets.google.rekap import build_rekap_sheets
from sheets.json_sizes import SeenColumns, float_repr_lengths, int_json_lengths, str_json_lengths

FINITE = st.floats(allow_nan=False, allow_infinity=False)


def repr_lengths(values: Any) -> list[int]:
    return [len(repr(v)) for v in np.asarray(values, dtype=np.float64).tolist()]


@settings(max_examples=300, deadline=None)
@given(st.lists(FINITE, max_size=300))
def test_float_lengths_are_the_repr_lengths(values: list[float]) -> None:
    assert float_repr_lengths(np.array(values, dtype=np.float64)).tolist() == repr_lengths(values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=2000))
def test_float_lengths_of_any_bit_pattern(patterns: list[int]) -> None:
    values = np.array(patterns, dtype=np.uint64).view(np.float64)
    values = values[np.isfinite(values)]
    assert float_repr_lengths(values).tolist() == repr_lengths(values)


def test_float_lengths_of_the_numbers_a_rekap_holds_and_their_edges() -> None:
    """Figures with few decimals, ratios, sums and means, and the doubles around every power of ten and two."""
    rng = np.random.default_rng(20)
    n = 100_000
    two_decimals = np.round(rng.uniform(0, 1000, n), 2)
    powers_of_ten = np.array([float(f"1e{k}") for k in range(-30, 31)])
    powers_of_two = np.ldexp(1.0, np.arange(-60, 70))
    edges = np.concatenate([powers_of_ten, powers_of_two, powers_of_ten * 3, powers_of_ten * 5, [0.0, -0.0]])
    parts = [
        two_decimals,
        two_decimals * 10_000,
        rng.uniform(0, 100, n) / rng.uniform(1, 60, n) * 100,
        two_decimals + np.round(rng.uniform(0, 60, n), 2) + np.round(rng.uniform(0, 60, n), 2),
        (two_decimals + np.round(rng.uniform(0, 60, n), 2)) / 3,
        -(10 ** rng.uniform(-6, 18, n)),
        rng.integers(0, 10**16, n).astype(np.float64),
        edges,
        np.nextafter(edges, np.inf),
        np.nextafter(edges, -np.inf),
        np.nextafter(np.nextafter(edges, np.inf), np.inf),
        np.nextafter(np.nextafter(edges, -np.inf), -np.inf),
    ]
    values = np.concatenate(parts)
    assert float_repr_lengths(values).tolist() == repr_lengths(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-(10**15), 10**15), st.integers(0, 4)), min_size=1, max_size=200))
def test_float_lengths_of_typed_figures_and_their_neighbours(figures: list[tuple[int, int]]) -> None:
    """Decimals of up to four places around the short path's 1e11 bound, and the doubles next to them."""
    typed = np.array([float(f"{digits}e-{places}") for digits, places in figures])
    values = np.concatenate([typed, np.nextafter(typed, np.inf), np.nextafter(typed, -np.inf)])
    assert float_repr_lengths(values).tolist() == repr_lengths(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=50))
def test_str_lengths_are_the_json_lengths(values: list[str]) -> None:
    assert str_json_lengths(values).tolist() == [len(json.dumps(v)) for v in values]


@given(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=50))
def test_int_lengths_are_the_json_lengths(values: list[int]) -> None:
    assert int_json_lengths(values).tolist() == [len(json.dumps(v)) for v in values]


def test_row_sizes_match_the_rows_of_any_column_kind() -> None:
    frame = pd.DataFrame(
        {
            "angka": [1.5, np.nan, -0.0, np.inf, 1e-7, 123456789.123],
            "jumlah": pd.Series([1, -20, 300, 0, 5, 6], dtype="int64"),
            "teks": pd.Series(
                ['kutip "ini"', None, "garis\\miring", "Rp 1.000", "déjà vu", "baris\nbaru"], dtype="str"
            ),
            "campur": pd.Series([True, 1, "a", 2.5, None, "b"], dtype=object),
            "kosong": pd.Series([np.nan] * 6, dtype="float64"),
        }
    )
    seen = SeenColumns()
    for columns in (None, [("angka", "Angka"), ("", "Kosong"), ("teks", "Teks"), ("angka", "Lagi")]):
        rows, sizes = rows_with_sizes(frame, columns, seen)
        assert rows == rows_for_sheet(frame, columns)
        assert sizes.tolist() == [json_size(row) for row in rows]
    rows, sizes = rows_with_sizes(frame.iloc[:0])
    assert sizes.tolist() == [json_size(row) for row in rows]
    rows, sizes = rows_with_sizes(frame, [])
    assert rows == [[]] and sizes.tolist() == [2]


def test_every_row_size_of_a_dinas_workbook_is_its_json_size() -> None:
    """TW IV (every tab, the Tahunan's trend block), target lines, texts that JSON escapes."""
    master, tables, names = generated(5, 40, seed=9)
    snapshots = list(snapshots_of(tables, 4))
    first = snapshots[0]
    entries = {key: dict(entry) for key, entry in first.values["indikator"].items()}
    for n, entry in enumerate(entries.values()):
        entry["kendala"] = ['Kata "sulit"', "Anggaran\\Dana", "Tenaga kerja asing: 5 ü", "baris\nbaru"][n % 4]
    snapshots[0] = SnapshotData(first.bidang, first.tw, {"indikator": entries}, "")
    at = datetime(2027, 1, 8, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    data = RekapData(
        snapshots=tuple(snapshots),
        catatan_analisis="Capaian \u201cumumnya\u201d baik.",
        riwayat=(AuditEntry(3, "kepala_bidang", "Agus", "setujui", "B00", at, 420.0, 600.0, True, None),),
        target_labels={1: "Target: APBD Murni", 4: "Target: APBD Perubahan"},
    )
    sheets = build_rekap_sheets(master, data, names, 4, ZoneInfo("Asia/Jakarta"))
    assert set(sheets.row_sizes) == set(sheets.grids)
    for tab, grid in sheets.grids.items():
        assert list(sheets.row_sizes[tab]) == [json_size(row) for row in grid], tab
