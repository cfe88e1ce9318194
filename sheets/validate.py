"""Reading a bidang's ``Realisasi`` tab: a typed table plus every problem, each at its cell.

:func:`validate_realisasi` takes the grid exactly as ``values.batchGet`` with
``UNFORMATTED_VALUE`` returns it (ragged lists, trailing empties dropped, numbers as int/float,
text as str, formula errors as text such as ``#DIV/0!``) and the master list, and gives a
:class:`ValidationResult`: the typed table and a list of :class:`Problem`. An error blocks the
submission; a warning is shown to the Kepala Bidang. Columns are found by their labels and the
header row by its content, so inserted title rows or moved columns do not confuse it.

The typed table (``ValidationResult.table``) has one row per master indicator of the bidang, in
master order, whether or not the sheet holds it, with these columns:

=====================  ========  ======================================================
column                 dtype     meaning
=====================  ========  ======================================================
bidang                 str       the bidang's kode
key                    str       the indicator's identity (:func:`sheets.master.indikator_key`)
no                     int64     position in the bidang's master list (1-based)
kode                   str       Kode (sub kegiatan code; shared by several indicators)
program                str       Program/Kegiatan/Sub Kegiatan
indikator              str       Indikator Kinerja
satuan                 str       Satuan
polaritas              str       ``Positif`` / ``Negatif``
jenis                  str       ``Kumulatif`` / ``Nilai Akhir`` / ``Rata-rata``
target_tahunan         float64   from the master list (the sheet's copy is protected)
target_tw1..4          float64   from the master list, NaN when not set
realisasi_tw1..4       float64   the realisasi, NaN when not reported or not usable
pagu                   float64   from the master list
anggaran_tw1..4        float64   Realisasi Anggaran TW n (Rp), NaN when not reported
kendala                str       Kendala/Keterangan as in the sheet now (NaN when empty)
bukti                  str       Bukti Dukung (tautan) as in the sheet now (NaN when empty)
kendala_tw1..4         str       the kendala belonging to each TW: the approved snapshot's
                                 for approved TWs, the sheet's for the open TW, else NaN
sheet_row              Int64     1-based sheet row of the indicator, <NA> when missing
=====================  ========  ======================================================

Values of TWs in ``approved`` come from the approved snapshot (see :func:`snapshot_values`),
never re-read blindly; a sheet that differs from it gives a warning. Values of TWs after the
open one are ignored (with a warning when filled). Percent-formatted cells hold a fraction
(a person typing ``75%`` leaves 0.75): their positions are passed in ``percent_cells`` and
their values multiplied by 100. Date-formatted cells (``date_cells``) hold a date typed where a
number belongs; the grid carries the date as text, refused with how to undo the date format.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from sheets import layout
from sheets.aggregate import indicator_frame
from sheets.capaian import PREDIKAT_LABELS, predikat, serapan_anggaran
from sheets.formatting import format_angka, format_rupiah
from sheets.master import MASTER_FRAME_COLUMNS, Indikator, Master, indikator_key
from sheets.numbers import AngkaTidakSah, parse_angka, tampilan_nilai

__all__ = [
    "FORMULA_ERRORS",
    "TABLE_COLUMNS",
    "Problem",
    "ProblemKind",
    "Severity",
    "StatusRow",
    "TwSummary",
    "ValidationResult",
    "parse_status",
    "snapshot_hash",
    "snapshot_values",
    "summarize_tw",
    "validate_realisasi",
]

logger = logging.getLogger(__name__)

TWS = tuple(layout.TW_LABELS)
_MASTER_PART = tuple(c for c in MASTER_FRAME_COLUMNS if c != "pagu")  # bidang .. target_tw4
TABLE_COLUMNS: tuple[str, ...] = (
    *_MASTER_PART,
    *(f"realisasi_tw{tw}" for tw in TWS),
    "pagu",
    *(f"anggaran_tw{tw}" for tw in TWS),
    "kendala",
    "bukti",
    *(f"kendala_tw{tw}" for tw in TWS),
    "sheet_row",
)
"""The columns of the typed table, in order (see the module docstring)."""

_FLOAT_COLUMNS = [
    "target_tahunan",
    *(f"target_tw{tw}" for tw in TWS),
    *(f"realisasi_tw{tw}" for tw in TWS),
    "pagu",
    *(f"anggaran_tw{tw}" for tw in TWS),
]
_TEXT_COLUMNS = [
    "bidang",
    "key",
    "kode",
    "program",
    "indikator",
    "satuan",
    "polaritas",
    "jenis",
    "kendala",
    "bukti",
    *(f"kendala_tw{tw}" for tw in TWS),
]

FORMULA_ERRORS: frozenset[str] = frozenset(
    {"#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#ERROR!", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)
"""Error values a formula leaves in a cell, as the Sheets API returns them."""

# How many rows from the top are searched for the header (title rows a person may insert).
HEADER_SEARCH_ROWS = 50
# A row is the header when it holds at least this many of the layout's labels.
HEADER_MIN_LABELS = 4
DATE_CELL_REASON = "sel berformat tanggal; ubah lewat menu Format > Angka > Otomatis, lalu isi ulang"
# Google Sheets keeps 15 significant digits: a number this large is not stored as it was typed
# (99999999999999999999 comes back as 1e20), so it cannot be the figure the person meant.
MAX_EXACT_NUMBER = 1e15


class Severity(StrEnum):
    """An error blocks submission; a warning is shown to the Kepala Bidang."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The Indonesian word shown to people."""
        return "Galat" if self is Severity.ERROR else "Peringatan"


class ProblemKind(StrEnum):
    """What kind of problem, for code that reacts to one kind (the message is for people)."""

    HEADER_NOT_FOUND = "judul_tidak_ditemukan"
    COLUMN_MISSING = "kolom_hilang"
    COLUMN_DUPLICATED = "kolom_ganda"
    COLUMN_EXTRA = "kolom_tambahan"
    NOT_A_NUMBER = "bukan_angka"
    NEGATIVE = "negatif"
    FORMULA_ERROR = "galat_rumus"
    REALISASI_MISSING = "realisasi_kosong"
    ANGGARAN_MISSING = "anggaran_kosong"
    INDICATOR_MISSING = "indikator_hilang"
    DUPLICATE_KODE = "kode_ganda"
    ROW_ADDED = "baris_tambahan"
    INDIKATOR_RENAMED = "nama_indikator_berbeda"
    OVER_PAGU = "melebihi_pagu"
    PERCENT_OVER_100 = "persen_melebihi_100"
    BUKTI_NOT_LINK = "bukti_bukan_tautan"
    CHANGED_AFTER_APPROVAL = "berubah_setelah_disetujui"
    FUTURE_TW_FILLED = "triwulan_belum_dibuka"
    NUMBER_TOO_LARGE = "angka_terlalu_besar"


@dataclass(frozen=True)
class Problem:
    """One problem of a sheet, at one cell, with an Indonesian message."""

    cell: str
    column: str
    row: int
    kode: str
    indikator: str
    severity: Severity
    message: str
    kind: ProblemKind
    sheet: str = layout.TAB_REALISASI

    @property
    def range(self) -> str:
        """The cell with its tab, for the API: ``'Realisasi'!N14``."""
        return f"{layout.quote_tab(self.sheet)}!{self.cell}"

    def __str__(self) -> str:
        return f"{self.severity.label} di {self.sheet}!{self.cell}: {self.message}"


@dataclass(frozen=True)
class TwSummary:
    """The figures of one bidang's TW for the koreksi message to the Kepala Bidang."""

    tw: int
    jumlah_indikator: int
    terisi: int
    dinilai: int
    rata_rata_capaian: float | None
    predikat: str | None
    predikat_counts: dict[str, int]
    pagu: float | None
    anggaran_kumulatif: float | None
    serapan: float | None
    peringatan: int = 0
    galat: int = 0


@dataclass(frozen=True)
class ValidationResult:
    """The typed table of a ``Realisasi`` tab and its problems."""

    table: pd.DataFrame
    problems: list[Problem]
    bidang: str
    tw: int
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        """Problems that block submission."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems shown to the Kepala Bidang that do not block."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def catatan_validasi(self) -> dict[int, str]:
        """Sheet row -> the text for its ``Catatan Validasi`` cell (rows without problems absent)."""
        notes: dict[int, list[str]] = {}
        first_data_row = (self.header_row or 0) + 1
        for problem in self.problems:
            if problem.row >= first_data_row and problem.sheet == layout.TAB_REALISASI:
                notes.setdefault(problem.row, []).append(f"{problem.severity.label}: {problem.message}")
        return {row: "\n".join(lines) for row, lines in sorted(notes.items())}

    def summary(self) -> TwSummary:
        """:func:`summarize_tw` of this result's table and TW, counting its problems."""
        return summarize_tw(self.table, self.tw, problems=self.problems)


# --- reading cells -----------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _formula_error(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().upper() in FORMULA_ERRORS:
        return value.strip().upper()
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A code typed as 12 comes back as 12.0 from some clients; it means "12".
        value = int(value)
    return " ".join(tampilan_nilai(value).split())


_LINK = re.compile(r"^https?://", re.IGNORECASE)


def _is_link(text: str) -> bool:
    parts = [part for part in re.split(r"[\s,;]+", text) if part]
    if not parts:
        return False
    for part in parts:
        if not _LINK.match(part):
            return False
        host = urlsplit(part).hostname
        if not host or "." not in host:
            return False
    return True


class _Grid:
    """The ragged grid with bounds-safe access and the percent- and date-formatted cells."""

    def __init__(
        self,
        rows: Sequence[Sequence[Any]] | None,
        percent_cells: Collection[tuple[int, int]],
        date_cells: Collection[tuple[int, int]] = (),
    ):
        self.rows: list[list[Any]] = [list(row) if row is not None else [] for row in (rows or [])]
        self.percent = {(int(r), int(c)) for r, c in percent_cells}
        self.dates = {(int(r), int(c)) for r, c in date_cells}

    def get(self, r: int, c: int | None) -> Any:
        if c is None or r >= len(self.rows) or c >= len(self.rows[r]):
            return None
        return self.rows[r][c]

    def number_as_meant(self, r: int, c: int, value: Any) -> Any:
        # A percent-formatted cell holds 0.75 where the person typed 75%; they meant 75.
        if (r, c) in self.percent and isinstance(value, int | float) and not isinstance(value, bool):
            return value * 100
        return value


def _find_header(grid: _Grid) -> int | None:
    known = {layout.normal_label(label) for label in layout.REALISASI_HEADER}
    best, best_score = None, HEADER_MIN_LABELS - 1
    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        labels = {layout.normal_label(c) for c in grid.rows[r] if isinstance(c, str)}
        score = len(labels & known)
        if score > best_score:
            best, best_score = r, score
    return best


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


class _Validator:
    """One run of :func:`validate_realisasi`; collects problems while it reads."""

    def __init__(
        self,
        grid: _Grid,
        items: Sequence[Indikator],
        *,
        bidang: str,
        tw: int,
        submission: bool,
        approved: Mapping[int, Mapping[str, Any]],
    ) -> None:
        self.grid = grid
        self.items = items
        self.bidang = bidang
        self.tw = tw
        self.submission = submission
        self.approved = approved
        self.problems: list[Problem] = []
        self.header_r: int | None = None
        self.cols: dict[str, int] = {}

    # problems

    def add(
        self,
        kind: ProblemKind,
        severity: Severity,
        r: int,
        c: int,
        column: str,
        message: str,
        item: Indikator | None = None,
        kode: str = "",
        indikator: str = "",
    ) -> None:
        self.problems.append(
            Problem(
                cell=layout.a1(r + 1, c),
                column=column,
                row=r + 1,
                kode=item.kode if item else kode,
                indikator=item.indikator if item else indikator,
                severity=severity,
                message=message,
                kind=kind,
            )
        )

    @staticmethod
    def prefix(column: str, r: int, item: Indikator) -> str:
        return f"{column}, baris {r + 1} ({item.indikator})"

    # header

    def read_header(self) -> bool:
        header_r = _find_header(self.grid)
        if header_r is None:
            self.add(
                ProblemKind.HEADER_NOT_FOUND,
                Severity.ERROR,
                0,
                0,
                layout.COL_NO,
                "Baris judul kolom tab Realisasi tidak ditemukan (No, Kode, Indikator Kinerja, ...); "
                "jangan mengubah atau menghapus judul kolom",
            )
            return False
        self.header_r = header_r
        known = {layout.normal_label(label): label for label in layout.REALISASI_HEADER}
        for c, cell in enumerate(self.grid.rows[header_r]):
            if _is_empty(cell):
                continue
            label = known.get(layout.normal_label(cell)) if isinstance(cell, str) else None
            if label is None:
                self.add(
                    ProblemKind.COLUMN_EXTRA,
                    Severity.WARNING,
                    header_r,
                    c,
                    _text(cell),
                    f'Kolom tambahan "{_text(cell)}" bukan bagian dari format laporan dan diabaikan',
                )
            elif label in self.cols:
                self.add(
                    ProblemKind.COLUMN_DUPLICATED,
                    Severity.ERROR,
                    header_r,
                    c,
                    label,
                    f'Kolom "{label}" ada dua kali (juga di kolom {layout.column_letter(self.cols[label])}); '
                    "hapus salah satunya",
                )
            else:
                self.cols[label] = c
        for position, label in enumerate(layout.REALISASI_HEADER):
            if label not in self.cols:
                self.add(
                    ProblemKind.COLUMN_MISSING,
                    Severity.ERROR,
                    header_r,
                    position,
                    label,
                    f'Kolom "{label}" tidak ditemukan di baris judul (baris {header_r + 1}); '
                    "jangan mengubah atau menghapus judul kolom",
                )
        return layout.COL_KODE in self.cols and layout.COL_INDIKATOR in self.cols

    # rows

    def match_rows(self) -> dict[str, int]:
        """Master key -> 0-based grid row; reports added and duplicated rows."""
        by_key = {item.key: item for item in self.items}
        kode_counts: dict[str, int] = {}
        for entry in self.items:
            kode_counts[entry.kode] = kode_counts.get(entry.kode, 0) + 1
        by_kode = {item.kode: item for item in self.items if kode_counts[item.kode] == 1}
        c_kode = self.cols[layout.COL_KODE]
        c_nama = self.cols[layout.COL_INDIKATOR]
        found: dict[str, int] = {}
        assert self.header_r is not None
        for r in range(self.header_r + 1, len(self.grid.rows)):
            row = self.grid.rows[r]
            if all(_is_empty(cell) for cell in row):
                continue
            kode = _text(self.grid.get(r, c_kode))
            nama = _text(self.grid.get(r, c_nama))
            item = by_key.get(indikator_key(kode, nama))
            if item is None and kode in by_kode:
                item = by_kode[kode]
                self.add(
                    ProblemKind.INDIKATOR_RENAMED,
                    Severity.WARNING,
                    r,
                    c_nama,
                    layout.COL_INDIKATOR,
                    f'{layout.COL_INDIKATOR}, baris {r + 1}: "{nama}" berbeda dengan daftar induk '
                    f'("{item.indikator}"); baris dibaca sebagai indikator Kode {kode}',
                    item,
                )
            if item is None:
                shown = f'Kode "{kode}", "{nama}"' if kode or nama else "tanpa Kode dan nama indikator"
                self.add(
                    ProblemKind.ROW_ADDED,
                    Severity.WARNING,
                    r,
                    c_kode,
                    layout.COL_KODE,
                    f"Baris {r + 1} ({shown}) tidak ada di daftar induk indikator; baris tambahan ini diabaikan",
                    kode=kode,
                    indikator=nama,
                )
                continue
            if item.key in found:
                self.add(
                    ProblemKind.DUPLICATE_KODE,
                    Severity.ERROR,
                    r,
                    c_kode,
                    layout.COL_KODE,
                    f"{layout.COL_KODE}, baris {r + 1} ({item.indikator}): Kode {item.kode} untuk indikator "
                    f"ini sudah ada di baris {found[item.key] + 1}; hapus baris ganda ini",
                    item,
                )
                continue
            found[item.key] = r
        for position, item in enumerate(self.items, start=1):
            if item.key not in found:
                expected_r = self.header_r + position
                self.add(
                    ProblemKind.INDICATOR_MISSING,
                    Severity.ERROR,
                    expected_r,
                    c_kode,
                    layout.COL_KODE,
                    f'Indikator "{item.indikator}" (Kode {item.kode}) dari daftar induk tidak ditemukan di '
                    "tab Realisasi; kembalikan barisnya",
                    item,
                )
        return found

    def read_number(self, r: int, label: str, item: Indikator, *, report: bool) -> tuple[float | None, bool]:
        """(value, usable): parse one numeric cell; with ``report``, problems are recorded."""
        c = self.cols.get(label)
        if c is None:
            return None, False
        raw = self.grid.get(r, c)
        if _is_empty(raw):
            return None, True
        error = _formula_error(raw)
        if error is not None:
            if report:
                self.add(
                    ProblemKind.FORMULA_ERROR,
                    Severity.ERROR,
                    r,
                    c,
                    label,
                    f"{self.prefix(label, r, item)}: rumus menghasilkan galat {error}; isi dengan angka",
                    item,
                )
            return None, False
        try:
            if (r, c) in self.grid.dates:
                # Typing a number into a date-formatted cell keeps the date: the person must change the format.
                raise AngkaTidakSah(raw, DATE_CELL_REASON)
            value = parse_angka(self.grid.number_as_meant(r, c, raw))
        except AngkaTidakSah as err:
            if report:
                self.add(
                    ProblemKind.NOT_A_NUMBER,
                    Severity.ERROR,
                    r,
                    c,
                    label,
                    f"{self.prefix(label, r, item)}: {err}",
                    item,
                )
            return None, False
        if value is not None and abs(value) >= MAX_EXACT_NUMBER:
            if report:
                self.add(
                    ProblemKind.NUMBER_TOO_LARGE,
                    Severity.ERROR,
                    r,
                    c,
                    label,
                    f"{self.prefix(label, r, item)}: angka {_angka(value)} terlalu besar (lebih dari 15 digit) "
                    "dan tidak tersimpan tepat oleh Google Sheets; periksa kembali",
                    item,
                )
            return None, False
        if value is not None and value < 0:
            if report:
                self.add(
                    ProblemKind.NEGATIVE,
                    Severity.ERROR,
                    r,
                    c,
                    label,
                    f"{self.prefix(label, r, item)}: nilai negatif ({_angka(value)}) tidak diperbolehkan",
                    item,
                )
            return None, False
        return value, True

    def read_text(self, r: int, label: str, item: Indikator) -> str | None:
        c = self.cols.get(label)
        if c is None:
            return None
        raw = self.grid.get(r, c)
        if _is_empty(raw):
            return None
        error = _formula_error(raw)
        if error is not None:
            self.add(
                ProblemKind.FORMULA_ERROR,
                Severity.ERROR,
                r,
                c,
                label,
                f"{self.prefix(label, r, item)}: rumus menghasilkan galat {error}; isi dengan teks",
                item,
            )
            return None
        return tampilan_nilai(raw).strip()

    def approved_entry(self, tw: int, item: Indikator) -> Mapping[str, Any] | None:
        snapshot = self.approved.get(tw)
        if snapshot is None:
            return None
        entries = snapshot.get("indikator", snapshot)
        entry = entries.get(item.key) if isinstance(entries, Mapping) else None
        return entry if isinstance(entry, Mapping) else None

    def read_item(self, r: int | None, item: Indikator) -> dict[str, Any]:
        record: dict[str, Any] = {
            "bidang": self.bidang,
            "key": item.key,
            "kode": item.kode,
            "program": item.program,
            "indikator": item.indikator,
            "satuan": item.satuan,
            "polaritas": str(item.polaritas),
            "jenis": str(item.jenis),
            "target_tahunan": item.target_tahunan,
            "pagu": item.pagu,
            "sheet_row": None if r is None else r + 1,
        }
        for k in TWS:
            record[f"target_tw{k}"] = item.target_tw[k - 1]
            record[f"realisasi_tw{k}"] = None
            record[f"anggaran_tw{k}"] = None
            record[f"kendala_tw{k}"] = None
        record["kendala"] = record["bukti"] = None
        if r is None:
            for k in TWS:
                entry = self.approved_entry(k, item)
                if entry is not None:
                    record[f"realisasi_tw{k}"] = entry.get("realisasi")
                    record[f"anggaran_tw{k}"] = entry.get("anggaran")
                    record[f"kendala_tw{k}"] = entry.get("kendala") or None
            return record

        record["kendala"] = self.read_text(r, layout.COL_KENDALA, item)
        bukti = self.read_text(r, layout.COL_BUKTI, item)
        record["bukti"] = bukti
        if bukti is not None and not _is_link(bukti):
            self.add(
                ProblemKind.BUKTI_NOT_LINK,
                Severity.WARNING,
                r,
                self.cols[layout.COL_BUKTI],
                layout.COL_BUKTI,
                f'{self.prefix(layout.COL_BUKTI, r, item)}: "{bukti}" bukan tautan; '
                "isi tautan dokumen yang diawali https://",
                item,
            )
        for k in TWS:
            self.read_tw(r, item, k, record)
        self.check_pagu(r, item, record)
        return record

    def read_tw(self, r: int, item: Indikator, k: int, record: dict[str, Any]) -> None:
        entry = self.approved_entry(k, item)
        pairs = (("realisasi", layout.col_realisasi(k)), ("anggaran", layout.col_anggaran(k)))
        if entry is not None:
            # An approved TW: the snapshot is the truth; a changed sheet is only noticed.
            for name, label in pairs:
                approved_value = entry.get(name)
                record[f"{name}_tw{k}"] = approved_value
                if label not in self.cols:
                    continue
                value, usable = self.read_number(r, label, item, report=False)
                if not usable or not _same(value, approved_value):
                    raw = self.grid.get(r, self.cols[label])
                    self.add(
                        ProblemKind.CHANGED_AFTER_APPROVAL,
                        Severity.WARNING,
                        r,
                        self.cols[label],
                        label,
                        f"{self.prefix(label, r, item)}: nilai diubah setelah {layout.tw_label(k)} disetujui "
                        f'(disetujui {_angka(approved_value)}, sekarang "{tampilan_nilai(raw)}"); '
                        "yang dipakai tetap nilai yang disetujui",
                        item,
                    )
            record[f"kendala_tw{k}"] = entry.get("kendala") or None
            return
        if k > self.tw:
            for _name, label in pairs:
                c = self.cols.get(label)
                if c is not None and not _is_empty(self.grid.get(r, c)):
                    self.add(
                        ProblemKind.FUTURE_TW_FILLED,
                        Severity.WARNING,
                        r,
                        c,
                        label,
                        f"{self.prefix(label, r, item)}: {layout.tw_label(k)} belum dibuka; isian ini diabaikan",
                        item,
                    )
            return
        for name, label in pairs:
            value, usable = self.read_number(r, label, item, report=True)
            record[f"{name}_tw{k}"] = value
            if not usable or k != self.tw:
                continue
            c = self.cols[label]
            if value is None and self.submission:
                if name == "realisasi":
                    self.add(
                        ProblemKind.REALISASI_MISSING,
                        Severity.ERROR,
                        r,
                        c,
                        label,
                        f"{self.prefix(label, r, item)}: belum diisi; isi realisasi {layout.tw_label(k)} "
                        "(tulis 0 bila memang nol)",
                        item,
                    )
                elif item.pagu:
                    self.add(
                        ProblemKind.ANGGARAN_MISSING,
                        Severity.WARNING,
                        r,
                        c,
                        label,
                        f"{self.prefix(label, r, item)}: belum diisi; tulis 0 bila tidak ada belanja",
                        item,
                    )
        if k == self.tw:
            record[f"kendala_tw{k}"] = record["kendala"]
        value = record[f"realisasi_tw{k}"]
        if item.persen and value is not None and value > 100:
            label = layout.col_realisasi(k)
            self.add(
                ProblemKind.PERCENT_OVER_100,
                Severity.WARNING,
                r,
                self.cols[label],
                label,
                f"{self.prefix(label, r, item)}: {_angka(value)}% melebihi 100% untuk satuan %; periksa kembali",
                item,
            )

    def check_pagu(self, r: int, item: Indikator, record: dict[str, Any]) -> None:
        label = layout.col_anggaran(self.tw)
        if label not in self.cols:
            return
        spent = [record[f"anggaran_tw{k}"] for k in range(1, self.tw + 1)]
        total = math.fsum(v for v in spent if v is not None)
        if total <= 0 or all(v is None for v in spent):
            return
        pagu = item.pagu or 0.0
        if total > pagu:
            self.add(
                ProblemKind.OVER_PAGU,
                Severity.WARNING,
                r,
                self.cols[label],
                label,
                f"{self.prefix(label, r, item)}: jumlah realisasi anggaran s.d. {layout.tw_label(self.tw)} "
                f"({format_rupiah(total)}) melebihi pagu ({format_rupiah(pagu)})",
                item,
            )


def _table(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=[c for c in TABLE_COLUMNS if c != "no"])
    frame.insert(TABLE_COLUMNS.index("no"), "no", np.arange(1, len(frame) + 1, dtype="int64"))
    frame[_FLOAT_COLUMNS] = frame[_FLOAT_COLUMNS].astype("float64")
    for column in _TEXT_COLUMNS:
        frame[column] = frame[column].astype("str")
    frame["sheet_row"] = frame["sheet_row"].astype("Int64")
    return frame


def _items_for(master: Master | Sequence[Indikator], bidang: str) -> tuple[Indikator, ...]:
    if isinstance(master, Master):
        return master.for_bidang(bidang)
    return tuple(item for item in master if item.bidang == bidang)


def _normal_approved(approved: Mapping[Any, Mapping[str, Any]] | None) -> dict[int, Mapping[str, Any]]:
    # Snapshots kept as JSON come back with "1" rather than 1 as the TW key.
    result: dict[int, Mapping[str, Any]] = {}
    for key, snapshot in (approved or {}).items():
        tw = layout.tw_from_label(key) if not isinstance(key, int) else key
        if tw in layout.TW_LABELS and isinstance(snapshot, Mapping):
            result[tw] = snapshot
    return result


def _column_order(label: str) -> int:
    return layout.REALISASI_HEADER.index(label) if label in layout.REALISASI_HEADER else -1


def _angka(value: float | None) -> str:
    """A figure in a message: whole numbers without decimals (``1.500``), others with two (``87,50``)."""
    if value is not None and float(value).is_integer():
        return format_angka(value, 0)
    return format_angka(value)


def validate_realisasi(
    rows: Sequence[Sequence[Any]] | None,
    master: Master | Sequence[Indikator],
    *,
    bidang: str,
    tw: int,
    submission: bool,
    approved: Mapping[int, Mapping[str, Any]] | None = None,
    percent_cells: Collection[tuple[int, int]] = (),
    date_cells: Collection[tuple[int, int]] = (),
) -> ValidationResult:
    """Read and check a ``Realisasi`` grid for TW ``tw``; ``submission`` adds the completeness checks."""
    layout.tw_label(tw)
    items = _items_for(master, bidang)
    validator = _Validator(
        _Grid(rows, percent_cells, date_cells),
        items,
        bidang=bidang,
        tw=tw,
        submission=submission,
        approved=_normal_approved(approved),
    )
    found: dict[str, int] = {}
    if validator.read_header():
        found = validator.match_rows()
    records = [validator.read_item(found.get(item.key), item) for item in items]
    problems = sorted(
        validator.problems,
        key=lambda p: (p.row, _column_order(p.column)),
    )
    result = ValidationResult(
        table=_table(records),
        problems=problems,
        bidang=bidang,
        tw=tw,
        header_row=None if validator.header_r is None else validator.header_r + 1,
        columns=dict(validator.cols),
    )
    logger.debug("validated %s TW %d: %d errors, %d warnings", bidang, tw, len(result.errors), len(result.warnings))
    return result


# --- the Status tab ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """One TW's row of the ``Status`` tab."""

    tw: int
    row: int
    status_pengisian: str
    status_alur: str
    catatan: str
    diperbarui: Any

    @property
    def siap_dikoreksi(self) -> bool:
        """Whether the staff set this TW to ``Siap Dikoreksi``."""
        return self.status_pengisian == layout.STATUS_SIAP_DIKOREKSI

    @property
    def cell(self) -> str:
        """The A1 cell (with tab) of this row's ``Status Pengisian``."""
        return f"{layout.quote_tab(layout.TAB_STATUS)}!{layout.a1(self.row, 1)}"


def parse_status(rows: Sequence[Sequence[Any]] | None) -> dict[int, StatusRow]:
    """TW -> :class:`StatusRow` from the ``Status`` grid; ``Status Pengisian`` normalised to its option."""
    grid = _Grid(rows, ())
    wanted = [layout.normal_label(label) for label in layout.STATUS_HEADER]
    header_r, positions = None, dict(enumerate(range(len(wanted))))
    for r in range(min(len(grid.rows), HEADER_SEARCH_ROWS)):
        labels = [layout.normal_label(c) if isinstance(c, str) else "" for c in grid.rows[r]]
        if wanted[0] in labels and wanted[1] in labels:
            header_r = r
            positions = {i: labels.index(label) for i, label in enumerate(wanted) if label in labels}
            break
    options = {layout.normal_label(option): option for option in layout.STATUS_PENGISIAN_OPTIONS}
    result: dict[int, StatusRow] = {}
    start = 0 if header_r is None else header_r + 1
    for r in range(start, len(grid.rows)):
        tw = layout.tw_from_label(grid.get(r, positions.get(0)))
        if tw is None or tw in result:
            continue
        pengisian = _text(grid.get(r, positions.get(1)))
        result[tw] = StatusRow(
            tw=tw,
            row=r + 1,
            status_pengisian=options.get(layout.normal_label(pengisian), pengisian),
            status_alur=_text(grid.get(r, positions.get(2))),
            catatan=_text(grid.get(r, positions.get(3))),
            diperbarui=grid.get(r, positions.get(4)),
        )
    return result


# --- snapshots and summaries -------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def snapshot_values(table: pd.DataFrame, tw: int) -> dict[str, Any]:
    """The values of TW ``tw`` to keep once it is approved: ``{"tw", "indikator": {key: {...}}}``.

    Each indicator holds ``realisasi``, ``anggaran`` (float or None), ``kendala`` and ``bukti``
    (str, empty when none). JSON-ready; pass it back to :func:`validate_realisasi` as ``approved``.
    """
    layout.tw_label(tw)
    kendala_column = f"kendala_tw{tw}" if f"kendala_tw{tw}" in table.columns else "kendala"
    frame = pd.DataFrame(
        {
            "key": table["key"].astype("str"),
            "realisasi": table[f"realisasi_tw{tw}"].astype("float64"),
            "anggaran": table[f"anggaran_tw{tw}"].astype("float64"),
            "kendala": table[kendala_column].astype("str").fillna(""),
            "bukti": table["bukti"].astype("str").fillna(""),
        }
    )
    entries = {
        record["key"]: {name: _plain(record[name]) for name in ("realisasi", "anggaran", "kendala", "bukti")}
        for record in frame.to_dict("records")
    }
    return {"tw": tw, "indikator": entries}


def snapshot_hash(values: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of a snapshot: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _optional(value: Any) -> float | None:
    value = _plain(value)
    return None if value is None else float(value)


def summarize_tw(table: pd.DataFrame, tw: int, *, problems: Sequence[Problem] = ()) -> TwSummary:
    """The koreksi figures of one bidang's TW: filled, capaian, predikat counts, serapan, problems."""
    frame = indicator_frame(table, tw)
    counts = frame["predikat"].value_counts()
    pagu = frame["pagu"].sum(min_count=1)
    spent = frame["anggaran_kumulatif"].sum(min_count=1)
    average = _optional(frame["capaian"].mean()) if frame["capaian"].notna().any() else None
    return TwSummary(
        tw=tw,
        jumlah_indikator=len(frame),
        terisi=int(frame["realisasi_periode"].notna().sum()),
        dinilai=int(frame["capaian"].notna().sum()),
        rata_rata_capaian=average,
        predikat=predikat(average),
        predikat_counts={label: int(counts.get(label, 0)) for label in PREDIKAT_LABELS},
        pagu=_optional(pagu),
        anggaran_kumulatif=_optional(spent),
        serapan=serapan_anggaran(_optional(spent), _optional(pagu)),
        peringatan=sum(1 for p in problems if p.severity is Severity.WARNING),
        galat=sum(1 for p in problems if p.severity is Severity.ERROR),
    )
