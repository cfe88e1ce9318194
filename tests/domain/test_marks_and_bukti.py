"""The pure parts of issue #19 items 3 and 4: which cells a feedback marks, how its marks are found
again in a read, where a bukti dukung's link goes and what the cell then says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sheets import layout
from sheets.bukti import MAX_NAME_LENGTH, bukti_cell, file_name, folder_name, with_link
from sheets.facts import FeedbackPlace, ProblemInfo, WorkbookRead
from sheets.master import Master
from sheets.notes import MARK_TITLE, cell_marks, feedback_place, is_bot_mark, marked_after

HEADER = list(layout.REALISASI_HEADER)


def col(label: str) -> str:
    return layout.column_letter(HEADER.index(label))


R1, A1_, R2 = col(layout.col_realisasi(1)), col(layout.col_anggaran(1)), col(layout.col_realisasi(2))
KENDALA, BUKTI, KODE, TARGET = col(layout.COL_KENDALA), col(layout.COL_BUKTI), col(layout.COL_KODE), col("Target TW I")
PLACE = FeedbackPlace(column=HEADER.index(layout.COL_CATATAN_VALIDASI), first_row=2, last_row=9)


def problem(cell: str, label: str, severity: str = "error", message: str = "salah") -> ProblemInfo:
    row, _ = layout.parse_a1(cell)
    return ProblemInfo(cell, label, row, "Indikator", severity, message)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "label", "marked"),
    [
        pytest.param(f"{R1}3", layout.col_realisasi(1), True, id="realisasi-of-the-open-tw"),
        pytest.param(f"{A1_}3", layout.col_anggaran(1), True, id="anggaran-of-the-open-tw"),
        pytest.param(f"{KENDALA}3", layout.COL_KENDALA, True, id="kendala"),
        pytest.param(f"{BUKTI}3", layout.COL_BUKTI, True, id="bukti"),
        pytest.param(f"{R2}3", layout.col_realisasi(2), False, id="a-later-tw"),
        pytest.param(f"{KODE}3", layout.COL_KODE, False, id="kode"),
        pytest.param(f"{TARGET}3", "Target TW I", False, id="target"),
        pytest.param(f"{R1}1", layout.col_realisasi(1), False, id="header-row"),
        pytest.param(f"{R1}12", layout.col_realisasi(1), False, id="below-the-data"),
    ],
)
def test_only_the_open_tws_input_cells_in_the_data_rows_are_marked(cell: str, label: str, marked: bool) -> None:
    assert [m.cell for m in cell_marks([problem(cell, label)], PLACE, 1)] == ([cell] if marked else [])


def test_one_mark_per_cell_red_when_any_error_the_messages_as_its_note() -> None:
    problems = [
        problem(f"{A1_}4", layout.col_anggaran(1), "warning", "melebihi pagu"),
        problem(f"{R1}5", layout.col_realisasi(1), "warning", "di atas 100%"),
        problem(f"{A1_}4", layout.col_anggaran(1), "error", '"x" bukan angka'),
    ]
    marks = cell_marks(problems, PLACE, 1)
    assert [(m.cell, m.severity) for m in marks] == [(f"{A1_}4", "error"), (f"{R1}5", "warning")]
    assert marks[0].note == f'{MARK_TITLE}\nPeringatan: melebihi pagu\nKesalahan: "x" bukan angka'
    assert is_bot_mark(marks[0].note) and not is_bot_mark("catatan staf: " + MARK_TITLE)
    assert marked_after(PLACE, marks).marked == (f"{A1_}4", f"{R1}5")


def test_a_read_tells_the_bots_marks_from_a_persons_notes(demo_master: Master, grid_factory: Any) -> None:
    notes = {(2, 12): f"{MARK_TITLE}\nKesalahan: x", (3, 12): "cek SP2D", (1, 21): f"{MARK_TITLE}\nPeringatan: y"}
    read = WorkbookRead(grid_factory("PTK", 1), frozenset(), [], 1, frozenset(), notes=notes)
    place = feedback_place("PTK", read, demo_master)
    assert place.marked == ("V2", "M3")  # row by row; the person's note on M4 is not the bot's
    assert FeedbackPlace.from_dict(place.as_dict()) == place
    assert FeedbackPlace.from_dict({"column": 23, "first_row": 2, "last_row": 9}).marked == ()  # stored before


def test_bukti_cell_is_found_by_the_indicators_row_and_the_columns_label(
    demo_master: Master, grid_factory: Any
) -> None:
    grid = grid_factory("PTK", 1)
    grid.insert(0, ["Laporan Kinerja Penempatan"])  # a title row typed above the header
    read = WorkbookRead(grid, frozenset(), [], 1, frozenset())
    item = demo_master.for_bidang("PTK")[2]
    found = bukti_cell(read, demo_master, "PTK", item.key)
    assert found is not None and found.cell == f"{BUKTI}5"
    assert found.text == "https://drive.google.com/file/d/bukti3/view"
    assert bukti_cell(read, demo_master, "PTK", "tidak-ada") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "https://drive/b", id="empty"),
        pytest.param("https://drive/a", "https://drive/a\nhttps://drive/b", id="beside-a-link"),
        pytest.param("di lemari arsip\n", "di lemari arsip\nhttps://drive/b", id="beside-text"),
        pytest.param("https://drive/a https://drive/b", "https://drive/a https://drive/b", id="already-there"),
    ],
)
def test_the_new_link_is_added_on_a_line_of_its_own(text: str, expected: str) -> None:
    assert with_link(text, "https://drive/b") == expected


def test_drive_names() -> None:
    assert folder_name(2026, 2) == "Bukti Dukung TW II 2026"
    when = datetime(2026, 4, 1, 9, 15)
    assert file_name(3, "Jumlah pencari kerja", "SP2D: TW/I.pdf", when) == (
        "03 - Jumlah pencari kerja - 2026-04-01 09.15 - SP2D  TW I.pdf"
    )
    long = file_name(12, "indikator " * 40, "foto.jpg", when)
    assert (
        len(long) <= MAX_NAME_LENGTH
        and long.startswith("12 - indikator")
        and long.endswith("… - 2026-04-01 09.15 - foto.jpg")
    )


@pytest.mark.parametrize("cell", ["A1", "M14", "Z9", "AA10", "XFD1048576"])
def test_a1_round_trip(cell: str) -> None:
    assert layout.a1(*layout.parse_a1(cell)) == cell
