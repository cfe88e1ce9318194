"""Where the bot's notes go in a bidang workbook as last read (pure: layout and validation only).

The ``Catatan Validasi`` column and the data rows are found as the validator found them, so that
feedback lands beside the right indicator even when someone inserted a title row or moved a
column, and never on a cell a person fills.
"""

from __future__ import annotations

from sheets import layout
from sheets.facts import FeedbackPlace, WorkbookRead
from sheets.master import Master
from sheets.validate import ValidationResult, validate_realisasi

__all__ = ["feedback_place", "place_of"]


def place_of(result: ValidationResult, read: WorkbookRead) -> FeedbackPlace:
    """The notes' place in ``read`` as the validation ``result`` found its header and columns."""
    if result.header_row is None:
        return FeedbackPlace(column=None, first_row=layout.FIRST_DATA_ROW, last_row=layout.HEADER_ROW)
    return FeedbackPlace(
        column=result.columns.get(layout.COL_CATATAN_VALIDASI),
        first_row=result.header_row + 1,
        last_row=len(read.realisasi),
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
