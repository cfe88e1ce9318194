"""Entry of the Telegram half of the sandbox: routes ``/bot<TOKEN>/<method>``, file downloads and control.

Every Bot API request is counted by the hub under its canonical method name and may get an
injected fault, answered the way Telegram answers (429 with ``parameters.retry_after``).
"""

from __future__ import annotations

import json
import logging
import mimetypes
from typing import Any

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from sandbox.http import ServiceHost
from sandbox.hub import ServiceName
from sandbox.telegram.constants import (
    DEFAULT_BOT_FIRST_NAME,
    DEFAULT_BOT_TOKEN,
    DEFAULT_BOT_USERNAME,
)
from sandbox.telegram.control import TelegramControl
from sandbox.telegram.errors import BadRequest, BotApiError, NotFound, Unauthorized, fault_error
from sandbox.telegram.methods import BotApi
from sandbox.telegram.params import ParamReader, canonical_method, read_raw_params
from sandbox.telegram.state import World

logger = logging.getLogger(__name__)

BOT_PREFIX = "/bot"
FILE_PREFIX = "/file/bot"
MAX_FORM_MEMORY = 20 * 1024 * 1024
MAX_CONTENT_LENGTH = 60 * 1024 * 1024
DOWNLOAD_METHOD = "downloadFile"  # the stats name of /file/bot<TOKEN>/<path>


def _answer(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def _error(err: BotApiError) -> Response:
    return _answer(err.payload(), err.status)


class TelegramService:
    """The Bot API and its control endpoints."""

    name: ServiceName = "telegram"

    def __init__(self, app: ServiceHost) -> None:
        self.app = app
        self._build()

    def _build(self) -> None:
        self.world = World(clock=self.app.hub.clock.monotonic)
        self.api = BotApi(self.world)
        self.controller = TelegramControl(self.world, self.api)
        self.controller.add_bot(DEFAULT_BOT_TOKEN, DEFAULT_BOT_USERNAME, DEFAULT_BOT_FIRST_NAME)

    def matches(self, path: str) -> bool:
        """Paths owned by this half."""
        return path.startswith((BOT_PREFIX, FILE_PREFIX))

    def handle(self, request: Request) -> Response:
        """Answer a Bot API call or a file download."""
        self.app.hub.delay("telegram")
        if request.path.startswith(FILE_PREFIX):
            return self._download(request.path[len(FILE_PREFIX) :])
        token, _, method_name = request.path[len(BOT_PREFIX) :].partition("/")
        method_name = method_name.strip("/")
        method, in_spec = canonical_method(method_name) if method_name else ("", False)
        fault = self.app.hub.record("telegram", method or "unknown")
        if fault is not None:
            return _error(fault_error(fault.status, fault.retry_after))
        bot = self.world.bots.get(token)
        if bot is None:
            return _error(Unauthorized())
        handler = self.api.handlers.get(method) if in_spec else None
        if handler is None:
            if in_spec:
                return _error(BotApiError(501, f"Not Implemented: the sandbox does not serve {method}"))
            return _error(NotFound())
        try:
            request.max_form_memory_size = MAX_FORM_MEMORY
            request.max_content_length = MAX_CONTENT_LENGTH
            try:
                raw, files = read_raw_params(request)
            except RequestEntityTooLarge:
                return _error(BotApiError(413, "Request Entity Too Large"))
            except (ValueError, UnicodeDecodeError) as err:
                raise BadRequest("can't parse request body") from err
            params = ParamReader(files).method_params(method, raw)
            result = handler(bot, params)
        except BotApiError as err:
            if err.status >= 500:
                logger.warning("telegram sandbox: %s failed: %s", method, err.description)
            return _error(err)
        return _answer({"ok": True, "result": result})

    def _download(self, rest: str) -> Response:
        token, _, file_path = rest.partition("/")
        fault = self.app.hub.record("telegram", DOWNLOAD_METHOD)
        if fault is not None:
            return _error(fault_error(fault.status, fault.retry_after))
        bot = self.world.bots.get(token)
        if bot is None:
            return _error(Unauthorized())
        with bot.lock:
            stored = bot.files_by_path.get(file_path)
        if stored is None:
            return _error(NotFound())
        mimetype = stored.mime_type or mimetypes.guess_type(file_path)[0] or "application/octet-stream"
        return Response(stored.content, status=200, mimetype=mimetype)

    def control(self, request: Request, path: str) -> Response | None:
        """The ``/_sandbox/telegram/`` endpoints."""
        return self.controller.handle(request, path)

    def reset(self) -> None:
        """Forget everything; the default bot exists again. Waiting long polls end empty."""
        old = self.world
        self._build()
        for bot in old.bots.values():
            with bot.lock:
                bot.closed = True
                bot.updates_ready.notify_all()
