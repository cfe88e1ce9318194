"""Doctor checks of the way to Google: credentials, Google reachable (Drive and Sheets APIs), storage.

Also the HTTP helpers the file checks (:mod:`bot.doctor.google_files`) share: one GET through the
bot's own Google session, and a Google error answer explained with how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import requests

from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result, _skipped
from config.settings import GoogleAuth

DRIVE_URL = "https://www.googleapis.com/drive/v3"
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"
API_DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})


def check_google_credentials(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The service account key or the OAuth token is there and can be loaded (never printed)."""
    from sheets.google.auth import load_credentials
    from sheets.google.errors import GoogleEdgeError

    google = ctx.settings.google
    name = "Kredensial Google"
    if google.auth is GoogleAuth.SERVICE_ACCOUNT:
        if google.key_file is None:
            yield _result(
                "google.credentials",
                name,
                CheckStatus.FAILED,
                "kunci akun layanan (service account) belum diisi",
                "isi variabel lingkungan KINERJA_GOOGLE__KEY_FILE (atau google.key_file) dengan path "
                "berkas JSON kunci akun layanan; lihat docs/pemasangan.md bagian 2a",
            )
            return
        if not Path(google.key_file).is_file():
            yield _result(
                "google.credentials",
                name,
                CheckStatus.FAILED,
                f"berkas {google.key_file} tidak ditemukan",
                "periksa path KINERJA_GOOGLE__KEY_FILE / google.key_file dan hak baca pengguna layanan",
            )
            return
        fix = "unduh kunci JSON baru: Google Cloud Console → IAM & Admin → Service Accounts → Keys → Add key → JSON"
    else:
        if google.oauth_client_file is None or not Path(google.oauth_client_file).is_file():
            yield _result(
                "google.oauth_client",
                "Klien OAuth Google",
                CheckStatus.WARNING,
                "google.oauth_client_file belum ada (hanya dibutuhkan untuk google-login)",
                "unduh berkas klien OAuth (Desktop app) dari Google Cloud Console → Credentials",
            )
        fix = f"jalankan: python -m bot google-login --config {ctx.config_path}"
    try:
        ctx.credentials, ctx.account_email = load_credentials(google)
    except GoogleEdgeError as err:
        yield _result("google.credentials", name, CheckStatus.FAILED, err.penjelasan, fix)
        return
    who = ctx.account_email or "akun OAuth"
    kind = "akun layanan" if google.auth is GoogleAuth.SERVICE_ACCOUNT else "OAuth"
    yield _result("google.credentials", name, CheckStatus.OK, f"{kind} {who} (tidak ditampilkan)")


# --- Google over the network ----------------------------------------------------------------------


def _explain(status: int, body: bytes, action: str) -> tuple[str, str]:
    """(what happened, how to fix) for a Google error answer."""
    from sheets.google.errors import error_details

    message, reason = error_details(status, body)
    detail = f"{action}: HTTP {status} {message}" + (f" ({reason})" if reason else "")
    if status == 401:
        return detail, "kredensial ditolak Google: buat kunci akun layanan baru, atau jalankan ulang google-login"
    if status == 403 and (reason in API_DISABLED_REASONS or "has not been used" in message or "disabled" in message):
        return detail, (
            "aktifkan Google Drive API dan Google Sheets API di proyek Google Cloud "
            "(APIs & Services → Library), tunggu beberapa menit, lalu ulangi"
        )
    if status == 403:
        return detail, (
            "akun bot tidak punya akses; bagikan folder kepada akun bot sebagai Editor, atau tambahkan akun bot "
            "ke Drive bersama sebagai Pengelola konten"
        )
    if status in (408, 429) or status >= 500:
        return detail, "Google sedang membatasi atau gangguan; ulangi beberapa menit lagi"
    return detail, "periksa pengaturan google.* (lihat docs/pemasangan.md)"


def _unreachable_fix(ctx: DoctorContext) -> str:
    endpoint = ctx.settings.google.endpoint
    if endpoint:
        return (
            f"google.endpoint menunjuk ke {endpoint}: pastikan layanan itu berjalan, atau kosongkan "
            "google.endpoint untuk Google sungguhan"
        )
    return (
        "periksa koneksi internet, proxy dan firewall ke oauth2.googleapis.com, www.googleapis.com dan "
        "sheets.googleapis.com"
    )


def _get(ctx: DoctorContext, url: str, params: Mapping[str, Any]) -> requests.Response:
    """One GET through the bot's own Google session (endpoint, token, timeout, two attempts)."""
    response: requests.Response = ctx.session.get(url, params=dict(params))
    return response


def check_google_reachable(ctx: DoctorContext) -> Iterable[CheckResult]:
    """One cheap Drive call (which also fetches a token) and one Sheets probe."""
    from sheets.google.auth import build_clients
    from sheets.google.drive import DriveFiles
    from sheets.google.errors import CredentialsProblem, GoogleEdgeError, translate
    from sheets.google.http import RetryPolicy
    from sheets.google.spreadsheet import SheetsApi

    name = "Koneksi ke Google"
    if ctx.credentials is None:
        yield _skipped("google.reachable", name, "kredensial Google belum dapat dipakai")
        return
    policy = RetryPolicy(attempts=2, timeout=ctx.timeout, initial_wait=0.2, max_wait=0.5)
    clients = build_clients(
        ctx.settings.google, credentials=ctx.credentials, account_email=ctx.account_email, policy=policy
    )
    ctx.session = clients.session
    where = ctx.settings.google.endpoint or "Google"
    try:
        drive_answer = _get(
            ctx, f"{DRIVE_URL}/files", {"pageSize": 1, "fields": "files(id)", "supportsAllDrives": "true"}
        )
    except Exception as err:  # network and token errors, translated here
        edge = translate(err, "menghubungi Google Drive")
        fix = _unreachable_fix(ctx)
        if isinstance(edge, CredentialsProblem):
            fix = "kredensial ditolak Google: buat kunci akun layanan baru, atau jalankan ulang google-login"
        yield _result("google.reachable", name, CheckStatus.FAILED, f"{edge.penjelasan} ({edge})", fix)
        ctx.session = None
        return
    if drive_answer.status_code != 200:
        detail, fix = _explain(drive_answer.status_code, drive_answer.content, "Google Drive API")
        yield _result("google.reachable", name, CheckStatus.FAILED, detail, fix)
        ctx.session = None
        return
    yield _result("google.reachable", name, CheckStatus.OK, f"Google Drive API menjawab ({where})")
    ctx.drive = DriveFiles(clients.drive, ctx.settings)
    ctx.sheets = SheetsApi(clients.sheets)
    try:
        # A spreadsheet that does not exist: 404 means the Sheets API is on and answering.
        probe = _get(ctx, f"{SHEETS_URL}/kinerja-doctor-probe", {"fields": "spreadsheetId"})
    except (GoogleEdgeError, requests.RequestException) as err:
        yield _result("google.sheets_api", "Google Sheets API", CheckStatus.FAILED, str(err), _unreachable_fix(ctx))
        return
    if probe.status_code in (200, 404):
        yield _result("google.sheets_api", "Google Sheets API", CheckStatus.OK, "aktif dan menjawab")
    else:
        detail, fix = _explain(probe.status_code, probe.content, "Google Sheets API")
        yield _result("google.sheets_api", "Google Sheets API", CheckStatus.FAILED, detail, fix)


Failure = tuple[int, str, str]


def _drive_json(
    ctx: DoctorContext, path: str, params: Mapping[str, Any], action: str
) -> tuple[dict[str, Any] | None, Failure]:
    """GET a Drive resource: (body, (0, "", "")) or (None, (status, detail, fix))."""
    try:
        answer = _get(ctx, f"{DRIVE_URL}/{path}", params)
    except Exception as err:
        from sheets.google.errors import translate

        return None, (0, str(translate(err, action)), _unreachable_fix(ctx))
    if answer.status_code == 200:
        return answer.json(), (200, "", "")
    detail, fix = _explain(answer.status_code, answer.content, action)
    return None, (answer.status_code, detail, fix)


def check_storage(ctx: DoctorContext) -> Iterable[CheckResult]:
    """Where the bot's files live: a Shared Drive (service account) or the OAuth user's My Drive."""
    google = ctx.settings.google
    name = "Penyimpanan berkas"
    if google.auth is GoogleAuth.OAUTH:
        who = ctx.account_email or "akun OAuth"
        yield _result("google.storage", name, CheckStatus.OK, f"OAuth: berkas dibuat di Drive milik {who}")
        return
    if not google.shared_drive_id:
        yield _result(
            "google.storage",
            name,
            CheckStatus.WARNING,
            "akun layanan tanpa Drive bersama: akun layanan tidak punya kuota penyimpanan, sehingga "
            "membuat lembar kerja di Drive Saya akan ditolak (storageQuotaExceeded)",
            "buat Drive bersama (Shared Drive), tambahkan akun bot sebagai Pengelola konten (Content manager), "
            "pindahkan folder ke sana, dan isi google.shared_drive_id; atau gunakan google.auth: oauth",
        )
        return
    if ctx.drive is None:
        yield _skipped("google.storage", name, "Google belum dapat dihubungi")
        return
    body, (status, detail, fix) = _drive_json(
        ctx,
        f"drives/{google.shared_drive_id}",
        {"fields": "id,name,capabilities(canAddChildren)"},
        f"membaca Drive bersama {google.shared_drive_id}",
    )
    if body is None:
        if status == 404:
            detail = (
                f"Drive bersama {google.shared_drive_id} tidak ditemukan, atau {ctx.account_email} bukan anggotanya"
            )
            fix = (
                f"tambahkan {ctx.account_email} ke Drive bersama sebagai Pengelola konten, dan periksa "
                "google.shared_drive_id (bagian terakhir URL Drive bersama)"
            )
        yield _result("google.storage", name, CheckStatus.FAILED, detail, fix)
        return
    if not (body.get("capabilities") or {}).get("canAddChildren", False):
        yield _result(
            "google.storage",
            name,
            CheckStatus.FAILED,
            f"akun bot hanya dapat melihat Drive bersama {body.get('name')!r}",
            f"ubah peran {ctx.account_email} di Drive bersama menjadi Pengelola konten",
        )
        return
    yield _result(
        "google.storage", name, CheckStatus.OK, f"Drive bersama {body.get('name')!r} ({google.shared_drive_id})"
    )
