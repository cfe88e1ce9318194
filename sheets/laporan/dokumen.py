"""The Laporan Kinerja as PDF bytes, laid out with reportlab's platypus on A4 landscape.

Order of the document: letterhead, title and period; I. summary per bidang with the chart;
II. one table per bidang of every indicator (header repeated on every page the table spans);
III. the Kasubbag KPEP's analysis; IV. the Kepala Dinas's rekomendasi and each bidang's tindak
lanjut; the lembar pengesahan (who prepared, the Sekretaris's telaah, the Kepala Dinas's approval
with NIP, date and time from the audit trail); and the Riwayat of the period as an appendix.
Every page carries ``Halaman x dari y`` (a canvas that holds the pages until the total is known).

Text is set in DejaVu Sans (the TrueType files matplotlib ships), embedded and subsetted, so any
character people type in Telegram prints, and every size is 8 pt or more. Long tables are
:class:`~reportlab.platypus.LongTable` (splitting stays linear in rows); only cells that wrap are
Paragraphs, the figures are plain strings.
"""

from __future__ import annotations

import io
import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from sheets import layout
from sheets.capaian import PREDIKAT_LABELS
from sheets.laporan import teks
from sheets.laporan.data import LaporanInput, Riwayat
from sheets.laporan.grafik import Batang, grafik_capaian, warna

__all__ = ["FONT", "FONT_BOLD", "HALAMAN", "INDIKATOR_HEADER", "MIN_FONT_PT", "build_laporan", "judul_laporan"]

logger = logging.getLogger(__name__)

HALAMAN = landscape(A4)
MARGIN = 12 * mm
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
MIN_FONT_PT = 8.0
"""The smallest type in the document (tables, footer)."""

HEADER_BG = colors.HexColor("#d9e6f7")
GRID = colors.HexColor("#8c8c8c")
ABU = colors.HexColor("#555555")
MERAH = colors.HexColor("#b00020")

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

_RIWAYAT_HEADER = (
    "No",
    "Langkah SOP",
    "Kegiatan",
    "Bidang",
    "Pelaksana",
    "Waktu",
    "Lama Pelaksanaan",
    "Mutu Baku",
    "Keterangan",
)
_RIWAYAT_WIDTHS = (20, 44, 180, 40, 150, 110, 66, 58, 104)

_APPROVED = "disetujui_kepala_dinas"
_TELAAH = "teruskan_ke_kepala_dinas"
_DISUSUN = "kirim_ke_sekretaris"


# --- fonts and styles --------------------------------------------------------------------------


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib

    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for name, filename in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
        ("DejaVuSans-BoldOblique", "DejaVuSans-BoldOblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, os.path.join(folder, filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic="DejaVuSans-BoldOblique"
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("isi", fontName=FONT, fontSize=10, leading=13.5, alignment=TA_JUSTIFY)
    return {
        "isi": base,
        "kop1": ParagraphStyle("kop1", base, fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER),
        "kop2": ParagraphStyle("kop2", base, fontName=FONT_BOLD, fontSize=15, leading=19, alignment=TA_CENTER),
        "kop3": ParagraphStyle("kop3", base, fontSize=9, leading=11.5, alignment=TA_CENTER),
        "judul": ParagraphStyle(
            "judul", base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=2
        ),
        "subjudul": ParagraphStyle("subjudul", base, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "bab": ParagraphStyle("bab", base, fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=4, spaceAfter=6),
        "subbab": ParagraphStyle(
            "subbab", base, fontName=FONT_BOLD, fontSize=10.5, leading=14, spaceBefore=6, spaceAfter=3
        ),
        "catatan": ParagraphStyle("catatan", base, fontSize=9, leading=12, textColor=ABU, alignment=TA_LEFT),
        "sel": ParagraphStyle("sel", base, fontSize=8, leading=9.8, alignment=TA_LEFT),
        "sel_kepala": ParagraphStyle(
            "sel_kepala", base, fontName=FONT_BOLD, fontSize=8, leading=9.6, alignment=TA_CENTER
        ),
        "ttd": ParagraphStyle("ttd", base, fontSize=10.5, leading=14, alignment=TA_LEFT),
        "draf": ParagraphStyle(
            "draf", base, fontName=FONT_BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER, textColor=MERAH
        ),
    }


def _text(value: str) -> str:
    """Text people typed, safe inside a Paragraph (markup escaped, line breaks kept)."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")


def judul_laporan(data: LaporanInput) -> str:
    """``Laporan Kinerja Triwulan I Tahun 2026``."""
    return f"Laporan Kinerja Triwulan {teks.romawi(data.tw)} Tahun {data.tahun}"


# --- the canvas: footer with Halaman x dari y --------------------------------------------------


def _canvas_class(kiri: str, draf: bool) -> type[Canvas]:
    """A Canvas that keeps each page until the end, then stamps ``Halaman x dari y`` on all of them."""

    class _Numbered(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = HALAMAN
            self.saveState()
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, 9 * mm, width - MARGIN, 9 * mm)
            self.setFont(FONT, 8)
            self.setFillColor(ABU)
            self.drawString(MARGIN, 5.5 * mm, kiri)
            self.drawRightString(width - MARGIN, 5.5 * mm, f"Halaman {self._pageNumber} dari {total}")
            if draf:
                self.setFont(FONT_BOLD, 9)
                self.setFillColor(MERAH)
                self.drawRightString(width - MARGIN, HALAMAN[1] - 7 * mm, "DRAF - BELUM DISETUJUI KEPALA DINAS")
            self.restoreState()

    return _Numbered


# --- tables ------------------------------------------------------------------------------------


def _header_cells(labels: Iterable[str], tw_label: str, style: ParagraphStyle) -> list[Paragraph]:
    return [Paragraph(escape(label.format(tw=tw_label)), style) for label in labels]


def _base_table_style(numeric: Sequence[int]) -> list[tuple[Any, ...]]:
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


def _indicator_table(frame: pd.DataFrame, tw_label: str, styles: Mapping[str, ParagraphStyle]) -> Flowable:
    """One bidang's indicators; header row repeated on every page the table spans."""
    cell = styles["sel"]
    rows: list[list[Any]] = [_header_cells(INDIKATOR_HEADER, tw_label, styles["sel_kepala"])]
    commands = _base_table_style(_INDIKATOR_NUMERIC)
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
        nama = _clean(indikator[i])
        unit = _clean(satuan[i])
        label = f'<font color="#555555">{escape(_clean(kode[i]))}</font><br/>{escape(nama)}'
        if unit:
            label += f" ({escape(unit)})"
        note = _clean(kendala[i])
        why = _clean(catatan[i])
        if why:
            note = f"{note}\n[{why}]" if note else f"[{why}]"
        note_cell: Any = (
            (note or teks.KOSONG) if _fits(note or teks.KOSONG, kendala_width) else Paragraph(_text(note), cell)
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


def _clean(value: Any) -> str:
    """A text cell of a frame: missing (None, NaN, ``"nan"``) -> ``""``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    return "" if text in ("nan", "None", "<NA>") else text


def _ringkasan_table(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> Flowable:
    label = layout.tw_label(data.tw)
    ringkasan = data.rekap.ringkasan[data.rekap.ringkasan["triwulan"] == label]
    dinas = data.rekap.dinas[data.rekap.dinas["triwulan"] == label]
    rows: list[list[Any]] = [_header_cells(_RINGKASAN_HEADER, label, styles["sel_kepala"])]
    numeric = (2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13)
    commands = _base_table_style(numeric)
    commands.append(("ALIGN", (5, 1), (5, -1), "CENTER"))
    counts = [name for name in ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah")]

    def line(no: str, nama: Any, row: Mapping[str, Any]) -> list[Any]:
        return [
            no,
            nama,
            teks.angka(_float(row["jumlah_indikator"])),
            teks.angka(_float(row["indikator_dinilai"])),
            teks.persen(_float(row["rata_rata_capaian"])),
            _clean(row["predikat"]) or teks.KOSONG,
            *(teks.angka(_float(row[name])) for name in counts),
            teks.rupiah(_float(row["pagu"])),
            teks.rupiah(_float(row["anggaran_kumulatif"])),
            teks.persen(_float(row["serapan"])),
        ]

    for number, row in enumerate(ringkasan.to_dict("records"), start=1):
        nama = f"{data.bidang.get(str(row['kode_bidang']), _clean(row['bidang']))} ({row['kode_bidang']})"
        rows.append(line(str(number), Paragraph(escape(nama), styles["sel"]), row))
        predikat = _clean(row["predikat"])
        if predikat:
            commands.append(("BACKGROUND", (5, number), (5, number), colors.HexColor(warna(predikat))))
    for row in dinas.to_dict("records"):
        rows.append(line("", Paragraph("<b>Seluruh Dinas</b>", styles["sel"]), row))
        commands.append(("FONT", (0, len(rows) - 1), (-1, len(rows) - 1), FONT_BOLD, 8))
        predikat = _clean(row["predikat"])
        if predikat:
            commands.append(("BACKGROUND", (5, len(rows) - 1), (5, len(rows) - 1), colors.HexColor(warna(predikat))))
    table = LongTable(rows, colWidths=list(_RINGKASAN_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# --- sections ----------------------------------------------------------------------------------


def _kop(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """Letterhead: logo, Pemerintah Kabupaten, the dinas, its address; a double rule below."""
    ident = data.identitas
    nama = ident.nama_dinas.strip()
    suffix = f" kabupaten {ident.kabupaten}".casefold()
    if nama.casefold().endswith(suffix) and len(nama) > len(suffix):
        nama = nama[: len(nama) - len(suffix)]  # "Dinas Tenaga Kerja" under "Pemerintah Kabupaten Magetan"
    lines: list[Flowable] = [
        Paragraph(escape(f"PEMERINTAH KABUPATEN {ident.kabupaten}".upper()), styles["kop1"]),
        Paragraph(escape(nama.upper()), styles["kop2"]),
    ]
    if ident.alamat:
        lines.append(Paragraph(_text(ident.alamat), styles["kop3"]))
    logo: Flowable | str = ""
    if ident.logo:
        try:
            reader = ImageReader(io.BytesIO(ident.logo))
            w, h = reader.getSize()
            height = 22 * mm
            logo = Image(io.BytesIO(ident.logo), width=height * w / h, height=height)
        except Exception as err:  # a broken logo must not stop the report
            logger.warning("logo cannot be read, the letterhead goes without it: %s", err)
    usable = HALAMAN[0] - 2 * MARGIN
    kop = Table([[logo, lines, ""]], colWidths=[32 * mm, usable - 64 * mm, 32 * mm])
    kop.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (0, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [
        kop,
        HRFlowable(width="100%", thickness=1.8, color=colors.black, spaceBefore=3, spaceAfter=1),
        HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceBefore=0, spaceAfter=8),
    ]


def _last(riwayat: Sequence[Riwayat], event: str) -> Riwayat | None:
    found = [r for r in riwayat if r.event == event]
    return max(found, key=lambda r: r.at) if found else None


def _approval(data: LaporanInput) -> Riwayat | None:
    """The Kepala Dinas's approval of the current version (none if the report went back after it)."""
    approved = _last(data.riwayat, _APPROVED)
    submitted = _last(data.riwayat, _DISUSUN)
    if approved is None or (submitted is not None and submitted.at > approved.at):
        return None
    return approved


def _summary_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    label = layout.tw_label(data.tw)
    story: list[Flowable] = [
        Paragraph("I. RINGKASAN CAPAIAN KINERJA", styles["bab"]),
        Paragraph(
            escape(
                f"Capaian kinerja setiap bidang pada {label} {data.tahun} dihitung dari data yang telah disetujui "
                "Kepala Bidang. Predikat: Sangat Tinggi (capaian ≥ 91%), Tinggi (≥ 76%), Sedang (≥ 66%), "
                "Rendah (≥ 51%), Sangat Rendah (< 51%). Serapan anggaran adalah realisasi anggaran "
                f"s.d. {label} dibagi pagu anggaran."
            ),
            styles["catatan"],
        ),
        Spacer(1, 4),
        _ringkasan_table(data, styles),
        Spacer(1, 6),
    ]
    chart = data.rekap.chart
    bars = [
        Batang(
            f"{data.bidang.get(str(kode), _clean(nama))} ({kode})"
            if len(chart) <= 12
            else str(kode),  # many bidang: the kode keeps the chart readable; the table above names them
            _float(capaian),
            _clean(predikat) or None,
        )
        for kode, nama, capaian, predikat in zip(
            chart["kode_bidang"], chart["bidang"], chart["capaian"], chart["predikat"], strict=True
        )
    ]
    if bars:
        png = grafik_capaian(bars, f"Rata-rata Capaian per Bidang, {label} {data.tahun}")
        reader = ImageReader(io.BytesIO(png))
        w, h = reader.getSize()
        width = min(HALAMAN[0] - 2 * MARGIN, 200 * mm)
        height = width * h / w
        limit = HALAMAN[1] - 2 * MARGIN - 20 * mm
        if height > limit:
            width, height = width * limit / height, limit
        story.append(KeepTogether([Image(io.BytesIO(png), width=width, height=height)]))
    return story


def _bidang_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    label = layout.tw_label(data.tw)
    frame = data.rekap.per_tw[data.tw]
    ringkasan = data.rekap.ringkasan[data.rekap.ringkasan["triwulan"] == label].set_index("kode_bidang")
    story: list[Flowable] = [PageBreak(), Paragraph("II. CAPAIAN KINERJA PER BIDANG", styles["bab"])]
    groups = dict(tuple(frame.groupby("kode_bidang", sort=False)))
    order = list(data.rekap.bidang_order) or list(groups)
    for number, kode in enumerate((k for k in order if k in groups), start=1):
        part = groups[kode]
        nama = data.bidang.get(kode, _clean(part["bidang"].iloc[0]) or kode)
        row = ringkasan.loc[kode] if kode in ringkasan.index else None
        if number > 1:
            story.append(CondPageBreak(45 * mm))
        story.append(Paragraph(escape(f"2.{number} {nama} ({kode})"), styles["subbab"]))
        if row is not None:
            story.append(
                Paragraph(
                    escape(
                        f"Indikator dinilai {teks.angka(_float(row['indikator_dinilai']))} dari "
                        f"{teks.angka(_float(row['jumlah_indikator']))}; rata-rata capaian "
                        f"{teks.persen(_float(row['rata_rata_capaian']))}% "
                        f"(predikat {_clean(row['predikat']) or 'belum dapat ditentukan'}); serapan anggaran "
                        f"{teks.persen(_float(row['serapan']))}%."
                    ),
                    styles["catatan"],
                )
            )
        story += [Spacer(1, 3), _indicator_table(part, label, styles), Spacer(1, 6)]
    return story


def _analysis_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), Paragraph("III. ANALISIS KASUBBAG KPEP", styles["bab"])]
    if data.catatan_analisis and data.catatan_analisis.strip():
        story.append(Paragraph(_text(data.catatan_analisis), styles["isi"]))
    else:
        story.append(Paragraph("Kasubbag KPEP tidak menambahkan catatan analisis pada periode ini.", styles["isi"]))
    disusun = _last(data.riwayat, _DISUSUN)
    by = escape(disusun.actor_nama if disusun else data.kasubbag_kpep.nama)
    when = f", disampaikan kepada Sekretaris pada {teks.tanggal_waktu(disusun.at, tz)}" if disusun else ""
    story += [Spacer(1, 4), Paragraph(f"Disusun oleh {by}, Kasubbag KPEP{escape(when)}.", styles["catatan"])]
    return story


def _rekomendasi_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 10),
        Paragraph("IV. REKOMENDASI KEPALA DINAS DAN TINDAK LANJUT", styles["bab"]),
        Paragraph("4.1 Rekomendasi umum", styles["subbab"]),
    ]
    mine = [r for r in data.rekomendasi if r.tw == data.tw]
    umum = [r for r in mine if r.bidang is None]
    if umum:
        for item in umum:
            story.append(Paragraph(_text(item.teks), styles["isi"]))
            story.append(
                Paragraph(
                    escape(f"Diberikan oleh Kepala Dinas pada {teks.tanggal_waktu(item.diberikan, tz)}."),
                    styles["catatan"],
                )
            )
    else:
        story.append(Paragraph("Kepala Dinas belum memberikan rekomendasi untuk periode ini.", styles["isi"]))
    story.append(Paragraph("4.2 Rekomendasi per bidang dan tindak lanjut", styles["subbab"]))
    khusus: dict[str, list[str]] = {}
    for item in mine:
        if item.bidang is not None:
            khusus.setdefault(item.bidang, []).append(item.teks)
    tindak = {t.bidang: t for t in sorted(data.tindak_lanjut, key=lambda t: t.dicatat) if t.tw == data.tw}
    header = ("No", "Bidang", "Rekomendasi Kepala Dinas", "Tindak Lanjut Bidang", "Tanggal Tindak Lanjut")
    rows: list[list[Any]] = [_header_cells(header, "", styles["sel_kepala"])]
    cell = styles["sel"]
    kodes = list(data.bidang) + sorted(k for k in {*khusus, *tindak} if k not in data.bidang)
    for number, kode in enumerate(kodes, start=1):
        nama = data.bidang.get(kode, kode)
        rekom = "\n".join(khusus.get(kode, [])) or ("Mengikuti rekomendasi umum." if umum else teks.KOSONG)
        follow = tindak.get(kode)
        rows.append(
            [
                str(number),
                Paragraph(escape(f"{nama} ({kode})"), cell),
                Paragraph(_text(rekom), cell),
                Paragraph(_text(follow.teks) if follow else "<i>Belum ada tindak lanjut.</i>", cell),
                Paragraph(escape(teks.tanggal_waktu(follow.dicatat, tz)) if follow else teks.KOSONG, cell),
            ]
        )
    table = LongTable(rows, colWidths=[20, 150, 250, 250, 102], repeatRows=1)
    table.setStyle(TableStyle(_base_table_style(())))
    story.append(table)
    return story


def _signature_line(orang_nama: str, nip: str | None) -> str:
    printed = teks.nip(nip)
    return f"{orang_nama} (NIP {printed})" if printed else orang_nama


def _pengesahan_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    judul = judul_laporan(data)
    approval = _approval(data)
    telaah = _last(data.riwayat, _TELAAH)
    disusun = _last(data.riwayat, _DISUSUN)
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("LEMBAR PENGESAHAN", styles["judul"]),
        Paragraph(escape(f"{judul}, {data.identitas.nama_dinas}"), styles["subjudul"]),
        Spacer(1, 10),
    ]
    cell = ParagraphStyle("pengesahan", styles["isi"], fontSize=10, leading=13.5, alignment=TA_LEFT)

    def who(entry: Riwayat | None, pejabat_nama: str, pejabat_nip: str | None) -> str:
        nama = entry.actor_nama if entry is not None else pejabat_nama
        nip = pejabat_nip if nama == pejabat_nama else None
        return _signature_line(nama, nip)

    if disusun is not None:
        disusun_text = (
            f"Disusun oleh {who(disusun, data.kasubbag_kpep.nama, data.kasubbag_kpep.nip)}, Kasubbag KPEP, "
            f"dan disampaikan kepada Sekretaris pada {teks.tanggal_waktu(disusun.at, tz)}."
        )
    else:
        disusun_text = "Belum disampaikan kepada Sekretaris."
    if telaah is not None:
        telaah_text = (
            f"Telah ditelaah oleh {who(telaah, data.sekretaris.nama, data.sekretaris.nip)}, Sekretaris, dan "
            f"diteruskan kepada Kepala Dinas pada {teks.tanggal_waktu(telaah.at, tz)}."
        )
        if telaah.note:
            telaah_text += f" Catatan telaah: {telaah.note}"
    else:
        telaah_text = "Belum ditelaah Sekretaris."
    if approval is not None:
        approval_text = (
            f"Disetujui oleh Kepala Dinas, {who(approval, data.kepala_dinas.nama, data.kepala_dinas.nip)}, "
            f"pada {teks.tanggal_waktu(approval.at, tz)}."
        )
    else:
        approval_text = "Belum disetujui Kepala Dinas. Dokumen ini adalah draf untuk ditelaah."
    rows = [
        ["1.", "Penyusunan", Paragraph(escape(disusun_text), cell)],
        ["2.", "Telaah Sekretaris", Paragraph(escape(telaah_text), cell)],
        ["3.", "Persetujuan Kepala Dinas", Paragraph(escape(approval_text), cell)],
    ]
    table = Table(rows, colWidths=[12 * mm, 64 * mm, HALAMAN[0] - 2 * MARGIN - 76 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (1, -1), FONT_BOLD, 10),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, GRID),
            ]
        )
    )
    story += [table, Spacer(1, 16)]
    kepala = data.kepala_dinas
    nama_dinas = data.identitas.nama_dinas
    tempat = data.identitas.kabupaten
    tanggal = teks.tanggal(approval.at, tz) if approval is not None else "...................."
    block = [
        Paragraph(escape(f"{tempat}, {tanggal}"), styles["ttd"]),
        Paragraph(escape(f"Kepala {nama_dinas}"), styles["ttd"]),
        Spacer(1, 8),
        Paragraph(
            "<i>Disetujui secara elektronik melalui Kinerja Bot</i>" if approval is not None else "",
            styles["catatan"],
        ),
        Spacer(1, 18),
        Paragraph(f"<b><u>{escape(kepala.nama)}</u></b>", styles["ttd"]),
    ]
    if kepala.nip:
        block.append(Paragraph(escape(f"NIP {teks.nip(kepala.nip)}"), styles["ttd"]))
    usable = HALAMAN[0] - 2 * MARGIN
    signature = Table([["", block]], colWidths=[usable - 110 * mm, 110 * mm])
    signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [
        KeepTogether([signature]),
        Spacer(1, 12),
        Paragraph(
            "Waktu penyusunan, telaah dan persetujuan di atas diambil dari riwayat proses (Lampiran) yang "
            "dicatat Kinerja Bot pada setiap langkah SOP P-SEK-KP-09.",
            styles["catatan"],
        ),
    ]
    return story


def _riwayat_section(data: LaporanInput, styles: Mapping[str, ParagraphStyle], tz: ZoneInfo) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("LAMPIRAN. RIWAYAT PROSES (SOP P-SEK-KP-09)", styles["bab"]),
        Paragraph(
            "Setiap langkah SOP yang dicatat Kinerja Bot: pelaksana, waktu, lama pelaksanaan dibandingkan "
            "dengan Mutu Baku SOP.",
            styles["catatan"],
        ),
        Spacer(1, 4),
    ]
    rows: list[list[Any]] = [_header_cells(_RIWAYAT_HEADER, "", styles["sel_kepala"])]
    cell = styles["sel"]
    entries = sorted((r for r in data.riwayat if r.event not in teks.LEWATI_RIWAYAT), key=lambda r: r.at)
    for number, entry in enumerate(entries, start=1):
        verdict = "" if entry.within is None else ("Sesuai Mutu Baku" if entry.within else "Melebihi Mutu Baku")
        if entry.reason:
            verdict = f"{verdict}. Alasan: {entry.reason}" if verdict else f"Alasan: {entry.reason}"
        mutu = data.mutu_baku.get(entry.sop_step) if entry.mutu_baku_seconds is not None else None
        if entry.mutu_baku_seconds is not None and mutu is None:
            mutu = teks.durasi(entry.mutu_baku_seconds)
        bidang = entry.bidang or teks.KOSONG  # the kode: section I names every bidang
        pelaksana = f"{entry.actor_nama} ({teks.role_label(entry.actor_role)})"
        rows.append(
            [
                str(number),
                str(entry.sop_step) if entry.sop_step else teks.KOSONG,
                Paragraph(escape(teks.event_label(entry.event)), cell),
                Paragraph(escape(bidang), cell),
                Paragraph(escape(pelaksana), cell),
                Paragraph(escape(teks.tanggal_waktu(entry.at, tz)), cell),
                Paragraph(escape(teks.durasi(entry.duration_seconds)), cell),
                Paragraph(escape(mutu or teks.KOSONG), cell),
                Paragraph(escape(verdict or teks.KOSONG), cell),
            ]
        )
    if not entries:
        rows.append(["", "", Paragraph("Belum ada langkah yang dicatat.", cell), "", "", "", "", "", ""])
    table = LongTable(rows, colWidths=list(_RIWAYAT_WIDTHS), repeatRows=1)
    table.setStyle(TableStyle([*_base_table_style(()), ("ALIGN", (1, 1), (1, -1), "CENTER")]))
    story.append(table)
    return story


# --- the document ------------------------------------------------------------------------------


def build_laporan(data: LaporanInput) -> bytes:
    """The Laporan Kinerja of ``data``'s period as PDF bytes (A4 landscape)."""
    layout.tw_label(data.tw)
    if data.tw not in data.rekap.per_tw:
        raise ValueError(f"rekap has no figures for TW {data.tw}")
    _register_fonts()
    styles = _styles()
    tz = ZoneInfo(data.zona_waktu)
    judul = judul_laporan(data)
    dibuat = data.dibuat or datetime.now(UTC)
    approved = _approval(data) is not None
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=HALAMAN,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 2 * mm,
        title=f"{judul} - {data.identitas.nama_dinas}",
        author=data.identitas.nama_dinas,
        subject="Laporan Kinerja dan Rekomendasi (SOP P-SEK-KP-09)",
        creator="Kinerja Bot",
        lang="id-ID",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="isi")
    doc.addPageTemplates([PageTemplate(id="lanskap", frames=[frame])])
    story: list[Flowable] = [
        *_kop(data, styles),
        Paragraph(escape(judul.upper()), styles["judul"]),
        Paragraph(escape(data.identitas.nama_dinas), styles["subjudul"]),
        Paragraph(escape(f"Periode {teks.periode_tw(data.tw, data.tahun)}"), styles["subjudul"]),
    ]
    if not approved:
        story.append(Paragraph("DRAF: belum disetujui Kepala Dinas", styles["draf"]))
    story.append(Spacer(1, 8))
    story += _summary_section(data, styles, tz)
    story += _bidang_section(data, styles)
    story += _analysis_section(data, styles, tz)
    story += _rekomendasi_section(data, styles, tz)
    story += _pengesahan_section(data, styles, tz)
    story += _riwayat_section(data, styles, tz)
    footer = f"{judul} - {data.identitas.nama_dinas}. Dicetak oleh Kinerja Bot, {teks.tanggal_waktu(dibuat, tz)}"
    doc.build(story, canvasmaker=_canvas_class(footer, draf=not approved))
    return buffer.getvalue()
