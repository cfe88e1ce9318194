"""The ``Status`` tab of a bidang's workbook: one row per TW with its Status Pengisian and flow.

:func:`parse_status` reads the grid as ``values.batchGet`` returns it into a :class:`StatusRow`
per TW, finding the header by its labels and normalising ``Status Pengisian`` to its option
(so ``siap dikoreksi`` typed by hand reads as ``Siap Dikoreksi``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sheets import layout
from sheets.cells import HEADER_SEARCH_ROWS, Grid, cell_text

__all__ = ["StatusRow", "parse_status"]


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
    grid = Grid(rows, ())
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
        pengisian = cell_text(grid.get(r, positions.get(1)))
        result[tw] = StatusRow(
            tw=tw,
            row=r + 1,
            status_pengisian=options.get(layout.normal_label(pengisian), pengisian),
            status_alur=cell_text(grid.get(r, positions.get(2))),
            catatan=cell_text(grid.get(r, positions.get(3))),
            diperbarui=grid.get(r, positions.get(4)),
        )
    return result
