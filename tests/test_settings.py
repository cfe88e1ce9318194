"""Settings: the example loads; every kind of bad file names each problem by its key path."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.telegram.callback_data import Action, CallbackData, CallbackDataError, decode
from config.settings import (
    Durasi,
    SatuanWaktu,
    SettingsError,
    load_settings,
    parse_settings,
)
from tests.conftest import EXAMPLE_SETTINGS, REPO_ROOT


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_SETTINGS.read_text(encoding="utf-8"))


def test_example_file_loads_with_sop_defaults() -> None:
    settings = load_settings(EXAMPLE_SETTINGS)
    assert settings.dinas.nama == "Dinas Tenaga Kerja Kabupaten Magetan"
    assert [b.kode for b in settings.bidang] == ["SEK", "PTK", "LAT", "HIJ"]
    assert settings.jadwal.jam_buka == time(8, 0)
    assert settings.mutu_baku.for_step(1) == Durasi(jumlah=15, satuan=SatuanWaktu.MENIT)
    assert settings.mutu_baku.for_step(2) == Durasi(jumlah=1, satuan=SatuanWaktu.HARI_KERJA)
    assert settings.mutu_baku.for_step(6) == Durasi(jumlah=30, satuan=SatuanWaktu.MENIT)
    assert settings.mutu_baku.for_step(9) == Durasi(jumlah=5, satuan=SatuanWaktu.MENIT)
    # relative paths are resolved against the settings file's folder
    assert settings.google.master_indikator == REPO_ROOT / "config" / "demo" / "indikator.csv"


def test_sekretariat_is_corrected_by_the_sekretaris() -> None:
    settings = load_settings(EXAMPLE_SETTINGS)
    assert settings.kepala_bidang("SEK") == settings.pejabat.sekretaris
    assert settings.kepala_bidang("PTK").nama == "Agus Priyono, S.H."


def test_settings_are_frozen() -> None:
    settings = load_settings(EXAMPLE_SETTINGS)
    with pytest.raises(pydantic.ValidationError):
        settings.tahun = 2030  # type: ignore[misc]


def test_environment_overrides_file_and_carries_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_TELEGRAM__TOKEN", "123456:secret-token")
    monkeypatch.setenv("KINERJA_DATABASE__URL", "sqlite:///tmp/other.db")
    settings = load_settings(EXAMPLE_SETTINGS)
    assert settings.telegram.resolved_token() == "123456:secret-token"
    assert settings.database.url == "sqlite:///tmp/other.db"
    assert "secret-token" not in repr(settings)


def test_token_file_outside_repo(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("42:from-file\n", encoding="utf-8")
    data = example_data()
    data["telegram"]["token_file"] = str(token_file)
    assert parse_settings(data).telegram.resolved_token() == "42:from-file"


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node: Any = data
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value


_DELETE = object()

BAD_FILES = [
    pytest.param("tahun", "dua ribu", "tahun", "bilangan bulat", id="wrong-type"),
    pytest.param("dinas.nama", _DELETE, "dinas.nama", "wajib diisi", id="missing-key"),
    pytest.param("pejabat.kepala_dinas", _DELETE, "pejabat.kepala_dinas", "wajib diisi", id="missing-section"),
    pytest.param("sekretariat", "XYZ", "sekretariat", "tidak ada di daftar bidang", id="unknown-kode"),
    pytest.param("bidang.1.kode", "SEK", "bidang[1].kode", "sudah dipakai", id="duplicate-kode"),
    pytest.param("bidang.0.editor", ["bukan-email"], "bidang[0].editor[0]", "email tidak sah", id="bad-email"),
    pytest.param("jadwal.jam_buka", "25:61", "jadwal.jam_buka", "jam tidak sah", id="bad-time"),
    pytest.param("zona_waktu", "Asia/Jakartaa", "zona_waktu", "zona waktu tidak dikenal", id="bad-timezone"),
    pytest.param("google.auth", "api_key", "google.auth", "nilai tidak dikenal", id="bad-enum"),
    pytest.param("google.kunci_aneh", 1, "google.kunci_aneh", "kunci tidak dikenal", id="unknown-key"),
    pytest.param("mutu_baku.langkah_3", "sebentar", "mutu_baku.langkah_3", "durasi tidak sah", id="bad-duration"),
    pytest.param("bidang.0.kode", "se k", "bidang[0].kode", 'kode bidang "se k" tidak sah', id="bad-kode-format"),
    pytest.param("bidang.0.kode", "P_TK", "bidang[0].kode", "tanpa spasi, garis bawah", id="kode-with-underscore"),
    pytest.param("bidang.0.kode", "2PT", "bidang[0].kode", "diawali huruf", id="kode-starting-with-a-digit"),
    pytest.param("bidang.0.kode", "PENEMPATANTK1", "bidang[0].kode", "2 sampai 12 huruf", id="kode-too-long"),
    pytest.param(
        "pejabat.sekretaris.telegram_id", -5, "pejabat.sekretaris.telegram_id", "lebih dari", id="negative-id"
    ),
    pytest.param("telegram.token", "123:abc", "telegram.token", "jangan ditulis", id="token-in-file"),
    pytest.param(
        "telegram.concurrent_updates", 0, "telegram.concurrent_updates", "paling sedikit", id="no-concurrent-updates"
    ),
    pytest.param(
        "pejabat.sekretaris.telegram_id",
        100000001,
        "pejabat.sekretaris.telegram_id",
        "sudah dipakai",
        id="same-telegram-id-twice",
    ),
    pytest.param(
        "hari_libur.tambahan",
        [{"tanggal": "31-02-2026", "keterangan": "Tidak ada"}],
        "hari_libur.tambahan[0].tanggal",
        "tanggal tidak sah",
        id="impossible-date",
    ),
    pytest.param(
        "hari_libur.tambahan",
        [{"tanggal": "kemarin", "keterangan": "x"}],
        "hari_libur.tambahan[0].tanggal",
        "harus berupa tanggal",
        id="not-a-date",
    ),
    pytest.param(
        "hari_libur.tetap_masuk",
        [{"tanggal": "2026-12-26", "keterangan": "Sabtu"}],
        "hari_libur",
        "jatuh pada Sabtu/Minggu",
        id="worked-weekend",
    ),
    pytest.param(
        "telegram.base_url", "api.telegram.org/bot", "telegram.base_url", "format tidak sah", id="url-no-scheme"
    ),
    pytest.param(
        "telegram.base_url",
        "https://api.telegram.org/\u00a0bot",
        "telegram.base_url",
        "format tidak sah",
        id="url-nbsp",
    ),
    pytest.param(
        "google.endpoint", "http://127.0.0.1:8080/extra", "google.endpoint", "format tidak sah", id="endpoint-with-path"
    ),
    pytest.param(
        "google.endpoint", "http://sandbox\u2003lokal", "google.endpoint", "format tidak sah", id="endpoint-em-space"
    ),
    pytest.param(
        "google.master_indikator",
        "master/{tahun_anggaran}.csv",
        "google.master_indikator",
        "hanya boleh memuat penanda {tahun}",
        id="unknown-placeholder",
    ),
]


@pytest.mark.parametrize(("key", "value", "path", "fragment"), BAD_FILES)
def test_each_bad_value_is_named_by_its_path(key: str, value: Any, path: str, fragment: str) -> None:
    data = example_data()
    _set(data, key, value)
    with pytest.raises(SettingsError) as caught:
        parse_settings(data, "uji.yaml")
    messages = {p.path: p.message for p in caught.value.problems}
    assert path in messages, messages
    assert fragment in messages[path]
    assert path in str(caught.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("telegram.base_url", "http://127.0.0.1:8081/bot", id="sandbox-telegram"),
        pytest.param("telegram.base_url", "https://bot.kantor.example/jalur/bot", id="telegram-proxy"),
        pytest.param("google.endpoint", "http://127.0.0.1:8081", id="sandbox-google"),
        pytest.param("google.endpoint", "https://google-antara.kantor.example/", id="google-proxy"),
    ],
)
def test_endpoints_the_admin_may_give_are_accepted(key: str, value: str) -> None:
    data = example_data()
    _set(data, key, value)
    settings = parse_settings(data, "uji.yaml")
    section, field = key.split(".")
    assert getattr(getattr(settings, section), field) == value


def test_every_problem_is_reported_at_once() -> None:
    data = example_data()
    for key, value, *_ in (p.values for p in BAD_FILES[:8]):
        _set(data, key, copy.deepcopy(value))
    with pytest.raises(SettingsError) as caught:
        parse_settings(data)
    paths = {p.path for p in caught.value.problems}
    assert {
        "tahun",
        "dinas.nama",
        "sekretariat",
        "bidang[1].kode",
        "bidang[0].editor[0]",
        "jadwal.jam_buka",
        "zona_waktu",
        "pejabat.kepala_dinas",
    } <= paths


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("dinas: [unclosed", "YAML tidak sah, baris", id="yaml-syntax"),
        pytest.param("- just\n- a list\n", "mapping", id="not-a-mapping"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=fragment):
        load_settings(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="tidak bisa dibaca"):
        load_settings(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("08:00", time(8, 0), id="colon"),
        pytest.param("07.30", time(7, 30), id="indonesian-dot"),
        pytest.param(480, time(8, 0), id="yaml11-sexagesimal"),
        pytest.param("08:00:00", time(8, 0), id="with-seconds"),
    ],
)
def test_times(raw: Any, expected: time) -> None:
    data = example_data()
    data["jadwal"]["jam_pengingat"] = raw
    assert parse_settings(data).jadwal.jam_pengingat == expected


def _doctor(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor", "--config", str(config)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_doctor_accepts_the_example_and_names_the_missing_secrets() -> None:
    # The example is valid; it holds no secrets, so the credential checks fail (exit 1), with a fix.
    result = _doctor(EXAMPLE_SETTINGS)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[OK] Berkas pengaturan" in result.stdout
    assert "[GAGAL] Kredensial Google" in result.stdout and "[GAGAL] Bot Telegram" in result.stdout
    assert "Traceback" not in result.stderr


def test_doctor_names_every_problem_and_exits_2(tmp_path: Path) -> None:
    data = example_data()
    data["tahun"] = "dua ribu"
    data["zona_waktu"] = "Mars/Olympus"
    data["bidang"][2]["kode"] = "PTK"
    data["google"]["master_indikator"] = str(REPO_ROOT / "config" / "demo" / "indikator.csv")
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = _doctor(broken)
    assert result.returncode == 2
    for fragment in ("tahun:", "zona_waktu:", "bidang[2].kode:"):
        assert fragment in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_regional_days_off_and_the_yearly_master_list() -> None:
    data = example_data()
    data["tahun"] = None
    data["google"]["master_indikator"] = "/etc/kinerja-bot/master/{tahun}.csv"
    data["hari_libur"] = {
        "tambahan": [{"tanggal": "12-10-2026", "keterangan": "Hari Jadi Kabupaten Magetan"}],
        "tetap_masuk": [{"tanggal": date(2026, 12, 24), "keterangan": "Cuti bersama tidak berlaku"}],
    }
    settings = parse_settings(data, "uji.yaml")
    assert settings.tahun is None
    assert settings.master_per_tahun and str(settings.master_path(2027)) == "/etc/kinerja-bot/master/2027.csv"
    assert settings.hari_libur.libur == {date(2026, 10, 12)} and settings.hari_libur.masuk == {date(2026, 12, 24)}


def test_one_date_in_both_lists_is_refused() -> None:
    data = example_data()
    day = {"tanggal": "2026-12-24", "keterangan": "x"}
    data["hari_libur"] = {"tambahan": [day], "tetap_masuk": [day]}
    with pytest.raises(SettingsError, match="tertulis di tambahan dan di tetap_masuk sekaligus"):
        parse_settings(data, "uji.yaml")


@hypothesis_settings(max_examples=25, deadline=None)
@given(st.text(alphabet="AKPTZ029_ -k.", min_size=1, max_size=14))
def test_the_settings_accept_exactly_the_bidang_kodes_the_buttons_carry(kode: str) -> None:
    """One alphabet (config.settings.KODE_BIDANG_POLA): a kode the settings accept round-trips through
    the button codec, and a kode the codec would refuse is refused when the settings load."""
    data = example_data()
    others = {b["kode"] for b in data["bidang"][1:]} | {data["bidang"][0]["kode"]}
    assume(kode not in others)
    data["bidang"][1]["kode"] = kode
    try:
        parse_settings(data, "uji.yaml")
        accepted = True
    except SettingsError as err:
        assert [p.path for p in err.problems] == ["bidang[1].kode"]
        assert "tidak sah" in err.problems[0].message
        accepted = False
    try:
        button = CallbackData(Action.KOREKSI_APPROVE, 1, kode)
        carried = decode(button.encode()) == button
    except CallbackDataError:
        carried = False
    assert accepted == carried
