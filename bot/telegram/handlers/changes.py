"""The commands of what changes during a year: /plh (an acting official), /induk and /perubahan (the master list).

``/plh NAMA MULAI SELESAI``: an official names the person who acts for them while away (the
person named accepts with a button); ``/plh batal`` cancels, ``/plh`` alone lists. ``/induk``:
the Kasubbag has a year's list in the master sheet (``/induk 2027``: next year's tab; alone: the
current budget year's) read and validated now (each problem written beside its row and listed in
the reply with its row and column). ``/perubahan TANGGAL``: the Kasubbag has the
revised list of the current budget year (APBD Perubahan) read from the master sheet and compared
with that year's list in force, and gets the summary with the buttons
Terapkan / Batal (their rows in :data:`bot.telegram.actions.ACTIONS`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.actions import Action
from bot.telegram.handlers.context import EdgeContext, _bound_or_explain, _reply, edge
from bot.telegram.notifier import split_text
from bot.telegram.render import button, link, with_links
from bot.workflow.errors import ActionRefused
from bot.workflow.plh import parse_tanggal, split_plh_args
from sheets.master import MasterError

logger = logging.getLogger("bot.telegram.handlers")  # the name the log has always shown for the handlers
T = TypeVar("T")


async def cmd_plh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plh NAMA MULAI SELESAI: an official names their Plh; /plh batal cancels; /plh alone lists."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    args = list(context.args or ())
    try:
        if not args:
            views = await asyncio.to_thread(ctx.service.plh_of, actor)
            await _reply(ctx, message, texts.plh_list([view.line() for view in views]))
            return
        if len(args) == 1 and args[0].casefold() == "batal":
            view = await asyncio.to_thread(ctx.service.cancel_own_plh, actor)
            await _reply(ctx, message, texts.plh_cancelled(view.jabatan, view.acting_nama))
            return
        parsed = split_plh_args(args)
        if parsed is None:
            await _reply(ctx, message, f"{texts.REFUSAL_PLH_BAD_DATE}\n\n{texts.PLH_USAGE}")
            return
        nama, mulai, selesai = parsed
        view = await asyncio.to_thread(ctx.service.name_plh, actor, nama, mulai, selesai)
    except ActionRefused as err:
        logger.info("telegram user %s: /plh refused: %s", user.id, err.reason)
        await _reply(ctx, message, texts.refused(err.reason))
        return
    logger.info("telegram user %s named plh %s", user.id, view.id)
    await _reply(ctx, message, texts.plh_named(view.acting_nama, view.jabatan, view.mulai, view.selesai))


def _sheet_button(ctx: EdgeContext) -> InlineKeyboardMarkup | None:
    """ "Buka lembar kerja daftar induk" (a URL button), as the notifications link what they name."""
    return with_links([link(texts.BTN_BUKA_INDUK, ctx.service.master_sheet_url())])


async def _problems(ctx: EdgeContext, message: Message, err: MasterError) -> None:
    problems = [{"cell": p.cell, "text": p.sentence()} for p in err.cells]
    await _reply_with_buttons(ctx, message, texts.master_invalid(err.source, problems), _sheet_button(ctx))


async def cmd_induk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/induk [TAHUN]: the Kasubbag has a year's list in the master sheet read and validated now."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    args = list(context.args or ())
    asked: int | None = None
    if args:
        if len(args) != 1 or not args[0].isdigit() or not 2020 <= int(args[0]) <= 2100:
            await _reply(ctx, message, texts.REFUSAL_MASTER_BAD_YEAR)
            return
        asked = int(args[0])
    checked = await _read_master_sheet(ctx, message, "/induk", ctx.service.check_master_sheet, actor, asked)
    if checked is None:
        return
    tahun, master = checked
    counts = [(b.kode, len(master.for_bidang(b.kode))) for b in ctx.settings.bidang]
    await _reply_with_buttons(ctx, message, texts.master_ok(tahun, master.source, counts), _sheet_button(ctx))


async def _read_master_sheet(
    ctx: EdgeContext, message: Message, command: str, read: Callable[..., T], *args: Any
) -> T | None:
    """``read(*args)`` (a service call that reads the master sheet) off the event loop; None, with
    the person told why, when it is refused, the sheet has errors or cannot be read."""
    try:
        return await asyncio.to_thread(read, *args)
    except ActionRefused as err:
        await _reply(ctx, message, texts.refused(err.reason))
    except MasterError as err:
        await _problems(ctx, message, err)
    except Exception:
        logger.exception("reading the master sheet for %s failed", command)
        await _reply(ctx, message, texts.MASTER_READ_FAILED)
    return None


async def _reply_with_buttons(
    ctx: EdgeContext, message: Message, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    parts = split_text(text)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await ctx.call(partial(message.reply_text, part, reply_markup=markup if last else None))


async def cmd_perubahan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/perubahan TANGGAL: read the revised master sheet, show what changes, ask Terapkan / Batal."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    args = list(context.args or ())
    berlaku = parse_tanggal(args[0]) if len(args) == 1 else None
    if berlaku is None:
        reason = texts.REFUSAL_REVISION_BAD_DATE if args else ""
        await _reply(ctx, message, f"{reason}\n\n{texts.PERUBAHAN_USAGE}".strip())
        return
    draft = await _read_master_sheet(ctx, message, "/perubahan", ctx.service.prepare_revision, actor, berlaku)
    if draft is None:
        return
    logger.info("telegram user %s prepared revision %s", user.id, draft.id)
    decide = [button(Action.REVISION_APPLY, draft.id), button(Action.REVISION_CANCEL, draft.id)]
    markup = with_links([link(texts.BTN_BUKA_INDUK, ctx.service.master_sheet_url())], decide)
    await _reply_with_buttons(ctx, message, draft.preview(), markup)
