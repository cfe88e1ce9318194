"""Sharing on the sandbox with Drive's rules on (issue #14 items 1, 2, 3 and 11):

- an address without a Google account is shared by Google's invitation email, reported, and the
  other bidang are shared all the same;
- Shared Drive items carry no ``permissions``: they are listed with ``permissions.list``, so a
  second distribution shares nobody twice;
- the officials get view access (or the configured one) to the workbooks whose links they get;
- editors cannot re-share (``writersCanShare: false``); what an editor shared anyway (a Shared Drive
  item has no such setting) is found by the poll and removed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gspread
import pytest

from bot.workflow.intake import ForeignAccess
from config.settings import Orang, Settings
from sandbox.google.clients import discovery_service
from sheets import layout
from sheets.google.sharing import bidang_access
from sheets.google.workbooks import GoogleWorkbooks
from tests.google_edge.conftest import FAST, KODES, Env, IntakePoller, make_settings

NEW_STAFF = "staf.baru@contoh.test"  # in the settings, never created as a Google account


def _files(env: Env) -> dict[str, dict[str, Any]]:
    """Bot-made files by bidang kode (``rekap`` for the dinas workbook)."""
    out = {}
    for f in env.files():
        props = f["appProperties"]
        if props.get("kinerja_jenis") == "bidang":
            out[props["kinerja_bidang"]] = f
        elif props.get("kinerja_jenis") == "rekap":
            out["rekap"] = f
    return out


def _roles(f: dict[str, Any]) -> dict[str, str]:
    return {p["emailAddress"]: p["role"] for p in f["permissions"] if p.get("emailAddress")}


def _with_editor(settings: Settings, kode: str, email: str) -> Settings:
    bidang = tuple(
        b.model_copy(update={"editor": (*b.editor, email)}) if b.kode == kode else b for b in settings.bidang
    )
    return settings.model_copy(update={"bidang": bidang})


@pytest.mark.parametrize("rule", [True, False], ids=["google", "switched-off"])
def test_an_address_without_a_google_account_is_invited_and_the_others_are_shared(env: Env, rule: bool) -> None:
    env.sandbox.sharing(notify_required_without_account=rule)
    settings = _with_editor(env.settings, "SEK", NEW_STAFF)  # the first bidang distributed
    edge = GoogleWorkbooks(settings, master=env.master, policy=FAST)
    env.reset_stats()
    refs = edge.distribute(2026, 1, KODES)
    assert sorted(refs) == sorted(KODES)
    assert refs["SEK"].invited == ((NEW_STAFF,) if rule else ())
    assert all(not refs[k].invited and not refs[k].not_shared for k in KODES if k != "SEK")
    creates = env.google_methods()["drive.permissions.create"]
    files = _files(env)
    for kode in KODES:
        assert set(_roles(files[kode])) >= set(bidang_access(settings, kode)), kode
    assert _roles(files["SEK"])[NEW_STAFF] == "writer"
    # one refused silent share, then the invitation: one call more than addresses
    wanted = sum(len(bidang_access(settings, k)) for k in KODES)
    assert creates == wanted + (1 if rule else 0)
    # a second distribution shares nobody twice (the invitation stands)
    env.reset_stats()
    again = edge.distribute(2026, 1, KODES)
    assert "drive.permissions.create" not in env.google_methods()
    assert again["SEK"].invited == ()


def test_an_address_google_refuses_is_reported_and_distribution_goes_on(env: Env) -> None:
    env.fault(400, count=1, method="drive.permissions.create")  # Drive refuses the first share
    refs = env.workbooks().distribute(2026, 1, KODES)
    assert sorted(refs) == sorted(KODES)
    refused = {kode: dict(ref.not_shared) for kode, ref in refs.items() if ref.not_shared}
    [(kode, addresses)] = refused.items()
    [(email, why)] = addresses.items()
    assert email in bidang_access(env.settings, kode) and "HTTP 400" in why
    assert email not in _roles(_files(env)[kode])


@pytest.mark.parametrize("populated", [False, True], ids=["google", "populated"])
def test_shared_drive_permissions_are_listed_not_read_from_the_file(env: Env, populated: bool) -> None:
    env.sandbox.sharing(file_permissions_in_shared_drives=populated)
    edge = env.workbooks()
    edge.distribute(2026, 1, KODES)
    env.reset_stats()
    edge.distribute(2026, 2, KODES)  # the next TW: every workbook exists and is shared already
    methods = env.google_methods()
    assert "drive.permissions.create" not in methods
    assert methods.get("drive.permissions.list", 0) == (0 if populated else len(KODES))


def _kepala(kode: str) -> str:
    return f"kepala.{kode.lower()}@disnaker.example.go.id"


def _officials_with_email(settings: Settings) -> Settings:
    pejabat = settings.pejabat.model_copy(
        update={
            "kepala_dinas": settings.pejabat.kepala_dinas.model_copy(update={"email": "kadis@disnaker.example.go.id"}),
            "sekretaris": settings.pejabat.sekretaris.model_copy(update={"email": "sekretaris@disnaker.example.go.id"}),
        }
    )
    bidang = tuple(
        b.model_copy(
            update={"kepala": Orang(nama=b.kepala.nama, email=f"kepala.{b.kode.lower()}@disnaker.example.go.id")}
        )
        if b.kepala is not None
        else b
        for b in settings.bidang
    )
    return settings.model_copy(update={"pejabat": pejabat, "bidang": bidang})


@pytest.mark.parametrize("role", ["reader", "commenter"])
def test_officials_can_open_the_workbooks_whose_links_they_get(env: Env, role: str) -> None:
    settings = _officials_with_email(env.settings)
    settings = settings.model_copy(update={"google": settings.google.model_copy(update={"peran_peninjau": role})})
    for email in (
        "kadis@disnaker.example.go.id",
        "sekretaris@disnaker.example.go.id",
        "kepala.ptk@disnaker.example.go.id",
    ):
        env.person_token(email)  # people with Google accounts
    edge = GoogleWorkbooks(settings, master=env.master, policy=FAST)
    refs = edge.distribute(2026, 1, KODES)
    from tests.google_edge.test_rekap import rekap_data

    edge.write_rekap(2026, 1, rekap_data(env.master))
    files = _files(env)
    officials = {"kadis@disnaker.example.go.id", "sekretaris@disnaker.example.go.id", "kpep@disnaker.example.go.id"}
    ptk = _roles(files["PTK"])
    assert {e: ptk[e] for e in officials | {"kepala.ptk@disnaker.example.go.id"}} == dict.fromkeys(
        officials | {"kepala.ptk@disnaker.example.go.id"}, role
    )
    assert ptk["penempatan@disnaker.example.go.id"] == "writer"
    assert "kepala.ptk@disnaker.example.go.id" not in _roles(files["LAT"])  # only their own bidang's
    rekap = _roles(files["rekap"])
    assert {e for e, r in rekap.items() if r == role} == officials | {
        f"kepala.{k.lower()}@disnaker.example.go.id" for k in ("PTK", "LAT", "HIJ")
    }
    # the Kepala Bidang opens the link of the koreksi request, and may not change it
    kepala = env.person("kepala.ptk@disnaker.example.go.id").open_by_key(refs["PTK"].spreadsheet_id)
    assert kepala.worksheet(layout.TAB_REALISASI).row_values(1)[0] == "No"
    with pytest.raises(gspread.exceptions.APIError):
        kepala.worksheet(layout.TAB_REALISASI).update([["x"]], "A1")


def test_workbooks_the_bot_makes_forbid_resharing(env: Env) -> None:
    edge = env.workbooks()
    edge.distribute(2026, 1, KODES)
    from tests.google_edge.test_rekap import rekap_data

    edge.write_rekap(2026, 1, rekap_data(env.master))
    files = _files(env)
    assert {k: f["writersCanShare"] for k, f in files.items()} == dict.fromkeys([*KODES, "rekap"], False)


def _grant(drive: Any, file_id: str, body: dict[str, Any]) -> None:
    drive.permissions().create(fileId=file_id, body=body, supportsAllDrives=True).execute()


def test_what_an_editor_shares_in_a_shared_drive_is_found_and_removed(env: Env) -> None:
    wb = env.poller()
    refs = wb.distribute(2026, 1, KODES)
    cursor = wb.poll(None).cursor
    env.person_token("teman@contoh.test")
    staff = discovery_service(env.base, "drive", env.person_token("penempatan@disnaker.example.go.id"))
    book = refs["PTK"].spreadsheet_id
    _grant(staff, book, {"type": "anyone", "role": "reader"})
    _grant(staff, book, {"type": "domain", "role": "reader", "domain": "contoh.test"})
    _grant(staff, book, {"type": "user", "role": "writer", "emailAddress": "teman@contoh.test"})
    env.reset_stats()
    seen = wb.poll(cursor)
    [event] = [e for e in seen.events if isinstance(e, ForeignAccess)]
    assert event.bidang == "PTK"
    assert sorted(p.who for p in event.permissions) == ["anyone", "domain:contoh.test", "teman@contoh.test"]
    # one change listing, one read and one permission listing of the changed workbook
    assert env.google_methods() == {
        "drive.changes.list": 1,
        "sheets.spreadsheets.get": 1,
        "drive.permissions.list": 1,
    }
    kept = wb.remove_permissions(2026, "PTK", [p.id for p in event.permissions])
    assert kept == ()
    after = _roles(_files(env)["PTK"])
    assert "teman@contoh.test" not in after and after["penempatan@disnaker.example.go.id"] == "writer"
    assert not any(p["type"] in {"anyone", "domain"} for p in _files(env)["PTK"]["permissions"])
    env.reset_stats()
    quiet = wb.poll(seen.cursor)  # the removal is a change too: nothing foreign, nothing listed
    assert not [e for e in quiet.events if isinstance(e, ForeignAccess)]
    assert "drive.permissions.list" not in env.google_methods()


@pytest.fixture
def my_drive(env: Env, tmp_path: Path) -> tuple[IntakePoller, dict[str, Any], str]:
    """The bot as an OAuth user whose workbooks live in its My Drive, distributed, first poll done."""
    bot = "bot.kinerja@disnaker.example.go.id"
    person = env.control("POST", "google/accounts", {"email": bot})
    token_file = tmp_path / "oauth-token.json"
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": person["refresh_token"],
                "client_id": "kinerja-desktop",
                "client_secret": "rahasia",
                "token_uri": f"{env.base}/token",
                "account": bot,
            }
        )
    )
    env.control("POST", "google/folders", {"id": "folder-saya", "name": "Kinerja", "owner": bot})
    settings = make_settings(
        env.base, env.key_file, tmp_path, shared_drive_id=None, auth="oauth", oauth_token_file=str(token_file)
    )
    settings = settings.model_copy(
        update={"bidang": tuple(b.model_copy(update={"folder_id": "folder-saya"}) for b in settings.bidang)}
    )
    wb = IntakePoller(GoogleWorkbooks(settings, master=env.master, policy=FAST))
    refs = dict(wb.distribute(2026, 1, KODES))
    cursor = wb.poll(None).cursor
    assert cursor
    return wb, refs, cursor


@pytest.mark.parametrize("enforced", [True, False], ids=["google", "switched-off"])
def test_in_my_drive_an_editor_cannot_reshare_and_what_slips_through_is_removed(
    env: Env, my_drive: tuple[IntakePoller, dict[str, Any], str], enforced: bool
) -> None:
    wb, refs, cursor = my_drive
    env.sandbox.sharing(enforce_writers_can_share=enforced)
    staff = discovery_service(env.base, "drive", env.person_token("pelatihan@disnaker.example.go.id"))
    book = refs["LAT"].spreadsheet_id
    anyone = {"type": "anyone", "role": "writer"}
    if enforced:
        from googleapiclient.errors import HttpError

        with pytest.raises(HttpError) as refused:
            _grant(staff, book, anyone)
        assert refused.value.status_code == 403
        return
    _grant(staff, book, anyone)
    env.reset_stats()
    seen = wb.poll(cursor)
    [event] = [e for e in seen.events if isinstance(e, ForeignAccess)]
    assert [p.who for p in event.permissions] == ["anyone"]
    # My Drive files come with their permissions: nothing listed
    assert "drive.permissions.list" not in env.google_methods()
    wb.remove_permissions(2026, "LAT", [p.id for p in event.permissions])
    assert not any(p["type"] == "anyone" for p in _files(env)["LAT"]["permissions"])


def test_a_workbook_made_before_gets_writers_can_share_false(
    env: Env, my_drive: tuple[IntakePoller, dict[str, Any], str]
) -> None:
    wb, refs, _ = my_drive
    book = refs["HIJ"].spreadsheet_id
    owner = discovery_service(env.base, "drive", env.person_token("bot.kinerja@disnaker.example.go.id"))
    owner.files().update(fileId=book, body={"writersCanShare": True}).execute()  # as an older version made it
    wb.distribute(2026, 2, KODES)
    assert _files(env)["HIJ"]["writersCanShare"] is False
