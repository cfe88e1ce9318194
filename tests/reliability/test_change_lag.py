"""Nothing lost or doubled while edits take minutes to reach the Drive change feed (issue #14 item 7).

Edits made through Sheets reach Google's change feed coalesced, typically within 3 minutes (the
sandbox's default lag, on its clock). The poll sees a submission only then; ``/kirim`` reads the
sheet at once; a decision taken before the change arrives must not be undone or doubled by it.
Each case starts from the reliability baseline (SEK approved, PTK filled, Google's quotas on).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.workflow.machine import BidangState
from bot.workflow.notifications import Kind
from tests.reliability.conftest import POLL_INTERVAL, SheetWorld

PTK_KEPALA = 100000021
PTK_STAF = 100000022


def _kinds(w: SheetWorld, since: dict[str, object]) -> list[str]:
    return sorted(str(r.kind) for r in w.new_outbox(since))


def test_a_submission_in_the_sheet_is_noticed_once_the_lag_has_passed(make_world: Callable[..., SheetWorld]) -> None:
    w = make_world()
    before = w.ledger()
    w.set_status("PTK")
    for _ in range(2):  # one and two minutes later: the edit is not in the change feed yet
        w.poll(after=POLL_INTERVAL)
        assert w.state("PTK") is BidangState.FILLING and w.new_outbox(before) == []
    w.poll(after=POLL_INTERVAL + 5)  # three minutes and a bit: it has arrived
    assert w.state("PTK") is BidangState.SUBMITTED
    assert _kinds(w, before) == sorted([Kind.KOREKSI_REQUEST, Kind.SUBMISSION_RECEIVED])
    after = w.ledger()
    w.poll()  # the bot's own notes reach the feed in turn: read, nothing new to say
    assert w.new_outbox(after) == []


def test_kirim_before_the_change_arrives_submits_once(make_world: Callable[..., SheetWorld]) -> None:
    w = make_world()
    before = w.ledger()
    w.set_status("PTK")
    assert w.service.submit_from_sheet(w.actor(PTK_STAF), "PTK", 2026, 1).ok  # the instant path
    assert w.state("PTK") is BidangState.SUBMITTED
    after = w.ledger()
    w.poll()  # the status change arrives: the same submission, not a second one
    assert w.new_outbox(after) == [] and w.ledger() == after
    with w.store.transaction() as tx:
        assert tx.count_audit(w.period_id, "ajukan", "PTK") == 1
    assert len(after["audit"]) > len(before["audit"])


def test_an_approval_before_the_change_arrives_stands(make_world: Callable[..., SheetWorld]) -> None:
    w = make_world()
    w.set_status("PTK")
    w.service.submit_from_sheet(w.actor(PTK_STAF), "PTK", 2026, 1)
    w.service.approve_koreksi(w.actor(PTK_KEPALA), w.period_id, "PTK")
    after = w.ledger()
    assert after["snapshots"]["PTK"] is not None
    w.poll()  # the staff's status and the bot's lock arrive late: nothing to undo or repeat
    assert w.new_outbox(after) == []
    assert w.ledger() == after


def test_a_return_before_the_change_arrives_waits_for_a_new_submission(make_world: Callable[..., SheetWorld]) -> None:
    w = make_world()
    w.set_status("PTK")
    w.service.submit_from_sheet(w.actor(PTK_STAF), "PTK", 2026, 1)
    w.service.return_koreksi(w.actor(PTK_KEPALA), w.period_id, "PTK", "Mohon lengkapi bukti dukung.")
    after = w.ledger()
    w.poll()  # the old "Siap Dikoreksi" arrives after the bot set the sheet back to Draft: no submission
    assert w.state("PTK") is BidangState.RETURNED and w.new_outbox(after) == []
    w.set_status("PTK")  # the staff submit again
    w.poll()
    assert w.state("PTK") is BidangState.SUBMITTED
    assert _kinds(w, after) == sorted([Kind.KOREKSI_REQUEST, Kind.SUBMISSION_RECEIVED])
