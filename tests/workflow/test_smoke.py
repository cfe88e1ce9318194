"""A whole period, start to archive, on the happy path."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bot.workflow.machine import BidangState, DinasState
from bot.workflow.service import WorkflowService
from tests.workflow.conftest import KADIS, KASUBBAG, KEPALA, SEKRETARIS, actor_of
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import submission


def test_happy_path_reaches_closed(service: WorkflowService, workbook: InMemoryWorkbook, clock) -> None:
    pid = service.start_period(2026, 1)
    service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    for kode in service.kodes:
        service.handle_events([submission(kode, 1)])
    for kode in service.kodes:
        clock.shift(60)
        service.approve_koreksi(actor_of(service, KEPALA[kode]), pid, kode)
    view = service.period_view(pid)
    assert view.state is DinasState.ANALYSIS
    assert all(r.state is BidangState.APPROVED for r in view.reports)
    kasubbag = actor_of(service, KASUBBAG)
    service.add_analysis_note(kasubbag, pid, "Capaian rata-rata baik.")
    service.submit_to_sekretaris(kasubbag, pid)
    service.forward_to_kepala_dinas(actor_of(service, SEKRETARIS), pid)
    kadis = actor_of(service, KADIS)
    service.approve_by_kepala_dinas(kadis, pid)
    service.give_rekomendasi(kadis, pid, "Tingkatkan serapan anggaran.", {"PTK": "Perluas bursa kerja."})
    assert service.period_view(pid).state is DinasState.FOLLOW_UP
    for kode in service.kodes:
        service.record_tindak_lanjut(actor_of(service, KEPALA[kode]), pid, kode, f"Tindak lanjut {kode}")
    view = service.period_view(pid)
    assert view.state is DinasState.CLOSED
    assert view.archive_url == "https://drive.test/arsip/2026/tw1"
    # The archive holds the report document the bot wrote (uploaded), with what the period decided.
    assert workbook.archived_laporan is not None and workbook.archived_laporan.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(workbook.archived_laporan)).pages)
    assert "Tingkatkan serapan anggaran." in text and "Perluas bursa kerja." in text
    assert "Tindak lanjut PTK" in text and "Halaman 1 dari" in text
