"""``python -m bot doctor``: checks an installation and says, in Indonesian, what to fix."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from config.settings import GoogleAuth, Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)


class CheckStatus(StrEnum):
    """Outcome of one doctor check."""

    OK = "OK"
    WARNING = "PERINGATAN"
    FAILED = "GAGAL"


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's report."""

    name: str
    status: CheckStatus
    detail: str
    fix: str = ""


SettingsCheck = Callable[[Settings], Iterable[CheckResult]]


def check_people(settings: Settings) -> Iterable[CheckResult]:
    """Who can act from Telegram already, and who still needs an invite code."""
    unbound: list[str] = []
    for role, person in settings.pejabat:
        if person.telegram_id is None:
            unbound.append(f"{role} ({person.nama})")
    for bidang in settings.bidang:
        if bidang.kepala is not None and bidang.kepala.telegram_id is None:
            unbound.append(f"kepala {bidang.kode} ({bidang.kepala.nama})")
        unbound += [f"staf {bidang.kode} ({s.nama})" for s in bidang.staf if s.telegram_id is None]
    if unbound:
        yield CheckResult(
            "Orang terikat ke Telegram",
            CheckStatus.WARNING,
            "belum punya telegram_id: " + "; ".join(unbound),
            "buat kode undangan: python -m bot invite --role PERAN [--bidang KODE] --nama NAMA",
        )
    else:
        yield CheckResult("Orang terikat ke Telegram", CheckStatus.OK, "semua pejabat dan staf")


def check_secrets(settings: Settings) -> Iterable[CheckResult]:
    """Whether the bot token and the Google credentials are configured (never printed)."""
    if settings.telegram.resolved_token():
        yield CheckResult("Token bot Telegram", CheckStatus.OK, "tersedia (tidak ditampilkan)")
    else:
        yield CheckResult(
            "Token bot Telegram",
            CheckStatus.WARNING,
            "belum diisi",
            "isi variabel lingkungan KINERJA_TELEGRAM__TOKEN atau telegram.token_file",
        )
    google = settings.google
    if google.auth is GoogleAuth.SERVICE_ACCOUNT:
        if google.key_file is None:
            yield CheckResult(
                "Kunci service account Google",
                CheckStatus.WARNING,
                "belum diisi",
                "isi KINERJA_GOOGLE__KEY_FILE dengan path berkas JSON kunci service account",
            )
        elif not google.key_file.is_file():
            yield CheckResult(
                "Kunci service account Google",
                CheckStatus.FAILED,
                f"berkas {google.key_file} tidak ditemukan",
                "periksa path KINERJA_GOOGLE__KEY_FILE",
            )
        else:
            yield CheckResult("Kunci service account Google", CheckStatus.OK, str(google.key_file))
        if google.shared_drive_id is None:
            yield CheckResult(
                "Shared Drive",
                CheckStatus.WARNING,
                "service account tanpa Shared Drive tidak bisa membuat berkas (kuota 0)",
                "isi google.shared_drive_id, atau pakai google.auth: oauth",
            )
    else:
        if google.oauth_client_file is None or not google.oauth_client_file.is_file():
            yield CheckResult(
                "Klien OAuth Google",
                CheckStatus.WARNING,
                "google.oauth_client_file belum ada",
                "unduh berkas klien OAuth (aplikasi desktop) dari Google Cloud Console",
            )
        else:
            yield CheckResult("Klien OAuth Google", CheckStatus.OK, str(google.oauth_client_file))


def check_master_list(settings: Settings) -> Iterable[CheckResult]:
    """The master list of indicators must exist: the workbooks are built from it."""
    path = settings.google.master_indikator
    if path.is_file():
        yield CheckResult("Daftar indikator", CheckStatus.OK, str(path))
    else:
        yield CheckResult(
            "Daftar indikator",
            CheckStatus.FAILED,
            f"berkas {path} tidak ditemukan",
            "isi google.master_indikator dengan path CSV daftar indikator",
        )


SETTINGS_CHECKS: list[SettingsCheck] = [check_secrets, check_people, check_master_list]


def run_doctor(config_path: str, checks: Iterable[SettingsCheck] = SETTINGS_CHECKS) -> tuple[int, list[CheckResult]]:
    """Run every check; exit code 0 when nothing failed, 2 when something did."""
    try:
        settings = load_settings(config_path)
    except SettingsError as err:
        results = [
            CheckResult("Berkas pengaturan", CheckStatus.FAILED, str(problem))
            for problem in err.problems
        ]
        return 2, results
    results = [
        CheckResult(
            "Berkas pengaturan",
            CheckStatus.OK,
            f"{config_path}: {settings.dinas.nama}, tahun {settings.tahun}, "
            f"{len(settings.bidang)} bidang, zona waktu {settings.zona_waktu}",
        )
    ]
    for check in checks:
        results.extend(check(settings))
    failed = any(result.status is CheckStatus.FAILED for result in results)
    return (2 if failed else 0), results


def format_report(results: Iterable[CheckResult]) -> str:
    """The doctor's report as text, one check per line, with the fix under a failure."""
    lines: list[str] = []
    for result in results:
        lines.append(f"[{result.status.value}] {result.name}: {result.detail}")
        if result.fix:
            lines.append(f"    cara memperbaiki: {result.fix}")
    return "\n".join(lines)
