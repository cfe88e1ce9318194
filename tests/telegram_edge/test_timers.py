"""Reminders and escalations end to end: the real bot on a hand-moved clock, read in the sandbox chats.

The clock is injected (``create_bot(clock=...)``) and moved by the test; the sweep the product's
scheduler runs (``WorkflowService.tick``: open a due period, advance, fire timers) is called after
each move. A held step that passes its Mutu Baku reminds its holder once, at twice the Mutu Baku
the holder's superior (``Directory.superior``) is told once, however many sweeps follow; once the
step is done in chat its timers stop. Nothing here sleeps: every check waits on a condition.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.runtime import open_store
from bot.telegram.app import KinerjaBot
from config.settings import Settings
from tests.telegram_edge.conftest import (
    EVERYONE,
    KADIS,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    EdgeWorkbook,
    ManualClock,
    People,
    edge_bot,
    url_buttons,
    wait_for,
)
from tests.workflow.scenario import submission

WIB = ZoneInfo("Asia/Jakarta")
REMINDER = "Pengingat Mutu Baku"
ESCALATION = "Eskalasi Mutu Baku"


@pytest.fixture
def clock() -> ManualClock:
    """Monday 6 April 2026 08:00 WIB: TW I is due (it opened on 1 April), nothing is started yet."""
    return ManualClock(datetime(2026, 4, 6, 8, 0, tzinfo=WIB))


@pytest.fixture
async def timed(
    settings: Settings, workbook: EdgeWorkbook, people: People, clock: ManualClock
) -> AsyncIterator[KinerjaBot]:
    """The running bot on the hand-moved clock (the test runs the sweeps)."""
    bot = edge_bot(settings, workbook, open_store(settings), clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()
        bot.store.dispose()


async def sweep(bot: KinerjaBot) -> None:
    """One run of the scheduler's sweep job."""
    await asyncio.to_thread(bot.service.tick)


async def settle(bot: KinerjaBot) -> None:
    """Wait until the outbox has delivered everything due (so the chats are complete)."""

    def pending() -> int:
        with bot.store.transaction() as tx:
            return tx.count_pending()

    await wait_for(lambda: asyncio.to_thread(lambda: pending() == 0))


async def count(people: People, chat: int, fragment: str) -> int:
    """How many bot messages in ``chat`` hold ``fragment``."""
    return sum(fragment in (m.get("text") or "") for m in await people.messages(chat))


async def sweeps(bot: KinerjaBot, clock: ManualClock, times: int, minutes: float) -> None:
    """``times`` sweeps, ``minutes`` apart, then wait for delivery."""
    for _ in range(times):
        clock.advance(minutes=minutes)
        await sweep(bot)
    await settle(bot)


async def test_reminder_then_escalation_each_once_and_none_after_the_step(
    timed: KinerjaBot, clock: ManualClock, workbook: EdgeWorkbook, people: People
) -> None:
    bot = timed
    # 08:00: the sweep opens TW I and asks the Sekretaris (step 1, Mutu Baku 15 menit).
    await sweep(bot)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan pembagian format")
    await sweeps(bot, clock, 1, 14)  # 08:14: not yet
    assert await count(people, SEKRETARIS, REMINDER) == 0

    # 08:15: the Mutu Baku is reached; the holder is reminded.
    clock.advance(minutes=1)
    await sweep(bot)
    reminder = await people.wait_message(SEKRETARIS, REMINDER)
    assert "Periode: Triwulan I 2026" in reminder["text"]
    assert (
        "Langkah 1 SOP (pembagian format laporan) berada pada Bapak/Ibu sejak Senin, 6 April 2026 pukul 08.00 WIB. "
        "Mutu Baku SOP untuk langkah ini adalah 15 menit, dan waktu tersebut telah terlampaui." in reminder["text"]
    )
    assert "Mohon segera ditindaklanjuti." in reminder["text"] and "tercapai" not in reminder["text"]
    await sweeps(bot, clock, 3, 4)  # 08:27: more sweeps, still one reminder and no escalation
    assert await count(people, SEKRETARIS, REMINDER) == 1
    assert await count(people, KADIS, ESCALATION) == 0

    # 08:30: twice the Mutu Baku; the Sekretaris's superior, the Kepala Dinas, is told.
    clock.advance(minutes=3)
    await sweep(bot)
    escalation = await people.wait_message(KADIS, ESCALATION)
    assert (
        "Langkah 1 SOP (pembagian format laporan) berada pada Sekretaris (Sri Wahyuni, S.Sos., M.Si.) sejak "
        "Senin, 6 April 2026 pukul 08.00 WIB, telah melewati dua kali Mutu Baku (15 menit)" in escalation["text"]
    )
    await sweeps(bot, clock, 3, 5)  # 08:45
    assert await count(people, SEKRETARIS, REMINDER) == 1
    assert await count(people, KADIS, ESCALATION) == 1
    for who in EVERYONE:
        if who != KADIS:
            assert await count(people, who, ESCALATION) == 0, who
    # /status says who holds the step, since when, for how long, against its Mutu Baku.
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja Triwulan I 2026")
    assert (
        "Di tangan: Sekretaris (Sri Wahyuni, S.Sos., M.Si.), sejak Senin, 6 April 2026 pukul 08.00 WIB "
        "(45 menit; Mutu Baku 15 menit, melewati Mutu Baku)" in status["text"]
    )

    # 08:46: the Sekretaris approves in chat; the outcome says what, who and when.
    clock.advance(minutes=1)
    await people.press(SEKRETARIS, ask["message_id"], "Setujui")
    outcome = ">> Disetujui oleh Sri Wahyuni, S.Sos., M.Si. pada Senin, 6 April 2026 pukul 08.46 WIB."
    await people.wait_edit(SEKRETARIS, ask["message_id"], outcome)

    # 09:00: PTK submits; step 3 is held by its Kepala Bidang (Mutu Baku 10 menit).
    clock.advance(minutes=14)
    await asyncio.to_thread(bot.service.handle_events, [submission("PTK", 1)])
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    await sweeps(bot, clock, 1, 10)  # 09:10
    koreksi_reminder = await people.wait_message(KEPALA["PTK"], REMINDER)
    assert "Periode: Triwulan I 2026\nBidang Penempatan Tenaga Kerja" in koreksi_reminder["text"]
    assert "Bidang: Bidang" not in koreksi_reminder["text"]
    assert (
        "Langkah 3 SOP (koreksi laporan bidang) berada pada Bapak/Ibu sejak Senin, 6 April 2026 pukul 09.00 WIB"
        in koreksi_reminder["text"]
    )
    assert url_buttons(koreksi_reminder) == {"Buka laporan": "https://sheets.test/2026/PTK"}
    await sweeps(bot, clock, 1, 10)  # 09:20: a Kepala Bidang's superior is the Sekretaris
    koreksi_escalation = await people.wait_message(SEKRETARIS, ESCALATION)
    assert (
        "Langkah 3 SOP (koreksi laporan bidang) berada pada Kepala Bidang (Agus Priyono, S.H.)"
        in koreksi_escalation["text"]
    )
    assert await count(people, KADIS, ESCALATION) == 1  # not copied upwards
    before = await people.last_id(KASUBBAG)
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan", after=before)
    assert (
        "- Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja (PTK): menunggu koreksi Kepala Bidang\n"
        "  Di tangan: Kepala Bidang (Agus Priyono, S.H.), sejak Senin, 6 April 2026 pukul 09.00 WIB "
        "(20 menit; Mutu Baku 10 menit, melewati Mutu Baku)" in status["text"]
    )
    assert (
        "- Sekretariat (SEK): dibuka untuk pengisian\n"
        "  Di tangan: Staf pengisi laporan (Dewi Lestari, S.AP.), sejak Senin, 6 April 2026 pukul 08.46 WIB "
        "(34 menit; Mutu Baku 1 hari kerja, masih dalam Mutu Baku)" in status["text"]
    )

    # The Kepala Bidang approves; hours of sweeps later no step 1 or step 3 timer fires again.
    await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh Agus Priyono")
    await sweeps(bot, clock, 6, 30)  # until 12:20
    assert await count(people, SEKRETARIS, REMINDER) == 1
    assert await count(people, SEKRETARIS, ESCALATION) == 1
    assert await count(people, KADIS, ESCALATION) == 1
    assert await count(people, KEPALA["PTK"], REMINDER) == 1
    assert await count(people, KASUBBAG, ESCALATION) == 0

    # Tuesday 09:00: one working day after distribution, the Sekretariat's staff still hold step 2
    # and are reminded; PTK's staff, whose report is approved, are not.
    clock.set(datetime(2026, 4, 7, 9, 0, tzinfo=WIB))
    await sweep(bot)
    input_reminder = await people.wait_message(STAF["SEK"], REMINDER)
    # The staff's Mutu Baku (1 working day) passed days before the input deadline: the reminder says
    # the deadline still holds, and does not read as if the standard were met ("tercapai").
    assert (
        "Langkah 2 SOP (pengisian realisasi) berada pada Bapak/Ibu sejak Senin, 6 April 2026 pukul 08.46 WIB. "
        "Mutu Baku SOP untuk langkah ini adalah 1 hari kerja, dan waktu tersebut telah terlampaui."
        in input_reminder["text"]
    )
    assert (
        "Batas pengisian laporan tetap Senin, 13 April 2026 pukul 23.59 WIB; mohon laporan diajukan sebelum batas "
        "tersebut." in input_reminder["text"]
    )
    assert "segera" not in input_reminder["text"] and "tercapai" not in input_reminder["text"]
    await sweeps(bot, clock, 2, 30)
    assert await count(people, STAF["SEK"], REMINDER) == 1
    assert await count(people, STAF["PTK"], REMINDER) == 0
    assert await count(people, KEPALA["PTK"], ESCALATION) == 0  # twice 1 hari kerja is not reached yet
