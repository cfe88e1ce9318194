"""Restart safety: a service process killed with SIGKILL at every step boundary and restarted ends
in the same database state as an undisturbed run, with no notification lost or doubled."""

from __future__ import annotations

import json
import multiprocessing
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.workflow import crash_runner

REPO = Path(__file__).resolve().parents[2]
# Columns that depend on when a row was delivered, not on what was decided.
VOLATILE = {"outbox": {"sent_at", "attempts", "next_attempt_at", "last_error"}}
TABLES = [
    "periods",
    "bidang_reports",
    "people",
    "audit",
    "snapshots",
    "rekomendasi",
    "tindak_lanjut",
    "outbox",
    "timers_fired",
    "poll_state",
]


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every compared table as sorted rows without volatile columns."""
    conn = sqlite3.connect(db)
    try:
        result = {}
        for table in TABLES:
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [c[0] for c in cursor.description]
            keep = [i for i, n in enumerate(names) if n not in VOLATILE.get(table, set())]
            result[table] = sorted((tuple(row[i] for i in keep) for row in cursor), key=repr)
        result["unsent"] = conn.execute("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").fetchall()
        return result
    finally:
        conn.close()


def delivered(notify: Path) -> Counter[str]:
    if not notify.exists():
        return Counter()
    return Counter(json.loads(line)["key"] for line in notify.read_text().splitlines())


def forked_runs(jobs: list[tuple[Path, Path, int | None]]) -> list[int]:
    """Run the service script in forked child processes side by side; their exit codes (-9: killed)."""
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=crash_runner.run, args=job, daemon=True) for job in jobs]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode is not None, "runner hung"
    return [p.exitcode for p in processes]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Counter[str]]:
    """An undisturbed run in a fresh interpreter (``python -m tests.workflow.crash_runner``)."""
    base = tmp_path_factory.mktemp("reference")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.workflow.crash_runner",
            "--db",
            str(base / "k.db"),
            "--notify",
            str(base / "sent.jsonl"),
        ],
        cwd=REPO,
        check=True,
        timeout=60,
    )
    return dump(base / "k.db"), delivered(base / "sent.jsonl")


def test_reference_run_is_complete(reference) -> None:
    tables, sent = reference
    assert [row[3] for row in tables["periods"]] == ["selesai"]
    assert tables["unsent"] == [(0,)]
    assert set(sent) == {row[1] for row in tables["outbox"]} and max(sent.values()) == 1
    events = {row[9] for row in tables["audit"]}
    assert {
        "dikembalikan_sekretaris",
        "dikembalikan_kepala_dinas",
        "buka_kembali_bidang",
        "kembalikan",
        "pengajuan_tidak_valid",
        "serahkan_ke_kasubbag",
        "serahkan_ke_bidang",
        "tutup",
    } <= events


@pytest.mark.reliability
def test_sigkill_at_every_boundary_then_restart(tmp_path: Path, reference) -> None:
    crash_runner.run(tmp_path / "warm.db", tmp_path / "warm.jsonl", None)  # warm caches before forking
    expected_tables, expected_sent = reference
    kills, done, kill_at = 0, False, 1
    while not done:
        # Two kill points at a time, each on its own database: the machine has two cores.
        batch = [(tmp_path / f"k{k}.db", tmp_path / f"k{k}.jsonl", k) for k in (kill_at, kill_at + 1)]
        codes = forked_runs(batch)
        killed = [job for job, code in zip(batch, codes, strict=True) if code != 0]
        assert all(code in (0, -signal.SIGKILL) for code in codes), codes
        done = len(killed) < len(batch)  # a run ended before its kill point: every boundary tried
        kills += len(killed)
        assert forked_runs([(db, notify, None) for db, notify, _ in killed]) == [0] * len(killed)
        for db, notify, k in killed:
            assert dump(db) == expected_tables, f"state differs after a kill at boundary {k}"
            assert delivered(notify) == expected_sent, f"notifications differ after a kill at boundary {k}"
            db.unlink()
        kill_at += len(batch)
    assert kills > 50


def test_killed_fresh_interpreter_recovers(tmp_path: Path, reference) -> None:
    """One kill of a real ``python -m`` process in the middle, restarted the same way."""
    args = [
        sys.executable,
        "-m",
        "tests.workflow.crash_runner",
        "--db",
        str(tmp_path / "k.db"),
        "--notify",
        str(tmp_path / "sent.jsonl"),
    ]
    killed = subprocess.run([*args, "--kill-at", "40"], cwd=REPO, timeout=60)
    assert killed.returncode == -signal.SIGKILL
    subprocess.run(args, cwd=REPO, check=True, timeout=60)
    assert dump(tmp_path / "k.db") == reference[0]
    assert delivered(tmp_path / "sent.jsonl") == reference[1]
