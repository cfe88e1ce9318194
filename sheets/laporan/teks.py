"""Words and formats of the Laporan Kinerja: Indonesian dates, durations, NIP, figures and labels.

Everything here returns plain strings; the document module lays them out. Dates read
``2 Desember 2026 pukul 14.05 WIB``; figures use the decimal comma (:mod:`sheets.formatting`).
The audit-trail labels (SOP step events, roles) are the report's own formal noun phrases; the
Telegram texts of ``bot/`` are not imported (the report domain does not depend on the bot).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sheets.formatting import BULAN, KOSONG, ROMAWI, ZONA_WAKTU, format_angka

__all__ = [
    "BULAN",
    "EVENT_LABELS",
    "KOSONG",
    "LEWATI_RIWAYAT",
    "ROLE_LABELS",
    "angka",
    "durasi",
    "event_label",
    "nip",
    "pelaksana",
    "periode_tw",
    "persen",
    "role_label",
    "romawi",
    "rupiah",
    "tanggal",
    "tanggal_waktu",
    "zona",
]

_TW_BULAN = {1: (1, 3, 31), 2: (4, 6, 30), 3: (7, 9, 30), 4: (10, 12, 31)}

EVENT_LABELS: dict[str, str] = {
    "mulai_periode": "Pembukaan periode dan permintaan persetujuan pembagian format",
    "setujui_distribusi": "Persetujuan pembagian format",
    "tunda_distribusi": "Penundaan pembagian format",
    "ajukan": "Pengajuan laporan bidang",
    "pengajuan_tidak_valid": "Pengajuan ditolak sistem: isian belum benar",
    "setujui": "Koreksi: laporan bidang disetujui",
    "kembalikan": "Koreksi: laporan bidang dikembalikan",
    "buka_kembali": "Pembukaan kembali laporan bidang",
    "semua_bidang_disetujui": "Penyusunan draf rekap dinas",
    "tambah_analisis": "Penambahan catatan analisis",
    "kirim_ke_sekretaris": "Penyampaian laporan kepada Sekretaris",
    "teruskan_ke_kepala_dinas": "Telaah Sekretaris: diteruskan kepada Kepala Dinas",
    "dikembalikan_sekretaris": "Telaah Sekretaris: dikembalikan untuk perbaikan",
    "disetujui_kepala_dinas": "Persetujuan laporan oleh Kepala Dinas",
    "dikembalikan_kepala_dinas": "Telaah Kepala Dinas: dikembalikan untuk perbaikan",
    "beri_rekomendasi": "Pemberian rekomendasi Kepala Dinas",
    "serahkan_ke_kasubbag": "Penyerahan laporan dan rekomendasi kepada Kasubbag KPEP",
    "serahkan_ke_bidang": "Penerusan rekomendasi kepada bidang",
    "buka_kembali_bidang": "Pembukaan kembali laporan satu bidang",
    "catat_tindak_lanjut": "Pencatatan tindak lanjut",
    "tutup": "Penutupan dan pengarsipan periode",
    "data_disetujui_berubah": "Perubahan data yang telah disetujui terdeteksi",
    "unggah_bukti_dukung": "Pengiriman bukti dukung melalui Telegram",
    "perubahan_target": "Perubahan target (APBD Perubahan) mulai berlaku",
}
"""Audit event -> what the Riwayat calls it (a formal noun phrase)."""

LEWATI_RIWAYAT = frozenset({"nilai_berubah"})
"""Events noticed in passing by the poll, not steps of the SOP: left out of the Riwayat."""

ROLE_LABELS: dict[str, str] = {
    "kepala_dinas": "Kepala Dinas",
    "sekretaris": "Sekretaris",
    "kasubbag_kpep": "Kasubbag KPEP",
    "kepala_bidang": "Kepala Bidang",
    "staf": "Staf pengisi laporan",
    "system": "Sistem (Kinerja Bot)",
}


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


def event_label(event: str) -> str:
    """The Riwayat's name for an audit event (the raw name when it has none)."""
    return EVENT_LABELS.get(event, event.replace("_", " ").capitalize())


def role_label(role: str) -> str:
    """The role as a reader knows it."""
    return ROLE_LABELS.get(role, role)


def pelaksana(actor_nama: str, actor_role: str, atas_nama: str | None) -> str:
    """Who did a step: ``Budi (Kepala Bidang)``; a Plh: ``Plh. Kepala Bidang: Budi (atas nama Siti)``."""
    if atas_nama:
        return f"Plh. {role_label(actor_role)}: {actor_nama} (atas nama {atas_nama})"
    return f"{actor_nama} ({role_label(actor_role)})"
