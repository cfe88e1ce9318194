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

from bot import texts
from bot.heap import release_free_memory
from bot.store.repository import Tx
from bot.workflow.core import Detail, Precondition, WorkflowCore
from bot.workflow.effects import Act, Event
from bot.workflow.errors import ActionBusy, ActionRefused, InvalidTransition
from bot.workflow.guards import require_text
from bot.workflow.intake import (
    AccessLost,
    ApprovedDataChanged,
    ForeignAccess,
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
from bot.workflow.payloads import ForeignAccessRemoved, TamperDetected, WorkbookProblem
from bot.workflow.payloads import WorkbookMissing as WorkbookMissingPayload
from bot.workflow.people import SYSTEM_ACTOR, Actor
from sheets import layout
from sheets.facts import BookDeferred, BookFact, BookToRead, FeedbackPlace, PermissionInfo
from sheets.snapshot import snapshot_hash

logger = logging.getLogger(__name__)

POLL_CURSOR = "drive"


def watched_years(tx: Tx, default: int) -> list[int]:
    """The budget years whose workbooks the poll reads: those of every running period, else the latest's.

    Between periods the latest year stays watched, so a change to its approved data is still seen;
    before any period (a new store beside existing workbooks), ``default``: the calendar's year.
    """
    periods = tx.periods()
    running = sorted({int(p.tahun) for p in periods if p.state not in TERMINAL_DINAS_STATES})
    if running:
        return running
    return [int(periods[-1].tahun)] if periods else [default]


class Koreksi:
    """Steps 2-3: the intake of the sheets, submissions, and the Kepala Bidang's decision."""

    def __init__(self, core: WorkflowCore) -> None:
        self.core = core

    # --- the intake -----------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Poll the workbooks once: list what changed, keep it to read, read a bounded share; the event count.

        One Drive listing (:meth:`WorkbookPort.changed`). What it says without a read (a workbook
        in the trash) is taken in first; then the changed workbooks join the store's to-read list
        in the same transaction as the new cursor, so the cursor never passes a workbook that
        is not read yet. Then at most ``google.maks_baca_per_polling`` workbooks of the list are
        read (Sheets allows 60 reads per minute per user), oldest first; the rest wait for the next
        poll. A fault before the cursor is stored leaves everything as it was: the next poll lists
        the same changes again.
        """
        core = self.core
        with core.store.read() as tx:
            cursor = tx.get_cursor(POLL_CURSOR)
            years = watched_years(tx, self._calendar_year())
            known = self._known_workbooks(tx, years)
        changes = core.workbook.changed(cursor, known, years)
        count = 0
        for fact in changes.known:
            count += self.take_in(fact)
            with core.store.transaction() as tx:
                tx.unqueue_bidang(fact.tahun, fact.bidang)  # in the trash: no read is due any more
        with core.store.transaction() as tx:
            for tahun in sorted({book.tahun for book in changes.to_read}):
                books = [(book.spreadsheet_id, book.bidang) for book in changes.to_read if book.tahun == tahun]
                tx.queue_reads(tahun, books, core.now())
            tx.set_cursor(POLL_CURSOR, changes.cursor, core.now())
        return count + self.read_queued(years)

    def read_queued(self, years: list[int] | None = None) -> int:
        """Read and take in the oldest workbooks of the to-read list, at most the per-poll budget.

        The list of every year watched (``years``, by default those of the running periods), the
        earlier year first. Each workbook leaves the list once its events are handled and its
        memory stored. When Google's quota stays used up through every wait, reading stops until
        the next poll (the workbook keeps its place). A workbook whose intake fails goes to the
        back of the list, so the others are not held up by it, and the failure is raised (the
        scheduler logs it).
        """
        core = self.core
        budget = core.settings.google.maks_baca_per_polling
        due: list[BookToRead] = []
        with core.store.transaction() as tx:
            for tahun in watched_years(tx, self._calendar_year()) if years is None else years:
                left = budget - len(due)
                if left <= 0:
                    break
                due += [BookToRead(row.spreadsheet_id, row.bidang, tahun=tahun) for row in tx.queued_reads(tahun, left)]
        if not due:
            return 0
        try:
            return self._read(due)
        finally:
            # The frames and cells of the workbooks validated are freed now: their pages go back to
            # the OS instead of holding the idle service at this poll's peak (bot.heap).
            release_free_memory()

    def _read(self, due: list[BookToRead]) -> int:
        """Read and take in ``due`` in order (see :meth:`read_queued`); the event count."""
        core = self.core
        count = 0
        for book in due:
            fact = core.workbook.read_changed(book)
            if isinstance(fact, BookDeferred):
                logger.warning("Google's read quota is used up; %s and the rest are read at the next poll", book.bidang)
                break
            try:
                count += self.take_in(fact)
            except Exception:
                with core.store.transaction() as tx:
                    tx.requeue_read(book.spreadsheet_id, core.now())
                raise
            with core.store.transaction() as tx:
                tx.unqueue_read(book.spreadsheet_id)
        return count

    def _calendar_year(self) -> int:
        """The year of the period due on the calendar now (the first year, else today's, before any)."""
        core = self.core
        due = core.calendar.due_period(core.now(), core.settings.tahun)
        if due is not None:
            return due[0]
        return core.settings.tahun or core.calendar.localize(core.now()).year

    @staticmethod
    def _known_workbooks(tx: Tx, years: list[int]) -> dict[str, tuple[int, str]]:
        """Spreadsheet id -> (tahun, bidang kode) of every report of the years watched."""
        return {
            report.spreadsheet_id: (int(period.tahun), report.bidang)
            for period in tx.periods()
            if period.tahun in years
            for report in tx.reports(period.id)
            if report.spreadsheet_id
        }

    def _memory_and_snapshots(self, tahun: int, kode: str) -> tuple[SheetMemory, dict[int, Any]]:
        with self.core.store.read() as tx:
            memory = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            snapshots = {row.tw: row.values for row in tx.snapshots_of_year(tahun, 4, bidang=kode)}
        return memory, snapshots

    def _store_memory(self, tahun: int, kode: str, before: SheetMemory, after: SheetMemory) -> None:
        """Apply the intake's changes to the stored memory (others' writes meanwhile are kept)."""
        if after == before:
            return
        with self.core.store.transaction() as tx:
            current = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            tx.set_sheet_memory(tahun, kode, after.merged_into(before, current).as_json(), self.core.now())

    def _expected_name(self, tahun: int, kode: str) -> str | None:
        try:
            return layout.judul_bidang(tahun, self.core.settings.bidang_by_kode(kode).nama)
        except KeyError:
            return None

    def take_in(self, fact: BookFact) -> int:
        """Take in what the poll read of one workbook: its events handled, then its memory stored."""
        memory, snapshots = self._memory_and_snapshots(fact.tahun, fact.bidang)
        expected = self._expected_name(fact.tahun, fact.bidang)
        # Each TW validated against the list it is measured against (a revision changes later TWs).
        events, after = events_for(fact, self.core.masters.by_tw(fact.tahun), memory, snapshots, expected)
        self.handle_events(events, place=after.place)
        self._store_memory(fact.tahun, fact.bidang, memory, after)
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
        elif isinstance(event, ForeignAccess):
            self._on_foreign_access(event)
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"unknown poll event {event!r}")

    def submit_from_sheet(self, actor: Actor, kode: str, tahun: int, tw: int) -> SubmissionReady:
        """/kirim: read ``kode``'s workbook of ``tahun`` now and submit TW ``tw`` (whatever its Status row says)."""
        self.core.guards.check_role(actor, Role.STAF, kode)
        fact = self.core.workbook.read_book(tahun, kode)
        if fact.read.open_tw != tw:
            logger.warning("/kirim %s TW %d %d while the workbook has TW %s open", kode, tw, tahun, fact.read.open_tw)
        memory, snapshots = self._memory_and_snapshots(tahun, kode)
        master = self.core.masters.for_tw(tahun, tw)
        ready, after = submission_for(kode, tahun, tw, fact.read, master, memory, snapshots)
        self.submit(actor, ready, place=after.place)
        self._store_memory(tahun, kode, memory, after)
        return ready

    def resubmit(self, kode: str, tahun: int, tw: int) -> None:
        """Read bidang ``kode``'s workbook of ``tahun`` again and take its TW ``tw`` in as a submission.

        A submission a stop interrupted: the workbook may be locked already, so it is read whatever
        its Status row says (as ``/kirim`` does) and submitted for the sheet's staff.
        """
        fact = self.core.workbook.read_book(tahun, kode)
        memory, snapshots = self._memory_and_snapshots(tahun, kode)
        master = self.core.masters.for_tw(tahun, tw)
        ready, after = submission_for(kode, tahun, tw, fact.read, master, memory, snapshots)
        self._on_submission(ready, None, after.place)
        self._store_memory(tahun, kode, memory, after)

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

    def _period_id(self, tahun: int, tw: int) -> int:
        with self.core.store.read() as tx:
            period = tx.find_period(tahun, tw)
        if period is None:
            raise ActionRefused(texts.refusal_no_running_period(tw, tahun))
        return int(period.id)

    def _on_submission(self, ev: SubmissionReady, actor: Actor | None, place: FeedbackPlace | None) -> None:
        event = BidangEvent.SUBMIT if ev.ok else BidangEvent.SUBMISSION_INVALID
        who = actor or self._staff_actor(ev.bidang)
        self.core.perform(
            who if ev.ok else SYSTEM_ACTOR,
            self._period_id(ev.tahun, ev.tw),
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
            period = tx.find_period(ev.tahun, ev.tw)
            if period is None or tx.get_report(period.id, ev.bidang) is None:
                return
        self.core.perform(self._staff_actor(ev.bidang), period.id, [BidangEvent.VALUES_CHANGED], bidang=ev.bidang)

    def _on_approved_data_changed(self, ev: ApprovedDataChanged) -> None:
        """Tamper check: the sheet no longer matches the approved snapshot; the snapshot stays."""
        core = self.core
        now = core.now()
        with core.store.transaction() as tx:
            period = tx.find_period(ev.tahun, ev.tw)
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

    def _on_foreign_access(self, ev: ForeignAccess) -> None:
        """Access beyond the configured people: recorded and reported to the Kasubbag, then removed.

        The report is written first, under a key naming the permissions and the day: a fault in
        the removal fails this workbook's intake, the workbook stays to be read, and the next read
        finds the same access, reports nothing twice and removes it. Access Google does not let
        the bot remove (it may no longer share the workbook) is reported again as left in place.
        Drive does not say who shared a file, so the message names who could have (the
        workbook's editors).
        """
        core = self.core
        key = f"asing:{ev.bidang}:{','.join(sorted(p.id for p in ev.permissions))}:{core.now().date().isoformat()}"
        self._report_foreign(ev, key, ev.permissions, removed=True)
        kept = set(core.workbook.remove_permissions(ev.tahun, ev.bidang, [p.id for p in ev.permissions]))
        logger.warning("foreign access to the workbook of %s: %s", ev.bidang, ", ".join(p.who for p in ev.permissions))
        if kept:
            self._report_foreign(ev, f"{key}:tetap", [p for p in ev.permissions if p.id in kept], removed=False)

    def _report_foreign(
        self, ev: ForeignAccess, key: str, permissions: Sequence[PermissionInfo], *, removed: bool
    ) -> None:
        """One audit row and one message to the Kasubbag per ``key`` (once, however often it is seen)."""
        core = self.core
        now = core.now()
        who = ", ".join(sorted(p.who for p in permissions))
        with core.store.transaction() as tx:
            period = self._latest_period(tx, ev.tahun)
            if period is None or not tx.fire_timer(key, now):
                return
            report = tx.get_report(period.id, ev.bidang)
            audit_id = core.recorder.audit(
                tx,
                period_id=period.id,
                machine="bidang",
                bidang=ev.bidang,
                transition=None,
                sop_step=None,
                event="akses_asing_dihapus" if removed else "akses_asing_tidak_terhapus",
                from_state=None,
                to_state=None,
                actor=SYSTEM_ACTOR,
                step_since=None,
                now=now,
                note=texts.audit_foreign_access_note(who, removed=removed),
            )
            try:
                editors = [str(e) for e in core.settings.bidang_by_kode(ev.bidang).editor]
            except KeyError:
                editors = []
            payload = ForeignAccessRemoved(
                **core.builders.bidang_fields(period, ev.bidang),
                url=None if report is None else report.workbook_url,
                akses=[p.as_dict() for p in permissions],
                editor=editors,
                dihapus=removed,
            )
            core.recorder.notify(
                tx, f"a{audit_id}", Kind.FOREIGN_ACCESS_REMOVED, Role.KASUBBAG_KPEP, None, payload, now, period.id
            )

    @staticmethod
    def _latest_period(tx: Tx, tahun: int) -> Any:
        """The period of ``tahun`` a workbook event belongs to: the running one, else the latest (or None)."""
        periods = [p for p in tx.periods() if p.tahun == tahun]
        running = [p for p in periods if p.state not in TERMINAL_DINAS_STATES]
        pool = running or periods
        return pool[-1] if pool else None

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
