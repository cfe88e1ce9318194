"""Time on the sandbox's side of a demo (or a test run of it): minutes pass without anyone sleeping.

Google's behaviour that depends on time (the per-minute quotas, the minutes an edit takes to reach
the Drive change feed) and Telegram's (a press too old to answer after 15 seconds) follow the
sandbox clock (:mod:`sandbox.clock`). The demo lets that clock run with its story: by as much as
the office clock moves between steps, by a poll interval each time the people wait for the bot,
and by whatever the Google session waits (a quota minute, a backoff), which the demo hands the
service as its ``sleep``.

A person who pressed a button is waiting for its answer, which Telegram gives within seconds; so
time never jumps while a press is unanswered: :meth:`SandboxTime.let_pass` first waits (briefly,
on the wall clock) until every press made is answered.
"""

from __future__ import annotations

import logging
import threading
import time

import requests

from sandbox.control import SandboxControl

__all__ = ["SandboxTime"]

logger = logging.getLogger(__name__)

ANSWER_WAIT_SECONDS = 10.0
"""How long (wall clock) time holds still for an unanswered press before it moves anyway."""


class SandboxTime:
    """Moves the sandbox clock for a demo, never past a press still waiting for its answer (thread-safe)."""

    def __init__(self, control: SandboxControl) -> None:
        self.control = control
        self._lock = threading.Lock()
        self._unanswered: set[str] = set()

    def pressed(self, callback_query_id: str) -> None:
        """A person pressed a button: its answer is awaited before time moves."""
        with self._lock:
            self._unanswered.add(callback_query_id)

    def let_pass(self, seconds: float) -> None:
        """Let ``seconds`` pass on the sandbox clock (once every press made so far is answered)."""
        deadline = time.monotonic() + ANSWER_WAIT_SECONDS
        while True:
            with self._lock:
                waiting = sorted(self._unanswered)
            for query_id in waiting:
                try:
                    answered = bool(self.control.call("GET", f"telegram/callbacks/{query_id}")["answered"])
                except requests.HTTPError:  # the sandbox was reset: nobody waits for it any more
                    answered = True
                if answered:
                    with self._lock:
                        self._unanswered.discard(query_id)
            with self._lock:
                if not self._unanswered:
                    break
            if time.monotonic() > deadline:
                logger.warning("presses %s still unanswered; the sandbox clock moves anyway", waiting)
                with self._lock:
                    self._unanswered.clear()
                break
            time.sleep(0.02)
        if seconds > 0:
            self.control.advance_clock(seconds)
