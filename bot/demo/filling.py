"""Filling a bidang sheet, as a person does in the browser: rows found by the indicator's name and
columns by their labels (never by position), values typed as text (USER_ENTERED)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import gspread
from gspread.utils import ValueInputOption

from bot.demo.actors import ScenarioError
from sheets import layout

__all__ = [
    "CellMark",
    "Entry",
    "Kolom",
    "cell_mark",
    "load_isian",
    "set_status",
    "status_of",
    "type_cells",
    "validation_note",
]

Kolom = Literal["realisasi", "anggaran", "kendala", "bukti"]


@dataclass(frozen=True)
class Entry:
    """What a staff member types for one indicator (text exactly as typed; empty = left blank)."""

    indikator: str
    realisasi: str
    anggaran: str = ""
    kendala: str = ""
    bukti: str = ""

    def value(self, kolom: Kolom) -> str:
        """The typed text of one column."""
        return str(getattr(self, kolom))


def load_isian(path: str | Path) -> dict[str, tuple[Entry, ...]]:
    """Bidang kode -> entries, from a CSV with columns Bidang, Indikator Kinerja, Realisasi,
    Realisasi Anggaran (Rp), Kendala/Keterangan, Bukti Dukung (tautan)."""
    isian: dict[str, list[Entry]] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            isian.setdefault(row["Bidang"].strip(), []).append(
                Entry(
                    indikator=row["Indikator Kinerja"].strip(),
                    realisasi=row["Realisasi"].strip(),
                    anggaran=(row.get("Realisasi Anggaran (Rp)") or "").strip(),
                    kendala=(row.get("Kendala/Keterangan") or "").strip(),
                    bukti=(row.get(layout.COL_BUKTI) or "").strip(),
                )
            )
    return {kode: tuple(entries) for kode, entries in isian.items()}


def _column_label(kolom: Kolom, tw: int) -> str:
    return {
        "realisasi": layout.col_realisasi(tw),
        "anggaran": layout.col_anggaran(tw),
        "kendala": layout.COL_KENDALA,
        "bukti": layout.COL_BUKTI,
    }[kolom]


def _header_row(grid: Sequence[Sequence[str]]) -> int:
    """0-based index of the header row, found by its content as a person would."""
    for index, row in enumerate(grid[:50]):
        if layout.COL_INDIKATOR in row and layout.col_realisasi(1) in row:
            return index
    raise ScenarioError("baris judul kolom lembar Realisasi tidak ditemukan")


def type_cells(sheet: gspread.Worksheet, tw: int, cells: Iterable[tuple[str, Kolom, str]]) -> list[str]:
    """Type ``(indikator, kolom, text)`` into the Realisasi tab in one request (as typed: USER_ENTERED).

    Rows are found by the indicator's name and columns by their labels, never by position.
    Returns the A1 cells written.
    """
    grid = sheet.get_all_values()
    header_index = _header_row(grid)
    header = grid[header_index]
    indikator_col = header.index(layout.COL_INDIKATOR)
    rows = {
        row[indikator_col].strip(): n
        for n, row in enumerate(grid[header_index + 1 :], start=header_index + 2)
        if len(row) > indikator_col
    }
    updates: list[dict[str, Any]] = []
    for indikator, kolom, text in cells:
        if indikator not in rows:
            raise ScenarioError(f"indikator {indikator!r} tidak ditemukan di lembar Realisasi")
        label = _column_label(kolom, tw)
        cell = layout.a1(rows[indikator], header.index(label))
        updates.append({"range": cell, "values": [[text]]})
    if updates:
        sheet.batch_update(updates, value_input_option=ValueInputOption.user_entered)
    return [u["range"] for u in updates]


def set_status(spreadsheet: gspread.Spreadsheet, tw: int, status: str = layout.STATUS_SIAP_DIKOREKSI) -> None:
    """Pick ``status`` in the TW's Status Pengisian dropdown on the Status tab."""
    sheet = spreadsheet.worksheet(layout.TAB_STATUS)
    grid = sheet.get_all_values()
    header = grid[0]
    column = header.index(layout.STATUS_HEADER[1])
    label = layout.tw_label(tw)
    for number, row in enumerate(grid[1:], start=2):
        if row and row[0] == label:
            sheet.update([[status]], layout.a1(number, column), value_input_option=ValueInputOption.user_entered)
            return
    raise ScenarioError(f"baris {label} tidak ditemukan di tab Status")


def status_of(spreadsheet: gspread.Spreadsheet, tw: int) -> dict[str, str]:
    """The TW's row of the Status tab as the staff sees it (column label -> text)."""
    grid = spreadsheet.worksheet(layout.TAB_STATUS).get_all_values()
    header = grid[0]
    for row in grid[1:]:
        if row and row[0] == layout.tw_label(tw):
            return {label: (row[i] if i < len(row) else "") for i, label in enumerate(header)}
    raise ScenarioError(f"baris {layout.tw_label(tw)} tidak ditemukan di tab Status")


@dataclass(frozen=True)
class CellMark:
    """What a person sees on one cell: its background (``merah``, ``kuning`` or None) and its note."""

    cell: str
    warna: str | None
    catatan: str


def _shade(color: dict[str, Any]) -> str | None:
    """The bot's mark colours by name (light red, light yellow), as a person names them."""
    red, green, blue = (round(float(color.get(k, 0)) * 255) for k in ("red", "green", "blue"))
    if (red, green, blue) == (255, 255, 255):
        return None
    if red > 230 and green < 215 and blue < 215:
        return "merah"
    if red > 230 and green > 230 and blue < 215:
        return "kuning"
    return f"#{red:02X}{green:02X}{blue:02X}"


def cell_mark(spreadsheet: gspread.Spreadsheet, tw: int, indikator: str, kolom: Kolom) -> CellMark:
    """The background and note of an indicator's cell of ``kolom`` (what the person sees hovering over it)."""
    sheet = spreadsheet.worksheet(layout.TAB_REALISASI)
    grid = sheet.get_all_values()
    header_index = _header_row(grid)
    header = grid[header_index]
    indikator_col = header.index(layout.COL_INDIKATOR)
    rows = [n for n, row in enumerate(grid[header_index + 1 :], start=header_index + 2) if len(row) > indikator_col]
    found = [n for n in rows if grid[n - 1][indikator_col].strip() == indikator]
    if not found:
        raise ScenarioError(f"indikator {indikator!r} tidak ditemukan di lembar Realisasi")
    cell = layout.a1(found[0], header.index(_column_label(kolom, tw)))
    body = spreadsheet.client.spreadsheets_get(
        spreadsheet.id,
        params={
            "ranges": [f"{layout.quote_tab(layout.TAB_REALISASI)}!{cell}"],
            "fields": "sheets(data(rowData(values(note,effectiveFormat(backgroundColor)))))",
        },
    )
    data = body["sheets"][0]["data"][0].get("rowData") or [{}]
    values = data[0].get("values") or [{}]
    shown = values[0]
    color = (shown.get("effectiveFormat") or {}).get("backgroundColor") or {"red": 1, "green": 1, "blue": 1}
    return CellMark(cell, _shade(color), str(shown.get("note") or ""))


def validation_note(spreadsheet: gspread.Spreadsheet, indikator: str) -> str:
    """The Catatan Validasi the bot wrote on an indicator's row (what the staff sees in the sheet)."""
    grid = spreadsheet.worksheet(layout.TAB_REALISASI).get_all_values()
    header_index = _header_row(grid)
    header = grid[header_index]
    indikator_col, note_col = header.index(layout.COL_INDIKATOR), header.index(layout.COL_CATATAN_VALIDASI)
    for row in grid[header_index + 1 :]:
        if len(row) > indikator_col and row[indikator_col].strip() == indikator:
            return row[note_col] if len(row) > note_col else ""
    raise ScenarioError(f"indikator {indikator!r} tidak ditemukan di lembar Realisasi")
