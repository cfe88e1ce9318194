"""The Bot API methods the sandbox serves, each answering as Telegram does (result or BotApiError).

Every handler runs with validated parameters (see ``params.py``) and takes the bot's lock
only for the short time it reads or changes state; ``getUpdates`` waits on the bot's
condition, which releases the lock, so long polls never block other requests.
"""

from __future__ import annotations

import copy
import itertools
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from sandbox.telegram import media
from sandbox.telegram.constants import (
    CHAT_ACTIONS,
    DEFAULT_ALLOWED_UPDATES,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_COMMANDS,
    MAX_DOWNLOAD_BYTES,
    MAX_LONG_POLL_SECONDS,
    MAX_TEXT_LENGTH,
)
from sandbox.telegram.entities import Entity, button_url_problem, format_text, normalize_link, utf16_len
from sandbox.telegram.errors import BadRequest, BotApiError, Conflict, EntityParseError, Forbidden
from sandbox.telegram.params import Upload
from sandbox.telegram.state import BotState, Json, StoredMessage, World, now

logger = logging.getLogger(__name__)

Handler = Callable[[BotState, dict[str, Any]], Any]

# What a button does, in the order the Bot API server looks for it (telegram-bot-api's
# Client::get_inline_keyboard_button_type): the first one present wins and the others are dropped,
# so a button given both url and callback_data is a URL button that sends the bot nothing.
# url and callback_data count only when non-empty.
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
)
_BUTTON_LOOKS = ("style", "icon_custom_emoji_id")
_TEXT_BUTTONS_UNALLOWED = "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_STALE_QUERY = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_CONFLICT_WEBHOOK = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
_CONFLICT_POLL = "terminated by other getUpdates request; make sure that only one bot instance is running"


def reply_snapshot(data: Json) -> Json:
    """A message as it appears inside ``reply_to_message`` (no nested reply)."""
    return {key: value for key, value in data.items() if key != "reply_to_message"}


class BotApi:
    """Handlers of the Bot API methods, by canonical name."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.log_out,
            "close": self.close,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getChat": self.get_chat,
        }

    # --- shared helpers ----------------------------------------------------------------------

    def user_json(self, user_id: int) -> Json | None:
        """The ``User`` of a known person (for text_mention entities)."""
        person = self.world.people.get(user_id)
        return person.user() if person else None

    def resolve_chat(self, chat_id: Any) -> tuple[int, Json]:
        """The numeric id and Chat object of ``chat_id``; 400 chat not found otherwise."""
        if isinstance(chat_id, str):
            raise BadRequest("chat not found")
        chat = self.world.chat_json(chat_id)
        if chat is None:
            raise BadRequest("chat not found")
        return chat_id, chat

    @staticmethod
    def check_not_blocked(bot: BotState, chat_id: int) -> None:
        """403 when the person of a private chat has blocked the bot."""
        if chat_id in bot.blocked_by:
            raise Forbidden("bot was blocked by the user")

    def formatted(
        self,
        text: str,
        parse_mode: str | None,
        entities: list[Entity] | None,
        limit: int,
        too_long: str,
    ) -> tuple[str, list[Entity]]:
        """Text and entities after parsing, with Telegram's parse and length errors."""
        try:
            plain, found = format_text(text, parse_mode, _clip_entities(text, entities), self.user_json)
        except EntityParseError as err:
            raise BadRequest(f"can't parse entities: {err}") from err
        except ValueError as err:
            raise BadRequest("unsupported parse_mode") from err
        if utf16_len(plain) > limit:
            raise BadRequest(too_long)
        return plain, found

    @staticmethod
    def inline_markup(markup: Json | None) -> Json | None:
        """The InlineKeyboardMarkup a message keeps, after Telegram's button checks; None otherwise."""
        if markup is None or "inline_keyboard" not in markup:
            return None
        rows: list[list[Json]] = []
        for row in markup["inline_keyboard"]:
            buttons = [BotApi.inline_button(button) for button in row]
            if buttons:
                rows.append(buttons)
        if not rows:
            return None
        return {"inline_keyboard": rows}

    @staticmethod
    def inline_button(button: Json) -> Json:
        """One inline button as Telegram keeps it: its text and the one action that wins (see
        ``_BUTTON_ACTIONS``), after Telegram's checks of that action."""
        present = [key for key in _BUTTON_ACTIONS if key in button and button[key] not in ("", None)]
        if not present:
            raise BadRequest(_TEXT_BUTTONS_UNALLOWED)
        action = present[0]
        value = button[action]
        if action == "callback_data" and len(value.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise BadRequest("BUTTON_DATA_INVALID")
        if action == "url":
            problem = button_url_problem(value)
            if problem is not None:
                raise BadRequest(f"inline keyboard button URL '{value}' is invalid: {problem}")
            value = normalize_link(value) or value
        if not button["text"].strip():
            raise BadRequest("inline keyboard button text must be non-empty")
        kept: Json = {"text": button["text"], action: value}
        kept.update({key: button[key] for key in _BUTTON_LOOKS if key in button})
        return kept

    def reply_target(self, bot: BotState, chat_id: int, params: dict[str, Any]) -> Json | None:
        """The ``reply_to_message`` of a new message, from reply_parameters or reply_to_message_id."""
        reply = params.get("reply_parameters")
        if reply is not None:
            message_id = reply["message_id"]
            allow = reply.get("allow_sending_without_reply", False)
            if reply.get("chat_id") not in (None, chat_id):
                target_chat, _ = self.resolve_chat(reply["chat_id"])
            else:
                target_chat = chat_id
        else:
            message_id = params.get("reply_to_message_id")
            allow = params.get("allow_sending_without_reply", False)
            target_chat = chat_id
        if message_id is None:
            return None
        target = bot.message(target_chat, message_id)
        if target is None:
            if allow:
                return None
            raise BadRequest("message to be replied not found")
        return reply_snapshot(target.data)

    def send(
        self,
        bot: BotState,
        params: dict[str, Any],
        content: Callable[[], Json],
        empty_check: Callable[[], None] | None = None,
    ) -> Json:
        """The common path of every send method: chat, block, reply, markup, then the message."""
        if empty_check is not None:
            empty_check()
        chat_id, chat = self.resolve_chat(params["chat_id"])
        markup_raw = params.get("reply_markup")
        inline = self.inline_markup(markup_raw)
        body = content()
        with bot.lock:
            self.check_not_blocked(bot, chat_id)
            reply_to = self.reply_target(bot, chat_id, params)
            message_id = bot.next_message_id(chat_id)
            data: Json = {"message_id": message_id, "from": bot.user(), "chat": chat, "date": now()}
            if reply_to is not None:
                data["reply_to_message"] = reply_to
            data.update(body)
            if params.get("has_spoiler") and ("photo" in body):
                data["has_media_spoiler"] = True
            if params.get("show_caption_above_media") and "caption" in body:
                data["show_caption_above_media"] = True
            if inline is not None:
                data["reply_markup"] = inline
            bot.store(StoredMessage(chat_id, message_id, "bot", data, markup=markup_raw))
        return data

    def caption(self, params: dict[str, Any]) -> Json:
        """``caption`` and ``caption_entities`` of a media message (empty when none)."""
        if not params.get("caption"):
            return {}
        plain, entities = self.formatted(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            MAX_CAPTION_LENGTH,
            "message caption is too long",
        )
        if not plain:
            return {}
        result: Json = {"caption": plain}
        if entities:
            result["caption_entities"] = entities
        return result

    def editable(self, bot: BotState, params: dict[str, Any]) -> StoredMessage:
        """The bot's message an edit method targets; Telegram's errors otherwise (lock held)."""
        if params.get("inline_message_id"):
            raise BadRequest("MESSAGE_ID_INVALID")
        if "chat_id" not in params:
            raise BadRequest("chat_id is empty")
        if "message_id" not in params:
            raise BadRequest("message identifier is not specified")
        chat_id, _ = self.resolve_chat(params["chat_id"])
        stored = bot.message(chat_id, params["message_id"])
        if stored is None:
            raise BadRequest("message to edit not found")
        if stored.sender != "bot":
            raise BadRequest("message can't be edited")
        return stored

    @staticmethod
    def apply_edit(stored: StoredMessage, changes: Json, markup_raw: Json | None, inline: Json | None) -> Json:
        """Replace the message's JSON with an edited copy (text or caption, markup, edit_date)."""
        previous = stored.data
        data = {key: value for key, value in previous.items() if key not in {"reply_markup", "edit_date"}}
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        data["edit_date"] = max(now(), previous["date"])
        if inline is not None:
            data["reply_markup"] = inline
        stored.history.append(previous)
        stored.edits += 1
        stored.markup = markup_raw
        stored.data = data
        return data

    # --- methods ---------------------------------------------------------------------------

    def get_me(self, bot: BotState, params: dict[str, Any]) -> Json:
        """getMe."""
        return {
            **bot.user(),
            "can_join_groups": True,
            "can_read_all_group_messages": bot.can_read_all_group_messages,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def log_out(self, bot: BotState, params: dict[str, Any]) -> bool:
        """logOut (nothing to log out of on loopback)."""
        return True

    def close(self, bot: BotState, params: dict[str, Any]) -> bool:
        """close."""
        return True

    def get_updates(self, bot: BotState, params: dict[str, Any]) -> list[Json]:
        """getUpdates with real long polling: waits up to ``timeout`` seconds for an update."""
        offset = params.get("offset")
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = min(max(params.get("timeout", 0), 0), MAX_LONG_POLL_SECONDS)
        deadline = time.monotonic() + timeout
        with bot.updates_ready:
            if bot.webhook is not None:
                raise Conflict(_CONFLICT_WEBHOOK)
            if "allowed_updates" in params:
                bot.allowed_updates = frozenset(params["allowed_updates"]) or DEFAULT_ALLOWED_UPDATES
            bot.poll_generation += 1
            generation = bot.poll_generation
            bot.updates_ready.notify_all()  # an older poll still waiting must give way
            self._confirm(bot, offset)
            while not bot.updates and not bot.closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                bot.updates_ready.wait(remaining)
                if bot.poll_generation != generation:
                    raise Conflict(_CONFLICT_POLL)
                if bot.webhook is not None:
                    raise Conflict(_CONFLICT_WEBHOOK)
            return list(itertools.islice(bot.updates, limit))

    @staticmethod
    def _confirm(bot: BotState, offset: int | None) -> None:
        """Forget updates ``offset`` confirms (a negative offset keeps only the last ones)."""
        if offset is None:
            return
        if offset < 0:
            while len(bot.updates) > -offset:
                bot.updates.popleft()
            return
        while bot.updates and bot.updates[0]["update_id"] < offset:
            bot.updates.popleft()

    def set_webhook(self, bot: BotState, params: dict[str, Any]) -> bool:
        """setWebhook: kept (updates are not pushed), and getUpdates then answers 409."""
        url = params["url"]
        if not url.lower().startswith("https://"):
            raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
        with bot.lock:
            bot.webhook = {
                "url": url,
                "has_custom_certificate": isinstance(params.get("certificate"), Upload),
                "max_connections": params.get("max_connections", 40),
            }
            if params.get("ip_address"):
                bot.webhook["ip_address"] = params["ip_address"]
            if "allowed_updates" in params:
                bot.allowed_updates = frozenset(params["allowed_updates"]) or DEFAULT_ALLOWED_UPDATES
                bot.webhook["allowed_updates"] = sorted(bot.allowed_updates)
            if params.get("drop_pending_updates"):
                bot.updates.clear()
            bot.updates_ready.notify_all()
        return True

    def delete_webhook(self, bot: BotState, params: dict[str, Any]) -> bool:
        """deleteWebhook."""
        with bot.lock:
            bot.webhook = None
            if params.get("drop_pending_updates"):
                bot.updates.clear()
        return True

    def get_webhook_info(self, bot: BotState, params: dict[str, Any]) -> Json:
        """getWebhookInfo."""
        with bot.lock:
            if bot.webhook is None:
                return {"url": "", "has_custom_certificate": False, "pending_update_count": len(bot.updates)}
            return {**bot.webhook, "pending_update_count": len(bot.updates)}

    def send_message(self, bot: BotState, params: dict[str, Any]) -> Json:
        """sendMessage."""
        text = params["text"]

        def empty_check() -> None:
            if not text.strip():
                raise BadRequest("message text is empty")

        def content() -> Json:
            plain, entities = self.formatted(
                text, params.get("parse_mode"), params.get("entities"), MAX_TEXT_LENGTH, "message is too long"
            )
            if not plain:
                raise BadRequest("message text is empty")
            body: Json = {"text": plain}
            if entities:
                body["entities"] = entities
            options = params.get("link_preview_options")
            if params.get("disable_web_page_preview"):
                options = {"is_disabled": True}
            if options:
                body["link_preview_options"] = options
            return body

        return self.send(bot, params, content, empty_check)

    def send_photo(self, bot: BotState, params: dict[str, Any]) -> Json:
        """sendPhoto (an upload or a photo's file_id)."""

        def content() -> Json:
            caption = self.caption(params)
            photo = params["photo"]
            with bot.lock:
                if isinstance(photo, Upload):
                    sizes = media.store_photo(bot, photo)
                else:
                    sizes = media.reuse(bot, photo, "photo").photo_sizes
            return {"photo": copy.deepcopy(sizes), **caption}

        return self.send(bot, params, content)

    def send_document(self, bot: BotState, params: dict[str, Any]) -> Json:
        """sendDocument (an upload or a document's file_id)."""

        def content() -> Json:
            caption = self.caption(params)
            document = params["document"]
            with bot.lock:
                if isinstance(document, Upload):
                    info = media.store_document(bot, document)
                else:
                    stored = media.reuse(bot, document, "document")
                    info = stored.media or {}
            return {"document": dict(info), **caption}

        return self.send(bot, params, content)

    def edit_message_text(self, bot: BotState, params: dict[str, Any]) -> Json:
        """editMessageText (without reply_markup the keyboard goes, as on Telegram)."""
        if not params.get("text", "").strip():
            raise BadRequest("message text is empty")
        plain, entities = self.formatted(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            MAX_TEXT_LENGTH,
            "message is too long",
        )
        if not plain:
            raise BadRequest("message text is empty")
        markup_raw = params.get("reply_markup")
        inline = self.inline_markup(markup_raw)
        with bot.lock:
            stored = self.editable(bot, params)
            if "text" not in stored.data:
                raise BadRequest("there is no text in the message to edit")
            if (
                stored.data["text"] == plain
                and stored.data.get("entities", []) == entities
                and stored.data.get("reply_markup") == inline
            ):
                raise BadRequest(_NOT_MODIFIED)
            changes: Json = {"text": plain, "entities": entities or None}
            if "link_preview_options" in params:
                changes["link_preview_options"] = params["link_preview_options"] or None
            return self.apply_edit(stored, changes, markup_raw, inline)

    def edit_message_caption(self, bot: BotState, params: dict[str, Any]) -> Json:
        """editMessageCaption."""
        caption = self.caption(params)
        markup_raw = params.get("reply_markup")
        inline = self.inline_markup(markup_raw)
        with bot.lock:
            stored = self.editable(bot, params)
            if "text" in stored.data:
                raise BadRequest("there is no caption in the message to edit")
            if (
                stored.data.get("caption") == caption.get("caption")
                and stored.data.get("caption_entities") == caption.get("caption_entities")
                and stored.data.get("reply_markup") == inline
            ):
                raise BadRequest(_NOT_MODIFIED)
            changes = {"caption": caption.get("caption"), "caption_entities": caption.get("caption_entities")}
            return self.apply_edit(stored, changes, markup_raw, inline)

    def edit_message_reply_markup(self, bot: BotState, params: dict[str, Any]) -> Json:
        """editMessageReplyMarkup (no reply_markup removes the keyboard)."""
        markup_raw = params.get("reply_markup")
        inline = self.inline_markup(markup_raw)
        with bot.lock:
            stored = self.editable(bot, params)
            if stored.data.get("reply_markup") == inline:
                raise BadRequest(_NOT_MODIFIED)
            return self.apply_edit(stored, {}, markup_raw, inline)

    def delete_message(self, bot: BotState, params: dict[str, Any]) -> bool:
        """deleteMessage."""
        chat_id, chat = self.resolve_chat(params["chat_id"])
        with bot.lock:
            stored = bot.message(chat_id, params["message_id"])
            if stored is None:
                raise BadRequest("message to delete not found")
            if stored.sender != "bot" and chat["type"] != "private":
                raise BadRequest("message can't be deleted")
            stored.deleted = True
        return True

    def answer_callback_query(self, bot: BotState, params: dict[str, Any]) -> bool:
        """answerCallbackQuery: once per query, while it is fresh."""
        with bot.lock:
            record = bot.callbacks.get(params["callback_query_id"])
            world = self.world
            if record is None or record.answer is not None or record.expired(world.clock(), world.callback_ttl):
                raise BadRequest(_STALE_QUERY)
            if len(params.get("text", "")) > 200:
                raise BadRequest("MESSAGE_TOO_LONG")
            record.answer = {
                "text": params.get("text"),
                "show_alert": params.get("show_alert", False),
                "url": params.get("url"),
                "cache_time": params.get("cache_time", 0),
            }
            record.answered_at = time.time()
        return True

    def send_chat_action(self, bot: BotState, params: dict[str, Any]) -> bool:
        """sendChatAction."""
        if params["action"] not in CHAT_ACTIONS:
            raise BadRequest("wrong parameter action in request")
        chat_id, _ = self.resolve_chat(params["chat_id"])
        with bot.lock:
            self.check_not_blocked(bot, chat_id)
        return True

    def get_file(self, bot: BotState, params: dict[str, Any]) -> Json:
        """getFile (a bot may download files of up to 20 MB, as on Telegram)."""
        with bot.lock:
            stored = bot.files.get(params["file_id"])
            if stored is None:
                raise BadRequest("invalid file_id")
            if len(stored.content) > MAX_DOWNLOAD_BYTES:
                raise BadRequest("file is too big")
            return stored.file()

    def _scope_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        key = scope["type"]
        if "chat_id" in scope:
            chat_id, _ = self.resolve_chat(scope["chat_id"])
            key += f":{chat_id}"
        if "user_id" in scope:
            key += f":{scope['user_id']}"
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise BadRequest("invalid language code specified")
        return key, language

    def set_my_commands(self, bot: BotState, params: dict[str, Any]) -> bool:
        """setMyCommands."""
        commands = params["commands"]
        if len(commands) > MAX_COMMANDS:
            raise BadRequest("too many commands specified")
        kept: list[Json] = []
        for command in commands:
            name = command["command"].lstrip("/")
            if not _COMMAND.fullmatch(name.lower()):
                raise BadRequest("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"].strip()) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
            kept.append({"command": name.lower(), "description": command["description"].strip()})
        key = self._scope_key(params)
        with bot.lock:
            if kept:
                bot.commands[key] = kept
            else:
                bot.commands.pop(key, None)
        return True

    def get_my_commands(self, bot: BotState, params: dict[str, Any]) -> list[Json]:
        """getMyCommands (for exactly that scope and language)."""
        key = self._scope_key(params)
        with bot.lock:
            return [dict(command) for command in bot.commands.get(key, [])]

    def delete_my_commands(self, bot: BotState, params: dict[str, Any]) -> bool:
        """deleteMyCommands."""
        key = self._scope_key(params)
        with bot.lock:
            bot.commands.pop(key, None)
        return True

    def get_chat(self, bot: BotState, params: dict[str, Any]) -> Json:
        """getChat: a ChatFullInfo."""
        chat_id, chat = self.resolve_chat(params["chat_id"])
        private = chat["type"] == "private"
        return {
            **chat,
            "accent_color_id": abs(chat_id) % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": private,
                "limited_gifts": private,
                "unique_gifts": private,
                "premium_subscription": private,
                "gifts_from_channels": private,
            },
        }


def _clip_entities(text: str, entities: list[Entity] | None) -> list[Entity] | None:
    """Explicit entities that fit the text (Telegram drops the others)."""
    if not entities:
        return entities
    total = utf16_len(text)
    return [e for e in entities if e["length"] > 0 and e["offset"] >= 0 and e["offset"] + e["length"] <= total]


__all__ = ["BotApi", "BotApiError", "reply_snapshot"]
