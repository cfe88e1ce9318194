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
from dataclasses import dataclass, field
from typing import Any

from googleapiclient.http import MediaInMemoryUpload

from config.settings import Settings
from sheets.google.errors import AccessDenied, ApiRequestInvalid, GoogleEdgeError, NotFound, translate
from sheets.google.sharing import ROLE_RANK, permission_info

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
    "ShareOutcome",
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

PERMISSION_FIELDS = "id,type,role,emailAddress,domain,permissionDetails(inherited)"
FILE_FIELDS = (
    "id,name,mimeType,trashed,parents,driveId,createdTime,modifiedTime,webViewLink,appProperties,"
    f"writersCanShare,permissionIds,permissions({PERMISSION_FIELDS})"
)


def dinas_key(settings: Settings) -> str:
    """The ``kinerja_dinas`` value: a short slug of the dinas (stable across renames of its long name)."""
    text = f"{settings.dinas.singkatan}-{settings.dinas.kabupaten}".casefold()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60]


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


@dataclass(frozen=True)
class FileInfo:
    """A Drive file as the edge needs it.

    ``permissions`` are the drive#permission resources Drive gave with the file, None when it
    gave none: Drive never populates them for Shared Drive items (list them with
    :meth:`DriveFiles.permissions`). ``writers_can_share`` is None there too. ``permission_ids``
    are the ids of every permission on it, when Drive gave them.
    """

    id: str
    name: str
    mime_type: str
    trashed: bool
    created_time: str
    app_properties: Mapping[str, str]
    url: str
    drive_id: str | None = None
    writers_can_share: bool | None = None
    permissions: tuple[Mapping[str, Any], ...] | None = None
    permission_ids: frozenset[str] | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileInfo:
        """From a drive#file resource."""
        listed = data.get("permissions")
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
            url=str(url),
            drive_id=data.get("driveId"),
            writers_can_share=data.get("writersCanShare"),
            permissions=None if listed is None else tuple(dict(p) for p in listed),
            permission_ids=None if data.get("permissionIds") is None else frozenset(data["permissionIds"]),
        )


@dataclass(frozen=True)
class ShareOutcome:
    """What sharing a file did: permissions created, addresses invited by email, addresses refused."""

    created: int = 0
    invited: tuple[str, ...] = ()
    refused: Mapping[str, str] = field(default_factory=dict)


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
        """A new empty spreadsheet in ``parent`` (a folder or a Shared Drive) its writers cannot re-share."""
        body = {
            "name": name,
            "mimeType": SPREADSHEET_MIME,
            "parents": [parent],
            "appProperties": dict(props),
            # Editors may not share it on (a My Drive setting; in a Shared Drive, its own settings rule
            # and the poll removes what an editor added).
            "writersCanShare": False,
        }
        request = self.drive.files().create(body=body, fields=FILE_FIELDS, supportsAllDrives=True)
        info = FileInfo.from_json(self._run(request, f"membuat lembar kerja {name!r}"))
        logger.info("created spreadsheet %s (%s) in %s", info.id, name, parent)
        return info

    def forbid_resharing(self, file: FileInfo) -> FileInfo:
        """Set ``writersCanShare: false`` on a file made before the bot set it at creation."""
        request = self.drive.files().update(
            fileId=file.id, body={"writersCanShare": False}, fields=FILE_FIELDS, supportsAllDrives=True
        )
        return FileInfo.from_json(self._run(request, f"melarang editor membagikan ulang {file.name!r}"))

    def permissions(self, file: FileInfo) -> list[Mapping[str, Any]]:
        """Every permission on ``file``: as Drive gave them with it, else ``permissions.list`` (pages of 100)."""
        if file.permissions is not None:
            return list(file.permissions)
        found: list[Mapping[str, Any]] = []
        token: str | None = None
        while True:
            request = self.drive.permissions().list(
                fileId=file.id,
                supportsAllDrives=True,
                pageSize=100,
                fields=f"nextPageToken,permissions({PERMISSION_FIELDS})",
                **({"pageToken": token} if token else {}),
            )
            body = self._run(request, f"membaca daftar akses {file.name!r}")
            found += body.get("permissions", [])
            token = body.get("nextPageToken")
            if not token:
                return found

    def share(self, file: FileInfo, access: Mapping[str, str], existing: Iterable[Mapping[str, Any]]) -> ShareOutcome:
        """Give each address its role unless it has it (or more) already; one call per missing address.

        Drive refuses to share with an address that has no Google account without the notification
        email (400 ``invalidSharingRequest``); such an address is shared again with Google's
        invitation email and reported as invited. Any other refusal for one address (400, or 403
        such as a Shared Drive that admits only its domain) is reported and the others are shared
        all the same.
        """
        notify = self.settings.google.kirim_email_notifikasi
        has: dict[str, int] = {}
        for data in existing:
            info, _ = permission_info(data)
            if info.email:
                has[info.email] = max(has.get(info.email, 0), ROLE_RANK.get(info.role, 0))
        created, invited, refused = 0, [], {}
        for email, role in access.items():
            if has.get(email.lower(), 0) >= ROLE_RANK[role]:
                continue
            try:
                self._create_permission(file, email, role, notify)
            except (ApiRequestInvalid, AccessDenied) as err:
                if err.reason != "invalidSharingRequest" or notify:
                    refused[email] = str(err)
                    logger.warning("could not share %s with %s: %s", file.name, email, err)
                    continue
                try:
                    self._create_permission(file, email, role, True)
                except (ApiRequestInvalid, AccessDenied) as again:
                    refused[email] = str(again)
                    logger.warning("could not invite %s to %s: %s", email, file.name, again)
                    continue
                invited.append(email)
                logger.info("%s has no Google account: invited to %s by email", email, file.name)
            created += 1
        return ShareOutcome(created, tuple(invited), refused)

    def create_permission(self, file: FileInfo, email: str, role: str, notify: bool) -> None:
        """One permission for one address (``notify``: Google's notification email)."""
        self._create_permission(file, email, role, notify)

    def delete_or_trash(self, file: FileInfo) -> bool:
        """Delete ``file`` for good; where the bot may only trash it (a Shared Drive's content
        manager), move it to the trash. True when deleted, False when trashed."""
        try:
            self._run(self.drive.files().delete(fileId=file.id, supportsAllDrives=True), f"menghapus {file.name!r}")
        except AccessDenied:
            request = self.drive.files().update(
                fileId=file.id, body={"trashed": True}, fields="id", supportsAllDrives=True
            )
            self._run(request, f"memindahkan {file.name!r} ke tempat sampah")
            return False
        return True

    def _create_permission(self, file: FileInfo, email: str, role: str, notify: bool) -> None:
        request = self.drive.permissions().create(
            fileId=file.id,
            body={"type": "user", "role": role, "emailAddress": email},
            sendNotificationEmail=notify,
            supportsAllDrives=True,
            fields="id",
        )
        self._run(request, f"membagikan {file.name!r} ke {email}")

    def remove_permission(self, file_id: str, permission_id: str) -> bool:
        """Delete one permission (one already gone is fine); False when Drive does not let the bot."""
        request = self.drive.permissions().delete(fileId=file_id, permissionId=permission_id, supportsAllDrives=True)
        try:
            self._run(request, f"menghapus akses {permission_id} dari {file_id}")
        except NotFound:
            logger.info("permission %s of %s already gone", permission_id, file_id)
        except AccessDenied as err:
            logger.warning("may not remove permission %s of %s: %s", permission_id, file_id, err)
            return False
        return True

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
            f"appProperties,driveId,permissionIds,permissions({PERMISSION_FIELDS})))",
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
        body: dict[str, Any] = {
            "name": name,
            "parents": [parent],
            "appProperties": dict(props),
            "mimeType": mime,
            "writersCanShare": False,
        }
        if description:
            body["description"] = description
        request = self.drive.files().create(body=body, media_body=media, fields=FILE_FIELDS, supportsAllDrives=True)
        return FileInfo.from_json(self._run(request, f"mengunggah {name!r}"))

    def create_folder(self, name: str, parent: str, props: Mapping[str, str]) -> FileInfo:
        """A new folder in ``parent`` (a folder or a Shared Drive) its writers cannot re-share."""
        body = {
            "name": name,
            "mimeType": FOLDER_MIME,
            "parents": [parent],
            "appProperties": dict(props),
            "writersCanShare": False,
        }
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
