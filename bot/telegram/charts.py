"""The capaian chart sent with the draft rekap and ``/rekap``: one bar per bidang, coloured by predikat.

matplotlib with the Agg backend (no display on an office PC); the figure is rendered into PNG
bytes and closed at once, so repeated charts do not pile up in memory. matplotlib is imported on
the first chart, not at start: it is ~25 MB of the service's resident memory, needed once a quarter.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot import texts

PREDIKAT_COLOURS: dict[str, str] = {
    "Sangat Tinggi": "#1b7837",
    "Tinggi": "#7fbf7b",
    "Sedang": "#f1c232",
    "Rendah": "#e08214",
    "Sangat Rendah": "#c51b17",
}
NO_PREDIKAT_COLOUR = "#9e9e9e"


@dataclass(frozen=True)
class Bar:
    """One bidang's bar."""

    kode: str
    capaian: float | None
    predikat: str | None


def colour_of(predikat: str | None) -> str:
    """The bar colour of a predikat (grey when there is none)."""
    return PREDIKAT_COLOURS.get(predikat or "", NO_PREDIKAT_COLOUR)


def capaian_chart(bars: Sequence[Bar], title: str = texts.CHART_TITLE) -> bytes:
    """A PNG bar chart of capaian per bidang; bars without capaian are drawn at 0 and grey."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    figure = Figure(figsize=(8, 4.5), dpi=100)
    axes = figure.add_subplot()
    labels = [bar.kode for bar in bars]
    values = [bar.capaian if bar.capaian is not None else 0.0 for bar in bars]
    colours = [colour_of(bar.predikat) if bar.capaian is not None else NO_PREDIKAT_COLOUR for bar in bars]
    drawn = axes.bar(labels, values, color=colours)
    for rect, bar in zip(drawn, bars, strict=True):
        label = texts.format_persen(bar.capaian) if bar.capaian is not None else texts.CHART_NO_DATA
        axes.annotate(
            label,
            (rect.get_x() + rect.get_width() / 2, rect.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
            xytext=(0, 3),
            textcoords="offset points",
        )
    axes.set_title(title)
    axes.set_ylabel(texts.CHART_YLABEL)
    top = max([100.0, *values]) * 1.15
    axes.set_ylim(0, top)
    used = [p for p in PREDIKAT_COLOURS if any(b.predikat == p and b.capaian is not None for b in bars)]
    if used:
        axes.legend(handles=[Patch(color=PREDIKAT_COLOURS[p], label=p) for p in used], loc="upper right", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
