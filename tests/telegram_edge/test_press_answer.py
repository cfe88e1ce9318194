"""Every press is answered before Telegram calls it too old, however long Google takes (issue #14 item 9).

Telegram refuses an answer about 15 s after the press ("query is too old"); the sandbox does the
same on its clock. An approval's Google work (its lock) may wait much longer (latency, a quota
minute): the bot answers the press first, then acts, then edits the outcome into the message. Time on Google's
side passes by advancing the sandbox clock, as the Google session does when its waits follow it.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
import requests

from bot import texts
from bot.telegram.app import KinerjaBot
from sandbox.server import SandboxServer
from sheets.facts import Feedback
from tests.telegram_edge.conftest import KEPALA, EdgeWorkbook, People, action_rows
from tests.telegram_edge.test_safety import audit_count, collecting, submitted


class SlowGoogle(EdgeWorkbook):
    """The Google edge double whose TW lock waits: for a gate, or a quota minute on the sandbox clock."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.gate: threading.Event | None = None
        self.entered = threading.Event()
        self.quota_wait = 0.0

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


async def test_the_press_is_answered_before_googles_work_and_the_outcome_edited_after(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    pid, request = await _koreksi_request(kinerja, workbook, people)
    workbook.gate = threading.Event()
    pressed = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    answer = await people.answer(pressed["callback_query_id"])
    # Answered while the TW lock is still waiting on Google (it may not have started yet).
    assert not workbook.gate.is_set()
    assert answer["show_alert"] is False and answer["text"] == texts.ANS_IN_PROGRESS
    await asyncio.to_thread(workbook.entered.wait, 10)
    workbook.gate.set()
    edited = await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    assert action_rows(edited) == []  # the buttons gave way to the outcome (the links stay)
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1


async def test_a_quota_minute_on_googles_side_does_not_make_the_press_too_old(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    _, request = await _koreksi_request(kinerja, workbook, people)
    workbook.quota_wait = 61.0  # past Telegram's 15 s on the sandbox clock
    pressed = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    state = await people.control(f"telegram/callbacks/{pressed['callback_query_id']}")
    assert state["answered"] is True and state["text"] == texts.ANS_IN_PROGRESS
    assert (await people.control("clock"))["offset_seconds"] >= 61


async def test_a_second_press_while_the_first_is_processed_is_answered_at_once_and_changes_nothing(
    kinerja: KinerjaBot, workbook: SlowGoogle, people: People
) -> None:
    pid, request = await _koreksi_request(kinerja, workbook, people)
    workbook.gate = threading.Event()
    first = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await asyncio.to_thread(workbook.entered.wait, 10)
    second = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    answer = await people.answer(second["callback_query_id"])
    assert answer["show_alert"] is True and answer["text"] == texts.ANS_ALREADY_PRESSED
    workbook.gate.set()
    assert (await people.answer(first["callback_query_id"]))["show_alert"] is False
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh")
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1
