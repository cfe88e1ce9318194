"""Durable intentions (issue #16): an action that needs Google is recorded first, closed with its
move, compensated when it does not take effect, and resumed after a stop."""

from __future__ import annotations

from typing import Any

import pytest

from bot.store.repository import Store
from bot.workflow.errors import ActionBusy, ActionFailed
from bot.workflow.intentions import DONE, OWED, PENDING, UNDONE, actor_json
from bot.workflow.machine import BIDANG_TABLE, DINAS_TABLE, GoogleEffect
from bot.workflow.machine import BidangState as B
from bot.workflow.notifications import Kind
from bot.workflow.service import WorkflowService
from tests.workflow.conftest import PTK_KEPALA, actor_of
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver


@pytest.fixture
def drive(service: WorkflowService, workbook: InMemoryWorkbook, clock: Any) -> Driver:
    return Driver(service, workbook, clock)


def intentions(store: Store) -> list[Any]:
    with store.transaction() as tx:
        return tx.intentions()


def report_state(service: WorkflowService, pid: int, kode: str) -> str:
    return next(r.state for r in service.period_view(pid).reports if r.bidang == kode)


def outbox_of(store: Store, kind: Kind) -> list[Any]:
    with store.transaction() as tx:
        return [r for r in tx.outbox_rows() if r.kind == kind]


def test_every_row_with_a_google_effect_can_be_resumed(service: WorkflowService) -> None:
    """A stop may interrupt any of them: each has the call that carries it out again."""
    operations = {str(event) for (_, event), row in {**BIDANG_TABLE, **DINAS_TABLE}.items() if row.google}
    # The bidang's REOPEN is only ever moved after the dinas report's REOPEN_BIDANG, which names it.
    operations = (operations - {"buka_kembali"}) | {"buka_kembali_bidang"}
    assert operations <= set(service._resumers())


def test_a_submission_waits_for_the_koreksi_locked(service, drive, workbook) -> None:
    """Issue #16 item 3: what the Kepala Bidang approves is what was submitted."""
    drive.collecting()
    drive.submit("PTK")
    assert ("PTK", 1) in workbook.locked
    drive.submit("LAT", ok=False)
    assert ("LAT", 1) not in workbook.locked  # a refused submission stays editable


def test_a_return_leaves_the_cells_editable(service, drive, workbook) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    service.return_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK", "Anggaran belum sesuai SP2D.")
    assert ("PTK", 1) not in workbook.locked
    assert report_state(service, pid, "PTK") == B.RETURNED


def test_a_press_whose_google_effect_fails_changes_nothing_and_can_be_repeated(service, drive, workbook, store) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, PTK_KEPALA)
    # The return's Status write fails after its reopen: a 503 burst longer than the retries.
    workbook.fail["write_feedback"] = 1
    with pytest.raises(ActionFailed, match="tombolnya masih dapat digunakan"):
        service.return_koreksi(kepala, pid, "PTK", "Anggaran belum sesuai SP2D.")
    assert report_state(service, pid, "PTK") == B.SUBMITTED
    last = intentions(store)[-1]
    assert (last.operation, last.status, last.needs_reconcile) == ("kembalikan", UNDONE, False)
    # Compensated: the sheet says again that it waits for the koreksi (locked for staff again).
    assert workbook.feedback[("PTK", 1)][0] == "Menunggu koreksi Kepala Bidang"
    assert ("PTK", 1) in workbook.locked
    service.return_koreksi(kepala, pid, "PTK", "Anggaran belum sesuai SP2D.")
    assert report_state(service, pid, "PTK") == B.RETURNED
    assert intentions(store)[-1].status == DONE
    assert len(outbox_of(store, Kind.REPORT_RETURNED)) == 1


def test_a_compensation_google_refuses_is_retried_by_the_schedule(service, drive, workbook, store) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    workbook.fail["write_feedback"] = 2  # the return's write, then the compensation's
    with pytest.raises(ActionFailed):
        service.return_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK", "Anggaran belum sesuai SP2D.")
    assert intentions(store)[-1].needs_reconcile is True
    service.tick()
    assert intentions(store)[-1].needs_reconcile is False
    assert workbook.feedback[("PTK", 1)][0] == "Menunggu koreksi Kepala Bidang"


def test_an_approval_is_written_in_one_transaction_and_its_lock_follows(service, drive, workbook, store) -> None:
    """DESIGN.md section 6: the move, its audit row, its notifications and the effect it owes at once."""
    pid = drive.collecting()
    drive.submit("PTK")
    service.approve_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK")
    assert report_state(service, pid, "PTK") == B.APPROVED
    last = intentions(store)[-1]
    assert (last.operation, last.effect, last.status) == ("setujui", str(GoogleEffect.LOCK), DONE)
    assert ("PTK", 1) in workbook.locked
    assert workbook.feedback[("PTK", 1)][0] == "Disetujui Kepala Bidang"
    assert len(outbox_of(store, Kind.REPORT_APPROVED)) == 1


def test_an_approval_whose_lock_fails_stands_and_the_schedule_locks_it(service, drive, workbook, store) -> None:
    """Google down at the approval: the decision is recorded and told; the lock is owed, then carried out."""
    pid = drive.collecting()
    drive.submit("PTK")
    workbook.locked.discard(("PTK", 1))  # as if the staff's lock for the koreksi had been lifted by hand
    workbook.fail["lock_tw"] = 1
    service.approve_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK")
    assert report_state(service, pid, "PTK") == B.APPROVED
    assert len(outbox_of(store, Kind.REPORT_APPROVED)) == 1
    last = intentions(store)[-1]
    assert (last.status, last.attempts) == (OWED, 2)
    assert "lock_tw gagal" in last.last_error
    assert ("PTK", 1) not in workbook.locked
    # Another action on the report waits until the lock is done (as while a press is under way).
    with store.transaction() as tx:
        assert tx.pending_intention(pid, "PTK") is not None
    service.tick()
    assert intentions(store)[-1].status == DONE
    assert ("PTK", 1) in workbook.locked
    assert workbook.feedback[("PTK", 1)][0] == "Disetujui Kepala Bidang"


@pytest.mark.parametrize("status", [PENDING, OWED], ids=["pending", "owed"])
def test_a_second_press_while_the_first_runs_is_refused_as_busy(service, drive, store, clock, status: str) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, PTK_KEPALA)
    with store.transaction() as tx:  # the first press is between its record and its move (or its owed lock)
        tx.insert_intention(
            period_id=pid,
            bidang="PTK",
            operation="setujui",
            effect=str(GoogleEffect.LOCK),
            actor=actor_json(kepala),
            status=status,
            created_at=service.now(),
            updated_at=service.now(),
        )
    with pytest.raises(ActionBusy, match="sedang diproses"):
        service.approve_koreksi(kepala, pid, "PTK")


def test_a_lock_a_stop_left_owed_is_carried_out_at_start_without_a_message(
    service, drive, workbook, store, settings
) -> None:
    """The approval was written and shown; only its lock was left: nobody needs telling."""
    pid = drive.collecting()
    drive.submit("PTK")
    workbook.locked.discard(("PTK", 1))
    workbook.fail["lock_tw"] = 1
    service.approve_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK")
    assert intentions(store)[-1].status == OWED
    restarted = WorkflowService(settings, store, workbook)
    restarted.start()
    assert intentions(store)[-1].status == DONE
    assert ("PTK", 1) in workbook.locked
    assert outbox_of(store, Kind.ACTION_RESUMED) == []


@pytest.mark.parametrize("background", [False, True], ids=["in-thread", "worker"])
@pytest.mark.parametrize("google_done", [True, False], ids=["after-google", "before-google"])
def test_an_action_a_stop_interrupted_is_completed_at_start_and_the_person_told(
    service, drive, workbook, store, settings, google_done: bool, background: bool
) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, PTK_KEPALA)
    with store.transaction() as tx:  # what a SIGKILL leaves: the intention recorded, no move
        tx.insert_intention(
            period_id=pid,
            bidang="PTK",
            operation="setujui",
            effect=str(GoogleEffect.LOCK),
            actor=actor_json(kepala),
            created_at=service.now(),
            updated_at=service.now(),
        )
    if google_done:
        workbook.lock_tw(2026, "PTK", 1)
    # With the workers of `bot run`, the lock the resumed approval owes may still be under way when
    # the person is told: the approval itself is done.
    restarted = WorkflowService(settings, store, workbook, bot_steps_in_background=background)
    restarted.start()
    if restarted.owed_effects is not None:
        assert restarted.owed_effects.wait_idle(30)
        restarted.owed_effects.stop(30)
    assert report_state(restarted, pid, "PTK") == B.APPROVED
    assert [r.status for r in intentions(store)][-1] == DONE
    assert not any(r.status == PENDING for r in intentions(store))
    (told,) = outbox_of(store, Kind.ACTION_RESUMED)
    assert told.recipient_person_id == kepala.person_id
    assert told.payload["reason"] is None and told.payload["event"] == "setujui"
    assert len(outbox_of(store, Kind.REPORT_APPROVED)) == 1


def test_an_interrupted_action_no_longer_possible_is_undone_and_the_person_told(
    service, drive, workbook, store, settings
) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, PTK_KEPALA)
    service.return_koreksi(kepala, pid, "PTK", "Anggaran belum sesuai SP2D.")
    with store.transaction() as tx:  # an approval interrupted, though the report was returned since
        tx.insert_intention(
            period_id=pid,
            bidang="PTK",
            operation="setujui",
            effect=str(GoogleEffect.LOCK),
            actor=actor_json(kepala),
            created_at=service.now(),
            updated_at=service.now(),
        )
    workbook.lock_tw(2026, "PTK", 1)  # its lock reached Google before the stop
    restarted = WorkflowService(settings, store, workbook)
    restarted.start()
    assert report_state(restarted, pid, "PTK") == B.RETURNED
    assert ("PTK", 1) not in workbook.locked  # settled: a returned report is editable
    assert intentions(store)[-1].status == UNDONE
    (told,) = outbox_of(store, Kind.ACTION_RESUMED)
    assert told.payload["reason"] and told.recipient_person_id == kepala.person_id
