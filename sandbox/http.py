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

__all__ = ["SandboxService", "ServiceFactory", "ServiceHost", "json_response", "read_json"]


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response as every part of the sandbox sends it."""
    return Response(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def read_json(request: Request) -> Any:
    """The request body as JSON; ValueError when it is not."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    return json.loads(raw)


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
