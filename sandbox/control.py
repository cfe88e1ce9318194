"""A client of the sandbox's control API (``/_sandbox/...``): people, faults, latency, statistics,
the clock and the switches that make the sandbox as strict as Google and Telegram.

Knows the sandbox and nothing of any application that runs against it: what to create for an
application (its service account, drives, folders, users) is the caller's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from sandbox.google.clients import discovery_service, gspread_client

__all__ = ["SandboxControl"]


@dataclass(frozen=True)
class SandboxControl:
    """The sandbox's control API (``/_sandbox/...``) over plain HTTP."""

    base_url: str
    timeout: float = 10.0

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One control request; raises on a non-2xx answer."""
        response = requests.request(method, f"{self.base}/_sandbox/{path}", json=body, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def google_total(self) -> int:
        """Google API requests since the last stats reset (the token endpoint excluded)."""
        stats = self.call("GET", "stats")["google"]
        return sum(n for method, n in stats["methods"].items() if method != "oauth2.token")

    def google_methods(self) -> dict[str, int]:
        """Google API requests since the last stats reset, per method."""
        return dict(self.call("GET", "stats")["google"]["methods"])

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self.call("POST", "stats")

    def fault(
        self,
        service: str,
        status: int,
        *,
        rate: float | None = None,
        count: int | None = None,
        method: str | None = None,
    ) -> None:
        """Make ``service`` answer ``status`` for a share (``rate``) or a number (``count``) of requests."""
        spec: dict[str, Any] = {"service": service, "status": status}
        spec.update({k: v for k, v in (("rate", rate), ("count", count), ("method", method)) if v is not None})
        self.call("POST", "faults", spec)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.call("DELETE", "faults")

    def hold(self, service: str, after: int = 1, method: str | None = None) -> None:
        """Apply the ``after``-th later request of ``service`` (of ``method``), then hold its answer."""
        spec: dict[str, Any] = {"service": service, "after": after}
        if method is not None:
            spec["method"] = method
        self.call("POST", "holds", spec)

    def holds(self) -> list[dict[str, Any]]:
        """Every hold, with whether its request has arrived."""
        result: list[dict[str, Any]] = self.call("GET", "holds")
        return result

    def release_holds(self) -> None:
        """Let every held answer go."""
        self.call("DELETE", "holds")

    def latency(self, service: str, ms: float, jitter_ms: float = 0.0) -> None:
        """Delay every API request of ``service`` by ``ms`` (+ random ``0..jitter_ms``) milliseconds."""
        self.call("POST", "latency", {"service": service, "ms": ms, "jitter_ms": jitter_ms})

    def clear_latency(self, service: str | None = None) -> None:
        """Answer ``service``'s requests (every service's without one) without added delay."""
        self.call("DELETE", "latency", None if service is None else {"service": service})

    def advance_clock(self, seconds: float) -> None:
        """Let ``seconds`` pass on the sandbox clock (quota windows, change lag, callback ages)."""
        self.call("POST", "clock", {"advance_seconds": seconds})

    def quotas(self, *, enabled: bool = True, **limits: float) -> dict[str, Any]:
        """Switch Google's per-minute quotas on (or off), tuning limits by name; the limits in force."""
        return dict(self.call("POST", "google/quotas", {"enabled": enabled, **limits})["limits"])

    def change_lag(self, seconds: float) -> None:
        """How long an edit through Sheets takes to reach the Drive change feed (0: at once)."""
        self.call("POST", "google/change-lag", {"seconds": seconds})

    def callback_ttl(self, seconds: float) -> None:
        """How long a callback query may wait for the bot's answer."""
        self.call("POST", "telegram/callback-ttl", {"seconds": seconds})

    def files(self) -> list[dict[str, Any]]:
        """Every Drive file the sandbox holds, with its permissions, tabs and appProperties."""
        return list(self.call("GET", "google/files")["files"])

    def sharing(self, **rules: bool) -> dict[str, bool]:
        """Set Drive's sharing rules (``SharingRules`` field names); returns them all."""
        return dict(self.call("POST", "google/sharing", rules))

    def google_token(self, email: str) -> str:
        """A bearer token acting as ``email`` (the account is created on first use)."""
        return str(self.call("POST", "google/accounts", {"email": email})["token"])

    def gspread_as(self, email: str) -> Any:
        """A real gspread client acting as ``email``."""
        return gspread_client(self.base, self.google_token(email))

    def drive_as(self, email: str) -> Any:
        """A real googleapiclient Drive v3 service acting as ``email``."""
        return discovery_service(self.base, "drive", self.google_token(email))

    def telegram_user(self, user_id: int, first_name: str, last_name: str | None = None) -> None:
        """A Telegram user with a private chat, ready to talk to the bot."""
        body: dict[str, Any] = {"id": user_id, "first_name": first_name}
        if last_name:
            body["last_name"] = last_name
        self.call("POST", "telegram/users", body)
