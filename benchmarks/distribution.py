"""Distribution (SOP step 1): Google requests per bidang and wall time to hand out N workbooks.

Product: :meth:`sheets.google.workbooks.GoogleWorkbooks.distribute` (one Drive search for all
bidang, then per bidang one create, one atomic layout batchUpdate, one locale request and one
share per editor and reviewer). Peer (:class:`CarefulDistributor`): a careful gspread user building the same
workbook with the library's own calls, batching where gspread lets them (the values of every tab
in one ``values_batch_update``, the formats of a tab in one ``batch_format``, the column widths and
the protections in one raw ``batch_update``). Both workbooks of every bidang are read back and
checked equal (tabs, sizes, frozen rows, values, formats, validations, widths, protections,
locale, time zone, who may edit or read) before any figure is reported.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import gspread
from gspread.utils import ValidationConditionType

from benchmarks.common import POLICY, TAHUN, TW, BenchmarkError, BenchmarkResult, Figure, Progress, Sizes, ms, world
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
from sheets.google.sharing import bidang_access
from sheets.google.workbooks import GoogleWorkbooks
from sheets.master import Master


def _a1(row: int, col: int) -> str:
    return f"{layout.column_letter(col)}{row}"


class CarefulDistributor:
    """A careful gspread user: the library's calls, batched where gspread offers a batch.

    What a real user would write, and why this is it: gspread has no call that lays out a whole
    workbook, so a user who knows the Sheets quota reaches for its batch calls: one
    ``values_batch_update`` for the three tabs' values, one ``batch_format`` per tab, and (since
    gspread has no helper for column widths, and one protection per call would be one request
    each) a single raw ``batch_update`` holding the widths and the three protections. The rest
    are gspread's helpers, one request each, as its documentation shows them: ``create`` (which
    also reads the new file back), ``update_locale``, ``update_timezone``, ``update_title``,
    ``resize``, ``add_worksheet``, ``freeze``, ``add_validation`` and ``share``.
    """

    def __init__(self, client: gspread.Client, settings: Settings, master: Master, bot_email: str) -> None:
        self.client = client
        self.settings = settings
        self.master = master
        self.bot_email = bot_email

    def distribute(self, tahun: int, tw: int, kodes: Sequence[str], when: str) -> dict[str, str]:
        """Create and lay out every bidang's workbook; returns bidang kode -> spreadsheet id."""
        return {kode: self._one(tahun, tw, kode, when) for kode in kodes}

    def _one(self, tahun: int, tw: int, kode: str, when: str) -> str:
        bidang = self.settings.bidang_by_kode(kode)
        items = self.master.for_bidang(kode)
        rows, width = len(items), len(layout.REALISASI_HEADER)
        spreadsheet = self.client.create(layout.judul_bidang(tahun, bidang.nama), bidang.folder_id)
        spreadsheet.update_locale("id_ID")
        spreadsheet.update_timezone(self.settings.zona_waktu)

        korektor = "Sekretaris" if self.settings.dikoreksi_sekretaris(kode) else layout.KOREKTOR
        petunjuk_rows = layout.petunjuk_rows(tahun, bidang.nama, korektor)
        status_rows = layout.initial_status_grid()
        status_rows[layout.status_row(tw) - 1][2] = STATUS_ALUR_DIBUKA
        status_rows[layout.status_row(tw) - 1][4] = when
        petunjuk = spreadsheet.sheet1
        petunjuk.update_title(layout.TAB_PETUNJUK)
        petunjuk.resize(len(petunjuk_rows), 1)
        realisasi = spreadsheet.add_worksheet(layout.TAB_REALISASI, rows=rows + 1, cols=width, index=1)
        status = spreadsheet.add_worksheet(
            layout.TAB_STATUS, rows=len(status_rows), cols=len(layout.STATUS_HEADER), index=2
        )
        realisasi.freeze(rows=1, cols=4)
        status.freeze(rows=1)
        spreadsheet.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": f"'{layout.TAB_PETUNJUK}'!A1", "values": petunjuk_rows},
                    {"range": f"'{layout.TAB_REALISASI}'!A1", "values": layout.initial_realisasi_grid(items)},
                    {"range": f"'{layout.TAB_STATUS}'!A1", "values": status_rows},
                ],
            }
        )

        petunjuk.batch_format(
            [
                {"range": "A1", "format": {"textFormat": {"bold": True, "fontSize": 14}}},
                {"range": f"A2:A{len(petunjuk_rows)}", "format": {"wrapStrategy": "WRAP"}},
            ]
        )
        first = layout.REALISASI_HEADER.index(layout.NUMERIC_COLUMNS[0])
        last = max(layout.REALISASI_HEADER.index(c) for c in layout.NUMERIC_COLUMNS)
        numbers = f"{_a1(2, first)}:{_a1(rows + 1, last)}"
        catatan = layout.REALISASI_HEADER.index(layout.COL_CATATAN_VALIDASI)
        realisasi.batch_format(
            [
                {"range": f"A1:{_a1(1, width - 1)}", "format": HEADER_FORMAT},
                {"range": numbers, "format": {"numberFormat": NUMBER_FORMAT}},
                {"range": f"{_a1(2, catatan)}:{_a1(rows + 1, catatan)}", "format": {"wrapStrategy": "WRAP"}},
            ]
        )
        status.batch_format([{"range": f"A1:{_a1(1, len(layout.STATUS_HEADER) - 1)}", "format": HEADER_FORMAT}])
        realisasi.add_validation(
            numbers,
            ValidationConditionType.number_greater_than_eq,
            ["0"],
            inputMessage="Isi angka 0 atau lebih, tanpa satuan (contoh 1.250 atau 87,5).",
        )
        pengisian = layout.STATUS_HEADER.index("Status Pengisian")
        status.add_validation(
            f"{_a1(2, pengisian)}:{_a1(len(status_rows), pengisian)}",
            ValidationConditionType.one_of_list,
            list(layout.STATUS_PENGISIAN_OPTIONS),
            strict=True,
            showCustomUi=True,
            inputMessage='Pilih "Siap Dikoreksi" bila isian triwulan ini sudah lengkap.',
        )

        widths = [(petunjuk.id, 0, 900)] + [
            (realisasi.id, layout.REALISASI_HEADER.index(label), pixels) for label, pixels in COLUMN_WIDTHS.items()
        ]
        open_realisasi, open_status = editable_grid_ranges(tw, rows)
        for grid in open_realisasi:
            grid["sheetId"] = realisasi.id
        for grid in open_status:
            grid["sheetId"] = status.id
        protections = [
            (petunjuk.id, describe(layout.TAB_PETUNJUK), []),
            (realisasi.id, describe(layout.TAB_REALISASI, tw), open_realisasi),
            (status.id, describe(layout.TAB_STATUS), open_status),
        ]
        spreadsheet.batch_update(
            {
                "requests": [
                    *(
                        {
                            "updateDimensionProperties": {
                                "range": {"sheetId": sheet, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
                                "properties": {"pixelSize": pixels},
                                "fields": "pixelSize",
                            }
                        }
                        for sheet, c, pixels in widths
                    ),
                    *(
                        {
                            "addProtectedRange": {
                                "protectedRange": {
                                    "range": {"sheetId": sheet},
                                    "description": description,
                                    "warningOnly": False,
                                    "editors": {"users": [self.bot_email]},
                                    "unprotectedRanges": unprotected,
                                }
                            }
                        }
                        for sheet, description, unprotected in protections
                    ),
                ]
            }
        )
        # The same people as the product, from the same settings: the bidang's editors as writers,
        # its Kepala and the officials as reviewers (sheets.google.sharing, which reads them there).
        for address, role in bidang_access(self.settings, kode).items():
            spreadsheet.share(address, perm_type="user", role=role, notify=False)
        return str(spreadsheet.id)


CONTENT_FIELDS = (
    "properties(locale,timeZone,title),"
    "sheets(properties(sheetId,title,index,gridProperties),"
    "protectedRanges(description,warningOnly,editors,range,unprotectedRanges),"
    "data(rowData(values(userEnteredValue,userEnteredFormat,dataValidation)),columnMetadata(pixelSize)))"
)
UPDATED_COLUMN = layout.STATUS_HEADER.index("Diperbarui")


def _named(value: Any, titles: Mapping[int, str]) -> Any:
    """``value`` with every ``sheetId`` replaced by its tab's title (the ids are the creator's choice)
    and without ``false`` booleans (Google leaves a field at its default out of its answers)."""
    if isinstance(value, dict):
        return {
            k: (titles.get(v, v) if k == "sheetId" else _named(v, titles)) for k, v in value.items() if v is not False
        }
    if isinstance(value, list):
        return [_named(v, titles) for v in value]
    return value


def workbook_content(client: gspread.Client, spreadsheet_id: str) -> dict[str, Any]:
    """What a workbook holds, without the ids its creator chose and the time written into ``Diperbarui``."""
    body = client.http_client.spreadsheets_get(
        spreadsheet_id, params={"includeGridData": "true", "fields": CONTENT_FIELDS}
    )
    titles = {int(s["properties"]["sheetId"]): s["properties"]["title"] for s in body.get("sheets", [])}
    content: dict[str, Any] = _named(body, titles)
    for sheet in content.get("sheets", []):
        sheet["properties"].pop("sheetId", None)
        sheet["protectedRanges"] = sorted(sheet.get("protectedRanges", []), key=lambda p: json.dumps(p, sort_keys=True))
        if sheet["properties"]["title"] == layout.TAB_STATUS:
            for block in sheet.get("data", []):
                for row in block.get("rowData", [])[1:]:
                    cells = row.get("values", [])
                    if len(cells) > UPDATED_COLUMN:
                        cells[UPDATED_COLUMN] = {}
    permissions = client.list_permissions(spreadsheet_id)
    content["access"] = sorted(
        f"{p.get('role')}:{p.get('emailAddress')}" for p in permissions if p.get("role") not in {"owner", "organizer"}
    )
    return content


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """Where two JSON values first differ (None when equal)."""
    if type(a) is not type(b):
        return f"{path}: {a!r:.120} != {b!r:.120}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            found = first_difference(a.get(key), b.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)} items"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.120} != {b!r:.120}"


def measure(n: int, workdir: Path, progress: Progress) -> list[Figure]:
    """Product then peer distributing to ``n`` bidang in one sandbox; every pair of workbooks checked equal."""
    with world(n, workdir) as w:
        workbooks = GoogleWorkbooks(w.settings, master=w.master, policy=POLICY)
        w.control.reset_stats()
        start = time.perf_counter()
        refs = workbooks.distribute(TAHUN, TW, w.kodes)
        product_time = time.perf_counter() - start
        product_requests = w.control.google_total()
        bot = w.control.gspread_as(BOT_EMAIL)
        careful = CarefulDistributor(bot, w.settings, w.master, BOT_EMAIL)
        when = workbooks._now_text()  # the Status row's time; not compared (it is the minute of the write)
        w.control.reset_stats()
        start = time.perf_counter()
        books = careful.distribute(TAHUN, TW, w.kodes, when)
        peer_time = time.perf_counter() - start
        peer_requests = w.control.google_total()
        if set(refs) != set(books) or len(refs) != n:
            raise BenchmarkError(f"distributed to {sorted(refs)} and {sorted(books)}, expected {n} bidang")
        for kode in w.kodes:
            product, peer = workbook_content(bot, refs[kode].spreadsheet_id), workbook_content(bot, books[kode])
            cells = sum(
                len(row.get("values", [])) for s in product["sheets"] for d in s["data"] for row in d["rowData"]
            )
            if cells < len(w.master.for_bidang(kode)) * len(layout.REALISASI_HEADER) or not product["access"]:
                raise BenchmarkError(f"the workbook of {kode} read back nearly empty ({cells} cells)")
            difference = first_difference(product, peer)
            if difference is not None:
                raise BenchmarkError(f"the two workbooks of {kode} differ at {difference}")
    progress(
        f"distribution N={n}: product {product_requests} requests {ms(product_time):.0f} ms, "
        f"careful gspread {peer_requests} requests {ms(peer_time):.0f} ms; the {n} pairs of workbooks are equal"
    )
    params = {"N": n}
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
        "+ 1 locale request + 1 share per editor and reviewer",
        peer="careful gspread user (benchmarks/distribution.py CarefulDistributor): create, update_locale, "
        "update_timezone, update_title, resize, add_worksheet per tab, freeze per tab, one values_batch_update, "
        "one batch_format per tab, add_validation per rule, one raw batch_update for the widths and protections, "
        "share per editor and reviewer",
        notes=[
            "one run per N (distribution is a one-off per TW); both sides in the same sandbox",
            "every bidang's two workbooks are read back and compared (tabs, sizes, frozen rows and columns, values, "
            "formats, validations, column widths, protections, locale, time zone, who may edit or read) before any "
            "figure: they are equal",
        ],
    )
    for n in sizes.distribution_n:
        progress(f"distribution: world with N={n} bidang")
        result.figures += measure(n, workdir / f"distribution-{n}", progress)
    return result
