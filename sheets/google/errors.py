"""The Google edge's own exceptions, and the one place library errors are translated into them.

Every error leaving ``sheets.google`` is a :class:`GoogleEdgeError`. Its ``penjelasan`` is an
Indonesian explanation for the admin (what happened and what to do); ``str(err)`` keeps the
technical detail for the log. :func:`translate` maps gspread's ``APIError``, googleapiclient's
``HttpError``, ``requests`` network errors and google-auth errors onto the hierarchy.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions

logger = logging.getLogger(__name__)

__all__ = [
    "AccessDenied",
    "ApiRequestInvalid",
    "CredentialsProblem",
    "ExportTooLarge",
    "GoogleEdgeError",
    "GoogleUnavailable",
    "NotFound",
    "QuotaExhausted",
    "RequestTooLarge",
    "StorageQuotaExceeded",
    "WorkbookLayoutError",
    "error_details",
    "translate",
]


class GoogleEdgeError(Exception):
    """Base of every Google edge error; ``penjelasan`` is the admin's Indonesian explanation."""

    default_penjelasan = "Terjadi kesalahan saat menghubungi Google Drive/Sheets."

    def __init__(
        self, message: str, *, penjelasan: str | None = None, status: int | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.penjelasan = penjelasan or self.default_penjelasan
        self.status = status
        self.reason = reason


class GoogleUnavailable(GoogleEdgeError):
    """Google kept failing (timeouts, 408/429/5xx, rate limits) after every retry."""

    default_penjelasan = (
        "Google Drive/Sheets sedang tidak dapat dihubungi atau membatasi permintaan; "
        "Kinerja Bot sudah mencoba ulang beberapa kali. Langkah ini akan dicoba lagi nanti."
    )


class QuotaExhausted(GoogleUnavailable):
    """Google's per-minute request quota stayed used up through every wait (Sheets 429, Drive user rate)."""

    default_penjelasan = (
        "Batas permintaan per menit Google Sheets/Drive untuk akun bot sedang habis; Kinerja Bot sudah "
        "menunggu beberapa menit. Pekerjaan yang tersisa dilanjutkan pada putaran berikutnya."
    )


class CredentialsProblem(GoogleEdgeError):
    """The credentials are missing, invalid or revoked."""

    default_penjelasan = (
        "Kinerja Bot tidak dapat masuk ke Google. Periksa google.key_file (kunci akun layanan) "
        "atau berkas token OAuth, lalu jalankan python -m bot doctor."
    )


class AccessDenied(GoogleEdgeError):
    """The bot's account may not read or change this file or range."""

    default_penjelasan = (
        "Akun Kinerja Bot tidak memiliki akses ke berkas ini. Pastikan folder bidang atau Drive bersama "
        "dibagikan kepada akun bot sebagai Editor (di Drive bersama: Pengelola konten)."
    )


class StorageQuotaExceeded(AccessDenied):
    """Drive refused to create a file: the account has no storage quota (service accounts)."""

    default_penjelasan = (
        "Kuota penyimpanan Google Drive akun bot habis. Akun layanan (service account) tidak memiliki kuota "
        "sendiri: simpan folder bidang di Drive bersama (isi google.shared_drive_id) atau gunakan "
        "google.auth: oauth dengan akun Google pegawai."
    )


class NotFound(GoogleEdgeError):
    """The file, folder or spreadsheet does not exist (or is invisible to the bot)."""

    default_penjelasan = (
        "Berkas atau folder di Google Drive tidak ditemukan. Periksa folder_id bidang, root_folder_id "
        "dan archive_folder_id di pengaturan, dan pastikan akun bot dapat melihatnya."
    )


class ApiRequestInvalid(GoogleEdgeError):
    """Google refused the request as malformed (a bug, or a sheet changed beyond recognition)."""

    default_penjelasan = (
        "Google menolak permintaan Kinerja Bot. Kemungkinan struktur lembar kerja diubah secara manual "
        "(tab atau kolom diganti nama atau dihapus)."
    )


class RequestTooLarge(ApiRequestInvalid):
    """Google refused a request body over its limit (10485760 bytes): a write the bot failed to cut."""

    default_penjelasan = (
        "Google menolak permintaan Kinerja Bot karena ukurannya melebihi batas 10 MB. "
        "Laporkan kepada pengembang Kinerja Bot."
    )


class ExportTooLarge(GoogleEdgeError):
    """Drive refused to export a file whose exported content is over 10 MB (``exportSizeLimitExceeded``)."""

    default_penjelasan = "Google Drive tidak dapat mengekspor berkas ini karena hasilnya melebihi 10 MB."


class WorkbookLayoutError(GoogleEdgeError):
    """A bidang workbook lacks a tab or protection the bot built into it."""

    default_penjelasan = (
        "Struktur lembar kerja bidang tidak sesuai format Kinerja Bot (tab diganti nama atau dihapus). "
        "Kembalikan nama tab Petunjuk, Realisasi, dan Status."
    )


def error_details(status: int | None, body: Any) -> tuple[str, str | None]:
    """(message, first Drive ``reason``) from a Google JSON error body (bytes, str or dict)."""
    data: Any = body
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            data = json.loads(body)
        except ValueError:
            return body[:300], None
    if not isinstance(data, Mapping):
        return str(data)[:300], None
    error = data.get("error", data)
    if not isinstance(error, Mapping):
        return str(error)[:300], None
    message = str(error.get("message") or status)
    reason = None
    items = error.get("errors")
    if isinstance(items, list) and items and isinstance(items[0], Mapping):
        reason = items[0].get("reason")
    return message, reason


def _from_status(status: int, message: str, reason: str | None, action: str) -> GoogleEdgeError:
    text = f"{action}: HTTP {status} {message}" + (f" ({reason})" if reason else "")
    if reason == "storageQuotaExceeded" or "storage quota" in message.lower():
        return StorageQuotaExceeded(text, status=status, reason=reason)
    if status in (401,):
        return CredentialsProblem(text, status=status, reason=reason)
    if (status == 429 and "quota exceeded" in message.lower()) or reason == "userRateLimitExceeded":
        return QuotaExhausted(text, status=status, reason=reason)
    if status == 403 and reason == "rateLimitExceeded":
        return GoogleUnavailable(text, status=status, reason=reason)
    if status == 403 and reason == "exportSizeLimitExceeded":
        return ExportTooLarge(text, status=status, reason=reason)
    if status == 400 and "payload size exceeds the limit" in message.lower():
        return RequestTooLarge(text, status=status, reason=reason)
    if status == 403:
        return AccessDenied(text, status=status, reason=reason)
    if status == 404:
        return NotFound(text, status=status, reason=reason)
    if status in (408, 429) or status >= 500:
        return GoogleUnavailable(text, status=status, reason=reason)
    return ApiRequestInvalid(text, status=status, reason=reason)


def translate(err: BaseException, action: str) -> GoogleEdgeError:
    """The project's exception for a library error raised while doing ``action``."""
    if isinstance(err, GoogleEdgeError):
        return err
    # Imported here: both libraries are heavy and only needed when something failed.
    from googleapiclient.errors import HttpError
    from gspread.exceptions import APIError

    if isinstance(err, APIError):
        status = int(err.response.status_code)
        message, reason = error_details(status, err.response.content)
        return _from_status(status, message, reason, action)
    if isinstance(err, HttpError):
        status = int(err.resp.status)
        message, reason = error_details(status, err.content)
        return _from_status(status, message, reason, action)
    if isinstance(err, auth_exceptions.RefreshError | auth_exceptions.DefaultCredentialsError):
        return CredentialsProblem(f"{action}: {err}")
    if isinstance(err, auth_exceptions.TransportError | requests.RequestException):
        return GoogleUnavailable(f"{action}: {type(err).__name__}: {err}")
    if isinstance(err, auth_exceptions.GoogleAuthError):
        return CredentialsProblem(f"{action}: {err}")
    return GoogleEdgeError(f"{action}: {type(err).__name__}: {err}")
