"""Views.open_moves: what one person may do now, the read model behind /bantuan.

One walk through a quarter (every return path included) asks, at each stage, for the moves of
the people who hold something and of some who hold nothing. Every move listed must pass the
action's own check (``check_action``), and every move the check lets through must be listed: the
read model cannot drift from the guards.
"""

from __future__ import annotations

from bot.workflow.errors import ActionRefused
from bot.workflow.guards import BIDANG_DINAS_EVENTS
from bot.workflow.machine import BidangEvent as BE
from bot.workflow.machine import DinasEvent as DE
from bot.workflow.service import Move, WorkflowService
from bot.workflow.views import PERSON_EVENTS
from tests.workflow.conftest import KADIS, KASUBBAG, KEPALA, PTK_KEPALA, PTK_STAF, SEK_STAF, SEKRETARIS, actor_of
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver

NOTHING: frozenset[Move] = frozenset()


def _assert_moves(service: WorkflowService, pid: int, who: int, expected: set[Move] | frozenset[Move]) -> None:
    actor = actor_of(service, who)
    moves = service.open_moves(actor, pid)
    assert set(moves) == expected and len(moves) == len(expected), (who, moves)
    for event in PERSON_EVENTS:
        concerns_bidang = isinstance(event, BE) or event in BIDANG_DINAS_EVENTS
        for bidang in service.kodes if concerns_bidang else (None,):
            try:
                service.check_action(actor, pid, event, bidang)
            except ActionRefused:
                assert Move(event, bidang) not in expected, (who, event, bidang)
            else:
                assert Move(event, bidang) in expected, (who, event, bidang)


def test_open_moves_are_exactly_what_the_guards_allow_through_a_quarter(
    service: WorkflowService, workbook: InMemoryWorkbook
) -> None:
    d = Driver(service, workbook, None)
    s, actor = service, d.actor
    pid = d.pid = s.start_period(2026, 1)
    _assert_moves(s, pid, SEKRETARIS, {Move(DE.APPROVE_DISTRIBUTION, None), Move(DE.DEFER_DISTRIBUTION, None)})

    s.approve_distribution(actor(SEKRETARIS), pid)
    staf_ptk = {Move(BE.SUBMIT, "PTK"), Move(BE.VALUES_CHANGED, "PTK")}
    _assert_moves(s, pid, PTK_STAF, staf_ptk)

    d.submit("PTK")
    _assert_moves(s, pid, PTK_KEPALA, {Move(BE.APPROVE, "PTK"), Move(BE.RETURN, "PTK")})
    _assert_moves(s, pid, KEPALA["LAT"], NOTHING)  # another bidang's head
    _assert_moves(s, pid, SEK_STAF, {Move(BE.SUBMIT, "SEK"), Move(BE.VALUES_CHANGED, "SEK")})

    for kode in s.kodes:
        if kode != "PTK":
            d.submit(kode)
        d.approve(kode)
    _assert_moves(s, pid, KASUBBAG, {Move(DE.ADD_ANALYSIS_NOTE, None), Move(DE.SUBMIT_TO_SEKRETARIS, None)})

    s.submit_to_sekretaris(actor(KASUBBAG), pid)
    _assert_moves(s, pid, SEKRETARIS, {Move(DE.FORWARD_TO_KEPALA_DINAS, None), Move(DE.RETURN_BY_SEKRETARIS, None)})
    s.return_by_sekretaris(actor(SEKRETARIS), pid, "Periksa data PTK.")
    revision = {Move(DE.ADD_ANALYSIS_NOTE, None), Move(DE.SUBMIT_TO_SEKRETARIS, None)}
    reopen = {Move(DE.REOPEN_BIDANG, k) for k in s.kodes} | {Move(BE.REOPEN, k) for k in s.kodes}
    _assert_moves(s, pid, KASUBBAG, revision | reopen)

    s.submit_to_sekretaris(actor(KASUBBAG), pid)
    s.forward_to_kepala_dinas(actor(SEKRETARIS), pid)
    _assert_moves(s, pid, KADIS, {Move(DE.APPROVE_BY_KEPALA_DINAS, None), Move(DE.RETURN_BY_KEPALA_DINAS, None)})
    s.approve_by_kepala_dinas(actor(KADIS), pid)
    _assert_moves(s, pid, KADIS, {Move(DE.GIVE_REKOMENDASI, None)})

    s.give_rekomendasi(actor(KADIS), pid, "Tingkatkan serapan.", {"PTK": "Perluas bursa kerja."})
    _assert_moves(s, pid, PTK_KEPALA, {Move(DE.RECORD_TINDAK_LANJUT, "PTK")})
    _assert_moves(s, pid, SEKRETARIS, {Move(DE.RECORD_TINDAK_LANJUT, "SEK")})  # the Sekretaris answers for SEK
    s.record_tindak_lanjut(actor(PTK_KEPALA), pid, "PTK", "Bursa kerja diperluas.")
    _assert_moves(s, pid, PTK_KEPALA, NOTHING)
