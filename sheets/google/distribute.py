"""Building a bidang's yearly workbook and opening/locking its triwulan, as Sheets requests.

A new workbook is laid out in ONE spreadsheets.batchUpdate (atomic): the three tabs with their
values (``updateCells``), time zone, frozen header, column widths, number format, data
validation (number >= 0 on the numeric columns, the ``Status Pengisian`` dropdown) and the
protections. Each tab has one whole-sheet protection whose only editor is the bot's account;
the open TW's editable ranges are that protection's ``unprotectedRanges`` (DESIGN.md section 3),
so opening, locking and reopening a TW is one batchUpdate moving those exceptions. The locale is
not part of it: it goes in a request of its own (:mod:`sheets.google.locale`), so a refused code
cannot undo the layout.

A master so large that the layout's JSON passes the request limit (2 MB, :mod:`sheets.google.chunks`)
is laid out in parts (:func:`layout_batches`): first everything but the ``Realisasi`` rows, with
every cell locked and the ``Realisasi`` protection marked :data:`UNFINISHED`; then the rows in
``updateCells`` requests that fit; last the protections moved to open the TW. A crash in between
leaves the mark, and the next distribution writes the rows again and finishes
(:attr:`BookLayout.complete`): nobody can type into a half-built workbook.

The protection of ``Realisasi`` also records the workflow state the bot put the sheet in
(``TW terbuka`` and ``disetujui`` in its description). People cannot edit a protection's
description, so after a restart the adapter reads it back with the data it polls.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets import layout
from sheets.google.chunks import json_size, row_batches
from sheets.google.errors import WorkbookLayoutError
from sheets.google.spreadsheet import cell
from sheets.master import Indikator

__all__ = [
    "STATUS_ALUR_DIBUKA",
    "UNFINISHED",
    "BookLayout",
    "LayoutPlan",
    "layout_batches",
    "layout_requests",
    "parse_book_layout",
    "protection_requests",
    "realisasi_row_batches",
    "status_row_request",
]

SHEET_IDS: dict[str, int] = {layout.TAB_PETUNJUK: 0, layout.TAB_REALISASI: 1, layout.TAB_STATUS: 2}
PROTECTION_PREFIX = "Dikunci Kinerja Bot"
STATUS_ALUR_DIBUKA = "Dibuka untuk pengisian"
NUMBER_FORMAT = {"type": "NUMBER", "pattern": "#,##0.##"}
HEADER_FORMAT = {
    "textFormat": {"bold": True},
    "backgroundColor": {"red": 0.85, "green": 0.9, "blue": 0.97},
    "wrapStrategy": "WRAP",
    "verticalAlignment": "MIDDLE",
}
COLUMN_WIDTHS: dict[str, int] = {
    layout.COL_PROGRAM: 260,
    layout.COL_INDIKATOR: 300,
    layout.COL_KENDALA: 240,
    layout.COL_BUKTI: 220,
    layout.COL_CATATAN_VALIDASI: 340,
}
_TW_OPEN = re.compile(r"TW terbuka: (TW [IV]+|-)")
_APPROVED = re.compile(r"disetujui: ([^;]*)")
UNFINISHED = "penyusunan belum selesai"
"""Marks the ``Realisasi`` protection of a workbook laid out in parts until its last part."""


def _col(label: str) -> int:
    return layout.REALISASI_HEADER.index(label)


def describe(tab: str, open_tw: int | None = None, approved: Collection[int] = (), *, unfinished: bool = False) -> str:
    """The description of a tab's protection, carrying the state for ``Realisasi``."""
    text = f"{PROTECTION_PREFIX} ({tab})"
    if tab == layout.TAB_REALISASI:
        opened = layout.tw_label(open_tw) if open_tw else "-"
        done = ", ".join(layout.tw_label(tw) for tw in sorted(approved)) or "-"
        text += f"; TW terbuka: {opened}; disetujui: {done}"
        if unfinished:
            text += f"; {UNFINISHED}"
    return text


@dataclass
class BookLayout:
    """What the edge knows of a laid-out bidang workbook: ids, size, and its recorded state."""

    rows: int
    """Number of indicator rows on ``Realisasi`` (data rows 2..rows+1)."""
    protections: dict[str, int] = field(default_factory=dict)
    open_tw: int | None = None
    approved: frozenset[int] = frozenset()
    complete: bool = True
    """False while a layout sent in parts has not had its last part (:data:`UNFINISHED`)."""
    locale: str | None = None
    """The spreadsheet's locale as read back (None when not read)."""


def _grid(tab: str, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {
        "sheetId": SHEET_IDS[tab],
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def editable_grid_ranges(tw: int | None, rows: int) -> tuple[list[dict[str, int]], list[dict[str, int]]]:
    """(Realisasi ranges, Status ranges) open to the editors while TW ``tw`` is open."""
    if tw is None:
        return [], []
    realisasi = [_grid(layout.TAB_REALISASI, 1, rows + 1, _col(c), _col(c) + 1) for c in layout.editable_columns(tw)]
    status_col = layout.STATUS_HEADER.index("Status Pengisian")
    status_r = layout.status_row(tw) - 1
    return realisasi, [_grid(layout.TAB_STATUS, status_r, status_r + 1, status_col, status_col + 1)]


def _rows(grid: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    return [{"values": [cell(v) for v in row]} for row in grid]


def _protection(
    tab: str, editors: Sequence[str], unprotected: list[dict[str, int]], description: str
) -> dict[str, Any]:
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": {"sheetId": SHEET_IDS[tab]},
                "description": description,
                "warningOnly": False,
                "editors": {"users": list(editors)},
                "unprotectedRanges": unprotected,
            }
        }
    }


def layout_requests(
    tahun: int,
    nama_bidang: str,
    items: Sequence[Indikator],
    *,
    open_tw: int | None,
    bot_email: str | None,
    time_zone: str,
    status_when: str,
    unfinished: bool = False,
    korektor: str = layout.KOREKTOR,
) -> list[dict[str, Any]]:
    """Every request that turns a new, empty spreadsheet into the bidang workbook (one batch).

    ``unfinished``: every cell stays locked and the ``Realisasi`` protection carries
    :data:`UNFINISHED` (the first part of a layout sent in parts, :func:`layout_batches`).
    ``korektor`` is who the Petunjuk says corrects the report.
    """
    petunjuk = layout.petunjuk_rows(tahun, nama_bidang, korektor)
    realisasi = layout.initial_realisasi_grid(items)
    status = layout.initial_status_grid()
    if open_tw is not None:
        row = status[layout.status_row(open_tw) - 1]
        row[2], row[4] = STATUS_ALUR_DIBUKA, status_when
    rows = len(items)
    width = len(layout.REALISASI_HEADER)
    editors = [bot_email] if bot_email else []
    open_realisasi, open_status = editable_grid_ranges(None if unfinished else open_tw, rows)
    status_pengisian = layout.STATUS_HEADER.index("Status Pengisian")
    requests: list[dict[str, Any]] = [
        {
            "updateSpreadsheetProperties": {
                "properties": {"timeZone": time_zone},
                "fields": "timeZone",
            }
        },
        {
            "updateSheetProperties": {
                "properties": {
                    "sheetId": 0,
                    "title": layout.TAB_PETUNJUK,
                    "index": 0,
                    "gridProperties": {"rowCount": len(petunjuk), "columnCount": 1},
                },
                "fields": "title,index,gridProperties(rowCount,columnCount)",
            }
        },
        {
            "addSheet": {
                "properties": {
                    "sheetId": SHEET_IDS[layout.TAB_REALISASI],
                    "title": layout.TAB_REALISASI,
                    "index": 1,
                    "gridProperties": {
                        "rowCount": rows + 1,
                        "columnCount": width,
                        "frozenRowCount": 1,
                        "frozenColumnCount": 4,
                    },
                }
            }
        },
        {
            "addSheet": {
                "properties": {
                    "sheetId": SHEET_IDS[layout.TAB_STATUS],
                    "title": layout.TAB_STATUS,
                    "index": 2,
                    "gridProperties": {
                        "rowCount": len(status),
                        "columnCount": len(layout.STATUS_HEADER),
                        "frozenRowCount": 1,
                    },
                }
            }
        },
        {
            "updateCells": {
                "rows": _rows(petunjuk),
                "fields": "userEnteredValue",
                "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
            }
        },
        {
            "updateCells": {
                "rows": _rows(realisasi),
                "fields": "userEnteredValue",
                "start": {"sheetId": SHEET_IDS[layout.TAB_REALISASI], "rowIndex": 0, "columnIndex": 0},
            }
        },
        {
            "updateCells": {
                "rows": _rows(status),
                "fields": "userEnteredValue",
                "start": {"sheetId": SHEET_IDS[layout.TAB_STATUS], "rowIndex": 0, "columnIndex": 0},
            }
        },
        {
            "repeatCell": {
                "range": _grid(layout.TAB_PETUNJUK, 0, 1, 0, 1),
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True, "fontSize": 14}}},
                "fields": "userEnteredFormat.textFormat",
            }
        },
        {
            "repeatCell": {
                "range": _grid(layout.TAB_PETUNJUK, 1, len(petunjuk), 0, 1),
                "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
                "fields": "userEnteredFormat.wrapStrategy",
            }
        },
        {
            "updateDimensionProperties": {
                "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                "properties": {"pixelSize": 900},
                "fields": "pixelSize",
            }
        },
    ]
    for tab, count in ((layout.TAB_REALISASI, width), (layout.TAB_STATUS, len(layout.STATUS_HEADER))):
        requests.append(
            {
                "repeatCell": {
                    "range": _grid(tab, 0, 1, 0, count),
                    "cell": {"userEnteredFormat": HEADER_FORMAT},
                    "fields": "userEnteredFormat(textFormat,backgroundColor,wrapStrategy,verticalAlignment)",
                }
            }
        )
    first_number = _col(layout.NUMERIC_COLUMNS[0])
    last_number = max(_col(c) for c in layout.NUMERIC_COLUMNS) + 1
    if rows:
        requests += [
            {
                "repeatCell": {
                    "range": _grid(layout.TAB_REALISASI, 1, rows + 1, first_number, last_number),
                    "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMAT}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            },
            {
                "setDataValidation": {
                    "range": _grid(layout.TAB_REALISASI, 1, rows + 1, first_number, last_number),
                    "rule": {
                        "condition": {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]},
                        "inputMessage": "Isi angka 0 atau lebih, tanpa satuan (contoh 1.250 atau 87,5).",
                        "strict": False,
                    },
                }
            },
            {
                "repeatCell": {
                    "range": _grid(
                        layout.TAB_REALISASI,
                        1,
                        rows + 1,
                        _col(layout.COL_CATATAN_VALIDASI),
                        _col(layout.COL_CATATAN_VALIDASI) + 1,
                    ),
                    "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
                    "fields": "userEnteredFormat.wrapStrategy",
                }
            },
        ]
    for label, pixels in COLUMN_WIDTHS.items():
        c = _col(label)
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {
                        "sheetId": SHEET_IDS[layout.TAB_REALISASI],
                        "dimension": "COLUMNS",
                        "startIndex": c,
                        "endIndex": c + 1,
                    },
                    "properties": {"pixelSize": pixels},
                    "fields": "pixelSize",
                }
            }
        )
    requests += [
        {
            "setDataValidation": {
                "range": _grid(layout.TAB_STATUS, 1, len(status), status_pengisian, status_pengisian + 1),
                "rule": {
                    "condition": {
                        "type": "ONE_OF_LIST",
                        "values": [{"userEnteredValue": v} for v in layout.STATUS_PENGISIAN_OPTIONS],
                    },
                    "inputMessage": 'Pilih "Siap Dikoreksi" bila isian triwulan ini sudah lengkap.',
                    "strict": True,
                    "showCustomUi": True,
                },
            }
        },
        _protection(layout.TAB_PETUNJUK, editors, [], describe(layout.TAB_PETUNJUK)),
        _protection(
            layout.TAB_REALISASI,
            editors,
            open_realisasi,
            describe(layout.TAB_REALISASI, None if unfinished else open_tw, unfinished=unfinished),
        ),
        _protection(layout.TAB_STATUS, editors, open_status, describe(layout.TAB_STATUS)),
    ]
    return requests


@dataclass(frozen=True)
class LayoutPlan:
    """How a new workbook is laid out: one batch, or a first batch, the rows, and the opening."""

    first: list[dict[str, Any]]
    """The layout batch (the whole layout when :attr:`rows` is empty)."""
    rows: list[list[dict[str, Any]]] = field(default_factory=list)
    """Batches of ``updateCells`` writing the ``Realisasi`` rows, each within the request limit."""

    @property
    def in_parts(self) -> bool:
        """Whether the layout is sent in parts (and must be finished by moving the protections)."""
        return bool(self.rows)


def _realisasi_cells(requests: list[dict[str, Any]]) -> int:
    """The index of the ``updateCells`` request writing the ``Realisasi`` tab."""
    sheet_id = SHEET_IDS[layout.TAB_REALISASI]
    return next(
        i
        for i, request in enumerate(requests)
        if request.get("updateCells", {}).get("start", {}).get("sheetId") == sheet_id
    )


def realisasi_row_batches(items: Sequence[Indikator], limit: int) -> list[list[dict[str, Any]]]:
    """The ``Realisasi`` data rows (below the header) as batches of ``updateCells``, each within ``limit``."""
    rows = _rows(layout.initial_realisasi_grid(items))[1:]
    shell = {
        "requests": [
            {
                "updateCells": {
                    "rows": [],
                    "fields": "userEnteredValue",
                    "start": {"sheetId": SHEET_IDS[layout.TAB_REALISASI], "rowIndex": 10**7, "columnIndex": 0},
                }
            }
        ]
    }
    batches: list[list[dict[str, Any]]] = []
    first = 1
    for group in row_batches(rows, limit, json_size(shell)):
        start = {"sheetId": SHEET_IDS[layout.TAB_REALISASI], "rowIndex": first, "columnIndex": 0}
        batches.append([{"updateCells": {"rows": group, "fields": "userEnteredValue", "start": start}}])
        first += len(group)
    return batches


def layout_batches(
    tahun: int,
    nama_bidang: str,
    items: Sequence[Indikator],
    *,
    open_tw: int | None,
    bot_email: str | None,
    time_zone: str,
    status_when: str,
    limit: int,
    korektor: str = layout.KOREKTOR,
) -> LayoutPlan:
    """The layout as one batch when its JSON fits ``limit``, else in parts (see the module)."""
    whole = layout_requests(
        tahun,
        nama_bidang,
        items,
        open_tw=open_tw,
        bot_email=bot_email,
        time_zone=time_zone,
        status_when=status_when,
        korektor=korektor,
    )
    if json_size({"requests": whole}) <= limit:
        return LayoutPlan(whole)
    first = layout_requests(
        tahun,
        nama_bidang,
        items,
        open_tw=open_tw,
        bot_email=bot_email,
        time_zone=time_zone,
        status_when=status_when,
        unfinished=True,
        korektor=korektor,
    )
    index = _realisasi_cells(first)
    first[index]["updateCells"]["rows"] = first[index]["updateCells"]["rows"][:1]  # the header only
    return LayoutPlan(first, realisasi_row_batches(items, limit))


def protection_requests(book: BookLayout, open_tw: int | None, approved: Collection[int]) -> list[dict[str, Any]]:
    """Move the protections' exceptions so exactly TW ``open_tw`` is open (None: all locked)."""
    realisasi, status = editable_grid_ranges(open_tw, book.rows)
    try:
        realisasi_id = book.protections[layout.TAB_REALISASI]
        status_id = book.protections[layout.TAB_STATUS]
    except KeyError as err:
        raise WorkbookLayoutError(f"protection of tab {err} is missing") from err
    return [
        {
            "updateProtectedRange": {
                "protectedRange": {
                    "protectedRangeId": realisasi_id,
                    "unprotectedRanges": realisasi,
                    "description": describe(layout.TAB_REALISASI, open_tw, approved),
                },
                "fields": "unprotectedRanges,description",
            }
        },
        {
            "updateProtectedRange": {
                "protectedRange": {"protectedRangeId": status_id, "unprotectedRanges": status},
                "fields": "unprotectedRanges",
            }
        },
    ]


def status_row_request(tw: int, *, status_alur: str, catatan: str, when: str) -> dict[str, Any]:
    """Write TW ``tw``'s ``Status Alur``, ``Catatan`` and ``Diperbarui`` (never ``Status Pengisian``)."""
    return {
        "updateCells": {
            "rows": [{"values": [cell(status_alur), cell(catatan), cell(when)]}],
            "fields": "userEnteredValue",
            "start": {
                "sheetId": SHEET_IDS[layout.TAB_STATUS],
                "rowIndex": layout.status_row(tw) - 1,
                "columnIndex": layout.STATUS_HEADER.index("Status Alur"),
            },
        }
    }


def parse_state(description: str) -> tuple[int | None, frozenset[int]]:
    """(open TW, approved TWs) recorded in the ``Realisasi`` protection's description."""
    opened = _TW_OPEN.search(description or "")
    open_tw = layout.tw_from_label(opened.group(1)) if opened else None
    approved_match = _APPROVED.search(description or "")
    approved: set[int] = set()
    if approved_match:
        for part in approved_match.group(1).split(","):
            tw = layout.tw_from_label(part.strip())
            if tw is not None:
                approved.add(tw)
    return open_tw, frozenset(approved)


BOOK_FIELDS = (
    "properties(locale),"
    "sheets(properties(sheetId,title,gridProperties(rowCount)),protectedRanges(protectedRangeId,description))"
)


def parse_book_layout(body: Mapping[str, Any]) -> BookLayout | None:
    """The layout from a spreadsheets.get (:data:`BOOK_FIELDS`); None when not laid out yet.

    Layout is one atomic batch, so a workbook has all of it or none; a ``Realisasi`` tab without
    the bot's protections was tampered with and raises :class:`WorkbookLayoutError`.
    """
    sheets = body.get("sheets") or []
    titles = {s.get("properties", {}).get("title"): s for s in sheets}
    if layout.TAB_REALISASI not in titles or layout.TAB_STATUS not in titles:
        return None
    protections: dict[str, int] = {}
    open_tw, approved = None, frozenset[int]()
    complete = True
    for sheet in sheets:
        for pr in sheet.get("protectedRanges") or []:
            description = str(pr.get("description") or "")
            if not description.startswith(PROTECTION_PREFIX):
                continue
            for tab in layout.BIDANG_TABS:
                if description.startswith(f"{PROTECTION_PREFIX} ({tab})"):
                    protections[tab] = int(pr["protectedRangeId"])
                    if tab == layout.TAB_REALISASI:
                        open_tw, approved = parse_state(description)
                        complete = UNFINISHED not in description
    if len(protections) < len(layout.BIDANG_TABS):
        missing = sorted(set(layout.BIDANG_TABS) - set(protections))
        raise WorkbookLayoutError(f"workbook has no Kinerja Bot protection on {missing}")
    grid = titles[layout.TAB_REALISASI].get("properties", {}).get("gridProperties", {})
    rows = max(int(grid.get("rowCount", 1)) - 1, 0)
    locale = (body.get("properties") or {}).get("locale")
    return BookLayout(
        rows=rows,
        protections=protections,
        open_tw=open_tw,
        approved=approved,
        complete=complete,
        locale=str(locale) if locale else None,
    )
