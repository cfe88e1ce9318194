"""Where the bot's notes go in a bidang workbook as last read, and which cells it marks (pure).

The ``Catatan Validasi`` column and the data rows are found as the validator found them, so that
feedback lands beside the right indicator even when someone inserted a title row or moved a
column, and never on a cell a person fills.

Besides the ``Catatan Validasi`` text, a feedback marks the cells a problem names: a red
background and a cell note for an error, a yellow one for a warning (:func:`cell_marks`). Only
the open TW's input cells are marked (``Realisasi``/``Realisasi Anggaran`` of that TW,
``Kendala/Keterangan``, ``Bukti Dukung``), never a cell the staff cannot fill. Every note the bot
writes starts with :data:`MARK_TITLE`, so a read of the sheet tells the bot's marks from a
person's own notes (:func:`is_bot_mark`), wherever rows moved since: the bot unmarks only
those cells (:attr:`FeedbackPlace.marked`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from sheets import layout
from sheets.facts import CellMark, FeedbackPlace, ProblemInfo, Severity, WorkbookRead
from sheets.master import Master
from sheets.problems import Severity as ProblemSeverity
from sheets.validate import ValidationResult, validate_realisasi

__all__ = ["MARK_TITLE", "cell_marks", "feedback_place", "is_bot_mark", "marked_after", "place_of"]

MARK_TITLE = "Catatan Kinerja Bot"
"""The first line of every cell note the bot writes (how its marks are told from a person's notes)."""


def is_bot_mark(note: str) -> bool:
    """Whether a cell note is one the bot wrote (it starts with :data:`MARK_TITLE`)."""
    return note.startswith(MARK_TITLE)


def _marked_cells(read: WorkbookRead) -> tuple[str, ...]:
    cells = sorted((r, c) for (r, c), note in read.notes.items() if is_bot_mark(note))
    return tuple(layout.a1(r + 1, c) for r, c in cells)


def place_of(result: ValidationResult, read: WorkbookRead) -> FeedbackPlace:
    """The notes' place in ``read`` as the validation ``result`` found its header and columns."""
    marked = _marked_cells(read)
    if result.header_row is None:
        return FeedbackPlace(column=None, first_row=layout.FIRST_DATA_ROW, last_row=layout.HEADER_ROW, marked=marked)
    return FeedbackPlace(
        column=result.columns.get(layout.COL_CATATAN_VALIDASI),
        first_row=result.header_row + 1,
        last_row=len(read.realisasi),
        marked=marked,
    )


def feedback_place(kode: str, read: WorkbookRead, master: Master) -> FeedbackPlace:
    """Where the notes go in this read of bidang ``kode``'s workbook (:class:`FeedbackPlace`)."""
    result = validate_realisasi(
        read.realisasi,
        master,
        bidang=kode,
        tw=read.open_tw or 1,
        submission=False,
        percent_cells=read.percent_cells,
        date_cells=read.date_cells,
    )
    return place_of(result, read)


def _severity_label(severity: Severity) -> str:
    return ProblemSeverity(severity).label


def cell_marks(problems: Sequence[ProblemInfo], place: FeedbackPlace, tw: int) -> tuple[CellMark, ...]:
    """The cells a feedback marks: the open TW's input cells the problems name, in the data rows.

    One mark per cell: red when any of its problems is an error, else yellow; its note is
    :data:`MARK_TITLE` then one line per problem (``Kesalahan: ...``). Row by row, left to right.
    """
    inputs = set(layout.editable_columns(tw))
    by_cell: dict[str, list[ProblemInfo]] = {}
    for problem in problems:
        if problem.column in inputs and place.first_row <= problem.row <= place.last_row:
            by_cell.setdefault(problem.cell, []).append(problem)
    marks = []
    for cell in sorted(by_cell, key=layout.parse_a1):
        found = by_cell[cell]
        severity: Severity = "error" if any(p.severity == "error" for p in found) else "warning"
        lines = [f"{_severity_label(p.severity)}: {p.message}" for p in found]
        marks.append(CellMark(cell, severity, "\n".join([MARK_TITLE, *lines])))
    return tuple(marks)


def marked_after(place: FeedbackPlace, marks: Iterable[CellMark]) -> FeedbackPlace:
    """``place`` as a feedback writing ``marks`` leaves it: those cells marked, no others."""
    return dataclasses.replace(place, marked=tuple(mark.cell for mark in marks))
