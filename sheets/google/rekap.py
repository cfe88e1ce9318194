"""The dinas workbook writer: every tab in one spreadsheets.batchUpdate, then the values in 2 MB requests.

The approved snapshots are placed on the master list's rows and pandas builds the frames
(:func:`sheets.aggregate.build_rekap_from_snapshots`), and :func:`rekap_requests` turns them into

1. one ``spreadsheets.batchUpdate``: a scratch tab, delete the old tabs (their charts and rules
   go with them), add ``Ringkasan``, ``TW I`` .. ``TW IV``, ``Rekomendasi``, ``Riwayat`` (and at
   TW IV ``Tahunan``) sized for their rows, with frozen headers, header format, number formats,
   column widths, predikat colours by conditional formatting, a native column chart of capaian
   per bidang and, at TW IV, a native line chart of each bidang's capaian across TW I-IV, then
   delete the scratch tab;
2. ``values.batchUpdate`` requests writing every tab from A1 (:func:`rekap_value_batches`): as
   few as fit Google's recommended 2 MB each. The values are what grows with the office: 17.6 MB
   of JSON for 50 bidang x 400 indicators at TW IV, where Google refuses anything over 10 MB.

Whole-column ranges keep the structure batch independent of the number of rows; the values take
one request per 2 MB.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sheets import layout, riwayat
from sheets.aggregate import (
    Rekap,
    build_rekap_from_snapshots,
    rows_for_sheet,
    rows_with_sizes,
    without_cycle_collection,
)
from sheets.capaian import PREDIKAT_LABELS
from sheets.facts import AuditEntry, RekapData
from sheets.formatting import STEMPEL_WAKTU
from sheets.google.chunks import MAX_REQUEST_BYTES, ValueBlock, json_size, value_batches
from sheets.json_sizes import SeenColumns
from sheets.master import Master

__all__ = [
    "RekapSheets",
    "build_rekap_sheets",
    "rekap_requests",
    "rekap_summary",
    "rekap_value_batches",
    "tab_columns",
    "xlsx_formats",
]

TAB_IDS: dict[str, int] = {tab: 100 + index for index, tab in enumerate((*layout.DINAS_TABS, layout.TAB_TAHUNAN))}
SCRATCH_ID = 99
SCRATCH_TITLE = "_kinerja_bot_sementara"
PREDIKAT_COLOURS: dict[str, dict[str, float]] = {
    "Sangat Tinggi": {"red": 0.42, "green": 0.75, "blue": 0.45},
    "Tinggi": {"red": 0.72, "green": 0.88, "blue": 0.64},
    "Sedang": {"red": 1.0, "green": 0.9, "blue": 0.6},
    "Rendah": {"red": 0.98, "green": 0.75, "blue": 0.55},
    "Sangat Rendah": {"red": 0.92, "green": 0.5, "blue": 0.47},
}
HEADER_FORMAT = {
    "textFormat": {"bold": True},
    "backgroundColor": {"red": 0.85, "green": 0.9, "blue": 0.97},
    "wrapStrategy": "WRAP",
    "verticalAlignment": "MIDDLE",
}
PERCENT_COLUMNS = {"capaian", "rata_rata_capaian", "serapan", *(f"capaian_tw{tw}" for tw in layout.TW_LABELS)}
RUPIAH_COLUMNS = {"pagu", "anggaran_periode", "anggaran_kumulatif"}
WIDE_COLUMNS = {
    "bidang": 260,
    "program": 260,
    "indikator": 300,
    "kendala": 260,
    "rekomendasi": 360,
    "tindak_lanjut": 360,
    "kegiatan": 260,
    "keterangan": 260,
    "catatan_capaian": 220,
}
CHART_COLUMN_OFFSET = 1
"""Empty columns between the Ringkasan table and the chart's data block."""
UMUM = "Umum (seluruh bidang)"


@dataclass(frozen=True)
class RekapSheets:
    """The grid of every dinas tab, the rekap frames, and where the charts' data sits.

    ``trend_series`` and ``trend_column``: the ``Tahunan`` tab's trend block (one series per bidang
    and one for the dinas, TW I-IV down its rows) at TW IV, 0 otherwise; ``second_header`` is the
    row of the ``Tahunan`` tab's indicator table header. ``row_sizes``: per tab, each row's bytes in
    a request body (:func:`sheets.google.chunks.json_size` of the row), counted with the rows.
    """

    rekap: Rekap
    grids: dict[str, list[list[Any]]]
    columns: dict[str, list[str]]
    chart_rows: int
    chart_column: int
    tabs: tuple[str, ...] = layout.DINAS_TABS
    trend_series: int = 0
    trend_column: int = 0
    second_header: int = 0
    row_sizes: Mapping[str, Sequence[int]] = field(default_factory=dict)


def _when(moment: datetime | None, tz: ZoneInfo) -> str:
    if moment is None:
        return ""
    return moment.astimezone(tz).strftime(STEMPEL_WAKTU)


def _duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return ""
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} hari" if days else "", f"{hours} jam" if hours else "", f"{minutes} menit" if minutes else ""]
    return " ".join(p for p in parts if p) or "0 menit"


def _rekomendasi_rows(data: RekapData, names: Mapping[str, str], tz: ZoneInfo) -> list[list[Any]]:
    header = [label for _, label in layout.REKOMENDASI_COLUMNS]
    tindak = {(t.tw, t.bidang): t for t in data.tindak_lanjut}
    rows: list[list[Any]] = []
    used: set[tuple[int, str]] = set()
    for item in sorted(data.rekomendasi, key=lambda r: (r.tw, r.bidang or "")):
        follow = tindak.get((item.tw, item.bidang)) if item.bidang else None
        if follow is not None and item.bidang:
            used.add((item.tw, item.bidang))
        rows.append(
            [
                layout.tw_label(item.tw),
                names.get(item.bidang, item.bidang) if item.bidang else UMUM,
                item.teks,
                _when(item.diberikan, tz),
                follow.teks if follow else "",
                _when(follow.dicatat if follow else None, tz),
            ]
        )
    for (tw, kode), follow in sorted(tindak.items()):
        if (tw, kode) not in used:
            rows.append(
                [
                    layout.tw_label(tw),
                    names.get(kode, kode),
                    "(rekomendasi umum)",
                    "",
                    follow.teks,
                    _when(follow.dicatat, tz),
                ]
            )
    return [header, *rows]


def _riwayat_rows(entries: Sequence[AuditEntry], tw: int, names: Mapping[str, str], tz: ZoneInfo) -> list[list[Any]]:
    import pandas as pd

    header = [label for _, label in layout.RIWAYAT_COLUMNS]
    rows: list[list[Any]] = []
    for entry in sorted(entries, key=lambda e: e.at):
        if entry.event in riwayat.LEWATI_RIWAYAT:
            continue
        start = None
        if entry.duration_seconds is not None:
            start = entry.at - pd.Timedelta(seconds=entry.duration_seconds).to_pytimedelta()
        within = "" if entry.within is None else ("Sesuai" if entry.within else "Melebihi")
        rows.append(
            [
                layout.tw_label(tw),
                entry.sop_step,
                riwayat.kegiatan(entry.event),
                names.get(entry.bidang, entry.bidang) if entry.bidang else "",
                entry.pelaku or riwayat.pelaku(entry.actor_role, entry.actor_nama),
                _when(start, tz),
                _when(entry.at, tz),
                _duration(entry.duration_seconds),
                _duration(entry.mutu_baku_seconds),
                within,
                entry.reason or "",
            ]
        )
    return [header, *rows]


def build_rekap_sheets(
    master: Master, data: RekapData, bidang_names: Mapping[str, str], tw: int, tz: ZoneInfo
) -> RekapSheets:
    """Every tab's grid for the dinas workbook up to TW ``tw``."""
    # Frames, then hundreds of thousands of rows that all stay alive: the cyclic collector would
    # walk them again and again finding nothing (see :func:`without_cycle_collection`).
    with without_cycle_collection():
        return _rekap_sheets(master, data, bidang_names, tw, tz)


def _rekap_sheets(
    master: Master, data: RekapData, bidang_names: Mapping[str, str], tw: int, tz: ZoneInfo
) -> RekapSheets:
    import numpy as np
    import pandas as pd

    rekap = build_rekap_from_snapshots(master, data.snapshots, bidang_names, tw, masters=data.masters)
    grids: dict[str, list[list[Any]]] = {}
    # The large tabs' row sizes are counted with their rows, a column at a time; the small tabs'
    # rows (and rows laid out by hand) are measured one by one.
    sizes: dict[str, Any] = {}
    seen = SeenColumns()
    columns = tab_columns()
    ringkasan = rows_for_sheet(rekap.ringkasan)
    dinas = rekap.dinas.copy()
    dinas.insert(0, "bidang", layout.SELURUH_DINAS)
    dinas.insert(0, "kode_bidang", "")
    dinas_rows = rows_for_sheet(dinas[[name for name, _ in layout.RINGKASAN_COLUMNS]])[1:]
    catatan = [[""], ["Catatan analisis Kasubbag KPEP:", data.catatan_analisis]] if data.catatan_analisis else []
    # Which targets each TW was measured against (an APBD Perubahan changes them from a TW on).
    targets = [[""], *([f"{layout.tw_label(k)}: {data.target_labels[k]}"] for k in sorted(data.target_labels))]
    targets = targets if data.target_labels else []
    grids[layout.TAB_RINGKASAN] = [*ringkasan, [""], *dinas_rows, *catatan, *targets]
    chart_rows = len(rekap.chart)
    chart_column = len(layout.RINGKASAN_COLUMNS) + CHART_COLUMN_OFFSET
    chart_block = [["Bidang", f"Rata-rata Capaian {layout.tw_label(tw)} (%)"]] + [
        [row.bidang, "" if pd.isna(row.capaian) else float(row.capaian)] for row in rekap.chart.itertuples()
    ]
    grid = grids[layout.TAB_RINGKASAN]
    for r, pair in enumerate(chart_block):
        while len(grid) <= r:
            grid.append([])
        grid[r] = list(grid[r]) + [""] * (chart_column - len(grid[r])) + pair
    for k in layout.TW_LABELS:
        tab = layout.tw_label(k)
        if k in rekap.per_tw:
            grids[tab], sizes[tab] = rows_with_sizes(rekap.per_tw[k], seen=seen)
            if k in data.target_labels:
                label_rows: list[list[Any]] = [[""], [data.target_labels[k]]]
                grids[tab] += label_rows
                sizes[tab] = np.concatenate([sizes[tab], np.fromiter(map(json_size, label_rows), dtype=np.int64)])
        else:
            grids[tab] = [[label for _, label in layout.REKAP_TW_COLUMNS], [f"{tab} belum direkap."]]
    grids[layout.TAB_REKOMENDASI] = _rekomendasi_rows(data, bidang_names, tz)
    grids[layout.TAB_RIWAYAT] = _riwayat_rows(data.riwayat, tw, bidang_names, tz)
    columns[layout.TAB_RIWAYAT] = [name for name, _ in layout.RIWAYAT_COLUMNS]
    if rekap.tahunan is not None:
        grid, series, trend_column, second_header = _tahunan_grid(rekap, seen, sizes)
        grids[layout.TAB_TAHUNAN] = grid
    for tab, rows in grids.items():
        if tab not in sizes:
            sizes[tab] = list(map(json_size, rows))
    if rekap.tahunan is None:
        return RekapSheets(rekap, grids, columns, chart_rows, chart_column, row_sizes=sizes)
    columns[layout.TAB_TAHUNAN] = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
    return RekapSheets(
        rekap,
        grids,
        columns,
        chart_rows,
        chart_column,
        tabs=layout.dinas_tabs(4),
        trend_series=series,
        trend_column=trend_column,
        second_header=second_header,
        row_sizes=sizes,
    )


def _tahunan_grid(rekap: Rekap, seen: SeenColumns, sizes: dict[str, Any]) -> tuple[list[list[Any]], int, int, int]:
    """The ``Tahunan`` tab: per bidang and the dinas, a blank row, per indicator; the trend block on the right.

    Returns the grid, the number of trend series, the trend block's first column and the row of the
    indicator table's header; puts each row's size in ``sizes``.
    """
    import numpy as np
    import pandas as pd

    tahunan = rekap.tahunan
    assert tahunan is not None
    bidang_rows = rows_for_sheet(pd.concat([tahunan.bidang, tahunan.dinas]), layout.TAHUNAN_BIDANG_COLUMNS)
    indikator_rows, indikator_sizes = rows_with_sizes(tahunan.indikator, layout.TAHUNAN_INDIKATOR_COLUMNS, seen)
    grid: list[list[Any]] = [*bidang_rows, [""], *indikator_rows]
    second_header = len(bidang_rows) + 1
    # The trend block: TW I-IV down the rows, one column per bidang and one for the dinas.
    names = [*tahunan.bidang["bidang"], layout.SELURUH_DINAS]
    trend = pd.concat([tahunan.bidang, tahunan.dinas])
    block: list[list[Any]] = [["Triwulan", *names]]
    for tw, label in layout.TW_LABELS.items():
        block.append([label, *("" if pd.isna(v) else float(v) for v in trend[f"capaian_tw{tw}"])])
    column = len(layout.TAHUNAN_INDIKATOR_COLUMNS) + CHART_COLUMN_OFFSET
    for r, pair in enumerate(block):
        grid[r] = list(grid[r]) + [""] * (column - len(grid[r])) + pair
    # The rows above the indicator table and those the trend block widened, one by one.
    measured = max(second_header, len(block))
    sizes[layout.TAB_TAHUNAN] = np.concatenate(
        [np.fromiter(map(json_size, grid[:measured]), dtype=np.int64), indikator_sizes[measured - second_header :]]
    )
    return grid, len(names), column, second_header


def _range(
    tab: str, r0: int | None = None, r1: int | None = None, c0: int | None = None, c1: int | None = None
) -> dict[str, int]:
    out = {"sheetId": TAB_IDS[tab]}
    for key, value in (("startRowIndex", r0), ("endRowIndex", r1), ("startColumnIndex", c0), ("endColumnIndex", c1)):
        if value is not None:
            out[key] = value
    return out


def rekap_requests(sheets: RekapSheets, existing_sheet_ids: Sequence[int], tw: int) -> list[dict[str, Any]]:
    """The one spreadsheets.batchUpdate that rebuilds every dinas tab (count independent of rows)."""
    requests: list[dict[str, Any]] = [
        {
            "addSheet": {
                "properties": {
                    "sheetId": SCRATCH_ID,
                    "title": SCRATCH_TITLE,
                    "gridProperties": {"rowCount": 1, "columnCount": 1},
                }
            }
        },
    ]
    requests += [{"deleteSheet": {"sheetId": sid}} for sid in existing_sheet_ids if sid != SCRATCH_ID]
    for index, tab in enumerate(sheets.tabs):
        grid = sheets.grids[tab]
        width = max(map(len, grid))
        requests.append(
            {
                "addSheet": {
                    "properties": {
                        "sheetId": TAB_IDS[tab],
                        "title": tab,
                        "index": index,
                        "gridProperties": {
                            "rowCount": len(grid) + 1,
                            "columnCount": max(width, 1),
                            "frozenRowCount": 1,
                        },
                    }
                }
            }
        )
    for tab in sheets.tabs:
        names = sheets.columns[tab]
        header_rows = [0, sheets.second_header] if tab == layout.TAB_TAHUNAN else [0]
        requests += [
            {
                "repeatCell": {
                    "range": _range(tab, row, row + 1, 0, len(names)),
                    "cell": {"userEnteredFormat": HEADER_FORMAT},
                    "fields": "userEnteredFormat(textFormat,backgroundColor,wrapStrategy,verticalAlignment)",
                }
            }
            for row in header_rows
        ]
        for c, name in enumerate(names):
            pattern = None
            if name in PERCENT_COLUMNS:
                pattern = {"type": "NUMBER", "pattern": "0.00"}
            elif name in RUPIAH_COLUMNS:
                pattern = {"type": "NUMBER", "pattern": "#,##0"}
            if pattern is not None:
                requests.append(
                    {
                        "repeatCell": {
                            "range": _range(tab, 1, None, c, c + 1),
                            "cell": {"userEnteredFormat": {"numberFormat": pattern}},
                            "fields": "userEnteredFormat.numberFormat",
                        }
                    }
                )
            if name in WIDE_COLUMNS:
                requests.append(
                    {
                        "updateDimensionProperties": {
                            "range": {
                                "sheetId": TAB_IDS[tab],
                                "dimension": "COLUMNS",
                                "startIndex": c,
                                "endIndex": c + 1,
                            },
                            "properties": {"pixelSize": WIDE_COLUMNS[name]},
                            "fields": "pixelSize",
                        }
                    }
                )
            if name == "predikat":
                for label in PREDIKAT_LABELS:
                    requests.append(
                        {
                            "addConditionalFormatRule": {
                                "index": 0,
                                "rule": {
                                    "ranges": [_range(tab, 1, None, c, c + 1)],
                                    "booleanRule": {
                                        "condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": label}]},
                                        "format": {"backgroundColor": PREDIKAT_COLOURS[label]},
                                    },
                                },
                            }
                        }
                    )
    ringkasan_id = TAB_IDS[layout.TAB_RINGKASAN]
    c0 = sheets.chart_column
    last = sheets.chart_rows + 1
    requests.append(
        {
            "addChart": {
                "chart": {
                    "spec": {
                        "title": f"Rata-rata Capaian per Bidang {layout.tw_label(tw)}",
                        "basicChart": {
                            "chartType": "COLUMN",
                            "legendPosition": "NO_LEGEND",
                            "headerCount": 1,
                            "axis": [
                                {"position": "BOTTOM_AXIS", "title": "Bidang"},
                                {"position": "LEFT_AXIS", "title": "Capaian (%)"},
                            ],
                            "domains": [
                                {
                                    "domain": {
                                        "sourceRange": {"sources": [_range(layout.TAB_RINGKASAN, 0, last, c0, c0 + 1)]}
                                    }
                                }
                            ],
                            "series": [
                                {
                                    "series": {
                                        "sourceRange": {
                                            "sources": [_range(layout.TAB_RINGKASAN, 0, last, c0 + 1, c0 + 2)]
                                        }
                                    },
                                    "targetAxis": "LEFT_AXIS",
                                }
                            ],
                        },
                    },
                    "position": {
                        "overlayPosition": {
                            "anchorCell": {"sheetId": ringkasan_id, "rowIndex": last + 1, "columnIndex": c0}
                        }
                    },
                }
            }
        }
    )
    if sheets.trend_series:
        requests.append(_trend_chart(sheets))
    requests.append({"deleteSheet": {"sheetId": SCRATCH_ID}})
    return requests


def _trend_chart(sheets: RekapSheets) -> dict[str, Any]:
    """The ``Tahunan`` tab's line chart: each bidang's (and the dinas's) average capaian across TW I-IV."""
    tab = layout.TAB_TAHUNAN
    c0, rows = sheets.trend_column, len(layout.TW_LABELS) + 1
    series = [
        {
            "series": {"sourceRange": {"sources": [_range(tab, 0, rows, c0 + k, c0 + k + 1)]}},
            "targetAxis": "LEFT_AXIS",
        }
        for k in range(1, sheets.trend_series + 1)
    ]
    return {
        "addChart": {
            "chart": {
                "spec": {
                    "title": "Tren Rata-rata Capaian per Bidang, TW I - TW IV",
                    "basicChart": {
                        "chartType": "LINE",
                        "legendPosition": "RIGHT_LEGEND",
                        "headerCount": 1,
                        "axis": [
                            {"position": "BOTTOM_AXIS", "title": "Triwulan"},
                            {"position": "LEFT_AXIS", "title": "Capaian (%)"},
                        ],
                        "domains": [{"domain": {"sourceRange": {"sources": [_range(tab, 0, rows, c0, c0 + 1)]}}}],
                        "series": series,
                    },
                },
                "position": {
                    "overlayPosition": {
                        "anchorCell": {"sheetId": TAB_IDS[tab], "rowIndex": rows + 1, "columnIndex": c0}
                    }
                },
            }
        }
    }


def tab_columns() -> dict[str, list[str]]:
    """The column names of every dinas tab, in order (as :func:`build_rekap_sheets` lays them out)."""
    columns = {layout.TAB_RINGKASAN: [name for name, _ in layout.RINGKASAN_COLUMNS]}
    for k in layout.TW_LABELS:
        columns[layout.tw_label(k)] = [name for name, _ in layout.REKAP_TW_COLUMNS]
    columns[layout.TAB_REKOMENDASI] = [name for name, _ in layout.REKOMENDASI_COLUMNS]
    columns[layout.TAB_RIWAYAT] = [name for name, _ in layout.RIWAYAT_COLUMNS]
    columns[layout.TAB_TAHUNAN] = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
    return columns


def xlsx_formats() -> dict[str, dict[int, tuple[str | None, int | None]]]:
    """Per tab and column: the Excel number format and width the bot gives the dinas tabs in Sheets."""
    formats: dict[str, dict[int, tuple[str | None, int | None]]] = {}
    for tab, names in tab_columns().items():
        formats[tab] = {}
        for c, name in enumerate(names):
            number = "0.00" if name in PERCENT_COLUMNS else "#,##0" if name in RUPIAH_COLUMNS else None
            if number or name in WIDE_COLUMNS:
                formats[tab][c] = (number, WIDE_COLUMNS.get(name))
    return formats


def rekap_value_batches(sheets: RekapSheets, limit: int = MAX_REQUEST_BYTES) -> list[list[dict[str, Any]]]:
    """The ``data`` of each values.batchUpdate writing every tab from A1, each body within ``limit`` bytes."""
    blocks = (ValueBlock(tab, 1, 0, sheets.grids[tab], sizes=sheets.row_sizes.get(tab)) for tab in sheets.tabs)
    return value_batches(blocks, limit)


def _plain(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def rekap_summary(rekap: Rekap) -> dict[str, Any]:
    """JSON-ready figures per bidang (and for the dinas) at the rekap's TW, for the RekapRef (at TW IV
    the dinas's year as well: ``capaian_tahunan``, ``predikat_tahunan``)."""
    label = layout.tw_label(rekap.tw)
    latest = rekap.ringkasan[rekap.ringkasan["triwulan"] == label]
    bidang = {
        str(row["kode_bidang"]): {
            name: _plain(row[name])
            for name in ("bidang", "jumlah_indikator", "indikator_dinilai", "rata_rata_capaian", "predikat", "serapan")
        }
        for row in latest.to_dict("records")
    }
    whole = rekap.dinas[rekap.dinas["triwulan"] == label].to_dict("records")
    dinas = (
        {
            name: _plain(whole[0][name])
            for name in ("jumlah_indikator", "indikator_dinilai", "rata_rata_capaian", "predikat", "serapan")
        }
        if whole
        else {}
    )
    if rekap.tahunan is not None and len(rekap.tahunan.dinas):
        # At TW IV the year too: what the Kasubbag and the Kepala Dinas read in the chat.
        year = rekap.tahunan.dinas.iloc[0]
        dinas["capaian_tahunan"] = _plain(year["rata_rata_capaian"])
        dinas["predikat_tahunan"] = _plain(year["predikat"])
    return {"tw": rekap.tw, "bidang": bidang, "dinas": dinas}
