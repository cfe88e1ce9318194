"""``python -m bot doctor``: checks an installation and says, in Indonesian, what to fix.

The checks run in order, each reading what the earlier ones found (a :class:`DoctorContext`):
settings, master list, Google credentials, Google reachable (Drive and Sheets APIs), where files
are stored (Shared Drive or OAuth), every configured folder, the workbooks already made, the
Telegram bot token (getMe) and webhook, the database, and who is bound to Telegram. A check that
depends on an earlier failed one is reported as skipped. Every network call is bounded by the
``timeout`` (seconds) with at most two attempts, so a dead endpoint fails fast.

Exit codes: 0 when every check is OK or a warning, 1 when one failed, 2 when the settings file
cannot be used at all. Library errors are translated here, at the edge of the check that met
them; secrets (the bot token, keys) are never printed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import requests

from config.settings import GoogleAuth, Settings, SettingsError, load_settings

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DRIVE_URL = "https://www.googleapis.com/drive/v3"
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"
FOLDER_MIME = "application/vnd.google-apps.folder"
API_DISABLED_REASONS = frozenset({"accessNotConfigured", "SERVICE_DISABLED"})
INVITE_FIX = (
    'buat kode undangan: python -m bot invite --role PERAN [--bidang KODE] --nama "NAMA", lalu orang itu '
    "mengirim /daftar KODE kepada bot"
)


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
    store: Any = None  # a bot.store.repository.Store when the database is at the latest revision
    reports: dict[str, Any] = field(default_factory=dict)  # bidang -> report row of the running period

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


# --- settings-only checks -------------------------------------------------------------------------


def check_master_list(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The master list of indicators must exist and parse: the workbooks are built from it."""
    from sheets.master import load_master
    from sheets.numbers import DomainError

    path = ctx.settings.google.master_indikator
    name = "Daftar indikator"
    try:
        master = load_master(path, bidang_codes=[b.kode for b in ctx.settings.bidang])
    except DomainError as err:
        yield _result(
            "master",
            name,
            CheckStatus.FAILED,
            str(err),
            "perbaiki CSV daftar indikator (google.master_indikator); kolomnya dijelaskan di docs/pemasangan.md",
        )
        return
    counts = ", ".join(f"{b.kode} {len(master.for_bidang(b.kode))}" for b in ctx.settings.bidang)
    empty = [b.kode for b in ctx.settings.bidang if not master.for_bidang(b.kode)]
    if empty:
        yield _result(
            "master",
            name,
            CheckStatus.WARNING,
            f"{path}: bidang tanpa indikator: {', '.join(empty)}",
            "tambahkan indikator bidang tersebut ke CSV, atau hapus bidangnya dari pengaturan",
        )
    else:
        yield _result("master", name, CheckStatus.OK, f"{path}: {counts} indikator")


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
                "kunci service account belum diisi",
                "isi variabel lingkungan KINERJA_GOOGLE__KEY_FILE (atau google.key_file) dengan path "
                "berkas JSON kunci service account; lihat docs/pemasangan.md bagian 2a",
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
    kind = "service account" if google.auth is GoogleAuth.SERVICE_ACCOUNT else "OAuth"
    yield _result("google.credentials", name, CheckStatus.OK, f"{kind} {who} (tidak ditampilkan)")


# --- Google over the network ----------------------------------------------------------------------


def _explain(status: int, body: bytes, action: str) -> tuple[str, str]:
    """(what happened, how to fix) for a Google error answer."""
    from sheets.google.errors import error_details

    message, reason = error_details(status, body)
    detail = f"{action}: HTTP {status} {message}" + (f" ({reason})" if reason else "")
    if status == 401:
        return detail, "kredensial ditolak Google: buat kunci service account baru, atau jalankan ulang google-login"
    if status == 403 and (reason in API_DISABLED_REASONS or "has not been used" in message or "disabled" in message):
        return detail, (
            "aktifkan Google Drive API dan Google Sheets API di proyek Google Cloud "
            "(APIs & Services → Library), tunggu beberapa menit, lalu ulangi"
        )
    if status == 403:
        return detail, (
            "akun bot tidak punya akses; bagikan folder/Shared Drive ke akun bot sebagai Editor/Content manager"
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

    name = "Google dapat dihubungi"
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
            fix = "kredensial ditolak Google: buat kunci service account baru, atau jalankan ulang google-login"
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
            "service account tanpa Shared Drive: service account tidak punya kuota penyimpanan, "
            "membuat workbook di My Drive akan ditolak (storageQuotaExceeded)",
            "buat Shared Drive, tambahkan akun bot sebagai Content manager, pindahkan folder ke sana dan "
            "isi google.shared_drive_id; atau pakai google.auth: oauth",
        )
        return
    if ctx.drive is None:
        yield _skipped("google.storage", name, "Google belum dapat dihubungi")
        return
    body, (status, detail, fix) = _drive_json(
        ctx,
        f"drives/{google.shared_drive_id}",
        {"fields": "id,name,capabilities(canAddChildren)"},
        f"membaca Shared Drive {google.shared_drive_id}",
    )
    if body is None:
        if status == 404:
            detail = f"Shared Drive {google.shared_drive_id} tidak ditemukan, atau {ctx.account_email} bukan anggotanya"
            fix = (
                f"tambahkan {ctx.account_email} ke Shared Drive sebagai Content manager, dan periksa "
                "google.shared_drive_id (bagian terakhir URL Shared Drive)"
            )
        yield _result("google.storage", name, CheckStatus.FAILED, detail, fix)
        return
    if not (body.get("capabilities") or {}).get("canAddChildren", False):
        yield _result(
            "google.storage",
            name,
            CheckStatus.FAILED,
            f"akun bot hanya dapat melihat Shared Drive {body.get('name')!r}",
            f"ubah peran {ctx.account_email} di Shared Drive menjadi Content manager",
        )
        return
    yield _result(
        "google.storage", name, CheckStatus.OK, f"Shared Drive {body.get('name')!r} ({google.shared_drive_id})"
    )


def _folders(settings: Settings) -> list[tuple[str, str, str, str]]:
    """(key, label, settings key, folder id) of every folder the bot uses."""
    google = settings.google
    out = [("folder.root", "Folder rekap dinas", "google.root_folder_id", google.root_folder_id)]
    if google.archive_folder_id:
        out.append(("folder.archive", "Folder arsip", "google.archive_folder_id", google.archive_folder_id))
    for index, bidang in enumerate(settings.bidang):
        out.append(
            (f"folder.{bidang.kode}", f"Folder bidang {bidang.kode}", f"bidang[{index}].folder_id", bidang.folder_id)
        )
    return out


def check_folders(ctx: DoctorContext) -> Iterable[CheckResult]:
    """Each folder exists, is a folder, is not trashed, takes new files from the bot, in the right drive."""
    google = ctx.settings.google
    if not google.archive_folder_id:
        yield _result(
            "folder.archive",
            "Folder arsip",
            CheckStatus.OK,
            "google.archive_folder_id kosong: arsip PDF/xlsx disimpan di folder rekap dinas",
        )
    seen: dict[str, tuple[CheckStatus, str, str]] = {}
    service_account = google.auth is GoogleAuth.SERVICE_ACCOUNT
    share_fix = (
        f"tambahkan {ctx.account_email} ke Shared Drive sebagai Content manager"
        if google.shared_drive_id
        else f"bagikan folder ke {ctx.account_email} sebagai Editor"
    )
    for key, label, setting, folder_id in _folders(ctx.settings):
        if ctx.drive is None:
            yield _skipped(key, label, "Google belum dapat dihubungi")
            continue
        if folder_id not in seen:
            seen[folder_id] = _folder_verdict(ctx, folder_id, setting, service_account, share_fix)
        status, detail, fix = seen[folder_id]
        yield _result(key, label, status, detail, fix)


def _folder_verdict(
    ctx: DoctorContext, folder_id: str, setting: str, service_account: bool, share_fix: str
) -> tuple[CheckStatus, str, str]:
    shared = ctx.settings.google.shared_drive_id
    body, (status, detail, fix) = _drive_json(
        ctx,
        f"files/{folder_id}",
        {"fields": "id,name,mimeType,trashed,driveId,capabilities(canAddChildren)", "supportsAllDrives": "true"},
        f"membaca folder {folder_id}",
    )
    if body is None:
        if status == 404:
            return (
                CheckStatus.FAILED,
                f"folder {folder_id} ({setting}) tidak ditemukan atau belum dibagikan ke {ctx.account_email}",
                f"periksa ID di {setting} (bagian terakhir URL folder); {share_fix}",
            )
        return CheckStatus.FAILED, detail, fix
    name = body.get("name", folder_id)
    if body.get("mimeType") != FOLDER_MIME:
        return (
            CheckStatus.FAILED,
            f"{folder_id} ({name!r}) bukan folder",
            f"isi {setting} dengan ID folder, bukan ID berkas",
        )
    if body.get("trashed"):
        return (
            CheckStatus.FAILED,
            f"folder {name!r} ada di tempat sampah Drive",
            "pulihkan folder dari tempat sampah (Drive → Sampah → Pulihkan)",
        )
    if not (body.get("capabilities") or {}).get("canAddChildren", False):
        return (
            CheckStatus.FAILED,
            f"akun bot hanya dapat melihat folder {name!r}, tidak dapat membuat berkas di sana",
            share_fix,
        )
    drive_id = body.get("driveId")
    if service_account and not drive_id:
        return (
            CheckStatus.FAILED,
            f"folder {name!r} ada di My Drive: service account tidak dapat membuat berkas di sini "
            "(tidak punya kuota penyimpanan, storageQuotaExceeded)",
            "pindahkan folder ke Shared Drive dan isi google.shared_drive_id, atau pakai google.auth: oauth",
        )
    if service_account and shared and drive_id != shared:
        return (
            CheckStatus.FAILED,
            f"folder {name!r} ada di Shared Drive lain ({drive_id}), bukan {shared}",
            "pindahkan folder ke Shared Drive di google.shared_drive_id, atau perbaiki google.shared_drive_id",
        )
    return CheckStatus.OK, f"{name!r} ({folder_id})", ""


def check_workbooks(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The workbooks already made: found by their appProperties, with the tabs the bot reads."""
    from sheets import layout
    from sheets.google.drive import PROP_BIDANG, SPREADSHEET_MIME
    from sheets.google.errors import GoogleEdgeError

    settings = ctx.settings
    if ctx.drive is None:
        yield _skipped("workbook", "Workbook", "Google belum dapat dihubungi")
        return
    try:
        found = {
            f.app_properties.get(PROP_BIDANG, ""): f
            for f in reversed(ctx.drive.find(ctx.drive.props(settings.tahun, "bidang"), mime=SPREADSHEET_MIME))
        }
        rekap = ctx.drive.find(ctx.drive.props(settings.tahun, "rekap"), mime=SPREADSHEET_MIME)
    except GoogleEdgeError as err:
        yield _result("workbook", "Workbook", CheckStatus.FAILED, err.penjelasan, _unreachable_fix(ctx))
        return
    not_yet: list[str] = []
    for bidang in settings.bidang:
        key, label = f"workbook.{bidang.kode}", f"Workbook bidang {bidang.kode}"
        file = found.get(bidang.kode)
        report = ctx.reports.get(bidang.kode)
        if file is None:
            if report is not None and report.spreadsheet_id:
                yield _missing_workbook(ctx, key, label, report.spreadsheet_id)
            else:
                not_yet.append(bidang.kode)
            continue
        body, (_, detail, fix) = _sheet_tabs(ctx, file.id)
        if body is None:
            yield _result(key, label, CheckStatus.FAILED, detail, fix)
            continue
        missing = [tab for tab in layout.BIDANG_TABS if tab not in body]
        if missing:
            yield _result(
                key,
                label,
                CheckStatus.FAILED,
                f"{file.name!r}: tab {', '.join(missing)} tidak ditemukan (diganti nama atau dihapus?)",
                f"kembalikan nama tab persis {', '.join(layout.BIDANG_TABS)}; tab yang terhapus dapat "
                "dipulihkan lewat File → Riwayat versi di Google Sheets. Tautan: " + file.url,
            )
        else:
            yield _result(key, label, CheckStatus.OK, f"{file.name!r} {file.url}")
    if not_yet:
        yield _result(
            "workbook.belum",
            "Workbook bidang",
            CheckStatus.OK,
            f"belum dibuat untuk {', '.join(not_yet)}; dibuat saat Sekretaris menyetujui pembagian format",
        )
    if rekap:
        yield _result("workbook.rekap", "Workbook rekap dinas", CheckStatus.OK, f"{rekap[0].name!r} {rekap[0].url}")
    else:
        yield _result(
            "workbook.rekap",
            "Workbook rekap dinas",
            CheckStatus.OK,
            "belum dibuat; disusun saat semua bidang disetujui",
        )


def _sheet_tabs(ctx: DoctorContext, spreadsheet_id: str) -> tuple[list[str] | None, tuple[int, str, str]]:
    try:
        answer = _get(ctx, f"{SHEETS_URL}/{spreadsheet_id}", {"fields": "sheets(properties(title))"})
    except Exception as err:
        from sheets.google.errors import translate

        return None, (0, str(translate(err, "membaca workbook")), _unreachable_fix(ctx))
    if answer.status_code != 200:
        detail, fix = _explain(answer.status_code, answer.content, f"membaca workbook {spreadsheet_id}")
        return None, (answer.status_code, detail, fix)
    titles = [s["properties"]["title"] for s in answer.json().get("sheets", [])]
    return titles, (200, "", "")


def _missing_workbook(ctx: DoctorContext, key: str, label: str, spreadsheet_id: str) -> CheckResult:
    """A workbook the running period uses is not found by its appProperties: trashed or deleted."""
    body, (status, detail, fix) = _drive_json(
        ctx,
        f"files/{spreadsheet_id}",
        {"fields": "id,name,trashed,webViewLink", "supportsAllDrives": "true"},
        f"membaca workbook {spreadsheet_id}",
    )
    if body is not None and body.get("trashed"):
        return _result(
            key,
            label,
            CheckStatus.FAILED,
            f"workbook {body.get('name')!r} ada di tempat sampah Drive",
            "pulihkan dari tempat sampah (Drive → Sampah → Pulihkan); bot membacanya lagi pada polling berikutnya",
        )
    if body is not None:
        return _result(
            key,
            label,
            CheckStatus.WARNING,
            f"workbook {body.get('name')!r} ada tetapi tanda pengenal Kinerja Bot-nya hilang (mungkin salinan)",
            "pakai workbook asli yang dibuat bot; jangan membuat salinan",
        )
    if status == 404:
        return _result(
            key,
            label,
            CheckStatus.FAILED,
            f"workbook {spreadsheet_id} yang dipakai periode berjalan sudah terhapus atau tidak dapat dibuka",
            "pulihkan dari tempat sampah Drive bila masih ada (30 hari); bila terhapus permanen, minta "
            "pemilik Shared Drive/akun memulihkannya lewat Google Workspace Admin; lihat docs/masalah.md",
        )
    return _result(key, label, CheckStatus.FAILED, detail, fix)


# --- Telegram ------------------------------------------------------------------------------------


def check_telegram(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The bot token is set and valid (getMe); no webhook blocks long polling."""
    telegram = ctx.settings.telegram
    name = "Bot Telegram"
    token = telegram.resolved_token()
    if not token:
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            "token bot belum diisi",
            "isi variabel lingkungan KINERJA_TELEGRAM__TOKEN atau telegram.token_file dengan token dari "
            "@BotFather; lihat docs/pemasangan.md bagian 3",
        )
        return
    base = telegram.base_url.rstrip("/")
    if not base.endswith("/bot"):
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"telegram.base_url {base!r} tidak berakhiran /bot",
            "isi telegram.base_url dengan https://api.telegram.org/bot",
        )
        return
    host = httpx.URL(base).host
    try:
        with httpx.Client(timeout=ctx.timeout) as client:
            me = client.get(f"{base}{token}/getMe")
            hook = client.get(f"{base}{token}/getWebhookInfo") if me.status_code == 200 else None
    except httpx.HTTPError as err:
        # The message of a transport error may hold the URL, and the URL holds the token.
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"Telegram ({host}) tidak dapat dihubungi: {type(err).__name__}",
            f"periksa koneksi internet/proxy/firewall ke {host}, atau telegram.base_url",
        )
        return
    if me.status_code in (401, 404):
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            "token bot ditolak Telegram (Unauthorized)",
            "salin ulang token dari @BotFather (/mybots → API Token); bila token dicabut, buat yang baru "
            "dengan /revoke lalu perbarui KINERJA_TELEGRAM__TOKEN",
        )
        return
    if me.status_code != 200:
        yield _result(
            "telegram.token",
            name,
            CheckStatus.FAILED,
            f"Telegram menjawab HTTP {me.status_code}",
            "ulangi beberapa saat lagi; bila terus terjadi, periksa telegram.base_url",
        )
        return
    result = (me.json() or {}).get("result") or {}
    yield _result(
        "telegram.token", name, CheckStatus.OK, f"@{result.get('username', '?')} ({result.get('first_name', '')})"
    )
    url = ((hook.json() or {}).get("result") or {}).get("url") if hook is not None and hook.status_code == 200 else ""
    if url and telegram.mode == "polling":
        yield _result(
            "telegram.webhook",
            "Webhook Telegram",
            CheckStatus.WARNING,
            "bot masih memasang webhook; long polling (telegram.mode: polling) akan ditolak Telegram",
            f"hapus webhook: buka {base}<TOKEN>/deleteWebhook sekali, atau pakai telegram.mode: webhook",
        )


# --- the store and the people ---------------------------------------------------------------------


MIN_SQLITE = (3, 35)  # INSERT/UPDATE ... RETURNING, which the store reads
MIN_POSTGRESQL = (13,)
SUPPORTED_ENGINES = ("sqlite", "postgresql")
DATABASE_URL_EXAMPLES = (
    "contoh: sqlite:////var/lib/kinerja-bot/kinerja.db atau "
    "postgresql+psycopg://kinerja@/kinerja?host=/var/run/postgresql (lihat docs/pemasangan.md)"
)


def _engine_version(connection: Any) -> tuple[str, tuple[int, ...]]:
    """The engine's name and version as the server reports it."""
    if connection.dialect.name == "sqlite":
        text = str(connection.exec_driver_sql("select sqlite_version()").scalar())
        return f"SQLite {text}", tuple(int(part) for part in text.split(".")[:2])
    info = tuple(connection.dialect.server_version_info or ())
    return f"{connection.dialect.name} {'.'.join(map(str, info))}", tuple(int(p) for p in info if isinstance(p, int))


def check_database(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The database: its driver installed, reachable, a supported engine version, at the latest migration.

    Opened read-only in spirit: nothing is migrated. The URL is shown without its password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import DriverMissing, create_store_engine, masked_url, scrub_url
    from bot.store.migrate import current_revision, head_revision
    from bot.store.repository import Store
    from bot.workflow.machine import TERMINAL_DINAS_STATES

    url = ctx.settings.database.url
    name = "Basis data"
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        yield _result("database", name, CheckStatus.FAILED, "database.url tidak sah", DATABASE_URL_EXAMPLES)
        return
    shown = masked_url(parsed)
    backend = parsed.get_backend_name()
    if backend == "sqlite" and parsed.database and not Path(parsed.database).is_absolute():
        yield _result(
            "database.path",
            "Letak basis data",
            CheckStatus.WARNING,
            f"{shown} memakai path relatif: letaknya bergantung pada folder tempat perintah dijalankan, "
            "sehingga layanan dan perintah yang dijalankan dari folder lain dapat membuka basis data berbeda",
            "pakai path absolut (empat garis miring), misalnya sqlite:////var/lib/kinerja-bot/kinerja.db",
        )
    if backend == "sqlite" and parsed.database and not Path(parsed.database).exists():
        yield _result(
            "database",
            name,
            CheckStatus.OK,
            f"{shown} belum ada; dibuat dan dimigrasi otomatis saat python -m bot run pertama kali",
        )
        return
    head = head_revision()
    try:
        engine = create_store_engine(url)
    except DriverMissing as err:
        yield _result("database", name, CheckStatus.FAILED, f"driver {err.module!r} belum terpasang", err.pesan)
        return
    except SQLAlchemyError as err:
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown} tidak dapat dipakai: {scrub_url(str(err), url)}",
            DATABASE_URL_EXAMPLES,
        )
        return
    try:
        with engine.connect() as connection:
            version_text, version = _engine_version(connection)
            current = current_revision(connection)
    except SQLAlchemyError as err:
        engine.dispose()
        cause = scrub_url(str(getattr(err, "orig", None) or err), url).strip().splitlines()
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown} tidak dapat dibuka: {type(err).__name__}" + (f" ({cause[-1]})" if cause else ""),
            "periksa database.url, hak akses berkas/folder basis data, atau apakah server basis data berjalan "
            "dan menerima pengguna ini (docs/pemasangan.md, bagian PostgreSQL)",
        )
        return
    minimum = {"sqlite": MIN_SQLITE, "postgresql": MIN_POSTGRESQL}.get(backend)
    if minimum is None:
        yield _result(
            "database.engine",
            "Mesin basis data",
            CheckStatus.WARNING,
            f"{version_text} belum diuji; Kinerja Bot diuji dengan SQLite dan PostgreSQL",
            "pakai SQLite (satu server) atau PostgreSQL",
        )
    elif version < minimum:
        engine.dispose()
        needed = ".".join(map(str, minimum))
        yield _result(
            "database",
            name,
            CheckStatus.FAILED,
            f"{shown}: {version_text} terlalu lama (paling rendah {needed})",
            f"perbarui {'pustaka SQLite Python' if backend == 'sqlite' else 'server PostgreSQL'} ke versi {needed} "
            "atau lebih baru",
        )
        return
    if current != head:
        engine.dispose()
        yield _result(
            "database",
            name,
            CheckStatus.WARNING,
            f"{shown} ({version_text}) pada revisi {current or '(kosong)'}, terbaru {head}",
            "tidak perlu tindakan: migrasi dijalankan otomatis saat layanan dimulai (python -m bot run)",
        )
        return
    ctx.store = Store(engine)
    with ctx.store.transaction() as tx:
        for period in tx.periods(exclude_states=list(TERMINAL_DINAS_STATES)):
            for report in tx.reports(period.id):
                ctx.reports[report.bidang] = report
    yield _result("database", name, CheckStatus.OK, f"{shown} ({version_text}), revisi {current}")


def check_people(ctx: DoctorContext) -> Iterable[CheckResult]:
    """Who can act from Telegram (telegram_id in the settings or bound by invite), who cannot yet."""
    settings = ctx.settings
    configured = [(role, bidang, orang.nama, orang.telegram_id) for role, bidang, orang in settings.people()]
    rows: list[Any] = []
    if ctx.store is not None:
        with ctx.store.transaction() as tx:
            rows = tx.people()
    bound_in_store = {(r.role, r.bidang, r.nama): r for r in rows if r.telegram_id is not None}
    by_settings = [c for c in configured if c[3] is not None]
    from_settings = {(c[0], c[1], c[2]) for c in by_settings}
    # Bound in the store but not by a telegram_id of the settings: bound with /daftar KODE.
    by_invite = [r for key, r in bound_in_store.items() if key not in from_settings]
    unbound = [c for c in configured if c[3] is None and (c[0], c[1], c[2]) not in bound_in_store]
    label = "Orang terikat ke Telegram"

    def who(role: str, bidang: str | None, nama: str) -> str:
        return f"{role}{' ' + bidang if bidang else ''} ({nama})"

    summary = f"{len(by_settings)} lewat pengaturan, {len(by_invite)} lewat kode undangan"
    if by_invite:
        summary += ": " + "; ".join(who(r.role, r.bidang, r.nama) for r in by_invite)
    if unbound:
        yield _result(
            "people",
            label,
            CheckStatus.WARNING,
            f"{summary}. Belum terikat: " + "; ".join(who(*c[:3]) for c in unbound),
            INVITE_FIX,
        )
    else:
        yield _result("people", label, CheckStatus.OK, f"semua terikat ({summary})")
    if ctx.store is None and any(c[3] is None for c in configured):
        yield _result(
            "people.store",
            "Pendaftaran lewat undangan",
            CheckStatus.SKIPPED,
            "basis data belum dapat dibaca; pendaftaran /daftar belum diperhitungkan",
        )
    unreachable = [r for r in rows if r.unreachable]
    if unreachable:
        yield _result(
            "people.unreachable",
            "Orang yang tidak dapat dihubungi",
            CheckStatus.WARNING,
            "; ".join(who(r.role, r.bidang, r.nama) for r in unreachable)
            + ": memblokir bot atau belum pernah membuka chat",
            "minta orang tersebut membuka chat dengan bot dan menekan Mulai (/start)",
        )


CHECKS: list[Check] = [
    check_master_list,
    check_google_credentials,
    check_google_reachable,
    check_storage,
    check_folders,
    check_database,
    check_workbooks,
    check_telegram,
    check_people,
]


def run_doctor(
    config_path: str, checks: Iterable[Check] = CHECKS, *, timeout: float = DEFAULT_TIMEOUT
) -> tuple[int, list[CheckResult]]:
    """Run every check; exit code 0 (all OK or warnings), 1 (a check failed), 2 (unusable settings)."""
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
            f"{config_path}: {settings.dinas.nama}, tahun {settings.tahun}, {len(settings.bidang)} bidang, "
            f"zona waktu {settings.zona_waktu}",
        )
    ]
    ctx = DoctorContext(settings=settings, config_path=config_path, timeout=timeout)
    try:
        for check in checks:
            results.extend(check(ctx))
    finally:
        ctx.close()
    failed = any(result.status is CheckStatus.FAILED for result in results)
    return (1 if failed else 0), results


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
