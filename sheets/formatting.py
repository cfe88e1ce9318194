"""Numbers for people to read: Indonesian display (``1.234,57``, ``75,00%``, ``Rp1.500.000``).

The report domain keeps full precision everywhere; rounding happens only here, when a figure
becomes text in a Telegram message or a note.
"""

from __future__ import annotations

import math

__all__ = [
    "BULAN",
    "KOSONG",
    "ROMAWI",
    "STEMPEL_WAKTU",
    "ZONA_WAKTU",
    "format_angka",
    "format_persen",
    "format_rupiah",
]

KOSONG = "-"
"""What an empty figure (not reported, not computable) looks like in text."""


def _is_missing(x: float | None) -> bool:
    return x is None or math.isnan(float(x))


def format_angka(x: float | None, desimal: int = 2) -> str:
    """``1234.567`` -> ``"1.234,57"``: dots group thousands, comma marks decimals; empty -> ``"-"``."""
    if _is_missing(x):
        return KOSONG
    value = float(x)  # type: ignore[arg-type]  # x is not None here
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{abs(value):,.{max(desimal, 0)}f}"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    # "-0,00" reads as a mistake; a value that rounds to zero is shown as zero.
    negative = value < 0 and any(ch not in "0.," for ch in text)
    return f"-{text}" if negative else text


def format_persen(x: float | None, desimal: int = 2) -> str:
    """``75`` -> ``"75,00%"`` (the value is already in percent); empty -> ``"-"``."""
    if _is_missing(x):
        return KOSONG
    return f"{format_angka(x, desimal)}%"


def format_rupiah(x: float | None) -> str:
    """``1500000`` -> ``"Rp1.500.000"`` (whole rupiah, no space after Rp as EYD writes it); empty -> ``"-"``."""
    if _is_missing(x):
        return KOSONG
    return f"Rp{format_angka(x, 0)}"


# --- names of the calendar, as Indonesian texts write them (shared by the bot's texts and the report)

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
"""Month names, January first."""
ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV"}
"""TW number -> its Roman numeral (``TW II``)."""
ZONA_WAKTU = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
"""IANA zone -> the Indonesian abbreviation."""
STEMPEL_WAKTU = "%d-%m-%Y %H.%M"
"""strftime of the date and time the bot writes into a sheet cell: ``06-04-2026 08.00`` (EYD puts a
dot between hours and minutes)."""
