"""Sheets v4 calls through gspread's HTTP client, each one request, errors translated.

gspread's ``Spreadsheet`` object fetches metadata when it is built (an extra request), so the
edge calls the low-level client methods directly: the request budget of the poll and of the
dinas rekap depends on it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from gspread.http_client import HTTPClient

from sheets.google.errors import translate

logger = logging.getLogger(__name__)

__all__ = ["SheetsApi", "cell", "number_or_text"]


def number_or_text(value: Any) -> dict[str, Any]:
    """An ExtendedValue for ``value`` (numbers stay numbers, everything else is text)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else str(value)}


def cell(value: Any) -> dict[str, Any]:
    """A CellData holding ``value`` as entered (empty string: an empty cell)."""
    if value is None or value == "":
        return {}
    return {"userEnteredValue": number_or_text(value)}


class SheetsApi:
    """The Sheets calls the edge makes."""

    def __init__(self, http: HTTPClient) -> None:
        self.http = http

    def batch_update(self, spreadsheet_id: str, requests: Sequence[Mapping[str, Any]], action: str) -> list[Any]:
        """One spreadsheets.batchUpdate (atomic: all requests apply or none); the replies."""
        try:
            body = self.http.batch_update(spreadsheet_id, {"requests": list(requests)})
        except Exception as err:
            raise translate(err, action) from err
        return list(body.get("replies", []))

    def values_update(
        self, spreadsheet_id: str, data: Sequence[Mapping[str, Any]], action: str, *, input_option: str = "RAW"
    ) -> Any:
        """One values.batchUpdate of ``[{"range", "values"}, ...]``."""
        body = {"valueInputOption": input_option, "data": list(data)}
        try:
            return self.http.values_batch_update(spreadsheet_id, body)
        except Exception as err:
            raise translate(err, action) from err

    def values_get(
        self, spreadsheet_id: str, ranges: Sequence[str], action: str, *, render: str = "UNFORMATTED_VALUE"
    ) -> list[list[list[Any]]]:
        """One values.batchGet of ``ranges``: each range's rows (ragged, as Sheets trims them)."""
        try:
            body = self.http.values_batch_get(spreadsheet_id, list(ranges), params={"valueRenderOption": render})
        except Exception as err:
            raise translate(err, action) from err
        return [list(item.get("values", [])) for item in body.get("valueRanges", [])]

    def get(self, spreadsheet_id: str, *, fields: str, ranges: Sequence[str] = (), action: str) -> dict[str, Any]:
        """One spreadsheets.get restricted to ``fields`` (and ``ranges`` for grid data)."""
        params: dict[str, Any] = {"fields": fields}
        if ranges:
            params["ranges"] = list(ranges)
        try:
            return dict(self.http.spreadsheets_get(spreadsheet_id, params=params))
        except Exception as err:
            raise translate(err, action) from err
