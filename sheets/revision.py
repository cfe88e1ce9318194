"""A revision of the master list (APBD Perubahan): what changed, and what a bidang workbook must become.

:func:`compare` says, per bidang, which indicators a revised list changes (targets, pagu, or
their description), adds and drops. :func:`plan_revision` says which cells of one bidang's
``Realisasi`` tab the bot rewrites so that the open and future TWs take the revision while the
approved TWs keep what they were approved under:

- a kept indicator gets its No, description, Target Tahunan, Pagu and the ``Target TW n`` of the
  TWs from ``from_tw`` on; its earlier targets and every cell the staff fill stay as they are;
- an added indicator gets a new row below the last one (no row moves, so nothing the staff typed
  shifts), with the targets from ``from_tw`` on;
- a dropped indicator keeps its row and its values (the approved TWs were reported on it): its No
  reads ``Dihapus``, its targets from ``from_tw`` on are cleared, and the edge greys it and locks
  it. Deleting the row would lose what the sheet shows of the earlier TWs and shift every row
  below it while the staff may be typing.

Rows are found by the indicator's identity (Kode and name), columns by their labels, so a row
found again after a retried revision is rewritten with the same values: applying a plan twice
changes nothing. Pure: the Google edge turns the plan into requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sheets import layout
from sheets.cells import Grid, cell_text, find_header, is_empty
from sheets.master import Indikator, Master, indikator_key

__all__ = [
    "DIHAPUS",
    "BidangChange",
    "RevisionPlan",
    "TargetRevision",
    "compare",
    "plan_revision",
]

DIHAPUS = "Dihapus"
"""What the ``No`` cell of a dropped indicator's row reads."""


@dataclass(frozen=True)
class BidangChange:
    """What a revision changes in one bidang: indicator keys changed, added and dropped."""

    bidang: str
    diubah: tuple[str, ...] = ()
    ditambah: tuple[str, ...] = ()
    dihapus: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        """Whether anything changes."""
        return bool(self.diubah or self.ditambah or self.dihapus)


def _same(a: Indikator, b: Indikator) -> bool:
    return (
        a.program == b.program
        and a.satuan == b.satuan
        and a.polaritas == b.polaritas
        and a.jenis == b.jenis
        and a.target_tahunan == b.target_tahunan
        and tuple(a.target_tw) == tuple(b.target_tw)
        and a.pagu == b.pagu
    )


def compare(old: Master, new: Master, bidang_order: Sequence[str] = ()) -> dict[str, BidangChange]:
    """Per bidang (every bidang of either list, ``bidang_order`` first): what ``new`` changes of ``old``."""
    order = list(dict.fromkeys([*bidang_order, *old.bidang_codes(), *new.bidang_codes()]))
    changes: dict[str, BidangChange] = {}
    for kode in order:
        before = {item.key: item for item in old.for_bidang(kode)}
        after = {item.key: item for item in new.for_bidang(kode)}
        changes[kode] = BidangChange(
            kode,
            diubah=tuple(k for k, item in after.items() if k in before and not _same(before[k], item)),
            ditambah=tuple(k for k in after if k not in before),
            dihapus=tuple(k for k in before if k not in after),
        )
    return changes


@dataclass(frozen=True)
class TargetRevision:
    """What one bidang workbook takes from a revision: its indicators now, those dropped, from which TW."""

    bidang: str
    items: tuple[Indikator, ...]
    dropped: tuple[Indikator, ...]
    from_tw: int


@dataclass(frozen=True)
class RevisionPlan:
    """The cells of one ``Realisasi`` tab a revision rewrites (0-based rows and columns of the grid).

    ``writes`` are (row, column, value) of rows that exist; ``appended`` are whole new rows
    (``width`` cells each) to go below ``row_count`` rows; ``dropped`` the rows to mark (``marked``:
    those already marked by an earlier run), ``revived`` rows marked dropped that the list has again.
    """

    header_row: int
    columns: dict[str, int]
    writes: list[tuple[int, int, Any]] = field(default_factory=list)
    appended: list[list[Any]] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    marked: list[int] = field(default_factory=list)
    revived: list[int] = field(default_factory=list)
    width: int = len(layout.REALISASI_HEADER)


def _cell(value: float | None) -> Any:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _values(item: Indikator, number: int | str, from_tw: int) -> dict[str, Any]:
    """The bot-owned cells of an indicator's row that a revision sets."""
    values: dict[str, Any] = {
        layout.COL_NO: number,
        layout.COL_KODE: item.kode,
        layout.COL_PROGRAM: item.program,
        layout.COL_INDIKATOR: item.indikator,
        layout.COL_SATUAN: item.satuan,
        layout.COL_POLARITAS: str(item.polaritas),
        layout.COL_JENIS: str(item.jenis),
        layout.COL_TARGET_TAHUNAN: _cell(item.target_tahunan),
        layout.COL_PAGU: _cell(item.pagu),
    }
    for tw in range(from_tw, 5):
        values[layout.col_target(tw)] = _cell(item.target_tw[tw - 1])
    return values


def plan_revision(rows: Sequence[Sequence[Any]], revision: TargetRevision) -> RevisionPlan:
    """The cells to rewrite in a ``Realisasi`` grid (as read) for ``revision`` (see the module docstring).

    Raises ValueError when the tab has no header row or no Kode/Indikator column: the edge does
    not guess where the rows are.
    """
    grid = Grid(rows, ())
    header_r = find_header(grid)
    if header_r is None:
        raise ValueError("Realisasi tab without its header row")
    known = {layout.normal_label(label): label for label in layout.REALISASI_HEADER}
    columns: dict[str, int] = {}
    for c, text in enumerate(grid.rows[header_r]):
        label = known.get(layout.normal_label(text)) if isinstance(text, str) else None
        if label is not None and label not in columns:
            columns[label] = c
    if layout.COL_KODE not in columns or layout.COL_INDIKATOR not in columns:
        raise ValueError("Realisasi tab without its Kode or Indikator Kinerja column")
    found: dict[str, int] = {}
    for r in range(header_r + 1, len(grid.rows)):
        kode = cell_text(grid.get(r, columns[layout.COL_KODE]))
        nama = cell_text(grid.get(r, columns[layout.COL_INDIKATOR]))
        if kode or nama:
            found.setdefault(indikator_key(kode, nama), r)
    plan = RevisionPlan(header_r, columns, width=max(len(layout.REALISASI_HEADER), max(columns.values()) + 1))
    no_column = columns.get(layout.COL_NO)

    def is_marked(r: int) -> bool:
        return no_column is not None and cell_text(grid.get(r, no_column)) == DIHAPUS

    for number, item in enumerate(revision.items, start=1):
        values = _values(item, number, revision.from_tw)
        at = found.get(item.key)
        if at is None:
            row: list[Any] = [""] * plan.width
            for label, value in values.items():
                if label in columns:
                    row[columns[label]] = value
            plan.appended.append(row)
            continue
        if is_marked(at):
            plan.revived.append(at)
        for label, value in values.items():
            col = columns.get(label)
            current = grid.get(at, col) if col is not None else None
            if col is not None and not (is_empty(current) and value == "") and current != value:
                plan.writes.append((at, col, value))
    for item in revision.dropped:
        at = found.get(item.key)
        if at is None:
            continue
        (plan.marked if is_marked(at) else plan.dropped).append(at)
        if no_column is not None:
            plan.writes.append((at, no_column, DIHAPUS))
        for tw in range(revision.from_tw, 5):
            col = columns.get(layout.col_target(tw))
            if col is not None and not is_empty(grid.get(at, col)):
                plan.writes.append((at, col, ""))
    # A marked row written again with the same No is no change.
    plan.writes[:] = [(r, c, v) for r, c, v in plan.writes if not (v == DIHAPUS and r in plan.marked)]
    return plan
