"""The service killed with SIGKILL at each SOP step boundary ends like an undisturbed run (issue #10,
deliverable 2, second item).

The real service runs as ``python -m bot run --config FILE`` against the sandbox on the real
clock (polling every 5 s, the minimum); the scheduler opens the latest due TW of the demo's year
and the demo's people play the quarter (:mod:`bot.demo.actors`). Once undisturbed, once killed with
SIGKILL and restarted before: the first step (while the period is being opened), the first step of
every distinct change of SOP step, and four steps in the middle of an SOP step (a ForceReply prompt
pending across the restart, an invalid submission awaiting its fix). After each restart the run
waits until the bot answers a stranger's /start again.

End states are compared modulo times and file ids: workbooks, Drive files, the store (audit trail,
outbox, periods, reports, snapshots, rekomendasi, tindak lanjut) and every chat. A kill between
Telegram accepting a message and the outbox marking it sent resends that one message on restart:
the documented limit of the outbox (at least once, never lost). Such copies are counted and must
sit next to their twin; nothing may be lost and nothing else may differ.

The killed quarter runs on both engines, each in its own sandbox and with its own service
process: once on a SQLite file, once on a PostgreSQL database of the session's server
(tests/postgres.py), with the same kill points (the start, all 8 SOP step boundaries, the four
mid-step points). Both are compared with the one undisturbed quarter (on SQLite): a killed
PostgreSQL run must end exactly as an undisturbed SQLite one. The three quarters run side by side
(they mostly wait on the service's 5 s poll), so the PostgreSQL variant adds far less than a
quarter's time to the suite.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import pytest

from tests.postgres import ENGINES, PostgresServer
from tests.reliability.full_period import SubprocessQuarter, SubprocessRun, align_chat, differences

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(900)]

MID_STEP = ("koreksi-alasan-PTK", "perbaiki-HIJ", "rekomendasi-tulis", "tindak-lanjut-tulis-PTK")
"""Kills inside an SOP step: after Kembalikan was pressed (the prompt for the reason is pending),
after an invalid submission (the fix comes next), after Tulis rekomendasi and Catat tindak lanjut
were pressed (the prompts are pending)."""

CALM = "tanpa-gangguan"


@pytest.fixture(scope="module")
def quarters(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[dict[str, Future[SubprocessRun]]]:
    """The quarter undisturbed (SQLite), and with kills on each engine (each on its own fresh
    sandbox and database); the runs keyed ``tanpa-gangguan``, ``sqlite``, ``postgresql``."""
    tmp: Path = tmp_path_factory.mktemp("sigkill")
    url = postgres_server.create_database(migrated=False)  # python -m bot run migrates it at start
    quarters = {
        CALM: SubprocessQuarter(tmp / CALM),
        "sqlite": SubprocessQuarter(tmp / "sigkill", kills=True, mid_step=MID_STEP),
        "postgresql": SubprocessQuarter(tmp / "sigkill-postgresql", kills=True, mid_step=MID_STEP, database_url=url),
    }
    # The runs share nothing (own sandbox, database, service process) and mostly wait on the
    # service's 5 s poll: side by side they take about the time of the longest one.
    try:
        with ThreadPoolExecutor(max_workers=len(quarters), thread_name_prefix="kuartal") as pool:
            futures = {name: pool.submit(quarter.run) for name, quarter in quarters.items()}
            wait(futures.values())
        _report(futures)
        yield futures
    finally:
        postgres_server.drop_database(url)


def _report(futures: dict[str, Future[SubprocessRun]]) -> None:
    """The figures docs/keandalan.md quotes (shown with -s), for every run that finished."""
    if futures[CALM].exception() is not None:
        return
    calm = futures[CALM].result()
    assert calm.state is not None
    for engine in ENGINES:
        if futures[engine].exception() is not None:
            continue
        killed = futures[engine].result()
        assert killed.state is not None
        chats = calm.state.chats
        duplicates = sum(len(align_chat(chats[p], killed.state.chats[p]).duplicates) for p in chats)
        boundaries = sum(1 for why in killed.planned.values() if why.startswith("batas"))
        print(
            f"\n[sigkill {engine}] TW {killed.tw}, {killed.steps} langkah; {len(killed.killed)} kali SIGKILL "
            f"({boundaries} batas langkah SOP, sisanya awal/tengah langkah); pesan terkirim dua kali: {duplicates}; "
            f"tanpa gangguan {calm.seconds:.0f} s, dengan SIGKILL {killed.seconds:.0f} s; "
            f"dibandingkan: {len(killed.state.workbooks)} berkas bot ({killed.state.files} berkas Drive), "
            f"{sum(map(len, chats.values()))} pesan dalam {len(chats)} percakapan, "
            f"{len(killed.state.store['audit'])} baris audit, {len(killed.state.store['outbox'])} pemberitahuan outbox"
        )
        for index, why in killed.planned.items():
            print(f"  sebelum langkah skenario {index + 1}: {why}")


@pytest.fixture(params=ENGINES)
def runs(
    request: pytest.FixtureRequest, quarters: dict[str, Future[SubprocessRun]]
) -> tuple[SubprocessRun, SubprocessRun]:
    """(the undisturbed run, the run killed on the engine of this parameter)."""
    calm, killed = quarters[CALM].result(), quarters[request.param].result()
    assert calm.state is not None and killed.state is not None
    return calm, killed


def test_killed_at_every_sop_boundary_and_restarted(runs: tuple[SubprocessRun, SubprocessRun]) -> None:
    calm, killed = runs
    assert calm.killed == [] and calm.starts == 1
    assert [index for index, _, _ in killed.killed] == sorted(killed.planned)
    assert killed.starts == len(killed.killed) + 1
    boundaries = {why for why in killed.planned.values() if why.startswith("batas langkah SOP")}
    # every change of SOP step the quarter has: 1->2, 2->3, 3->2, 3->4, 4->5, 5->4, 5->6, 6->9
    assert len(boundaries) == 8
    assert {sop for _, _, sop in killed.killed} == {1, 2, 3, 4, 5, 6, 9}
    assert len(killed.killed) - len(boundaries) == 1 + len(MID_STEP)


def test_both_runs_closed_the_period_and_stopped_cleanly(runs: tuple[SubprocessRun, SubprocessRun]) -> None:
    for run in runs:
        assert run.state is not None
        assert [p["state"] for p in run.state.store["periods"]] == ["selesai"]
        assert {row["status"] for row in run.state.store["outbox_delivery"]} == {"terkirim"}
        assert run.exit_code == 0


def test_same_workbooks_files_and_store(runs: tuple[SubprocessRun, SubprocessRun]) -> None:
    calm, killed = runs
    assert calm.state is not None and killed.state is not None
    assert differences(calm.state, killed.state, chats=False) == []


def test_no_message_lost_and_copies_only_from_the_outbox_resend(runs: tuple[SubprocessRun, SubprocessRun]) -> None:
    calm, killed = runs
    assert calm.state is not None and killed.state is not None
    total = 0
    for person, expected in calm.state.chats.items():
        aligned = align_chat(expected, killed.state.chats[person])
        assert aligned.lost == (), f"{person}: pesan hilang {aligned.lost}"
        assert aligned.unexpected == (), f"{person}: pesan tak terduga {aligned.unexpected}"
        total += aligned.resends
    # each kill can catch at most the one notification the outbox was sending
    assert total <= len(killed.killed)
