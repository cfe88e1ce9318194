"""``changes.list`` per account: what was lost (deleted or unshared) is reported as removed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.google.clients import discovery_service
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"
STAFF = "staf@dinas.test"
STRANGER = "lain@dinas.test"


def _drive_of(sandbox: SandboxServer, email: str) -> Any:
    return discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, email))


def _changes(service: Any, token: str) -> list[dict[str, Any]]:
    body = service.changes().list(pageToken=token, fields="changes(fileId,removed,file(id))").execute()
    return list(body["changes"])


def _unshare(drive: Any, file_id: str, email: str) -> None:
    perms = drive.permissions().list(fileId=file_id, fields="permissions(id,emailAddress)").execute()
    perm_id = next(p["id"] for p in perms["permissions"] if p.get("emailAddress") == email)
    drive.permissions().delete(fileId=file_id, permissionId=perm_id).execute()


def _delete(drive: Any, file_id: str, email: str) -> None:
    drive.files().delete(fileId=file_id).execute()


@pytest.mark.parametrize("lose", [_unshare, _delete], ids=["permission-deleted", "file-deleted"])
def test_a_file_the_caller_stops_seeing_is_listed_as_removed_to_that_caller_only(
    sandbox: SandboxServer, drive: Any, lose: Callable[[Any, str, str], None]
) -> None:
    book = drive.files().create(body={"name": "Laporan", "mimeType": SHEET_MIME}, fields="id").execute()["id"]
    never_shared = drive.files().create(body={"name": "Rahasia", "mimeType": SHEET_MIME}, fields="id").execute()["id"]
    staff, stranger = _drive_of(sandbox, STAFF), _drive_of(sandbox, STRANGER)
    drive.permissions().create(
        fileId=book, body={"type": "user", "role": "writer", "emailAddress": STAFF}, sendNotificationEmail=False
    ).execute()
    staff_token = staff.changes().getStartPageToken().execute()["startPageToken"]
    stranger_token = stranger.changes().getStartPageToken().execute()["startPageToken"]

    lose(drive, book, STAFF)
    drive.files().delete(fileId=never_shared).execute()

    assert _changes(staff, staff_token) == [{"fileId": book, "removed": True}]
    assert _changes(stranger, stranger_token) == []
    owner_view = _changes(drive, staff_token)
    expected_owner = {book: lose is _delete, never_shared: True}
    assert {c["fileId"]: c["removed"] for c in owner_view} == expected_owner


def test_unsharing_a_folder_reports_its_files_removed_and_sharing_it_back_lists_them(
    sandbox: SandboxServer, drive: Any
) -> None:
    folder = drive.files().create(body={"name": "Bidang", "mimeType": FOLDER_MIME}, fields="id").execute()["id"]
    inner = (
        drive.files()
        .create(body={"name": "Laporan", "mimeType": SHEET_MIME, "parents": [folder]}, fields="id")
        .execute()["id"]
    )
    staff = _drive_of(sandbox, STAFF)
    drive.permissions().create(
        fileId=folder, body={"type": "user", "role": "writer", "emailAddress": STAFF}, sendNotificationEmail=False
    ).execute()
    token = staff.changes().getStartPageToken().execute()["startPageToken"]
    _unshare(drive, folder, STAFF)
    assert sorted((c["fileId"], c["removed"]) for c in _changes(staff, token)) == sorted(
        [(folder, True), (inner, True)]
    )
    token = staff.changes().getStartPageToken().execute()["startPageToken"]
    drive.permissions().create(
        fileId=folder, body={"type": "user", "role": "reader", "emailAddress": STAFF}, sendNotificationEmail=False
    ).execute()
    again = _changes(staff, token)
    assert {c["fileId"]: c["removed"] for c in again} == {folder: False, inner: False}
