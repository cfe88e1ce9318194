"""``python -m bot doctor``: checks an installation and says, in Indonesian, what to fix.

The checks run in order, each reading what the earlier ones found (a :class:`DoctorContext`):
settings, master list (this year's and the next), the regency's days off, Google credentials,
Google reachable (Drive and Sheets APIs), where files
are stored (Shared Drive or OAuth), every configured folder, the workbooks already made, the
Telegram bot token (getMe) and webhook, the database, who is bound to Telegram, and who can open
the workbooks (officials' emails, addresses without a Google account). With ``--live``
(:mod:`bot.doctor.live`) it then tries every Google behaviour the product relies on in a scratch
workbook. A check that
depends on an earlier failed one is reported as skipped. Every network call is bounded by the
``timeout`` (seconds) with at most two attempts, so a dead endpoint fails fast.

Exit codes: 0 when every check is OK or a warning, 1 when one failed, 2 when the settings file
cannot be used at all. Library errors are translated here, at the edge of the check that met
them; secrets (the bot token, keys) are never printed.

The checks live in the modules of this package: :mod:`bot.doctor.report` (the vocabulary and the
output), :mod:`bot.doctor.people` (master list, people), :mod:`bot.doctor.google_access` (Google
credentials, reachability, storage), :mod:`bot.doctor.google_files` (folders, workbooks),
:mod:`bot.doctor.database` and :mod:`bot.doctor.telegram_bot`; this module runs them in order.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.doctor.database import (
    DATABASE_URL_EXAMPLES,
    MIN_POSTGRESQL,
    MIN_SQLITE,
    SUPPORTED_ENGINES,
    check_database,
)
from bot.doctor.google_access import (
    API_DISABLED_REASONS,
    DRIVE_URL,
    SHEETS_URL,
    Failure,
    check_google_credentials,
    check_google_reachable,
    check_storage,
)
from bot.doctor.google_files import FOLDER_MIME, check_folders, check_workbooks
from bot.doctor.live import LiveOptions, check_live
from bot.doctor.people import (
    INVITE_FIX,
    check_google_people,
    check_hari_libur,
    check_master_list,
    check_master_sheet,
    check_people,
)
from bot.doctor.report import (
    DEFAULT_TIMEOUT,
    Check,
    CheckResult,
    CheckStatus,
    DoctorContext,
    _result,
    format_report,
    report_json,
)
from bot.doctor.telegram_bot import check_telegram
from config.settings import SettingsError, load_settings

__all__ = [
    "API_DISABLED_REASONS",
    "CHECKS",
    "DATABASE_URL_EXAMPLES",
    "DEFAULT_TIMEOUT",
    "DRIVE_URL",
    "FOLDER_MIME",
    "INVITE_FIX",
    "MIN_POSTGRESQL",
    "MIN_SQLITE",
    "SHEETS_URL",
    "SUPPORTED_ENGINES",
    "Check",
    "CheckResult",
    "CheckStatus",
    "DoctorContext",
    "Failure",
    "LiveOptions",
    "check_database",
    "check_folders",
    "check_google_credentials",
    "check_google_people",
    "check_google_reachable",
    "check_hari_libur",
    "check_live",
    "check_master_list",
    "check_master_sheet",
    "check_people",
    "check_storage",
    "check_telegram",
    "check_workbooks",
    "format_report",
    "report_json",
    "run_doctor",
]

CHECKS: list[Check] = [
    check_master_list,
    check_hari_libur,
    check_google_credentials,
    check_google_reachable,
    check_storage,
    check_folders,
    check_master_sheet,
    check_database,
    check_workbooks,
    check_telegram,
    check_people,
    check_google_people,
]


def run_doctor(
    config_path: str,
    checks: Iterable[Check] = CHECKS,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    live: LiveOptions | None = None,
) -> tuple[int, list[CheckResult]]:
    """Run every check (and the live round trip with ``live``); exit code 0 (all OK or warnings),
    1 (a check failed), 2 (unusable settings)."""
    try:
        settings = load_settings(config_path)
    except SettingsError as err:
        results = [
            _result(
                "settings",
                "Berkas pengaturan",
                CheckStatus.FAILED,
                str(problem),
                "perbaiki kunci tersebut; setiap kunci dijelaskan di docs/pemasangan.md",
            )
            for problem in err.problems
        ]
        return 2, results
    results = [
        _result(
            "settings",
            "Berkas pengaturan",
            CheckStatus.OK,
            f"{config_path}: {settings.dinas.nama}, {len(settings.bidang)} bidang, zona waktu {settings.zona_waktu}"
            + (f", tahun pertama {settings.tahun}" if settings.tahun is not None else ""),
        )
    ]
    ctx = DoctorContext(settings=settings, config_path=config_path, timeout=timeout, live=live)
    if live is not None:
        checks = [*checks, check_live]
    try:
        for check in checks:
            results.extend(check(ctx))
    finally:
        ctx.close()
    failed = any(result.status is CheckStatus.FAILED for result in results)
    return (1 if failed else 0), results
