"""``python -m bot doctor`` against the sandbox: a good installation passes every check; each kind
of broken installation fails the check that names it, with its Indonesian fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.demo.provision import ADMIN, BOT_EMAIL
from bot.workflow.machine import Role
from bot.workflow.people import Directory
from sheets import layout
from tests.cli.conftest import Cli, Office, closed_port
from tests.google_edge.conftest import DEMO_MASTER

GOOD_KEYS = {
    "settings",
    "master",
    "google.credentials",
    "google.reachable",
    "google.sheets_api",
    "google.storage",
    "folder.root",
    "folder.archive",
    "folder.SEK",
    "folder.PTK",
    "folder.LAT",
    "folder.HIJ",
    "database",
    "workbook.belum",
    "workbook.rekap",
    "telegram.token",
    "people",
    "people.google",
}


def test_good_installation_passes_every_check(cli: Cli) -> None:
    code, checks = cli.doctor()
    assert code == 0
    assert set(checks) == GOOD_KEYS
    assert {k: c["status"] for k, c in checks.items() if c["status"] != "OK"} == {}
    assert "@kinerja_sandbox_bot" in checks["telegram.token"]["detail"]
    assert "drive-kinerja" in checks["google.storage"]["detail"]


def test_text_report_has_a_line_per_check_and_no_secret(cli: Cli) -> None:
    from sandbox.telegram import DEFAULT_BOT_TOKEN

    code, out, err = cli.run("doctor")
    assert code == 0
    assert out.count("[OK]") == len(GOOD_KEYS)
    assert "Semua pemeriksaan lulus" in out
    assert DEFAULT_BOT_TOKEN not in out + err
    key = Path(cli.settings.google.key_file or "").read_text(encoding="utf-8")
    assert "PRIVATE KEY" in key and "PRIVATE KEY" not in out + err


@dataclass(frozen=True)
class Broken:
    """One way to break an installation, and the check that must say so."""

    key: str
    status: str
    detail: str
    fix: str
    arrange: Callable[[Cli, pytest.MonkeyPatch], Path]
    code: int = 1


def _garbage_key(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    bad = cli.tmp / "rusak.json"
    bad.write_text('{"type": "service_account", "private_key": "bukan kunci"}', encoding="utf-8")
    return cli.write_config({"google": {"key_file": str(bad)}}, "rusak.yaml")


def _missing_key(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return cli.write_config({"google": {"key_file": str(cli.tmp / "tidak-ada.json")}}, "hilang.yaml")


def _stranger_key(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    """A valid key of a service account that is not a member of the Shared Drive."""
    import json

    key = cli.control.call("POST", "google/service-accounts", {"email": "orang-lain@proyek.iam.gserviceaccount.com"})
    path = cli.tmp / "orang-lain.json"
    path.write_text(json.dumps(key), encoding="utf-8")
    return cli.write_config({"google": {"key_file": str(path)}}, "orang-lain.yaml")


def _missing_folder(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    bidang = [dict(b) for b in cli.data["bidang"]]
    bidang[1]["folder_id"] = "folder-salah-ketik"
    return cli.write_config({"bidang": bidang}, "folder.yaml")


def _view_only_folder(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    cli.control.call(
        "POST", "google/folders", {"id": "folder-lihat", "name": "Hanya lihat", "owner": ADMIN, "readers": [BOT_EMAIL]}
    )
    return cli.write_config({"google": {"archive_folder_id": "folder-lihat"}}, "lihat.yaml")


def _no_shared_drive(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    """Folders in the admin's My Drive, shared with the service account; no Shared Drive."""
    bidang = [dict(b) for b in cli.data["bidang"]]
    for item in bidang:
        folder = f"mydrive-{item['kode']}"
        cli.control.call(
            "POST", "google/folders", {"id": folder, "name": item["nama"], "owner": ADMIN, "writers": [BOT_EMAIL]}
        )
        item["folder_id"] = folder
    cli.control.call(
        "POST", "google/folders", {"id": "mydrive-root", "name": "Dinas", "owner": ADMIN, "writers": [BOT_EMAIL]}
    )
    changes: dict[str, Any] = {
        "bidang": bidang,
        "google": {"shared_drive_id": None, "root_folder_id": "mydrive-root", "archive_folder_id": None},
    }
    return cli.write_config(changes, "mydrive.yaml")


def _wrong_shared_drive(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return cli.write_config({"google": {"shared_drive_id": "drive-lain"}}, "drive-lain.yaml")


def _oauth(cli: Cli, *, with_token: bool) -> Path:
    """auth: oauth as the admin (an organizer of the Shared Drive), token file as google-login writes it."""
    import json

    token_file = cli.tmp / "oauth-token.json"
    if with_token:
        person = cli.control.call("POST", "google/accounts", {"email": ADMIN})
        token_file.write_text(
            json.dumps(
                {
                    "token": person["token"],
                    "refresh_token": person["refresh_token"],
                    "token_uri": f"{cli.control.base}/token",
                    "client_id": "kinerja-desktop",
                    "client_secret": "rahasia",
                    "account": ADMIN,
                }
            ),
            encoding="utf-8",
        )
    client = cli.tmp / "oauth-client.json"
    client.write_text('{"installed": {"client_id": "kinerja-desktop"}}', encoding="utf-8")
    google = {
        "auth": "oauth",
        "key_file": None,
        "shared_drive_id": None,
        "oauth_client_file": str(client),
        "oauth_token_file": str(token_file),
    }
    return cli.write_config({"google": google}, "oauth.yaml")


def _oauth_without_login(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return _oauth(cli, with_token=False)


def _bad_token(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KINERJA_TELEGRAM__TOKEN", "123456:token-yang-salah")
    return cli.config


def _no_token(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KINERJA_TELEGRAM__TOKEN")
    return cli.config


def _google_down(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return cli.write_config({"google": {"endpoint": f"http://127.0.0.1:{closed_port()}"}}, "google-mati.yaml")


def _google_overloaded(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    cli.control.fault("google", 503, rate=1.0, method="drive.files.list")
    return cli.config


def _telegram_down(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return cli.write_config({"telegram": {"base_url": f"http://127.0.0.1:{closed_port()}/bot"}}, "tg-mati.yaml")


def _bad_master(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    bad = cli.tmp / "indikator.csv"
    bad.write_text("Bidang,Kode\nPTK,1.01\n", encoding="utf-8")
    return cli.write_config({"google": {"master_indikator": str(bad)}}, "master.yaml")


def _unreadable_settings(cli: Cli, _: pytest.MonkeyPatch) -> Path:
    return cli.write_config({"tahun": "dua ribu", "zona_waktu": "Mars/Olympus"}, "tidak-sah.yaml")


BROKEN = [
    pytest.param(
        Broken("google.credentials", "GAGAL", "tidak dapat dibaca atau rusak", "unduh kunci JSON baru", _garbage_key),
        id="garbage-key",
    ),
    pytest.param(
        Broken("google.credentials", "GAGAL", "tidak ditemukan", "KINERJA_GOOGLE__KEY_FILE", _missing_key),
        id="missing-key-file",
    ),
    pytest.param(
        Broken(
            "google.credentials",
            "GAGAL",
            "Berkas token OAuth belum ada",
            "python -m bot google-login",
            _oauth_without_login,
        ),
        id="oauth-before-google-login",
    ),
    pytest.param(
        Broken("google.storage", "GAGAL", "bukan anggotanya", "sebagai Pengelola konten", _stranger_key),
        id="key-of-another-account",
    ),
    pytest.param(
        Broken("folder.PTK", "GAGAL", "folder-salah-ketik", "periksa ID di bidang[1].folder_id", _missing_folder),
        id="missing-folder",
    ),
    pytest.param(
        Broken("folder.archive", "GAGAL", "hanya dapat melihat", "Pengelola konten", _view_only_folder),
        id="view-only-folder",
    ),
    pytest.param(
        Broken("folder.SEK", "GAGAL", "storageQuotaExceeded", "pindahkan folder ke Drive bersama", _no_shared_drive),
        id="no-shared-drive",
    ),
    pytest.param(
        Broken("google.storage", "GAGAL", "drive-lain", "google.shared_drive_id", _wrong_shared_drive),
        id="wrong-shared-drive-id",
    ),
    pytest.param(Broken("telegram.token", "GAGAL", "ditolak Telegram", "@BotFather", _bad_token), id="bad-bot-token"),
    pytest.param(
        Broken("telegram.token", "GAGAL", "belum diisi", "KINERJA_TELEGRAM__TOKEN", _no_token), id="no-bot-token"
    ),
    pytest.param(
        Broken("google.reachable", "GAGAL", "tidak dapat dihubungi", "google.endpoint menunjuk", _google_down),
        id="google-endpoint-down",
    ),
    pytest.param(
        Broken("google.reachable", "GAGAL", "HTTP 503", "ulangi beberapa menit lagi", _google_overloaded),
        id="google-503",
    ),
    pytest.param(
        Broken("telegram.token", "GAGAL", "tidak dapat dihubungi", "telegram.base_url", _telegram_down),
        id="telegram-endpoint-down",
    ),
    pytest.param(Broken("master", "GAGAL", "tidak dapat dipakai", "perbaiki CSV", _bad_master), id="bad-master-list"),
    pytest.param(
        Broken("settings", "GAGAL", "zona waktu tidak dikenal", "docs/pemasangan.md", _unreadable_settings, code=2),
        id="unreadable-settings",
    ),
]


@pytest.mark.parametrize("case", BROKEN)
def test_broken_installation_fails_the_right_check(cli: Cli, monkeypatch: pytest.MonkeyPatch, case: Broken) -> None:
    config = case.arrange(cli, monkeypatch)
    code, checks = cli.doctor(config)
    assert code == case.code
    if case.key == "settings":
        assert all(c["status"] == "GAGAL" for c in checks.values())
        problems = [c for c in cli.run("doctor", config=config)[1].splitlines() if c.startswith("[GAGAL]")]
        assert any(case.detail in line for line in problems) and any("tahun" in line for line in problems)
        return
    check = checks[case.key]
    assert check["status"] == case.status, check
    assert case.detail in check["detail"], check
    assert case.fix in check["fix"], check
    assert check["status"] in {"OK", "PERINGATAN", "GAGAL", "DILEWATI"}
    # A check is named by what it checks, not by an outcome ("[GAGAL] Google dapat dihubungi").
    assert not any(word in check["name"].split() for word in ("dapat", "tidak", "berhasil", "terikat")), check


def test_no_shared_drive_is_also_a_storage_warning(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _, checks = cli.doctor(_no_shared_drive(cli, monkeypatch))
    assert checks["google.storage"]["status"] == "PERINGATAN"
    assert "google.auth: oauth" in checks["google.storage"]["fix"]


def test_checks_that_depend_on_google_are_skipped_when_it_is_down(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    _, checks = cli.doctor(_google_down(cli, monkeypatch))
    assert checks["folder.PTK"]["status"] == checks["workbook"]["status"] == "DILEWATI"
    assert (checks["google.reachable"]["name"], checks["google.reachable"]["status"]) == ("Koneksi ke Google", "GAGAL")
    assert checks["telegram.token"]["status"] == "OK"  # the other checks still run


def test_workbooks_renamed_tab_and_trashed_workbook(cli: Cli, office: Office) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    reports = office.approve_distribution()
    code, checks = cli.doctor()
    assert code == 0
    assert [k for k in checks if k.startswith("workbook.")] == [
        "workbook.SEK",
        "workbook.PTK",
        "workbook.LAT",
        "workbook.HIJ",
        "workbook.rekap",
    ]
    assert reports["PTK"].url.split("?")[0] in checks["workbook.PTK"]["detail"]

    bot = cli.control.gspread_as(BOT_EMAIL)
    bot.open_by_key(reports["LAT"].url.split("/d/")[1].split("/")[0]).worksheet(layout.TAB_STATUS).update_title("Stat")
    drive = cli.control.drive_as(BOT_EMAIL)
    hij = reports["HIJ"].url.split("/d/")[1].split("/")[0]
    drive.files().update(fileId=hij, body={"trashed": True}, supportsAllDrives=True).execute()

    code, checks = cli.doctor()
    assert code == 1
    assert checks["workbook.LAT"]["status"] == "GAGAL"
    assert "tab Status tidak ditemukan" in checks["workbook.LAT"]["detail"]
    assert "kembalikan nama tab" in checks["workbook.LAT"]["fix"]
    assert checks["workbook.HIJ"]["status"] == "GAGAL"
    assert "tempat sampah" in checks["workbook.HIJ"]["detail"] and "Pulihkan" in checks["workbook.HIJ"]["fix"]
    assert checks["workbook.PTK"]["status"] == "OK"


def test_people_bound_by_settings_by_invite_and_not_at_all(cli: Cli) -> None:
    pejabat = cli.data["pejabat"]
    changes = {
        "pejabat": {
            "kepala_dinas": {**pejabat["kepala_dinas"], "telegram_id": None},
            "sekretaris": {**pejabat["sekretaris"], "telegram_id": None},
        }
    }
    config = cli.write_config(changes, "tanpa-id.yaml")
    from config.settings import load_settings

    settings = load_settings(config)
    assert cli.run("status", config=config)[0] == 0  # creates and migrates the store
    store = cli.store()
    try:
        directory = Directory(settings, store)
        directory.sync_from_settings(datetime.now(settings.tz))
        now = datetime.now(settings.tz)
        code = directory.create_invite(Role.SEKRETARIS, None, pejabat["sekretaris"]["nama"], now)
        directory.redeem_invite(777000111, code, now)
        directory.set_reachable(100000022, False)  # the PTK staff blocked the bot
    finally:
        store.dispose()
    code, checks = cli.doctor(config)
    assert code == 0  # warnings only
    people = checks["people"]
    assert people["status"] == "PERINGATAN"
    assert "1 melalui kode undangan: Sekretaris (Sri Wahyuni" in people["detail"]
    assert "Belum terdaftar: Kepala Dinas (Drs. Arief Ridwan, MM)" in people["detail"]
    assert "python -m bot invite" in people["fix"]
    assert "Staf PTK (Rina Kurniawati" in checks["people.unreachable"]["detail"]
    assert "Mulai" in checks["people.unreachable"]["fix"]


def test_database_behind_the_latest_migration_is_a_warning(cli: Cli) -> None:
    from bot.store.migrate import upgrade

    upgrade(cli.settings.database.url, "0001").dispose()
    _, checks = cli.doctor()
    assert checks["database"]["status"] == "PERINGATAN"
    assert "migrasi dijalankan otomatis" in checks["database"]["fix"]


def test_oauth_installation_passes(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = cli.doctor(_oauth(cli, with_token=True))
    assert code == 0, {k: c for k, c in checks.items() if c["status"] != "OK"}
    assert checks["google.credentials"]["detail"].startswith(f"OAuth {ADMIN}")
    assert checks["google.storage"]["detail"] == f"OAuth: berkas dibuat di Drive milik {ADMIN}"


@time_machine.travel("2027-02-24 09:00 +0700", tick=False)
def test_next_years_master_list_and_the_regencys_days_off(cli: Cli) -> None:
    """Five weeks before TW I 2027: this year's list (2026, TW IV runs) is there, 2027's not yet."""
    folder = cli.tmp / "master"
    folder.mkdir()
    (folder / "2026.csv").write_text(DEMO_MASTER.read_text(encoding="utf-8"), encoding="utf-8")
    changes = {
        "google": {"master_indikator": str(folder / "{tahun}.csv")},
        "hari_libur": {
            "tambahan": [{"tanggal": "2027-03-10", "keterangan": "sudah libur nasional"}],
            "tetap_masuk": [{"tanggal": "2027-03-03", "keterangan": "bukan libur"}],
        },
    }
    config = cli.write_config(changes, "setahun.yaml")
    code, checks = cli.doctor(config)
    assert code == 0
    assert checks["master"]["status"] == "OK" and "2026.csv" in checks["master"]["detail"]
    nxt = checks["master.berikutnya"]
    assert nxt["status"] == "PERINGATAN" and "2027.csv belum ada" in nxt["detail"], nxt
    assert "1 April 2027" in nxt["detail"] and "bagian 5.1" in nxt["fix"]
    libur = checks["hari_libur"]
    assert libur["status"] == "PERINGATAN"
    assert "2027-03-03 (bukan libur) bukan libur nasional" in libur["detail"]
    assert "2027-03-10 (sudah libur nasional) sudah libur" in libur["detail"]
    (folder / "2027.csv").write_text("Bidang,Kode\nPTK,1\n", encoding="utf-8")
    _, checks = cli.doctor(config)
    assert (
        checks["master.berikutnya"]["status"] == "PERINGATAN"
        and "tidak dapat dipakai" in checks["master.berikutnya"]["detail"]
    )
    (folder / "2027.csv").write_text(DEMO_MASTER.read_text(encoding="utf-8"), encoding="utf-8")
    _, checks = cli.doctor(config)
    assert checks["master.berikutnya"]["status"] == "OK" and "2027.csv" in checks["master.berikutnya"]["detail"]
