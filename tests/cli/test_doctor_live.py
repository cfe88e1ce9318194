"""``python -m bot doctor --live`` against the sandbox: one line per Google behaviour, the scratch
workbook gone afterwards, what it learned written where the service and ``doctor`` read it; each
sandbox switch the check depends on tried in both behaviours."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from config.learned import load_facts
from config.settings import load_settings
from tests.cli.conftest import Cli, Office

NEW_STAFF = "staf.baru@disnaker.example.go.id"  # configured, never made a Google account
LIVE_KEYS = {
    "live.buat",
    "live.berbagi_ulang",
    "live.lokal",
    "live.angka.1",
    "live.angka.2",
    "live.angka.3",
    "live.proteksi",
    "live.akun_google",
    "live.pdf",
    "live.perubahan",
    "live.hapus",
    "live.temuan",
}


def live(cli: Cli, *extra: str, config: Path | None = None) -> tuple[int, dict[str, dict[str, Any]]]:
    """``doctor --json --live``: exit code and the checks by key (a short change-feed bound)."""
    code, out, _ = cli.run(
        "doctor", "--json", "--timeout", "5", "--live", "--tunggu-perubahan", "3", *extra, config=config
    )
    report = json.loads(out)
    assert report["exit_code"] == code
    return code, {c["key"]: c for c in report["checks"]}


def _scratch_files(cli: Cli) -> list[dict[str, Any]]:
    return [f for f in cli.control.files() if f["appProperties"].get("kinerja_jenis") == "uji"]


def test_live_round_trip_passes_on_google_behaviour_and_leaves_nothing(cli: Cli) -> None:
    cli.control.change_lag(0)  # the change feed's lag is tried on its own below
    code, checks = live(cli)
    assert code == 0
    assert set(checks) >= LIVE_KEYS
    statuses = {k: checks[k]["status"] for k in LIVE_KEYS}
    assert statuses == {**dict.fromkeys(LIVE_KEYS, "OK"), "live.proteksi": "DILEWATI"}
    for key in LIVE_KEYS - {"live.hapus", "live.temuan", "live.proteksi"}:
        assert checks[key]["detail"].startswith("bot mengandalkan: "), key  # what is assumed, what Google did
    assert "1.234,5" in checks["live.angka.1"]["detail"] and "bot membaca 1.234,5" in checks["live.angka.1"]["detail"]
    assert "bot membaca 75" in checks["live.angka.2"]["detail"]
    assert "bot membaca 1.500.000" in checks["live.angka.3"]["detail"]
    assert "--akun-editor" in checks["live.proteksi"]["fix"]
    assert "Drive bersama" in checks["live.berbagi_ulang"]["detail"]
    assert _scratch_files(cli) == []
    facts = load_facts(load_settings(cli.config).google.berkas_temuan)
    assert facts.locale in ("id_ID", "in_ID")
    assert facts.no_google_account == ()
    assert facts.change_lag_seconds is not None and facts.change_lag_seconds < 3
    # the plain doctor reads what the live check learned
    _, plain = cli.doctor()
    assert plain["people.google"]["status"] == "OK" and facts.checked_at in plain["people.google"]["detail"]


def _with_new_staff(cli: Cli) -> Path:
    bidang = [dict(b) for b in cli.data["bidang"]]
    bidang[1] = {**bidang[1], "editor": [*bidang[1]["editor"], NEW_STAFF]}
    return cli.write_config({"bidang": bidang}, "baru.yaml")


@pytest.mark.parametrize("rule", [True, False], ids=["google", "switched-off"])
def test_live_names_the_addresses_without_a_google_account(cli: Cli, rule: bool) -> None:
    cli.control.sharing(notify_required_without_account=rule)
    config = _with_new_staff(cli)
    code, checks = live(cli, config=config)
    assert code == 0
    line = checks["live.akun_google"]
    if rule:
        assert line["status"] == "PERINGATAN" and NEW_STAFF in line["detail"]
        assert "undangan email" in line["fix"]
    else:  # Drive shared it silently: nothing to say
        assert line["status"] == "OK"
    facts = load_facts(load_settings(config).google.berkas_temuan)
    assert facts.no_google_account == ((NEW_STAFF,) if rule else ())
    _, plain = cli.doctor(config=config)
    assert plain["people.google"]["status"] == ("PERINGATAN" if rule else "OK")
    assert (NEW_STAFF in plain["people.google"]["detail"]) is rule
    assert _scratch_files(cli) == []


def test_live_tries_the_protection_as_an_editor_account(cli: Cli) -> None:
    editor = "penempatan@disnaker.example.go.id"
    person = cli.control.call("POST", "google/accounts", {"email": editor})
    token_file = cli.tmp / "token-editor.json"
    token_file.write_text(
        json.dumps(
            {
                "refresh_token": person["refresh_token"],
                "client_id": "kinerja-desktop",
                "client_secret": "rahasia",
                "token_uri": f"{cli.server.base_url}/token",
                "account": editor,
            }
        ),
        encoding="utf-8",
    )
    code, checks = live(cli, "--akun-editor", str(token_file))
    assert code == 0
    line = checks["live.proteksi"]
    assert line["status"] == "OK" and editor in line["detail"] and "ditolak" in line["detail"]
    # a token file that does not name its account cannot be shared with: said, not guessed
    nameless = cli.tmp / "tanpa-akun.json"
    nameless.write_text(json.dumps({**json.loads(token_file.read_text()), "account": None}), encoding="utf-8")
    code, checks = live(cli, "--akun-editor", str(nameless))
    assert code == 1 and checks["live.proteksi"]["status"] == "GAGAL"
    assert '"account"' in checks["live.proteksi"]["fix"]
    assert _scratch_files(cli) == []


def test_live_without_google_is_skipped_and_akun_editor_needs_live(cli: Cli) -> None:
    broken = cli.write_config({"google": {"endpoint": "http://127.0.0.1:9"}}, "mati.yaml")
    code, checks = live(cli, config=broken)
    assert code == 1
    assert checks["live"]["status"] == "DILEWATI"
    code, _, err = cli.run("doctor", "--akun-editor", "x.json")
    assert code == 2 and "--live" in err


def test_a_leftover_scratch_workbook_is_removed_by_the_next_run(cli: Cli) -> None:
    from sheets.google.drive import DriveFiles
    from sheets.google.workbooks import GoogleWorkbooks
    from tests.google_edge.conftest import FAST

    edge = GoogleWorkbooks(cli.settings, policy=FAST)
    drive = DriveFiles(edge.clients.drive, cli.settings)
    drive.create_spreadsheet("sisa uji", cli.settings.google.root_folder_id, drive.props(cli.settings.tahun, "uji"))
    assert len(_scratch_files(cli)) == 1
    live(cli)
    assert _scratch_files(cli) == []


def test_plain_doctor_names_who_the_distribution_invited(cli: Cli) -> None:
    """Without a live run, the addresses the running period's distribution invited by email are named."""
    config = _with_new_staff(cli)
    assert cli.run("distribute", "--triwulan", "1", config=config)[0] == 0
    cli.settings = load_settings(config)
    office = Office(cli)
    try:
        office.approve_distribution()
    finally:
        office.close()
    _, plain = cli.doctor(config=config)
    line = plain["people.google"]
    assert line["status"] == "PERINGATAN"
    assert NEW_STAFF in line["detail"] and "pembagian format" in line["detail"]


def test_plain_doctor_notices_a_workbook_shared_beyond_the_settings(cli: Cli) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office = Office(cli)
    try:
        reports = office.approve_distribution()
    finally:
        office.close()
    _, checks = cli.doctor()
    assert {k: checks[f"akses.{k}"]["status"] for k in reports} == dict.fromkeys(reports, "OK")
    staff = cli.control.drive_as("penempatan@disnaker.example.go.id")
    book = reports["PTK"].url.split("/d/")[1].split("/")[0]
    staff.permissions().create(fileId=book, body={"type": "anyone", "role": "reader"}, supportsAllDrives=True).execute()
    _, checks = cli.doctor()
    line = checks["akses.PTK"]
    assert line["status"] == "PERINGATAN" and "anyone" in line["detail"] and "Kasubbag" in line["fix"]
    assert checks["akses.LAT"]["status"] == "OK"


@pytest.mark.parametrize(
    ("mode", "learned", "said"),
    [
        pytest.param("store_in_ID", "id_ID", "id_ID diterima, terbaca kembali sebagai in_ID", id="google"),
        pytest.param("accept", "id_ID", "id_ID diterima", id="kept"),
        pytest.param("refuse", "in_ID", "id_ID ditolak (HTTP 400); in_ID diterima", id="refused"),
    ],
)
def test_live_learns_the_locale_code_google_takes(cli: Cli, mode: str, learned: str, said: str) -> None:
    cli.control.call("POST", "google/limits", {"id_ID": mode})
    code, checks = live(cli)
    assert code == 0
    assert checks["live.lokal"]["status"] == "OK" and checks["live.lokal"]["detail"].endswith(f"Google: {said}")
    assert load_facts(load_settings(cli.config).google.berkas_temuan).locale == learned
    assert checks["live.angka.1"]["status"] == "OK"  # in either code a comma decimal is a number


@pytest.mark.parametrize("typed_format", ["replace", "keep"], ids=["google", "format-kept"])
def test_live_says_what_google_does_with_a_typed_percent(cli: Cli, typed_format: str) -> None:
    cli.control.call("POST", "google/limits", {"typed_format": typed_format})
    code, checks = live(cli)
    assert code == 0
    line = checks["live.angka.2"]
    if typed_format == "replace":
        assert line["status"] == "OK" and "angka berformat persen" in line["detail"]
    else:  # 0.75 kept in the column's number format: read as 0,75, and the bot's warning says so
        assert line["status"] == "PERINGATAN" and "bot membaca 0,75" in line["detail"]
        assert "apakah maksudnya 75%?" in line["fix"]


@pytest.mark.parametrize("limit", [None, 100], ids=["google", "export-refused"])
def test_live_exports_pdf_or_says_what_the_archive_does_without(cli: Cli, limit: int | None) -> None:
    if limit is not None:
        cli.control.call("POST", "google/limits", {"export_bytes": limit})
    code, checks = live(cli)
    assert code == 0
    line = checks["live.pdf"]
    if limit is None:
        assert line["status"] == "OK" and "PDF" in line["detail"]
    else:
        assert line["status"] == "PERINGATAN" and "dokumen laporan buatan bot" in line["fix"]
    assert _scratch_files(cli) == []


@pytest.mark.parametrize("lag", [0, None], ids=["no-lag", "google"])
def test_live_times_the_change_feed_within_its_bound(cli: Cli, lag: int | None) -> None:
    """Google lists an edit minutes late (the sandbox's default lag): the wait is bounded, and said."""
    if lag is not None:
        cli.control.change_lag(lag)
    started = time.monotonic()
    code, checks = live(cli)  # --tunggu-perubahan 3
    assert code == 0
    line = checks["live.perubahan"]
    facts = load_facts(load_settings(cli.config).google.berkas_temuan)
    if lag == 0:
        assert line["status"] == "OK" and "perubahan muncul setelah" in line["detail"]
        assert facts.change_lag_seconds is not None
    else:
        assert line["status"] == "PERINGATAN" and "belum muncul setelah 3 detik" in line["detail"]
        assert "/kirim" in line["fix"] and facts.change_lag_seconds is None
        assert time.monotonic() - started < 60  # bounded: the 180 s lag was not waited out
    assert _scratch_files(cli) == []
