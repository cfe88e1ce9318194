"""One budget year end to end through the sandbox, on a simulated clock: the real service on the real
Google edge, the staff typing into their sheets with real gspread, four quarters opened by the
schedule, the year's result in the dinas workbook's ``Tahunan`` tab (checked against the figures
worked out by hand in :mod:`tests.year.data`) with its native line chart, a regional holiday moving
TW II's deadline, and the next year's TW I opened by the schedule with new workbooks in the same
folders built from that year's master list, while last year's stay as they were.

The workflow-level year (every step, the reminders, the rollover's waits) is tests/workflow/test_year.py;
this one proves the same year on Sheets and Drive as Google would hold it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import gspread
import pytest
import yaml

from bot.demo.provision import BOT_EMAIL, provision_google
from bot.store.migrate import upgrade
from bot.store.repository import Store
from bot.telegram.render import Renderer
from bot.workflow.machine import DinasState
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings, parse_settings
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sheets import layout
from sheets.google.drive import PROP_BIDANG, PROP_JENIS, PROP_TAHUN
from sheets.google.http import RetryPolicy
from sheets.google.workbooks import GoogleWorkbooks
from tests.conftest import EXAMPLE_SETTINGS
from tests.year import data

KODES = ("SEK", "PTK")
KEPALA = {"SEK": 100000002, "PTK": 100000021}  # the Sekretaris corrects the Sekretariat
SEKRETARIS, KASUBBAG, KADIS = 100000002, 100000003, 100000001
REGIONAL_HOLIDAY = date(2026, 7, 6)  # a Monday inside TW II's input window
POLICY = RetryPolicy(attempts=4, timeout=60.0, initial_wait=0.001, max_wait=0.01)
EXTRA_2027 = [
    "PTK",
    "2.05",
    "Penempatan",
    "Pelatihan kerja terpadu",
    "Kegiatan",
    "Positif",
    "Kumulatif",
    4,
    1,
    2,
    3,
    4,
    0,
]


def indonesian(value: float) -> str:
    """A number as the staff types it in an id_ID sheet: thousands dots, decimal comma."""
    whole = f"{value:,.2f}".rstrip("0").rstrip(".")
    return whole.replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class Year:
    """The sandbox, the settings, the service and its clock."""

    control: SandboxControl
    settings: Settings
    store: Store
    service: WorkflowService
    clock: list[datetime]

    def actor(self, telegram_id: int) -> Actor:
        actor = self.service.directory.actor_for_telegram(telegram_id)
        assert actor is not None
        return actor

    def at(self, moment: datetime) -> None:
        self.clock[0] = moment

    def book(self, spreadsheet_id: str, email: str) -> gspread.Spreadsheet:
        return self.control.gspread_as(email).open_by_key(spreadsheet_id)

    def fill_and_submit(self, kode: str, spreadsheet_id: str, tw: int) -> None:
        """The bidang's staff types TW ``tw`` (realisasi, realisasi anggaran) and sets Siap Dikoreksi."""
        email = self.settings.bidang_by_kode(kode).editor[0]
        book = self.book(spreadsheet_id, email)
        header = list(layout.REALISASI_HEADER)
        updates = []
        for label, series in ((layout.col_realisasi(tw), data.REALISASI), (layout.col_anggaran(tw), data.ANGGARAN)):
            letter = layout.column_letter(header.index(label))
            for row, values in enumerate(series[kode], start=layout.FIRST_DATA_ROW):
                value = values[tw - 1]
                if value is not None:
                    updates.append({"range": f"{letter}{row}", "values": [[indonesian(value)]]})
        book.worksheet(layout.TAB_REALISASI).batch_update(updates, value_input_option="USER_ENTERED")
        book.worksheet(layout.TAB_STATUS).update([[layout.STATUS_SIAP_DIKOREKSI]], f"B{layout.status_row(tw)}")


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    workdir = tmp_path_factory.mktemp("setahun")
    masters = workdir / "master"
    masters.mkdir()
    (masters / "2026.csv").write_text(data.master_csv(), encoding="utf-8")
    extra = ",".join(str(cell) for cell in EXTRA_2027)
    (masters / "2027.csv").write_text(data.master_csv() + extra + "\n", encoding="utf-8")
    with running_sandbox() as server:
        control = SandboxControl(server.base_url)
        # Edits reach Drive's change feed at once: the year's clock is the service's, not the sandbox's.
        control.change_lag(0)
        settings_data = yaml.safe_load(EXAMPLE_SETTINGS.read_text(encoding="utf-8"))
        settings_data["bidang"] = [b for b in settings_data["bidang"] if b["kode"] in KODES]
        settings_data["hari_libur"] = {
            "tambahan": [{"tanggal": REGIONAL_HOLIDAY.isoformat(), "keterangan": "Libur daerah (uji)"}]
        }
        google = provision_google(control, settings_data, workdir, master=masters / "{tahun}.csv")
        google["database"] = {"url": f"sqlite:///{workdir / 'kinerja.db'}"}
        settings = parse_settings(google, "setahun")
        store = Store(upgrade(settings.database.url))
        clock = [datetime(2026, 3, 31, 8, 0, tzinfo=settings.tz)]
        workbooks = GoogleWorkbooks(settings, policy=POLICY, clock=lambda: clock[0])
        service = WorkflowService(settings, store, workbooks, clock=lambda: clock[0])
        service.start()
        try:
            yield Year(control, settings, store, service, clock)
        finally:
            store.dispose()


def run_quarter(year: Year, tahun: int, tw: int) -> int:
    """TW ``tw`` of ``tahun`` opened by the schedule, filled, approved, reviewed and closed."""
    service = year.service
    opens = service.calendar.period_open_at(tahun, tw)
    year.at(opens)
    service.tick()
    pid = service.period_id_for(tahun, tw)
    assert pid is not None, (tahun, tw)
    service.approve_distribution(year.actor(SEKRETARIS), pid)
    service.poll_once()
    ids = {r.bidang: r.url for r in service.period_view(pid).reports}
    with year.store.transaction() as tx:
        books = {r.bidang: r.spreadsheet_id for r in tx.reports(pid)}
    assert set(ids) == set(KODES)
    for kode in KODES:
        year.fill_and_submit(kode, books[kode], tw)
    service.poll_once()
    for kode in KODES:
        report = next(r for r in service.period_view(pid).reports if r.bidang == kode)
        assert report.state.value == "diajukan", (tahun, tw, kode, report)
        service.approve_koreksi(year.actor(KEPALA[kode]), pid, kode)
    service.submit_to_sekretaris(year.actor(KASUBBAG), pid)
    service.forward_to_kepala_dinas(year.actor(SEKRETARIS), pid)
    service.approve_by_kepala_dinas(year.actor(KADIS), pid)
    service.give_rekomendasi(year.actor(KADIS), pid, f"Pertahankan capaian triwulan {tw}.")
    for kode in KODES:
        service.record_tindak_lanjut(year.actor(KEPALA[kode]), pid, kode, "Sudah ditindaklanjuti.")
    view = service.period_view(pid)
    assert view.state is DinasState.CLOSED and view.archive_url
    return pid


def props(file: dict[str, Any]) -> dict[str, str]:
    """A Drive file's appProperties (the bot's marks)."""
    return dict(file.get("appProperties") or {})


def tahunan_tab(year: Year) -> tuple[list[list[Any]], dict[str, Any]]:
    """The dinas workbook's ``Tahunan`` tab as the bot's account reads it, and its sheet metadata."""
    rekap = next(
        f for f in year.control.files() if props(f).get(PROP_JENIS) == "rekap" and props(f)[PROP_TAHUN] == "2026"
    )
    book = year.book(rekap["id"], BOT_EMAIL)
    values = book.worksheet(layout.TAB_TAHUNAN).get(value_render_option="UNFORMATTED_VALUE")
    meta = book.fetch_sheet_metadata(params={"fields": "sheets(properties(title),charts)"})
    [sheet] = [s for s in meta["sheets"] if s["properties"]["title"] == layout.TAB_TAHUNAN]
    return values, sheet


def test_a_year_then_the_next_years_first_quarter(year: Year) -> None:
    service = year.service
    periods = [run_quarter(year, 2026, tw) for tw in (1, 2, 3, 4)]

    # The regional holiday moved TW II's input deadline by one working day (8 -> 9 July).
    deadline = service.period_view(periods[1]).deadline
    assert deadline is not None and service.calendar.localize(deadline).date() == date(2026, 7, 9)

    # The year in the Tahunan tab: per bidang, the dinas, every indicator, against the hand figures.
    grid, sheet = tahunan_tab(year)
    bidang_header = [label for _, label in layout.TAHUNAN_BIDANG_COLUMNS]
    assert grid[0][: len(bidang_header)] == bidang_header
    column = {name: i for i, (name, _) in enumerate(layout.TAHUNAN_BIDANG_COLUMNS) if name}
    rows = {row[0] or row[1]: row for row in grid[1:4]}
    for kode in KODES:
        capaian, predikat, _counts, _pagu, _anggaran, serapan, trend = data.BIDANG[kode]
        row = rows[kode]
        assert row[column["rata_rata_capaian"]] == pytest.approx(capaian) and row[column["predikat"]] == predikat
        assert row[column["serapan"]] == pytest.approx(serapan)
        assert [row[column[f"capaian_tw{k}"]] for k in (1, 2, 3, 4)] == pytest.approx(trend)
    dinas = rows[layout.SELURUH_DINAS]
    assert dinas[column["rata_rata_capaian"]] == pytest.approx(data.DINAS_TAHUNAN)
    assert dinas[column["serapan"]] == pytest.approx(data.DINAS_SERAPAN)
    indikator_header = [label for _, label in layout.TAHUNAN_INDIKATOR_COLUMNS]
    start = grid.index(next(r for r in grid if r[: len(indikator_header)] == indikator_header)) + 1
    names = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
    expected = [(kode, i, row) for kode in KODES for i, row in enumerate(data.TAHUNAN[kode])]
    for sheet_row, (kode, i, (realisasi, capaian, predikat, _, serapan)) in zip(grid[start:], expected, strict=True):
        assert sheet_row[names.index("kode_bidang")] == kode
        assert sheet_row[names.index("realisasi_tahunan")] == pytest.approx(realisasi)
        assert sheet_row[names.index("capaian")] == pytest.approx(capaian)
        assert sheet_row[names.index("predikat")] == predikat
        if serapan is not None:
            assert sheet_row[names.index("serapan")] == pytest.approx(serapan)
        trend = [sheet_row[names.index(f"capaian_tw{k}")] for k in (1, 2, 3, 4)]
        assert trend == pytest.approx(data.CAPAIAN_TW[kode][i])
    # The year reaches the chat too: the TW IV draft the Kasubbag receives states it.
    summary = service.period_view(periods[3]).rekap_summary
    assert summary["dinas"]["capaian_tahunan"] == pytest.approx(data.DINAS_TAHUNAN)
    with year.store.transaction() as tx:
        [draft] = [r for r in tx.outbox_rows(periods[3]) if r.kind == Kind.REKAP_DRAFT]
    text = Renderer(year.settings).render(draft.kind, draft.payload, draft.recipient_role).text
    assert "Rata-rata capaian setahun (Triwulan IV): 100,00%" in text and "Predikat setahun: Sangat Tinggi" in text
    [chart] = sheet["charts"]
    basic = chart["spec"]["basicChart"]
    assert basic["chartType"] == "LINE" and len(basic["series"]) == len(KODES) + 1

    # The next year: TW I 2027 on the calendar, new workbooks in the same folders from 2027's list.
    before = {f["id"]: f for f in year.control.files()}
    tw1 = run_tw1_2027_distribution(year)
    files = year.control.files()
    bidang_books = [f for f in files if props(f).get(PROP_JENIS) == "bidang"]
    by_year = {(props(f)[PROP_TAHUN], props(f)[PROP_BIDANG]): f for f in bidang_books}
    for kode in KODES:
        old, new = by_year[("2026", kode)], by_year[("2027", kode)]
        assert new["id"] != old["id"] and new["id"] not in before
        assert new["parents"] == old["parents"] == [year.settings.bidang_by_kode(kode).folder_id]
        assert new["name"] == layout.judul_bidang(2027, year.settings.bidang_by_kode(kode).nama)
        assert before[old["id"]]["modifiedTime"] == old["modifiedTime"]  # last year's stays as it was
    with year.store.transaction() as tx:
        books = {r.bidang: r.spreadsheet_id for r in tx.reports(tw1)}
    ptk = year.book(books["PTK"], BOT_EMAIL).worksheet(layout.TAB_REALISASI).get()
    assert len(ptk) == 1 + len(data.master().for_bidang("PTK")) + 1  # 2027's list has one more PTK indicator
    assert ptk[-1][layout.REALISASI_HEADER.index(layout.COL_INDIKATOR)] == EXTRA_2027[3]
    assert [(p.tahun, p.tw) for p in _periods(year)] == [(2026, 1), (2026, 2), (2026, 3), (2026, 4), (2027, 1)]


def run_tw1_2027_distribution(year: Year) -> int:
    service = year.service
    year.at(service.calendar.period_open_at(2027, 1))
    service.tick()
    tw1 = service.period_id_for(2027, 1)
    assert tw1 is not None
    service.approve_distribution(year.actor(SEKRETARIS), tw1)
    service.poll_once()  # the 2027 workbooks are the ones watched now
    assert service.year.current() == 2027
    return tw1


def _periods(year: Year) -> list[Any]:
    with year.store.transaction() as tx:
        return tx.periods()
