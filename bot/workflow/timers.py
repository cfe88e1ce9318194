"""Reminders and escalations, computed from the store each sweep; each fires once.

* Input deadline (step 2): at ``jam_pengingat`` on working days H-2, H-1, H, then daily while
  overdue, to the staff of every bidang still filling. A slot missed while the bot was down is
  not sent late: only the latest slot that has passed fires.
* Tindak lanjut (step 9): daily at ``jam_pengingat`` on working days, to each Kepala Bidang who
  has not answered.
* Mutu Baku: for every step held by a person, a reminder to the holder when the step reaches its
  Mutu Baku and an escalation to the holder's superior at twice it.
Every timer has a key recorded in ``timers_fired`` in the same transaction as its outbox rows,
so a timer fires exactly once however often the sweep runs and whatever crashes in between.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from bot import texts
from bot.workflow.core import WorkflowCore
from bot.workflow.machine import BIDANG_HOLDS, DINAS_HOLDS, INPUT_STATES, BidangState, DinasState, Holding, Role
from bot.workflow.notifications import Kind
from bot.workflow.payloads import (
    DeadlineReminder,
    MutuBakuEscalation,
    MutuBakuReminder,
    Payload,
    TindakLanjutReminder,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timer:
    """One due reminder or escalation."""

    key: str
    kind: Kind
    role: Role
    bidang: str | None
    payload: Payload
    period_id: int | None


def _mutu_baku_timers(
    core: WorkflowCore,
    period: Row[Any],
    holding: Holding,
    bidang: str | None,
    state: str,
    since: datetime,
    now: datetime,
    url: str | None,
) -> list[Timer]:
    durasi = core.settings.mutu_baku.for_step(holding.sop_step)
    timers: list[Timer] = []
    base: dict[str, Any] = {
        "period_id": period.id,
        "tahun": period.tahun,
        "tw": period.tw,
        "bidang": bidang,
        "sop_step": holding.sop_step,
        "state": state,
        "since": since.isoformat(),
        "mutu_baku": str(durasi),
        "url": url,
        # The staff's Mutu Baku (one working day) passes well before the input deadline: say it holds.
        "deadline": period.deadline.isoformat() if state in INPUT_STATES and period.deadline else None,
    }
    # The key holds the step's start: a step entered again (after a return) gets fresh timers.
    key = f"mb:{period.id}:{bidang or '-'}:{holding.sop_step}:{since.isoformat()}"
    reminder_at = core.calendar.mutu_baku_deadline(since, durasi, 1)
    if now >= reminder_at:
        timers.append(
            Timer(
                f"{key}:reminder",
                Kind.MUTU_BAKU_REMINDER,
                holding.role,
                bidang,
                MutuBakuReminder(**base, due_at=reminder_at.isoformat()),
                period.id,
            )
        )
    escalation_at = core.calendar.mutu_baku_deadline(since, durasi, 2)
    superior = core.directory.superior(holding.role, bidang)
    if now >= escalation_at and superior is not None:
        role, sup_bidang = superior
        with core.store.read() as tx:
            holders = core.directory.recipients(tx, holding.role, bidang, at=now)
        timers.append(
            Timer(
                f"{key}:escalation",
                Kind.MUTU_BAKU_ESCALATION,
                role,
                sup_bidang,
                MutuBakuEscalation(
                    **base,
                    due_at=escalation_at.isoformat(),
                    holder_role=str(core.directory.holder_role(holding.role, bidang)),
                    holder_nama=", ".join(texts.nama_pemegang(p.nama, p.atas_nama) for p in holders),
                ),
                period.id,
            )
        )
    return timers


def due_timers(core: WorkflowCore, now: datetime) -> list[Timer]:
    """Every timer whose time has come (fired or not; firing filters the fired ones)."""
    cal = core.calendar
    timers: list[Timer] = []
    with core.store.read() as tx:
        periods = tx.periods(exclude_states=[DinasState.CLOSED])
        reports = {p.id: tx.reports(p.id) for p in periods}
        answered = {p.id: {r.bidang for r in tx.tindak_lanjut_of(p.id)} for p in periods}
    for period in periods:
        state = DinasState(period.state)
        base = core.builders.period_fields(period)
        holding = DINAS_HOLDS.get(state)
        if holding is not None and state is not DinasState.FOLLOW_UP:
            timers += _mutu_baku_timers(core, period, holding, None, state, period.step_since, now, period.rekap_url)
        if state is DinasState.COLLECTING:
            for report in reports[period.id]:
                report_holding = BIDANG_HOLDS.get(BidangState(report.state))
                if report_holding is not None:
                    timers += _mutu_baku_timers(
                        core,
                        period,
                        report_holding,
                        report.bidang,
                        report.state,
                        report.step_since,
                        now,
                        report.workbook_url,
                    )
                if BidangState(report.state) in INPUT_STATES and period.deadline is not None:
                    slot = cal.latest_reminder_slot(period.deadline, now, not_before=period.distributed_at)
                    if slot is not None:
                        left = cal.working_days_between(slot.date(), cal.localize(period.deadline).date())
                        timers.append(
                            Timer(
                                f"deadline:{period.id}:{report.bidang}:{slot.date().isoformat()}",
                                Kind.DEADLINE_REMINDER,
                                Role.STAF,
                                report.bidang,
                                DeadlineReminder(
                                    **base,
                                    bidang=report.bidang,
                                    bidang_nama=core.settings.bidang_nama(report.bidang),
                                    url=report.workbook_url,
                                    deadline=period.deadline.isoformat(),
                                    hari_kerja_tersisa=left,
                                ),
                                period.id,
                            )
                        )
        if state is DinasState.FOLLOW_UP:
            slot = cal.daily_slot(now)
            for report in reports[period.id]:
                if report.bidang in answered[period.id]:
                    continue
                timers += _mutu_baku_timers(
                    core, period, DINAS_HOLDS[state], report.bidang, state, period.step_since, now, period.rekap_url
                )
                if slot is not None and slot > period.since:
                    timers.append(
                        Timer(
                            f"tl:{period.id}:{report.bidang}:{slot.date().isoformat()}",
                            Kind.TINDAK_LANJUT_REMINDER,
                            Role.KEPALA_BIDANG,
                            report.bidang,
                            TindakLanjutReminder(
                                **base, bidang=report.bidang, bidang_nama=core.settings.bidang_nama(report.bidang)
                            ),
                            period.id,
                        )
                    )
    return timers


def run_timers(core: WorkflowCore, extra: Callable[[datetime], Sequence[Timer]] | None = None) -> int:
    """Fire every due timer not fired yet (and ``extra``'s at this time); each in its own transaction.

    Returns how many fired.
    """
    now = core.now()
    fired = 0
    for timer in [*due_timers(core, now), *(extra(now) if extra is not None else ())]:
        with core.store.transaction() as tx:
            if not tx.fire_timer(timer.key, now):
                continue
            core.recorder.notify(
                tx, timer.key, timer.kind, timer.role, timer.bidang, timer.payload, now, timer.period_id
            )
        fired += 1
        logger.info("timer %s fired", timer.key)
    return fired
