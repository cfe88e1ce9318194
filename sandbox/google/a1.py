"""A1 notation: parsing ranges against a spreadsheet's sheets and formatting them back.

Google's rules reproduced here: a bare sheet title means the whole grid; open ends
(``A1:C``, ``A:A``, ``1:2``, ``A1:1``) run to the grid's edge; reversed corners are
normalised; titles are quoted when they are not plain identifiers or look like a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sandbox.google.errors import bad_request

if TYPE_CHECKING:
    from sandbox.google.model import Sheet, Spreadsheet

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?([0-9]{1,7})?$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]+[Cc][0-9]+|[Rr][0-9]*|[Cc][0-9]*)$")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


def quote_title(title: str) -> str:
    """The sheet title as Google writes it in a range."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class Bounds:
    """Zero-based half-open bounds of a range on one sheet (already clipped to the grid)."""

    sheet: Sheet
    r0: int
    r1: int
    c0: int
    c1: int

    @property
    def rows(self) -> int:
        """Number of rows."""
        return self.r1 - self.r0

    @property
    def cols(self) -> int:
        """Number of columns."""
        return self.c1 - self.c0

    def a1(self) -> str:
        """``Title!A1:B2`` (a single cell as ``Title!A1``)."""
        return format_range(self.sheet.title, self.r0, self.r1, self.c0, self.c1)


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """A range in Google's canonical A1 form."""
    start = f"{column_letter(c0)}{r0 + 1}"
    end = f"{column_letter(c1 - 1)}{r1}"
    cells = start if (r1 - r0 == 1 and c1 - c0 == 1) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"


def split_title(text: str) -> tuple[str | None, str | None]:
    """(title, cells) from ``'My sheet'!A1:B2``, ``Sheet1!A1``, ``Sheet1`` or ``A1:B2``."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(title), None
                if rest.startswith("!"):
                    return "".join(title), rest[1:]
                raise ValueError(text)
            title.append(ch)
            i += 1
        raise ValueError(text)
    if "!" in text:
        sheet_title, _, cells = text.rpartition("!")
        return sheet_title, cells
    return None, text


def _parse_ref(ref: str) -> tuple[int | None, int | None]:
    match = _CELL.match(ref)
    if not match or (match.group(1) is None and match.group(2) is None):
        raise ValueError(ref)
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise ValueError(ref)
    return row, col


def parse_range(spreadsheet: Spreadsheet, text: str, *, clip: bool = True) -> Bounds:
    """Resolve ``text`` on ``spreadsheet``; 400 ``Unable to parse range`` when it cannot."""
    try:
        title, cells = split_title(text.strip())
    except ValueError:
        raise bad_request(f"Unable to parse range: {text}") from None
    sheet: Sheet | None
    if title is None:
        assert cells is not None
        sheet = spreadsheet.sheet_by_title(cells)
        if sheet is not None:
            cells = None
        else:
            sheet = spreadsheet.sheets[0] if spreadsheet.sheets else None
    else:
        sheet = spreadsheet.sheet_by_title(title)
    if sheet is None:
        raise bad_request(f"Unable to parse range: {text}")
    max_r, max_c = sheet.row_count, sheet.column_count
    if not cells:
        return Bounds(sheet, 0, max_r, 0, max_c)
    try:
        first, _, second = cells.partition(":")
        ra, ca = _parse_ref(first)
        if second:
            rb, cb = _parse_ref(second)
        else:
            rb, cb = ra, ca
            if ra is None or ca is None:
                raise ValueError(cells)
    except ValueError:
        raise bad_request(f"Unable to parse range: {text}") from None
    rows = [r for r in (ra, rb) if r is not None]
    cols = [c for c in (ca, cb) if c is not None]
    r0 = min(rows) if rows and not (ra is None or rb is None) else (ra if ra is not None else 0)
    if ra is None:
        r0 = 0
    r1 = max(rows) + 1 if (ra is not None and rb is not None) else max_r
    c0 = min(cols) if (ca is not None and cb is not None) else (ca if ca is not None else 0)
    if ca is None:
        c0 = 0
    c1 = max(cols) + 1 if (ca is not None and cb is not None) else max_c
    if ra is not None and rb is not None:
        r0 = min(ra, rb)
    if ca is not None and cb is not None:
        c0 = min(ca, cb)
    bounds = Bounds(sheet, r0, r1, c0, c1)
    if clip and (r1 > max_r or c1 > max_c):
        raise bad_request(
            f"Range ({quote_title(sheet.title)}!{cells}) exceeds grid limits. Max rows: {max_r}, max columns: {max_c}"
        )
    return bounds
