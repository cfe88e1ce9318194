"""Safety: unbound, wrong-role and wrong-bidang presses are refused; doubled, stale, replayed and
forged presses answer clearly and change nothing; every refusal leaves the store as it was."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.logging_setup import configure_logging
from bot.store.schema import telegram_prompts
from bot.telegram.app import KinerjaBot
from bot.telegram.callback_data import Action, CallbackData
from bot.workflow.machine import BidangState, DinasState
from config.settings import Settings
from sandbox.server import SandboxServer
from sandbox.telegram import DEFAULT_BOT_TOKEN
from tests.telegram_edge.conftest import (
    KADIS,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    STRANGER,
    EdgeWorkbook,
    People,
    action_rows,
    edge_bot,
    edge_settings,
    url_buttons,
)
from tests.workflow.scenario import Driver, submission


@pytest.fixture
def settings(sandbox_server: SandboxServer, tmp_path: Path) -> Settings:
    """Three bidang here, so that one Kepala Bidang can press another's button."""
    return edge_settings(sandbox_server.base_url, tmp_path / "kinerja.db", kodes=("SEK", "PTK", "LAT"))


async def collecting(bot: KinerjaBot, people: People) -> int:
    """Start TW I and let the Sekretaris approve distribution through the service."""
    service = bot.service
    pid = await asyncio.to_thread(service.start_period, 2026, 1)
    sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
    assert sekretaris is not None
    await asyncio.to_thread(service.approve_distribution, sekretaris, pid)
    return pid


async def submitted(bot: KinerjaBot, workbook: EdgeWorkbook, kode: str) -> None:
    await asyncio.to_thread(bot.service.handle_events, [submission(kode, 1)])


def audit_count(bot: KinerjaBot, pid: int, event: str, bidang: str | None = None) -> int:
    with bot.store.transaction() as tx:
        return tx.count_audit(pid, event, bidang)


async def test_unbound_person_is_told_how_to_register(kinerja: KinerjaBot, people: People) -> None:
    pid = await collecting(kinerja, people)
    for command in ("/start", "/status", "/kirim", "/rekap", "/bantuan", "halo"):
        before = await people.last_id(STRANGER)
        await people.say(STRANGER, command)
        answer = await people.wait_message(STRANGER, "/daftar KODE", after=before)
        assert "belum terdaftar" in answer["text"]
    # A forged press on the bot's own message in the stranger's chat.
    message_id = await people.last_id(STRANGER)
    forged = CallbackData(Action.DIST_APPROVE, pid).encode()
    pressed = await people.press_data(STRANGER, message_id, forged)
    answer = await people.answer(pressed["callback_query_id"])
    assert answer["show_alert"] is True and "belum terdaftar" in answer["text"]
    assert audit_count(kinerja, pid, "setujui_distribusi") == 1


async def test_wrong_role_and_other_bidang_are_refused(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    opened = await people.wait_message(STAF["PTK"], "Pengisian laporan kinerja dibuka")

    # A staff member forges the Kepala Bidang's approval on a message of their own chat.
    approve_ptk = CallbackData(Action.KOREKSI_APPROVE, pid, "PTK").encode()
    pressed = await people.press_data(STAF["PTK"], opened["message_id"], approve_ptk)
    answer = await people.answer(pressed["callback_query_id"])
    assert answer["show_alert"] is True
    assert answer["text"].startswith("Maaf, langkah ini hanya dapat dilakukan oleh Kepala Bidang Penempatan")

    # The Kepala of LAT presses PTK's Setujui and Kembalikan.
    await people.say(KEPALA["LAT"], "/bantuan")
    lat_help = await people.wait_message(KEPALA["LAT"], "Sebagai Kepala Bidang")
    for data in (approve_ptk, CallbackData(Action.KOREKSI_RETURN, pid, "PTK").encode()):
        pressed = await people.press_data(KEPALA["LAT"], lat_help["message_id"], data)
        answer = await people.answer(pressed["callback_query_id"])
        assert answer["show_alert"] is True and "Kepala Bidang Penempatan" in answer["text"]
    # No prompt was sent for the refused Kembalikan, and PTK is still waiting for its own Kepala.
    assert await people.last_id(KEPALA["LAT"]) == lat_help["message_id"]

    # The Kepala Dinas forging step 1's approval, long after it was given: refused by state.
    await people.say(KADIS, "/start")
    kadis_msg = await people.wait_message(KADIS, "Selamat datang")
    pressed = await people.press_data(KADIS, kadis_msg["message_id"], CallbackData(Action.DIST_APPROVE, pid).encode())
    answer = await people.answer(pressed["callback_query_id"])
    assert answer["show_alert"] is True and "hanya dapat dilakukan oleh Sekretaris" in answer["text"]

    view = kinerja.service.period_view(pid)
    assert {r.bidang: r.state for r in view.reports}["PTK"] is BidangState.SUBMITTED
    assert audit_count(kinerja, pid, "setujui") == 0 and audit_count(kinerja, pid, "kembalikan") == 0


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("k2|kok|1|PTK", id="old-version"),
        pytest.param("k1|zzz|1|-", id="unknown-action"),
        pytest.param("k1|kok|abc|PTK", id="period-not-a-number"),
        pytest.param("k1|kok|1|-", id="bidang-missing"),
        pytest.param("k1|dok|1|PTK", id="bidang-not-expected"),
        pytest.param("k1|kok|1|ptk; drop", id="bidang-malformed"),
        pytest.param("approve:TW1", id="foreign-format"),
    ],
)
async def test_forged_callback_data_is_answered_and_changes_nothing(
    kinerja: KinerjaBot, people: People, data: str
) -> None:
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    pressed = await people.press_data(SEKRETARIS, ask["message_id"], data)
    answer = await people.answer(pressed["callback_query_id"])
    assert answer["show_alert"] is True and "tidak dikenali" in answer["text"]
    assert kinerja.service.period_view(pid).state is DinasState.AWAITING_DISTRIBUTION


async def test_double_press_counts_once_and_replay_is_refused(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    data = next(
        b["callback_data"] for row in request["reply_markup"]["inline_keyboard"] for b in row if "callback_data" in b
    )
    first = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    second = await people.press_data(KEPALA["PTK"], request["message_id"], data)  # the same button, again
    assert (await people.answer(first["callback_query_id"]))["show_alert"] is False
    answer = await people.answer(second["callback_query_id"])
    # Refused while the first is carried out ("sedang diproses") or once it is ("sudah disetujui").
    assert answer["show_alert"] is True
    assert "sudah disetujui" in answer["text"] or "sedang diproses" in answer["text"]
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh Agus Priyono")
    # A replay much later (the button is gone; forged with the old data): still refused.
    replay = await people.press_data(KEPALA["PTK"], request["message_id"], data)
    assert (await people.answer(replay["callback_query_id"]))["show_alert"] is True
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1
    with kinerja.store.transaction() as tx:
        approved = [r for r in tx.outbox_rows(pid) if r.kind == "report_approved"]
    assert len(approved) == 1
    await people.wait_message(STAF["PTK"], "Laporan disetujui")


async def test_stale_prompt_answer_is_refused(kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People) -> None:
    """Kembalikan pressed, then Setujui: the reason that follows changes nothing."""
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    await people.press(KEPALA["PTK"], request["message_id"], "Kembalikan")
    prompt = await people.wait_message(KEPALA["PTK"], "membalas pesan ini")
    await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui")
    await people.say(KEPALA["PTK"], "Ternyata ada yang salah.", reply_to=prompt["message_id"])
    await people.wait_message(KEPALA["PTK"], "tidak dapat dilakukan sekarang", after=prompt["message_id"])
    assert {r.bidang: r.state for r in kinerja.service.period_view(pid).reports}["PTK"] is BidangState.APPROVED
    assert audit_count(kinerja, pid, "kembalikan") == 0


async def test_tunda_keeps_the_request_open(kinerja: KinerjaBot, people: People) -> None:
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    await people.press(SEKRETARIS, ask["message_id"], "Tunda")
    edited = await people.wait_edit(SEKRETARIS, ask["message_id"], ">> Ditunda oleh Sri Wahyuni")
    assert action_rows(edited) == [["Setujui"]]
    await people.wait_message(KASUBBAG, "Pembagian format ditunda")
    assert kinerja.service.period_view(pid).state is DinasState.AWAITING_DISTRIBUTION
    await people.press(SEKRETARIS, ask["message_id"], "Setujui")
    await people.wait_edit(SEKRETARIS, ask["message_id"], ">> Disetujui oleh")
    assert kinerja.service.period_view(pid).state is DinasState.COLLECTING


async def test_reply_without_prompt_gets_guidance(kinerja: KinerjaBot, people: People) -> None:
    await people.say(KASUBBAG, "/start")
    hello = await people.wait_message(KASUBBAG, "Selamat datang")
    await people.say(KASUBBAG, "Ini alasan saya", reply_to=hello["message_id"])
    await people.wait_message(KASUBBAG, "gunakan fitur Balas", after=hello["message_id"])


@pytest.mark.parametrize(
    "id_stored",
    [
        pytest.param(True, id="stopped-later"),
        # The service died after Telegram accepted the prompt, before its message id was stored.
        pytest.param(False, id="stopped-right-after-sending-the-prompt"),
    ],
)
async def test_pending_prompt_survives_a_restart(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People, settings: Settings, id_stored: bool
) -> None:
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    await people.press(KEPALA["PTK"], request["message_id"], "Kembalikan")
    prompt = await people.wait_message(KEPALA["PTK"], "membalas pesan ini")
    await kinerja.stop()
    if not id_stored:
        with kinerja.store.engine.begin() as conn:
            assert conn.execute(update(telegram_prompts).values(message_id=None)).rowcount == 1
    again = edge_bot(settings, workbook, kinerja.store)
    await again.start()
    try:
        await people.say(KEPALA["PTK"], "Lampiran bukti dukung belum ada.", reply_to=prompt["message_id"])
        await people.wait_edit(KEPALA["PTK"], request["message_id"], "Alasan: Lampiran bukti dukung belum ada.")
        await people.wait_message(STAF["PTK"], "Lampiran bukti dukung belum ada.")
    finally:
        await again.stop()
    assert audit_count(kinerja, pid, "kembalikan", "PTK") == 1


async def test_token_never_reaches_the_logs(
    kinerja: KinerjaBot, people: People, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging()
    caplog.set_level(logging.DEBUG)
    kinerja.notifier.network_delay = 0.01
    # Failures too: their warnings and tracebacks must not carry the token either.
    await people.control("faults", {"service": "telegram", "status": 502, "count": 1, "method": "getUpdates"})
    await people.control("faults", {"service": "telegram", "status": 502, "count": 1, "method": "sendMessage"})
    await people.say(KASUBBAG, "/start")
    await people.wait_message(KASUBBAG, "Selamat datang")
    await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    assert (await people.control("stats"))["telegram"]["faults_injected"] == 2
    assert any(r.levelno >= logging.INFO and r.name.startswith("bot.telegram") for r in caplog.records)
    assert any(r.levelno >= logging.ERROR or r.exc_info for r in caplog.records)  # the failed poll
    secret = DEFAULT_BOT_TOKEN.split(":", 1)[1]
    assert secret not in caplog.text
    for record in caplog.records:
        assert secret not in record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            assert secret not in repr(record.exc_info[1])


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("k1|tl|{pid}|ZZZ", id="prompt-unknown-bidang"),
        pytest.param("k1|kok|{pid}|ZZZ", id="direct-unknown-bidang"),
        pytest.param("k1|dok|987654|-", id="direct-unknown-period"),
        pytest.param("k1|krt|987654|PTK", id="prompt-unknown-period"),
    ],
)
async def test_forged_well_formed_press_is_refused_by_the_core(kinerja: KinerjaBot, people: People, data: str) -> None:
    """Data that decodes, naming a bidang or period that does not exist: a clear answer, no prompt, no change."""
    pid = await asyncio.to_thread(kinerja.service.start_period, 2026, 1)
    ask = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    pressed = await people.press_data(SEKRETARIS, ask["message_id"], data.format(pid=pid))
    answer = await people.answer(pressed["callback_query_id"])
    assert answer["show_alert"] is True
    assert "tidak dikenal" in answer["text"] or "tidak ditemukan" in answer["text"]
    assert await people.last_id(SEKRETARIS) == ask["message_id"]  # no prompt was sent
    assert kinerja.service.period_view(pid).state is DinasState.AWAITING_DISTRIBUTION


# Each button that asks for a reason: (stage, who presses, the message holding it, label, audit event).
RETURN_BUTTONS = [
    pytest.param("koreksi", KEPALA["PTK"], "Permohonan koreksi", "Kembalikan", "kembalikan", id="kepala-bidang"),
    pytest.param(
        "telaah_sekretaris", SEKRETARIS, "Permohonan telaah", "Kembalikan", "dikembalikan_sekretaris", id="sekretaris"
    ),
    pytest.param(
        "telaah_kepala_dinas", KADIS, "Permohonan telaah", "Kembalikan", "dikembalikan_kepala_dinas", id="kepala-dinas"
    ),
    pytest.param("revisi", KASUBBAG, "dikembalikan", "Buka kembali PTK", "buka_kembali_bidang", id="buka-kembali"),
]


@pytest.mark.parametrize(("stage", "who", "holder", "label", "event"), RETURN_BUTTONS)
async def test_kembalikan_without_a_reason_does_nothing(
    kinerja: KinerjaBot,
    workbook: EdgeWorkbook,
    people: People,
    stage: str,
    who: int,
    holder: str,
    label: str,
    event: str,
) -> None:
    drive = Driver(kinerja.service, workbook, None)
    if stage == "koreksi":
        pid = await asyncio.to_thread(drive.collecting)
        await asyncio.to_thread(drive.submit, "PTK")
    elif stage == "telaah_sekretaris":
        pid = await asyncio.to_thread(drive.telaah_sekretaris)
    elif stage == "telaah_kepala_dinas":
        pid = await asyncio.to_thread(drive.telaah_kepala_dinas)
    else:
        pid = await asyncio.to_thread(drive.telaah_sekretaris)
        sekretaris = kinerja.service.directory.actor_for_telegram(SEKRETARIS)
        await asyncio.to_thread(kinerja.service.return_by_sekretaris, sekretaris, pid, "Periksa data PTK.")
    before_view = kinerja.service.period_view(pid)
    # The first rekap and chart of the process load pandas and matplotlib (not loaded at start):
    # on a busy machine the request behind them takes longer than the usual wait.
    message = await people.wait_message(who, holder, timeout=30)
    await people.press(who, message["message_id"], label)
    prompt = await people.wait_message(who, "membalas pesan ini", after=message["message_id"])
    assert prompt["reply_markup"]["force_reply"] is True

    # A message that is not a reply, then a reply with no real reason: refused, nothing moves.
    await people.say(who, "Data belum lengkap.")
    await people.wait_message(who, "gunakan fitur Balas", after=prompt["message_id"])
    last = await people.last_id(who)
    await people.say(who, " . ", reply_to=prompt["message_id"])
    await people.wait_message(who, "wajib diisi", after=last)
    view = kinerja.service.period_view(pid)
    assert (view.state, [r.state for r in view.reports]) == (before_view.state, [r.state for r in before_view.reports])
    assert audit_count(kinerja, pid, event) == 0
    still = next(m for m in await people.messages(who) if m["message_id"] == message["message_id"])
    assert still["reply_markup"]["inline_keyboard"] and ">>" not in still["text"]  # the buttons stay

    # With a reason it goes through, and the buttons give way to the outcome.
    await people.say(who, "Data PTK belum sesuai bukti dukung.", reply_to=prompt["message_id"])
    edited = await people.wait_edit(who, message["message_id"], "Alasan: Data PTK belum sesuai bukti dukung.")
    assert action_rows(edited) == [] and url_buttons(edited) == url_buttons(message)  # the links stay
    assert audit_count(kinerja, pid, event) == 1


@pytest.mark.parametrize("slow", [False, True], ids=["fails-fast", "fails-slowly"])
async def test_an_action_google_fails_is_never_confirmed_and_can_be_repeated(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People, monkeypatch: pytest.MonkeyPatch, slow: bool
) -> None:
    """Issue #16 item 2: no "tercatat" for an action that did not take effect; the person is told.

    A return writes its reason into the sheet before it is recorded: when Google fails, nothing
    changed, the person is told in a reply, and the same answer can be sent again.
    """
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    if slow:  # Google slow as well as failing
        original = EdgeWorkbook.write_feedback

        def slow_write(self: EdgeWorkbook, *args: object) -> None:
            time.sleep(0.5)
            original(self, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(EdgeWorkbook, "write_feedback", slow_write)
    await people.press(KEPALA["PTK"], request["message_id"], "Kembalikan")
    prompt = await people.wait_message(KEPALA["PTK"], "membalas pesan ini")
    workbook.fail["write_feedback"] = 1  # the return's Status write: retries exhausted
    reason = "Data PTK belum sesuai bukti dukung."
    await people.say(KEPALA["PTK"], reason, reply_to=prompt["message_id"])
    told = await people.wait_message(KEPALA["PTK"], "belum berhasil")
    assert "tercatat" not in told["text"] and "Laporan tidak berubah" in told["text"]
    assert audit_count(kinerja, pid, "kembalikan", "PTK") == 0
    with kinerja.store.transaction() as tx:
        assert tx.get_report(pid, "PTK").state == BidangState.SUBMITTED  # type: ignore[union-attr]
    still = next(m for m in await people.messages(KEPALA["PTK"]) if m["message_id"] == request["message_id"])
    assert still["reply_markup"]["inline_keyboard"] and ">>" not in still["text"]  # the buttons stay
    # The same answer again, once Google answers: it goes through.
    await people.say(KEPALA["PTK"], reason, reply_to=prompt["message_id"])
    await people.wait_edit(KEPALA["PTK"], request["message_id"], f"Alasan: {reason}")
    assert audit_count(kinerja, pid, "kembalikan", "PTK") == 1


async def test_an_approval_google_cannot_lock_stands_and_is_locked_once_google_answers(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    """DESIGN.md section 6: the approval is recorded and shown; its lock follows, retried by the schedule."""
    pid = await collecting(kinerja, people)
    await submitted(kinerja, workbook, "PTK")
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    workbook.locked.discard(("PTK", 1))
    workbook.fail["lock_tw"] = 1  # the approval's lock: retries exhausted
    pressed = await people.press(KEPALA["PTK"], request["message_id"], "Setujui")
    assert (await people.answer(pressed["callback_query_id"]))["show_alert"] is False
    await people.wait_edit(KEPALA["PTK"], request["message_id"], ">> Disetujui oleh Agus Priyono")
    assert audit_count(kinerja, pid, "setujui", "PTK") == 1
    await people.wait_message(STAF["PTK"], "Laporan disetujui")
    assert ("PTK", 1) not in workbook.locked
    await asyncio.to_thread(kinerja.service.tick)  # the schedule's sweep: Google answers again
    assert ("PTK", 1) in workbook.locked
