"""The capaian chart sent with the draft rekap and ``/rekap``: one bar per bidang, coloured by predikat.

matplotlib with the Agg backend (no display on an office PC) renders the figure into PNG bytes in a
child process (``python -m bot.telegram.charts``, :func:`capaian_chart`): matplotlib never enters
the service's memory (~25 MB, needed once a quarter), and the second of CPU its import and drawing
take runs beside the chat instead of holding the interpreter's lock while fifty people press a
button (the draft's chart is drawn right after the last approval).
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot import texts

logger = logging.getLogger(__name__)

CHART_TIMEOUT_SECONDS = 120
_ROOT = Path(__file__).resolve().parents[2]  # where ``bot`` is importable from


class ChartError(RuntimeError):
    """The child process drawing a chart failed; the text says why."""


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
    """A PNG bar chart of capaian per bidang, drawn in a child process (blocking; call it off the event loop)."""
    request = json.dumps({"title": title, "bars": [[b.kode, b.capaian, b.predikat] for b in bars]})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot.telegram.charts"],
            input=request.encode("utf-8"),
            capture_output=True,
            cwd=_ROOT,
            env=env,
            timeout=CHART_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ChartError(f"the chart process did not finish: {err}") from err
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        cause = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no PNG"]
        raise ChartError(f"the chart process failed ({done.returncode}): {cause[0]}")
    return done.stdout


def draw_capaian_chart(bars: Sequence[Bar], title: str = texts.CHART_TITLE) -> bytes:
    """A PNG bar chart of capaian per bidang; bars without capaian are drawn at 0 and grey (in this process)."""
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


def main() -> int:
    """``python -m bot.telegram.charts``: a chart request (JSON) on stdin, the PNG on stdout."""
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    bars = [Bar(str(kode), capaian, predikat) for kode, capaian, predikat in request["bars"]]
    sys.stdout.buffer.write(draw_capaian_chart(bars, str(request["title"])))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
