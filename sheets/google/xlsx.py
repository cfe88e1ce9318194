"""An xlsx of a workbook built here, from the values the bot wrote, when Drive will not export it.

Drive's ``files.export`` refuses content over 10 MB (403 ``exportSizeLimitExceeded``, "This file
is too large to be exported."). The dinas workbook of a large office passes that, so the archive
builds its xlsx copy with openpyxl from what one ``values.batchGet`` reads back of every tab: the
same rows and numbers, the header row bold and frozen, number formats and column widths as the
bot gave the tabs (charts and conditional colours are not carried over).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

__all__ = ["PIXELS_PER_WIDTH_UNIT", "TabFormat", "workbook_xlsx"]

PIXELS_PER_WIDTH_UNIT = 7
"""Excel measures a column in characters of its default font: about 7 pixels each."""
MAX_TITLE = 31  # Excel's limit on a worksheet's name


TabFormat = Mapping[int, tuple[str | None, int | None]]
"""Per 0-based column of a tab: (Excel number format or None, width in pixels or None)."""


def workbook_xlsx(tabs: Sequence[tuple[str, Sequence[Sequence[Any]]]], formats: Mapping[str, TabFormat]) -> bytes:
    """The xlsx bytes of ``tabs`` (title, rows), in order, each formatted as ``formats[title]`` says."""
    workbook = Workbook()
    default = workbook.active
    for title, rows in tabs:
        sheet = workbook.create_sheet(title=title[:MAX_TITLE])
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
        if rows:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
        for column, (number_format, pixels) in (formats.get(title) or {}).items():
            letter = get_column_letter(column + 1)
            if pixels:
                sheet.column_dimensions[letter].width = round(pixels / PIXELS_PER_WIDTH_UNIT, 1)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
                    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                        cell.number_format = number_format
    if default is not None and len(workbook.worksheets) > 1:
        workbook.remove(default)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
