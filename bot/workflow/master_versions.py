"""The versions of a year's master list as the store keeps them: APBD Murni, then each APBD Perubahan.

Version 1 is the list the year's workbooks were laid out from (stored when the year's first TW is
distributed); each revision adds the next, measured from its TW ``mulai_tw`` on. A TW is measured
against the latest version that starts at or before it, so the approved TWs keep the targets they
were approved under. A version's :class:`~sheets.master.Master` carries, as ``dihapus``, the
indicators of earlier versions it dropped (their rows stay in the sheets, marked). Imports no part
of the workflow's core, so the report document (:mod:`bot.laporan_data`) reads it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Row

from bot import texts
from sheets.master import Indikator, Master, master_from_json

__all__ = ["MasterVersion", "masters_by_tw", "target_labels", "version_for_tw", "versions_from_rows"]

TWS = (1, 2, 3, 4)


@dataclass(frozen=True)
class MasterVersion:
    """One applied version of a year's master list."""

    id: int
    tahun: int
    versi: int
    label: str
    berlaku_mulai: date | None
    mulai_tw: int
    sumber: str
    master: Master
    audit_id: int | None

    @property
    def target_label(self) -> str:
        """What the rekap says a TW measured against it was measured against."""
        return texts.target_label(self.label, self.berlaku_mulai)


def versions_from_rows(rows: Sequence[Row[Any]]) -> list[MasterVersion]:
    """The versions of ``rows`` (``master_versions`` rows of one year, oldest first)."""
    versions: list[MasterVersion] = []
    earlier: dict[tuple[str, str], Indikator] = {}
    for row in rows:
        plain = master_from_json(row.indikator, row.sumber)
        present = {(item.bidang, item.key) for item in plain.indikator}
        dropped = tuple(item for identity, item in earlier.items() if identity not in present)
        # Read once: a regency's list has 80,000 rows, and the draft rekap reads every version.
        master = replace(plain, dihapus=dropped) if dropped else plain
        versions.append(
            MasterVersion(
                row.id,
                row.tahun,
                row.versi,
                row.label,
                row.berlaku_mulai,
                row.mulai_tw,
                row.sumber,
                master,
                row.audit_id,
            )
        )
        earlier.update({(item.bidang, item.key): item for item in plain.indikator})
    return versions


def version_for_tw(versions: Sequence[MasterVersion], tw: int) -> MasterVersion | None:
    """The version TW ``tw`` is measured against: the latest starting at or before it."""
    found = [version for version in versions if version.mulai_tw <= tw]
    return found[-1] if found else None


def masters_by_tw(versions: Sequence[MasterVersion]) -> dict[int, Master]:
    """TW -> the master list it is measured against (TWs before any version absent)."""
    found = {tw: version_for_tw(versions, tw) for tw in TWS}
    return {tw: version.master for tw, version in found.items() if version is not None}


def target_labels(versions: Sequence[MasterVersion]) -> dict[int, str]:
    """TW -> ``Target: APBD Murni`` / ``Target: APBD Perubahan (berlaku ...)``; empty when the year has no version."""
    found = {tw: version_for_tw(versions, tw) for tw in TWS}
    return {tw: version.target_label for tw, version in found.items() if version is not None}
