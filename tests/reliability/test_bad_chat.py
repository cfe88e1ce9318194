"""Bad chat inputs against the real PTB bot on the sandbox: one table of cases, each with its answer.

The bot is the real composition root of the Telegram edge (``tests/telegram_edge/conftest.py``:
``create_bot`` long polling the sandbox, the outbox worker, the workflow service on a migrated
store; only the Google side is the in-memory double). Each case brings the bot to a stage, lets a
person send one bad input through the sandbox's control API, and checks:

- the answer: the bot's reply in that chat (exactly one message), the alert on a pressed button,
  or silence where silence is the decision (groups, edited messages);
- no state changed: every table of the store is as before (the outbox and prompts included; only
  the outbox's delivery columns move), except what the case names (a wrong invite code is counted
  on purpose, for the lockout);
- no crash: the same person's next normal command is answered, in order, and no handler error is
  logged.

The table is documented case by case in docs/keandalan.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot import texts
from bot.store import schema
from bot.store.repository import Store
from bot.telegram.app import KinerjaBot
from bot.telegram.callback_data import Action, CallbackData
from bot.workflow.machine import BidangState
from sandbox.telegram.constants import DEFAULT_BOT_USERNAME
from tests.telegram_edge.conftest import (  # the Telegram edge's fixtures, reused as they are
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAF,
    STRANGER,
    EdgeWorkbook,
    People,
    _timedelta_periods,
    kinerja,
    people,
    sandbox_server,
    settings,
    wait_for,
    workbook,
)
from tests.workflow.scenario import submission

__all__ = ["_timedelta_periods", "kinerja", "people", "sandbox_server", "settings", "workbook"]

GROUP = -1001234567890
OUTBOX_DELIVERY = frozenset({"next_attempt_at", "attempts", "last_error", "sent_at", "failed_at"})


# --- the stage each case starts from ------------------------------------------------------------


@dataclass
class Stage:
    """What the bot is doing when the bad input arrives (message ids the case may use)."""

    period_id: int | None = None
    koreksi_request: dict[str, Any] = field(default_factory=dict)
    prompt: dict[str, Any] = field(default_factory=dict)
    distribution_request: dict[str, Any] = field(default_factory=dict)
    received: dict[str, Any] = field(default_factory=dict)


async def drained(bot: KinerjaBot) -> None:
    """Every notification delivered (so that no delivery lands in the middle of a case)."""

    async def empty() -> bool:
        with bot.store.transaction() as tx:
            return tx.count_pending() == 0

    await wait_for(empty)


async def koreksi_stage(bot: KinerjaBot, workbook: EdgeWorkbook, people: People) -> Stage:
    """TW I open; PTK submitted; its Kepala pressed Kembalikan and has the reason prompt open."""
    service = bot.service
    pid = await asyncio.to_thread(service.start_period, 2026, 1)
    distribution = await people.wait_message(SEKRETARIS, "Permohonan persetujuan")
    sekretaris = service.directory.actor_for_telegram(SEKRETARIS)
    assert sekretaris is not None
    await asyncio.to_thread(service.approve_distribution, sekretaris, pid)
    await asyncio.to_thread(service.handle_events, [submission("PTK", 1)])
    request = await people.wait_message(KEPALA["PTK"], "Permohonan koreksi")
    received = await people.wait_message(STAF["PTK"], "Laporan telah diajukan")
    await people.press(KEPALA["PTK"], request["message_id"], texts.BTN_KEMBALIKAN)
    prompt = await people.wait_message(KEPALA["PTK"], "membalas pesan ini")
    await people.wait_message(STAF["SEK"], "Pengisian laporan kinerja dibuka")
    await drained(bot)
    return Stage(pid, request, prompt, distribution, received)


async def empty_stage(bot: KinerjaBot, workbook: EdgeWorkbook, people: People) -> Stage:
    """No period at all yet."""
    return Stage()


# --- what a person does -------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """What a case's input gave: the button's answer, and where its own exchange ended (if it had one)."""

    answer: dict[str, Any] | None = None
    after: int | None = None


Do = Callable[[People, Stage], Awaitable[Done]]


def says(user_id: int, text: str, **extra: Any) -> Do:
    """``user_id`` sends ``text`` (or a sticker/photo/document given in ``extra``) in their private chat."""

    async def do(people: People, stage: Stage) -> Done:
        body: dict[str, Any] = {"user_id": user_id, **extra}
        if text:
            body["text"] = text
        await people.control("telegram/send", body)
        return Done()

    return do


def presses(user_id: int, data: Callable[[Stage], str], on: Callable[[Stage], int] | None = None) -> Do:
    """``user_id`` sends a callback with ``data`` (forged) on a bot message of their own chat."""

    async def do(people: People, stage: Stage) -> Done:
        message_id = on(stage) if on is not None else await people.last_id(user_id)
        pressed = await people.press_data(user_id, message_id, data(stage))
        return Done(answer=await people.answer(pressed["callback_query_id"]))

    return do


def replies_to(user_id: int, target: Callable[[Stage], int], text: str = "", **extra: Any) -> Do:
    """``user_id`` answers message ``target`` with the Reply feature."""

    async def do(people: People, stage: Stage) -> Done:
        body: dict[str, Any] = {"user_id": user_id, "reply_to_message_id": target(stage), **extra}
        if text:
            body["text"] = text
        await people.control("telegram/send", body)
        return Done()

    return do


async def stranger_presses_forged(people: People, stage: Stage) -> Done:
    """A stranger forges the Kepala Bidang's Setujui on the bot's answer in the stranger's own chat."""
    await people.say(STRANGER, "/start")
    hello = await people.wait_message(STRANGER, "belum terdaftar")
    data = CallbackData(Action.KOREKSI_APPROVE, stage.period_id or 1, "PTK").encode()
    pressed = await people.press_data(STRANGER, hello["message_id"], data)
    return Done(answer=await people.answer(pressed["callback_query_id"]), after=hello["message_id"])


async def edits_a_command(people: People, stage: Stage) -> Done:
    """``/bantuan`` is answered; then its text is edited into ``/kirim``."""
    sent = await people.say(STAF["SEK"], "/bantuan")
    answer = await people.wait_message(STAF["SEK"], "/kirim - ajukan laporan")
    # /bantuan then shows the staff's own report as its own message (issue #19 item 8).
    report = await people.wait_message(STAF["SEK"], "Keadaan laporan", after=answer["message_id"])
    edit = {"user_id": STAF["SEK"], "message_id": sent["message_id"], "text": "/kirim"}
    await people.control("telegram/edit", edit)
    return Done(after=report["message_id"])


def in_group(text: str) -> Do:
    """The bot sits in an office group; a member writes ``text`` there."""

    async def do(people: People, stage: Stage) -> Done:
        members = [STAF["SEK"], STAF["PTK"], KASUBBAG, STRANGER]
        await people.control("telegram/groups", {"id": GROUP, "title": "Disnaker Magetan", "member_ids": members})
        sent = await people.control("telegram/send", {"user_id": STAF["SEK"], "chat_id": GROUP, "text": text})
        assert sent["update_id"] is not None  # the bot does receive it (a command, or a mention)
        return Done()

    return do


# --- the table ------------------------------------------------------------------------------------

# The next normal command after a bad input, and a phrase of its answer no bad input's answer holds.
BANTUAN = ("/bantuan", texts.HELP_COMMON.splitlines()[0])
DAFTAR = ("/daftar", "bersama perintahnya")
START = ("/start", "ID Telegram Bapak/Ibu:")


@dataclass(frozen=True)
class ChatCase:
    """One bad input: the stage, who does what, and the answer.

    ``reply``: a phrase of the one message the bot sends back in that chat; ``alert``: a phrase of
    the button's alert; neither: silence, checked by the next command being the only answer.
    ``counted``: tables that change on purpose, with the rows they gain.
    """

    stage: Callable[[KinerjaBot, EdgeWorkbook, People], Awaitable[Stage]]
    who: int
    do: Do
    reply: str | None = None
    alert: str | None = None
    counted: dict[str, int] = field(default_factory=dict)
    group: bool = False
    follow: tuple[str, str] | None = None  # the next normal command and a phrase of its answer

    @property
    def next_command(self) -> tuple[str, str]:
        if self.follow is not None:
            return self.follow
        return DAFTAR if self.who == STRANGER else BANTUAN


def forged(action: Action, bidang: str | None = None) -> Callable[[Stage], str]:
    return lambda stage: CallbackData(action, stage.period_id or 1, bidang).encode()


KOREKSI, KOSONG = koreksi_stage, empty_stage
NOT_TEXT = "stiker, pesan suara, dan video tidak diproses"
EVIDENCE_CLOSED = "Bukti dukung belum dapat disimpan karena pengisian tidak sedang dibuka"
EVIDENCE_NOT_STAFF = "bukti dukung dikirim oleh staf pengisi laporan bidang"
FREE_TEXT = "gunakan fitur Balas pada pesan"
UNBOUND = "belum terdaftar"
BAD_BUTTON = "tombol ini tidak dikenali"

CASES: dict[str, ChatCase] = {
    "unknown-command": ChatCase(KOREKSI, STAF["PTK"], says(STAF["PTK"], "/hapus_semua"), reply="tidak dikenal"),
    "unknown-command-stranger": ChatCase(KOREKSI, STRANGER, says(STRANGER, "/admin"), reply=UNBOUND),
    "daftar-without-code": ChatCase(
        KOREKSI, STRANGER, says(STRANGER, "/daftar"), reply="Mohon kirim kode undangan", follow=START
    ),
    "daftar-garbage-code": ChatCase(
        KOREKSI,
        STRANGER,
        says(STRANGER, "/daftar ';DROP_TABLE_people;--"),
        reply="tidak dikenal",
        counted={"invite_attempts": 1},
    ),
    "daftar-two-codes": ChatCase(
        KOREKSI, STRANGER, says(STRANGER, "/daftar ABCD 234XYZ"), reply="/daftar ABCD234XYZ", follow=START
    ),
    "daftar-when-registered": ChatCase(
        KOREKSI, STAF["PTK"], says(STAF["PTK"], "/daftar ABCD234XYZ"), reply="sudah terdaftar atas nama"
    ),
    "forged-callback-other-role": ChatCase(
        KOREKSI,
        STAF["PTK"],
        presses(STAF["PTK"], forged(Action.KOREKSI_APPROVE, "PTK")),
        alert="hanya dapat dilakukan oleh Kepala Bidang",
    ),
    "forged-callback-other-unit": ChatCase(
        KOREKSI,
        KEPALA["PTK"],
        presses(KEPALA["PTK"], forged(Action.KOREKSI_RETURN, "SEK"), on=lambda s: s.koreksi_request["message_id"]),
        alert="Sekretaris",
    ),
    "forged-callback-garbage": ChatCase(
        KOREKSI, STAF["PTK"], presses(STAF["PTK"], lambda s: "'; DROP TABLE outbox; --"), alert=BAD_BUTTON
    ),
    "oversized-callback": ChatCase(
        KOREKSI, STAF["PTK"], presses(STAF["PTK"], lambda s: f"k1|kok|{s.period_id}|" + "P" * 80), alert=BAD_BUTTON
    ),
    "oversized-multibyte-callback": ChatCase(
        KOREKSI, STAF["PTK"], presses(STAF["PTK"], lambda s: f"k1|kok|{s.period_id}|" + "é" * 30), alert=BAD_BUTTON
    ),
    "replayed-old-callback": ChatCase(
        KOREKSI,
        SEKRETARIS,
        presses(SEKRETARIS, forged(Action.DIST_APPROVE), on=lambda s: s.distribution_request["message_id"]),
        alert="tidak dapat dilakukan",
    ),
    "stranger-callback": ChatCase(KOREKSI, STRANGER, stranger_presses_forged, alert=UNBOUND),
    "stranger-text": ChatCase(KOREKSI, STRANGER, says(STRANGER, "halo, saya mau lihat laporan"), reply=UNBOUND),
    "stranger-sticker": ChatCase(KOREKSI, STRANGER, says(STRANGER, "", sticker=True), reply=UNBOUND),
    "very-long-text": ChatCase(KOREKSI, STAF["PTK"], says(STAF["PTK"], "laporan " * 700), reply=FREE_TEXT),
    "emoji-only": ChatCase(KOREKSI, STAF["PTK"], says(STAF["PTK"], "\U0001f44d\u200d"), reply=FREE_TEXT),
    "sticker": ChatCase(KOREKSI, STAF["PTK"], says(STAF["PTK"], "", sticker=True), reply=NOT_TEXT),
    # A photo or a PDF is a bukti dukung: refused while PTK's report waits for koreksi (nothing stored).
    "photo": ChatCase(
        KOREKSI, STAF["PTK"], says(STAF["PTK"], "", photo=True, caption="bukti dukung"), reply=EVIDENCE_CLOSED
    ),
    "document": ChatCase(
        KOREKSI, STAF["PTK"], says(STAF["PTK"], "", document={"file_name": "bukti.pdf"}), reply=EVIDENCE_CLOSED
    ),
    "document-of-another-type": ChatCase(
        KOREKSI,
        STAF["PTK"],
        says(STAF["PTK"], "", document={"file_name": "laporan.docx", "mime_type": "application/msword"}),
        reply="berkas jenis ini tidak disimpan",
    ),
    "photo-as-prompt-answer": ChatCase(
        KOREKSI,
        KEPALA["PTK"],
        replies_to(KEPALA["PTK"], lambda s: s.prompt["message_id"], photo=True),
        reply=EVIDENCE_NOT_STAFF,
    ),
    "prompt-answer-too-short": ChatCase(
        KOREKSI,
        KEPALA["PTK"],
        replies_to(KEPALA["PTK"], lambda s: s.prompt["message_id"], "ok"),
        reply="Alasan pengembalian terlalu singkat",
    ),
    "prompt-answer-from-wrong-person": ChatCase(
        KOREKSI,
        STAF["PTK"],
        replies_to(STAF["PTK"], lambda s: s.received["message_id"], "Tolong kembalikan saja"),
        reply=FREE_TEXT,
    ),
    "edited-message": ChatCase(KOREKSI, STAF["SEK"], edits_a_command),
    "group-command": ChatCase(KOREKSI, STAF["SEK"], in_group("/kirim"), group=True),
    "group-mention": ChatCase(
        KOREKSI, STAF["SEK"], in_group(f"halo @{DEFAULT_BOT_USERNAME}, laporan sudah masuk?"), group=True
    ),
    "kirim-other-bidang": ChatCase(
        KOREKSI, STAF["SEK"], says(STAF["SEK"], "/kirim PTK"), reply="hanya dapat mengajukan laporan Sekretariat"
    ),
    "kirim-nothing-open": ChatCase(KOSONG, STAF["PTK"], says(STAF["PTK"], "/kirim"), reply=texts.KIRIM_NO_PERIOD),
    "kirim-already-submitted": ChatCase(
        KOREKSI, STAF["PTK"], says(STAF["PTK"], "/kirim"), reply="tidak dapat dilakukan"
    ),
    "kirim-by-kepala": ChatCase(KOREKSI, KEPALA["PTK"], says(KEPALA["PTK"], "/kirim"), reply=texts.KIRIM_NOT_STAFF),
    "rekap-by-staff": ChatCase(KOREKSI, STAF["PTK"], says(STAF["PTK"], "/rekap"), reply=texts.REKAP_NOT_ALLOWED),
}


# --- checking --------------------------------------------------------------------------------------


def store_state(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the outbox without its delivery columns)."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as connection:
        for table in schema.metadata.sorted_tables:
            columns = [c for c in table.c if not (table.name == "outbox" and c.name in OUTBOX_DELIVERY)]
            query = select(*columns).order_by(*table.primary_key.columns)
            state[table.name] = [tuple(row) for row in connection.execute(query)]
    return state


async def next_command_answered(
    people: People, user_id: int, after: int, follow: tuple[str, str]
) -> list[dict[str, Any]]:
    """The person's next command is answered; the bot's other messages since ``after`` (before it).

    Updates are handled in order, so whatever the bad input caused was sent before the answer to
    this command, which is recognised by a phrase no answer to the bad input holds.
    """
    command, marker = follow
    await people.say(user_id, command)
    answer = await people.wait_message(user_id, marker, after=after)
    return [m for m in await people.messages(user_id) if after < m["message_id"] < answer["message_id"]]


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_bad_chat_input_is_answered_and_changes_nothing(
    kinerja: KinerjaBot,
    workbook: EdgeWorkbook,
    people: People,
    case: ChatCase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    stage = await case.stage(kinerja, workbook, people)
    before_state = store_state(kinerja.store)
    after = await people.last_id(case.who)

    done = await case.do(people, stage)
    if done.after is not None:  # the case's own exchange came first (a /start, the edited command)
        after = done.after

    if case.alert is not None:
        assert done.answer is not None
        assert done.answer["show_alert"] is True and case.alert in done.answer["text"], done.answer
    else:
        assert done.answer is None
    others = await next_command_answered(people, case.who, after, case.next_command)
    # exactly the expected answer in the chat, then the next command's answer, nothing else
    if case.reply is not None:
        assert len(others) == 1, [m.get("text") for m in others]
        assert case.reply in others[0]["text"], others[0]["text"]
    else:
        assert others == [], [m.get("text") for m in others]
    if case.group:
        assert await people.messages(GROUP) == []
    await drained(kinerja)

    after_state = store_state(kinerja.store)
    for table, rows in before_state.items():
        gained = len(after_state[table]) - len(rows)
        assert after_state[table][: len(rows)] == rows, table
        assert gained == case.counted.get(table, 0), table
    if stage.period_id is not None:
        states = {r.bidang: r.state for r in kinerja.service.period_view(stage.period_id).reports}
        assert states == {"SEK": BidangState.OPENED, "PTK": BidangState.SUBMITTED}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_table_has_at_least_fifteen_cases() -> None:
    assert len(CASES) >= 15


async def test_prompt_still_works_after_bad_answers(
    kinerja: KinerjaBot, workbook: EdgeWorkbook, people: People
) -> None:
    """A photo, a too-short reason and a stranger's reply leave the prompt open; the real answer counts once."""
    stage = await koreksi_stage(kinerja, workbook, people)
    prompt_id = stage.prompt["message_id"]
    await people.control("telegram/send", {"user_id": KEPALA["PTK"], "reply_to_message_id": prompt_id, "photo": True})
    await people.wait_message(KEPALA["PTK"], EVIDENCE_NOT_STAFF, after=prompt_id)
    await people.say(KEPALA["PTK"], "ok", reply_to=prompt_id)
    await people.wait_message(KEPALA["PTK"], "terlalu singkat", after=prompt_id)
    reason = "Lampiran bukti dukung belum ada. " * 200  # 6600 characters: beyond one Telegram message
    await people.say(KEPALA["PTK"], reason, reply_to=prompt_id)
    await people.wait_message(KEPALA["PTK"], "Laporan telah dikembalikan", after=prompt_id)
    ptk = {r.bidang: r for r in kinerja.service.period_view(stage.period_id or 0).reports}["PTK"]
    assert ptk.state is BidangState.RETURNED and ptk.last_reason == reason.strip()
    # the staff get the whole reason, split over messages, never cut
    await drained(kinerja)
    parts = [m["text"] for m in await people.messages(STAF["PTK"]) if "(bagian" in (m.get("text") or "")]
    assert len(parts) >= 2 and "".join(parts).count("Lampiran") == 200
    await people.say(KEPALA["PTK"], "Jawaban kedua", reply_to=prompt_id)
    await people.wait_message(KEPALA["PTK"], "sudah dijawab sebelumnya", after=prompt_id)
    with kinerja.store.transaction() as tx:
        assert tx.count_audit(stage.period_id or 0, "kembalikan", "PTK") == 1


async def test_bot_api_refuses_buttons_over_64_bytes(kinerja: KinerjaBot, people: People) -> None:
    """The other side of oversized callback data: no such button can be sent (Telegram's limit)."""
    for data in ("x" * 65, "é" * 33):
        button = InlineKeyboardButton("Setujui", callback_data=data)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await kinerja.application.bot.send_message(KASUBBAG, "uji", reply_markup=InlineKeyboardMarkup([[button]]))
    assert await people.messages(KASUBBAG) == []
    longest = CallbackData(Action.KADIS_APPROVE, 9_999_999_999).encode()
    assert len(longest.encode()) <= 64
