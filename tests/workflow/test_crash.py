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


def forked_run(db: Path, notify: Path, kill_at: int | None) -> int:
    """Run the service script in a forked child process; its exit code (-9 when killed)."""
    process = multiprocessing.get_context("fork").Process(
        target=crash_runner.run, args=(db, notify, kill_at), daemon=True
    )
    process.start()
    process.join(60)
    assert process.exitcode is not None, "runner hung"
    return process.exitcode


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
    kills = 0
    for kill_at in range(1, 1000):
        db, notify = tmp_path / f"k{kill_at}.db", tmp_path / f"k{kill_at}.jsonl"
        code = forked_run(db, notify, kill_at)
        if code == 0:  # the script ended before this boundary: every boundary has been tried
            break
        assert code == -signal.SIGKILL
        kills += 1
        assert forked_run(db, notify, None) == 0
        assert dump(db) == expected_tables, f"state differs after a kill at boundary {kill_at}"
        assert delivered(notify) == expected_sent, f"notifications differ after a kill at boundary {kill_at}"
        for path in tmp_path.glob(f"k{kill_at}.*"):
            path.unlink()
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
