"""Validation of a bidang's Realisasi tab: a corpus of bad sheets, each with its problem at its cell."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets import layout
from sheets.master import MASTER_COLUMNS, Master, parse_master
from sheets.summary import jumlah_bertarget
from sheets.validate import (
    TABLE_COLUMNS,
    ProblemKind,
    Severity,
    parse_status,
    snapshot_hash,
    snapshot_values,
    summarize_tw,
    validate_realisasi,
)
from tests.domain.conftest import filled_grid

K = ProblemKind
BIDANG, TW = "PTK", 2


def _rc(cell: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    assert match
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)) - 1, col - 1


def put(grid: list[list], cell: str, value: Any) -> None:
    """Set one cell, padding the ragged row as needed."""
    r, c = _rc(cell)
    while len(grid[r]) <= c:
        grid[r].append("")
    grid[r][c] = value


def delete_column(grid: list[list], letter: str) -> None:
    _, c = _rc(f"{letter}1")
    for row in grid:
        if len(row) > c:
            del row[c]


def insert_column(grid: list[list], index: int, header: str) -> None:
    grid[0].insert(index, header)
    for row in grid[1:]:
        row.insert(index, "")


def approved_tw1(master: Master) -> dict[int, dict]:
    """TW I approved as the careful staff member filled it."""
    good = validate_realisasi(filled_grid(master, BIDANG, 1), master, bidang=BIDANG, tw=1, submission=True)
    assert good.ok
    return {1: snapshot_values(good.table, 1)}


@dataclass(frozen=True)
class BadSheet:
    id: str
    mutate: Callable[[list[list]], Any]
    kind: ProblemKind
    cell: str
    severity: Severity = Severity.ERROR
    message: str | None = None
    percent_cells: tuple[tuple[int, int], ...] = ()
    approve_tw1: bool = False
    kwargs: dict = field(default_factory=dict)


def _truncate(row: int, length: int) -> Callable[[list[list]], None]:
    def mutate(grid: list[list]) -> None:
        del grid[row - 1][length:]

    return mutate


def _title_rows(grid: list[list]) -> None:
    grid.insert(0, [])
    grid.insert(0, ["LAPORAN KINERJA BIDANG PENEMPATAN TENAGA KERJA"])
    put(grid, "N5", "dua puluh")


def _left_column(grid: list[list]) -> None:
    insert_column(grid, 0, "Catatan Staf")
    put(grid, "O3", "sepuluh")


def _garbage_header(grid: list[list]) -> None:
    grid[0] = ["Laporan", "bidang"]


def _delete_row(grid: list[list]) -> None:
    del grid[4]  # sheet row 5: "Jumlah perusahaan peserta bursa kerja"


def _duplicate_row(grid: list[list]) -> None:
    grid.append(list(grid[2]))


def _added_row(grid: list[list]) -> None:
    grid.append(["", "9.99.99", "", "Indikator titipan", "Orang", "", "", "", "", "", "", "", 1, 2])


def _added_row_no_kode(grid: list[list]) -> None:
    grid.append(["", "", "", "", "", "", "", "", "", "", "", "", "", 5])


CORPUS = [
    BadSheet(
        "text_realisasi",
        lambda g: put(g, "N3", "dua puluh"),
        K.NOT_A_NUMBER,
        "N3",
        message='Realisasi TW II, baris 3 (Jumlah pencari kerja yang ditempatkan): "dua puluh" bukan angka',
    ),
    BadSheet("text_anggaran", lambda g: put(g, "S4", "satu juta"), K.NOT_A_NUMBER, "S4"),
    BadSheet("english_decimal", lambda g: put(g, "N5", "1,234.5"), K.NOT_A_NUMBER, "N5"),
    BadSheet("unit_in_cell", lambda g: put(g, "N6", "12 orang"), K.NOT_A_NUMBER, "N6"),
    BadSheet("checkbox", lambda g: put(g, "N8", True), K.NOT_A_NUMBER, "N8"),
    BadSheet("dash_for_nil", lambda g: put(g, "N2", "-"), K.NOT_A_NUMBER, "N2"),
    BadSheet("text_in_earlier_open_tw", lambda g: put(g, "M7", "tujuh"), K.NOT_A_NUMBER, "M7"),
    BadSheet("negative_realisasi", lambda g: put(g, "N3", -5), K.NEGATIVE, "N3"),
    BadSheet("negative_text_anggaran", lambda g: put(g, "S3", "-1.000"), K.NEGATIVE, "S3"),
    BadSheet("div0", lambda g: put(g, "N4", "#DIV/0!"), K.FORMULA_ERROR, "N4"),
    BadSheet("ref", lambda g: put(g, "S5", "#REF!"), K.FORMULA_ERROR, "S5"),
    BadSheet("na", lambda g: put(g, "N6", "#N/A"), K.FORMULA_ERROR, "N6"),
    BadSheet("value", lambda g: put(g, "N7", "#VALUE!"), K.FORMULA_ERROR, "N7"),
    BadSheet("name", lambda g: put(g, "N8", "#NAME?"), K.FORMULA_ERROR, "N8"),
    BadSheet("error_in_bukti", lambda g: put(g, "W3", "#ERROR!"), K.FORMULA_ERROR, "W3"),
    BadSheet("error_in_kendala", lambda g: put(g, "V9", "#REF!"), K.FORMULA_ERROR, "V9"),
    BadSheet("ref_in_earlier_tw", lambda g: put(g, "M3", "#REF!"), K.FORMULA_ERROR, "M3"),
    BadSheet(
        "missing_realisasi",
        lambda g: put(g, "N5", ""),
        K.REALISASI_MISSING,
        "N5",
        message="Realisasi TW II, baris 5 (Jumlah perusahaan peserta bursa kerja): belum diisi; "
        "isi realisasi TW II (tulis 0 bila memang nol)",
    ),
    BadSheet("missing_realisasi_ragged_row", _truncate(9, 13), K.REALISASI_MISSING, "N9"),
    BadSheet("whitespace_realisasi", lambda g: put(g, "N6", " \u00a0 "), K.REALISASI_MISSING, "N6"),
    BadSheet(
        "header_under_title_rows",
        _title_rows,
        K.NOT_A_NUMBER,
        "N5",
        message='Realisasi TW II, baris 5 (Jumlah pencari kerja yang ditempatkan): "dua puluh" bukan angka',
    ),
    BadSheet(
        "renamed_column",
        lambda g: put(g, "N1", "Realisasi Triwulan 2"),
        K.COLUMN_MISSING,
        "N1",
        message='Kolom "Realisasi TW II" tidak ditemukan di baris judul (baris 1); '
        "jangan mengubah atau menghapus judul kolom",
    ),
    BadSheet("deleted_column", lambda g: delete_column(g, "V"), K.COLUMN_MISSING, "V1"),
    BadSheet("column_inserted_left", _left_column, K.NOT_A_NUMBER, "O3"),
    BadSheet(
        "extra_column_warning",
        lambda g: insert_column(g, 0, "Catatan Staf"),
        K.COLUMN_EXTRA,
        "A1",
        Severity.WARNING,
    ),
    BadSheet("duplicated_column", lambda g: put(g, "Y1", "Realisasi TW II"), K.COLUMN_DUPLICATED, "Y1"),
    BadSheet("header_not_found", _garbage_header, K.HEADER_NOT_FOUND, "A1"),
    BadSheet("empty_sheet", lambda g: g.clear(), K.HEADER_NOT_FOUND, "A1"),
    BadSheet("deleted_indicator_row", _delete_row, K.INDICATOR_MISSING, "B5"),
    BadSheet("kode_changed", lambda g: put(g, "B4", "2.07.04.2.01.9999"), K.INDICATOR_MISSING, "B4"),
    BadSheet("duplicated_row", _duplicate_row, K.DUPLICATE_KODE, "B10"),
    BadSheet("added_row", _added_row, K.ROW_ADDED, "B10", Severity.WARNING),
    BadSheet("added_row_without_kode", _added_row_no_kode, K.ROW_ADDED, "B10", Severity.WARNING),
    BadSheet(
        "indicator_renamed",
        lambda g: put(g, "D5", "Jumlah perusahaan ikut bursa"),
        K.INDIKATOR_RENAMED,
        "D5",
        Severity.WARNING,
    ),
    BadSheet(
        "anggaran_over_pagu",
        lambda g: put(g, "S3", 200_000_000),
        K.OVER_PAGU,
        "S3",
        Severity.WARNING,
        message="Realisasi Anggaran TW II (Rp), baris 3 (Jumlah pencari kerja yang ditempatkan): jumlah "
        "realisasi anggaran s.d. TW II (Rp201.000.000) melebihi pagu (Rp175.000.000)",
    ),
    BadSheet("percent_over_100", lambda g: put(g, "N9", 150), K.PERCENT_OVER_100, "N9", Severity.WARNING),
    BadSheet(
        "percent_cell_over_100",
        lambda g: put(g, "N9", 1.5),
        K.PERCENT_OVER_100,
        "N9",
        Severity.WARNING,
        percent_cells=((8, 13),),
    ),
    BadSheet(
        "percent_kept_as_fraction",
        lambda g: put(g, "N9", 0.75),
        K.PERCENT_AS_FRACTION,
        "N9",
        Severity.WARNING,
        message="Realisasi TW II, baris 9 (Tingkat pengangguran terbuka): 0,75 untuk satuan % dengan target 4,20; "
        "apakah maksudnya 75%? Bila ya, isi 75 (tanpa tanda %)",
    ),
    BadSheet("bukti_not_link", lambda g: put(g, "W4", "ada di map biru"), K.BUKTI_NOT_LINK, "W4", Severity.WARNING),
    BadSheet(
        "bukti_without_scheme",
        lambda g: put(g, "W5", "drive.google.com/abc"),
        K.BUKTI_NOT_LINK,
        "W5",
        Severity.WARNING,
    ),
    BadSheet("future_tw_filled", lambda g: put(g, "O3", 5), K.FUTURE_TW_FILLED, "O3", Severity.WARNING),
    BadSheet("anggaran_missing", lambda g: put(g, "S6", ""), K.ANGGARAN_MISSING, "S6", Severity.WARNING),
    BadSheet(
        "approved_tw_changed",
        lambda g: put(g, "M3", 999),
        K.CHANGED_AFTER_APPROVAL,
        "M3",
        Severity.WARNING,
        approve_tw1=True,
    ),
    BadSheet(
        "approved_tw_text",
        lambda g: put(g, "R4", "abc"),
        K.CHANGED_AFTER_APPROVAL,
        "R4",
        Severity.WARNING,
        approve_tw1=True,
    ),
]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30
    assert len({case.id for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_bad_sheet_gives_its_problem_at_its_cell(case: BadSheet, demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    case.mutate(grid)
    result = validate_realisasi(
        grid,
        demo_master,
        bidang=BIDANG,
        tw=TW,
        submission=True,
        approved=approved_tw1(demo_master) if case.approve_tw1 else None,
        percent_cells=case.percent_cells,
    )
    matching = [p for p in result.problems if p.kind is case.kind and p.cell == case.cell]
    assert matching, f"expected {case.kind} at {case.cell}, got {[(p.kind, p.cell) for p in result.problems]}"
    problem = matching[0]
    assert problem.severity is case.severity
    assert problem.sheet == "Realisasi"
    assert problem.row == _rc(case.cell)[0] + 1
    assert problem.column
    if case.message is not None:
        assert problem.message == case.message
    assert result.ok is not (case.severity is Severity.ERROR)
    # the typed table always has every master indicator of the bidang
    assert list(result.table["key"]) == [item.key for item in demo_master.for_bidang(BIDANG)]


def test_good_sheet_has_no_problems(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    result = validate_realisasi(grid_factory(BIDANG, TW), demo_master, bidang=BIDANG, tw=TW, submission=True)
    assert result.problems == []
    assert result.ok
    assert result.header_row == 1
    assert result.columns["Realisasi TW II"] == 13
    table = result.table
    assert tuple(table.columns) == TABLE_COLUMNS
    assert list(table["realisasi_tw1"]) == [11.0 + i for i in range(8)]
    assert list(table["realisasi_tw2"]) == [21.0 + i for i in range(8)]
    assert table["realisasi_tw3"].isna().all()
    assert list(table["sheet_row"]) == list(range(2, 10))
    assert list(table["kendala_tw2"]) == ["Tidak ada kendala"] * 8
    assert table["kendala_tw1"].isna().all()
    assert table.dtypes["realisasi_tw2"] == np.float64 and str(table.dtypes["sheet_row"]) == "Int64"


def test_values_typed_the_indonesian_way(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    put(grid, "N3", "1.234")
    put(grid, "S3", "Rp 1.500.000,-")
    put(grid, "N9", "4,5%")
    put(grid, "N4", "'75")
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True)
    assert result.ok, result.problems
    table = result.table.set_index("sheet_row")
    assert table.loc[3, "realisasi_tw2"] == 1234.0
    assert table.loc[3, "anggaran_tw2"] == 1_500_000.0
    assert table.loc[9, "realisasi_tw2"] == 4.5
    assert table.loc[4, "realisasi_tw2"] == 75.0


def test_percent_cells_are_multiplied(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    put(grid, "N9", 0.045)
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True, percent_cells={(8, 13)})
    assert result.table.loc[7, "realisasi_tw2"] == pytest.approx(4.5)
    plain = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True)
    assert plain.table.loc[7, "realisasi_tw2"] == pytest.approx(0.045)


@pytest.mark.parametrize(
    ("typed", "percent_cell", "warned"),
    [
        (0.75, False, True),  # 75% typed into the bot's number column, Google kept the number format
        (1, False, True),  # the boundary: "1" for a target of 4,2% is a fraction too
        (0.04, False, True),
        (1.01, False, False),
        (0, False, False),  # a real zero
        (4.5, False, False),
        (0.75, True, False),  # the cell took the percent format: read as 75
        ("75%", False, False),  # text typed the Indonesian way: 75
    ],
    ids=["fraction", "one", "small-fraction", "just-above-one", "zero", "plain-percent", "percent-format", "text"],
)
def test_percent_indicator_warns_a_value_at_or_below_one(  # type: ignore[no-untyped-def]
    demo_master: Master, grid_factory, typed: Any, percent_cell: bool, warned: bool
) -> None:
    grid = grid_factory(BIDANG, TW)
    put(grid, "N9", typed)
    cells = {(8, 13)} if percent_cell else set()
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True, percent_cells=cells)
    found = [p for p in result.problems if p.kind is K.PERCENT_AS_FRACTION]
    assert [p.cell for p in found] == (["N9"] if warned else [])
    assert result.ok  # a warning never blocks the submission


def test_percent_fraction_is_not_questioned_when_the_target_is_a_fraction(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    items = tuple(
        dataclasses.replace(i, target_tahunan=0.9, target_tw=(0.9, 0.9, 0.9, 0.9)) if i.persen else i
        for i in demo_master.indikator
    )
    master = Master(indikator=items, source=demo_master.source)
    grid = grid_factory(BIDANG, TW)
    put(grid, "N9", 0.75)
    result = validate_realisasi(grid, master, bidang=BIDANG, tw=TW, submission=True)
    assert not [p for p in result.problems if p.kind is K.PERCENT_AS_FRACTION]


def test_draft_does_not_require_realisasi(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, 1)  # TW II not filled at all
    draft = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=False)
    assert draft.ok and draft.problems == []
    submitted = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True)
    assert len([p for p in submitted.errors if p.kind is K.REALISASI_MISSING]) == 8


def test_approved_values_come_from_the_snapshot(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    approved = approved_tw1(demo_master)
    grid = grid_factory(BIDANG, TW)
    put(grid, "M3", 999)
    put(grid, "V3", "Kendala TW II")
    # the store keeps snapshots as JSON: keys come back as strings
    stored = json.loads(json.dumps(approved))
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True, approved=stored)
    assert result.ok
    row = result.table.set_index("sheet_row").loc[3]
    assert row["realisasi_tw1"] == 12.0  # the approved value, not 999
    assert row["kendala_tw1"] == "Tidak ada kendala"
    assert row["kendala_tw2"] == "Kendala TW II"
    assert [p.cell for p in result.warnings] == ["M3"]


def test_missing_row_keeps_approved_values(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    del grid[4]
    result = validate_realisasi(
        grid, demo_master, bidang=BIDANG, tw=TW, submission=True, approved=approved_tw1(demo_master)
    )
    row = result.table.iloc[3]
    assert pd.isna(row["sheet_row"]) and row["realisasi_tw1"] == 14.0 and pd.isna(row["realisasi_tw2"])


def test_catatan_validasi_per_row(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    put(grid, "N3", "dua puluh")
    put(grid, "W3", "map biru")
    put(grid, "N1", "Realisasi Triwulan 2")  # header problems are not row notes
    notes = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True).catatan_validasi()
    assert list(notes) == [3]
    assert notes[3].splitlines()[0].startswith("Peringatan: Bukti Dukung")


def test_summary_for_koreksi(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    grid = grid_factory(BIDANG, TW)
    put(grid, "W4", "map biru")
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=TW, submission=True)
    summary = result.summary()
    assert summary == summarize_tw(result.table, TW, problems=result.problems)
    assert (summary.jumlah_indikator, summary.terisi, summary.peringatan, summary.galat) == (8, 8, 1, 0)
    # row 2 has Target TW II = 0: no capaian for it
    assert summary.dinilai == 7
    assert sum(summary.predikat_counts.values()) == 7
    assert summary.pagu == 1_050_000_000
    assert summary.anggaran_kumulatif == 8 * 3_000_000
    assert summary.serapan == pytest.approx(8 * 3_000_000 * 100 / 1_050_000_000)
    assert summary.predikat is not None and summary.rata_rata_capaian is not None


def _one_indicator(tahunan: str, tw1: str) -> Master:
    row = ["PTK", "1.01", "Program", "Indikator", "orang", "Positif", "Kumulatif", tahunan, tw1, "", "", "", "1000"]
    return parse_master([list(MASTER_COLUMNS), row], "uji")


@pytest.mark.parametrize(
    ("tahunan", "tw1", "counted"),
    [
        pytest.param("10", "4", 1, id="tw-target"),
        pytest.param("10", "", 1, id="annual-target-when-tw-empty"),
        pytest.param("10", "0", 0, id="tw-target-zero"),
        pytest.param("0", "", 0, id="annual-target-zero"),
    ],
)
def test_step_1_counts_what_the_koreksi_summary_assesses(tahunan: str, tw1: str, counted: int) -> None:
    """One definition (sheets.summary.bertarget): the step 1 count is the indicators the koreksi
    summary assesses once their realisasi is in."""
    master = _one_indicator(tahunan, tw1)
    items = master.for_bidang("PTK")
    assert jumlah_bertarget(items, 1) == counted
    grid = layout.initial_realisasi_grid(items)
    grid[1][grid[0].index(layout.col_realisasi(1))] = 5
    grid[1][grid[0].index(layout.col_anggaran(1))] = 100
    result = validate_realisasi(grid, master, bidang="PTK", tw=1, submission=True)
    assert result.summary().dinilai == counted


def test_snapshot_hash_is_canonical(demo_master: Master, grid_factory) -> None:  # type: ignore[no-untyped-def]
    table = validate_realisasi(grid_factory(BIDANG, TW), demo_master, bidang=BIDANG, tw=TW, submission=True).table
    values = snapshot_values(table, TW)
    assert values["tw"] == TW and len(values["indikator"]) == 8
    first = next(iter(values["indikator"].values()))
    assert first == {
        "realisasi": 21.0,
        "anggaran": 2_000_000.0,
        "kendala": "Tidak ada kendala",
        "bukti": "https://drive.google.com/file/d/bukti1/view",
    }
    digest = snapshot_hash(values)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert snapshot_hash(json.loads(json.dumps(values))) == digest
    reordered = {"indikator": dict(reversed(list(values["indikator"].items()))), "tw": TW}
    assert snapshot_hash(reordered) == digest
    changed = json.loads(json.dumps(values))
    next(iter(changed["indikator"].values()))["realisasi"] = 22.0
    assert snapshot_hash(changed) != digest


STATUS = [
    ("layout", layout.initial_status_grid(), {1: "Draft", 2: "Draft", 3: "Draft", 4: "Draft"}),
    (
        "title_row_and_case",
        [
            ["Status laporan"],
            list(layout.STATUS_HEADER),
            ["TW I", "Draft", "Disetujui"],
            ["TW II", "siap dikoreksi"],
        ],
        {1: "Draft", 2: "Siap Dikoreksi"},
    ),
    ("unknown_value_kept", [list(layout.STATUS_HEADER), ["TW I", "Selesai"]], {1: "Selesai"}),
    ("empty_status", [list(layout.STATUS_HEADER), ["TW I"]], {1: ""}),
]


@pytest.mark.parametrize(("rows", "expected"), [s[1:] for s in STATUS], ids=[s[0] for s in STATUS])
def test_parse_status(rows: list[list], expected: dict[int, str]) -> None:
    parsed = parse_status(rows)
    assert {tw: row.status_pengisian for tw, row in parsed.items()} == expected


def test_status_row_details() -> None:
    rows = [
        ["Status laporan"],
        list(layout.STATUS_HEADER),
        ["TW I", "Draft"],
        ["TW II", "Siap Dikoreksi", "x", "y", 45000],
    ]
    parsed = parse_status(rows)
    assert parsed[2].siap_dikoreksi and not parsed[1].siap_dikoreksi
    assert parsed[2].row == 4 and parsed[2].cell == "'Status'!B4"
    assert (parsed[2].status_alur, parsed[2].catatan, parsed[2].diperbarui) == ("x", "y", 45000)


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#ERROR!", "1.234,5", "75%", "Rp 1.500"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 26), cell_values), max_size=25),
    tw=st.integers(1, 4),
    submission=st.booleans(),
    percent=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 26)), max_size=5),
)
def test_any_grid_validates_without_raising(
    demo_master: Master, edits: list[tuple[int, int, Any]], tw: int, submission: bool, percent: set
) -> None:
    grid = filled_grid(demo_master, BIDANG, 4)
    grid += [[] for _ in range(3)]
    for r, c, value in edits:
        row = grid[r]
        while len(row) <= c:
            row.append("")
        row[c] = value
    result = validate_realisasi(grid, demo_master, bidang=BIDANG, tw=tw, submission=submission, percent_cells=percent)
    assert len(result.table) == 8
    for problem in result.problems:
        assert re.fullmatch(r"[A-Z]+[1-9]\d*", problem.cell)
        assert problem.row == _rc(problem.cell)[0] + 1
        assert problem.message
