"""Delivery through the outbox and the real notifier: 429s delay but lose nothing, network errors
are retried, a person who blocked the bot is marked unreachable and the Kasubbag told, long text
is split and never cut."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

import pytest

from bot.telegram.app import KinerjaBot
from bot.telegram.notifier import strip_marker
from bot.telegram.render import Rendered
from bot.workflow.intake import SubmissionReady
from bot.workflow.notifications import Kind
from bot.workflow.ports import Notification
from sheets.facts import ProblemInfo
from tests.telegram_edge.conftest import KASUBBAG, SEKRETARIS, STAF, EdgeWorkbook, People, wait_for


async def approve_distribution(bot: KinerjaBot) -> int:
    pid = await asyncio.to_thread(bot.service.start_period, 2026, 1)
    sekretaris = bot.service.directory.actor_for_telegram(SEKRETARIS)
    assert sekretaris is not None
    await asyncio.to_thread(bot.service.approve_distribution, sekretaris, pid)
    return pid


def pending(bot: KinerjaBot) -> int:
    with bot.store.transaction() as tx:
        return tx.count_pending()


async def test_429_delays_but_loses_nothing(kinerja: KinerjaBot, people: People) -> None:
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)  # what the notifier waited for; the test itself need not wait that long
        await asyncio.sleep(min(seconds, 0.01))

    kinerja.notifier.sleep = recorded_sleep
    await people.control(
        "faults", {"service": "telegram", "status": 429, "count": 2, "method": "sendMessage", "retry_after": 1}
    )
    await approve_distribution(kinerja)
    for who in (KASUBBAG, STAF["PTK"], STAF["SEK"]):
        await people.wait_message(who, "telah dibagikan" if who == KASUBBAG else "Pengisian laporan kinerja dibuka")
    assert waits == [1.0, 1.0]  # Telegram's RetryAfter was honoured, each time, before the retry
    await wait_for(lambda: asyncio.to_thread(lambda: pending(kinerja) == 0))
    assert (await people.control("stats"))["telegram"]["faults_injected"] == 2
    # Exactly one copy of each message, nothing lost.
    for who in (SEKRETARIS, KASUBBAG, STAF["PTK"], STAF["SEK"]):
        texts = [m.get("text", "") for m in await people.messages(who)]
        assert len(texts) == len(set(texts)) == 1, texts


async def test_long_retry_after_goes_back_to_the_outbox(kinerja: KinerjaBot, people: People) -> None:
    kinerja.notifier.max_inline_wait = 0.0  # any wait is handed back to the outbox
    await people.control(
        "faults", {"service": "telegram", "status": 429, "count": 1, "method": "sendMessage", "retry_after": 1}
    )
    await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    with kinerja.store.transaction() as tx:
        [row] = tx.outbox_rows()

    async def retried() -> bool:
        with kinerja.store.transaction() as tx:
            current = tx.get_outbox(row.id)
        return (current.attempts >= 1 and "membatasi laju" in (current.last_error or "")) or current.sent_at is not None

    await wait_for(retried)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    assert len(await people.messages(SEKRETARIS)) == 1 and ask["reply_markup"]


async def test_network_error_is_retried(kinerja: KinerjaBot, people: People) -> None:
    kinerja.notifier.network_delay = 0.01
    await people.control("faults", {"service": "telegram", "status": 502, "count": 2, "method": "sendMessage"})
    await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    assert len(await people.messages(SEKRETARIS)) == 1


async def test_blocked_person_is_marked_and_kasubbag_told(kinerja: KinerjaBot, people: People) -> None:
    await people.control("telegram/block", {"user_id": STAF["PTK"]})
    await approve_distribution(kinerja)
    told = await people.wait_message(KASUBBAG, "Penerima tidak dapat dihubungi")
    assert "Rina Kurniawati, S.E." in told["text"] and "Penempatan" in told["text"]

    def unreachable() -> bool:
        with kinerja.store.transaction() as tx:
            return bool(tx.person_by_telegram(STAF["PTK"]).unreachable)

    assert await asyncio.to_thread(unreachable)
    # Back again: unblocking (my_chat_member) makes the person reachable.
    await people.control("telegram/unblock", {"user_id": STAF["PTK"]})
    await wait_for(lambda: asyncio.to_thread(lambda: not unreachable()))


async def test_long_validation_feedback_is_split_never_cut(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    await approve_distribution(kinerja)
    problems = tuple(
        ProblemInfo(f"M{row}", "Realisasi TW I", row, f"Indikator nomor {row}", "error", f'"teks {row}" bukan angka')
        for row in range(10, 160)
    )
    await asyncio.to_thread(
        kinerja.service.handle_events, [SubmissionReady("PTK", 1, ok=False, problems=problems, tahun=2026)]
    )
    first = await people.wait_message(STAF["PTK"], "(bagian 1/")
    total = int(first["text"].rsplit("/", 1)[1].rstrip(")"))
    assert total >= 2

    async def all_parts() -> list[dict] | None:
        parts = [m for m in await people.messages(STAF["PTK"]) if "(bagian " in (m.get("text") or "")]
        return parts if len(parts) == total else None

    parts = await wait_for(all_parts)
    assert all(len(p["text"]) <= 4096 for p in parts)
    joined = "".join(strip_marker(p["text"]) for p in parts)
    for row in range(10, 160):
        assert f'- sel M{row} (Realisasi TW I, baris {row}) [Indikator nomor {row}]: "teks {row}" bukan angka' in joined
    assert joined.startswith("Laporan belum dapat diajukan") and joined.endswith("mohon ajukan kembali.")

    # Resuming (after a long RetryAfter or a restart) sends only the parts not yet accepted.
    with kinerja.store.transaction() as tx:
        [row] = [r for r in tx.outbox_rows() if r.kind == Kind.VALIDATION_FAILED]
    assert row.parts_sent == total - 1  # stored after each part but the last; the last marks the row sent
    seen = await people.last_id(STAF["PTK"])
    told: list[int] = []

    async def progress(parts_sent: int) -> None:
        told.append(parts_sent)

    notification = Notification(
        row.id, row.dedupe_key, row.kind, row.payload, row.recipient_role, row.recipient_bidang,
        "Rina Kurniawati, S.E.", STAF["PTK"], row.attempts, parts_sent=1,
    )  # fmt: skip
    await kinerja.notifier.deliver(notification, progress)
    resent = [m["text"] for m in await people.messages(STAF["PTK"]) if m["message_id"] > seen]
    assert resent == [p["text"] for p in parts[1:]]
    assert told == list(range(2, total))


async def test_replies_and_outcomes_survive_429_and_network_errors(kinerja: KinerjaBot, people: People) -> None:
    """Handler replies, callback answers and outcome edits go through the same retry rules as the outbox."""
    waits: list[float] = []

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(min(seconds, 0.01))

    kinerja.notifier.sleep = recorded_sleep
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")

    faults = [
        {"status": 429, "count": 1, "method": "sendMessage", "retry_after": 3},
        {"status": 502, "count": 1, "method": "sendMessage"},
        {"status": 502, "count": 1, "method": "answerCallbackQuery"},
        {"status": 429, "count": 1, "method": "editMessageText", "retry_after": 2},
    ]
    for fault in faults:
        await people.control("faults", {"service": "telegram", **fault})
    await people.say(KASUBBAG, "/status")
    status = await people.wait_message(KASUBBAG, "Status laporan kinerja Triwulan I 2026")
    pressed = await people.press(SEKRETARIS, ask["message_id"], "Setujui")
    assert (await people.answer(pressed["callback_query_id"]))["show_alert"] is False
    await people.wait_edit(SEKRETARIS, ask["message_id"], ">> Disetujui oleh Sri Wahyuni")

    assert (await people.control("stats"))["telegram"]["faults_injected"] == 4
    assert 3.0 in waits and 2.0 in waits  # each RetryAfter honoured before the retry
    assert [m["message_id"] for m in await people.messages(KASUBBAG) if "Status laporan" in (m.get("text") or "")] == [
        status["message_id"]
    ]  # answered once, nothing lost
    assert kinerja.service.period_view(pid).state == "pengumpulan"


async def test_rendering_runs_off_the_event_loop(
    kinerja: KinerjaBot, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The draft rekap's chart takes about a second: rendered on the loop it would stall every press."""
    loop_thread = threading.get_ident()
    render_threads: list[int] = []
    renderer = kinerja.notifier.renderer
    render = renderer.render

    def recorded(kind: str, payload: Mapping[str, Any], recipient_role: str) -> Rendered:
        render_threads.append(threading.get_ident())
        return render(kind, payload, recipient_role)

    monkeypatch.setattr(renderer, "render", recorded)
    await approve_distribution(kinerja)
    await people.wait_message(STAF["PTK"], "Pengisian laporan kinerja dibuka")
    assert render_threads and loop_thread not in render_threads
