"""The input of the Laporan Kinerja: plain, frozen data, and the rekap computed from approved snapshots.

These dataclasses copy what the report needs from the workflow's plain data
(``bot.workflow.ports``: RekapData, SnapshotData, RekomendasiData, TindakLanjutData, AuditEntry)
so that the report domain imports nothing from ``bot``. Whoever builds a :class:`LaporanInput`
(``bot/laporan_data.py`` from the store; the workflow at step 6 and at the close) converts field by
field.

The figures are not computed here: :func:`rekap_dari_snapshot` turns the approved snapshots into
the typed tables of :func:`sheets.aggregate.build_rekap` and returns its :class:`~sheets.aggregate.Rekap`
(capaian, predikat, serapan by the rules of :mod:`sheets.capaian`), exactly as the dinas workbook
gets them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sheets.aggregate import Rekap, build_rekap_from_snapshots, tables_from_snapshots
from sheets.master import Master

__all__ = [
    "Identitas",
    "LaporanInput",
    "Pejabat",
    "Rekomendasi",
    "Riwayat",
    "Snapshot",
    "TindakLanjut",
    "rekap_dari_snapshot",
    "tables_from_snapshots",
]


@dataclass(frozen=True)
class Identitas:
    """The letterhead: ``Pemerintah Kabupaten <kabupaten>``, the dinas, its address and logo."""

    kabupaten: str
    nama_dinas: str
    alamat: str | None = None
    logo: bytes | None = None
    """PNG or JPEG bytes of the logo (the regency's emblem), drawn left of the letterhead."""


@dataclass(frozen=True)
class Pejabat:
    """An official named in the report: name with titles, and NIP when known."""

    nama: str
    nip: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """The approved values of one bidang for one TW (copy of ``SnapshotData`` without the hash).

    ``values`` is the snapshot as the store keeps it: ``{"indikator": {key: {"realisasi",
    "anggaran", "kendala"}}}``.
    """

    bidang: str
    tw: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Rekomendasi:
    """A rekomendasi of the Kepala Dinas for a TW; ``bidang`` None is the general one."""

    tw: int
    bidang: str | None
    teks: str
    diberikan: datetime


@dataclass(frozen=True)
class TindakLanjut:
    """One bidang's tindak lanjut of the rekomendasi of a TW."""

    tw: int
    bidang: str
    teks: str
    dicatat: datetime


@dataclass(frozen=True)
class Riwayat:
    """One row of the audit trail (copy of ``AuditEntry``, plus the row's note)."""

    sop_step: int
    actor_role: str
    actor_nama: str
    event: str
    bidang: str | None
    at: datetime
    duration_seconds: float | None = None
    mutu_baku_seconds: float | None = None
    within: bool | None = None
    reason: str | None = None
    note: str | None = None
    atas_nama: str | None = None  # the official a Plh acted for


@dataclass(frozen=True)
class LaporanInput:
    """Everything the Laporan Kinerja of one period shows, as plain data.

    ``rekap`` is :func:`sheets.aggregate.build_rekap`'s result up to TW ``tw`` (see
    :func:`rekap_dari_snapshot`); ``bidang`` maps kode -> name in the order the report lists them.
    ``mutu_baku`` maps SOP step -> its Mutu Baku as read (``"30 menit"``, ``"1 hari kerja"``);
    steps without an entry show the audit row's seconds. ``dibuat`` is when the document is
    written (printed in the footer); ``zona_waktu`` the office's IANA zone.
    """

    identitas: Identitas
    tahun: int
    tw: int
    rekap: Rekap
    bidang: Mapping[str, str]
    kepala_dinas: Pejabat
    sekretaris: Pejabat
    kasubbag_kpep: Pejabat
    catatan_analisis: str | None = None
    rekomendasi: tuple[Rekomendasi, ...] = ()
    tindak_lanjut: tuple[TindakLanjut, ...] = ()
    riwayat: tuple[Riwayat, ...] = ()
    mutu_baku: Mapping[int, str] = field(default_factory=dict)
    zona_waktu: str = "Asia/Jakarta"
    dibuat: datetime | None = None
    target_label: str | None = None
    """Which targets the TW was measured against (``Target: APBD Perubahan (berlaku 1 Juli 2026)``)."""


def rekap_dari_snapshot(
    master: Master,
    snapshots: Sequence[Snapshot],
    bidang_names: Mapping[str, str],
    tw: int,
    masters: Mapping[int, Master] | None = None,
) -> Rekap:
    """The rekap up to TW ``tw`` from the approved snapshots of the year (TW 1..``tw``); ``masters``
    gives the master list each TW was measured against after a revision (APBD Perubahan)."""
    return build_rekap_from_snapshots(master, snapshots, bidang_names, tw, masters=masters)
