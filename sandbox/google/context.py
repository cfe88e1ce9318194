"""The per-request context handed to every Google handler."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from sandbox.google.errors import GoogleApiError
from sandbox.google.model import Account, Store
from sandbox.http import ServiceHost


@dataclass
class Ctx:
    """Who calls, with what, against which state."""

    store: Store
    request: Request
    account: Account
    base_url: str
    api: str = "sheets"
    _body: Any = field(default=None, init=False)
    _parsed: bool = field(default=False, init=False)

    @property
    def email(self) -> str:
        """The caller's email."""
        return self.account.email

    def arg(self, name: str, default: str | None = None) -> str | None:
        """A query parameter."""
        return self.request.args.get(name, default)

    def flag(self, name: str) -> bool:
        """A boolean query parameter (``true``/``True``/``1``)."""
        return (self.request.args.get(name) or "").lower() in {"true", "1"}

    def int_arg(self, name: str, default: int) -> int:
        """An integer query parameter; 400 when malformed."""
        raw = self.request.args.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise GoogleApiError(400, f"Invalid value for {name}: {raw}", api=self.api, reason="invalid") from None

    def body(self) -> Any:
        """The JSON body ({} when empty); Google's 400 when malformed."""
        if not self._parsed:
            raw = self.request.get_data(cache=True)
            self._parsed = True
            if not raw or not raw.strip():
                self._body = {}
            else:
                try:
                    self._body = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    raise GoogleApiError(
                        400,
                        "Invalid JSON payload received. Unexpected token.",
                        api=self.api,
                        reason="parseError",
                    ) from None
        return self._body

    def json_object(self) -> dict[str, Any]:
        """The body, which must be a JSON object."""
        body = self.body()
        if not isinstance(body, dict):
            raise GoogleApiError(
                400,
                'Invalid JSON payload received. Unknown name "": Root element must be a message.',
                api=self.api,
                reason="parseError",
            )
        return body


class GoogleCalls(Protocol):
    """What the batch and upload endpoints need of the Google service (:class:`~sandbox.google.service.GoogleService`):
    its host, its router and its authenticated call of one handler."""

    app: ServiceHost

    def dispatch(self, request: Request, method: str, path: str) -> Response:
        """Route ``method path`` to its handler."""

    def call(
        self,
        request: Request,
        method_id: str,
        api: str,
        handler: Callable[..., Any],
        params: dict[str, str],
        **extra: Any,
    ) -> Response:
        """Authenticate, maybe inject a fault, run the handler, shape the answer."""
