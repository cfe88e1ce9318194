"""The actions table (``bot.telegram.actions``) is complete and keeps the wire codes of sent buttons."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.telegram.actions import ACTIONS, ASKS, ROWS, Action, ActionSpec, Ask, PromptFacts
from bot.telegram.callback_data import CallbackData, decode
from bot.workflow.machine import BIDANG_TABLE, DINAS_TABLE, BidangEvent, DinasEvent
from bot.workflow.service import WorkflowService

# The codes buttons already sent carry: changing one breaks every pending button of that action.
WIRE_CODES = {
    Action.DIST_APPROVE: "dok",
    Action.DIST_DEFER: "dtd",
    Action.KOREKSI_APPROVE: "kok",
    Action.KOREKSI_RETURN: "krt",
    Action.ANALYSIS_NOTE: "anl",
    Action.SUBMIT_SEKRETARIS: "ksk",
    Action.FORWARD_KADIS: "tkd",
    Action.SEKRETARIS_RETURN: "srt",
    Action.KADIS_APPROVE: "dok6",
    Action.KADIS_RETURN: "drt",
    Action.REKOMENDASI: "rek",
    Action.TINDAK_LANJUT: "tl",
    Action.REOPEN_BIDANG: "rop",
    Action.PLH_ACCEPT: "pht",
    Action.PLH_DECLINE: "phx",
    Action.REVISION_APPLY: "rva",
    Action.REVISION_CANCEL: "rvx",
}
# Buttons about something other than a period: their number is a Plh's or a revision's id.
SUBJECT_ACTIONS = {Action.PLH_ACCEPT, Action.PLH_DECLINE, Action.REVISION_APPLY, Action.REVISION_CANCEL}
BIDANG_EVENTS = {event for _, event in BIDANG_TABLE}
DINAS_EVENTS = {event for _, event in DINAS_TABLE}
FACTS = PromptFacts(2, 2026, "Bidang Pelatihan", ("SEK", "PTK"))


def test_every_action_has_exactly_one_row() -> None:
    counts = Counter(row.action for row in ROWS)
    assert set(counts) == set(Action)
    assert all(n == 1 for n in counts.values()), counts
    assert set(ACTIONS) == set(Action)
    assert all(ACTIONS[row.action] is row for row in ROWS)


def test_wire_codes_are_unique_and_unchanged() -> None:
    assert {row.action: row.code for row in ROWS} == WIRE_CODES
    assert len({row.code for row in ROWS}) == len(ROWS)
    for row in ROWS:
        bidang = "PTK" if row.needs_bidang else None
        encoded = CallbackData(row.action, 7, bidang).encode()
        assert encoded == f"k1|{WIRE_CODES[row.action]}|7|{bidang or '-'}"
        assert decode(encoded) == CallbackData(row.action, 7, bidang)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.action.name)
def test_event_is_a_move_of_the_state_tables(row: ActionSpec) -> None:
    if row.action in SUBJECT_ACTIONS:
        assert row.event is None and row.prompt is None and not row.needs_bidang
        return
    if isinstance(row.event, BidangEvent):
        assert row.event in BIDANG_EVENTS
        assert row.needs_bidang, "a bidang report's event needs the bidang"
    else:
        assert isinstance(row.event, DinasEvent)
        assert row.event in DINAS_EVENTS


def test_every_prompt_kind_has_its_texts() -> None:
    assert set(ASKS) == set(Ask)
    for spec in ASKS.values():
        assert spec.placeholder.strip()
    asked = {row.prompt.ask for row in ROWS if row.prompt is not None}
    assert asked == set(Ask), "a prompt kind no button asks for"
    for row in ROWS:
        if row.prompt is None:
            continue
        assert row.prompt.question(FACTS).strip()
        assert row.prompt.reply.strip()
        assert row.prompt.placeholder == ASKS[row.prompt.ask].placeholder


def test_every_row_has_a_label_and_an_outcome() -> None:
    for row in ROWS:
        assert row.label_for("PTK" if row.needs_bidang else None).strip()
        assert row.outcome.strip()
        assert all(kept in ACTIONS and ACTIONS[kept].prompt is None for kept in row.keeps)


def test_service_calls_name_public_workflow_methods() -> None:
    """Each row's call reaches the public method it names (a recording stand-in for the service)."""
    calls: list[tuple[str, tuple[object, ...]]] = []

    class Recorder:
        kodes = ("SEK", "PTK")

        def __getattr__(self, name: str) -> object:
            assert not name.startswith("_") and callable(getattr(WorkflowService, name, None)), name
            return lambda *args: calls.append((name, args))

    actor = object()
    expected = {
        Action.DIST_APPROVE: ("approve_distribution", (actor, 7)),
        Action.DIST_DEFER: ("defer_distribution", (actor, 7)),
        Action.KOREKSI_APPROVE: ("approve_koreksi", (actor, 7, "PTK")),
        Action.KOREKSI_RETURN: ("return_koreksi", (actor, 7, "PTK", "teks")),
        Action.ANALYSIS_NOTE: ("add_analysis_note", (actor, 7, "teks")),
        Action.SUBMIT_SEKRETARIS: ("submit_to_sekretaris", (actor, 7)),
        Action.FORWARD_KADIS: ("forward_to_kepala_dinas", (actor, 7)),
        Action.SEKRETARIS_RETURN: ("return_by_sekretaris", (actor, 7, "teks")),
        Action.KADIS_APPROVE: ("approve_by_kepala_dinas", (actor, 7)),
        Action.KADIS_RETURN: ("return_by_kepala_dinas", (actor, 7, "teks")),
        Action.REKOMENDASI: ("give_rekomendasi", (actor, 7, "teks", {})),
        Action.TINDAK_LANJUT: ("record_tindak_lanjut", (actor, 7, "PTK", "teks")),
        Action.REOPEN_BIDANG: ("reopen_bidang", (actor, 7, "PTK", "teks")),
        Action.PLH_ACCEPT: ("accept_plh", (actor, 7)),
        Action.PLH_DECLINE: ("decline_plh", (actor, 7)),
        Action.REVISION_APPLY: ("apply_revision", (actor, 7)),
        Action.REVISION_CANCEL: ("cancel_revision", (actor, 7)),
    }
    for row in ROWS:
        calls.clear()
        # Recorder stands in for the WorkflowService (it records instead of acting); actor likewise.
        row.call(Recorder(), actor, 7, "PTK" if row.needs_bidang else None, "teks")  # type: ignore[arg-type]
        assert calls == [expected[row.action]], row.action.name
