"""getUpdates: real long polling, offset, limit, allowed_updates, and one poller at a time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.sandbox_telegram.conftest import Sandbox

USER = 2002


@pytest.fixture
def chat(tg: Sandbox) -> int:
    tg.user(USER, "Sari")
    return USER


def test_timeout_zero_answers_at_once(tg: Sandbox, chat: int) -> None:
    started = time.monotonic()
    assert tg.api("getUpdates", timeout=0) == []
    assert time.monotonic() - started < 2.0


def test_empty_poll_holds_for_timeout(tg: Sandbox, chat: int) -> None:
    started = time.monotonic()
    assert tg.api("getUpdates", timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 5.0


def test_poll_returns_promptly_when_an_update_arrives(tg: Sandbox, chat: int) -> None:
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        future = pool.submit(tg.api, "getUpdates", timeout=30)
        time.sleep(0.3)
        sent = tg.say(chat, "/start")
        updates = future.result(timeout=5)
        elapsed = time.monotonic() - started
    assert elapsed < 10  # far below the 30 s the poll would otherwise hold
    assert [u["update_id"] for u in updates] == [sent["update_id"]]
    message = updates[0]["message"]
    assert message["text"] == "/start"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["id"] == chat and message["chat"]["type"] == "private"


def test_other_requests_are_served_while_a_poll_waits(tg: Sandbox, chat: int) -> None:
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(tg.api, "getUpdates", timeout=6)
        time.sleep(0.2)
        started = time.monotonic()
        tg.api("sendMessage", chat_id=chat, text="tidak terhalang")
        assert time.monotonic() - started < 3.0  # not held until the 6 s poll ends
        future.result(timeout=15)


def test_offset_confirms_and_limit_caps(tg: Sandbox, chat: int) -> None:
    ids = [tg.say(chat, f"pesan {n}")["update_id"] for n in range(5)]
    assert [u["update_id"] for u in tg.api("getUpdates", limit=2)] == ids[:2]
    assert [u["update_id"] for u in tg.api("getUpdates", offset=ids[2])] == ids[2:]
    assert [u["update_id"] for u in tg.api("getUpdates", offset=-1)] == ids[-1:]
    assert tg.api("getUpdates", offset=ids[-1] + 1) == []
    assert tg.api("getWebhookInfo")["pending_update_count"] == 0


def test_allowed_updates_filters_later_updates(tg: Sandbox, chat: int) -> None:
    sent = tg.api(
        "sendMessage",
        chat_id=chat,
        text="Pilih",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    assert tg.api("getUpdates", allowed_updates=["callback_query"]) == []
    tg.say(chat, "diabaikan")
    pressed = tg.control("telegram/press", {"user_id": chat, "message_id": sent["message_id"], "text": "A"})
    updates = tg.api("getUpdates")
    assert [u["update_id"] for u in updates] == [pressed["update_id"]]
    assert list(updates[0]) == ["update_id", "callback_query"]
    tg.api("getUpdates", allowed_updates=[], offset=pressed["update_id"] + 1)
    assert tg.say(chat, "terlihat lagi")["update_id"] is not None


def test_a_second_poll_terminates_the_first_with_409(tg: Sandbox, chat: int) -> None:
    results: list[Any] = []

    def first() -> None:
        results.append(tg.raw("getUpdates", json={"timeout": 5}).json())

    thread = threading.Thread(target=first)
    thread.start()
    time.sleep(0.3)
    assert tg.api("getUpdates", timeout=0) == []
    thread.join(timeout=5)
    assert results[0]["error_code"] == 409
    assert results[0]["description"].startswith("Conflict: terminated by other getUpdates request")


def test_reset_ends_a_waiting_poll(tg: Sandbox, chat: int) -> None:
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        future = pool.submit(tg.api, "getUpdates", timeout=30)
        time.sleep(0.2)
        tg.control("reset", {})
        assert future.result(timeout=5) == []
    assert time.monotonic() - started < 2


def test_fifty_presses_at_once_each_become_one_update(tg: Sandbox, chat: int) -> None:
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    message_ids = [
        tg.api("sendMessage", chat_id=chat, text=f"#{n}", reply_markup=keyboard)["message_id"] for n in range(50)
    ]
    with ThreadPoolExecutor(10) as pool:
        presses = list(
            pool.map(
                lambda mid: tg.control("telegram/press", {"user_id": chat, "message_id": mid, "text": "OK"}),
                message_ids,
            )
        )
    updates = tg.api("getUpdates")
    assert len(updates) == 50
    assert sorted(u["update_id"] for u in updates) == [u["update_id"] for u in updates]
    assert {u["callback_query"]["id"] for u in updates} == {p["callback_query_id"] for p in presses}
