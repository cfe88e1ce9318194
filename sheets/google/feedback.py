"""Feedback into a bidang workbook: ``Catatan Validasi``, the marked cells and the ``Status`` row, one call.

One ``spreadsheets.batchUpdate`` of ``updateCells`` requests carries it all (values and formats
together, atomic; on a sheet so large that it passes 2 MB, the notes are cut by rows into
several, the Status row in the last): the ``Catatan Validasi`` column (every data row, so notes of fixed rows are
cleared), ``Status Alur``/``Catatan``/``Diperbarui`` of the TW, and the cell marks of
:func:`sheets.notes.cell_marks`: a red (error) or yellow (warning) background and a cell note on
each input cell a problem names. Marks of the earlier feedback that no problem names any more
are removed, and only those: the cells :attr:`FeedbackPlace.marked` lists, which carry the
bot's own note; a person's notes and colours elsewhere are never touched.

Only cells the bot owns get values: the ``Catatan Validasi`` column and the Status row. The one
person-editable cell the bot ever writes is ``Status Pengisian``: set back to ``Draft`` when a
report is returned (:func:`reset_requests`), to ``Siap Dikoreksi`` when it is approved (then it is
locked, and reads the same whether the staff submitted in the sheet or with ``/kirim``,
:func:`submitted_requests`); on an input cell it changes only the note and the background, never
what the person typed.

The column and the rows come from the last read of the sheet (:class:`~sheets.facts.FeedbackPlace`),
not from the layout the bot built: after an inserted title row or column the notes still land
beside their indicator, and a fixed position never overwrites a cell a person fills (such as
``Bukti Dukung``) nor runs past a grid someone shrank. Without a ``Catatan Validasi`` column the
notes go to the Status tab's ``Catatan``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets import layout
from sheets.facts import CellMark, Feedback, FeedbackPlace, ProblemInfo
from sheets.google.chunks import MAX_REQUEST_BYTES, json_size, row_batches
from sheets.google.distribute import SHEET_IDS, status_row_request
from sheets.google.spreadsheet import cell
from sheets.notes import cell_marks
from sheets.problems import Severity

__all__ = [
    "MARK_COLORS",
    "MARK_FIELDS",
    "catatan_validasi_texts",
    "feedback_requests",
    "mark_requests",
    "request_batches",
    "reset_requests",
    "status_catatan",
    "submitted_requests",
]

SEVERITY_LABEL = {str(severity): severity.label for severity in Severity}
# Google's light red 3 and light yellow 3 (#F4CCCC, #FFF2CC): the palette people know.
MARK_COLORS: dict[str, dict[str, float]] = {
    "error": {"red": 0.956863, "green": 0.8, "blue": 0.8},
    "warning": {"red": 1.0, "green": 0.94902, "blue": 0.8},
}
# Both names of the background (Google mirrors the deprecated one into the style), so a clear
# clears it whichever the cell was given; the value a person typed is outside the mask.
MARK_FIELDS = "note,userEnteredFormat(backgroundColor,backgroundColorStyle)"
BATCH_ENVELOPE = json_size({"requests": []})


def catatan_validasi_texts(problems: Sequence[ProblemInfo], place: FeedbackPlace) -> tuple[list[str], list[str]]:
    """(one text per data row of ``place``, lines of problems outside the data rows)."""
    rows = max(0, place.last_row - place.first_row + 1) if place.column is not None else 0
    notes: list[list[str]] = [[] for _ in range(rows)]
    elsewhere: list[str] = []
    for problem in problems:
        line = f"{SEVERITY_LABEL.get(problem.severity, problem.severity)}: {problem.message}"
        index = problem.row - place.first_row
        if 0 <= index < rows:
            notes[index].append(line)
        else:
            elsewhere.append(line)
    return ["\n".join(lines) for lines in notes], elsewhere


def status_catatan(problems: Sequence[ProblemInfo], catatan: str, place: FeedbackPlace) -> str:
    """The Status tab's Catatan: ``catatan`` and the problems no data row holds (header, columns)."""
    _, elsewhere = catatan_validasi_texts(problems, place)
    return "\n".join(line for line in (catatan, *elsewhere) if line)


def _cells(tab: str, row: int, col: int, rows: Sequence[Sequence[dict[str, Any]]], fields: str) -> dict[str, Any]:
    """updateCells over exactly the block ``rows`` covers from ``row`` (1-based), ``col`` (0-based)."""
    return {
        "updateCells": {
            "range": {
                "sheetId": SHEET_IDS[tab],
                "startRowIndex": row - 1,
                "endRowIndex": row - 1 + len(rows),
                "startColumnIndex": col,
                "endColumnIndex": col + max((len(r) for r in rows), default=1),
            },
            "rows": [{"values": list(r)} for r in rows],
            "fields": fields,
        }
    }


def mark_requests(marks: Sequence[CellMark], marked: Sequence[str]) -> list[dict[str, Any]]:
    """Unmark the cells of ``marked`` no mark names any more, then mark each of ``marks``."""
    now = {mark.cell for mark in marks}
    requests = []
    for a1 in marked:
        if a1 not in now:
            row, col = layout.parse_a1(a1)
            requests.append(_cells(layout.TAB_REALISASI, row, col, [[{}]], MARK_FIELDS))
    for mark in marks:
        row, col = layout.parse_a1(mark.cell)
        color = MARK_COLORS[mark.severity]
        data = {
            "note": mark.note,
            "userEnteredFormat": {"backgroundColor": color, "backgroundColorStyle": {"rgbColor": color}},
        }
        requests.append(_cells(layout.TAB_REALISASI, row, col, [[data]], MARK_FIELDS))
    return requests


def reset_requests(tw: int, reason: str | None, when: str) -> list[dict[str, Any]]:
    """``Status Pengisian`` back to Draft; with a ``reason``, it and the time as Catatan/Diperbarui."""
    row = layout.status_row(tw)
    column = layout.STATUS_HEADER.index("Status Pengisian")
    requests = [_cells(layout.TAB_STATUS, row, column, [[cell(layout.STATUS_DRAFT)]], "userEnteredValue")]
    if reason is not None:
        catatan = layout.STATUS_HEADER.index("Catatan")
        requests.append(_cells(layout.TAB_STATUS, row, catatan, [[cell(reason), cell(when)]], "userEnteredValue"))
    return requests


def submitted_requests(tw: int) -> list[dict[str, Any]]:
    """``Status Pengisian`` set to Siap Dikoreksi: an approved TW, however the staff submitted it."""
    row = layout.status_row(tw)
    column = layout.STATUS_HEADER.index("Status Pengisian")
    return [_cells(layout.TAB_STATUS, row, column, [[cell(layout.STATUS_SIAP_DIKOREKSI)]], "userEnteredValue")]


def _note_requests(texts: Sequence[str], place: FeedbackPlace, limit: int) -> list[dict[str, Any]]:
    """The ``Catatan Validasi`` column as updateCells requests, cut by rows so that each fits ``limit``."""
    assert place.column is not None
    rows = [[cell(text)] for text in texts]
    overhead = json_size(_cells(layout.TAB_REALISASI, place.first_row, place.column, [], "userEnteredValue"))
    requests, first = [], place.first_row
    for group in row_batches([{"values": row} for row in rows], limit - BATCH_ENVELOPE, overhead):
        block = [item["values"] for item in group]
        requests.append(_cells(layout.TAB_REALISASI, first, place.column, block, "userEnteredValue"))
        first += len(block)
    return requests


def feedback_requests(
    tw: int, feedback: Feedback, place: FeedbackPlace | None, when: str, limit: int = MAX_REQUEST_BYTES
) -> list[dict[str, Any]]:
    """The spreadsheets.batchUpdate requests of a :class:`Feedback`: notes, marks, Status row, the reset if asked.

    In this order, so that the Status row is written with (or after) the last notes when the
    requests do not fit one batch (:func:`request_batches`); the notes are cut by rows into
    requests within ``limit``. Without a ``status_alur`` only the reset is written (a reopened TW
    keeps its Status Alur and its marks) and ``place`` is not needed.
    """
    if feedback.status_alur is None:
        return reset_requests(tw, feedback.catatan, when) if feedback.reset_submission else []
    if place is None:
        raise ValueError("the notes' place is needed to write a Status Alur with its notes")
    texts, _ = catatan_validasi_texts(feedback.problems, place)
    requests: list[dict[str, Any]] = []
    if texts and place.column is not None:
        requests += _note_requests(texts, place, limit)
    catatan = status_catatan(feedback.problems, feedback.catatan, place)
    requests += mark_requests(cell_marks(feedback.problems, place, tw), place.marked)
    requests.append(status_row_request(tw, status_alur=feedback.status_alur, catatan=catatan, when=when))
    if feedback.reset_submission:
        # The Catatan written above is the one the reset keeps: only Status Pengisian is added.
        requests += reset_requests(tw, None, when)
    elif feedback.mark_submitted:
        requests += submitted_requests(tw)
    return requests


def request_batches(requests: Sequence[dict[str, Any]], limit: int = MAX_REQUEST_BYTES) -> list[list[dict[str, Any]]]:
    """``requests`` in order, packed into batchUpdate bodies of at most ``limit`` bytes (one, nearly always)."""
    batches = row_batches(list(requests), limit, BATCH_ENVELOPE)
    return [batch for batch in batches if batch]
