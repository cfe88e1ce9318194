"""Constants of the Telegram half of the sandbox: the default bot, served methods, limits."""

from __future__ import annotations

import re

# The token of the bot that exists after start and after every reset: ``<bot id>:<35 chars>``.
DEFAULT_BOT_TOKEN = "7000000001:AAHkinerja-sandbox_default-bot-tokn"
DEFAULT_BOT_USERNAME = "kinerja_sandbox_bot"
DEFAULT_BOT_FIRST_NAME = "Kinerja Bot"

TOKEN_PATTERN = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{35})$")

# Every Bot API method the sandbox answers (canonical spelling).
SERVED_METHODS: tuple[str, ...] = (
    "getMe",
    "logOut",
    "close",
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
    "answerCallbackQuery",
    "sendPhoto",
    "sendDocument",
    "sendChatAction",
    "getFile",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "getChat",
)

MAX_TEXT_LENGTH = 4096  # UTF-16 code units after entity parsing
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_COMMANDS = 100
# How long a callback query may stay unanswered before Telegram calls it "too old" (400 "Bad
# Request: query is too old and response timeout expired or query ID is invalid"): about 15
# seconds on Telegram; ``/_sandbox/telegram/callback-ttl`` tunes it, measured on the sandbox clock.
CALLBACK_QUERY_TTL_SECONDS = 15.0
MAX_CALLBACK_QUERY_TTL_SECONDS = 3600.0
MAX_LONG_POLL_SECONDS = 50  # Telegram caps getUpdates' timeout
# "For the moment, bots can download files of up to 20MB in size" (getFile): a larger file's
# getFile answers 400 "Bad Request: file is too big".
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

DEFAULT_ALLOWED_UPDATES: frozenset[str] = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)

CHAT_ACTIONS: frozenset[str] = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
