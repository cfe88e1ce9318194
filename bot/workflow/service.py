"""The workflow service: SOP P-SEK-KP-09 for every period, as one object the edges call.

A façade over the SOP's seams, each its own module: the generic path and shared context
(:mod:`bot.workflow.core`: check -> Google effect -> move + audit + outbox in one transaction),
the checks (:mod:`~bot.workflow.guards`), the writes (:mod:`~bot.workflow.recorder`), the read
models (:mod:`~bot.workflow.views`), and one module per group of SOP steps: step 1
(:mod:`~bot.workflow.distribution`), steps 2-3 (:mod:`~bot.workflow.koreksi`, with the intake of
the sheets, and :mod:`~bot.workflow.evidence` for bukti dukung sent through Telegram), steps 4-8
(:mod:`~bot.workflow.dinas_report`) and step 9 (:mod:`~bot.workflow.follow_up`). Methods are
blocking (database and Google I/O): the Telegram edge calls them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow.bot_steps import BotSteps, Foreground
from bot.workflow.calendar import WorkCalendar
from bot.workflow.core import Clock, WorkflowCore
from bot.workflow.dinas_report import DinasReport, all_approved
from bot.workflow.distribution import Distribution
from bot.workflow.effects import Act
from bot.workflow.errors import ActionBusy, ActionFailed, ActionRefused
from bot.workflow.evidence import Evidence, EvidenceStored, EvidenceTarget, SentFile
from bot.workflow.follow_up import FollowUp, all_followed_up
from bot.workflow.guards import Event
from bot.workflow.intake import PollEvent, SubmissionReady
from bot.workflow.intentions import DONE, OWED, PENDING, UNDONE, Intention, Resumer, resuming
from bot.workflow.koreksi import Koreksi
from bot.workflow.machine import BidangEvent, DinasEvent, DinasState, GoogleEffect
from bot.workflow.notifications import Kind
from bot.workflow.payloads import ActionResumed
from bot.workflow.people import SYSTEM_ACTOR, Actor, Person
from bot.workflow.plh import ActingOfficials, PlhView
from bot.workflow.ports import WorkbookPort
from bot.workflow.revisions import MasterRevisions, RevisionDraft
from bot.workflow.timers import run_timers
from bot.workflow.views import Move, PeriodRef, PeriodView, ReportView, Views
from bot.workflow.year import BudgetYear
from config.settings import Settings
from sheets.facts import BookFact, FeedbackPlace
from sheets.master import Master

logger = logging.getLogger(__name__)

__all__ = ["Move", "PeriodRef", "PeriodView", "PlhView", "ReportView", "RevisionDraft", "WorkflowService"]


class WorkflowService:
    """The SOP's brain: every action on periods and bidang reports goes through here."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        workbook: WorkbookPort,
        clock: Clock | None = None,
        calendar: WorkCalendar | None = None,
        *,
        bot_steps_in_background: bool = False,
    ) -> None:
        """``bot_steps_in_background``: the bot's own steps a press makes due (the draft rekap, the
        close) run in a worker thread (:mod:`bot.workflow.bot_steps`), so the press does not wait
        for them; without it (one-shot commands, a scripted quarter) they run in the caller's thread."""
        self.core = WorkflowCore(settings, store, workbook, clock, calendar)
        self.settings, self.store, self.workbook = settings, store, workbook
        self.clock, self.calendar, self.directory, self.kodes = (
            self.core.clock,
            self.core.calendar,
            self.core.directory,
            self.core.kodes,
        )
        self.views = Views(store, self.directory, self.core.guards)
        self.distribution = Distribution(self.core)
        self.koreksi = Koreksi(self.core)
        self.evidence = Evidence(self.core, self.core.masters.for_tw)
        self.dinas_report = DinasReport(self.core)
        self.follow_up = FollowUp(self.core)
        # The presses being handled now: the workers below let them finish first (a bounded while).
        self.foreground = Foreground()
        self.bot_steps = BotSteps(self.advance, foreground=self.foreground) if bot_steps_in_background else None
        # The Google effect an approval's move owes (its lock) is carried out by a worker of its
        # own, so that the press is answered once the move is written (DESIGN.md section 6).
        self.owed_effects = (
            BotSteps(self.core.carry_out_owed, "google-effects", self.foreground) if bot_steps_in_background else None
        )
        if self.owed_effects is not None:
            self.core.following = self.owed_effects.request
        self.year = BudgetYear(self.core)
        self.plh = ActingOfficials(self.core)
        self.revisions = MasterRevisions(self.core, self.year)

    def start(self) -> None:
        """Synchronise configured people into the store (and keep the bound ones in memory), then
        finish what a stop interrupted.

        Call once at start, after migrations and before any press or poll is handled.
        """
        self.directory.sync_from_settings(self.now())
        self.directory.remember_bound()
        self.resume_intentions()
        self.core.reconcile_pending()  # the effects a stop left owed, the compensations left undone

    # --- durable intentions (bot.workflow.intentions) -----------------------------------------

    def _resumers(self) -> dict[str, Resumer]:
        """Per operation (the first event's value), the call that carries it out as it was asked."""
        return {
            BidangEvent.SUBMIT: lambda i: self.koreksi.resubmit(self._bidang(i), *self._tahun_tw(i)),
            BidangEvent.SUBMISSION_INVALID: lambda i: self.koreksi.resubmit(self._bidang(i), *self._tahun_tw(i)),
            BidangEvent.APPROVE: lambda i: self.approve_koreksi(i.actor, i.period_id, self._bidang(i)),
            BidangEvent.RETURN: lambda i: self.return_koreksi(i.actor, i.period_id, self._bidang(i), i.text or ""),
            DinasEvent.REOPEN_BIDANG: lambda i: self.reopen_bidang(i.actor, i.period_id, self._bidang(i), i.text or ""),
            DinasEvent.APPROVE_DISTRIBUTION: lambda i: self.approve_distribution(i.actor, i.period_id),
            DinasEvent.ALL_APPROVED: lambda i: self.advance(i.period_id),
            DinasEvent.SUBMIT_TO_SEKRETARIS: lambda i: self.submit_to_sekretaris(i.actor, i.period_id),
            DinasEvent.GIVE_REKOMENDASI: lambda i: self.give_rekomendasi(i.actor, i.period_id, i.text or "", i.khusus),
            DinasEvent.RECORD_TINDAK_LANJUT: lambda i: self.record_tindak_lanjut(
                i.actor, i.period_id, self._bidang(i), i.text or ""
            ),
            DinasEvent.CLOSE: lambda i: self.advance(i.period_id),
        }

    @staticmethod
    def _bidang(intention: Intention) -> str:
        assert intention.bidang is not None
        return intention.bidang

    def _tahun_tw(self, intention: Intention) -> tuple[int, int]:
        with self.store.read() as tx:
            period = self.core.guards.period(tx, intention.period_id)
            return int(period.tahun), int(period.tw)

    def resume_intentions(self) -> int:
        """Carry out again (or undo) every action a stop interrupted, and tell who asked; returns how many."""
        with self.store.read() as tx:
            pending = [Intention.from_row(row) for row in tx.intentions_with_status(PENDING)]
        resumers = self._resumers()
        for intention in pending:
            logger.warning(
                "resuming intention %s: %s on period %s %s",
                intention.id,
                intention.operation,
                intention.period_id,
                intention.bidang or "",
            )
            reason: str | None = None
            token = resuming.set(intention.id)
            try:
                resumers[intention.operation](intention)
            except (ActionRefused, ActionFailed) as err:
                reason = err.reason
            except Exception:
                logger.exception("intention %s could not be resumed", intention.id)
                reason = texts.RESUME_FAILED
            finally:
                resuming.reset(token)
            self._close_unadopted(intention)
            with self.store.transaction() as tx:
                row = tx.get_intention(intention.id)
                # Owed: the action is done, only its lock follows (maybe in the worker still).
                if row is not None and row.status not in (DONE, OWED) and reason is None:
                    reason = texts.RESUME_STATE_CHANGED
                self._tell_resumed(tx, intention, row.created_at if row is not None else self.now(), reason)
        return len(pending)

    def _close_unadopted(self, intention: Intention) -> None:
        """An intention its resumed call never reached (refused before it) is undone and settled."""
        with self.store.transaction() as tx:
            row = tx.get_intention(intention.id)
            if row is None or row.status != PENDING:
                return
        settled = self.core.settle(GoogleEffect(intention.effect), intention.period_id, intention.bidang)
        with self.store.transaction() as tx:
            tx.update_intention(intention.id, status=UNDONE, needs_reconcile=not settled, updated_at=self.now())

    def _tell_resumed(self, tx: Tx, intention: Intention, pressed_at: datetime, reason: str | None) -> None:
        """Tell the person who asked what became of their interrupted action (not the bot itself)."""
        person_row = tx.get_person(intention.actor.person_id) if intention.actor.person_id is not None else None
        if person_row is None:
            return
        period = self.core.guards.period(tx, intention.period_id)
        payload = ActionResumed(
            period_id=period.id,
            tahun=period.tahun,
            tw=period.tw,
            event=intention.operation,
            bidang_nama=self.core.guards.bidang_label(intention.bidang) if intention.bidang else None,
            pressed_at=pressed_at.isoformat(),
            reason=reason,
        )
        self.core.recorder.notify_person(
            tx, f"i{intention.id}", Kind.ACTION_RESUMED, Person.from_row(person_row), payload, self.now(), period.id
        )

    def now(self) -> datetime:
        """The current time, aware, in the office's zone."""
        return self.core.now()

    def master(self, tahun: int, tw: int | None = None) -> Master:
        """The master list of ``tahun`` the intake validates TW ``tw`` against (None: the list in force now)."""
        return self.core.masters.current(tahun) if tw is None else self.core.masters.for_tw(tahun, tw)

    def check_action(self, actor: Actor, period_id: int, event: Event, bidang: str | None = None) -> PeriodRef:
        """Refuse (ActionRefused, Indonesian reason) when ``actor`` could not cause ``event`` now; writes nothing.

        The same checks the action itself runs first: the period exists, role, bidang, the state
        tables' row for the current state (and for a tindak lanjut, that it is not recorded yet).
        The action checks again when it is taken, so a pass here promises nothing later. Used by
        the Telegram edge before it asks for a reason or a text.
        """
        with self.store.read() as tx:
            period = self.core.guards.period(tx, period_id)
            self.core.guards.check_event(tx, period, event, actor, bidang)
            return PeriodRef(period.id, period.tahun, period.tw)

    # --- step 1 -------------------------------------------------------------------------------

    def start_period(self, tahun: int, tw: int, actor: Actor = SYSTEM_ACTOR) -> int:
        """Open period (tahun, tw): ask the Sekretaris to approve distributing the format."""
        return self.distribution.start_period(tahun, tw, actor)

    def approve_distribution(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Setujui. Distribute every workbook, open the TW, send links and deadline."""
        self.distribution.approve(actor, period_id)

    def defer_distribution(self, actor: Actor, period_id: int, note: str | None = None) -> None:
        """Sekretaris: Tunda. The request stays open; the Kasubbag is told."""
        self.distribution.defer(actor, period_id, note)

    # --- steps 2-3 ----------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Poll the workbooks once and take in what changed; returns the event count."""
        return self.koreksi.poll_once()

    def take_in(self, fact: BookFact) -> int:
        """Take in what the poll read of one workbook."""
        return self.koreksi.take_in(fact)

    def handle_events(self, events: Sequence[PollEvent], place: FeedbackPlace | None = None) -> None:
        """Handle the intake's events in order; a refused one is logged."""
        self.koreksi.handle_events(events, place)

    def handle_poll_event(
        self, event: PollEvent, actor: Actor | None = None, place: FeedbackPlace | None = None
    ) -> None:
        """React to one thing the intake found in a sheet."""
        self.koreksi.handle_poll_event(event, actor, place)

    def submit_from_sheet(self, actor: Actor, kode: str, tahun: int, tw: int) -> SubmissionReady:
        """/kirim: read bidang ``kode``'s workbook of ``tahun`` now and submit TW ``tw``."""
        return self.koreksi.submit_from_sheet(actor, kode, tahun, tw)

    def submit(self, actor: Actor, event: SubmissionReady, place: FeedbackPlace | None = None) -> None:
        """A staff member submits the open TW (the intake read and validated it)."""
        self.koreksi.submit(actor, event, place)

    def approve_koreksi(self, actor: Actor, period_id: int, kode: str) -> None:
        """Kepala Bidang: Setujui. Lock the TW, snapshot the approved values, tell the staff.

        The last approval makes the draft rekap due: it is built off this press (:meth:`_bot_step`).
        """
        self._bot_step(self.koreksi.approve(actor, period_id, kode, bot_step=all_approved))

    def return_koreksi(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kepala Bidang: Kembalikan with a reason. Reason into the sheet, input reopened, staff told."""
        self.koreksi.return_(actor, period_id, kode, reason)

    def evidence_target(self, actor: Actor, caption: str | None = None) -> EvidenceTarget:
        """Where ``actor``'s bukti dukung would go now, and the indicator ``caption`` names; refused otherwise."""
        return self.evidence.target(actor, caption)

    def store_evidence(self, actor: Actor, period_id: int, no: int, sent: SentFile) -> EvidenceStored:
        """Keep a bukti dukung for indicator ``no``: into the TW's Drive folder, linked in the sheet, audited."""
        return self.evidence.store(actor, period_id, no, sent)

    # --- steps 4-8 ----------------------------------------------------------------------------

    def _bot_step(self, act: Act | None) -> None:
        """Carry out the bot's own step ``act`` made due: in the background worker when there is one."""
        if act is None or not act.bot_step_due:
            return
        if self.bot_steps is not None:
            self.bot_steps.request(act.period.id)
        else:
            self.advance(act.period.id)

    def advance(self, period_id: int) -> None:
        """Do the bot's own pending steps: the draft rekap once every bidang is approved, the close
        once every bidang has followed up. Safe to call any time (the scheduler does, after a crash)."""
        with self.store.read() as tx:
            period = self.core.guards.period(tx, period_id)
            # States only (the step itself checks again under the write lock).
            build, close = all_approved(tx, period), all_followed_up(tx, period)
        try:
            if build:
                self.dinas_report.build_draft(period_id)
            elif close:
                self.follow_up.close(period_id)
        except ActionBusy:  # another thread is doing it (or an action on the period is still running)
            logger.info("period %s: the bot's own step waits for a running action", period_id)

    def add_analysis_note(self, actor: Actor, period_id: int, note: str) -> None:
        """Kasubbag: Tambah analisis (replaces the earlier note)."""
        self.dinas_report.add_analysis_note(actor, period_id, note)

    def submit_to_sekretaris(self, actor: Actor, period_id: int) -> None:
        """Kasubbag: Kirim ke Sekretaris. The rekap is rewritten with the note, the Sekretaris asked."""
        self.dinas_report.submit_to_sekretaris(actor, period_id)

    def forward_to_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Sekretaris: Teruskan ke Kepala Dinas."""
        self.dinas_report.forward_to_kepala_dinas(actor, period_id)

    def return_by_sekretaris(self, actor: Actor, period_id: int, reason: str) -> None:
        """Sekretaris: Kembalikan (to the Kasubbag, with a reason)."""
        self.dinas_report.return_dinas(actor, period_id, DinasEvent.RETURN_BY_SEKRETARIS, reason)

    def return_by_kepala_dinas(self, actor: Actor, period_id: int, reason: str) -> None:
        """Kepala Dinas: Kembalikan (to the Kasubbag, with a reason; the Sekretaris is told)."""
        self.dinas_report.return_dinas(actor, period_id, DinasEvent.RETURN_BY_KEPALA_DINAS, reason)

    def approve_by_kepala_dinas(self, actor: Actor, period_id: int) -> None:
        """Kepala Dinas: Setujui; the bot then asks for the rekomendasi."""
        self.dinas_report.approve_by_kepala_dinas(actor, period_id)

    def give_rekomendasi(
        self, actor: Actor, period_id: int, umum: str, per_bidang: Mapping[str, str] | None = None
    ) -> None:
        """Kepala Dinas: the rekomendasi (general + per bidang). Steps 7 and 8 follow at once."""
        self.dinas_report.give_rekomendasi(actor, period_id, umum, per_bidang)

    def reopen_bidang(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kasubbag, after a return: reopen one bidang's approved report for correction."""
        self.dinas_report.reopen_bidang(actor, period_id, kode, reason)

    # --- step 9 -------------------------------------------------------------------------------

    def record_tindak_lanjut(self, actor: Actor, period_id: int, kode: str, teks: str) -> None:
        """Kepala Bidang: Catat tindak lanjut. Written to the dinas workbook; the last one closes (off this press)."""
        self._bot_step(self.follow_up.record_tindak_lanjut(actor, period_id, kode, teks))

    # --- the schedule's work ------------------------------------------------------------------

    def open_due_period(self) -> int | None:
        """Start the latest period whose opening time has passed on the calendar, if not started.

        The year comes from the calendar (:class:`~bot.workflow.year.BudgetYear`): a new year's TW I
        waits until every period of the earlier years is closed and that year's master list can be
        read; the Kasubbag is told what it waits for (the sweep's timers).
        """
        due = self.year.due()
        if due is None:
            return None
        if not due.ready:
            logger.debug("period TW %s %s is due but waits: %s", due.tw, due.tahun, due)
            return None
        try:
            return self.start_period(due.tahun, due.tw)
        except ActionRefused:
            return None

    def tick(self) -> None:
        """Everything the schedule does each sweep: open a due period, hand over to/from a Plh, advance,
        fire timers."""
        self.open_due_period()
        try:
            self.plh.sweep()
        except Exception:  # a Plh hand-over failing must not stop the SOP's own work
            logger.exception("Plh hand-over failed; retried next tick")
        with self.store.read() as tx:
            running = [p.id for p in tx.periods(exclude_states=[DinasState.CLOSED])]
        for period_id in running:
            try:
                self.advance(period_id)
            except Exception:  # one period's Google failure must not stop the others
                logger.exception("advancing period %s failed; retried next tick", period_id)
        run_timers(self.core, self.year.timers)
        self.core.reconcile_pending()

    # --- read models --------------------------------------------------------------------------

    def running_period_ids(self) -> list[int]:
        """Every running period, oldest first (else the latest period): what /status shows."""
        return self.views.running_period_ids()

    def current_period_id(self) -> int | None:
        """The latest running period, else the latest period, else None."""
        return self.views.current_period_id()

    def period_id_for(self, tahun: int | None, tw: int | None) -> int | None:
        """The period a command names by year and TW (either may be None; see :meth:`Views.period_id_for`)."""
        return self.views.period_id_for(tahun, tw, self.year.current())

    def open_moves(self, actor: Actor, period_id: int) -> tuple[Move, ...]:
        """What ``actor`` may do now in the period (the actions' own checks; nothing written)."""
        return self.views.open_moves(actor, period_id)

    def period_view(self, period_id: int) -> PeriodView:
        """The period, each bidang's state, who holds each open step and since when."""
        return self.views.period_view(period_id)

    # --- acting officials (Plh) ---------------------------------------------------------------

    def name_plh(self, holder: Actor, acting_nama: str, mulai: date, selesai: date) -> PlhView:
        """``/plh``: an official names their Plh; the person named is asked to accept."""
        return self.plh.name(holder, acting_nama, mulai, selesai)

    def accept_plh(self, actor: Actor, plh_id: int) -> None:
        """The person named Plh accepts (button Terima)."""
        self.plh.accept(actor, plh_id)

    def decline_plh(self, actor: Actor, plh_id: int) -> None:
        """The person named Plh declines (button Tolak)."""
        self.plh.decline(actor, plh_id)

    def cancel_own_plh(self, holder: Actor) -> PlhView:
        """``/plh batal``: the official cancels their Plh waiting or in force."""
        return self.plh.cancel_own(holder)

    def plh_of(self, actor: Actor) -> list[PlhView]:
        """The Plh waiting or in force that concern ``actor``."""
        return self.plh.of_person(actor)

    # --- the master list: its sheet, and revised targets (APBD Perubahan) -----------------------

    def master_sheet_url(self) -> str | None:
        """A link to the master sheet the Kasubbag keeps (None when the master list is a CSV)."""
        return self.core.masters.sheet_url

    def check_master_sheet(self, actor: Actor, tahun: int | None = None) -> tuple[int, Master]:
        """``/induk [TAHUN]``: the Kasubbag has a year's list in the master sheet read and validated now
        (notes beside its rows); returns the year read (the current budget year by default) and its list."""
        return self.revisions.check_sheet(actor, tahun)

    def prepare_revision(
        self, actor: Actor, berlaku: date, master: Master | None = None, tahun: int | None = None
    ) -> RevisionDraft:
        """``/perubahan``: read a year's revised list, compare it with that year's list in force, keep it as a draft."""
        return self.revisions.prepare(actor, berlaku, master, tahun)

    def apply_revision(self, actor: Actor, draft_id: int) -> None:
        """Terapkan: the open and future TWs of every workbook take the revision; the Kepala Dinas is told."""
        self.revisions.apply(actor, draft_id)

    def cancel_revision(self, actor: Actor, draft_id: int) -> None:
        """Batal: the draft revision is dropped."""
        self.revisions.cancel(actor, draft_id)
