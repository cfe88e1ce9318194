"""Acting officials (Plh) end to end: the real bot on a hand-moved clock, read in the sandbox chats.

The Kepala Bidang PTK (Agus) names Rina, PTK's staff, his Plh for Monday and Tuesday with /plh;
she accepts with the button. The admin sets the Kasubbag (Bambang) as Plh of the Sekretaris for
Monday only. During the Plh the koreksi requests, the Mutu Baku reminder and the escalation reach
the acting people (each message saying for whom), Rina's approval is audited as "Plh. Kepala
Bidang PTK: Rina (atas nama Agus)", and once Bambang's day is over the Sekretaris gets the
Sekretariat's koreksi request (with its buttons) again while Bambang's old button is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import open_store
from bot.telegram.app import KinerjaBot
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from bot.workflow.people import Actor
from config.settings import Settings
from tests.telegram_edge.conftest import (
    KADIS,
    KASUBBAG,
    PTK_KEPALA,
    PTK_STAF,
    SEKRETARIS,
    EdgeWorkbook,
    ManualClock,
    People,
    edge_bot,
    wait_for,
)
from tests.telegram_edge.test_timers import count, settle, sweep
from tests.workflow.scenario import submission

WIB = ZoneInfo("Asia/Jakarta")
AGUS, RINA = "Agus Priyono, S.H.", "Rina Kurniawati, S.E."
BAMBANG, SRI = "Bambang Setiawan, S.E.", "Sri Wahyuni, S.Sos., M.Si."
BANNER = "[Plh] Pesan ini ditujukan kepada Bapak/Ibu sebagai Plh."


@pytest.fixture
def clock() -> ManualClock:
    """Monday 6 April 2026 08:00 WIB: TW I is due, nothing started yet."""
    return ManualClock(datetime(2026, 4, 6, 8, 0, tzinfo=WIB))


@pytest.fixture
async def timed(
    settings: Settings, workbook: EdgeWorkbook, people: People, clock: ManualClock
) -> AsyncIterator[KinerjaBot]:
    bot = edge_bot(settings, workbook, open_store(settings), clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        bot.store.dispose()


async def test_plh_spanning_a_deadline_gets_the_buttons_reminders_and_escalations_then_hands_back(
    timed: KinerjaBot, clock: ManualClock, workbook: EdgeWorkbook, people: People
) -> None:
    bot = timed
    await sweep(bot)  # 08:00: TW I opens; the Sekretaris approves the distribution herself
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan pembagian format")
    await people.press(SEKRETARIS, ask["message_id"], "Setujui")
    await people.wait_edit(SEKRETARIS, ask["message_id"], ">> Disetujui")

    # Agus names Rina his Plh for Monday and Tuesday; she accepts with the button.
    clock.advance(minutes=5)
    await people.say(PTK_KEPALA, "/plh Rina Kurniawati 6-4-2026 7-4-2026")
    await people.wait_message(PTK_KEPALA, "Plh. Kepala Bidang PTK pada 6 April 2026 s.d. 7 April 2026 telah dikirim")
    request = await people.wait_message(PTK_STAF, "Permintaan penunjukan Plh")
    assert f"Kepala Bidang PTK ({AGUS}) menunjuk Bapak/Ibu sebagai Plh. Kepala Bidang PTK" in request["text"]
    await people.press(PTK_STAF, request["message_id"], "Terima")
    await people.wait_edit(PTK_STAF, request["message_id"], ">> Penunjukan Plh diterima oleh Rina Kurniawati")
    accepted = await people.wait_message(PTK_KEPALA, "Penunjukan Plh diterima")
    assert f"Plh: {RINA} (atas nama {AGUS})" in accepted["text"]

    # The admin sets Bambang Plh of the Sekretaris for Monday only.
    await asyncio.to_thread(
        bot.service.plh.assign, Role.SEKRETARIS, None, "Bambang", date(2026, 4, 6), date(2026, 4, 6), "Admin (uji)"
    )
    await people.wait_message(KASUBBAG, "Plh ditetapkan oleh admin")
    await people.wait_message(SEKRETARIS, "Plh ditetapkan oleh admin")

    # 09:00 both bidang submit: the koreksi requests go to the acting people, saying for whom.
    clock.set(datetime(2026, 4, 6, 9, 0, tzinfo=WIB))
    agus_before = await people.last_id(PTK_KEPALA)
    sri_before = await people.last_id(SEKRETARIS)
    await asyncio.to_thread(bot.service.handle_events, [submission("PTK", 1), submission("SEK", 1)])
    koreksi_ptk = await people.wait_message(PTK_STAF, "Permohonan koreksi")
    assert koreksi_ptk["text"].startswith(f"{BANNER} Kepala Bidang (Bidang Penempatan Tenaga Kerja")
    assert f"atas nama {AGUS.rstrip('.')}." in koreksi_ptk["text"]
    koreksi_sek = await people.wait_message(KASUBBAG, "Permohonan koreksi")
    assert koreksi_sek["text"].startswith(f"{BANNER} Sekretaris, atas nama {SRI.rstrip('.')}.")
    await settle(bot)
    assert await people.last_id(PTK_KEPALA) == agus_before  # the holders get none of it
    assert await people.last_id(SEKRETARIS) == sri_before

    # 09:10: step 3's Mutu Baku is reached: the reminders reach the acting people.
    clock.advance(minutes=10)
    await sweep(bot)
    reminder = await people.wait_message(PTK_STAF, "Pengingat Mutu Baku")
    assert BANNER in reminder["text"] and "berada pada Bapak/Ibu" in reminder["text"]
    await people.wait_message(KASUBBAG, "Pengingat Mutu Baku")
    # 09:20: twice the Mutu Baku: PTK's escalation goes to the Sekretaris's Plh and names Rina as holder.
    clock.advance(minutes=10)
    await sweep(bot)
    escalation = await people.wait_message(KASUBBAG, "Eskalasi Mutu Baku")
    assert BANNER in escalation["text"]
    assert f"berada pada Kepala Bidang ({RINA} (Plh., atas nama {AGUS}))" in escalation["text"]
    await people.wait_message(KADIS, "Eskalasi Mutu Baku")  # the Sekretariat's: its corrector's superior
    await settle(bot)
    assert await count(people, PTK_KEPALA, "Pengingat Mutu Baku") == 0
    assert await count(people, SEKRETARIS, "Eskalasi Mutu Baku") == 0

    # Rina approves PTK as Plh: the audit trail names both.
    await people.press(PTK_STAF, koreksi_ptk["message_id"], "Setujui")
    await people.wait_edit(PTK_STAF, koreksi_ptk["message_id"], ">> Disetujui oleh Rina Kurniawati")
    with bot.store.transaction() as tx:
        row = next(a for a in tx.audit_rows() if a.event == "setujui" and a.bidang == "PTK")
    assert (row.actor_role, row.actor_nama, row.atas_nama) == ("kepala_bidang", RINA, AGUS)

    # Tuesday 08:00: Bambang's day is over. The Sekretaris gets the Sekretariat's request again,
    # with its buttons; Bambang's old button is refused.
    clock.set(datetime(2026, 4, 7, 8, 0, tzinfo=WIB))
    await sweep(bot)
    again = await people.wait_message(SEKRETARIS, "Permohonan koreksi", after=sri_before)
    assert BANNER not in again["text"] and again["reply_markup"]["inline_keyboard"]
    await people.wait_message(SEKRETARIS, "Masa Plh berakhir")
    pressed = await people.press(KASUBBAG, koreksi_sek["message_id"], "Setujui")
    refusal = await people.answer(pressed["callback_query_id"])
    assert "hanya dapat dilakukan oleh Sekretaris" in refusal["text"]
    await people.press(SEKRETARIS, again["message_id"], "Setujui")
    await people.wait_edit(SEKRETARIS, again["message_id"], ">> Disetujui oleh Sri Wahyuni")

    # Every bidang approved: the rekap's Riwayat shows Rina's step as Plh, the Sekretaris's as her own.
    await wait_for(lambda: asyncio.to_thread(lambda: bool(workbook.rekap_writes)))
    riwayat = workbook.rekap_writes[-1].riwayat
    shown = {(e.event, e.bidang): e.pelaku for e in riwayat}
    assert shown[("setujui", "PTK")] == f"Plh. Kepala Bidang PTK: {RINA} (atas nama {AGUS})"
    assert shown[("setujui", "SEK")] is None

    # Rina's Plh still runs on Tuesday; /plh tells Agus, and he cancels it.
    await people.say(PTK_KEPALA, "/plh")
    listed = await people.wait_message(PTK_KEPALA, "Plh yang berlaku atau menunggu")
    assert (
        f"Plh. Kepala Bidang PTK: {RINA} (atas nama {AGUS}), 6 April 2026 s.d. 7 April 2026, berlaku"
        in (listed["text"])
    )
    await people.say(PTK_KEPALA, "/plh batal")
    await people.wait_message(PTK_KEPALA, "sebagai Plh. Kepala Bidang PTK dibatalkan")
    with bot.store.transaction() as tx:
        acting = bot.service.directory.acting_for(tx, Role.KEPALA_BIDANG, "PTK", clock())
    assert acting is None


async def test_plh_refusals(timed: KinerjaBot, clock: ManualClock, people: People) -> None:
    bot = timed
    cases = [
        (PTK_STAF, "/plh Agus 6-4-2026", "Plh hanya dapat ditunjuk untuk"),  # staff hold no office to hand over
        (PTK_KEPALA, "/plh Siapa Saja 6-4-2026", 'Tidak ada pegawai terdaftar dengan nama "Siapa Saja"'),
        (PTK_KEPALA, "/plh Rina 10-4-2026 8-4-2026", "Tanggal selesai tidak boleh sebelum tanggal mulai"),
        (PTK_KEPALA, "/plh Rina 1-4-2026 3-4-2026", "Masa Plh sudah berlalu"),
        (PTK_KEPALA, "/plh Rina besok", "Tanggal tidak dikenali"),
    ]
    for who, said, expected in cases:
        before = await people.last_id(who)
        await people.say(who, said)
        await people.wait_message(who, expected, after=before)
    # The person named declines: the official is told, and nothing is in force.
    await people.say(PTK_KEPALA, "/plh Rina 6-4-2026")
    request = await people.wait_message(PTK_STAF, "Permintaan penunjukan Plh")
    [named] = bot.service.plh.listed()
    kadis = bot.service.directory.actor_for_telegram(KADIS)
    assert kadis is not None
    with pytest.raises(ActionRefused, match="bukan untuk Bapak/Ibu"):  # not his to accept
        bot.service.accept_plh(kadis, named.id)
    await people.press(PTK_STAF, request["message_id"], "Tolak")
    await people.wait_message(PTK_KEPALA, "Penunjukan Plh ditolak")
    with bot.store.transaction() as tx:
        assert bot.service.directory.acting_for(tx, Role.KEPALA_BIDANG, "PTK", clock()) is None
    actor = Actor(Role.KEPALA_BIDANG, AGUS, "PTK")
    assert bot.service.plh_of(actor) == []
