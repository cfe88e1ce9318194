"""The office calendar: working days, period opening, input deadlines, reminder slots, Mutu Baku.

Working days skip Saturdays, Sundays and Indonesian public holidays including cuti bersama (the
``holidays`` package's ``public`` and ``government`` categories), adjusted by the regency's own
calendar from the settings (``hari_libur``): its regional holidays and collective leave are days
off too, and a national day off it declares a working day (``tetap_masuk``) is one. All times are aware datetimes
in the office's time zone (``settings.zona_waktu``). A Mutu Baku in ``hari_kerja`` counts working
days (same time of day on the n-th working day after); ``menit``/``jam`` count wall-clock time.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

from config.settings import Durasi, HariLibur, Jadwal, SatuanWaktu, Settings

logger = logging.getLogger(__name__)

_HOLIDAY_CATEGORIES = ("public", "government")
_END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=1)
def indonesia_holidays() -> type[holidays.HolidayBase]:
    """The ``holidays`` package's Indonesian calendar, loaded without the other countries' modules.

    ``holidays.country_holidays("ID")`` imports the package ``holidays.countries``, whose
    ``__init__`` imports every one of its 250-odd countries: about 8 MB of the service's idle
    memory for one country's days off (issue #20). Indonesia's own module needs nothing from that
    package, so it is loaded on its own under a private name; the test suite checks it gives the
    same days as ``country_holidays`` for every year the office may plan in. Should a later
    version of the package move the module, the public way is taken instead.
    """
    module_file = Path(holidays.__file__).parent / "countries" / "indonesia.py"
    spec = importlib.util.spec_from_file_location("_kinerja_holidays_indonesia", module_file)
    if spec is not None and spec.loader is not None:
        try:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            indonesia: type[holidays.HolidayBase] = module.Indonesia
        except (ImportError, OSError, AttributeError) as err:
            logger.info("Indonesian holidays not loadable on their own (%s): loading every country", err)
        else:
            return indonesia
    return holidays.country_holidays("ID").__class__


@lru_cache(maxsize=64)
def _holidays_for(year: int) -> frozenset[date]:
    return frozenset(indonesia_holidays()(years=year, categories=_HOLIDAY_CATEGORIES))


def quarter_end(tahun: int, tw: int) -> date:
    """The last day of triwulan ``tw`` (1..4) of ``tahun``."""
    if tw not in (1, 2, 3, 4):
        raise ValueError(f"triwulan must be 1..4, got {tw}")
    month = tw * 3
    next_first = date(tahun + 1, 1, 1) if month == 12 else date(tahun, month + 1, 1)
    return next_first - timedelta(days=1)


class WorkCalendar:
    """Working days and the schedule of a period, in one time zone."""

    def __init__(self, tz: ZoneInfo, jadwal: Jadwal, hari_libur: HariLibur | None = None) -> None:
        self.tz = tz
        self.jadwal = jadwal
        local = hari_libur or HariLibur()
        self._local_days_off = local.libur
        self._local_working_days = local.masuk

    @classmethod
    def of(cls, settings: Settings) -> WorkCalendar:
        """The office calendar of ``settings``: its time zone, schedule and the regency's days off."""
        return cls(settings.tz, settings.jadwal, settings.hari_libur)

    # --- days ---------------------------------------------------------------------------------

    def is_national_holiday(self, day: date) -> bool:
        """True on an Indonesian public holiday or cuti bersama (the ``holidays`` package)."""
        return day in _holidays_for(day.year)

    def is_holiday(self, day: date) -> bool:
        """True on a day off: national (unless the regency works it) or declared by the regency."""
        if day in self._local_days_off:
            return True
        return day not in self._local_working_days and self.is_national_holiday(day)

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a holiday."""
        return day.weekday() < 5 and not self.is_holiday(day)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        day -= timedelta(days=1)
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days_to_date(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (negative n counts back; 0 is ``day`` itself)."""
        step = self.next_working_day if n >= 0 else self.previous_working_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """The same local time of day on the n-th working day after ``moment``'s date."""
        local = self.localize(moment)
        day = self.add_working_days_to_date(local.date(), n)
        return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.tz)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def localize(self, moment: datetime) -> datetime:
        """``moment`` in the office time zone (naive datetimes are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        return moment.astimezone(self.tz)

    # --- Mutu Baku ----------------------------------------------------------------------------

    def mutu_baku_deadline(self, start: datetime, durasi: Durasi, times: int = 1) -> datetime:
        """When a step begun at ``start`` reaches ``times`` x its Mutu Baku."""
        start = self.localize(start)
        if durasi.satuan is SatuanWaktu.HARI_KERJA:
            return self.add_working_days(start, durasi.jumlah * times)
        minutes = durasi.jumlah * (60 if durasi.satuan is SatuanWaktu.JAM else 1)
        return start + timedelta(minutes=minutes * times)

    def working_time_between(self, start: datetime, end: datetime, durasi: Durasi) -> tuple[float, bool]:
        """(wall-clock seconds allowed for a step begun at ``start``, whether ``end`` is within)."""
        deadline = self.mutu_baku_deadline(start, durasi)
        allowed = (deadline - self.localize(start)).total_seconds()
        return allowed, self.localize(end) <= deadline

    # --- a period's schedule ------------------------------------------------------------------

    def period_open_at(self, tahun: int, tw: int) -> datetime:
        """Default: the first working day after the quarter ends, at ``jadwal.jam_buka``."""
        day = self.add_working_days_to_date(quarter_end(tahun, tw), self.jadwal.hari_kerja_buka_setelah_triwulan)
        return datetime.combine(day, self.jadwal.jam_buka, tzinfo=self.tz)

    def due_period(self, now: datetime, first_year: int | None = None) -> tuple[int, int] | None:
        """The latest (tahun, tw) whose opening time has passed at ``now``; None before ``first_year``'s TW I.

        The budget year comes from the calendar: TW IV of a year opens early in the next one, so in
        January the due period is still last year's TW IV, and from April on this year's TW I.
        """
        year = self.localize(now).year
        for tahun, tw in ((year, 4), (year, 3), (year, 2), (year, 1), (year - 1, 4), (year - 1, 3)):
            if first_year is not None and tahun < first_year:
                return None
            if self.period_open_at(tahun, tw) <= now:
                return tahun, tw
        return None

    def input_deadline(self, opened: datetime) -> datetime:
        """End of the ``batas_input_hari_kerja``-th working day after ``opened``."""
        day = self.add_working_days_to_date(self.localize(opened).date(), self.jadwal.batas_input_hari_kerja)
        return datetime.combine(day, _END_OF_DAY, tzinfo=self.tz)

    def reminder_slots(self, deadline: datetime, until: datetime) -> Iterator[datetime]:
        """Reminder times up to ``until``: H-n for each configured n, then daily while overdue."""
        deadline_day = self.localize(deadline).date()
        at = self.jadwal.jam_pengingat
        before = sorted({n for n in self.jadwal.pengingat_hari_sebelum_batas if n >= 0}, reverse=True)
        slots = [self.add_working_days_to_date(deadline_day, -n) for n in before]
        day = self.next_working_day(deadline_day)
        end = self.localize(until).date()
        while day <= end:
            slots.append(day)
            day = self.next_working_day(day)
        for slot_day in slots:
            moment = datetime.combine(slot_day, at, tzinfo=self.tz)
            if moment <= until:
                yield moment

    def latest_reminder_slot(self, deadline: datetime, now: datetime, not_before: datetime) -> datetime | None:
        """The latest reminder time in [not_before, now], or None: a missed older slot never fires."""
        latest = None
        for slot in self.reminder_slots(deadline, now):
            if slot >= not_before:
                latest = slot
        return latest

    def daily_slot(self, now: datetime) -> datetime | None:
        """Today's ``jam_pengingat`` if today is a working day and that time has passed."""
        local = self.localize(now)
        if not self.is_working_day(local.date()):
            return None
        slot = datetime.combine(local.date(), self.jadwal.jam_pengingat, tzinfo=self.tz)
        return slot if slot <= local else None
