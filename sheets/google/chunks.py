"""Writes that grow with the data, cut into requests Google takes: at most 2 MB of JSON each.

Google refuses a request body over 10 MB (400 ``Request payload size exceeds the limit: 10485760
bytes.``) and recommends at most 2 MB. Structure and formats are a fixed number of requests
whatever the rows; the values are what grows (the dinas rekap: 17.6 MB for 50 bidang x 400
indicators at TW IV), so they are sent as rows packed into requests of at most
:data:`MAX_REQUEST_BYTES`, measured as the client serialises them (``json.dumps`` with its
defaults, as ``requests`` and googleapiclient do).

- :func:`value_batches`: ``values.batchUpdate`` bodies' ``data`` from blocks of rows
  (:class:`ValueBlock`), a block split between requests where it has to be;
- :func:`blocks_of`: the ``data`` items the edge builds (``'Tab'!X3:X9``, ``'Tab'!B4``) as blocks;
- :func:`row_batches`: any list of rows packed into groups whose JSON fits (``updateCells``).

A single row larger than the limit goes alone in its request (no real row comes near: Sheets
holds at most 50,000 characters in a cell).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sheets import layout

logger = logging.getLogger(__name__)

__all__ = [
    "GOOGLE_MAX_REQUEST_BYTES",
    "MAX_REQUEST_BYTES",
    "ValueBlock",
    "blocks_of",
    "json_size",
    "row_batches",
    "value_batches",
]

GOOGLE_MAX_REQUEST_BYTES = 10_485_760
"""What Google refuses above (10 MB)."""
MAX_REQUEST_BYTES = 2_000_000
"""What the bot sends at most in one request: Google's recommended 2 MB."""
_SEPARATOR = 2  # ", " between two items of a JSON list

T = TypeVar("T")
_A1 = re.compile(r"^(?P<tab>'(?:[^']|'')*'|[^!']+)!(?P<c0>[A-Z]+)(?P<r0>[0-9]+)(?::(?P<c1>[A-Z]+)(?P<r1>[0-9]+))?$")


def json_size(value: Any) -> int:
    """Bytes of ``value`` as the HTTP clients send it (``json.dumps`` defaults: ASCII, ``", "``)."""
    return len(json.dumps(value))


@dataclass(frozen=True)
class ValueBlock:
    """Rows written from (``first_row``, ``first_column``) of ``tab``; 1-based row, 0-based column.

    ``last_column`` closes the range (``X3:X5002``) so a short row cannot spill; without it the
    range is open (``A1``), as a whole-tab write is.
    """

    tab: str
    first_row: int
    first_column: int
    rows: Sequence[Sequence[Any]]
    last_column: int | None = None
    sizes: Sequence[int] | None = None
    """Each row's :func:`json_size`, when the builder counted them (see :mod:`sheets.json_sizes`)."""

    def range_of(self, start: int, count: int) -> str:
        """The A1 range of rows ``start .. start + count - 1`` (0-based within the block)."""
        row = self.first_row + start
        cell = f"{layout.column_letter(self.first_column)}{row}"
        if self.last_column is None:
            return f"{layout.quote_tab(self.tab)}!{cell}"
        return f"{layout.quote_tab(self.tab)}!{cell}:{layout.column_letter(self.last_column)}{row + count - 1}"


def _column_number(letters: str) -> int:
    """``A`` -> 0, ``AA`` -> 26 (the inverse of :func:`sheets.layout.column_letter`)."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - ord("A") + 1
    return number - 1


def blocks_of(data: Iterable[dict[str, Any]]) -> list[ValueBlock]:
    """``values.batchUpdate`` data items (row-major, ranges as the edge writes them) as blocks."""
    blocks: list[ValueBlock] = []
    for item in data:
        match = _A1.match(str(item["range"]))
        if match is None or item.get("majorDimension", "ROWS") != "ROWS":
            raise ValueError(f"cannot split the write of {item['range']!r}")
        tab = match["tab"]
        if tab.startswith("'"):
            tab = tab[1:-1].replace("''", "'")
        last = _column_number(match["c1"]) if match["c1"] else None
        blocks.append(ValueBlock(tab, int(match["r0"]), _column_number(match["c0"]), list(item["values"]), last))
    return blocks


def row_batches(rows: Sequence[T], limit: int, overhead: int) -> list[list[T]]:
    """``rows`` in order, packed into groups whose JSON list plus ``overhead`` bytes fits ``limit``."""
    groups: list[list[T]] = []
    current: list[T] = []
    size = overhead + 2  # "[]"
    for row in rows:
        cost = json_size(row) + (_SEPARATOR if current else 0)
        if current and size + cost > limit:
            groups.append(current)
            current, size = [], overhead + 2
            cost -= _SEPARATOR
        if not current and overhead + 2 + cost > limit:
            logger.warning("one row of %d bytes is larger than the request limit of %d bytes", cost, limit)
        current.append(row)
        size += cost
    if current:
        groups.append(current)
    return groups


def _item_overhead(block: ValueBlock) -> int:
    """Bytes of one data item without its rows (the range at its longest), plus its separator."""
    widest = block.range_of(0, max(len(block.rows), 1))
    return json_size({"range": widest, "majorDimension": "ROWS", "values": []}) + _SEPARATOR


def value_batches(
    blocks: Iterable[ValueBlock], limit: int = MAX_REQUEST_BYTES, *, input_option: str = "RAW"
) -> list[list[dict[str, Any]]]:
    """The ``data`` of each values.batchUpdate writing ``blocks`` in order, each body within ``limit`` bytes.

    A block is cut between two requests where the next row would not fit; the ranges of its parts
    follow the rows. Blocks without rows write nothing and are left out. The rows' sizes are the
    block's :attr:`ValueBlock.sizes` when its builder counted them, else measured here; the cut
    is then found by bisecting their running total, not row by row.
    """
    import numpy as np

    envelope = json_size({"valueInputOption": input_option, "data": []})
    requests: list[list[dict[str, Any]]] = []
    data: list[dict[str, Any]] = []
    size = envelope
    for block in blocks:
        costs = [json_size(row) for row in block.rows] if block.sizes is None else block.sizes
        if len(costs) != len(block.rows):
            raise ValueError(f"{len(costs)} sizes for {len(block.rows)} rows of {block.tab!r}")
        # total[i]: the rows before i, each with a separator after it.
        total = np.zeros(len(costs) + 1, dtype=np.int64)
        np.cumsum(np.asarray(costs, dtype=np.int64) + _SEPARATOR, out=total[1:])
        overhead = _item_overhead(block) + 2  # the item and its "[]"
        start = 0
        while start < len(costs):
            first = int(costs[start])
            if data and size + overhead + first > limit:
                requests.append(data)
                data, size = [], envelope
            # Rows start..end-1 take overhead + total[end] - total[start] - one separator: the
            # furthest end within the limit, and at least one row.
            room = limit - size - overhead + _SEPARATOR + int(total[start])
            end = max(int(np.searchsorted(total, room, side="right")) - 1, start + 1)
            used = overhead + int(total[end] - total[start]) - _SEPARATOR
            if size + used > limit:
                logger.warning("one row of %d bytes is larger than the request limit of %d bytes", used, limit)
            data.append(
                {
                    "range": block.range_of(start, end - start),
                    "majorDimension": "ROWS",
                    "values": list(block.rows[start:end]),
                }
            )
            size += used
            start = end
    if data:
        requests.append(data)
    return requests
