"""The button and reply handlers: inline button presses (callback queries) and ForceReply answers.

A press is decoded, its sender checked, then acted on or answered with a prompt as its row in
:data:`bot.telegram.actions.ACTIONS` says (the answer never waits for Google: see
:func:`on_button`); the answer to a prompt is matched through ``reply_to_message`` and completes
the action. A decision edits its message (:func:`show_outcome`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.actions import ACTIONS, ActionSpec, PromptFacts, PromptSpec
from bot.telegram.callback_data import CallbackData, CallbackDataError, decode
from bot.telegram.handlers.context import EdgeContext, _actor, _bound_or_explain, _reply, edge
from bot.telegram.notifier import MAX_MESSAGE_UNITS, split_text, utf16_len
from bot.telegram.prompts import Prompt
from bot.telegram.render import Link, button, links_of, with_links
from bot.workflow.errors import ActionFailed, ActionRefused
from bot.workflow.intentions import turning_to_google
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService

logger = logging.getLogger("bot.telegram.handlers")  # the name the log has always shown for the handlers

ANSWER_WITHIN_SECONDS = 4.0
"""A press is answered within this many seconds whatever is slow (Telegram allows about 15)."""


# ==========================================================================================
# buttons
# ==========================================================================================


def precheck(service: WorkflowService, actor: Actor, data: CallbackData) -> tuple[int, int] | None:
    """Refuse (ActionRefused) before prompting when the action could not be taken now.

    The core's own checks (:meth:`WorkflowService.check_action`: role, bidang, current state) for
    the event of the button's row, without writing; the action re-checks everything when the
    answer arrives. Returns (tw, tahun) for the prompt; None for a button about something other
    than a period (a Plh, a revision of the master list: no prompt), which its action checks itself.
    """
    event = ACTIONS[data.action].event
    if event is None:
        return None
    ref = service.check_action(actor, data.period_id, event, data.bidang)
    return ref.tw, ref.tahun


async def show_outcome(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    message_id: int,
    original: str | None,
    line: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace a message's action buttons by the outcome line (``markup``: what stays, e.g. its URL
    buttons); too long -> a reply instead."""
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


@dataclass(frozen=True)
class _Checked:
    """What the checks before a press's action found: who pressed, or why it is refused."""

    actor: Actor | None = None
    refusal: str | None = None
    facts: tuple[int, int] | None = None
    """(tw, tahun) of the action, for its prompt."""


async def _check(ctx: EdgeContext, query: CallbackQuery, data: CallbackData) -> _Checked:
    """The store-only checks of a press (bound sender, role, bidang, state); no Google call."""
    actor = await _actor(ctx, query.from_user.id)
    if actor is None:
        return _Checked(refusal=texts.ANS_UNBOUND)
    try:
        facts = await asyncio.to_thread(precheck, ctx.service, actor, data)
    except ActionRefused as err:
        return _Checked(actor, texts.refused(err.reason))
    return _Checked(actor, facts=facts)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any inline button: decode, then decide, act or prompt; refusals answer with the reason.

    Telegram refuses an answer about 15 seconds after the press ("query is too old"), and an
    action may wait much longer on Google (latency, a quota minute). So the answer never waits
    for Google: an action that asks for nothing is answered by its own first transaction (a
    refusal as an alert; done, its outcome edited beside the answer) or, when it must turn to
    Google first, as it does so, "being processed", its outcome edited afterwards
    (:func:`_decide`); a button that asks for a text is checked in a read-only transaction and
    answered before its prompt. Should even the store take longer than
    ``ANSWER_WITHIN_SECONDS`` (busy, every worker thread waiting on Google), the press is
    answered then and a late refusal comes as a message. A second press of the same button
    while the first is still being processed is answered at once and does nothing.
    """
    ctx, query = edge(context), update.callback_query
    if query is None:
        return
    try:
        data = decode(query.data)
    except CallbackDataError as err:
        logger.warning("undecodable callback data from telegram user %s: %s", query.from_user.id, err)
        await _answer(ctx, query, texts.ANS_BAD_BUTTON, alert=True)
        return
    message = query.message
    if not isinstance(message, Message):
        await _answer(ctx, query, texts.ANS_BAD_BUTTON, alert=True)
        return
    pressing = (message.chat.id, message.message_id, str(query.data))
    if pressing in ctx.pressing:
        await _answer(ctx, query, texts.ANS_ALREADY_PRESSED, alert=True)
        return
    ctx.pressing.add(pressing)
    action: Coroutine[Any, Any, None] | None = None
    try:
        with ctx.service.foreground.pressing():  # the bot's own work lets this press finish first
            action = await _press(context, ctx, query, message, data)
    finally:
        if action is None:
            ctx.pressing.discard(pressing)
    if action is not None:
        detach(context, update, action, lambda: ctx.pressing.discard(pressing))


def detach(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update,
    work: Coroutine[Any, Any, None],
    then: Callable[[], None] = lambda: None,
) -> None:
    """Run ``work`` (an action's Google work and its outcome) after the handler returns.

    The chat's updates are handled one after another (:class:`~bot.telegram.updates.PerChatUpdateProcessor`):
    a handler that waited on Google would hold the person's next press unanswered past Telegram's
    15 seconds. The application awaits the task when it stops; an error goes to its error handler.
    """

    async def run() -> None:
        try:
            await work
        finally:
            then()

    context.application.create_task(run(), update=update)


async def _press(
    context: ContextTypes.DEFAULT_TYPE, ctx: EdgeContext, query: CallbackQuery, message: Message, data: CallbackData
) -> Coroutine[Any, Any, None] | None:
    """Check and answer a press; the action's work to run afterwards (None: nothing more to do)."""
    spec = ACTIONS[data.action]
    if spec.prompt is None and spec.event is not None:
        return await _decide(context, ctx, query, message, data, spec)
    checking = asyncio.ensure_future(_check(ctx, query, data))
    done, _ = await asyncio.wait({checking}, timeout=ANSWER_WITHIN_SECONDS)
    answered = not done
    if answered:
        await _answer(ctx, query, texts.ANS_IN_PROGRESS if spec.prompt is None else texts.ANS_PROMPT_SENT)
    checked = await checking
    if checked.refusal is not None or checked.actor is None:
        refusal = checked.refusal or texts.ANS_UNBOUND
        if answered:
            await ctx.call(lambda: context.bot.send_message(message.chat.id, refusal))
        else:
            await _answer(ctx, query, refusal, alert=True)
        return None
    if spec.prompt is not None:  # the prompt is sent before the chat's next update is handled
        assert checked.facts is not None
        if not answered:
            await _answer(ctx, query, texts.ANS_PROMPT_SENT)
        await _ask(context, query, message, ctx, checked.actor, data, spec.prompt, checked.facts)
        return None
    if not answered:
        await _answer(ctx, query, texts.ANS_IN_PROGRESS)
    when = ctx.when()
    acting = asyncio.ensure_future(asyncio.to_thread(_taken, spec, ctx, checked.actor, data, None))
    return _outcome(context, query, message, ctx, checked.actor, data, spec, acting, when)


async def _decide(
    context: ContextTypes.DEFAULT_TYPE,
    ctx: EdgeContext,
    query: CallbackQuery,
    message: Message,
    data: CallbackData,
    spec: ActionSpec,
) -> Coroutine[Any, Any, None] | None:
    """A workflow action that asks for nothing: taken at once, its own checks being the press's.

    Its first transaction checks and, when no Google call must come first (an approval: its lock
    follows the move), moves in the same transaction: the press is answered by the result, a
    refusal as an alert, and the message edited beside the answer. One store transaction per
    press. An action that must wait on Google first says so
    (:func:`~bot.workflow.intentions.tell_turning_to_google`) and the press is answered then; the
    outcome follows when Google is done. Whatever is slow, the press is answered within
    ``ANSWER_WITHIN_SECONDS``.
    """
    actor = await _actor(ctx, query.from_user.id)
    if actor is None:
        await _answer(ctx, query, texts.ANS_UNBOUND, alert=True)
        return None
    when = ctx.when()  # the moment of the press, whatever Google and the store take
    loop = asyncio.get_running_loop()
    turned: asyncio.Future[None] = loop.create_future()

    def turning() -> None:  # in the action's thread
        loop.call_soon_threadsafe(_resolve, turned)

    acting = asyncio.ensure_future(asyncio.to_thread(_taken, spec, ctx, actor, data, turning))
    await asyncio.wait({acting, turned}, timeout=ANSWER_WITHIN_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    turned.cancel()
    if not acting.done():
        await _answer(ctx, query, texts.ANS_IN_PROGRESS)
        return _outcome(context, query, message, ctx, actor, data, spec, acting, when)
    error = acting.exception()
    if isinstance(error, ActionRefused):
        logger.info("telegram user %s refused %s: %s", query.from_user.id, data.action, error.reason)
        await _answer(ctx, query, texts.refused(error.reason), alert=True)
        return None
    answer = texts.ANS_DONE if error is None else texts.ANS_IN_PROGRESS
    await asyncio.gather(
        _answer(ctx, query, answer), _outcome(context, query, message, ctx, actor, data, spec, acting, when)
    )
    return None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _taken(
    spec: ActionSpec, ctx: EdgeContext, actor: Actor, data: CallbackData, turning: Callable[[], None] | None
) -> None:
    """Take the action of ``spec`` (in a worker thread); ``turning`` is told when it turns to Google."""
    token = turning_to_google.set(turning)
    try:
        spec.call(ctx.service, actor, data.period_id, data.bidang, "")
    finally:
        turning_to_google.reset(token)


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message,
    ctx: EdgeContext,
    actor: Actor,
    data: CallbackData,
    ask: PromptSpec,
    facts: tuple[int, int],
) -> None:
    tw, tahun = facts
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
        origin_links=[(found.label, found.url) for found in links_of(message.reply_markup)],
    )
    try:
        prompt = await ctx.call(lambda: context.bot.send_message(message.chat.id, text, reply_markup=force))
    except BaseException:
        await asyncio.to_thread(ctx.prompts.discard, prompt_id)
        raise
    await asyncio.to_thread(ctx.prompts.sent, prompt_id, prompt.message_id)


async def _outcome(
    context: ContextTypes.DEFAULT_TYPE,
    query: CallbackQuery,
    message: Message,
    ctx: EdgeContext,
    actor: Actor,
    data: CallbackData,
    spec: ActionSpec,
    acting: asyncio.Future[None],
    when: str,
) -> None:
    """Once the action (``acting``) is done, edit its outcome into the message, or tell why it was not.

    ``when`` is the moment of the press, read before the action: once Google and the store are
    done the office may have moved on, and the line would depend on how long they took.
    """
    try:
        await acting
    except ActionFailed as err:  # nothing changed; the buttons stay so the press can be repeated
        logger.warning("telegram user %s: %s did not take effect", query.from_user.id, data.action)
        await ctx.call(
            partial(
                context.bot.send_message,
                message.chat.id,
                err.reason,
                reply_to_message_id=message.message_id,
                allow_sending_without_reply=True,
            )
        )
        return
    except ActionRefused as err:  # decided meanwhile (another press, another person)
        logger.info("telegram user %s refused %s: %s", query.from_user.id, data.action, err.reason)
        reason = texts.refused(err.reason)
        await ctx.call(lambda: context.bot.send_message(message.chat.id, reason))
        return
    except Exception:
        await ctx.call(lambda: context.bot.send_message(message.chat.id, texts.ANS_ERROR))
        raise
    logger.info(
        "telegram user %s: %s on period %s %s", query.from_user.id, data.action, data.period_id, data.bidang or ""
    )
    # A deferral leaves the request open: its Setujui stays (the row's ``keeps``); links always stay.
    kept = [button(action, data.period_id, data.bidang) for action in spec.keeps]
    markup = with_links(links_of(message.reply_markup), kept)
    line = texts.outcome(spec.outcome, actor.nama, when)
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
    answering = (message.chat.id, replied_to.message_id, "prompt")
    if answering in ctx.pressing:  # the first answer is still being processed
        await _reply(ctx, message, texts.ANS_PROMPT_DONE)
        return
    ctx.pressing.add(answering)
    work = _complete(context, ctx, message, user.id, prompt, actor, text)
    detach(context, update, work, lambda: ctx.pressing.discard(answering))


async def _complete(
    context: ContextTypes.DEFAULT_TYPE,
    ctx: EdgeContext,
    message: Message,
    user_id: int,
    prompt: Prompt,
    actor: Actor,
    text: str,
) -> None:
    """The action a prompt's answer completes (its Google work may take long), then the replies."""
    spec = ACTIONS[prompt.action]
    asked = spec.prompt
    assert asked is not None
    when = ctx.when()  # the moment of the answer (see _outcome)
    try:
        await asyncio.to_thread(spec.call, ctx.service, actor, prompt.period_id, prompt.bidang, text)
    except ActionFailed as err:  # nothing changed: the same answer may be sent again
        logger.warning("telegram user %s: %s did not take effect", user_id, prompt.action)
        await _reply(ctx, message, err.reason)
        return
    except ActionRefused as err:
        logger.info("telegram user %s refused %s: %s", user_id, prompt.action, err.reason)
        await _reply(ctx, message, texts.refused(err.reason))
        return
    await asyncio.to_thread(ctx.prompts.mark_answered, prompt.id, ctx.now())
    logger.info(
        "telegram user %s answered %s on period %s %s", user_id, prompt.action, prompt.period_id, prompt.bidang or ""
    )
    await _reply(ctx, message, texts.reply_done(asked.reply))
    if prompt.origin_message_id is not None and spec.settles:
        line = texts.outcome(spec.outcome, actor.nama, when, asked.detail(text))
        links = with_links([Link(label, url) for label, url in prompt.origin_links])
        await show_outcome(context, message.chat.id, prompt.origin_message_id, prompt.origin_text, line, links)
