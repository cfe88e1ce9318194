"""What every part of the sandbox shares over HTTP: JSON answers, JSON bodies, and the two sides of
a service (the service a half of the sandbox is, and the host it runs in).

A leaf: it imports nothing of the sandbox but the hub's types, so the server and every service
(``sandbox.google``, ``sandbox.telegram``) can use it without importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from sandbox.hub import Hub, ServiceName

__all__ = [
    "InvalidText",
    "SandboxService",
    "ServiceFactory",
    "ServiceHost",
    "invalid_text",
    "json_response",
    "read_json",
]


class InvalidText(ValueError):
    """A request body holding text that is not valid UTF-8 (bad bytes, or a lone surrogate escaped in JSON)."""


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response as every part of the sandbox sends it."""
    return Response(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def invalid_text(node: Any, where: str = "body") -> str | None:
    """Where ``node`` (parsed JSON) holds a string that cannot be encoded as UTF-8; None when nowhere.

    JSON may escape a lone surrogate (``"\\ud800"``); Python parses it into a string that no
    UTF-8 answer can carry, so it must be refused where it comes in, not when it is sent back.
    """
    if isinstance(node, str):
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    if isinstance(node, dict):
        for key, value in node.items():
            found = invalid_text(key, where) or invalid_text(value, f"{where}.{key}")
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = invalid_text(value, f"{where}[{index}]")
            if found:
                return found
    return None


def read_json(request: Request) -> Any:
    """The request body as JSON; ValueError when it is not, InvalidText when its text is not UTF-8."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidText("body is not valid UTF-8") from err
    parsed = json.loads(text)
    where = invalid_text(parsed)
    if where is not None:
        raise InvalidText(f"text at {where} is not valid UTF-8 (a lone surrogate)")
    return parsed


class ServiceHost(Protocol):
    """What a service sees of the application it runs in (:class:`sandbox.server.SandboxApp`)."""

    hub: Hub
    """Request statistics, injected faults and latency, shared by every service."""
    base_url: str
    """``http://HOST:PORT`` the sandbox is served on."""


class SandboxService(Protocol):
    """One half of the sandbox (Google or Telegram)."""

    @property
    def name(self) -> ServiceName:
        """``google`` or ``telegram``: the service's part of ``/_sandbox/<name>/`` and of the hub."""

    def matches(self, path: str) -> bool:
        """Whether this service serves the request path."""

    def handle(self, request: Request) -> Response:
        """Answer a request on one of the service's API paths."""

    def control(self, request: Request, path: str) -> Response | None:
        """Answer ``/_sandbox/<name>/<path>``; None when the path is unknown."""

    def reset(self) -> None:
        """Forget all state."""


ServiceFactory = Callable[[ServiceHost], SandboxService]
"""Builds a service for the host it runs in (the service classes themselves)."""
