"""Every press is answered before Telegram calls it too old, however long Google takes (issue #14 item 9).

Telegram refuses an answer about 15 s after the press ("query is too old"); the sandbox does the
same on its clock. Google's work may wait much longer (latency, a quota minute). An approval is
decided in the store and answered "done" while its lock follows; an action that must wait on
Google first (the distribution) is answered "being processed" as it turns to Google, and its
outcome edited into the message afterwards. Time on Google's side passes by advancing the
sandbox clock, as the Google session does when its waits follow it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
import requests

from bot import texts
from bot.telegram.app import KinerjaBot
from sandbox.server import SandboxServer
from sheets.facts import Feedback, WorkbookRef
from sheets.master import Master
from tests.telegram_edge.conftest import KEPALA, SEKRETARIS, EdgeWorkbook, People, action_rows
from tests.telegram_edge.test_safety import audit_count, collecting, submitted


class SlowGoogle(EdgeWorkbook):
    """The Google edge double whose TW lock and distribution wait (a gate; a quota minute on the sandbox clock)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.quota_wait = 0.0
        self.distribution_gate: threading.Event | None = None
        self.distributing = threading.Event()

    def distribute(
        self, tahun: int, tw: int, bidang_kodes: Sequence[str], master: Master | None = None
    ) -> Mapping[str, WorkbookRef]:
        self.distributing.set()
        if self.distribution_gate is not None:
            assert self.distribution_gate.wait(20), "the test never opened the gate"
        return super().distribute(tahun, tw, bidang_kodes, master)

    def lock_tw(self, tahun: int, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        self.entered.set()
        if self.quota_wait:  # what GoogleSession does on a 429 when its sleep follows the sandbox clock
            requests.post(
                f"{self.base_url}/_sandbox/clock", json={"advance_seconds": self.quota_wait}, timeout=5
            ).raise_for_status()
        if self.gate is not None:
            assert self.gate.wait(20), "the test never opened the gate"
        super().lock_tw(tahun, kode, tw, feedback)


@pytest.fixture
def workbook(sandbox_server: SandboxServer) -> SlowGoogle:
    return SlowGoogle(sandbox_server.base_url)


async def _koreksi_request(kinerja: KinerjaBot, workbook: SlowGoogle, people: People) -> tuple[int, dict[str, Any]]:
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    return pid, await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")


async def test_an_approval_is_answered_done_and_edited_while_its_lock_still_waits_on_google(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    pid, request = await _koreksi_request(kinerja, workbook, people)
    workbook.gate = threading.Event()
    pressed = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    answer = await people.answer(pressed["callback_query_id"])
    edited = await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    # Decided, answered and edited while the TW lock is still waiting on Google (it may not have started yet).
    assert not workbook.gate.is_set()
    assert answer["show_alert"] is False and answer["text"] == texts.ANS_DONE
    assert action_rows(edited) == []  # the buttons gave way to the outcome (the links stay)
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1
    await asyncio.to_thread(workbook.entered.wait, 10)
    workbook.gate.set()


async def test_an_action_waiting_on_google_is_answered_as_it_turns_to_google_and_edited_after(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    request = await people.wait_message(SEKRETARIS, "Permohonan persetujuan pembagian format")
    workbook.distribution_gate = threading.Event()
    first = await people.press(SEKRETARIS, request["message_id"], "Setujui")
    answer = await people.answer(first["callback_query_id"])
    assert answer["show_alert"] is False and answer["text"] == texts.ANS_IN_PROGRESS
    await asyncio.to_thread(workbook.distributing.wait, 10)
    # A second press while Google distributes: answered at once, nothing more happens.
    second = await people.press(SEKRETARIS, request["message_id"], "Setujui")
    again = await people.answer(second["callback_query_id"])
    assert again["show_alert"] is True and again["text"] == texts.ANS_ALREADY_PRESSED
    assert not workbook.distribution_gate.is_set()
    workbook.distribution_gate.set()
    edited = await people.wait_edit(SEKRETARIS, request["message_id"], ">> Disetujui oleh")
    assert action_rows(edited) == []
    assert audit_count(kinerja, pid, "setujui_distribusi") == 1


async def test_a_quota_minute_on_googles_side_does_not_make_the_press_too_old(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    _, request = await _koreksi_request(kinerja, workbook, people)
    workbook.quota_wait = 61.0  # past Telegram's 15 s on the sandbox clock
    pressed = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    state = await people.control(f"telegram/callbacks/{pressed['callback_query_id']}")
    assert state["answered"] is True and state["text"] == texts.ANS_DONE
    assert (await people.control("clock"))["offset_seconds"] >= 61


async def test_a_second_approval_while_the_lock_still_waits_is_refused_at_once_and_changes_nothing(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    pid, request = await _koreksi_request(kinerja, workbook, people)
    workbook.gate = threading.Event()
    first = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await asyncio.to_thread(workbook.entered.wait, 10)
    second = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    answer = await people.answer(second["callback_query_id"])
    assert answer["show_alert"] is True and "sudah disetujui" in answer["text"]
    workbook.gate.set()
    assert (await people.answer(first["callback_query_id"]))["show_alert"] is False
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1
