"""Store: the same service on PostgreSQL (product) and on SQLite (peer, the stack's default).

The chat benchmark's product run (:func:`benchmarks.chat.measure_product`: L lone presses, then P
Kepala Bidang press Setujui at once, Google on loopback), each in a fresh world and service
process, differing only in ``database.url``: SQLite in the world's folder (WAL,
``synchronous=NORMAL``, as the product opens it) and an empty database on a throwaway PostgreSQL
cluster (:mod:`benchmarks.postgres`) started with the server's default durability (``fsync`` and
``synchronous_commit`` on, as an admin's installation runs). When the chat benchmark ran earlier in
the same ``python -m benchmarks`` run, its SQLite run is the peer (same sizes, same process); else
SQLite is measured here. In each run:

- **press burst**: the p95 of press -> edited message, and the CPU time per press: the service
  process's own, and the service's plus the database server's (on SQLite the store runs inside the
  service, so both are the same);
- **poll**: ``WorkflowService.poll_once`` in the service process, cycle after cycle until every
  changed workbook is read (a cycle reads at most ``google.maks_baca_per_polling``; no quota and
  no interval here): the Drive change listing, one read per changed workbook, the intake and the
  store writes (to-read list, snapshots, reports, sheet memory, outbox, cursor), with k = 0
  workbooks changed and with k = N (every staff member set "Siap Dikoreksi"): wall time, and CPU
  time of the service plus the database server for k = N.

ratio = SQLite / PostgreSQL (lower is better): above 1, PostgreSQL does better. No target: the
choice of store is the admin's, the figures say what it costs. Without PostgreSQL binaries the
benchmark reports itself skipped and why.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import chat
from benchmarks.common import BenchmarkResult, Figure, Progress, Sizes, world
from benchmarks.postgres import PostgresUnavailable, throwaway_cluster

DATABASE = "kinerja_bench"


def _cpu_ms_per_press(m: chat.Product, burst: int, *, with_server: bool) -> float:
    seconds = m.presses.cpu_s + (m.presses.server_cpu_s if with_server else 0.0)
    return round(seconds * 1000 / burst, 2)


def figures(burst: int, n: int, postgres: chat.Product, sqlite: chat.Product) -> list[Figure]:
    """The figures of one run on each store (product = PostgreSQL, peer = SQLite)."""
    presses = {"presses": burst, "at_once": True}
    assert postgres.idle_cycle is not None and sqlite.idle_cycle is not None
    return [
        Figure(
            "PostgreSQL vs SQLite: press -> edited message, p95",
            "ms",
            round(postgres.presses.burst(95), 1),
            round(sqlite.presses.burst(95), 1),
            presses,
        ),
        Figure(
            "PostgreSQL vs SQLite: press -> edited message, one press alone (median)",
            "ms",
            round(postgres.presses.lone, 1),
            round(sqlite.presses.lone, 1),
            {"presses": len(postgres.presses.lone_ms), "at_once": False},
        ),
        Figure(
            "PostgreSQL vs SQLite: CPU per press, service process",
            "ms",
            _cpu_ms_per_press(postgres, burst, with_server=False),
            _cpu_ms_per_press(sqlite, burst, with_server=False),
            presses,
        ),
        Figure(
            "PostgreSQL vs SQLite: CPU per press, service + database server",
            "ms",
            _cpu_ms_per_press(postgres, burst, with_server=True),
            _cpu_ms_per_press(sqlite, burst, with_server=True),
            presses,
        ),
        Figure(
            "PostgreSQL vs SQLite: poll (poll_once until every changed workbook is read), wall time",
            "ms",
            round(postgres.idle_cycle["seconds"] * 1000, 1),
            round(sqlite.idle_cycle["seconds"] * 1000, 1),
            {"N": n, "k": 0, "cycles": sqlite.idle_cycle["cycles"]},
        ),
        Figure(
            "PostgreSQL vs SQLite: poll (poll_once until every changed workbook is read), wall time",
            "ms",
            round(postgres.cycle["seconds"] * 1000, 1),
            round(sqlite.cycle["seconds"] * 1000, 1),
            {"N": n, "k": n, "cycles": sqlite.cycle["cycles"]},
        ),
        Figure(
            "PostgreSQL vs SQLite: poll CPU, service + database server",
            "ms",
            round((postgres.cycle["cpu_seconds"] + postgres.server_cpu_cycle_s) * 1000, 1),
            round(sqlite.cycle["cpu_seconds"] * 1000, 1),
            {"N": n, "k": n, "cycles": sqlite.cycle["cycles"]},
        ),
    ]


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """The press burst and the poll cycle on PostgreSQL and on SQLite, side by side."""
    burst, lone = sizes.chat_presses, sizes.chat_lone
    n = burst + lone
    result = BenchmarkResult(
        name="store",
        title="Penyimpanan: PostgreSQL dan SQLite / store: PostgreSQL and SQLite",
        product=f"the service (as in the chat benchmark, {n} bidang, Google on loopback) on PostgreSQL: a throwaway "
        "local cluster (unix socket, server defaults: fsync and synchronous_commit on), database migrated by the "
        "service at start",
        peer="the same service on SQLite (the stack's default: one file, WAL, synchronous=NORMAL)",
        notes=[
            "ratio = SQLite / PostgreSQL: above 1 PostgreSQL does better; each store runs once in a fresh world "
            "and service process, so the figures vary between runs like the chat figures",
            "CPU per press: user + system time of the service process from just before the presses at once until "
            "every message was edited (its RSS sampler every 2 ms included), plus on PostgreSQL the server's "
            "processes (the postmaster, its backends, and those it reaped) over the same span, divided by the presses",
            "poll: WorkflowService.poll_once cycle after cycle until every changed workbook is read, timed inside "
            "the service process; k = 0 right after the first poll, k = N once every staff member set Siap "
            "Dikoreksi (snapshots, reports, koreksi requests in the outbox and the cursor written to the store)",
            "SQLite with synchronous=NORMAL does not wait for the disk on each commit; PostgreSQL with its "
            "defaults does (one fsync of the WAL per commit)",
        ],
    )
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with throwaway_cluster() as cluster:
            sqlite = chat.LAST.get((sizes.name, burst))
            if sqlite is None:
                progress(f"store: SQLite, {n} bidang")
                with world(n, workdir / "sqlite", telegram=True) as w:
                    sqlite = chat.measure_product(w, lone, workdir / "sqlite", progress, label="sqlite", idle_poll=True)
            else:
                result.notes.append("SQLite: the chat benchmark's product run of this run (same sizes)")
            progress(f"store: PostgreSQL {cluster.version}, {n} bidang")
            url = cluster.create_database(DATABASE)
            try:
                with world(n, workdir / "postgresql", telegram=True) as w:
                    postgres = chat.measure_product(
                        w,
                        lone,
                        workdir / "postgresql",
                        progress,
                        label="postgresql",
                        database_url=url,
                        server_cpu=cluster.cpu_seconds,
                        idle_poll=True,
                    )
            finally:
                cluster.drop_database(url)
            result.product = result.product.replace("PostgreSQL:", f"PostgreSQL {cluster.version}:", 1)
    except PostgresUnavailable as err:
        reason = str(err).strip().splitlines()[0]
        progress(f"store: skipped: {reason}")
        result.notes = [f"skipped: {reason}"]
        return result
    result.figures = figures(burst, n, postgres, sqlite)
    result.notes.append(
        f"Google requests per press (mean, the draft rekap included): {postgres.google_requests / n:.1f} on "
        f"PostgreSQL, {sqlite.google_requests / n:.1f} on SQLite"
    )
    return result
