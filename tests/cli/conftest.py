"""Fixtures of the command-line tests: a provisioned sandbox, a settings file on disk pointing at
it, the sandbox bot token in the environment, and helpers to run ``bot.cli.main`` in-process and
to move the period on as the people would (through the real workflow service and Google edge).
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.demo.provision import provision
from bot.runtime import open_store
from bot.store.repository import Store
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings, load_settings
from sandbox.control import SandboxControl
from sandbox.server import SandboxServer, running_sandbox
from sandbox.telegram import DEFAULT_BOT_TOKEN
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import load_master
from tests.google_edge.conftest import DEMO_MASTER, EXAMPLE, FAST, Env

SEKRETARIS = 100000002
KEPALA = {"SEK": 100000002, "PTK": 100000021, "LAT": 100000031, "HIJ": 100000041}
STAF = {"SEK": 100000011, "PTK": 100000022, "LAT": 100000032, "HIJ": 100000042}


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` merged in, key by key (a None value removes the key)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class Cli:
    """A sandbox provisioned for the bot, its settings on disk, and ways to run commands."""

    server: SandboxServer
    control: SandboxControl
    settings: Settings
    data: dict[str, Any]
    tmp: Path
    capsys: pytest.CaptureFixture[str]

    @property
    def config(self) -> Path:
        return self.tmp / "settings.yaml"

    def write_config(self, changes: dict[str, Any] | None = None, name: str = "settings.yaml") -> Path:
        """The settings (with ``changes`` merged in) written as YAML; returns the path."""
        path = self.tmp / name
        path.write_text(yaml.safe_dump(merge(self.data, changes or {}), allow_unicode=True), encoding="utf-8")
        return path

    def run(self, *argv: str, config: Path | None = None) -> tuple[int, str, str]:
        """``python -m bot ARGV --config FILE`` in-process: (exit code, stdout, stderr)."""
        self.capsys.readouterr()
        code = main([*argv, "--config", str(config or self.config)])
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def doctor(self, config: Path | None = None) -> tuple[int, dict[str, dict[str, Any]]]:
        """``doctor --json``: exit code and the checks by key."""
        code, out, _ = self.run("doctor", "--json", "--timeout", "5", config=config)
        report = json.loads(out)
        assert report["exit_code"] == code
        return code, {c["key"]: c for c in report["checks"]}

    def store(self) -> Store:
        return open_store(self.settings)

    def env(self) -> Env:
        """The Google edge test environment over this sandbox (for its fill/submit helpers)."""
        assert self.settings.google.key_file is not None
        return Env(self.server, self.settings, Path(self.settings.google.key_file), load_master(DEMO_MASTER))


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[SandboxServer]:
    """One sandbox per test module, reset before every test (stopping one costs half a second)."""
    with running_sandbox() as server:
        yield server


@pytest.fixture
def cli(
    sandbox_server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """The sandbox, reset and provisioned from the example settings; settings.yaml written; token set."""
    control = SandboxControl(sandbox_server.base_url)
    control.call("POST", "reset")
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    settings = provision(control, example, tmp_path, master=DEMO_MASTER)
    data = settings.model_dump(mode="json", exclude_none=True, exclude={"telegram": {"token"}})
    monkeypatch.setenv("KINERJA_TELEGRAM__TOKEN", DEFAULT_BOT_TOKEN)
    cli = Cli(sandbox_server, control, settings, data, tmp_path, capsys)
    cli.write_config()
    assert load_settings(cli.config).google.endpoint == settings.google.endpoint
    return cli


class Office:
    """The people moving the period on through the real workflow service and Google edge."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.store = cli.store()
        self.workbooks = GoogleWorkbooks(cli.settings, policy=FAST)
        self.service = WorkflowService(cli.settings, self.store, self.workbooks)
        self.service.start()

    def actor(self, telegram_id: int) -> Actor:
        actor = self.service.directory.actor_for_telegram(telegram_id)
        assert actor is not None, telegram_id
        return actor

    def period_id(self) -> int:
        period_id = self.service.current_period_id()
        assert period_id is not None
        return period_id

    def approve_distribution(self) -> dict[str, Any]:
        """The Sekretaris presses Setujui; returns bidang kode -> WorkbookRef-like (spreadsheet_id)."""
        self.service.approve_distribution(self.actor(SEKRETARIS), self.period_id())
        return {r.bidang: r for r in self.service.period_view(self.period_id()).reports}

    def collect_everything(self) -> None:
        """Every bidang's staff fills TW I and submits (/kirim); every Kepala Bidang approves."""
        from tests.google_edge.test_poll import fill

        view = self.service.period_view(self.period_id())
        refs = {}
        with self.store.transaction() as tx:
            for row in tx.reports(view.id):
                refs[row.bidang] = row
        env = self.cli.env()
        for kode, row in refs.items():
            fill(env, {kode: row}, kode, view.tw)
            ready = self.service.submit_from_sheet(self.actor(STAF[kode]), kode, view.tahun, view.tw)
            assert ready.ok, ready.problems
            self.service.approve_koreksi(self.actor(KEPALA[kode]), view.id, kode)

    def close(self) -> None:
        self.store.dispose()


@pytest.fixture
def office(cli: Cli) -> Iterator[Office]:
    """The workflow service over the CLI's sandbox and store."""
    people = Office(cli)
    yield people
    people.close()
