"""Cutting values into requests: the cut by running totals, with sizes counted or given, is the row-by-row cut."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.google.chunks import ValueBlock, _item_overhead, json_size, value_batches

SEPARATOR = 2


def row_by_row(blocks: list[ValueBlock], limit: int) -> list[list[dict[str, Any]]]:
    """The cut as it was written first: every row measured on its own."""
    envelope = json_size({"valueInputOption": "RAW", "data": []})
    requests: list[list[dict[str, Any]]] = []
    data: list[dict[str, Any]] = []
    size = envelope
    for block in blocks:
        costs = [json_size(row) for row in block.rows]
        overhead = _item_overhead(block) + 2
        start = 0
        while start < len(costs):
            if data and size + overhead + costs[start] > limit:
                requests.append(data)
                data, size = [], envelope
            end, used = start + 1, overhead + costs[start]
            while end < len(costs) and size + used + SEPARATOR + costs[end] <= limit:
                used += SEPARATOR + costs[end]
                end += 1
            data.append(
                {"range": block.range_of(start, end - start), "majorDimension": "ROWS", "values": block.rows[start:end]}
            )
            size += used
            start = end
    if data:
        requests.append(data)
    return requests


CELL = st.one_of(st.text(max_size=40), st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False))
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=0, max_size=900)


@settings(max_examples=40, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=3), st.integers(300, 60_000))
def test_grouped_measuring_cuts_exactly_as_row_by_row(tabs: list[list[list[Any]]], limit: int) -> None:
    blocks = [ValueBlock(f"Tab {n}", 1, 0, rows) for n, rows in enumerate(tabs)]
    assert value_batches(blocks, limit) == row_by_row(blocks, limit)


@settings(max_examples=40, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=3), st.integers(300, 60_000))
def test_sizes_given_by_the_builder_cut_as_measured_ones(tabs: list[list[list[Any]]], limit: int) -> None:
    blocks = [ValueBlock(f"Tab {n}", 1, 0, rows) for n, rows in enumerate(tabs)]
    sized = [dataclasses.replace(block, sizes=[json_size(row) for row in block.rows]) for block in blocks]
    batches = value_batches(sized, limit)
    assert batches == row_by_row(blocks, limit)
    for data in batches:  # within the limit, unless one row alone is larger
        assert json_size({"valueInputOption": "RAW", "data": data}) <= limit or (
            len(data) == 1 and len(data[0]["values"]) == 1
        )


def test_every_request_of_a_large_tab_stays_within_the_limit() -> None:
    rows = [[f"Indikator {i}", i, i / 7, "x" * (i % 50)] for i in range(20_000)]
    limit = 200_000
    batches = value_batches([ValueBlock("TW I", 1, 0, rows)], limit)
    assert len(batches) > 5
    assert all(json_size({"valueInputOption": "RAW", "data": data}) <= limit for data in batches)
    assert [row for data in batches for item in data for row in item["values"]] == rows
