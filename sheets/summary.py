"""The summary of one bidang's TW for the koreksi message: filled, capaian, predikat, serapan, problems."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sheets.capaian import PREDIKAT_LABELS, predikat, serapan_anggaran
from sheets.problems import Problem, Severity
from sheets.snapshot import plain_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TwSummary", "summarize_tw"]


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


def _optional(value: Any) -> float | None:
    value = plain_value(value)
    return None if value is None else float(value)


def summarize_tw(table: pd.DataFrame, tw: int, *, problems: Sequence[Problem] = ()) -> TwSummary:
    """The koreksi figures of one bidang's TW: filled, capaian, predikat counts, serapan, problems."""
    from sheets.aggregate import indicator_frame  # the rekap's module, loaded with the first frame

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
