"""The product's Drive and Sheets surface, driven by real gspread and googleapiclient."""

from __future__ import annotations

import io
import time
from typing import Any

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError

from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token

SHEET_MIME = "application/vnd.google-apps.spreadsheet"
FOLDER_MIME = "application/vnd.google-apps.folder"


def test_create_folder_and_spreadsheet_then_list_by_query(drive: Any) -> None:
    folder = drive.files().create(body={"name": "Bidang PTK", "mimeType": FOLDER_MIME}, fields="id").execute()
    book = (
        drive.files()
        .create(
            body={
                "name": "Laporan Kinerja 2025 - PTK",
                "mimeType": SHEET_MIME,
                "parents": [folder["id"]],
                "appProperties": {"dinas": "disnaker", "bidang": "PTK", "tahun": "2025"},
            },
            fields="id,name,parents,appProperties",
        )
        .execute()
    )
    assert book["parents"] == [folder["id"]]
    drive.files().create(body={"name": "other", "mimeType": SHEET_MIME}).execute()
    found = (
        drive.files()
        .list(
            q=f"'{folder['id']}' in parents and mimeType = '{SHEET_MIME}' and trashed = false and "
            "appProperties has { key='bidang' and value='PTK' }",
            fields="files(id,name,appProperties)",
        )
        .execute()["files"]
    )
    assert [f["id"] for f in found] == [book["id"]]
    none = drive.files().list(q="appProperties has { key='bidang' and value='LAT' } or name = 'x'").execute()
    assert none["files"] == []


@pytest.mark.parametrize(
    ("locale", "typed", "unformatted", "formatted"),
    [
        ("id_ID", "1.234,5", 1234.5, "1.234,50"),
        ("id_ID", "1234,5", 1234.5, "1234,5"),
        ("id_ID", "75%", 0.75, "75%"),
        ("id_ID", "75 %", 0.75, "75%"),
        ("en_US", "1.234,5", "1.234,5", "1.234,5"),
        ("en_US", "2,000,000.01", 2000000.01, "2,000,000.01"),
        ("en_US", "=1/1024", 0.0009765625, "0.0009765625"),
        ("en_US", "'0012", "0012", "0012"),
        ("en_US", "TRUE", True, "TRUE"),
        ("en_US", "=1/0", "#DIV/0!", "#DIV/0!"),
        ("en_US", "=FOO(1)", "#NAME?", "#NAME?"),
        ("en_US", "2020-01-01", 43831, "2020-01-01"),
    ],
    ids=[
        "id-grouped",
        "id-comma",
        "id-percent",
        "id-percent-space",
        "en-keeps-text",
        "en-grouped",
        "formula",
        "apostrophe",
        "bool",
        "div0",
        "unknown-function",
        "iso-date",
    ],
)
def test_user_entered_parses_by_locale(sheets: Any, locale: str, typed: str, unformatted: Any, formatted: str) -> None:
    book = sheets.spreadsheets().create(body={"properties": {"title": "t", "locale": locale}}).execute()
    # Google reads Indonesian back as in_ID (its legacy code) by default (sandbox.google.limits)
    assert book["properties"]["locale"] == {"id_ID": "in_ID"}.get(locale, locale)
    sid = book["spreadsheetId"]
    values = sheets.spreadsheets().values()
    values.update(
        spreadsheetId=sid, range="Sheet1!A1", valueInputOption="USER_ENTERED", body={"values": [[typed]]}
    ).execute()
    raw = values.get(spreadsheetId=sid, range="A1", valueRenderOption="UNFORMATTED_VALUE").execute()
    shown = values.get(spreadsheetId=sid, range="A1").execute()
    assert raw["values"] == [[unformatted]]
    assert shown["values"] == [[formatted]]


def test_percent_gets_percent_format_and_formulas_compute(gc: gspread.Client) -> None:
    book = gc.create("Rumus")
    book.update_locale("id_ID")
    ws = book.sheet1
    ws.update([["10", "20", "=SUM(A1:B1)", "=A1*B1+1", "=C1/A1", "75%"]], "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:F1", value_render_option="UNFORMATTED_VALUE") == [[10, 20, 30, 201, 3, 0.75]]
    assert ws.get("C1:D1", value_render_option="FORMULA") == [["=SUM(A1:B1)", "=A1*B1+1"]]
    data = book.fetch_sheet_metadata({"ranges": "Sheet1!F1", "fields": "sheets.data.rowData.values.userEnteredFormat"})
    cell = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["userEnteredFormat"]["numberFormat"]["type"] == "PERCENT"
    ws.update([["5"]], "A1", value_input_option="USER_ENTERED")
    assert ws.get("C1", value_render_option="UNFORMATTED_VALUE") == [[25]]


def test_values_roundtrip_options(sheets: Any) -> None:
    sid = sheets.spreadsheets().create(body={"properties": {"title": "v"}}).execute()["spreadsheetId"]
    values = sheets.spreadsheets().values()
    result = values.batchUpdate(
        spreadsheetId=sid,
        body={
            "valueInputOption": "RAW",
            "data": [
                {"range": "Sheet1!A1:B2", "values": [["a", 1], ["=1+1", True]]},
                {"range": "Sheet1!D1", "majorDimension": "COLUMNS", "values": [["x", "y"]]},
            ],
        },
    ).execute()
    assert result["totalUpdatedCells"] == 6
    got = values.batchGet(
        spreadsheetId=sid,
        ranges=["Sheet1!A1:B2", "Sheet1!D1:D2"],
        valueRenderOption="UNFORMATTED_VALUE",
        majorDimension="COLUMNS",
    ).execute()
    assert got["valueRanges"][0]["values"] == [["a", "=1+1"], [1, True]]
    assert got["valueRanges"][1]["values"] == [["x", "y"]]
    appended = values.append(
        spreadsheetId=sid, range="Sheet1!A1", valueInputOption="RAW", body={"values": [["b", 2]]}
    ).execute()
    assert appended["tableRange"] == "Sheet1!A1:B2"
    assert appended["updates"]["updatedRange"] == "Sheet1!A3:B3"
    values.batchClear(spreadsheetId=sid, body={"ranges": ["Sheet1!A1:A3"]}).execute()
    assert values.get(spreadsheetId=sid, range="Sheet1!A1:B3").execute()["values"] == [
        ["", "1"],
        ["", "TRUE"],
        ["", "2"],
    ]


@pytest.mark.parametrize(
    ("rng", "message"),
    [("Nope!A1", "Unable to parse range: Nope!A1"), ("Sheet1!AA1", "exceeds grid limits")],
    ids=["unknown-sheet", "beyond-grid"],
)
def test_bad_ranges_are_google_400(sheets: Any, rng: str, message: str) -> None:
    sid = sheets.spreadsheets().create(body={"properties": {"title": "r"}}).execute()["spreadsheetId"]
    with pytest.raises(HttpError) as info:
        sheets.spreadsheets().values().update(
            spreadsheetId=sid, range=rng, valueInputOption="RAW", body={"values": [["x"]]}
        ).execute()
    assert info.value.status_code == 400
    assert message in info.value.error_details or message in str(info.value)


def test_batch_update_replies_and_unsupported_kind(sheets: Any) -> None:
    sid = sheets.spreadsheets().create(body={"properties": {"title": "b"}}).execute()["spreadsheetId"]
    reply = (
        sheets.spreadsheets()
        .batchUpdate(
            spreadsheetId=sid,
            body={
                "requests": [
                    {
                        "addSheet": {
                            "properties": {
                                "title": "Ringkasan",
                                "gridProperties": {"rowCount": 50, "columnCount": 8},
                            }
                        }
                    },
                    {
                        "addProtectedRange": {
                            "protectedRange": {
                                "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                                "description": "header",
                            }
                        }
                    },
                    {
                        "addChart": {
                            "chart": {
                                "spec": {"title": "Capaian", "basicChart": {"chartType": "COLUMN"}},
                                "position": {"overlayPosition": {"anchorCell": {"sheetId": 0}}},
                            }
                        }
                    },
                    {
                        "setDataValidation": {
                            "range": {
                                "sheetId": 0,
                                "startRowIndex": 1,
                                "endRowIndex": 5,
                                "startColumnIndex": 1,
                                "endColumnIndex": 2,
                            },
                            "rule": {
                                "condition": {
                                    "type": "ONE_OF_LIST",
                                    "values": [
                                        {"userEnteredValue": "Draft"},
                                        {"userEnteredValue": "Siap Dikoreksi"},
                                    ],
                                },
                                "strict": True,
                                "showCustomUi": True,
                            },
                        }
                    },
                    {
                        "repeatCell": {
                            "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                            "fields": "userEnteredFormat.textFormat.bold",
                        }
                    },
                    {
                        "mergeCells": {
                            "range": {
                                "sheetId": 0,
                                "startRowIndex": 10,
                                "endRowIndex": 11,
                                "startColumnIndex": 0,
                                "endColumnIndex": 3,
                            },
                            "mergeType": "MERGE_ALL",
                        }
                    },
                    {
                        "updateDimensionProperties": {
                            "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                            "properties": {"pixelSize": 200},
                            "fields": "pixelSize",
                        }
                    },
                    {
                        "autoResizeDimensions": {
                            "dimensions": {
                                "sheetId": 0,
                                "dimension": "COLUMNS",
                                "startIndex": 1,
                                "endIndex": 3,
                            }
                        }
                    },
                    {
                        "addConditionalFormatRule": {
                            "rule": {
                                "ranges": [{"sheetId": 0, "startColumnIndex": 4, "endColumnIndex": 5}],
                                "booleanRule": {
                                    "condition": {
                                        "type": "TEXT_EQ",
                                        "values": [{"userEnteredValue": "Sangat Tinggi"}],
                                    },
                                    "format": {"backgroundColor": {"green": 0.8}},
                                },
                            },
                            "index": 0,
                        }
                    },
                    {"updateSpreadsheetProperties": {"properties": {"locale": "id_ID"}, "fields": "locale"}},
                ]
            },
        )
        .execute()
    )
    replies = reply["replies"]
    assert replies[0]["addSheet"]["properties"]["title"] == "Ringkasan"
    assert isinstance(replies[1]["addProtectedRange"]["protectedRange"]["protectedRangeId"], int)
    assert isinstance(replies[2]["addChart"]["chart"]["chartId"], int)
    assert all(r == {} for r in replies[3:])
    book = (
        sheets.spreadsheets()
        .get(spreadsheetId=sid, fields="properties.locale,sheets(properties.title,merges,charts.chartId)")
        .execute()
    )
    assert book["properties"] == {"locale": "in_ID"}  # id_ID is taken and read back as Google names it
    assert [s["properties"]["title"] for s in book["sheets"]] == ["Sheet1", "Ringkasan"]
    with pytest.raises(HttpError) as info:
        sheets.spreadsheets().batchUpdate(
            spreadsheetId=sid,
            body={"requests": [{"addSheet": {"properties": {"title": "rolled back"}}}, {"sortRange": {}}]},
        ).execute()
    assert info.value.status_code == 501 and "sortRange" in str(info.value)
    titles = [s["properties"]["title"] for s in sheets.spreadsheets().get(spreadsheetId=sid).execute()["sheets"]]
    assert "rolled back" not in titles


def test_get_with_grid_data_and_nested_fields(gc: gspread.Client, sheets: Any) -> None:
    book = gc.create("grid")
    book.sheet1.update([["a", "b"], ["1", "2"]], "A1")
    full = sheets.spreadsheets().get(spreadsheetId=book.id, ranges=["Sheet1!A1:B2"], includeGridData=True).execute()
    rows = full["sheets"][0]["data"][0]["rowData"]
    assert rows[1]["values"][0]["effectiveValue"] == {"stringValue": "1"}
    masked = (
        sheets.spreadsheets()
        .get(spreadsheetId=book.id, fields="sheets(properties(title,gridProperties.rowCount))")
        .execute()
    )
    assert masked == {"sheets": [{"properties": {"title": "Sheet1", "gridProperties": {"rowCount": 1000}}}]}


def test_notes_and_backgrounds_are_kept_and_returned_with_grid_data(gc: gspread.Client, sheets: Any) -> None:
    """updateCells with a note and a background: includeGridData shows both (the colour as Sheets keeps it,
    8 bits per channel, mirrored into backgroundColorStyle); clearing both fields clears them, the value stays."""
    book = gc.create("tanda")
    book.sheet1.update([["a", "b"], ["1", "2"]], "A1", value_input_option="USER_ENTERED")
    red = {"red": 0.956863, "green": 0.8, "blue": 0.8}
    cell = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 1, "endColumnIndex": 2}
    fields = "note,userEnteredFormat(backgroundColor,backgroundColorStyle)"

    def update(data: dict[str, Any]) -> None:
        request = {"updateCells": {"range": cell, "rows": [{"values": [data]}], "fields": fields}}
        sheets.spreadsheets().batchUpdate(spreadsheetId=book.id, body={"requests": [request]}).execute()

    def shown() -> dict[str, Any]:
        body = sheets.spreadsheets().get(spreadsheetId=book.id, ranges=["Sheet1!B2"], includeGridData=True).execute()
        return dict(body["sheets"][0]["data"][0]["rowData"][0]["values"][0])

    update({"note": "Catatan Kinerja Bot\nGalat: x", "userEnteredFormat": {"backgroundColor": red}})
    marked = shown()
    kept = {"red": 0.95686275, "green": 0.8, "blue": 0.8}
    assert marked["note"] == "Catatan Kinerja Bot\nGalat: x"
    assert marked["userEnteredFormat"]["backgroundColor"] == pytest.approx(kept)
    assert marked["userEnteredFormat"]["backgroundColorStyle"]["rgbColor"] == pytest.approx(kept)
    assert marked["effectiveFormat"]["backgroundColor"] == pytest.approx(kept)
    assert marked["effectiveValue"] == {"numberValue": 2}
    update({})
    cleared = shown()
    assert "note" not in cleared and "userEnteredFormat" not in cleared
    assert cleared["effectiveFormat"]["backgroundColor"] == {"red": 1, "green": 1, "blue": 1}
    assert cleared["effectiveValue"] == {"numberValue": 2}


def test_drive_update_copy_delete_and_export(drive: Any, gc: gspread.Client) -> None:
    book = gc.create("Rekap")
    book.sheet1.update([["Bidang", "Capaian"], ["PTK", 95.5]], "A1")
    a = drive.files().create(body={"name": "A", "mimeType": FOLDER_MIME}).execute()["id"]
    b = drive.files().create(body={"name": "B", "mimeType": FOLDER_MIME}).execute()["id"]
    drive.files().update(
        fileId=book.id, addParents=a, body={"name": "Rekap 2025", "appProperties": {"tahun": "2025"}}
    ).execute()
    moved = (
        drive.files()
        .update(fileId=book.id, addParents=b, removeParents=a, fields="name,parents,appProperties", body={})
        .execute()
    )
    assert moved == {"name": "Rekap 2025", "parents": [b], "appProperties": {"tahun": "2025"}}
    copy = drive.files().copy(fileId=book.id, body={}).execute()
    assert copy["name"] == "Copy of Rekap 2025"
    xlsx = (
        drive.files()
        .export(fileId=book.id, mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .execute()
    )
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert [[c.value for c in row] for row in workbook["Sheet1"].iter_rows()] == [
        ["Bidang", "Capaian"],
        ["PTK", 95.5],
    ]
    pdf = drive.files().export(fileId=book.id, mimeType="application/pdf").execute()
    assert pdf.startswith(b"%PDF") and b"%%EOF" in pdf[-64:]
    assert drive.files().list(q="name contains 'Copy'", fields="files(id)").execute()["files"] == [{"id": copy["id"]}]
    drive.files().delete(fileId=copy["id"]).execute()
    with pytest.raises(HttpError) as info:
        drive.files().get(fileId=copy["id"]).execute()
    assert info.value.status_code == 404 and "File not found" in str(info.value)
    comments = drive.comments().list(fileId=book.id, fields="comments(content)").execute()
    assert comments == {"comments": []}


def test_sheet_edit_bumps_modified_time_and_shows_in_changes(
    sandbox: SandboxServer, drive: Any, gc: gspread.Client
) -> None:
    book = gc.create("Laporan")
    staff_drive_token = person_token(sandbox.base_url, "staf@dinas.test")  # a Google account
    book.share("staf@dinas.test", perm_type="user", role="writer", notify=False)
    from sandbox.google.clients import discovery_service, gspread_client

    staff_drive = discovery_service(sandbox.base_url, "drive", staff_drive_token)
    token = staff_drive.changes().getStartPageToken().execute()["startPageToken"]
    before = drive.files().get(fileId=book.id, fields="modifiedTime").execute()["modifiedTime"]
    time.sleep(0.002)
    gspread_client(sandbox.base_url, staff_drive_token).open_by_key(book.id).sheet1.update([["42"]], "A1")
    after = drive.files().get(fileId=book.id, fields="modifiedTime").execute()["modifiedTime"]
    assert after > before
    fields = "newStartPageToken,changes(fileId,file(name))"
    assert staff_drive.changes().list(pageToken=token, fields=fields).execute()["changes"] == []  # not yet: lag
    requests.post(f"{sandbox.base_url}/_sandbox/clock", json={"advance_seconds": 180}, timeout=5).raise_for_status()
    changes = staff_drive.changes().list(pageToken=token, fields=fields).execute()
    assert [c["fileId"] for c in changes["changes"]] == [book.id]
    again = staff_drive.changes().list(pageToken=changes["newStartPageToken"]).execute()
    assert again["changes"] == []
    newer = drive.files().list(q=f"modifiedTime > '{before}'", fields="files(id)").execute()["files"]
    assert newer == [{"id": book.id}]


def test_permissions_create_list_delete(sandbox: SandboxServer, drive: Any, gc: gspread.Client) -> None:
    book = gc.create("Izin")
    person_token(sandbox.base_url, "staf@dinas.test")  # a Google account: shared without an email
    perm = (
        drive.permissions()
        .create(
            fileId=book.id,
            sendNotificationEmail=False,
            body={"type": "user", "role": "writer", "emailAddress": "Staf@Dinas.test"},
        )
        .execute()
    )
    listed = drive.permissions().list(fileId=book.id).execute()["permissions"]
    assert {(p["role"], p.get("emailAddress")) for p in listed} == {
        ("owner", "owner@dinas.test"),
        ("writer", "staf@dinas.test"),
    }
    drive.permissions().delete(fileId=book.id, permissionId=perm["id"]).execute()
    assert len(drive.permissions().list(fileId=book.id).execute()["permissions"]) == 1


def test_no_or_bad_token_is_google_401(sandbox: SandboxServer) -> None:
    missing = requests.get(f"{sandbox.base_url}/v4/spreadsheets/x", timeout=5)
    bad = requests.get(f"{sandbox.base_url}/drive/v3/files", headers={"Authorization": "Bearer nope"}, timeout=5)
    assert missing.status_code == 401 and missing.json()["error"]["status"] == "UNAUTHENTICATED"
    assert bad.status_code == 401 and bad.json()["error"]["code"] == 401


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"], ids=["malformed", "not-an-object"])
def test_malformed_json_is_400_not_a_crash(sandbox: SandboxServer, owner_token: str, body: bytes) -> None:
    response = requests.post(
        f"{sandbox.base_url}/drive/v3/files",
        data=body,
        timeout=5,
        headers={"Authorization": f"Bearer {owner_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 400


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda book: book.sheet1.batch_clear(["A221:ZZ"]),
            "Invalid range[0]: Range (Sheet1!A221:ZZ) exceeds grid limits. Max rows: 220, max columns: 18",
        ),
        (
            lambda book: book.sheet1.update([["a"]], "AA1"),
            "Range (Sheet1!AA1) exceeds grid limits. Max rows: 220, max columns: 18",
        ),
        (
            lambda book: book.values_batch_update(
                {"valueInputOption": "RAW", "data": [{"range": "Sheet1!S1", "values": [["a"]]}]}
            ),
            "Invalid data[0]: Range (Sheet1!S1) exceeds grid limits. Max rows: 220, max columns: 18",
        ),
    ],
    ids=["batchClear", "update", "values.batchUpdate"],
)
def test_exceeds_grid_limits_wording(gc: gspread.Client, call: Any, message: str) -> None:
    book = gc.create("grid")
    book.sheet1.resize(220, 18)
    with pytest.raises(gspread.exceptions.APIError) as info:
        call(book)
    assert info.value.response.status_code == 400
    assert info.value.response.json()["error"]["message"] == message
