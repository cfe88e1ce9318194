"""Drive v3 operations the edge needs, each one request, Shared Drive aware, errors translated.

Files the bot makes carry ``appProperties`` (private to the bot's OAuth client) naming what
they are: ``kinerja_dinas``, ``kinerja_tahun``, ``kinerja_jenis`` (``bidang``, ``rekap``,
``arsip``, ``bukti``) and ``kinerja_bidang``/``kinerja_tw``/``kinerja_format``/``kinerja_sumber``
(where a bukti dukung came from) where they apply. The bot finds its files again by these
before it creates one, so re-running a step creates nothing twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from googleapiclient.http import MediaInMemoryUpload

from config.settings import Settings
from sheets.google.errors import GoogleEdgeError, translate

logger = logging.getLogger(__name__)

__all__ = [
    "FOLDER_MIME",
    "PDF_MIME",
    "PROP_BIDANG",
    "PROP_DINAS",
    "PROP_FORMAT",
    "PROP_JENIS",
    "PROP_SUMBER",
    "PROP_TAHUN",
    "PROP_TW",
    "SPREADSHEET_MIME",
    "XLSX_MIME",
    "DriveFiles",
    "FileInfo",
    "dinas_key",
]

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PROP_DINAS = "kinerja_dinas"
PROP_TAHUN = "kinerja_tahun"
PROP_JENIS = "kinerja_jenis"
PROP_BIDANG = "kinerja_bidang"
PROP_TW = "kinerja_tw"
PROP_FORMAT = "kinerja_format"
PROP_SUMBER = "kinerja_sumber"

MULTIPART_LIMIT = 5 * 1024 * 1024
UPLOAD_CHUNK = 5 * 1024 * 1024

FILE_FIELDS = (
    "id,name,mimeType,trashed,parents,driveId,createdTime,modifiedTime,webViewLink,appProperties,"
    "permissions(id,type,role,emailAddress)"
)


def dinas_key(settings: Settings) -> str:
    """The ``kinerja_dinas`` value: a short slug of the dinas (stable across renames of its long name)."""
    text = f"{settings.dinas.singkatan}-{settings.dinas.kabupaten}".casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


@dataclass(frozen=True)
class FileInfo:
    """A Drive file as the edge needs it."""

    id: str
    name: str
    mime_type: str
    trashed: bool
    created_time: str
    app_properties: Mapping[str, str]
    writers: frozenset[str]
    url: str

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileInfo:
        """From a drive#file resource."""
        writers = frozenset(
            str(p.get("emailAddress", "")).lower()
            for p in data.get("permissions") or []
            if p.get("type") == "user" and p.get("role") in {"writer", "owner", "organizer", "fileOrganizer"}
        )
        file_id = str(data["id"])
        mime = str(data.get("mimeType", ""))
        url = data.get("webViewLink") or (
            f"https://docs.google.com/spreadsheets/d/{file_id}/edit"
            if mime == SPREADSHEET_MIME
            else f"https://drive.google.com/file/d/{file_id}/view"
        )
        return cls(
            id=file_id,
            name=str(data.get("name", "")),
            mime_type=mime,
            trashed=bool(data.get("trashed", False)),
            created_time=str(data.get("createdTime", "")),
            app_properties=dict(data.get("appProperties") or {}),
            writers=writers,
            url=str(url),
        )


class DriveFiles:
    """Drive operations for one settings object; every method is one API call unless it says so."""

    def __init__(self, drive: Any, settings: Settings) -> None:
        self.drive = drive
        self.settings = settings
        self.dinas = dinas_key(settings)

    def _run(self, request: Any, action: str) -> Any:
        try:
            return request.execute()
        except Exception as err:  # library errors are translated here, at the edge
            raise translate(err, action) from err

    def _corpus(self) -> dict[str, Any]:
        shared = self.settings.google.shared_drive_id
        params: dict[str, Any] = {"supportsAllDrives": True, "includeItemsFromAllDrives": True}
        if shared:
            params.update(corpora="drive", driveId=shared)
        else:
            params.update(corpora="allDrives")
        return params

    def props(self, tahun: int, jenis: str, **extra: str) -> dict[str, str]:
        """The appProperties of a bot file."""
        return {PROP_DINAS: self.dinas, PROP_TAHUN: str(tahun), PROP_JENIS: jenis, **extra}

    def find(self, props: Mapping[str, str], *, mime: str | None = None) -> list[FileInfo]:
        """Every non-trashed file carrying all ``props``, oldest first (one call per 1000 files)."""
        clauses = [
            f"appProperties has {{ key='{_quote(k)}' and value='{_quote(v)}' }}" for k, v in sorted(props.items())
        ]
        clauses.append("trashed = false")
        if mime:
            clauses.append(f"mimeType = '{mime}'")
        query = " and ".join(clauses)
        found: list[FileInfo] = []
        token: str | None = None
        while True:
            request = self.drive.files().list(
                q=query,
                pageSize=1000,
                orderBy="createdTime",
                fields=f"nextPageToken,files({FILE_FIELDS})",
                **({"pageToken": token} if token else {}),
                **self._corpus(),
            )
            body = self._run(request, "mencari berkas Kinerja Bot di Drive")
            found += [FileInfo.from_json(item) for item in body.get("files", [])]
            token = body.get("nextPageToken")
            if not token:
                return found

    def get(self, file_id: str) -> FileInfo:
        """One file's metadata."""
        request = self.drive.files().get(fileId=file_id, fields=FILE_FIELDS, supportsAllDrives=True)
        return FileInfo.from_json(self._run(request, f"membaca berkas {file_id}"))

    def create_spreadsheet(self, name: str, parent: str, props: Mapping[str, str]) -> FileInfo:
        """A new empty spreadsheet in ``parent`` (a folder or a Shared Drive)."""
        body = {"name": name, "mimeType": SPREADSHEET_MIME, "parents": [parent], "appProperties": dict(props)}
        request = self.drive.files().create(body=body, fields=FILE_FIELDS, supportsAllDrives=True)
        info = FileInfo.from_json(self._run(request, f"membuat spreadsheet {name!r}"))
        logger.info("created spreadsheet %s (%s) in %s", info.id, name, parent)
        return info

    def share_writers(self, file: FileInfo, emails: Iterable[str]) -> int:
        """Share with each email as writer unless it already is; one call per missing email."""
        notify = self.settings.google.kirim_email_notifikasi
        created = 0
        for email in emails:
            if email.lower() in file.writers:
                continue
            request = self.drive.permissions().create(
                fileId=file.id,
                body={"type": "user", "role": "writer", "emailAddress": email},
                sendNotificationEmail=notify,
                supportsAllDrives=True,
                fields="id",
            )
            self._run(request, f"membagikan {file.name!r} ke {email}")
            created += 1
        return created

    def start_page_token(self) -> str:
        """The change-list token of "now"."""
        params: dict[str, Any] = {"supportsAllDrives": True}
        if self.settings.google.shared_drive_id:
            params["driveId"] = self.settings.google.shared_drive_id
        body = self._run(self.drive.changes().getStartPageToken(**params), "membaca token perubahan Drive")
        return str(body["startPageToken"])

    def changes(self, token: str) -> tuple[list[dict[str, Any]], str]:
        """Every change since ``token`` and the token to use next (one call per 1000 changes)."""
        out: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "supportsAllDrives": True,
            "includeItemsFromAllDrives": True,
            "includeRemoved": True,
            "pageSize": 1000,
            "fields": "nextPageToken,newStartPageToken,changes(fileId,removed,file(id,name,mimeType,trashed,"
            "appProperties))",
        }
        if self.settings.google.shared_drive_id:
            params["driveId"] = self.settings.google.shared_drive_id
        while True:
            body = self._run(self.drive.changes().list(pageToken=token, **params), "membaca perubahan Drive")
            out += body.get("changes", [])
            if body.get("newStartPageToken"):
                return out, str(body["newStartPageToken"])
            token = str(body["nextPageToken"])

    def export(self, file_id: str, mime: str) -> bytes:
        """A Google file exported as ``mime`` (PDF, xlsx)."""
        data = self._run(self.drive.files().export_media(fileId=file_id, mimeType=mime), f"mengekspor {file_id}")
        if not isinstance(data, bytes):
            raise GoogleEdgeError(f"export of {file_id} as {mime} returned {type(data).__name__}")
        return data

    def download(self, file_id: str) -> bytes:
        """The content of a stored (non-Google) file, such as an archived PDF or xlsx."""
        request = self.drive.files().get_media(fileId=file_id, supportsAllDrives=True)
        data = self._run(request, f"mengunduh {file_id}")
        if not isinstance(data, bytes):
            raise GoogleEdgeError(f"download of {file_id} returned {type(data).__name__}")
        return data

    def upload(
        self,
        name: str,
        parent: str,
        mime: str,
        content: bytes,
        props: Mapping[str, str],
        *,
        description: str | None = None,
    ) -> FileInfo:
        """A new file with ``content`` in ``parent`` (with ``description`` when given): one multipart
        upload up to 5 MB, resumable above.

        Drive documents multipart for "a small file (5 MB or less)" and resumable for larger ones;
        a resumable upload is one request for the session, then one per 5 MB chunk (a multiple of
        256 KiB, as Drive requires of every chunk but the last).
        """
        resumable = len(content) > MULTIPART_LIMIT
        media = MediaInMemoryUpload(content, mimetype=mime, resumable=resumable, chunksize=UPLOAD_CHUNK)
        body: dict[str, Any] = {"name": name, "parents": [parent], "appProperties": dict(props), "mimeType": mime}
        if description:
            body["description"] = description
        request = self.drive.files().create(body=body, media_body=media, fields=FILE_FIELDS, supportsAllDrives=True)
        return FileInfo.from_json(self._run(request, f"mengunggah {name!r}"))

    def create_folder(self, name: str, parent: str, props: Mapping[str, str]) -> FileInfo:
        """A new folder in ``parent`` (a folder or a Shared Drive)."""
        body = {"name": name, "mimeType": FOLDER_MIME, "parents": [parent], "appProperties": dict(props)}
        request = self.drive.files().create(body=body, fields=FILE_FIELDS, supportsAllDrives=True)
        info = FileInfo.from_json(self._run(request, f"membuat folder {name!r}"))
        logger.info("created folder %s (%s) in %s", info.id, name, parent)
        return info

    def replace_content(self, file_id: str, mime: str, content: bytes) -> FileInfo:
        """New content for an existing file."""
        media = MediaInMemoryUpload(content, mimetype=mime, resumable=False)
        request = self.drive.files().update(
            fileId=file_id, media_body=media, fields=FILE_FIELDS, supportsAllDrives=True
        )
        return FileInfo.from_json(self._run(request, f"memperbarui {file_id}"))
