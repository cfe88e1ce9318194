"""Bukti dukung in the workflow core (#19 item 3): who may send one, when, for which indicator; audited once.

On both engines (the store fixtures); the Google side is the in-memory double, whose calls show
what the core asked of the edge. The real edge and the real bot are in
tests/telegram_edge/test_evidence.py.
"""

from __future__ import annotations

import pytest

from bot.workflow.errors import ActionRefused
from bot.workflow.evidence import EVENT, IndikatorChoice, SentFile, match_indikator
from bot.workflow.service import WorkflowService
from tests.workflow.conftest import KASUBBAG, PTK_KEPALA, PTK_STAF
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver

PHOTO = SentFile("foto.jpg", "image/jpeg", b"\xff\xd8 foto", "AQADunik")


@pytest.fixture
def drive(service: WorkflowService, workbook: InMemoryWorkbook, clock) -> Driver:  # type: ignore[no-untyped-def]
    return Driver(service, workbook, clock)


def evidence_audit(service: WorkflowService) -> list[str]:
    with service.store.transaction() as tx:
        return [row.note for row in tx.audit_rows() if row.event == EVENT]


def test_staff_sends_while_input_is_open_and_it_is_audited_once(drive: Driver, workbook: InMemoryWorkbook) -> None:
    service = drive.s
    with pytest.raises(ActionRefused, match="belum ada triwulan yang dibuka untuk pengisian"):
        service.evidence_target(drive.actor(PTK_STAF))
    pid = drive.collecting()
    target = service.evidence_target(drive.actor(PTK_STAF), "No. 2 foto penempatan")
    assert (target.period_id, target.tw, target.bidang) == (pid, 1, "PTK")
    assert target.chosen is not None and target.chosen.nama == "Jumlah pencari kerja yang ditempatkan"
    assert [i.no for i in target.indikator] == list(range(1, 9))

    stored = service.store_evidence(drive.actor(PTK_STAF), pid, 2, PHOTO)
    assert stored.indikator.no == 2 and stored.cell == "W2" and stored.url.endswith("/AQADunik")
    [(_, args)] = [c for c in workbook.calls if c[0] == "store_evidence"]
    assert args[:2] == ("PTK", 1) and args[3].startswith("02 - Jumlah pencari kerja yang ditempatkan - 2026-04-01")
    service.store_evidence(drive.actor(PTK_STAF), pid, 2, PHOTO)  # a doubled press: kept again, audited once
    assert evidence_audit(service) == [
        "indikator 2. Jumlah pencari kerja yang ditempatkan; sel W2; https://drive.test/bukti/PTK/AQADunik"
    ]
    assert {r.bidang: r.state for r in service.period_view(pid).reports}["PTK"] == "dibuka"  # no state moves


@pytest.mark.parametrize(
    ("who", "setup", "no", "match"),
    [
        pytest.param(PTK_KEPALA, None, 1, "dikirim oleh staf pengisi laporan", id="kepala-bidang"),
        pytest.param(KASUBBAG, None, 1, "dikirim oleh staf pengisi laporan", id="kasubbag"),
        pytest.param(PTK_STAF, "submit", 1, "menunggu koreksi Kepala Bidang", id="submitted"),
        pytest.param(PTK_STAF, "approve", 1, "sudah disetujui", id="approved"),
        pytest.param(PTK_STAF, None, 99, "Indikator nomor 99 tidak ada", id="unknown-indikator"),
        pytest.param(PTK_STAF, "stale", 1, "tidak berlaku lagi", id="stale-button"),
    ],
)
def test_refused_with_the_reason_and_nothing_kept(
    drive: Driver, workbook: InMemoryWorkbook, who: int, setup: str | None, no: int, match: str
) -> None:
    pid = drive.collecting()
    if setup in ("submit", "approve"):
        drive.submit("PTK")
    if setup == "approve":
        drive.approve("PTK")
    if setup == "stale":
        pid += 1000
    with pytest.raises(ActionRefused, match=match):
        drive.s.store_evidence(drive.actor(who), pid, no, PHOTO)
    assert "store_evidence" not in workbook.names()
    assert evidence_audit(drive.s) == []


INDIKATOR = (
    IndikatorChoice(1, "k1", "2.07.02.2.01.0001", "Jumlah dokumen rencana tenaga kerja daerah yang disusun"),
    IndikatorChoice(2, "k2", "2.07.04.2.01.0001", "Jumlah pencari kerja yang ditempatkan"),
    IndikatorChoice(3, "k3", "2.07.04.2.01.0001", "Jumlah pencari kerja terdaftar yang mendapat kartu AK/I"),
    IndikatorChoice(4, "k4", "2.07.04.2.01.0002", "Jumlah perusahaan peserta bursa kerja"),
)


@pytest.mark.parametrize(
    ("caption", "no"),
    [
        pytest.param("3", 3, id="number"),
        pytest.param("No. 4 foto job fair", 4, id="no-prefix"),
        pytest.param("#1", 1, id="hash"),
        pytest.param("9", None, id="number-not-in-list"),
        pytest.param("2.07.04.2.01.0002", 4, id="unique-kode"),
        pytest.param("2.07.04.2.01.0001 foto", None, id="kode-of-two"),
        pytest.param("perusahaan peserta bursa", 4, id="words-of-one-name"),
        pytest.param("pencari kerja", None, id="words-of-two-names"),
        pytest.param("foto kegiatan", None, id="words-of-none"),
        pytest.param("ok", None, id="too-short"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="no-caption"),
    ],
)
def test_caption_names_one_indicator_or_none(caption: str | None, no: int | None) -> None:
    found = match_indikator(INDIKATOR, caption)
    assert (found.no if found else None) == no
