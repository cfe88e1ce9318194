"""``python -m benchmarks [--cepat] [--out PATH]``: every benchmark side by side in one run.

Runs the poll, regency, distribution, chat, memory, rekap, laporan and store benchmarks against
the in-process sandbox, prints progress lines (stderr) and one table (stdout), and writes every
figure with its peer's figure, the ratio, the target and whether it is met, the date and the
machine to ``benchmarks/results.json`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import chat, distribution, laporan, memory, poll, regency, rekap, store
from benchmarks.common import CEPAT, FULL, BenchmarkResult, Figure, machine, now_iso, progress_printer

DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
MODULES = {
    "poll": poll,
    "regency": regency,
    "distribution": distribution,
    "chat": chat,
    "memory": memory,
    "rekap": rekap,
    "laporan": laporan,
    "store": store,
}
RATIO = "peer / product; every figure is lower-is-better, so a ratio above 1 means the product does better"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if math.isinf(value):
        return "inf"
    if unit == "requests" and float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if unit == "requests" else f"{value:,.1f}"


def _params(params: dict[str, Any]) -> str:
    return " ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in params.items())


def table(results: Sequence[BenchmarkResult]) -> str:
    """The figures as a plain-text table."""
    header = ("Benchmark", "Figure", "Params", "Unit", "Product", "Peer", "Ratio", "Target")
    rows: list[tuple[str, ...]] = []
    for result in results:
        for figure in result.figures:
            ratio = figure.ratio
            target = (
                "-"
                if figure.target is None
                else (f"<= {_number(figure.target, figure.unit)} {'ok' if figure.meets_target else 'NOT MET'}")
            )
            rows.append(
                (
                    result.name,
                    figure.name + (" *" if figure.note else ""),
                    _params(dict(figure.params)),
                    figure.unit,
                    _number(figure.product, figure.unit),
                    _number(figure.peer, figure.unit),
                    "-" if ratio is None else f"{ratio:,.1f}x",
                    target,
                )
            )
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    right = {4, 5, 6}

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    out = [line(header), line(tuple("-" * w for w in widths))]
    previous = None
    for row in rows:
        if previous is not None and row[0] != previous:
            out.append("")
        out.append(line(row))
        previous = row[0]
    return "\n".join(out)


def results_json(
    results: Sequence[BenchmarkResult], mode: str, seconds: float, started: str, host: dict[str, Any]
) -> dict[str, Any]:
    """The document written to results.json (``host``: :func:`benchmarks.common.machine` at the start)."""
    try:
        load_end: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load_end = None
    return {
        "schema": 1,
        "date": started,
        "mode": mode,
        "duration_seconds": round(seconds, 1),
        "machine": {**host, "load_average_at_end": load_end},
        "ratio": RATIO,
        "benchmarks": {r.name: r.as_json() for r in results},
    }


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Kinerja Bot against the naive way, side by side on the in-process sandbox "
        "(DESIGN.md section 9). Prints a table and writes results.json.",
    )
    p.add_argument("--cepat", action="store_true", help="small sizes, for a smoke run (seconds, not minutes)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write the JSON (default {DEFAULT_OUT})")
    p.add_argument(
        "--hanya", choices=sorted(MODULES), action="append", help="run only this benchmark (repeatable); default all"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; 0 on success."""
    args = parser().parse_args(argv)
    sizes = CEPAT if args.cepat else FULL
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    progress = progress_printer()
    started = now_iso()
    host = machine()
    start = time.perf_counter()
    names = args.hanya or list(MODULES)
    progress(f"benchmarks ({sizes.name}): {', '.join(names)}")
    results: list[BenchmarkResult] = []
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
        for name in names:
            begun = time.perf_counter()
            result = MODULES[name].run(sizes, Path(tmp) / name, progress)
            result.seconds = time.perf_counter() - begun
            progress(f"{name}: done in {result.seconds:.1f} s")
            results.append(result)
    seconds = time.perf_counter() - start
    document = results_json(results, sizes.name, seconds, started, host)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    notes = [f"{r.name}: {note}" for r in results for note in r.notes]
    starred = [f for r in results for f in r.figures if isinstance(f, Figure) and f.note]
    print()
    print(f"Ratio = {RATIO}.")
    if starred:
        print("* = the figure has a note in results.json (a peer refused or stopped, and why).")
    for note in notes:
        print(f"- {note}")
    info = document["machine"]
    print(
        f"\n{started}, {info['cpu_model']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, {info['python']}; "
        f"load average {info['load_average_at_start']} at start, {info['load_average_at_end']} at end; "
        f"run took {seconds:.0f} s; written to {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
