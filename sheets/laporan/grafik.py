"""The chart of the Laporan Kinerja: average capaian per bidang, one horizontal bar each, coloured by predikat.

matplotlib with the Agg canvas, rendered to PNG bytes and released at once; imported on the first
chart only. Horizontal bars keep the bidang names readable from 2 to 50+ bidang. The colours are
the predikat colours of the report's tables (:data:`WARNA_PREDIKAT`), so one legend serves both.
(``bot/telegram/charts.py`` draws the Telegram chart; it imports the bot's texts, so the report
domain has its own.)
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sheets.capaian import PREDIKAT_LABELS
from sheets.formatting import format_persen

__all__ = ["TANPA_PREDIKAT", "WARNA_PREDIKAT", "Batang", "grafik_capaian", "warna"]

WARNA_PREDIKAT: dict[str, str] = {
    "Sangat Tinggi": "#6bbf73",
    "Tinggi": "#b8e0a3",
    "Sedang": "#ffe699",
    "Rendah": "#fabf8c",
    "Sangat Rendah": "#eb8078",
}
"""Predikat -> fill colour (light enough for black text on it), best first."""
TANPA_PREDIKAT = "#d9d9d9"


@dataclass(frozen=True)
class Batang:
    """One bidang's bar: its label, average capaian (None: nothing assessed) and predikat."""

    label: str
    capaian: float | None
    predikat: str | None


def warna(predikat: str | None) -> str:
    """The fill colour of a predikat (grey when there is none)."""
    return WARNA_PREDIKAT.get(predikat or "", TANPA_PREDIKAT)


def grafik_capaian(batang: Sequence[Batang], judul: str, lebar_inci: float = 9.5) -> bytes:
    """PNG bytes of the chart; bars without capaian are drawn at 0 in grey and labelled ``-``."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    n = max(len(batang), 1)
    tinggi = min(0.32 * n + 1.3, 9.0)
    huruf = 10 if n <= 20 else 8
    figure = Figure(figsize=(lebar_inci, tinggi), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    labels = [b.label for b in batang][::-1]
    values = [b.capaian if b.capaian is not None and math.isfinite(b.capaian) else 0.0 for b in batang][::-1]
    colours = [warna(b.predikat) if b.capaian is not None else TANPA_PREDIKAT for b in batang][::-1]
    drawn = axes.barh(labels, values, color=colours, edgecolor="#606060", linewidth=0.5)
    for rect, item in zip(drawn, batang[::-1], strict=True):
        teks = format_persen(item.capaian) if item.capaian is not None else "-"
        axes.annotate(
            teks,
            (rect.get_width(), rect.get_y() + rect.get_height() / 2),
            ha="left",
            va="center",
            fontsize=huruf,
            xytext=(3, 0),
            textcoords="offset points",
        )
    axes.set_title(judul, fontsize=12)
    axes.set_xlabel("Rata-rata capaian (%)", fontsize=10)
    axes.set_xlim(0, max([100.0, *values]) * 1.15)
    axes.axvline(100.0, color="#606060", linewidth=0.6, linestyle="--")
    axes.tick_params(axis="y", labelsize=huruf)
    axes.tick_params(axis="x", labelsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    used = [p for p in PREDIKAT_LABELS if any(b.predikat == p and b.capaian is not None for b in batang)]
    if used:
        axes.legend(
            handles=[Patch(facecolor=WARNA_PREDIKAT[p], edgecolor="#606060", label=p) for p in used],
            loc="center left",
            bbox_to_anchor=(1.01, 0.5),
            frameon=False,
            fontsize=8,
            title="Predikat",
            title_fontsize=8,
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
