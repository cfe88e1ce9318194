"""spreadsheets.batchUpdate: the request kinds the product needs, with Google-shaped replies.

A batch is atomic as in Google: every request applies to a working state, and any error
rolls the whole batch back (a journal of the cells touched plus a snapshot of sheet structure).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sandbox.google.a1 import format_range
from sandbox.google.autosize import column_width, row_height
from sandbox.google.errors import GoogleApiError, in_batch_item, protected_cell
from sandbox.google.fields import parse_fields
from sandbox.google.model import Cell, DriveFile, Sheet, Spreadsheet, Store
from sandbox.google.request_schema import check_message, normalized, snake
from sandbox.google.sheets_core import (
    check_protection,
    editors_of,
    norm_color,
    norm_color_style,
    norm_format,
    protected_range_json,
    sheet_properties,
)

# Every Request kind of the Sheets v4 discovery document; the ones without a handler get a 501.
KNOWN_KINDS = {
    "addBanding",
    "addChart",
    "addConditionalFormatRule",
    "addDataSource",
    "addDimensionGroup",
    "addFilterView",
    "addNamedRange",
    "addProtectedRange",
    "addSheet",
    "addSlicer",
    "addTable",
    "appendCells",
    "appendDimension",
    "autoFill",
    "autoResizeDimensions",
    "cancelDataSourceRefresh",
    "clearBasicFilter",
    "copyPaste",
    "createDeveloperMetadata",
    "cutPaste",
    "deleteBanding",
    "deleteConditionalFormatRule",
    "deleteDataSource",
    "deleteDeveloperMetadata",
    "deleteDimension",
    "deleteDimensionGroup",
    "deleteDuplicates",
    "deleteEmbeddedObject",
    "deleteFilterView",
    "deleteNamedRange",
    "deleteProtectedRange",
    "deleteRange",
    "deleteSheet",
    "deleteTable",
    "duplicateFilterView",
    "duplicateSheet",
    "findReplace",
    "insertDimension",
    "insertRange",
    "mergeCells",
    "moveDimension",
    "pasteData",
    "randomizeRange",
    "refreshDataSource",
    "repeatCell",
    "setBasicFilter",
    "setDataValidation",
    "sortRange",
    "textToColumns",
    "trimWhitespace",
    "unmergeCells",
    "updateBanding",
    "updateBorders",
    "updateCells",
    "updateChartSpec",
    "updateConditionalFormatRule",
    "updateDataSource",
    "updateDeveloperMetadata",
    "updateDimensionGroup",
    "updateDimensionProperties",
    "updateEmbeddedObjectBorder",
    "updateEmbeddedObjectPosition",
    "updateFilterView",
    "updateNamedRange",
    "updateProtectedRange",
    "updateSheetProperties",
    "updateSlicerSpec",
    "updateSpreadsheetProperties",
    "updateTable",
}


HANDLERS: dict[str, str] = {
    "addSheet": "add_sheet",
    "deleteSheet": "delete_sheet",
    "updateSheetProperties": "update_sheet_properties",
    "updateSpreadsheetProperties": "update_spreadsheet_properties",
    "addProtectedRange": "add_protected_range",
    "updateProtectedRange": "update_protected_range",
    "deleteProtectedRange": "delete_protected_range",
    "setDataValidation": "set_data_validation",
    "repeatCell": "repeat_cell",
    "updateCells": "update_cells",
    "mergeCells": "merge_cells",
    "unmergeCells": "unmerge_cells",
    "autoResizeDimensions": "auto_resize",
    "updateDimensionProperties": "update_dimension_properties",
    "insertDimension": "insert_dimension",
    "deleteDimension": "delete_dimension",
    "appendDimension": "append_dimension",
    "addConditionalFormatRule": "add_conditional_format",
    "deleteConditionalFormatRule": "delete_conditional_format",
    "addChart": "add_chart",
    "deleteEmbeddedObject": "delete_embedded_object",
    "updateBorders": "update_borders",
    "addNamedRange": "add_named_range",
    "deleteNamedRange": "delete_named_range",
}


# Request kinds whose whole body is parsed against the discovery document first, as Google's JSON
# parser does (unknown fields, wrong types, values outside an enum): kind -> its message schema.
PARSED_KINDS: dict[str, str] = {"addChart": "AddChartRequest"}

# ChartSpec's oneof ``chart``: at most one kind of chart per spec.
CHART_KINDS = (
    "basicChart",
    "pieChart",
    "bubbleChart",
    "candlestickChart",
    "orgChart",
    "histogramChart",
    "waterfallChart",
    "treemapChart",
    "scorecardChart",
)


class _Invalid(Exception):
    """An error of one request; the batch turns it into ``Invalid requests[i].kind: ...``."""


class Txn:
    """Undo information for one batch."""

    def __init__(self, spreadsheet: Spreadsheet) -> None:
        self.spreadsheet = spreadsheet
        self.ss_state = {k: copy.copy(v) for k, v in vars(spreadsheet).items() if k != "rng"}
        self.sheets = list(spreadsheet.sheets)
        self.sheet_state: dict[int, dict[str, Any]] = {}
        for sheet in spreadsheet.sheets:
            self.save_sheet(sheet)
        self.cells: dict[int, tuple[Cell, tuple[Any, ...]]] = {}

    def save_sheet(self, sheet: Sheet) -> None:
        """Remember a sheet's structure (rows lists copied, cells shared)."""
        state = {k: copy.copy(v) for k, v in vars(sheet).items() if k != "grid"}
        state["grid"] = [list(row) for row in sheet.grid]
        self.sheet_state[id(sheet)] = state

    def cell(self, sheet: Sheet, r: int, c: int) -> Cell:
        """The cell at (r, c), journalled before its first change."""
        cell = sheet.ensure(r, c)
        key = id(cell)
        if key not in self.cells:
            self.cells[key] = (cell, (cell.value, cell.formula, cell.fmt, cell.note, cell.validation))
        return cell

    def rollback(self) -> None:
        """Put everything back."""
        for cell, (value, formula, fmt, note, validation) in self.cells.values():
            cell.value, cell.formula, cell.fmt, cell.note, cell.validation = (
                value,
                formula,
                fmt,
                note,
                validation,
            )
        for sheet in self.sheets:
            vars(sheet).update(self.sheet_state[id(sheet)])
        vars(self.spreadsheet).update(self.ss_state)
        self.spreadsheet.sheets = self.sheets


class Batch:
    """Applies the requests of one spreadsheets.batchUpdate call."""

    def __init__(self, store: Store, file: DriveFile, email: str) -> None:
        self.store = store
        self.file = file
        assert file.spreadsheet is not None
        self.ss: Spreadsheet = file.spreadsheet
        self.email = email
        self.txn = Txn(self.ss)
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
            kind: getattr(self, method) for kind, method in HANDLERS.items()
        }

    # ---- driver -----------------------------------------------------------------------------
    def run(self, requests: Any) -> list[dict[str, Any]]:
        """Apply every request; roll back and raise on the first error."""
        if not isinstance(requests, list):
            raise GoogleApiError(400, "Invalid JSON payload received. 'requests' must be a list.")
        if not requests:
            raise GoogleApiError(400, "Must specify at least one request.")
        replies: list[dict[str, Any]] = []
        try:
            for index, request in enumerate(requests):
                if not isinstance(request, dict) or len(request) != 1:
                    raise GoogleApiError(400, f"Invalid requests[{index}]: exactly one kind of request must be set.")
                kind, body = next(iter(request.items()))
                if kind not in KNOWN_KINDS:
                    raise GoogleApiError(
                        400,
                        f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]': "
                        "Cannot find field.",
                    )
                handler = self.handlers.get(kind)
                if handler is None:
                    raise GoogleApiError(
                        501,
                        f"Invalid requests[{index}]: the request kind {kind} is not implemented by the sandbox.",
                    )
                if not isinstance(body, dict):
                    raise GoogleApiError(400, f"Invalid requests[{index}].{kind}: the request must be an object.")
                if kind in PARSED_KINDS:
                    check_message(body, PARSED_KINDS[kind], f"requests[{index}].{snake(kind)}")
                    body = normalized(body, PARSED_KINDS[kind])
                try:
                    reply = handler(body)
                except _Invalid as err:
                    raise GoogleApiError(400, f"Invalid requests[{index}].{kind}: {err}") from None
                except GoogleApiError as err:
                    if err.code != 400:
                        raise
                    raise in_batch_item(err, f"Invalid requests[{index}].{kind}") from None
                replies.append(reply or {})
        except GoogleApiError:
            self.txn.rollback()
            raise
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            self.txn.rollback()
            raise GoogleApiError(400, f"Invalid request: {err}") from None
        self.store.touch(self.file, self.email, lagged=True)
        return replies

    # ---- helpers ----------------------------------------------------------------------------
    def sheet(self, sheet_id: Any) -> Sheet:
        """The sheet ``sheet_id`` (0 when absent)."""
        sheet = self.ss.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise _Invalid(f"No grid with id: {sheet_id or 0}")
        return sheet

    def bounds(self, grid_range: dict[str, Any] | None) -> tuple[Sheet, int, int, int, int]:
        """A GridRange resolved against its sheet, open ends to the grid's edge."""
        grid_range = grid_range or {}
        sheet = self.sheet(grid_range.get("sheetId"))
        r0 = int(grid_range.get("startRowIndex") or 0)
        r1 = int(
            grid_range.get("endRowIndex", sheet.row_count)
            if grid_range.get("endRowIndex") is not None
            else sheet.row_count
        )
        c0 = int(grid_range.get("startColumnIndex") or 0)
        c1 = int(
            grid_range.get("endColumnIndex", sheet.column_count)
            if grid_range.get("endColumnIndex") is not None
            else sheet.column_count
        )
        if r0 < 0 or c0 < 0 or r1 < r0 or c1 < c0:
            raise _Invalid("Invalid grid range.")
        if r1 > sheet.row_count or c1 > sheet.column_count:
            raise _Invalid(
                f"Range ({format_range(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) exceeds grid limits. "
                f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
            )
        return sheet, r0, r1, c0, c1

    def guard(self, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
        """403 when the caller may not edit this block."""
        check_protection(self.ss, self.file, self.email, sheet, (r0, r1, c0, c1))

    def _unique_title(self, title: str, ignore: Sheet | None = None) -> None:
        for other in self.ss.sheets:
            if other is not ignore and other.title.lower() == title.lower():
                raise _Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')

    # ---- sheets -----------------------------------------------------------------------------
    def add_sheet(self, body: dict[str, Any]) -> dict[str, Any]:
        props = body.get("properties") or {}
        title = props.get("title")
        if not title:
            n = len(self.ss.sheets) + 1
            while self.ss.sheet_by_title(f"Sheet{n}") is not None:
                n += 1
            title = f"Sheet{n}"
        self._unique_title(title)
        sheet_id = props.get("sheetId")
        if sheet_id is not None and self.ss.sheet_by_id(int(sheet_id)) is not None:
            raise _Invalid(f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        sheet = self.ss.add_sheet(
            title,
            int(grid.get("rowCount") or 1000),
            int(grid.get("columnCount") or 26),
            props.get("index"),
            None if sheet_id is None else int(sheet_id),
        )
        self.txn.sheet_state.setdefault(id(sheet), {})
        sheet.frozen_rows = int(grid.get("frozenRowCount") or 0)
        sheet.frozen_cols = int(grid.get("frozenColumnCount") or 0)
        sheet.hide_gridlines = bool(grid.get("hideGridlines"))
        sheet.hidden = bool(props.get("hidden"))
        sheet.right_to_left = bool(props.get("rightToLeft"))
        self._set_tab_color(sheet, props, {"tabColor", "tabColorStyle"} & set(props))
        return {"addSheet": {"properties": sheet_properties(sheet)}}

    def _set_tab_color(self, sheet: Sheet, props: dict[str, Any], keys: set[str]) -> None:
        if "tabColorStyle" in keys:
            style = norm_color_style(props.get("tabColorStyle"))
            sheet.tab_color = style.get("rgbColor") if style else None
        elif "tabColor" in keys:
            color = props.get("tabColor")
            sheet.tab_color = norm_color(color) if color is not None else None

    def delete_sheet(self, body: dict[str, Any]) -> None:
        sheet = self.sheet(body.get("sheetId"))
        if len(self.ss.sheets) == 1:
            raise _Invalid("You can't remove all the sheets in a document.")
        for pr in self.ss.protected_ranges:
            if (pr.get("range") or {}).get("sheetId", 0) == sheet.sheet_id and not self._may_edit(pr):
                raise protected_cell()
        self.ss.sheets.remove(sheet)
        self.ss.protected_ranges = [
            pr for pr in self.ss.protected_ranges if (pr.get("range") or {}).get("sheetId", 0) != sheet.sheet_id
        ]
        self.ss.reindex()
        if all(s.hidden for s in self.ss.sheets):
            self.ss.sheets[0].hidden = False

    def update_sheet_properties(self, body: dict[str, Any]) -> None:
        props = body.get("properties") or {}
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        sheet = self.sheet(props.get("sheetId"))
        mask = parse_fields(fields)
        grid = props.get("gridProperties") or {}
        everything = mask is None
        keys = set(mask or {}) if not everything else set(props) | {"gridProperties"}
        grid_keys: set[str]
        if everything or mask.get("gridProperties", {}) is None:  # type: ignore[union-attr]
            grid_keys = {"rowCount", "columnCount", "frozenRowCount", "frozenColumnCount", "hideGridlines"}
            grid_keys = grid_keys if everything is False else set(grid)
        else:
            grid_keys = set(mask.get("gridProperties") or {})  # type: ignore[union-attr]
        if "title" in keys:
            title = props.get("title") or ""
            if not title:
                raise _Invalid("The sheet name cannot be empty.")
            self._unique_title(title, ignore=sheet)
            sheet.title = title
        if "hidden" in keys:
            hidden = bool(props.get("hidden"))
            if hidden and all(s.hidden or s is sheet for s in self.ss.sheets):
                raise _Invalid("You can't hide all the sheets in a document.")
            sheet.hidden = hidden
        if "rightToLeft" in keys:
            sheet.right_to_left = bool(props.get("rightToLeft"))
        self._set_tab_color(sheet, props, {"tabColor", "tabColorStyle"} & keys)
        if "gridProperties" in keys:
            if "rowCount" in grid_keys:
                rows = int(grid.get("rowCount") or 0)
                if rows < 1:
                    raise _Invalid("You can't delete all the rows on the sheet.")
                if rows > sheet.row_count:  # rows added at the end, as insertDimension would
                    self._guard_insert(sheet, "ROWS", sheet.row_count)
                elif rows < sheet.row_count:
                    self.guard(sheet, rows, sheet.row_count, 0, sheet.column_count)
                sheet.row_count = rows
                del sheet.grid[rows:]
            if "columnCount" in grid_keys:
                cols = int(grid.get("columnCount") or 0)
                if cols < 1:
                    raise _Invalid("You can't delete all the columns on the sheet.")
                if cols > sheet.column_count:
                    self._guard_insert(sheet, "COLUMNS", sheet.column_count)
                elif cols < sheet.column_count:
                    self.guard(sheet, 0, sheet.row_count, cols, sheet.column_count)
                sheet.column_count = cols
                for row in sheet.grid:
                    del row[cols:]
            if "frozenRowCount" in grid_keys:
                sheet.frozen_rows = int(grid.get("frozenRowCount") or 0)
            if "frozenColumnCount" in grid_keys:
                sheet.frozen_cols = int(grid.get("frozenColumnCount") or 0)
            if "hideGridlines" in grid_keys:
                sheet.hide_gridlines = bool(grid.get("hideGridlines"))
        if "index" in keys:
            target = int(props.get("index") or 0)
            current = self.ss.sheets.index(sheet)
            self.ss.sheets.remove(sheet)
            # Google counts the destination before the move, as in the UI's "move to index"
            if target > current:
                target -= 1
            self.ss.sheets.insert(max(0, min(target, len(self.ss.sheets))), sheet)
            self.ss.reindex()

    def update_spreadsheet_properties(self, body: dict[str, Any]) -> None:
        props = body.get("properties") or {}
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        mask = parse_fields(fields)
        keys = set(props) if mask is None else set(mask)
        if "title" in keys:
            self.ss.title = props.get("title") or ""
            self.file.name = self.ss.title
        if "locale" in keys:
            code = props.get("locale") or "en_US"
            stored = self.store.limits.stored_locale(code)
            if stored is None:
                # Sheets' wording for a locale it does not take is not documented; the status is 400.
                raise _Invalid(f"Unsupported locale: {code}")
            self.ss.locale = stored
        if "timeZone" in keys:
            self.ss.time_zone = props.get("timeZone") or "Etc/GMT"
        if "autoRecalc" in keys:
            self.ss.auto_recalc = props.get("autoRecalc") or "ON_CHANGE"

    # ---- protection -------------------------------------------------------------------------
    def _may_edit(self, pr: dict[str, Any]) -> bool:
        return self.file.owner == self.email or self.email in editors_of(pr)

    def _find_protection(self, pr_id: Any) -> dict[str, Any]:
        for pr in self.ss.protected_ranges:
            if pr["protectedRangeId"] == pr_id:
                return pr
        raise _Invalid(f"No protected range with id: {pr_id}")

    def _check_range(self, grid_range: dict[str, Any] | None) -> dict[str, Any]:
        sheet, _r0, _r1, _c0, _c1 = self.bounds(grid_range)
        out: dict[str, Any] = {}
        if sheet.sheet_id:
            out["sheetId"] = sheet.sheet_id
        for key in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex"):
            if (grid_range or {}).get(key) is not None:
                out[key] = int(grid_range[key])  # type: ignore[index]
        return out

    def add_protected_range(self, body: dict[str, Any]) -> dict[str, Any]:
        spec = body.get("protectedRange") or {}
        if spec.get("range") is None and not spec.get("namedRangeId"):
            raise _Invalid("A protected range must have a range or a named range.")
        pr_id = spec.get("protectedRangeId")
        if pr_id is None:
            pr_id = self.ss.new_id()
        elif any(p["protectedRangeId"] == pr_id for p in self.ss.protected_ranges):
            raise _Invalid(f"Protected range with id {pr_id} already exists.")
        editors = spec.get("editors") or {}
        if spec.get("warningOnly") and (editors.get("users") or editors.get("groups")):
            raise _Invalid("A warning-only protected range can't have editors.")
        requested_users = [u.lower() for u in editors.get("users") or []]
        # Sheets always makes the requesting user an editor of the protection it creates
        users = requested_users + ([self.email] if self.email not in requested_users else [])
        pr: dict[str, Any] = {
            "protectedRangeId": int(pr_id),
            "range": self._check_range(spec.get("range")) if spec.get("range") is not None else None,
            "namedRangeId": spec.get("namedRangeId"),
            "description": spec.get("description"),
            "warningOnly": bool(spec.get("warningOnly")),
            "unprotectedRanges": [self._check_range(u) for u in spec.get("unprotectedRanges") or []],
            "editors": {
                "users": users,
                "groups": list(editors.get("groups") or []),
                "domainUsersCanEdit": bool(editors.get("domainUsersCanEdit")),
            },
        }
        self.ss.protected_ranges.append(pr)
        reply = protected_range_json(self.ss, self.file, pr, self.email)
        # the reply echoes the editors as requested, without the requester Sheets adds
        echoed: dict[str, Any] = {}
        if requested_users:
            echoed["users"] = requested_users
        if editors.get("groups"):
            echoed["groups"] = list(editors["groups"])
        if editors.get("domainUsersCanEdit"):
            echoed["domainUsersCanEdit"] = True
        reply["editors"] = echoed
        return {"addProtectedRange": {"protectedRange": reply}}

    def update_protected_range(self, body: dict[str, Any]) -> None:
        spec = body.get("protectedRange") or {}
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        pr = self._find_protection(spec.get("protectedRangeId"))
        if not self._may_edit(pr):
            raise protected_cell()
        mask = parse_fields(fields)
        keys = set(spec) if mask is None else set(mask)
        if "range" in keys:
            pr["range"] = self._check_range(spec.get("range"))
        if "description" in keys:
            pr["description"] = spec.get("description")
        if "warningOnly" in keys:
            pr["warningOnly"] = bool(spec.get("warningOnly"))
        if "unprotectedRanges" in keys:
            pr["unprotectedRanges"] = [self._check_range(u) for u in spec.get("unprotectedRanges") or []]
        if "editors" in keys:
            editors = spec.get("editors") or {}
            users = [u.lower() for u in editors.get("users") or []]
            if self.email not in users:
                users.append(self.email)  # the requesting user cannot lock itself out
            pr["editors"] = {
                "users": users,
                "groups": list(editors.get("groups") or []),
                "domainUsersCanEdit": bool(editors.get("domainUsersCanEdit")),
            }

    def delete_protected_range(self, body: dict[str, Any]) -> None:
        pr = self._find_protection(body.get("protectedRangeId"))
        if not self._may_edit(pr):
            raise protected_cell()
        self.ss.protected_ranges.remove(pr)

    # ---- cells ------------------------------------------------------------------------------
    def set_data_validation(self, body: dict[str, Any]) -> None:
        sheet, r0, r1, c0, c1 = self.bounds(body.get("range"))
        self.guard(sheet, r0, r1, c0, c1)
        rule = body.get("rule")
        if rule is not None:
            condition = (rule or {}).get("condition") or {}
            if not condition.get("type"):
                raise _Invalid("Invalid data validation rule: a condition type is required.")
            rule = copy.deepcopy(rule)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if rule is None:
                    existing = sheet.cell(r, c)
                    if existing is not None and existing.validation is not None:
                        self.txn.cell(sheet, r, c).validation = None
                else:
                    self.txn.cell(sheet, r, c).validation = rule

    def _apply_cell(self, cell: Cell, data: dict[str, Any], mask: dict[str, Any] | None) -> None:
        keys = {"userEnteredValue", "userEnteredFormat", "note", "dataValidation"} if mask is None else set(mask)
        if "userEnteredValue" in keys:
            value = data.get("userEnteredValue") or {}
            cell.formula = None
            if "formulaValue" in value:
                cell.value, cell.formula = None, value["formulaValue"]
            elif "numberValue" in value:
                cell.value = float(value["numberValue"])
            elif "boolValue" in value:
                cell.value = bool(value["boolValue"])
            elif "stringValue" in value:
                cell.value = value["stringValue"] or None
            else:
                cell.value = None
        if "userEnteredFormat" in keys:
            sub = None if mask is None else mask["userEnteredFormat"]
            source = data.get("userEnteredFormat") or {}
            if sub is None:
                cell.fmt = norm_format(source) if source else None
            else:
                merged = copy.deepcopy(cell.fmt or {})
                _masked_update(merged, source, sub)
                cell.fmt = norm_format(merged) if merged else None
        if "note" in keys:
            cell.note = data.get("note") or None
        if "dataValidation" in keys:
            cell.validation = copy.deepcopy(data.get("dataValidation")) or None

    def repeat_cell(self, body: dict[str, Any]) -> None:
        sheet, r0, r1, c0, c1 = self.bounds(body.get("range"))
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        self.guard(sheet, r0, r1, c0, c1)
        mask = parse_fields(fields)
        data = body.get("cell") or {}
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._apply_cell(self.txn.cell(sheet, r, c), data, mask)

    def update_cells(self, body: dict[str, Any]) -> None:
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        mask = parse_fields(fields)
        rows = body.get("rows") or []
        if body.get("start") is not None:
            start = body["start"]
            sheet = self.sheet(start.get("sheetId"))
            r0, c0 = int(start.get("rowIndex") or 0), int(start.get("columnIndex") or 0)
            r1 = r0 + len(rows)
            c1 = c0 + max((len(row.get("values") or []) for row in rows), default=0)
            if r1 > sheet.row_count or c1 > sheet.column_count:
                raise _Invalid(
                    f"Range ({format_range(sheet.title, r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))}) exceeds grid "
                    f"limits. Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
                )
            whole = False
        elif body.get("range") is not None:
            sheet, r0, r1, c0, c1 = self.bounds(body["range"])
            whole = True
        else:
            raise _Invalid("Either start or range must be specified.")
        self.guard(sheet, r0, r1, c0, c1)
        for i in range(r1 - r0):
            row = (rows[i].get("values") or []) if i < len(rows) else []
            span = (c1 - c0) if whole else len(row)
            for j in range(span):
                data = row[j] if j < len(row) else {}
                self._apply_cell(self.txn.cell(sheet, r0 + i, c0 + j), data or {}, mask)

    def update_borders(self, body: dict[str, Any]) -> None:
        sheet, r0, r1, c0, c1 = self.bounds(body.get("range"))
        self.guard(sheet, r0, r1, c0, c1)
        for r in range(r0, r1):
            for c in range(c0, c1):
                cell = self.txn.cell(sheet, r, c)
                borders = dict((cell.fmt or {}).get("borders") or {})
                if r == r0 and body.get("top") is not None:
                    borders["top"] = body["top"]
                if r == r1 - 1 and body.get("bottom") is not None:
                    borders["bottom"] = body["bottom"]
                if c == c0 and body.get("left") is not None:
                    borders["left"] = body["left"]
                if c == c1 - 1 and body.get("right") is not None:
                    borders["right"] = body["right"]
                if borders:
                    cell.fmt = norm_format({**(cell.fmt or {}), "borders": borders})

    # ---- merges -----------------------------------------------------------------------------
    def merge_cells(self, body: dict[str, Any]) -> None:
        sheet, r0, r1, c0, c1 = self.bounds(body.get("range"))
        self.guard(sheet, r0, r1, c0, c1)
        kind = body.get("mergeType") or "MERGE_ALL"
        if kind == "MERGE_ALL":
            blocks = [(r0, r1, c0, c1)]
        elif kind == "MERGE_COLUMNS":
            blocks = [(r0, r1, c, c + 1) for c in range(c0, c1)]
        elif kind == "MERGE_ROWS":
            blocks = [(r, r + 1, c0, c1) for r in range(r0, r1)]
        else:
            raise _Invalid(f"Invalid merge type: {kind}")
        for m in sheet.merges:
            inside = r0 <= m["r0"] and m["r1"] <= r1 and c0 <= m["c0"] and m["c1"] <= c1
            overlaps = m["r0"] < r1 and r0 < m["r1"] and m["c0"] < c1 and c0 < m["c1"]
            if overlaps and not inside:
                raise _Invalid("Must specify a range that doesn't partially intersect an existing merge.")
        sheet.merges = [
            m for m in sheet.merges if not (r0 <= m["r0"] and m["r1"] <= r1 and c0 <= m["c0"] and m["c1"] <= c1)
        ]
        for b0, b1, d0, d1 in blocks:
            if (b1 - b0) * (d1 - d0) <= 1:
                continue
            sheet.merges.append({"r0": b0, "r1": b1, "c0": d0, "c1": d1})
            for r in range(b0, b1):
                for c in range(d0, d1):
                    if (r, c) != (b0, d0) and sheet.cell(r, c) is not None:
                        cell = self.txn.cell(sheet, r, c)
                        cell.value, cell.formula = None, None

    def unmerge_cells(self, body: dict[str, Any]) -> None:
        sheet, r0, r1, c0, c1 = self.bounds(body.get("range"))
        sheet.merges = [
            m for m in sheet.merges if not (m["r0"] < r1 and r0 < m["r1"] and m["c0"] < c1 and c0 < m["c1"])
        ]

    # ---- dimensions -------------------------------------------------------------------------
    def _dimension(self, rng: dict[str, Any] | None) -> tuple[Sheet, str, int, int]:
        rng = rng or {}
        sheet = self.sheet(rng.get("sheetId"))
        dimension = rng.get("dimension")
        if dimension not in {"ROWS", "COLUMNS"}:
            raise _Invalid("A dimension (ROWS or COLUMNS) is required.")
        limit = sheet.row_count if dimension == "ROWS" else sheet.column_count
        start = int(rng.get("startIndex") or 0)
        end = int(rng.get("endIndex", limit) if rng.get("endIndex") is not None else limit)
        if start < 0 or end < start:
            raise _Invalid("Invalid dimension range.")
        return sheet, dimension, start, end

    def auto_resize(self, body: dict[str, Any]) -> None:
        sheet, dimension, start, end = self._dimension(body.get("dimensions"))
        rows = dimension == "ROWS"
        meta = sheet.row_meta if rows else sheet.col_meta
        for i in range(start, end):
            size = row_height(self.ss, sheet, i) if rows else column_width(self.ss, sheet, i)
            if size is not None:  # an empty row or column keeps its size
                meta.setdefault(i, {})["pixelSize"] = size

    def update_dimension_properties(self, body: dict[str, Any]) -> None:
        if body.get("range") is None:
            raise _Invalid("A range is required.")
        sheet, dimension, start, end = self._dimension(body.get("range"))
        fields = body.get("fields")
        if not fields:
            raise _Invalid("At least one field must be updated, but none were specified.")
        props = body.get("properties") or {}
        mask = parse_fields(fields)
        keys = set(props) if mask is None else set(mask)
        meta = sheet.row_meta if dimension == "ROWS" else sheet.col_meta
        for i in range(start, end):
            entry = meta.setdefault(i, {})
            for key in keys & {"pixelSize", "hiddenByUser"}:
                value = props.get(key)
                if value in (None, False, 0) and key == "hiddenByUser":
                    entry.pop(key, None)
                elif value is not None:
                    entry[key] = value

    def _shift_ranges(self, sheet: Sheet, dimension: str, at: int, delta: int) -> None:
        lo, hi = ("r0", "r1") if dimension == "ROWS" else ("c0", "c1")
        keys = ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")
        kept = []
        for m in sheet.merges:
            m = dict(m)
            for key in (lo, hi):
                if m[key] > at or (key == lo and m[key] >= at and delta > 0):
                    m[key] = max(at, m[key] + delta) if delta < 0 else m[key] + delta
            if (m["r1"] - m["r0"]) * (m["c1"] - m["c0"]) > 1:
                kept.append(m)
        sheet.merges = kept
        for pr in self.ss.protected_ranges:
            rng = pr.get("range") or {}
            if rng.get("sheetId", 0) != sheet.sheet_id:
                continue
            for key in keys:
                if key in rng and (rng[key] > at or (key == keys[0] and rng[key] >= at and delta > 0)):
                    rng[key] = max(at, rng[key] + delta) if delta < 0 else rng[key] + delta

    def _guard_insert(self, sheet: Sheet, dimension: str, at: int) -> None:
        """400 (a protected edit) when rows or columns inserted at ``at`` land inside a protection.

        A protection whose extent along ``dimension`` is open (a whole-sheet protection) or holds
        ``at`` strictly inside takes the new rows (columns) in, across its whole other extent. The
        exceptions of a sheet protection do not help: inserting changes the protected sheet itself,
        so Sheets refuses it to everyone who is not an editor of the protection.
        """
        if self.file.owner == self.email:
            return
        rows = dimension == "ROWS"
        lo_key, hi_key = ("startRowIndex", "endRowIndex") if rows else ("startColumnIndex", "endColumnIndex")
        x_lo_key, x_hi_key = ("startColumnIndex", "endColumnIndex") if rows else ("startRowIndex", "endRowIndex")
        across = sheet.column_count if rows else sheet.row_count
        for pr in self.ss.protected_ranges:
            rng = pr.get("range") or {}
            if pr.get("warningOnly") or self._may_edit(pr) or rng.get("sheetId", 0) != sheet.sheet_id:
                continue
            lo, hi = rng.get(lo_key), rng.get(hi_key)
            inside = (lo is None or lo < at) and (hi is None or at < hi)
            if inside and rng.get(x_lo_key, 0) < rng.get(x_hi_key, across):
                raise protected_cell()

    def insert_dimension(self, body: dict[str, Any]) -> None:
        sheet, dimension, start, end = self._dimension(body.get("range"))
        count = end - start
        if count <= 0:
            raise _Invalid("The range must include at least one row or column.")
        self._guard_insert(sheet, dimension, start)
        if dimension == "ROWS":
            if start > sheet.row_count:
                raise _Invalid(f"Range startIndex ({start}) is beyond the grid (rows: {sheet.row_count}).")
            sheet.row_count += count
            if start < len(sheet.grid):
                sheet.grid[start:start] = [[] for _ in range(count)]
            shifted = {k + count if k >= start else k: v for k, v in sheet.row_meta.items()}
            sheet.row_meta = shifted
        else:
            if start > sheet.column_count:
                raise _Invalid(f"Range startIndex ({start}) is beyond the grid (columns: {sheet.column_count}).")
            sheet.column_count += count
            for row in sheet.grid:
                if start < len(row):
                    row[start:start] = [None] * count
            sheet.col_meta = {k + count if k >= start else k: v for k, v in sheet.col_meta.items()}
        self._shift_ranges(sheet, dimension, start, count)

    def delete_dimension(self, body: dict[str, Any]) -> None:
        sheet, dimension, start, end = self._dimension(body.get("range"))
        limit = sheet.row_count if dimension == "ROWS" else sheet.column_count
        end = min(end, limit)
        if end - start >= limit:
            what = "rows" if dimension == "ROWS" else "columns"
            raise _Invalid(f"You can't delete all the {what} on the sheet.")
        if dimension == "ROWS":
            self.guard(sheet, start, end, 0, sheet.column_count)
            del sheet.grid[start:end]
            sheet.row_count -= end - start
            sheet.row_meta = {
                (k - (end - start) if k >= end else k): v for k, v in sheet.row_meta.items() if not start <= k < end
            }
        else:
            self.guard(sheet, 0, sheet.row_count, start, end)
            for row in sheet.grid:
                del row[start:end]
            sheet.column_count -= end - start
            sheet.col_meta = {
                (k - (end - start) if k >= end else k): v for k, v in sheet.col_meta.items() if not start <= k < end
            }
        self._shift_ranges(sheet, dimension, start, -(end - start))

    def append_dimension(self, body: dict[str, Any]) -> None:
        sheet = self.sheet(body.get("sheetId"))
        length = int(body.get("length") or 0)
        if length <= 0:
            raise _Invalid("length must be positive.")
        if body.get("dimension") == "ROWS":
            self._guard_insert(sheet, "ROWS", sheet.row_count)
            sheet.row_count += length
        elif body.get("dimension") == "COLUMNS":
            self._guard_insert(sheet, "COLUMNS", sheet.column_count)
            sheet.column_count += length
        else:
            raise _Invalid("A dimension (ROWS or COLUMNS) is required.")

    # ---- rules, charts, named ranges --------------------------------------------------------
    def add_conditional_format(self, body: dict[str, Any]) -> None:
        rule = copy.deepcopy(body.get("rule") or {})
        ranges = rule.get("ranges") or []
        if not ranges:
            raise _Invalid("A conditional format rule must have at least one range.")
        if not (rule.get("booleanRule") or rule.get("gradientRule")):
            raise _Invalid("A conditional format rule must have a booleanRule or a gradientRule.")
        rule["ranges"] = [self._check_range(r) for r in ranges]
        boolean = rule.get("booleanRule")
        if boolean and boolean.get("format"):
            boolean["format"] = norm_format(boolean["format"])
        sheet = self.sheet(ranges[0].get("sheetId"))
        index = body.get("index")
        position = len(sheet.conditional_formats) if index is None else int(index)
        sheet.conditional_formats.insert(max(0, min(position, len(sheet.conditional_formats))), rule)

    def delete_conditional_format(self, body: dict[str, Any]) -> dict[str, Any]:
        sheet = self.sheet(body.get("sheetId"))
        index = int(body.get("index") or 0)
        if not 0 <= index < len(sheet.conditional_formats):
            raise _Invalid(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
        rule = sheet.conditional_formats.pop(index)
        return {"deleteConditionalFormatRule": {"rule": rule}}

    def add_chart(self, body: dict[str, Any]) -> dict[str, Any]:
        chart = copy.deepcopy(body.get("chart") or {})
        spec = chart.get("spec")
        if not spec:
            raise _Invalid("A chart must have a spec.")
        kinds = [kind for kind in CHART_KINDS if spec.get(kind) is not None]
        if len(kinds) > 1:
            raise GoogleApiError(
                400, f"Invalid JSON payload received. Oneof field 'chart' is already set. Cannot set '{kinds[1]}'"
            )
        if spec.get("basicChart") is not None:
            self._check_basic_chart(spec["basicChart"])
        chart_id = chart.get("chartId")
        chart_id = self.ss.new_id() if chart_id is None else int(chart_id)
        if any(c["chartId"] == chart_id for sheet in self.ss.sheets for c in sheet.charts):
            raise _Invalid(f"An object with id {chart_id} already exists.")
        position = chart.get("position") or {}
        if position.get("newSheet"):
            host = self.ss.add_sheet(f"Chart{len(self.ss.sheets) + 1}")
            self.txn.sheet_state.setdefault(id(host), {})
            position = {"sheetId": host.sheet_id}
        elif position.get("sheetId") is not None:
            host = self.sheet(position["sheetId"])
        else:
            anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
            host = self.sheet(anchor.get("sheetId"))
            overlay = copy.deepcopy(position.get("overlayPosition") or {"anchorCell": {"sheetId": host.sheet_id}})
            overlay.setdefault("widthPixels", 600)
            overlay.setdefault("heightPixels", 371)
            position = {"overlayPosition": overlay}
        stored = {"chartId": chart_id, "spec": chart["spec"], "position": position}
        host.charts.append(stored)
        return {"addChart": {"chart": copy.deepcopy(stored)}}

    def _check_basic_chart(self, basic: dict[str, Any]) -> None:
        """Every source range on an existing grid and within it, one row or one column wide, and the
        domain and every series with the same number of ranges (the discovery document's rules)."""
        domains = [d.get("domain") or {} for d in basic.get("domains") or []]
        series = [s.get("series") or {} for s in basic.get("series") or []]
        counts = set()
        for data in (*domains, *series):
            sources = (data.get("sourceRange") or {}).get("sources") or []
            if data.get("sourceRange") is not None and not sources:
                raise _Invalid("A chart source range must have at least one source.")
            counts.add(len(sources))
            widths = set()
            for source in sources:
                _, r0, r1, c0, c1 = self.bounds(source)
                rows, columns = r1 - r0, c1 - c0
                if rows != 1 and columns != 1:
                    where = format_range(self.sheet(source.get("sheetId")).title, r0, r1, c0, c1)
                    raise _Invalid(
                        f"Invalid chart source range {where}: exactly one dimension must have a length of 1."
                    )
                widths.add("row" if rows == 1 and columns != 1 else "column")
            if len(widths) > 1:
                raise _Invalid("All sources of a chart source range must have the same dimension with length 1.")
        if len(counts) > 1:
            raise _Invalid("The domain and all series of a chart must have the same number of source ranges.")

    def delete_embedded_object(self, body: dict[str, Any]) -> None:
        object_id = body.get("objectId")
        for sheet in self.ss.sheets:
            for chart in sheet.charts:
                if chart["chartId"] == object_id:
                    sheet.charts.remove(chart)
                    return
        raise _Invalid(f"No object with id: {object_id}")

    def add_named_range(self, body: dict[str, Any]) -> dict[str, Any]:
        spec = body.get("namedRange") or {}
        name = spec.get("name")
        if not name:
            raise _Invalid("A named range must have a name.")
        if any(n["name"] == name for n in self.ss.named_ranges):
            raise _Invalid(f"A named range with the name {name} already exists.")
        named = {
            "namedRangeId": spec.get("namedRangeId") or f"{self.ss.new_id()}",
            "name": name,
            "range": self._check_range(spec.get("range")),
        }
        self.ss.named_ranges.append(named)
        return {"addNamedRange": {"namedRange": copy.deepcopy(named)}}

    def delete_named_range(self, body: dict[str, Any]) -> None:
        named_id = body.get("namedRangeId")
        for named in self.ss.named_ranges:
            if named["namedRangeId"] == named_id:
                self.ss.named_ranges.remove(named)
                return
        raise _Invalid(f"No named range with id: {named_id}")


def _masked_update(target: dict[str, Any], source: dict[str, Any], mask: dict[str, Any]) -> None:
    """Copy the masked fields of ``source`` into ``target`` (absent in source: cleared)."""
    for key, sub in mask.items():
        if key == "*":
            target.clear()
            target.update(copy.deepcopy(source))
            return
        if sub is None or not isinstance(source.get(key), dict):
            if source.get(key) is None:
                target.pop(key, None)
            else:
                target[key] = copy.deepcopy(source[key])
        else:
            node = target.setdefault(key, {})
            if not isinstance(node, dict):
                node = target[key] = {}
            _masked_update(node, source[key], sub)
            if not node:
                target.pop(key, None)
