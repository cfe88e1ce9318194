"""The scheduler: jobs rebuilt at start, blocking work off the loop, a slow job never overlaps."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.scheduler import WorkflowScheduler
from bot.workflow.service import WorkflowService
from config.settings import Settings
from tests.workflow.doubles import InMemoryWorkbook


def make_service(settings: Settings, tmp_path: Path) -> tuple[WorkflowService, InMemoryWorkbook]:
    workbook = InMemoryWorkbook()
    service = WorkflowService(settings, Store(upgrade(f"sqlite:///{tmp_path / 'k.db'}")), workbook)
    service.start()
    return service, workbook


async def test_run_rebuilds_jobs_and_runs_them_at_start(settings, tmp_path) -> None:
    service, workbook = make_service(settings, tmp_path)
    scheduler = WorkflowScheduler(service)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run(stop, tick_seconds=0.05))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if scheduler.jobs and all(job.runs for job in scheduler.jobs.values()):
            break
    stop.set()
    await task
    assert set(scheduler.jobs) == {"sweep", "poll"}
    assert {j.tags.pop() for j in scheduler.scheduler.get_jobs()} == {"sweep", "poll"}
    assert scheduler.jobs["poll"].runs == 1 and "poll" in workbook.names()
    assert scheduler.jobs["sweep"].failures == 0


async def test_slow_job_neither_blocks_the_loop_nor_overlaps(settings, tmp_path) -> None:
    service, _ = make_service(settings, tmp_path)
    scheduler = WorkflowScheduler(service)
    running, overlaps, loop_thread = [0], [0], threading.get_ident()
    threads: set[int] = set()

    def slow() -> None:
        threads.add(threading.get_ident())
        running[0] += 1
        overlaps[0] = max(overlaps[0], running[0])
        time.sleep(1.2)
        running[0] -= 1

    scheduler._loop = asyncio.get_running_loop()
    scheduler.add_job("slow", 1, slow)
    scheduler.run_all_now()
    worst_gap, last = 0.0, time.monotonic()
    deadline = last + 2.6
    while time.monotonic() < deadline:
        scheduler.scheduler.run_pending()
        await asyncio.sleep(0.02)
        now = time.monotonic()
        worst_gap, last = max(worst_gap, now - last), now
    await asyncio.gather(*(j.task for j in scheduler.jobs.values() if j.task))
    assert worst_gap < 0.3  # the chat's event loop kept running while the job slept
    assert overlaps[0] == 1 and scheduler.jobs["slow"].skipped >= 1
    assert loop_thread not in threads


async def test_a_failing_job_is_counted_and_the_schedule_goes_on(settings, tmp_path) -> None:
    service, _ = make_service(settings, tmp_path)
    scheduler = WorkflowScheduler(service)
    scheduler._loop = asyncio.get_running_loop()

    def broken() -> None:
        raise RuntimeError("Google tidak dapat dihubungi")

    scheduler.add_job("broken", 1, broken)
    scheduler.run_all_now()
    await asyncio.gather(*(j.task for j in scheduler.jobs.values() if j.task))
    scheduler.run_all_now()
    await asyncio.gather(*(j.task for j in scheduler.jobs.values() if j.task))
    assert scheduler.jobs["broken"].failures == 2 and "tidak dapat" in scheduler.jobs["broken"].last_error
