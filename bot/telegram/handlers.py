"""Telegram handlers: short async functions that check, call the workflow service, and answer.

Every press and command is checked server-side: the sender must be bound (else a polite answer on
how to register), the callback data must decode (else a clear answer), and the workflow service
checks role, bidang and current state before writing anything; its :class:`ActionRefused` reason
is shown in the callback answer (an alert) or as a reply. Blocking store/Google work runs in a
thread (``asyncio.to_thread``). A decision edits its message: the buttons give way to the outcome
(what, who, when). Kembalikan and the other free-text steps send a ForceReply prompt recorded in
the store (:mod:`bot.telegram.prompts`); the answer is matched through ``reply_to_message``.

What a button does (its event, prompt, service call and outcome) is its row in
:data:`bot.telegram.actions.ACTIONS`; the handlers hold no per-action logic of their own. Before a
prompt is sent, :meth:`WorkflowService.check_action` runs the action's own checks for the row's
event without writing, so a refused Kembalikan never asks for a reason. Handlers use only the
service's public methods.

The callback answer is sent after the service call so that a refusal reason can be its alert;
when the service takes longer than ``SLOW_ACTION_SECONDS`` the press is acknowledged first and
the outcome or refusal follows as a message. Every Bot API call of a handler (replies, answers,
edits, prompts) goes through :meth:`EdgeContext.call`, the notifier's retry rules: a 429 waits as
told, a network error is retried, so a reply is delayed rather than lost.

In a private chat every message gets an answer: unknown commands, stickers, photos and documents
are told what the bot understands. In groups the bot stays silent (its messages carry official
data meant for one person, and it must not chatter in an office group); edited messages are not
even requested from Telegram (``allowed_updates``), so an edit never repeats an action.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.telegram.actions import ACTIONS, ActionSpec, PromptFacts, PromptSpec
from bot.telegram.callback_data import CallbackData, CallbackDataError, decode
from bot.telegram.charts import Bar, capaian_chart
from bot.telegram.notifier import MAX_MESSAGE_UNITS, split_text, utf16_len
from bot.telegram.prompts import PromptStore
from bot.telegram.render import button, keyboard, rekap_figures
from bot.workflow.errors import ActionRefused
from bot.workflow.machine import BIDANG_HOLDS, DINAS_HOLDS, Role
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from config.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
# Runs one Bot API call with retries (``TelegramNotifier.call``).
BotCall = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]

BOT_DATA_KEY = "kinerja"
SLOW_ACTION_SECONDS = 8.0
REKAP_ROLES = frozenset({Role.KEPALA_DINAS, Role.SEKRETARIS, Role.KASUBBAG_KPEP, Role.KEPALA_BIDANG})


@dataclass
class EdgeContext:
    """The services the handlers use, built once by the composition root (``bot_data[BOT_DATA_KEY]``)."""

    settings: Settings
    service: WorkflowService
    prompts: PromptStore
    caller: BotCall | None = None

    async def call(self, step: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call under the delivery rules (RetryAfter honoured, network errors retried)."""
        if self.caller is None:
            return await step()
        result: T = await self.caller(step)
        return result

    def now(self) -> datetime:
        """The office's current time."""
        return self.service.now()

    def when(self) -> str:
        """Now, as people read it."""
        return texts.format_waktu(self.now(), self.settings.tz)

    def bidang_nama(self, kode: str | None) -> str | None:
        """A bidang's name (the kode when unknown)."""
        return None if kode is None else self.settings.bidang_nama(kode)


def edge(context: ContextTypes.DEFAULT_TYPE) -> EdgeContext:
    """The EdgeContext stored in ``bot_data``."""
    ctx = context.application.bot_data[BOT_DATA_KEY]
    assert isinstance(ctx, EdgeContext), "bot_data holds no EdgeContext: build the bot with create_bot"
    return ctx


async def _actor(ctx: EdgeContext, telegram_id: int) -> Actor | None:
    return await asyncio.to_thread(ctx.service.directory.actor_for_telegram, telegram_id)


async def _reply(ctx: EdgeContext, message: Message, text: str) -> None:
    for part in split_text(text):
        await ctx.call(partial(message.reply_text, part))


# ==========================================================================================
# commands
# ==========================================================================================


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet a bound person (and mark them reachable again), or say how to register."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _actor(ctx, user.id)
    if actor is None:
        await _reply(ctx, message, texts.start_unbound(ctx.settings.dinas.nama))
        return
    await asyncio.to_thread(ctx.service.directory.set_reachable, user.id, True)
    await _reply(ctx, message, texts.start_bound(actor.nama, actor.role, ctx.bidang_nama(actor.bidang)))


async def cmd_daftar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/daftar KODE: bind the sender with a one-time invite code."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if not context.args or len(context.args) != 1:
        await _reply(ctx, message, texts.DAFTAR_USAGE)
        return
    existing = await _actor(ctx, user.id)
    if existing is not None:
        await _reply(ctx, message, texts.daftar_already(existing.nama))
        return
    try:
        actor = await asyncio.to_thread(ctx.service.directory.redeem_invite, user.id, context.args[0], ctx.now())
    except ActionRefused as err:
        logger.info("invite refused for telegram user %s", user.id)
        await _reply(ctx, message, texts.refused(err.reason))
        return
    logger.info("telegram user %s bound as %s (%s)", user.id, actor.role, actor.bidang)
    await _reply(ctx, message, texts.daftar_ok(actor.nama, actor.role, ctx.bidang_nama(actor.bidang)))


async def _bound_or_explain(ctx: EdgeContext, message: Message, user_id: int) -> Actor | None:
    actor = await _actor(ctx, user_id)
    if actor is None:
        await _reply(ctx, message, texts.start_unbound(ctx.settings.dinas.nama))
    return actor


async def cmd_bantuan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/bantuan: what this person can do, by role."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is not None:
        await _reply(ctx, message, texts.bantuan(actor.role))


def status_text(ctx: EdgeContext) -> str:
    """The /status text for the current period (blocking: reads the store)."""
    service = ctx.service
    period_id = service.current_period_id()
    if period_id is None:
        return texts.STATUS_NO_PERIOD
    view = service.period_view(period_id)
    now, tz = ctx.now(), ctx.settings.tz

    def holder_line(role: Role | None, names: tuple[str, ...], since: datetime, step: int | None) -> str | None:
        if role is None or step is None:
            return None
        durasi = ctx.settings.mutu_baku.for_step(step)
        late = now > service.calendar.mutu_baku_deadline(since, durasi)
        return texts.status_holder(texts.role_name(role), names, since, now - since, str(durasi), late, tz)

    lines = [texts.status_header(view.tw, view.tahun, texts.STATE_LABELS[view.state], view.deadline, tz)]
    dinas_holding = DINAS_HOLDS.get(view.state)
    if dinas_holding is not None and dinas_holding.role is not Role.KEPALA_BIDANG:
        line = holder_line(view.holder_role, view.holder_nama, view.step_since, dinas_holding.sop_step)
        if line:
            lines.append(line)
    lines.append("")
    for report in view.reports:
        lines.append(texts.status_bidang(report.bidang_nama, report.bidang, texts.STATE_LABELS[report.state]))
        holding = BIDANG_HOLDS.get(report.state)
        if holding is not None and view.state.value == "pengumpulan":
            line = holder_line(report.holder_role, report.holder_nama, report.step_since, holding.sop_step)
            if line:
                lines.append(line)
        if report.last_reason and report.state.value in ("dikembalikan", "dibuka_kembali"):
            lines.append(texts.status_reason(report.last_reason))
        if view.state.value in ("tindak_lanjut", "selesai"):
            lines.append(texts.status_tindak_lanjut(report.tindak_lanjut))
    return "\n".join(lines)


async def cmd_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: the period, each bidang's state, who holds each open step and for how long."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    if await _bound_or_explain(ctx, message, user.id) is None:
        return
    await _reply(ctx, message, await asyncio.to_thread(status_text, ctx))


async def cmd_rekap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rekap: the dinas rekap's link, summary and capaian chart."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    if actor.role not in REKAP_ROLES:
        await _reply(ctx, message, texts.REKAP_NOT_ALLOWED)
        return
    period_id = await asyncio.to_thread(ctx.service.current_period_id)
    view = None if period_id is None else await asyncio.to_thread(ctx.service.period_view, period_id)
    if view is None or view.rekap_url is None:
        await _reply(ctx, message, texts.REKAP_NONE if view else texts.STATUS_NO_PERIOD)
        return
    figures, dinas = rekap_figures(view.rekap_summary, ctx.settings)
    body = texts.rekap_lines(figures, dinas)
    if figures:
        chart = await asyncio.to_thread(capaian_chart, [Bar(f[0], f[2], f[3]) for f in figures])
        caption = texts.chart_caption(view.tw, view.tahun)
        await ctx.call(lambda: message.reply_photo(chart, caption=caption))
    await _reply(ctx, message, texts.rekap_message(view.tw, view.tahun, view.rekap_url, body, view.catatan_analisis))


async def cmd_kirim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kirim: a staff member submits the open TW (same effect as the sheet's status)."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    if actor.role is not Role.STAF or actor.bidang is None:
        await _reply(ctx, message, texts.KIRIM_NOT_STAFF)
        return
    named = {arg.upper() for arg in context.args or ()} & {b.kode for b in ctx.settings.bidang}
    if named - {actor.bidang}:  # "/kirim LAT" from PTK staff: never submit a report they did not name
        await _reply(ctx, message, texts.kirim_other_bidang(ctx.bidang_nama(actor.bidang) or actor.bidang))
        return
    period_id = await asyncio.to_thread(ctx.service.current_period_id)
    if period_id is None:
        await _reply(ctx, message, texts.KIRIM_NO_PERIOD)
        return
    view = await asyncio.to_thread(ctx.service.period_view, period_id)
    try:
        submission = await asyncio.to_thread(ctx.service.submit_from_sheet, actor, actor.bidang, view.tw)
    except ActionRefused as err:
        await _reply(ctx, message, texts.refused(err.reason))
        return
    except Exception:
        logger.exception("reading the submission of %s TW %s failed", actor.bidang, view.tw)
        await _reply(ctx, message, texts.KIRIM_READ_FAILED)
        return
    if submission.ok:
        await _reply(ctx, message, texts.kirim_ok(view.tw, view.tahun))
    else:
        errors = sum(1 for p in submission.problems if p.severity == "error")
        await _reply(ctx, message, texts.kirim_invalid(view.tw, view.tahun, errors))


# ==========================================================================================
# buttons
# ==========================================================================================


def precheck(service: WorkflowService, actor: Actor, data: CallbackData) -> tuple[int, int]:
    """Refuse (ActionRefused) before prompting when the action could not be taken now.

    The core's own checks (:meth:`WorkflowService.check_action`: role, bidang, current state) for
    the event of the button's row, without writing; the action re-checks everything when the
    answer arrives. Returns (tw, tahun) for the prompt.
    """
    ref = service.check_action(actor, data.period_id, ACTIONS[data.action].event, data.bidang)
    return ref.tw, ref.tahun


async def show_outcome(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    message_id: int,
    original: str | None,
    line: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace a message's buttons by the outcome line (or ``markup``); too long -> a reply instead."""
    bot, ctx = context.bot, edge(context)
    new_text = (original or "") + line
    try:
        if original is not None and utf16_len(new_text) <= MAX_MESSAGE_UNITS:
            await ctx.call(
                lambda: bot.edit_message_text(new_text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
            )
            return
        await ctx.call(
            lambda: bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=markup)
        )
    except BadRequest as err:  # the message is gone or unchanged: the outcome still goes out
        logger.info("could not edit message %s in chat %s: %s", message_id, chat_id, err)
    # The line quotes the person's reason, which may be longer than one message.
    for index, part in enumerate(split_text(line.strip())):
        reply_to = message_id if index == 0 else None
        await ctx.call(
            partial(bot.send_message, chat_id, part, reply_to_message_id=reply_to, allow_sending_without_reply=True)
        )


async def _answer(ctx: EdgeContext, query: CallbackQuery, text: str, alert: bool = False) -> None:
    try:
        await ctx.call(lambda: query.answer(text[:200], show_alert=alert))
    except BadRequest as err:  # too old to answer: the person still gets a message where needed
        logger.info("callback query not answered: %s", err)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button: decode, check bound, then act or prompt; refusals answer with the reason."""
    ctx, query = edge(context), update.callback_query
    if query is None:
        return
    try:
        data = decode(query.data)
    except CallbackDataError as err:
        logger.warning("undecodable callback data from telegram user %s: %s", query.from_user.id, err)
        await _answer(ctx, query, texts.ANS_BAD_BUTTON, alert=True)
        return
    actor = await _actor(ctx, query.from_user.id)
    if actor is None:
        await _answer(ctx, query, texts.ANS_UNBOUND, alert=True)
        return
    message = query.message
    if not isinstance(message, Message):
        await _answer(ctx, query, texts.ANS_BAD_BUTTON, alert=True)
        return
    spec = ACTIONS[data.action]
    if spec.prompt is not None:
        await _ask(context, query, message, ctx, actor, data, spec.prompt)
    else:
        await _act(context, query, message, ctx, actor, data, spec)


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message,
    ctx: EdgeContext,
    actor: Actor,
    data: CallbackData,
    ask: PromptSpec,
) -> None:
    try:
        tw, tahun = await asyncio.to_thread(precheck, ctx.service, actor, data)
    except ActionRefused as err:
        await _answer(ctx, query, texts.refused(err.reason), alert=True)
        return
    kodes = [b.kode for b in ctx.settings.bidang]
    text = ask.question(PromptFacts(tw, tahun, ctx.bidang_nama(data.bidang) or "", kodes))
    force = ForceReply(selective=True, input_field_placeholder=ask.placeholder)
    # Recorded before it is sent: a stop right after Telegram accepts it must not orphan the answer.
    prompt_id = await asyncio.to_thread(
        ctx.prompts.record,
        chat_id=message.chat.id,
        telegram_user_id=query.from_user.id,
        action=data.action,
        period_id=data.period_id,
        bidang=data.bidang,
        origin_message_id=message.message_id,
        origin_text=message.text,
        prompt_text=text,
        now=ctx.now(),
    )
    try:
        prompt = await ctx.call(lambda: context.bot.send_message(message.chat.id, text, reply_markup=force))
    except BaseException:
        await asyncio.to_thread(ctx.prompts.discard, prompt_id)
        raise
    await asyncio.to_thread(ctx.prompts.sent, prompt_id, prompt.message_id)
    await _answer(ctx, query, texts.ANS_PROMPT_SENT)


async def _act(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message,
    ctx: EdgeContext,
    actor: Actor,
    data: CallbackData,
    spec: ActionSpec,
) -> None:
    task = asyncio.ensure_future(asyncio.to_thread(spec.call, ctx.service, actor, data.period_id, data.bidang, ""))
    done, _ = await asyncio.wait({task}, timeout=SLOW_ACTION_SECONDS)
    answered = not done
    if answered:
        await _answer(ctx, query, texts.ANS_DONE)
    try:
        await task
    except ActionRefused as err:
        logger.info("telegram user %s refused %s: %s", query.from_user.id, data.action, err.reason)
        if answered:
            reason = texts.refused(err.reason)
            await ctx.call(lambda: context.bot.send_message(message.chat.id, reason))
        else:
            await _answer(ctx, query, texts.refused(err.reason), alert=True)
        return
    except Exception:
        if not answered:
            await _answer(ctx, query, texts.ANS_ERROR, alert=True)
        raise
    logger.info(
        "telegram user %s: %s on period %s %s", query.from_user.id, data.action, data.period_id, data.bidang or ""
    )
    if not answered:
        await _answer(ctx, query, texts.ANS_DONE)
    # A deferral leaves the request open: its Setujui stays (the row's ``keeps``).
    markup = keyboard([button(kept, data.period_id, data.bidang) for kept in spec.keeps]) if spec.keeps else None
    line = texts.outcome(spec.outcome, actor.nama, ctx.when())
    await show_outcome(context, message.chat.id, message.message_id, message.text, line, markup)


# ==========================================================================================
# free-text answers to prompts
# ==========================================================================================


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text replying to a bot message: the answer to a pending prompt, or guidance."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None or not message.text:
        return
    replied_to = message.reply_to_message
    prompt = await asyncio.to_thread(ctx.prompts.find, message.chat.id, replied_to.message_id, replied_to.text)
    if prompt is None:
        await _reply(ctx, message, texts.ANS_FREE_TEXT)
        return
    if prompt.telegram_user_id != user.id:
        await _reply(ctx, message, texts.ANS_PROMPT_NOT_YOURS)
        return
    if prompt.answered_at is not None:
        await _reply(ctx, message, texts.ANS_PROMPT_DONE)
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    text, spec = message.text.strip(), ACTIONS[prompt.action]
    asked = spec.prompt
    if asked is None:  # pragma: no cover - only a prompting action's press records a prompt
        logger.error("prompt %s is for %s, which asks for nothing", prompt.id, prompt.action)
        return
    try:
        await asyncio.to_thread(spec.call, ctx.service, actor, prompt.period_id, prompt.bidang, text)
    except ActionRefused as err:
        logger.info("telegram user %s refused %s: %s", user.id, prompt.action, err.reason)
        await _reply(ctx, message, texts.refused(err.reason))
        return
    await asyncio.to_thread(ctx.prompts.mark_answered, prompt.id, ctx.now())
    logger.info(
        "telegram user %s answered %s on period %s %s", user.id, prompt.action, prompt.period_id, prompt.bidang or ""
    )
    await _reply(ctx, message, texts.reply_done(asked.reply))
    if prompt.origin_message_id is not None and spec.settles:
        line = texts.outcome(spec.outcome, actor.nama, ctx.when(), asked.detail(text))
        await show_outcome(context, message.chat.id, prompt.origin_message_id, prompt.origin_text, line)


def _fixed_answer(text: str, doc: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """A handler answering a bound person with ``text`` (unbound people learn how to register)."""

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        ctx, message, user = edge(context), update.effective_message, update.effective_user
        if message is None or user is None:
            return
        if await _bound_or_explain(ctx, message, user.id) is not None:
            await _reply(ctx, message, text)

    answer.__doc__ = doc
    return answer


on_free_text = _fixed_answer(texts.ANS_FREE_TEXT, "Text that answers nothing: how to reply to a prompt.")
on_unknown_command = _fixed_answer(
    texts.UNKNOWN_COMMAND, "A command the bot does not have (``/hapus``, a typo): say so and point to /bantuan."
)
on_not_text = _fixed_answer(
    texts.NOT_TEXT, "A sticker, photo, document, voice note...: the bot reads text only; nothing is stored."
)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person restarted the bot after blocking it: reachable again."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return
    if member.new_chat_member.status == ChatMemberStatus.MEMBER:
        await asyncio.to_thread(edge(context).service.directory.set_reachable, member.from_user.id, True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every unhandled handler error (never the token: PTB's errors do not carry it)."""
    logger.error("handler failed for update %s", getattr(update, "update_id", None), exc_info=context.error)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add every handler of the bot to ``application`` (private chats only)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", cmd_start, filters=private))
    application.add_handler(CommandHandler("daftar", cmd_daftar, filters=private))
    application.add_handler(CommandHandler("status", cmd_status, filters=private))
    application.add_handler(CommandHandler("rekap", cmd_rekap, filters=private))
    application.add_handler(CommandHandler("kirim", cmd_kirim, filters=private))
    application.add_handler(CommandHandler("bantuan", cmd_bantuan, filters=private))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(private & filters.TEXT & filters.REPLY & ~filters.COMMAND, on_reply))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_free_text))
    # Anything else a person sends in private gets an answer; groups get none (see docs/keandalan.md).
    application.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_not_text))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
