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

Its parts live in their own modules: the problems in :mod:`sheets.problems`, the reading of cells
in :mod:`sheets.cells`, the rules in :mod:`sheets.realisasi_rules`, the ``Status`` tab in
:mod:`sheets.status_tab`, the approved snapshot in :mod:`sheets.snapshot` and the TW summary in
:mod:`sheets.summary`. The names this module exported before that split are still exported here.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sheets import layout
from sheets.cells import FORMULA_ERRORS, Grid
from sheets.master import MASTER_FRAME_COLUMNS, Indikator, Master
from sheets.problems import Problem, ProblemKind, Severity
from sheets.realisasi_rules import RealisasiValidator
from sheets.snapshot import snapshot_hash, snapshot_values
from sheets.status_tab import StatusRow, parse_status
from sheets.summary import TwSummary, summarize_tw

if TYPE_CHECKING:
    import pandas as pd

# This module's own names are TABLE_COLUMNS, ValidationResult and validate_realisasi; the others are
# re-exported (their home in the comment) for the callers of before the split.
__all__ = [
    "FORMULA_ERRORS",  # sheets.cells
    "TABLE_COLUMNS",
    "Problem",  # sheets.problems
    "ProblemKind",  # sheets.problems
    "Severity",  # sheets.problems
    "StatusRow",  # sheets.status_tab
    "TwSummary",  # sheets.summary
    "ValidationResult",
    "parse_status",  # sheets.status_tab
    "snapshot_hash",  # sheets.snapshot
    "snapshot_values",  # sheets.snapshot
    "summarize_tw",  # sheets.summary
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


def _table(records: list[dict[str, Any]]) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

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
    dropped = {item.key for item in master.dropped_for(bidang)} if isinstance(master, Master) else set()
    validator = RealisasiValidator(
        Grid(rows, percent_cells, date_cells),
        items,
        bidang=bidang,
        tw=tw,
        submission=submission,
        approved=_normal_approved(approved),
        dropped=dropped,
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
