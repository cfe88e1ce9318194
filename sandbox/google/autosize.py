"""``autoResizeDimensions``: column widths and row heights measured from the cells' content.

Sheets fits a column to its widest shown value and a row to its tallest cell (lines of text,
font size, wrapping). The sandbox measures text with a per-character width table of Arial, the
default font (narrow, normal and wide glyphs at 10 pt, scaled by the font size, bold a little
wider), which is close enough for a test to see that long text widens a column, short text
narrows it, and a multi-line cell heightens its row. Empty columns and rows keep their size.
"""

from __future__ import annotations

import math
from typing import Any

from sandbox.google.model import Sheet, Spreadsheet
from sandbox.google.sheets_core import Reader

__all__ = ["column_width", "row_height", "text_width"]

NARROW = set("iljtfrI.,:;'|!()[] ")
WIDE = set("mwMW@%")
CELL_PADDING = 7  # 3 px either side and the grid line
LINE_PADDING = 4
MIN_COLUMN = 14
DEFAULT_ROW = 21
DEFAULT_FONT_SIZE = 10


def _font(cell_format: dict[str, Any] | None) -> tuple[float, bool]:
    text = (cell_format or {}).get("textFormat") or {}
    return float(text.get("fontSize") or DEFAULT_FONT_SIZE), bool(text.get("bold"))


def text_width(text: str, size: float = DEFAULT_FONT_SIZE, bold: bool = False) -> float:
    """Pixels one line of ``text`` takes in Arial at ``size`` points."""
    width = 0.0
    for ch in text:
        if ch in NARROW:
            width += 3.5
        elif ch in WIDE:
            width += 10.0
        elif ch.isupper():
            width += 8.0
        else:
            width += 6.5
    return width * (size / DEFAULT_FONT_SIZE) * (1.1 if bold else 1.0)


def _shown(reader: Reader, sheet: Sheet, r: int, c: int) -> str | None:
    text = reader.formatted(sheet, r, c)
    return text if text else None


def column_width(spreadsheet: Spreadsheet, sheet: Sheet, c: int) -> int | None:
    """The width that fits column ``c``'s widest shown line; None when the column is empty."""
    reader = Reader(spreadsheet)
    widest: float | None = None
    for r in range(len(sheet.grid)):
        text = _shown(reader, sheet, r, c)
        if text is None:
            continue
        cell = sheet.cell(r, c)
        size, bold = _font(cell.fmt if cell is not None else None)
        line = max(text_width(part, size, bold) for part in text.split("\n"))
        widest = line if widest is None else max(widest, line)
    return None if widest is None else max(MIN_COLUMN, math.ceil(widest + CELL_PADDING))


def _column_pixels(sheet: Sheet, c: int) -> int:
    return int(sheet.col_meta.get(c, {}).get("pixelSize", 100))


def row_height(spreadsheet: Spreadsheet, sheet: Sheet, r: int) -> int | None:
    """The height that fits row ``r``'s tallest cell (its lines, wrapped ones too); None when empty."""
    if r >= len(sheet.grid):
        return None
    reader = Reader(spreadsheet)
    tallest: float | None = None
    for c in range(len(sheet.grid[r])):
        text = _shown(reader, sheet, r, c)
        if text is None:
            continue
        cell = sheet.cell(r, c)
        cell_format = cell.fmt if cell is not None else None
        size, bold = _font(cell_format)
        wraps = (cell_format or {}).get("wrapStrategy") == "WRAP"
        room = max(_column_pixels(sheet, c) - CELL_PADDING, 1)
        lines = 0
        for part in text.split("\n"):
            lines += max(1, math.ceil(text_width(part, size, bold) / room)) if wraps else 1
        height = lines * size * 1.7 + LINE_PADDING
        tallest = height if tallest is None else max(tallest, height)
    return None if tallest is None else max(DEFAULT_ROW, math.ceil(tallest))
