"""A year as the office lives it, at the workflow level (the in-memory Google double): the four
quarters opened by the schedule with the values of earlier TWs carried into each rekap, the year's
result at TW IV against figures computed by hand, the next year's TW I opened on the calendar once
last year is closed and its master list is there (the Kasubbag reminded weeks ahead), and the
regency's own days off moving the deadline. The same year through the sandbox: tests/year/."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.store.repository import Store
from bot.workflow.calendar import WorkCalendar
from bot.workflow.errors import ActionRefused
from bot.workflow.intake import SubmissionReady
from bot.workflow.machine import DinasState, Role
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import HariKhusus, HariLibur, Settings
from sheets.aggregate import build_rekap, tables_from_snapshots
from sheets.facts import RekapData
from sheets.master import Master
from sheets.snapshot import snapshot_hash
from tests.workflow.conftest import KADIS, KASUBBAG, KEPALA, SEKRETARIS, actor_of, wib
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import submission
from tests.year import data

KODES = ("SEK", "PTK")


@pytest.fixture
def masters(tmp_path: Path) -> Path:
    """A folder ``master/`` with the year's list for 2026 only (2027 is provided by the tests)."""
    folder = tmp_path / "master"
    folder.mkdir()
    (folder / "2026.csv").write_text(data.master_csv(), encoding="utf-8")
    return folder


@pytest.fixture
def settings(settings: Settings, masters: Path) -> Settings:
    """The example settings with two bidang and one master list per year (``master/{tahun}.csv``)."""
    google = settings.google.model_copy(update={"master_indikator": masters / "{tahun}.csv"})
    return settings.model_copy(update={"bidang": settings.bidang[:2], "google": google})


def outbox(store: Store, kind: Kind) -> list[Any]:
    with store.transaction() as tx:
        return [r for r in tx.outbox_rows() if r.kind == kind]


def periods(store: Store) -> list[tuple[int, int, str]]:
    with store.transaction() as tx:
        return [(p.tahun, p.tw, p.state) for p in tx.periods()]


def run_quarter(service: WorkflowService, clock: time_machine.Traveller, opens: datetime) -> int:
    """The schedule opens the period due at ``opens``; everyone acts; the period closes. Its id."""
    clock.move_to(opens)
    service.tick()
    with service.store.transaction() as tx:
        period = tx.periods()[-1]
    assert (period.state, cal_of(service).due_period(service.now())) == (
        DinasState.AWAITING_DISTRIBUTION,
        (period.tahun, period.tw),
    )
    pid, tahun, tw = period.id, period.tahun, period.tw
    who = lambda telegram_id: actor_of(service, telegram_id)  # noqa: E731
    service.approve_distribution(who(SEKRETARIS), pid)
    for kode in KODES:
        service.handle_events([filled(kode, tahun, tw)])
        service.approve_koreksi(who(KEPALA[kode]), pid, kode)
    service.submit_to_sekretaris(who(KASUBBAG), pid)
    service.forward_to_kepala_dinas(who(SEKRETARIS), pid)
    service.approve_by_kepala_dinas(who(KADIS), pid)
    service.give_rekomendasi(who(KADIS), pid, f"Pertahankan capaian {tw}.")
    for kode in KODES:
        service.record_tindak_lanjut(who(KEPALA[kode]), pid, kode, f"Ditindaklanjuti {kode}.")
    assert service.period_view(pid).state is DinasState.CLOSED
    return int(pid)


def cal_of(service: WorkflowService) -> WorkCalendar:
    return service.calendar


def filled(kode: str, tahun: int, tw: int) -> SubmissionReady:
    """The bidang's TW submitted with the year's values (tests/year/data.py), as the intake finds it."""
    values = data.snapshot_values(kode, tw)
    return SubmissionReady(kode, tw, True, values=values, values_hash=snapshot_hash(values), tahun=tahun)


@pytest.mark.parametrize(
    ("now", "first_year", "due"),
    [
        (wib(2026, 12, 31, 12, 0), None, (2026, 3)),
        (wib(2027, 1, 4, 7, 59), None, (2026, 3)),
        (wib(2027, 1, 4, 8, 0), None, (2026, 4)),  # 1 January (Friday) is Tahun Baru
        (wib(2027, 3, 31, 23, 0), None, (2026, 4)),
        (wib(2027, 4, 1, 8, 0), None, (2027, 1)),
        (wib(2027, 1, 5, 9, 0), 2027, None),  # last year's TW IV is before the first year
        (wib(2026, 3, 31, 9, 0), 2026, None),
    ],
    ids=["december", "new-year-before-opening", "tw4-opens", "end-of-march", "next-tw1", "first-year", "before-first"],
)
def test_the_period_due_comes_from_the_calendar(
    settings: Settings, now: datetime, first_year: int | None, due: tuple[int, int] | None
) -> None:
    assert WorkCalendar.of(settings).due_period(now, first_year) == due


def test_four_quarters_carry_earlier_tws_and_tw_iv_gives_the_year(
    service: WorkflowService, workbook: InMemoryWorkbook, store: Store, clock: time_machine.Traveller
) -> None:
    opening = [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    for tahun, tw in opening:
        run_quarter(service, clock, service.calendar.period_open_at(tahun, tw))
    assert [(t, w) for t, w, _ in periods(store)] == opening
    # Each TW's rekap is written from the approved snapshots of every TW so far (values carried).
    rekap_tws = [args[1] for name, args in workbook.calls if name == "write_rekap"]
    last_of_tw: dict[int, RekapData] = {tw: workbook.rekap_writes[i] for i, tw in enumerate(rekap_tws)}
    for tw in (1, 2, 3, 4):
        carried = sorted((s.bidang, s.tw) for s in last_of_tw[tw].snapshots)
        assert carried == sorted((kode, k) for kode in KODES for k in range(1, tw + 1))
    # The year, from what the TW IV rekap was given: the hand-computed figures.
    names = {b.kode: b.nama for b in service.settings.bidang}
    rekap = build_rekap(service.master(2026), tables_from_snapshots(last_of_tw[4].snapshots), names, 4)
    assert rekap.tahunan is not None
    by_bidang = rekap.tahunan.bidang.set_index("kode_bidang")
    for kode in KODES:
        assert by_bidang.loc[kode, "rata_rata_capaian"] == pytest.approx(data.BIDANG[kode][0])
        assert by_bidang.loc[kode, "predikat"] == data.BIDANG[kode][1]
    assert rekap.tahunan.dinas.loc[0, "rata_rata_capaian"] == pytest.approx(data.DINAS_TAHUNAN)
    # Every TW's workbook calls named 2026.
    assert {args[0] for name, args in workbook.calls if name in ("distribute", "write_rekap", "archive")} == {2026}


def test_next_year_opens_after_last_year_closes_with_its_master_list(
    service: WorkflowService, workbook: InMemoryWorkbook, store: Store, clock: time_machine.Traveller, masters: Path
) -> None:
    # TW IV 2026 opens in January 2027 and is not closed by April.
    clock.move_to(service.calendar.period_open_at(2026, 4))
    service.tick()
    [(tahun, tw, state)] = periods(store)
    assert (tahun, tw, state) == (2026, 4, DinasState.AWAITING_DISTRIBUTION)
    tw4 = service.current_period_id()
    assert tw4 is not None
    service.approve_distribution(actor_of(service, SEKRETARIS), tw4)

    # 28 days before TW I 2027 opens (1 April 2027 08.00): the Kasubbag is reminded of the list.
    opens = service.calendar.period_open_at(2027, 1)
    assert opens == wib(2027, 4, 1, 8, 0)
    clock.move_to(wib(2027, 3, 4, 8, 0))
    service.tick()
    service.tick()
    [reminder] = outbox(store, Kind.MASTER_REMINDER)
    assert reminder.recipient_role == "kasubbag_kpep"
    assert reminder.payload["tahun"] == 2027 and reminder.payload["overdue"] is False
    assert reminder.payload["path"] == str(masters / "2027.csv") and reminder.payload["problem"] is None
    clock.move_to(wib(2027, 3, 5, 8, 0))  # 27 days before: no reminder day
    service.tick()
    assert len(outbox(store, Kind.MASTER_REMINDER)) == 1
    (masters / "2027.csv").write_text("Bidang,Kode\nSEK,1\n", encoding="utf-8")  # a broken list
    clock.move_to(wib(2027, 3, 18, 9, 30))  # 14 days before
    service.tick()
    broken = outbox(store, Kind.MASTER_REMINDER)[-1]
    assert 'kolom "Indikator Kinerja" tidak ada' in broken.payload["problem"]

    # TW I 2027 is due: it waits for TW IV 2026 (told once) and for a usable master list.
    clock.move_to(opens)
    service.tick()
    service.tick()
    assert [(t, w) for t, w, _ in periods(store)] == [(2026, 4)]
    [held] = outbox(store, Kind.PERIOD_HELD)
    assert held.payload["waiting_for"] == ["Triwulan IV 2026"] and (held.payload["tahun"], held.payload["tw"]) == (
        2027,
        1,
    )
    overdue = outbox(store, Kind.MASTER_REMINDER)[-1]
    assert overdue.payload["overdue"] is True

    # TW IV 2026 closes and is archived; the list is fixed: TW I 2027 opens on the next sweep.
    who = lambda telegram_id: actor_of(service, telegram_id)  # noqa: E731
    for kode in KODES:
        service.handle_events([filled(kode, 2026, 4)])
        service.approve_koreksi(who(KEPALA[kode]), tw4, kode)
    service.submit_to_sekretaris(who(KASUBBAG), tw4)
    service.forward_to_kepala_dinas(who(SEKRETARIS), tw4)
    service.approve_by_kepala_dinas(who(KADIS), tw4)
    service.give_rekomendasi(who(KADIS), tw4, "Evaluasi setahun.")
    for kode in KODES:
        service.record_tindak_lanjut(who(KEPALA[kode]), tw4, kode, "Dilaksanakan.")
    assert ("archive", (2026, 4)) in workbook.calls
    service.tick()
    assert [(t, w) for t, w, _ in periods(store)] == [(2026, 4)]  # the list is still broken
    (masters / "2027.csv").write_text(data.master_csv(), encoding="utf-8")
    service.tick()
    assert periods(store) == [(2026, 4, DinasState.CLOSED), (2027, 1, DinasState.AWAITING_DISTRIBUTION)]
    tw1 = service.current_period_id()
    assert tw1 is not None
    service.approve_distribution(who(SEKRETARIS), tw1)
    assert workbook.calls[-1] == ("distribute", (2027, 1, KODES))
    # The store keeps both years; commands name either.
    assert service.period_id_for(2026, 4) == tw4 and service.period_id_for(None, 1) == tw1
    assert service.year.current() == 2027
    # An event of last year's workbook still finds last year's period (not this year's).
    service.handle_events([submission("SEK", 4, tahun=2026)])
    assert service.period_view(tw4).state is DinasState.CLOSED


def test_no_reminder_while_the_next_years_list_is_there(
    service: WorkflowService, store: Store, clock: time_machine.Traveller, masters: Path
) -> None:
    (masters / "2027.csv").write_text(data.master_csv(), encoding="utf-8")
    clock.move_to(wib(2027, 3, 4, 8, 0))
    service.tick()
    assert outbox(store, Kind.MASTER_REMINDER) == []


WINDOW_OPENS = wib(2026, 7, 1, 8, 0)  # TW II 2026 opens on Wednesday 1 July


@pytest.mark.parametrize(
    ("hari_libur", "deadline"),
    [
        (HariLibur(), date(2026, 7, 8)),  # five working days: Thu 2 .. Wed 8 July
        (HariLibur(tambahan=(HariKhusus(tanggal=date(2026, 7, 6), keterangan="Libur daerah"),)), date(2026, 7, 9)),
        (
            HariLibur(
                tambahan=(
                    HariKhusus(tanggal=date(2026, 7, 2), keterangan="Cuti bersama daerah"),
                    HariKhusus(tanggal=date(2026, 7, 3), keterangan="Cuti bersama daerah"),
                )
            ),
            date(2026, 7, 10),
        ),
    ],
    ids=["national-calendar", "regional-holiday", "regional-cuti-bersama"],
)
def test_the_regencys_days_off_move_the_deadline(
    settings: Settings, store: Store, workbook: InMemoryWorkbook, hari_libur: HariLibur, deadline: date
) -> None:
    settings = settings.model_copy(update={"hari_libur": hari_libur})
    with time_machine.travel(WINDOW_OPENS, tick=False):
        service = WorkflowService(settings, store, workbook)
        service.start()
        pid = service.start_period(2026, 2)
        service.approve_distribution(actor_of(service, SEKRETARIS), pid)
        view = service.period_view(pid)
    assert view.deadline is not None
    assert service.calendar.localize(view.deadline).date() == deadline


def test_a_worked_cuti_bersama_is_a_working_day_for_reminders_and_mutu_baku(settings: Settings) -> None:
    worked = HariLibur(tetap_masuk=(HariKhusus(tanggal=date(2026, 12, 24), keterangan="Tetap masuk"),))
    national = WorkCalendar.of(settings)
    local = WorkCalendar.of(settings.model_copy(update={"hari_libur": worked}))
    assert not national.is_working_day(date(2026, 12, 24)) and local.is_working_day(date(2026, 12, 24))
    one_day = settings.mutu_baku.langkah_4
    start = wib(2026, 12, 23, 10, 0)
    assert national.mutu_baku_deadline(start, one_day) == wib(2026, 12, 28, 10, 0)
    assert local.mutu_baku_deadline(start, one_day) == wib(2026, 12, 24, 10, 0)
    assert local.is_holiday(date(2026, 12, 25))  # Natal itself stays a holiday


def test_a_reminder_day_off_moves_to_the_working_day_before(
    service: WorkflowService, store: Store, clock: time_machine.Traveller
) -> None:
    """Seven days before 1 April 2027 is Thursday 25 March, a cuti bersama (Good Friday): sent on the 24th."""
    clock.move_to(wib(2027, 3, 24, 7, 59))
    service.tick()
    assert outbox(store, Kind.MASTER_REMINDER) == []
    clock.move_to(wib(2027, 3, 24, 8, 0))
    service.tick()
    assert [r.payload["tahun"] for r in outbox(store, Kind.MASTER_REMINDER)] == [2027]
    for day in (25, 26, 27, 28):  # the holiday, Good Friday and the weekend: nothing more
        clock.move_to(wib(2027, 3, day, 9, 0))
        service.tick()
    assert len(outbox(store, Kind.MASTER_REMINDER)) == 1
    clock.move_to(wib(2027, 3, 29, 8, 0))  # three days before
    service.tick()
    assert len(outbox(store, Kind.MASTER_REMINDER)) == 2


def test_a_revision_is_a_version_of_its_own_year(
    service: WorkflowService, workbook: InMemoryWorkbook, store: Store, clock: time_machine.Traveller, masters: Path
) -> None:
    """2026's APBD Perubahan revises 2026's list from TW III; 2027 starts from its own file as its APBD Murni."""
    admin = Actor(Role.SYSTEM, "Admin (uji)")
    tw1 = service.start_period(2026, 1)
    service.approve_distribution(actor_of(service, SEKRETARIS), tw1)
    murni = data.master()
    first = murni.for_bidang("PTK")[0]
    revised = Master(
        tuple(replace(i, target_tw=(*i.target_tw[:2], 999.0, 999.0)) if i == first else i for i in murni.indikator)
    )
    draft = service.prepare_revision(admin, date(2026, 7, 1), revised)  # the budget year at work: 2026
    assert (draft.tahun, draft.mulai_tw, draft.totals) == (2026, 3, (1, 0, 0))
    service.apply_revision(admin, draft.id)
    assert [(tahun, kode, r.from_tw) for tahun, kode, r in workbook.revisions] == [(2026, k, 3) for k in KODES]
    books = service.core.masters
    assert books.for_tw(2026, 2).for_bidang("PTK")[0].target_tw[2] == first.target_tw[2]
    assert books.for_tw(2026, 3).for_bidang("PTK")[0].target_tw[2] == 999
    assert books.labels(2026) == {
        1: "Target: APBD Murni",
        2: "Target: APBD Murni",
        3: "Target: APBD Perubahan (berlaku 1 Juli 2026)",
        4: "Target: APBD Perubahan (berlaku 1 Juli 2026)",
    }

    # 2027's own list (one SEK indicator fewer): nothing of 2026's revision carries over.
    lines = data.master_csv().splitlines()
    sek = [n for n, line in enumerate(lines) if line.startswith("SEK,")]
    (masters / "2027.csv").write_text("\n".join(x for n, x in enumerate(lines) if n != sek[-1]) + "\n", "utf-8")
    assert books.versions(2027) == [] and books.problem(2027) is None
    clock.move_to(service.calendar.period_open_at(2027, 1))
    tw1_2027 = service.start_period(2027, 1)
    service.approve_distribution(actor_of(service, SEKRETARIS), tw1_2027)
    [version] = books.versions(2027)
    assert (version.versi, version.label, version.mulai_tw) == (1, "APBD Murni", 1)
    assert len(books.for_tw(2027, 3).for_bidang("SEK")) == len(murni.for_bidang("SEK")) - 1
    assert books.for_tw(2027, 3).for_bidang("PTK")[0].target_tw[2] == first.target_tw[2]
    assert len(books.versions(2026)) == 2 and books.labels(2027)[4] == "Target: APBD Murni"
    with pytest.raises(ActionRefused, match="tidak berbeda"):  # 2027 is the year at work now
        service.prepare_revision(admin, date(2027, 7, 1), books.current(2027))
