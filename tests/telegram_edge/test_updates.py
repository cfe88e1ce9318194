"""The update processor: one chat's updates in arrival order, different chats side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User

from bot.telegram.updates import PerChatUpdateProcessor, chat_key


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Pegawai", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, from_user=user, text="x"))


async def _run(processor: PerChatUpdateProcessor, updates: list[Update], log: list[str]) -> None:
    async def handle(update: Update, pause: float) -> None:
        log.append(f"start {update.update_id}")
        await asyncio.sleep(pause)
        log.append(f"end {update.update_id}")

    # The first update of each chat is the slow one: a later one must not overtake it.
    tasks = []
    seen: set[int | None] = set()
    for update in updates:
        key = chat_key(update)
        pause = 0.05 if key not in seen else 0.0
        seen.add(key)
        tasks.append(asyncio.create_task(processor.process_update(update, handle(update, pause))))
    await asyncio.gather(*tasks)


async def test_one_chat_keeps_its_order() -> None:
    log: list[str] = []
    await _run(PerChatUpdateProcessor(8), [_update(1, 7), _update(2, 7), _update(3, 7)], log)
    assert log == ["start 1", "end 1", "start 2", "end 2", "start 3", "end 3"]


async def test_different_chats_run_side_by_side() -> None:
    log: list[str] = []
    await _run(PerChatUpdateProcessor(8), [_update(1, 7), _update(2, 8)], log)
    assert log[:2] == ["start 1", "start 2"], log


@pytest.mark.parametrize("update, expected", [(object(), None), (Update(5), None)], ids=["not-an-update", "empty"])
def test_updates_without_a_chat_are_not_keyed(update: object, expected: int | None) -> None:
    assert chat_key(update) == expected


async def test_locks_are_dropped_when_unused() -> None:
    processor = PerChatUpdateProcessor(4)
    await _run(processor, [_update(1, 7), _update(2, 7)], [])
    assert processor._chats == {}
