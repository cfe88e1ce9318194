"""Reading a changed bidang workbook in one request and turning what it holds into poll events.

One read per workbook: ``spreadsheets.get`` over the ``Realisasi`` and ``Status`` tabs with a
field mask asking, per cell, for ``effectiveValue`` (what ``values.batchGet`` returns with
``UNFORMATTED_VALUE``) and ``effectiveFormat.numberFormat.type``, plus the tabs' protections.

Why not ``values.batchGet``: a person typing ``75%`` leaves 0.75 in the cell and a percent
format on it, and ``values.batchGet`` cannot say which cells are percent-formatted (one render
option per call; a second call per workbook would break the poll's 1 + k budget). Guessing from
the indicator's Satuan ("a value <= 1 of a % indicator was typed as a percent") is wrong for
real fractions such as 0.5 %. The field-masked ``spreadsheets.get`` returns the same unformatted
values AND each cell's format type in the same single request, so the value the person meant
(75) is recovered exactly: cells whose format type is ``PERCENT`` go to
:func:`sheets.validate.validate_realisasi` as ``percent_cells`` and are multiplied by 100 there.
The same answer carries the ``Realisasi`` protection, whose description records the open TW and
the approved TWs (see :mod:`sheets.google.distribute`), so a restarted bot needs no extra call.

A cell whose format type is ``DATE``, ``TIME`` or ``DATE_TIME`` holds a serial number (days since
1899-12-30): a person typed ``12/03/2026`` where a number belongs. It is handed to the validator
as the text the id_ID sheet shows (``12/03/2026``) with its position in ``date_cells``, so it is
refused as "bukan angka" naming its cell and telling how to undo the date format (a number typed
into a date-formatted cell stays a date), never read as 46093.

Each read also records where the bot's notes go (:class:`FeedbackPlace`): the ``Catatan
Validasi`` column and the data rows as the validator found them, so that feedback lands beside
the right indicator even when someone inserted a title row or moved a column, and never on a
cell a person fills.

A change with ``removed: true`` (Drive: "the file has been removed from this list of changes,
for example by deletion or loss of access"; it carries no ``file``) for a known workbook is
re-checked with this same single read, and its answer decides the event
(:meth:`sheets.google.workbooks.GoogleWorkbooks.poll`):

- Sheets answers 403 PERMISSION_DENIED: the spreadsheet exists and the bot may not read it
  -> ``AccessLost`` (someone removed the bot's permission or moved the file out of its reach);
- Sheets answers 404 NOT_FOUND: the spreadsheet no longer exists (deleted for good)
  -> ``WorkbookMissing``;
- the read succeeds (access given back in the meantime): the usual events of a changed workbook.

Why not ``files.get``: Drive answers 404 "File not found" both for a deleted file and for one
the caller lost access to, so it cannot tell the two apart; Sheets can, in the same one request
the poll budget (1 + k) already counts. A move to the trash is not a removal: it arrives as a
change with ``file.trashed`` and is reported as ``WorkbookMissing`` without reading the file.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.workflow.ports import (
    ApprovedDataChanged,
    PollEvent,
    ProblemInfo,
    SubmissionReady,
    ValuesChanged,
)
from sheets import layout
from sheets.google.distribute import PROTECTION_PREFIX, parse_state
from sheets.google.spreadsheet import SheetsApi
from sheets.master import Master
from sheets.validate import (
    Problem,
    ValidationResult,
    parse_status,
    snapshot_hash,
    snapshot_values,
    validate_realisasi,
)

logger = logging.getLogger(__name__)

__all__ = [
    "BookMemory",
    "FeedbackPlace",
    "KnownWorkbooks",
    "SnapshotSource",
    "WorkbookRead",
    "events_for",
    "feedback_place",
    "read_workbook",
    "submission_for",
]

READ_FIELDS = (
    "sheets(properties(title),protectedRanges(description),"
    "data(startRow,startColumn,rowData(values(effectiveValue,effectiveFormat(numberFormat(type))))))"
)
ERROR_TEXT = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "NULL_VALUE": "#NULL!",
    "ERROR": "#ERROR!",
}
DATE_TYPES = frozenset({"DATE", "TIME", "DATE_TIME"})
SERIAL_EPOCH = datetime(1899, 12, 30)


class SnapshotSource(Protocol):
    """Where the approved snapshots live (the workflow store); wired by the composition root."""

    def approved_snapshots(self, tahun: int) -> Mapping[str, Mapping[int, Mapping[str, Any]]]:
        """Bidang kode -> TW -> approved values (:func:`sheets.validate.snapshot_values` form)."""
        ...


class KnownWorkbooks(Protocol):
    """The bidang workbooks the workflow has handed out (the store keeps their ids).

    A workbook deleted while the bot was stopped arrives after the restart as a bare ``removed``
    change: its id is all there is, Drive can no longer find it by ``appProperties``, and only the
    store can say whose it was.
    """

    def workbook_ids(self, tahun: int) -> Mapping[str, str]:
        """Spreadsheet id -> bidang kode, for every workbook of ``tahun`` the workflow knows."""
        ...


@dataclass(frozen=True)
class WorkbookRead:
    """One bidang workbook as read by one request."""

    realisasi: list[list[Any]]
    percent_cells: frozenset[tuple[int, int]]
    status: list[list[Any]]
    open_tw: int | None
    approved: frozenset[int]
    date_cells: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class FeedbackPlace:
    """Where the bot writes its notes in a ``Realisasi`` tab as last read.

    ``column`` is the 0-based column of ``Catatan Validasi`` (None when its header label is gone:
    the notes then go to the Status tab); ``first_row``..``last_row`` are the 1-based sheet rows
    below the header down to the last row holding anything (``last_row < first_row``: none).
    """

    column: int | None
    first_row: int
    last_row: int


@dataclass
class BookMemory:
    """What the adapter remembers of a workbook between polls (rebuilt lazily after a restart)."""

    last_hash: dict[int, str] = field(default_factory=dict)
    submitted: dict[int, str] = field(default_factory=dict)
    submitted_values: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    approved_values: dict[int, Mapping[str, Any]] = field(default_factory=dict)
    tamper: dict[int, str] = field(default_factory=dict)
    reported_name: str | None = None
    place: FeedbackPlace | None = None
    catatan: dict[int, tuple[str, str]] = field(default_factory=dict)  # TW -> (catatan given, text written)

    def copy(self) -> BookMemory:
        """A copy whose maps change independently (the values in them are replaced, never mutated)."""
        return dataclasses.replace(
            self,
            last_hash=dict(self.last_hash),
            submitted=dict(self.submitted),
            submitted_values=dict(self.submitted_values),
            approved_values=dict(self.approved_values),
            tamper=dict(self.tamper),
            catatan=dict(self.catatan),
        )


def _value(cell: Mapping[str, Any]) -> Any:
    effective = cell.get("effectiveValue")
    if not effective:
        return ""
    if "numberValue" in effective:
        number = effective["numberValue"]
        return int(number) if isinstance(number, float) and number.is_integer() and abs(number) < 2**53 else number
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return effective["boolValue"]
    if "errorValue" in effective:
        return ERROR_TEXT.get(str(effective["errorValue"].get("type")), "#ERROR!")
    return ""


def _date_text(serial: float, number_type: str) -> str:
    """A date/time serial as an id_ID sheet shows it (``12/03/2026``, ``10:30:00``)."""
    moment = SERIAL_EPOCH + timedelta(days=serial)
    if number_type == "DATE":
        return moment.strftime("%d/%m/%Y")
    if number_type == "TIME":
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%d/%m/%Y %H:%M:%S")


def _grid(data: Mapping[str, Any]) -> tuple[list[list[Any]], set[tuple[int, int]], set[tuple[int, int]]]:
    start_r = int(data.get("startRow", 0))
    start_c = int(data.get("startColumn", 0))
    rows: list[list[Any]] = [[] for _ in range(start_r)]
    percent: set[tuple[int, int]] = set()
    dates: set[tuple[int, int]] = set()
    for r, row in enumerate(data.get("rowData") or [], start=start_r):
        values = [""] * start_c
        for c, cell in enumerate(row.get("values") or [], start=start_c):
            value = _value(cell)
            number_type = (cell.get("effectiveFormat") or {}).get("numberFormat", {}).get("type")
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if number_type in DATE_TYPES and is_number:
                # A date where a number belongs is not the number the person meant (see above).
                value = _date_text(float(value), str(number_type))
                dates.add((r, c))
            elif number_type == "PERCENT" and is_number:
                percent.add((r, c))
            values.append(value)
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
    while rows and not rows[-1]:
        rows.pop()
    return rows, percent, dates


def read_workbook(api: SheetsApi, spreadsheet_id: str) -> WorkbookRead:
    """Read ``Realisasi`` and ``Status`` (values, percent cells, recorded state): one request."""
    body = api.get(
        spreadsheet_id,
        fields=READ_FIELDS,
        ranges=[layout.quote_tab(layout.TAB_REALISASI), layout.quote_tab(layout.TAB_STATUS)],
        action=f"membaca workbook {spreadsheet_id}",
    )
    realisasi: list[list[Any]] = []
    status: list[list[Any]] = []
    percent: set[tuple[int, int]] = set()
    dates: set[tuple[int, int]] = set()
    open_tw, approved = None, frozenset[int]()
    for sheet in body.get("sheets") or []:
        title = (sheet.get("properties") or {}).get("title")
        data = (sheet.get("data") or [{}])[0]
        if title == layout.TAB_REALISASI:
            realisasi, percent, dates = _grid(data)
            for pr in sheet.get("protectedRanges") or []:
                description = str(pr.get("description") or "")
                if description.startswith(f"{PROTECTION_PREFIX} ({layout.TAB_REALISASI})"):
                    open_tw, approved = parse_state(description)
        elif title == layout.TAB_STATUS:
            status, _, _ = _grid(data)
    return WorkbookRead(realisasi, frozenset(percent), status, open_tw, approved, frozenset(dates))


def problem_info(problem: Problem) -> ProblemInfo:
    """The port's plain form of a validation problem."""
    return ProblemInfo(
        cell=problem.cell,
        column=problem.column,
        row=problem.row,
        indikator=problem.indikator,
        severity=problem.severity.value,  # type: ignore[arg-type]
        message=problem.message,
    )


def _json_ready(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _json_ready(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


def _numbers_differ(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    for name in ("realisasi", "anggaran"):
        x, y = a.get(name), b.get(name)
        if (x is None) != (y is None):
            return True
        if x is not None and y is not None and abs(float(x) - float(y)) > 1e-9 * max(1.0, abs(float(y))):
            return True
    return False


def _tampered(baseline: Mapping[str, Any], sheet: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The baseline with the sheet's realisasi/anggaran, or None when those did not change.

    Kendala and Bukti are shared by every TW and stay editable, so only the numbers of an
    approved TW count as a change; the hash is taken over the snapshot's own form.
    """
    base_items = baseline.get("indikator", {})
    sheet_items = sheet.get("indikator", {})
    changed = False
    merged: dict[str, Any] = {}
    for key, entry in base_items.items():
        now = sheet_items.get(key, {})
        if _numbers_differ(now, entry):
            changed = True
            merged[key] = {**entry, "realisasi": now.get("realisasi"), "anggaran": now.get("anggaran")}
        else:
            merged[key] = dict(entry)
    return {**baseline, "indikator": merged} if changed else None


def _approved_values(
    memory: BookMemory, snapshots: Mapping[int, Mapping[str, Any]] | None
) -> dict[int, Mapping[str, Any]]:
    approved_values: dict[int, Mapping[str, Any]] = dict(memory.approved_values)
    if snapshots is not None:
        approved_values.update({int(k): v for k, v in snapshots.items()})
    return approved_values


def _place(result: ValidationResult, read: WorkbookRead) -> FeedbackPlace:
    if result.header_row is None:
        return FeedbackPlace(column=None, first_row=layout.FIRST_DATA_ROW, last_row=layout.HEADER_ROW)
    return FeedbackPlace(
        column=result.columns.get(layout.COL_CATATAN_VALIDASI),
        first_row=result.header_row + 1,
        last_row=len(read.realisasi),
    )


def feedback_place(kode: str, read: WorkbookRead, master: Master) -> FeedbackPlace:
    """Where the notes go in this read of bidang ``kode``'s workbook (:class:`FeedbackPlace`)."""
    result = validate_realisasi(
        read.realisasi,
        master,
        bidang=kode,
        tw=read.open_tw or 1,
        submission=False,
        percent_cells=read.percent_cells,
        date_cells=read.date_cells,
    )
    return _place(result, read)


def _submission(
    kode: str,
    tw: int,
    read: WorkbookRead,
    master: Master,
    approved_values: Mapping[int, Mapping[str, Any]],
    memory: BookMemory,
    *,
    siap: bool,
) -> SubmissionReady:
    """TW ``tw`` validated (as a submission when ``siap``) in the form the poll reports it."""
    earlier = {k: v for k, v in approved_values.items() if k < tw}
    result = validate_realisasi(
        read.realisasi,
        master,
        bidang=kode,
        tw=tw,
        submission=siap,
        approved=earlier,
        percent_cells=read.percent_cells,
        date_cells=read.date_cells,
    )
    memory.place = _place(result, read)
    values = snapshot_values(result.table, tw)
    return SubmissionReady(
        bidang=kode,
        tw=tw,
        ok=result.ok,
        problems=tuple(problem_info(p) for p in result.problems),
        summary=_json_ready(result.summary()),
        values=values,
        values_hash=snapshot_hash(values),
    )


def submission_for(
    kode: str,
    tw: int,
    read: WorkbookRead,
    master: Master,
    memory: BookMemory,
    snapshots: Mapping[int, Mapping[str, Any]] | None,
) -> SubmissionReady:
    """TW ``tw`` validated as a submission whatever its Status row says (``/kirim``).

    Remembered as submitted and seen, so a poll finding the same data (with "Siap Dikoreksi" or
    not) reports nothing new, and an approval (``lock_tw``) keeps these values as the baseline.
    """
    ready = _submission(kode, tw, read, master, _approved_values(memory, snapshots), memory, siap=True)
    memory.submitted[tw] = ready.values_hash
    memory.submitted_values[tw] = ready.values
    memory.last_hash[tw] = ready.values_hash  # seen: the next poll reports only later edits
    return ready


def events_for(
    kode: str,
    read: WorkbookRead,
    master: Master,
    memory: BookMemory,
    snapshots: Mapping[int, Mapping[str, Any]] | None,
) -> list[PollEvent]:
    """The events one read of bidang ``kode``'s workbook gives, updating ``memory``."""
    events: list[PollEvent] = []
    approved_values = _approved_values(memory, snapshots)
    tw = read.open_tw
    if tw is not None:
        status = parse_status(read.status).get(tw)
        siap = bool(status and status.siap_dikoreksi)
        ready = _submission(kode, tw, read, master, approved_values, memory, siap=siap)
        values, digest = ready.values, ready.values_hash
        previous = memory.last_hash.get(tw)
        if siap:
            if memory.submitted.get(tw) != digest:
                events.append(ready)
                memory.submitted[tw] = digest
                memory.submitted_values[tw] = values
        else:
            memory.submitted.pop(tw, None)
            filled = any(
                entry.get("realisasi") is not None or entry.get("anggaran") is not None
                for entry in values["indikator"].values()
            )
            if (previous is not None and previous != digest) or (previous is None and filled):
                events.append(ValuesChanged(bidang=kode, tw=tw))
        memory.last_hash[tw] = digest
    for k in sorted(set(read.approved) | set(approved_values)):
        if k == tw:
            continue
        sheet_values = snapshot_values(
            validate_realisasi(
                read.realisasi,
                master,
                bidang=kode,
                tw=k,
                submission=False,
                percent_cells=read.percent_cells,
                date_cells=read.date_cells,
            ).table,
            k,
        )
        baseline = approved_values.get(k)
        if baseline is None:
            # Approved before this process started and no snapshot source: today's sheet is the baseline.
            memory.approved_values[k] = sheet_values
            continue
        changed = _tampered(baseline, sheet_values)
        if changed is None:
            memory.tamper.pop(k, None)
            continue
        digest = snapshot_hash(changed)
        if memory.tamper.get(k) != digest:
            events.append(ApprovedDataChanged(bidang=kode, tw=k, values_hash=digest))
            memory.tamper[k] = digest
    return events
