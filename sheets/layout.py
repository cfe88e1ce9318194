"""The workbooks as data: the one definition of every tab, header label, editable range and dropdown.

The Google adapter builds the workbooks from it, the validator finds columns by its labels and
the tests check against it; nothing else spells a header label. DESIGN.md section 3.

Bidang workbook (``Laporan Kinerja <tahun> - <nama bidang>``): tabs ``Petunjuk``, ``Realisasi``
(:data:`REALISASI_HEADER`, one row per indicator, written by :func:`initial_realisasi_grid`)
and ``Status`` (:data:`STATUS_HEADER`, one row per TW). Dinas workbook
(``Rekap Laporan Kinerja <tahun> - <nama dinas>``): tabs ``Ringkasan``, ``TW I`` .. ``TW IV``,
``Rekomendasi`` and ``Riwayat`` (and ``Tahunan`` once TW IV is rekapped), their columns given as
(frame column, sheet label) pairs so that :func:`sheets.aggregate.rows_for_sheet` can label a pandas frame.

Row and column numbers: ``row`` is the 1-based sheet row, ``col`` the 0-based column index
(the position in a values.get row list); A1 helpers turn them into ``N14``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sheets.numbers import DomainError


class IndikatorRow(Protocol):
    """What the layout reads of one master indicator (:class:`sheets.master.Indikator` has it)."""

    @property
    def kode(self) -> str: ...
    @property
    def program(self) -> str: ...
    @property
    def indikator(self) -> str: ...
    @property
    def satuan(self) -> str: ...
    @property
    def polaritas(self) -> object: ...
    @property
    def jenis(self) -> object: ...
    @property
    def target_tahunan(self) -> float | None: ...
    @property
    def target_tw(self) -> Sequence[float | None]: ...
    @property
    def pagu(self) -> float | None: ...


__all__ = [
    "BIDANG_TABS",
    "COL_ANGGARAN",
    "COL_BUKTI",
    "COL_CATATAN_VALIDASI",
    "COL_INDIKATOR",
    "COL_JENIS",
    "COL_KENDALA",
    "COL_KODE",
    "COL_NO",
    "COL_PAGU",
    "COL_POLARITAS",
    "COL_PROGRAM",
    "COL_SATUAN",
    "COL_TARGET_TAHUNAN",
    "DINAS_TABS",
    "EDITABLE_FIXED_COLUMNS",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "KOREKTOR",
    "NUMERIC_COLUMNS",
    "PETUNJUK_TEXT",
    "REALISASI_HEADER",
    "REKAP_TW_COLUMNS",
    "REKOMENDASI_COLUMNS",
    "RINGKASAN_COLUMNS",
    "RIWAYAT_COLUMNS",
    "SELURUH_DINAS",
    "STATUS_ALUR_BELUM_DIBUKA",
    "STATUS_DRAFT",
    "STATUS_HEADER",
    "STATUS_PENGISIAN_OPTIONS",
    "STATUS_SIAP_DIKOREKSI",
    "TAB_PETUNJUK",
    "TAB_REALISASI",
    "TAB_REKOMENDASI",
    "TAB_RINGKASAN",
    "TAB_RIWAYAT",
    "TAB_STATUS",
    "TAB_TAHUNAN",
    "TAHUNAN_BIDANG_COLUMNS",
    "TAHUNAN_INDIKATOR_COLUMNS",
    "TW_LABELS",
    "LayoutError",
    "a1",
    "col_anggaran",
    "col_realisasi",
    "col_target",
    "column_index",
    "column_letter",
    "column_range",
    "dinas_tabs",
    "editable_columns",
    "editable_ranges",
    "initial_realisasi_grid",
    "initial_status_grid",
    "judul_bidang",
    "judul_dinas",
    "label_map",
    "normal_label",
    "parse_a1",
    "petunjuk_rows",
    "quote_tab",
    "status_pengisian_cell",
    "status_row",
    "tw_from_label",
    "tw_label",
]


class LayoutError(DomainError, ValueError):
    """A tab, column label or range that the layout does not define."""


# --- triwulan ----------------------------------------------------------------------------------

TW_LABELS: dict[int, str] = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def tw_label(tw: int) -> str:
    """``2`` -> ``"TW II"``."""
    try:
        return TW_LABELS[tw]
    except (KeyError, TypeError) as err:
        raise LayoutError(f"Triwulan {tw!r} tidak dikenal; gunakan 1, 2, 3 atau 4") from err


_TW_TEXT = re.compile(r"^(?:tw|triwulan|trw|q)?\s*[-.]?\s*(iv|iii|ii|i|[1-4])$")
_ROMAN_TO_INT = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def tw_from_label(text: Any) -> int | None:
    """``"TW II"``, ``"Triwulan 2"``, ``"tw ii"``, ``2`` -> 2; anything else -> ``None``."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float) and float(text) in (1.0, 2.0, 3.0, 4.0):
        return int(text)
    if not isinstance(text, str):
        return None
    match = _TW_TEXT.match(" ".join(text.split()).casefold())
    return _ROMAN_TO_INT[match.group(1)] if match else None


# --- bidang workbook ---------------------------------------------------------------------------

TAB_PETUNJUK = "Petunjuk"
TAB_REALISASI = "Realisasi"
TAB_STATUS = "Status"
BIDANG_TABS: tuple[str, ...] = (TAB_PETUNJUK, TAB_REALISASI, TAB_STATUS)

COL_NO = "No"
COL_KODE = "Kode"
COL_PROGRAM = "Program/Kegiatan/Sub Kegiatan"
COL_INDIKATOR = "Indikator Kinerja"
COL_SATUAN = "Satuan"
COL_POLARITAS = "Polaritas"
COL_JENIS = "Jenis Indikator"
COL_TARGET_TAHUNAN = "Target Tahunan"
COL_PAGU = "Pagu Anggaran (Rp)"
COL_KENDALA = "Kendala/Keterangan"
COL_BUKTI = "Bukti Dukung (tautan)"
COL_CATATAN_VALIDASI = "Catatan Validasi"


def col_target(tw: int) -> str:
    """``Target TW n``."""
    return f"Target {tw_label(tw)}"


def col_realisasi(tw: int) -> str:
    """``Realisasi TW n``."""
    return f"Realisasi {tw_label(tw)}"


def col_anggaran(tw: int) -> str:
    """``Realisasi Anggaran TW n (Rp)``."""
    return f"Realisasi Anggaran {tw_label(tw)} (Rp)"


COL_ANGGARAN: dict[int, str] = {tw: col_anggaran(tw) for tw in TW_LABELS}

REALISASI_HEADER: tuple[str, ...] = (
    COL_NO,
    COL_KODE,
    COL_PROGRAM,
    COL_INDIKATOR,
    COL_SATUAN,
    COL_POLARITAS,
    COL_JENIS,
    COL_TARGET_TAHUNAN,
    *(col_target(tw) for tw in TW_LABELS),
    *(col_realisasi(tw) for tw in TW_LABELS),
    COL_PAGU,
    *(col_anggaran(tw) for tw in TW_LABELS),
    COL_KENDALA,
    COL_BUKTI,
    COL_CATATAN_VALIDASI,
)
"""The 24 labels of the ``Realisasi`` header row, in order."""

HEADER_ROW = 1
"""The sheet row where the bot writes the ``Realisasi`` header (people may insert rows above it)."""
FIRST_DATA_ROW = 2
"""The sheet row of the first indicator in a freshly built workbook."""

NUMERIC_COLUMNS: tuple[str, ...] = (
    COL_TARGET_TAHUNAN,
    *(col_target(tw) for tw in TW_LABELS),
    *(col_realisasi(tw) for tw in TW_LABELS),
    COL_PAGU,
    *(col_anggaran(tw) for tw in TW_LABELS),
)
"""Columns that hold numbers and get data validation ``number >= 0``."""

EDITABLE_FIXED_COLUMNS: tuple[str, ...] = (COL_KENDALA, COL_BUKTI)
"""Columns a bidang's editors may edit whichever TW is open."""


def editable_columns(tw: int) -> tuple[str, ...]:
    """The ``Realisasi`` columns the bidang's editors may edit while TW ``tw`` is open."""
    return (col_realisasi(tw), col_anggaran(tw), *EDITABLE_FIXED_COLUMNS)


STATUS_HEADER: tuple[str, ...] = ("Triwulan", "Status Pengisian", "Status Alur", "Catatan", "Diperbarui")
STATUS_DRAFT = "Draft"
STATUS_SIAP_DIKOREKSI = "Siap Dikoreksi"
STATUS_PENGISIAN_OPTIONS: tuple[str, ...] = (STATUS_DRAFT, STATUS_SIAP_DIKOREKSI)
"""The dropdown of ``Status Pengisian``."""
STATUS_ALUR_BELUM_DIBUKA = "Belum dibuka"


def status_row(tw: int) -> int:
    """The 1-based sheet row of TW ``tw`` on the ``Status`` tab (header on row 1)."""
    tw_label(tw)
    return 1 + tw


def status_pengisian_cell(tw: int) -> str:
    """The A1 range (with tab) of TW ``tw``'s ``Status Pengisian`` cell: ``'Status'!B3`` for TW II."""
    return f"{quote_tab(TAB_STATUS)}!{a1(status_row(tw), STATUS_HEADER.index('Status Pengisian'))}"


def initial_status_grid() -> list[list[Any]]:
    """The ``Status`` tab of a new workbook: header and one ``Draft`` row per TW."""
    return [list(STATUS_HEADER)] + [[TW_LABELS[tw], STATUS_DRAFT, STATUS_ALUR_BELUM_DIBUKA, "", ""] for tw in TW_LABELS]


def judul_bidang(tahun: int, nama_bidang: str) -> str:
    """Title of a bidang's yearly workbook."""
    return f"Laporan Kinerja {tahun} - {nama_bidang}"


KOREKTOR = "Kepala Bidang"
"""Who corrects a bidang's report as the Petunjuk names them (the Sekretaris for the Sekretariat)."""

PETUNJUK_TEXT: tuple[str, ...] = (
    "Petunjuk Pengisian Laporan Kinerja",
    "",
    "1. Buka tab Realisasi. Setiap baris adalah satu indikator kinerja bidang Bapak/Ibu.",
    "2. Isi hanya kolom yang terbuka untuk triwulan berjalan: Realisasi TW (capaian fisik), "
    "Realisasi Anggaran TW (Rp), Kendala/Keterangan, dan Bukti Dukung (tautan). "
    "Kolom lain dikunci dan diisi oleh Kinerja Bot.",
    "3. Tulis angka saja, tanpa satuan. Contoh: 1.250 atau 1250; desimal memakai koma: 87,5. "
    "Untuk rupiah tulis 1.500.000 (boleh diawali Rp). Untuk persentase tulis 75 atau 75%.",
    "4. Realisasi Anggaran diisi dengan belanja pada triwulan tersebut saja, bukan jumlah sejak awal tahun.",
    "5. Realisasi diisi sesuai Jenis Indikator: Kumulatif = hasil pada triwulan itu saja "
    "(Kinerja Bot yang menjumlahkan); Nilai Akhir = kondisi pada akhir triwulan; Rata-rata = nilai triwulan itu.",
    '6. Kosongkan sel bila belum ada data. Jangan menulis "nihil" atau tanda "-"; bila hasilnya nol, tulis 0.',
    "7. Bukti Dukung diisi tautan (diawali https://) ke dokumen di Google Drive.",
    "8. Jangan menambah, menghapus, atau memindahkan baris dan kolom, dan jangan mengubah judul kolom.",
    "9. Setelah selesai, buka tab Status dan ubah Status Pengisian triwulan berjalan menjadi "
    '"Siap Dikoreksi". Kinerja Bot memeriksa isian dan menuliskan hasilnya di kolom Catatan Validasi.',
    '10. Bila ada catatan berupa kesalahan, perbaiki selnya lalu pilih "Siap Dikoreksi" lagi. '
    f"Peringatan tidak menghalangi pengajuan, tetapi akan dibaca {KOREKTOR}.",
    f"11. Setelah disetujui {KOREKTOR}, isian triwulan tersebut dikunci.",
)


def petunjuk_rows(tahun: int, nama_bidang: str, korektor: str = KOREKTOR) -> list[list[str]]:
    """The ``Petunjuk`` tab: one text line per row, in plain Indonesian, naming who corrects."""
    lines = (line.replace(KOREKTOR, korektor) for line in PETUNJUK_TEXT)
    return [[judul_bidang(tahun, nama_bidang)], *([line] for line in lines)]


def initial_realisasi_grid(indikator: Iterable[IndikatorRow]) -> list[list[Any]]:
    """The ``Realisasi`` tab of a new workbook: the header and one row per master indicator.

    No, Kode, program, indikator, satuan, polaritas, jenis, targets and pagu are filled; the
    cells people fill stay empty (``""``), so the Google adapter writes the grid as is.
    """
    grid: list[list[Any]] = [list(REALISASI_HEADER)]
    for number, item in enumerate(indikator, start=1):
        row: dict[str, Any] = {
            COL_NO: number,
            COL_KODE: item.kode,
            COL_PROGRAM: item.program,
            COL_INDIKATOR: item.indikator,
            COL_SATUAN: item.satuan,
            COL_POLARITAS: str(item.polaritas),
            COL_JENIS: str(item.jenis),
            COL_TARGET_TAHUNAN: _cell(item.target_tahunan),
            COL_PAGU: _cell(item.pagu),
        }
        for tw in TW_LABELS:
            row[col_target(tw)] = _cell(item.target_tw[tw - 1])
        grid.append([row.get(label, "") for label in REALISASI_HEADER])
    return grid


def _cell(value: float | None) -> Any:
    if value is None:
        return ""
    # Whole numbers are written as int so the sheet shows "1200", not "1200.0".
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


# --- dinas workbook ----------------------------------------------------------------------------

TAB_RINGKASAN = "Ringkasan"
TAB_REKOMENDASI = "Rekomendasi"
TAB_RIWAYAT = "Riwayat"
TAB_TAHUNAN = "Tahunan"
SELURUH_DINAS = "Seluruh Dinas"
"""How the dinas's own row is named beside the bidang rows (Ringkasan, Tahunan)."""
DINAS_TABS: tuple[str, ...] = (TAB_RINGKASAN, *TW_LABELS.values(), TAB_REKOMENDASI, TAB_RIWAYAT)
"""The dinas workbook's tabs up to TW III; at TW IV ``Tahunan`` comes after ``Ringkasan``."""


def dinas_tabs(tw: int) -> tuple[str, ...]:
    """The dinas workbook's tabs when rekapped up to TW ``tw``: with ``Tahunan`` at TW IV."""
    tw_label(tw)
    if tw < 4:
        return DINAS_TABS
    return (TAB_RINGKASAN, TAB_TAHUNAN, *DINAS_TABS[1:])


def judul_dinas(tahun: int, nama_dinas: str) -> str:
    """Title of the dinas's yearly rekap workbook."""
    return f"Rekap Laporan Kinerja {tahun} - {nama_dinas}"


REKAP_TW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kode_bidang", "Kode Bidang"),
    ("bidang", "Bidang"),
    ("kode", "Kode"),
    ("program", "Program/Kegiatan/Sub Kegiatan"),
    ("indikator", "Indikator Kinerja"),
    ("satuan", "Satuan"),
    ("polaritas", "Polaritas"),
    ("jenis", "Jenis Indikator"),
    ("target", "Target"),
    ("realisasi_periode", "Realisasi Triwulan"),
    ("realisasi_kumulatif", "Realisasi s.d. Triwulan"),
    ("capaian", "Capaian (%)"),
    ("predikat", "Predikat"),
    ("catatan_capaian", "Catatan Capaian"),
    ("pagu", "Pagu Anggaran (Rp)"),
    ("anggaran_periode", "Realisasi Anggaran Triwulan (Rp)"),
    ("anggaran_kumulatif", "Realisasi Anggaran s.d. Triwulan (Rp)"),
    ("serapan", "Serapan Anggaran (%)"),
    ("kendala", "Kendala/Keterangan"),
)
"""Columns of the dinas ``TW I`` .. ``TW IV`` tabs: (frame column, sheet label)."""

RINGKASAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kode_bidang", "Kode Bidang"),
    ("bidang", "Bidang"),
    ("triwulan", "Triwulan"),
    ("jumlah_indikator", "Jumlah Indikator"),
    ("indikator_dinilai", "Indikator Dinilai"),
    ("rata_rata_capaian", "Rata-rata Capaian (%)"),
    ("predikat", "Predikat"),
    ("sangat_tinggi", "Sangat Tinggi"),
    ("tinggi", "Tinggi"),
    ("sedang", "Sedang"),
    ("rendah", "Rendah"),
    ("sangat_rendah", "Sangat Rendah"),
    ("pagu", "Pagu Anggaran (Rp)"),
    ("anggaran_kumulatif", "Realisasi Anggaran s.d. Triwulan (Rp)"),
    ("serapan", "Serapan Anggaran (%)"),
)
"""Columns of the dinas ``Ringkasan`` tab (per bidang per TW): (frame column, sheet label)."""

REKOMENDASI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("triwulan", "Triwulan"),
    ("bidang", "Bidang"),
    ("rekomendasi", "Rekomendasi Kepala Dinas"),
    ("tanggal_rekomendasi", "Tanggal Rekomendasi"),
    ("tindak_lanjut", "Tindak Lanjut"),
    ("tanggal_tindak_lanjut", "Tanggal Tindak Lanjut"),
)
"""Columns of the dinas ``Rekomendasi`` tab: (frame column, sheet label)."""

RIWAYAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("triwulan", "Triwulan"),
    ("langkah", "Langkah SOP"),
    ("kegiatan", "Kegiatan"),
    ("bidang", "Bidang"),
    ("pelaku", "Pelaku"),
    ("mulai", "Mulai"),
    ("selesai", "Selesai"),
    ("durasi", "Durasi"),
    ("mutu_baku", "Mutu Baku"),
    ("kesesuaian", "Sesuai Mutu Baku"),
    ("keterangan", "Keterangan"),
)
"""Columns of the dinas ``Riwayat`` tab (the audit trail): (frame column, sheet label)."""


_CAPAIAN_TW = tuple((f"capaian_tw{tw}", f"Capaian {label} (%)") for tw, label in TW_LABELS.items())

TAHUNAN_INDIKATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kode_bidang", "Kode Bidang"),
    ("bidang", "Bidang"),
    ("kode", "Kode"),
    ("indikator", "Indikator Kinerja"),
    ("satuan", "Satuan"),
    ("polaritas", "Polaritas"),
    ("jenis", "Jenis Indikator"),
    ("target_tahunan", "Target Tahunan"),
    ("realisasi_tahunan", "Realisasi Tahunan"),
    ("capaian", "Capaian Tahunan (%)"),
    ("predikat", "Predikat"),
    ("catatan_capaian", "Catatan Capaian"),
    ("pagu", "Pagu Anggaran (Rp)"),
    ("anggaran_kumulatif", "Realisasi Anggaran Tahunan (Rp)"),
    ("serapan", "Serapan Anggaran (%)"),
    *_CAPAIAN_TW,
)
"""The ``Tahunan`` tab's indicator table: the year per indicator and its capaian in each TW (the trend)."""

TAHUNAN_BIDANG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("kode_bidang", "Kode Bidang"),
    ("bidang", "Bidang"),
    ("jumlah_indikator", "Jumlah Indikator"),
    ("indikator_dinilai", "Indikator Dinilai"),
    ("sangat_tinggi", "Sangat Tinggi"),
    ("tinggi", "Tinggi"),
    ("sedang", "Sedang"),
    ("rendah", "Rendah"),
    ("sangat_rendah", "Sangat Rendah"),
    ("rata_rata_capaian", "Rata-rata Capaian Tahunan (%)"),
    ("predikat", "Predikat"),
    ("", ""),
    ("pagu", "Pagu Anggaran (Rp)"),
    ("anggaran_kumulatif", "Realisasi Anggaran Tahunan (Rp)"),
    ("serapan", "Serapan Anggaran (%)"),
    *((name, f"Rata-rata {label}") for name, label in _CAPAIAN_TW),
)
"""The ``Tahunan`` tab's table per bidang (and for the whole dinas): the year and the trend of its
average capaian per TW. Its columns line up with :data:`TAHUNAN_INDIKATOR_COLUMNS` (capaian,
predikat, rupiah, serapan and the TW capaian in the same places), so one number format per
column serves both tables; the empty column sits under ``Catatan Capaian``."""


def label_map() -> dict[str, str]:
    """Every frame column name of the dinas tabs -> its sheet label."""
    mapping: dict[str, str] = {}
    for columns in (REKAP_TW_COLUMNS, RINGKASAN_COLUMNS, REKOMENDASI_COLUMNS, RIWAYAT_COLUMNS):
        for name, label in columns:
            mapping.setdefault(name, label)
    return mapping


# --- A1 notation -------------------------------------------------------------------------------

_A1_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")


def column_letter(col: int) -> str:
    """0-based column index -> letters: ``0`` -> ``A``, ``25`` -> ``Z``, ``26`` -> ``AA``."""
    if col < 0:
        raise LayoutError(f"Indeks kolom tidak sah: {col}")
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """1-based sheet row and 0-based column -> ``N14``."""
    if row < 1:
        raise LayoutError(f"Nomor baris tidak sah: {row}")
    return f"{column_letter(col)}{row}"


def parse_a1(cell: str) -> tuple[int, int]:
    """``N14`` -> (14, 13): the 1-based sheet row and the 0-based column (the inverse of :func:`a1`)."""
    match = _A1_CELL.match(cell.strip().upper())
    if match is None:
        raise LayoutError(f"Alamat sel tidak sah: {cell!r}")
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), col - 1


def quote_tab(tab: str) -> str:
    """A tab name as A1 notation needs it: ``'TW I'`` (quotes doubled inside)."""
    return "'" + tab.replace("'", "''") + "'"


def column_index(header: Sequence[Any], label: str) -> int:
    """The 0-based index of ``label`` in a header row (matched ignoring case and extra spaces)."""
    wanted = normal_label(label)
    for index, cell in enumerate(header):
        if isinstance(cell, str) and normal_label(cell) == wanted:
            return index
    raise LayoutError(f'Kolom "{label}" tidak ada di baris judul')


def normal_label(text: str) -> str:
    """A header label as compared: case-folded, spaces collapsed."""
    return " ".join(text.split()).casefold()


def column_range(
    tab: str,
    header_row: int,
    label: str,
    first_row: int | None = None,
    last_row: int | None = None,
    header: Sequence[Any] = REALISASI_HEADER,
) -> str:
    """A1 range of one column's data cells: ``'Realisasi'!N2:N29``.

    ``header_row`` is the 1-based row holding ``header`` (the labels as found in the sheet, or
    the layout's); data runs from ``first_row`` (default: the row after the header) to
    ``last_row`` (default: open-ended, ``N2:N``).
    """
    letter = column_letter(column_index(header, label))
    start = header_row + 1 if first_row is None else first_row
    end = "" if last_row is None else str(last_row)
    if last_row is not None and last_row < start:
        raise LayoutError(f"Rentang baris kosong: {start} sampai {last_row}")
    return f"{quote_tab(tab)}!{letter}{start}:{letter}{end}"


def editable_ranges(
    tw: int,
    first_row: int,
    last_row: int,
    header_row: int = HEADER_ROW,
    header: Sequence[Any] = REALISASI_HEADER,
) -> list[str]:
    """A1 ranges the editors may edit while TW ``tw`` is open, the ``Status Pengisian`` cell last."""
    ranges = [
        column_range(TAB_REALISASI, header_row, label, first_row, last_row, header) for label in editable_columns(tw)
    ]
    return [*ranges, status_pengisian_cell(tw)]
