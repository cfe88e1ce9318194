"""No request leaves loopback; a 20,000 x 15 values.batchUpdate is fast."""

from __future__ import annotations

import ipaddress
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.google.clients import discovery_service, gspread_client
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import BOT, person_token


def test_no_request_leaves_loopback(sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sandbox.google.auth import write_key
    from sandbox.google.clients import service_account_credentials

    contacted: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        contacted.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        contacted.append(str(address[0]) if isinstance(address, tuple) else str(address))
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    requests.post(
        f"{sandbox.base_url}/_sandbox/google/drives",
        timeout=5,
        json={"id": "0ADRIVE", "name": "K", "members": [{"email": BOT, "role": "organizer"}]},
    )
    key = tmp_path / "key.json"
    write_key(key, sandbox.base_url, BOT)
    creds = service_account_credentials(str(key), ["https://www.googleapis.com/auth/drive"])
    drive = discovery_service(sandbox.base_url, "drive", creds)
    book = (
        drive.files()
        .create(
            body={"name": "x", "mimeType": "application/vnd.google-apps.spreadsheet", "parents": ["0ADRIVE"]},
            supportsAllDrives=True,
        )
        .execute()
    )
    gc = gspread_client(sandbox.base_url, creds)
    gc.open_by_key(book["id"]).sheet1.update([["1"]], "A1")
    gspread_client(sandbox.base_url, person_token(sandbox.base_url, "p@dinas.test")).create("y")
    assert contacted, "the patched socket functions saw no traffic"
    for host in contacted:
        assert ipaddress.ip_address(host).is_loopback, contacted


def test_large_values_batch_update_is_fast(sandbox: SandboxServer, owner_token: str) -> None:
    sheets = discovery_service(sandbox.base_url, "sheets", owner_token)
    sid = (
        sheets.spreadsheets()
        .create(
            body={
                "properties": {"title": "besar"},
                "sheets": [
                    {
                        "properties": {
                            "title": "TW I",
                            "gridProperties": {"rowCount": 20001, "columnCount": 15},
                        }
                    }
                ],
            }
        )
        .execute()["spreadsheetId"]
    )
    rows = [[f"r{r}c{c}" if c % 3 else r * 1.5 for c in range(15)] for r in range(20000)]
    started = time.perf_counter()
    result = (
        sheets.spreadsheets()
        .values()
        .batchUpdate(
            spreadsheetId=sid,
            body={"valueInputOption": "USER_ENTERED", "data": [{"range": "'TW I'!A2", "values": rows}]},
        )
        .execute()
    )
    elapsed = time.perf_counter() - started
    assert result["totalUpdatedCells"] == 300_000
    assert elapsed < 3.0, elapsed
    back = (
        sheets.spreadsheets()
        .values()
        .get(spreadsheetId=sid, range="'TW I'!A20001:C20001", valueRenderOption="UNFORMATTED_VALUE")
        .execute()
    )
    assert back["values"] == [[29998.5, "r19999c1", "r19999c2"]]
