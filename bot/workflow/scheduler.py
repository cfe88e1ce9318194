"""The schedule, in the same process (and event loop) as the Telegram application.

Jobs are registered on a private ``schedule.Scheduler`` and rebuilt at every start from the
settings and the store: the sweep (``WorkflowService.tick``: open a due period, advance, fire
reminders and escalations) derives everything it does from the store, so nothing lives only in
memory. ``run_pending`` ticks every second on the event loop; each job's blocking work runs in a
thread (``asyncio.to_thread``) and a job still running is not started again, so a slow Google
call never blocks the chat and never piles up.

Every job first checks that the store is still the service's own (``check_store``, a
:class:`bot.store.identity.StoreGuard`), and a ``store`` job checks it every
``STORE_CHECK_SECONDS`` besides. A store deleted or replaced under the running service ends the
schedule: :attr:`WorkflowScheduler.failure` holds the reason, :attr:`WorkflowScheduler.failed` is
set, and the service stops with a non-zero exit code (``python -m bot run``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import schedule

from bot import texts
from bot.store.identity import StoreMismatch
from bot.workflow.service import WorkflowService

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 30
STORE_CHECK_SECONDS = 10


@dataclass
class _JobState:
    name: str
    func: Callable[[], object]
    task: asyncio.Task[None] | None = None
    runs: int = 0
    skipped: int = 0
    failures: int = 0
    last_error: str | None = field(default=None)


class WorkflowScheduler:
    """Periodic jobs of the workflow, each run off the event loop and never overlapping itself."""

    def __init__(
        self,
        service: WorkflowService,
        *,
        sweep_seconds: int = SWEEP_SECONDS,
        check_store: Callable[[], None] | None = None,
        store_check_seconds: int = STORE_CHECK_SECONDS,
    ) -> None:
        self.service = service
        self.sweep_seconds = sweep_seconds
        self.check_store = check_store
        self.store_check_seconds = store_check_seconds
        self.failure: StoreMismatch | None = None
        self.failed = asyncio.Event()
        self.scheduler = schedule.Scheduler()
        self.jobs: dict[str, _JobState] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def add_job(self, name: str, every_seconds: int, func: Callable[[], object]) -> None:
        """Run blocking ``func`` every ``every_seconds`` in a worker thread."""
        state = _JobState(name, func)
        self.jobs[name] = state
        self.scheduler.every(every_seconds).seconds.do(self._launch, state).tag(name)

    def rebuild(self) -> None:
        """(Re)create every job from the settings; state comes from the store at each run."""
        self.scheduler.clear()
        self.jobs.clear()
        self.add_job("sweep", self.sweep_seconds, self.service.tick)
        self.add_job("poll", self.service.settings.jadwal.interval_polling_detik, self.service.poll_once)
        if self.check_store is not None:
            self.add_job("store", self.store_check_seconds, _nothing)

    def _launch(self, state: _JobState) -> None:
        """Called by ``schedule`` on the loop: start the job in a thread unless it still runs."""
        if self.failed.is_set():
            return
        if state.task is not None and not state.task.done():
            state.skipped += 1
            logger.warning("job %s still running; this run skipped", state.name)
            return
        assert self._loop is not None
        state.task = self._loop.create_task(self._run(state), name=f"job-{state.name}")

    def _checked(self, func: Callable[[], object]) -> None:
        if self.check_store is not None:
            self.check_store()
        func()

    async def _run(self, state: _JobState) -> None:
        try:
            await asyncio.to_thread(self._checked, state.func)
            state.runs += 1
        except StoreMismatch as err:  # the store is not ours any more: stop the service, loudly
            state.failures += 1
            state.last_error = err.reason
            if self.failure is None:
                self.failure = err
                logger.error("%s %s", err.reason, texts.STORE_CHECK_HELP)
            self.failed.set()
        except Exception as err:  # one failing run must not stop the schedule
            state.failures += 1
            state.last_error = f"{type(err).__name__}: {err}"
            logger.exception("job %s failed", state.name)

    def run_all_now(self) -> None:
        """Start every job at once (at start: catch up on what came due while the bot was down)."""
        for state in self.jobs.values():
            self._launch(state)

    async def run(self, stop: asyncio.Event, tick_seconds: float = 1.0) -> None:
        """Tick ``run_pending`` every ``tick_seconds`` until ``stop`` is set; then wait for jobs."""
        self._loop = asyncio.get_running_loop()
        self.rebuild()
        self.run_all_now()
        while not stop.is_set() and not self.failed.is_set():
            self.scheduler.run_pending()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=tick_seconds)
        pending = [s.task for s in self.jobs.values() if s.task is not None and not s.task.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _nothing() -> None:
    """The ``store`` job: the check made before every job is all it does."""
