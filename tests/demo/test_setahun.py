"""``python -m bot demo --setahun``: the year runs to the end; the annual files hold the hand-worked figures.

The demo runs once (``--cepat``) on a sandbox this module owns, so the Drive files can be read
afterwards (the next year's workbooks). Its staff type TW I's isian (config/demo/isian-tw1.csv)
again in every TW, so each indicator's year can be worked out by hand below from DESIGN.md
section 4: Kumulatif sums four equal TWs, Nilai Akhir and Rata-rata keep the TW's value; the
revision (config/demo/indikator-perubahan.csv) lowered one annual target from 1.200 to 1.000.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from bot.demo import DemoReport, run_demo
from bot.demo.setahun import (
    EMPTY_INDIKATOR,
    LATE_BIDANG,
    PLH_BIDANG,
    PLH_FROM,
    RETURN_REASON,
    format_tahunan,
)
from sandbox.control import SandboxControl
from sandbox.server import running_sandbox
from sheets import layout
from sheets.google.drive import PROP_BIDANG, PROP_JENIS, PROP_TAHUN

KODES = ("SEK", "PTK", "LAT", "HIJ")
SUGENG, HENDRO = "Sugeng Riyadi, S.H., M.H.", "Hendro Wibowo, S.T."
KASUBBAG = "Bambang Setiawan, S.E."


@dataclass(frozen=True)
class Year:
    """One finished year demo: its report, what it printed, and the Drive files at the end."""

    report: DemoReport
    printed: str
    files: list[dict[str, Any]]

    @property
    def out(self) -> Path:
        return self.report.out


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Year]:
    out = tmp_path_factory.mktemp("setahun") / "demo-out"
    printed: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PTB_TIMEDELTA", "1")
        with running_sandbox() as server:
            report = run_demo(out, cepat=True, write=printed.append, sandbox=server, setahun=True)
            files = SandboxControl(server.base_url).files()
    yield Year(report, "".join(printed), files)


def _indikator_rows(path: Path) -> dict[str, dict[str, str]]:
    """The Tahunan CSV's indicator table: indicator name -> column name -> cell."""
    grid = list(csv.reader(path.open(encoding="utf-8")))
    labels = [label for _, label in layout.TAHUNAN_INDIKATOR_COLUMNS]
    names = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
    start = next(i for i, row in enumerate(grid) if row[: len(labels)] == labels) + 1
    rows = {}
    for row in grid[start:]:
        if not any(row[: len(names)]):
            break
        rows[row[names.index("indikator")]] = dict(zip(names, row, strict=False))
    return rows


def _riwayat(year: Year) -> list[dict[str, str]]:
    with (year.out / "riwayat-2026.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_annual_files_are_written_beside_the_quarters(year: Year) -> None:
    names = {path.name for path in year.out.iterdir()}
    assert names == {
        "capaian-TW1.png",
        "laporan-2026-TW1.pdf",
        "rekap-2026-TW1.xlsx",
        "riwayat.csv",
        "transkrip.md",
        "rekap-2026-TW4.xlsx",
        "tahunan-2026.csv",
        "laporan-2026-TW4.pdf",
        "riwayat-2026.csv",
        "lini-masa-2026.md",
    }
    assert all(path.stat().st_size > 0 for path in year.out.iterdir())
    assert (year.out / "laporan-2026-TW4.pdf").read_bytes().startswith(b"%PDF")
    workbook = openpyxl.load_workbook(year.out / "rekap-2026-TW4.xlsx", read_only=True)
    assert list(workbook.sheetnames) == list(layout.dinas_tabs(4))


# (indicator, target tahunan, realisasi tahunan, capaian %, serapan %, capaian TW I-IV), by hand:
HAND_WORKED = [
    pytest.param(
        "Jumlah pencari kerja yang ditempatkan",
        1000.0,  # revised from 1.200 (APBD Perubahan)
        848.0,  # 212 in each of four TWs
        84.8,  # 848 / 1.000 (70,67% against the old target)
        165000000 / 175000000 * 100,  # 4 x Rp41.250.000 of Rp175.000.000
        # 212/250, 424/600, then against the revised TW targets 636/750 (not /900) and 848/1.000
        [84.8, 424 / 600 * 100, 84.8, 84.8],
        id="kumulatif-revised-target",
    ),
    pytest.param(
        "Persentase sarana prasarana kantor dalam kondisi baik",
        95.0,
        92.5,  # Nilai Akhir: the last TW's value, not a sum
        92.5 / 95 * 100,
        4 * 21400000 / 125000000 * 100,
        [92.5 / 95 * 100] * 4,
        id="nilai-akhir",
    ),
    pytest.param(
        "Rata-rata waktu penyelesaian surat masuk",
        2.0,
        1.8,  # Rata-rata of 1,8 four times
        110.0,  # Negatif: (2 x 2 - 1,8) / 2
        4 * 19750000 / 85000000 * 100,
        [110.0] * 4,
        id="rata-rata-negatif",
    ),
    pytest.param(
        EMPTY_INDIKATOR,
        13.0,
        12.0,  # 3 a TW: the realisasi left empty in TW IV was completed before it counted
        12 / 13 * 100,
        4 * 4150000 / 18000000 * 100,
        [100.0, 100.0, 100.0, 12 / 13 * 100],  # 3/3, 6/6, 9/9, 12/13
        id="kumulatif-tw4-completed",
    ),
    pytest.param(
        "Persentase pekerja formal yang terdaftar BPJS Ketenagakerjaan",
        72.0,
        63.8,  # the value corrected after the Plh's return (not the 6,38 first typed)
        63.8 / 72 * 100,
        4 * 9100000 / 55000000 * 100,
        [63.8 / 65 * 100, 63.8 / 68 * 100, 63.8 / 70 * 100, 63.8 / 72 * 100],
        id="nilai-akhir-after-plh-return",
    ),
]


@pytest.mark.parametrize(("indikator", "target", "realisasi", "capaian", "serapan", "trend"), HAND_WORKED)
def test_the_year_per_indicator_equals_the_hand_worked_figures(
    year: Year, indikator: str, target: float, realisasi: float, capaian: float, serapan: float, trend: list[float]
) -> None:
    row = _indikator_rows(year.out / "tahunan-2026.csv")[indikator]
    assert float(row["target_tahunan"]) == pytest.approx(target)
    assert float(row["realisasi_tahunan"]) == pytest.approx(realisasi)
    assert float(row["capaian"]) == pytest.approx(capaian)
    assert float(row["serapan"]) == pytest.approx(serapan)
    assert [float(row[f"capaian_tw{tw}"]) for tw in (1, 2, 3, 4)] == pytest.approx(trend)


def test_the_annual_table_is_printed_from_the_tahunan_tab(year: Year) -> None:
    rows = year.report.tahunan
    assert [row.get("kode_bidang") or row.get("bidang") for row in rows] == [*KODES, layout.SELURUH_DINAS]
    assert all(row["indikator_dinilai"] == row["jumlah_indikator"] for row in rows)  # every TW reported
    assert format_tahunan(rows) in year.printed
    dinas = rows[-1]
    assert dinas["jumlah_indikator"] == 28 and dinas["predikat"]
    # The dinas row of the CSV is the one printed.
    grid = list(csv.reader((year.out / "tahunan-2026.csv").open(encoding="utf-8")))
    [whole] = [row for row in grid if layout.SELURUH_DINAS in row[:2]]
    assert float(whole[9]) == pytest.approx(float(dinas["rata_rata_capaian"]))


def test_the_next_years_first_quarter_is_opened_with_new_workbooks(year: Year) -> None:
    books = [f for f in year.files if (f.get("appProperties") or {}).get(PROP_JENIS) == "bidang"]
    by_year = {(f["appProperties"][PROP_TAHUN], f["appProperties"][PROP_BIDANG]): f for f in books}
    for kode in KODES:
        old, new = by_year[("2026", kode)], by_year[("2027", kode)]
        assert new["id"] != old["id"] and new["parents"] == old["parents"]
    assert "2027 TW I  Kinerja Bot: membuka Triwulan I 2027 sesuai kalender" in year.printed


def test_the_plh_acts_and_the_audit_names_both(year: Year) -> None:
    riwayat = _riwayat(year)
    acting = f"{HENDRO} (Plh., atas nama {SUGENG})"
    by_plh = [r for r in riwayat if r["Nama Pelaksana"] == acting]
    assert {(r["Bidang"], r["Peristiwa"]) for r in by_plh} == {(PLH_BIDANG, "kembalikan"), (PLH_BIDANG, "setujui")}
    [returned] = [r for r in by_plh if r["Peristiwa"] == "kembalikan"]
    assert returned["Alasan"] == RETURN_REASON
    assert f"Kepala Bidang {PLH_FROM} ({HENDRO}) sebagai Plh: menyetujui laporan {PLH_BIDANG}" in year.printed


def test_the_revision_is_audited_and_states_its_targets(year: Year) -> None:
    [revision] = [r for r in _riwayat(year) if r["Peristiwa"] == "perubahan_target"]
    assert revision["Nama Pelaksana"] == KASUBBAG and revision["Waktu"].startswith("2026-09-15")
    worksheet = openpyxl.load_workbook(year.out / "rekap-2026-TW4.xlsx", read_only=True)[layout.TW_LABELS[4]]
    assert [c for c in list(worksheet.iter_rows(values_only=True))[-1] if c] == [
        "Target: APBD Perubahan (berlaku 15 September 2026)"
    ]


def test_each_quarter_has_its_own_slip(year: Year) -> None:
    printed = year.printed
    reminders = re.search(r"TW II  Kinerja Bot: batas pengisian .* terlewati; (\d+) pengingat terkirim", printed)
    assert reminders is not None and int(reminders.group(1)) > 0
    riwayat = _riwayat(year)
    late = [r for r in riwayat if r["Bidang"] == LATE_BIDANG and r["Waktu"].startswith("2026-07-09")]
    assert any(r["Peristiwa"] == "ajukan" for r in late)  # the day after the deadline (8 July)
    assert f'mengosongkan realisasi "{EMPTY_INDIKATOR}"; Kinerja Bot menolak pengajuan' in printed
    closed = [r["Waktu"][:10] for r in riwayat if r["Peristiwa"] == "tutup"]
    assert len(closed) == 4  # TW I-IV of 2026 closed; 2027's TW I is open
