"""Telegram handlers: short async functions that check, call the workflow service, and answer.

Every press and command is checked server-side: the sender must be bound (else a polite answer on
how to register), the callback data must decode (else a clear answer), and the workflow service
checks role, bidang and current state before writing anything; its :class:`ActionRefused` reason
is shown in the callback answer (an alert) or as a reply. Blocking store/Google work runs in a
thread (``asyncio.to_thread``). A decision edits its message: the buttons give way to the outcome
(what, who, when). Kembalikan and the other free-text steps send a ForceReply prompt recorded in
the store (:mod:`bot.telegram.prompts`); the answer is matched through ``reply_to_message``.

What a button does (its event, prompt, service call and outcome) is its row in
:data:`bot.telegram.actions.ACTIONS`; the handlers hold no per-action logic of their own. Before a
prompt is sent, :meth:`WorkflowService.check_action` runs the action's own checks for the row's
event without writing, so a refused Kembalikan never asks for a reason. Handlers use only the
service's public methods.

The callback answer is sent before the service's action runs (Telegram refuses an answer after
about 15 seconds, and an action may wait longer on Google): the store-only checks run first, so a
refusal reason is still its alert; the outcome is edited into the message afterwards, and a
refusal found only by the action follows as a message. Every Bot API call of a handler (replies, answers,
edits, prompts) goes through :meth:`EdgeContext.call`, the notifier's retry rules: a 429 waits as
told, a network error is retried, so a reply is delayed rather than lost.

In a private chat every message gets an answer: a photo or a PDF is a bukti dukung
(:mod:`bot.telegram.handlers.evidence`); unknown commands, stickers, voice notes and other files
are told what the bot understands. In groups the bot stays silent (its messages carry official
data meant for one person, and it must not chatter in an office group); edited messages are not
even requested from Telegram (``allowed_updates``), so an edit never repeats an action.

The handlers live in the modules of this package: :mod:`bot.telegram.handlers.context` (the
:class:`EdgeContext` and the steps every handler shares), :mod:`bot.telegram.handlers.commands`
(/start /daftar /status /rekap /kirim /bantuan), :mod:`bot.telegram.handlers.changes` (/plh
/induk /perubahan), :mod:`bot.telegram.handlers.buttons` (callback queries and ForceReply answers),
:mod:`bot.telegram.handlers.evidence` (bukti dukung by photo or file) and
:mod:`bot.telegram.handlers.messages` (everything else, and errors); :func:`register`
adds them all to the application.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.telegram.handlers.buttons import ANSWER_WITHIN_SECONDS, on_button, on_reply, precheck, show_outcome
from bot.telegram.handlers.changes import cmd_induk, cmd_perubahan, cmd_plh
from bot.telegram.handlers.commands import (
    REKAP_ROLES,
    cmd_bantuan,
    cmd_daftar,
    cmd_kirim,
    cmd_rekap,
    cmd_start,
    cmd_status,
    status_text,
)
from bot.telegram.handlers.context import BOT_DATA_KEY, BotCall, EdgeContext, edge
from bot.telegram.handlers.evidence import CHOICE_PATTERN, on_evidence, on_evidence_choice
from bot.telegram.handlers.messages import on_error, on_free_text, on_my_chat_member, on_not_text, on_unknown_command

__all__ = [
    "ANSWER_WITHIN_SECONDS",
    "BOT_DATA_KEY",
    "REKAP_ROLES",
    "BotCall",
    "EdgeContext",
    "cmd_bantuan",
    "cmd_daftar",
    "cmd_induk",
    "cmd_kirim",
    "cmd_perubahan",
    "cmd_plh",
    "cmd_rekap",
    "cmd_start",
    "cmd_status",
    "edge",
    "on_button",
    "on_error",
    "on_evidence",
    "on_evidence_choice",
    "on_free_text",
    "on_my_chat_member",
    "on_not_text",
    "on_reply",
    "on_unknown_command",
    "precheck",
    "register",
    "show_outcome",
    "status_text",
]


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler of the bot to ``application`` (private chats only)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", cmd_start, filters=private))
    application.add_handler(CommandHandler("daftar", cmd_daftar, filters=private))
    application.add_handler(CommandHandler("status", cmd_status, filters=private))
    application.add_handler(CommandHandler("rekap", cmd_rekap, filters=private))
    application.add_handler(CommandHandler("kirim", cmd_kirim, filters=private))
    application.add_handler(CommandHandler("bantuan", cmd_bantuan, filters=private))
    application.add_handler(CommandHandler("plh", cmd_plh, filters=private))
    application.add_handler(CommandHandler("induk", cmd_induk, filters=private))
    application.add_handler(CommandHandler("perubahan", cmd_perubahan, filters=private))
    application.add_handler(CallbackQueryHandler(on_evidence_choice, pattern=CHOICE_PATTERN))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(private & filters.TEXT & filters.REPLY & ~filters.COMMAND, on_reply))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_free_text))
    # Anything else a person sends in private gets an answer; groups get none (see docs/keandalan.md).
    application.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(private & (filters.PHOTO | filters.Document.ALL), on_evidence))
    application.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_not_text))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
