"""A representative part of the reliability suite again, on PostgreSQL (tests/postgres.py).

The whole suite on both engines would double its time; these are the cases where the engine
matters: the real bot (PTB long polling the sandbox, the outbox worker, the workflow service)
on a PostgreSQL store, with a doubled Setujui pressed through Telegram (PTB handles updates
concurrently), a prompt surviving a restart, bad answers to a prompt, and the bad chat inputs
that reach the store (a code counted for the lockout, a refused /kirim, a forged or replayed
press, a stale prompt answer). Each reuses the SQLite test as it is, with only the
``settings`` fixture pointed at PostgreSQL. The store, workflow and race tests run on both
engines in full (tests/workflow).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.app import KinerjaBot
from config.settings import Settings
from sandbox.server import SandboxServer
from tests.postgres import PostgresServer
from tests.reliability import test_bad_chat
from tests.reliability.full_period import run_in_process
from tests.reliability.test_bad_chat import CASES, ChatCase
from tests.telegram_edge import test_safety
from tests.telegram_edge.conftest import (  # the Telegram edge's fixtures, reused as they are
    EdgeWorkbook,
    People,
    _timedelta_periods,
    edge_settings,
    kinerja,
    people,
    sandbox_server,
    workbook,
)

__all__ = ["_timedelta_periods", "kinerja", "people", "sandbox_server", "workbook"]

ON_POSTGRES = (
    "daftar-garbage-code",
    "forged-callback-other-role",
    "replayed-old-callback",
    "prompt-answer-from-wrong-person",
    "kirim-other-bidang",
    "kirim-already-submitted",
)


@pytest.fixture
def settings(sandbox_server: SandboxServer, postgres_server: PostgresServer, tmp_path: Path) -> Iterator[Settings]:
    """The Telegram edge's two-bidang settings with a fresh, migrated PostgreSQL database."""
    url = postgres_server.create_database(migrated=True)
    base = edge_settings(sandbox_server.base_url, tmp_path / "unused.db")
    yield base.model_copy(update={"database": base.database.model_copy(update={"url": url})})
    postgres_server.drop_database(url)


def _on_postgres(settings: Settings) -> None:
    assert settings.database.url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("case", [CASES[key] for key in ON_POSTGRES], ids=list(ON_POSTGRES))
async def test_bad_chat_input_on_postgres(
    settings: Settings,
    kinerja: KinerjaBot,
    workbook: EdgeWorkbook,
    people: People,
    case: ChatCase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _on_postgres(settings)
    await test_bad_chat.test_bad_chat_input_is_answered_and_changes_nothing(kinerja, workbook, people, case, caplog)


async def test_double_press_counts_once_on_postgres(
    settings: Settings, kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    _on_postgres(settings)
    await test_safety.test_double_press_counts_once_and_replay_is_refused(kinerja, workbook, people)


async def test_stale_prompt_answer_is_refused_on_postgres(
    settings: Settings, kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    _on_postgres(settings)
    await test_safety.test_stale_prompt_answer_is_refused(kinerja, workbook, people)


async def test_prompt_still_works_after_bad_answers_on_postgres(
    settings: Settings, kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    _on_postgres(settings)
    await test_bad_chat.test_prompt_still_works_after_bad_answers(kinerja, workbook, people)


@pytest.mark.parametrize("id_stored", [True, False], ids=["stopped-later", "stopped-right-after-sending-the-prompt"])
async def test_pending_prompt_survives_a_restart_on_postgres(
    settings: Settings, kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People, id_stored: bool
) -> None:
    _on_postgres(settings)
    await test_safety.test_pending_prompt_survives_a_restart(kinerja, workbook, people, settings, id_stored)


def test_demo_quarter_on_postgres(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's whole quarter (its runner, people and simulated clock, as tests/reliability runs it)
    on a PostgreSQL store: the period closes, every notification is delivered once, outputs written.

    ``python -m bot demo`` itself always provisions its own SQLite store and ignores KINERJA_*
    variables (bot/demo.py), so the quarter is run in process with the URL given to its settings.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    url = postgres_server.create_database(migrated=False)  # the bot migrates it at start, as run does
    try:
        run = run_in_process(tmp_path, None, database_url=url)
    finally:
        postgres_server.drop_database(url)
    store = run.state.store
    assert [p["state"] for p in store["periods"]] == ["selesai"]
    assert {row["status"] for row in store["outbox_delivery"]} == {"terkirim"}
    assert len(store["snapshots"]) == 4
    assert {"ajukan", "setujui", "tutup"} <= {row["event"] for row in store["audit"]}
    written = {path.name for path in run.outputs.values() if path.stat().st_size > 0}
    assert {"transkrip.md", "riwayat.csv"} <= written
