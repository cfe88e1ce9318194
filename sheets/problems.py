"""The problems validation finds in a bidang's sheet: where (cell, row, column), how bad, what kind.

A :class:`Problem` is one finding of :func:`sheets.validate.validate_realisasi`, at one cell,
with an Indonesian message for people and a :class:`ProblemKind` for code that reacts to one
kind; its :class:`Severity` says whether it blocks the submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sheets import layout

__all__ = ["Problem", "ProblemKind", "Severity"]


class Severity(StrEnum):
    """An error blocks submission; a warning is shown to the Kepala Bidang."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The Indonesian word shown to people."""
        return "Kesalahan" if self is Severity.ERROR else "Peringatan"


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
    PERCENT_AS_FRACTION = "persen_sebagai_pecahan"
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
