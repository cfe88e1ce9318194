"""Reading the cells of a grid as ``values.batchGet`` returns it: empties, formula errors, text, links.

The grid is ragged (trailing empties dropped), numbers come as int/float, text as str and formula
errors as text such as ``#DIV/0!``. :class:`Grid` gives bounds-safe access and knows which cells
are percent- or date-formatted; :func:`find_header` finds the ``Realisasi`` header row by its
content, so title rows a person inserts above it do not confuse the reading.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any
from urllib.parse import urlsplit

from sheets import layout
from sheets.numbers import tampilan_nilai

__all__ = [
    "FORMULA_ERRORS",
    "HEADER_MIN_LABELS",
    "HEADER_SEARCH_ROWS",
    "Grid",
    "cell_text",
    "find_header",
    "formula_error",
    "is_empty",
    "is_link",
]

FORMULA_ERRORS: frozenset[str] = frozenset(
    {"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#ERROR!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
"""Error values a formula leaves in a cell, as the Sheets API returns them."""

# How many rows from the top are searched for the header (title rows a person may insert).
HEADER_SEARCH_ROWS = 50
# A row is the header when it holds at least this many of the layout's labels.
HEADER_MIN_LABELS = 4


def is_empty(value: Any) -> bool:
    """Whether a cell is empty: None or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def formula_error(value: Any) -> str | None:
    """The formula error a cell holds (``#DIV/0!``, ...), None when it holds none."""
    if isinstance(value, str) and value.strip().upper() in FORMULA_ERRORS:
        return value.strip().upper()
    return None


def cell_text(value: Any) -> str:
    """A cell as one line of text: as shown, whitespace collapsed, ``12.0`` as ``12``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A code typed as 12 comes back as 12.0 from some clients; it means "12".
        value = int(value)
    return " ".join(tampilan_nilai(value).split())


_LINK = re.compile(r"^https?://", re.IGNORECASE)


def is_link(text: str) -> bool:
    """Whether a text is one or more http(s) links with a real host name."""
    parts = [part for part in re.split(r"[\s,;]+", text) if part]
    if not parts:
        return False
    for part in parts:
        if not _LINK.match(part):
            return False
        host = urlsplit(part).hostname
        if not host or "." not in host:
            return False
    return True


class Grid:
    """The ragged grid with bounds-safe access and the percent- and date-formatted cells."""

    def __init__(
        self,
        rows: Sequence[Sequence[Any]] | None,
        percent_cells: Collection[tuple[int, int]],
        date_cells: Collection[tuple[int, int]] = (),
    ):
        self.rows: list[list[Any]] = [list(row) if row is not None else [] for row in (rows or [])]
        self.percent = {(int(r), int(c)) for r, c in percent_cells}
        self.dates = {(int(r), int(c)) for r, c in date_cells}

    def get(self, r: int, c: int | None) -> Any:
        """The cell at 0-based (r, c), None when out of the grid or no column."""
        if c is None or r >= len(self.rows) or c >= len(self.rows[r]):
            return None
        return self.rows[r][c]

    def number_as_meant(self, r: int, c: int, value: Any) -> Any:
        """The number the person meant: a percent-formatted cell's fraction times 100."""
        # A percent-formatted cell holds 0.75 where the person typed 75%; they meant 75.
        if (r, c) in self.percent and isinstance(value, int | float) and not isinstance(value, bool):
            return value * 100
        return value


def find_header(grid: Grid) -> int | None:
    """The 0-based row holding the most ``Realisasi`` labels (at least the minimum), None when none."""
    known = {layout.normal_label(label) for label in layout.REALISASI_HEADER}
    best, best_score = None, HEADER_MIN_LABELS - 1
    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        labels = {layout.normal_label(c) for c in grid.rows[r] if isinstance(c, str)}
        score = len(labels & known)
        if score > best_score:
            best, best_score = r, score
    return best
