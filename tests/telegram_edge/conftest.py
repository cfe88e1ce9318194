"""Fixtures of the Telegram edge suite: the sandbox, two-bidang settings, a running Kinerja Bot.

The bot is the real composition root (``bot.telegram.app.create_bot``): a PTB Application long
polling the sandbox, the outbox worker delivering through the real notifier, the workflow
service on a migrated SQLite store. Only the Google side is a double (``EdgeWorkbook``). Tests
act as people through the sandbox's control API and wait on conditions, never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from bot.runtime import create_bot, open_store
from bot.store.repository import Store
from bot.telegram.app import KinerjaBot
from config.settings import Settings, parse_settings
from sandbox.server import SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets import layout
from sheets.facts import BookSeen, RekapData, RekapRef, WorkbookRead
from sheets.master import load_master
from tests.domain.conftest import DEMO_MASTER, filled_grid
from tests.workflow.doubles import InMemoryWorkbook

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "settings.example.yaml"

KADIS, SEKRETARIS, KASUBBAG = 100000001, 100000002, 100000003
SEK_STAF = 100000011
PTK_KEPALA, PTK_STAF = 100000021, 100000022
LAT_KEPALA, LAT_STAF = 100000031, 100000032
# Who corrects each bidang (the Sekretaris for the Sekretariat) and who fills it.
KEPALA = {"SEK": SEKRETARIS, "PTK": PTK_KEPALA, "LAT": LAT_KEPALA}
STAF = {"SEK": SEK_STAF, "PTK": PTK_STAF, "LAT": LAT_STAF}
# Everyone bound in the two-bidang settings (SEK, PTK).
EVERYONE = (KADIS, SEKRETARIS, KASUBBAG, SEK_STAF, PTK_KEPALA, PTK_STAF)
STRANGER = 555000111


class EdgeWorkbook(InMemoryWorkbook):
    """The in-memory WorkbookPort double, plus a filled workbook for /kirim and rekap figures."""

    def __init__(self) -> None:
        super().__init__()
        # Bidang -> (row, column, value) typed over the filled sheet once, by the next /kirim read.
        self.next_typo: dict[str, tuple[int, int, object]] = {}

    def read_book(self, tahun: int, kode: str) -> BookSeen:
        """The bidang's workbook as a careful staff member filled TW I (the core validates it)."""
        self._call("read_book", kode)
        grid = filled_grid(load_master(DEMO_MASTER), kode, 1)
        if kode in self.next_typo:
            row, column, value = self.next_typo.pop(kode)
            grid[row - 1][column] = value
        read = WorkbookRead(grid, frozenset(), layout.initial_status_grid(), 1, frozenset())
        return BookSeen(kode, f"sheet-{tahun}-{kode}", f"Laporan Kinerja {tahun} - {kode}", read, tahun=tahun)

    def write_rekap(self, tahun: int, tw: int, data: RekapData) -> RekapRef:
        ref = super().write_rekap(tahun, tw, data)
        kodes = sorted({s.bidang for s in data.snapshots if s.tw == tw})
        figures = {"PTK": (95.5, "Sangat Tinggi", 61.0), "SEK": (72.25, "Sedang", 48.5), "LAT": (55.0, "Rendah", 20.0)}
        bidang = [
            {"kode_bidang": k, "rata_rata_capaian": c, "predikat": p, "serapan": s}
            for k in kodes
            for c, p, s in [figures[k]]
        ]
        dinas = {"jumlah_indikator": 14, "rata_rata_capaian": 83.875, "predikat": "Tinggi"}
        summary = {"dinas": dinas, "bidang": bidang}
        return RekapRef(ref.url, ref.spreadsheet_id, summary)


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22's opt-in to timedelta time periods (silences its deprecation warning)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """One sandbox for the suite (reset before every test)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = SandboxServer().start()
    yield server
    server.stop()


def edge_settings(base_url: str, database: Path, kodes: tuple[str, ...] = ("SEK", "PTK"), **overrides: Any) -> Settings:
    """The example settings cut to ``kodes`` (the Sekretariat, corrected by the Sekretaris, and PTK),
    pointed at the sandbox and a temp store."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["bidang"] = [b for b in data["bidang"] if b["kode"] in kodes]
    data["google"]["master_indikator"] = str(EXAMPLE.parent / "demo" / "indikator.csv")
    data["telegram"]["base_url"] = f"{base_url}/bot"
    data["database"]["url"] = f"sqlite:///{database}"
    for key, value in overrides.items():
        data[key] = {**data.get(key, {}), **value}
    return parse_settings(data, "tests")


@dataclass
class People:
    """The people on the far side of the sandbox, acting through its control API."""

    base_url: str
    client: httpx.AsyncClient

    async def control(self, path: str, body: dict[str, Any] | None = None, expect: int = 200) -> Any:
        url = f"{self.base_url}/_sandbox/{path}"
        response = await (self.client.post(url, json=body) if body is not None else self.client.get(url))
        assert response.status_code == expect, (response.status_code, response.text)
        return response.json()

    async def user(self, user_id: int, first_name: str = "Pegawai") -> None:
        await self.control("telegram/users", {"id": user_id, "first_name": first_name})

    async def say(self, user_id: int, text: str, reply_to: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"user_id": user_id, "text": text}
        if reply_to is not None:
            body["reply_to_message_id"] = reply_to
        return await self.control("telegram/send", body)

    async def press(self, user_id: int, message_id: int, label: str) -> dict[str, Any]:
        return await self.control("telegram/press", {"user_id": user_id, "message_id": message_id, "text": label})

    async def press_data(self, user_id: int, message_id: int, data: str) -> dict[str, Any]:
        return await self.control("telegram/press", {"user_id": user_id, "message_id": message_id, "data": data})

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        return (await self.control(f"telegram/chats/{chat_id}/messages"))["messages"]

    async def answer(self, callback_query_id: str) -> dict[str, Any]:
        """How the bot answered a press, once it has."""

        async def answered() -> dict[str, Any] | None:
            result = await self.control(f"telegram/callbacks/{callback_query_id}")
            return result if result["answered"] else None

        return await wait_for(answered)

    async def wait_message(
        self, chat_id: int, contains: str, *, after: int = 0, timeout: float = 8.0
    ) -> dict[str, Any]:
        """The first bot message in ``chat_id`` with id > ``after`` whose text/caption holds ``contains``."""

        async def found() -> dict[str, Any] | None:
            for message in await self.messages(chat_id):
                body = message.get("text") or message.get("caption") or ""
                if message["message_id"] > after and contains in body:
                    return message
            return None

        return await wait_for(found, timeout)

    async def wait_edit(self, chat_id: int, message_id: int, contains: str, timeout: float = 8.0) -> dict[str, Any]:
        """The message once its text holds ``contains`` (after an edit)."""

        async def edited() -> dict[str, Any] | None:
            for message in await self.messages(chat_id):
                if message["message_id"] == message_id and contains in (message.get("text") or ""):
                    return message
            return None

        return await wait_for(edited, timeout)

    async def last_id(self, chat_id: int) -> int:
        """The id of the latest bot message in a chat (0 when none)."""
        messages = await self.messages(chat_id)
        return messages[-1]["message_id"] if messages else 0

    async def reply_to_prompt(self, user_id: int, text: str, after: int = 0) -> dict[str, Any]:
        """Answer the latest ForceReply prompt the bot sent this person."""
        prompt = await self.wait_message(user_id, "membalas pesan ini", after=after)
        assert prompt["reply_markup"]["force_reply"] is True
        return await self.say(user_id, text, reply_to=prompt["message_id"])


def url_buttons(message: dict[str, Any]) -> dict[str, str]:
    """The URL buttons of a message: label -> url."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return {b["text"]: b["url"] for row in rows for b in row if "url" in b}


def action_rows(message: dict[str, Any]) -> list[list[str]]:
    """The labels of a message's action (callback) buttons, row by row."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [labels for row in rows if (labels := [b["text"] for b in row if "callback_data" in b])]


class ManualClock:
    """A clock the test moves by hand (``create_bot(clock=...)``); the bot's threads only read it."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        """Move forward by ``timedelta(**delta)``; returns the new time."""
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (never backwards: the outbox and the timers assume time goes on)."""
        assert moment >= self.moment, (moment, self.moment)
        self.moment = moment


async def wait_for(check: Callable[[], Any], timeout: float = 8.0) -> Any:
    """Await ``check()`` until it returns something truthy; AssertionError after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.03)


@pytest.fixture
async def people(sandbox_server: SandboxServer) -> AsyncIterator[People]:
    """The sandbox, reset, with everyone of the example settings (and a stranger) in a chat."""
    app = sandbox_server.app
    app.hub.reset()
    for service in app.services:
        service.reset()
    async with httpx.AsyncClient(timeout=15) as client:
        crowd = People(sandbox_server.base_url, client)
        for user_id in (*EVERYONE, LAT_KEPALA, LAT_STAF, STRANGER):
            await crowd.user(user_id)
        yield crowd


@pytest.fixture
def workbook() -> EdgeWorkbook:
    return EdgeWorkbook()


@pytest.fixture
def settings(sandbox_server: SandboxServer, tmp_path: Path) -> Settings:
    return edge_settings(sandbox_server.base_url, tmp_path / "kinerja.db")


def edge_bot(
    settings: Settings, workbook: EdgeWorkbook, store: Store, clock: Callable[[], datetime] | None = None
) -> KinerjaBot:
    """The bot as these tests run it: sandbox token, a quick outbox and polling, no scheduler."""
    return create_bot(
        settings,
        workbook,
        store=store,
        token=DEFAULT_BOT_TOKEN,
        clock=clock,
        outbox_interval=0.05,
        poll_timeout=1,
        with_scheduler=False,
    )


@pytest.fixture
async def kinerja(settings: Settings, workbook: EdgeWorkbook, people: People) -> AsyncIterator[KinerjaBot]:
    """The running bot (no scheduler: tests drive polls and periods themselves)."""
    bot = edge_bot(settings, workbook, open_store(settings))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        bot.store.dispose()
