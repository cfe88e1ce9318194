"""The Laporan Kinerja PDF (sheets/laporan): what a reader finds in it, read back with pypdf.

A small period (3 bidang of the demo master list, TW I) is rendered once; the tests extract the
text of every page and look for every figure of the rekap (row by row, in column order), the
rekomendasi, the tindak lanjut, the approval line with the Kepala Dinas's NIP and time, the
Riwayat and ``Halaman x dari y``. A long table (150 indicators) shows its header on every page.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from sheets.capaian import Jenis, Polaritas
from sheets.formatting import format_angka
from sheets.laporan import (
    Identitas,
    LaporanInput,
    Pejabat,
    Rekomendasi,
    Riwayat,
    Snapshot,
    TindakLanjut,
    build_laporan,
    nama_berkas,
    rekap_dari_snapshot,
    teks,
)
from sheets.master import Indikator, Master

NAMES = {
    "SEK": "Sekretariat",
    "PTK": "Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja",
    "LAT": "Bidang Pelatihan dan Produktivitas Tenaga Kerja",
}
T0 = datetime(2026, 4, 14, 1, 0, tzinfo=UTC)  # 08.00 WIB
KEPALA = Pejabat("Drs. Arief Ridwan, MM", "196605161986031005")
UMUM = "Percepat serapan anggaran pada TW II, terutama belanja modal."
KHUSUS_PTK = "Tingkatkan penempatan tenaga kerja melalui bursa kerja daerah."
TINDAK_PTK = "Bursa kerja daerah dijadwalkan pada Mei 2026 bersama 40 perusahaan."
TINDAK_LAT = "Pelatihan berbasis kompetensi ditambah dua angkatan."
ANALISIS = "Capaian TW I umumnya baik; serapan anggaran rendah karena pengadaan belum berjalan."


def snapshots_for(master: Master, tw: int = 1) -> list[Snapshot]:
    """Approved TW ``tw`` values: varied realisasi (some missing), anggaran and kendala."""
    result = []
    for kode in dict.fromkeys(item.bidang for item in master.indikator):
        entries: dict[str, dict[str, Any]] = {}
        for n, item in enumerate(master.for_bidang(kode), start=1):
            realisasi = None if n == 5 else (87.5 if item.satuan == "%" else float(n % 4 + 1))
            entries[item.key] = {
                "realisasi": realisasi,
                "anggaran": 1_250_000.0 * n + 0.0,
                "kendala": "Pengadaan belum selesai" if n % 3 == 0 else "",
            }
        result.append(Snapshot(kode, tw, {"indikator": entries}))
    return result


def riwayat() -> tuple[Riwayat, ...]:
    return (
        Riwayat(1, "sekretaris", "Sri Wahyuni, S.Sos., M.Si.", "setujui_distribusi", None, T0, 300, 900, True),
        Riwayat(2, "staf", "Rina Kurniawati, S.E.", "nilai_berubah", "PTK", T0 + timedelta(hours=2)),
        Riwayat(2, "staf", "Rina Kurniawati, S.E.", "ajukan", "PTK", T0 + timedelta(hours=20), 70000, 86400, True),
        Riwayat(
            3,
            "kepala_bidang",
            "Agus Priyono, S.H.",
            "kembalikan",
            "PTK",
            T0 + timedelta(hours=21),
            1200,
            600,
            False,
            "Realisasi baris 3 belum sesuai bukti",
        ),
        Riwayat(4, "kasubbag_kpep", "Bambang Setiawan, S.E.", "kirim_ke_sekretaris", None, T0 + timedelta(days=1)),
        Riwayat(
            5,
            "sekretaris",
            "Sri Wahyuni, S.Sos., M.Si.",
            "teruskan_ke_kepala_dinas",
            None,
            T0 + timedelta(days=1, hours=1),
            500,
            600,
            True,
        ),
        Riwayat(
            6, "kepala_dinas", KEPALA.nama, "disetujui_kepala_dinas", None, T0 + timedelta(days=1, hours=6, minutes=5)
        ),
        Riwayat(
            6,
            "kepala_dinas",
            KEPALA.nama,
            "beri_rekomendasi",
            None,
            T0 + timedelta(days=1, hours=6, minutes=15),
            600,
            1800,
            True,
        ),
        Riwayat(
            9,
            "kepala_bidang",
            "Agus Priyono, S.H.",
            "catat_tindak_lanjut",
            "PTK",
            T0 + timedelta(days=1, hours=7),
            200,
            300,
            True,
        ),
    )


def laporan_input(master: Master, names: dict[str, str] = NAMES, **changes: Any) -> LaporanInput:
    rekomendasi_at = T0 + timedelta(days=1, hours=6, minutes=15)
    data = LaporanInput(
        identitas=Identitas("Magetan", "Dinas Tenaga Kerja Kabupaten Magetan", "Jl. Contoh No. 1, Magetan 63312"),
        tahun=2026,
        tw=1,
        rekap=rekap_dari_snapshot(master, snapshots_for(master), names, 1),
        bidang=names,
        kepala_dinas=KEPALA,
        sekretaris=Pejabat("Sri Wahyuni, S.Sos., M.Si."),
        kasubbag_kpep=Pejabat("Bambang Setiawan, S.E."),
        catatan_analisis=ANALISIS,
        rekomendasi=(Rekomendasi(1, None, UMUM, rekomendasi_at), Rekomendasi(1, "PTK", KHUSUS_PTK, rekomendasi_at)),
        tindak_lanjut=(
            TindakLanjut(1, "PTK", TINDAK_PTK, T0 + timedelta(days=1, hours=7)),
            TindakLanjut(1, "LAT", TINDAK_LAT, T0 + timedelta(days=2, hours=1, minutes=30)),
        ),
        riwayat=riwayat(),
        mutu_baku={1: "15 menit", 2: "1 hari kerja", 3: "10 menit", 5: "10 menit", 6: "30 menit", 9: "5 menit"},
        dibuat=T0 + timedelta(days=3),
    )
    return replace(data, **changes)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def lines_of(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def small_master(demo_master: Master) -> Master:
    return Master(indikator=tuple(i for i in demo_master.indikator if i.bidang in NAMES))


@pytest.fixture(scope="module")
def small(small_master: Master) -> tuple[LaporanInput, bytes, list[str]]:
    data = laporan_input(small_master)
    pdf = build_laporan(data)
    return data, pdf, pages_text(pdf)


def _number(value: Any, decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    return format_angka(float(value), decimals)


def _contains_run(lines: Sequence[str], run: Sequence[str], start: int, window: int = 8) -> bool:
    for offset in range(start, min(start + window, len(lines))):
        if list(lines[offset : offset + len(run)]) == list(run):
            return True
    return False


def test_the_pdf_is_a4_landscape_and_named_by_period(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    _, pdf, _ = small
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-64:]
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    assert nama_berkas(2026, 1) == "laporan-2026-TW1.pdf"


def test_letterhead_title_and_period(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    first = flat(small[2][0])
    assert "PEMERINTAH KABUPATEN MAGETAN" in first and "DINAS TENAGA KERJA" in first
    assert "Jl. Contoh No. 1, Magetan 63312" in first
    assert "LAPORAN KINERJA TRIWULAN I TAHUN 2026" in first
    assert "Periode 1 Januari s.d. 31 Maret 2026" in first
    assert "DRAF" not in first


def test_every_figure_of_every_indicator_is_in_its_row(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    data, _, pages = small
    lines = lines_of("\n".join(pages))
    frame = data.rekap.per_tw[1]
    assert len(frame) == sum(1 for _ in frame.itertuples()) >= 20
    for row in frame.itertuples():
        run = [
            _number(row.target),
            _number(row.realisasi_periode),
            _number(row.realisasi_kumulatif),
            _number(row.capaian, 2),
            row.predikat if isinstance(row.predikat, str) else "-",
            _number(row.pagu, 0),
            _number(row.anggaran_periode, 0),
            _number(row.anggaran_kumulatif, 0),
            _number(row.serapan, 2),
        ]
        starts = [i for i, line in enumerate(lines) if line == row.kode]
        assert starts, row.kode
        assert any(_contains_run(lines, run, i + 1) for i in starts), (row.kode, row.indikator, run)


def test_the_summary_holds_every_bidang_and_the_dinas_figures(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    data, _, pages = small
    text = flat(pages[0])
    ringkasan = data.rekap.ringkasan
    for row in ringkasan.itertuples():
        assert f"({row.kode_bidang})" in text
        for figure in (
            _number(row.jumlah_indikator, 0),
            _number(row.indikator_dinilai, 0),
            _number(row.rata_rata_capaian, 2),
            _number(row.pagu, 0),
            _number(row.anggaran_kumulatif, 0),
            _number(row.serapan, 2),
        ):
            assert figure in text, (row.kode_bidang, figure)
        assert row.predikat in text
    dinas = data.rekap.dinas.iloc[0]
    assert "Seluruh Dinas" in text
    for figure in (_number(dinas["rata_rata_capaian"], 2), _number(dinas["pagu"], 0), _number(dinas["serapan"], 2)):
        assert figure in text
    # The figures of the whole dinas are the sums of the bidang (no recomputation in the report).
    assert int(dinas["jumlah_indikator"]) == len(data.rekap.per_tw[1])
    # Indonesian format: thousands with dots, decimals with a comma; never the English form.
    assert re.search(r"\d,\d{3},\d{3}", "\n".join(pages)) is None


def test_analysis_rekomendasi_and_tindak_lanjut_with_dates(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    text = flat("\n".join(small[2]))
    assert ANALISIS in text
    assert UMUM in text and KHUSUS_PTK in text
    assert "Diberikan oleh Kepala Dinas pada 15 April 2026 pukul 14.15 WIB." in text
    assert TINDAK_PTK in text and TINDAK_LAT in text
    assert "15 April 2026 pukul 15.00 WIB" in text  # PTK's tindak lanjut
    assert "16 April 2026 pukul 09.30 WIB" in text  # LAT's
    assert "Mengikuti rekomendasi umum." in text  # SEK and LAT have no rekomendasi of their own
    assert "Belum ada tindak lanjut." in text  # SEK


def test_the_approval_page_names_the_kepala_dinas_nip_and_time(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    pages = small[2]
    page = next(flat(p) for p in pages if "LEMBAR PENGESAHAN" in p)
    assert (
        "Disetujui oleh Kepala Dinas, Drs. Arief Ridwan, MM (NIP 19660516 198603 1 005), "
        "pada 15 April 2026 pukul 14.05 WIB." in page
    )
    assert "Telah ditelaah oleh Sri Wahyuni, S.Sos., M.Si., Sekretaris, dan diteruskan kepada Kepala Dinas " in page
    assert "pada 15 April 2026 pukul 09.00 WIB" in page
    assert "Magetan, 15 April 2026" in page and "NIP 19660516 198603 1 005" in page


def test_the_riwayat_uses_readable_labels_and_compares_with_mutu_baku(
    small: tuple[LaporanInput, bytes, list[str]],
) -> None:
    page = flat(next(p for p in small[2] if "RIWAYAT PROSES" in p))
    # The labels of sheets.riwayat, as the dinas workbook's Riwayat tab and the demo name them.
    assert "Meneruskan laporan kepada Kepala Dinas" in page
    assert "Mengembalikan laporan bidang (koreksi)" in page
    assert "Melebihi Mutu Baku. Alasan: Realisasi baris 3 belum sesuai bukti" in page
    assert "Sesuai Mutu Baku" in page and "1 hari kerja" in page and "19 jam 26 menit" in page
    assert "Kepala Bidang (Agus Priyono, S.H.)" in page and "setujui_distribusi" not in page
    assert "nilai_berubah" not in page and "ajukan" not in page.split()  # raw event names never show


def test_every_page_says_halaman_x_dari_y(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    pages = small[2]
    total = len(pages)
    assert total >= 5
    assert "Halaman 1 dari " + str(total) in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {total}" in text


def test_no_text_is_smaller_than_8_pt(small: tuple[LaporanInput, bytes, list[str]]) -> None:
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.append(abs(size * tm[0] * cm[0]) or abs(size))

    for page in PdfReader(io.BytesIO(small[1])).pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 8.0 - 1e-6


def long_master(count: int) -> Master:
    items = tuple(
        Indikator(
            bidang="PTK",
            kode=f"2.07.02.2.01.{i:04d}",
            program="Program Penempatan",
            indikator=f"Jumlah pencari kerja yang ditempatkan melalui mekanisme nomor {i}",
            satuan="Orang",
            polaritas=Polaritas.POSITIF,
            jenis=Jenis.KUMULATIF,
            target_tahunan=100.0 + i,
            target_tw=(25.0 + i, None, None, None),
            pagu=1_000_000.0 * i,
        )
        for i in range(1, count + 1)
    )
    return Master(indikator=items)


def test_the_header_repeats_on_every_page_of_a_long_table() -> None:
    master = long_master(150)
    data = laporan_input(master, names={"PTK": NAMES["PTK"]}, rekomendasi=(), tindak_lanjut=())
    pages = pages_text(build_laporan(data))
    table_pages = [p for p in pages if "2.07.02.2.01." in p]
    assert len(table_pages) >= 4
    for text in table_pages:
        assert "Kode dan Indikator Kinerja" in flat(text) and "Kendala/Keterangan" in text
    seen = {int(m) for p in table_pages for m in re.findall(r"^2\.07\.02\.2\.01\.(\d{4})$", p, re.M)}
    assert seen == set(range(1, 151))  # every row once, none lost at a page break


def test_a_report_not_yet_approved_is_marked_draf(small_master: Master) -> None:
    data = laporan_input(
        small_master,
        riwayat=tuple(r for r in riwayat() if r.event not in ("disetujui_kepala_dinas", "beri_rekomendasi")),
        rekomendasi=(),
        tindak_lanjut=(),
    )
    pages = pages_text(build_laporan(data))
    assert all("DRAF - BELUM DISETUJUI KEPALA DINAS" in p for p in pages)
    text = flat("\n".join(pages))
    assert "Belum disetujui Kepala Dinas. Dokumen ini adalah draf untuk ditelaah." in text
    assert "Kepala Dinas belum memberikan rekomendasi untuk periode ini." in text


def test_an_approval_before_a_later_resubmission_does_not_count(small_master: Master) -> None:
    later = Riwayat(4, "kasubbag_kpep", "Bambang Setiawan, S.E.", "kirim_ke_sekretaris", None, T0 + timedelta(days=5))
    pages = pages_text(build_laporan(laporan_input(small_master, riwayat=(*riwayat(), later))))
    assert "Belum disetujui Kepala Dinas" in flat("\n".join(pages))


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_logo_goes_on_the_letterhead_and_a_broken_one_is_left_out(small_master: Master) -> None:
    base = laporan_input(small_master)
    with_logo = replace(base, identitas=replace(base.identitas, logo=_png(60, 80)))
    broken = replace(base, identitas=replace(base.identitas, logo=b"bukan gambar"))
    count = [len(PdfReader(io.BytesIO(build_laporan(d))).pages[0].images) for d in (base, with_logo, broken)]
    assert count == [1, 2, 1]  # the chart; the chart and the logo; the chart


def test_text_people_typed_is_printed_as_typed(small_master: Master) -> None:
    typed = "Naikkan target <b>50%</b> & cek data “bursa” – segera\nBaris kedua ✓"
    data = laporan_input(small_master, catatan_analisis=typed)
    text = "\n".join(pages_text(build_laporan(data)))
    assert "Naikkan target <b>50%</b> & cek data “bursa” – segera" in text
    assert "Baris kedua ✓" in text


def test_formats() -> None:
    from zoneinfo import ZoneInfo

    wib = ZoneInfo("Asia/Jakarta")
    assert teks.tanggal_waktu(datetime(2026, 12, 2, 7, 5, tzinfo=UTC), wib) == "2 Desember 2026 pukul 14.05 WIB"
    assert teks.tanggal_waktu(datetime(2026, 12, 2, 7, 5, tzinfo=UTC), ZoneInfo("Asia/Makassar")).endswith("15.05 WITA")
    assert teks.nip("196605161986031005") == "19660516 198603 1 005"
    assert teks.nip("12345") == "12345"
    assert teks.angka(1234.5) == "1.234,50" and teks.angka(1250.0) == "1.250" and teks.angka(None) == "-"
    assert teks.rupiah(3_250_000_000.0) == "3.250.000.000" and teks.persen(float("nan")) == "-"
    assert teks.durasi(70000) == "19 jam 26 menit" and teks.durasi(90000) == "1 hari 1 jam"
    assert teks.durasi(20) == "kurang dari 1 menit"
    assert teks.periode_tw(4, 2026) == "1 Oktober s.d. 31 Desember 2026"
