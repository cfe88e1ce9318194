"""The master list kept as a Google Sheet by the Kasubbag, read and validated through the real edge.

The Kasubbag keeps the list in a sheet of her own (a title row above the header), shared with the
bot's account. A cell that is not a number is reported at its place, in the sheet's new Catatan
Validasi column and in what the Kasubbag is told; the Sekretaris's approval of step 1 is refused
until it is fixed. Once fixed, the notes are cleared, the workbooks are laid out from the sheet
and the year keeps it as version 1; a later edit of the sheet becomes an APBD Perubahan only
through ``/perubahan``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gspread
import pytest
import yaml

from bot.demo.provision import BOT_EMAIL, provision
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.errors import ActionRefused
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sheets import layout
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import MASTER_COLUMNS, MasterError
from tests.google_edge.conftest import DEMO_MASTER, EXAMPLE, FAST

WIB = ZoneInfo("Asia/Jakarta")
KODES = ("SEK", "PTK")
KASUBBAG_EMAIL = "kpep@disnaker.example.go.id"
SEKRETARIS, KASUBBAG = 100000002, 100000003
TARGET_TW_II = MASTER_COLUMNS.index(layout.col_target(2))  # column J
NOTES = len(MASTER_COLUMNS)  # the first free column after the header: N
SOURCE = 'lembar kerja "Daftar Induk Indikator 2026", tab "Daftar Induk"'


@dataclass
class Office:
    service: WorkflowService
    sheet: gspread.Worksheet
    clock: list[datetime]

    def actor(self, telegram_id: int) -> Actor:
        found = self.service.directory.actor_for_telegram(telegram_id)
        assert found is not None
        return found

    def column(self, c: int) -> list[Any]:
        return [row[c] if len(row) > c else "" for row in self.sheet.get(value_render_option="UNFORMATTED_VALUE")]


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    lines = [line.split(",") for line in DEMO_MASTER.read_text(encoding="utf-8").splitlines()]
    rows = [lines[0]] + [line for line in lines[1:] if line[0] in KODES]
    with running_sandbox() as server:
        control = SandboxControl(server.base_url)
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["bidang"] = [b for b in data["bidang"] if b["kode"] in KODES]
        data["database"] = {"url": f"sqlite:///{tmp_path / 'kinerja.db'}"}
        settings = provision(control, data, tmp_path, telegram=False)
        # The Kasubbag's own sheet: a title row, the header, one indicator per row; shared with the bot.
        book = control.gspread_as(KASUBBAG_EMAIL).create("Daftar Induk Indikator 2026")
        book.share(BOT_EMAIL, perm_type="user", role="writer", notify=False)
        sheet = book.sheet1
        sheet.update_title("Daftar Induk")
        sheet.update([["Daftar induk indikator kinerja Disnaker 2026"], *rows], "A1", value_input_option="USER_ENTERED")
        google = settings.google.model_copy(
            update={"master_indikator": None, "master_sheet": f"https://docs.google.com/spreadsheets/d/{book.id}/edit"}
        )
        settings = settings.model_copy(update={"google": google})
        clock = [datetime(2026, 4, 6, 8, 0, tzinfo=WIB)]
        engine = upgrade(settings.database.url)
        workbooks = GoogleWorkbooks(settings, policy=FAST, clock=lambda: clock[0])
        service = WorkflowService(settings, Store(engine), workbooks, clock=lambda: clock[0])
        service.start()
        yield Office(service, sheet, clock)
        engine.dispose()


def test_the_master_sheet_is_validated_per_cell_and_used_once_fixed(office: Office) -> None:
    service, sheet = office.service, office.sheet
    sheet.update([["dua puluh"]], layout.a1(12, TARGET_TW_II))  # row 12: PTK's "... mendapat kartu AK/I"
    kasubbag = office.actor(KASUBBAG)

    with pytest.raises(MasterError) as caught:
        service.check_master_sheet(kasubbag)
    [problem] = caught.value.cells
    assert problem.sentence() == 'Baris 12, kolom Target TW II: "dua puluh" bukan angka'
    assert problem.cell == "J12"
    notes = office.column(NOTES)
    assert notes[1] == "Catatan Validasi"  # the header row (row 2) got the column
    assert notes[11] == 'Kesalahan: kolom Target TW II: "dua puluh" bukan angka'
    assert [note for r, note in enumerate(notes) if r not in (1, 11)] == [""] * (len(notes) - 2)

    # Step 1 cannot go on: the Sekretaris is refused, the Kasubbag told every problem at its cell.
    period = service.start_period(2026, 1)
    with pytest.raises(ActionRefused, match=r"tidak dapat dipakai \(1 masalah\)"):
        service.approve_distribution(office.actor(SEKRETARIS), period)
    with service.store.transaction() as tx:
        told = [o for o in tx.outbox_rows() if o.kind == Kind.MASTER_INVALID]
    assert told and {o.recipient_role for o in told} == {"kasubbag_kpep"}
    assert told[-1].payload["masalah"] == [{"cell": "J12", "text": problem.sentence()}]

    # Fixed: the notes are cleared, the workbooks are laid out from the sheet, version 1 kept.
    sheet.update([[20]], layout.a1(12, TARGET_TW_II))
    tahun, master = service.check_master_sheet(kasubbag)
    assert tahun == 2026 and [len(master.for_bidang(k)) for k in KODES] == [7, 8]
    assert set(office.column(NOTES)[2:]) <= {""}
    service.approve_distribution(office.actor(SEKRETARIS), period)
    with service.store.transaction() as tx:
        [version] = tx.master_versions(2026)
        ptk = tx.get_report(period, "PTK")
    assert (version.versi, version.sumber) == (1, SOURCE)
    assert ptk is not None and ptk.spreadsheet_id

    # Editing the sheet now changes nothing distributed; /perubahan turns it into a revision.
    sheet.update([[25]], layout.a1(12, TARGET_TW_II + 1))  # Target TW III of the same indicator
    assert service.core.masters.for_tw(2026, 3).for_bidang("PTK")[2].target_tw[2] == 3000
    office.clock[0] = datetime(2026, 4, 8, 9, 0, tzinfo=WIB)
    draft = service.prepare_revision(kasubbag, date(2026, 7, 1))
    assert (draft.mulai_tw, draft.totals, draft.sumber) == (3, (1, 0, 0), SOURCE)
    service.apply_revision(kasubbag, draft.id)
    assert service.core.masters.for_tw(2026, 3).for_bidang("PTK")[2].target_tw[2] == 25
    assert service.core.masters.for_tw(2026, 1).for_bidang("PTK")[2].target_tw[2] == 3000
    with pytest.raises(ActionRefused, match="sudah diterapkan"):
        service.apply_revision(kasubbag, draft.id)  # a doubled press

    # The next year's list on its own tab: 2027 reads it (one PTK indicator fewer), 2026 keeps its versions.
    rows = sheet.get(value_render_option="UNFORMATTED_VALUE")
    ptk_rows = [r for r, row in enumerate(rows) if row and row[0] == "PTK"]
    next_year = [row[:NOTES] for r, row in enumerate(rows) if r != ptk_rows[-1]]
    tab = sheet.spreadsheet.add_worksheet("Daftar Induk 2027", rows=len(next_year) + 5, cols=NOTES + 2)
    tab.update(next_year, "A1", value_input_option="USER_ENTERED")
    tahun, master = service.check_master_sheet(kasubbag, 2027)
    assert tahun == 2027 and [len(master.for_bidang(k)) for k in KODES] == [7, 7]
    assert master.source == 'lembar kerja "Daftar Induk Indikator 2026", tab "Daftar Induk 2027"'
    assert service.core.masters.problem(2027) is None
    assert len(service.core.masters.current(2026).for_bidang("PTK")) == 8
    assert len(service.core.masters.source(2026).for_bidang("PTK")) == 8  # still the "Daftar Induk" tab
