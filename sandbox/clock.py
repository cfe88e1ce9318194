"""The sandbox's own clock: the wall clock plus an offset that tests move forward.

Everything in the sandbox that depends on elapsed time reads this clock: the per-minute Google
quotas, the lag with which Sheets edits reach the Drive change feed, the age of a Telegram
callback query, Drive's ``modifiedTime`` and change times. A test (or the demo) that must let
minutes pass asks ``POST /_sandbox/clock {"advance_seconds": N}`` instead of sleeping; the clock
never runs backwards, and ``POST /_sandbox/reset`` brings the offset back to zero.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time

__all__ = ["MAX_ADVANCE_SECONDS", "ClockSpecError", "SandboxClock"]

MAX_ADVANCE_SECONDS = 400 * 24 * 3600.0
"""The most one request may move the clock: a year and a bit (a whole budget year of a demo)."""


class ClockSpecError(ValueError):
    """A clock request that cannot be honoured."""


class SandboxClock:
    """Wall time plus a forward-only offset, shared by every service of one sandbox (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds the clock is ahead of the wall clock."""
        with self._lock:
            return self._offset

    def time(self) -> float:
        """Unix time in seconds on the sandbox clock."""
        return time.time() + self.offset

    def monotonic(self) -> float:
        """A monotonic reading on the sandbox clock (for ages and windows)."""
        return time.monotonic() + self.offset

    def now(self) -> dt.datetime:
        """The sandbox clock's current moment (UTC)."""
        return dt.datetime.fromtimestamp(self.time(), dt.UTC)

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward; the new offset."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ClockSpecError("advance_seconds must be a number")
        if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
            raise ClockSpecError(f"advance_seconds must be in [0, {MAX_ADVANCE_SECONDS:.0f}]")
        with self._lock:
            self._offset += float(seconds)
            return self._offset

    def reset(self) -> None:
        """Back to the wall clock."""
        with self._lock:
            self._offset = 0.0

    def as_json(self) -> dict[str, object]:
        """The control API's view."""
        now = self.now()
        return {"now": now.isoformat().replace("+00:00", "Z"), "offset_seconds": self.offset}
