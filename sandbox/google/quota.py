"""Per-minute request quotas of Sheets v4 and Drive v3, as Google enforces them (when switched on).

Google's published limits: Sheets allows 60 read requests and 60 write requests per minute per
user, 300 of each per minute per project; past them it answers 429 ``RESOURCE_EXHAUSTED`` with
"Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of
service 'sheets.googleapis.com' for consumer 'project_number:...'" and a ``google.rpc.ErrorInfo``
detail (reason ``RATE_LIMIT_EXCEEDED``, ``quota_metric`` ``sheets.googleapis.com/read_requests``,
``quota_limit`` ``ReadRequestsPerMinutePerUser``), as quoted in public issue threads (for example
github.com/Sage-Bionetworks/data_curator/issues/110 for the write metric). Drive answers
``403 userRateLimitExceeded`` ("User rate limit exceeded.") past its per-user limit and
``429 rateLimitExceeded`` past its per-project one; its limits are far higher.

What counts: requests made with a token from the token endpoint (a service account or an OAuth
client: an API client of a Cloud project). Tokens handed out by the control API stand for people
working in a browser, which no API quota covers. A request refused for quota does not count.

The window follows the sandbox clock (:mod:`sandbox.clock`): at most ``limit`` requests in any
``window_seconds`` (a sliding window, never kinder than Google's per-minute refill), so a test
waits a window out by advancing the clock. Off by default; ``POST /_sandbox/google/quotas``
switches it on and tunes it, ``POST /_sandbox/reset`` switches it off again.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from sandbox.google.errors import GoogleApiError

__all__ = ["PROJECT_NUMBER", "QuotaLimits", "QuotaSpecError", "Quotas", "category_of"]

PROJECT_NUMBER = "123456789012"
"""The Cloud project every API client of the sandbox belongs to (it appears in Google's messages)."""

Category = Literal["read", "write", "drive"]
Scope = Literal["user", "project"]


class QuotaSpecError(ValueError):
    """A quota request that cannot be honoured."""


@dataclass(frozen=True)
class QuotaLimits:
    """Whether quotas are enforced, and each limit (requests per window)."""

    enabled: bool = False
    sheets_read_per_user: int = 60
    sheets_write_per_user: int = 60
    sheets_read_per_project: int = 300
    sheets_write_per_project: int = 300
    drive_per_user: int = 12_000
    drive_per_project: int = 12_000
    window_seconds: float = 60.0

    def limit(self, category: Category, scope: Scope) -> int:
        """The limit of ``category`` per ``scope``."""
        if category == "drive":
            return self.drive_per_user if scope == "user" else self.drive_per_project
        return int(getattr(self, f"sheets_{category}_per_{scope}"))

    def as_json(self) -> dict[str, Any]:
        """The control API's form."""
        return asdict(self)

    def updated(self, spec: Any) -> QuotaLimits:
        """These limits with the control API body ``spec`` applied; QuotaSpecError when it is not one."""
        if not isinstance(spec, dict):
            raise QuotaSpecError("body must be a JSON object")
        known = {f.name for f in fields(self)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise QuotaSpecError(f"unknown key(s) {unknown}; allowed: {sorted(known)}")
        for key, value in spec.items():
            if key == "enabled":
                if not isinstance(value, bool):
                    raise QuotaSpecError("enabled must be true or false")
            elif key == "window_seconds":
                if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 3600:
                    raise QuotaSpecError("window_seconds must be a number in [1, 3600]")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise QuotaSpecError(f"{key} must be a positive integer")
        return replace(self, **spec)


def category_of(method_id: str) -> Category:
    """Which quota a method draws on: Sheets reads (GETs), Sheets writes, or Drive."""
    if method_id.startswith("drive."):
        return "drive"
    if method_id.endswith((".get", ".batchGet")):
        return "read"
    return "write"


_SHEETS_NAMES = {"read": ("Read requests", "Read"), "write": ("Write requests", "Write")}


def quota_error(category: Category, scope: Scope, limit: int) -> GoogleApiError:
    """Google's answer to a request past ``limit``."""
    if category == "drive":
        if scope == "user":
            return GoogleApiError(403, "User rate limit exceeded.", api="drive", reason="userRateLimitExceeded")
        return GoogleApiError(429, "Rate limit exceeded.", api="drive", reason="rateLimitExceeded")
    label, prefix = _SHEETS_NAMES[category]
    limit_label = f"{label} per minute per user" if scope == "user" else f"{label} per minute"
    limit_id = f"{prefix}RequestsPerMinutePer{'User' if scope == 'user' else 'Project'}"
    message = (
        f"Quota exceeded for quota metric '{label}' and limit '{limit_label}' of service "
        f"'sheets.googleapis.com' for consumer 'project_number:{PROJECT_NUMBER}'."
    )
    details: list[dict[str, Any]] = [
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_metric": f"sheets.googleapis.com/{category}_requests",
                "quota_limit": limit_id,
                "quota_limit_value": str(limit),
                "quota_location": "global",
                "consumer": f"projects/{PROJECT_NUMBER}",
                "service": "sheets.googleapis.com",
            },
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [
                {
                    "description": "Request a higher quota limit.",
                    "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                }
            ],
        },
    ]
    return GoogleApiError(429, message, api="sheets", details=details)


class Quotas:
    """Sliding per-window counters per (user, category) and per (project, category)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.limits = QuotaLimits()
        self._used: dict[tuple[Scope, str, Category], deque[float]] = {}

    def configure(self, spec: Any) -> QuotaLimits:
        """Apply a control API body; the limits now in force."""
        with self._lock:
            self.limits = self.limits.updated(spec)
            return self.limits

    def reset(self) -> None:
        """Off, Google's limits, nothing used."""
        with self._lock:
            self.limits = QuotaLimits()
            self._used.clear()

    def admit(self, email: str, method_id: str) -> None:
        """Count one request of ``email``; GoogleApiError (Google's quota answer) when over a limit."""
        with self._lock:
            limits = self.limits
            if not limits.enabled:
                return
            category = category_of(method_id)
            now = self._clock()
            keys: list[tuple[Scope, str, Category]] = [("user", email, category), ("project", "", category)]
            windows = []
            for key in keys:
                window = self._used.setdefault(key, deque())
                while window and window[0] <= now - limits.window_seconds:
                    window.popleft()
                limit = limits.limit(category, key[0])
                if len(window) >= limit:
                    raise quota_error(category, key[0], limit)
                windows.append(window)
            for window in windows:
                window.append(now)

    def usage(self) -> dict[str, Any]:
        """The limits and what each user and the project used in the current window."""
        with self._lock:
            now = self._clock()
            used: dict[str, dict[str, int]] = {}
            for (scope, who, category), window in self._used.items():
                count = sum(1 for at in window if at > now - self.limits.window_seconds)
                used.setdefault(who if scope == "user" else "project", {})[category] = count
            return {"limits": self.limits.as_json(), "used": used}
