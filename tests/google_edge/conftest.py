"""Fixtures of the Google edge tests: a running sandbox, a service-account key made through its
control API, a Shared Drive with the settings' folders, Settings pointing google.endpoint at it,
and helpers to act as a bidang's staff through real gspread.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gspread
import pytest
import yaml

from bot.demo.provision import ARCHIVE_FOLDER, BOT_EMAIL, ROOT_FOLDER, SHARED_DRIVE, provision
from bot.workflow.intake import PollEvent, SheetMemory, SubmissionReady, events_for, submission_for
from config.settings import Settings, parse_settings
from sandbox.control import SandboxControl
from sandbox.google.clients import discovery_service
from sandbox.server import SandboxServer, running_sandbox
from sheets import layout
from sheets.facts import Feedback, FeedbackPlace
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Master, load_master

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "config" / "settings.example.yaml"
DEMO_MASTER = REPO_ROOT / "config" / "demo" / "indikator.csv"
FAST = RetryPolicy(attempts=6, timeout=10.0, initial_wait=0.001, max_wait=0.01, quota_wait=0.01, quota_jitter=0.0)


@dataclass
class Env:
    """One sandbox with the bot's key, drive and folders, and the settings that point at it."""

    server: SandboxServer
    settings: Settings
    key_file: Path
    master: Master

    @property
    def base(self) -> str:
        return self.server.base_url.rstrip("/")

    @property
    def sandbox(self) -> SandboxControl:
        """The sandbox's control API (sandbox.control)."""
        return SandboxControl(self.base)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self.sandbox.call(method, path, body)

    def google_total(self) -> int:
        """Google API requests since the last reset (the token endpoint excluded)."""
        return self.sandbox.google_total()

    def google_methods(self) -> dict[str, int]:
        return self.sandbox.google_methods()

    def reset_stats(self) -> None:
        self.sandbox.reset_stats()

    def fault(
        self, status: int, *, rate: float | None = None, count: int | None = None, method: str | None = None
    ) -> None:
        self.sandbox.fault("google", status, rate=rate, count=count, method=method)

    def clear_faults(self) -> None:
        self.sandbox.clear_faults()

    def files(self) -> list[dict[str, Any]]:
        return self.sandbox.files()

    def person(self, email: str) -> gspread.Client:
        """A real gspread client acting as ``email`` (a sandbox token for that person)."""
        return self.sandbox.gspread_as(email)

    def person_token(self, email: str) -> str:
        return self.sandbox.google_token(email)

    def admin_drive(self) -> Any:
        """Drive as the bot's own account (an admin acting on the files outside the adapter)."""
        return discovery_service(self.base, "drive", self.person_token(BOT_EMAIL))

    def workbooks(self, **kwargs: Any) -> GoogleWorkbooks:
        kwargs.setdefault("policy", FAST)
        kwargs.setdefault("master", self.master)
        return GoogleWorkbooks(self.settings, **kwargs)

    def poller(self, **kwargs: Any) -> IntakePoller:
        """The Google edge with the workflow's intake on top (:class:`IntakePoller`)."""
        return IntakePoller(self.workbooks(**kwargs))


@dataclass(frozen=True)
class PollResult:
    """What one poll found: the intake's events and the cursor for the next poll."""

    events: tuple[PollEvent, ...]
    cursor: str | None


class IntakePoller:
    """The Google edge's poll read by the workflow's intake, as ``WorkflowService.take_in`` does.

    The memory the service keeps in the store is a dict here; a "restarted" poller is given the
    old one's ``memory`` (the store outlives the process) and a fresh edge. It works on one budget
    year (``tahun``), whose workbooks it watches and names in each call to the edge. Every other
    attribute is the edge's own (``distribute``, ``write_rekap`` ...).
    """

    def __init__(self, edge: GoogleWorkbooks, memory: dict[str, SheetMemory] | None = None, tahun: int = 2026) -> None:
        self.edge = edge
        self.tahun = tahun
        self.memory: dict[str, SheetMemory] = {} if memory is None else memory
        self.known: dict[str, tuple[int, str]] = {}
        # As the store: the values last submitted, and the approved snapshots (written at approval).
        self.submitted: dict[tuple[str, int], Any] = {}
        self.snapshots: dict[str, dict[int, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.edge, name)

    def distribute(self, tahun: int, tw: int, kodes: Any, master: Any = None) -> Any:
        refs = self.edge.distribute(tahun, tw, kodes, master)
        self.known.update({ref.spreadsheet_id: (tahun, kode) for kode, ref in refs.items()})
        return refs

    def _expected(self, kode: str) -> str:
        return layout.judul_bidang(self.tahun, self.edge.settings.bidang_by_kode(kode).nama)

    def poll(self, cursor: str | None) -> PollResult:
        changes = self.edge.poll(cursor, self.known, [self.tahun])
        events: list[PollEvent] = []
        for fact in changes.books:
            before = self.memory.get(fact.bidang, SheetMemory())
            found, self.memory[fact.bidang] = events_for(
                fact,
                self.edge.masters(fact.tahun),
                before,
                self.snapshots.get(fact.bidang, {}),
                self._expected(fact.bidang),
            )
            self._remember(found)
            events += found
        return PollResult(tuple(events), changes.cursor)

    def read_submission(self, kode: str, tw: int) -> SubmissionReady:
        fact = self.edge.read_book(self.tahun, kode)
        before = self.memory.get(kode, SheetMemory())
        ready, self.memory[kode] = submission_for(
            kode, self.tahun, tw, fact.read, self.edge.masters(self.tahun), before, self.snapshots.get(kode, {})
        )
        self._remember([ready])
        return ready

    def _remember(self, events: Any) -> None:
        for event in events:
            if isinstance(event, SubmissionReady) and event.ok:
                self.submitted[(event.bidang, event.tw)] = event.values

    def write_feedback(self, kode: str, tw: int, feedback: Feedback) -> None:
        """The validation's notes, in the workbook of this poller's year."""
        self.edge.write_feedback(self.tahun, kode, tw, feedback)

    def lock_tw(self, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """The approval: the TW locked, its submitted values the snapshot (as ``approve_koreksi``)."""
        self.edge.lock_tw(self.tahun, kode, tw, feedback)
        if (kode, tw) in self.submitted:
            self.snapshots.setdefault(kode, {})[tw] = self.submitted[(kode, tw)]

    def reopen_tw(self, kode: str, tw: int, feedback: Feedback | None = None) -> None:
        """A reopen: the TW open again, a new submission counts (as ``reopen_bidang``)."""
        self.edge.reopen_tw(self.tahun, kode, tw, feedback)
        self.memory[kode] = self.memory.get(kode, SheetMemory()).forget_submission(tw)

    def place(self, kode: str) -> FeedbackPlace | None:
        memory = self.memory.get(kode)
        return None if memory is None else memory.place


def make_settings(base_url: str, key_file: Path, tmp: Path, **google: Any) -> Settings:
    """The example settings with google.* pointing at the sandbox."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["google"].update(
        {
            "endpoint": base_url.rstrip("/"),
            "key_file": str(key_file),
            "shared_drive_id": SHARED_DRIVE,
            "master_indikator": str(DEMO_MASTER),
            "root_folder_id": ROOT_FOLDER,
            "archive_folder_id": ARCHIVE_FOLDER,
            **google,
        }
    )
    data["database"] = {"url": f"sqlite:///{tmp / 'kinerja.db'}"}
    return parse_settings(data, "test")


def _provision(server: SandboxServer, tmp: Path) -> tuple[Path, Settings]:
    """The shared provisioning (bot.demo.provision), Google side only."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    settings = provision(SandboxControl(server.base_url), data, tmp, master=DEMO_MASTER, telegram=False)
    assert settings.google.key_file is not None
    return Path(settings.google.key_file), settings


@contextmanager
def provisioned_env(tmp: Path) -> Iterator[Env]:
    """A fresh sandbox provisioned for the bot (a context manager, for tests needing two)."""
    tmp.mkdir(parents=True, exist_ok=True)
    with running_sandbox() as server:
        key_file, settings = _provision(server, tmp)
        # The edge's facts and request budget are tested here with the change feed at once; the
        # lag (Google's default in the sandbox) has its own tests in test_poll.py.
        SandboxControl(server.base_url).change_lag(0)
        yield Env(server, settings, key_file, load_master(DEMO_MASTER))


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    """A fresh sandbox provisioned for the bot."""
    with provisioned_env(tmp_path / "main") as environment:
        yield environment


def workbook_state(env: Env) -> dict[str, Any]:
    """Every bot file, id-free: name, place, tabs, protections, writers and cell values."""
    admin = env.person(BOT_EMAIL)
    state: dict[str, Any] = {}
    for f in env.files():
        props = f["appProperties"]
        if not props:
            continue
        key = "/".join(f"{k}={v}" for k, v in sorted(props.items()))
        assert key not in state, f"duplicate file {key}"
        entry: dict[str, Any] = {
            "name": f["name"],
            "parents": f["parents"],
            "sheets": f["sheets"],
            "trashed": f["trashed"],
            "writers": sorted(p["emailAddress"] for p in f["permissions"] if p["role"] == "writer"),
            "protections": sorted(
                (
                    p["description"],
                    json.dumps(p["range"], sort_keys=True),
                    json.dumps(p["unprotectedRanges"], sort_keys=True),
                    tuple(p["editors"]["users"]),
                )
                for p in f["protectedRanges"] or []
            ),
        }
        if f["sheets"]:
            values = admin.http_client.values_batch_get(
                f["id"], [f"'{title}'" for title in f["sheets"]], params={"valueRenderOption": "UNFORMATTED_VALUE"}
            )
            grids = [vr.get("values", []) for vr in values["valueRanges"]]
            # "Diperbarui" holds the time of the bot's last write: not part of the state compared
            entry["values"] = [
                [row[:4] if title == "Status" else row for row in grid]
                for title, grid in zip(f["sheets"], grids, strict=True)
            ]
        state[key] = entry
    return state


KODES = ("SEK", "PTK", "LAT", "HIJ")
