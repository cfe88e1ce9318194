"""Real Google clients pointed at the sandbox, for tests, the demo and the benchmarks.

Not for product code: the product reaches the sandbox only through ``google.endpoint``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import gspread
from google.oauth2.credentials import Credentials
from gspread.http_client import HTTPClient

GOOGLE_HOSTS = ("https://sheets.googleapis.com", "https://www.googleapis.com")


def rewrite(url: str, base_url: str) -> str:
    """A Google API URL moved onto ``base_url``."""
    for host in GOOGLE_HOSTS:
        if url.startswith(host):
            return base_url.rstrip("/") + url[len(host) :]
    return url


def sandbox_http_client(base_url: str) -> type[HTTPClient]:
    """A gspread HTTPClient class that sends every request to ``base_url``."""

    class SandboxHTTPClient(HTTPClient):
        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(method, rewrite(endpoint, base_url), *args, **kwargs)

    return SandboxHTTPClient


def token_credentials(token: str) -> Credentials:
    """Credentials carrying a fixed bearer token."""
    return Credentials(token=token)  # type: ignore[no-untyped-call]


def gspread_client(base_url: str, token_or_credentials: str | Any) -> gspread.Client:
    """A real gspread client acting with a sandbox token (or any google-auth credentials)."""
    credentials = (
        token_credentials(token_or_credentials) if isinstance(token_or_credentials, str) else token_or_credentials
    )
    return gspread.authorize(credentials, http_client=sandbox_http_client(base_url))


def discovery_document(api: str, base_url: str) -> dict[str, Any]:
    """The bundled discovery document of ``api`` (``sheets`` or ``drive``) with rootUrl moved."""
    name = {"sheets": "sheets.v4.json", "drive": "drive.v3.json"}[api]
    text = resources.files("googleapiclient.discovery_cache.documents").joinpath(name).read_text()
    document: dict[str, Any] = json.loads(text)
    document["rootUrl"] = base_url.rstrip("/") + "/"
    document["mtlsRootUrl"] = base_url.rstrip("/") + "/"
    if "batchPath" in document:
        document["batchPath"] = document["batchPath"]
    return document


def discovery_service(base_url: str, api: str, token_or_credentials: str | Any) -> Any:
    """A real googleapiclient service (``sheets`` v4 or ``drive`` v3) against the sandbox."""
    from googleapiclient.discovery import build_from_document

    credentials = (
        token_credentials(token_or_credentials) if isinstance(token_or_credentials, str) else token_or_credentials
    )
    return build_from_document(discovery_document(api, base_url), credentials=credentials)


def service_account_credentials(key_file: str, scopes: list[str]) -> Any:
    """Service-account credentials from a key file, without google-auth's background lookup.

    google-auth 2.62 starts a "regional access boundary" lookup to
    ``iamcredentials.googleapis.com`` after each token refresh, a host ``token_uri`` does not
    move; turning it off keeps every request on the sandbox.
    """
    from google.oauth2 import service_account

    credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
        key_file, scopes=scopes
    )
    credentials._is_regional_access_boundary_lookup_required = lambda: False
    return credentials
