"""The core's Notifier on Telegram: render a notification, send it, survive what Telegram throws.

- 429 (``RetryAfter``): wait as told, within the same delivery, up to ``max_inline_wait``
  seconds in total; longer waits go back to the outbox as :class:`TransientDeliveryError` with
  ``retry_after``, and the parts already sent are not sent again (progress is stored per outbox
  row, so a restart resumes after them too).
- Network errors and timeouts: a few quick retries, then :class:`TransientDeliveryError`.
- ``Forbidden`` (the person blocked the bot) or a chat that no longer exists:
  :class:`RecipientUnreachable`; the outbox worker marks the person and tells the Kasubbag.
- Text over Telegram's 4096 UTF-16 units is split at paragraph, line or word boundaries into
  numbered parts; nothing is cut. The buttons ride on the last part.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import texts
from bot.telegram.render import Renderer
from bot.workflow.errors import RecipientUnreachable, TransientDeliveryError
from bot.workflow.ports import Notification, PartsProgress

logger = logging.getLogger(__name__)

MAX_MESSAGE_UNITS = 4096
_MARKER_RESERVE = 24  # room for "\n\n(bagian 12/34)"
_UNREACHABLE_MARKERS = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` so that the head fits ``limit`` units: a paragraph, line or word end."""
    # Largest prefix (in characters) within the unit limit.
    end = 0
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            break
        end = index + 1
    else:
        return len(text)
    head = text[:end]
    for separator in ("\n\n", "\n", " "):
        position = head.rfind(separator)
        if position > end // 2:
            return position + len(separator)
    return end


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` UTF-16 units, numbered when there are several.

    Joining the parts without their ``(bagian i/n)`` markers gives back ``text`` exactly.
    """
    if utf16_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    rest = text
    budget = limit - _MARKER_RESERVE
    while rest:
        cut = _cut_point(rest, budget)
        chunks.append(rest[:cut])
        rest = rest[cut:]
    total = len(chunks)
    return [f"{chunk}\n\n{texts.part_marker(i, total)}" for i, chunk in enumerate(chunks, start=1)]


def strip_marker(part: str) -> str:
    """A part without its ``(bagian i/n)`` marker (for checking that nothing was lost)."""
    head, sep, tail = part.rpartition("\n\n" + texts.PART_MARKER_PREFIX)
    return head if sep and tail.endswith(")") else part


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramNotifier:
    """Delivers outbox notifications with a PTB ``Bot``."""

    def __init__(
        self,
        bot: Bot,
        renderer: Renderer,
        *,
        max_inline_wait: float = 30.0,
        network_retries: int = 3,
        network_delay: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.bot = bot
        self.sleep = sleep  # every wait goes through here (RetryAfter, network backoff)
        self.renderer = renderer
        self.max_inline_wait = max_inline_wait
        self.network_retries = network_retries
        self.network_delay = network_delay

    async def deliver(self, notification: Notification, progress: PartsProgress | None = None) -> None:
        """Render and send; raise RecipientUnreachable / TransientDeliveryError as the Protocol says."""
        # In a worker thread: the draft rekap's capaian chart (matplotlib, imported on first use) takes
        # about a second, and on the event loop it would hold up every handler's answer and edit.
        rendered = await asyncio.to_thread(
            self.renderer.render, notification.kind, notification.payload, notification.recipient_role
        )
        if notification.atas_nama:  # received as Plh: the message says for whom
            bidang_nama = self.renderer.settings.bidang_nama(notification.recipient_bidang or "") or None
            banner = texts.plh_banner(notification.recipient_role, bidang_nama, notification.atas_nama)
            rendered = dataclasses.replace(rendered, text=f"{banner}\n\n{rendered.text}")
        chat_id = notification.telegram_id
        steps: list[Callable[[], Awaitable[Message]]] = []
        if rendered.photo is not None:
            photo, caption = rendered.photo, rendered.photo_caption
            steps.append(lambda: self.bot.send_photo(chat_id, photo, caption=caption))
        if rendered.document is not None:
            document = InputFile(rendered.document, filename=rendered.document_name or "laporan.pdf")
            steps.append(lambda: self.bot.send_document(chat_id, document, caption=rendered.document_caption))
        parts = split_text(rendered.text)
        for index, part in enumerate(parts):
            markup = rendered.keyboard if index == len(parts) - 1 else None
            steps.append(self._text_step(chat_id, part, markup))
        for index in range(notification.parts_sent, len(steps)):
            await self.call(steps[index])
            if progress is not None and index + 1 < len(steps):
                await progress(index + 1)

    def _text_step(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> Callable[[], Awaitable[Message]]:
        return lambda: self.bot.send_message(chat_id, text, reply_markup=markup)

    async def call(self, step: Callable[[], Awaitable[Any]]) -> Any:
        """Run one Bot API call with the retry rules of this module."""
        waited = 0.0
        failures = 0
        while True:
            try:
                return await step()
            except RetryAfter as err:
                wait = _seconds(err.retry_after)
                if waited + wait > self.max_inline_wait:
                    raise TransientDeliveryError(texts.delivery_rate_limited(err), retry_after=wait) from err
                logger.info("Telegram asked to wait %.1f s; waiting", wait)
                waited += wait
                await self.sleep(wait)
            except Forbidden as err:
                raise RecipientUnreachable(str(err)) from err
            except BadRequest as err:
                if any(marker in str(err).lower() for marker in _UNREACHABLE_MARKERS):
                    raise RecipientUnreachable(str(err)) from err
                raise
            except NetworkError as err:  # includes TimedOut
                failures += 1
                if failures > self.network_retries:
                    raise TransientDeliveryError(texts.delivery_network_failed(err)) from err
                logger.info("network error talking to Telegram (%s); retry %s", type(err).__name__, failures)
                await self.sleep(self.network_delay * 2 ** (failures - 1))
            except TelegramError:
                raise
