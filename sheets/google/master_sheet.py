"""The master sheet on Google: one read of a year's tab, one write of its ``Catatan Validasi`` column.

The Kasubbag keeps the master list of indicators in a Google Sheet shared with the bot's account
(``google.master_sheet`` in the settings: its id or URL). :func:`read_master_sheet` reads a year's
tab (``Daftar Induk 2027``, else ``Daftar Induk``, else the first tab) in one ``spreadsheets.get``
with the same field mask as a bidang workbook's poll (values, and which cells are percent- or
date-formatted); :func:`write_master_notes` writes the validation's notes beside each row in one
``values.batchUpdate``. What the cells mean is decided by :mod:`sheets.master_sheet`.
"""

from __future__ import annotations

import logging
from typing import Any

from sheets import layout
from sheets.facts import MasterNotes, MasterSheetRead
from sheets.google.poll import grid_of
from sheets.google.spreadsheet import SheetsApi
from sheets.master_sheet import MASTER_TAB, master_tab_index, sheet_id

logger = logging.getLogger(__name__)

__all__ = ["read_master_sheet", "sheet_id", "write_master_notes"]  # sheet_id: from sheets.master_sheet

MASTER_FIELDS = (
    "properties(title),sheets(properties(title,index),"
    "data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat(numberFormat(type))))))"
)


def read_master_sheet(api: SheetsApi, spreadsheet_id: str, tahun: int | None = None) -> MasterSheetRead:
    """The cells of the tab holding ``tahun``'s list (:func:`~sheets.master_sheet.master_tab_index`): one request."""
    body = api.get(spreadsheet_id, fields=MASTER_FIELDS, action="membaca lembar kerja daftar induk indikator")
    sheets = sorted(body.get("sheets") or [], key=lambda s: int((s.get("properties") or {}).get("index", 0)))
    index = master_tab_index([str((s.get("properties") or {}).get("title") or "") for s in sheets], tahun)
    chosen: dict[str, Any] = sheets[index] if index is not None else {}
    tab = str((chosen.get("properties") or {}).get("title") or MASTER_TAB)
    rows, percent, dates = grid_of((chosen.get("data") or [{}])[0])
    title = str((body.get("properties") or {}).get("title") or spreadsheet_id)
    url = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit"
    return MasterSheetRead(spreadsheet_id, title, tab, url, rows, frozenset(percent), frozenset(dates))


def write_master_notes(api: SheetsApi, spreadsheet_id: str, notes: MasterNotes) -> None:
    """The ``Catatan Validasi`` column (and its header when new): one values.batchUpdate."""
    tab = layout.quote_tab(notes.tab)
    letter = layout.column_letter(notes.column)
    data: list[dict[str, Any]] = []
    if notes.header is not None:
        data.append({"range": f"{tab}!{letter}{notes.header_row}", "values": [[notes.header]]})
    if notes.texts:
        last = notes.first_row + len(notes.texts) - 1
        data.append(
            {
                "range": f"{tab}!{letter}{notes.first_row}:{letter}{last}",
                "majorDimension": "ROWS",
                "values": [[text] for text in notes.texts],
            }
        )
    if data:
        api.values_update(spreadsheet_id, data, "menulis catatan validasi lembar kerja daftar induk")
