"""Bukti dukung by photo or file: a staff member sends a photo or a PDF, the bot keeps it.

The handlers only answer, decode, call the workflow service and reply; the service decides who
may send it, into which TW and for which indicator (:mod:`bot.workflow.evidence`), and the Google
edge keeps the file and links it in the sheet.

- :func:`on_evidence`: a photo or a document. Unsupported types, files over Telegram's 20 MB
  download limit for bots, and senders who may not send one now are answered at once. When the
  caption names an indicator (its number, unique Kode, or name) the file is kept; otherwise the
  bot replies to it with one button per indicator.
- :func:`on_evidence_choice`: a press on one of those buttons. Its callback data is
  ``b1|<period_id>|<no>``: a small codec of its own beside the workflow buttons'
  (:mod:`bot.telegram.callback_data`), because the press causes no move of the state tables. The
  file is the message the buttons reply to (``reply_to_message``), so nothing waits in memory or
  in the store between the photo and the press: Telegram keeps the file, its ``file_id`` stays.

Keeping a file: ``getFile`` then the Bot API's file download URL (``telegram.base_url`` with
``/file/bot``), then :meth:`~bot.workflow.service.WorkflowService.store_evidence` in a thread.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import texts
from bot.telegram.callback_data import CallbackDataError
from bot.telegram.handlers.buttons import _answer, show_outcome
from bot.telegram.handlers.context import EdgeContext, _actor, _bound_or_explain, _reply, edge
from bot.telegram.render import link, with_links
from bot.workflow.errors import ActionRefused
from bot.workflow.evidence import EvidenceStored, SentFile
from bot.workflow.people import Actor

logger = logging.getLogger("bot.telegram.handlers")  # the name the log has always shown for the handlers

__all__ = [
    "CHOICE_PATTERN",
    "MAX_DOWNLOAD_BYTES",
    "Attachment",
    "EvidenceChoice",
    "attachment_of",
    "decode_choice",
    "on_evidence",
    "on_evidence_choice",
]

# "For the moment, bots can download files of up to 20MB in size" (Bot API, getFile).
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_BUTTONS = 40  # more indicators than this: the caption must name the number
ACCEPTED_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
CHOICE_VERSION = "b1"
CHOICE_PATTERN = rf"^{CHOICE_VERSION}\|"
_CHOICE = re.compile(rf"^{CHOICE_VERSION}\|([1-9][0-9]{{0,9}})\|([1-9][0-9]{{0,3}})$")


@dataclass(frozen=True)
class EvidenceChoice:
    """A press on an indicator button: the period the photo was for, and the indicator's number."""

    period_id: int
    no: int

    def encode(self) -> str:
        """The callback data: ``b1|12|3`` (well within Telegram's 64 bytes)."""
        return f"{CHOICE_VERSION}|{self.period_id}|{self.no}"


def decode_choice(data: str | None) -> EvidenceChoice:
    """Parse an indicator button's callback data; CallbackDataError for anything else."""
    match = _CHOICE.match(data or "")
    if match is None:
        raise CallbackDataError("not an indicator choice of this bot")
    return EvidenceChoice(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Attachment:
    """A photo (its largest size) or a document a person sent, as Telegram describes it."""

    file_id: str
    unique_id: str
    name: str
    mime_type: str
    size: int | None

    @property
    def too_big(self) -> bool:
        """Over the size a bot may download."""
        return self.size is not None and self.size > MAX_DOWNLOAD_BYTES


def attachment_of(message: Message | None) -> Attachment | None:
    """The photo or the PDF/JPG/PNG document of ``message`` (None: nothing the bot keeps)."""
    if message is None:
        return None
    if message.photo:
        largest = message.photo[-1]
        return Attachment(largest.file_id, largest.file_unique_id, "foto.jpg", "image/jpeg", largest.file_size)
    document = message.document
    if document is None:
        return None
    name = document.file_name or "berkas"
    mime = document.mime_type or ACCEPTED_TYPES.get(PurePosixPath(name).suffix.casefold(), "")
    if mime not in ACCEPTED_TYPES.values():
        return None
    return Attachment(document.file_id, document.file_unique_id, name, mime, document.file_size)


async def on_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or a document: kept for the indicator its caption names, else the indicators as buttons."""
    ctx, message, user = edge(context), update.effective_message, update.effective_user
    if message is None or user is None:
        return
    actor = await _bound_or_explain(ctx, message, user.id)
    if actor is None:
        return
    sent = attachment_of(message)
    if sent is None:
        await _reply(ctx, message, texts.EVIDENCE_UNSUPPORTED)
        return
    try:
        target = await asyncio.to_thread(ctx.service.evidence_target, actor, message.caption)
    except ActionRefused as err:
        await _reply(ctx, message, texts.refused(err.reason))
        return
    if sent.too_big:
        await _reply(ctx, message, texts.evidence_too_big(MAX_DOWNLOAD_BYTES // (1024 * 1024)))
        return
    if target.chosen is not None:
        await _keep(context, ctx, actor, message, target.period_id, target.chosen.no)
        return
    if len(target.indikator) > MAX_BUTTONS:
        await _reply(ctx, message, texts.evidence_number_needed(len(target.indikator)))
        return
    buttons = [
        [
            InlineKeyboardButton(
                texts.btn_indikator(i.no, i.nama), callback_data=EvidenceChoice(target.period_id, i.no).encode()
            )
        ]
        for i in target.indikator
    ]
    question = texts.evidence_choose(target.bidang_nama, target.tw, target.tahun)
    # A reply to the photo: the press finds the file there (reply_to_message).
    await ctx.call(lambda: message.reply_text(question, reply_markup=InlineKeyboardMarkup(buttons), do_quote=True))


async def on_evidence_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on an indicator button: the photo or file it answers is kept for that indicator."""
    ctx, query = edge(context), update.callback_query
    if query is None:
        return
    try:
        choice = decode_choice(query.data)
    except CallbackDataError:
        await _answer(ctx, query, texts.ANS_BAD_BUTTON, alert=True)
        return
    actor = await _actor(ctx, query.from_user.id)
    if actor is None:
        await _answer(ctx, query, texts.ANS_UNBOUND, alert=True)
        return
    chooser = query.message if isinstance(query.message, Message) else None
    source = chooser.reply_to_message if chooser is not None else None
    sender = source.from_user if source is not None else None
    if (
        chooser is None
        or source is None
        or attachment_of(source) is None
        or sender is None
        or sender.id != actor.telegram_id
    ):
        await _answer(ctx, query, texts.EVIDENCE_GONE, alert=True)
        return
    await _answer(ctx, query, texts.EVIDENCE_SAVING)  # the download and upload may outlast the press's answer time
    when = ctx.when()  # the moment of the choice, as every outcome line names it
    stored = await _keep(context, ctx, actor, source, choice.period_id, choice.no)
    if stored is not None:
        line = texts.outcome_evidence(stored.indikator.no, stored.indikator.nama, when)
        await show_outcome(context, chooser.chat.id, chooser.message_id, chooser.text, line)


async def _keep(
    context: ContextTypes.DEFAULT_TYPE, ctx: EdgeContext, actor: Actor, source: Message, period_id: int, no: int
) -> EvidenceStored | None:
    """Download the file of ``source``, have the service keep it for indicator ``no``, reply the outcome."""
    sent = attachment_of(source)
    assert sent is not None
    try:
        file = await ctx.call(lambda: context.bot.get_file(sent.file_id))
        content = bytes(await ctx.call(file.download_as_bytearray))
    except BadRequest as err:  # "File is too big" when Telegram did not say the size; or the file is gone
        logger.info("telegram user %s: file %s not downloadable: %s", actor.telegram_id, sent.unique_id, err)
        too_big = "too big" in err.message.casefold()
        await _reply(
            ctx, source, texts.evidence_too_big(MAX_DOWNLOAD_BYTES // (1024 * 1024)) if too_big else texts.EVIDENCE_GONE
        )
        return None
    upload = SentFile(sent.name, sent.mime_type, content, sent.unique_id)
    try:
        stored = await asyncio.to_thread(ctx.service.store_evidence, actor, period_id, no, upload)
    except ActionRefused as err:
        await _reply(ctx, source, texts.refused(err.reason))
        return None
    except Exception:
        logger.exception("keeping a bukti dukung of telegram user %s failed", actor.telegram_id)
        await _reply(ctx, source, texts.EVIDENCE_FAILED)
        return None
    item = stored.indikator
    reply = texts.evidence_stored(item.no, item.nama, stored.tw, stored.tahun, stored.cell)
    links = [link(texts.BTN_BUKA_BUKTI, stored.url), link(texts.BTN_BUKA_FOLDER_BUKTI, stored.folder_url)]
    await _reply(ctx, source, reply, with_links(links))
    return stored
