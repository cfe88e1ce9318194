"""Errors of the sandboxed Bot API, answered the way Telegram answers them."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """A Bot API error: HTTP status, Telegram's description and optional ``parameters``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class BadRequest(BotApiError):
    """400 ``Bad Request: ...``."""

    def __init__(self, detail: str) -> None:
        super().__init__(400, f"Bad Request: {detail}")


class Forbidden(BotApiError):
    """403 ``Forbidden: ...``."""

    def __init__(self, detail: str) -> None:
        super().__init__(403, f"Forbidden: {detail}")


class Unauthorized(BotApiError):
    """401 for a token Telegram does not know."""

    def __init__(self) -> None:
        super().__init__(401, "Unauthorized")


class NotFound(BotApiError):
    """404 for a method Telegram does not have."""

    def __init__(self) -> None:
        super().__init__(404, "Not Found")


class Conflict(BotApiError):
    """409 ``Conflict: ...`` (a webhook is set, or another getUpdates took over)."""

    def __init__(self, detail: str) -> None:
        super().__init__(409, f"Conflict: {detail}")


class EntityParseError(ValueError):
    """Text that HTML or MarkdownV2 parsing rejects; the message follows Telegram's wording."""


_FAULT_DESCRIPTIONS = {
    400: "Bad Request: request failed (injected by the sandbox)",
    403: "Forbidden: request failed (injected by the sandbox)",
    408: "Request Timeout",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def fault_error(status: int, retry_after: int) -> BotApiError:
    """The Telegram-style error for a fault injected through the hub."""
    if status == 429:
        return BotApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
    return BotApiError(status, _FAULT_DESCRIPTIONS.get(status, "Internal Server Error"))
