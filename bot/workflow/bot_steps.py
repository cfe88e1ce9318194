"""The bot's own work (the draft rekap, the close, an approval's lock), off the path of the press that made it due.

When the last Kepala Bidang presses Setujui, the draft rekap is due (SOP step 4); when the last
tindak lanjut is recorded, the close and the archive are. Building either takes long (the rekap
of every bidang, the dinas workbook, the report document), and the person who pressed last
should not wait for it: the press moves its own report, answers, and hands the period to
:class:`BotSteps`, whose one worker thread runs :meth:`WorkflowService.advance` for it.

Nothing is lost when the service stops before the worker gets to it: what makes the step due is
in the store (every report approved, every tindak lanjut recorded), and the scheduler's sweep
calls ``advance`` for every running period at start and every half minute; a step a stop
interrupted half way is a durable intention, resumed at start (:mod:`bot.workflow.intentions`).

A second :class:`BotSteps` carries out the Google effect an approval's move owes (its lock,
:meth:`~bot.workflow.core.WorkflowCore.carry_out_owed`), keyed by the intention: the press is
answered once the move is written, and an owed effect the worker did not get to stays ``owed``
in the store for the start and the scheduler.

Both wait for the presses being handled to finish first (:class:`Foreground`), a bounded while.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

_STOP = -1

FOREGROUND_MAX_WAIT_SECONDS = 2.0
"""The longest the bot's own work waits for presses: a steady stream of them cannot starve it."""


class Foreground:
    """The presses being handled now; the bot's own work waits until there are none (a bounded while).

    A press answers a person who is looking at the chat; the bot's own work (an approval's lock,
    the draft rekap, the notifications in the outbox) may come a moment later. Python runs one
    thread at a time, so that work started beside fifty presses slows every one of them; waiting
    for them (at most ``max_wait`` seconds) lets the presses finish first and the work follow.
    Presses are counted on the Telegram edge's event loop; the workers wait in their own threads
    (:meth:`wait_quiet`) or, on the loop, poll :meth:`quiet`.
    """

    def __init__(self, max_wait: float = FOREGROUND_MAX_WAIT_SECONDS) -> None:
        self.max_wait = max_wait
        self._presses = 0
        self._changed = threading.Condition()

    @contextmanager
    def pressing(self) -> Iterator[None]:
        """Count a press being handled for the duration of the block."""
        with self._changed:
            self._presses += 1
        try:
            yield
        finally:
            with self._changed:
                self._presses -= 1
                if self._presses == 0:
                    self._changed.notify_all()

    def quiet(self) -> bool:
        """No press is being handled now."""
        return self._presses == 0

    def wait_quiet(self) -> bool:
        """Block until no press is being handled, at most ``max_wait`` seconds; False when they still are."""
        with self._changed:
            return self._changed.wait_for(self.quiet, timeout=self.max_wait)


class BotSteps:
    """One worker thread running ``advance(key)`` once per request for each key (a period, an intention)."""

    def __init__(
        self, advance: Callable[[int], object], name: str = "bot-steps", foreground: Foreground | None = None
    ) -> None:
        """``foreground``: the presses each piece of work first lets finish (None: it starts at once)."""
        self._advance = advance
        self._name = name
        self._foreground = foreground
        self._queue: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._waiting: set[int] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def request(self, key: int) -> None:
        """Have the work on ``key`` carried out soon (a second request meanwhile is one)."""
        with self._lock:
            if key in self._waiting:
                return
            self._waiting.add(key)
            self._idle.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
        self._queue.put(key)

    def _run(self) -> None:
        while True:
            key = self._queue.get()
            if key == _STOP:
                return
            if self._foreground is not None:
                self._foreground.wait_quiet()
            with self._lock:
                self._waiting.discard(key)
            try:
                self._advance(key)
            except Exception:  # the sweep tries again; the next request too
                logger.exception("%s: the work on %s failed; the scheduler tries again", self._name, key)
            with self._lock:
                if not self._waiting:
                    self._idle.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every requested step has been carried out; False on timeout."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float | None = None) -> None:
        """Let the step under way finish (the ones still waiting are left to the sweep) and end the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._waiting.clear()
        if thread is None:
            return
        # Drop what waits: the sweep finds it due after a restart.
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._queue.put(_STOP)
        thread.join(timeout)
        self._idle.set()
