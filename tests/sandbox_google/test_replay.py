"""Every recorded cassette replays against a fresh sandbox, none skipped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.replay import cassette_paths, replay_file
from tests.conftest import FIDELITY_DIR

CASSETTES = FIDELITY_DIR / "google" / "cassettes"
PATHS = cassette_paths([CASSETTES]) if CASSETTES.is_dir() else []
# The cassettes are vendored in the repository: a missing or empty folder is a failure, never a skip.
if not PATHS:
    raise RuntimeError(f"fidelity cassettes not found in {CASSETTES}")
# gspread cassettes not among the vendored ones (see extra_cassettes/README.md)
EXTRA = cassette_paths([Path(__file__).parent / "extra_cassettes"])


@pytest.mark.parametrize("path", EXTRA, ids=[p.stem for p in EXTRA])
def test_extra_cassette_replays(path: Path) -> None:
    outcome = replay_file(path)
    assert outcome.status == "passed", outcome.detail


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_cassette_replays(path: Path) -> None:
    outcome = replay_file(path)
    assert outcome.status == "passed", outcome.detail


def test_replay_cli_prints_summary(tmp_path: Path) -> None:
    subset = [str(p) for p in PATHS[:3]]
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "replay", *subset], capture_output=True, text=True, timeout=60
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines[0].startswith("volatile fields")
    assert lines[-1] == "3 passed, 0 failed, 0 skipped"


def test_replay_reports_failure_and_skip(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"interactions": [{"request": {"method": "GET", "uri": "https://sheets.googleapis.com/v4/spreadsheets/nope",'
        ' "body": null, "headers": {}}, "response": {"status": {"code": 200, "message": "OK"}, "headers": {},'
        ' "body": {"string": "{}"}}}], "version": 1}'
    )
    skipped = tmp_path / "skip.json"
    skipped.write_text(
        '{"interactions": [{"request": {"method": "POST", "uri": "https://sheets.googleapis.com/v4/spreadsheets/x:batchUpdate",'
        ' "body": "{\\"requests\\": [{\\"sortRange\\": {}}]}", "headers": {}}, "response": {"status": {"code": 200,'
        ' "message": "OK"}, "headers": {}, "body": {"string": "{}"}}}], "version": 1}'
    )
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "replay", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "sortRange" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 1 skipped"
