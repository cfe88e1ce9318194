"""Accounts and enforcement: service-account JWT flow, shared drives and quota, per-account
file access, protected ranges and strict data validation, each with Google's error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError

from sandbox.google.clients import discovery_service, gspread_client, service_account_credentials
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import BOT, person_token

SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
SHEET_MIME = "application/vnd.google-apps.spreadsheet"


def bot_credentials(sandbox: SandboxServer, tmp_path: Path) -> Any:
    key_file = tmp_path / "bot.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sandbox",
            "keygen",
            "--url",
            sandbox.base_url,
            "--email",
            BOT,
            "--out",
            str(key_file),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(key_file.read_text())["token_uri"] == f"{sandbox.base_url}/token"
    return service_account_credentials(str(key_file), SCOPES)


@pytest.fixture
def shared_drive(sandbox: SandboxServer) -> dict[str, Any]:
    """A shared drive where the bot is a content manager, with one bidang folder."""
    drive = requests.post(
        f"{sandbox.base_url}/_sandbox/google/drives",
        timeout=5,
        json={"id": "0ADRIVE", "name": "Kinerja", "members": [{"email": BOT, "role": "fileOrganizer"}]},
    ).json()
    folder = requests.post(
        f"{sandbox.base_url}/_sandbox/google/folders",
        timeout=5,
        json={
            "id": "folder-ptk",
            "name": "PTK",
            "owner": BOT,
            "drive_id": "0ADRIVE",
            "writers": ["staf.ptk@dinas.test"],
        },
    ).json()
    return {"drive": drive, "folder": folder}


def test_service_account_needs_a_shared_drive(
    sandbox: SandboxServer, tmp_path: Path, shared_drive: dict[str, Any]
) -> None:
    creds = bot_credentials(sandbox, tmp_path)
    drive = discovery_service(sandbox.base_url, "drive", creds)
    with pytest.raises(HttpError) as info:
        drive.files().create(body={"name": "x", "mimeType": SHEET_MIME}).execute()
    assert info.value.status_code == 403
    assert json.loads(info.value.content)["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
    with pytest.raises(HttpError) as hidden:  # a shared drive parent needs supportsAllDrives
        drive.files().create(body={"name": "x", "mimeType": SHEET_MIME, "parents": ["folder-ptk"]}).execute()
    assert hidden.value.status_code == 404
    book = (
        drive.files()
        .create(
            body={"name": "Laporan", "mimeType": SHEET_MIME, "parents": ["folder-ptk"]},
            supportsAllDrives=True,
            fields="id,driveId,parents",
        )
        .execute()
    )
    assert book["driveId"] == "0ADRIVE" and book["parents"] == ["folder-ptk"]
    listed = (
        drive.files()
        .list(
            corpora="drive",
            driveId="0ADRIVE",
            includeItemsFromAllDrives=True,
            supportsAllDrives=True,
            q=f"mimeType = '{SHEET_MIME}'",
            fields="files(id)",
        )
        .execute()
    )
    assert listed["files"] == [{"id": book["id"]}]
    assert drive.drives().list().execute()["drives"][0]["id"] == "0ADRIVE"
    stats = requests.get(f"{sandbox.base_url}/_sandbox/stats", timeout=5).json()["google"]["methods"]
    assert stats["oauth2.token"] >= 1 and stats["drive.files.create"] == 3


def test_person_sees_only_what_is_shared(sandbox: SandboxServer, gc: gspread.Client) -> None:
    mine = gc.create("Laporan PTK")
    other = gc.create("Laporan LAT")
    staff = gspread_client(sandbox.base_url, person_token(sandbox.base_url, "staf.ptk@dinas.test"))
    reader = gspread_client(sandbox.base_url, person_token(sandbox.base_url, "pembaca@dinas.test"))
    mine.share("staf.ptk@dinas.test", perm_type="user", role="writer", notify=False)
    other.share("pembaca@dinas.test", perm_type="user", role="reader", notify=False)
    assert [s.id for s in staff.openall()] == [mine.id]
    with pytest.raises(PermissionError) as denied:
        staff.open_by_key(other.id)
    cause = denied.value.__cause__
    assert isinstance(cause, gspread.exceptions.APIError)
    assert cause.response.status_code == 403
    assert cause.response.json()["error"]["message"] == "The caller does not have permission"
    sheet = reader.open_by_key(other.id).sheet1
    with pytest.raises(gspread.exceptions.APIError) as read_only:
        sheet.update([["x"]], "A1")
    assert read_only.value.response.status_code == 403
    staff_drive = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, "staf.ptk@dinas.test"))
    with pytest.raises(HttpError) as not_found:
        staff_drive.files().get(fileId=other.id).execute()
    assert not_found.value.status_code == 404


def test_protected_ranges_and_strict_validation(
    sandbox: SandboxServer, tmp_path: Path, shared_drive: dict[str, Any]
) -> None:
    creds = bot_credentials(sandbox, tmp_path)
    drive = discovery_service(sandbox.base_url, "drive", creds)
    sheets = discovery_service(sandbox.base_url, "sheets", creds)
    sid = (
        drive.files()
        .create(
            body={"name": "Laporan", "mimeType": SHEET_MIME, "parents": ["folder-ptk"]},
            supportsAllDrives=True,
        )
        .execute()["id"]
    )
    reply = (
        sheets.spreadsheets()
        .batchUpdate(
            spreadsheetId=sid,
            body={
                "requests": [
                    {
                        "addProtectedRange": {
                            "protectedRange": {
                                "range": {"sheetId": 0},
                                "description": "dikunci",
                                "unprotectedRanges": [
                                    {
                                        "sheetId": 0,
                                        "startRowIndex": 1,
                                        "endRowIndex": 10,
                                        "startColumnIndex": 1,
                                        "endColumnIndex": 3,
                                    }
                                ],
                                "editors": {"users": []},
                            }
                        }
                    },
                    {
                        "setDataValidation": {
                            "range": {
                                "sheetId": 0,
                                "startRowIndex": 1,
                                "endRowIndex": 10,
                                "startColumnIndex": 1,
                                "endColumnIndex": 2,
                            },
                            "rule": {
                                "condition": {
                                    "type": "NUMBER_GREATER_THAN_EQ",
                                    "values": [{"userEnteredValue": "0"}],
                                },
                                "strict": True,
                            },
                        }
                    },
                ]
            },
        )
        .execute()
    )
    pr_id = reply["replies"][0]["addProtectedRange"]["protectedRange"]["protectedRangeId"]
    book = sheets.spreadsheets().get(spreadsheetId=sid, fields="sheets.protectedRanges").execute()
    assert book["sheets"][0]["protectedRanges"][0]["editors"] == {"users": [BOT]}
    # the bot edits its own protection
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW", body={"values": [["Judul"]]}
    ).execute()
    staff = gspread_client(sandbox.base_url, person_token(sandbox.base_url, "staf.ptk@dinas.test")).open_by_key(sid)
    ws = staff.sheet1
    ws.update([["12"]], "B2", value_input_option="USER_ENTERED")
    with pytest.raises(gspread.exceptions.APIError) as protected:
        ws.update([["x"]], "A1")
    error = protected.value.response.json()["error"]
    assert protected.value.response.status_code == 400
    assert error["message"].startswith("You are trying to edit a protected cell or object.")
    with pytest.raises(gspread.exceptions.APIError) as invalid:
        ws.update([["-5"]], "B3", value_input_option="USER_ENTERED")
    assert invalid.value.response.status_code == 400
    assert invalid.value.response.json()["error"] == {
        "code": 400,
        "message": "The data you entered in cell B3 violates the data validation rules set on this cell.",
        "status": "INVALID_ARGUMENT",
    }
    with pytest.raises(gspread.exceptions.APIError) as not_editor:
        staff.batch_update({"requests": [{"deleteProtectedRange": {"protectedRangeId": pr_id}}]})
    assert not_editor.value.response.status_code == 400
    assert not_editor.value.response.json()["error"]["message"].startswith(
        "Invalid requests[0].deleteProtectedRange: You are trying to edit a protected cell or object."
    )
    assert ws.get("A1:B3", value_render_option="UNFORMATTED_VALUE") == [["Judul"], ["", 12]]


def test_token_endpoint_rejects_garbage(sandbox: SandboxServer) -> None:
    response = requests.post(
        f"{sandbox.base_url}/token",
        timeout=5,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x.y"},
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_oauth_refresh_token_flow(sandbox: SandboxServer) -> None:
    from google.oauth2.credentials import Credentials

    account = requests.post(
        f"{sandbox.base_url}/_sandbox/google/accounts", json={"email": "admin@dinas.test"}, timeout=5
    ).json()
    creds = Credentials(
        None,
        refresh_token=account["refresh_token"],
        token_uri=f"{sandbox.base_url}/token",
        client_id="sandbox",
        client_secret="sandbox",
    )
    book = gspread_client(sandbox.base_url, creds).create("Milik admin")
    files = requests.get(f"{sandbox.base_url}/_sandbox/google/files", timeout=5).json()["files"]
    assert [(f["id"], f["owner"]) for f in files] == [(book.id, "admin@dinas.test")]


@pytest.mark.parametrize(
    ("status", "google_status"),
    [(429, "RESOURCE_EXHAUSTED"), (500, "INTERNAL"), (503, "UNAVAILABLE")],
    ids=["429", "500", "503"],
)
def test_injected_faults_answer_google_errors(
    sandbox: SandboxServer, gc: gspread.Client, status: int, google_status: str
) -> None:
    book = gc.create("fault")
    requests.post(
        f"{sandbox.base_url}/_sandbox/faults",
        timeout=5,
        json={
            "service": "google",
            "status": status,
            "count": 1,
            "method": "sheets.spreadsheets.values.batchGet",
        },
    )
    with pytest.raises(gspread.exceptions.APIError) as info:
        book.values_batch_get(["Sheet1!A1"])
    assert info.value.response.json()["error"]["status"] == google_status
    assert book.values_batch_get(["Sheet1!A1"])["valueRanges"][0]["range"] == "Sheet1!A1"
    stats = requests.get(f"{sandbox.base_url}/_sandbox/stats", timeout=5).json()["google"]
    assert stats["methods"]["sheets.spreadsheets.values.batchGet"] == 2 and stats["faults_injected"] == 1


def test_control_folder_with_exact_id_and_writers(sandbox: SandboxServer, drive: Any) -> None:
    requests.post(
        f"{sandbox.base_url}/_sandbox/google/folders",
        timeout=5,
        json={
            "id": "root-folder",
            "name": "Kinerja",
            "owner": "owner@dinas.test",
            "writers": ["kasubbag@dinas.test"],
        },
    )
    created = (
        drive.files()
        .create(body={"name": "Laporan", "mimeType": SHEET_MIME, "parents": ["root-folder"]}, fields="id")
        .execute()
    )
    kasubbag = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, "kasubbag@dinas.test"))
    assert kasubbag.files().get(fileId=created["id"], fields="id,capabilities(canEdit)").execute() == {
        "id": created["id"],
        "capabilities": {"canEdit": True},
    }


def test_protected_cell_inside_a_values_batch_names_the_item(sandbox: SandboxServer, gc: gspread.Client) -> None:
    book = gc.create("Laporan")
    book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "editors": {"users": ["owner@dinas.test"]},
                        }
                    }
                }
            ]
        }
    )
    staff_client = gspread_client(sandbox.base_url, person_token(sandbox.base_url, "staf@dinas.test"))
    book.share("staf@dinas.test", perm_type="user", role="writer", notify=False)
    staff = staff_client.open_by_key(book.id)
    with pytest.raises(gspread.exceptions.APIError) as info:
        staff.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [{"range": "A2", "values": [["ok"]]}, {"range": "A1", "values": [["x"]]}],
            }
        )
    assert info.value.response.status_code == 400
    assert info.value.response.json()["error"]["message"].startswith(
        "Invalid data[1]: You are trying to edit a protected cell or object."
    )
    assert "values" not in book.values_get("Sheet1!A1:A2")  # the batch is all or nothing
