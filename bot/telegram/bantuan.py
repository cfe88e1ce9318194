"""``/bantuan``: what one person can do now, with their pending actions as buttons.

The answer is a first message (what the role does, the commands, how many things wait) and one
message per thing that waits: a report to correct (Buka laporan, Setujui, Kembalikan), the dinas
report's step they hold (its action buttons, Buka rekap), a tindak lanjut to record, and for staff
their bidang's report with how to submit it. What waits for whom is not decided here: the
workflow's read models say it (:meth:`WorkflowService.open_moves`, the checks every action runs;
:meth:`WorkflowService.period_view`), and each move becomes the button of its row in the actions
table (:data:`bot.telegram.actions.ACTIONS`), the same button the notification carries, so a press
here is handled like a press there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup

from bot import texts
from bot.telegram.actions import ACTIONS
from bot.telegram.render import Cell, button, link, with_links
from bot.workflow.machine import TERMINAL_DINAS_STATES, BidangEvent, DinasEvent, Role
from bot.workflow.people import Actor
from bot.workflow.service import Move, PeriodView, WorkflowService
from config.settings import Settings

BUTTONS_PER_ROW = 2


@dataclass(frozen=True)
class Answer:
    """One message of the /bantuan answer."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None
    pending: bool = False  # it waits for the person's action (else it only informs)


@dataclass
class _Buttons:
    """The buttons of one period's moves, by what they concern."""

    koreksi: dict[str, list[Cell]] = field(default_factory=dict)  # bidang -> its report's buttons
    tindak_lanjut: dict[str, list[Cell]] = field(default_factory=dict)  # bidang -> Catat tindak lanjut
    dinas: list[Cell] = field(default_factory=list)  # the dinas report's step (one bidang each for a reopen)
    dinas_per_bidang: list[Cell] = field(default_factory=list)


def _buttons(period_id: int, moves: Sequence[Move]) -> _Buttons:
    """Each move as the button of its row(s) in the actions table; moves without a button are left out."""
    found = _Buttons()
    for move in moves:
        for spec in (spec for spec in ACTIONS.values() if spec.event == move.event):
            cell = button(spec.action, period_id, move.bidang if spec.needs_bidang else None)
            if isinstance(move.event, BidangEvent) and move.bidang is not None:
                found.koreksi.setdefault(move.bidang, []).append(cell)
            elif move.event is DinasEvent.RECORD_TINDAK_LANJUT and move.bidang is not None:
                found.tindak_lanjut.setdefault(move.bidang, []).append(cell)
            elif spec.needs_bidang:
                found.dinas_per_bidang.append(cell)
            else:
                found.dinas.append(cell)
    return found


def _period_answers(view: PeriodView, moves: Sequence[Move], actor: Actor, settings: Settings) -> list[Answer]:
    tz = settings.tz
    found = _buttons(view.id, moves)
    reports = {report.bidang: report for report in view.reports}
    answers: list[Answer] = []
    if found.dinas or found.dinas_per_bidang:
        per_bidang = found.dinas_per_bidang
        rows = [per_bidang[i : i + BUTTONS_PER_ROW] for i in range(0, len(per_bidang), BUTTONS_PER_ROW)]
        rows += [[cell] for cell in found.dinas]
        text = texts.bantuan_dinas(view.tw, view.tahun, texts.STATE_LABELS[view.state], view.step_since, tz)
        answers.append(Answer(text, with_links([link(texts.BTN_BUKA_REKAP, view.rekap_url)], *rows), True))
    for kode, cells in found.koreksi.items():
        report = reports[kode]
        text = texts.bantuan_koreksi(view.tw, view.tahun, report.bidang_nama, report.step_since, tz)
        answers.append(Answer(text, with_links([link(texts.BTN_BUKA_LAPORAN, report.url)], cells), True))
    for kode, cells in found.tindak_lanjut.items():
        text = texts.bantuan_tindak_lanjut(view.tw, view.tahun, reports[kode].bidang_nama)
        answers.append(Answer(text, with_links([link(texts.BTN_BUKA_REKAP, view.rekap_url)], cells), True))
    own = reports.get(actor.bidang or "") if actor.role is Role.STAF else None
    if own is not None:
        can_submit = any(m.event is BidangEvent.SUBMIT and m.bidang == own.bidang for m in moves)
        reason = own.last_reason if own.state.value in ("dikembalikan", "dibuka_kembali") else None
        label = own.state_label  # names the Sekretaris for the Sekretariat
        text = texts.bantuan_staf(view.tw, view.tahun, own.bidang_nama, label, view.deadline, tz, can_submit, reason)
        answers.append(Answer(text, with_links([link(texts.BTN_BUKA_LAPORAN, own.url)]), can_submit))
    return answers


def bantuan_answers(service: WorkflowService, settings: Settings, actor: Actor) -> list[Answer]:
    """The /bantuan messages for ``actor``, first the overview (blocking: reads the store)."""
    details: list[Answer] = []
    for period_id in service.running_period_ids():
        view = service.period_view(period_id)
        if view.state in TERMINAL_DINAS_STATES:
            continue
        details += _period_answers(view, service.open_moves(actor, period_id), actor, settings)
    pending = sum(1 for answer in details if answer.pending)
    return [Answer(texts.bantuan(actor.role, pending, len(details))), *details]
