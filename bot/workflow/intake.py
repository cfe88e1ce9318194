"""The workflow's intake: what the facts the Google edge read mean, against what the store remembers.

The Google edge's poll states facts (per changed workbook: its cells, their number formats, its
Status tab, its title, or that it is gone or unreachable; :mod:`sheets.facts`) and remembers
nothing. This module validates those cells with the pure report domain (:mod:`sheets.validate`)
and compares them with what was last seen, submitted, approved and reported for that bidang
(:class:`SheetMemory`, kept in the store beside the reports) to produce the workflow's events:

- :class:`SubmissionReady`: the staff set a TW to "Siap Dikoreksi" (or sent ``/kirim``) with
  values not yet submitted; ``ok`` says whether the validation found no error;
- :class:`ValuesChanged`: the open TW's values changed (not submitted);
- :class:`ApprovedDataChanged`: an approved TW's numbers in the sheet no longer match the
  approved snapshot (a change reported once per distinct sheet state);
- :class:`WorkbookMissing` / :class:`AccessLost`: the workbook is gone, renamed, or unreadable;
- :class:`ForeignAccess`: the workbook is shared beyond the configured people (anyone, a domain,
  an unknown address): the workflow removes that access and tells the Kasubbag.

Pure functions of (fact, memory, approved snapshots, master list) -> (events, new memory): the
caller stores the new memory once the events are handled, so a fault while handling them leaves
the memory as it was and the next poll (from the same cursor) finds the same events again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sheets.facts import (
    BookFact,
    BookGone,
    BookSeen,
    FeedbackPlace,
    PermissionInfo,
    ProblemInfo,
    Severity,
    WorkbookRead,
)
from sheets.master import Master
from sheets.notes import feedback_place, place_of
from sheets.problems import Problem
from sheets.snapshot import snapshot_hash, snapshot_values
from sheets.status_tab import parse_status
from sheets.validate import validate_realisasi

__all__ = [
    "AccessLost",
    "ApprovedDataChanged",
    "ForeignAccess",
    "PollEvent",
    "SheetMemory",
    "SubmissionReady",
    "ValuesChanged",
    "WorkbookMissing",
    "events_for",
    "submission_for",
]

# --- the events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionReady:
    """A TW submitted ("Siap Dikoreksi" or ``/kirim``), validated cell by cell.

    ``ok`` is False when any problem has severity ``error``. ``values`` is the TW's data as the
    report domain reads it (JSON-ready); ``values_hash`` is :func:`sheets.snapshot.snapshot_hash` of it.
    Every event names the budget year (``tahun``) of the workbook it was found in.
    """

    bidang: str
    tw: int
    ok: bool
    problems: tuple[ProblemInfo, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    values_hash: str = ""
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class ValuesChanged:
    """Someone edited the open TW's cells (not yet submitted)."""

    bidang: str
    tw: int
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class ApprovedDataChanged:
    """An approved TW's values in the sheet now hash to ``values_hash``."""

    bidang: str
    tw: int
    values_hash: str
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class WorkbookMissing:
    """A bidang's workbook (or its tab) was deleted, renamed or cannot be found."""

    bidang: str
    reason: str
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class AccessLost:
    """The bot's account lost access to a bidang's workbook."""

    bidang: str
    tahun: int = field(kw_only=True)


@dataclass(frozen=True)
class ForeignAccess:
    """Bidang ``bidang``'s workbook is shared outside the configured people (``permissions``)."""

    bidang: str
    spreadsheet_id: str
    permissions: tuple[PermissionInfo, ...]
    tahun: int = field(kw_only=True)


PollEvent = SubmissionReady | ValuesChanged | ApprovedDataChanged | WorkbookMissing | AccessLost | ForeignAccess


# --- what the store remembers of a workbook -----------------------------------------------------


@dataclass(frozen=True)
class SheetMemory:
    """What the workflow last knew of one bidang's workbook of a year (stored in ``sheet_memory``).

    Per TW: the hash of the values last seen (``seen``), of the values last reported as submitted
    (``submitted``), of the last reported change to an approved TW (``tamper``), and the approved
    values of a TW the store has no snapshot of (``baseline``: the sheet as first seen approved).
    ``reported_name`` is a wrong title already reported; ``place`` is where the notes go and which
    cells carry the bot's marks (as the last read found them, or the last feedback left them).
    """

    seen: Mapping[int, str] = field(default_factory=dict)
    submitted: Mapping[int, str] = field(default_factory=dict)
    tamper: Mapping[int, str] = field(default_factory=dict)
    baseline: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    reported_name: str | None = None
    place: FeedbackPlace | None = None

    MAPS = ("seen", "submitted", "tamper", "baseline")

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form (TW keys as strings)."""
        data: dict[str, Any] = {name: {str(k): v for k, v in getattr(self, name).items()} for name in self.MAPS}
        data["reported_name"] = self.reported_name
        data["place"] = None if self.place is None else self.place.as_dict()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SheetMemory:
        """The inverse of :meth:`as_json` (an empty memory for None)."""
        if not data:
            return cls()
        maps = {name: {int(k): v for k, v in (data.get(name) or {}).items()} for name in cls.MAPS}
        place = data.get("place")
        return cls(
            **maps,
            reported_name=data.get("reported_name"),
            place=None if place is None else FeedbackPlace.from_dict(place),
        )

    def merged_into(self, base: SheetMemory, current: SheetMemory) -> SheetMemory:
        """``current`` with the changes from ``base`` to ``self`` applied (others' writes kept)."""
        changes: dict[str, Any] = {}
        for name in self.MAPS:
            mine, was, now = getattr(self, name), getattr(base, name), dict(getattr(current, name))
            for key in set(mine) | set(was):
                if key not in mine:
                    now.pop(key, None)
                elif mine[key] != was.get(key):
                    now[key] = mine[key]
            changes[name] = now
        renamed = self.reported_name != base.reported_name
        changes["reported_name"] = self.reported_name if renamed else current.reported_name
        # A feedback written while this read's events were handled stored the place with the cells
        # it marked: that is newer than the read, so it is kept.
        mine = self.place != base.place and current.place == base.place
        changes["place"] = self.place if mine else current.place
        return dataclasses.replace(current, **changes)

    def forget_submission(self, tw: int) -> SheetMemory:
        """The memory after TW ``tw`` was returned or reopened: a new submission counts again."""
        return dataclasses.replace(
            self,
            submitted={k: v for k, v in self.submitted.items() if k != tw},
            tamper={k: v for k, v in self.tamper.items() if k != tw},
            baseline={k: v for k, v in self.baseline.items() if k != tw},
        )


# --- reading a workbook's facts -----------------------------------------------------------------


def problem_info(problem: Problem) -> ProblemInfo:
    """The plain form of a validation problem."""
    severity: Severity = "error" if problem.severity.value == "error" else "warning"
    return ProblemInfo(problem.cell, problem.column, problem.row, problem.indikator, severity, problem.message)


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


# One master list for every TW, or per TW the list it is measured against (after an APBD Perubahan).
Masters = Master | Mapping[int, Master]


def _for_tw(masters: Masters, tw: int) -> Master:
    return masters if isinstance(masters, Master) else masters[tw]


def _validated(
    kode: str,
    tahun: int,
    tw: int,
    read: WorkbookRead,
    master: Master,
    approved: Mapping[int, Mapping[str, Any]],
    *,
    siap: bool,
) -> tuple[SubmissionReady, FeedbackPlace]:
    """TW ``tw`` validated (as a submission when ``siap``), and where its notes go."""
    earlier = {k: v for k, v in approved.items() if k < tw}
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
    values = snapshot_values(result.table, tw)
    ready = SubmissionReady(
        bidang=kode,
        tw=tw,
        ok=result.ok,
        problems=tuple(problem_info(p) for p in result.problems),
        summary=_json_ready(result.summary()),
        values=values,
        values_hash=snapshot_hash(values),
        tahun=tahun,
    )
    return ready, place_of(result, read)


def _approved(memory: SheetMemory, snapshots: Mapping[int, Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    approved: dict[int, Mapping[str, Any]] = dict(memory.baseline)
    approved.update({int(k): v for k, v in snapshots.items()})
    return approved


def submission_for(
    kode: str,
    tahun: int,
    tw: int,
    read: WorkbookRead,
    master: Master,
    memory: SheetMemory,
    snapshots: Mapping[int, Mapping[str, Any]],
) -> tuple[SubmissionReady, SheetMemory]:
    """TW ``tw`` validated as a submission whatever its Status row says (``/kirim``).

    The new memory has it as seen (and as submitted when valid), so a poll finding the same data
    (with "Siap Dikoreksi" or not) reports nothing new.
    """
    ready, place = _validated(kode, tahun, tw, read, master, _approved(memory, snapshots), siap=True)
    submitted = {**memory.submitted, tw: ready.values_hash} if ready.ok else memory.submitted
    return ready, dataclasses.replace(
        memory, seen={**memory.seen, tw: ready.values_hash}, submitted=submitted, place=place
    )


def events_for(
    fact: BookFact,
    masters: Masters,
    memory: SheetMemory,
    snapshots: Mapping[int, Mapping[str, Any]],
    expected_name: str | None,
) -> tuple[list[PollEvent], SheetMemory]:
    """The events one fact about bidang ``fact.bidang``'s workbook of ``fact.tahun`` gives, and the memory after them.

    ``masters`` is that year's master list, or per TW the list that TW is measured against.
    """
    tahun = fact.tahun
    if isinstance(fact, BookGone):
        return [WorkbookMissing(bidang=fact.bidang, reason=fact.reason, tahun=tahun)], memory
    if not isinstance(fact, BookSeen):
        return [AccessLost(bidang=fact.bidang, tahun=tahun)], memory
    kode, read = fact.bidang, fact.read
    events: list[PollEvent] = []
    if fact.foreign:
        # Whatever the sheet holds, access beyond the configured people is taken away at once.
        events.append(
            ForeignAccess(bidang=kode, spreadsheet_id=fact.spreadsheet_id, permissions=fact.foreign, tahun=tahun)
        )
    reported_name = memory.reported_name
    if expected_name is not None:
        if fact.name != expected_name and reported_name != fact.name:
            events.append(
                WorkbookMissing(bidang=kode, reason=f"judul lembar kerja diubah menjadi {fact.name!r}", tahun=tahun)
            )
        reported_name = fact.name if fact.name != expected_name else None
    seen, submitted = dict(memory.seen), dict(memory.submitted)
    tamper, baseline = dict(memory.tamper), dict(memory.baseline)
    approved = _approved(memory, snapshots)
    place = memory.place
    tw = read.open_tw
    if tw is not None:
        status = parse_status(read.status).get(tw)
        siap = bool(status and status.siap_dikoreksi)
        ready, place = _validated(kode, tahun, tw, read, _for_tw(masters, tw), approved, siap=siap)
        digest = ready.values_hash
        previous = seen.get(tw)
        if siap:
            if submitted.get(tw) != digest:
                events.append(ready)
                # A refused submission (errors) is reset to Draft by the workflow: the same data
                # submitted again is a new submission, so only a valid one is remembered.
                if ready.ok:
                    submitted[tw] = digest
                else:
                    submitted.pop(tw, None)
        else:
            submitted.pop(tw, None)
            filled = any(
                entry.get("realisasi") is not None or entry.get("anggaran") is not None
                for entry in ready.values["indikator"].values()
            )
            if (previous is not None and previous != digest) or (previous is None and filled):
                events.append(ValuesChanged(bidang=kode, tw=tw, tahun=tahun))
        seen[tw] = digest
    elif place is None:
        place = feedback_place(kode, read, _for_tw(masters, 1))
    for k in sorted(set(read.approved) | set(approved)):
        if k == tw:
            continue
        result = validate_realisasi(
            read.realisasi,
            _for_tw(masters, k),
            bidang=kode,
            tw=k,
            submission=False,
            percent_cells=read.percent_cells,
            date_cells=read.date_cells,
        )
        sheet_values = snapshot_values(result.table, k)
        base = approved.get(k)
        if base is None:
            # Approved before the store knew it (no snapshot): today's sheet is the baseline.
            baseline[k] = sheet_values
            continue
        changed = _tampered(base, sheet_values)
        if changed is None:
            tamper.pop(k, None)
            continue
        digest = snapshot_hash(changed)
        if tamper.get(k) != digest:
            events.append(ApprovedDataChanged(bidang=kode, tw=k, values_hash=digest, tahun=tahun))
            tamper[k] = digest
    return events, SheetMemory(seen, submitted, tamper, baseline, reported_name, place)
