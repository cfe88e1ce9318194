"""The figure tables of the Laporan Kinerja: the summary per bidang and one table of indicators per bidang.

Long tables are :class:`~reportlab.platypus.LongTable` (splitting stays linear in rows, the header
row repeated on every page a table spans); only cells that wrap are Paragraphs, the figures are
plain strings. :func:`header_cells` and :func:`base_table_style` are shared with the tables of the
other sections; :func:`clean` and :func:`to_float` read a frame's values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, LongTable, Paragraph, TableStyle

from sheets import layout
from sheets.capaian import PREDIKAT_LABELS
from sheets.laporan import teks
from sheets.laporan.data import LaporanInput
from sheets.laporan.gaya import FONT, FONT_BOLD, GRID, HEADER_BG, paragraph_text
from sheets.laporan.grafik import warna

__all__ = [
    "INDIKATOR_HEADER",
    "base_table_style",
    "clean",
    "header_cells",
    "indicator_table",
    "ringkasan_table",
    "tahunan_table",
    "to_float",
]

INDIKATOR_HEADER: tuple[str, ...] = (
    "No",
    "Kode dan Indikator Kinerja (Satuan)",
    "Target",
    "Realisasi {tw}",
    "Realisasi s.d. {tw}",
    "Capaian (%)",
    "Predikat",
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran {tw} (Rp)",
    "Realisasi Anggaran s.d. {tw} (Rp)",
    "Serapan (%)",
    "Kendala/Keterangan",
)
"""Columns of the per-bidang indicator tables (``{tw}`` becomes ``TW I`` ..)."""
_INDIKATOR_WIDTHS = (20, 164, 46, 46, 46, 42, 66, 64, 64, 64, 42, 108)
_INDIKATOR_NUMERIC = (2, 3, 4, 5, 7, 8, 9, 10)
_PREDIKAT_COL = 6

_RINGKASAN_HEADER = (
    "No",
    "Bidang",
    "Jumlah Indikator",
    "Indikator Dinilai",
    "Rata-rata Capaian (%)",
    "Predikat",
    *PREDIKAT_LABELS,
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran s.d. {tw} (Rp)",
    "Serapan (%)",
)
_RINGKASAN_WIDTHS = (20, 144, 46, 46, 48, 66, 40, 40, 40, 40, 40, 80, 80, 42)


def header_cells(labels: Iterable[str], tw_label: str, style: ParagraphStyle) -> list[Paragraph]:
    """The header row of a table, ``{tw}`` in a label replaced by ``tw_label``."""
    return [Paragraph(escape(label.format(tw=tw_label)), style) for label in labels]


def base_table_style(numeric: Sequence[int]) -> list[tuple[Any, ...]]:
    """The style every table shares: 8 pt, grid, shaded header, ``numeric`` columns right-aligned."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("LEADING", (0, 0), (-1, -1), 9.8),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ALIGN", (0, 1), (0, -1), "RIGHT"),
    ]
    commands += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in numeric]
    return commands


def _fits(text: str, width: float) -> bool:
    return "\n" not in text and pdfmetrics.stringWidth(text, FONT, 8) <= width - 4


def indicator_table(frame: pd.DataFrame, tw_label: str, styles: Mapping[str, ParagraphStyle]) -> Flowable:
    """One bidang's indicators; header row repeated on every page the table spans."""
    cell = styles["sel"]
    rows: list[list[Any]] = [header_cells(INDIKATOR_HEADER, tw_label, styles["sel_kepala"])]
    commands = base_table_style(_INDIKATOR_NUMERIC)
    commands.append(("ALIGN", (_PREDIKAT_COL, 1), (_PREDIKAT_COL, -1), "CENTER"))
    kendala_width = _INDIKATOR_WIDTHS[-1]

    def column(name: str) -> list[Any]:
        return list(frame[name].to_numpy(dtype=object))

    def number(name: str) -> np.ndarray:
        return np.asarray(frame[name].to_numpy(dtype="float64", na_value=np.nan))

    kode, indikator, satuan = column("kode"), column("indikator"), column("satuan")
    kendala, catatan, predikat = column("kendala"), column("catatan_capaian"), column("predikat")
    target, real_tw, real_kum = number("target"), number("realisasi_periode"), number("realisasi_kumulatif")
    capaian, pagu = number("capaian"), number("pagu")
    ang_tw, ang_kum, serapan = number("anggaran_periode"), number("anggaran_kumulatif"), number("serapan")
    for i in range(len(frame)):
        nama = clean(indikator[i])
        unit = clean(satuan[i])
        label = f'<font color="#555555">{escape(clean(kode[i]))}</font><br/>{escape(nama)}'
        if unit:
            label += f" ({escape(unit)})"
        note = clean(kendala[i])
        why = clean(catatan[i])
        if why:
            note = f"{note}\n[{why}]" if note else f"[{why}]"
        note_cell: Any = (
            (note or teks.KOSONG)
            if _fits(note or teks.KOSONG, kendala_width)
            else Paragraph(paragraph_text(note), cell)
        )
        mark = predikat[i] if isinstance(predikat[i], str) and predikat[i] else None
        rows.append(
            [
                str(i + 1),
                Paragraph(label, cell),
                teks.angka(target[i]),
                teks.angka(real_tw[i]),
                teks.angka(real_kum[i]),
                teks.persen(capaian[i]),
                mark or teks.KOSONG,
                teks.rupiah(pagu[i]),
                teks.rupiah(ang_tw[i]),
                teks.rupiah(ang_kum[i]),
                teks.persen(serapan[i]),
                note_cell,
            ]
        )
        if mark:
            commands.append(
                ("BACKGROUND", (_PREDIKAT_COL, i + 1), (_PREDIKAT_COL, i + 1), colors.HexColor(warna(mark)))
            )
    table = LongTable(rows, colWidths=list(_INDIKATOR_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def clean(value: Any) -> str:
    """A text cell of a frame: missing (None, NaN, ``"nan"``) -> ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text in ("nan", "None", "<NA>") else text


def ringkasan_table(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> Flowable:
    """Section I's table: one row per bidang and one for the whole dinas, predikat coloured."""
    label = layout.tw_label(data.tw)
    ringkasan = data.rekap.ringkasan[data.rekap.ringkasan["triwulan"] == label]
    dinas = data.rekap.dinas[data.rekap.dinas["triwulan"] == label]
    rows: list[list[Any]] = [header_cells(_RINGKASAN_HEADER, label, styles["sel_kepala"])]
    numeric = (2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13)
    commands = base_table_style(numeric)
    commands.append(("ALIGN", (5, 1), (5, -1), "CENTER"))
    counts = [name for name in ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah")]

    def line(no: str, nama: Any, row: Mapping[str, Any]) -> list[Any]:
        return [
            no,
            nama,
            teks.angka(to_float(row["jumlah_indikator"])),
            teks.angka(to_float(row["indikator_dinilai"])),
            teks.persen(to_float(row["rata_rata_capaian"])),
            clean(row["predikat"]) or teks.KOSONG,
            *(teks.angka(to_float(row[name])) for name in counts),
            teks.rupiah(to_float(row["pagu"])),
            teks.rupiah(to_float(row["anggaran_kumulatif"])),
            teks.persen(to_float(row["serapan"])),
        ]

    for number, row in enumerate(ringkasan.to_dict("records"), start=1):
        nama = f"{data.bidang.get(str(row['kode_bidang']), clean(row['bidang']))} ({row['kode_bidang']})"
        rows.append(line(str(number), Paragraph(escape(nama), styles["sel"]), row))
        predikat = clean(row["predikat"])
        if predikat:
            commands.append(("BACKGROUND", (5, number), (5, number), colors.HexColor(warna(predikat))))
    for row in dinas.to_dict("records"):
        rows.append(line("", Paragraph("<b>Seluruh Dinas</b>", styles["sel"]), row))
        commands.append(("FONT", (0, len(rows) - 1), (-1, len(rows) - 1), FONT_BOLD, 8))
        predikat = clean(row["predikat"])
        if predikat:
            commands.append(("BACKGROUND", (5, len(rows) - 1), (5, len(rows) - 1), colors.HexColor(warna(predikat))))
    table = LongTable(rows, colWidths=list(_RINGKASAN_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


_TAHUNAN_HEADER = (
    "No",
    "Bidang",
    "Jumlah Indikator",
    "Indikator Dinilai",
    "Rata-rata Capaian Tahunan (%)",
    "Predikat",
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran Tahunan (Rp)",
    "Serapan (%)",
    *(f"Capaian {label} (%)" for label in layout.TW_LABELS.values()),
)
_TAHUNAN_WIDTHS = (20, 146, 46, 46, 56, 66, 80, 80, 42, 50, 50, 50, 50)


def tahunan_table(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> Flowable:
    """The year's table (TW IV): per bidang and for the dinas, the year and the capaian of each TW."""
    tahunan = data.rekap.tahunan
    assert tahunan is not None
    rows: list[list[Any]] = [header_cells(_TAHUNAN_HEADER, "", styles["sel_kepala"])]
    commands = base_table_style((2, 3, 4, 6, 7, 8, 9, 10, 11, 12))
    commands.append(("ALIGN", (5, 1), (5, -1), "CENTER"))

    def line(no: str, nama: Any, row: Mapping[str, Any]) -> list[Any]:
        return [
            no,
            nama,
            teks.angka(to_float(row["jumlah_indikator"])),
            teks.angka(to_float(row["indikator_dinilai"])),
            teks.persen(to_float(row["rata_rata_capaian"])),
            clean(row["predikat"]) or teks.KOSONG,
            teks.rupiah(to_float(row["pagu"])),
            teks.rupiah(to_float(row["anggaran_kumulatif"])),
            teks.persen(to_float(row["serapan"])),
            *(teks.persen(to_float(row[f"capaian_tw{tw}"])) for tw in layout.TW_LABELS),
        ]

    records = [(str(n), r) for n, r in enumerate(tahunan.bidang.to_dict("records"), start=1)]
    records += [("", r) for r in tahunan.dinas.to_dict("records")]
    for no, row in records:
        if no:
            kode = str(row["kode_bidang"])
            nama: Any = Paragraph(escape(f"{data.bidang.get(kode, clean(row['bidang']))} ({kode})"), styles["sel"])
        else:
            nama = Paragraph(f"<b>{escape(layout.SELURUH_DINAS)}</b>", styles["sel"])
        rows.append(line(no, nama, row))
        if not no:
            commands.append(("FONT", (0, len(rows) - 1), (-1, len(rows) - 1), FONT_BOLD, 8))
        predikat = clean(row["predikat"])
        if predikat:
            commands.append(("BACKGROUND", (5, len(rows) - 1), (5, len(rows) - 1), colors.HexColor(warna(predikat))))
    table = LongTable(rows, colWidths=list(_TAHUNAN_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def to_float(value: Any) -> float | None:
    """A figure of a frame as a float, None when missing or not a number."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number
