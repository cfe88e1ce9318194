"""Words and formats of the Laporan Kinerja: Indonesian dates, durations, NIP, figures and labels.

Everything here returns plain strings; the document module lays them out. Dates read
``2 Desember 2026 pukul 14.05 WIB``; figures use the decimal comma (:mod:`sheets.formatting`).
The audit trail's labels (events, who acted) come from :mod:`sheets.riwayat`, shared with the
dinas workbook's Riwayat tab; the Telegram texts of ``bot/`` are not imported (the report domain
does not depend on the bot).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sheets.formatting import BULAN, KOSONG, ROMAWI, ZONA_WAKTU, format_angka

__all__ = [
    "BULAN",
    "KOSONG",
    "angka",
    "durasi",
    "nip",
    "periode_tw",
    "persen",
    "romawi",
    "rupiah",
    "tanggal",
    "tanggal_waktu",
    "zona",
]

_TW_BULAN = {1: (1, 3, 31), 2: (4, 6, 30), 3: (7, 9, 30), 4: (10, 12, 31)}


def romawi(tw: int) -> str:
    """``2`` -> ``"II"``."""
    return ROMAWI.get(tw, str(tw))


def zona(tz: ZoneInfo) -> str:
    """WIB / WITA / WIT for the Indonesian zones, else the zone's key."""
    return ZONA_WAKTU.get(tz.key, tz.key)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(tz)


def tanggal(moment: datetime | None, tz: ZoneInfo) -> str:
    """``2 Desember 2026`` (in the office's zone); None -> ``-``."""
    if moment is None:
        return KOSONG
    local = _local(moment, tz)
    return f"{local.day} {BULAN[local.month - 1]} {local.year}"


def tanggal_waktu(moment: datetime | None, tz: ZoneInfo) -> str:
    """``2 Desember 2026 pukul 14.05 WIB``; None -> ``-``."""
    if moment is None:
        return KOSONG
    local = _local(moment, tz)
    return f"{tanggal(local, tz)} pukul {local.hour:02d}.{local.minute:02d} {zona(tz)}"


def periode_tw(tw: int, tahun: int) -> str:
    """``1 Januari s.d. 31 Maret 2026``: the months a triwulan covers."""
    first, last, day = _TW_BULAN[tw]
    return f"1 {BULAN[first - 1]} s.d. {day} {BULAN[last - 1]} {tahun}"


def durasi(seconds: float | None) -> str:
    """``1 hari 2 jam``, ``1 jam 5 menit``, ``12 menit``, ``kurang dari 1 menit``; None -> ``-``."""
    if seconds is None or not math.isfinite(seconds):
        return KOSONG
    minutes = max(0, int(seconds // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins and not days:
        parts.append(f"{mins} menit")
    return " ".join(parts) if parts else "kurang dari 1 menit"


def nip(value: str | None) -> str:
    """An 18-digit NIP grouped as it is printed: ``19660516 198603 1 005``; other forms as given."""
    if not value:
        return ""
    digits = re.sub(r"\s", "", value)
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
    return value.strip()


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(float(value))


def angka(value: float | None) -> str:
    """A target or realisasi: whole numbers without decimals (``1.250``), others with two (``87,50``)."""
    if _missing(value):
        return KOSONG
    assert value is not None
    return format_angka(value, 0 if float(value).is_integer() else 2)


def persen(value: float | None) -> str:
    """A capaian or serapan in percent, two decimals, no sign (the column says %): ``95,12``."""
    if _missing(value):
        return KOSONG
    return format_angka(value, 2)


def rupiah(value: float | None) -> str:
    """Whole rupiah, no prefix (the column says Rp): ``1.500.000``."""
    if _missing(value):
        return KOSONG
    return format_angka(value, 0)
