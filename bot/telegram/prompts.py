"""Pending ForceReply prompts, kept in the store so that a restart loses none.

When a button needs free text (Kembalikan's reason, the analysis note, the rekomendasi, a
tindak lanjut), the bot records the prompt (action, period, bidang, its text, the message whose
buttons give way to the outcome), then sends it as a ForceReply and stores the message id Telegram
gave it. The person's reply is matched through ``reply_to_message``: by message id, or, when the
service died between Telegram accepting the prompt and the id being stored, by the prompt's text
(Telegram quotes it in the reply). A prompt is answered once.

The table (``telegram_prompts``) is part of the store's schema, created by Alembic migration 0002
and given ``prompt_text`` (and a nullable ``message_id``) by 0003 and ``origin_links`` (the URL
buttons the origin message keeps after its outcome) by 0009.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from bot.store.repository import Store
from bot.store.schema import telegram_prompts
from bot.telegram.actions import Action


@dataclass(frozen=True)
class Prompt:
    """A prompt waiting for (or having received) its answer."""

    id: int
    chat_id: int
    message_id: int | None
    telegram_user_id: int
    action: Action
    period_id: int
    bidang: str | None
    origin_message_id: int | None
    origin_text: str | None
    answered_at: datetime | None
    origin_links: tuple[tuple[str, str], ...] = ()  # (label, url) of the origin's URL buttons


class PromptStore:
    """Reads and writes pending prompts (blocking; call through ``asyncio.to_thread``)."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def record(
        self,
        *,
        chat_id: int,
        telegram_user_id: int,
        action: Action,
        period_id: int,
        bidang: str | None,
        origin_message_id: int | None,
        origin_text: str | None,
        prompt_text: str,
        now: datetime,
        origin_links: Sequence[tuple[str, str]] = (),
    ) -> int:
        """Remember a prompt about to be sent; its id for :meth:`sent` or :meth:`discard`."""
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(telegram_prompts).values(
                    chat_id=chat_id,
                    message_id=None,
                    telegram_user_id=telegram_user_id,
                    action=action.value,
                    period_id=period_id,
                    bidang=bidang,
                    origin_message_id=origin_message_id,
                    origin_text=origin_text,
                    origin_links=json.dumps([list(pair) for pair in origin_links]) if origin_links else None,
                    prompt_text=prompt_text.strip(),
                    created_at=now,
                )
            )
            key = result.inserted_primary_key
            if key is None:  # pragma: no cover - an INSERT of one row always has its key
                raise RuntimeError("the store returned no id for the new prompt")
            return int(key[0])

    def sent(self, prompt_id: int, message_id: int) -> None:
        """Telegram accepted the prompt as ``message_id``."""
        with self.engine.begin() as conn:
            conn.execute(
                update(telegram_prompts).where(telegram_prompts.c.id == prompt_id).values(message_id=message_id)
            )

    def discard(self, prompt_id: int) -> None:
        """The prompt could not be sent: forget it."""
        with self.engine.begin() as conn:
            conn.execute(delete(telegram_prompts).where(telegram_prompts.c.id == prompt_id))

    def find(self, chat_id: int, message_id: int, quoted_text: str | None = None) -> Prompt | None:
        """The prompt behind a bot message, or None when that message was no prompt.

        ``quoted_text`` (the replied-to message's text) finds a prompt whose id was never stored
        because the service stopped right after sending it; the id is stored then.
        """
        table = telegram_prompts
        with self.engine.begin() as conn:
            row = conn.execute(
                select(table).where(table.c.chat_id == chat_id, table.c.message_id == message_id)
            ).first()
            if row is None and quoted_text and quoted_text.strip():
                row = conn.execute(
                    select(table)
                    .where(
                        table.c.chat_id == chat_id,
                        table.c.message_id.is_(None),
                        table.c.prompt_text == quoted_text.strip(),
                    )
                    .order_by(table.c.id.desc())
                    .limit(1)
                ).first()
                if row is not None:
                    conn.execute(update(table).where(table.c.id == row.id).values(message_id=message_id))
        if row is None:
            return None
        return Prompt(
            row.id,
            row.chat_id,
            message_id,
            row.telegram_user_id,
            Action(row.action),
            row.period_id,
            row.bidang,
            row.origin_message_id,
            row.origin_text,
            row.answered_at,
            tuple((str(label), str(url)) for label, url in json.loads(row.origin_links or "[]")),
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
