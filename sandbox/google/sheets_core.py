"""Sheets v4 shared machinery: rendering a spreadsheet resource, reading cell values under a
render option, writing values under an input option, and enforcing protected ranges and strict
data validation for the account that writes.
"""

from __future__ import annotations

import copy
import functools
import json
import struct
from typing import Any

from sandbox.google import numbers
from sandbox.google.a1 import Bounds, format_range
from sandbox.google.errors import GoogleApiError, invalid_values_field, protected_cell
from sandbox.google.formula import ErrorValue, evaluate
from sandbox.google.model import Cell, DriveFile, Sheet, Spreadsheet, Store

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}

THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
        {
            "colorType": "ACCENT1",
            "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}},
        },
        {
            "colorType": "ACCENT2",
            "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}},
        },
        {
            "colorType": "ACCENT3",
            "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}},
        },
        {
            "colorType": "ACCENT4",
            "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}},
        },
        {"colorType": "ACCENT5", "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}}},
        {
            "colorType": "ACCENT6",
            "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}},
        },
        {"colorType": "LINK", "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}},
    ],
}

VALUE_RENDER = {"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"}
DATE_RENDER = {"SERIAL_NUMBER", "FORMATTED_STRING"}
INPUT_OPTIONS = {"RAW", "USER_ENTERED"}
DIMENSIONS = {"ROWS", "COLUMNS"}


def f32(value: float) -> float | int:
    """A colour channel as Google stores it (float32), whole values as ints."""
    value = struct.unpack("f", struct.pack("f", float(value)))[0]
    if value == int(value):
        return int(value)
    return float(f"{value:.8g}")


def jnum(value: float) -> float | int:
    """A number for JSON: whole floats as ints, as Google prints them."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def norm_color(color: dict[str, Any] | None) -> dict[str, Any]:
    """Zero channels dropped, 8 bits per channel (Sheets stores 0..255) in float32 precision."""
    import math

    out: dict[str, Any] = {}
    for key in ("red", "green", "blue", "alpha"):
        value = (color or {}).get(key)
        if value is None or not isinstance(value, (int, float)):
            continue
        if key != "alpha":
            value = math.floor(min(max(float(value), 0.0), 1.0) * 255 + 1e-6) / 255
        if value:
            out[key] = f32(value)
    return out


def norm_color_style(style: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ColorStyle with its rgbColor normalised (None when cleared)."""
    if not style:
        return None
    if style.get("themeColor"):
        return {"themeColor": style["themeColor"]}
    if style.get("rgbColor") is None:
        return None
    return {"rgbColor": norm_color(style["rgbColor"])}


def _pair_colors(target: dict[str, Any], color_key: str, style_key: str) -> None:
    """Google mirrors ``xColor`` and ``xColorStyle``; keep both in step."""
    if style_key in target:
        style = norm_color_style(target[style_key])
        if style is None:
            target.pop(style_key, None)
            target.pop(color_key, None)
        else:
            target[style_key] = style
            if "rgbColor" in style:
                target[color_key] = dict(style["rgbColor"])
    elif color_key in target:
        if target[color_key] is None:
            target.pop(color_key)
        else:
            target[color_key] = norm_color(target[color_key])
            target[style_key] = {"rgbColor": dict(target[color_key])}


def norm_format(fmt: dict[str, Any]) -> dict[str, Any]:
    """A CellFormat as Google echoes it (colour styles mirrored)."""
    fmt = copy.deepcopy(fmt)
    _pair_colors(fmt, "backgroundColor", "backgroundColorStyle")
    text = fmt.get("textFormat")
    if isinstance(text, dict):
        _pair_colors(text, "foregroundColor", "foregroundColorStyle")
    borders = fmt.get("borders")
    if isinstance(borders, dict):
        for side in borders.values():
            if isinstance(side, dict):
                _pair_colors(side, "color", "colorStyle")
    return {k: v for k, v in fmt.items() if v is not None}


def grid_range_json(sheet_id: int, r0: int | None, r1: int | None, c0: int | None, c1: int | None) -> dict[str, int]:
    """A GridRange as Google prints it (sheetId 0 omitted, open ends omitted)."""
    out: dict[str, int] = {}
    if sheet_id:
        out["sheetId"] = sheet_id
    for key, value in (
        ("startRowIndex", r0),
        ("endRowIndex", r1),
        ("startColumnIndex", c0),
        ("endColumnIndex", c1),
    ):
        if value is not None:
            out[key] = value
    return out


# ---- reading --------------------------------------------------------------------------------
class Reader:
    """Effective values of a spreadsheet's cells, formulas evaluated on demand."""

    def __init__(self, spreadsheet: Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self._active: set[tuple[int, int, int]] = set()

    def effective(self, sheet: Sheet, r: int, c: int) -> Any:
        """The computed value at (r, c): None, float, str, bool or ErrorValue."""
        cell = sheet.cell(r, c)
        if cell is None:
            return None
        if cell.formula is None:
            return cell.value
        key = (sheet.sheet_id, r, c)
        if key in self._active or len(self._active) > 200:
            from sandbox.google.formula import REF

            return REF
        self._active.add(key)
        try:
            return evaluate(cell.formula, lambda title, r0, r1, c0, c1: self._resolve(sheet, title, r0, r1, c0, c1))
        finally:
            self._active.discard(key)

    def _resolve(self, home: Sheet, title: str | None, r0: int, r1: int, c0: int, c1: int) -> list[list[Any]]:
        sheet = home if title is None else self.spreadsheet.sheet_by_title(title)
        if sheet is None:
            from sandbox.google.formula import REF

            return [[REF]]
        return [[self.effective(sheet, r, c) for c in range(c0, c1)] for r in range(r0, r1)]

    def render(self, sheet: Sheet, r: int, c: int, option: str, date_option: str) -> Any:
        """The value at (r, c) under a ValueRenderOption; None for an empty cell."""
        cell = sheet.cell(r, c)
        if cell is None:
            return None
        if option == "FORMULA" and cell.formula is not None:
            return cell.formula
        value = self.effective(sheet, r, c)
        if value is None:
            return None
        if isinstance(value, ErrorValue):
            return value.text
        number_format = (cell.fmt or {}).get("numberFormat")
        if option in {"UNFORMATTED_VALUE", "FORMULA"}:
            if (
                isinstance(value, float)
                and date_option == "FORMATTED_STRING"
                and number_format
                and number_format.get("type") in {"DATE", "TIME", "DATE_TIME"}
            ):
                return numbers.format_number(value, number_format, self.spreadsheet.locale)
            return jnum(value) if isinstance(value, float) else value
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return numbers.format_number(value, number_format, self.spreadsheet.locale)
        return value

    def formatted(self, sheet: Sheet, r: int, c: int) -> str | None:
        """formattedValue of a cell."""
        value = self.render(sheet, r, c, "FORMATTED_VALUE", "SERIAL_NUMBER")
        return None if value is None else str(value)


def read_values(
    spreadsheet: Spreadsheet,
    bounds: Bounds,
    major: str = "ROWS",
    option: str = "FORMATTED_VALUE",
    date_option: str = "SERIAL_NUMBER",
) -> dict[str, Any]:
    """A ValueRange for ``bounds`` (trailing empties trimmed as Google does)."""
    reader = Reader(spreadsheet)
    sheet = bounds.sheet
    last_row = min(bounds.r1, len(sheet.grid))
    rows: list[list[Any]] = []
    for r in range(bounds.r0, last_row):
        grid_row = sheet.grid[r]
        end = min(bounds.c1, len(grid_row))
        out_row = [reader.render(sheet, r, c, option, date_option) for c in range(bounds.c0, end)]
        rows.append(out_row)
    if major == "COLUMNS":
        width = max((len(row) for row in rows), default=0)
        rows = [[row[c] if c < len(row) else None for row in rows] for c in range(width)]
    cleaned: list[list[Any]] = []
    for row in rows:
        while row and row[-1] is None:
            row.pop()
        cleaned.append(["" if v is None else v for v in row])
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    result: dict[str, Any] = {"range": bounds.a1(), "majorDimension": major}
    if cleaned:
        result["values"] = cleaned
    return result


# ---- writing --------------------------------------------------------------------------------
def editors_of(protection: dict[str, Any]) -> set[str]:
    """Lower-cased editor emails of a protected range."""
    return {u.lower() for u in (protection.get("editors") or {}).get("users") or []}


def _intersects(pr: dict[str, Any], sheet: Sheet, r0: int, r1: int, c0: int, c1: int, *, grid: bool = False) -> bool:
    rng = pr if grid else (pr.get("range") or {})
    if rng.get("sheetId", 0) != sheet.sheet_id:
        return False
    pr0, pr1 = rng.get("startRowIndex", 0), rng.get("endRowIndex", sheet.row_count)
    pc0, pc1 = rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.column_count)
    return bool(pr0 < r1 and r0 < pr1 and pc0 < c1 and c0 < pc1)


def _cell_protected(pr: dict[str, Any], sheet: Sheet, r: int, c: int) -> bool:
    if not _intersects(pr, sheet, r, r + 1, c, c + 1):
        return False
    return all(not _intersects(un, sheet, r, r + 1, c, c + 1, grid=True) for un in pr.get("unprotectedRanges") or [])


def check_protection(
    spreadsheet: Spreadsheet,
    file: DriveFile,
    email: str,
    sheet: Sheet,
    cells: list[tuple[int, int]] | tuple[int, int, int, int],
) -> None:
    """403 when ``email`` writes a cell of a protection it is not an editor of."""
    if file.owner == email:
        return
    for pr in spreadsheet.protected_ranges:
        if pr.get("warningOnly") or email in editors_of(pr):
            continue
        if isinstance(cells, tuple):
            r0, r1, c0, c1 = cells
            if not _intersects(pr, sheet, r0, r1, c0, c1):
                continue
            if not pr.get("unprotectedRanges"):
                raise protected_cell()
            for r in range(r0, r1):
                for c in range(c0, c1):
                    if _cell_protected(pr, sheet, r, c):
                        raise protected_cell()
        else:
            for r, c in cells:
                if _cell_protected(pr, sheet, r, c):
                    raise protected_cell()


def _condition_ok(rule: dict[str, Any], value: Any, spreadsheet: Spreadsheet) -> bool:
    condition = rule.get("condition") or {}
    kind = condition.get("type")
    args = [v.get("userEnteredValue", "") for v in condition.get("values") or []]
    if value is None or value == "":
        return True
    if kind == "ONE_OF_LIST":
        text = (
            value
            if isinstance(value, str)
            else numbers.general(float(value), numbers.rules_for("en_US"))
            if isinstance(value, float)
            else str(value)
        )
        return text.strip().lower() in {a.strip().lower() for a in args}
    if kind == "BOOLEAN":
        return isinstance(value, bool)
    if kind and kind.startswith("NUMBER_"):
        if not isinstance(value, float) or isinstance(value, bool):
            return False
        try:
            nums = [float(numbers.parse_user_entered(a, spreadsheet.locale).value or 0) for a in args]
        except (TypeError, ValueError):
            return True
        checks = {
            "NUMBER_GREATER": lambda: value > nums[0],
            "NUMBER_GREATER_THAN_EQ": lambda: value >= nums[0],
            "NUMBER_LESS": lambda: value < nums[0],
            "NUMBER_LESS_THAN_EQ": lambda: value <= nums[0],
            "NUMBER_EQ": lambda: value == nums[0],
            "NUMBER_NOT_EQ": lambda: value != nums[0],
            "NUMBER_BETWEEN": lambda: nums[0] <= value <= nums[1],
            "NUMBER_NOT_BETWEEN": lambda: not nums[0] <= value <= nums[1],
        }
        check = checks.get(kind)
        return True if check is None else bool(check())
    if kind == "TEXT_CONTAINS":
        return isinstance(value, str) and bool(args) and args[0].lower() in value.lower()
    if kind == "TEXT_IS_EMAIL":
        return isinstance(value, str) and "@" in value
    if kind == "TEXT_IS_URL":
        return isinstance(value, str) and value.startswith(("http://", "https://"))
    return True


def validation_error(sheet: Sheet, r: int, c: int, raw: Any) -> GoogleApiError:
    """400 for a value a strict data validation rule rejects."""
    # The wording Sheets uses for a rejected entry (as reported from the live product); the API
    # answers it as a 400 INVALID_ARGUMENT.
    del raw
    cell = format_range(sheet.title, r, r + 1, c, c + 1).rsplit("!", 1)[-1]
    return GoogleApiError(
        400, f"The data you entered in cell {cell} violates the data validation rules set on this cell."
    )


def coerce_values(values: Any, field: str) -> list[list[Any]]:
    """``values`` as a list of lists, Google's 400 when it is not."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid_values_field(field, values)
    for row in values:
        if not isinstance(row, list):
            raise invalid_values_field(field, values)
        for item in row:
            if isinstance(item, (dict, list)):
                raise invalid_values_field(field, values)
    return values


def write_values(
    store: Store,
    file: DriveFile,
    email: str,
    bounds: Bounds,
    values: list[list[Any]],
    major: str,
    input_option: str,
    *,
    exact_range: bool,
    touched: tuple[set[int], set[int]] | None = None,
) -> dict[str, Any]:
    """Write a block at ``bounds``' top-left; an UpdateValuesResponse (without spreadsheetId).

    A JSON null (or a cell missing from a short row) is skipped, as Sheets documents: it leaves
    the cell as it is and is not counted, so ``updatedCells``, ``updatedRows``, ``updatedColumns``
    and ``updatedRange`` describe only the cells written. ``touched`` (rows, columns), when given,
    collects the 0-based indexes written, for a batch's totals.
    """
    spreadsheet = file.spreadsheet
    assert spreadsheet is not None
    sheet = bounds.sheet
    if major == "COLUMNS":
        width = max((len(col) for col in values), default=0)
        rows = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        n_rows, n_cols = width, len(values)
        present = [[i < len(col) for col in values] for i in range(width)]
    else:
        rows = values
        n_rows, n_cols = len(values), max((len(row) for row in values), default=0)
        present = None
    if n_rows == 0 or n_cols == 0:
        return {"updatedRange": bounds.a1()}
    r0, c0 = bounds.r0, bounds.c0
    if exact_range:
        if n_rows > bounds.rows:
            raise GoogleApiError(
                400,
                f"Requested writing within range [{bounds.a1()}], but tried writing to row [{r0 + n_rows}]",
            )
        if n_cols > bounds.cols:
            from sandbox.google.a1 import column_letter

            raise GoogleApiError(
                400,
                f"Requested writing within range [{bounds.a1()}], but tried writing to column "
                f"[{column_letter(c0 + n_cols - 1)}]",
            )
    if r0 + n_rows > sheet.row_count or c0 + n_cols > sheet.column_count:
        target = format_range(sheet.title, r0, r0 + n_rows, c0, c0 + n_cols)
        raise GoogleApiError(
            400,
            f"Range ({target}) exceeds grid limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}",
        )
    written = [
        (r0 + i, c0 + j)
        for i, row in enumerate(rows)
        for j, raw in enumerate(row)
        if raw is not None and (present is None or present[i][j])
    ]
    if not written:
        return {"updatedRange": bounds.a1()}
    if len(written) == n_rows * n_cols:
        check_protection(spreadsheet, file, email, sheet, (r0, r0 + n_rows, c0, c0 + n_cols))
    else:
        check_protection(spreadsheet, file, email, sheet, written)  # a skipped cell is no edit
    locale = spreadsheet.locale
    user_entered = input_option == "USER_ENTERED"
    # parse first, validate, then commit: a rejected write changes nothing
    parsed_rows: list[list[tuple[Any, str | None, dict[str, str] | None, bool]]] = []
    for i, row in enumerate(rows):
        out: list[tuple[Any, str | None, dict[str, str] | None, bool]] = []
        for j, raw in enumerate(row):
            if present is not None and not present[i][j]:
                out.append((None, None, None, False))
                continue
            if raw is None:
                out.append((None, None, None, False))  # JSON null leaves the cell as it is
                continue
            if user_entered:
                parsed = numbers.parse_user_entered(raw, locale)
                out.append((parsed.value, parsed.formula, parsed.number_format, True))
            elif isinstance(raw, bool):
                out.append((raw, None, None, True))
            elif isinstance(raw, (int, float)):
                out.append((float(raw), None, None, True))
            else:
                text = str(raw)
                out.append((text if text != "" else None, None, None, True))
        parsed_rows.append(out)
    keep_format = store.limits.typed_format == "keep"
    grid = sheet.grid
    has_rules = any(cell is not None and cell.validation for row in grid for cell in row) if grid else False
    if has_rules:
        for i, out in enumerate(parsed_rows):
            for j, (value, formula, _fmt, write) in enumerate(out):
                if not write or formula is not None:
                    continue
                cell = sheet.cell(r0 + i, c0 + j)
                rule = cell.validation if cell is not None else None
                if rule and rule.get("strict") and not _condition_ok(rule, value, spreadsheet):
                    raw = rows[i][j]
                    raise validation_error(sheet, r0 + i, c0 + j, raw)
    for i, out in enumerate(parsed_rows):
        r = r0 + i
        for j, (value, formula, fmt, write) in enumerate(out):
            if not write:
                continue
            c = c0 + j
            if value is None and formula is None:
                existing = sheet.cell(r, c)
                if existing is not None:
                    existing.value = None
                    existing.formula = None
                continue
            cell = sheet.ensure(r, c)
            cell.value = value
            cell.formula = formula
            if fmt is not None and not (keep_format and (cell.fmt or {}).get("numberFormat")):
                merged = dict(cell.fmt or {})
                merged["numberFormat"] = fmt
                cell.fmt = merged
    store.touch(file, email, lagged=True)
    rows_written = {r for r, _ in written}
    cols_written = {c for _, c in written}
    if touched is not None:
        touched[0].update(rows_written)
        touched[1].update(cols_written)
    return {
        "updatedRange": format_range(
            sheet.title, min(rows_written), max(rows_written) + 1, min(cols_written), max(cols_written) + 1
        ),
        "updatedRows": len(rows_written),
        "updatedColumns": len(cols_written),
        "updatedCells": len(written),
    }


def clear_values(store: Store, file: DriveFile, email: str, bounds: Bounds) -> str:
    """Clear values (formats stay); returns the cleared range in A1."""
    spreadsheet = file.spreadsheet
    assert spreadsheet is not None
    sheet = bounds.sheet
    check_protection(spreadsheet, file, email, sheet, (bounds.r0, bounds.r1, bounds.c0, bounds.c1))
    for r in range(bounds.r0, min(bounds.r1, len(sheet.grid))):
        row = sheet.grid[r]
        for c in range(bounds.c0, min(bounds.c1, len(row))):
            cell = row[c]
            if cell is not None:
                cell.value = None
                cell.formula = None
    store.touch(file, email, lagged=True)
    return bounds.a1()


# ---- the spreadsheet resource -----------------------------------------------------------------
def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    """SheetProperties JSON."""
    grid: dict[str, Any] = {"rowCount": sheet.row_count, "columnCount": sheet.column_count}
    if sheet.frozen_rows:
        grid["frozenRowCount"] = sheet.frozen_rows
    if sheet.frozen_cols:
        grid["frozenColumnCount"] = sheet.frozen_cols
    if sheet.hide_gridlines:
        grid["hideGridlines"] = True
    props: dict[str, Any] = {
        "sheetId": sheet.sheet_id,
        "title": sheet.title,
        "index": sheet.index,
        "sheetType": "GRID",
        "gridProperties": grid,
    }
    if sheet.hidden:
        props["hidden"] = True
    if sheet.right_to_left:
        props["rightToLeft"] = True
    if sheet.tab_color:
        props["tabColor"] = dict(sheet.tab_color)
        props["tabColorStyle"] = {"rgbColor": dict(sheet.tab_color)}
    return props


def spreadsheet_properties(spreadsheet: Spreadsheet) -> dict[str, Any]:
    """SpreadsheetProperties JSON."""
    return {
        "title": spreadsheet.title,
        "locale": spreadsheet.locale,
        "autoRecalc": spreadsheet.auto_recalc,
        "timeZone": spreadsheet.time_zone,
        "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(THEME),
    }


def _user_value(cell: Cell) -> dict[str, Any] | None:
    if cell.formula is not None:
        return {"formulaValue": cell.formula}
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": jnum(value)}
    return {"stringValue": value}


def _effective_value(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ErrorValue):
        return {"errorValue": {"type": value.kind, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": jnum(value)}
    return {"stringValue": value}


def _json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): what ``copy.deepcopy`` gives, several times faster."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value


def _merge_dicts(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = _json_copy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_dicts(out[key], value)
        else:
            out[key] = _json_copy(value)
    return out


@functools.lru_cache(maxsize=4096)
def _formats_of(fmt_json: str) -> tuple[dict[str, Any], dict[str, Any]]:
    fmt = json.loads(fmt_json)
    return norm_format(fmt), norm_format(_merge_dicts(DEFAULT_FORMAT, fmt))


def cell_formats(fmt: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(userEnteredFormat, effectiveFormat) of a cell's format, as Google echoes them.

    Worked out once per distinct format (a sheet holds few, repeated over thousands of cells):
    a read of a whole workbook spent most of its time here. The answer is shared between the
    cells of a read: a read's JSON is only serialised, or masked into new objects (fields), never
    changed in place.
    """
    return _formats_of(json.dumps(fmt))


def cell_data(reader: Reader, sheet: Sheet, r: int, c: int) -> dict[str, Any]:
    """CellData JSON for one cell (empty dict for a blank, unformatted cell)."""
    cell = sheet.cell(r, c)
    if cell is None:
        return {}
    out: dict[str, Any] = {}
    user = _user_value(cell)
    if user is not None:
        out["userEnteredValue"] = user
        effective = _effective_value(reader.effective(sheet, r, c))
        if effective is not None:
            out["effectiveValue"] = effective
            formatted = reader.formatted(sheet, r, c)
            if formatted is not None:
                out["formattedValue"] = formatted
    if user is not None or cell.fmt:
        entered, effective = cell_formats(cell.fmt or {})
        if cell.fmt:
            out["userEnteredFormat"] = entered
        out["effectiveFormat"] = effective
    if cell.note:
        out["note"] = cell.note
    if cell.validation:
        out["dataValidation"] = _json_copy(cell.validation)
    return out


def grid_data(spreadsheet: Spreadsheet, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    """GridData JSON for a block of a sheet."""
    reader = Reader(spreadsheet)
    data: dict[str, Any] = {}
    if r0:
        data["startRow"] = r0
    if c0:
        data["startColumn"] = c0
    rows: list[dict[str, Any]] = []
    for r in range(r0, min(r1, len(sheet.grid))):
        values = [cell_data(reader, sheet, r, c) for c in range(c0, min(c1, len(sheet.grid[r])))]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    if rows:
        data["rowData"] = rows
    data["rowMetadata"] = [{"pixelSize": 21, **sheet.row_meta.get(r, {})} for r in range(r0, r1)]
    data["columnMetadata"] = [{"pixelSize": 100, **sheet.col_meta.get(c, {})} for c in range(c0, c1)]
    return data


def prune_empty(node: Any, key: str | None = None) -> Any:
    """After a field mask: drop trailing empty CellData/RowData and the lists left empty."""
    if isinstance(node, dict):
        out = {}
        for name, value in node.items():
            value = prune_empty(value, name)
            if name in {"rowData", "values"} and isinstance(value, list) and not value:
                continue
            out[name] = value
        return out
    if isinstance(node, list):
        items = [prune_empty(v, key) for v in node]
        if key in {"rowData", "values"}:
            while items and items[-1] == {}:
                items.pop()
        return items
    return node


def spreadsheet_json(
    store: Store,
    file: DriveFile,
    email: str,
    *,
    ranges: list[Bounds] | None,
    include_grid: bool,
    base_url: str,
) -> dict[str, Any]:
    """The Spreadsheet resource as spreadsheets.get answers it."""
    spreadsheet = file.spreadsheet
    assert spreadsheet is not None
    sheets_json = []
    wanted = None if not ranges else {b.sheet.sheet_id for b in ranges}
    for sheet in spreadsheet.sheets:
        if wanted is not None and sheet.sheet_id not in wanted:
            continue
        entry: dict[str, Any] = {"properties": sheet_properties(sheet)}
        if include_grid:
            blocks = [b for b in ranges or [] if b.sheet is sheet] or None
            if blocks is None:
                entry["data"] = [grid_data(spreadsheet, sheet, 0, sheet.row_count, 0, sheet.column_count)]
            else:
                entry["data"] = [grid_data(spreadsheet, sheet, b.r0, b.r1, b.c0, b.c1) for b in blocks]
        if sheet.merges:
            entry["merges"] = [
                grid_range_json(sheet.sheet_id, m["r0"], m["r1"], m["c0"], m["c1"]) for m in sheet.merges
            ]
        if sheet.conditional_formats:
            entry["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
        protections = [
            protected_range_json(spreadsheet, file, pr, email)
            for pr in spreadsheet.protected_ranges
            if (pr.get("range") or {}).get("sheetId", 0) == sheet.sheet_id
        ]
        if protections:
            entry["protectedRanges"] = protections
        if sheet.charts:
            entry["charts"] = copy.deepcopy(sheet.charts)
        sheets_json.append(entry)
    body: dict[str, Any] = {
        "spreadsheetId": spreadsheet.id,
        "properties": spreadsheet_properties(spreadsheet),
        "sheets": sheets_json,
    }
    if spreadsheet.named_ranges:
        body["namedRanges"] = copy.deepcopy(spreadsheet.named_ranges)
    body["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{spreadsheet.id}/edit"
    return body


def protected_range_json(spreadsheet: Spreadsheet, file: DriveFile, pr: dict[str, Any], email: str) -> dict[str, Any]:
    """A ProtectedRange as the caller sees it."""
    out: dict[str, Any] = {"protectedRangeId": pr["protectedRangeId"]}
    if pr.get("range") is not None:
        out["range"] = dict(pr["range"])
    if pr.get("namedRangeId"):
        out["namedRangeId"] = pr["namedRangeId"]
    if pr.get("description"):
        out["description"] = pr["description"]
    if pr.get("warningOnly"):
        out["warningOnly"] = True
    if pr.get("unprotectedRanges"):
        out["unprotectedRanges"] = [dict(u) for u in pr["unprotectedRanges"]]
    can_edit = bool(pr.get("warningOnly")) or file.owner == email or email in editors_of(pr)
    out["requestingUserCanEdit"] = can_edit
    if can_edit:
        editors: dict[str, Any] = {}
        users = sorted(editors_of(pr))
        if users:
            editors["users"] = users
        groups = (pr.get("editors") or {}).get("groups") or []
        if groups:
            editors["groups"] = list(groups)
        if (pr.get("editors") or {}).get("domainUsersCanEdit"):
            editors["domainUsersCanEdit"] = True
        out["editors"] = editors
    return out
