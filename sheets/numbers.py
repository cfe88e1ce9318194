"""Numbers as a bidang sheet holds them: typed values from the Sheets API, or text typed the Indonesian way.

Google Sheets returns a cell read with ``UNFORMATTED_VALUE`` as a number when the cell holds a
number, and as text when a person typed something the spreadsheet's locale did not take for a
number (``1.234,5`` in an ``en_US`` sheet, ``Rp 1.500.000``, ``'75``). :func:`parse_angka` reads
both. In Indonesian writing ``.`` groups thousands and ``,`` is the decimal mark; a lone ``.``
followed by one or two digits at the end is a decimal point as well (``1.5``), while ``.`` followed
by three digits groups thousands (``1.500`` is 1500). Anything else is refused loudly, never read
as a silent zero.

This module also holds :class:`DomainError`, the base of every error the report domain raises.
"""

from __future__ import annotations

import math
import numbers
import re
from decimal import Decimal
from typing import Any

__all__ = ["AngkaTidakSah", "DomainError", "parse_angka", "tampilan_nilai"]


class DomainError(Exception):
    """Base class of the errors raised by the report domain (``sheets`` without I/O)."""


class AngkaTidakSah(DomainError, ValueError):
    """A value that should be a number is not one; the message quotes the value in Indonesian."""

    def __init__(self, value: Any, reason: str | None = None) -> None:
        self.value = value
        self.reason = reason
        message = f'"{tampilan_nilai(value)}" bukan angka'
        if reason:
            message = f"{message} ({reason})"
        super().__init__(message)


# Characters people put between digits or around a number that carry no meaning.
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# "Rp", "Rp.", "IDR" in front of an amount.
_CURRENCY = re.compile(r"^(?:rp\.?|idr)", re.IGNORECASE)
# The accountant's ",-" / ",00-" tail of a rupiah amount ("Rp 1.500.000,-").
_RUPIAH_TAIL = re.compile(r",-+$|\.-+$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_PLAIN_INT = re.compile(r"^\d+$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$")
_DIGITS = re.compile(r"^\d*$")


def tampilan_nilai(value: Any) -> str:
    """How a raw cell value is shown back to a person (``TRUE`` for a checkbox, as Sheets shows it)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value is None:
        return ""
    return str(value)


def _parse_text(original: str) -> float | None:
    text = _SPACES.sub("", original)
    if text.startswith("'"):
        text = _SPACES.sub("", text[1:])
    if not text:
        return None
    # The sign may stand before or after the currency: "-Rp 500" and "Rp -500".
    sign = 1.0
    text = _CURRENCY.sub("", text)
    if text[:1] in ("-", "\u2212"):
        sign, text = -1.0, text[1:]
    elif text[:1] == "+":
        text = text[1:]
    text = _CURRENCY.sub("", text)
    if text.endswith("%"):
        text = text[:-1]
    text = _RUPIAH_TAIL.sub("", text)
    if not text or not any(ch.isdigit() for ch in text):
        raise AngkaTidakSah(original)

    if "," in text:
        whole, _, fraction = text.partition(",")
        if not _DIGITS.match(fraction) or not (whole == "" or _PLAIN_INT.match(whole) or _THOUSANDS.match(whole)):
            raise AngkaTidakSah(original)
        number = float(f"{whole.replace('.', '') or '0'}.{fraction or '0'}")
    elif _THOUSANDS.match(text):
        number = float(text.replace(".", ""))
    elif _PLAIN_INT.match(text) or _DOT_DECIMAL.match(text):
        number = float(text)
    else:
        raise AngkaTidakSah(original)
    return sign * number


def parse_angka(value: Any) -> float | None:
    """Read a cell value as a number; ``None`` when empty; :class:`AngkaTidakSah` when not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        # A checkbox (TRUE/FALSE) is not a quantity, even though bool is an int subclass.
        raise AngkaTidakSah(value)
    if isinstance(value, numbers.Real | Decimal):
        number = float(value)
        if math.isnan(number):
            # pandas and numpy mark an empty cell as NaN.
            return None
        if math.isinf(number):
            raise AngkaTidakSah(value, "tak hingga")
        return number
    if isinstance(value, str):
        parsed = _parse_text(value)
        if parsed is not None and math.isinf(parsed):
            raise AngkaTidakSah(value, "terlalu besar")
        return parsed
    raise AngkaTidakSah(value)
