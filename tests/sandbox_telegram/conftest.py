"""Fixtures of the Telegram sandbox suite: a running sandbox whose every Bot API answer is checked.

The ``tg`` fixture wraps the Telegram service so that each response it produces during a test
is validated against bot-api-spec.json (results by the method's return type, errors by the
error shape) and parsed with python-telegram-bot's ``de_json``; a test fails at teardown if
any answer did not conform.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import telegram
from werkzeug.wrappers import Request, Response

from sandbox.server import SandboxApp, SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sandbox.telegram.params import canonical_method
from tests.sandbox_telegram.spec import SpecViolation, load_spec, validate_result, validate_type

_PTB_CLASSES: dict[str, type[telegram.TelegramObject]] = {
    "User": telegram.User,
    "Message": telegram.Message,
    "Update": telegram.Update,
    "WebhookInfo": telegram.WebhookInfo,
    "ChatFullInfo": telegram.ChatFullInfo,
    "File": telegram.File,
    "BotCommand": telegram.BotCommand,
}


def unknown_to_ptb(obj: Any, path: str = "$") -> list[str]:
    """Fields python-telegram-bot did not recognise (its ``api_kwargs``), anywhere in ``obj``."""
    found: list[str] = []
    if isinstance(obj, telegram.TelegramObject):
        if obj.api_kwargs:
            found.append(f"{path}: {sorted(obj.api_kwargs)}")
        for cls in type(obj).__mro__:
            for slot in getattr(cls, "__slots__", ()):
                if slot.startswith("_") or slot == "api_kwargs":
                    continue
                found.extend(unknown_to_ptb(getattr(obj, slot, None), f"{path}.{slot}"))
    elif isinstance(obj, (tuple, list)):
        for index, item in enumerate(obj):
            found.extend(unknown_to_ptb(item, f"{path}[{index}]"))
    return found


def parse_with_ptb(method: str, result: Any) -> None:
    """Parse a result with PTB's own ``de_json`` and check it knew every field."""
    returns = load_spec()["methods"][method]["returns"]
    for type_expr in returns:
        name = type_expr.removeprefix("Array of ")
        cls = _PTB_CLASSES.get(name)
        if cls is None:
            continue
        if type_expr.startswith("Array of ") and isinstance(result, list):
            objects = [cls.de_json(item, None) for item in result]
        elif isinstance(result, dict):
            objects = [cls.de_json(result, None)]
        else:
            continue
        problems = unknown_to_ptb(objects)
        if problems:
            raise SpecViolation(f"PTB did not know fields: {problems}")
        return


@dataclass
class Recorder:
    """Every Bot API answer of a test, and whatever about them did not conform."""

    answers: list[tuple[str, int, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, request: Request, response: Response) -> None:
        """Validate one answer of ``/bot<TOKEN>/<method>``."""
        _, _, name = request.path[len("/bot") :].partition("/")
        method, known = canonical_method(name.strip("/"))
        try:
            payload = json.loads(response.get_data())
            if payload.get("ok") is True:
                assert response.status_code == 200, response.status_code
                validate_result(method, payload["result"])
                parse_with_ptb(method, payload["result"])
            else:
                assert set(payload) <= {"ok", "error_code", "description", "parameters"}, payload
                assert payload["ok"] is False and payload["error_code"] == response.status_code, payload
                assert isinstance(payload["description"], str) and payload["description"], payload
                if "parameters" in payload:
                    validate_type("ResponseParameters", payload["parameters"])
        except (SpecViolation, AssertionError, KeyError, ValueError) as err:
            with self.lock:
                self.problems.append(f"{method}: {err!r}")
            return
        with self.lock:
            self.answers.append((method if known else name, response.status_code, payload))

    def methods(self) -> set[str]:
        """Methods answered so far."""
        with self.lock:
            return {method for method, _, _ in self.answers}


@dataclass
class Sandbox:
    """A running sandbox with helpers to call the Bot API and the control API."""

    server: SandboxServer
    recorder: Recorder
    client: httpx.Client
    token: str = DEFAULT_BOT_TOKEN

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.server.base_url

    @property
    def app(self) -> SandboxApp:
        """The WSGI app (hub, services)."""
        return self.server.app

    def raw(self, method: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        """POST to ``/bot<TOKEN>/<method>`` with httpx keyword arguments (json=, data=, files=)."""
        return self.client.post(f"{self.base_url}/bot{token or self.token}/{method}", **kwargs)

    def api(self, method: str, token: str | None = None, **params: Any) -> Any:
        """Call a method with a JSON body and return its ``result``; AssertionError on an error."""
        response = self.raw(method, token, json=params)
        payload = response.json()
        assert payload["ok"], payload
        return payload["result"]

    def api_error(self, method: str, **params: Any) -> tuple[int, str]:
        """Call a method expected to fail; (status, description)."""
        response = self.raw(method, json=params)
        payload = response.json()
        assert payload["ok"] is False, payload
        return response.status_code, payload["description"]

    def control(self, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        """POST (with a body) or GET a ``/_sandbox/`` endpoint and return its JSON."""
        url = f"{self.base_url}/_sandbox/{path}"
        response = self.client.post(url, json=body) if body is not None else self.client.get(url)
        assert response.status_code == expect, (response.status_code, response.text)
        return response.json()

    def user(self, user_id: int = 1001, first_name: str = "Budi", **extra: Any) -> dict[str, Any]:
        """Create a person with a private chat."""
        return self.control("telegram/users", {"id": user_id, "first_name": first_name, **extra})

    def say(self, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        """The person sends a text."""
        return self.control("telegram/send", {"user_id": user_id, "text": text, **extra})

    def messages(self, chat_id: int, include_user: bool = False) -> list[dict[str, Any]]:
        """What the bot sent to a chat (and people, if asked)."""
        suffix = "?include_user=1" if include_user else ""
        return self.control(f"telegram/chats/{chat_id}/messages{suffix}")["messages"]


@dataclass
class _Running:
    server: SandboxServer
    recorder: Recorder


@pytest.fixture(scope="session")
def _running_sandbox() -> Iterator[_Running]:
    """One sandbox server for the whole suite (werkzeug's shutdown costs half a second)."""
    app = SandboxApp()
    running = _Running(SandboxServer(app=app), Recorder())
    service = app.service("telegram")
    original = service.handle

    def recording_handle(request: Request) -> Response:
        response = original(request)
        if request.path.startswith("/bot"):
            running.recorder.check(request, response)
        return response

    service.handle = recording_handle  # type: ignore[method-assign]
    running.server.start()
    yield running
    running.server.stop()


@pytest.fixture
def tg(_running_sandbox: _Running) -> Iterator[Sandbox]:
    """A freshly reset sandbox; every Bot API answer of the test is checked against the spec and PTB."""
    app = _running_sandbox.server.app
    app.hub.reset()
    for service in app.services:
        service.reset()
    recorder = Recorder()
    _running_sandbox.recorder = recorder
    with httpx.Client(timeout=30) as client:
        yield Sandbox(_running_sandbox.server, recorder, client)
    assert not recorder.problems, recorder.problems
