"""The doctor's vocabulary and output: a check's result, the context the checks share, the report.

A check is a function of a :class:`DoctorContext` yielding :class:`CheckResult` lines; a check
that depends on an earlier failed one yields a skipped line (:func:`_skipped`). The report is
printed as text (:func:`format_report`) or as JSON for scripts (:func:`report_json`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from config.settings import Settings

DEFAULT_TIMEOUT = 10.0


class CheckStatus(StrEnum):
    """Outcome of one doctor check."""

    OK = "OK"
    WARNING = "PERINGATAN"
    FAILED = "GAGAL"
    SKIPPED = "DILEWATI"


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report; ``key`` is stable (for scripts and tests)."""

    name: str
    status: CheckStatus
    detail: str
    fix: str = ""
    key: str = ""


@dataclass
class DoctorContext:
    """What the checks found so far, for the checks after them."""

    settings: Settings
    config_path: str
    timeout: float = DEFAULT_TIMEOUT
    credentials: Any = None
    account_email: str | None = None
    session: Any = None  # a sheets.google.http.GoogleSession once Google answered
    drive: Any = None  # a sheets.google.drive.DriveFiles once Google answered
    sheets: Any = None  # a sheets.google.spreadsheet.SheetsApi once Google answered
    store: Any = None  # a bot.store.repository.Store when the database is at the latest revision
    reports: dict[str, Any] = field(default_factory=dict)  # bidang -> report row of the running period
    tahun: int | None = None  # the running period's budget year, once the database was read

    def current_year(self) -> int:
        """The budget year the office works in: the running period's, else the one due on the calendar."""
        if self.tahun is not None:
            return self.tahun
        from bot.workflow.calendar import WorkCalendar

        calendar = WorkCalendar.of(self.settings)
        now = datetime.now(self.settings.tz)
        due = calendar.due_period(now, self.settings.tahun)
        if due is not None:
            return due[0]
        return self.settings.tahun or now.year

    def next_year_opening(self) -> tuple[int, datetime]:
        """The next budget year whose TW I has not opened yet, and when it opens."""
        from bot.workflow.calendar import WorkCalendar

        calendar = WorkCalendar.of(self.settings)
        now = datetime.now(self.settings.tz)
        tahun = max(now.year, self.settings.tahun or now.year)
        while calendar.period_open_at(tahun, 1) <= now:
            tahun += 1
        return tahun, calendar.period_open_at(tahun, 1)

    live: Any = None  # bot.doctor.live.LiveOptions with --live

    def close(self) -> None:
        """Release the database and HTTP sessions."""
        if self.store is not None:
            self.store.dispose()
        if self.session is not None:
            self.session.close()


Check = Callable[[DoctorContext], Iterable[CheckResult]]


def _result(key: str, name: str, status: CheckStatus, detail: str, fix: str = "") -> CheckResult:
    return CheckResult(name=name, status=status, detail=detail, fix=fix, key=key)


def _skipped(key: str, name: str, why: str) -> CheckResult:
    return _result(key, name, CheckStatus.SKIPPED, why)


def format_report(results: Iterable[CheckResult]) -> str:
    """The doctor's report as text, one check per line, with the fix under a failure or warning."""
    lines: list[str] = []
    for result in results:
        lines.append(f"[{result.status.value}] {result.name}: {result.detail}")
        if result.fix:
            lines.append(f"    cara memperbaiki: {result.fix}")
    return "\n".join(lines)


def report_json(code: int, results: Iterable[CheckResult]) -> str:
    """The doctor's report as JSON: ``{"exit_code", "checks": [{key, name, status, detail, fix}]}``."""
    return json.dumps({"exit_code": code, "checks": [asdict(r) for r in results]}, ensure_ascii=False, indent=2)
