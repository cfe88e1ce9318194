"""A revision of the master list applied to one bidang workbook: one spreadsheets.batchUpdate.

:func:`sheets.revision.plan_revision` says which cells change; this module turns the plan into
the requests of one atomic batch: the changed cells (``updateCells`` per run of adjacent cells),
the added indicators' rows (``appendDimension`` then their cells, number format and data
validation like the rows the bot laid out), each dropped indicator's row greyed, struck through
and locked by a protection of its own (inside the open TW's editable columns a nested protection
still refuses the editors), and the open TW's editable ranges moved to cover the new rows.

The dropped rows' protections carry :data:`DROPPED_PREFIX` in their description, so a later run
finds them (a row revived by a later revision loses its lock) and never adds a second one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sheets import layout
from sheets.google.distribute import NUMBER_FORMAT, SHEET_IDS, BookLayout, protection_requests
from sheets.google.spreadsheet import cell
from sheets.revision import RevisionPlan

__all__ = ["DROPPED_PREFIX", "REVISION_FIELDS", "dropped_protections", "realisasi_row_count", "revision_requests"]

DROPPED_PREFIX = "Kinerja Bot: indikator dihapus"
REVISION_FIELDS = (
    "sheets(properties(sheetId,title,gridProperties(rowCount)),protectedRanges(protectedRangeId,description,range))"
)
GREY = {"red": 0.5, "green": 0.5, "blue": 0.5}
BLACK = {"red": 0.0, "green": 0.0, "blue": 0.0}
SHEET = SHEET_IDS[layout.TAB_REALISASI]


def realisasi_row_count(body: Mapping[str, Any]) -> int:
    """The ``Realisasi`` tab's row count in a spreadsheets.get with :data:`REVISION_FIELDS`."""
    for sheet in body.get("sheets") or []:
        properties = sheet.get("properties") or {}
        if properties.get("title") == layout.TAB_REALISASI:
            return int((properties.get("gridProperties") or {}).get("rowCount", 0))
    return 0


def dropped_protections(body: Mapping[str, Any]) -> dict[int, int]:
    """0-based row -> id of the protection locking a dropped indicator's row."""
    found: dict[int, int] = {}
    for sheet in body.get("sheets") or []:
        for pr in sheet.get("protectedRanges") or []:
            if str(pr.get("description") or "").startswith(DROPPED_PREFIX):
                start = int((pr.get("range") or {}).get("startRowIndex", -1))
                if start >= 0:
                    found[start] = int(pr["protectedRangeId"])
    return found


def _grid(r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {"sheetId": SHEET, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


def _cell_runs(writes: Sequence[tuple[int, int, Any]]) -> list[dict[str, Any]]:
    """One ``updateCells`` per run of adjacent cells of a row."""
    by_row: dict[int, dict[int, Any]] = {}
    for r, c, value in writes:
        by_row.setdefault(r, {})[c] = value
    requests: list[dict[str, Any]] = []
    for r in sorted(by_row):
        cells = by_row[r]
        run: list[int] = []
        for c in sorted(cells):
            if run and c != run[-1] + 1:
                requests.append(_update_run(r, run, cells))
                run = []
            run.append(c)
        if run:
            requests.append(_update_run(r, run, cells))
    return requests


def _update_run(r: int, run: list[int], cells: Mapping[int, Any]) -> dict[str, Any]:
    return {
        "updateCells": {
            "rows": [{"values": [cell(cells[c]) for c in run]}],
            "fields": "userEnteredValue",
            "start": {"sheetId": SHEET, "rowIndex": r, "columnIndex": run[0]},
        }
    }


def _strike(r: int, width: int, on: bool) -> dict[str, Any]:
    return {
        "repeatCell": {
            "range": _grid(r, r + 1, 0, width),
            "cell": {
                "userEnteredFormat": {"textFormat": {"strikethrough": on, "foregroundColor": GREY if on else BLACK}}
            },
            "fields": "userEnteredFormat.textFormat(strikethrough,foregroundColor)",
        }
    }


def revision_requests(
    plan: RevisionPlan,
    *,
    row_count: int,
    book: BookLayout,
    locks: Mapping[int, int],
    bot_email: str | None,
    label: str,
) -> tuple[list[dict[str, Any]], int]:
    """The batch applying ``plan`` to a tab of ``row_count`` rows; and the row count after it."""
    requests = _cell_runs(plan.writes)
    added = len(plan.appended)
    if added:
        first = row_count
        requests += [
            {"appendDimension": {"sheetId": SHEET, "dimension": "ROWS", "length": added}},
            {
                "updateCells": {
                    "rows": [{"values": [cell(v) for v in row]} for row in plan.appended],
                    "fields": "userEnteredValue",
                    "start": {"sheetId": SHEET, "rowIndex": first, "columnIndex": 0},
                }
            },
        ]
        numeric = [layout.REALISASI_HEADER.index(c) for c in layout.NUMERIC_COLUMNS]
        c0, c1 = min(numeric), max(numeric) + 1
        requests += [
            {
                "repeatCell": {
                    "range": _grid(first, first + added, c0, c1),
                    "cell": {"userEnteredFormat": {"numberFormat": NUMBER_FORMAT}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            },
            {
                "setDataValidation": {
                    "range": _grid(first, first + added, c0, c1),
                    "rule": {
                        "condition": {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]},
                        "inputMessage": "Isi angka 0 atau lebih, tanpa satuan (contoh 1.250 atau 87,5).",
                        "strict": False,
                    },
                }
            },
        ]
    editors = [bot_email] if bot_email else []
    for r in plan.dropped:
        requests.append(_strike(r, plan.width, True))
        if r not in locks:
            requests.append(
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": _grid(r, r + 1, 0, plan.width),
                            "description": f"{DROPPED_PREFIX} ({label})",
                            "warningOnly": False,
                            "editors": {"users": editors},
                        }
                    }
                }
            )
    for r in plan.revived:
        requests.append(_strike(r, plan.width, False))
        if r in locks:
            requests.append({"deleteProtectedRange": {"protectedRangeId": locks[r]}})
    rows_after = row_count + added
    if added and book.open_tw is not None:
        # The open TW's editable columns reach the new rows (the layout counts rows below the header).
        grown = BookLayout(rows_after - 1, dict(book.protections), book.open_tw, book.approved)
        requests += protection_requests(grown, book.open_tw, book.approved)
    return requests, rows_after
