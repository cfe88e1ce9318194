"""What every handler shares: the :class:`EdgeContext` and the small steps of each handler.

The EdgeContext holds the services, built once by the composition root and kept in
``bot_data[BOT_DATA_KEY]``; the steps find the sender's actor, reply in as many messages as the
text needs, and tell an unbound sender how to register.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.notifier import split_text
from bot.telegram.prompts import PromptStore
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings

T = TypeVar("T")
# Runs one Bot API call with retries (``TelegramNotifier.call``).
BotCall = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]

BOT_DATA_KEY = "kinerja"


@dataclass
class EdgeContext:
    """The services the handlers use, built once by the composition root (``bot_data[BOT_DATA_KEY]``)."""

    settings: Settings
    service: WorkflowService
    prompts: PromptStore
    caller: BotCall | None = None
    pressing: set[tuple[int, int, str]] = field(default_factory=set)
    """(chat, message, callback data) of presses being processed now (a second one is answered at once)."""

    async def call(self, step: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call under the delivery rules (RetryAfter honoured, network errors retried)."""
        if self.caller is None:
            return await step()
        result: T = await self.caller(step)
        return result

    def now(self) -> datetime:
        """The office's current time."""
        return self.service.now()

    def when(self) -> str:
        """Now, as people read it."""
        return texts.format_waktu(self.now(), self.settings.tz)

    def bidang_nama(self, kode: str | None) -> str | None:
        """A bidang's name (the kode when unknown)."""
        return None if kode is None else self.settings.bidang_nama(kode)


def edge(context: ContextTypes.DEFAULT_TYPE) -> EdgeContext:
    """The EdgeContext stored in ``bot_data``."""
    ctx = context.application.bot_data[BOT_DATA_KEY]
    assert isinstance(ctx, EdgeContext), "bot_data holds no EdgeContext: build the bot with create_bot"
    return ctx


async def _actor(ctx: EdgeContext, telegram_id: int) -> Actor | None:
    found, actor = ctx.service.directory.cached_actor(telegram_id)  # no I/O: no worker thread needed
    if found:
        return actor
    return await asyncio.to_thread(ctx.service.directory.actor_for_telegram, telegram_id)


async def _reply(ctx: EdgeContext, message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer ``message`` in as many parts as ``text`` needs; the buttons ride on the last part."""
    parts = split_text(text)
    for index, part in enumerate(parts):
        buttons = markup if index == len(parts) - 1 else None
        await ctx.call(partial(message.reply_text, part, reply_markup=buttons))


async def _bound_or_explain(ctx: EdgeContext, message: Message, user_id: int) -> Actor | None:
    actor = await _actor(ctx, user_id)
    if actor is None:
        await _reply(ctx, message, texts.start_unbound(ctx.settings.dinas.nama, user_id))
    return actor
