"""The look of the Laporan Kinerja: page size and margins, the DejaVu fonts, colours, paragraph styles.

Text is set in DejaVu Sans (the TrueType files matplotlib ships), embedded and subsetted, so any
character people type in Telegram prints, and every size is :data:`MIN_FONT_PT` or more.
"""

from __future__ import annotations

import os
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

__all__ = [
    "ABU",
    "FONT",
    "FONT_BOLD",
    "FONT_ITALIC",
    "GRID",
    "HALAMAN",
    "HEADER_BG",
    "MARGIN",
    "MERAH",
    "MIN_FONT_PT",
    "paragraph_styles",
    "paragraph_text",
    "register_fonts",
]

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


def register_fonts() -> None:
    """Register the DejaVu Sans family with reportlab (once per process)."""
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


def paragraph_styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the document by name (``isi``, ``judul``, ``bab``, ``sel``, ...)."""
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


def paragraph_text(value: str) -> str:
    """Text people typed, safe inside a Paragraph (markup escaped, line breaks kept)."""
    return escape(value.strip()).replace("\r\n", "\n").replace("\n", "<br/>")
