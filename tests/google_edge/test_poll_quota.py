"""The poll under Google's per-minute Sheets quota (issue #14 item 6), with 200 bidang.

Sheets allows 60 read requests per minute per user. A poll that read every changed workbook in
one cycle failed past that, rolled back and failed again on the same workbook forever; the very
first poll of a 200-bidang office never completed. Here the sandbox enforces Google's quotas, the
workflow polls through the real Google edge and a real store, and minutes pass on the sandbox
clock (the poll interval between cycles, and the Google session's own waits: its ``sleep``
advances the sandbox clock), so nothing sleeps:

- with the product's budget (40 reads per cycle) the first poll of 200 workbooks completes over
  five cycles, each workbook read once, without a single 429;
- a budget above the quota: the cycle waits the minute out on each 429 and completes;
- the quota still used up after every wait: the cycle stops reading without failing, the rest
  stays on the to-read list, and the next cycle goes on from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from benchmarks.common import TAHUN, TW, World, bidang_kode, world
from bot.demo.provision import BOT_EMAIL
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.service import WorkflowService
from config.settings import Settings
from sheets import layout
from sheets.google.drive import PROP_BIDANG
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks

N = 200
TEMPLATES = 4
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
POLL_INTERVAL = 60.0
GETS = "sheets.spreadsheets.get"


@dataclass
class Office:
    """A sandbox with the 200 bidang workbooks of the year laid out."""

    world: World
    templates: int


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """200 bidang: the first few distributed by the product, the rest Drive copies of them (cheaper)."""
    with world(N, tmp_path_factory.mktemp("kantor-200")) as w:
        # The generated master gives bidang i the indicators of the demo's bidang i % 4.
        templates = [bidang_kode(i) for i in range(TEMPLATES)]
        edge = GoogleWorkbooks(w.settings, master=w.master, policy=RetryPolicy(attempts=3, timeout=60.0))
        refs = edge.distribute(TAHUN, TW, templates)
        drive = w.control.drive_as(BOT_EMAIL)
        for index in range(TEMPLATES, N):
            kode = bidang_kode(index)
            bidang = w.settings.bidang_by_kode(kode)
            body = {
                "name": layout.judul_bidang(TAHUN, bidang.nama),
                "parents": [bidang.folder_id],
                "appProperties": edge.drive.props(TAHUN, "bidang", **{PROP_BIDANG: kode}),
            }
            source = refs[templates[index % TEMPLATES]].spreadsheet_id
            drive.files().copy(fileId=source, body=body, supportsAllDrives=True).execute()
        w.control.change_lag(0)  # the layout's edits in the change feed now, before the first poll
        yield Office(w, TEMPLATES)


def _service(office: Office, tmp: Path, budget: int, policy: RetryPolicy) -> WorkflowService:
    """The workflow on a fresh store reading at most ``budget`` workbooks a poll; Google waits on the sandbox clock."""
    w = office.world
    google = w.settings.google.model_copy(update={"maks_baca_per_polling": budget})
    database = w.settings.database.model_copy(update={"url": f"sqlite:///{tmp / 'kinerja.db'}"})
    settings: Settings = w.settings.model_copy(update={"google": google, "database": database})
    edge = GoogleWorkbooks(settings, master=w.master, policy=policy, sleep=w.control.advance_clock, clock=lambda: NOW)
    service = WorkflowService(settings, Store(upgrade(settings.database.url)), edge, clock=lambda: NOW)
    service.start()
    return service


@pytest.fixture
def quota(office: Office) -> Iterator[Any]:
    """Google's quotas on (tuned by the test), every window of an earlier test passed."""
    control = office.world.control
    control.advance_clock(120)

    def switch(**limits: Any) -> None:
        control.quotas(enabled=True, **limits)

    yield switch
    control.quotas(enabled=False)


def _queued(service: WorkflowService) -> int:
    with service.store.transaction() as tx:
        return len(tx.queued_reads(TAHUN))


def _remembered(service: WorkflowService) -> int:
    with service.store.transaction() as tx:
        return sum(1 for b in service.settings.bidang if tx.sheet_memory(TAHUN, b.kode))


def _cycle(office: Office, service: WorkflowService) -> int:
    """One scheduled poll; the Sheets reads it made. The poll interval passes after it."""
    control = office.world.control
    control.reset_stats()
    service.poll_once()
    reads = control.google_methods().get(GETS, 0)
    control.advance_clock(POLL_INTERVAL)
    return reads


def test_the_first_poll_of_200_bidang_completes_across_cycles_within_the_quota(
    office: Office, quota: Any, tmp_path: Path
) -> None:
    quota()  # Google's own limits: 60 reads and 60 writes per minute per user
    service = _service(office, tmp_path, budget=40, policy=RetryPolicy(attempts=3, timeout=60.0))
    session = service.workbook.clients.session  # type: ignore[attr-defined]
    reads = []
    while True:
        reads.append(_cycle(office, service))
        if _queued(service) == 0:
            break
        assert len(reads) < 10, f"the to-read list does not shrink: {reads}"
    assert reads == [40, 40, 40, 40, 40]
    assert session.retries == 0  # not one 429: the budget keeps every minute under Google's 60
    assert _remembered(service) == N  # every workbook read and taken in once
    assert _cycle(office, service) == 0  # nothing changed since: nothing read again


def test_a_cycle_past_the_quota_waits_the_minute_out_and_completes(office: Office, quota: Any, tmp_path: Path) -> None:
    quota(sheets_read_per_user=10)
    before = office.world.control.call("GET", "clock")["offset_seconds"]
    service = _service(office, tmp_path, budget=25, policy=RetryPolicy(attempts=3, timeout=60.0))
    office.world.control.reset_stats()
    service.poll_once()  # 25 reads at 10 a minute: two minutes waited out inside the cycle
    waited = office.world.control.call("GET", "clock")["offset_seconds"] - before
    assert office.world.control.google_methods()[GETS] == 25 + 2  # each 429 answer is a request too
    assert 2 * 61 <= waited <= 2 * 65
    assert _queued(service) == N - 25 and _remembered(service) == 25


def test_a_quota_still_used_up_after_every_wait_defers_the_rest_without_failing(
    office: Office, quota: Any, tmp_path: Path
) -> None:
    quota(sheets_read_per_user=10)
    no_waits = RetryPolicy(attempts=3, timeout=60.0, quota_waits=0)
    service = _service(office, tmp_path, budget=N, policy=no_waits)
    assert _cycle(office, service) == 11  # 10 read, the 11th refused: the cycle ends there, no error
    assert (_queued(service), _remembered(service)) == (N - 10, 10)
    assert _cycle(office, service) == 11  # the next cycle goes on from the same place
    assert (_queued(service), _remembered(service)) == (N - 20, 20)
