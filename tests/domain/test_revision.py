"""The pure parts of a revision and of the master sheet: the diff, the sheet plan, per-cell problems."""

from __future__ import annotations

import dataclasses

import pytest

from sheets import layout
from sheets.facts import MasterSheetRead
from sheets.master import MASTER_COLUMNS, Master, MasterError, master_from_json, master_to_json
from sheets.master_sheet import master_notes, master_tab, master_tab_index, parse_master_sheet, sheet_id
from sheets.revision import DIHAPUS, TargetRevision, compare, plan_revision
from sheets.validate import validate_realisasi


def _ptk(master: Master) -> tuple:
    return master.for_bidang("PTK")


def _revised(master: Master) -> Master:
    """PTK: the second indicator's TW III target raised, the fourth dropped, one added."""
    items = list(master.indikator)
    ptk = [i for i, item in enumerate(items) if item.bidang == "PTK"]
    second = items[ptk[1]]
    items[ptk[1]] = dataclasses.replace(second, target_tw=(250.0, 600.0, 1100.0, 1500.0), target_tahunan=1500.0)
    dropped = items.pop(ptk[3])
    added = dataclasses.replace(
        items[ptk[0]], kode="9.99", indikator="Indikator baru", target_tw=(None, None, 4.0, 8.0)
    )
    items.append(added)
    assert dropped.bidang == "PTK"
    return Master(tuple(items), "revisi")


def test_compare_names_changed_added_dropped(demo_master: Master) -> None:
    changes = compare(demo_master, _revised(demo_master), ("SEK", "PTK"))
    ptk = changes["PTK"]
    assert (len(ptk.diubah), len(ptk.ditambah), len(ptk.dihapus)) == (1, 1, 1)
    assert not changes["SEK"].any and list(changes)[:2] == ["SEK", "PTK"]


def test_the_master_round_trips_through_the_store_json(demo_master: Master) -> None:
    again = master_from_json(master_to_json(demo_master), demo_master.source)
    assert again.indikator == tuple(dataclasses.replace(i, line=0) for i in demo_master.indikator)


def test_the_plan_keeps_typed_values_and_earlier_targets_and_is_idempotent(demo_master: Master) -> None:
    grid = layout.initial_realisasi_grid(_ptk(demo_master))
    grid[2][layout.REALISASI_HEADER.index(layout.col_realisasi(1))] = 260  # typed by the staff
    new = _revised(demo_master)
    dropped = tuple(item for item in _ptk(demo_master) if item.key not in {i.key for i in _ptk(new)})
    revision = TargetRevision("PTK", _ptk(new), dropped, from_tw=3)
    plan = plan_revision(grid, revision)
    columns = {c for _, c, _ in plan.writes}
    assert layout.REALISASI_HEADER.index(layout.col_realisasi(1)) not in columns
    assert layout.REALISASI_HEADER.index(layout.col_target(2)) not in columns  # TW II keeps its target
    assert (2, layout.REALISASI_HEADER.index(layout.col_target(3)), 1100) in plan.writes
    assert plan.dropped == [4] and (4, 0, DIHAPUS) in plan.writes
    assert len(plan.appended) == 1 and plan.appended[0][3] == "Indikator baru" and plan.appended[0][0] == 8
    # The sheet as the plan leaves it: a second plan writes nothing and marks nothing again.
    for r, c, value in plan.writes:
        grid[r][c] = value
    grid.extend(plan.appended)
    again = plan_revision(grid, revision)
    assert (again.writes, again.appended, again.dropped, again.marked) == ([], [], [], [4])


def test_a_dropped_row_is_not_read_as_an_added_one(demo_master: Master) -> None:
    new = _revised(demo_master)
    old_ptk = _ptk(demo_master)
    grid = layout.initial_realisasi_grid(old_ptk)
    dropped = tuple(item for item in old_ptk if item.key not in {i.key for i in _ptk(new)})
    with_dropped = Master(new.indikator, dihapus=dropped)
    result = validate_realisasi(grid, with_dropped, bidang="PTK", tw=3, submission=False)
    assert not [p for p in result.problems if "tidak ada di daftar induk" in p.message]
    plain = validate_realisasi(grid, new, bidang="PTK", tw=3, submission=False)
    assert [p for p in plain.problems if "tidak ada di daftar induk" in p.message]


def _sheet(rows: list[list[object]], percent: frozenset[tuple[int, int]] = frozenset()) -> MasterSheetRead:
    return MasterSheetRead("id", "Daftar Induk", "Daftar Induk", "https://x", rows, percent)


ROW = ["PTK", "1.01", "Program", "Indikator", "%", "Positif", "Nilai Akhir", 0.75, 0.75, 0.75, 0.75, 0.75, 1000]


def test_the_master_sheet_reads_percent_cells_as_typed_and_finds_its_header_below_a_title() -> None:
    percent = frozenset((2, c) for c in range(7, 12))
    master = parse_master_sheet(_sheet([["Judul"], list(MASTER_COLUMNS), ROW], percent))
    assert master.indikator[0].target_tahunan == 75 and master.indikator[0].target_tw == (75, 75, 75, 75)


@pytest.mark.parametrize(
    ("cell", "value", "sentence", "address"),
    [
        pytest.param(9, "x", 'Baris 3, kolom Target TW II: "x" bukan angka', "J3", id="not-a-number"),
        pytest.param(0, "", "Baris 3, kolom Bidang: kosong", "A3", id="empty-bidang"),
        pytest.param(5, "Naik", 'Baris 3, kolom Polaritas: Polaritas "Naik" tidak dikenal', "F3", id="polaritas"),
        pytest.param(12, -5, "Baris 3, kolom Pagu Anggaran (Rp): bernilai negatif (-5)", "M3", id="negative"),
    ],
)
def test_master_sheet_problems_name_their_cell(cell: int, value: object, sentence: str, address: str) -> None:
    row = list(ROW)
    row[cell] = value
    read = _sheet([["Judul"], list(MASTER_COLUMNS), row])
    with pytest.raises(MasterError) as caught:
        parse_master_sheet(read, bidang_codes=["PTK"])
    [problem] = caught.value.cells
    assert problem.sentence().startswith(sentence) and problem.cell == address
    notes = master_notes(read, caught.value)
    assert notes is not None and notes.column == len(MASTER_COLUMNS) and notes.header == "Catatan Validasi"
    assert notes.header_row == 2 and notes.first_row == 3 and notes.texts[0].startswith("Kesalahan: kolom ")


def test_sheet_id_from_a_url_or_the_id() -> None:
    assert sheet_id("https://docs.google.com/spreadsheets/d/1AbC-d_9/edit#gid=0") == "1AbC-d_9"
    assert sheet_id(" 1AbC-d_9 ") == "1AbC-d_9"


@pytest.mark.parametrize(
    ("titles", "tahun", "chosen"),
    [
        pytest.param(["Petunjuk", "Daftar Induk 2026", "Daftar Induk 2027"], 2027, 2, id="the-years-own-tab"),
        pytest.param(["Petunjuk", "Daftar Induk 2026", "Daftar Induk"], 2027, 2, id="else-daftar-induk"),
        pytest.param(["Indikator 2026", "Petunjuk"], 2027, 0, id="else-the-first-tab"),
        pytest.param(["Daftar Induk", "Daftar Induk 2026"], None, 0, id="no-year-asked"),
        pytest.param([], 2026, None, id="no-tab"),
    ],
)
def test_a_years_list_is_read_from_its_own_tab(titles: list[str], tahun: int | None, chosen: int | None) -> None:
    assert master_tab_index(titles, tahun) == chosen
    assert master_tab(2027) == "Daftar Induk 2027"
