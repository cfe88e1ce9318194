"""Doctor checks of the files on Google: every configured folder and the workbooks already made.

Both run only once Google answered (:func:`bot.doctor.google_access.check_google_reachable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.doctor.google_access import SHEETS_URL, _drive_json, _explain, _get, _unreachable_fix
from bot.doctor.report import CheckResult, CheckStatus, DoctorContext, _result, _skipped
from config.settings import GoogleAuth, Settings

FOLDER_MIME = "application/vnd.google-apps.folder"


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
        f"tambahkan {ctx.account_email} ke Drive bersama sebagai Pengelola konten"
        if google.shared_drive_id
        else f"bagikan folder kepada {ctx.account_email} sebagai Editor"
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
            f"folder {name!r} ada di Drive Saya (My Drive): akun layanan tidak dapat membuat berkas di sini "
            "(tidak punya kuota penyimpanan, storageQuotaExceeded)",
            "pindahkan folder ke Drive bersama dan isi google.shared_drive_id, atau gunakan google.auth: oauth",
        )
    if service_account and shared and drive_id != shared:
        return (
            CheckStatus.FAILED,
            f"folder {name!r} ada di Drive bersama lain ({drive_id}), bukan {shared}",
            "pindahkan folder ke Drive bersama di google.shared_drive_id, atau perbaiki google.shared_drive_id",
        )
    return CheckStatus.OK, f"{name!r} ({folder_id})", ""


def check_workbooks(ctx: DoctorContext) -> Iterable[CheckResult]:
    """The current budget year's workbooks already made: found by appProperties, with the tabs the bot reads."""
    from sheets import layout
    from sheets.google.drive import PROP_BIDANG, SPREADSHEET_MIME
    from sheets.google.errors import GoogleEdgeError

    settings = ctx.settings
    if ctx.drive is None:
        yield _skipped("workbook", "Lembar kerja", "Google belum dapat dihubungi")
        return
    tahun = ctx.current_year()
    try:
        found = {
            f.app_properties.get(PROP_BIDANG, ""): f
            for f in reversed(ctx.drive.find(ctx.drive.props(tahun, "bidang"), mime=SPREADSHEET_MIME))
        }
        rekap = ctx.drive.find(ctx.drive.props(tahun, "rekap"), mime=SPREADSHEET_MIME)
    except GoogleEdgeError as err:
        yield _result("workbook", "Lembar kerja", CheckStatus.FAILED, err.penjelasan, _unreachable_fix(ctx))
        return
    not_yet: list[str] = []
    for bidang in settings.bidang:
        key, label = f"workbook.{bidang.kode}", f"Lembar kerja bidang {bidang.kode}"
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
                "dipulihkan melalui File → Riwayat versi di Google Sheets. Tautan: " + file.url,
            )
        else:
            yield _result(key, label, CheckStatus.OK, f"{file.name!r} {file.url}")
        yield from _sharing_of(ctx, bidang.kode, file)
    if not_yet:
        yield _result(
            "workbook.belum",
            "Lembar kerja bidang",
            CheckStatus.OK,
            f"belum dibuat untuk {', '.join(not_yet)}; dibuat saat Sekretaris menyetujui pembagian format",
        )
    if rekap:
        yield _result("workbook.rekap", "Lembar kerja rekap dinas", CheckStatus.OK, f"{rekap[0].name!r} {rekap[0].url}")
    else:
        yield _result(
            "workbook.rekap",
            "Lembar kerja rekap dinas",
            CheckStatus.OK,
            "belum dibuat; disusun saat semua bidang disetujui",
        )


def _sharing_of(ctx: DoctorContext, kode: str, file: Any) -> Iterable[CheckResult]:
    """Access to a bidang workbook outside the configured people, and whether its editors may re-share."""
    from sheets.google.errors import GoogleEdgeError
    from sheets.google.sharing import bidang_access, foreign_permissions

    key, label = f"akses.{kode}", f"Akses workbook {kode}"
    try:
        listed = ctx.drive.permissions(file)
    except GoogleEdgeError as err:
        yield _result(key, label, CheckStatus.WARNING, f"daftar akses tidak dapat dibaca: {err}", err.penjelasan)
        return
    own = [ctx.account_email] if ctx.account_email else []
    foreign = foreign_permissions(listed, bidang_access(ctx.settings, kode), own)
    if not ctx.account_email:  # the bot's own address unknown: only what is surely foreign
        foreign = tuple(p for p in foreign if p.type in {"anyone", "domain"})
    if foreign:
        yield _result(
            key,
            label,
            CheckStatus.WARNING,
            "dibagikan di luar editor dan pejabat di pengaturan: " + ", ".join(sorted(p.who for p in foreign)),
            "bot menghapusnya saat lembar kerja itu berubah berikutnya dan memberi tahu Kasubbag KPEP; untuk segera, "
            "hapus melalui tombol Bagikan di Google Sheets, atau tambahkan alamat itu di pengaturan bila memang perlu. "
            "Tautan: " + file.url,
        )
    elif file.writers_can_share:
        yield _result(
            key,
            label,
            CheckStatus.WARNING,
            "editor lembar kerja ini masih dapat membagikannya kepada orang lain "
            "(dibuat oleh versi bot yang lebih lama)",
            "tidak perlu tindakan: setelan itu dimatikan pada pembagian format berikutnya",
        )
    else:
        yield _result(key, label, CheckStatus.OK, "hanya editor dan pejabat di pengaturan")


def _sheet_tabs(ctx: DoctorContext, spreadsheet_id: str) -> tuple[list[str] | None, tuple[int, str, str]]:
    try:
        answer = _get(ctx, f"{SHEETS_URL}/{spreadsheet_id}", {"fields": "sheets(properties(title))"})
    except Exception as err:
        from sheets.google.errors import translate

        return None, (0, str(translate(err, "membaca lembar kerja")), _unreachable_fix(ctx))
    if answer.status_code != 200:
        detail, fix = _explain(answer.status_code, answer.content, f"membaca lembar kerja {spreadsheet_id}")
        return None, (answer.status_code, detail, fix)
    titles = [s["properties"]["title"] for s in answer.json().get("sheets", [])]
    return titles, (200, "", "")


def _missing_workbook(ctx: DoctorContext, key: str, label: str, spreadsheet_id: str) -> CheckResult:
    """A workbook the running period uses is not found by its appProperties: trashed or deleted."""
    body, (status, detail, fix) = _drive_json(
        ctx,
        f"files/{spreadsheet_id}",
        {"fields": "id,name,trashed,webViewLink", "supportsAllDrives": "true"},
        f"membaca lembar kerja {spreadsheet_id}",
    )
    if body is not None and body.get("trashed"):
        return _result(
            key,
            label,
            CheckStatus.FAILED,
            f"lembar kerja {body.get('name')!r} ada di tempat sampah Drive",
            "pulihkan dari tempat sampah (Drive → Sampah → Pulihkan); bot membacanya lagi pada polling berikutnya",
        )
    if body is not None:
        return _result(
            key,
            label,
            CheckStatus.WARNING,
            f"lembar kerja {body.get('name')!r} ada, tetapi tanda pengenal Kinerja Bot-nya hilang (mungkin salinan)",
            "gunakan lembar kerja asli yang dibuat bot; jangan membuat salinan",
        )
    if status == 404:
        return _result(
            key,
            label,
            CheckStatus.FAILED,
            f"lembar kerja {spreadsheet_id} yang dipakai periode berjalan sudah terhapus atau tidak dapat dibuka",
            "pulihkan dari tempat sampah Drive bila masih ada (30 hari); bila terhapus permanen, minta "
            "pemilik Drive bersama atau akun memulihkannya melalui Google Workspace Admin; lihat docs/masalah.md",
        )
    return _result(key, label, CheckStatus.FAILED, detail, fix)
