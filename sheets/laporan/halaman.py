"""The furniture of every page of the Laporan Kinerja: the letterhead and the ``Halaman x dari y`` footer.

The footer is drawn by a canvas that holds the pages until the total is known; a draft carries
``DRAF - BELUM DISETUJUI KEPALA DINAS`` at the top of every page.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, Table, TableStyle

from sheets.laporan.data import LaporanInput
from sheets.laporan.gaya import ABU, FONT, FONT_BOLD, GRID, HALAMAN, MARGIN, MERAH, paragraph_text

__all__ = ["kop_surat", "numbered_canvas"]

logger = logging.getLogger(__name__)


def numbered_canvas(kiri: str, draf: bool) -> type[Canvas]:
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


def kop_surat(data: LaporanInput, styles: Mapping[str, ParagraphStyle]) -> list[Flowable]:
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
        lines.append(Paragraph(paragraph_text(ident.alamat), styles["kop3"]))
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
