"""The floor of the chat benchmark: a bare python-telegram-bot bot that answers a button and edits its message.

``python -m benchmarks.floor_bot TOKEN BASE_URL CONCURRENT_UPDATES``, alone in its own process, long
polling the sandbox as the product does. It is the least any bot built on the same stack does for
a button press: receive the update, answer the callback query, edit the message. No store, no
Google, no check of who pressed. Kinerja Bot's press does all of that and more, so its latency
divided by this one says what the product adds to the stack's own cost (issue #20).

What a real user would write, and why this is it: the "inline keyboard" example of
python-telegram-bot's documentation (``examples/inlinekeyboard.py``) is exactly
``await query.answer()`` then ``await query.edit_message_text(...)`` in a ``CallbackQueryHandler``.
It gets the same long polling (``poll_interval=0``, the product's ``getUpdates`` timeout) and the
same number of updates handled at once as the product (``telegram.concurrent_updates``, the
product's default), so the two differ only in what a press does. Like the product's press it
answers first and then edits the message with the outcome appended.

Commands (besides those of :mod:`benchmarks.processes`): ``{"cmd": "send", "chats": [id, ...],
"text"}`` sends each chat a message with one "Setujui" button -> ``{"message_ids": {chat: id}}``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from benchmarks.processes import send, serve_commands

BUTTON = "Setujui"
OUTCOME = "\n\n>> Disetujui"
POLL_TIMEOUT = 2  # seconds, as the benchmark's service process (benchmarks.service_process)


async def on_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """The whole bot: answer the press, then edit the message with the outcome."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer("Tercatat")
    await query.edit_message_text((getattr(query.message, "text", None) or "") + OUTCOME)


async def serve(token: str, base_url: str, concurrent_updates: int) -> None:
    """Start the bot, then answer the benchmark's commands until ``stop``."""
    base_url = base_url.rstrip("/")
    application = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url[: -len("/bot")] + "/file/bot")
        .concurrent_updates(concurrent_updates)
        .build()
    )
    application.add_handler(CallbackQueryHandler(on_button))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=["callback_query"])

    async def send_buttons(command: dict[str, Any]) -> dict[str, Any]:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(BUTTON, callback_data="setujui")]])
        sent = {}
        for chat_id in command["chats"]:
            message = await application.bot.send_message(int(chat_id), str(command["text"]), reply_markup=markup)
            sent[str(chat_id)] = message.message_id
        return {"message_ids": sent}

    send({"ok": True, "event": "ready"})
    try:
        await serve_commands({"send": send_buttons})
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        send({"ok": True, "event": "stopped"})


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m benchmarks.floor_bot TOKEN BASE_URL CONCURRENT_UPDATES``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m benchmarks.floor_bot TOKEN BASE_URL CONCURRENT_UPDATES", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="floor: %(levelname)s %(name)s %(message)s")
    asyncio.run(serve(args[0], args[1], int(args[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
