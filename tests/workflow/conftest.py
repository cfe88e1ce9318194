"""Fixtures for the workflow core: example settings, a migrated store, the service, frozen time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings, load_settings
from tests.workflow.doubles import InMemoryWorkbook

WIB = ZoneInfo("Asia/Jakarta")
EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "settings.example.yaml"


def wib(*args: int) -> datetime:
    """A WIB datetime."""
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def settings() -> Settings:
    return load_settings(EXAMPLE)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """Time frozen at Wednesday 1 April 2026 08:00 WIB (TW I opens); move it with .move_to/.shift."""
    with time_machine.travel(wib(2026, 4, 1, 8, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated store, once on SQLite and once on PostgreSQL (``database_url``, tests/postgres.py)."""
    engine = upgrade(database_url)
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def workbook() -> InMemoryWorkbook:
    return InMemoryWorkbook()


@pytest.fixture
def service(
    settings: Settings, store: Store, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> WorkflowService:
    svc = WorkflowService(settings, store, workbook)
    svc.start()
    return svc


def actor_of(service: WorkflowService, telegram_id: int) -> Actor:
    """The bound actor behind a Telegram id from the example settings."""
    actor = service.directory.actor_for_telegram(telegram_id)
    assert actor is not None, telegram_id
    return actor


# Telegram ids in config/settings.example.yaml
KADIS, SEKRETARIS, KASUBBAG = 100000001, 100000002, 100000003
SEK_STAF = 100000011
PTK_KEPALA, PTK_STAF = 100000021, 100000022
LAT_KEPALA, LAT_STAF = 100000031, 100000032
HIJ_KEPALA, HIJ_STAF = 100000041, 100000042
KEPALA = {"SEK": SEKRETARIS, "PTK": PTK_KEPALA, "LAT": LAT_KEPALA, "HIJ": HIJ_KEPALA}
STAF = {"SEK": SEK_STAF, "PTK": PTK_STAF, "LAT": LAT_STAF, "HIJ": HIJ_STAF}
