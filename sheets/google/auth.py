"""Credentials from the settings, and the clients built on them.

``google.auth: service_account`` reads the key file (its ``token_uri`` says where tokens come
from); ``google.auth: oauth`` reads the user's token file, made once by the installed-app flow
(:func:`authorize_installed_app`, run by the admin from a terminal; the file lives outside the
repository, mode 0600). :func:`build_clients` gives a gspread HTTP client for Sheets and a
googleapiclient Drive service, both sending through one :class:`~sheets.google.http.GoogleSession`
whose base URL is ``google.endpoint`` when set.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from gspread.http_client import HTTPClient

from config.settings import GoogleAuth, GoogleSettings
from sheets.google.errors import CredentialsProblem
from sheets.google.http import GoogleSession, Httplib2Adapter, RetryPolicy

logger = logging.getLogger(__name__)

__all__ = ["SCOPES", "GoogleClients", "authorize_installed_app", "build_clients", "load_credentials"]

SCOPES: tuple[str, ...] = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
)


def load_credentials(google: GoogleSettings) -> tuple[Credentials, str | None]:
    """The bot's credentials and, when known, its account email (for protected-range editors)."""
    if google.auth is GoogleAuth.SERVICE_ACCOUNT:
        if google.key_file is None:
            raise CredentialsProblem(
                "google.key_file is not set",
                penjelasan="Isi google.key_file (atau KINERJA_GOOGLE__KEY_FILE) dengan path kunci akun layanan.",
            )
        try:
            # google-auth leaves this classmethod unannotated; it returns an instance of the class.
            creds: service_account.Credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(google.key_file), scopes=list(SCOPES)
            )
        except (OSError, ValueError, KeyError) as err:
            raise CredentialsProblem(
                f"cannot read service account key {google.key_file}: {err}",
                penjelasan=f"Berkas kunci akun layanan {google.key_file} tidak dapat dibaca atau rusak.",
            ) from err
        return creds, creds.service_account_email
    token_file = google.oauth_token_file
    if token_file is None or not Path(token_file).is_file():
        raise CredentialsProblem(
            f"OAuth token file {token_file} missing",
            penjelasan="Berkas token OAuth belum ada. Jalankan sekali: python -m bot google-login "
            "(membuka alur login Google di peramban), lalu ulangi.",
        )
    try:
        data = json.loads(Path(token_file).read_text(encoding="utf-8"))
        # google-auth leaves this classmethod unannotated; it returns an instance of the class.
        user_creds: user_credentials.Credentials = user_credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
            data, scopes=list(SCOPES)
        )
    except (OSError, ValueError, KeyError) as err:
        raise CredentialsProblem(
            f"cannot read OAuth token file {token_file}: {err}",
            penjelasan=f"Berkas token OAuth {token_file} rusak; hapus lalu jalankan python -m bot google-login.",
        ) from err
    email = data.get("account") or data.get("email") or None
    return user_creds, email


def authorize_installed_app(google: GoogleSettings, *, open_browser: bool = True) -> Path:
    """Run the OAuth installed-app flow once and keep the token file (mode 0600); returns its path."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    if google.oauth_client_file is None or google.oauth_token_file is None:
        raise CredentialsProblem(
            "oauth_client_file/oauth_token_file not set",
            penjelasan="Isi google.oauth_client_file dan google.oauth_token_file untuk auth: oauth.",
        )
    flow = InstalledAppFlow.from_client_secrets_file(str(google.oauth_client_file), scopes=list(SCOPES))
    creds = flow.run_local_server(port=0, open_browser=open_browser)
    path = Path(google.oauth_token_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written with restrictive permissions from the start: the refresh token is a secret.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(creds.to_json())
    logger.info("OAuth token saved to %s", path)
    return path


DRIVE_RESOURCES: tuple[str, ...] = ("files", "permissions", "changes")
"""The Drive v3 resources the edge calls (sheets.google.drive, sharing, poll, archive)."""
_PROSE_KEYS = frozenset({"description", "enumDescriptions"})


def drive_document() -> dict[str, Any]:
    """Drive v3's discovery document as googleapiclient ships it, cut to what the edge calls.

    googleapiclient keeps the whole parsed document for as long as the client lives, and most of
    it is prose for generated docstrings (every ``description``) and resources the edge never
    calls (comments, replies, revisions, ...): over half a megabyte of an idle service's memory. Kept: every
    key that is not prose, of the resources in :data:`DRIVE_RESOURCES` and the schemas they
    reach. The methods, their parameters, paths and media upload/download are the shipped ones.
    """
    from googleapiclient.discovery_cache import get_static_doc

    shipped = json.loads(get_static_doc("drive", "v3"))
    resources = {name: shipped["resources"][name] for name in DRIVE_RESOURCES}
    schemas: dict[str, Any] = {}
    waiting = _schema_refs(resources)
    while waiting:
        name = waiting.pop()
        if name not in schemas:
            schemas[name] = shipped["schemas"][name]
            waiting |= _schema_refs(schemas[name])
    document: dict[str, Any] = _without_prose({**shipped, "resources": resources, "schemas": schemas})
    return document


def _schema_refs(node: Any) -> set[str]:
    """The schema names ``node`` refers to (``$ref``), at any depth."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_schema_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_schema_refs(value) for value in node))
    return set()


def _without_prose(node: Any) -> Any:
    """``node`` without its prose; a schema property that happens to be named ``description`` stays."""
    if isinstance(node, dict):
        return {
            key: _without_prose(value)
            for key, value in node.items()
            if not (key in _PROSE_KEYS and isinstance(value, str | list))
        }
    if isinstance(node, list):
        return [_without_prose(value) for value in node]
    return node


@dataclass
class GoogleClients:
    """The clients the adapter uses, all sending through ``session``."""

    session: GoogleSession
    sheets: HTTPClient
    drive: Any
    account_email: str | None


def build_clients(
    google: GoogleSettings,
    *,
    credentials: Credentials | None = None,
    account_email: str | None = None,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> GoogleClients:
    """gspread (Sheets) and googleapiclient (Drive) clients on one session, per the settings.

    ``sleep`` is how the session waits between attempts (time.sleep by default); a simulation
    that keeps its own time hands its own.
    """
    from googleapiclient.discovery import build_from_document

    if credentials is None:
        credentials, account_email = load_credentials(google)
    policy = policy or RetryPolicy(attempts=google.maks_percobaan, timeout=google.timeout_detik)
    session = GoogleSession(credentials, endpoint=google.endpoint, policy=policy, sleep=sleep)
    sheets = HTTPClient(auth=credentials, session=session)
    drive = build_from_document(drive_document(), http=Httplib2Adapter(session))
    return GoogleClients(session=session, sheets=sheets, drive=drive, account_email=account_email)
