"""Fixtures of the reliability suite: a bidang workflow running on the real Google edge.

``SheetWorld`` is one sandbox provisioned for two bidang (SEK, corrected by the Sekretaris, and
PTK), a migrated SQLite store, :class:`~sheets.google.workbooks.GoogleWorkbooks` with store-backed
snapshots (as ``bot.runtime.build_service`` wires it) and the :class:`WorkflowService` deciding.
Its baseline: TW I distributed, SEK's TW I filled, submitted and approved (the data that must
never be lost), PTK's TW I filled by its staff but not yet submitted. People act through real
gspread/googleapiclient clients with their own sandbox tokens.

``build_world(..., my_drive=True)`` runs the bot as an OAuth user whose workbooks live in its My
Drive (DESIGN section 6: both are supported), the setup in which a workbook can be handed to a
person who then removes the bot's access.

The sandbox behaves as Google does on time: per-minute quotas on, Sheets edits reaching the Drive
change feed ``CHANGE_LAG`` seconds later. Time passes on the sandbox clock, never by sleeping:
:meth:`SheetWorld.poll` is the poll cycle that runs once the lag has passed, and the Google
session's waits (a quota minute, a backoff) advance the sandbox clock instead of sleeping.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import pytest
import yaml

from bot.demo.provision import BOT_EMAIL, provision_google
from bot.store.db import create_store_engine
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.telegram.render import Renderer
from bot.workflow.machine import BidangState
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings, parse_settings
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer
from sheets import layout
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Master, load_master

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "config" / "settings.example.yaml"
DEMO_MASTER = REPO_ROOT / "config" / "demo" / "indikator.csv"
FAST = RetryPolicy(attempts=4, timeout=10.0, initial_wait=0.001, max_wait=0.01)
CHANGE_LAG = 180.0
"""The sandbox's (Google's typical) delay between an edit through Sheets and its change entry."""
POLL_INTERVAL = 60.0
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
KODES = ("SEK", "PTK")
SEKRETARIS = 100000002
OAUTH_BOT = "kpep@disnaker.example.go.id"  # the Kasubbag's Google account runs the bot in My Drive mode
MY_DRIVE_FOLDER = "folder-oauth"
HEADER = list(layout.REALISASI_HEADER)


def col(label: str) -> str:
    """The column letter of a Realisasi header label in the workbook as the bot builds it."""
    return layout.column_letter(HEADER.index(label))


REALISASI_1 = col(layout.col_realisasi(1))
ANGGARAN_1 = col(layout.col_anggaran(1))
CATATAN = col(layout.COL_CATATAN_VALIDASI)


@dataclass
class SheetWorld:
    """One provisioned sandbox with the workflow of two bidang on the real Google edge."""

    control: SandboxControl
    bot_email: str
    settings: Settings
    master: Master
    store: Store
    workbooks: GoogleWorkbooks
    service: WorkflowService
    period_id: int
    ids: dict[str, str]
    scratch: dict[str, Any] = field(default_factory=dict)  # what a case keeps to undo its act
    _clients: dict[str, gspread.Client] = field(default_factory=dict)

    # --- people --------------------------------------------------------------------------------

    def staff_email(self, kode: str) -> str:
        return self.settings.bidang_by_kode(kode).editor[0]

    def client(self, email: str) -> gspread.Client:
        """A real gspread client acting as ``email`` (one per person, reused)."""
        if email not in self._clients:
            self._clients[email] = self.control.gspread_as(email)
        return self._clients[email]

    def book(self, kode: str, email: str | None = None) -> gspread.Spreadsheet:
        """The workbook of ``kode`` opened by ``email`` (the bidang's staff by default)."""
        return self.client(email or self.staff_email(kode)).open_by_key(self.ids[kode])

    def admin_book(self, kode: str) -> gspread.Spreadsheet:
        """The workbook opened with the bot's own account: an administrator editing by hand."""
        return self.book(kode, self.bot_email)

    def tab(self, kode: str, title: str = layout.TAB_REALISASI, *, admin: bool = False) -> gspread.Worksheet:
        book = self.admin_book(kode) if admin else self.book(kode)
        return book.worksheet(title)

    def rows(self, kode: str) -> int:
        return len(self.master.for_bidang(kode))

    def fill(self, kode: str, tw: int = 1) -> None:
        """The staff fills every indicator of TW ``tw`` as typed in a browser."""
        n = self.rows(kode)
        sheet = self.tab(kode)
        realisasi, anggaran = col(layout.col_realisasi(tw)), col(layout.col_anggaran(tw))
        sheet.batch_update(
            [
                {"range": f"{realisasi}2:{realisasi}{n + 1}", "values": [[str(i)] for i in range(1, n + 1)]},
                {"range": f"{anggaran}2:{anggaran}{n + 1}", "values": [["1.000.000"]] * n},
            ],
            value_input_option="USER_ENTERED",
        )

    def set_status(self, kode: str, text: str = layout.STATUS_SIAP_DIKOREKSI, tw: int = 1) -> None:
        self.tab(kode, layout.TAB_STATUS).update([[text]], f"B{layout.status_row(tw)}")

    def typed(self, kode: str, cell: str, value: Any, *, raw: bool = False, admin: bool = False) -> None:
        """Someone types ``value`` into ``cell`` of the Realisasi tab."""
        option = gspread.utils.ValueInputOption.raw if raw else gspread.utils.ValueInputOption.user_entered
        self.tab(kode, admin=admin).update([[value]], cell, value_input_option=option)

    def values(self, kode: str, tab: str = layout.TAB_REALISASI) -> list[list[Any]]:
        """A tab's values as the bidang's staff see them (UNFORMATTED_VALUE), in one request."""
        client = self.client(self.staff_email(kode))
        body = client.http_client.values_get(
            self.ids[kode], layout.quote_tab(tab), params={"valueRenderOption": "UNFORMATTED_VALUE"}
        )
        return [list(row) for row in body.get("values", [])]

    # --- the bot -------------------------------------------------------------------------------

    def actor(self, telegram_id: int) -> Actor:
        actor = self.service.directory.actor_for_telegram(telegram_id)
        assert actor is not None
        return actor

    def poll(self, *, after: float = CHANGE_LAG + POLL_INTERVAL) -> int:
        """One poll cycle of the service, ``after`` seconds on the sandbox clock (by default: once
        what was done before has reached the change feed); the events it handled."""
        self.control.advance_clock(after)
        return self.service.poll_once()

    def state(self, kode: str) -> BidangState:
        return {r.bidang: r.state for r in self.service.period_view(self.period_id).reports}[kode]

    def ledger(self) -> dict[str, Any]:
        """What must never be lost: audit rows, outbox rows, snapshots, report states."""
        with self.store.transaction() as tx:
            return {
                "audit": [tuple(r) for r in tx.audit_rows(self.period_id)],
                "outbox": [(r.id, r.dedupe_key, r.kind, r.payload) for r in tx.outbox_rows()],
                "snapshots": {k: self._snapshot(tx, k) for k in KODES},
                "states": {r.bidang: r.state for r in tx.reports(self.period_id)},
            }

    def _snapshot(self, tx: Any, kode: str) -> tuple[str, Any] | None:
        row = tx.get_snapshot(self.period_id, kode)
        return None if row is None else (row.values_hash, row.values)

    def new_outbox(self, since: dict[str, Any]) -> list[Any]:
        """Outbox rows written after the ledger ``since`` was taken."""
        known = {row[0] for row in since["outbox"]}
        with self.store.transaction() as tx:
            return [r for r in tx.outbox_rows() if r.id not in known]

    def rendered(self, rows: list[Any]) -> list[tuple[str, str | None, str]]:
        """(recipient role, bidang, text) of outbox rows, rendered as Telegram would show them."""
        renderer = Renderer(self.settings)
        return [
            (r.recipient_role, r.recipient_bidang, renderer.render(r.kind, r.payload, r.recipient_role).text)
            for r in rows
        ]


def world_settings_data() -> dict[str, Any]:
    """The example settings cut to two bidang."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["bidang"] = [b for b in data["bidang"] if b["kode"] in KODES]
    return data


@pytest.fixture(scope="module")
def sheet_sandbox() -> Iterator[SandboxServer]:
    """One sandbox for a module (reset before every case): a server start costs more than a case."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = SandboxServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def master() -> Master:
    return load_master(DEMO_MASTER)


def _oauth_bot(control: SandboxControl, workdir: Path) -> dict[str, Any]:
    """The bot's Google settings as an OAuth user with a My Drive folder (as tests/google_edge/test_access)."""
    person = control.call("POST", "google/accounts", {"email": OAUTH_BOT})
    token_file = workdir / "oauth-token.json"
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": person["refresh_token"],
                "client_id": "kinerja-desktop",
                "client_secret": "rahasia",
                "token_uri": f"{control.base}/token",
                "account": OAUTH_BOT,
            }
        ),
        encoding="utf-8",
    )
    control.call("POST", "google/folders", {"id": MY_DRIVE_FOLDER, "name": "Kinerja", "owner": OAUTH_BOT})
    return {"auth": "oauth", "oauth_token_file": str(token_file), "shared_drive_id": None}


def build_world(server: SandboxServer, master: Master, workdir: Path, *, my_drive: bool = False) -> SheetWorld:
    """Reset the sandbox and bring the workflow to the baseline (see the module docstring)."""
    control = SandboxControl(server.base_url)
    control.call("POST", "reset")
    workdir.mkdir(parents=True, exist_ok=True)
    data = provision_google(control, world_settings_data(), workdir, master=DEMO_MASTER)
    if my_drive:
        data["google"].update(_oauth_bot(control, workdir))
        for bidang in data["bidang"]:
            bidang["folder_id"] = MY_DRIVE_FOLDER
    data["database"] = {"url": f"sqlite:///{workdir / 'kinerja.db'}"}
    settings = parse_settings(data, "reliability")
    store = Store(upgrade(settings.database.url))
    control.quotas()
    workbooks = _edge(settings, master, control)
    service = WorkflowService(settings, store, workbooks, clock=lambda: NOW)
    service.start()
    period_id = service.start_period(2026, 1)
    service.approve_distribution(service.directory.actor_for_telegram(SEKRETARIS), period_id)  # type: ignore[arg-type]
    service.poll_once()
    with store.transaction() as tx:
        ids = {r.bidang: r.spreadsheet_id for r in tx.reports(period_id)}
    bot_email = OAUTH_BOT if my_drive else BOT_EMAIL
    world = SheetWorld(control, bot_email, settings, master, store, workbooks, service, period_id, ids)
    world.fill("SEK")
    world.set_status("SEK")
    world.poll()
    world.service.approve_koreksi(world.actor(SEKRETARIS), period_id, "SEK")
    world.fill("PTK")
    world.poll()
    world.poll()  # the bot's own writes (lock, notes) reach the change feed: read once, nothing new
    assert world.state("SEK") is BidangState.APPROVED
    assert world.state("PTK") is BidangState.FILLING
    return world


def _edge(settings: Settings, master: Master, control: SandboxControl) -> GoogleWorkbooks:
    """The Google edge as the service builds it, its waits passing on the sandbox clock."""
    return GoogleWorkbooks(settings, master=master, policy=FAST, clock=lambda: NOW, sleep=control.advance_clock)


@dataclass(frozen=True)
class WorldImage:
    """The baseline saved once: the sandbox's Google state, the store file and what points at them.

    Building the baseline costs a dozen Google round trips; restoring this image costs a copy.
    Each case then starts a fresh ``GoogleWorkbooks`` and ``WorkflowService`` on it, exactly as
    the service does after a restart (the adapter rebuilds what it knows from Drive).
    """

    settings: Settings
    bot_email: str
    google: dict[str, Any]
    database: Path
    period_id: int
    ids: dict[str, str]


def _google_store(server: SandboxServer) -> Any:
    return next(s for s in server.app.services if s.name == "google").store


def save_image(server: SandboxServer, world: SheetWorld) -> WorldImage:
    """The image of a freshly built baseline (its store is closed)."""
    world.store.dispose()
    store = _google_store(server)
    with store.lock:
        google = copy.deepcopy({k: v for k, v in vars(store).items() if k not in {"lock", "clock"}})
    url = world.settings.database.url
    return WorldImage(
        world.settings, world.bot_email, google, Path(url.removeprefix("sqlite:///")), world.period_id, dict(world.ids)
    )


def restore_world(server: SandboxServer, image: WorldImage, master: Master, workdir: Path) -> SheetWorld:
    """A world in the baseline state again: the sandbox's Google state and a copy of the store."""
    store = _google_store(server)
    with store.lock:
        for key, value in copy.deepcopy(image.google).items():
            setattr(store, key, value)
    control = SandboxControl(server.base_url)
    control.clear_faults()
    control.reset_stats()
    control.advance_clock(POLL_INTERVAL + 1)  # the last case's quota minute has passed
    control.quotas()
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "kinerja.db"
    with closing(sqlite3.connect(image.database)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target)
    settings = image.settings.model_copy(
        update={"database": image.settings.database.model_copy(update={"url": f"sqlite:///{database}"})}
    )
    kinerja = Store(create_store_engine(settings.database.url))
    workbooks = _edge(settings, master, control)
    service = WorkflowService(settings, kinerja, workbooks, clock=lambda: NOW)
    service.start()
    return SheetWorld(
        control, image.bot_email, settings, master, kinerja, workbooks, service, image.period_id, dict(image.ids)
    )


@pytest.fixture(scope="module")
def images(sheet_sandbox: SandboxServer, master: Master, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The baseline image of each setup (Shared Drive, My Drive), built on first use per module."""
    saved: dict[bool, WorldImage] = {}

    def image(my_drive: bool) -> WorldImage:
        if my_drive not in saved:
            workdir = tmp_path_factory.mktemp("my-drive" if my_drive else "shared-drive")
            saved[my_drive] = save_image(sheet_sandbox, build_world(sheet_sandbox, master, workdir, my_drive=my_drive))
        return saved[my_drive]

    return image


@pytest.fixture
def make_world(
    sheet_sandbox: SandboxServer, master: Master, images: Any, tmp_path: Path
) -> Iterator[Callable[..., SheetWorld]]:
    """``make_world(my_drive=False)``: the baseline world, fresh for this test."""
    made: list[SheetWorld] = []

    def make(*, my_drive: bool = False) -> SheetWorld:
        world = restore_world(sheet_sandbox, images(my_drive), master, tmp_path / f"world-{len(made)}")
        made.append(world)
        return world

    yield make
    for world in made:
        world.store.dispose()
