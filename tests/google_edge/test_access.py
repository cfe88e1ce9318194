"""A bidang workbook leaving the bot's sight: access removed by its owner, or the file deleted.

The bot runs as an OAuth user in My Drive (so a workbook can have an owner other than the bot:
the office transferred it to a person, who later removes the bot's permission).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.workflow.intake import AccessLost, WorkbookMissing
from sandbox.google.clients import discovery_service
from sheets.google.workbooks import GoogleWorkbooks
from tests.google_edge.conftest import FAST, KODES, Env, IntakePoller, make_settings

BOT_USER = "kpep@disnaker.example.go.id"
OWNER = "kepala.ptk@disnaker.example.go.id"


@pytest.fixture
def my_drive_bot(env: Env, tmp_path: Path) -> tuple[IntakePoller, dict[str, Any], str]:
    """The bot as an OAuth user, workbooks distributed into a My Drive folder, first poll done."""
    person = env.control("POST", "google/accounts", {"email": BOT_USER})
    token_file = tmp_path / "oauth-token.json"
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": person["refresh_token"],
                "client_id": "kinerja-desktop",
                "client_secret": "rahasia",
                "token_uri": f"{env.base}/token",
                "account": BOT_USER,
            }
        )
    )
    env.control("POST", "google/folders", {"id": "folder-oauth", "name": "Kinerja", "owner": BOT_USER})
    settings = make_settings(
        env.base, env.key_file, tmp_path, shared_drive_id=None, auth="oauth", oauth_token_file=str(token_file)
    )
    settings = settings.model_copy(
        update={"bidang": tuple(b.model_copy(update={"folder_id": "folder-oauth"}) for b in settings.bidang)}
    )
    wb = IntakePoller(GoogleWorkbooks(settings, master=env.master, policy=FAST))
    refs = dict(wb.distribute(2026, 1, KODES))
    cursor = wb.poll(None).cursor
    assert cursor
    return wb, refs, cursor


def _drive(env: Env, email: str) -> Any:
    return discovery_service(env.base, "drive", env.person_token(email))


def _transfer_to_owner(env: Env, file_id: str) -> Any:
    """The bot's account hands the workbook to a person, who files it in their own My Drive.

    The bot keeps access through the writer permission the transfer left it (only).
    """
    _drive(env, BOT_USER).permissions().create(
        fileId=file_id, body={"type": "user", "role": "owner", "emailAddress": OWNER}, transferOwnership=True
    ).execute()
    owner = _drive(env, OWNER)
    owner.files().update(fileId=file_id, removeParents="folder-oauth", body={}).execute()
    return owner


def _remove_bot(owner: Any, file_id: str) -> None:
    perms = owner.permissions().list(fileId=file_id, fields="permissions(id,emailAddress)").execute()
    bot = next(p["id"] for p in perms["permissions"] if p.get("emailAddress") == BOT_USER)
    owner.permissions().delete(fileId=file_id, permissionId=bot).execute()


def _delete(owner: Any, file_id: str) -> None:
    owner.files().delete(fileId=file_id).execute()


@pytest.mark.parametrize(
    ("act", "expected"),
    [(_remove_bot, AccessLost), (_delete, WorkbookMissing)],
    ids=["permission-removed", "deleted-by-owner"],
)
def test_workbook_out_of_sight_is_reported_once_within_budget(
    env: Env, my_drive_bot: tuple, act: Callable[[Any, str], None], expected: type
) -> None:
    wb, refs, cursor = my_drive_bot
    file_id = refs["PTK"].spreadsheet_id
    owner = _transfer_to_owner(env, file_id)
    batch = wb.poll(cursor)  # the transfer itself is a change: read once, nothing to report
    assert batch.events == ()
    act(owner, file_id)
    env.reset_stats()
    batch = wb.poll(batch.cursor)
    assert [type(e) for e in batch.events] == [expected]
    assert batch.events[0].bidang == "PTK"
    assert env.google_total() <= 2  # 1 change listing + 1 read of the workbook that left
    assert wb.poll(batch.cursor).events == ()
