"""Auth by configuration (service account, OAuth token file), retry rules and translated errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from gspread.exceptions import APIError

from sheets.google.errors import (
    AccessDenied,
    CredentialsProblem,
    GoogleUnavailable,
    QuotaExhausted,
    StorageQuotaExceeded,
    translate,
)
from sheets.google.http import is_quota_response, is_retryable_response, rewrite_url
from sheets.google.workbooks import GoogleWorkbooks
from tests.google_edge.conftest import FAST, KODES, Env, make_settings

RATE = json.dumps({"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]}}).encode()
DENIED = json.dumps({"error": {"code": 403, "errors": [{"reason": "insufficientFilePermissions"}]}}).encode()


@pytest.mark.parametrize(
    ("status", "body", "retry"),
    [
        (408, b"", True),
        (429, b"", True),
        (500, b"", True),
        (503, b"", True),
        (403, RATE, True),
        (403, DENIED, False),
        (404, b"", False),
        (400, b"", False),
    ],
    ids=["408", "429", "500", "503", "403-rate", "403-denied", "404", "400"],
)
def test_retry_rules(status: int, body: bytes, retry: bool) -> None:
    assert is_retryable_response(status, body) is retry


# Google's answer past the Sheets read quota, as quoted in public issue threads.
QUOTA = json.dumps(
    {
        "error": {
            "code": 429,
            "message": "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
            "user' of service 'sheets.googleapis.com' for consumer 'project_number:1'.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}],
        }
    }
).encode()
DRIVE_RATE_429 = json.dumps({"error": {"code": 429, "errors": [{"reason": "rateLimitExceeded"}]}}).encode()


@pytest.mark.parametrize(
    ("status", "body", "quota", "error"),
    [
        (429, QUOTA, True, QuotaExhausted),
        (429, DRIVE_RATE_429, False, GoogleUnavailable),
        (403, RATE, False, QuotaExhausted),
        (503, b"", False, GoogleUnavailable),
    ],
    ids=["sheets-quota", "drive-429", "drive-user-rate", "503"],
)
def test_a_sheets_quota_answer_is_waited_out_and_named(status: int, body: bytes, quota: bool, error: type) -> None:
    """Only Sheets' 429 RESOURCE_EXHAUSTED waits a minute; Drive's rate limits keep the short backoff."""
    assert is_quota_response(status, body) is quota
    response = requests.Response()
    response.status_code, response._content = status, body
    assert type(translate(APIError(response), "membaca")) is error


def test_endpoint_rewrites_google_hosts_only() -> None:
    assert rewrite_url("https://sheets.googleapis.com/v4/spreadsheets/x?a=1", "http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/v4/spreadsheets/x?a=1"
    )
    assert rewrite_url("https://www.googleapis.com/upload/drive/v3/files", "http://h:1") == (
        "http://h:1/upload/drive/v3/files"
    )
    assert rewrite_url("https://example.org/x", "http://h:1") == "https://example.org/x"
    assert rewrite_url("https://sheets.googleapis.com/v4", None) == "https://sheets.googleapis.com/v4"


def test_drive_rate_limit_403_is_retried(env: Env) -> None:
    wb = env.workbooks()
    env.fault(403, count=2, method="drive.files.list")
    assert set(wb.distribute(2026, 1, ["SEK"])) == {"SEK"}
    assert wb.clients.session.retries == 2


def test_service_account_without_shared_drive_hits_the_quota_with_advice(env: Env, tmp_path: Path) -> None:
    owner = "kasubbag@disnaker.example.go.id"
    env.control(
        "POST",
        "google/folders",
        {
            "id": "my-drive-folder",
            "name": "Laporan",
            "owner": owner,
            "writers": ["kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com"],
        },
    )
    settings = make_settings(env.base, env.key_file, tmp_path, shared_drive_id=None)
    bidang = [b.model_copy(update={"folder_id": "my-drive-folder"}) for b in settings.bidang]
    settings = settings.model_copy(update={"bidang": tuple(bidang)})
    wb = GoogleWorkbooks(settings, master=env.master, policy=FAST)
    with pytest.raises(StorageQuotaExceeded) as err:
        wb.distribute(2026, 1, ["SEK"])
    assert "Drive bersama" in err.value.penjelasan and "oauth" in err.value.penjelasan
    assert isinstance(err.value, AccessDenied)


def test_oauth_token_file_works_in_my_drive(env: Env, tmp_path: Path) -> None:
    user = "kpep@disnaker.example.go.id"
    person = env.control("POST", "google/accounts", {"email": user})
    token_file = tmp_path / "oauth-token.json"
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": person["refresh_token"],
                "client_id": "kinerja-desktop",
                "client_secret": "rahasia",
                "token_uri": f"{env.base}/token",
                "account": user,
            }
        )
    )
    for kode_folder in ("folder-oauth",):
        env.control("POST", "google/folders", {"id": kode_folder, "name": "Kinerja", "owner": user})
    settings = make_settings(
        env.base, env.key_file, tmp_path, shared_drive_id=None, auth="oauth", oauth_token_file=str(token_file)
    )
    settings = settings.model_copy(
        update={"bidang": tuple(b.model_copy(update={"folder_id": "folder-oauth"}) for b in settings.bidang)}
    )
    wb = GoogleWorkbooks(settings, master=env.master, policy=FAST)
    refs = wb.distribute(2026, 1, KODES)
    files = {f["id"]: f for f in env.files()}
    assert {files[r.spreadsheet_id]["owner"] for r in refs.values()} == {user}


def test_missing_credentials_are_explained(env: Env, tmp_path: Path) -> None:
    from sheets.google.auth import load_credentials

    settings = make_settings(env.base, tmp_path / "nope.json", tmp_path)
    with pytest.raises(CredentialsProblem) as err:
        load_credentials(settings.google)
    assert "kunci akun layanan" in err.value.penjelasan
    oauth = make_settings(env.base, env.key_file, tmp_path, auth="oauth", oauth_token_file=str(tmp_path / "t.json"))
    with pytest.raises(CredentialsProblem) as err:
        load_credentials(oauth.google)
    assert "google-login" in err.value.penjelasan


def test_unknown_error_keeps_base_class() -> None:
    err = translate(RuntimeError("boom"), "menguji")
    assert type(err).__name__ == "GoogleEdgeError" and "menguji" in str(err)
