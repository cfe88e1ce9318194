"""The Laporan Kinerja of a period as a PDF: the document the Kepala Dinas approves and the archive keeps.

Pure report domain: plain data in (:class:`LaporanInput`), PDF bytes out (:func:`build_laporan`);
no I/O beyond rendering, nothing imported from ``bot``. The figures come from
:func:`sheets.aggregate.build_rekap` (see :func:`rekap_dari_snapshot`), the words and formats from
:mod:`sheets.laporan.teks`, the chart from :mod:`sheets.laporan.grafik`, the layout from
:mod:`sheets.laporan.dokumen` (which assembles the page furniture of :mod:`sheets.laporan.halaman`,
the styles of :mod:`sheets.laporan.gaya`, the tables of :mod:`sheets.laporan.tabel` and the
sections of :mod:`sheets.laporan.bagian`). DESIGN.md section 3, "The report document"; docs/laporan.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheets.laporan.bagian import judul_laporan
    from sheets.laporan.data import (
        Identitas,
        LaporanInput,
        Pejabat,
        Rekomendasi,
        Riwayat,
        Snapshot,
        TindakLanjut,
        rekap_dari_snapshot,
        tables_from_snapshots,
    )
    from sheets.laporan.dokumen import build_laporan

# Loaded on first use (PEP 562): reportlab, pandas and numpy stay out of a service that only
# needs :func:`nama_berkas` until a report is written.
_HOMES = {
    "judul_laporan": "sheets.laporan.bagian",
    "build_laporan": "sheets.laporan.dokumen",
    **dict.fromkeys(
        (
            "Identitas",
            "LaporanInput",
            "Pejabat",
            "Rekomendasi",
            "Riwayat",
            "Snapshot",
            "TindakLanjut",
            "rekap_dari_snapshot",
            "tables_from_snapshots",
        ),
        "sheets.laporan.data",
    ),
}

__all__ = [
    "Identitas",
    "LaporanInput",
    "Pejabat",
    "Rekomendasi",
    "Riwayat",
    "Snapshot",
    "TindakLanjut",
    "build_laporan",
    "judul_laporan",
    "nama_berkas",
    "rekap_dari_snapshot",
    "tables_from_snapshots",
]


def nama_berkas(tahun: int, tw: int) -> str:
    """The file name of a period's report: ``laporan-2026-TW1.pdf``."""
    return f"laporan-{tahun}-TW{tw}.pdf"


def __getattr__(name: str) -> Any:
    """The names of the submodules, imported when first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
