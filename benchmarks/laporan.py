"""Laporan Kinerja PDF: render time and peak memory for B bidang x I indicators, against a bare reportlab floor.

Product: :func:`sheets.laporan.build_laporan` on the rekap of :func:`benchmarks.rekap.generated`
data (TW IV, so every indicator row carries figures): letterhead, summary and chart, one table per
bidang (wrapped indicator names, predikat colours, repeated headers), analysis, rekomendasi,
lembar pengesahan, Riwayat, ``Halaman x dari y``.

Floor (the peer): reportlab rendering the same number of table rows and columns with plain
strings, one LongTable per bidang with its header repeated, no styling, no wrapping, no chart,
no page numbering. It is not a competitor but the least any reportlab document of this size
costs, so the ratio (floor / product, below 1) says how much the report's layout adds.

Each side runs in its own process (``python -m benchmarks.laporan --worker``): time is wall clock
of the render alone (data prepared before), memory is the peak resident set during the render
minus the resident set just before it (VmHWM against /proc/self/statm), so imports and
input data are excluded for both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import BenchmarkResult, Figure, Progress, Sizes

REKAP_TW = 4
_COLUMNS = 12


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    # VmHWM, the peak of this process image: ru_maxrss would not do, Linux carries it across exec,
    # so a worker started by a parent grown to gigabytes reports the parent's peak.
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # KiB
    raise RuntimeError("/proc/self/status has no VmHWM")


def _input(bidang: int, indikator: int) -> Any:
    from benchmarks.rekap import generated
    from sheets.aggregate import build_rekap
    from sheets.laporan import Identitas, LaporanInput, Pejabat

    master, tables, names = generated(bidang, indikator)
    rekap = build_rekap(master, tables, names, REKAP_TW)
    return LaporanInput(
        identitas=Identitas("Magetan", "Dinas Tenaga Kerja Kabupaten Magetan", "Jl. Contoh No. 1, Magetan"),
        tahun=2026,
        tw=REKAP_TW,
        rekap=rekap,
        bidang=names,
        kepala_dinas=Pejabat("Drs. Arief Ridwan, MM", "196605161986031005"),
        sekretaris=Pejabat("Sri Wahyuni, S.Sos., M.Si."),
        kasubbag_kpep=Pejabat("Bambang Setiawan, S.E."),
        catatan_analisis="Catatan analisis.",
    )


def _product(data: Any) -> bytes:
    from sheets.laporan import build_laporan

    return bytes(build_laporan(data))


def _floor(data: Any) -> bytes:
    """Same rows and columns, plain strings, bare LongTables with repeated headers."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, SimpleDocTemplate

    frame = data.rekap.per_tw[REKAP_TW]
    header = [f"Kolom {c + 1}" for c in range(_COLUMNS)]
    names = [
        "kode",
        "indikator",
        "target",
        "realisasi_periode",
        "realisasi_kumulatif",
        "capaian",
        "predikat",
        "pagu",
        "anggaran_periode",
        "anggaran_kumulatif",
        "serapan",
        "kendala",
    ]
    story = []
    for _, part in frame.groupby("kode_bidang", sort=False):
        rows = [header] + [[str(v) for v in row] for row in part[names].itertuples(index=False)]
        story.append(LongTable(rows, repeatRows=1))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4)).build(story)
    return buffer.getvalue()


def worker(kind: str, bidang: int, indikator: int) -> dict[str, Any]:
    """Render one side once in this process; its figures as a dict."""
    data = _input(bidang, indikator)
    render = _product if kind == "product" else _floor
    before = _rss_mib()
    start = time.perf_counter()
    pdf = render(data)
    seconds = time.perf_counter() - start
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return {
        "seconds": seconds,
        "rss_increase_mib": max(_peak_mib() - before, 0.0),
        "pages": pages,
        "pdf_mib": len(pdf) / 2**20,
        "rows": len(data.rekap.per_tw[REKAP_TW]),
    }


def _run_worker(kind: str, bidang: int, indikator: int) -> dict[str, Any]:
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.laporan", "--worker", kind, str(bidang), str(indikator)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Render time and peak memory of the report and of the bare floor, one process each."""
    b, i = sizes.rekap_bidang, sizes.rekap_indikator
    result = BenchmarkResult(
        name="laporan",
        title="Laporan Kinerja PDF / performance report document",
        product="sheets.laporan.build_laporan (reportlab platypus: letterhead, summary, chart, tables with "
        "predikat colours and repeated headers, rekomendasi, lembar pengesahan, Riwayat, Halaman x dari y)",
        peer="floor: bare reportlab LongTables of the same rows x 12 columns, plain strings, repeated header, "
        "no styling, no wrapping, no chart, no page numbers",
        notes=[
            "each side renders once in its own process; time = render only (input prepared before); "
            "memory = peak RSS during the render minus RSS just before it",
            "the floor is the least reportlab needs for the same table rows, not a competitor: "
            "ratio = floor / product, so below 1 is the cost of the layout",
        ],
    )
    params = {"bidang": b, "indikator": i, "tw": REKAP_TW}
    progress(f"laporan: rendering {b} bidang x {i} indikator (product)")
    product = _run_worker("product", b, i)
    progress(
        f"laporan: product {product['seconds']:.1f} s, +{product['rss_increase_mib']:.0f} MiB, "
        f"{product['pages']} pages, {product['pdf_mib']:.1f} MiB PDF"
    )
    progress("laporan: rendering the bare floor")
    floor = _run_worker("floor", b, i)
    progress(f"laporan: floor {floor['seconds']:.1f} s, +{floor['rss_increase_mib']:.0f} MiB, {floor['pages']} pages")
    result.figures += [
        Figure("render time", "s", round(product["seconds"], 2), round(floor["seconds"], 2), params),
        Figure(
            "peak memory during the render (RSS increase)",
            "MiB",
            round(product["rss_increase_mib"], 1),
            round(floor["rss_increase_mib"], 1),
            params,
        ),
        Figure("pages", "pages", float(product["pages"]), float(floor["pages"]), params),
        Figure("PDF size", "MiB", round(product["pdf_mib"], 2), round(floor["pdf_mib"], 2), params),
    ]
    result.notes.append(f"{product['rows']:,} indicator rows in both documents")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
    else:
        sys.exit("usage: python -m benchmarks.laporan --worker product|floor BIDANG INDIKATOR")
