"""The Laporan Kinerja as PDF bytes, laid out with reportlab's platypus on A4 landscape.

Order of the document: letterhead, title and period; I. summary per bidang with the chart;
II. one table per bidang of every indicator (header repeated on every page the table spans);
III. the Kasubbag KPEP's analysis; IV. the Kepala Dinas's rekomendasi and each bidang's tindak
lanjut; the lembar pengesahan (who prepared, the Sekretaris's telaah, the Kepala Dinas's approval
with NIP, date and time from the audit trail); and the Riwayat of the period as an appendix.
Every page carries ``Halaman x dari y`` (a canvas that holds the pages until the total is known).

This module assembles the document; its parts live in :mod:`sheets.laporan.gaya` (page, fonts,
styles), :mod:`sheets.laporan.halaman` (letterhead, footer), :mod:`sheets.laporan.tabel` (the
figure tables) and :mod:`sheets.laporan.bagian` (the sections). The names it exported before that
split are still exported here.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

from sheets import layout
from sheets.laporan import teks
from sheets.laporan.bagian import (
    analysis_section,
    bidang_section,
    current_approval,
    judul_laporan,
    pengesahan_section,
    rekomendasi_section,
    riwayat_section,
    summary_section,
    tahunan_section,
)
from sheets.laporan.data import LaporanInput
from sheets.laporan.gaya import FONT, FONT_BOLD, HALAMAN, MARGIN, MIN_FONT_PT, paragraph_styles, register_fonts
from sheets.laporan.halaman import kop_surat, numbered_canvas
from sheets.laporan.tabel import INDIKATOR_HEADER

__all__ = ["FONT", "FONT_BOLD", "HALAMAN", "INDIKATOR_HEADER", "MIN_FONT_PT", "build_laporan", "judul_laporan"]


def build_laporan(data: LaporanInput) -> bytes:
    """The Laporan Kinerja of ``data``'s period as PDF bytes (A4 landscape)."""
    layout.tw_label(data.tw)
    if data.tw not in data.rekap.per_tw:
        raise ValueError(f"rekap has no figures for TW {data.tw}")
    register_fonts()
    styles = paragraph_styles()
    tz = ZoneInfo(data.zona_waktu)
    judul = judul_laporan(data)
    dibuat = data.dibuat or datetime.now(UTC)
    approved = current_approval(data) is not None
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
        *kop_surat(data, styles),
        Paragraph(escape(judul.upper()), styles["judul"]),
        Paragraph(escape(data.identitas.nama_dinas), styles["subjudul"]),
        Paragraph(escape(f"Periode {teks.periode_tw(data.tw, data.tahun)}"), styles["subjudul"]),
    ]
    if not approved:
        story.append(Paragraph("DRAF: belum disetujui Kepala Dinas", styles["draf"]))
    story.append(Spacer(1, 8))
    story += summary_section(data, styles, tz)
    story += tahunan_section(data, styles)
    story += bidang_section(data, styles)
    story += analysis_section(data, styles, tz)
    story += rekomendasi_section(data, styles, tz)
    story += pengesahan_section(data, styles, tz)
    story += riwayat_section(data, styles, tz)
    footer = f"{judul} - {data.identitas.nama_dinas}. Dicetak oleh Kinerja Bot, {teks.tanggal_waktu(dibuat, tz)}"
    doc.build(story, canvasmaker=numbered_canvas(footer, draf=not approved))
    return buffer.getvalue()
