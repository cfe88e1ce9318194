"""An APBD Perubahan between TW II and TW III, through the real Google edge on the sandbox.

The workflow service runs on a simulated clock with the real ``GoogleWorkbooks``; the staff type
into their sheets with real gspread. TW I and II are filled, submitted and approved; in July a
revised master list (one target and pagu changed, one indicator added, one dropped) is applied
from 1 July; TW III is then filled and approved. Checked against figures computed by hand:

- the PTK sheet keeps every value the staff typed and the TW I/II targets, takes the TW III/IV
  targets, the new Target Tahunan and Pagu; the added indicator has a new row the staff can fill,
  the dropped one keeps its row marked "Dihapus", locked even though TW III is open;
- the rekap measures TW II against the old targets and TW III against the new, says so on each
  tab, and the TW III Riwayat records the revision;
- the audit trail records the revision and the Kepala Dinas is told.
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
from bot.laporan_data import laporan_input
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.workflow.machine import Role
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sheets import layout
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import load_master
from tests.google_edge.conftest import DEMO_MASTER, EXAMPLE, FAST

WIB = ZoneInfo("Asia/Jakarta")
KODES = ("SEK", "PTK")
EDITOR = {"SEK": "sekretariat@disnaker.example.go.id", "PTK": "penempatan@disnaker.example.go.id"}
SEKRETARIS, PTK_KEPALA = 100000002, 100000021
STAF = {"SEK": 100000011, "PTK": 100000022}
CHANGED = "Jumlah pencari kerja yang ditempatkan"  # Kumulatif: TW III target 900 -> 1100
DROPPED = "Jumlah perusahaan peserta bursa kerja"
ADDED = "Jumlah pencari kerja yang mengikuti pelatihan kewirausahaan"
ADDED_ROW = (
    "PTK,2.07.04.2.03.0003,Pelatihan Kewirausahaan Pencari Kerja,{},Orang,Positif,Kumulatif,80,0,0,40,80,60000000"
)
# Realisasi typed per TW for the changed indicator; every other indicator gets 10 per TW.
PLACED = {1: 260, 2: 350, 3: 300}


class Clock:
    """The simulated clock of the workflow and the edge."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@dataclass
class Year:
    """The sandbox, the settings, the service on the real edge, and the office's people."""

    control: SandboxControl
    settings: Settings
    service: WorkflowService
    clock: Clock
    tmp: Path

    def actor(self, telegram_id: int) -> Actor:
        found = self.service.directory.actor_for_telegram(telegram_id)
        assert found is not None
        return found

    def book(self, kode: str, as_email: str = BOT_EMAIL) -> gspread.Worksheet:
        with self.service.store.transaction() as tx:
            report = next(r for p in tx.periods() for r in tx.reports(p.id) if r.bidang == kode)
        return self.control.gspread_as(as_email).open_by_key(report.spreadsheet_id).worksheet(layout.TAB_REALISASI)

    def grid(self, kode: str) -> list[list[Any]]:
        return self.book(kode).get(value_render_option="UNFORMATTED_VALUE")

    def fill(self, kode: str, tw: int) -> None:
        """The bidang's staff type TW ``tw``'s realisasi and anggaran of every indicator not dropped."""
        sheet = self.book(kode, EDITOR[kode])
        rows = self.grid(kode)
        col_r = layout.REALISASI_HEADER.index(layout.col_realisasi(tw))
        col_a = layout.REALISASI_HEADER.index(layout.col_anggaran(tw))
        updates = []
        for r, row in enumerate(rows[1:], start=2):
            if len(row) < 4 or row[0] == "Dihapus":
                continue
            value = PLACED[tw] if row[3] == CHANGED else 10
            updates.append({"range": layout.a1(r, col_r), "values": [[value]]})
            updates.append({"range": layout.a1(r, col_a), "values": [[1_000_000]]})
        sheet.batch_update(updates)

    def submit_and_approve(self, tw: int) -> None:
        for kode in KODES:
            self.fill(kode, tw)
            ready = self.service.submit_from_sheet(self.actor(STAF[kode]), kode, 2026, tw)
            assert ready.ok, ready.problems
            assert not [p for p in ready.problems if "tidak ada di daftar induk" in p.message], ready.problems
            period = self.period(tw)
            kepala = SEKRETARIS if kode == "SEK" else PTK_KEPALA
            self.service.approve_koreksi(self.actor(kepala), period, kode)

    def open(self, tw: int, when: datetime) -> None:
        self.clock.moment = when
        period = self.service.start_period(2026, tw)
        self.service.approve_distribution(self.actor(SEKRETARIS), period)

    def period(self, tw: int) -> int:
        with self.service.store.transaction() as tx:
            found = tx.find_period(2026, tw)
            assert found is not None
            return int(found.id)

    def rekap_tab(self, tab: str) -> list[list[Any]]:
        with self.service.store.transaction() as tx:
            rekap_id = next(p.rekap_spreadsheet_id for p in tx.periods() if p.rekap_spreadsheet_id)
        book = self.control.gspread_as(BOT_EMAIL).open_by_key(rekap_id)
        return book.worksheet(tab).get(value_render_option="UNFORMATTED_VALUE")


def _cut_master(tmp: Path, *, revised: bool) -> Path:
    """The demo master list of SEK and PTK; ``revised``: the APBD Perubahan version of it."""
    lines = DEMO_MASTER.read_text(encoding="utf-8").splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in KODES]
    if revised:
        kept = [line for line in kept if DROPPED not in line]
        kept = [
            line.replace(",Kumulatif,1200,250,600,900,1200,175000000", ",Kumulatif,1500,250,600,1100,1500,200000000")
            if CHANGED in line
            else line
            for line in kept
        ]
        kept.append(ADDED_ROW.format(ADDED))
    path = tmp / ("indikator-perubahan.csv" if revised else "indikator.csv")
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def year(tmp_path: Path) -> Iterator[Year]:
    with running_sandbox() as server:
        control = SandboxControl(server.base_url)
        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        data["bidang"] = [b for b in data["bidang"] if b["kode"] in KODES]
        data["database"] = {"url": f"sqlite:///{tmp_path / 'kinerja.db'}"}
        settings = provision(control, data, tmp_path, master=_cut_master(tmp_path, revised=False), telegram=False)
        clock = Clock(datetime(2026, 4, 6, 8, 0, tzinfo=WIB))
        engine = upgrade(settings.database.url)
        service = WorkflowService(
            settings, Store(engine), GoogleWorkbooks(settings, policy=FAST, clock=clock), clock=clock
        )
        service.start()
        yield Year(control, settings, service, clock, tmp_path)
        engine.dispose()


def _row(grid: list[list[Any]], indikator: str, column: int = 3) -> list[Any]:
    row = next(r for r in grid if len(r) > column and r[column] == indikator)
    return row + [""] * (len(layout.REALISASI_HEADER) - len(row))


def _col(label: str) -> int:
    return layout.REALISASI_HEADER.index(label)


def test_a_revision_between_tw_ii_and_tw_iii(year: Year) -> None:
    year.open(1, datetime(2026, 4, 6, 8, 0, tzinfo=WIB))
    year.submit_and_approve(1)
    year.open(2, datetime(2026, 7, 6, 8, 0, tzinfo=WIB))
    year.submit_and_approve(2)

    # 20 July: the admin applies the APBD Perubahan from its CSV, dated 1 July.
    year.clock.moment = datetime(2026, 7, 20, 10, 0, tzinfo=WIB)
    admin = Actor(Role.SYSTEM, "Admin (uji)")
    revised = load_master(_cut_master(year.tmp, revised=True))
    draft = year.service.prepare_revision(admin, date(2026, 7, 1), revised)
    assert (draft.mulai_tw, draft.totals) == (3, (1, 1, 1))
    assert "Diterapkan mulai: Triwulan III 2026" in draft.preview()
    year.service.apply_revision(admin, draft.id)

    # The PTK sheet: TW I/II targets and every typed value kept, TW III/IV targets revised.
    grid = year.grid("PTK")
    changed = _row(grid, CHANGED)
    assert [changed[_col(layout.col_target(tw))] for tw in (1, 2, 3, 4)] == [250, 600, 1100, 1500]
    assert (changed[_col(layout.COL_TARGET_TAHUNAN)], changed[_col(layout.COL_PAGU)]) == (1500, 200_000_000)
    assert [changed[_col(layout.col_realisasi(tw))] for tw in (1, 2)] == [260, 350]
    dropped = _row(grid, DROPPED)
    assert dropped[0] == "Dihapus"
    assert [dropped[_col(layout.col_target(tw))] for tw in (1, 2, 3, 4)] == [0, 20, "", ""]
    assert [dropped[_col(layout.col_realisasi(tw))] for tw in (1, 2)] == [10, 10]
    added = _row(grid, ADDED)
    assert grid.index(next(r for r in grid if len(r) > 3 and r[3] == ADDED)) == len(grid) - 1  # below the rest
    assert [added[_col(layout.col_target(tw))] for tw in (1, 2, 3, 4)] == ["", "", 40, 80]
    assert added[0] == 8  # numbered after the seven kept indicators

    # The store: version 2 from TW III, the audit trail, the Kepala Dinas told.
    with year.service.store.transaction() as tx:
        versions = [(v.versi, v.label, v.mulai_tw, v.berlaku_mulai) for v in tx.master_versions(2026)]
        audit = [a for a in tx.audit_rows() if a.event == "perubahan_target"]
        told = [o for o in tx.outbox_rows() if o.kind == Kind.TARGET_REVISED]
    assert versions == [(1, "APBD Murni", 1, None), (2, "APBD Perubahan", 3, date(2026, 7, 1))]
    assert len(audit) == 1 and audit[0].note == (
        "APBD Perubahan (berlaku 1 Juli 2026), mulai TW III: 1 indikator diubah, 1 ditambah, 1 dihapus"
    )
    assert [(o.recipient_role, o.payload["mulai_tw"]) for o in told] == [("kepala_dinas", 3)]

    # TW III: the staff fill the new row too; the dropped row is locked although TW III is open.
    year.open(3, datetime(2026, 10, 5, 8, 0, tzinfo=WIB))
    staff = year.book("PTK", EDITOR["PTK"])
    dropped_r = next(i for i, r in enumerate(year.grid("PTK"), start=1) if len(r) > 3 and r[3] == DROPPED)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        staff.update([[5]], layout.a1(dropped_r, _col(layout.col_realisasi(3))))
    assert "protected cell" in str(refused.value)  # Google's 400 for an edit of a protected cell
    year.submit_and_approve(3)

    # The rekap: TW II against APBD Murni, TW III against the revision (figures by hand).
    header = [label for _, label in layout.REKAP_TW_COLUMNS]
    target_c, capaian_c, indikator_c = (header.index(x) for x in ("Target", "Capaian (%)", "Indikator Kinerja"))
    tw2, tw3 = year.rekap_tab("TW II"), year.rekap_tab("TW III")
    row2 = _row(tw2, CHANGED, indikator_c)
    assert row2[target_c] == 600 and row2[capaian_c] == pytest.approx((260 + 350) / 600 * 100)
    row3 = _row(tw3, CHANGED, indikator_c)
    assert row3[target_c] == 1100 and row3[capaian_c] == pytest.approx((260 + 350 + 300) / 1100 * 100)
    names2 = {r[indikator_c] for r in tw2[1:] if len(r) > indikator_c}
    names3 = {r[indikator_c] for r in tw3[1:] if len(r) > indikator_c}
    assert DROPPED in names2 and ADDED not in names2
    assert ADDED in names3 and DROPPED not in names3
    assert _row(tw3, ADDED, indikator_c)[capaian_c] == pytest.approx(10 / 40 * 100)
    assert ["Target: APBD Murni"] in tw2
    assert ["Target: APBD Perubahan (berlaku 1 Juli 2026)"] in tw3
    ringkasan = [row[0] for row in year.rekap_tab("Ringkasan") if row]
    assert "TW I: Target: APBD Murni" in ringkasan
    assert "TW III: Target: APBD Perubahan (berlaku 1 Juli 2026)" in ringkasan
    riwayat = year.rekap_tab("Riwayat")
    assert any("Menerapkan perubahan target (APBD Perubahan)" in row for row in riwayat)
    # The report document measures TW III the same way and says so.
    laporan = laporan_input(year.settings, year.service.store, 2026, 3)
    assert laporan.target_label == "Target: APBD Perubahan (berlaku 1 Juli 2026)"
    frame = laporan.rekap.per_tw[3]
    assert frame.loc[frame["indikator"] == CHANGED, "target"].item() == 1100


def test_a_revision_is_refused_when_nothing_changes_or_every_tw_is_measured(year: Year) -> None:
    admin = Actor(Role.SYSTEM, "Admin (uji)")
    same = load_master(_cut_master(year.tmp, revised=False))
    with pytest.raises(Exception, match="Belum ada triwulan 2026 yang dibagikan"):
        year.service.prepare_revision(admin, date(2026, 7, 1), same)
    year.open(1, datetime(2026, 4, 6, 8, 0, tzinfo=WIB))
    with pytest.raises(Exception, match="tidak berbeda dengan yang berlaku"):
        year.service.prepare_revision(admin, date(2026, 7, 1), same)
    staff = Actor(Role.STAF, "Rina", "PTK", person_id=None)
    with pytest.raises(Exception, match="hanya dikelola oleh Kasubbag KPEP"):
        year.service.prepare_revision(staff, date(2026, 7, 1), load_master(_cut_master(year.tmp, revised=True)))
