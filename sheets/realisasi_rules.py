"""The rules of a ``Realisasi`` tab: reading each indicator's row and recording every problem at its cell.

:class:`RealisasiValidator` is one run of :func:`sheets.validate.validate_realisasi`: it finds the
header and the columns by their labels, matches the sheet's rows to the master list, reads the
numbers and texts of each TW (approved TWs from their snapshot, later TWs ignored) and checks
them (formula errors, not a number, negative, too large, missing, over pagu, bukti not a link,
changed after approval). The records it gives become the typed table in :mod:`sheets.validate`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sheets import layout
from sheets.cells import Grid, cell_text, find_header, formula_error, is_empty, is_link
from sheets.formatting import format_angka, format_rupiah
from sheets.master import Indikator, indikator_key
from sheets.numbers import AngkaTidakSah, parse_angka, tampilan_nilai
from sheets.problems import Problem, ProblemKind, Severity

__all__ = ["DATE_CELL_REASON", "MAX_EXACT_NUMBER", "RealisasiValidator"]

TWS = tuple(layout.TW_LABELS)
DATE_CELL_REASON = "sel berformat tanggal; ubah melalui menu Format > Angka > Otomatis, lalu isi ulang"
# Google Sheets keeps 15 significant digits: a number this large is not stored as it was typed
# (99999999999999999999 comes back as 1e20), so it cannot be the figure the person meant.
MAX_EXACT_NUMBER = 1e15
SCIENTIFIC_FROM = 1e21


def _angka(value: float | None) -> str:
    """A figure in a message: whole numbers without decimals (``1.500``), others with two (``87,50``).

    Past 21 digits (``1e308`` typed) the figure is written as Sheets shows it, ``1E+308``, not as
    three hundred digits.
    """
    if value is not None and math.isfinite(value) and abs(value) >= SCIENTIFIC_FROM:
        mantissa, exponent = f"{value:.2E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.').replace('.', ',')}E{int(exponent):+d}"
    if value is not None and float(value).is_integer():
        return format_angka(value, 0)
    return format_angka(value)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


class RealisasiValidator:
    """One run of :func:`sheets.validate.validate_realisasi`; collects problems while it reads."""

    def __init__(
        self,
        grid: Grid,
        items: Sequence[Indikator],
        *,
        bidang: str,
        tw: int,
        submission: bool,
        approved: Mapping[int, Mapping[str, Any]],
        dropped: Collection[str] = (),
    ) -> None:
        self.grid = grid
        self.items = items
        # Keys of indicators a revision of the master list dropped: their rows stay, marked, unread.
        self.dropped = frozenset(dropped)
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
        header_r = find_header(self.grid)
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
            if is_empty(cell):
                continue
            label = known.get(layout.normal_label(cell)) if isinstance(cell, str) else None
            if label is None:
                self.add(
                    ProblemKind.COLUMN_EXTRA,
                    Severity.WARNING,
                    header_r,
                    c,
                    cell_text(cell),
                    f'Kolom tambahan "{cell_text(cell)}" bukan bagian dari format laporan dan diabaikan',
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
            if all(is_empty(cell) for cell in row):
                continue
            kode = cell_text(self.grid.get(r, c_kode))
            nama = cell_text(self.grid.get(r, c_nama))
            if indikator_key(kode, nama) in self.dropped:
                continue
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
        if is_empty(raw):
            return None, True
        error = formula_error(raw)
        if error is not None:
            if report:
                self.add(
                    ProblemKind.FORMULA_ERROR,
                    Severity.ERROR,
                    r,
                    c,
                    label,
                    f"{self.prefix(label, r, item)}: rumus menghasilkan kesalahan {error}; isi dengan angka",
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
        if is_empty(raw):
            return None
        error = formula_error(raw)
        if error is not None:
            self.add(
                ProblemKind.FORMULA_ERROR,
                Severity.ERROR,
                r,
                c,
                label,
                f"{self.prefix(label, r, item)}: rumus menghasilkan kesalahan {error}; isi dengan teks",
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
        if bukti is not None and not is_link(bukti):
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
                if c is not None and not is_empty(self.grid.get(r, c)):
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
        self.check_percent_fraction(r, item, k, value)
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

    def check_percent_fraction(self, r: int, item: Indikator, k: int, value: float | None) -> None:
        """Warn at the cell when a ``%`` indicator aiming above 1 holds a value in (0, 1]: likely ``75%`` kept as 0.75.

        Typed into a column the bot formatted as a number, ``75%`` may be stored as 0.75 with the
        column's format kept (Google does not document which format wins); a percent-formatted
        cell is already read as 75. Zero is a real zero and is not questioned.
        """
        target = item.target_tw[k - 1] if item.target_tw[k - 1] is not None else item.target_tahunan
        if not item.persen or value is None or not 0 < value <= 1 or target is None or target <= 1:
            return
        label = layout.col_realisasi(k)
        meant = _angka(round(value * 100, 9))  # 0.07 * 100 is 7.000000000000001
        self.add(
            ProblemKind.PERCENT_AS_FRACTION,
            Severity.WARNING,
            r,
            self.cols[label],
            label,
            f"{self.prefix(label, r, item)}: {_angka(value)} untuk satuan % dengan target {_angka(target)}; "
            f"apakah maksudnya {meant}%? Bila ya, isi {meant} (tanpa tanda %)",
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
