"""Drive uploads (media, multipart, resumable) and the Drive batch endpoint, driven by real
googleapiclient as the product uses them: exported PDF/xlsx files put into an archive folder."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload, MediaIoBaseUpload

from sandbox.google.clients import discovery_service
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token
from tests.sandbox_google.test_enforcement import bot_credentials, shared_drive  # noqa: F401 (fixture)

FOLDER_MIME = "application/vnd.google-apps.folder"
PDF_MIME = "application/pdf"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _archive(drive: Any) -> str:
    return drive.files().create(body={"name": "Arsip Kinerja", "mimeType": FOLDER_MIME}, fields="id").execute()["id"]


def _media(kind: str, data: bytes, mimetype: str, resumable: bool, chunksize: int = -1) -> Any:
    if kind == "io":
        return MediaIoBaseUpload(io.BytesIO(data), mimetype=mimetype, resumable=resumable, chunksize=chunksize)
    return MediaInMemoryUpload(data, mimetype=mimetype, resumable=resumable, chunksize=chunksize)


@pytest.mark.parametrize("resumable", [False, True], ids=["multipart", "resumable"])
@pytest.mark.parametrize("kind", ["io", "memory"], ids=["MediaIoBaseUpload", "MediaInMemoryUpload"])
def test_upload_pdf_into_archive_folder(drive: Any, sandbox: SandboxServer, kind: str, resumable: bool) -> None:
    folder = _archive(drive)
    created = (
        drive.files()
        .create(
            body={"name": "Laporan TW I.pdf", "parents": [folder], "appProperties": {"tw": "1"}},
            media_body=_media(kind, PDF_BYTES, PDF_MIME, resumable),
            fields="id,name,mimeType,parents,size,md5Checksum,appProperties",
        )
        .execute()
    )
    assert created["name"] == "Laporan TW I.pdf" and created["mimeType"] == PDF_MIME
    assert created["parents"] == [folder] and created["appProperties"] == {"tw": "1"}
    assert created["size"] == str(len(PDF_BYTES))
    assert created["md5Checksum"] == hashlib.md5(PDF_BYTES).hexdigest()
    assert drive.files().get_media(fileId=created["id"]).execute() == PDF_BYTES
    listed = drive.files().list(q=f"'{folder}' in parents and mimeType = '{PDF_MIME}'", fields="files(id)").execute()
    assert listed["files"] == [{"id": created["id"]}]
    stats = requests.get(f"{sandbox.base_url}/_sandbox/stats", timeout=5).json()["google"]["methods"]
    # a resumable upload is two requests (session, then content), both counted as files.create
    assert stats["drive.files.create"] == (3 if resumable else 2)


@pytest.mark.parametrize("kind", ["io", "memory"], ids=["MediaIoBaseUpload", "MediaInMemoryUpload"])
def test_resumable_upload_in_chunks_keeps_every_byte(drive: Any, kind: str) -> None:
    data = bytes(range(256)) * 2600  # 665,600 bytes: two full 256 KiB chunks and a short one
    request = drive.files().create(
        body={"name": "Arsip.xlsx"},
        media_body=_media(kind, data, XLSX_MIME, resumable=True, chunksize=256 * 1024),
        fields="id,size,md5Checksum,mimeType",
    )
    progress, done = [], None
    while done is None:
        status, done = request.next_chunk()
        if status is not None:
            progress.append(status.resumable_progress)
    assert progress == [256 * 1024, 512 * 1024]
    assert done["size"] == str(len(data)) and done["md5Checksum"] == hashlib.md5(data).hexdigest()
    assert done["mimeType"] == XLSX_MIME
    assert drive.files().get_media(fileId=done["id"]).execute() == data


def test_exported_workbook_uploaded_to_archive_opens_in_openpyxl(drive: Any, gc: Any) -> None:
    book = gc.create("Laporan Kinerja 2025")
    book.sheet1.update([["Kode", "Capaian"], ["PTK-01", 87.5]], "A1")
    exported = drive.files().export(fileId=book.id, mimeType=XLSX_MIME).execute()
    folder = _archive(drive)
    archived = (
        drive.files()
        .create(
            body={"name": "Laporan Kinerja 2025.xlsx", "parents": [folder]},
            media_body=MediaIoBaseUpload(io.BytesIO(exported), mimetype=XLSX_MIME, resumable=True),
            fields="id",
        )
        .execute()
    )
    workbook = openpyxl.load_workbook(io.BytesIO(drive.files().get_media(fileId=archived["id"]).execute()))
    assert [[c.value for c in row] for row in workbook.active.iter_rows()] == [["Kode", "Capaian"], ["PTK-01", 87.5]]


@pytest.mark.parametrize("resumable", [False, True], ids=["multipart", "resumable"])
def test_update_content_and_metadata_together(drive: Any, resumable: bool) -> None:
    first = (
        drive.files()
        .create(body={"name": "draft.pdf"}, media_body=_media("memory", b"%PDF-old", PDF_MIME, False), fields="id")
        .execute()
    )
    updated = (
        drive.files()
        .update(
            fileId=first["id"],
            body={"name": "final.pdf", "appProperties": {"status": "final"}},
            media_body=_media("memory", PDF_BYTES, PDF_MIME, resumable),
            fields="id,name,size,appProperties",
        )
        .execute()
    )
    assert updated == {
        "id": first["id"],
        "name": "final.pdf",
        "size": str(len(PDF_BYTES)),
        "appProperties": {"status": "final"},
    }
    assert drive.files().get_media(fileId=first["id"]).execute() == PDF_BYTES


def test_media_only_upload_is_named_untitled(drive: Any) -> None:
    created = (
        drive.files().create(media_body=_media("memory", b"abc", "text/csv", False), fields="name,mimeType").execute()
    )
    assert created == {"name": "Untitled", "mimeType": "text/csv"}


def test_resumable_session_status_query_and_resume(sandbox: SandboxServer, owner_token: str) -> None:
    headers = {"Authorization": f"Bearer {owner_token}"}
    start = requests.post(
        f"{sandbox.base_url}/upload/drive/v3/files?uploadType=resumable&fields=id,size",
        json={"name": "big.pdf"},
        headers={**headers, "X-Upload-Content-Type": PDF_MIME, "X-Upload-Content-Length": str(300 * 1024)},
        timeout=5,
    )
    assert start.status_code == 200
    session = start.headers["Location"]
    data = b"x" * (300 * 1024)
    empty = requests.put(session, headers={**headers, "Content-Range": f"bytes */{len(data)}"}, timeout=5)
    assert empty.status_code == 308 and "Range" not in empty.headers
    chunk = requests.put(
        session, data=data[: 256 * 1024], headers={**headers, "Content-Range": f"bytes 0-{256 * 1024 - 1}/*"}, timeout=5
    )
    assert chunk.status_code == 308 and chunk.headers["Range"] == f"bytes=0-{256 * 1024 - 1}"
    status = requests.put(session, headers={**headers, "Content-Range": f"bytes */{len(data)}"}, timeout=5)
    assert status.status_code == 308 and status.headers["Range"] == f"bytes=0-{256 * 1024 - 1}"
    rest = requests.put(
        session,
        data=data[256 * 1024 :],
        headers={**headers, "Content-Range": f"bytes {256 * 1024}-{len(data) - 1}/{len(data)}"},
        timeout=5,
    )
    assert rest.status_code == 200 and rest.json()["size"] == str(len(data))
    gone = requests.put(session, headers={**headers, "Content-Range": f"bytes */{len(data)}"}, timeout=5)
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("content_range", "body"),
    [("bytes 0-9/100", b"short"), ("bytes 0-99/*", b"y" * 100), ("chunks 1-2", b"zz")],
    ids=["length-mismatch", "unaligned-chunk", "garbage-header"],
)
def test_bad_chunks_are_400(sandbox: SandboxServer, owner_token: str, content_range: str, body: bytes) -> None:
    headers = {"Authorization": f"Bearer {owner_token}"}
    start = requests.post(
        f"{sandbox.base_url}/upload/drive/v3/files?uploadType=resumable", json={"name": "x"}, headers=headers, timeout=5
    )
    answer = requests.put(
        start.headers["Location"], data=body, headers={**headers, "Content-Range": content_range}, timeout=5
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 400


def test_service_account_upload_needs_a_shared_drive(
    sandbox: SandboxServer,
    tmp_path: Path,
    shared_drive: dict[str, Any],  # noqa: F811
) -> None:
    drive = discovery_service(sandbox.base_url, "drive", bot_credentials(sandbox, tmp_path))
    for resumable in (False, True):
        with pytest.raises(HttpError) as info:
            drive.files().create(
                body={"name": "a.pdf"}, media_body=_media("memory", PDF_BYTES, PDF_MIME, resumable)
            ).execute()
        assert info.value.status_code == 403
        assert json.loads(info.value.content)["error"]["errors"][0]["reason"] == "storageQuotaExceeded"
    archived = (
        drive.files()
        .create(
            body={"name": "a.pdf", "parents": ["folder-ptk"]},
            media_body=_media("io", PDF_BYTES, PDF_MIME, True),
            supportsAllDrives=True,
            fields="driveId,parents,size",
        )
        .execute()
    )
    assert archived == {"driveId": "0ADRIVE", "parents": ["folder-ptk"], "size": str(len(PDF_BYTES))}


def test_reader_cannot_upload_into_a_folder(sandbox: SandboxServer, drive: Any) -> None:
    folder = _archive(drive)
    drive.permissions().create(
        fileId=folder, body={"type": "user", "role": "reader", "emailAddress": "staf@dinas.test"}
    ).execute()
    staf = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, "staf@dinas.test"))
    with pytest.raises(HttpError) as info:
        staf.files().create(
            body={"name": "x.pdf", "parents": [folder]}, media_body=_media("memory", PDF_BYTES, PDF_MIME, True)
        ).execute()
    assert info.value.status_code == 403


def test_batch_runs_each_part_with_its_own_answer(drive: Any, sandbox: SandboxServer) -> None:
    folder = _archive(drive)
    person_token(sandbox.base_url, "kepala@dinas.test")  # a Google account: shared without an email
    answers: dict[str, tuple[Any, int | None]] = {}

    def collect(request_id: str, response: Any, error: HttpError | None) -> None:
        answers[request_id] = (response, error.status_code if error else None)

    batch = drive.new_batch_http_request(callback=collect)
    batch.add(drive.files().get(fileId=folder, fields="id,name"), request_id="get")
    batch.add(drive.files().get(fileId="no-such-file"), request_id="missing")
    batch.add(
        drive.permissions().create(
            fileId=folder,
            body={"type": "user", "role": "reader", "emailAddress": "kepala@dinas.test"},
            sendNotificationEmail=False,
            fields="role,emailAddress",
        ),
        request_id="share",
    )
    batch.add(
        drive.files().create(body={"name": "Sub", "mimeType": FOLDER_MIME, "parents": [folder]}, fields="parents"),
        request_id="mkdir",
    )
    batch.add(drive.files().list(q=f"'{folder}' in parents", fields="files(name)"), request_id="list")
    batch.execute()
    assert answers == {
        "get": ({"id": folder, "name": "Arsip Kinerja"}, None),
        "missing": (None, 404),
        "share": ({"role": "reader", "emailAddress": "kepala@dinas.test"}, None),
        "mkdir": ({"parents": [folder]}, None),
        "list": ({"files": [{"name": "Sub"}]}, None),
    }
    stats = requests.get(f"{sandbox.base_url}/_sandbox/stats", timeout=5).json()["google"]["methods"]
    assert stats["drive.files.get"] == 2 and stats["drive.permissions.create"] == 1


def test_batch_parts_are_authenticated_one_by_one(sandbox: SandboxServer, owner_token: str) -> None:
    def part(n: int, auth: str | None) -> str:
        head = (
            f"--B\r\nContent-Type: application/http\r\nContent-ID: <item{n}>\r\n\r\n"
            "GET /drive/v3/files?fields=files(id) HTTP/1.1\r\n"
        )
        return head + (f"Authorization: Bearer {auth}\r\n" if auth else "") + "\r\n\r\n"

    body = part(1, owner_token) + part(2, "not-a-token") + "--B--\r\n"
    answer = requests.post(
        f"{sandbox.base_url}/batch/drive/v3",
        data=body.encode(),
        headers={"Content-Type": "multipart/mixed; boundary=B"},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("multipart/mixed")
    text = answer.text
    assert "Content-ID: <response-item1>" in text and "Content-ID: <response-item2>" in text
    first, second = text.split("Content-ID: <response-item2>")
    assert "HTTP/1.1 200 OK" in first and "HTTP/1.1 401 Unauthorized" in second


def test_batch_that_is_not_multipart_is_400(sandbox: SandboxServer, owner_token: str) -> None:
    answer = requests.post(
        f"{sandbox.base_url}/batch/drive/v3",
        data=b"{}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {owner_token}"},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == 400
