"""Reading a bidang workbook in one request: the facts the workflow's intake needs.

One read per workbook: ``spreadsheets.get`` over the ``Realisasi`` and ``Status`` tabs with a
field mask asking, per cell, for ``effectiveValue`` (what ``values.batchGet`` returns with
``UNFORMATTED_VALUE``), ``effectiveFormat.numberFormat.type`` and the cell ``note`` (the marks
the bot's feedback left, :mod:`sheets.notes`), plus the tabs' protections.

Why not ``values.batchGet``: a person typing ``75%`` leaves 0.75 in the cell and a percent
format on it, and ``values.batchGet`` cannot say which cells are percent-formatted (one render
option per call; a second call per workbook would break the poll's 1 + k budget). Guessing from
the indicator's Satuan ("a value <= 1 of a % indicator was typed as a percent") is wrong for
real fractions such as 0.5 %. The field-masked ``spreadsheets.get`` returns the same unformatted
values AND each cell's format type in the same single request, so the value the person meant
(75) is recovered exactly: cells whose format type is ``PERCENT`` are reported as
``percent_cells`` and the validator multiplies them by 100. The same answer carries the
``Realisasi`` protection, whose description records the open TW and the approved TWs (see
:mod:`sheets.google.distribute`), so a restarted bot needs no extra call.

A cell whose format type is ``DATE``, ``TIME`` or ``DATE_TIME`` holds a serial number (days since
1899-12-30): a person typed ``12/03/2026`` where a number belongs. It is reported as the text the
id_ID sheet shows (``12/03/2026``) with its position in ``date_cells``, so the validator refuses
it as "bukan angka" naming its cell, never reading it as 46093.

This module states facts (:class:`sheets.facts.WorkbookRead`) and remembers nothing: what they
mean (a submission, a change, a change to approved data) is decided by the workflow's intake
(:mod:`bot.workflow.intake`) against the store.

A change with ``removed: true`` (Drive: "the file has been removed from this list of changes,
for example by deletion or loss of access"; it carries no ``file``) for a known workbook is
re-checked with this same single read, and its answer decides the fact
(:meth:`sheets.google.workbooks.GoogleWorkbooks.poll`):

- Sheets answers 403 PERMISSION_DENIED: the spreadsheet exists and the bot may not read it
  -> ``BookUnreachable`` (someone removed the bot's permission or moved the file out of its reach);
- Sheets answers 404 NOT_FOUND: the spreadsheet no longer exists (deleted for good) -> ``BookGone``;
- the read succeeds (access given back in the meantime): ``BookSeen`` as for any changed workbook.

Why not ``files.get``: Drive answers 404 "File not found" both for a deleted file and for one
the caller lost access to, so it cannot tell the two apart; Sheets can, in the same one request
the poll budget (1 + k) already counts. A move to the trash is not a removal: it arrives as a
change with ``file.trashed`` and is reported as ``BookGone`` without reading the file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sheets import layout
from sheets.facts import WorkbookRead
from sheets.google.distribute import PROTECTION_PREFIX, parse_state
from sheets.google.spreadsheet import SheetsApi

logger = logging.getLogger(__name__)

__all__ = ["READ_FIELDS", "grid_of", "read_cells", "read_workbook"]

READ_FIELDS = (
    "properties(title),sheets(properties(title),protectedRanges(description),"
    "data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat(numberFormat(type)),note))))"
)
ERROR_TEXT = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "NULL_VALUE": "#NULL!",
    "ERROR": "#ERROR!",
}
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})
SERIAL_EPOCH = datetime(1899, 12, 30)


def _value(cell: Mapping[str, Any]) -> Any:
    effective = cell.get("effectiveValue")
    if not effective:
        return ""
    if "numberValue" in effective:
        number = effective["numberValue"]
        return int(number) if isinstance(number, float) and number.is_integer() and abs(number) < 2**53 else number
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return effective["boolValue"]
    if "errorValue" in effective:
        return ERROR_TEXT.get(str(effective["errorValue"].get("type")), "#ERROR!")
    return ""


def _date_text(serial: float, number_type: str) -> str:
    """A date/time serial as an id_ID sheet shows it (``12/03/2026``, ``10:30:00``)."""
    moment = SERIAL_EPOCH + timedelta(days=serial)
    if number_type == "DATE":
        return moment.strftime("%d/%m/%Y")
    if number_type == "TIME":
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%d/%m/%Y %H:%M:%S")


@dataclass
class _Grid:
    """One tab's cells as read: values, percent- and date-formatted positions, notes by position."""

    rows: list[list[Any]] = field(default_factory=list)
    percent: set[tuple[int, int]] = field(default_factory=set)
    dates: set[tuple[int, int]] = field(default_factory=set)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)


def _grid(data: Mapping[str, Any]) -> _Grid:
    start_r = int(data.get("startRow", 0))
    start_c = int(data.get("startColumn", 0))
    grid = _Grid(rows=[[] for _ in range(start_r)])
    rows, percent, dates = grid.rows, grid.percent, grid.dates
    for r, row in enumerate(data.get("rowData") or [], start=start_r):
        values = [""] * start_c
        for c, cell in enumerate(row.get("values") or [], start=start_c):
            if cell.get("note"):
                grid.notes[(r, c)] = str(cell["note"])
            value = _value(cell)
            number_type = (cell.get("effectiveFormat") or {}).get("numberFormat", {}).get("type")
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if number_type in DATE_TYPES and is_number:
                # A date where a number belongs is not the number the person meant (see above).
                value = _date_text(float(value), str(number_type))
                dates.add((r, c))
            elif number_type == "PERCENT" and is_number:
                percent.add((r, c))
            values.append(value)
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return grid


def grid_of(data: Mapping[str, Any]) -> tuple[list[list[Any]], set[tuple[int, int]], set[tuple[int, int]]]:
    """(rows, percent cells, date cells) of one tab's ``data`` block, read as the bidang sheets are."""
    grid = _grid(data)
    return grid.rows, grid.percent, grid.dates


def read_workbook(api: SheetsApi, spreadsheet_id: str) -> WorkbookRead:
    """Read ``Realisasi`` and ``Status`` (values, percent cells, recorded state): one request."""
    body = api.get(
        spreadsheet_id,
        fields=READ_FIELDS,
        ranges=[layout.quote_tab(layout.TAB_REALISASI), layout.quote_tab(layout.TAB_STATUS)],
        action=f"membaca lembar kerja {spreadsheet_id}",
    )
    realisasi, status = _Grid(), _Grid()
    open_tw, approved = None, frozenset[int]()
    for sheet in body.get("sheets") or []:
        title = (sheet.get("properties") or {}).get("title")
        data = (sheet.get("data") or [{}])[0]
        if title == layout.TAB_REALISASI:
            realisasi = _grid(data)
            for pr in sheet.get("protectedRanges") or []:
                description = str(pr.get("description") or "")
                if description.startswith(f"{PROTECTION_PREFIX} ({layout.TAB_REALISASI})"):
                    open_tw, approved = parse_state(description)
        elif title == layout.TAB_STATUS:
            status = _grid(data)
    return WorkbookRead(
        realisasi.rows,
        frozenset(realisasi.percent),
        status.rows,
        open_tw,
        approved,
        frozenset(realisasi.dates),
        notes=realisasi.notes,
        title=str((body.get("properties") or {}).get("title") or ""),
    )


def read_cells(
    api: SheetsApi, spreadsheet_id: str, a1_range: str
) -> tuple[list[list[Any]], frozenset[tuple[int, int]]]:
    """(values, percent cells) of one range as the poll reads a ``Realisasi`` tab (``doctor --live``)."""
    body = api.get(
        spreadsheet_id,
        fields="sheets(data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat(numberFormat(type))))))",
        ranges=[a1_range],
        action=f"membaca {a1_range}",
    )
    sheets = body.get("sheets") or [{}]
    grid = _grid((sheets[0].get("data") or [{}])[0])
    return grid.rows, frozenset(grid.percent)
