"""The master list kept as a Google Sheet by the Kasubbag: read like the CSV, every problem at its cell.

The bot reads a budget year's list from the tab ``Daftar Induk 2027`` of the sheet named in the
settings, else from the tab ``Daftar Induk`` (else the first tab), which then holds the list of
every year as a CSV without ``{tahun}`` does (:func:`master_tab_index`). The tab holds a header row
with the master list's labels (found by its content, so a title row above it is fine), one
indicator per row below. Numbers are read as the bidang sheets' are (a cell typed ``75%`` means
75). A list that cannot be used raises :class:`~sheets.master.MasterError` whose ``cells`` name
each problem's row and column (``Baris 12, kolom Target TW II: "x" bukan angka``);
:func:`master_notes` turns them into the texts of the sheet's ``Catatan Validasi`` column, so the
Kasubbag sees each problem beside its row. Pure: the Google edge reads and writes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from sheets import layout
from sheets.facts import MasterNotes, MasterSheetRead
from sheets.master import MASTER_COLUMNS, Master, MasterError, MasterProblem, parse_master

__all__ = [
    "MASTER_TAB",
    "find_master_header",
    "master_notes",
    "master_tab",
    "master_tab_index",
    "parse_master_sheet",
    "sheet_id",
    "sheet_source",
]

MASTER_TAB = "Daftar Induk"
"""The tab the bot reads when the sheet has no tab of the year (the first tab when none has this name)."""
HEADER_SEARCH_ROWS = 30
HEADER_MIN_LABELS = 4
SEVERITY = "Kesalahan"


_URL = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


def sheet_id(source: str) -> str:
    """The spreadsheet id in a Google Sheets URL (or the id itself)."""
    match = _URL.search(source)
    return match.group(1) if match else source.strip()


def master_tab(tahun: int) -> str:
    """The tab holding budget year ``tahun``'s list: ``Daftar Induk 2027``."""
    return f"{MASTER_TAB} {tahun}"


def master_tab_index(titles: Sequence[str], tahun: int | None) -> int | None:
    """Which of the tabs (titles in order) holds ``tahun``'s list: its own tab, else ``Daftar Induk``,
    else the first tab; None when there is no tab."""
    wanted = [master_tab(tahun)] if tahun is not None else []
    for title in (*wanted, MASTER_TAB):
        if title in titles:
            return titles.index(title)
    return 0 if titles else None


def sheet_source(read: MasterSheetRead) -> str:
    """How messages name the list read: ``lembar kerja "Daftar Induk Indikator", tab "Daftar Induk 2026"``."""
    return f'lembar kerja "{read.title}", tab "{read.tab}"'


def find_master_header(rows: Sequence[Sequence[Any]]) -> int | None:
    """The 0-based row holding the most master list labels (at least four), None when none does."""
    known = {layout.normal_label(label) for label in MASTER_COLUMNS}
    best, best_score = None, HEADER_MIN_LABELS - 1
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len({layout.normal_label(c) for c in row if isinstance(c, str)} & known)
        if score > best_score:
            best, best_score = r, score
    return best


def _as_meant(read: MasterSheetRead, r: int, c: int, value: Any) -> Any:
    # A percent-formatted cell holds 0.75 where the Kasubbag typed 75%; she meant 75.
    if (r, c) in read.percent_cells and isinstance(value, int | float) and not isinstance(value, bool):
        return value * 100
    return value


def parse_master_sheet(read: MasterSheetRead, *, bidang_codes: Collection[str] | None = None) -> Master:
    """The master list of the sheet; :class:`MasterError` with every problem at its cell."""
    source = sheet_source(read)
    header_r = find_master_header(read.rows)
    if header_r is None:
        labels = ", ".join(MASTER_COLUMNS[:4])
        message = f"baris judul kolom ({labels}, ...) tidak ditemukan di tab {read.tab}"
        raise MasterError(source, [MasterProblem(0, "", message, message)])
    rows = [
        [_as_meant(read, r, c, value) for c, value in enumerate(read.rows[r])] for r in range(header_r, len(read.rows))
    ]
    return parse_master(rows, source, bidang_codes=bidang_codes, first_line=header_r + 1)


def master_notes(read: MasterSheetRead, error: MasterError | None) -> MasterNotes | None:
    """The ``Catatan Validasi`` texts for the sheet as read: each row's problems, empty for a clean row.

    None when the sheet has no header row to put them beside (the message to the Kasubbag says it).
    """
    header_r = find_master_header(read.rows)
    if header_r is None:
        return None
    header = [layout.normal_label(c) if isinstance(c, str) else "" for c in read.rows[header_r]]
    wanted = layout.normal_label(layout.COL_CATATAN_VALIDASI)
    if wanted in header:
        column, label = header.index(wanted), None
    else:
        used = [c for c, text in enumerate(header) if text]
        column, label = (max(used) + 1 if used else 0), layout.COL_CATATAN_VALIDASI
    first_row = header_r + 2  # 1-based: the row below the header
    last_row = max(len(read.rows), first_row - 1)
    by_row: dict[int, list[str]] = {}
    for problem in error.cells if error is not None else ():
        if problem.row >= first_row:
            where = f"kolom {problem.column}: " if problem.column else ""
            by_row.setdefault(problem.row, []).append(f"{SEVERITY}: {where}{problem.message}")
    last_row = max([last_row, *by_row])
    texts = tuple("\n".join(by_row.get(row, [])) for row in range(first_row, last_row + 1))
    return MasterNotes(read.tab, column, header_r + 1, label, first_row, texts)
