"""addChart as Google takes it: the body parsed against the discovery document, the data ranges on
real grids, the chart stored and read back; a request Google refuses is refused and rolls back."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from googleapiclient.errors import HttpError

DATA_ID = 7


def _range(r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {"sheetId": DATA_ID, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}


LINE_CHART: dict[str, Any] = {
    "addChart": {
        "chart": {
            "spec": {
                "title": "Tren capaian",
                "basicChart": {
                    "chartType": "LINE",
                    "legendPosition": "RIGHT_LEGEND",
                    "headerCount": 1,
                    "axis": [{"position": "BOTTOM_AXIS", "title": "Triwulan"}],
                    "domains": [{"domain": {"sourceRange": {"sources": [_range(0, 5, 0, 1)]}}}],
                    "series": [
                        {"series": {"sourceRange": {"sources": [_range(0, 5, 1, 2)]}}, "targetAxis": "LEFT_AXIS"},
                        {"series": {"sourceRange": {"sources": [_range(0, 5, 2, 3)]}}, "targetAxis": "LEFT_AXIS"},
                    ],
                },
            },
            "position": {"overlayPosition": {"anchorCell": {"sheetId": DATA_ID, "rowIndex": 6, "columnIndex": 0}}},
        }
    }
}


@pytest.fixture
def book(sheets: Any) -> str:
    """A spreadsheet with a ``Data`` tab (sheet id 7) holding a small table."""
    sid = sheets.spreadsheets().create(body={"properties": {"title": "grafik"}}).execute()["spreadsheetId"]
    sheets.spreadsheets().batchUpdate(
        spreadsheetId=sid,
        body={"requests": [{"addSheet": {"properties": {"sheetId": DATA_ID, "title": "Data"}}}]},
    ).execute()
    return str(sid)


def _batch(sheets: Any, sid: str, *requests: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = (
        sheets.spreadsheets().batchUpdate(spreadsheetId=sid, body={"requests": list(requests)}).execute()
    )
    return reply


def test_a_line_chart_is_stored_and_read_back(sheets: Any, book: str) -> None:
    reply = _batch(sheets, book, LINE_CHART)
    chart = reply["replies"][0]["addChart"]["chart"]
    assert isinstance(chart["chartId"], int)
    assert chart["spec"]["basicChart"]["chartType"] == "LINE"
    got = sheets.spreadsheets().get(spreadsheetId=book, fields="sheets(properties.sheetId,charts)").execute()
    [data] = [s for s in got["sheets"] if s["properties"]["sheetId"] == DATA_ID]
    [stored] = data["charts"]
    assert stored["chartId"] == chart["chartId"]
    assert len(stored["spec"]["basicChart"]["series"]) == 2
    assert stored["position"]["overlayPosition"]["anchorCell"] == {"sheetId": DATA_ID, "rowIndex": 6, "columnIndex": 0}


def _changed(path: list[Any], value: Any) -> dict[str, Any]:
    request = copy.deepcopy(LINE_CHART)
    node: Any = request
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return request


SPEC = ["addChart", "chart", "spec"]
BASIC = [*SPEC, "basicChart"]


@pytest.mark.parametrize(
    ("request_body", "message"),
    [
        pytest.param(
            _changed([*BASIC, "chartType"], "LINES"),
            "Invalid value at 'requests[1].add_chart.chart.spec.basic_chart.chart_type' "
            '(type.googleapis.com/google.apps.sheets.v4.BasicChartType), "LINES"',
            id="chart-type-outside-the-enum",
        ),
        pytest.param(
            _changed([*BASIC, "chartTyp"], "LINE"),
            "Invalid JSON payload received. Unknown name \"chartTyp\" at 'requests[1].add_chart.chart.spec.basic_chart'"
            ": Cannot find field.",
            id="unknown-field",
        ),
        pytest.param(
            _changed([*BASIC, "headerCount"], "satu"),
            "Invalid value at 'requests[1].add_chart.chart.spec.basic_chart.header_count' (TYPE_INT32), \"satu\"",
            id="text-for-a-number",
        ),
        pytest.param(
            _changed([*SPEC, "pieChart"], {"legendPosition": "RIGHT_LEGEND"}),
            "Oneof field 'chart' is already set. Cannot set 'pieChart'",
            id="two-kinds-of-chart",
        ),
        pytest.param(
            _changed(
                [*BASIC, "domains"], [{"domain": {"sourceRange": {"sources": [{**_range(0, 5, 0, 1), "sheetId": 99}]}}}]
            ),
            "No grid with id: 99",
            id="data-on-a-missing-tab",
        ),
        pytest.param(
            _changed([*BASIC, "domains"], [{"domain": {"sourceRange": {"sources": [_range(0, 5, 0, 2)]}}}]),
            "exactly one dimension must have a length of 1",
            id="two-dimensional-source",
        ),
        pytest.param(
            _changed(
                [*BASIC, "domains"],
                [{"domain": {"sourceRange": {"sources": [_range(0, 2, 0, 1), _range(2, 5, 0, 1)]}}}],
            ),
            "same number of source ranges",
            id="domain-and-series-of-different-shape",
        ),
        pytest.param(
            _changed([*BASIC, "domains"], [{"domain": {"sourceRange": {"sources": [_range(0, 5000, 0, 1)]}}}]),
            "exceeds grid limits",
            id="beyond-the-grid",
        ),
    ],
)
def test_what_google_refuses_is_refused_and_rolls_back(
    sheets: Any, book: str, request_body: dict[str, Any], message: str
) -> None:
    with pytest.raises(HttpError) as info:
        _batch(sheets, book, {"addSheet": {"properties": {"title": "tidak jadi"}}}, request_body)
    assert info.value.status_code == 400
    assert message in str(info.value)
    titles = [s["properties"]["title"] for s in sheets.spreadsheets().get(spreadsheetId=book).execute()["sheets"]]
    assert "tidak jadi" not in titles


def test_snake_case_fields_are_accepted_and_kept_in_camel_case(sheets: Any, book: str) -> None:
    request = copy.deepcopy(LINE_CHART)
    basic = request["addChart"]["chart"]["spec"]["basicChart"]
    basic["legend_position"] = basic.pop("legendPosition")
    basic["chart_type"] = basic.pop("chartType")
    reply = _batch(sheets, book, request)
    stored = reply["replies"][0]["addChart"]["chart"]["spec"]["basicChart"]
    assert (stored["legendPosition"], stored["chartType"]) == ("RIGHT_LEGEND", "LINE")
    assert "legend_position" not in stored
