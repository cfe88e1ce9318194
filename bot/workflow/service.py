"""The workflow service: runs SOP P-SEK-KP-09 for every period on the state tables and the store.

Every action follows one pattern:
1. check, in a transaction, the table row for (current state, event), the actor's role and
   bidang, and the input; refuse with :class:`ActionRefused` (Indonesian reason) before writing;
2. call the Google port if the step needs it (outside any transaction; every port call is
   idempotent, so a crash here only means the action is retried);
3. in ONE transaction: check again (a doubled press finds the state moved on and is refused),
   move the state, append the audit row(s), write the outbox rows.
Methods are blocking (database and Google I/O): the Telegram edge calls them with
``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.calendar import WorkCalendar
from bot.workflow.errors import ActionRefused, InvalidTransition
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
from bot.workflow.machine import (
    BIDANG_HOLDS,
    BIDANG_TABLE,
    DINAS_HOLDS,
    DINAS_TABLE,
    TERMINAL_DINAS_STATES,
    BidangEvent,
    BidangState,
    DinasEvent,
    DinasState,
    Holding,
    Role,
    Transition,
    bidang_transition,
    dinas_transition,
)
from bot.workflow.notifications import Kind, check_payload
from bot.workflow.people import SYSTEM_ACTOR, Actor, Directory, Person
from bot.workflow.ports import WorkbookPort
from bot.workflow.timers import run_timers
from config.settings import Settings
from sheets import layout
from sheets.facts import (
    AuditEntry,
    BookFact,
    Feedback,
    FeedbackPlace,
    RekapData,
    RekapRef,
    RekomendasiData,
    SnapshotData,
    TindakLanjutData,
)
from sheets.master import Master, MasterError, load_master
from sheets.validate import snapshot_hash

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
POLL_CURSOR = "drive"
MIN_REASON_LENGTH = 3

INPUT_STATES = frozenset({BidangState.OPENED, BidangState.FILLING, BidangState.RETURNED, BidangState.REOPENED})


def _event_role(table: Mapping[tuple[Any, Any], Transition], event: Any) -> Role:
    """The role that causes ``event`` (the same in every row of a table, checked by the tests)."""
    return next(t.actor_role for (_, e), t in table.items() if e == event)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# Dinas events that concern one bidang (checked with that bidang).
_BIDANG_DINAS_EVENTS = frozenset({DinasEvent.REOPEN_BIDANG, DinasEvent.RECORD_TINDAK_LANJUT})


@dataclass(frozen=True)
class PeriodRef:
    """Which period an action was checked against (for the texts that name it)."""

    id: int
    tahun: int
    tw: int


@dataclass(frozen=True)
class ReportView:
    """One bidang's report as ``/status`` shows it."""

    bidang: str
    bidang_nama: str
    state: BidangState
    since: datetime
    holder_role: Role | None
    holder_nama: tuple[str, ...]
    step_since: datetime
    url: str | None
    last_reason: str | None
    tindak_lanjut: str | None


@dataclass(frozen=True)
class PeriodView:
    """A period as ``/status`` shows it."""

    id: int
    tahun: int
    tw: int
    state: DinasState
    since: datetime
    step_since: datetime
    holder_role: Role | None
    holder_nama: tuple[str, ...]
    deadline: datetime | None
    rekap_url: str | None
    archive_url: str | None
    catatan_analisis: str | None
    reports: tuple[ReportView, ...]
    rekap_summary: Mapping[str, Any] = field(default_factory=dict)


class WorkflowService:
    """The SOP's brain: every action on periods and bidang reports goes through here."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        workbook: WorkbookPort,
        clock: Clock | None = None,
        calendar: WorkCalendar | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.workbook = workbook
        self.clock: Clock = clock or (lambda: datetime.now(settings.tz))
        self.calendar = calendar or WorkCalendar(settings.tz, settings.jadwal)
        self.directory = Directory(settings, store)
        self.kodes: tuple[str, ...] = tuple(b.kode for b in settings.bidang)
        self._master: Master | None = None

    def start(self) -> None:
        """Synchronise configured people into the store (call once at start, after migrations)."""
        self.directory.sync_from_settings(self.now())

    def now(self) -> datetime:
        """The current time, aware, in the office's zone."""
        return self.calendar.localize(self.clock())

    # ======================================================================================
    # checks
    # ======================================================================================

    def _period(self, tx: Tx, period_id: int) -> Row[Any]:
        period = tx.get_period(period_id)
        if period is None:
            raise ActionRefused(texts.REFUSAL_PERIOD_NOT_FOUND)
        return period

    def _report(self, tx: Tx, period: Row[Any], kode: str) -> Row[Any]:
        report = tx.get_report(period.id, kode)
        if report is None:
            raise ActionRefused(texts.refusal_report_not_found(kode, period.tw, period.tahun))
        return report

    def _bidang_label(self, kode: str) -> str:
        try:
            return self.directory.bidang_nama(kode)
        except KeyError:
            return kode

    def _check_role(self, actor: Actor, role: Role, bidang: str | None) -> None:
        """Refuse unless ``actor`` may act as ``role`` (for ``bidang``)."""
        if role is Role.SYSTEM:
            if actor.role is not Role.SYSTEM:
                raise ActionRefused(texts.REFUSAL_SYSTEM_ONLY)
            return
        if role is Role.KEPALA_BIDANG:
            assert bidang is not None
            sekretaris_corrects = self.directory.corrector_is_sekretaris(bidang)
            if (actor.role is Role.KEPALA_BIDANG and actor.bidang == bidang) or (
                sekretaris_corrects and actor.role is Role.SEKRETARIS
            ):
                return
            raise ActionRefused(texts.refusal_only_kepala_bidang(self._bidang_label(bidang), sekretaris_corrects))
        if role is Role.STAF:
            if actor.role is Role.STAF and actor.bidang == bidang:
                return
            raise ActionRefused(texts.refusal_only_staf(self._bidang_label(bidang or "")))
        if actor.role is not role:
            raise ActionRefused(texts.refusal_only_role(role))

    def _check_dinas(self, period: Row[Any], event: DinasEvent, actor: Actor, bidang: str | None = None) -> Transition:
        """Role first (who may ever do this), then the table row for the current state."""
        self._check_role(actor, _event_role(DINAS_TABLE, event), bidang)
        try:
            return dinas_transition(DinasState(period.state), event)
        except InvalidTransition:
            raise ActionRefused(texts.refusal_dinas_state(period.tw, period.tahun, period.state)) from None

    def _check_bidang(self, period: Row[Any], report: Row[Any], event: BidangEvent, actor: Actor) -> Transition:
        self._check_role(actor, _event_role(BIDANG_TABLE, event), report.bidang)
        if period.state != DinasState.COLLECTING and event is not BidangEvent.REOPEN:
            raise ActionRefused(texts.refusal_bidang_locked(period.tw, period.tahun, period.state))
        try:
            return bidang_transition(BidangState(report.state), event)
        except InvalidTransition:
            raise ActionRefused(
                texts.refusal_bidang_state(self._bidang_label(report.bidang), period.tw, period.tahun, report.state)
            ) from None

    def _check_event(
        self, tx: Tx, period: Row[Any], event: DinasEvent | BidangEvent, actor: Actor, bidang: str | None
    ) -> Row[Any] | None:
        """Every check the action causing ``event`` runs before writing; the bidang report when it concerns one.

        A bidang event, reopening a bidang and recording its tindak lanjut need ``bidang``; reopening
        is checked on both tables (the dinas report must be in revision, the bidang report approved).
        """
        needs_bidang = isinstance(event, BidangEvent) or event in _BIDANG_DINAS_EVENTS
        if needs_bidang and not bidang:
            raise ActionRefused(texts.REFUSAL_BIDANG_NOT_NAMED)
        if bidang and bidang not in self.kodes:
            raise ActionRefused(texts.refusal_unknown_bidang(bidang))
        if event is DinasEvent.RECORD_TINDAK_LANJUT:
            assert bidang is not None
            self._check_dinas(period, event, actor, bidang=bidang)
            if bidang not in {r.bidang for r in tx.reports(period.id)}:
                raise ActionRefused(texts.refusal_bidang_not_in_period(bidang))
            if bidang in {r.bidang for r in tx.tindak_lanjut_of(period.id)}:
                raise ActionRefused(texts.refusal_tindak_lanjut_recorded(self._bidang_label(bidang)))
            return None
        if event in (DinasEvent.REOPEN_BIDANG, BidangEvent.REOPEN):
            assert bidang is not None
            self._check_dinas(period, DinasEvent.REOPEN_BIDANG, actor)
            report = self._report(tx, period, bidang)
            self._check_bidang(period, report, BidangEvent.REOPEN, actor)
            return report
        if isinstance(event, BidangEvent):
            assert bidang is not None
            report = self._report(tx, period, bidang)
            self._check_bidang(period, report, event, actor)
            return report
        self._check_dinas(period, event, actor)
        return None

    def check_action(
        self, actor: Actor, period_id: int, event: DinasEvent | BidangEvent, bidang: str | None = None
    ) -> PeriodRef:
        """Refuse (ActionRefused, Indonesian reason) when ``actor`` could not cause ``event`` now; writes nothing.

        The same checks the action itself runs first: the period exists, role, bidang, the state
        tables' row for the current state (and for a tindak lanjut, that it is not recorded yet).
        The action checks again when it is taken, so a pass here promises nothing later. Used by
        the Telegram edge before it asks for a reason or a text.
        """
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_event(tx, period, event, actor, bidang)
            return PeriodRef(period.id, period.tahun, period.tw)

    @staticmethod
    def _require_text(text: str | None, what: str) -> str:
        cleaned = (text or "").strip()
        if not any(char.isalnum() for char in cleaned):  # empty, or only " . " / "-"
            raise ActionRefused(texts.refusal_text_required(what))
        if len(cleaned) < MIN_REASON_LENGTH:
            raise ActionRefused(texts.refusal_text_too_short(what, MIN_REASON_LENGTH))
        return cleaned

    # ======================================================================================
    # writes shared by every action (inside one transaction)
    # ======================================================================================

    def _audit(
        self,
        tx: Tx,
        *,
        period_id: int | None,
        machine: str,
        bidang: str | None,
        transition: Transition | None,
        sop_step: int | None,
        event: str,
        from_state: str | None,
        to_state: str | None,
        actor: Actor,
        step_since: datetime | None,
        now: datetime,
        reason: str | None = None,
        note: str | None = None,
    ) -> int:
        duration = mutu_baku_seconds = within = None
        if step_since is not None:
            duration = (now - step_since).total_seconds()
        if transition is not None and transition.mutu_baku_step is not None and step_since is not None:
            durasi = self.settings.mutu_baku.for_step(transition.mutu_baku_step)
            mutu_baku_seconds, within = self.calendar.working_time_between(step_since, now, durasi)
        return tx.insert_audit(
            period_id=period_id,
            bidang=bidang,
            machine=machine,
            sop_step=sop_step,
            actor_role=actor.role,
            actor_person_id=actor.person_id,
            actor_nama=actor.nama,
            telegram_user_id=actor.telegram_id,
            event=event,
            from_state=from_state,
            to_state=to_state,
            at=now,
            duration_seconds=duration,
            mutu_baku_seconds=mutu_baku_seconds,
            within=within,
            reason=reason,
            note=note,
        )

    def _move_period(
        self,
        tx: Tx,
        period: Row[Any],
        event: DinasEvent,
        actor: Actor,
        now: datetime,
        *,
        bidang: str | None = None,
        reason: str | None = None,
        note: str | None = None,
        step_since: datetime | None = None,
        **columns: Any,
    ) -> tuple[Row[Any], int]:
        """Apply one dinas-table move; returns the reloaded period and the audit id."""
        transition = dinas_transition(DinasState(period.state), event)
        before: Holding | None = DINAS_HOLDS.get(DinasState(period.state))
        after: Holding | None = DINAS_HOLDS.get(DinasState(transition.dest))
        audit_id = self._audit(
            tx,
            period_id=period.id,
            machine="dinas",
            bidang=bidang,
            transition=transition,
            sop_step=transition.sop_step,
            event=event,
            from_state=period.state,
            to_state=transition.dest,
            actor=actor,
            step_since=step_since or period.step_since,
            now=now,
            reason=reason,
            note=note,
        )
        changed = transition.dest != period.state
        tx.update_period(
            period.id,
            state=transition.dest,
            since=now if changed else period.since,
            step_since=now if before != after else period.step_since,
            **columns,
        )
        return tx.get_period(period.id), audit_id

    def _move_report(
        self,
        tx: Tx,
        period: Row[Any],
        report: Row[Any],
        event: BidangEvent,
        actor: Actor,
        now: datetime,
        *,
        reason: str | None = None,
        note: str | None = None,
        **columns: Any,
    ) -> tuple[Row[Any], int]:
        """Apply one bidang-table move; returns the reloaded report and the audit id."""
        transition = bidang_transition(BidangState(report.state), event)
        before = BIDANG_HOLDS.get(BidangState(report.state))
        after = BIDANG_HOLDS.get(BidangState(transition.dest))
        audit_id = self._audit(
            tx,
            period_id=period.id,
            machine="bidang",
            bidang=report.bidang,
            transition=transition,
            sop_step=transition.sop_step,
            event=event,
            from_state=report.state,
            to_state=transition.dest,
            actor=actor,
            step_since=report.step_since,
            now=now,
            reason=reason,
            note=note,
        )
        changed = transition.dest != report.state
        tx.update_report(
            report.id,
            state=transition.dest,
            since=now if changed else report.since,
            step_since=now if before != after else report.step_since,
            holder_role=after.role if after else None,
            **columns,
        )
        return tx.get_report(period.id, report.bidang), audit_id

    def _notify(
        self,
        tx: Tx,
        key: str,
        kind: Kind,
        role: Role,
        bidang: str | None,
        payload: Mapping[str, Any],
        now: datetime,
        period_id: int | None = None,
    ) -> list[Person]:
        """Outbox rows for everyone holding ``role``; ``key`` makes each row unique."""
        check_payload(kind, payload)
        people = self.directory.recipients(tx, role, bidang)
        for person in people:
            self._notify_person(tx, key, kind, person, payload, now, period_id)
        return people

    def _base(self, period: Row[Any]) -> dict[str, Any]:
        return {"period_id": period.id, "tahun": period.tahun, "tw": period.tw}

    def _bidang_base(self, period: Row[Any], kode: str) -> dict[str, Any]:
        return {**self._base(period), "bidang": kode, "bidang_nama": self._bidang_label(kode)}

    def _mutu_baku_text(self, step: int) -> str:
        return str(self.settings.mutu_baku.for_step(step))

    # ======================================================================================
    # step 1: open a period, the Sekretaris approves distribution
    # ======================================================================================

    def start_period(self, tahun: int, tw: int, actor: Actor = SYSTEM_ACTOR) -> int:
        """Open period (tahun, tw): ask the Sekretaris to approve distributing the format."""
        if actor.role not in (Role.SYSTEM, Role.KASUBBAG_KPEP):
            raise ActionRefused(texts.REFUSAL_START_PERIOD_ROLE)
        if tw not in (1, 2, 3, 4):
            raise ActionRefused(texts.REFUSAL_TW_RANGE)
        now = self.now()
        with self.store.transaction() as tx:
            if tx.find_period(tahun, tw) is not None:
                raise ActionRefused(texts.refusal_period_started(tw, tahun))
            period_id = tx.insert_period(
                tahun=tahun,
                tw=tw,
                state=DinasState.AWAITING_DISTRIBUTION,
                since=now,
                step_since=now,
                opened_at=now,
            )
            period = tx.get_period(period_id)
            audit_id = self._audit(
                tx,
                period_id=period_id,
                machine="dinas",
                bidang=None,
                transition=None,
                sop_step=1,
                event="mulai_periode",
                from_state=None,
                to_state=DinasState.AWAITING_DISTRIBUTION,
                actor=actor,
                step_since=None,
                now=now,
            )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.DISTRIBUTION_APPROVAL_REQUEST,
                Role.SEKRETARIS,
                None,
                {
                    **self._base(period),
                    "bidang": list(self.kodes),
                    "mutu_baku": self._mutu_baku_text(1),
                    # What the Sekretaris approves: each bidang's format and folder, and the input
                    # deadline that approving today would set.
                    "format": self._format_figures(tw),
                    "deadline": self.calendar.input_deadline(now).isoformat(),
                },
                now,
                period_id,
            )
        logger.info("period TW %s %s started", tw, tahun)
        return period_id

    def _format_figures(self, tw: int) -> list[dict[str, Any]]:
        """Per bidang: name, indicators (all, with a target this TW), pagu and Drive folder.

        Read from the master list each time (it is small, and an admin may fix it between
        periods); when it cannot be read, only names and folders are given and the reason logged.
        """
        try:
            master = load_master(self.settings.google.master_indikator)
        except MasterError as err:
            logger.warning("step 1 request without indicator figures: %s", err)
            master = None
        figures: list[dict[str, Any]] = []
        for bidang in self.settings.bidang:
            row: dict[str, Any] = {
                "kode": bidang.kode,
                "nama": bidang.nama,
                "folder_url": f"https://drive.google.com/drive/folders/{bidang.folder_id}",
            }
            if master is not None:
                items = master.for_bidang(bidang.kode)
                row["indikator"] = len(items)
                row["indikator_bertarget"] = sum(1 for item in items if item.target_tw[tw - 1] is not None)
                row["pagu"] = sum(item.pagu or 0.0 for item in items)
            figures.append(row)
        return figures

    def approve_distribution(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Setujui. Distribute every workbook, open the TW, send links and deadline."""
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.APPROVE_DISTRIBUTION, actor)
        refs = self.workbook.distribute(period.tahun, period.tw, self.kodes)
        missing = set(self.kodes) - set(refs)
        if missing:
            raise ActionRefused(texts.refusal_distribution_failed(missing))
        now = self.now()
        deadline = self.calendar.input_deadline(now)
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.APPROVE_DISTRIBUTION, actor)
            period, audit_id = self._move_period(
                tx,
                period,
                DinasEvent.APPROVE_DISTRIBUTION,
                actor,
                now,
                distributed_at=now,
                deadline=deadline,
            )
            holding = BIDANG_HOLDS[BidangState.OPENED]
            for kode in self.kodes:
                ref = refs[kode]
                tx.insert_report(
                    period_id=period.id,
                    bidang=kode,
                    state=BidangState.OPENED,
                    since=now,
                    step_since=now,
                    holder_role=holding.role,
                    workbook_url=ref.url,
                    spreadsheet_id=ref.spreadsheet_id,
                )
                self._notify(
                    tx,
                    f"a{audit_id}:{kode}",
                    Kind.INPUT_OPENED,
                    Role.STAF,
                    kode,
                    {**self._bidang_base(period, kode), "url": ref.url, "deadline": deadline.isoformat()},
                    now,
                    period.id,
                )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.DISTRIBUTION_DONE,
                Role.KASUBBAG_KPEP,
                None,
                {
                    **self._base(period),
                    "links": {k: refs[k].url for k in self.kodes},
                    "deadline": deadline.isoformat(),
                },
                now,
                period.id,
            )

    def defer_distribution(self, actor: Actor, period_id: int, note: str | None = None) -> None:
        """Sekretaris: Tunda. The request stays open; the Kasubbag is told."""
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.DEFER_DISTRIBUTION, actor)
            period, audit_id = self._move_period(tx, period, DinasEvent.DEFER_DISTRIBUTION, actor, now, note=note)
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.DISTRIBUTION_DEFERRED,
                Role.KASUBBAG_KPEP,
                None,
                {**self._base(period), "actor_nama": actor.nama, "note": note},
                now,
                period.id,
            )

    # ======================================================================================
    # steps 2-3: poll events, submission, koreksi
    # ======================================================================================

    def _period_for_tw(self, tx: Tx, tw: int) -> Row[Any] | None:
        """The running period of TW ``tw`` (the poll's events carry only the TW)."""
        candidates = [p for p in tx.periods() if p.tw == tw]
        running = [p for p in candidates if p.state not in TERMINAL_DINAS_STATES]
        pool = running or candidates
        return pool[-1] if pool else None

    def poll_once(self) -> int:
        """Poll the workbooks once, take in what changed, store the cursor; returns the event count.

        Each changed workbook's memory (:class:`~bot.workflow.intake.SheetMemory`) is stored once its
        events are handled; a fault while handling them leaves it as it was, and the cursor is
        stored only after every workbook, so the next poll reads the same changes and finds the
        events that were not taken in (those that were are not found again).
        """
        with self.store.transaction() as tx:
            cursor = tx.get_cursor(POLL_CURSOR)
            known = self._known_workbooks(tx)
        changes = self.workbook.poll(cursor, known)
        count = 0
        for fact in changes.books:
            count += self.take_in(fact)
        with self.store.transaction() as tx:
            tx.set_cursor(POLL_CURSOR, changes.cursor, self.now())
        return count

    def _known_workbooks(self, tx: Tx) -> dict[str, str]:
        """Spreadsheet id -> bidang kode of every report of this year."""
        return {
            report.spreadsheet_id: report.bidang
            for period in tx.periods()
            if period.tahun == self.settings.tahun
            for report in tx.reports(period.id)
            if report.spreadsheet_id
        }

    @property
    def master(self) -> Master:
        """The master list of indicators (read once, on first use)."""
        if self._master is None:
            # The bidang codes are checked against the settings where the workbooks are built (the Google edge).
            self._master = load_master(self.settings.google.master_indikator)
        return self._master

    def _memory_and_snapshots(self, kode: str) -> tuple[SheetMemory, dict[int, Any]]:
        tahun = self.settings.tahun
        with self.store.transaction() as tx:
            memory = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            snapshots = {row.tw: row.values for row in tx.snapshots_of_year(tahun, 4) if row.bidang == kode}
        return memory, snapshots

    def _store_memory(self, kode: str, before: SheetMemory, after: SheetMemory) -> None:
        """Apply the intake's changes to the stored memory (others' writes meanwhile are kept)."""
        if after == before:
            return
        tahun = self.settings.tahun
        with self.store.transaction() as tx:
            current = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
            tx.set_sheet_memory(tahun, kode, after.merged_into(before, current).as_json(), self.now())

    def _forget_submission(self, tx: Tx, tahun: int, kode: str, tw: int) -> None:
        """After a return or a reopen: the same data submitted again is a new submission."""
        memory = SheetMemory.from_json(tx.sheet_memory(tahun, kode))
        tx.set_sheet_memory(tahun, kode, memory.forget_submission(tw).as_json(), self.now())

    def _expected_name(self, kode: str) -> str | None:
        try:
            return layout.judul_bidang(self.settings.tahun, self.settings.bidang_by_kode(kode).nama)
        except KeyError:
            return None

    def take_in(self, fact: BookFact) -> int:
        """Take in what the poll read of one workbook: its events handled, then its memory stored."""
        memory, snapshots = self._memory_and_snapshots(fact.bidang)
        events, after = events_for(
            fact, self.settings.tahun, self.master, memory, snapshots, self._expected_name(fact.bidang)
        )
        self.handle_events(events, place=after.place)
        self._store_memory(fact.bidang, memory, after)
        return len(events)

    def handle_events(self, events: Sequence[PollEvent], place: FeedbackPlace | None = None) -> None:
        """Handle the intake's events in order; a refused one (the table lacks the move) is logged."""
        for event in events:
            try:
                self.handle_poll_event(event, place=place)
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
        self._check_role(actor, Role.STAF, kode)
        fact = self.workbook.read_book(kode)
        if fact.read.open_tw != tw:
            logger.warning("/kirim %s TW %d while the workbook has TW %s open", kode, tw, fact.read.open_tw)
        memory, snapshots = self._memory_and_snapshots(kode)
        ready, after = submission_for(kode, tw, fact.read, self.master, memory, snapshots)
        self.submit(actor, ready, place=after.place)
        self._store_memory(kode, memory, after)
        return ready

    def submit(self, actor: Actor, event: SubmissionReady, place: FeedbackPlace | None = None) -> None:
        """A staff member submits the open TW (the intake read and validated it)."""
        self._check_role(actor, Role.STAF, event.bidang)
        self._on_submission(event, actor, place)

    def _staff_actor(self, kode: str) -> Actor:
        return Actor(Role.STAF, texts.staf_via_sheet(self._bidang_label(kode)), bidang=kode)

    def _place(self, kode: str) -> FeedbackPlace | None:
        """Where the notes go in ``kode``'s workbook, as the intake last found it."""
        with self.store.transaction() as tx:
            return SheetMemory.from_json(tx.sheet_memory(self.settings.tahun, kode)).place

    def _on_submission(self, ev: SubmissionReady, actor: Actor | None, place: FeedbackPlace | None) -> None:
        event = BidangEvent.SUBMIT if ev.ok else BidangEvent.SUBMISSION_INVALID
        who = actor or self._staff_actor(ev.bidang)
        checker = who if ev.ok else SYSTEM_ACTOR
        with self.store.transaction() as tx:
            period = self._period_for_tw(tx, ev.tw)
            if period is None:
                raise ActionRefused(texts.refusal_no_running_period(ev.tw))
            report = self._report(tx, period, ev.bidang)
            self._check_bidang(period, report, event, checker)
        warnings = [p for p in ev.problems if p.severity == "warning"]
        errors = [p for p in ev.problems if p.severity == "error"]
        place = place or self._place(ev.bidang)
        if ev.ok:
            feedback = Feedback(texts.SHEET_STATUS_AWAITING_KOREKSI, "", tuple(warnings), place=place)
        else:
            catatan = texts.sheet_validation_failed(len(errors))
            feedback = Feedback(texts.SHEET_STATUS_NEEDS_FIX, catatan, ev.problems, reset_submission=True, place=place)
        self.workbook.write_feedback(ev.bidang, ev.tw, feedback)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period.id)
            report = self._report(tx, period, ev.bidang)
            self._check_bidang(period, report, event, checker)
            problems = [p.as_dict() for p in ev.problems]
            if ev.ok:
                submission = {
                    "values": dict(ev.values),
                    "values_hash": ev.values_hash or snapshot_hash(ev.values),
                    "summary": dict(ev.summary),
                    "problems": problems,
                    "submitted_at": now.isoformat(),
                }
                report, audit_id = self._move_report(tx, period, report, event, who, now, submission=submission)
                base = self._bidang_base(period, ev.bidang)
                self._notify(
                    tx,
                    f"a{audit_id}",
                    Kind.KOREKSI_REQUEST,
                    Role.KEPALA_BIDANG,
                    ev.bidang,
                    {
                        **base,
                        "url": report.workbook_url,
                        "summary": dict(ev.summary),
                        "warnings": [p.as_dict() for p in warnings],
                        "mutu_baku": self._mutu_baku_text(3),
                    },
                    now,
                    period.id,
                )
                self._notify(
                    tx,
                    f"a{audit_id}",
                    Kind.SUBMISSION_RECEIVED,
                    Role.STAF,
                    ev.bidang,
                    {**base, "warnings": [p.as_dict() for p in warnings]},
                    now,
                    period.id,
                )
            else:
                report, audit_id = self._move_report(
                    tx,
                    period,
                    report,
                    event,
                    SYSTEM_ACTOR,
                    now,
                    note=texts.audit_validation_note(len(errors), len(warnings)),
                )
                self._notify(
                    tx,
                    f"a{audit_id}",
                    Kind.VALIDATION_FAILED,
                    Role.STAF,
                    ev.bidang,
                    {
                        **self._bidang_base(period, ev.bidang),
                        "url": report.workbook_url,
                        "problems": problems,
                        "deadline": _iso(period.deadline),
                    },
                    now,
                    period.id,
                )

    def _on_values_changed(self, ev: ValuesChanged) -> None:
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period_for_tw(tx, ev.tw)
            if period is None:
                return
            report = tx.get_report(period.id, ev.bidang)
            if report is None:
                return
            who = self._staff_actor(ev.bidang)
            self._check_bidang(period, report, BidangEvent.VALUES_CHANGED, who)
            self._move_report(tx, period, report, BidangEvent.VALUES_CHANGED, who, now)

    def _on_approved_data_changed(self, ev: ApprovedDataChanged) -> None:
        """Tamper check: the sheet no longer matches the approved snapshot; the snapshot stays."""
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period_for_tw(tx, ev.tw)
            if period is None:
                return
            snapshot = tx.get_snapshot(period.id, ev.bidang)
            if snapshot is None or snapshot.values_hash == ev.values_hash:
                return
            audit_id = self._audit(
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
            # Keyed by the sheet's hash: the same change seen by every poll is reported once.
            self._notify(
                tx,
                f"tamper:{period.id}:{ev.bidang}:{ev.values_hash}",
                Kind.TAMPER_DETECTED,
                Role.KASUBBAG_KPEP,
                None,
                {
                    **self._bidang_base(period, ev.bidang),
                    "snapshot_hash": snapshot.values_hash,
                    "sheet_hash": ev.values_hash,
                    "audit_id": audit_id,
                },
                now,
                period.id,
            )
        logger.warning("approved data of %s TW %s changed in the sheet; snapshot kept", ev.bidang, ev.tw)

    def _on_workbook_problem(self, ev: WorkbookMissing | AccessLost) -> None:
        now = self.now()
        day = now.date().isoformat()
        with self.store.transaction() as tx:
            if isinstance(ev, WorkbookMissing):
                kind, payload = Kind.WORKBOOK_MISSING, {"reason": ev.reason}
            else:
                kind, payload = Kind.ACCESS_LOST, {}
            # Once a day per bidang and cause, however often the poll sees it.
            self._notify(
                tx,
                f"wb:{ev.bidang}:{kind}:{payload.get('reason', '')}:{day}",
                kind,
                Role.KASUBBAG_KPEP,
                None,
                {"bidang": ev.bidang, "bidang_nama": self._bidang_label(ev.bidang), **payload},
                now,
            )

    def approve_koreksi(self, actor: Actor, period_id: int, kode: str) -> None:
        """Kepala Bidang: Setujui. Lock the TW, snapshot the approved values, tell the staff."""
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_event(tx, period, BidangEvent.APPROVE, actor, kode)
        self.workbook.lock_tw(kode, period.tw)
        self.workbook.write_feedback(kode, period.tw, Feedback(texts.SHEET_STATUS_APPROVED, place=self._place(kode)))
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            report = self._check_event(tx, period, BidangEvent.APPROVE, actor, kode)
            assert report is not None
            submission = report.submission or {}
            report, audit_id = self._move_report(tx, period, report, BidangEvent.APPROVE, actor, now)
            values = submission.get("values", {})
            tx.upsert_snapshot(
                period.id,
                kode,
                tahun=period.tahun,
                tw=period.tw,
                values=values,
                values_hash=submission.get("values_hash") or snapshot_hash(values),
                approved_at=now,
                audit_id=audit_id,
            )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.REPORT_APPROVED,
                Role.STAF,
                kode,
                {**self._bidang_base(period, kode), "actor_nama": actor.nama},
                now,
                period.id,
            )
        self.advance(period_id)

    def return_koreksi(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kepala Bidang: Kembalikan with a reason. Reason into the sheet, input reopened, staff told."""
        reason = self._require_text(reason, texts.FIELD_ALASAN_PENGEMBALIAN)
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_event(tx, period, BidangEvent.RETURN, actor, kode)
        feedback = Feedback(texts.SHEET_STATUS_RETURNED, reason, reset_submission=True, place=self._place(kode))
        self.workbook.write_feedback(kode, period.tw, feedback)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            report = self._check_event(tx, period, BidangEvent.RETURN, actor, kode)
            assert report is not None
            report, audit_id = self._move_report(
                tx, period, report, BidangEvent.RETURN, actor, now, reason=reason, last_reason=reason
            )
            self._forget_submission(tx, period.tahun, kode, period.tw)
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.REPORT_RETURNED,
                Role.STAF,
                kode,
                {
                    **self._bidang_base(period, kode),
                    "url": report.workbook_url,
                    "reason": reason,
                    "actor_nama": actor.nama,
                },
                now,
                period.id,
            )

    # ======================================================================================
    # step 4: the rekap and the Kasubbag's analysis
    # ======================================================================================

    def _rekap_data(
        self,
        tx: Tx,
        period: Row[Any],
        *,
        catatan: str | None = None,
        extra_rekomendasi: Sequence[RekomendasiData] = (),
        extra_tindak_lanjut: Mapping[str, str] | None = None,
    ) -> RekapData:
        """Plain data for the dinas workbook: snapshots of the year up to this TW, rekomendasi, audit."""
        snapshots = tuple(
            SnapshotData(r.bidang, r.tw, r.values, r.values_hash) for r in tx.snapshots_of_year(period.tahun, period.tw)
        )
        now = self.now()
        rekomendasi = tuple(
            RekomendasiData(period.tw, r.bidang, r.teks, r.created_at) for r in tx.rekomendasi_of(period.id)
        )
        tindak_lanjut = tuple(
            TindakLanjutData(period.tw, r.bidang, r.teks, r.created_at) for r in tx.tindak_lanjut_of(period.id)
        ) + tuple(TindakLanjutData(period.tw, kode, teks, now) for kode, teks in (extra_tindak_lanjut or {}).items())
        riwayat = tuple(
            AuditEntry(
                a.sop_step or 0,
                a.actor_role,
                a.actor_nama,
                a.event,
                a.bidang,
                a.at,
                a.duration_seconds,
                a.mutu_baku_seconds,
                a.within,
                a.reason,
            )
            for a in tx.audit_rows(period.id)
        )
        return RekapData(
            snapshots=snapshots,
            catatan_analisis=catatan if catatan is not None else period.catatan_analisis,
            rekomendasi=(*rekomendasi, *extra_rekomendasi),
            tindak_lanjut=tindak_lanjut,
            riwayat=riwayat,
        )

    @staticmethod
    def _rekap_columns(ref: RekapRef) -> dict[str, Any]:
        return {
            "rekap_url": ref.url,
            "rekap_spreadsheet_id": ref.spreadsheet_id,
            "rekap_summary": dict(ref.summary),
        }

    def advance(self, period_id: int) -> None:
        """Do the bot's own pending steps: the draft rekap once every bidang is approved, the close
        once every bidang has followed up. Safe to call any time (the scheduler does, after a crash)."""
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            # States only: each approval calls this, and the reports' submissions are large.
            states = tx.report_states(period.id)
            all_approved = bool(states) and all(state == BidangState.APPROVED for state in states.values())
            build = period.state == DinasState.COLLECTING and all_approved
            close = (
                period.state == DinasState.FOLLOW_UP
                and {r.bidang for r in tx.tindak_lanjut_of(period.id)} >= states.keys()
            )
            if not (build or close):
                # Every approval calls this: reading the year's snapshots and the audit trail each
                # time (under the write lock) made 50 simultaneous approvals quadratic.
                return
            data = self._rekap_data(tx, period)
        if build:
            self._build_draft_rekap(period_id, data)
        else:
            self._close(period_id, data)

    def _build_draft_rekap(self, period_id: int, data: RekapData) -> None:
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
        ref = self.workbook.write_rekap(period.tahun, period.tw, data)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            reports = tx.reports(period.id)
            if period.state != DinasState.COLLECTING or not all(r.state == BidangState.APPROVED for r in reports):
                return
            period, audit_id = self._move_period(
                tx, period, DinasEvent.ALL_APPROVED, SYSTEM_ACTOR, now, **self._rekap_columns(ref)
            )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.REKAP_DRAFT,
                Role.KASUBBAG_KPEP,
                None,
                {
                    **self._base(period),
                    "url": ref.url,
                    "summary": dict(ref.summary),
                    "mutu_baku": self._mutu_baku_text(4),
                },
                now,
                period.id,
            )

    def add_analysis_note(self, actor: Actor, period_id: int, note: str) -> None:
        """Kasubbag: Tambah analisis (replaces the earlier note)."""
        note = self._require_text(note, texts.FIELD_CATATAN_ANALISIS)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.ADD_ANALYSIS_NOTE, actor)
            self._move_period(tx, period, DinasEvent.ADD_ANALYSIS_NOTE, actor, now, note=note, catatan_analisis=note)

    def submit_to_sekretaris(self, actor: Actor, period_id: int) -> None:
        """Kasubbag: Kirim ke Sekretaris. The rekap is rewritten with the note, the Sekretaris asked."""
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.SUBMIT_TO_SEKRETARIS, actor)
            data = self._rekap_data(tx, period)
        ref = self.workbook.write_rekap(period.tahun, period.tw, data)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.SUBMIT_TO_SEKRETARIS, actor)
            period, audit_id = self._move_period(
                tx, period, DinasEvent.SUBMIT_TO_SEKRETARIS, actor, now, **self._rekap_columns(ref)
            )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.TELAAH_REQUEST,
                Role.SEKRETARIS,
                None,
                {
                    **self._base(period),
                    "url": ref.url,
                    "summary": dict(ref.summary),
                    "catatan_analisis": period.catatan_analisis,
                    "mutu_baku": self._mutu_baku_text(5),
                },
                now,
                period.id,
            )

    # ======================================================================================
    # steps 5-6: telaah, returns, rekomendasi; steps 7-8 at once
    # ======================================================================================

    def forward_to_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Teruskan ke Kepala Dinas."""
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.FORWARD_TO_KEPALA_DINAS, actor)
            period, audit_id = self._move_period(tx, period, DinasEvent.FORWARD_TO_KEPALA_DINAS, actor, now)
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.TELAAH_KEPALA_DINAS_REQUEST,
                Role.KEPALA_DINAS,
                None,
                {
                    **self._base(period),
                    "url": period.rekap_url,
                    "summary": period.rekap_summary or {},
                    "catatan_analisis": period.catatan_analisis,
                    "mutu_baku": self._mutu_baku_text(6),
                },
                now,
                period.id,
            )

    def _return_dinas(self, actor: Actor, period_id: int, event: DinasEvent, reason: str) -> None:
        reason = self._require_text(reason, texts.FIELD_ALASAN_PENGEMBALIAN)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, event, actor)
            period, audit_id = self._move_period(tx, period, event, actor, now, reason=reason, last_reason=reason)
            payload = {
                **self._base(period),
                "reason": reason,
                "by_role": str(actor.role),
                "actor_nama": actor.nama,
            }
            self._notify(tx, f"a{audit_id}", Kind.DINAS_RETURNED, Role.KASUBBAG_KPEP, None, payload, now, period.id)
            if actor.role is Role.KEPALA_DINAS:
                self._notify(tx, f"a{audit_id}", Kind.DINAS_RETURNED, Role.SEKRETARIS, None, payload, now, period.id)

    def return_by_sekretaris(self, actor: Actor, period_id: int, reason: str) -> None:
        """Sekretaris: Kembalikan (to the Kasubbag, with a reason)."""
        self._return_dinas(actor, period_id, DinasEvent.RETURN_BY_SEKRETARIS, reason)

    def return_by_kepala_dinas(self, actor: Actor, period_id: int, reason: str) -> None:
        """Kepala Dinas: Kembalikan (to the Kasubbag, with a reason; the Sekretaris is told)."""
        self._return_dinas(actor, period_id, DinasEvent.RETURN_BY_KEPALA_DINAS, reason)

    def approve_by_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Kepala Dinas: Setujui; the bot then asks for the rekomendasi."""
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.APPROVE_BY_KEPALA_DINAS, actor)
            period, audit_id = self._move_period(tx, period, DinasEvent.APPROVE_BY_KEPALA_DINAS, actor, now)
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.REKOMENDASI_REQUEST,
                Role.KEPALA_DINAS,
                None,
                {
                    **self._base(period),
                    "bidang": list(self.kodes),
                    "url": period.rekap_url,
                    "summary": period.rekap_summary or {},
                    "mutu_baku": self._mutu_baku_text(6),
                },
                now,
                period.id,
            )

    def give_rekomendasi(
        self, actor: Actor, period_id: int, umum: str, per_bidang: Mapping[str, str] | None = None
    ) -> None:
        """Kepala Dinas: the rekomendasi (general + per bidang). Steps 7 and 8 follow at once."""
        umum = self._require_text(umum, texts.FIELD_REKOMENDASI_UMUM)
        khusus: dict[str, str] = {}
        for kode, teks in (per_bidang or {}).items():
            if kode not in self.kodes:
                raise ActionRefused(texts.refusal_unknown_bidang(kode))
            if (teks or "").strip():
                khusus[kode] = teks.strip()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.GIVE_REKOMENDASI, actor)
            now = self.now()
            pending = [RekomendasiData(period.tw, None, umum, now)] + [
                RekomendasiData(period.tw, kode, teks, now) for kode, teks in khusus.items()
            ]
            data = self._rekap_data(tx, period, extra_rekomendasi=pending)
        ref = self.workbook.write_rekap(period.tahun, period.tw, data)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_dinas(period, DinasEvent.GIVE_REKOMENDASI, actor)
            period, audit_id = self._move_period(
                tx, period, DinasEvent.GIVE_REKOMENDASI, actor, now, note=umum, **self._rekap_columns(ref)
            )
            tx.insert_rekomendasi(period_id=period.id, bidang=None, teks=umum, created_at=now, audit_id=audit_id)
            for kode, teks in khusus.items():
                tx.insert_rekomendasi(period_id=period.id, bidang=kode, teks=teks, created_at=now, audit_id=audit_id)
            handed = {**self._base(period), "umum": umum, "per_bidang": khusus, "url": ref.url}
            # Step 7: the Sekretaris hands report and rekomendasi to the Kasubbag (done by the bot).
            period, audit7 = self._move_period(
                tx,
                period,
                DinasEvent.HAND_TO_KASUBBAG,
                SYSTEM_ACTOR,
                now,
                note=texts.AUDIT_HANDED_TO_KASUBBAG,
            )
            for role in (Role.SEKRETARIS, Role.KASUBBAG_KPEP):
                self._notify(
                    tx,
                    f"a{audit7}",
                    Kind.REKOMENDASI_HANDED,
                    role,
                    None,
                    {**handed, "sop_step": 7},
                    now,
                    period.id,
                )
            # Step 8: the Kasubbag gives each bidang the rekomendasi that concern it.
            period, audit8 = self._move_period(
                tx,
                period,
                DinasEvent.HAND_TO_BIDANG,
                SYSTEM_ACTOR,
                now,
                note=texts.AUDIT_HANDED_TO_BIDANG,
            )
            for kode in self.kodes:
                self._notify(
                    tx,
                    f"a{audit8}:{kode}",
                    Kind.REKOMENDASI_FOR_BIDANG,
                    Role.KEPALA_BIDANG,
                    kode,
                    {
                        **self._bidang_base(period, kode),
                        "umum": umum,
                        "khusus": khusus.get(kode),
                        "url": ref.url,
                        "mutu_baku": self._mutu_baku_text(9),
                    },
                    now,
                    period.id,
                )

    def reopen_bidang(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kasubbag, after a return: reopen one bidang's approved report for correction."""
        reason = self._require_text(reason, texts.FIELD_ALASAN_BUKA_KEMBALI)
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            self._check_event(tx, period, DinasEvent.REOPEN_BIDANG, actor, kode)
        self.workbook.reopen_tw(kode, period.tw)
        self.workbook.write_feedback(kode, period.tw, Feedback(None, reason, reset_submission=True))
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            report = self._check_event(tx, period, DinasEvent.REOPEN_BIDANG, actor, kode)
            assert report is not None
            period, _ = self._move_period(tx, period, DinasEvent.REOPEN_BIDANG, actor, now, bidang=kode, reason=reason)
            report, audit_id = self._move_report(
                tx, period, report, BidangEvent.REOPEN, actor, now, reason=reason, last_reason=reason
            )
            self._forget_submission(tx, period.tahun, kode, period.tw)
            payload = {
                **self._bidang_base(period, kode),
                "url": report.workbook_url,
                "reason": reason,
                "actor_nama": actor.nama,
            }
            self._notify(tx, f"a{audit_id}", Kind.BIDANG_REOPENED, Role.STAF, kode, payload, now, period.id)
            self._notify(tx, f"a{audit_id}", Kind.BIDANG_REOPENED, Role.KEPALA_BIDANG, kode, payload, now, period.id)

    # ======================================================================================
    # step 9: tindak lanjut, close and archive
    # ======================================================================================

    def record_tindak_lanjut(self, actor: Actor, period_id: int, kode: str, teks: str) -> None:
        """Kepala Bidang: Catat tindak lanjut. Written to the dinas workbook; the last one closes."""
        teks = self._require_text(teks, texts.FIELD_TINDAK_LANJUT)

        def check(tx: Tx) -> Row[Any]:
            period = self._period(tx, period_id)
            self._check_event(tx, period, DinasEvent.RECORD_TINDAK_LANJUT, actor, kode)
            return period

        with self.store.transaction() as tx:
            period = check(tx)
            data = self._rekap_data(tx, period, extra_tindak_lanjut={kode: teks})
        ref = self.workbook.write_rekap(period.tahun, period.tw, data)
        now = self.now()
        with self.store.transaction() as tx:
            period = check(tx)
            period, audit_id = self._move_period(
                tx,
                period,
                DinasEvent.RECORD_TINDAK_LANJUT,
                actor,
                now,
                bidang=kode,
                note=teks,
                **self._rekap_columns(ref),
            )
            tx.insert_tindak_lanjut(
                period_id=period.id,
                bidang=kode,
                teks=teks,
                created_at=now,
                actor_person_id=actor.person_id,
                audit_id=audit_id,
            )
            self._notify(
                tx,
                f"a{audit_id}",
                Kind.TINDAK_LANJUT_RECORDED,
                Role.KASUBBAG_KPEP,
                None,
                {**self._bidang_base(period, kode), "teks": teks, "actor_nama": actor.nama},
                now,
                period.id,
            )
        self.advance(period_id)

    def _close(self, period_id: int, data: RekapData) -> None:
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
        ref = self.workbook.write_rekap(period.tahun, period.tw, data)
        archive = self.workbook.archive(period.tahun, period.tw)
        now = self.now()
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            if period.state != DinasState.FOLLOW_UP:
                return
            period, audit_id = self._move_period(
                tx,
                period,
                DinasEvent.CLOSE,
                SYSTEM_ACTOR,
                now,
                note=archive.url,
                archive_url=archive.url,
                closed_at=now,
                **self._rekap_columns(ref),
            )
            payload = {**self._base(period), "rekap_url": ref.url, "archive_url": archive.url}
            for row in tx.people():
                self._notify_person(
                    tx, f"a{audit_id}", Kind.PERIOD_CLOSED, Person.from_row(row), payload, now, period.id
                )

    def _notify_person(
        self,
        tx: Tx,
        key: str,
        kind: Kind,
        person: Person,
        payload: Mapping[str, Any],
        now: datetime,
        period_id: int | None,
    ) -> None:
        check_payload(kind, payload)
        tx.enqueue(
            dedupe_key=f"{key}:{kind}:{person.id}",
            period_id=period_id,
            recipient_role=person.role,
            recipient_bidang=person.bidang,
            recipient_person_id=person.id,
            recipient_nama=person.nama,
            kind=kind,
            payload=dict(payload),
            created_at=now,
            next_attempt_at=now,
        )

    # ======================================================================================
    # the schedule's work: open due periods, advance, timers
    # ======================================================================================

    def open_due_period(self) -> int | None:
        """Start the latest TW of ``settings.tahun`` whose opening time has passed, if not started."""
        now = self.now()
        tahun = self.settings.tahun
        due = [tw for tw in (1, 2, 3, 4) if self.calendar.period_open_at(tahun, tw) <= now]
        if not due:
            return None
        with self.store.transaction() as tx:
            # Never start an older TW once a later one exists, nor the same one twice.
            if any(tx.find_period(tahun, tw) is not None for tw in range(due[-1], 5)):
                return None
        try:
            return self.start_period(tahun, due[-1])
        except ActionRefused:
            return None

    def tick(self) -> None:
        """Everything the schedule does each sweep: open a due period, advance, fire timers."""
        self.open_due_period()
        with self.store.transaction() as tx:
            running = [p.id for p in tx.periods(exclude_states=[DinasState.CLOSED])]
        for period_id in running:
            try:
                self.advance(period_id)
            except Exception:  # one period's Google failure must not stop the others
                logger.exception("advancing period %s failed; retried next tick", period_id)
        run_timers(self)

    # ======================================================================================
    # read models
    # ======================================================================================

    def current_period_id(self) -> int | None:
        """The latest running period, else the latest period, else None."""
        with self.store.transaction() as tx:
            periods = tx.periods()
        running = [p for p in periods if p.state not in TERMINAL_DINAS_STATES]
        pool = running or periods
        return pool[-1].id if pool else None

    def period_view(self, period_id: int) -> PeriodView:
        """The period, each bidang's state, who holds each open step and since when."""
        with self.store.transaction() as tx:
            period = self._period(tx, period_id)
            tl = {r.bidang: r.teks for r in tx.tindak_lanjut_of(period.id)}
            reports = []
            for r in tx.reports(period.id):
                holding = BIDANG_HOLDS.get(BidangState(r.state))
                names = tuple(p.nama for p in self.directory.recipients(tx, holding.role, r.bidang)) if holding else ()
                reports.append(
                    ReportView(
                        r.bidang,
                        self._bidang_label(r.bidang),
                        BidangState(r.state),
                        r.since,
                        holding.role if holding else None,
                        names,
                        r.step_since,
                        r.workbook_url,
                        r.last_reason,
                        tl.get(r.bidang),
                    )
                )
            holding = DINAS_HOLDS.get(DinasState(period.state))
            names = ()
            if holding and holding.role is not Role.KEPALA_BIDANG:
                names = tuple(p.nama for p in self.directory.recipients(tx, holding.role))
            return PeriodView(
                period.id,
                period.tahun,
                period.tw,
                DinasState(period.state),
                period.since,
                period.step_since,
                holding.role if holding else None,
                names,
                period.deadline,
                period.rekap_url,
                period.archive_url,
                period.catatan_analisis,
                tuple(reports),
                dict(period.rekap_summary or {}),
            )
