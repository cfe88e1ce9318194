"""SIGKILL inside an action: after a Google request was carried out, before the store heard of it.

Each action that has both a Google effect and a move (the distribution of the next TW, the koreksi
approval with the draft rekap it triggers, the return, the reopen after the Sekretaris returned
the dinas report, the last tindak lanjut with the close and the archive) runs in a process of its
own (:mod:`tests.reliability.kill_runner` builds it) on the real Google edge and the sandbox. The
sandbox applies the k-th Google request of the action and holds its answer (``/_sandbox/holds``);
the test kills the process meanwhile, lets the answer go, starts the service again
(``WorkflowService.start``, which resumes what a stop interrupted) and compares with the same
action undisturbed:

- the store: the period's and every report's state, no intention left pending;
- the sheets: which TW is open for input, which are locked, and the Status tab, per bidang;
- the messages: every outbox row (kind and recipient) exactly once, plus at most one message
  telling the person who pressed that the action was completed after the restart.

Kill points: every Google request of actions with up to four; for the long ones (the draft rekap,
the archive) the first two, the middle one and the last. The action runs in a forked process (the
imports are warm), which the test kills with SIGKILL.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.workflow.intentions import PENDING
from sandbox.server import SandboxServer
from sheets.master import Master
from tests.reliability.conftest import KODES, SheetWorld, WorldImage, restore_world, save_image
from tests.reliability.kill_runner import (
    ACTIONS,
    KASUBBAG,
    KEPALA_DINAS,
    KEPALA_PTK,
    REASON,
    SEKRETARIS,
    build_service,
)

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(600)]

RESUMED = "action_resumed"
MAX_POINTS = 4


def _submitted(world: SheetWorld) -> None:
    world.set_status("PTK")
    world.poll()


def _revision(world: SheetWorld) -> None:
    _submitted(world)
    service, period = world.service, world.period_id
    service.approve_koreksi(world.actor(KEPALA_PTK), period, "PTK")
    service.submit_to_sekretaris(world.actor(KASUBBAG), period)
    service.return_by_sekretaris(world.actor(SEKRETARIS), period, REASON)


def _follow_up(world: SheetWorld) -> None:
    _submitted(world)
    service, period = world.service, world.period_id
    service.approve_koreksi(world.actor(KEPALA_PTK), period, "PTK")
    service.submit_to_sekretaris(world.actor(KASUBBAG), period)
    service.forward_to_kepala_dinas(world.actor(SEKRETARIS), period)
    service.approve_by_kepala_dinas(world.actor(KEPALA_DINAS), period)
    service.give_rekomendasi(world.actor(KEPALA_DINAS), period, "Percepat realisasi anggaran.")
    service.record_tindak_lanjut(world.actor(SEKRETARIS), period, "SEK", "Rapat koordinasi bulanan.")


def _next_tw_asked(world: SheetWorld) -> None:
    world.service.start_period(2026, 2)  # the Sekretaris is asked to approve sharing TW II


CASES: dict[str, Callable[[SheetWorld], None]] = {
    "setujui_distribusi": _next_tw_asked,
    "setujui": _submitted,
    "kembalikan": _submitted,
    "buka_kembali": _revision,
    "tindak_lanjut_terakhir": _follow_up,
}


@dataclass
class Outcome:
    """What a run left: states, sheets, messages (the resumed-action messages apart)."""

    states: dict[str, Any]
    sheets: dict[str, Any]
    messages: Counter[tuple[str, str, Any]]
    resumed: list[dict[str, Any]]
    pending: int


def _settings_file(world: SheetWorld, folder: Path) -> Path:
    path = folder / "settings.yaml"
    path.write_text(
        yaml.safe_dump(world.settings.model_dump(mode="json", exclude_none=True), allow_unicode=True), encoding="utf-8"
    )
    return path


def _run_action(settings_file: Path, action: str) -> None:
    logging.disable(logging.CRITICAL)  # the child's logging is not the test's output
    ACTIONS[action](build_service(settings_file))


def _runner(settings_file: Path, action: str) -> Any:
    """The action in a forked process of its own (the imports are warm: no interpreter start)."""
    process = multiprocessing.get_context("fork").Process(target=_run_action, args=(settings_file, action), daemon=True)
    process.start()
    return process


def _restart_and_capture(settings_file: Path) -> Outcome:
    """Start the service again as ``bot run`` does (it resumes what was interrupted, then the
    schedule's first sweep carries out what came due), then read what it left."""
    service = build_service(settings_file)
    try:
        service.start()
        service.tick()  # Scheduler.run_all_now: e.g. the draft rekap an approval made due before the kill
        period_id = service.current_period_id()
        assert period_id is not None
        with service.store.transaction() as tx:
            period = tx.get_period(period_id)
            assert period is not None
            states = {"dinas": period.state, **{r.bidang: r.state for r in tx.reports(period_id)}}
            rows = tx.outbox_rows()
            pending = len(tx.intentions_with_status(PENDING))
        sheets = {}
        for kode in KODES:
            read = service.workbook.read_book(2026, kode).read
            sheets[kode] = {"open_tw": read.open_tw, "locked": sorted(read.approved), "status": read.status}
        messages = Counter((r.dedupe_key, r.kind, r.recipient_person_id) for r in rows if r.kind != RESUMED)
        resumed = [dict(r.payload) for r in rows if r.kind == RESUMED]
        return Outcome(states, sheets, messages, resumed, pending)
    finally:
        service.store.dispose()


def _kill_points(count: int) -> list[int]:
    if count <= MAX_POINTS:
        return list(range(1, count + 1))
    return sorted({1, 2, count // 2, count})


def _held(world: SheetWorld, process: Any, timeout: float = 90.0) -> bool:
    """Until the held request arrived (True) or the action ended before it (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(hold["held"] for hold in world.control.holds()):
            return True
        if not process.is_alive():
            return False
        time.sleep(0.02)
    raise AssertionError("the held Google request never arrived")


@pytest.fixture(scope="module")
def staged(
    sheet_sandbox: SandboxServer, master: Master, images: Any, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], WorldImage]:
    """Per case, the world brought just before the action, saved once."""
    saved: dict[str, WorldImage] = {}

    def stage(case: str) -> WorldImage:
        if case not in saved:
            world = restore_world(sheet_sandbox, images(False), master, tmp_path_factory.mktemp(f"stage-{case}"))
            CASES[case](world)
            saved[case] = save_image(sheet_sandbox, world)
        return saved[case]

    return stage


@pytest.mark.parametrize("action", list(CASES), ids=list(CASES))
def test_killed_inside_an_action_ends_as_undisturbed(
    action: str,
    sheet_sandbox: SandboxServer,
    master: Master,
    staged: Callable[[str], WorldImage],
    tmp_path: Path,
) -> None:
    image = staged(action)

    def fresh(name: str) -> tuple[SheetWorld, Path]:
        world = restore_world(sheet_sandbox, image, master, tmp_path / name)
        world.store.dispose()  # the runner and the restarted service open it themselves
        return world, _settings_file(world, tmp_path / name)

    world, settings_file = fresh("ungestoord")
    world.control.reset_stats()
    calm = _runner(settings_file, action)
    calm.join(timeout=120)
    assert calm.exitcode == 0
    requests = world.control.google_total()
    expected = _restart_and_capture(settings_file)
    assert expected.resumed == [] and expected.pending == 0
    assert requests > 0

    killed = 0
    for k in _kill_points(requests):
        world, settings_file = fresh(f"k{k}")
        world.control.hold("google", after=k)
        process = _runner(settings_file, action)
        try:
            held = _held(world, process)
            if held:
                process.kill()  # SIGKILL
                process.join(timeout=30)
                assert process.exitcode == -signal.SIGKILL
                killed += 1
        finally:
            world.control.release_holds()
            if process.is_alive():
                process.kill()
                process.join(timeout=30)
        outcome = _restart_and_capture(settings_file)
        where = f"{action}: killed after Google request {k} of {requests}"
        assert outcome.pending == 0, where
        assert outcome.states == expected.states, where
        assert outcome.sheets == expected.sheets, where
        assert outcome.messages == expected.messages, where
        # The person who pressed is told once that the action was completed after the restart
        # (not when the kill fell in the bot's own follow-up step, which nobody pressed).
        assert len(outcome.resumed) <= 1, where
        assert all(message.get("reason") is None for message in outcome.resumed), where
    assert killed >= 1
    # The figures docs/keandalan.md quotes (shown with -s).
    print(f"\n{action}: {requests} permintaan Google, {killed} SIGKILL di dalam tindakan")
