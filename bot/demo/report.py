"""What a demo run produced and how it is printed: the timeline, the rekap, the riwayat (audit) CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import texts
from config.settings import Settings
from sheets.formatting import format_persen
from sheets.riwayat import kegiatan, pelaku

__all__ = [
    "RIWAYAT_HEADER",
    "DemoReport",
    "TimelineRow",
    "actor_label",
    "fmt_time",
    "format_summary",
    "format_timeline",
    "timeline_rows",
    "write_riwayat",
]

RIWAYAT_HEADER = (
    "No",
    "Waktu",
    "Langkah SOP",
    "Laporan",
    "Bidang",
    "Peristiwa",
    "Keterangan Peristiwa",
    "Dari Status",
    "Ke Status",
    "Peran Pelaksana",
    "Nama Pelaksana",
    "ID Telegram",
    "Durasi (detik)",
    "Mutu Baku (detik)",
    "Sesuai Mutu Baku",
    "Alasan",
    "Catatan",
)


@dataclass(frozen=True)
class TimelineRow:
    """One audit row as the timeline shows it."""

    langkah: int | None
    waktu: datetime
    pelaksana: str
    peristiwa: str
    bidang: str | None
    mutu_baku: str
    durasi: str
    status: str


@dataclass(frozen=True)
class DemoReport:
    """What a demo run produced."""

    out: Path
    files: Mapping[str, Path]
    seconds: float
    steps: int
    timeline: tuple[TimelineRow, ...]
    summary: Mapping[str, Any]
    tahun: int
    tw: int


def actor_label(role: str, nama: str, bidang: str | None) -> str:
    """Who acted, short: ``Kepala Bidang PTK (Agus Priyono, S.H.)``, ``Staf SEK (melalui Google Sheets)``."""
    return pelaku(role, nama, bidang)


def fmt_time(moment: datetime, tz: Any) -> str:
    local = moment.astimezone(tz)
    return f"{texts.HARI[local.weekday()][:3]} {local.day:02d}-{local.month:02d} {local.hour:02d}.{local.minute:02d}"


def write_riwayat(path: Path, audit: Sequence[Any], tz: Any) -> None:
    """The audit history (riwayat) as CSV, one row per audit row."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RIWAYAT_HEADER)
        for row in audit:
            writer.writerow(
                [
                    row.id,
                    row.at.astimezone(tz).isoformat(timespec="minutes"),
                    row.sop_step or "",
                    row.machine,
                    row.bidang or "",
                    row.event,
                    kegiatan(row.event),
                    row.from_state or "",
                    row.to_state or "",
                    texts.role_name(row.actor_role),
                    row.actor_nama,
                    row.telegram_user_id or "",
                    "" if row.duration_seconds is None else round(row.duration_seconds),
                    "" if row.mutu_baku_seconds is None else round(row.mutu_baku_seconds),
                    "" if row.within is None else ("ya" if row.within else "tidak"),
                    row.reason or "",
                    row.note or "",
                ]
            )


def timeline_rows(audit: Sequence[Any], settings: Settings) -> Iterator[TimelineRow]:
    """The audit rows the timeline shows (not the poll's notices of values changing)."""
    for row in audit:
        if row.event == "nilai_berubah":
            continue  # noticed in passing by the poll; not a step of the SOP
        pelaksana = actor_label(row.actor_role, row.actor_nama, row.bidang)
        mutu = str(settings.mutu_baku.for_step(row.sop_step)) if row.sop_step else "-"
        durasi = "-" if row.duration_seconds is None else texts.format_durasi(row.duration_seconds)
        status = "-" if row.within is None else ("sesuai" if row.within else "melewati")
        yield TimelineRow(
            row.sop_step,
            row.at,
            pelaksana,
            kegiatan(row.event),
            row.bidang,
            mutu,
            durasi,
            status,
        )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:{w}}}" for w in widths)
    out = [line.format(*header).rstrip(), line.format(*("-" * w for w in widths)).rstrip()]
    out += [line.format(*row).rstrip() for row in rows]
    return "\n".join(out)


def format_timeline(rows: Sequence[TimelineRow], tz: Any) -> str:
    """The timeline as a text table: SOP step, time, actor, event, Mutu Baku, actual duration, verdict."""
    body = []
    for row in rows:
        peristiwa = f"{row.peristiwa} ({row.bidang})" if row.bidang else row.peristiwa
        body.append(
            [
                str(row.langkah or "-"),
                fmt_time(row.waktu, tz),
                row.pelaksana,
                peristiwa,
                row.mutu_baku,
                row.durasi,
                row.status,
            ]
        )
    header = ["Langkah", "Waktu", "Pelaksana", "Peristiwa", "Mutu Baku", "Waktu pelaksanaan", "Status"]
    return _table(header, body)


def format_summary(summary: Mapping[str, Any], settings: Settings) -> str:
    """The rekap per bidang (capaian, predikat, serapan) and the dinas total, as a text table."""

    def row(label: str, figures: dict[str, Any]) -> list[str]:
        return [
            label,
            f"{figures.get('indikator_dinilai', '-')}/{figures.get('jumlah_indikator', '-')}",
            format_persen(figures.get("rata_rata_capaian")),
            str(figures.get("predikat") or "-"),
            format_persen(figures.get("serapan")),
        ]

    bidang = summary.get("bidang") or {}
    rows = [
        row(f"{bidang[kode].get('bidang') or kode} ({kode})", bidang[kode])
        for kode in (b.kode for b in settings.bidang)
        if bidang.get(kode)
    ]
    rows.append(row(f"{settings.dinas.nama} (total)", summary.get("dinas") or {}))
    return _table(["Bidang", "Indikator dinilai", "Rata-rata capaian", "Predikat", "Serapan anggaran"], rows)
