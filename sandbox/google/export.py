"""Drive export of a spreadsheet: xlsx (openpyxl workbook of the sheets' values), pdf
(reportlab, one page per sheet), csv (the first sheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from sandbox.google.a1 import Bounds
from sandbox.google.model import Spreadsheet
from sandbox.google.sheets_core import read_values

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _values(spreadsheet: Spreadsheet, index: int, option: str = "UNFORMATTED_VALUE") -> list[list[object]]:
    sheet = spreadsheet.sheets[index]
    bounds = Bounds(sheet, 0, sheet.row_count, 0, sheet.column_count)
    values: list[list[object]] = read_values(spreadsheet, bounds, option=option).get("values", [])
    return values


def to_xlsx(spreadsheet: Spreadsheet) -> bytes:
    """A real workbook, one worksheet per sheet, holding the effective values."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, sheet in enumerate(spreadsheet.sheets):
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        for row in _values(spreadsheet, index):
            worksheet.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_pdf(spreadsheet: Spreadsheet) -> bytes:
    """A valid PDF with one page per sheet showing its formatted values (the first 60 rows).

    Drawn with reportlab's canvas: a few milliseconds a page, so an export is never slower than a
    client's timeout (matplotlib's table layout took seconds a sheet on a busy machine).
    """
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    for index, sheet in enumerate(spreadsheet.sheets):
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(36, height - 36, f"{spreadsheet.title} - {sheet.title}"[:120])
        canvas.setFont("Helvetica", 6)
        y = height - 56
        for row in _values(spreadsheet, index, "FORMATTED_VALUE")[:60]:
            canvas.drawString(36, y, " | ".join(str(v)[:30] for v in row)[:220])
            y -= 8.5
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def to_csv(spreadsheet: Spreadsheet) -> bytes:
    """The first sheet as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in _values(spreadsheet, 0, "FORMATTED_VALUE"):
        writer.writerow(row)
    return buffer.getvalue().rstrip("\n").encode()


EXPORTERS: dict[str, Callable[[Spreadsheet], bytes]] = {
    XLSX: to_xlsx,
    "application/pdf": to_pdf,
    "text/csv": to_csv,
}
