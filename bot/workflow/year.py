"""The budget year on the calendar: which period opens next, and what a new year needs first.

The year is no setting: the period due is the latest (tahun, TW) whose opening time has passed
(:meth:`~bot.workflow.calendar.WorkCalendar.due_period`), so early January still belongs to last
year's TW IV and from April on the new year's TW I opens. A period opens only when

- every period of an earlier year is closed, and so archived (a new year starts from a closed
  one); while it waits the Kasubbag is told once;
- that year's master list can be read (:meth:`~bot.workflow.masters.MasterBook.problem`:
  ``google.master_indikator``, one file per year with ``{tahun}``, or the master sheet's tab of the
  year): the Kasubbag is reminded ``jadwal.pengingat_daftar_indikator`` days before the
  year's TW I opens, and every working day once a period of that year is due and waits for it.

``settings.tahun``, when set, is the first year: no period of an earlier year opens by itself.
The store keeps every year; the workbooks of each year are new files in the same folders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import texts
from bot.workflow.core import WorkflowCore
from bot.workflow.machine import TERMINAL_DINAS_STATES, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import MasterReminder, PeriodHeld
from bot.workflow.timers import Timer
from sheets.master_sheet import master_tab

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """The period whose opening time has passed and that is not started yet, and what holds it back.

    ``waiting_for``: (tahun, tw) of the earlier years' periods still running; ``master_problem``:
    why the year's master list cannot be used (None when it can; ``""`` when the file is missing).
    """

    tahun: int
    tw: int
    waiting_for: tuple[tuple[int, int], ...] = ()
    master_problem: str | None = None

    @property
    def ready(self) -> bool:
        """Nothing holds the period back: it opens now."""
        return not self.waiting_for and self.master_problem is None


class BudgetYear:
    """Which period is due, whether it may open, and the reminders a coming year needs."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    def master_problem(self, tahun: int) -> str | None:
        """Why the master list of ``tahun`` cannot be used: ``""`` (no file yet), its problems; None if usable."""
        return self.core.masters.problem(tahun)

    def due(self, now: datetime | None = None) -> Due | None:
        """The period due at ``now`` and not started yet (None: nothing due, or it is started)."""
        now = now or self.core.now()
        found = self.core.calendar.due_period(now, self.core.settings.tahun)
        if found is None:
            return None
        with self.core.store.transaction() as tx:
            periods = tx.periods()
        # Never an older period once a later one exists, nor the same one twice.
        if any((p.tahun, p.tw) >= found for p in periods):
            return None
        waiting = tuple(
            (int(p.tahun), int(p.tw)) for p in periods if p.tahun < found[0] and p.state not in TERMINAL_DINAS_STATES
        )
        return Due(found[0], found[1], waiting, self.master_problem(found[0]))

    def current(self) -> int:
        """The budget year the office works in now: the latest running period's, else the calendar's."""
        with self.core.store.transaction() as tx:
            periods = tx.periods()
        running = [p for p in periods if p.state not in TERMINAL_DINAS_STATES]
        if running:
            return int(running[-1].tahun)
        found = self.core.calendar.due_period(self.core.now(), self.core.settings.tahun)
        if found is not None:
            return max(found[0], int(periods[-1].tahun)) if periods else found[0]
        if periods:
            return int(periods[-1].tahun)
        return self.core.settings.tahun or self.core.calendar.localize(self.core.now()).year

    def on_calendar(self) -> int:
        """The year of the period due on the calendar now (what a new period is started in), else :meth:`current`."""
        found = self.core.calendar.due_period(self.core.now(), self.core.settings.tahun)
        return found[0] if found is not None else self.current()

        # --- reminders ----------------------------------------------------------------------------

    def timers(self, now: datetime) -> list[Timer]:
        """The master-list reminders due at ``now`` and the notice of a held period (fired once each)."""
        core = self.core
        cal = core.calendar
        local = cal.localize(now)
        slot = datetime.combine(local.date(), core.settings.jadwal.jam_pengingat, tzinfo=cal.tz)
        due = self.due(now)
        timers: list[Timer] = []
        if due is not None and due.waiting_for:
            labels = [texts.periode(tw, tahun) for tahun, tw in due.waiting_for]
            timers.append(
                Timer(
                    f"held:{due.tahun}:{due.tw}",
                    Kind.PERIOD_HELD,
                    Role.KASUBBAG_KPEP,
                    None,
                    PeriodHeld(tahun=due.tahun, tw=due.tw, waiting_for=labels),
                    None,
                )
            )
        if local < slot:
            return timers
        with core.store.transaction() as tx:
            started = {int(p.tahun) for p in tx.periods()}
        first = core.settings.tahun
        for tahun in sorted({local.year, local.year + 1} | ({due.tahun} if due else set())):
            if tahun in started or (first is not None and tahun < first):
                continue
            opens = cal.period_open_at(tahun, 1)
            overdue = due is not None and due.tahun == tahun
            # n days before the opening; one falling on a day off is sent the working day before it.
            reminder_days = {
                cal.add_working_days_to_date(opens.date() - timedelta(days=n - 1), -1)
                for n in core.settings.jadwal.pengingat_daftar_indikator
            }
            on_working_day = cal.is_working_day(local.date())
            if not ((local.date() in reminder_days or overdue) and on_working_day):
                continue
            problem = self.master_problem(tahun)
            if problem is None:
                continue
            path = core.masters.where(tahun)
            logger.warning("the master list of %s is not usable (%s): %s", tahun, path, problem or "missing")
            timers.append(
                Timer(
                    f"master:{tahun}:{local.date().isoformat()}",
                    Kind.MASTER_REMINDER,
                    Role.KASUBBAG_KPEP,
                    None,
                    MasterReminder(
                        tahun=tahun,
                        path=path,
                        opens_at=opens.isoformat(),
                        problem=problem or None,
                        overdue=overdue,
                        tab=master_tab(tahun) if core.masters.from_sheet else None,
                        url=core.masters.sheet_url,
                    ),
                    None,
                )
            )
        return timers


def next_opening(core: WorkflowCore, now: datetime) -> datetime:
    """When the next year's TW I opens (what the master list must be ready for)."""
    local = core.calendar.localize(now)
    opens = core.calendar.period_open_at(local.year, 1)
    return opens if opens > now else core.calendar.period_open_at(local.year + 1, 1)
