"""The demo, run once for the whole tests/demo suite, and what the tests compare its outputs with.

The demo runs in-process (``--cepat``: no pacing pauses) on a sandbox this fixture owns, so that
after the run the bidang workbooks the simulated staff filled can still be read: their values,
validated and aggregated by ``sheets.validate``/``sheets.aggregate`` here, are the reference the
exported rekap is compared with.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bot.demo import DEMO_MASTER, DemoReport, run_demo
from bot.demo.provision import BOT_EMAIL
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sheets.aggregate import Rekap, build_rekap
from sheets.google.drive import PROP_BIDANG, PROP_JENIS
from sheets.google.poll import read_workbook
from sheets.google.spreadsheet import SheetsApi
from sheets.master import Master, load_master
from sheets.status_tab import StatusRow, parse_status
from sheets.validate import validate_realisasi


@dataclass(frozen=True)
class DemoRun:
    """One finished demo: its report, everything it printed, and the reference rekap of its sheets."""

    report: DemoReport
    printed: str
    master: Master
    tables: dict[str, pd.DataFrame]
    reference: Rekap
    status: dict[str, StatusRow]
    """Kode -> its workbook's TW I row of the Status tab, as the staff see it at the end."""
    notes: dict[str, dict[tuple[int, int], str]]
    """Per bidang, the cell notes of its Realisasi tab at the end of the quarter."""
    files: list[dict[str, Any]]
    """Every Drive file the sandbox held at the end."""

    @property
    def out(self) -> Path:
        return self.report.out


def _reference(
    control: SandboxControl, master: Master, names: dict[str, str]
) -> tuple[dict[str, pd.DataFrame], Rekap, dict[str, StatusRow], dict[str, dict[tuple[int, int], str]]]:
    """Every bidang workbook read as the bot's own account, validated, aggregated for TW I; its Status
    row and its notes."""
    api = SheetsApi(control.gspread_as(BOT_EMAIL).http_client)
    tables: dict[str, pd.DataFrame] = {}
    status: dict[str, StatusRow] = {}
    notes: dict[str, dict[tuple[int, int], str]] = {}
    for file in control.files():
        props = file.get("appProperties") or {}
        if props.get(PROP_JENIS) != "bidang":
            continue
        kode = props[PROP_BIDANG]
        read = read_workbook(api, file["id"])
        result = validate_realisasi(
            read.realisasi, master, bidang=kode, tw=1, submission=True, percent_cells=read.percent_cells
        )
        assert result.ok, [str(p) for p in result.errors]
        tables[kode] = result.table
        status[kode] = parse_status(read.status)[1]
        notes[kode] = dict(read.notes)
    return tables, build_rekap(master, tables, names, 1), status, notes


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """The demo quarter, run once; the sandbox is read for the reference before it stops."""
    out = tmp_path_factory.mktemp("demo") / "demo-out"
    printed: list[str] = []
    master = load_master(DEMO_MASTER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PTB_TIMEDELTA", "1")
        with running_sandbox() as server:
            report = run_demo(out, cepat=True, write=printed.append, sandbox=server)
            names = {kode: figures["bidang"] for kode, figures in report.summary["bidang"].items()}
            control = SandboxControl(server.base_url)
            tables, reference, status, notes = _reference(control, master, names)
            files = control.files()
    yield DemoRun(report, "".join(printed), master, tables, reference, status, notes, files)
