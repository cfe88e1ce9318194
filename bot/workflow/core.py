"""The one generic path every action of the SOP takes, and the context the steps share.

:meth:`WorkflowCore.perform` takes any event (or a chain of events moved together):

1. check, in a transaction, the table row for (current state, event), the actor's role and
   bidang, and the input; refuse with :class:`~bot.workflow.errors.ActionRefused` before writing;
2. a row without a Google effect, or with one that follows the move (the approval's lock:
   :data:`~bot.workflow.effects.FOLLOWING_EFFECTS`), is moved in that same transaction: the
   state, the audit row, what the step records, the outbox rows of every notification the row
   names and the effect it owes (an ``owed`` intention), all at once; the owed effect is then
   carried out (:meth:`WorkflowCore.carry_out_owed`) by :attr:`WorkflowCore.following`, off the
   person's path when the service runs a worker for it;
3. any other row first carries out the Google effect it names (outside any transaction; every
   effect is idempotent, so a crash here only means the action is retried), then, in ONE
   transaction, checks again (a doubled press finds the state moved on and is refused) and
   moves as above.

Blocking (database and Google I/O): the Telegram edge calls it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.store.repository import Store, Tx
from bot.workflow import intentions
from bot.workflow.builders import Builders
from bot.workflow.calendar import WorkCalendar
from bot.workflow.effects import (
    FOLLOWING_EFFECTS,
    NOTE_EFFECTS,
    Act,
    Event,
    GoogleEffects,
    rekap_data,
    remember_place,
    stored_place,
)
from bot.workflow.errors import ActionBusy, ActionFailed, ActionRefused
from bot.workflow.guards import Guards
from bot.workflow.intake import SubmissionReady
from bot.workflow.intentions import DONE, OWED, PENDING, UNDONE
from bot.workflow.machine import (
    BidangEvent,
    BidangState,
    DinasState,
    GoogleEffect,
    Role,
    Transition,
    bidang_transition,
    dinas_transition,
)
from bot.workflow.masters import MasterBook
from bot.workflow.people import SYSTEM_ACTOR, Actor, Directory
from bot.workflow.ports import WorkbookPort
from bot.workflow.recorder import Recorder
from config.settings import Settings
from sheets.facts import FeedbackPlace
from sheets.master import Master

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Detail:
    """What one move writes beside its state: the audit row's reason/note, the columns it sets."""

    reason: str | None = None
    note: str | None = None
    columns: Mapping[str, Any] = field(default_factory=dict)
    audit_bidang: str | None = None  # a dinas move that concerns one bidang names it in the audit row


# Per event: the move's detail, and what the step records in the same transaction.
DetailOf = Callable[[Act, Event], Detail]
RecordOf = Callable[[Tx, Act, Event, int], None]
Precondition = Callable[[Tx, Row[Any]], bool]


class WorkflowCore:
    """Settings, store, Google port, guards, recorder and the generic path, shared by the steps."""

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
        self.calendar = calendar or WorkCalendar.of(settings)
        self.directory = Directory(settings, store)
        self.kodes: tuple[str, ...] = tuple(b.kode for b in settings.bidang)
        self.guards = Guards(self.directory, self.kodes, self.now)
        self.recorder = Recorder(settings, self.calendar, self.directory, self.kodes)
        self.builders = Builders(settings, self.guards)
        # Each budget year's master list: its source, then its versions in the store (the intake
        # validates each TW against its own). The bidang codes are checked against the settings
        # where the workbooks are built (the Google edge).
        self.masters = MasterBook(settings, store, workbook)
        # The report document archived at the close, stamped with the workflow's own clock.
        self.effects = GoogleEffects(
            workbook,
            self.kodes,
            self._laporan,
            dikoreksi_sekretaris=self.directory.corrector_is_sekretaris,
        )
        # Who carries out the Google effect a written move owes: at once in the caller's thread,
        # unless the service hands it to its worker (WorkflowService, bot_steps_in_background).
        self.following: Callable[[int], object] = self.carry_out_owed

    def _laporan(self, tahun: int, tw: int) -> bytes:
        """The period's report document (reportlab and pandas are loaded only when one is written)."""
        from bot.laporan_data import laporan_pdf

        return laporan_pdf(self.settings, self.store, tahun, tw, dibuat=self.now())

    def now(self) -> datetime:
        """The current time, aware, in the office's zone."""
        return self.calendar.localize(self.clock())

    @staticmethod
    def transition_of(period: Row[Any], report: Row[Any] | None, event: Event) -> Transition:
        """The table row ``event`` takes from the current state (the report's for a bidang event)."""
        if isinstance(event, BidangEvent):
            assert report is not None
            return bidang_transition(BidangState(report.state), event)
        return dinas_transition(DinasState(period.state), event)

    def _google_effect(self, period: Row[Any], report: Row[Any] | None, events: Sequence[Event]) -> GoogleEffect | None:
        """The Google effect of the chain: the first its rows name (a chain names at most one)."""
        state = DinasState(period.state)
        for event in events:
            if isinstance(event, BidangEvent):
                assert report is not None
                transition = bidang_transition(BidangState(report.state), event)
            else:
                transition = dinas_transition(state, event)
                state = DinasState(transition.dest)
            if transition.google is not None:
                return transition.google
        return None

    def perform(
        self,
        actor: Actor,
        period_id: int,
        events: Sequence[Event],
        *,
        bidang: str | None = None,
        text: str | None = None,
        khusus: Mapping[str, str] | None = None,
        submission: SubmissionReady | None = None,
        place: FeedbackPlace | None = None,
        detail: DetailOf | None = None,
        record: RecordOf | None = None,
        precondition: Precondition | None = None,
        master: Master | None = None,
        bot_step: Precondition | None = None,
    ) -> Act | None:
        """Check (and record the intention), Google effect, then move + audit + record + outbox.

        ``events`` after the first are moved at once in the same transaction (the bot's own
        steps 7 and 8 after the rekomendasi, the bidang's reopen with the dinas report's), each
        by the role its row names. ``text`` is what the person typed (reason, note, rekomendasi,
        tindak lanjut), ``submission`` what the intake found; ``precondition`` (checked in both
        transactions) skips the action silently when false. Returns the action, or None when
        skipped. ``bot_step`` is asked in the move's transaction, after the move, whether the bot's
        own next step on the period is now due (:attr:`Act.bot_step_due`): the caller has it
        carried out, off the person's path, without reading the store again.

        An action with a Google effect is a durable intention (:mod:`bot.workflow.intentions`):
        recorded with the checks, closed with the move. When the effect fails or the second
        check refuses, the effect is compensated and :class:`ActionFailed` (or the refusal) is
        raised: nothing changed, the buttons still work.
        """
        first = events[0]
        intention_id: int | None = None
        with self.store.transaction() as tx:
            period = self.guards.period(tx, period_id)
            if precondition is not None and not precondition(tx, period):
                return None
            report = self.guards.check_event(tx, period, first, actor, bidang)
            # A Plh acts in the holder's place: the audit row and the payloads name both.
            acting = self.guards.in_capacity(tx, actor, first, bidang)
            current = Act(
                acting, first, period, self.now(), bidang=bidang, report=report, text=text, submission=submission
            )
            current.khusus = dict(khusus or {})
            current.master = master
            effect = self._google_effect(period, report, events)
            if effect is None or effect in FOLLOWING_EFFECTS:
                # ONE transaction: the move, its audit row, its notifications and the effect it owes.
                if effect is not None:
                    current.owed = self._open_intention(tx, current, effect, OWED)
                for event in events:
                    self._move(tx, current, event, detail, record)
                current.bot_step_due = bot_step is not None and bot_step(tx, current.period)
            else:
                current.place = place
                if place is None and bidang is not None and effect in NOTE_EFFECTS:
                    current.place = stored_place(tx, period.tahun, bidang)
                if effect in (GoogleEffect.REKAP, GoogleEffect.ARCHIVE):
                    current.rekap = rekap_data(tx, period, current)
                intention_id = self._open_intention(tx, current, effect, PENDING)
        if effect is None:
            return current
        if current.owed is not None:
            self.following(current.owed)
            return current
        assert intention_id is not None
        intentions.tell_turning_to_google()
        try:
            if current.rekap is not None and not current.rekap.masters:
                # A year without stored versions (its first TW distributed before they were kept): the source.
                source = self.masters.by_tw(current.tahun)
                current.rekap = replace(current.rekap, masters={k: source[k] for k in range(1, current.tw + 1)})
            self.effects.run(effect, current)
        except ActionRefused as err:
            self._undo(intention_id, effect, current, str(err))
            raise
        except Exception as err:
            logger.warning("%s on period %s %s did not take effect: %s", first, period_id, bidang or "", err)
            self._undo(intention_id, effect, current, f"{type(err).__name__}: {err}")
            raise ActionFailed(texts.action_failed(str(first))) from err
        current.now = self.now()
        try:
            with self.store.transaction() as tx:
                moved = self._second_check_and_move(tx, current, events, precondition, detail, record)
                tx.update_intention(intention_id, status=DONE if moved else UNDONE, updated_at=current.now)
                current.bot_step_due = moved and bot_step is not None and bot_step(tx, current.period)
        except ActionRefused as err:  # the state moved on meanwhile (a doubled press)
            self._undo(intention_id, effect, current, str(err))
            raise
        return current if moved else None

    def carry_out_owed(self, intention_id: int) -> bool:
        """Carry out the Google effect a written move owes: the sheet made to say what the store says.

        Closes the intention ``done`` (with where the notes now are, in one transaction); False
        when Google could not be reached: the row stays ``owed`` and the scheduler tries again
        each cycle, the start too. Safe to call twice.
        """
        with self.store.read() as tx:
            row = tx.get_intention(intention_id)
        if row is None or row.status != OWED:
            return True
        failure = self._settle(
            GoogleEffect(row.effect),
            row.period_id,
            row.bidang,
            closing=lambda tx: tx.update_intention(intention_id, status=DONE, updated_at=self.now()),
        )
        if failure is None:
            return True
        with self.store.transaction() as tx:
            error = f"{type(failure).__name__}: {failure}"[:2000]
            tx.update_intention(intention_id, attempts=row.attempts + 1, last_error=error, updated_at=self.now())
        return False

    def _second_check_and_move(
        self,
        tx: Tx,
        act: Act,
        events: Sequence[Event],
        precondition: Precondition | None,
        detail: DetailOf | None,
        record: RecordOf | None,
    ) -> bool:
        """Check again and move every event in ``tx``; False when the precondition no longer holds."""
        period = self.guards.period(tx, act.period.id)
        if precondition is not None and not precondition(tx, period):
            return False
        act.period = period
        act.report = self.guards.check_event(tx, period, events[0], act.actor, act.bidang)
        for event in events:
            self._move(tx, act, event, detail, record)
        if act.place_after is not None and act.bidang is not None:  # the cells the feedback left marked
            remember_place(tx, act.tahun, act.bidang, act.place_after, act.now)
        return True

    def _open_intention(self, tx: Tx, act: Act, effect: GoogleEffect, status: str) -> int:
        """Record the action about to touch Google (``status`` pending) or whose Google effect its
        move owes (owed); refused while another on the same report is still being carried out."""
        adopted = intentions.resuming.get()
        if adopted is not None:
            row = tx.get_intention(adopted)
            if row is not None and row.period_id == act.period.id and row.status == PENDING:
                intentions.resuming.set(None)  # only the resumed call's own perform adopts it
                tx.update_intention(adopted, status=status, attempts=row.attempts + 1, updated_at=act.now)
                return adopted
        if tx.pending_intention(act.period.id, act.bidang) is not None:
            raise ActionBusy(texts.REFUSAL_ACTION_BUSY)
        return tx.insert_intention(
            period_id=act.period.id,
            bidang=act.bidang,
            operation=str(act.event),
            effect=str(effect),
            actor=intentions.actor_json(act.actor),
            text=act.text,
            khusus=dict(act.khusus) or None,
            status=status,
            attempts=1,
            created_at=act.now,
            updated_at=act.now,
        )

    def _undo(self, intention_id: int, effect: GoogleEffect, act: Act, error: str) -> None:
        """Close the intention ``undone``; compensate its Google effect (or leave that to the scheduler)."""
        settled = self.settle(effect, act.period.id, act.bidang)
        with self.store.transaction() as tx:
            tx.update_intention(
                intention_id, status=UNDONE, needs_reconcile=not settled, last_error=error[:2000], updated_at=self.now()
            )

    def settle(self, effect: GoogleEffect, period_id: int, bidang: str | None) -> bool:
        """Make the sheet of ``bidang`` say what the store says after ``effect`` did not become a move.

        False when Google could not be reached (the scheduler tries again, :meth:`reconcile_pending`).
        """
        return self._settle(effect, period_id, bidang) is None

    def _settle(
        self,
        effect: GoogleEffect,
        period_id: int,
        bidang: str | None,
        closing: Callable[[Tx], object] | None = None,
    ) -> Exception | None:
        """:meth:`settle`; ``closing`` is written in the transaction that keeps where the notes now
        are. Returns why Google could not be reached, None once settled."""
        with self.store.read() as tx:
            period = self.guards.period(tx, period_id)
            report = tx.get_report(period_id, bidang) if bidang is not None else None
            place = stored_place(tx, period.tahun, bidang) if bidang is not None else None
        try:
            left = self.effects.settle(effect, period, report, place)
        except Exception as err:
            logger.exception("could not settle %s of period %s %s; tried again later", effect, period_id, bidang or "")
            return err
        if (left is None or bidang is None) and closing is None:
            return None
        with self.store.transaction() as tx:
            if left is not None and bidang is not None:
                remember_place(tx, period.tahun, bidang, left, self.now())
            if closing is not None:
                closing(tx)
        return None

    def reconcile_pending(self) -> int:
        """Carry out the owed effects and compensate the undone intentions Google could not be
        reached for; returns how many settled."""
        with self.store.read() as tx:
            owed = [row.id for row in tx.intentions_with_status(OWED)]
            rows = tx.intentions_to_reconcile()
        settled = sum(1 for intention_id in owed if self.carry_out_owed(intention_id))
        for row in rows:
            if self.settle(GoogleEffect(row.effect), row.period_id, row.bidang):
                with self.store.transaction() as tx:
                    tx.update_intention(row.id, needs_reconcile=False, updated_at=self.now())
                settled += 1
        return settled

    def _move(self, tx: Tx, act: Act, event: Event, detail: DetailOf | None, record: RecordOf | None) -> None:
        transition = self.transition_of(act.period, act.report, event)
        who = SYSTEM_ACTOR if transition.actor_role is Role.SYSTEM else act.actor
        written = detail(act, event) if detail is not None else Detail()
        columns = dict(written.columns)
        if act.rekap_ref is not None and transition.google in (GoogleEffect.REKAP, GoogleEffect.ARCHIVE):
            columns |= {
                "rekap_url": act.rekap_ref.url,
                "rekap_spreadsheet_id": act.rekap_ref.spreadsheet_id,
                "rekap_summary": dict(act.rekap_ref.summary),
            }
        if isinstance(event, BidangEvent):
            assert act.report is not None
            act.report, transition, audit_id = self.recorder.move_report(
                tx, act.period, act.report, event, who, act.now, reason=written.reason, note=written.note, **columns
            )
        else:
            act.period, transition, audit_id = self.recorder.move_period(
                tx,
                act.period,
                event,
                who,
                act.now,
                bidang=written.audit_bidang,
                reason=written.reason,
                note=written.note,
                **columns,
            )
        if record is not None:
            record(tx, act, event, audit_id)
        self.recorder.announce(tx, transition, audit_id, act.bidang, self.builders.for_act(act), act.now, act.period.id)
