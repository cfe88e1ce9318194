"""Building blocks for scripted SOP runs: submissions as the Google edge would report them."""

from __future__ import annotations

from bot.workflow.intake import SubmissionReady
from sheets.facts import ProblemInfo
from sheets.snapshot import snapshot_hash

WARNING = ProblemInfo("M14", "Realisasi TW I", 14, "Jumlah pencari kerja", "warning", "capaian di atas 150%")
ERROR = ProblemInfo("M15", "Realisasi TW I", 15, "Jumlah pelatihan", "error", '"dua puluh" bukan angka')


def values_for(kode: str, tw: int, version: int = 1) -> dict[str, object]:
    """Deterministic values of a bidang's TW (``version`` changes them)."""
    return {f"{kode}-{i}": {"realisasi": 10 * i + version, "anggaran": 1000 * i} for i in range(1, 4)}


def submission(kode: str, tw: int, ok: bool = True, version: int = 1, tahun: int = 2026) -> SubmissionReady:
    """A SubmissionReady the intake would find."""
    values = values_for(kode, tw, version)
    problems = (WARNING,) if ok else (ERROR, WARNING)
    return SubmissionReady(
        bidang=kode,
        tw=tw,
        ok=ok,
        problems=problems,
        summary={"indikator": 3, "rata_capaian": 95.5},
        values=values,
        values_hash=snapshot_hash(values),
        tahun=tahun,
    )


class Driver:
    """Moves a service through the SOP quickly, as the people in the example settings."""

    def __init__(self, service, workbook, clock) -> None:  # type: ignore[no-untyped-def]
        from tests.workflow.conftest import actor_of

        self.s, self.wb, self.clock = service, workbook, clock
        self.actor = lambda tid: actor_of(service, tid)
        self.pid: int = 0

    def collecting(self, tw: int = 1) -> int:
        from tests.workflow.conftest import SEKRETARIS

        self.pid = self.s.start_period(2026, tw)
        self.s.approve_distribution(self.actor(SEKRETARIS), self.pid)
        return self.pid

    def submit(self, kode: str, ok: bool = True, version: int = 1) -> None:
        view = self.s.period_view(self.pid)
        self.s.handle_events([submission(kode, view.tw, ok, version, view.tahun)])

    def approve(self, kode: str) -> None:
        from tests.workflow.conftest import KEPALA

        self.s.approve_koreksi(self.actor(KEPALA[kode]), self.pid, kode)
        self.settled()

    def settled(self) -> None:
        """Wait for the bot's own step an action made due (the draft rekap, the close), when a worker builds it."""
        if self.s.bot_steps is not None:
            assert self.s.bot_steps.wait_idle(120)

    def analysis(self) -> int:
        self.collecting()
        for kode in self.s.kodes:
            self.submit(kode)
            self.approve(kode)
        return self.pid

    def telaah_sekretaris(self) -> int:
        from tests.workflow.conftest import KASUBBAG

        self.analysis()
        self.s.submit_to_sekretaris(self.actor(KASUBBAG), self.pid)
        return self.pid

    def telaah_kepala_dinas(self) -> int:
        from tests.workflow.conftest import SEKRETARIS

        self.telaah_sekretaris()
        self.s.forward_to_kepala_dinas(self.actor(SEKRETARIS), self.pid)
        return self.pid

    def follow_up(self) -> int:
        from tests.workflow.conftest import KADIS

        self.telaah_kepala_dinas()
        self.s.approve_by_kepala_dinas(self.actor(KADIS), self.pid)
        self.s.give_rekomendasi(self.actor(KADIS), self.pid, "Tingkatkan serapan.", {"PTK": "Perluas bursa kerja."})
        return self.pid
