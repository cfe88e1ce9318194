"""Google's limits and small behaviours, each as Google answers them by default, and each switch.

Request bodies over 10 MB and exports over 10 MB refused with Google's bodies; the size of every
body recorded (``/_sandbox/google/bodies``); the locale code ``id_ID`` (taken and read back as
``in_ID``, kept, or refused); a typed format against the cell's own; rows and columns inserted
into a protected tab refused as a protected edit; ``1e308`` typed is a number; ``values.update``
counts only the cells it wrote; ``autoResizeDimensions`` sizes from the content.
"""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
import requests
from googleapiclient.errors import HttpError

from sandbox.google.clients import gspread_client
from sandbox.google.limits import GOOGLE_MAX_BODY
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token

EDITOR = "staf@dinas.test"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def control(sandbox: SandboxServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{sandbox.base_url}/_sandbox/{path}", json=body, timeout=30)


def limits(sandbox: SandboxServer, **changes: Any) -> dict[str, Any]:
    response = control(sandbox, "POST", "google/limits", changes)
    assert response.status_code == 200, response.text
    return dict(response.json())


def new_book(sheets: Any, title: str = "t", locale: str | None = None) -> str:
    props = {"title": title, **({"locale": locale} if locale else {})}
    return str(sheets.spreadsheets().create(body={"properties": props}).execute()["spreadsheetId"])


# --- request bodies -------------------------------------------------------------------------------


def _raw_values_batch_update(sandbox: SandboxServer, token: str, sid: str, payload: bytes) -> requests.Response:
    return requests.post(
        f"{sandbox.base_url}/v4/spreadsheets/{sid}/values:batchUpdate",
        data=payload,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=60,
    )


def _body_of(size: int) -> bytes:
    """A values.batchUpdate body of exactly ``size`` bytes: column A filled with 40,000-character texts."""
    cell = "x" * 40_000
    rows = [[cell] for _ in range(size // 40_010)]
    body = json.dumps({"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": rows}]})
    last = size - len(body) + len(json.dumps(rows[-1]))  # the last row's text takes up what is left
    rows[-1] = ["x" * (last - len('[""]'))]
    payload = json.dumps({"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": rows}]}).encode()
    assert len(payload) == size
    return payload


def test_a_body_over_10_mb_is_refused_as_google_does(sandbox: SandboxServer, sheets: Any, owner_token: str) -> None:
    sid = new_book(sheets)
    control(sandbox, "DELETE", "google/bodies")
    at_limit = _raw_values_batch_update(sandbox, owner_token, sid, _body_of(GOOGLE_MAX_BODY))
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["totalUpdatedRows"] == GOOGLE_MAX_BODY // 40_010
    over = _raw_values_batch_update(sandbox, owner_token, sid, _body_of(GOOGLE_MAX_BODY + 1))
    assert over.status_code == 400
    message = "Request payload size exceeds the limit: 10485760 bytes."
    assert over.json() == {
        "error": {
            "code": 400,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": "badRequest"}],
            "status": "INVALID_ARGUMENT",
        }
    }
    seen = control(sandbox, "GET", "google/bodies").json()
    assert seen["largest"] == {"bytes": GOOGLE_MAX_BODY + 1, "method": "sheets.spreadsheets.values.batchUpdate"}
    assert seen["methods"]["sheets.spreadsheets.values.batchUpdate"]["count"] == 2


def test_body_limit_is_tunable_recorded_and_reset(sandbox: SandboxServer, sheets: Any, drive: Any) -> None:
    sid = new_book(sheets)
    assert limits(sandbox, request_bytes=300)["request_bytes"] == 300
    values = sheets.spreadsheets().values()
    values.update(spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": [["kecil"]]}).execute()
    with pytest.raises(HttpError) as info:
        values.update(spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": [["x" * 400]]}).execute()
    assert info.value.status_code == 400 and "exceeds the limit: 300 bytes" in str(info.value)
    with pytest.raises(HttpError) as drive_info:  # Drive metadata is bound too, with Drive's reason
        drive.files().update(fileId=sid, body={"description": "y" * 400}).execute()
    assert json.loads(drive_info.value.content)["error"]["errors"][0]["reason"] == "badRequest"
    seen = control(sandbox, "GET", "google/bodies").json()
    assert seen["methods"]["sheets.spreadsheets.values.update"]["count"] == 2
    assert seen["largest"]["method"] == "drive.files.update"
    control(sandbox, "POST", "reset")
    assert control(sandbox, "GET", "google/limits").json()["request_bytes"] == GOOGLE_MAX_BODY
    assert control(sandbox, "GET", "google/bodies").json() == {"largest": {"bytes": 0, "method": None}, "methods": {}}


def test_uploads_are_not_bound_by_the_body_limit(sandbox: SandboxServer, drive: Any) -> None:
    from googleapiclient.http import MediaInMemoryUpload

    limits(sandbox, request_bytes=1000)
    media = MediaInMemoryUpload(b"%PDF-1.4\n" + b"x" * 5000, mimetype="application/pdf", resumable=False)
    made = drive.files().create(body={"name": "laporan.pdf"}, media_body=media, fields="id,size").execute()
    assert int(made["size"]) > 5000


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"request_bytes": 0}, "request_bytes"),
        ({"export_bytes": "10"}, "export_bytes"),
        ({"id_ID": "maybe"}, "id_ID"),
        ({"typed_format": "mix"}, "typed_format"),
        ({"quota": 1}, "unknown key"),
        ([1], "JSON object"),
    ],
    ids=["zero-bytes", "text-bytes", "locale-mode", "format-mode", "unknown", "not-an-object"],
)
def test_limits_control_refuses_what_it_cannot_honour(sandbox: SandboxServer, body: Any, error: str) -> None:
    response = control(sandbox, "POST", "google/limits", body)
    assert response.status_code == 400 and error in response.json()["error"]
    assert control(sandbox, "GET", "google/limits").json() == {
        "request_bytes": GOOGLE_MAX_BODY,
        "export_bytes": GOOGLE_MAX_BODY,
        "id_ID": "store_in_ID",
        "typed_format": "replace",
    }


# --- export ---------------------------------------------------------------------------------------


def test_export_over_the_limit_is_refused_with_drives_answer(sandbox: SandboxServer, sheets: Any, drive: Any) -> None:
    sid = new_book(sheets)
    rows = [[f"baris {r}", r * 1.5, "teks yang cukup panjang untuk mengisi"] for r in range(400)]
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="A1", valueInputOption="RAW", body={"values": rows}
    ).execute()
    content = drive.files().export(fileId=sid, mimeType=XLSX).execute()
    assert content[:2] == b"PK"  # well under Google's 10 MB
    # Well below the size: an xlsx carries the time it was made, so two exports may differ by a few bytes.
    limits(sandbox, export_bytes=len(content) // 2)
    with pytest.raises(HttpError) as info:
        drive.files().export(fileId=sid, mimeType=XLSX).execute()
    assert info.value.status_code == 403
    assert json.loads(info.value.content) == {
        "error": {
            "code": 403,
            "message": "This file is too large to be exported.",
            "errors": [
                {
                    "message": "This file is too large to be exported.",
                    "domain": "global",
                    "reason": "exportSizeLimitExceeded",
                }
            ],
        }
    }
    limits(sandbox, export_bytes=len(content) + 64)  # an xlsx carries its time: a few bytes may differ
    assert drive.files().export(fileId=sid, mimeType=XLSX).execute()[:2] == b"PK"


# --- locale ---------------------------------------------------------------------------------------


def _set_locale(sheets: Any, sid: str, code: str) -> Any:
    body = {"requests": [{"updateSpreadsheetProperties": {"properties": {"locale": code}, "fields": "locale"}}]}
    return sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body=body).execute()


def _locale(sheets: Any, sid: str) -> str:
    return str(
        sheets.spreadsheets().get(spreadsheetId=sid, fields="properties.locale").execute()["properties"]["locale"]
    )


@pytest.mark.parametrize(
    ("mode", "stored"),
    [("store_in_ID", "in_ID"), ("accept", "id_ID"), ("refuse", None)],
    ids=["default-read-back-as-in_ID", "kept", "refused"],
)
def test_the_id_ID_switch(sandbox: SandboxServer, sheets: Any, mode: str, stored: str | None) -> None:
    if mode != "store_in_ID":
        limits(sandbox, id_ID=mode)
    sid = new_book(sheets)
    if stored is None:
        with pytest.raises(HttpError) as info:
            _set_locale(sheets, sid, "id_ID")
        assert info.value.status_code == 400
        assert "requests[0].updateSpreadsheetProperties" in str(info.value) and "id_ID" in str(info.value)
        assert _locale(sheets, sid) == "en_US"  # the refused batch changed nothing
        with pytest.raises(HttpError):
            new_book(sheets, locale="id_ID")
    else:
        _set_locale(sheets, sid, "id_ID")
        assert _locale(sheets, sid) == stored
        assert (
            sheets.spreadsheets().get(spreadsheetId=new_book(sheets, locale="id_ID")).execute()["properties"]["locale"]
            == stored
        )
    _set_locale(sheets, sid, "in_ID")  # Google's own name is always taken
    assert _locale(sheets, sid) == "in_ID"
    values = sheets.spreadsheets().values()
    values.update(
        spreadsheetId=sid, range="A1", valueInputOption="USER_ENTERED", body={"values": [["1.234,5"]]}
    ).execute()
    assert values.get(spreadsheetId=sid, range="A1", valueRenderOption="UNFORMATTED_VALUE").execute()["values"] == [
        [1234.5]
    ]


# --- what typing does -----------------------------------------------------------------------------


def _number_column(sheets: Any, locale: str = "in_ID") -> str:
    sid = new_book(sheets, locale=locale)
    body = {
        "requests": [
            {
                "repeatCell": {
                    "range": {"sheetId": 0, "startColumnIndex": 0, "endColumnIndex": 1},
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "NUMBER", "pattern": "#,##0.##"}}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        ]
    }
    sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body=body).execute()
    return sid


@pytest.mark.parametrize(
    ("mode", "kind", "shown"), [("replace", "PERCENT", "75%"), ("keep", "NUMBER", "0,75")], ids=["replace", "keep"]
)
def test_percent_typed_into_a_number_column(
    sandbox: SandboxServer, sheets: Any, mode: str, kind: str, shown: str
) -> None:
    limits(sandbox, typed_format=mode)
    sid = _number_column(sheets)
    values = sheets.spreadsheets().values()
    values.update(spreadsheetId=sid, range="A2", valueInputOption="USER_ENTERED", body={"values": [["75%"]]}).execute()
    assert values.get(spreadsheetId=sid, range="A2", valueRenderOption="UNFORMATTED_VALUE").execute()["values"] == [
        [0.75]
    ]
    assert values.get(spreadsheetId=sid, range="A2").execute()["values"] == [[shown]]
    got = (
        sheets.spreadsheets()
        .get(spreadsheetId=sid, ranges=["A2"], fields="sheets.data.rowData.values.userEnteredFormat.numberFormat")
        .execute()
    )
    assert got["sheets"][0]["data"][0]["rowData"][0]["values"][0]["userEnteredFormat"]["numberFormat"]["type"] == kind


@pytest.mark.parametrize(
    ("locale", "typed", "stored"),
    [
        ("in_ID", "1e308", 1e308),
        ("en_US", "1e308", 1e308),
        ("in_ID", "1,5e3", 1500),
        ("in_ID", "-2E-3", -0.002),
        ("in_ID", "1e400", "1e400"),
        ("en_US", "1e400", "1e400"),
    ],
    ids=["1e308-id", "1e308-en", "comma-mantissa-id", "negative-exponent", "overflow-id", "overflow-en"],
)
def test_scientific_numbers_typed(sheets: Any, locale: str, typed: str, stored: Any) -> None:
    sid = new_book(sheets, locale=locale)
    values = sheets.spreadsheets().values()
    values.update(spreadsheetId=sid, range="A1", valueInputOption="USER_ENTERED", body={"values": [[typed]]}).execute()
    got = values.get(spreadsheetId=sid, range="A1", valueRenderOption="UNFORMATTED_VALUE").execute()["values"]
    assert got == [[stored]]


# --- values.update counts what it wrote ---------------------------------------------------------------


def test_null_cells_are_skipped_and_not_counted(sheets: Any) -> None:
    sid = new_book(sheets)
    values = sheets.spreadsheets().values()
    values.update(
        spreadsheetId=sid, range="A1:D3", valueInputOption="RAW", body={"values": [["a", "b", "c", "d"]] * 3}
    ).execute()
    result = values.update(
        spreadsheetId=sid,
        range="A1:D3",
        valueInputOption="RAW",
        body={"values": [[None, "x", None, ""], [None, None, None, None], [None, "y"]]},
    ).execute()
    assert {k: v for k, v in result.items() if k != "spreadsheetId"} == {
        "updatedRange": "Sheet1!B1:D3",
        "updatedRows": 2,
        "updatedColumns": 2,
        "updatedCells": 3,
    }
    grid = values.get(spreadsheetId=sid, range="A1:D3").execute()["values"]
    assert grid == [["a", "x", "c"], ["a", "b", "c", "d"], ["a", "y", "c", "d"]]
    batch = values.batchUpdate(
        spreadsheetId=sid,
        body={"valueInputOption": "RAW", "data": [{"range": "A1:B2", "values": [[None, None], [None, "z"]]}]},
    ).execute()
    assert batch["totalUpdatedCells"] == 1 and batch["totalUpdatedRows"] == 1 and batch["totalUpdatedColumns"] == 1
    assert batch["responses"][0]["updatedRange"] == "Sheet1!B2"
    nothing = values.update(
        spreadsheetId=sid, range="A1:B1", valueInputOption="RAW", body={"values": [[None, None]]}
    ).execute()
    assert "updatedCells" not in nothing and nothing["updatedRange"] == "Sheet1!A1:B1"


# --- protected tabs: inserting rows and columns ---------------------------------------------------------


@pytest.fixture
def protected(
    sandbox: SandboxServer, gc: gspread.Client, drive: Any
) -> tuple[gspread.Spreadsheet, gspread.Client, gspread.Client]:
    """A workbook shared with an editor; ``Sheet1`` wholly protected (rows 4-6 left open), ``Bebas`` not."""
    book = gc.create("Dilindungi")
    book.add_worksheet("Bebas", rows=10, cols=5)
    editor = gspread_client(sandbox.base_url, person_token(sandbox.base_url, EDITOR))  # a Google account
    drive.permissions().create(
        fileId=book.id, body={"type": "user", "role": "writer", "emailAddress": EDITOR}, sendNotificationEmail=False
    ).execute()
    book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": 0},
                            "editors": {"users": ["owner@dinas.test"]},
                            "unprotectedRanges": [{"sheetId": 0, "startRowIndex": 3, "endRowIndex": 6}],
                        }
                    }
                }
            ]
        }
    )
    return book, gc, editor


def _insert(book_id: str, client: gspread.Client, sheet_id: int, dimension: str, start: int) -> dict[str, Any]:
    body = {
        "requests": [
            {
                "insertDimension": {
                    "range": {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": start + 1}
                }
            }
        ]
    }
    return dict(client.open_by_key(book_id).batch_update(body))


@pytest.mark.parametrize(
    ("dimension", "start"),
    [("ROWS", 0), ("ROWS", 1), ("ROWS", 999), ("COLUMNS", 0), ("COLUMNS", 3), ("ROWS", 4)],
    ids=["row-on-top", "row-inside", "row-at-the-end", "column-first", "column-inside", "row-in-open-rows"],
)
def test_insert_into_a_protected_tab_is_a_protected_edit(
    protected: tuple[gspread.Spreadsheet, gspread.Client, gspread.Client], dimension: str, start: int
) -> None:
    book, owner, editor = protected
    with pytest.raises(gspread.exceptions.APIError) as info:
        _insert(book.id, editor, 0, dimension, start)
    assert info.value.response.status_code == 400
    assert "protected cell or object" in info.value.response.json()["error"]["message"]
    sheet = book.sheet1
    assert (sheet.row_count, sheet.col_count) == (1000, 26)  # nothing inserted
    # the owner (an editor of the protection) may; and the unprotected tab is open to the editor
    _insert(book.id, owner, 0, dimension, start)
    _insert(book.id, editor, book.worksheet("Bebas").id, dimension, 0)


def test_insert_beside_a_range_protection_and_appending(
    protected: tuple[gspread.Spreadsheet, gspread.Client, gspread.Client],
) -> None:
    book, _, editor = protected
    bebas = book.worksheet("Bebas")
    book.batch_update(
        {
            "requests": [
                {
                    "addProtectedRange": {
                        "protectedRange": {
                            "range": {"sheetId": bebas.id, "startRowIndex": 2, "endRowIndex": 5},
                            "editors": {"users": ["owner@dinas.test"]},
                        }
                    }
                }
            ]
        }
    )
    _insert(book.id, editor, bebas.id, "ROWS", 2)  # above the protected rows: they move down
    _insert(book.id, editor, bebas.id, "ROWS", 9)  # below them
    with pytest.raises(gspread.exceptions.APIError):
        _insert(book.id, editor, bebas.id, "ROWS", 4)  # between rows 3 and 6 (now 4..7)
    with pytest.raises(gspread.exceptions.APIError):
        _insert(book.id, editor, bebas.id, "COLUMNS", 1)  # a new column crosses the protected rows
    with pytest.raises(gspread.exceptions.APIError) as info:  # appending rows to a wholly protected tab
        editor.open_by_key(book.id).sheet1.add_rows(5)
    assert "protected cell" in info.value.response.text


# --- autoResizeDimensions ---------------------------------------------------------------------------


def test_auto_resize_fits_the_content(sheets: Any) -> None:
    sid = new_book(sheets)
    sheets.spreadsheets().values().update(
        spreadsheetId=sid,
        range="A1:C2",
        valueInputOption="RAW",
        body={"values": [["Indikator kinerja yang sangat panjang sekali namanya", "1", ""], ["x", "2", ""]]},
    ).execute()
    sheets.spreadsheets().values().update(
        spreadsheetId=sid, range="A3", valueInputOption="RAW", body={"values": [["satu\ndua\ntiga"]]}
    ).execute()

    def resize(dimension: str, start: int, end: int) -> None:
        body = {
            "requests": [
                {
                    "autoResizeDimensions": {
                        "dimensions": {"sheetId": 0, "dimension": dimension, "startIndex": start, "endIndex": end}
                    }
                }
            ]
        }
        sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body=body).execute()

    resize("COLUMNS", 0, 3)
    resize("ROWS", 0, 3)
    got = (
        sheets.spreadsheets()
        .get(spreadsheetId=sid, ranges=["A1:C3"], fields="sheets.data(rowMetadata.pixelSize,columnMetadata.pixelSize)")
        .execute()["sheets"][0]["data"][0]
    )
    wide, narrow, empty = (c["pixelSize"] for c in got["columnMetadata"])
    assert wide > 250  # the long name fits
    assert narrow < 40  # one digit
    assert empty == 100  # an empty column keeps its width
    one, _, three = (r["pixelSize"] for r in got["rowMetadata"])
    assert one == 21 and three >= 3 * 17  # three lines of text
