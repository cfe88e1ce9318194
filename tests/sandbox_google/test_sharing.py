"""Drive's sharing rules in the sandbox, as Google applies them, and their control switches:

- an address without a Google account (created through the control API) cannot be shared without
  the notification email (400 ``invalidSharingRequest``, Google's live message); with it, it can;
- ``File.permissions`` (and ``writersCanShare``) are not populated on Shared Drive items, whose
  permissions ``permissions.list`` gives in pages, a member's marked inherited;
- a writer cannot change a My Drive file's permissions once ``writersCanShare`` is false.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from googleapiclient.errors import HttpError

from sandbox.control import SandboxControl
from sandbox.google.clients import discovery_service
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
OWNER = "owner@dinas.test"
STAFF = "staf@dinas.test"
OUTSIDER = "tanpa.akun@contoh.test"


def _error(info: pytest.ExceptionInfo[HttpError]) -> tuple[int, str, str]:
    error = json.loads(info.value.content)["error"]
    return info.value.status_code, error["errors"][0]["reason"], error["message"]


def _share(drive: Any, file_id: str, email: str, role: str = "writer", **params: Any) -> dict[str, Any]:
    body = {"type": "user", "role": role, "emailAddress": email}
    return dict(drive.permissions().create(fileId=file_id, body=body, supportsAllDrives=True, **params).execute())


def _book(drive: Any, **body: Any) -> str:
    created = drive.files().create(body={"name": "Laporan", "mimeType": SHEET_MIME, **body}, fields="id").execute()
    return str(created["id"])


def test_an_address_without_a_google_account_needs_the_notification(sandbox: SandboxServer, drive: Any) -> None:
    book = _book(drive)
    with pytest.raises(HttpError) as refused:
        _share(drive, book, OUTSIDER, sendNotificationEmail=False)
    status, reason, message = _error(refused)
    assert (status, reason) == (400, "invalidSharingRequest")
    assert message == (
        f'Bad Request. User message: "You are trying to invite {OUTSIDER}. Since there is no Google account '
        'associated with this email address, you must check the Notify people box to invite this recipient."'
    )
    invited = _share(drive, book, OUTSIDER, sendNotificationEmail=True, fields="id,emailAddress,role")
    assert invited["emailAddress"] == OUTSIDER and invited["role"] == "writer"
    # the default of sendNotificationEmail is true: an invitation too
    _share(drive, book, "lain.tanpa.akun@contoh.test", role="reader")
    # once the address has a Google account, sharing without an email works
    person_token(sandbox.base_url, STAFF)
    _share(drive, book, STAFF, sendNotificationEmail=False)
    listed = drive.permissions().list(fileId=book, fields="permissions(emailAddress,role)").execute()["permissions"]
    assert {p.get("emailAddress") for p in listed} == {OWNER, OUTSIDER, "lain.tanpa.akun@contoh.test", STAFF}


@pytest.mark.parametrize("required", [True, False], ids=["google", "switched-off"])
def test_the_notification_rule_switches_and_reset_restores_it(
    sandbox: SandboxServer, drive: Any, required: bool
) -> None:
    control = SandboxControl(sandbox.base_url)
    rules = control.sharing(notify_required_without_account=required)
    assert rules["notify_required_without_account"] is required
    book = _book(drive)
    if required:
        with pytest.raises(HttpError):
            _share(drive, book, OUTSIDER, sendNotificationEmail=False)
    else:
        _share(drive, book, OUTSIDER, sendNotificationEmail=False)
    control.call("POST", "reset")
    assert control.call("GET", "google/sharing") == {
        "notify_required_without_account": True,
        "file_permissions_in_shared_drives": False,
        "enforce_writers_can_share": True,
    }


def test_sharing_control_refuses_unknown_rules_and_non_booleans(sandbox: SandboxServer) -> None:
    url = f"{sandbox.base_url}/_sandbox/google/sharing"
    assert requests.post(url, json={"no_such_rule": True}, timeout=5).status_code == 400
    assert requests.post(url, json={"enforce_writers_can_share": "yes"}, timeout=5).status_code == 400


@pytest.fixture
def drive_book(sandbox: SandboxServer) -> tuple[Any, str]:
    """A spreadsheet in a Shared Drive (the owner a manager, the staff a direct writer), as its manager."""
    control = SandboxControl(sandbox.base_url)
    control.call(
        "POST",
        "google/drives",
        {"id": "0ADRIVE", "name": "Kinerja", "members": [{"email": OWNER, "role": "organizer"}]},
    )
    person_token(sandbox.base_url, STAFF)
    manager = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, OWNER))
    book = (
        manager.files()
        .create(body={"name": "Laporan", "mimeType": SHEET_MIME, "parents": ["0ADRIVE"]}, supportsAllDrives=True)
        .execute()["id"]
    )
    _share(manager, book, STAFF, sendNotificationEmail=False)
    return manager, book


@pytest.mark.parametrize("populated", [False, True], ids=["google", "switched-on"])
def test_shared_drive_files_carry_no_permissions_list_them_instead(
    sandbox: SandboxServer, drive_book: tuple[Any, str], populated: bool
) -> None:
    manager, book = drive_book
    SandboxControl(sandbox.base_url).sharing(file_permissions_in_shared_drives=populated)
    fields = "id,driveId,permissions(emailAddress,role),writersCanShare,owners"
    got = manager.files().get(fileId=book, fields=fields, supportsAllDrives=True).execute()
    assert ("permissions" in got) is populated
    assert "writersCanShare" not in got and "owners" not in got  # not populated in shared drives
    listed = (
        manager.permissions()
        .list(fileId=book, supportsAllDrives=True, fields="permissions(emailAddress,role,permissionDetails)")
        .execute()["permissions"]
    )
    by_email = {p["emailAddress"]: p for p in listed}
    assert by_email[STAFF]["role"] == "writer"
    assert by_email[STAFF]["permissionDetails"][0]["inherited"] is False
    assert by_email[OWNER]["permissionDetails"][0] == {
        "permissionType": "member",
        "role": "organizer",
        "inherited": True,
        "inheritedFrom": "0ADRIVE",
    }
    with pytest.raises(HttpError) as hidden:  # a shared drive item needs supportsAllDrives
        manager.permissions().list(fileId=book).execute()
    assert hidden.value.status_code == 404


def test_permissions_list_pages_at_most_100(sandbox: SandboxServer, drive: Any) -> None:
    book = _book(drive)
    for n in range(5):
        _share(drive, book, f"orang{n}@contoh.test", role="reader")
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"pageToken": token} if token else {}
        body = (
            drive.permissions()
            .list(fileId=book, pageSize=2, fields="nextPageToken,permissions(id)", **params)
            .execute()
        )
        pages += 1
        seen += [p["id"] for p in body["permissions"]]
        token = body.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 6


@pytest.mark.parametrize("enforced", [True, False], ids=["google", "switched-off"])
def test_a_writer_cannot_reshare_when_writers_cannot_share(sandbox: SandboxServer, drive: Any, enforced: bool) -> None:
    SandboxControl(sandbox.base_url).sharing(enforce_writers_can_share=enforced)
    staff = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, STAFF))
    locked = _book(drive, writersCanShare=False)
    open_book = _book(drive)
    for book in (locked, open_book):
        _share(drive, book, STAFF, sendNotificationEmail=False)
    fields = "writersCanShare,capabilities(canShare,canEdit)"
    seen = staff.files().get(fileId=locked, fields=fields).execute()
    assert seen["writersCanShare"] is False
    assert seen["capabilities"] == {"canShare": not enforced, "canEdit": True}
    anyone = {"type": "anyone", "role": "reader"}
    if enforced:
        with pytest.raises(HttpError) as refused:
            staff.permissions().create(fileId=locked, body=anyone).execute()
        assert _error(refused)[:2] == (403, "insufficientFilePermissions")
        with pytest.raises(HttpError):  # nor turn the setting back on
            staff.files().update(fileId=locked, body={"writersCanShare": True}).execute()
    else:
        staff.permissions().create(fileId=locked, body=anyone).execute()
    staff.permissions().create(fileId=open_book, body=anyone).execute()  # writersCanShare true (default)
    # the owner may always share, and set the field later
    drive.files().update(fileId=open_book, body={"writersCanShare": False}).execute()
    assert drive.files().get(fileId=open_book, fields="writersCanShare").execute() == {"writersCanShare": False}
    with pytest.raises(HttpError) as bad:
        drive.files().update(fileId=open_book, body={"writersCanShare": "no"}).execute()
    assert bad.value.status_code == 400


def test_a_writer_of_a_shared_drive_item_can_share_it(sandbox: SandboxServer, drive_book: tuple[Any, str]) -> None:
    """``writersCanShare`` is not a Shared Drive setting: a direct writer shares (the product must notice)."""
    manager, book = drive_book
    staff = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, STAFF))
    staff.permissions().create(
        fileId=book, body={"type": "domain", "role": "reader", "domain": "contoh.test"}, supportsAllDrives=True
    ).execute()
    listed = (
        manager.permissions().list(fileId=book, supportsAllDrives=True, fields="permissions(type,domain)").execute()
    )
    assert {"type": "domain", "domain": "contoh.test"} in listed["permissions"]
