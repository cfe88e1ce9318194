"""Fixtures of the report domain tests: the demo master list and a correctly filled bidang sheet."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets import layout
from sheets.master import Master, load_master

DEMO_MASTER = Path(__file__).resolve().parents[2] / "config" / "demo" / "indikator.csv"


@pytest.fixture(scope="session")
def demo_master() -> Master:
    """The master list shipped with the demo (28 indicators, 4 bidang)."""
    return load_master(DEMO_MASTER)


def filled_grid(master: Master, bidang: str, tw: int) -> list[list]:
    """A ``Realisasi`` grid of ``bidang`` as a careful staff member fills TW 1..``tw``.

    Realisasi TW k = 10 x k + row number, anggaran = 1.000.000 x k, a kendala and a link,
    shaped as values.batchGet returns it (trailing empty cells dropped).
    """
    grid = layout.initial_realisasi_grid(master.for_bidang(bidang))
    header = grid[0]
    for number, row in enumerate(grid[1:], start=1):
        for k in range(1, tw + 1):
            row[header.index(layout.col_realisasi(k))] = 10 * k + number
            row[header.index(layout.col_anggaran(k))] = 1_000_000 * k
        row[header.index(layout.COL_KENDALA)] = "Tidak ada kendala"
        row[header.index(layout.COL_BUKTI)] = f"https://drive.google.com/file/d/bukti{number}/view"
    return [_trim(row) for row in grid]


def _trim(row: list) -> list:
    while row and row[-1] in ("", None):
        row = row[:-1]
    return row


@pytest.fixture
def grid_factory(demo_master: Master) -> Callable[..., list[list]]:
    """A fresh, correctly filled grid (deep copy) for a bidang and TW."""

    def make(bidang: str = "PTK", tw: int = 2) -> list[list]:
        return copy.deepcopy(filled_grid(demo_master, bidang, tw))

    return make
