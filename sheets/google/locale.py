"""The locale of the bot's workbooks: Indonesian, under whichever code Google takes.

Sheets reads what people type by the spreadsheet's locale (``1.234,5`` is a number only in a
comma-decimal locale) and shows numbers by it (``3.155.000.000``, ``102,14``). Google names
Indonesian ``in_ID`` (the legacy Java code) when the property is read back; whether it takes the
ICU code ``id_ID`` when it is set is not documented. So the bot

- sends the locale in a request of its own, never inside a layout batch, so a refusal cannot
  undo the layout (:func:`set_indonesian_locale`);
- tries the codes in order (:func:`indonesian_locales`): the one ``doctor --live`` saw Google take
  (or this process saw), then the others; a refused code (400) moves on to the next;
- takes either code as Indonesian when it reads the property back (:func:`is_indonesian`).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sheets.google.errors import ApiRequestInvalid

logger = logging.getLogger(__name__)

__all__ = ["INDONESIAN_LOCALES", "indonesian_locales", "is_indonesian", "locale_request", "set_indonesian_locale"]

INDONESIAN_LOCALES: tuple[str, ...] = ("id_ID", "in_ID")
"""Both names of Indonesian: the ICU code, then the one Google reads back."""


class _BatchUpdater(Protocol):
    def batch_update(self, spreadsheet_id: str, requests: Any, action: str) -> list[Any]: ...


def indonesian_locales(preferred: str | None = None) -> tuple[str, ...]:
    """The Indonesian codes to send, in order: ``preferred`` first when it is one of them."""
    if preferred in INDONESIAN_LOCALES:
        return (preferred, *(code for code in INDONESIAN_LOCALES if code != preferred))
    return INDONESIAN_LOCALES


def is_indonesian(code: str | None) -> bool:
    """Whether a locale read back from Sheets is Indonesian (``id_ID`` or ``in_ID``, any case or separator)."""
    normal = (code or "").replace("-", "_").casefold()
    return normal in {c.casefold() for c in INDONESIAN_LOCALES}


def locale_request(code: str) -> dict[str, Any]:
    """The one request that sets the spreadsheet's locale to ``code``."""
    return {"updateSpreadsheetProperties": {"properties": {"locale": code}, "fields": "locale"}}


def set_indonesian_locale(sheets: _BatchUpdater, spreadsheet_id: str, preferred: str | None, what: str) -> str | None:
    """Set the Indonesian locale on ``spreadsheet_id``: the code Google took, None when it took none.

    Each code is its own ``spreadsheets.batchUpdate``; a refusal (400) tries the next code, and
    when every code is refused the workbook keeps Google's default locale and the cause is logged
    (the layout does not depend on it). Any other error (Google unavailable after its retries, no
    access) is raised as usual.
    """
    refusals: list[str] = []
    for code in indonesian_locales(preferred):
        try:
            sheets.batch_update(spreadsheet_id, [locale_request(code)], f"mengatur lokal Indonesia {what}")
        except ApiRequestInvalid as err:
            logger.warning("Google refused the locale %s for %s: %s", code, what, err)
            refusals.append(f"{code}: {err}")
            continue
        return code
    logger.error("Google refused every Indonesian locale code for %s (%s)", what, "; ".join(refusals))
    return None
