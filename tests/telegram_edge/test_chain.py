"""The whole SOP chain for one period with two bidang (SEK, PTK), in chat, through the real bot and the sandbox.

Every return path is taken with its reason: the Kepala Bidang returns a report (step 3), the
Sekretaris returns the dinas report (step 5), the Kasubbag reopens a bidang, the Kepala Dinas
returns it (step 6); then approval, rekomendasi (general and per bidang), steps 7 and 8, tindak
lanjut of each bidang, and the closing note to everyone.
"""

from __future__ import annotations

import asyncio

from bot.telegram.app import KinerjaBot
from bot.workflow.machine import BidangState, DinasState
from sheets.formatting import format_rupiah
from sheets.master import load_master
from tests.telegram_edge.conftest import (
    EVERYONE,
    KADIS,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    EdgeWorkbook,
    People,
    action_rows,
    url_buttons,
)
from tests.workflow.scenario import submission


async def poll(bot: KinerjaBot, workbook: EdgeWorkbook, kode: str, ok: bool = True, version: int = 1) -> None:
    """The staff set "Siap Dikoreksi" in the sheet; the next poll sees it."""
    await asyncio.to_thread(bot.service.handle_events, [submission(kode, 1, ok, version)])


def state(bot: KinerjaBot, pid: int) -> tuple[DinasState, dict[str, BidangState]]:
    view = bot.service.period_view(pid)
    return view.state, {r.bidang: r.state for r in view.reports}


async def koreksi_setujui(people: People, kode: str, after: int) -> int:
    request = await people.wait_message(KEPALA[kode], "Permohonan koreksi", after=after)
    await people.press(KEPALA[kode], request["message_id"], "Setujui")
    await people.wait_edit(KEPALA[kode], request["message_id"], ">> Disetujui oleh")
    return request["message_id"]


async def test_whole_chain_with_every_return_path(kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People) -> None:
    service = kinerja.service
    pid = await asyncio.to_thread(service.start_period, 2026, 1)

    # Step 1: the Sekretaris approves distribution.
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan pembagian format")
    assert "Triwulan I 2026" in ask["text"] and "Mutu Baku langkah 1: 15 menit" in ask["text"]
    assert action_rows(ask) == [["Setujui", "Tunda"]]
    # The key figures of what is approved: each bidang's format (from the master list) and folder.
    master = load_master(service.settings.google.master_indikator)
    for bidang in service.settings.bidang:
        items = master.for_bidang(bidang.kode)
        pagu = format_rupiah(sum(i.pagu or 0 for i in items))
        assert f"- {bidang.nama} ({bidang.kode}): {len(items)} indikator (" in ask["text"]
        assert f"pagu {pagu}\n" in ask["text"]
        folder = f"https://drive.google.com/drive/folders/{bidang.folder_id}"
        assert url_buttons(ask)[f"Buka folder {bidang.kode}"] == folder and folder not in ask["text"]
    assert "Bila disetujui hari ini, batas pengisian: " in ask["text"] and " 23.59 WIB." in ask["text"]
    pressed = await people.press(SEKRETARIS, ask["message_id"], "Setujui")
    assert (await people.answer(pressed["callback_query_id"]))["show_alert"] is False
    edited = await people.wait_edit(SEKRETARIS, ask["message_id"], ">> Disetujui oleh Sri Wahyuni")
    assert action_rows(edited) == [] and " WIB." in edited["text"]
    assert url_buttons(edited) == url_buttons(ask)  # the folders stay; Setujui and Tunda are gone

    # Step 2: each bidang gets its link and deadline.
    for kode in ("PTK", "SEK"):
        opened = await people.wait_message(STAF[kode], "Pengisian laporan kinerja dibuka")
        assert url_buttons(opened) == {"Buka laporan": f"https://sheets.test/2026/{kode}"}
        assert "https://" not in opened["text"] and "Batas pengisian:" in opened["text"]
    shared = await people.wait_message(KASUBBAG, "Format laporan kinerja telah dibagikan")
    assert url_buttons(shared) == {f"Buka laporan {k}": f"https://sheets.test/2026/{k}" for k in ("SEK", "PTK")}

    # Validation feedback to the staff names each problem's cell.
    await poll(kinerja, workbook, "PTK", ok=False)
    feedback = await people.wait_message(STAF["PTK"], "Laporan belum dapat diajukan")
    assert "sel M15 (Realisasi TW I, baris 15)" in feedback["text"] and '"dua puluh" bukan angka' in feedback["text"]
    assert "sel M14" in feedback["text"]  # the warning too

    # /kirim by the SEK staff (the core reads and validates the filled sheet); PTK through the sheet.
    before = await people.last_id(STAF["SEK"])
    await people.say(STAF["SEK"], "/kirim")
    await people.wait_message(STAF["SEK"], "telah diajukan untuk dikoreksi", after=before)
    await poll(kinerja, workbook, "PTK")

    # Step 3, PTK: Kembalikan asks for a reason and does nothing without one.
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    assert "Rata-rata capaian: 95,50%" in request["text"] and "sel M14" in request["text"]
    assert "Mutu Baku langkah 3: 10 menit" in request["text"]
    await people.press(KEPALA["PTK"], request["message_id"], "Kembalikan")
    prompt = await people.wait_message(KEPALA["PTK"], "alasan pengembalian laporan bidang")
    assert prompt["reply_markup"]["force_reply"] is True
    assert state(kinerja, pid)[1]["PTK"] is BidangState.SUBMITTED  # nothing yet
    await people.say(KEPALA["PTK"], "ok", reply_to=prompt["message_id"])  # too short: refused
    await people.wait_message(KEPALA["PTK"], "Alasan pengembalian terlalu singkat", after=prompt["message_id"])
    assert state(kinerja, pid)[1]["PTK"] is BidangState.SUBMITTED
    await people.say(KEPALA["PTK"], "Realisasi anggaran belum sesuai SP2D.", reply_to=prompt["message_id"])
    edited = await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Dikembalikan oleh Agus Priyono")
    assert "Alasan: Realisasi anggaran belum sesuai SP2D." in edited["text"] and action_rows(edited) == []
    # The link to the report stays on the decided message, after a restart-proof prompt too.
    assert url_buttons(edited) == {"Buka laporan": "https://sheets.test/2026/PTK"}
    returned = await people.wait_message(STAF["PTK"], "Laporan dikembalikan untuk diperbaiki")
    assert "Alasan: Realisasi anggaran belum sesuai SP2D." in returned["text"]
    assert state(kinerja, pid)[1]["PTK"] is BidangState.RETURNED

    # Resubmitted and approved; LAT approved: the Kasubbag gets the draft with the chart.
    await poll(kinerja, workbook, "PTK", version=2)
    await koreksi_setujui(people, "PTK", after=request["message_id"])
    await koreksi_setujui(people, "SEK", after=0)
    await people.wait_message(STAF["PTK"], "Laporan disetujui")
    chart = await people.wait_message(KASUBBAG, "Capaian per bidang")
    assert chart["photo"][-1]["width"] > 0
    draft = await people.wait_message(KASUBBAG, "Draf rekap laporan kinerja dinas")
    assert "capaian 95,50%, predikat Sangat Tinggi" in draft["text"]
    assert "capaian 72,25%, predikat Sedang" in draft["text"]
    assert "Mutu Baku langkah 4: 1 hari kerja" in draft["text"]

    # Step 4: analysis note, then Kirim ke Sekretaris.
    await people.press(KASUBBAG, draft["message_id"], "Tambah analisis")
    await people.reply_to_prompt(KASUBBAG, "Capaian LAT perlu perhatian.", after=draft["message_id"])
    await people.wait_message(KASUBBAG, "Catatan analisis telah disimpan")
    await people.press(KASUBBAG, draft["message_id"], "Kirim ke Sekretaris")
    await people.wait_edit(KASUBBAG, draft["message_id"], ">> Dikirim kepada Sekretaris oleh Bambang")

    # Step 5: the Sekretaris returns it with a reason; the Kasubbag reopens PTK with a reason.
    telaah = await people.wait_message(SEKRETARIS, "Permohonan telaah laporan kinerja dinas")
    assert "Catatan analisis Kasubbag: Capaian LAT perlu perhatian." in telaah["text"]
    await people.press(SEKRETARIS, telaah["message_id"], "Kembalikan")
    await people.reply_to_prompt(SEKRETARIS, "Data PTK perlu diperiksa ulang.", after=telaah["message_id"])
    await people.wait_edit(SEKRETARIS, telaah["message_id"], "Alasan: Data PTK perlu diperiksa ulang.")
    back = await people.wait_message(KASUBBAG, "Laporan kinerja dinas dikembalikan")
    assert "Alasan: Data PTK perlu diperiksa ulang." in back["text"]
    assert state(kinerja, pid)[0] is DinasState.REVISION
    await people.press(KASUBBAG, back["message_id"], "Buka kembali PTK")
    await people.reply_to_prompt(KASUBBAG, "Sesuai telaah Sekretaris.", after=back["message_id"])
    reopened = await people.wait_message(STAF["PTK"], "Laporan bidang dibuka kembali")
    assert "Alasan: Sesuai telaah Sekretaris." in reopened["text"]
    told_kepala = await people.wait_message(KEPALA["PTK"], "Laporan bidang dibuka kembali")
    await poll(kinerja, workbook, "PTK", version=3)
    await koreksi_setujui(people, "PTK", after=told_kepala["message_id"])
    draft2 = await people.wait_message(KASUBBAG, "Draf rekap laporan kinerja dinas", after=back["message_id"])
    await people.press(KASUBBAG, draft2["message_id"], "Kirim ke Sekretaris")

    # Step 5 again: forwarded; step 6: the Kepala Dinas returns it with a reason.
    telaah2 = await people.wait_message(SEKRETARIS, "Permohonan telaah", after=telaah["message_id"])
    await people.press(SEKRETARIS, telaah2["message_id"], "Teruskan ke Kepala Dinas")
    await people.wait_edit(SEKRETARIS, telaah2["message_id"], ">> Diteruskan kepada Kepala Dinas oleh Sri Wahyuni")
    kd = await people.wait_message(KADIS, "Permohonan telaah laporan kinerja dinas")
    assert "Mutu Baku langkah 6: 30 menit" in kd["text"]
    await people.press(KADIS, kd["message_id"], "Kembalikan")
    await people.reply_to_prompt(KADIS, "Lengkapi analisis serapan anggaran.", after=kd["message_id"])
    told = await people.wait_message(SEKRETARIS, "Laporan kinerja dinas dikembalikan", after=telaah2["message_id"])
    assert "Kepala Dinas (Drs. Arief Ridwan, MM)" in told["text"] and "Lengkapi analisis" in told["text"]
    back2 = await people.wait_message(KASUBBAG, "Lengkapi analisis serapan anggaran.", after=back["message_id"])
    await people.press(KASUBBAG, back2["message_id"], "Kirim ke Sekretaris")
    telaah3 = await people.wait_message(SEKRETARIS, "Permohonan telaah", after=told["message_id"])
    await people.press(SEKRETARIS, telaah3["message_id"], "Teruskan ke Kepala Dinas")

    # Step 6: approved, then the rekomendasi (general + PTK).
    kd2 = await people.wait_message(KADIS, "Permohonan telaah", after=kd["message_id"])
    await people.press(KADIS, kd2["message_id"], "Setujui")
    await people.wait_edit(KADIS, kd2["message_id"], ">> Disetujui oleh Drs. Arief Ridwan, MM")
    ask_rek = await people.wait_message(KADIS, "Permohonan rekomendasi Kepala Dinas")
    await people.press(KADIS, ask_rek["message_id"], "Tulis rekomendasi")
    await people.reply_to_prompt(
        KADIS, "Tingkatkan serapan anggaran.\nPTK: Perluas bursa kerja daring.", after=ask_rek["message_id"]
    )
    await people.wait_edit(KADIS, ask_rek["message_id"], ">> Rekomendasi diberikan oleh")

    # Steps 7 and 8 told to the Sekretaris and the Kasubbag; each bidang gets its rekomendasi.
    for who in (SEKRETARIS, KASUBBAG):
        handed = await people.wait_message(who, "Rekomendasi Kepala Dinas telah diteruskan")
        assert "Langkah 8" in handed["text"] and "- PTK: Perluas bursa kerja daring." in handed["text"]
    handed_sek = await people.wait_message(SEKRETARIS, "Rekomendasi Kepala Dinas telah diteruskan")
    assert "Langkah 7" in handed_sek["text"]
    for kode in ("PTK", "SEK"):
        rek = await people.wait_message(KEPALA[kode], "Rekomendasi Kepala Dinas untuk ditindaklanjuti")
        assert "Rekomendasi umum: Tingkatkan serapan anggaran." in rek["text"]
        if kode == "PTK":
            assert "Rekomendasi khusus untuk bidang ini: Perluas bursa kerja daring." in rek["text"]
        else:
            assert "Tidak ada rekomendasi khusus." in rek["text"]
        await people.press(KEPALA[kode], rek["message_id"], "Catat tindak lanjut")
        await people.reply_to_prompt(KEPALA[kode], f"Tindak lanjut {kode} dijadwalkan.", after=rek["message_id"])
        await people.wait_edit(KEPALA[kode], rek["message_id"], ">> Tindak lanjut dicatat oleh")
        await people.wait_message(KASUBBAG, f"Tindak lanjut {kode} dijadwalkan.")

    # The closing note reaches everyone.
    for who in EVERYONE:
        closed = await people.wait_message(who, "Periode pelaporan kinerja ditutup")
        assert url_buttons(closed) == {
            "Buka rekap": "https://sheets.test/rekap/2026",
            "Buka folder arsip": "https://drive.test/arsip/2026/tw1",
        }
    assert state(kinerja, pid)[0] is DinasState.CLOSED

    # Every decision is audited with the Telegram user id of who made it.
    with kinerja.store.transaction() as tx:
        rows = tx.audit_rows(pid)
    by_event = {(r.event, r.telegram_user_id) for r in rows}
    assert ("setujui_distribusi", SEKRETARIS) in by_event
    assert ("kembalikan", KEPALA["PTK"]) in by_event
    assert ("dikembalikan_sekretaris", SEKRETARIS) in by_event
    assert ("dikembalikan_kepala_dinas", KADIS) in by_event
    assert ("buka_kembali_bidang", KASUBBAG) in by_event
    assert ("beri_rekomendasi", KADIS) in by_event
    assert ("catat_tindak_lanjut", SEKRETARIS) in by_event
    reasons = {r.event: r.reason for r in rows if r.reason}
    assert reasons["kembalikan"] == "Realisasi anggaran belum sesuai SP2D."
    assert reasons["dikembalikan_kepala_dinas"] == "Lengkapi analisis serapan anggaran."
