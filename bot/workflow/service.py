"""The workflow service: SOP P-SEK-KP-09 for every period, as one object the edges call.

A façade over the SOP's seams, each its own module: the generic path and shared context
(:mod:`bot.workflow.core`: check -> Google effect -> move + audit + outbox in one transaction),
the checks (:mod:`~bot.workflow.guards`), the writes (:mod:`~bot.workflow.recorder`), the read
models (:mod:`~bot.workflow.views`), and one module per group of SOP steps: step 1
(:mod:`~bot.workflow.distribution`), steps 2-3 (:mod:`~bot.workflow.koreksi`, with the intake of
the sheets), steps 4-8 (:mod:`~bot.workflow.dinas_report`) and step 9
(:mod:`~bot.workflow.follow_up`). Methods are blocking (database and Google I/O): the Telegram
edge calls them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from bot.store.repository import Store
from bot.workflow.calendar import WorkCalendar
from bot.workflow.core import Clock, WorkflowCore
from bot.workflow.dinas_report import DinasReport, all_approved
from bot.workflow.distribution import Distribution
from bot.workflow.errors import ActionRefused
from bot.workflow.follow_up import FollowUp, all_followed_up
from bot.workflow.guards import Event
from bot.workflow.intake import PollEvent, SubmissionReady
from bot.workflow.koreksi import Koreksi
from bot.workflow.machine import DinasEvent, DinasState
from bot.workflow.people import SYSTEM_ACTOR, Actor
from bot.workflow.plh import ActingOfficials, PlhView
from bot.workflow.ports import WorkbookPort
from bot.workflow.revisions import MasterRevisions, RevisionDraft
from bot.workflow.timers import run_timers
from bot.workflow.views import PeriodRef, PeriodView, ReportView, Views
from config.settings import Settings
from sheets.facts import BookFact, FeedbackPlace
from sheets.master import Master

logger = logging.getLogger(__name__)

__all__ = ["PeriodRef", "PeriodView", "PlhView", "ReportView", "RevisionDraft", "WorkflowService"]


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
        self.dinas_report = DinasReport(self.core)
        self.follow_up = FollowUp(self.core)
        self.plh = ActingOfficials(self.core)
        self.revisions = MasterRevisions(self.core)

    def start(self) -> None:
        """Synchronise configured people into the store (call once at start, after migrations)."""
        self.directory.sync_from_settings(self.now())

    def now(self) -> datetime:
        """The current time, aware, in the office's zone."""
        return self.core.now()

    @property
    def master(self) -> Master:
        """The master list of indicators the intake validates against."""
        return self.koreksi.master

    def check_action(self, actor: Actor, period_id: int, event: Event, bidang: str | None = None) -> PeriodRef:
        """Refuse (ActionRefused, Indonesian reason) when ``actor`` could not cause ``event`` now; writes nothing.

        The same checks the action itself runs first: the period exists, role, bidang, the state
        tables' row for the current state (and for a tindak lanjut, that it is not recorded yet).
        The action checks again when it is taken, so a pass here promises nothing later. Used by
        the Telegram edge before it asks for a reason or a text.
        """
        with self.store.transaction() as tx:
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

    def submit_from_sheet(self, actor: Actor, kode: str, tw: int) -> SubmissionReady:
        """/kirim: read bidang ``kode``'s workbook now and submit TW ``tw``."""
        return self.koreksi.submit_from_sheet(actor, kode, tw)

    def submit(self, actor: Actor, event: SubmissionReady, place: FeedbackPlace | None = None) -> None:
        """A staff member submits the open TW (the intake read and validated it)."""
        self.koreksi.submit(actor, event, place)

    def approve_koreksi(self, actor: Actor, period_id: int, kode: str) -> None:
        """Kepala Bidang: Setujui. Lock the TW, snapshot the approved values, tell the staff."""
        self.koreksi.approve(actor, period_id, kode)
        self.advance(period_id)

    def return_koreksi(self, actor: Actor, period_id: int, kode: str, reason: str) -> None:
        """Kepala Bidang: Kembalikan with a reason. Reason into the sheet, input reopened, staff told."""
        self.koreksi.return_(actor, period_id, kode, reason)

    # --- steps 4-8 ----------------------------------------------------------------------------

    def advance(self, period_id: int) -> None:
        """Do the bot's own pending steps: the draft rekap once every bidang is approved, the close
        once every bidang has followed up. Safe to call any time (the scheduler does, after a crash)."""
        with self.store.transaction() as tx:
            period = self.core.guards.period(tx, period_id)
            # States only: every approval calls this (reading more under the write lock made 50
            # simultaneous approvals quadratic).
            build, close = all_approved(tx, period), all_followed_up(tx, period)
        if build:
            self.dinas_report.build_draft(period_id)
        elif close:
            self.follow_up.close(period_id)

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
        """Kepala Bidang: Catat tindak lanjut. Written to the dinas workbook; the last one closes."""
        self.follow_up.record_tindak_lanjut(actor, period_id, kode, teks)
        self.advance(period_id)

    # --- the schedule's work ------------------------------------------------------------------

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
        """Everything the schedule does each sweep: open a due period, hand over to/from a Plh, advance,
        fire timers."""
        self.open_due_period()
        try:
            self.plh.sweep()
        except Exception:  # a Plh hand-over failing must not stop the SOP's own work
            logger.exception("Plh hand-over failed; retried next tick")
        with self.store.transaction() as tx:
            running = [p.id for p in tx.periods(exclude_states=[DinasState.CLOSED])]
        for period_id in running:
            try:
                self.advance(period_id)
            except Exception:  # one period's Google failure must not stop the others
                logger.exception("advancing period %s failed; retried next tick", period_id)
        run_timers(self.core)

    # --- read models --------------------------------------------------------------------------

    def running_period_ids(self) -> list[int]:
        """Every running period, oldest first (else the latest period): what /status shows."""
        return self.views.running_period_ids()

    def current_period_id(self) -> int | None:
        """The latest running period, else the latest period, else None."""
        return self.views.current_period_id()

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

    def check_master_sheet(self, actor: Actor) -> Master:
        """``/induk``: the Kasubbag has the master sheet read and validated now (notes beside its rows)."""
        return self.revisions.check_sheet(actor)

    def prepare_revision(self, actor: Actor, berlaku: date, master: Master | None = None) -> RevisionDraft:
        """``/perubahan``: read the revised list, compare it with the one in force, keep it as a draft."""
        return self.revisions.prepare(actor, berlaku, master)

    def apply_revision(self, actor: Actor, draft_id: int) -> None:
        """Terapkan: the open and future TWs of every workbook take the revision; the Kepala Dinas is told."""
        self.revisions.apply(actor, draft_id)

    def cancel_revision(self, actor: Actor, draft_id: int) -> None:
        """Batal: the draft revision is dropped."""
        self.revisions.cancel(actor, draft_id)
