"""WorkflowService.check_action: the checks an action runs first (role, bidang, state), without writing.

Each case puts the period in a stage, asks ``check_action`` and then takes the real action with
the same actor and inputs: a pass must let the action through, a refusal must be the action's own
refusal word for word. So the check the Telegram edge runs before a prompt cannot drift from the
action the prompt's answer triggers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.store.repository import Store
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BidangEvent as BE
from bot.workflow.machine import DinasEvent as DE
from bot.workflow.service import PeriodRef, WorkflowService
from tests.workflow.conftest import (
    KADIS,
    KASUBBAG,
    LAT_KEPALA,
    PTK_KEPALA,
    PTK_STAF,
    SEKRETARIS,
    actor_of,
)
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver


def _submitted(d: Driver) -> int:
    d.collecting()
    d.submit("PTK")
    d.submit("SEK")
    return d.pid


def _revision(d: Driver) -> int:
    d.telaah_sekretaris()
    d.s.return_by_sekretaris(actor_of(d.s, SEKRETARIS), d.pid, "Data PTK perlu diperiksa.")
    return d.pid


def _rekomendasi(d: Driver) -> int:
    d.telaah_kepala_dinas()
    d.s.approve_by_kepala_dinas(actor_of(d.s, KADIS), d.pid)
    return d.pid


def _ptk_followed_up(d: Driver) -> int:
    d.follow_up()
    d.s.record_tindak_lanjut(actor_of(d.s, PTK_KEPALA), d.pid, "PTK", "Sudah dijadwalkan.")
    return d.pid


STAGES: dict[str, Callable[[Driver], int]] = {
    "awaiting": lambda d: d.s.start_period(2026, 1),
    "submitted": _submitted,
    "analysis": lambda d: d.analysis(),
    "telaah_sekretaris": lambda d: d.telaah_sekretaris(),
    "revision": _revision,
    "rekomendasi": _rekomendasi,
    "follow_up": lambda d: d.follow_up(),
    "ptk_followed_up": _ptk_followed_up,
}

# The public action that causes each event, with valid free text where it needs one.
ACTIONS: dict[Any, Callable[..., None]] = {
    BE.APPROVE: lambda s, a, p, b: s.approve_koreksi(a, p, b),
    BE.RETURN: lambda s, a, p, b: s.return_koreksi(a, p, b, "Lengkapi bukti dukung."),
    DE.APPROVE_DISTRIBUTION: lambda s, a, p, b: s.approve_distribution(a, p),
    DE.DEFER_DISTRIBUTION: lambda s, a, p, b: s.defer_distribution(a, p),
    DE.ADD_ANALYSIS_NOTE: lambda s, a, p, b: s.add_analysis_note(a, p, "Capaian baik."),
    DE.SUBMIT_TO_SEKRETARIS: lambda s, a, p, b: s.submit_to_sekretaris(a, p),
    DE.FORWARD_TO_KEPALA_DINAS: lambda s, a, p, b: s.forward_to_kepala_dinas(a, p),
    DE.RETURN_BY_SEKRETARIS: lambda s, a, p, b: s.return_by_sekretaris(a, p, "Periksa ulang."),
    DE.RETURN_BY_KEPALA_DINAS: lambda s, a, p, b: s.return_by_kepala_dinas(a, p, "Periksa ulang."),
    DE.APPROVE_BY_KEPALA_DINAS: lambda s, a, p, b: s.approve_by_kepala_dinas(a, p),
    DE.GIVE_REKOMENDASI: lambda s, a, p, b: s.give_rekomendasi(a, p, "Tingkatkan serapan."),
    DE.REOPEN_BIDANG: lambda s, a, p, b: s.reopen_bidang(a, p, b or "", "Sesuai telaah."),
    DE.RECORD_TINDAK_LANJUT: lambda s, a, p, b: s.record_tindak_lanjut(a, p, b or "", "Sudah dijadwalkan."),
}

# (stage, telegram id of the actor, event, bidang, refusal fragment or None when allowed)
CASES = [
    pytest.param("submitted", PTK_KEPALA, BE.APPROVE, "PTK", None, id="allowed-koreksi-setujui"),
    pytest.param("submitted", PTK_KEPALA, BE.RETURN, "PTK", None, id="allowed-koreksi-kembalikan"),
    pytest.param("submitted", SEKRETARIS, BE.RETURN, "SEK", None, id="allowed-sekretaris-corrects-sekretariat"),
    pytest.param("awaiting", SEKRETARIS, DE.APPROVE_DISTRIBUTION, None, None, id="allowed-distribusi"),
    pytest.param("analysis", KASUBBAG, DE.ADD_ANALYSIS_NOTE, None, None, id="allowed-analisis"),
    pytest.param("telaah_sekretaris", SEKRETARIS, DE.RETURN_BY_SEKRETARIS, None, None, id="allowed-telaah-kembali"),
    pytest.param("rekomendasi", KADIS, DE.GIVE_REKOMENDASI, None, None, id="allowed-rekomendasi"),
    pytest.param("revision", KASUBBAG, DE.REOPEN_BIDANG, "PTK", None, id="allowed-buka-kembali"),
    pytest.param("follow_up", PTK_KEPALA, DE.RECORD_TINDAK_LANJUT, "PTK", None, id="allowed-tindak-lanjut"),
    pytest.param(
        "submitted", PTK_STAF, BE.RETURN, "PTK", "hanya dapat dilakukan oleh Kepala Bidang", id="wrong-role-staf"
    ),
    pytest.param(
        "telaah_sekretaris", KASUBBAG, DE.FORWARD_TO_KEPALA_DINAS, None, "oleh Sekretaris", id="wrong-role-dinas"
    ),
    pytest.param("revision", SEKRETARIS, DE.REOPEN_BIDANG, "PTK", "oleh Kasubbag", id="wrong-role-buka-kembali"),
    pytest.param("submitted", LAT_KEPALA, BE.RETURN, "PTK", "Kepala Bidang Penempatan", id="wrong-bidang-koreksi"),
    pytest.param(
        "follow_up", PTK_KEPALA, DE.RECORD_TINDAK_LANJUT, "LAT", "Kepala Bidang Pelatihan", id="wrong-bidang-tl"
    ),
    pytest.param(
        "submitted", LAT_KEPALA, BE.APPROVE, "LAT", "TW I 2026 dibuka untuk pengisian", id="wrong-state-bidang"
    ),
    pytest.param("submitted", KADIS, DE.RETURN_BY_KEPALA_DINAS, None, "TW I 2026 dalam tahap", id="wrong-state-dinas"),
    pytest.param(
        "analysis", KASUBBAG, DE.REOPEN_BIDANG, "PTK", "TW I 2026 dalam analisis", id="wrong-state-buka-kembali"
    ),
    pytest.param("analysis", PTK_KEPALA, BE.RETURN, "PTK", "TW I 2026 dalam analisis", id="wrong-state-after-koreksi"),
    pytest.param(
        "ptk_followed_up", PTK_KEPALA, DE.RECORD_TINDAK_LANJUT, "PTK", "sudah dicatat", id="tindak-lanjut-twice"
    ),
    pytest.param("submitted", PTK_KEPALA, BE.APPROVE, "ZZZ", "tidak dikenal", id="unknown-bidang"),
    pytest.param("follow_up", PTK_KEPALA, DE.RECORD_TINDAK_LANJUT, None, "belum disebutkan", id="missing-bidang"),
]


def counts(store: Store) -> tuple[int, int]:
    with store.transaction() as tx:
        return len(tx.audit_rows()), len(tx.outbox_rows())


@pytest.mark.parametrize(("stage", "who", "event", "bidang", "refused"), CASES)
def test_check_action_agrees_with_the_action(
    service: WorkflowService,
    workbook: InMemoryWorkbook,
    store: Store,
    clock: Any,
    stage: str,
    who: int,
    event: Any,
    bidang: str | None,
    refused: str | None,
) -> None:
    pid = STAGES[stage](Driver(service, workbook, clock))
    actor = actor_of(service, who)
    before, calls = counts(store), len(workbook.calls)
    act = ACTIONS[event]
    if refused is None:
        assert service.check_action(actor, pid, event, bidang) == PeriodRef(pid, 2026, 1)
        assert counts(store) == before and len(workbook.calls) == calls  # a check writes nothing
        act(service, actor, pid, bidang)  # and the action goes through
        assert counts(store) != before
        return
    with pytest.raises(ActionRefused, match=refused) as checked:
        service.check_action(actor, pid, event, bidang)
    assert counts(store) == before and len(workbook.calls) == calls
    with pytest.raises(ActionRefused) as acted:
        act(service, actor, pid, bidang)
    assert acted.value.reason == checked.value.reason
    assert counts(store) == before


def test_check_action_on_an_unknown_period(service: WorkflowService) -> None:
    with pytest.raises(ActionRefused, match="Periode tidak ditemukan"):
        service.check_action(actor_of(service, SEKRETARIS), 999, DE.FORWARD_TO_KEPALA_DINAS)


def test_check_action_refuses_people_the_bot_s_own_steps(service, workbook, clock) -> None:
    pid = Driver(service, workbook, clock).follow_up()
    with pytest.raises(ActionRefused, match="otomatis oleh Kinerja Bot"):
        service.check_action(actor_of(service, KASUBBAG), pid, DE.CLOSE)
