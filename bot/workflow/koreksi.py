"""SOP steps 2 and 3: what the staff do in the sheet, taken in; the Kepala Bidang's koreksi.

The poll asks the Google edge what changed and hands each workbook's facts to the intake
(:mod:`bot.workflow.intake`), which finds the events against the memory kept in the store. Each
event goes through the generic path: a submission writes the validation's notes into the sheet
and asks the Kepala Bidang for koreksi (or tells the staff what to fix); Setujui locks the TW and
keeps the approved values as the snapshot; Kembalikan writes the reason and reopens input.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Tx
from bot.workflow.core import Detail, Precondition, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.errors import ActionBusy, ActionRefused, InvalidTransition
from bot.workflow.guards import require_text
from bot.workflow.intake import (
    AccessLost,
    ApprovedDataChanged,
    PollEvent,
    SheetMemory,
    SubmissionReady,
    ValuesChanged,
    WorkbookMissing,
    events_for,
    submission_for,
)
from bot.workflow.machine import TERMINAL_DINAS_STATES, BidangEvent, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import TamperDetected, WorkbookProblem
from bot.workflow.payloads import WorkbookMissing as WorkbookMissingPayload
from bot.workflow.people import SYSTEM_ACTOR, Actor
from sheets import layout
from sheets.facts import BookFact, FeedbackPlace
from sheets.master import Master, load_master
from sheets.snapshot import snapshot_hash

logger = logging.getLogger(__name__)

POLL_CURSOR = "drive"


def period_for_tw(tx: Tx, tw: int) -> Row[Any] | None:
    """The running period of TW ``tw`` (the intake's events carry only the TW)."""
    candidates = [p for p in tx.periods() if p.tw == tw]
    running = [p for p in candidates if p.state not in TERMINAL_DINAS_STATES]
    pool = running or candidates
    return pool[-1] if pool else None


class Koreksi:
    """Steps 2-3: the intake of the sheets, submissions, and the Kepala Bidang's decision."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core
        self._master: Master | None = None

    @property
    def master(self) -> Master:
        """The master list of indicators (read once, on first use)."""
        if self._master is None:
            # The bidang codes are checked against the settings where the workbooks are built (the Google edge).
            self._master = load_master(self.core.settings.google.master_indikator)
        return self._master

    # --- the intake -----------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Poll the workbooks once, take in what changed, store the cursor; returns the event count.

        Each changed workbook's memory (:class:`~bot.workflow.intake.SheetMemory`) is stored once its
        events are handled; a fault while handling them leaves it as it was, and the cursor is
        stored only after every workbook, so the next poll reads the same changes and finds the
        events that were not taken in (those that were are not found again).
        """
        core = self.core
        with core.store.read() as tx:
            cursor = tx.get_cursor(POLL_CURSOR)
            known = self._known_workbooks(tx)
        changes = core.workbook.poll(cursor, known)
        count = sum(self.take_in(fact) for fact in changes.books)
        with core.store.transaction() as tx:
            tx.set_cursor(POLL_CURSOR, changes.cursor, core.now())
        return count

    def _known_workbooks(self, tx: Tx) -> dict[str, str]:
        """Spreadsheet id -> bidang kode of every report of this year."""
        tahun = self.core.settings.tahun
        return {
            report.spreadsheet_id: report.bidang
            for period in tx.periods()
            if period.tahun == tahun
            for report in tx.reports(period.id)
            if report.spreadsheet_id
        }

    def _memory_and_snapshots(self, kode: str) -> tuple[SheetMemory, dict[int, Any]]:
        tahun = self.core.settings.tahun
        with self.core.store.read() as tx:
            memory = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            snapshots = {row.tw: row.values for row in tx.snapshots_of_year(tahun, 4, bidang=kode)}
        return memory, snapshots

    def _store_memory(self, kode: str, before: SheetMemory, after: SheetMemory) -> None:
        """Apply the intake's changes to the stored memory (others' writes meanwhile are kept)."""
        if after == before:
            return
        tahun = self.core.settings.tahun
        with self.core.store.transaction() as tx:
            current = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            tx.set_sheet_memory(tahun, kode, after.merged_into(before, current).as_json(), self.core.now())

    def _expected_name(self, kode: str) -> str | None:
        try:
            return layout.judul_bidang(self.core.settings.tahun, self.core.settings.bidang_by_kode(kode).nama)
        except KeyError:
            return None

    def take_in(self, fact: BookFact) -> int:
        """Take in what the poll read of one workbook: its events handled, then its memory stored."""
        memory, snapshots = self._memory_and_snapshots(fact.bidang)
        expected = self._expected_name(fact.bidang)
        events, after = events_for(fact, self.core.settings.tahun, self.master, memory, snapshots, expected)
        self.handle_events(events, place=after.place)
        self._store_memory(fact.bidang, memory, after)
        return len(events)

    def handle_events(self, events: Sequence[PollEvent], place: FeedbackPlace | None = None) -> None:
        """Handle the intake's events in order; a refused one (the table lacks the move) is logged.

        One refused because another action on the report is being carried out is not: it raises,
        so the workbook's memory is not stored and the next poll finds the event again.
        """
        for event in events:
            try:
                self.handle_poll_event(event, place=place)
            except ActionBusy:
                raise
            except (ActionRefused, InvalidTransition) as err:
                logger.info("poll event %s ignored: %s", event, err)

    def handle_poll_event(
        self, event: PollEvent, actor: Actor | None = None, place: FeedbackPlace | None = None
    ) -> None:
        """React to one thing the intake found in a sheet."""
        if isinstance(event, SubmissionReady):
            self._on_submission(event, actor, place)
        elif isinstance(event, ValuesChanged):
            self._on_values_changed(event)
        elif isinstance(event, ApprovedDataChanged):
            self._on_approved_data_changed(event)
        elif isinstance(event, WorkbookMissing | AccessLost):
            self._on_workbook_problem(event)
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"unknown poll event {event!r}")

    def submit_from_sheet(self, actor: Actor, kode: str, tw: int) -> SubmissionReady:
        """/kirim: read bidang ``kode``'s workbook now and submit TW ``tw`` (whatever its Status row says)."""
        self.core.guards.check_role(actor, Role.STAF, kode)
        fact = self.core.workbook.read_book(kode)
        if fact.read.open_tw != tw:
            logger.warning("/kirim %s TW %d while the workbook has TW %s open", kode, tw, fact.read.open_tw)
        memory, snapshots = self._memory_and_snapshots(kode)
        ready, after = submission_for(kode, tw, fact.read, self.master, memory, snapshots)
        self.submit(actor, ready, place=after.place)
        self._store_memory(kode, memory, after)
        return ready

    def resubmit(self, kode: str, tw: int) -> None:
        """Read bidang ``kode``'s workbook again and take its TW ``tw`` in as a submission.

        A submission a stop interrupted: the workbook may be locked already, so it is read whatever
        its Status row says (as ``/kirim`` does) and submitted for the sheet's staff.
        """
        fact = self.core.workbook.read_book(kode)
        memory, snapshots = self._memory_and_snapshots(kode)
        ready, after = submission_for(kode, tw, fact.read, self.master, memory, snapshots)
        self._on_submission(ready, None, after.place)
        self._store_memory(kode, memory, after)

    def submit(self, actor: Actor, event: SubmissionReady, place: FeedbackPlace | None = None) -> None:
        """A staff member submits the open TW (the intake read and validated it)."""
        self.core.guards.check_role(actor, Role.STAF, event.bidang)
        self._on_submission(event, actor, place)

    @staticmethod
    def forget_submission(tx: Tx, act: Act, event: Event, audit_id: int) -> None:
        """After a return or a reopen: the same data submitted again is a new submission."""
        assert act.bidang is not None
        memory = SheetMemory.from_json(tx.sheet_memory(act.tahun, act.bidang))
        tx.set_sheet_memory(act.tahun, act.bidang, memory.forget_submission(act.tw).as_json(), act.now)

    # --- the events ---------------------------------------------------------------------------

    def _staff_actor(self, kode: str) -> Actor:
        return Actor(Role.STAF, texts.staf_via_sheet(self.core.guards.bidang_label(kode)), bidang=kode)

    def _running_period_id(self, tw: int) -> int:
        with self.core.store.read() as tx:
            period = period_for_tw(tx, tw)
        if period is None:
            raise ActionRefused(texts.refusal_no_running_period(tw))
        return int(period.id)

    def _on_submission(self, ev: SubmissionReady, actor: Actor | None, place: FeedbackPlace | None) -> None:
        event = BidangEvent.SUBMIT if ev.ok else BidangEvent.SUBMISSION_INVALID
        who = actor or self._staff_actor(ev.bidang)
        self.core.perform(
            who if ev.ok else SYSTEM_ACTOR,
            self._running_period_id(ev.tw),
            [event],
            bidang=ev.bidang,
            submission=ev,
            place=place,
            detail=self._submission_detail,
        )

    @staticmethod
    def _submission_detail(act: Act, event: Event) -> Detail:
        ready = act.submission
        assert ready is not None
        if event is BidangEvent.SUBMISSION_INVALID:
            errors = sum(1 for p in ready.problems if p.severity == "error")
            warnings = sum(1 for p in ready.problems if p.severity == "warning")
            return Detail(note=texts.audit_validation_note(errors, warnings))
        submission = {
            "values": dict(ready.values),
            "values_hash": ready.values_hash,
            "summary": dict(ready.summary),
            "problems": [p.as_dict() for p in ready.problems],
            "submitted_at": act.now.isoformat(),
        }
        return Detail(columns={"submission": submission})

    def _on_values_changed(self, ev: ValuesChanged) -> None:
        with self.core.store.read() as tx:
            period = period_for_tw(tx, ev.tw)
            if period is None or tx.get_report(period.id, ev.bidang) is None:
                return
        self.core.perform(self._staff_actor(ev.bidang), period.id, [BidangEvent.VALUES_CHANGED], bidang=ev.bidang)

    def _on_approved_data_changed(self, ev: ApprovedDataChanged) -> None:
        """Tamper check: the sheet no longer matches the approved snapshot; the snapshot stays."""
        core = self.core
        now = core.now()
        with core.store.transaction() as tx:
            period = period_for_tw(tx, ev.tw)
            if period is None:
                return
            snapshot = tx.get_snapshot(period.id, ev.bidang)
            if snapshot is None or snapshot.values_hash == ev.values_hash:
                return
            # Keyed by the sheet's hash: one audit row and one message per distinct change, also
            # when the intake reports it again (its memory of reported changes rebuilt, say after
            # the next TW's distribution moved the protections): the store decides, once.
            key = f"tamper:{period.id}:{ev.bidang}:{snapshot.values_hash[:16]}:{ev.values_hash}"
            if not tx.fire_timer(key, now):
                return
            audit_id = core.recorder.audit(
                tx,
                period_id=period.id,
                machine="bidang",
                bidang=ev.bidang,
                transition=None,
                sop_step=None,
                event="data_disetujui_berubah",
                from_state=None,
                to_state=None,
                actor=SYSTEM_ACTOR,
                step_since=None,
                now=now,
                note=texts.audit_tamper_note(ev.values_hash, snapshot.values_hash),
            )
            payload = TamperDetected(
                **core.builders.bidang_fields(period, ev.bidang),
                snapshot_hash=snapshot.values_hash,
                sheet_hash=ev.values_hash,
                audit_id=audit_id,
            )
            core.recorder.notify(tx, key, Kind.TAMPER_DETECTED, Role.KASUBBAG_KPEP, None, payload, now, period.id)
        logger.warning("approved data of %s TW %s changed in the sheet; snapshot kept", ev.bidang, ev.tw)

    def _on_workbook_problem(self, ev: WorkbookMissing | AccessLost) -> None:
        core = self.core
        now = core.now()
        nama = core.guards.bidang_label(ev.bidang)
        if isinstance(ev, WorkbookMissing):
            kind: Kind = Kind.WORKBOOK_MISSING
            payload: WorkbookProblem = WorkbookMissingPayload(bidang=ev.bidang, bidang_nama=nama, reason=ev.reason)
            reason = ev.reason
        else:
            kind, payload, reason = Kind.ACCESS_LOST, WorkbookProblem(bidang=ev.bidang, bidang_nama=nama), ""
        with core.store.transaction() as tx:
            # Once a day per bidang and cause, however often the poll sees it.
            key = f"wb:{ev.bidang}:{kind}:{reason}:{now.date().isoformat()}"
            core.recorder.notify(tx, key, kind, Role.KASUBBAG_KPEP, None, payload, now)

    # --- step 3: the Kepala Bidang decides ------------------------------------------------------

    def approve(self, actor: Actor, period_id: int, kode: str, bot_step: Precondition | None = None) -> Act | None:
        """Kepala Bidang: Setujui. Lock the TW, snapshot the approved values, tell the staff.

        ``bot_step``: asked after the move whether the bot's own step is due (every bidang approved).
        """
        return self.core.perform(
            actor, period_id, [BidangEvent.APPROVE], bidang=kode, record=self._snapshot, bot_step=bot_step
        )

    @staticmethod
    def _snapshot(tx: Tx, act: Act, event: Event, audit_id: int) -> None:
        assert act.report is not None and act.bidang is not None
        submission = act.report.submission or {}
        values = submission.get("values", {})
        tx.upsert_snapshot(
            act.period.id,
            act.bidang,
            tahun=act.tahun,
            tw=act.tw,
            values=values,
            values_hash=submission.get("values_hash") or snapshot_hash(values),
            approved_at=act.now,
            audit_id=audit_id,
        )

    def return_(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kepala Bidang: Kembalikan with a reason. Reason into the sheet, input reopened, staff told."""
        reason = require_text(reason, texts.FIELD_ALASAN_PENGEMBALIAN)
        self.core.perform(
            actor,
            period_id,
            [BidangEvent.RETURN],
            bidang=kode,
            text=reason,
            detail=lambda act, event: Detail(reason=reason, columns={"last_reason": reason}),
            record=self.forget_submission,
        )
