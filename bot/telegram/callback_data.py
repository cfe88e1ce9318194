"""The callback data of inline buttons: a small, versioned, typed codec within Telegram's 64 bytes.

Format: ``k1|<action>|<period_id>|<bidang or ->``, e.g. ``k1|kok|12|PTK``. For the buttons about
something other than a period (a Plh to accept, a revision of the master list to apply) the number
is that thing's id (their rows in the actions table have no event). Decoding never trusts
the input: a wrong version, an unknown action, a non-numeric period or a malformed bidang raises
:class:`CallbackDataError`, and a decoded press is still checked server-side (bound person,
role, bidang, current state) by the handlers and the workflow service before anything changes.

The action codes, and which actions carry a bidang, are rows of :data:`bot.telegram.actions.ACTIONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.telegram.actions import ACTIONS, Action
from config.settings import KODE_BIDANG_POLA

__all__ = ["MAX_BYTES", "SEPARATOR", "VERSION", "Action", "CallbackData", "CallbackDataError", "decode"]

VERSION = "k1"
SEPARATOR = "|"
MAX_BYTES = 64
_BIDANG = re.compile(KODE_BIDANG_POLA)  # the alphabet the settings accept, no other
_PERIOD = re.compile(r"^[1-9][0-9]{0,9}$")


class CallbackDataError(ValueError):
    """The callback data is not one this bot produced (forged, truncated, from an old version)."""


@dataclass(frozen=True)
class CallbackData:
    """One button's meaning."""

    action: Action
    period_id: int
    bidang: str | None = None

    def __post_init__(self) -> None:
        if self.period_id <= 0:
            raise CallbackDataError("period_id must be positive")
        spec = ACTIONS.get(self.action)
        if spec is None:
            raise CallbackDataError(f"unknown action {self.action!r}")
        needs = spec.needs_bidang
        if needs and (self.bidang is None or not _BIDANG.fullmatch(self.bidang)):
            raise CallbackDataError(f"action {self.action} needs a bidang kode")
        if not needs and self.bidang is not None:
            raise CallbackDataError(f"action {self.action} takes no bidang")

    def encode(self) -> str:
        """The string to put in ``callback_data`` (always within 64 bytes)."""
        text = SEPARATOR.join((VERSION, self.action.value, str(self.period_id), self.bidang or "-"))
        if len(text.encode("utf-8")) > MAX_BYTES:  # pragma: no cover - bounded by the patterns
            raise CallbackDataError("callback data over 64 bytes")
        return text


def decode(data: str | None) -> CallbackData:
    """Parse callback data; CallbackDataError for anything this bot would not have produced."""
    if not data or len(data.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise CallbackDataError("empty or oversized callback data")
    parts = data.split(SEPARATOR)
    if len(parts) != 4:
        raise CallbackDataError("wrong number of fields")
    version, action, period, bidang = parts
    if version != VERSION:
        raise CallbackDataError(f"unknown version {version!r}")
    try:
        parsed_action = Action(action)
    except ValueError:
        raise CallbackDataError(f"unknown action {action!r}") from None
    if not _PERIOD.match(period):
        raise CallbackDataError("period is not a positive number")
    return CallbackData(parsed_action, int(period), None if bidang == "-" else bidang)
