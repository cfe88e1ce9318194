"""``distribute``, ``status`` and ``export`` in-process against the sandbox, plus ``--help``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import time_machine
from openpyxl import load_workbook

from bot.cli import main
from bot.workflow.machine import BidangState, DinasState
from bot.workflow.notifications import Kind
from sheets import layout
from tests.cli.conftest import Cli, Office
from tests.conftest import REPO_ROOT

# The documented shape of ``status --json`` (docs/perintah.md); schema 1.
_HOLDER = {
    "type": ["object", "null"],
    "required": ["role", "role_label", "names"],
    "additionalProperties": False,
    "properties": {
        "role": {"type": "string"},
        "role_label": {"type": "string"},
        "names": {"type": "array", "items": {"type": "string"}},
    },
}
_TIME = {"type": ["string", "null"], "format": "date-time"}
_TEXT = {"type": ["string", "null"]}
STATUS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "dinas", "tahun", "periods", "period", "bidang"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": 1},
        "dinas": {"type": "string"},
        "tahun": {"type": "integer"},
        "periods": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "tahun", "tw", "state", "running"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "integer"},
                    "tahun": {"type": "integer"},
                    "tw": {"enum": [1, 2, 3, 4]},
                    "state": {"enum": [s.value for s in DinasState]},
                    "running": {"type": "boolean"},
                },
            },
        },
        "period": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": [
                "id",
                "tahun",
                "tw",
                "label",
                "state",
                "state_label",
                "since",
                "step_since",
                "holder",
                "deadline",
                "rekap_url",
                "archive_url",
                "catatan_analisis",
            ],
            "properties": {
                "id": {"type": "integer"},
                "tahun": {"type": "integer"},
                "tw": {"enum": [1, 2, 3, 4]},
                "label": {"type": "string"},
                "state": {"enum": [s.value for s in DinasState]},
                "state_label": {"type": "string"},
                "since": _TIME,
                "step_since": _TIME,
                "holder": _HOLDER,
                "deadline": _TIME,
                "rekap_url": _TEXT,
                "archive_url": _TEXT,
                "catatan_analisis": _TEXT,
            },
        },
        "bidang": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "kode",
                    "nama",
                    "folder_id",
                    "state",
                    "state_label",
                    "since",
                    "step_since",
                    "holder",
                    "workbook_url",
                    "last_reason",
                    "tindak_lanjut",
                ],
                "properties": {
                    "kode": {"type": "string"},
                    "nama": {"type": "string"},
                    "folder_id": {"type": "string"},
                    "state": {"enum": [*(s.value for s in BidangState), None]},
                    "state_label": _TEXT,
                    "since": _TIME,
                    "step_since": _TIME,
                    "holder": _HOLDER,
                    "workbook_url": _TEXT,
                    "last_reason": _TEXT,
                    "tindak_lanjut": _TEXT,
                },
            },
        },
    },
}


def status_json(cli: Cli, *extra: str) -> dict[str, Any]:
    code, out, err = cli.run("status", "--json", *extra)
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, STATUS_SCHEMA, format_checker=jsonschema.FormatChecker())
    return data


def test_help_lists_every_command_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    top = capsys.readouterr().out
    commands = ("doctor", "run", "invite", "distribute", "status", "export", "google-login")
    for command in commands:
        assert f"    {command}" in top and f"python -m bot {command}" in top
    assert "penggunaan:" in top and "contoh pemakaian:" in top
    for command in commands:
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        assert "contoh:" in text and f"python -m bot {command}" in text.split("contoh:")[1], command


def test_help_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert "distribute" in result.stdout and "export" in result.stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["distribute", "--triwulan", "5"], "triwulan harus 1, 2, 3 atau 4", id="triwulan-5"),
        pytest.param(["export", "--triwulan", "satu", "--out", "x"], "triwulan harus", id="triwulan-text"),
        pytest.param(["export", "--triwulan", "1"], "argumen wajib belum diisi: --out", id="missing-out"),
        pytest.param(["status", "--tahun", "26"], "tahun harus angka empat digit", id="short-year"),
        pytest.param(
            ["distribute", "--triwulan", "1", "--config", "/tidak/ada.yaml"],
            "tidak bisa dibaca",
            id="unreadable-config",
        ),
        pytest.param(["laporan"], "pilihan tidak dikenal", id="unknown-command"),
    ],
)
def test_bad_input_is_explained_with_exit_code_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_status_before_any_period(cli: Cli) -> None:
    data = status_json(cli)
    assert data["period"] is None and data["periods"] == []
    assert [b["kode"] for b in data["bidang"]] == ["SEK", "PTK", "LAT", "HIJ"]
    assert all(b["state"] is None and b["workbook_url"] is None for b in data["bidang"])
    code, out, _ = cli.run("status")
    assert code == 0 and "Belum ada periode yang dimulai" in out


@time_machine.travel("2026-04-02 09:00 +0700", tick=False)
def test_distribute_asks_the_sekretaris_then_status_follows_the_period(cli: Cli, office: Office) -> None:
    code, out, err = cli.run("distribute", "--tahun", "2026", "--triwulan", "I")
    assert code == 0, err
    assert "Periode Triwulan I 2026 dimulai" in out
    assert "Sri Wahyuni, S.Sos., M.Si." in out
    # the request waits in the outbox for the running service to deliver it to the Sekretaris
    with office.store.transaction() as tx:
        rows = tx.outbox_rows()
        audit = tx.audit_rows()
    assert [(r.kind, r.recipient_role) for r in rows] == [(Kind.DISTRIBUTION_APPROVAL_REQUEST, "sekretaris")]
    assert audit[-1].actor_nama == "Admin Kinerja Bot (perintah distribute)" and audit[-1].sop_step == 1

    data = status_json(cli)
    assert data["period"]["state"] == DinasState.AWAITING_DISTRIBUTION
    assert data["period"]["holder"]["role"] == "sekretaris"
    assert data["period"]["holder"]["names"] == ["Sri Wahyuni, S.Sos., M.Si."]
    assert data["periods"] == [
        {"id": data["period"]["id"], "tahun": 2026, "tw": 1, "state": DinasState.AWAITING_DISTRIBUTION, "running": True}
    ]

    again = cli.run("distribute", "--triwulan", "1")
    assert again[0] == 0 and "sudah dimulai sebelumnya; tidak ada yang diubah" in again[1]
    with office.store.transaction() as tx:
        assert len(tx.outbox_rows()) == 1

    reports = office.approve_distribution()
    data = status_json(cli)
    assert data["period"]["state"] == DinasState.COLLECTING
    assert data["period"]["deadline"] == "2026-04-10T23:59:59+07:00"  # Good Friday skipped
    for item in data["bidang"]:
        assert item["state"] == BidangState.OPENED
        assert item["workbook_url"] == reports[item["kode"]].url
        assert item["workbook_url"].startswith("https://docs.google.com/spreadsheets/d/")
        assert item["holder"]["role"] == "staf"
    code, text, _ = cli.run("status", "--triwulan", "1")
    assert code == 0
    assert "Periode Triwulan I 2026: dalam tahap pengisian dan koreksi bidang" in text
    assert reports["PTK"].url in text and "batas pengisian: Jumat, 10 April 2026" in text


@time_machine.travel("2026-07-02 09:00 +0700", tick=False)
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["distribute", "--tahun", "2025", "--triwulan", "1"],
            "sebelum tahun pertama yang dijalankan bot",
            id="before-the-first-year",
        ),
        pytest.param(["distribute", "--triwulan", "1"], "Triwulan II 2026 sudah dimulai", id="older-tw-after-newer"),
        pytest.param(["status", "--triwulan", "3"], "Triwulan III 2026 belum dimulai", id="status-unknown-period"),
        pytest.param(["status", "--tahun", "2027"], "Periode tahun 2027 belum dimulai", id="status-year-not-started"),
        pytest.param(["export", "--triwulan", "3", "--out", "ekspor"], "belum dimulai", id="export-unknown-period"),
    ],
)
def test_period_errors_exit_2(cli: Cli, argv: list[str], message: str) -> None:
    assert cli.run("distribute", "--triwulan", "2")[0] == 0
    code, _, err = cli.run(*argv)
    assert code == 2
    assert message in err and "Traceback" not in err


@time_machine.travel("2026-07-02 09:00 +0700", tick=False)
def test_distribute_while_an_earlier_period_runs_says_so(cli: Cli) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    code, out, _ = cli.run("distribute", "--triwulan", "2")
    assert code == 0
    assert "Catatan: periode Triwulan I 2026 masih berjalan" in out and "Periode Triwulan II 2026 dimulai" in out


@time_machine.travel("2027-04-01 09:00 +0700", tick=False)
def test_status_and_distribute_across_two_years(cli: Cli) -> None:
    """Last year's TW IV still running and this year's TW I: a new period defaults to the calendar's year,
    the status to the running period; either year can be named."""
    assert cli.run("distribute", "--tahun", "2026", "--triwulan", "4")[0] == 0
    code, out, _ = cli.run("distribute", "--triwulan", "1")  # the calendar's year: 2027
    assert code == 0
    assert "Catatan: periode Triwulan IV 2026 masih berjalan" in out and "Periode Triwulan I 2027 dimulai" in out
    code, out, _ = cli.run("status", "--json")
    data = json.loads(out)
    assert code == 0 and data["tahun"] == 2027 and data["period"]["label"] == "Triwulan I 2027"
    assert [(p["tahun"], p["tw"], p["running"]) for p in data["periods"]] == [(2026, 4, True), (2027, 1, True)]
    code, out, _ = cli.run("status", "--tahun", "2026")
    assert code == 0 and "Periode Triwulan IV 2026" in out and "Periode lain: Triwulan I 2027" in out
    code, _, err = cli.run("distribute", "--tahun", "2026", "--triwulan", "3")
    assert code == 2 and "Periode Triwulan I 2027 sudah dimulai" in err


@time_machine.travel("2026-01-15 09:00 +0700", tick=False)
def test_distribute_before_the_schedule_says_so(cli: Cli) -> None:
    code, out, _ = cli.run("distribute", "--triwulan", "1")
    assert code == 0
    assert "menurut jadwal Triwulan I 2026 baru dibuka Rabu, 1 April 2026 pukul 08.00 WIB" in out


def test_export_writes_openable_rekap_and_bidang_files(cli: Cli, office: Office, tmp_path: Path) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office.approve_distribution()
    office.collect_everything()
    assert office.service.period_view(office.period_id()).state == DinasState.ANALYSIS

    out_dir = tmp_path / "ekspor" / "2026-TW1"
    code, out, err = cli.run("export", "--tahun", "2026", "--triwulan", "1", "--out", str(out_dir))
    assert code == 0, err
    assert "Selesai: 6 berkas" in out and "Mengunduh rekap dinas" in out
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "bidang-HIJ-2026.xlsx",
        "bidang-LAT-2026.xlsx",
        "bidang-PTK-2026.xlsx",
        "bidang-SEK-2026.xlsx",
        "rekap-2026-TW1.pdf",
        "rekap-2026-TW1.xlsx",
    ]
    rekap = load_workbook(out_dir / "rekap-2026-TW1.xlsx")
    assert {layout.TAB_RINGKASAN, "TW I", layout.TAB_RIWAYAT} <= set(rekap.sheetnames)
    tw1 = [[c for c in row if c is not None] for row in rekap["TW I"].iter_rows(values_only=True)]
    assert any("Rekap Laporan" in str(cell) or "Indikator" in str(cell) for row in tw1 for cell in row)
    pdf = (out_dir / "rekap-2026-TW1.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    ptk = load_workbook(out_dir / "bidang-PTK-2026.xlsx")
    assert set(layout.BIDANG_TABS) <= set(ptk.sheetnames)
    header_row = next(r for r in ptk[layout.TAB_REALISASI].iter_rows(values_only=True) if "Kode" in r)
    assert layout.col_realisasi(1) in header_row

    code, out, _ = cli.run("export", "--triwulan", "1", "--out", str(tmp_path / "rekap-saja"), "--tanpa-bidang")
    assert code == 0 and sorted(p.name for p in (tmp_path / "rekap-saja").iterdir()) == [
        "rekap-2026-TW1.pdf",
        "rekap-2026-TW1.xlsx",
    ]


def test_export_of_a_closed_period_takes_the_archived_copies(cli: Cli, office: Office, tmp_path: Path) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office.approve_distribution()
    office.collect_everything()
    archive = office.workbooks.archive(2026, 1)
    period_id = office.period_id()
    with office.store.transaction() as tx:  # as the close would leave it (the whole chain is tested elsewhere)
        tx.update_period(period_id, state=DinasState.CLOSED, archive_url=archive.url)
    cli.control.reset_stats()
    code, out, err = cli.run("export", "--triwulan", "1", "--out", str(tmp_path / "arsip"), "--tanpa-bidang")
    assert code == 0, err
    assert out.count("salinan arsip") == 2
    methods = cli.control.google_methods()
    assert methods.get("drive.files.get") == 2 and "drive.files.export" not in methods
    assert load_workbook(tmp_path / "arsip" / "rekap-2026-TW1.xlsx").sheetnames[0] == layout.TAB_RINGKASAN


def test_export_before_the_rekap_exists_and_when_google_fails(cli: Cli, office: Office, tmp_path: Path) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    office.approve_distribution()
    code, out, _ = cli.run("export", "--triwulan", "1", "--out", str(tmp_path / "awal"))
    assert code == 0
    assert "Rekap dinas Triwulan I 2026 belum disusun" in out and "Selesai: 4 berkas" in out

    cli.control.fault("google", 500, rate=1.0, method="drive.files.export")
    impatient = cli.write_config({"google": {"maks_percobaan": 1}}, "sekali.yaml")  # no backoff waits in tests
    code, out, err = cli.run("export", "--triwulan", "1", "--out", str(tmp_path / "gagal"), config=impatient)
    assert code == 1
    assert "Google Drive/Sheets sedang tidak dapat dihubungi" in err and "Traceback" not in err


def test_export_into_a_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("distribute", "--triwulan", "1")[0] == 0
    target = tmp_path / "bukan-folder"
    target.write_text("x", encoding="utf-8")
    code, _, err = cli.run("export", "--triwulan", "1", "--out", str(target))
    assert code == 2 and "bukan folder" in err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"google": {"key_file": "/tidak/ada.json"}}, "tidak dapat dibaca atau rusak", id="missing-key"),
        pytest.param({"google": {"master_indikator": "/tidak/ada.csv"}}, "berkas tidak ditemukan", id="missing-master"),
    ],
)
def test_run_refuses_to_start_with_an_explanation(cli: Cli, changes: dict[str, Any], message: str) -> None:
    code, _, err = cli.run("run", config=cli.write_config(changes, "rusak.yaml"))
    assert code == 2
    assert message in err and "python -m bot doctor" in err and "Traceback" not in err
