"""Control API of the Telegram half (``/_sandbox/telegram/...``): the people on the other side.

Tests, the demo and the benchmarks create bots, people and groups here, make people send,
edit, press buttons and block the bot, and read back what the bot sent. Errors are plain
``{"error": "..."}`` bodies with 400/404, like the rest of the control API.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.wrappers import Request, Response

from sandbox.http import InvalidText, json_response, read_json
from sandbox.telegram import media
from sandbox.telegram.constants import DEFAULT_BOT_TOKEN, MAX_CALLBACK_QUERY_TTL_SECONDS, TOKEN_PATTERN
from sandbox.telegram.entities import find_auto_entities, sort_entities
from sandbox.telegram.errors import BadRequest
from sandbox.telegram.methods import BotApi, reply_snapshot
from sandbox.telegram.params import Upload
from sandbox.telegram.state import BotState, CallbackRecord, Group, Json, Person, StoredMessage, World, now

# A person can send files of up to 2 GB; the control API makes ones of up to 64 MB (enough to pass
# the bots' 20 MB download limit) so a test never holds more than that in memory.
MAX_SENT_FILE_BYTES = 64 * 1024 * 1024


class ControlError(Exception):
    """A control request that cannot be honoured: HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _int(body: dict[str, Any], key: str, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ControlError(400, f"{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(400, f"{key} must be an integer")
    return value


def _str(body: dict[str, Any], key: str, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ControlError(400, f"{key} is required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ControlError(400, f"{key} must be a non-empty string")
    return value


def _decoded(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ControlError(400, f"{what}.content_base64 must be a string")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error as err:
        raise ControlError(400, f"{what}.content_base64 is not base64: {err}") from err


_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_T_ME_HOSTS = {"t.me", "www.t.me", "telegram.me", "www.telegram.me", "telegram.dog"}


def _start_link(url: str) -> tuple[str, str]:
    """(bot username, start parameter) of a deep link; ControlError when it is no bot start link."""
    parts = urlsplit(url.strip())
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme.lower() == "tg" and parts.netloc.lower() == "resolve":
        username = (query.get("domain") or [""])[0]
    elif parts.scheme.lower() in {"http", "https"} and parts.netloc.lower() in _T_ME_HOSTS:
        username = parts.path.strip("/")
    else:
        raise ControlError(400, f"{url!r} is not a t.me or tg://resolve link")
    if "start" not in query or not username or "/" in username:
        raise ControlError(400, f"{url!r} names no bot and start parameter (https://t.me/<bot>?start=<param>)")
    return username, query["start"][0]


class TelegramControl:
    """Handlers of ``/_sandbox/telegram/<path>``."""

    def __init__(self, world: World, api: BotApi) -> None:
        self.world = world
        self.api = api
        self._bot_numbers = itertools.count(2)

    def handle(self, request: Request, path: str) -> Response | None:
        """Answer a control request; None for a path this half does not serve."""
        parts = [part for part in path.strip("/").split("/") if part]
        try:
            body: dict[str, Any] = {}
            if request.method == "POST":
                parsed = read_json(request)
                if not isinstance(parsed, dict):
                    raise ControlError(400, "body must be a JSON object")
                body = parsed
            return self._route(request, parts, body)
        except InvalidText as err:
            return json_response({"error": str(err)}, 400)
        except ValueError:
            return json_response({"error": "body must be JSON"}, 400)
        except ControlError as err:
            return json_response({"error": err.message}, err.status)
        except BadRequest as err:
            return json_response({"error": err.description}, err.status)

    def _route(self, request: Request, parts: list[str], body: dict[str, Any]) -> Response | None:
        method = request.method
        simple = {
            "bots": self.create_bot,
            "users": self.create_user,
            "groups": self.create_group,
            "send": self.send,
            "edit": self.edit,
            "press": self.press,
            "start": self.open_start_link,
            "block": self.block,
            "unblock": self.unblock,
        }
        if len(parts) == 1 and parts[0] in simple:
            if method != "POST":
                raise ControlError(405, f"use POST for {parts[0]}")
            token = body.get("token") if parts[0] != "bots" else None
            return json_response(simple[parts[0]](body, self._bot(token or request.args.get("token"))))
        if parts == ["callback-ttl"]:
            return json_response(self.callback_ttl(method, body))
        if len(parts) == 2 and parts[0] == "callbacks" and method == "GET":
            return json_response(self.callback(parts[1], self._bot(request.args.get("token"))))
        if len(parts) == 3 and parts[0] == "callbacks" and parts[2] == "expire" and method == "POST":
            return json_response(self.expire_callback(parts[1], self._bot(body.get("token"))))
        if len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages" and method == "GET":
            try:
                chat_id = int(parts[1])
            except ValueError as err:
                raise ControlError(400, "chat id must be an integer") from err
            include_user = request.args.get("include_user", "0").lower() in {"1", "true", "yes"}
            return json_response(self.messages(chat_id, include_user, self._bot(request.args.get("token"))))
        if len(parts) == 1 and parts[0] == "updates" and method == "GET":
            bot = self._bot(request.args.get("token"))
            with bot.lock:
                return json_response({"pending": list(bot.updates), "webhook": bot.webhook})
        return None

    def _bot(self, token: Any) -> BotState:
        bot = self.world.bots.get(token or DEFAULT_BOT_TOKEN)
        if bot is None:
            raise ControlError(404, "unknown bot token")
        return bot

    def _person(self, user_id: int) -> Person:
        person = self.world.people.get(user_id)
        if person is None:
            raise ControlError(404, f"unknown user {user_id}; POST /_sandbox/telegram/users first")
        return person

    # --- bots, people, groups -------------------------------------------------------------

    def add_bot(
        self,
        token: str,
        username: str,
        first_name: str,
        can_read_all_group_messages: bool = False,
    ) -> BotState:
        """Register a bot (or return the one already holding ``token``)."""
        with self.world.lock:
            existing = self.world.bots.get(token)
            if existing is not None:
                return existing
            bot = BotState(token, username, first_name, can_read_all_group_messages)
            self.world.bots[token] = bot
            return bot

    def create_bot(self, body: dict[str, Any], _default: BotState) -> Json:
        """POST bots: a new bot with its own token."""
        number = next(self._bot_numbers)
        token = _str(body, "token")
        if token is None:
            secret = hashlib.sha256(f"sandbox-bot-{number}-{time.time_ns()}".encode()).hexdigest()
            token = f"{7_000_000_000 + number}:AAH{secret[:32]}"
        elif not TOKEN_PATTERN.match(token):
            raise ControlError(400, "token must look like <digits>:<35 characters of [A-Za-z0-9_-]>")
        bot_id = int(token.split(":", 1)[0])
        username = _str(body, "username") or f"sandbox{bot_id}_bot"
        if not username.lower().endswith("bot"):
            raise ControlError(400, "a bot's username must end in 'bot'")
        first_name = _str(body, "first_name") or "Sandbox Bot"
        bot = self.add_bot(token, username, first_name, bool(body.get("can_read_all_group_messages", False)))
        return {"token": bot.token, "id": bot.id, "username": bot.username}

    def create_user(self, body: dict[str, Any], _bot: BotState) -> Json:
        """POST users: a person with a private chat with every bot (chat id == user id)."""
        user_id = _int(body, "id")
        assert user_id is not None
        if user_id <= 0:
            raise ControlError(400, "id must be positive")
        first_name = _str(body, "first_name", required=True)
        assert first_name is not None
        person = Person(
            user_id,
            first_name,
            _str(body, "last_name"),
            _str(body, "username"),
            _str(body, "language_code"),
        )
        with self.world.lock:
            self.world.people[user_id] = person
        return {"user": person.user(), "chat": person.chat()}

    def create_group(self, body: dict[str, Any], _bot: BotState) -> Json:
        """POST groups: a group chat with the bots and the given members."""
        group_id = _int(body, "id")
        assert group_id is not None
        if group_id >= 0:
            raise ControlError(400, "a group id must be negative")
        title = _str(body, "title", required=True)
        members = body.get("member_ids", [])
        if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
            raise ControlError(400, "member_ids must be a list of user ids")
        for member in members:
            self._person(member)
        group = Group(group_id, title or "", set(members))
        with self.world.lock:
            self.world.groups[group_id] = group
        return {"chat": group.chat(), "member_ids": sorted(group.member_ids)}

    # --- what people do -------------------------------------------------------------------

    def _chat_of(self, body: dict[str, Any], person: Person) -> tuple[int, Json]:
        chat_id = _int(body, "chat_id", required=False)
        if chat_id is None or chat_id == person.id:
            return person.id, person.chat()
        group = self.world.groups.get(chat_id)
        if group is None:
            raise ControlError(404, f"unknown chat {chat_id}")
        if person.id not in group.member_ids:
            raise ControlError(400, f"user {person.id} is not a member of chat {chat_id}")
        return chat_id, group.chat()

    def _delivered_in_group(self, bot: BotState, data: Json) -> bool:
        """Privacy mode: in groups a bot sees commands, replies to it and mentions of it only."""
        if data["chat"]["type"] == "private" or bot.can_read_all_group_messages:
            return True
        text = data.get("text") or data.get("caption") or ""
        reply = data.get("reply_to_message")
        if reply is not None and reply.get("from", {}).get("id") == bot.id:
            return True
        if f"@{bot.username}".lower() in text.lower():
            return True
        if text.startswith("/"):
            command = text.split()[0]
            return "@" not in command or command.lower().endswith(f"@{bot.username.lower()}")
        return False

    def send(self, body: dict[str, Any], bot: BotState) -> Json:
        """POST send: a person sends a message: text, photo, sticker or document (:meth:`_photo`, :meth:`_document`)."""
        user_id = _int(body, "user_id")
        assert user_id is not None
        person = self._person(user_id)
        chat_id, chat = self._chat_of(body, person)
        text = _str(body, "text")
        caption = _str(body, "caption")
        document = body.get("document")
        if document is not None and not isinstance(document, dict):
            raise ControlError(400, 'document must be an object like {"file_name": "x.pdf"}')
        if not (text and text.strip()) and not body.get("photo") and not body.get("sticker") and document is None:
            raise ControlError(400, "give text, photo, sticker or document")
        reply_to_id = _int(body, "reply_to_message_id", required=False)
        with bot.lock:
            if chat_id in bot.blocked_by:
                raise ControlError(400, f"user {user_id} has blocked the bot; POST unblock first")
            data: Json = {
                "message_id": bot.next_message_id(chat_id),
                "from": person.user(),
                "chat": chat,
                "date": now(),
            }
            if reply_to_id is not None:
                target = bot.message(chat_id, reply_to_id)
                if target is None:
                    raise ControlError(400, f"message {reply_to_id} not found in chat {chat_id}")
                data["reply_to_message"] = reply_snapshot(target.data)
            if body.get("photo"):
                data["photo"] = media.store_photo(bot, self._photo(body["photo"]))
            elif body.get("sticker"):
                data["sticker"] = media.store_sticker(bot)
            elif document is not None:
                data["document"] = self._document(bot, document)
            if "photo" in data or "document" in data:
                if caption or text:
                    data["caption"] = caption or text
                    entities = find_auto_entities(data["caption"], [])
                    if entities:
                        data["caption_entities"] = sort_entities(entities)
            elif text:
                data["text"] = text
                entities = find_auto_entities(text, [])
                if entities:
                    data["entities"] = sort_entities(entities)
            bot.store(StoredMessage(chat_id, data["message_id"], "user", data))
            update_id = bot.push_update("message", data) if self._delivered_in_group(bot, data) else None
        return {"message_id": data["message_id"], "update_id": update_id, "chat_id": chat_id}

    def open_start_link(self, body: dict[str, Any], _default: BotState) -> Json:
        """POST start: a person opens a bot's deep link (``https://t.me/<bot>?start=<param>``, also
        ``telegram.me`` and ``tg://resolve?domain=<bot>&start=<param>``) and presses Start: the app
        sends that bot ``/start <param>``. The bot is the one whose username the link names.

        Telegram's rules (tdlib ``LinkManager``, the deep-linking docs): the parameter is at most 64
        characters of ``A-Z a-z 0-9 _ -``; a link with any other parameter only opens the chat and
        sends nothing, which this endpoint refuses so that a test sees it.
        """
        url = _str(body, "url", required=True)
        assert url is not None
        username, parameter = _start_link(url)
        with self.world.lock:
            bot = next((b for b in self.world.bots.values() if b.username.lower() == username.lower()), None)
        if bot is None:
            raise ControlError(404, f"no bot with username {username!r} in this sandbox")
        if not _START_PARAMETER.match(parameter):
            raise ControlError(
                400, f"start parameter {parameter!r} is not 1-64 characters of A-Z a-z 0-9 _ -; Telegram sends nothing"
            )
        sent = self.send({"user_id": body.get("user_id"), "text": f"/start {parameter}"}, bot)
        return {**sent, "bot_username": bot.username, "text": f"/start {parameter}"}

    @staticmethod
    def _photo(photo: Any) -> Upload:
        """``true`` (a plain picture), ``{"width", "height"}`` or ``{"content_base64"}`` (an image file)."""
        if photo is True:
            return Upload("photo.jpg", media.sample_image(), "image/jpeg")
        if not isinstance(photo, dict):
            raise ControlError(400, 'photo must be true or an object like {"content_base64": "..."}')
        if "content_base64" in photo:
            return Upload("photo.jpg", _decoded(photo["content_base64"], "photo"), "image/jpeg")
        width, height = _int(photo, "width"), _int(photo, "height")
        assert width is not None and height is not None
        if not (0 < width <= 10_000 and 0 < height <= 10_000):
            raise ControlError(400, "photo width and height must be 1..10000")
        return Upload("photo.jpg", media.sample_image(width, height), "image/jpeg")

    @staticmethod
    def _document(bot: BotState, document: dict[str, Any]) -> Json:
        """A document: ``file_name``, ``mime_type``, ``content`` (text) or ``content_base64``, and
        ``size`` to make it that many bytes long (a large file without sending it here)."""
        file_name = document.get("file_name") or "dokumen.pdf"
        if not isinstance(file_name, str):
            raise ControlError(400, "document.file_name must be a string")
        if "content_base64" in document:
            content = _decoded(document["content_base64"], "document")
        else:
            text = document.get("content", f"Dokumen {file_name} dari sandbox.\n")
            if not isinstance(text, str):
                raise ControlError(400, "document.content must be a string")
            content = text.encode("utf-8")
        size = _int(document, "size", required=False)
        if size is not None:
            if not len(content) <= size <= MAX_SENT_FILE_BYTES:
                raise ControlError(400, f"document.size must be {len(content)}..{MAX_SENT_FILE_BYTES}")
            content += b"\0" * (size - len(content))
        upload = Upload(file_name, content, document.get("mime_type"))
        return media.store_document(bot, upload)

    def edit(self, body: dict[str, Any], bot: BotState) -> Json:
        """POST edit: a person edits the text of a message they sent."""
        user_id = _int(body, "user_id")
        message_id = _int(body, "message_id")
        text = _str(body, "text", required=True)
        assert user_id is not None and message_id is not None and text is not None
        person = self._person(user_id)
        chat_id, _ = self._chat_of(body, person)
        with bot.lock:
            stored = bot.message(chat_id, message_id)
            if stored is None or stored.sender != "user" or stored.data["from"]["id"] != user_id:
                raise ControlError(400, f"user {user_id} has no message {message_id} in chat {chat_id}")
            if "text" not in stored.data:
                raise ControlError(400, "only text messages can be edited here")
            changes: Json = {"text": text, "entities": sort_entities(find_auto_entities(text, [])) or None}
            data = self.api.apply_edit(stored, changes, None, None)
            update_id = bot.push_update("edited_message", data) if self._delivered_in_group(bot, data) else None
        return {"message_id": message_id, "update_id": update_id}

    def press(self, body: dict[str, Any], bot: BotState) -> Json:
        """POST press: a person presses an inline button by its label (or sends forged ``data``)."""
        user_id = _int(body, "user_id")
        message_id = _int(body, "message_id")
        assert user_id is not None and message_id is not None
        person = self._person(user_id)
        chat_id, chat = self._chat_of(body, person)
        label, forged = _str(body, "text"), body.get("data")
        if (label is None) == (forged is None):
            raise ControlError(400, "give exactly one of text (a button label) or data")
        if forged is not None and not isinstance(forged, str):
            raise ControlError(400, "data must be a string")
        with bot.lock:
            if chat_id in bot.blocked_by:
                raise ControlError(400, f"user {user_id} has blocked the bot; POST unblock first")
            stored = bot.chats.get(chat_id, {}).get(message_id)
            if stored is None:
                raise ControlError(404, f"message {message_id} not found in chat {chat_id}")
            data: str | None
            if label is not None:
                data = self._button_data(stored, label)
                if stored.deleted:
                    raise ControlError(400, f"message {message_id} was deleted")
            else:
                data = forged
            if stored.deleted:
                message: Json = {"chat": chat, "message_id": message_id, "date": 0}
            else:
                message = stored.data
            query_id = bot.new_callback_id()
            bot.callbacks[query_id] = CallbackRecord(query_id, user_id, chat_id, message_id, data, self.world.clock())
            query: Json = {"id": query_id, "from": person.user(), "message": message}
            query["chat_instance"] = bot.chat_instance(chat_id)
            if data is not None:
                query["data"] = data
            update_id = bot.push_update("callback_query", query)
        return {"callback_query_id": query_id, "update_id": update_id}

    @staticmethod
    def _button_data(stored: StoredMessage, label: str) -> str:
        if stored.sender != "bot":
            raise ControlError(400, f"message {stored.message_id} was not sent by the bot")
        keyboard = stored.data.get("reply_markup", {}).get("inline_keyboard", [])
        for row in keyboard:
            for button in row:
                if button.get("text") == label:
                    if "url" in button:  # the app opens the link; the bot hears nothing
                        raise ControlError(400, f"button {label!r} opens {button['url']}; it sends the bot no callback")
                    if "callback_data" not in button:
                        raise ControlError(400, f"button {label!r} has no callback_data")
                    return str(button["callback_data"])
        labels = [button.get("text") for row in keyboard for button in row]
        raise ControlError(400, f"no inline button labelled {label!r} on message {stored.message_id}; has {labels}")

    def _member_update(self, bot: BotState, person: Person, old: str, new: str) -> int | None:
        def member(status: str) -> Json:
            data: Json = {"status": status, "user": bot.user()}
            if status == "kicked":
                data["until_date"] = 0
            return data

        update = {
            "chat": person.chat(),
            "from": person.user(),
            "date": now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return bot.push_update("my_chat_member", update)

    def block(self, body: dict[str, Any], bot: BotState) -> Json:
        """POST block: the person blocks the bot (sends then get 403)."""
        user_id = _int(body, "user_id")
        assert user_id is not None
        person = self._person(user_id)
        with bot.lock:
            update_id = None
            if user_id not in bot.blocked_by:
                bot.blocked_by.add(user_id)
                update_id = self._member_update(bot, person, "member", "kicked")
        return {"blocked": True, "update_id": update_id}

    def unblock(self, body: dict[str, Any], bot: BotState) -> Json:
        """POST unblock: the person restarts the bot."""
        user_id = _int(body, "user_id")
        assert user_id is not None
        person = self._person(user_id)
        with bot.lock:
            update_id = None
            if user_id in bot.blocked_by:
                bot.blocked_by.discard(user_id)
                update_id = self._member_update(bot, person, "kicked", "member")
        return {"blocked": False, "update_id": update_id}

    # --- reading back ---------------------------------------------------------------------

    def callback(self, query_id: str, bot: BotState) -> Json:
        """GET callbacks/<id>: whether and how the bot answered a callback query."""
        with bot.lock:
            record = bot.callbacks.get(query_id)
            if record is None:
                raise ControlError(404, f"unknown callback query {query_id}")
            answer = record.answer or {}
            return {
                "id": record.id,
                "user_id": record.user_id,
                "chat_id": record.chat_id,
                "message_id": record.message_id,
                "data": record.data,
                "answered": record.answer is not None,
                "text": answer.get("text"),
                "show_alert": answer.get("show_alert", False),
                "url": answer.get("url"),
                "cache_time": answer.get("cache_time"),
                "answered_at": record.answered_at,
            }

    def callback_ttl(self, method: str, body: dict[str, Any]) -> Json:
        """GET/POST callback-ttl: how long a callback query may wait for its answer (``{"seconds"}``)."""
        if method == "POST":
            seconds = body.get("seconds") if set(body) == {"seconds"} else None
            if (
                isinstance(seconds, bool)
                or not isinstance(seconds, int | float)
                or not 0 < seconds <= MAX_CALLBACK_QUERY_TTL_SECONDS
            ):
                raise ControlError(
                    400, f'body must be {{"seconds": N}} with N in (0, {MAX_CALLBACK_QUERY_TTL_SECONDS:.0f}]'
                )
            self.world.callback_ttl = float(seconds)
        elif method != "GET":
            raise ControlError(405, "use GET or POST for callback-ttl")
        return {"seconds": self.world.callback_ttl}

    def expire_callback(self, query_id: str, bot: BotState) -> Json:
        """POST callbacks/<id>/expire: age a callback query past Telegram's answer deadline."""
        with bot.lock:
            record = bot.callbacks.get(query_id)
            if record is None:
                raise ControlError(404, f"unknown callback query {query_id}")
            record.created = float("-inf")
        return {"expired": True}

    def messages(self, chat_id: int, include_user: bool, bot: BotState) -> Json:
        """GET chats/<id>/messages: what the bot sent (and optionally what people sent), oldest first."""
        if self.world.chat_json(chat_id) is None:
            raise ControlError(404, f"unknown chat {chat_id}")
        with bot.lock:
            stored_messages = list(bot.chats.get(chat_id, {}).values())
            items: list[Json] = []
            for stored in stored_messages:
                if stored.sender == "user" and not include_user:
                    continue
                item = dict(stored.data)
                if "reply_markup" not in item and stored.markup is not None and stored.sender == "bot":
                    item["reply_markup"] = stored.markup
                item["sender"] = stored.sender
                item["edits"] = stored.edits
                item["deleted"] = stored.deleted
                items.append(item)
        return {"chat_id": chat_id, "messages": items}
