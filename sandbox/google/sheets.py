"""Sheets v4 handlers: spreadsheets get/create/batchUpdate and the values collection."""

from __future__ import annotations

from typing import Any

from sandbox.google import sheets_core as core
from sandbox.google.a1 import Bounds, parse_range, quote_title, split_title
from sandbox.google.context import Ctx
from sandbox.google.errors import GoogleApiError, bad_request, in_batch_item, permission_denied
from sandbox.google.fields import apply_fields, mask_paths, parse_fields
from sandbox.google.model import SPREADSHEET_MIME, DriveFile, Spreadsheet
from sandbox.google.sheets_batch import Batch, Txn


def open_file(ctx: Ctx, spreadsheet_id: str, *, write: bool = False) -> DriveFile:
    """The spreadsheet's file: 404 when unknown, 403 when not shared with the caller."""
    store = ctx.store
    file = store.files.get(spreadsheet_id)
    if file is None or file.spreadsheet is None:
        raise GoogleApiError(404, "Requested entity was not found.")
    if not store.visible(file, ctx.email):
        raise permission_denied()
    if write and not store.can_write(file, ctx.email):
        raise permission_denied()
    return file


def _sheet(file: DriveFile) -> Spreadsheet:
    assert file.spreadsheet is not None
    return file.spreadsheet


def _option(ctx: Ctx, name: str, allowed: set[str], default: str) -> str:
    value = ctx.arg(name) or default
    if value not in allowed:
        raise bad_request(
            f"Invalid value at '{_snake(name)}' "
            f'(type.googleapis.com/google.apps.sheets.v4.{name[0].upper()}{name[1:]}), "{value}"'
        )
    return value


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _body_option(body: dict[str, Any], name: str, allowed: set[str], default: str | None) -> str:
    value = body.get(name) or default
    if value is None:
        raise bad_request(f"Invalid {name}: must be specified.")
    if value not in allowed:
        raise bad_request(f"Invalid value at '{_snake(name)}', \"{value}\"")
    return value


# ---- spreadsheets ------------------------------------------------------------------------------
def spreadsheets_get(ctx: Ctx, spreadsheet_id: str) -> Any:
    """GET /v4/spreadsheets/{id}."""
    file = open_file(ctx, spreadsheet_id)
    spreadsheet = _sheet(file)
    ranges = [parse_range(spreadsheet, r, clip=False) for r in ctx.request.args.getlist("ranges")]
    fields = ctx.arg("fields")
    mask = parse_fields(fields) if fields else None
    if mask is not None:
        include_grid = any(p.startswith("sheets.data") or p == "*" for p in mask_paths(mask))
    else:
        include_grid = ctx.flag("includeGridData")
    body = core.spreadsheet_json(
        ctx.store, file, ctx.email, ranges=ranges or None, include_grid=include_grid, base_url=ctx.base_url
    )
    if mask is not None:
        body = core.prune_empty(apply_fields(body, mask))
        if "sheets" in body:
            body["sheets"] = [s if s else {} for s in body["sheets"]]
    return body


def spreadsheets_create(ctx: Ctx) -> Any:
    """POST /v4/spreadsheets."""
    from sandbox.google.drive import new_spreadsheet
    from sandbox.google.model import DriveFile as File

    body = ctx.json_object()
    if ctx.account.is_service:
        raise GoogleApiError(403, "The user's Drive storage quota has been exceeded.")
    props = body.get("properties") or {}
    store = ctx.store
    file_id = store.new_file_id()
    title = props.get("title") or "Untitled spreadsheet"
    locale = props.get("locale") or "en_US"
    stored = store.limits.stored_locale(locale)
    if stored is None:
        raise bad_request(f"Unsupported locale: {locale}")
    spreadsheet = new_spreadsheet(file_id, title, stored, props.get("timeZone") or "Etc/GMT")
    sheets = body.get("sheets") or []
    if sheets:
        spreadsheet.sheets = []
        for entry in sheets:
            sp = entry.get("properties") or {}
            grid = sp.get("gridProperties") or {}
            spreadsheet.add_sheet(
                sp.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}",
                int(grid.get("rowCount") or 1000),
                int(grid.get("columnCount") or 26),
                sheet_id=sp.get("sheetId", 0 if not spreadsheet.sheets else None),
            )
    file = File(
        id=file_id,
        name=title,
        mime_type=SPREADSHEET_MIME,
        owner=ctx.email,
        spreadsheet=spreadsheet,
        last_modifier=ctx.email,
    )
    store.files[file_id] = file
    store.touch(file, ctx.email)  # a new file is listed at once; its later edits lag
    return core.spreadsheet_json(store, file, ctx.email, ranges=None, include_grid=False, base_url=ctx.base_url)


def spreadsheets_batch_update(ctx: Ctx, spreadsheet_id: str) -> Any:
    """POST /v4/spreadsheets/{id}:batchUpdate."""
    body = ctx.json_object()
    file = open_file(ctx, spreadsheet_id, write=True)
    replies = Batch(ctx.store, file, ctx.email).run(body.get("requests"))
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = core.spreadsheet_json(
            ctx.store,
            file,
            ctx.email,
            ranges=None,
            include_grid=bool(body.get("responseIncludeGridData")),
            base_url=ctx.base_url,
        )
    return out


# ---- values --------------------------------------------------------------------------------------
def values_get(ctx: Ctx, spreadsheet_id: str, range_text: str) -> Any:
    """GET /v4/spreadsheets/{id}/values/{range}."""
    file = open_file(ctx, spreadsheet_id)
    major = _option(ctx, "majorDimension", core.DIMENSIONS, "ROWS")
    option = _option(ctx, "valueRenderOption", core.VALUE_RENDER, "FORMATTED_VALUE")
    date_option = _option(ctx, "dateTimeRenderOption", core.DATE_RENDER, "SERIAL_NUMBER")
    bounds = _read_bounds(_sheet(file), range_text)
    return core.read_values(_sheet(file), bounds, major, option, date_option)


def _read_bounds(spreadsheet: Spreadsheet, text: str) -> Bounds:
    bounds = parse_range(spreadsheet, text, clip=False)
    sheet = bounds.sheet
    if bounds.r0 >= sheet.row_count or bounds.c0 >= sheet.column_count:
        # Sheets names the range with the title quoted only where A1 needs it: a reported
        # ``Range (FORENSIC_LIVE!A221:ZZ) exceeds grid limits`` for gspread's ``'FORENSIC_LIVE'!A221:ZZ``.
        _, cells = split_title(text)
        shown = f"{quote_title(sheet.title)}!{cells}" if cells else quote_title(sheet.title)
        raise bad_request(
            f"Range ({shown}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
        )
    bounds.r1 = min(bounds.r1, sheet.row_count)
    bounds.c1 = min(bounds.c1, sheet.column_count)
    return bounds


def values_batch_get(ctx: Ctx, spreadsheet_id: str) -> Any:
    """GET /v4/spreadsheets/{id}/values:batchGet."""
    file = open_file(ctx, spreadsheet_id)
    major = _option(ctx, "majorDimension", core.DIMENSIONS, "ROWS")
    option = _option(ctx, "valueRenderOption", core.VALUE_RENDER, "FORMATTED_VALUE")
    date_option = _option(ctx, "dateTimeRenderOption", core.DATE_RENDER, "SERIAL_NUMBER")
    ranges = ctx.request.args.getlist("ranges")
    spreadsheet = _sheet(file)
    value_ranges = [
        core.read_values(spreadsheet, _read_bounds(spreadsheet, r), major, option, date_option) for r in ranges
    ]
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    if value_ranges:
        out["valueRanges"] = value_ranges
    return out


def _journal_values_batch(spreadsheet: Spreadsheet, data: list[dict[str, Any]]) -> Txn:
    """Undo information for the cells a values.batchUpdate may overwrite."""
    txn = Txn(spreadsheet)
    for item in data:
        bounds = parse_range(spreadsheet, item["range"], clip=False)
        values = core.coerce_values(item.get("values"), "data.values")
        height, width = len(values), max((len(row) for row in values), default=0)
        if item.get("majorDimension") == "COLUMNS":
            height, width = width, height
        sheet = bounds.sheet
        for r in range(bounds.r0, min(bounds.r0 + height, len(sheet.grid))):
            row = sheet.grid[r]
            for c in range(bounds.c0, min(bounds.c0 + width, len(row))):
                cell = row[c]
                if cell is not None and id(cell) not in txn.cells:
                    txn.cells[id(cell)] = (cell, (cell.value, cell.formula, cell.fmt, cell.note, cell.validation))
    return txn


def _write(
    ctx: Ctx,
    file: DriveFile,
    range_text: str,
    data: dict[str, Any],
    input_option: str,
    field: str,
    exact: bool | None = None,
    touched: tuple[set[int], set[int]] | None = None,
) -> dict[str, Any]:
    spreadsheet = _sheet(file)
    values = core.coerce_values(data.get("values"), field)
    major = data.get("majorDimension") or "ROWS"
    if major not in core.DIMENSIONS:
        raise bad_request(f"Invalid value at '{field.rsplit('.', 1)[0]}.major_dimension', \"{major}\"")
    bounds = parse_range(spreadsheet, range_text, clip=False)
    if (
        data.get("range")
        and data["range"] != range_text
        and parse_range(spreadsheet, data["range"], clip=False).a1() != bounds.a1()
    ):
        raise bad_request(
            f"Requested writing within range [{range_text}], but tried writing within range [{data['range']}]."
        )
    single = bounds.rows == 1 and bounds.cols == 1 and ":" not in range_text.split("!")[-1]
    whole_sheet = "!" not in range_text and spreadsheet.sheet_by_title(range_text.strip("'")) is not None
    return core.write_values(
        ctx.store,
        file,
        ctx.email,
        bounds,
        values,
        major,
        input_option,
        exact_range=(not single and not whole_sheet) if exact is None else exact,
        touched=touched,
    )


def values_update(ctx: Ctx, spreadsheet_id: str, range_text: str) -> Any:
    """PUT /v4/spreadsheets/{id}/values/{range}."""
    body = ctx.json_object()
    input_option = ctx.arg("valueInputOption")
    if not input_option:
        raise bad_request("'valueInputOption' is required but not specified")
    if input_option not in core.INPUT_OPTIONS:
        raise bad_request(
            "Invalid value at 'value_input_option' "
            f'(type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "{input_option}"'
        )
    file = open_file(ctx, spreadsheet_id, write=True)
    result = _write(ctx, file, range_text, body, input_option, "data.values")
    out = {"spreadsheetId": spreadsheet_id, **result}
    if ctx.flag("includeValuesInResponse") and "updatedRows" in result:
        option = _option(ctx, "responseValueRenderOption", core.VALUE_RENDER, "FORMATTED_VALUE")
        out["updatedData"] = core.read_values(
            _sheet(file), parse_range(_sheet(file), result["updatedRange"]), option=option
        )
    return out


def values_batch_update(ctx: Ctx, spreadsheet_id: str) -> Any:
    """POST /v4/spreadsheets/{id}/values:batchUpdate."""
    body = ctx.json_object()
    input_option = body.get("valueInputOption")
    if not input_option:
        raise bad_request("'valueInputOption' is required but not specified")
    if input_option not in core.INPUT_OPTIONS:
        raise bad_request(f"Invalid value at 'value_input_option', \"{input_option}\"")
    file = open_file(ctx, spreadsheet_id, write=True)
    data = body.get("data") or []
    if not isinstance(data, list):
        raise bad_request("Invalid value at 'data', must be a list")
    spreadsheet = _sheet(file)
    # validate every range first so a bad one writes nothing
    for index, item in enumerate(data):
        if not isinstance(item, dict) or not item.get("range"):
            raise bad_request(f"Invalid data[{index}]: range is required")
        parse_range(spreadsheet, item["range"], clip=False)
        core.coerce_values(item.get("values"), f"data[{index}].values")
    responses = []
    totals = {
        "totalUpdatedRows": 0,
        "totalUpdatedColumns": 0,
        "totalUpdatedCells": 0,
        "totalUpdatedSheets": 0,
    }
    sheets_touched: set[int] = set()
    # Google documents the row and column totals as the number of rows (columns) where at least
    # one cell was updated, so two writes into the same columns count those columns once.
    rows_touched: set[tuple[int, int]] = set()
    cols_touched: set[tuple[int, int]] = set()
    # The request is all or nothing: a later item refused (protected cell, strict validation)
    # must undo the earlier ones, so journal what the items may overwrite.
    txn = _journal_values_batch(spreadsheet, data) if len(data) > 1 else None
    for index, item in enumerate(data):
        touched: tuple[set[int], set[int]] = (set(), set())
        try:
            result = _write(ctx, file, item["range"], item, input_option, f"data[{index}].values", touched=touched)
        except GoogleApiError as err:
            if txn is not None:
                txn.rollback()
            raise in_batch_item(err, f"Invalid data[{index}]") from None
        responses.append({"spreadsheetId": spreadsheet_id, **result})
        totals["totalUpdatedCells"] += result.get("updatedCells", 0)
        if result.get("updatedCells"):
            sheet_id = parse_range(spreadsheet, result["updatedRange"], clip=False).sheet.sheet_id
            sheets_touched.add(sheet_id)
            rows_touched.update((sheet_id, r) for r in touched[0])
            cols_touched.update((sheet_id, c) for c in touched[1])
    totals["totalUpdatedRows"] = len(rows_touched)
    totals["totalUpdatedColumns"] = len(cols_touched)
    totals["totalUpdatedSheets"] = len(sheets_touched)
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    out.update({k: v for k, v in totals.items() if v})
    if responses:
        out["responses"] = responses
    return out


def _table_range(spreadsheet: Spreadsheet, bounds: Bounds) -> tuple[int, int, int, int] | None:
    """Google's append "table": the region of data around the last filled cell of the range."""
    sheet = bounds.sheet
    grid = sheet.grid

    def filled(r: int, c: int) -> bool:
        if r < 0 or c < 0 or r >= len(grid) or c >= len(grid[r]):
            return False
        cell = grid[r][c]
        return cell is not None and not cell.is_blank()

    last: tuple[int, int] | None = None
    if bounds.rows == 1 and bounds.cols == 1:
        # a single cell: the table is the data region around that cell, if it holds data
        if not filled(bounds.r0, bounds.c0):
            return None
        last = (bounds.r0, bounds.c0)
        bounds = Bounds(sheet, 0, sheet.row_count, 0, sheet.column_count)
    for r in range(min(bounds.r1, len(grid)) - 1 if last is None else -1, bounds.r0 - 1, -1):
        row = grid[r]
        for c in range(min(bounds.c1, len(row)) - 1, bounds.c0 - 1, -1):
            if filled(r, c):
                last = (r, c)
                break
        if last:
            break
    if last is None:
        return None
    r0, r1, c0, c1 = last[0], last[0] + 1, last[1], last[1] + 1
    changed = True
    while changed:
        changed = False
        if r0 > bounds.r0 and any(filled(r0 - 1, c) for c in range(max(c0 - 1, bounds.c0), min(c1 + 1, bounds.c1))):
            r0 -= 1
            changed = True
        if r1 < bounds.r1 and any(filled(r1, c) for c in range(max(c0 - 1, bounds.c0), min(c1 + 1, bounds.c1))):
            r1 += 1
            changed = True
        if c0 > bounds.c0 and any(filled(r, c0 - 1) for r in range(max(r0 - 1, bounds.r0), min(r1 + 1, bounds.r1))):
            c0 -= 1
            changed = True
        if c1 < bounds.c1 and any(filled(r, c1) for r in range(max(r0 - 1, bounds.r0), min(r1 + 1, bounds.r1))):
            c1 += 1
            changed = True
    return r0, r1, c0, c1


def values_append(ctx: Ctx, spreadsheet_id: str, range_text: str) -> Any:
    """POST /v4/spreadsheets/{id}/values/{range}:append."""
    body = ctx.json_object()
    input_option = ctx.arg("valueInputOption")
    if not input_option:
        raise bad_request("'valueInputOption' is required but not specified")
    if input_option not in core.INPUT_OPTIONS:
        raise bad_request(f"Invalid value at 'value_input_option', \"{input_option}\"")
    insert_option = ctx.arg("insertDataOption") or "OVERWRITE"
    if insert_option not in {"OVERWRITE", "INSERT_ROWS"}:
        raise bad_request(f"Invalid value at 'insert_data_option', \"{insert_option}\"")
    file = open_file(ctx, spreadsheet_id, write=True)
    spreadsheet = _sheet(file)
    values = core.coerce_values(body.get("values"), "data.values")
    major = body.get("majorDimension") or "ROWS"
    bounds = parse_range(spreadsheet, range_text, clip=False)
    sheet = bounds.sheet
    bounds.r1 = min(bounds.r1, sheet.row_count)
    bounds.c1 = min(bounds.c1, sheet.column_count)
    table = _table_range(spreadsheet, bounds)
    if table is None:
        start_r, start_c = bounds.r0, bounds.c0
    else:
        start_r, start_c = table[1], table[2]
    n_rows = max((len(c) for c in values), default=0) if major == "COLUMNS" else len(values)
    n_cols = len(values) if major == "COLUMNS" else max((len(r) for r in values), default=0)
    if insert_option == "INSERT_ROWS" and n_rows:
        Batch(ctx.store, file, ctx.email).insert_dimension(
            {
                "range": {
                    "sheetId": sheet.sheet_id,
                    "dimension": "ROWS",
                    "startIndex": start_r,
                    "endIndex": start_r + n_rows,
                }
            }
        )
    if start_r + n_rows > sheet.row_count:
        sheet.row_count = start_r + n_rows  # append grows the grid as Sheets does
    if start_c + n_cols > sheet.column_count:
        sheet.column_count = start_c + n_cols
    target = Bounds(sheet, start_r, start_r + max(n_rows, 1), start_c, start_c + max(n_cols, 1))
    result = core.write_values(ctx.store, file, ctx.email, target, values, major, input_option, exact_range=False)
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    if table is not None:
        from sandbox.google.a1 import format_range

        out["tableRange"] = format_range(sheet.title, *table)
    updates = {"spreadsheetId": spreadsheet_id, **result}
    if ctx.flag("includeValuesInResponse") and "updatedRows" in result:
        updates["updatedData"] = core.read_values(spreadsheet, parse_range(spreadsheet, result["updatedRange"]))
    out["updates"] = updates
    return out


def values_clear(ctx: Ctx, spreadsheet_id: str, range_text: str) -> Any:
    """POST /v4/spreadsheets/{id}/values/{range}:clear."""
    ctx.json_object()
    file = open_file(ctx, spreadsheet_id, write=True)
    bounds = _read_bounds(_sheet(file), range_text)
    return {
        "spreadsheetId": spreadsheet_id,
        "clearedRange": core.clear_values(ctx.store, file, ctx.email, bounds),
    }


def values_batch_clear(ctx: Ctx, spreadsheet_id: str) -> Any:
    """POST /v4/spreadsheets/{id}/values:batchClear."""
    body = ctx.json_object()
    file = open_file(ctx, spreadsheet_id, write=True)
    ranges = body.get("ranges") or []
    bounds = []
    for index, text in enumerate(ranges):
        try:
            bounds.append(_read_bounds(_sheet(file), text))
        except GoogleApiError as err:
            raise in_batch_item(err, f"Invalid range[{index}]") from None
    cleared = [core.clear_values(ctx.store, file, ctx.email, b) for b in bounds]
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    if cleared:
        out["clearedRanges"] = cleared
    return out
