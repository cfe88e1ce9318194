"""Feedback into a bidang workbook: per-row ``Catatan Validasi`` and the ``Status`` row, one call.

Only cells the bot owns are written: the ``Catatan Validasi`` column (every data row, so notes
of fixed rows are cleared), and ``Status Alur``/``Catatan``/``Diperbarui`` of the TW. The one
person-editable cell the bot ever writes is ``Status Pengisian``, set back to ``Draft`` when a
report is returned (:func:`reset_submission_data`).

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
from sheets.facts import Feedback, FeedbackPlace, ProblemInfo
from sheets.google.chunks import blocks_of
from sheets.google.distribute import SHEET_IDS
from sheets.google.spreadsheet import cell

__all__ = [
    "as_cell_requests",
    "catatan_validasi_texts",
    "feedback_batch",
    "feedback_data",
    "reset_submission_data",
    "status_catatan",
]

SEVERITY_LABEL = {"error": "Galat", "warning": "Peringatan"}


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


def feedback_data(
    tw: int, problems: Sequence[ProblemInfo], status_alur: str, catatan: str, place: FeedbackPlace, when: str
) -> list[dict[str, Any]]:
    """The values.batchUpdate data: the whole ``Catatan Validasi`` column and the TW's Status cells."""
    texts, _ = catatan_validasi_texts(problems, place)
    catatan = status_catatan(problems, catatan, place)
    data: list[dict[str, Any]] = []
    if texts and place.column is not None:
        letter = layout.column_letter(place.column)
        data.append(
            {
                "range": f"{layout.quote_tab(layout.TAB_REALISASI)}!{letter}{place.first_row}:{letter}{place.last_row}",
                "majorDimension": "ROWS",
                "values": [[text] for text in texts],
            }
        )
    row = layout.status_row(tw)
    data.append(
        {
            "range": f"{layout.quote_tab(layout.TAB_STATUS)}!C{row}:E{row}",
            "majorDimension": "ROWS",
            "values": [[status_alur, catatan, when]],
        }
    )
    return data


def reset_submission_data(tw: int, reason: str, when: str) -> list[dict[str, Any]]:
    """The values.batchUpdate data: ``Status Pengisian`` back to Draft, ``reason`` as Catatan."""
    row = layout.status_row(tw)
    tab = layout.quote_tab(layout.TAB_STATUS)
    return [
        {"range": f"{tab}!B{row}", "values": [[layout.STATUS_DRAFT]]},
        {"range": f"{tab}!D{row}:E{row}", "values": [[reason, when]]},
    ]


def feedback_batch(tw: int, feedback: Feedback, place: FeedbackPlace, when: str) -> list[dict[str, Any]]:
    """The one values.batchUpdate of a :class:`Feedback`: notes and Status row, and the reset if asked.

    Without a ``status_alur`` only the reset is written (a reopened TW keeps its Status Alur).
    """
    if feedback.status_alur is None:
        return reset_submission_data(tw, feedback.catatan, when) if feedback.reset_submission else []
    data = feedback_data(tw, feedback.problems, feedback.status_alur, feedback.catatan, place, when)
    if feedback.reset_submission:
        # The Catatan written above is the one the reset keeps: only Status Pengisian is added.
        row = layout.status_row(tw)
        data.append({"range": f"{layout.quote_tab(layout.TAB_STATUS)}!B{row}", "values": [[layout.STATUS_DRAFT]]})
    return data


def as_cell_requests(data: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The values.batchUpdate ``data`` of a feedback as ``updateCells`` requests of a spreadsheets.batchUpdate.

    So that moving the protections and writing the feedback is one request (and one atomic change):
    the same cells, the same texts as ``valueInputOption=RAW`` writes them (text stays text, an
    empty string empties the cell).
    """
    requests: list[dict[str, Any]] = []
    for block in blocks_of(data):
        requests.append(
            {
                "updateCells": {
                    "rows": [{"values": [cell(value) for value in row]} for row in block.rows],
                    "fields": "userEnteredValue",
                    "start": {
                        "sheetId": SHEET_IDS[block.tab],
                        "rowIndex": block.first_row - 1,
                        "columnIndex": block.first_column,
                    },
                }
            }
        )
    return requests
