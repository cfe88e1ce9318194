"""In-memory state of the sandboxed Telegram: people, groups, bots and what each bot sees.

People and groups are shared by every bot; everything else (messages, updates, files,
callback queries, commands, webhook, blocks) belongs to one bot, as on Telegram. Each bot
has its own lock; ``updates_ready`` (a Condition on that lock) wakes long-polling
``getUpdates`` calls, which release the lock while they wait.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.telegram.constants import CALLBACK_QUERY_TTL_SECONDS, DEFAULT_ALLOWED_UPDATES

Json = dict[str, Any]
Sender = Literal["bot", "user"]


def now() -> int:
    """Unix time in seconds, as Telegram's ``date`` fields carry it."""
    return int(time.time())


@dataclass
class Person:
    """A Telegram user who talks to the bots."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def user(self) -> Json:
        """The ``User`` object."""
        data: Json = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def chat(self) -> Json:
        """The ``Chat`` object of this person's private chat (chat id == user id)."""
        data: Json = {"id": self.id, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        data["type"] = "private"
        return data


@dataclass
class Group:
    """A group chat the bots are members of."""

    id: int
    title: str
    member_ids: set[int]

    def chat(self) -> Json:
        """The ``Chat`` object."""
        return {"id": self.id, "title": self.title, "type": "group"}


@dataclass
class StoredFile:
    """A file the bot sent or received, reachable by file_id and by file_path."""

    file_id: str
    file_unique_id: str
    kind: Literal["photo", "document", "sticker"]
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    photo_sizes: list[Json] = field(default_factory=list)
    media: Json | None = None  # the Document/Sticker object messages carry

    def file(self) -> Json:
        """The ``File`` object ``getFile`` returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


@dataclass
class StoredMessage:
    """One message in a chat; ``data`` is its current Bot API JSON (replaced, never mutated)."""

    chat_id: int
    message_id: int
    sender: Sender
    data: Json
    markup: Json | None = None  # reply_markup as the bot sent it (ForceReply included)
    edits: int = 0
    history: list[Json] = field(default_factory=list)
    deleted: bool = False


@dataclass
class CallbackRecord:
    """A callback query delivered to the bot and how the bot answered it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    created: float
    answer: Json | None = None
    answered_at: float | None = None

    def expired(self, now: float, ttl: float) -> bool:
        """Whether Telegram would call this query too old to answer at ``now`` (sandbox clock)."""
        return now - self.created > ttl


class BotState:
    """Everything one bot owns; guarded by ``lock``."""

    def __init__(
        self,
        token: str,
        username: str,
        first_name: str,
        can_read_all_group_messages: bool = False,
    ) -> None:
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.can_read_all_group_messages = can_read_all_group_messages
        self.lock = threading.Lock()
        self.updates_ready = threading.Condition(self.lock)
        self.updates: deque[Json] = deque()
        self._update_ids = itertools.count(self.id % 100_000 * 1000 + 1)
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.poll_generation = 0
        self.webhook: Json | None = None
        self.chats: dict[int, dict[int, StoredMessage]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self._callback_ids = itertools.count(1)
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.blocked_by: set[int] = set()
        self.closed = False  # set on reset: waiting long polls return empty

    # All methods below expect ``lock`` to be held by the caller.

    def user(self) -> Json:
        """The bot's ``User`` object as it appears in messages."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}

    def next_message_id(self, chat_id: int) -> int:
        """The next message id in ``chat_id`` (ids are per chat)."""
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def store(self, message: StoredMessage) -> None:
        """Keep a new message of a chat."""
        self.chats.setdefault(message.chat_id, {})[message.message_id] = message

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """A message still present in the chat, or None."""
        stored = self.chats.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            return None
        return stored

    def push_update(self, kind: str, payload: Json) -> int | None:
        """Queue an update of ``kind`` and wake pollers; None when allowed_updates filters it out."""
        if kind not in self.allowed_updates:
            return None
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, kind: payload})
        self.updates_ready.notify_all()
        return update_id

    def new_callback_id(self) -> str:
        """A fresh callback query id (a long decimal string, like Telegram's)."""
        return str(self.id * 1_000_000_000 + next(self._callback_ids) * 7919)

    def new_file_ids(self, prefix: str) -> tuple[str, str, int]:
        """A file_id, a file_unique_id and the file's number."""
        number = next(self._file_numbers)
        digest = hashlib.sha256(f"{self.token}/{number}".encode()).hexdigest()
        return f"{prefix}{self.id}-{number}-{digest[:24]}", f"AQAD{digest[24:36]}", number

    def chat_instance(self, chat_id: int) -> str:
        """The stable ``chat_instance`` of callback queries from ``chat_id``."""
        digest = hashlib.sha256(f"{self.id}:{chat_id}".encode()).digest()
        return str(int.from_bytes(digest[:8], "big") % 10**19 - 5 * 10**18)


class World:
    """The whole sandboxed Telegram: bots by token, people and groups.

    ``clock`` is the sandbox clock's monotonic reading (:class:`sandbox.clock.SandboxClock`); a
    callback query is too old to answer ``callback_ttl`` seconds after the press on it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.callback_ttl = CALLBACK_QUERY_TTL_SECONDS
        self.lock = threading.Lock()
        self.bots: dict[str, BotState] = {}
        self.people: dict[int, Person] = {}
        self.groups: dict[int, Group] = {}

    def chat_json(self, chat_id: int) -> Json | None:
        """The ``Chat`` object of a known chat, or None."""
        if chat_id > 0:
            person = self.people.get(chat_id)
            return person.chat() if person else None
        group = self.groups.get(chat_id)
        return group.chat() if group else None
