"""Building blocks for scripted SOP runs: submissions as the Google edge would report them."""

from __future__ import annotations

from bot.workflow.ports import ProblemInfo, SubmissionReady, canonical_hash

WARNING = ProblemInfo("M14", "Realisasi TW I", 14, "Jumlah pencari kerja", "warning", "capaian di atas 150%")
ERROR = ProblemInfo("M15", "Realisasi TW I", 15, "Jumlah pelatihan", "error", '"dua puluh" bukan angka')


def values_for(kode: str, tw: int, version: int = 1) -> dict[str, object]:
    """Deterministic values of a bidang's TW (``version`` changes them)."""
    return {f"{kode}-{i}": {"realisasi": 10 * i + version, "anggaran": 1000 * i} for i in range(1, 4)}


def submission(kode: str, tw: int, ok: bool = True, version: int = 1) -> SubmissionReady:
    """A SubmissionReady the Google edge would emit."""
    values = values_for(kode, tw, version)
    problems = (WARNING,) if ok else (ERROR, WARNING)
    return SubmissionReady(
        bidang=kode,
        tw=tw,
        ok=ok,
        problems=problems,
        summary={"indikator": 3, "rata_capaian": 95.5},
        values=values,
        values_hash=canonical_hash(values),
    )
