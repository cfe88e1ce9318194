"""The report document in the chat (#18): a draft with the Kepala Dinas's telaah request (step 6),
the approved one to the Kasubbag and the Kepala Dinas when the period closes; never to the staff."""

from __future__ import annotations

import asyncio

from bot.telegram.app import KinerjaBot
from tests.telegram_edge.conftest import KADIS, KASUBBAG, KEPALA, SEKRETARIS, STAF, EdgeWorkbook, People
from tests.workflow.scenario import submission


async def test_report_document_goes_with_step_6_and_the_close(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    service = kinerja.service

    def actor(telegram_id: int):  # type: ignore[no-untyped-def]
        return service.directory.actor_for_telegram(telegram_id)

    def to_telaah_kepala_dinas() -> int:
        pid = service.start_period(2026, 1)
        service.approve_distribution(actor(SEKRETARIS), pid)
        for kode in service.kodes:
            service.handle_events([submission(kode, 1)])
            service.approve_koreksi(actor(KEPALA[kode]), pid, kode)
        assert service.bot_steps is not None and service.bot_steps.wait_idle(60)  # the draft, built off the press
        service.add_analysis_note(actor(KASUBBAG), pid, "Capaian umumnya baik.")
        service.submit_to_sekretaris(actor(KASUBBAG), pid)
        service.forward_to_kepala_dinas(actor(SEKRETARIS), pid)
        return pid

    pid = await asyncio.to_thread(to_telaah_kepala_dinas)
    draft = await people.wait_message(KADIS, "Draf Laporan Kinerja Triwulan I 2026", timeout=90)
    assert draft["document"]["file_name"] == "laporan-2026-TW1.pdf"
    assert draft["document"]["mime_type"] == "application/pdf" and draft["document"]["file_size"] > 5_000
    request = await people.wait_message(KADIS, "Permohonan telaah laporan kinerja dinas", after=draft["message_id"])
    buttons = [b["text"] for row in request["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Buka rekap", "Setujui", "Kembalikan"]  # the decision's buttons come after the document

    def close() -> None:
        service.approve_by_kepala_dinas(actor(KADIS), pid)
        service.give_rekomendasi(actor(KADIS), pid, "Tingkatkan serapan anggaran.")
        for kode in service.kodes:
            service.record_tindak_lanjut(actor(KEPALA[kode]), pid, kode, f"Tindak lanjut {kode}.")
        assert service.bot_steps is not None and service.bot_steps.wait_idle(60)  # the close, built off the press

    await asyncio.to_thread(close)
    for official in (KASUBBAG, KADIS):
        final = await people.wait_message(official, "yang telah disetujui dan diarsipkan")
        assert final["document"]["file_name"] == "laporan-2026-TW1.pdf"
    closed = await people.wait_message(STAF["PTK"], "ditutup")
    staff_messages = await people.messages(STAF["PTK"])
    assert closed and not any("document" in m for m in staff_messages)
