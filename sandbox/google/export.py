"""Drive export of a spreadsheet: xlsx (openpyxl workbook of the sheets' values), pdf
(matplotlib's PDF backend, one page per sheet), csv (the first sheet)."""

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
    """A valid PDF with one page per sheet showing its formatted values."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        for index, sheet in enumerate(spreadsheet.sheets):
            figure = Figure(figsize=(11.69, 8.27))
            axes = figure.add_subplot(111)
            axes.axis("off")
            axes.set_title(f"{spreadsheet.title} - {sheet.title}")
            rows = _values(spreadsheet, index, "FORMATTED_VALUE")[:60]
            width = max((len(r) for r in rows), default=0)
            if rows and width:
                table = [[str(v)[:30] for v in r] + [""] * (width - len(r)) for r in rows]
                axes.table(cellText=table, loc="upper center", fontsize=6)
            pdf.savefig(figure)
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
