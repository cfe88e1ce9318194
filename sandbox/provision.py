"""Provision a running sandbox for Kinerja Bot: the bot's service account, a Shared Drive with
the settings' folders, Telegram users for every bound person, and settings pointing at it.

Used by the demo, the benchmarks and the tests, so all three start from the same world. Not for
product code: the product reaches the sandbox only through the endpoints in its settings.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from config.settings import Orang, Settings, parse_settings
from sandbox.google.clients import discovery_service, gspread_client

BOT_EMAIL = "kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com"
SHARED_DRIVE = "drive-kinerja"
ADMIN = "admin@disnaker.example.go.id"
ROOT_FOLDER = "folder-dinas"
ARCHIVE_FOLDER = "folder-arsip"


@dataclass(frozen=True)
class SandboxControl:
    """The sandbox's control API (``/_sandbox/...``) over plain HTTP."""

    base_url: str
    timeout: float = 10.0

    @property
    def base(self) -> str:
        return self.base_url.rstrip("/")

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One control request; raises on a non-2xx answer."""
        response = requests.request(method, f"{self.base}/_sandbox/{path}", json=body, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def google_total(self) -> int:
        """Google API requests since the last stats reset (the token endpoint excluded)."""
        stats = self.call("GET", "stats")["google"]
        return sum(n for method, n in stats["methods"].items() if method != "oauth2.token")

    def google_methods(self) -> dict[str, int]:
        """Google API requests since the last stats reset, per method."""
        return dict(self.call("GET", "stats")["google"]["methods"])

    def reset_stats(self) -> None:
        """Zero the request counters."""
        self.call("POST", "stats")

    def fault(
        self,
        service: str,
        status: int,
        *,
        rate: float | None = None,
        count: int | None = None,
        method: str | None = None,
    ) -> None:
        """Make ``service`` answer ``status`` for a share (``rate``) or a number (``count``) of requests."""
        spec: dict[str, Any] = {"service": service, "status": status}
        spec.update({k: v for k, v in (("rate", rate), ("count", count), ("method", method)) if v is not None})
        self.call("POST", "faults", spec)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.call("DELETE", "faults")

    def latency(self, service: str, ms: float, jitter_ms: float = 0.0) -> None:
        """Delay every API request of ``service`` by ``ms`` (+ random ``0..jitter_ms``) milliseconds."""
        self.call("POST", "latency", {"service": service, "ms": ms, "jitter_ms": jitter_ms})

    def clear_latency(self, service: str | None = None) -> None:
        """Answer ``service``'s requests (every service's without one) without added delay."""
        self.call("DELETE", "latency", None if service is None else {"service": service})

    def files(self) -> list[dict[str, Any]]:
        """Every Drive file the sandbox holds, with its permissions, tabs and appProperties."""
        return list(self.call("GET", "google/files")["files"])

    def google_token(self, email: str) -> str:
        """A bearer token acting as ``email`` (the account is created on first use)."""
        return str(self.call("POST", "google/accounts", {"email": email})["token"])

    def gspread_as(self, email: str) -> Any:
        """A real gspread client acting as ``email``."""
        return gspread_client(self.base, self.google_token(email))

    def drive_as(self, email: str) -> Any:
        """A real googleapiclient Drive v3 service acting as ``email``."""
        return discovery_service(self.base, "drive", self.google_token(email))

    def telegram_user(self, user_id: int, first_name: str, last_name: str | None = None) -> None:
        """A Telegram user with a private chat, ready to talk to the bot."""
        body: dict[str, Any] = {"id": user_id, "first_name": first_name}
        if last_name:
            body["last_name"] = last_name
        self.call("POST", "telegram/users", body)


def provision_google(
    control: SandboxControl,
    settings_data: Mapping[str, Any],
    workdir: Path,
    *,
    master: Path | None = None,
    **google: Any,
) -> dict[str, Any]:
    """Create the bot's service account (key written to ``workdir``), a Shared Drive and the
    folders the settings name; return the settings data with ``google.*`` pointing at the sandbox."""
    workdir.mkdir(parents=True, exist_ok=True)
    data = copy.deepcopy(dict(settings_data))
    key = control.call("POST", "google/service-accounts", {"email": BOT_EMAIL})
    key_file = workdir / "service-account.json"
    key_file.write_text(json.dumps(key), encoding="utf-8")
    control.call(
        "POST",
        "google/drives",
        {
            "id": SHARED_DRIVE,
            "name": "Kinerja Disnaker",
            "members": [{"email": BOT_EMAIL, "role": "organizer"}, {"email": ADMIN, "role": "organizer"}],
        },
    )
    data["google"] = {
        **data.get("google", {}),
        "endpoint": control.base,
        "key_file": str(key_file),
        "shared_drive_id": SHARED_DRIVE,
        "root_folder_id": ROOT_FOLDER,
        "archive_folder_id": ARCHIVE_FOLDER,
        **({"master_indikator": str(master)} if master is not None else {}),
        **google,
    }
    folders = {b["folder_id"]: b["nama"] for b in data.get("bidang", [])}
    folders.update({ROOT_FOLDER: "Kinerja Dinas", ARCHIVE_FOLDER: "Arsip Kinerja"})
    for folder_id, name in folders.items():
        folder = {"id": folder_id, "name": name, "owner": ADMIN, "drive_id": SHARED_DRIVE}
        control.call("POST", "google/folders", folder)
    return data


def provision_telegram(control: SandboxControl, settings: Settings) -> None:
    """A sandbox Telegram user for every person the settings bind by telegram_id."""
    for person in _bound_people(settings):
        names = person.nama.split(" ", 1)
        control.telegram_user(person.telegram_id, names[0], names[1] if len(names) > 1 else None)


def provision(
    control: SandboxControl,
    settings_data: Mapping[str, Any],
    workdir: Path,
    *,
    master: Path | None = None,
    database: Path | None = None,
    telegram: bool = True,
    **google: Any,
) -> Settings:
    """Google and Telegram sides provisioned; settings pointing at the sandbox and a store in ``workdir``."""
    data = provision_google(control, settings_data, workdir, master=master, **google)
    data["database"] = {"url": f"sqlite:///{database or workdir / 'kinerja.db'}"}
    if telegram:
        data["telegram"] = {**data.get("telegram", {}), "base_url": f"{control.base}/bot"}
    settings = parse_settings(data, "sandbox")
    if telegram:
        provision_telegram(control, settings)
    return settings


def _bound_people(settings: Settings) -> list[Orang]:
    """Everyone the settings bind by telegram_id, once each."""
    unique: dict[int, Orang] = {}
    for _role, _bidang, orang in settings.people():
        if orang.telegram_id is not None:
            unique.setdefault(orang.telegram_id, orang)
    return list(unique.values())
