"""The handlers of everything else a private chat sends, and of errors.

Free text that answers nothing, unknown commands, stickers/voice notes/videos (photos and documents
are bukti dukung: :mod:`bot.telegram.handlers.evidence`), a person unblocking the bot, and the
error handler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.handlers.context import _bound_or_explain, _reply, edge

logger = logging.getLogger("bot.telegram.handlers")  # the name the log has always shown for the handlers


def _fixed_answer(text: str, doc: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """A handler answering a bound person with ``text`` (unbound people learn how to register)."""

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        ctx, message, user = edge(context), update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if await _bound_or_explain(ctx, message, user.id) is not None:
            await _reply(ctx, message, text)

    answer.__doc__ = doc
    return answer


on_free_text = _fixed_answer(texts.ANS_FREE_TEXT, "Text that answers nothing: how to reply to a prompt.")
on_unknown_command = _fixed_answer(
    texts.UNKNOWN_COMMAND, "A command the bot does not have (``/hapus``, a typo): say so and point to /bantuan."
)
on_not_text = _fixed_answer(
    texts.NOT_TEXT, "A sticker, voice note, video...: not text nor a bukti dukung; nothing is stored."
)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person restarted the bot after blocking it: reachable again."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return
    if member.new_chat_member.status == ChatMemberStatus.MEMBER:
        await asyncio.to_thread(edge(context).service.directory.set_reachable, member.from_user.id, True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every unhandled handler error (never the token: PTB's errors do not carry it)."""
    logger.error("handler failed for update %s", getattr(update, "update_id", None), exc_info=context.error)
