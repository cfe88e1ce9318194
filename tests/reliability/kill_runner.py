"""One action of the workflow in a process of its own, for the kill-inside-an-action test.

``python -m tests.reliability.kill_runner SETTINGS_YAML ACTION`` builds the service as the
reliability world does (real Google edge on the sandbox, the store the settings name) and carries
out ``ACTION`` (a key of :data:`ACTIONS`). The test holds the answer of one of its Google requests
and SIGKILLs this process meanwhile: Google has done what was asked, the store has not heard.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.store.db import create_store_engine
from bot.store.repository import Store
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import parse_settings
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import load_master
from tests.reliability.conftest import DEMO_MASTER, FAST, NOW

KEPALA_DINAS, SEKRETARIS, KASUBBAG, KEPALA_PTK = 100000001, 100000002, 100000003, 100000021
REASON = "Realisasi anggaran belum sesuai SP2D."


def _actor(service: WorkflowService, telegram_id: int) -> Actor:
    actor = service.directory.actor_for_telegram(telegram_id)
    assert actor is not None
    return actor


def _period(service: WorkflowService) -> int:
    period_id = service.current_period_id()
    assert period_id is not None
    return period_id


ACTIONS: dict[str, Callable[[WorkflowService], None]] = {
    "setujui_distribusi": lambda s: s.approve_distribution(_actor(s, SEKRETARIS), _period(s)),
    "setujui": lambda s: s.approve_koreksi(_actor(s, KEPALA_PTK), _period(s), "PTK"),
    "kembalikan": lambda s: s.return_koreksi(_actor(s, KEPALA_PTK), _period(s), "PTK", REASON),
    "buka_kembali": lambda s: s.reopen_bidang(_actor(s, KASUBBAG), _period(s), "SEK", REASON),
    "tindak_lanjut_terakhir": lambda s: s.record_tindak_lanjut(
        _actor(s, KEPALA_PTK), _period(s), "PTK", "Pelatihan ulang petugas pendataan."
    ),
}


def build_service(settings_file: Path) -> WorkflowService:
    """The service as the reliability world wires it, on the settings written by the test."""
    settings = parse_settings(yaml.safe_load(settings_file.read_text(encoding="utf-8")), str(settings_file))
    store = Store(create_store_engine(settings.database.url))
    workbooks = GoogleWorkbooks(settings, master=load_master(DEMO_MASTER), policy=FAST, clock=lambda: NOW)
    return WorkflowService(settings, store, workbooks, clock=lambda: NOW)


def main(argv: list[str]) -> int:
    """Carry out one action; exit 0 when it completed."""
    settings_file, action = Path(argv[0]), argv[1]
    ACTIONS[action](build_service(settings_file))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
