"""The two state tables, row by row, and every move they lack."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from bot.workflow.builders import Builders
from bot.workflow.errors import InvalidTransition, WorkflowError
from bot.workflow.guards import Guards
from bot.workflow.machine import (
    BIDANG_HOLDS,
    BIDANG_TABLE,
    DINAS_HOLDS,
    DINAS_TABLE,
    GoogleEffect,
    Scope,
    bidang_transition,
    dinas_transition,
)
from bot.workflow.machine import (
    BidangEvent as BE,
)
from bot.workflow.machine import (
    BidangState as B,
)
from bot.workflow.machine import (
    DinasEvent as DE,
)
from bot.workflow.machine import (
    DinasState as D,
)
from bot.workflow.machine import (
    Role as R,
)
from bot.workflow.notifications import Kind
from bot.workflow.people import Directory
from config.settings import Settings

# The SOP written out independently of the module: (state, event) -> (dest, step, role, mutu baku step).
EXPECTED_BIDANG: dict[tuple[B, BE], tuple[B, int, R, int | None]] = {
    (B.OPENED, BE.VALUES_CHANGED): (B.FILLING, 2, R.STAF, None),
    (B.OPENED, BE.SUBMIT): (B.SUBMITTED, 2, R.STAF, 2),
    (B.OPENED, BE.SUBMISSION_INVALID): (B.FILLING, 2, R.SYSTEM, None),
    (B.FILLING, BE.SUBMIT): (B.SUBMITTED, 2, R.STAF, 2),
    (B.FILLING, BE.SUBMISSION_INVALID): (B.FILLING, 2, R.SYSTEM, None),
    (B.SUBMITTED, BE.APPROVE): (B.APPROVED, 3, R.KEPALA_BIDANG, 3),
    (B.SUBMITTED, BE.RETURN): (B.RETURNED, 3, R.KEPALA_BIDANG, 3),
    (B.RETURNED, BE.VALUES_CHANGED): (B.FILLING, 2, R.STAF, None),
    (B.RETURNED, BE.SUBMIT): (B.SUBMITTED, 2, R.STAF, 2),
    (B.RETURNED, BE.SUBMISSION_INVALID): (B.FILLING, 2, R.SYSTEM, None),
    (B.APPROVED, BE.REOPEN): (B.REOPENED, 4, R.KASUBBAG_KPEP, None),
    (B.REOPENED, BE.VALUES_CHANGED): (B.FILLING, 2, R.STAF, None),
    (B.REOPENED, BE.SUBMIT): (B.SUBMITTED, 2, R.STAF, 2),
    (B.REOPENED, BE.SUBMISSION_INVALID): (B.FILLING, 2, R.SYSTEM, None),
}

EXPECTED_DINAS: dict[tuple[D, DE], tuple[D, int, R, int | None]] = {
    (D.AWAITING_DISTRIBUTION, DE.APPROVE_DISTRIBUTION): (D.COLLECTING, 1, R.SEKRETARIS, 1),
    (D.AWAITING_DISTRIBUTION, DE.DEFER_DISTRIBUTION): (D.AWAITING_DISTRIBUTION, 1, R.SEKRETARIS, None),
    (D.COLLECTING, DE.ALL_APPROVED): (D.ANALYSIS, 4, R.SYSTEM, None),
    (D.ANALYSIS, DE.ADD_ANALYSIS_NOTE): (D.ANALYSIS, 4, R.KASUBBAG_KPEP, None),
    (D.ANALYSIS, DE.SUBMIT_TO_SEKRETARIS): (D.TELAAH_SEKRETARIS, 4, R.KASUBBAG_KPEP, 4),
    (D.TELAAH_SEKRETARIS, DE.FORWARD_TO_KEPALA_DINAS): (D.TELAAH_KEPALA_DINAS, 5, R.SEKRETARIS, 5),
    (D.TELAAH_SEKRETARIS, DE.RETURN_BY_SEKRETARIS): (D.REVISION, 5, R.SEKRETARIS, 5),
    (D.TELAAH_KEPALA_DINAS, DE.APPROVE_BY_KEPALA_DINAS): (D.WRITING_REKOMENDASI, 6, R.KEPALA_DINAS, None),
    (D.TELAAH_KEPALA_DINAS, DE.RETURN_BY_KEPALA_DINAS): (D.REVISION, 6, R.KEPALA_DINAS, 6),
    (D.WRITING_REKOMENDASI, DE.GIVE_REKOMENDASI): (D.HANDED_TO_SEKRETARIS, 6, R.KEPALA_DINAS, 6),
    (D.HANDED_TO_SEKRETARIS, DE.HAND_TO_KASUBBAG): (D.HANDED_TO_KASUBBAG, 7, R.SYSTEM, 7),
    (D.HANDED_TO_KASUBBAG, DE.HAND_TO_BIDANG): (D.FOLLOW_UP, 8, R.SYSTEM, 8),
    (D.REVISION, DE.ADD_ANALYSIS_NOTE): (D.REVISION, 4, R.KASUBBAG_KPEP, None),
    (D.REVISION, DE.SUBMIT_TO_SEKRETARIS): (D.TELAAH_SEKRETARIS, 4, R.KASUBBAG_KPEP, 4),
    (D.REVISION, DE.REOPEN_BIDANG): (D.COLLECTING, 4, R.KASUBBAG_KPEP, None),
    (D.FOLLOW_UP, DE.RECORD_TINDAK_LANJUT): (D.FOLLOW_UP, 9, R.KEPALA_BIDANG, 9),
    (D.FOLLOW_UP, DE.CLOSE): (D.CLOSED, 9, R.SYSTEM, None),
}


def _id(pair: tuple[object, object]) -> str:
    return f"{pair[0]}--{pair[1]}"


@pytest.mark.parametrize("pair", list(EXPECTED_BIDANG), ids=_id)
def test_bidang_row(pair: tuple[B, BE]) -> None:
    dest, step, role, mutu_baku = EXPECTED_BIDANG[pair]
    row = bidang_transition(*pair)
    assert (row.dest, row.sop_step, row.actor_role, row.mutu_baku_step) == (dest, step, role, mutu_baku)


@pytest.mark.parametrize("pair", list(EXPECTED_DINAS), ids=_id)
def test_dinas_row(pair: tuple[D, DE]) -> None:
    dest, step, role, mutu_baku = EXPECTED_DINAS[pair]
    row = dinas_transition(*pair)
    assert (row.dest, row.sop_step, row.actor_role, row.mutu_baku_step) == (dest, step, role, mutu_baku)


BIDANG_MISSING = [p for p in itertools.product(B, BE) if p not in EXPECTED_BIDANG]
DINAS_MISSING = [p for p in itertools.product(D, DE) if p not in EXPECTED_DINAS]


@pytest.mark.parametrize("pair", BIDANG_MISSING, ids=_id)
def test_bidang_missing_row_is_loud(pair: tuple[B, BE]) -> None:
    with pytest.raises(InvalidTransition) as info:
        bidang_transition(*pair)
    assert info.value.state == pair[0] and info.value.event == pair[1]
    assert isinstance(info.value, WorkflowError)


@pytest.mark.parametrize("pair", DINAS_MISSING, ids=_id)
def test_dinas_missing_row_is_loud(pair: tuple[D, DE]) -> None:
    with pytest.raises(InvalidTransition):
        dinas_transition(*pair)


def test_tables_hold_exactly_the_expected_rows() -> None:
    assert set(BIDANG_TABLE) == set(EXPECTED_BIDANG)
    assert set(DINAS_TABLE) == set(EXPECTED_DINAS)


@pytest.mark.parametrize(
    ("table", "initial", "terminal"),
    [(BIDANG_TABLE, B.OPENED, set()), (DINAS_TABLE, D.AWAITING_DISTRIBUTION, {D.CLOSED})],
    ids=["bidang", "dinas"],
)
def test_every_state_reachable_and_only_terminal_states_are_dead_ends(table, initial, terminal) -> None:
    reachable, frontier = {initial}, [initial]
    while frontier:
        state = frontier.pop()
        for (src, _), transition in table.items():
            if src == state and transition.dest not in reachable:
                reachable.add(transition.dest)
                frontier.append(transition.dest)
    states = {s for s, _ in table} | {t.dest for t in table.values()}
    assert reachable == states
    assert {s for s in states if not any(src == s for src, _ in table)} == terminal


@pytest.mark.parametrize("table", [BIDANG_TABLE, DINAS_TABLE], ids=["bidang", "dinas"])
def test_each_event_has_one_actor_role(table) -> None:
    roles: dict[object, set[R]] = {}
    for (_, event), transition in table.items():
        roles.setdefault(event, set()).add(transition.actor_role)
    # SUBMISSION_INVALID is the bot's verdict, SUBMIT the staff's: still one role per event.
    assert all(len(r) == 1 for r in roles.values()), roles


def test_every_sop_step_appears() -> None:
    steps = {t.sop_step for t in (*BIDANG_TABLE.values(), *DINAS_TABLE.values())}
    assert steps == set(range(1, 10))


def test_holders_are_people_and_steps_match_their_exits() -> None:
    for state, holding in BIDANG_HOLDS.items():
        exits = [t for (s, _), t in BIDANG_TABLE.items() if s == state and t.mutu_baku_step]
        assert all(t.mutu_baku_step == holding.sop_step for t in exits), state
    for state, holding in DINAS_HOLDS.items():
        assert holding.role is not R.SYSTEM
        exits = [t for (s, _), t in DINAS_TABLE.items() if s == state and t.mutu_baku_step]
        assert all(t.mutu_baku_step == holding.sop_step for t in exits), state


# The effects each row names: its Google effect and (kind, role, scope) of every notification.
EXPECTED_EFFECTS: dict[tuple[Any, Any], tuple[GoogleEffect | None, tuple[tuple[Kind, R, Scope], ...]]] = {
    (B.OPENED, BE.SUBMIT): (
        GoogleEffect.FEEDBACK,
        ((Kind.KOREKSI_REQUEST, R.KEPALA_BIDANG, Scope.BIDANG), (Kind.SUBMISSION_RECEIVED, R.STAF, Scope.BIDANG)),
    ),
    (B.FILLING, BE.SUBMISSION_INVALID): (
        GoogleEffect.FEEDBACK,
        ((Kind.VALIDATION_FAILED, R.STAF, Scope.BIDANG),),
    ),
    (B.RETURNED, BE.VALUES_CHANGED): (None, ()),
    (B.SUBMITTED, BE.APPROVE): (GoogleEffect.LOCK, ((Kind.REPORT_APPROVED, R.STAF, Scope.BIDANG),)),
    (B.SUBMITTED, BE.RETURN): (GoogleEffect.RETURN, ((Kind.REPORT_RETURNED, R.STAF, Scope.BIDANG),)),
    (B.APPROVED, BE.REOPEN): (
        GoogleEffect.REOPEN,
        ((Kind.BIDANG_REOPENED, R.STAF, Scope.BIDANG), (Kind.BIDANG_REOPENED, R.KEPALA_BIDANG, Scope.BIDANG)),
    ),
    (D.AWAITING_DISTRIBUTION, DE.APPROVE_DISTRIBUTION): (
        GoogleEffect.DISTRIBUTE,
        (
            (Kind.INPUT_OPENED, R.STAF, Scope.EACH_BIDANG),
            (Kind.DISTRIBUTION_DONE, R.KASUBBAG_KPEP, Scope.DINAS),
        ),
    ),
    (D.COLLECTING, DE.ALL_APPROVED): (GoogleEffect.REKAP, ((Kind.REKAP_DRAFT, R.KASUBBAG_KPEP, Scope.DINAS),)),
    (D.ANALYSIS, DE.ADD_ANALYSIS_NOTE): (None, ()),
    (D.TELAAH_KEPALA_DINAS, DE.RETURN_BY_KEPALA_DINAS): (
        None,
        ((Kind.DINAS_RETURNED, R.KASUBBAG_KPEP, Scope.DINAS), (Kind.DINAS_RETURNED, R.SEKRETARIS, Scope.DINAS)),
    ),
    (D.WRITING_REKOMENDASI, DE.GIVE_REKOMENDASI): (GoogleEffect.REKAP, ()),
    (D.HANDED_TO_KASUBBAG, DE.HAND_TO_BIDANG): (
        None,
        ((Kind.REKOMENDASI_FOR_BIDANG, R.KEPALA_BIDANG, Scope.EACH_BIDANG),),
    ),
    (D.REVISION, DE.REOPEN_BIDANG): (None, ()),
    (D.FOLLOW_UP, DE.CLOSE): (GoogleEffect.ARCHIVE, ((Kind.PERIOD_CLOSED, R.SYSTEM, Scope.EVERYONE),)),
}


@pytest.mark.parametrize("pair", list(EXPECTED_EFFECTS), ids=_id)
def test_rows_name_their_effects(pair: tuple[Any, Any]) -> None:
    row = bidang_transition(*pair) if isinstance(pair[1], BE) else dinas_transition(*pair)
    google, notify = EXPECTED_EFFECTS[pair]
    assert row.google is google
    assert tuple((n.kind, n.role, n.scope) for n in row.notify) == notify


def test_every_notified_kind_has_a_payload_builder(settings: Settings) -> None:
    """The generic path can build the payload of every notification a row names."""
    named = {n.kind for table in (BIDANG_TABLE, DINAS_TABLE) for row in table.values() for n in row.notify}
    builders = Builders(settings, Guards(Directory(settings, None), (), datetime.now))  # type: ignore[arg-type]
    assert named == builders.kinds()
