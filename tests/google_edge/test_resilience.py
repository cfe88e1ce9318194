"""Faults: 20% injected 429/503 end in the same workbooks; a crash at any step is healed by a re-run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets.google.errors import GoogleUnavailable
from sheets.google.http import RetryPolicy
from tests.google_edge.conftest import KODES, Env, provisioned_env, workbook_state


@pytest.fixture
def clean_state(tmp_path: Path) -> dict:
    """What a fault-free distribution of TW I to the four bidang leaves behind."""
    with provisioned_env(tmp_path / "clean") as clean:
        clean.workbooks().distribute(2026, 1, KODES)
        return workbook_state(clean)


@pytest.mark.reliability
def test_twenty_percent_429_503_ends_like_a_clean_run(env: Env, clean_state: dict) -> None:
    wb = env.workbooks()
    wb.drive.start_page_token()  # token fetched before the faults start
    env.fault(429, rate=0.1)
    env.fault(503, rate=0.11)
    wb.distribute(2026, 1, KODES)
    wb.distribute(2026, 1, KODES)  # and once more, as a re-run after a crash would
    stats = env.control("GET", "stats")["google"]
    env.clear_faults()
    assert stats["faults_injected"] >= 3
    assert wb.clients.session.retries >= stats["faults_injected"]
    assert workbook_state(env) == clean_state


@pytest.mark.reliability
@pytest.mark.parametrize(
    "method",
    ["drive.files.create", "sheets.spreadsheets.batchUpdate", "drive.permissions.create", "sheets.spreadsheets.get"],
    ids=["create", "layout", "share", "read-layout"],
)
def test_crash_at_a_step_then_rerun_ends_in_the_same_state(env: Env, clean_state: dict, method: str) -> None:
    policy = RetryPolicy(attempts=2, timeout=10.0, initial_wait=0.001, max_wait=0.01)
    if method == "sheets.spreadsheets.get":
        env.workbooks().distribute(2026, 1, KODES[:2])  # reading the layout happens for existing workbooks
    env.fault(500, count=2, method=method)
    with pytest.raises(GoogleUnavailable) as err:
        env.workbooks(policy=policy).distribute(2026, 1, KODES)
    assert "Google" in err.value.penjelasan
    env.clear_faults()
    env.workbooks(policy=policy).distribute(2026, 1, KODES)
    assert workbook_state(env) == clean_state


def test_retries_are_bounded(env: Env) -> None:
    policy = RetryPolicy(attempts=3, timeout=10.0, initial_wait=0.001, max_wait=0.01)
    wb = env.workbooks(policy=policy)
    wb.drive.start_page_token()
    env.reset_stats()
    env.fault(503, rate=1.0, method="drive.files.list")
    with pytest.raises(GoogleUnavailable):
        wb.distribute(2026, 1, KODES)
    assert env.google_methods() == {"drive.files.list": 3}
