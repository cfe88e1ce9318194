"""``python -m bot demo``: the quarter runs to the end and every output holds what it should.

The outputs are checked against independent references: the exported rekap against the rekap
computed here from the values in the bidang sheets; the transcript against the SOP's steps and
the scenario's texts; the riwayat against the state tables (every move chained from the first
state to the last).
"""

from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.cli import main
from bot.demo.filling import load_isian
from bot.demo.paths import ISIAN_DEMO
from bot.demo.script import demo_script
from bot.workflow.machine import BidangState, DinasState
from sheets import layout
from sheets.notes import MARK_TITLE
from tests.demo.conftest import DemoRun

REPO_ROOT = Path(__file__).resolve().parents[2]
KODES = ("SEK", "PTK", "LAT", "HIJ")
SCRIPT = demo_script(2026, load_isian(ISIAN_DEMO))


def _sheet_rows(path: Path, tab: str) -> list[dict[str, object]]:
    """The table of a tab: the rows under its header down to the first empty row (notes follow it)."""
    worksheet = openpyxl.load_workbook(path, read_only=True)[tab]
    rows = list(worksheet.iter_rows(values_only=True))
    header = [str(cell) if cell is not None else "" for cell in rows[0]]
    table = []
    for row in rows[1:]:
        if not any(cell is not None and cell != "" for cell in row):
            break
        table.append(dict(zip(header, row, strict=False)))
    return table


def test_each_tw_tab_says_which_targets_it_was_measured_against(demo: DemoRun) -> None:
    worksheet = openpyxl.load_workbook(demo.out / "rekap-2026-TW1.xlsx", read_only=True)[layout.TW_LABELS[1]]
    assert [c for c in list(worksheet.iter_rows(values_only=True))[-1] if c] == ["Target: APBD Murni"]


def _same(a: object, b: object) -> bool:
    """Equal figures (floats to 1e-9) or both empty."""
    empty_a = a is None or a == "" or (isinstance(a, float) and math.isnan(a))
    empty_b = b is None or b == "" or (isinstance(b, float) and math.isnan(b))
    if empty_a or empty_b:
        return empty_a and empty_b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return str(a) == str(b)


# --- files ------------------------------------------------------------------------------------


def test_every_output_file_is_written(demo: DemoRun) -> None:
    names = sorted(path.name for path in demo.out.iterdir())
    assert names == ["capaian-TW1.png", "laporan-2026-TW1.pdf", "rekap-2026-TW1.xlsx", "riwayat.csv", "transkrip.md"]
    assert all(path.stat().st_size > 0 for path in demo.out.iterdir())


def test_rekap_xlsx_holds_the_dinas_tabs(demo: DemoRun) -> None:
    workbook = openpyxl.load_workbook(demo.out / "rekap-2026-TW1.xlsx")
    assert workbook.sheetnames == list(layout.DINAS_TABS)


@pytest.mark.parametrize("kode", KODES)
def test_ringkasan_matches_the_rekap_of_the_sheets(demo: DemoRun, kode: str) -> None:
    rows = [
        r
        for r in _sheet_rows(demo.out / "rekap-2026-TW1.xlsx", layout.TAB_RINGKASAN)
        if r.get("Kode Bidang") == kode and r.get("Triwulan") == "TW I"
    ]
    assert len(rows) == 1
    expected = demo.reference.ringkasan.set_index("kode_bidang").loc[kode]
    labels = dict(layout.RINGKASAN_COLUMNS)
    for name in (
        "jumlah_indikator",
        "indikator_dinilai",
        "rata_rata_capaian",
        "predikat",
        "sangat_tinggi",
        "tinggi",
        "sedang",
        "rendah",
        "sangat_rendah",
        "pagu",
        "anggaran_kumulatif",
        "serapan",
    ):
        assert _same(rows[0][labels[name]], expected[name]), (kode, name, rows[0][labels[name]], expected[name])


def test_tw1_tab_matches_every_indicator_of_the_sheets(demo: DemoRun) -> None:
    rows = _sheet_rows(demo.out / "rekap-2026-TW1.xlsx", layout.TW_LABELS[1])
    expected = demo.reference.per_tw[1]
    assert len(rows) == len(expected) == len(demo.master) == 28
    labels = dict(layout.REKAP_TW_COLUMNS)
    for row, (_, want) in zip(rows, expected.iterrows(), strict=True):
        for name in (
            "kode_bidang",
            "indikator",
            "target",
            "realisasi_kumulatif",
            "capaian",
            "predikat",
            "pagu",
            "anggaran_kumulatif",
            "serapan",
        ):
            assert _same(row[labels[name]], want[name]), (want["indikator"], name, row[labels[name]], want[name])


def test_summary_the_bot_kept_is_the_reference(demo: DemoRun) -> None:
    """The figures printed and sent in chat (the period's rekap summary) equal the reference rekap."""
    ringkasan = demo.reference.ringkasan.set_index("kode_bidang")
    for kode, figures in demo.report.summary["bidang"].items():
        assert _same(figures["rata_rata_capaian"], ringkasan.loc[kode, "rata_rata_capaian"])
        assert figures["predikat"] == ringkasan.loc[kode, "predikat"]
    dinas = demo.reference.dinas.iloc[0]
    assert _same(demo.report.summary["dinas"]["rata_rata_capaian"], dinas["rata_rata_capaian"])


def test_rekomendasi_tab_holds_every_rekomendasi_and_tindak_lanjut(demo: DemoRun) -> None:
    rows = _sheet_rows(demo.out / "rekap-2026-TW1.xlsx", layout.TAB_REKOMENDASI)
    texts = {str(r["Rekomendasi Kepala Dinas"]): r for r in rows}
    assert SCRIPT.rekomendasi_umum in texts
    for kode, rekomendasi in SCRIPT.rekomendasi_bidang.items():
        assert texts[rekomendasi]["Tindak Lanjut"] == SCRIPT.tindak_lanjut[kode]


def test_chart_is_a_valid_png(demo: DemoRun) -> None:
    path = demo.out / "capaian-TW1.png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (800, 450)
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (450, 800) and pixels.std() > 0  # not a blank image


def test_archive_is_the_report_document_the_bot_wrote(demo: DemoRun) -> None:
    """The archived PDF is the Laporan Kinerja (#18), not Google's export of the workbook's grids."""
    data = (demo.out / "laporan-2026-TW1.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "LAPORAN KINERJA TRIWULAN I TAHUN 2026" in text.upper()
    assert f"Halaman 1 dari {len(reader.pages)}" in text
    assert "LEMBAR PENGESAHAN" in text.upper() and "Disetujui oleh Kepala Dinas" in text


# --- transcript -------------------------------------------------------------------------------


@pytest.mark.parametrize("step", range(1, 10), ids=[f"langkah-{n}" for n in range(1, 10)])
def test_transcript_holds_every_sop_step(demo: DemoRun, step: int) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    assert re.search(rf"\blangkah (SOP )?{step}\b", text, re.IGNORECASE)


def test_transcript_holds_the_returns_with_their_reasons(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    # The Kepala Bidang's return: the reason asked for, given, and passed to the staff.
    assert "Mohon tuliskan alasan pengembalian laporan bidang" in text
    assert text.count(SCRIPT.alasan_kepala_bidang) >= 3  # the reply, the outcome line, the staff's notice
    assert "Laporan dikembalikan untuk diperbaiki" in text
    # The Sekretaris's return of the draft, with its reason, to the Kasubbag.
    assert "Laporan kinerja dinas dikembalikan" in text
    assert text.count(SCRIPT.alasan_sekretaris) >= 3
    # The typing error the bot caught, naming the cell, in chat and in the sheet the staff reads.
    assert re.search(r'sel M\d+: Realisasi TW I, baris \d+ .*"87,5x" bukan angka', text)
    assert re.search(r'di Google Sheets: membaca Catatan Validasi pada barisnya: .*"87,5x" bukan angka', text)
    # The Kepala Bidang's reason, written into the sheet's Status tab.
    assert re.search(rf"tab Status \(Dikembalikan Kepala Bidang\): \"{re.escape(SCRIPT.alasan_kepala_bidang)}\"", text)


def test_transcript_shows_the_wrong_cell_marked_in_the_sheet(demo: DemoRun) -> None:
    """The typing error is marked on its cell (red, with the message as the cell's note), and every
    mark is gone once the reports are approved."""
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    assert re.search(
        r'sel M\d+ berlatar merah, catatan selnya: "Kesalahan: Realisasi TW I, .*"87,5x" bukan angka', text
    )
    assert {kode: [n for n in notes.values() if n.startswith(MARK_TITLE)] for kode, notes in demo.notes.items()} == {
        kode: [] for kode in KODES
    }


def test_photo_sent_as_bukti_dukung_is_kept_and_linked(demo: DemoRun) -> None:
    bukti = SCRIPT.bukti_foto
    assert bukti is not None
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    staff = _section(text, f"Staf {bukti.bidang}")
    assert "> [Foto]" in staff and "Bukti dukung ini untuk indikator" in staff
    assert re.search(rf"menekan tombol \[\d+\. {re.escape(bukti.indikator[:20])}", staff)
    assert f"Bukti dukung tersimpan untuk indikator 3. {bukti.indikator} (Triwulan I 2026)" in staff
    [photo] = [f for f in demo.files if f["mimeType"] == "image/jpeg" and f["appProperties"].get("kinerja_jenis")]
    [folder] = [f for f in demo.files if f["id"] in photo["parents"]]
    assert folder["name"] == "Bukti Dukung TW I 2026"
    row = demo.tables[bukti.bidang].set_index("indikator").loc[bukti.indikator]
    assert photo["id"] in str(row["bukti"])  # the link in the sheet, and in the rekap it feeds
    [audit] = [r for r in _riwayat(demo) if r["Peristiwa"] == "unggah_bukti_dukung"]
    assert audit["Bidang"] == bukti.bidang and audit["Langkah SOP"] == "2" and photo["id"] in audit["Catatan"]


def _section(text: str, peran: str) -> str:
    """One person's part of the transcript, by the role in its heading (``Staf SEK``)."""
    for part in text.split("\n## ")[1:]:
        if part.split("\n", 1)[0].endswith(f"({peran})"):
            return part
    raise AssertionError(f"no section for {peran}")


def test_transcript_shows_buttons_and_presses(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    assert "[Buka folder HIJ] [Setujui] [Tunda])" in text  # the folders' links, then the decision
    assert "menekan tombol [Kembalikan]" in text
    button_lines = [line for line in text.splitlines() if line.startswith("Tombol: ")]
    assert not [line for line in button_lines if "[Catat tindak lanjut]" in line]  # every request was answered
    assert "(Bot meminta balasan atas pesan ini.)" in text


def test_transcript_shows_links_as_buttons_not_in_the_text(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    said = [line for line in text.splitlines() if line.startswith(">")]
    assert not [line for line in said if "https://" in line]  # no raw link in any message
    assert re.search(r"\[Buka laporan\]\(https://docs\.google\.com/spreadsheets/d/[\w-]+/", text)
    assert re.search(r"\[Buka rekap\]\(https://docs\.google\.com/spreadsheets/d/[\w-]+/", text)
    assert "[Buka folder arsip](https://drive.google.com/drive/folders/" in text


def test_transcript_shows_everyone_registering_through_the_invite_link(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    opened = re.findall(
        r"membuka tautan undangan https://t\.me/kinerja_sandbox_bot\?start=(\w+) lalu menekan Mulai", text
    )
    assert len(opened) == 10 and len(set(opened)) == 10
    for code in opened:
        assert f"> /start {code}" in text
    assert text.count("> Pendaftaran berhasil. Selamat datang") == 10
    assert "Pendaftaran: 10 pegawai membuka tautan undangan" in demo.printed


def test_transcript_shows_a_bantuan_answer_with_its_buttons(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    assert "> /bantuan" in text and "> Ada 1 hal yang menunggu tindakan Bapak/Ibu saat ini" in text
    item = text.split("> Menunggu koreksi Bapak/Ibu", 1)[1].split("**Kinerja Bot**", 1)[0]
    assert re.search(r"Tombol: \[Buka laporan\]\(https://[^)]+\) \[Setujui\] \[Kembalikan\]", item)


def test_transcript_has_a_section_per_person(demo: DemoRun) -> None:
    text = (demo.out / "transkrip.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert len(sections) == 10  # 3 officials + 3 Kepala Bidang + 4 staff (the Sekretaris corrects SEK)
    assert "Sri Wahyuni, S.Sos., M.Si. (Sekretaris)" in sections


# --- riwayat ----------------------------------------------------------------------------------


def _riwayat(demo: DemoRun) -> list[dict[str, str]]:
    with (demo.out / "riwayat.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_riwayat_chains_every_transition_of_the_dinas_report(demo: DemoRun) -> None:
    dinas = [r for r in _riwayat(demo) if r["Laporan"] == "dinas" and r["Ke Status"]]
    state = ""
    for row in dinas:
        assert row["Dari Status"] == state, row
        state = row["Ke Status"]
    assert state == DinasState.CLOSED
    events = [r["Peristiwa"] for r in dinas]
    assert events.count("dikembalikan_sekretaris") == 1
    assert events.count("catat_tindak_lanjut") == len(KODES)
    for event in (
        "mulai_periode",
        "setujui_distribusi",
        "semua_bidang_disetujui",
        "kirim_ke_sekretaris",
        "teruskan_ke_kepala_dinas",
        "disetujui_kepala_dinas",
        "beri_rekomendasi",
        "serahkan_ke_kasubbag",
        "serahkan_ke_bidang",
        "tutup",
    ):
        assert event in events


@pytest.mark.parametrize("kode", KODES)
def test_riwayat_chains_every_transition_of_each_bidang(demo: DemoRun, kode: str) -> None:
    rows = [r for r in _riwayat(demo) if r["Laporan"] == "bidang" and r["Bidang"] == kode and r["Ke Status"]]
    state = BidangState.OPENED.value
    for row in rows:
        assert row["Dari Status"] == state, row
        state = row["Ke Status"]
    assert state == BidangState.APPROVED
    events = [r["Peristiwa"] for r in rows]
    assert events.count("kembalikan") == (1 if kode == SCRIPT.terlewat.bidang else 0)
    assert events.count("pengajuan_tidak_valid") == (1 if kode == SCRIPT.salah_ketik.bidang else 0)


def test_riwayat_keeps_the_reasons_and_the_mutu_baku(demo: DemoRun) -> None:
    rows = _riwayat(demo)
    reasons = {r["Peristiwa"]: r["Alasan"] for r in rows if r["Alasan"]}
    assert reasons["kembalikan"] == SCRIPT.alasan_kepala_bidang
    assert reasons["dikembalikan_sekretaris"] == SCRIPT.alasan_sekretaris
    late = [r for r in rows if r["Sesuai Mutu Baku"] == "tidak"]
    assert [(r["Bidang"], r["Langkah SOP"]) for r in late] == [("LAT", "2")]  # the one late submission


def test_the_riwayat_tab_reads_as_the_timeline_without_codes(demo: DemoRun) -> None:
    """The exported rekap's Riwayat tab (what ``export`` downloads) names each step and who took it
    with the timeline's labels (sheets.riwayat), never an event or role code."""
    rows = _sheet_rows(demo.out / "rekap-2026-TW1.xlsx", layout.TAB_RIWAYAT)
    kegiatan, pelaku = dict(layout.RIWAYAT_COLUMNS)["kegiatan"], dict(layout.RIWAYAT_COLUMNS)["pelaku"]
    timeline = {row.peristiwa for row in demo.report.timeline}
    assert {str(r[kegiatan]) for r in rows} <= timeline
    assert ("Menyetujui pembagian format", "Sekretaris (Sri Wahyuni, S.Sos., M.Si.)") in {
        (r[kegiatan], r[pelaku]) for r in rows
    }
    assert ("Menolak pengajuan: isian belum benar", "Kinerja Bot") in {(r[kegiatan], r[pelaku]) for r in rows}
    cells = [str(cell) for r in rows for cell in r.values() if cell is not None]
    assert not [c for c in cells if re.search(r"\b[a-z]+_[a-z_]+\b|\((system|kasubbag_kpep|staf)\)", c)]


@pytest.mark.parametrize(
    ("kode", "alur"),
    [
        pytest.param("SEK", "Disetujui Sekretaris", id="sekretariat-by-the-sekretaris"),
        pytest.param("PTK", "Disetujui Kepala Bidang", id="resubmitted-with-kirim"),
        pytest.param("LAT", "Disetujui Kepala Bidang", id="submitted-with-kirim"),
        pytest.param("HIJ", "Disetujui Kepala Bidang", id="submitted-in-the-sheet"),
    ],
)
def test_an_approved_status_row_names_the_corrector_and_reads_siap_dikoreksi(
    demo: DemoRun, kode: str, alur: str
) -> None:
    """Whoever corrected it and whichever way it was submitted (sheet or /kirim), an approved TW's
    Status row reads the same: Status Pengisian "Siap Dikoreksi", Status Alur naming the corrector."""
    row = demo.status[kode]
    assert (row.status_pengisian, row.status_alur) == (layout.STATUS_SIAP_DIKOREKSI, alur)


# --- what it printed ------------------------------------------------------------------------


def test_progress_timeline_and_rekap_are_printed(demo: DemoRun) -> None:
    printed = demo.printed
    steps = demo.report.steps
    assert len(re.findall(rf"^\[\s*\d+/{steps}\] ", printed, re.MULTILINE)) == steps
    assert "Langkah  Waktu" in printed and "Mutu Baku" in printed and "Waktu pelaksanaan" in printed
    for kode in KODES:
        assert re.search(
            rf"\({kode}\)\s+\d+/\d+\s+\d+,\d\d%\s+(Sangat Tinggi|Tinggi|Sedang|Rendah|Sangat Rendah)", printed
        )
    assert "Dinas Tenaga Kerja Kabupaten Magetan (total)" in printed
    assert "Demo selesai dalam" in printed


def test_timeline_covers_the_sop_steps(demo: DemoRun) -> None:
    steps = {row.langkah for row in demo.report.timeline}
    assert steps == set(range(1, 10))
    verdicts = {row.status for row in demo.report.timeline}
    assert verdicts == {"sesuai", "melewati", "-"}


# --- the command --------------------------------------------------------------------------------


def test_command_exits_zero_and_writes_the_outputs(tmp_path: Path) -> None:
    out = tmp_path / "keluaran"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--out", str(out), "--cepat"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Demo selesai dalam" in done.stdout
    assert (out / "rekap-2026-TW1.xlsx").read_bytes().startswith(b"PK")
    assert len(list(out.iterdir())) == 5


def test_command_fails_with_an_indonesian_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder", encoding="utf-8")
    assert main(["demo", "--out", str(blocker / "keluaran"), "--cepat"]) == 1
    assert "Demo gagal: Folder keluaran" in capsys.readouterr().err


def test_help_lists_the_demo_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "python -m bot demo --out demo-out" in capsys.readouterr().out
    assert main(["demo", "--help"]) == 0
    assert "python -m bot demo --out /tmp/demo --cepat" in capsys.readouterr().out


def test_readme_shows_the_two_commands_first_and_the_chart() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme[readme.index("```bash") :]
    first_block = first_block[: first_block.index("```", 3)]
    assert "scripts/demo.sh" in first_block and "scripts/test.sh" in first_block
    assert "sedang dibangun" not in readme
    assert "docs/img/capaian-TW1.png" in readme
    image = REPO_ROOT / "docs" / "img" / "capaian-TW1.png"
    with Image.open(io.BytesIO(image.read_bytes())) as picture:
        assert picture.format == "PNG"
