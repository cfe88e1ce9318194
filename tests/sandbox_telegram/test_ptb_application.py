"""A real python-telegram-bot Application polling the sandbox: commands, buttons, ForceReply, photos, 429."""

from __future__ import annotations

import asyncio
import datetime as dtm
import io
import time
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image
from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.sandbox_telegram.conftest import Sandbox

USER = 4004


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22's opt-in to timedelta time periods (silences its deprecation warning)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def chart_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 600), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def build_application(tg: Sandbox) -> Application:
    """The kind of application the product runs, pointed at the sandbox."""
    return (
        Application.builder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .base_file_url(f"{tg.base_url}/file/bot")
        .build()
    )


async def wait_until(check: Callable[[], Any], seconds: float = 8.0) -> Any:
    """Poll ``check`` (run in a thread) until it returns something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await asyncio.to_thread(check)
        if result:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


def at_least(tg: Sandbox, count: int) -> list[dict[str, Any]] | None:
    """The bot's messages to the user once there are ``count`` of them."""
    messages = tg.messages(USER)
    return messages if len(messages) >= count else None


async def test_application_handles_command_callback_force_reply_and_photo(tg: Sandbox) -> None:
    tg.user(USER, "Rina", username="rina")
    received: dict[str, Any] = {}

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Setujui", callback_data="approve:TW1"),
                    InlineKeyboardButton("Kembalikan", callback_data="return:TW1"),
                ]
            ]
        )
        await update.message.reply_text("Laporan <b>TW I</b> siap dikoreksi.", parse_mode="HTML", reply_markup=keyboard)

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        received["data"] = query.data
        await query.answer("Tercatat")
        if query.data == "return:TW1":
            await query.edit_message_text("Laporan TW I dikembalikan.")
            assert query.message is not None
            await context.bot.send_message(
                query.message.chat.id,
                "Mohon tulis alasannya:",
                reply_markup=ForceReply(input_field_placeholder="Alasan"),
            )

    async def reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.reply_to_message is not None
        received["reason"] = update.message.text
        received["reply_to"] = update.message.reply_to_message.text
        await context.bot.send_chat_action(update.message.chat.id, "upload_photo")
        sent = await update.message.reply_photo(chart_png(), caption="Grafik capaian")
        file = await context.bot.get_file(sent.photo[-1].file_id)
        received["downloaded"] = bytes(await file.download_as_bytearray())

    application = build_application(tg)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(filters.REPLY & filters.TEXT, reason))
    async with application:
        await application.bot.set_my_commands([("start", "Mulai"), ("status", "Status laporan")])
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await asyncio.to_thread(tg.say, USER, "/start")
            prompt = await wait_until(lambda: tg.messages(USER))
            assert prompt[0]["text"] == "Laporan TW I siap dikoreksi."
            assert prompt[0]["entities"] == [{"type": "bold", "offset": 8, "length": 4}]

            pressed = await asyncio.to_thread(
                tg.control,
                "telegram/press",
                {"user_id": USER, "message_id": prompt[0]["message_id"], "text": "Kembalikan"},
            )
            messages = await wait_until(lambda: at_least(tg, 2))
            assert messages[0]["text"] == "Laporan TW I dikembalikan." and messages[0]["edits"] == 1
            assert "reply_markup" not in messages[0]
            assert messages[1]["reply_markup"] == {"force_reply": True, "input_field_placeholder": "Alasan"}
            answer = await asyncio.to_thread(tg.control, f"telegram/callbacks/{pressed['callback_query_id']}")
            assert answer["answered"] is True and answer["text"] == "Tercatat"

            await asyncio.to_thread(
                tg.say, USER, "Realisasi belum diisi", reply_to_message_id=messages[1]["message_id"]
            )
            messages = await wait_until(lambda: at_least(tg, 3))
            await wait_until(lambda: "downloaded" in received)
        finally:
            await application.updater.stop()
            await application.stop()
    assert received["data"] == "return:TW1"
    assert received["reason"] == "Realisasi belum diisi" and received["reply_to"] == "Mohon tulis alasannya:"
    photo_message = messages[2]
    assert photo_message["caption"] == "Grafik capaian"
    assert (photo_message["photo"][-1]["width"], photo_message["photo"][-1]["height"]) == (1000, 600)
    assert Image.open(io.BytesIO(received["downloaded"])).size == (1000, 600)
    assert tg.api("getMyCommands") == [
        {"command": "start", "description": "Mulai"},
        {"command": "status", "description": "Status laporan"},
    ]
    assert {
        "getMe",
        "deleteWebhook",
        "getUpdates",
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
        "sendPhoto",
        "getFile",
        "sendChatAction",
        "setMyCommands",
    } <= tg.recorder.methods()


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_ptb_raises_retry_after_on_429(tg: Sandbox) -> None:
    tg.user(USER, "Rina")
    tg.control(
        "faults",
        {"service": "telegram", "status": 429, "count": 1, "method": "sendMessage", "retry_after": 2},
    )
    async with Bot(tg.token, base_url=f"{tg.base_url}/bot") as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "halo")
        assert _seconds(caught.value.retry_after) == 2
        assert (await bot.send_message(USER, "halo lagi")).text == "halo lagi"


async def test_ptb_maps_bad_request_and_forbidden(tg: Sandbox) -> None:
    tg.user(USER, "Rina")
    tg.control("telegram/block", {"user_id": USER})
    async with Bot(tg.token, base_url=f"{tg.base_url}/bot") as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "halo")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(99999, "halo")


async def test_updater_rides_out_a_429_on_get_updates(tg: Sandbox) -> None:
    tg.user(USER, "Rina")
    tg.control("faults", {"service": "telegram", "status": 429, "count": 1, "method": "getUpdates", "retry_after": 1})

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("Selamat datang")

    application = build_application(tg)
    application.add_handler(CommandHandler("start", start))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await asyncio.to_thread(tg.say, USER, "/start")
            messages = await wait_until(lambda: tg.messages(USER))
        finally:
            await application.updater.stop()
            await application.stop()
    assert messages[0]["text"] == "Selamat datang"
    assert tg.control("stats")["telegram"]["faults_injected"] == 1
