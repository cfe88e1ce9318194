"""Provision a running sandbox for Kinerja Bot: the bot's service account, a Shared Drive with
the settings' folders, Telegram users for every bound person, and settings pointing at it.

Used by the demo, the benchmarks and the tests, so all three start from the same world. Not for
product code: the product reaches the sandbox only through the endpoints in its settings. The
requests go through the sandbox's generic control client (:class:`sandbox.control.SandboxControl`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from config.settings import Orang, Settings, parse_settings
from sandbox.control import SandboxControl

__all__ = [
    "ADMIN",
    "ARCHIVE_FOLDER",
    "BOT_EMAIL",
    "ROOT_FOLDER",
    "SHARED_DRIVE",
    "provision",
    "provision_google",
    "provision_telegram",
]

BOT_EMAIL = "kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com"
SHARED_DRIVE = "drive-kinerja"
ADMIN = "admin@disnaker.example.go.id"
ROOT_FOLDER = "folder-dinas"
ARCHIVE_FOLDER = "folder-arsip"


def configured_addresses(settings_data: Mapping[str, Any]) -> list[str]:
    """Every email address the settings name: each bidang's editors, every person's email."""
    found: list[str] = []
    people: list[Any] = list((settings_data.get("pejabat") or {}).values())
    for bidang in settings_data.get("bidang") or []:
        found += list(bidang.get("editor") or [])
        people += [bidang.get("kepala"), *(bidang.get("staf") or [])]
    found += [person["email"] for person in people if isinstance(person, Mapping) and person.get("email")]
    return sorted({str(email).lower() for email in found})


def provision_google(
    control: SandboxControl,
    settings_data: Mapping[str, Any],
    workdir: Path,
    *,
    master: Path | None = None,
    without_google_account: Collection[str] = (),
    **google: Any,
) -> dict[str, Any]:
    """Create the bot's service account (key written to ``workdir``), a Shared Drive, the folders
    the settings name and a Google account for every address they name (but those in
    ``without_google_account``, as an office where someone has none); return the settings data
    with ``google.*`` pointing at the sandbox."""
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
    skip = {email.lower() for email in without_google_account}
    for email in configured_addresses(data):
        if email not in skip:
            control.google_token(email)
    return data


def provision_telegram(control: SandboxControl, settings: Settings) -> None:
    """A sandbox Telegram user for every person the settings bind by telegram_id."""
    for telegram_id, person in _bound_people(settings):
        names = person.nama.split(" ", 1)
        control.telegram_user(telegram_id, names[0], names[1] if len(names) > 1 else None)


def provision(
    control: SandboxControl,
    settings_data: Mapping[str, Any],
    workdir: Path,
    *,
    master: Path | None = None,
    database: Path | None = None,
    telegram: bool = True,
    without_google_account: Collection[str] = (),
    **google: Any,
) -> Settings:
    """Google and Telegram sides provisioned; settings pointing at the sandbox and a store in ``workdir``."""
    data = provision_google(
        control, settings_data, workdir, master=master, without_google_account=without_google_account, **google
    )
    data["database"] = {"url": f"sqlite:///{database or workdir / 'kinerja.db'}"}
    if telegram:
        data["telegram"] = {**data.get("telegram", {}), "base_url": f"{control.base}/bot"}
    settings = parse_settings(data, "sandbox")
    if telegram:
        provision_telegram(control, settings)
    return settings


def _bound_people(settings: Settings) -> list[tuple[int, Orang]]:
    """Everyone the settings bind by telegram_id, once each, with that id."""
    unique: dict[int, Orang] = {}
    for _role, _bidang, orang in settings.people():
        if orang.telegram_id is not None:
            unique.setdefault(orang.telegram_id, orang)
    return list(unique.items())
