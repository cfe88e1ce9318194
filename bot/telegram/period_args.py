"""What a chat command names after itself: a budget year and a TW (``/status TW II 2026``, ``/rekap 4``).

A four-digit number is a year (2020-2100); ``2``, ``II``, ``TW2``, ``TW II`` or ``Triwulan 2`` is a
TW; anything else is left for the command (``/kirim PTK``). Naming two different years or two
different TWs is refused with :class:`PeriodArgsError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sheets.layout import tw_from_label

_YEAR = re.compile(r"^(20[2-9]\d|2100)$")
_PREFIXES = {"tw", "triwulan", "trw"}


class PeriodArgsError(ValueError):
    """The words after a command name a period ambiguously."""


@dataclass(frozen=True)
class PeriodArgs:
    """The year and TW named (None: not named) and the other words, in order."""

    tahun: int | None = None
    tw: int | None = None
    rest: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        """Whether a year or a TW was named."""
        return self.tahun is not None or self.tw is not None


def parse_period_args(args: Sequence[str]) -> PeriodArgs:
    """The year and TW among a command's words (see the module docstring)."""
    tahun: int | None = None
    tw: int | None = None
    rest: list[str] = []
    for word in args:
        token = word.strip().casefold()
        if not token or token in _PREFIXES:
            continue
        if _YEAR.match(token):
            if tahun is not None and tahun != int(token):
                raise PeriodArgsError(word)
            tahun = int(token)
            continue
        found = tw_from_label(token)
        if found is not None:
            if tw is not None and tw != found:
                raise PeriodArgsError(word)
            tw = found
            continue
        rest.append(word)
    return PeriodArgs(tahun, tw, tuple(rest))
