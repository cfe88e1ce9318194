"""Distribution (SOP step 1): Google requests per bidang and wall time to hand out N workbooks.

Product: :meth:`sheets.google.workbooks.GoogleWorkbooks.distribute` (one Drive search for all
bidang, then per bidang one create, one atomic layout batchUpdate and one share per editor).
Peer (:class:`NaiveDistributor`): gspread tutorial code building the same workbook one call per
step: ``client.create`` (which re-opens the file), locale and time zone, renaming ``Sheet1``,
``worksheet.update`` per tab, ``add_worksheet`` per tab, ``freeze``, ``format`` per formatted
range, ``add_validation`` per rule, one batchUpdate per column width and per protection, and
``share`` per editor.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gspread
from gspread.utils import ValidationConditionType

from benchmarks.common import POLICY, TAHUN, TW, BenchmarkResult, Figure, Progress, Sizes, ms, world
from bot.demo.provision import BOT_EMAIL
from config.settings import Settings
from sheets import layout
from sheets.google.distribute import (
    COLUMN_WIDTHS,
    HEADER_FORMAT,
    NUMBER_FORMAT,
    STATUS_ALUR_DIBUKA,
    describe,
    editable_grid_ranges,
)
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Indikator, Master


def _a1(row: int, col: int) -> str:
    return f"{layout.column_letter(col)}{row}"


class NaiveDistributor:
    """The tutorial way: one gspread call per formatting, validation, protection and sharing step."""

    def __init__(self, client: gspread.Client, settings: Settings, master: Master, bot_email: str) -> None:
        self.client = client
        self.settings = settings
        self.master = master
        self.bot_email = bot_email

    def distribute(self, tahun: int, tw: int, kodes: Sequence[str]) -> dict[str, str]:
        """Create and lay out every bidang's workbook; returns bidang kode -> spreadsheet id."""
        return {kode: self._one(tahun, tw, kode) for kode in kodes}

    @staticmethod
    def _width(spreadsheet: gspread.Spreadsheet, sheet_id: int, col: int, pixels: int) -> None:
        spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "updateDimensionProperties": {
                            "range": {
                                "sheetId": sheet_id,
                                "dimension": "COLUMNS",
                                "startIndex": col,
                                "endIndex": col + 1,
                            },
                            "properties": {"pixelSize": pixels},
                            "fields": "pixelSize",
                        }
                    }
                ]
            }
        )

    def _protect(
        self, spreadsheet: gspread.Spreadsheet, sheet_id: int, description: str, unprotected: list[dict[str, Any]]
    ) -> None:
        for grid in unprotected:
            grid["sheetId"] = sheet_id
        spreadsheet.batch_update(
            {
                "requests": [
                    {
                        "addProtectedRange": {
                            "protectedRange": {
                                "range": {"sheetId": sheet_id},
                                "description": description,
                                "warningOnly": False,
                                "editors": {"users": [self.bot_email]},
                                "unprotectedRanges": unprotected,
                            }
                        }
                    }
                ]
            }
        )

    def _one(self, tahun: int, tw: int, kode: str) -> str:
        bidang = self.settings.bidang_by_kode(kode)
        items: tuple[Indikator, ...] = self.master.for_bidang(kode)
        spreadsheet = self.client.create(layout.judul_bidang(tahun, bidang.nama), bidang.folder_id)
        spreadsheet.update_locale("id_ID")
        spreadsheet.update_timezone(self.settings.zona_waktu)

        petunjuk = spreadsheet.sheet1
        petunjuk.update_title(layout.TAB_PETUNJUK)
        text = layout.petunjuk_rows(tahun, bidang.nama)
        petunjuk.update(text, "A1")
        petunjuk.format("A1", {"textFormat": {"bold": True, "fontSize": 14}})
        petunjuk.format(f"A2:A{len(text)}", {"wrapStrategy": "WRAP"})
        self._width(spreadsheet, petunjuk.id, 0, 900)

        width = len(layout.REALISASI_HEADER)
        rows = len(items)
        realisasi = spreadsheet.add_worksheet(layout.TAB_REALISASI, rows=rows + 1, cols=width)
        realisasi.update(layout.initial_realisasi_grid(items), "A1")
        realisasi.freeze(rows=1, cols=4)
        realisasi.format(f"A1:{_a1(1, width - 1)}", HEADER_FORMAT)
        first = layout.REALISASI_HEADER.index(layout.NUMERIC_COLUMNS[0])
        last = max(layout.REALISASI_HEADER.index(c) for c in layout.NUMERIC_COLUMNS)
        numbers = f"{_a1(2, first)}:{_a1(rows + 1, last)}"
        realisasi.format(numbers, {"numberFormat": NUMBER_FORMAT})
        realisasi.add_validation(
            numbers,
            ValidationConditionType.number_greater_than_eq,
            [0],
            inputMessage="Isi angka 0 atau lebih, tanpa satuan (contoh 1.250 atau 87,5).",
        )
        catatan = layout.REALISASI_HEADER.index(layout.COL_CATATAN_VALIDASI)
        realisasi.format(f"{_a1(2, catatan)}:{_a1(rows + 1, catatan)}", {"wrapStrategy": "WRAP"})
        for label, pixels in COLUMN_WIDTHS.items():
            self._width(spreadsheet, realisasi.id, layout.REALISASI_HEADER.index(label), pixels)

        grid = layout.initial_status_grid()
        grid[layout.status_row(tw) - 1][2] = STATUS_ALUR_DIBUKA
        status = spreadsheet.add_worksheet(layout.TAB_STATUS, rows=len(grid), cols=len(layout.STATUS_HEADER))
        status.update(grid, "A1")
        status.freeze(rows=1)
        status.format(f"A1:{_a1(1, len(layout.STATUS_HEADER) - 1)}", HEADER_FORMAT)
        column = layout.STATUS_HEADER.index("Status Pengisian")
        status.add_validation(
            f"{_a1(2, column)}:{_a1(len(grid), column)}",
            ValidationConditionType.one_of_list,
            list(layout.STATUS_PENGISIAN_OPTIONS),
            strict=True,
            showCustomUi=True,
            inputMessage="Pilih 'Siap Dikoreksi' bila isian triwulan ini sudah lengkap.",
        )

        open_realisasi, open_status = editable_grid_ranges(tw, rows)
        self._protect(spreadsheet, petunjuk.id, describe(layout.TAB_PETUNJUK), [])
        self._protect(spreadsheet, realisasi.id, describe(layout.TAB_REALISASI, tw), open_realisasi)
        self._protect(spreadsheet, status.id, describe(layout.TAB_STATUS), open_status)
        for editor in bidang.editor:
            spreadsheet.share(editor, perm_type="user", role="writer", notify=False)
        return str(spreadsheet.id)


def measure(n: int, workdir: Path, progress: Progress) -> list[Figure]:
    """Product then peer distributing to ``n`` bidang in one sandbox."""
    with world(n, workdir) as w:
        workbooks = GoogleWorkbooks(w.settings, master=w.master, policy=POLICY)
        w.control.reset_stats()
        start = time.perf_counter()
        refs = workbooks.distribute(TAHUN, TW, w.kodes)
        product_time = time.perf_counter() - start
        product_requests = w.control.google_total()
        naive = NaiveDistributor(w.control.gspread_as(BOT_EMAIL), w.settings, w.master, BOT_EMAIL)
        w.control.reset_stats()
        start = time.perf_counter()
        books = naive.distribute(TAHUN, TW, w.kodes)
        peer_time = time.perf_counter() - start
        peer_requests = w.control.google_total()
        assert len(refs) == len(books) == n
    params = {"N": n}
    progress(
        f"distribution N={n}: product {product_requests} requests {ms(product_time):.0f} ms, "
        f"naive {peer_requests} requests {ms(peer_time):.0f} ms"
    )
    return [
        Figure(
            "Google requests per bidang",
            "requests",
            round(product_requests / n, 2),
            round(peer_requests / n, 2),
            params,
        ),
        Figure("wall time, all N bidang", "ms", ms(product_time), ms(peer_time), params),
    ]


def run(sizes: Sizes, workdir: Path, progress: Progress) -> BenchmarkResult:
    """Distribution cost for every N of ``sizes``."""
    result = BenchmarkResult(
        name="distribution",
        title="Pembagian format / distribution",
        product="GoogleWorkbooks.distribute: 1 Drive search, then per bidang 1 create + 1 layout batchUpdate "
        "+ 1 share per editor",
        peer="gspread tutorial: client.create (+ its re-open), update_locale, update_timezone, update_title, "
        "worksheet.update per tab, add_worksheet per tab, freeze, format per range, add_validation per rule, "
        "one batchUpdate per column width and per protection, share per editor (same workbook, one call per step)",
        notes=["one run per N (distribution is a one-off per TW); both sides in the same sandbox"],
    )
    for n in sizes.distribution_n:
        progress(f"distribution: world with N={n} bidang")
        result.figures += measure(n, workdir / f"distribution-{n}", progress)
    return result
