"""The summary of one bidang's TW for the koreksi message: filled, capaian, predikat, serapan, problems."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sheets.capaian import PREDIKAT_LABELS, predikat, serapan_anggaran, target_periode
from sheets.layout import IndikatorRow
from sheets.problems import Problem, Severity
from sheets.snapshot import plain_value

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TwSummary", "bertarget", "jumlah_bertarget", "summarize_tw"]


def bertarget(targets: pd.Series) -> pd.Series:
    """Which indicators can be assessed for a TW: their target for it (``Target TW n``, else
    ``Target Tahunan``) is a number above 0, the only case capaian is computed for.

    The one definition: the koreksi summary counts as ``dinilai`` the indicators bertarget whose
    realisasi is reported, the step 1 request (:func:`jumlah_bertarget`) all of them.
    """
    import pandas as pd

    return pd.to_numeric(targets, errors="coerce").astype("float64").gt(0)


def jumlah_bertarget(items: Iterable[IndikatorRow], tw: int) -> int:
    """How many of a bidang's master indicators can be assessed for TW ``tw`` (:func:`bertarget`).

    :func:`bertarget` for the master's numbers, without a frame: a period is opened (and this
    counted) by the service's first tick, which need not load pandas for it.
    """
    count = 0
    for item in items:
        target = target_periode({f"target_tw{tw}": item.target_tw[tw - 1], "target_tahunan": item.target_tahunan}, tw)
        count += target is not None and target > 0  # NaN > 0 is False, as in bertarget
    return count


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
        dinilai=int((bertarget(frame["target"]) & frame["realisasi_kumulatif"].notna()).sum()),
        rata_rata_capaian=average,
        predikat=predikat(average),
        predikat_counts={label: int(counts.get(label, 0)) for label in PREDIKAT_LABELS},
        pagu=_optional(pagu),
        anggaran_kumulatif=_optional(spent),
        serapan=serapan_anggaran(_optional(spent), _optional(pagu)),
        peringatan=sum(1 for p in problems if p.severity is Severity.WARNING),
        galat=sum(1 for p in problems if p.severity is Severity.ERROR),
    )
