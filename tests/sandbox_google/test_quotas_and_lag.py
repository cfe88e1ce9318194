"""Google's per-minute quotas and the change feed's lag, on the sandbox clock (issue #14 items 6, 7).

Quotas are off until switched on (``POST /_sandbox/google/quotas``); they cover API clients (tokens
from the token endpoint), not people in a browser (control-API tokens). Edits made through Sheets
reach the Drive change feed ``change-lag`` seconds later (180 by default), coalesced per file.
Time passes by advancing the sandbox clock: nothing here sleeps.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest
import requests

from sandbox.google.clients import discovery_service, gspread_client
from sandbox.server import SandboxServer
from tests.sandbox_google.conftest import person_token

BOT = "kinerja-bot@dinas.test"
STAFF = "staf@dinas.test"
READ_MESSAGE = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of "
    "service 'sheets.googleapis.com' for consumer 'project_number:123456789012'."
)


def control(sandbox: SandboxServer, path: str, body: Any = None, expect: int = 200) -> Any:
    """POST (with a body) or GET a control endpoint; its JSON."""
    url = f"{sandbox.base_url}/_sandbox/{path}"
    response = requests.post(url, json=body, timeout=5) if body is not None else requests.get(url, timeout=5)
    assert response.status_code == expect, (response.status_code, response.text)
    return response.json()


def advance(sandbox: SandboxServer, seconds: float) -> None:
    control(sandbox, "clock", {"advance_seconds": seconds})


def api_token(sandbox: SandboxServer, email: str) -> str:
    """A token from the token endpoint (an API client, as the bot's is): quotas count it."""
    refresh = control(sandbox, "google/accounts", {"email": email})["refresh_token"]
    answer = requests.post(
        f"{sandbox.base_url}/token", data={"grant_type": "refresh_token", "refresh_token": refresh}, timeout=5
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def values_get(sandbox: SandboxServer, token: str, spreadsheet_id: str) -> requests.Response:
    return requests.get(
        f"{sandbox.base_url}/v4/spreadsheets/{spreadsheet_id}/values/A1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def values_put(sandbox: SandboxServer, token: str, spreadsheet_id: str) -> requests.Response:
    return requests.put(
        f"{sandbox.base_url}/v4/spreadsheets/{spreadsheet_id}/values/A1",
        params={"valueInputOption": "RAW"},
        json={"values": [["1"]]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


@pytest.fixture
def shared_book(sandbox: SandboxServer, gc: gspread.Client) -> str:
    """A spreadsheet the bot's account and a staff member may write."""
    book = gc.create("Laporan")
    for email in (BOT, STAFF, "lain@dinas.test"):
        person_token(sandbox.base_url, email)  # a Google account: shared without an email
        book.share(email, perm_type="user", role="writer", notify=False)
    return str(book.id)


# ==========================================================================================
# quotas
# ==========================================================================================


def test_quotas_are_googles_limits_and_off_until_switched_on(sandbox: SandboxServer, shared_book: str) -> None:
    state = control(sandbox, "google/quotas")
    assert state["limits"] == {
        "enabled": False,
        "sheets_read_per_user": 60,
        "sheets_write_per_user": 60,
        "sheets_read_per_project": 300,
        "sheets_write_per_project": 300,
        "drive_per_user": 12000,
        "drive_per_project": 12000,
        "window_seconds": 60.0,
    }
    token = api_token(sandbox, BOT)
    assert all(values_get(sandbox, token, shared_book).status_code == 200 for _ in range(61))


def test_the_61st_read_in_a_minute_gets_googles_429_and_the_window_follows_the_sandbox_clock(
    sandbox: SandboxServer, shared_book: str
) -> None:
    control(sandbox, "google/quotas", {"enabled": True})
    token = api_token(sandbox, BOT)
    assert [values_get(sandbox, token, shared_book).status_code for _ in range(60)] == [200] * 60
    refused = values_get(sandbox, token, shared_book)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED"
    assert error["message"] == READ_MESSAGE
    info = error["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" and info["reason"] == "RATE_LIMIT_EXCEEDED"
    assert info["metadata"]["quota_metric"] == "sheets.googleapis.com/read_requests"
    assert info["metadata"]["quota_limit"] == "ReadRequestsPerMinutePerUser"
    assert info["metadata"]["quota_limit_value"] == "60"
    # Writes are a quota of their own; a person in a browser (control token) is under no API quota.
    assert values_put(sandbox, token, shared_book).status_code == 200
    assert values_get(sandbox, person_token(sandbox.base_url, STAFF), shared_book).status_code == 200
    assert control(sandbox, "google/quotas")["used"][BOT] == {"read": 60, "write": 1}

    advance(sandbox, 59)
    assert values_get(sandbox, token, shared_book).status_code == 429  # a sliding minute: not yet
    advance(sandbox, 1.5)
    assert values_get(sandbox, token, shared_book).status_code == 200


def test_writes_per_user_and_reads_per_project(sandbox: SandboxServer, shared_book: str) -> None:
    control(sandbox, "google/quotas", {"enabled": True, "sheets_write_per_user": 2, "sheets_read_per_project": 3})
    bot, other = api_token(sandbox, BOT), api_token(sandbox, "lain@dinas.test")
    assert [values_put(sandbox, bot, shared_book).status_code for _ in range(3)] == [200, 200, 429]
    refused = values_put(sandbox, bot, shared_book).json()["error"]["message"]
    assert "limit 'Write requests per minute per user'" in refused
    assert values_put(sandbox, other, shared_book).status_code == 200
    reads = [values_get(sandbox, who, shared_book).status_code for who in (bot, other, bot, other)]
    assert reads == [200, 200, 200, 429]
    message = values_get(sandbox, bot, shared_book).json()["error"]["message"]
    assert "limit 'Read requests per minute' of service" in message


def test_drive_past_its_per_user_limit_answers_user_rate_limit_exceeded(sandbox: SandboxServer) -> None:
    control(sandbox, "google/quotas", {"enabled": True, "drive_per_user": 2})
    drive = discovery_service(sandbox.base_url, "drive", api_token(sandbox, BOT))
    for _ in range(2):
        drive.files().list(fields="files(id)").execute()
    with pytest.raises(Exception) as refused:
        drive.files().list(fields="files(id)").execute()
    assert refused.value.resp.status == 403  # type: ignore[attr-defined]
    assert b"userRateLimitExceeded" in refused.value.content  # type: ignore[attr-defined]


def test_reset_switches_quotas_off(sandbox: SandboxServer, shared_book: str) -> None:
    control(sandbox, "google/quotas", {"enabled": True, "sheets_read_per_user": 1})
    token = api_token(sandbox, BOT)
    assert [values_get(sandbox, token, shared_book).status_code for _ in range(2)] == [200, 429]
    control(sandbox, "reset", {})
    assert control(sandbox, "google/quotas")["limits"]["enabled"] is False


@pytest.mark.parametrize(
    "body",
    [{"enabled": "ya"}, {"sheets_read_per_user": 0}, {"sheets_read_per_user": 1.5}, {"window_seconds": 0}, {"x": 1}],
    ids=["enabled-text", "zero-limit", "fractional-limit", "zero-window", "unknown-key"],
)
def test_quota_settings_that_are_not_limits_are_refused(sandbox: SandboxServer, body: dict[str, Any]) -> None:
    assert control(sandbox, "google/quotas", body, expect=400)["error"]


# ==========================================================================================
# the change feed's lag
# ==========================================================================================


def _listed(drive: Any, token: str) -> tuple[list[str], str]:
    body = drive.changes().list(pageToken=token, fields="newStartPageToken,changes(fileId)").execute()
    return [c["fileId"] for c in body["changes"]], str(body["newStartPageToken"])


def test_a_sheets_edit_reaches_the_change_feed_after_the_lag_coalesced(
    sandbox: SandboxServer, shared_book: str
) -> None:
    assert control(sandbox, "google/change-lag")["seconds"] == 180
    drive = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, BOT))
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    staff = gspread_client(sandbox.base_url, person_token(sandbox.base_url, STAFF)).open_by_key(shared_book)
    staff.sheet1.update([["1"]], "A1")
    advance(sandbox, 60)
    staff.sheet1.update([["2"]], "A2")  # within the lag: the same entry
    listed, later = _listed(drive, token)
    assert listed == []
    waiting = control(sandbox, "google/change-lag")["waiting"]
    assert list(waiting) == [shared_book] and 119 <= waiting[shared_book] <= 120
    advance(sandbox, 119)
    assert _listed(drive, token)[0] == []
    advance(sandbox, 2)
    # One entry for both edits, found from the token taken before it appeared and from the one before the edit.
    assert _listed(drive, token)[0] == [shared_book]
    found, after = _listed(drive, later)
    assert found == [shared_book]
    assert _listed(drive, after)[0] == []


def test_drive_changes_are_listed_at_once(sandbox: SandboxServer, shared_book: str, drive: Any) -> None:
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    drive.files().update(fileId=shared_book, body={"name": "Laporan 2026"}).execute()
    assert _listed(drive, token)[0] == [shared_book]


def test_lag_zero_releases_what_waits_and_reset_restores_googles(sandbox: SandboxServer, shared_book: str) -> None:
    drive = discovery_service(sandbox.base_url, "drive", person_token(sandbox.base_url, BOT))
    token = drive.changes().getStartPageToken().execute()["startPageToken"]
    staff = gspread_client(sandbox.base_url, person_token(sandbox.base_url, STAFF)).open_by_key(shared_book)
    staff.sheet1.update([["1"]], "A1")
    control(sandbox, "google/change-lag", {"seconds": 0})
    listed, following = _listed(drive, token)
    assert listed == [shared_book]
    staff.sheet1.update([["2"]], "A1")
    assert _listed(drive, following)[0] == [shared_book]
    control(sandbox, "reset", {})
    assert control(sandbox, "google/change-lag") == {"seconds": 180.0, "waiting": {}}


@pytest.mark.parametrize(
    "body", [{"seconds": -1}, {"seconds": 3601}, {"seconds": "3"}, {"lag": 3}], ids=["negative", "hour+", "text", "key"]
)
def test_change_lag_settings_that_are_not_durations_are_refused(sandbox: SandboxServer, body: dict[str, Any]) -> None:
    assert "seconds" in control(sandbox, "google/change-lag", body, expect=400)["error"]


@pytest.mark.parametrize(
    "body",
    [{"advance_seconds": -5}, {"advance_seconds": "5"}, {"set": 5}, [5]],
    ids=["backwards", "text", "key", "list"],
)
def test_the_clock_only_moves_forward(sandbox: SandboxServer, body: Any) -> None:
    assert control(sandbox, "clock", body, expect=400)["error"]
    advance(sandbox, 90)
    assert control(sandbox, "clock")["offset_seconds"] == 90
