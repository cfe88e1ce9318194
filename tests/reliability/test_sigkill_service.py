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
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.full_period import SubprocessQuarter, SubprocessRun, align_chat, differences

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(480)]

MID_STEP = ("koreksi-alasan-PTK", "perbaiki-HIJ", "rekomendasi-tulis", "tindak-lanjut-tulis-PTK")
"""Kills inside an SOP step: after Kembalikan was pressed (the prompt for the reason is pending),
after an invalid submission (the fix comes next), after Tulis rekomendasi and Catat tindak lanjut
were pressed (the prompts are pending)."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SubprocessRun, SubprocessRun]]:
    """The quarter undisturbed, then with kills (each on its own fresh sandbox and database)."""
    tmp: Path = tmp_path_factory.mktemp("sigkill")
    # The two runs share nothing (own sandbox, database, service process) and mostly wait on the
    # service's 5 s poll: side by side they take the time of the longer one.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kuartal") as pool:
        calm_future = pool.submit(SubprocessQuarter(tmp / "tanpa-gangguan").run)
        killed_future = pool.submit(SubprocessQuarter(tmp / "sigkill", kills=True, mid_step=MID_STEP).run)
        calm, killed = calm_future.result(), killed_future.result()
    assert calm.state is not None and killed.state is not None
    duplicates = sum(len(align_chat(calm.state.chats[p], killed.state.chats[p]).duplicates) for p in calm.state.chats)
    boundaries = sum(1 for why in killed.planned.values() if why.startswith("batas"))
    print(  # the figures docs/keandalan.md quotes (shown with -s)
        f"\n[sigkill] TW {killed.tw}, {killed.steps} langkah; {len(killed.killed)} kali SIGKILL "
        f"({boundaries} batas langkah SOP, sisanya awal/tengah langkah); pesan terkirim dua kali: {duplicates}; "
        f"tanpa gangguan {calm.seconds:.0f} s, dengan SIGKILL {killed.seconds:.0f} s; "
        f"dibandingkan: {len(killed.state.workbooks)} berkas bot ({killed.state.files} berkas Drive), "
        f"{sum(map(len, calm.state.chats.values()))} pesan dalam {len(calm.state.chats)} percakapan, "
        f"{len(killed.state.store['audit'])} baris audit, {len(killed.state.store['outbox'])} pemberitahuan outbox"
    )
    for index, why in killed.planned.items():
        print(f"  sebelum langkah skenario {index + 1}: {why}")
    yield calm, killed


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
