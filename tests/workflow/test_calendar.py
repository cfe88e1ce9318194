"""The office calendar across Idul Fitri 2026 (with cuti bersama), long weekends and the year end."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import holidays
import pytest
import time_machine

from bot.workflow import calendar
from bot.workflow.calendar import WorkCalendar, indonesia_holidays, quarter_end
from config.settings import Durasi, Jadwal, SatuanWaktu, Settings
from tests.workflow.conftest import WIB, wib


@pytest.fixture
def cal(settings: Settings) -> WorkCalendar:
    return WorkCalendar(settings.tz, settings.jadwal)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 3, 17), True),  # Tuesday before Nyepi and Idul Fitri
        (date(2026, 3, 18), False),  # cuti bersama Nyepi
        (date(2026, 3, 19), False),  # Nyepi
        (date(2026, 3, 20), False),  # cuti bersama Idul Fitri
        (date(2026, 3, 23), False),  # cuti bersama Idul Fitri (Monday)
        (date(2026, 3, 24), False),  # cuti bersama Idul Fitri (Tuesday)
        (date(2026, 3, 25), True),
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 4), False),  # Saturday
        (date(2026, 12, 24), False),  # cuti bersama Natal
        (date(2026, 12, 25), False),  # Natal
        (date(2026, 12, 28), True),
        (date(2027, 1, 1), False),  # Tahun Baru
    ],
    ids=lambda v: v.isoformat() if isinstance(v, date) else str(v),
)
def test_working_days(cal: WorkCalendar, day: date, working: bool) -> None:
    assert cal.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (wib(2026, 3, 17, 10, 0), 1, wib(2026, 3, 25, 10, 0)),  # across Idul Fitri + cuti bersama
        (wib(2026, 3, 16, 8, 0), 2, wib(2026, 3, 25, 8, 0)),
        (wib(2026, 4, 2, 15, 0), 1, wib(2026, 4, 6, 15, 0)),  # Good Friday long weekend
        (wib(2026, 5, 13, 9, 0), 1, wib(2026, 5, 18, 9, 0)),  # Ascension Thu + cuti bersama Fri
        (wib(2026, 12, 23, 9, 0), 1, wib(2026, 12, 28, 9, 0)),  # Natal long weekend
        (wib(2026, 12, 31, 9, 0), 1, wib(2027, 1, 4, 9, 0)),  # year end, Tahun Baru on Friday
        (wib(2026, 4, 4, 10, 0), 1, wib(2026, 4, 6, 10, 0)),  # from a Saturday
    ],
    ids=["idul-fitri", "idul-fitri-2", "good-friday", "ascension", "natal", "year-end", "saturday"],
)
def test_add_working_days(cal: WorkCalendar, start: datetime, n: int, expected: datetime) -> None:
    assert cal.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("tahun", "tw", "opens", "deadline"),
    [
        (2026, 1, wib(2026, 4, 1, 8, 0), date(2026, 4, 9)),  # Good Friday inside the 5 days
        (2026, 2, wib(2026, 7, 1, 8, 0), date(2026, 7, 8)),
        (2026, 3, wib(2026, 10, 1, 8, 0), date(2026, 10, 8)),
        (2026, 4, wib(2027, 1, 4, 8, 0), date(2027, 1, 12)),  # Tahun Baru, Isra Mi'raj 5 Jan 2027
        (2025, 4, wib(2026, 1, 2, 8, 0), date(2026, 1, 9)),
    ],
    ids=["tw1-2026", "tw2-2026", "tw3-2026", "tw4-2026-year-end", "tw4-2025"],
)
def test_period_open_and_deadline(cal: WorkCalendar, tahun: int, tw: int, opens: datetime, deadline: date) -> None:
    assert cal.period_open_at(tahun, tw) == opens
    due = cal.input_deadline(opens)
    assert due.date() == deadline and (due.hour, due.minute) == (23, 59)


def test_quarter_end_rejects_bad_tw() -> None:
    assert quarter_end(2026, 4) == date(2026, 12, 31)
    with pytest.raises(ValueError):
        quarter_end(2026, 5)


def test_reminder_slots_skip_holidays_and_continue_while_overdue(cal: WorkCalendar) -> None:
    deadline = cal.input_deadline(wib(2026, 3, 16, 8, 0))  # 5 working days across Idul Fitri
    assert deadline.date() == date(2026, 3, 30)
    slots = list(cal.reminder_slots(deadline, until=wib(2026, 4, 7, 12, 0)))
    assert [s.date() for s in slots] == [
        date(2026, 3, 26),
        date(2026, 3, 27),
        date(2026, 3, 30),  # H-2, H-1, H
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 4, 2),
        date(2026, 4, 6),
        date(2026, 4, 7),
    ]
    assert all((s.hour, s.minute, s.tzinfo) == (8, 0, WIB) for s in slots)


def test_latest_slot_only_when_time_has_come(cal: WorkCalendar) -> None:
    deadline = cal.input_deadline(wib(2026, 4, 1, 8, 0))
    opened = wib(2026, 4, 1, 8, 0)
    assert cal.latest_reminder_slot(deadline, wib(2026, 4, 7, 7, 59), opened) is None
    assert cal.latest_reminder_slot(deadline, wib(2026, 4, 7, 8, 0), opened) == wib(2026, 4, 7, 8, 0)
    # Down over the long weekend and two slots: only the latest fires on return.
    assert cal.latest_reminder_slot(deadline, wib(2026, 4, 9, 11, 0), opened) == wib(2026, 4, 9, 8, 0)


@pytest.mark.parametrize(
    ("durasi", "start", "end", "within", "allowed"),
    [
        (
            Durasi(jumlah=10, satuan=SatuanWaktu.MENIT),
            wib(2026, 4, 1, 9, 0),
            wib(2026, 4, 1, 9, 10),
            True,
            600,
        ),
        (
            Durasi(jumlah=10, satuan=SatuanWaktu.MENIT),
            wib(2026, 4, 1, 9, 0),
            wib(2026, 4, 1, 9, 11),
            False,
            600,
        ),
        (
            Durasi(jumlah=2, satuan=SatuanWaktu.JAM),
            wib(2026, 4, 2, 16, 0),
            wib(2026, 4, 2, 18, 0),
            True,
            7200,
        ),
        # "1 hari" = one working day: Tuesday 17 March -> Wednesday 25 March (Idul Fitri between).
        (
            Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA),
            wib(2026, 3, 17, 15, 0),
            wib(2026, 3, 25, 14, 0),
            True,
            8 * 86400,
        ),
        (
            Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA),
            wib(2026, 3, 17, 15, 0),
            wib(2026, 3, 25, 15, 1),
            False,
            8 * 86400,
        ),
    ],
    ids=["menit-within", "menit-over", "jam", "hari-idul-fitri-within", "hari-idul-fitri-over"],
)
def test_working_time_between(cal, durasi, start, end, within, allowed) -> None:
    assert cal.working_time_between(start, end, durasi) == (allowed, within)


def test_escalation_is_twice_the_mutu_baku(cal: WorkCalendar) -> None:
    one_day = Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA)
    assert cal.mutu_baku_deadline(wib(2026, 3, 16, 8, 0), one_day, 2) == wib(2026, 3, 25, 8, 0)
    ten = Durasi(jumlah=10, satuan=SatuanWaktu.MENIT)
    assert cal.mutu_baku_deadline(wib(2026, 12, 31, 23, 55), ten, 2) == wib(2027, 1, 1, 0, 15)


def test_configurable_schedule(settings: Settings) -> None:
    jadwal = Jadwal(hari_kerja_buka_setelah_triwulan=2, jam_buka="07:30", batas_input_hari_kerja=3)
    cal = WorkCalendar(settings.tz, jadwal)
    assert cal.period_open_at(2026, 1) == wib(2026, 4, 2, 7, 30)
    assert cal.input_deadline(wib(2026, 4, 2, 7, 30)).date() == date(2026, 4, 8)


def test_daily_slot_with_frozen_time(cal: WorkCalendar) -> None:
    with time_machine.travel(wib(2026, 3, 20, 9, 0), tick=False):  # cuti bersama Idul Fitri
        assert cal.daily_slot(datetime.now(WIB)) is None
    with time_machine.travel(wib(2026, 3, 25, 7, 0), tick=False):
        assert cal.daily_slot(datetime.now(WIB)) is None
    with time_machine.travel(wib(2026, 3, 25, 8, 30), tick=False):
        assert cal.daily_slot(datetime.now(WIB)) == wib(2026, 3, 25, 8, 0)


# --- the Indonesian holidays without the other countries (issue #20) ---------------------------

REPO = Path(__file__).resolve().parents[2]
YEARS = range(2020, 2041)


def test_indonesia_alone_gives_the_days_of_the_public_api() -> None:
    """Every day off and its name, for every year the office may plan in, as ``country_holidays("ID")``."""
    for categories in (("public", "government"), ("public",)):
        alone = indonesia_holidays()(years=YEARS, categories=categories)
        public = holidays.country_holidays("ID", years=YEARS, categories=categories)
        assert dict(alone) == dict(public), categories
    assert len(alone) > 10 * len(YEARS)


def test_the_calendar_does_not_load_the_other_countries() -> None:
    """A fresh interpreter: the calendar answers without importing ``holidays.countries`` (about 8 MB)."""
    probe = (
        "import sys; from datetime import date; from bot.workflow.calendar import _holidays_for; "
        "assert date(2026, 3, 19) in _holidays_for(2026); "
        "print(sorted(m for m in sys.modules if m.startswith('holidays.countries')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_a_package_that_moved_indonesia_falls_back_to_the_public_api(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a later ``holidays`` move the module, the days still come (through every country)."""
    monkeypatch.setattr(calendar.importlib.util, "spec_from_file_location", lambda *_args, **_kwargs: None)
    indonesia_holidays.cache_clear()
    try:
        moved = indonesia_holidays()
        assert not moved.__module__.startswith("_kinerja")
        assert date(2026, 3, 19) in moved(years=2026, categories=("public", "government"))
    finally:
        indonesia_holidays.cache_clear()
