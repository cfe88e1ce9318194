"""Pending ForceReply prompts, kept in the store so that a restart loses none.

When a button needs free text (Kembalikan's reason, the analysis note, the rekomendasi, a
tindak lanjut), the bot sends a ForceReply prompt and records (chat, prompt message) -> (action,
period, bidang, the message whose buttons give way to the outcome). The person's reply is matched
through ``reply_to_message``; a prompt is answered once.

The table (``telegram_prompts``) is part of the store's schema and created by its Alembic
migration 0002, like every other table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    insert,
    select,
    update,
)

from bot.store.repository import Store
from bot.store.schema import telegram_prompts
from bot.telegram.callback_data import Action


@dataclass(frozen=True)
class Prompt:
    """A prompt waiting for (or having received) its answer."""

    id: int
    chat_id: int
    message_id: int
    telegram_user_id: int
    action: Action
    period_id: int
    bidang: str | None
    origin_message_id: int | None
    origin_text: str | None
    answered_at: datetime | None


class PromptStore:
    """Reads and writes pending prompts (blocking; call through ``asyncio.to_thread``)."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def add(
        self,
        *,
        chat_id: int,
        message_id: int,
        telegram_user_id: int,
        action: Action,
        period_id: int,
        bidang: str | None,
        origin_message_id: int | None,
        origin_text: str | None,
        now: datetime,
    ) -> None:
        """Remember a prompt just sent."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(telegram_prompts).values(
                    chat_id=chat_id,
                    message_id=message_id,
                    telegram_user_id=telegram_user_id,
                    action=action.value,
                    period_id=period_id,
                    bidang=bidang,
                    origin_message_id=origin_message_id,
                    origin_text=origin_text,
                    created_at=now,
                )
            )

    def find(self, chat_id: int, message_id: int) -> Prompt | None:
        """The prompt behind a bot message, or None when that message was no prompt."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(telegram_prompts).where(
                    telegram_prompts.c.chat_id == chat_id, telegram_prompts.c.message_id == message_id
                )
            ).first()
        if row is None:
            return None
        return Prompt(
            row.id,
            row.chat_id,
            row.message_id,
            row.telegram_user_id,
            Action(row.action),
            row.period_id,
            row.bidang,
            row.origin_message_id,
            row.origin_text,
            row.answered_at,
        )

    def mark_answered(self, prompt_id: int, now: datetime) -> bool:
        """Close a prompt; False when it was answered already."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(telegram_prompts)
                .where(telegram_prompts.c.id == prompt_id, telegram_prompts.c.answered_at.is_(None))
                .values(answered_at=now)
            )
        return result.rowcount == 1
