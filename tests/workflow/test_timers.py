"""Reminders and escalations: at the right time, to the right person, each exactly once."""

from __future__ import annotations

from datetime import date, timedelta

from bot.store.repository import Store
from bot.workflow.notifications import Kind
from bot.workflow.service import WorkflowService
from bot.workflow.timers import run_timers
from tests.workflow.conftest import PTK_KEPALA, SEKRETARIS, actor_of, wib
from tests.workflow.scenario import Driver


def sent(store: Store, kind: Kind) -> list:
    with store.transaction() as tx:
        return [r for r in tx.outbox_rows() if r.kind == kind]


def test_step_1_reminder_then_escalation_each_once(service: WorkflowService, store, clock) -> None:
    service.start_period(2026, 1)  # 08:00; Mutu Baku step 1 = 15 menit
    clock.shift(14 * 60)
    assert run_timers(service.core) == 0
    clock.shift(60)
    assert run_timers(service.core) == 1
    for _ in range(3):
        assert run_timers(service.core) == 0
    [reminder] = sent(store, Kind.MUTU_BAKU_REMINDER)
    assert reminder.recipient_role == "sekretaris" and reminder.payload["sop_step"] == 1
    clock.shift(15 * 60)
    service.tick()
    service.tick()
    [escalation] = sent(store, Kind.MUTU_BAKU_ESCALATION)
    assert escalation.recipient_role == "kepala_dinas"
    assert escalation.payload["holder_nama"] == "Sri Wahyuni, S.Sos., M.Si."
    assert len(sent(store, Kind.MUTU_BAKU_REMINDER)) == 1


def test_koreksi_escalation_goes_to_the_superior(service, workbook, store, clock) -> None:
    drive = Driver(service, workbook, clock)
    drive.collecting()
    drive.submit("PTK")
    drive.submit("SEK")
    clock.shift(20 * 60)  # twice the 10 minute Mutu Baku of step 3
    run_timers(service.core)
    rows = sent(store, Kind.MUTU_BAKU_ESCALATION)
    escalations = {r.payload["bidang"]: r.recipient_role for r in rows}
    # PTK's Kepala Bidang -> Sekretaris; the Sekretariat is corrected by the Sekretaris -> Kepala Dinas.
    assert escalations == {"PTK": "sekretaris", "SEK": "kepala_dinas"}
    # ... and the Kepala Dinas is told the Sekretaris holds it, not "the Kepala Bidang".
    holders = {r.payload["bidang"]: (r.payload["holder_role"], r.payload["holder_nama"]) for r in rows}
    assert holders["SEK"] == ("sekretaris", "Sri Wahyuni, S.Sos., M.Si.")
    assert holders["PTK"] == ("kepala_bidang", "Agus Priyono, S.H.")


def test_the_staff_mutu_baku_reminder_carries_the_input_deadline(service, workbook, store, clock) -> None:
    """Step 2's Mutu Baku (1 working day) passes days before the input deadline: the reminder names it."""
    drive = Driver(service, workbook, clock)
    pid = drive.collecting()
    clock.shift(24 * 60 * 60)
    run_timers(service.core)
    reminders = [r for r in sent(store, Kind.MUTU_BAKU_REMINDER) if r.payload["sop_step"] == 2]
    assert reminders and all(r.recipient_role == "staf" for r in reminders)
    deadline = service.period_view(pid).deadline
    assert deadline is not None
    assert {r.payload["deadline"] for r in reminders} == {deadline.isoformat()}


def test_a_step_entered_again_gets_fresh_timers(service, workbook, store, clock) -> None:
    drive = Driver(service, workbook, clock)
    pid = drive.collecting()
    drive.submit("PTK")
    clock.shift(11 * 60)
    run_timers(service.core)
    service.return_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK", "Lengkapi data")
    drive.submit("PTK", version=2)
    clock.shift(11 * 60)
    run_timers(service.core)
    koreksi = [r for r in sent(store, Kind.MUTU_BAKU_REMINDER) if r.payload["sop_step"] == 3]
    assert len(koreksi) == 2 and koreksi[0].payload["since"] != koreksi[1].payload["since"]


def test_input_reminders_and_staff_escalation_across_idul_fitri(service, workbook, store, clock) -> None:
    clock.move_to(wib(2026, 3, 16, 8, 0))  # Monday before Nyepi and Idul Fitri
    pid = service.start_period(2026, 1, actor_of(service, 100000003))
    service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    assert service.period_view(pid).deadline.date() == date(2026, 3, 30)
    Driver(service, workbook, clock).pid = pid
    day = wib(2026, 3, 16, 8, 0)
    while day <= wib(2026, 4, 2, 8, 0):
        for hour in (7, 8, 12):
            clock.move_to(day.replace(hour=hour))
            run_timers(service.core)
        day += timedelta(days=1)
    ptk = [r for r in sent(store, Kind.DEADLINE_REMINDER) if r.recipient_bidang == "PTK"]
    assert [date.fromisoformat(r.dedupe_key.split(":")[3]) for r in ptk] == [
        date(2026, 3, 26),
        date(2026, 3, 27),
        date(2026, 3, 30),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 4, 2),
    ]
    assert [r.payload["hari_kerja_tersisa"] for r in ptk] == [2, 1, 0, -1, -2, -3]
    # Step 2's Mutu Baku is 1 working day: reminder Tue 17 March, escalation at 2 working days,
    # i.e. Wednesday 25 March after the holidays, to the Kepala Bidang; once each.
    staff = [r for r in sent(store, Kind.MUTU_BAKU_ESCALATION) if r.payload["bidang"] == "PTK"]
    assert len(staff) == 1 and staff[0].recipient_role == "kepala_bidang"
    assert staff[0].payload["due_at"].startswith("2026-03-25T08:00")
    reminders = [r for r in sent(store, Kind.MUTU_BAKU_REMINDER) if r.payload["bidang"] == "PTK"]
    assert len(reminders) == 1 and reminders[0].payload["due_at"].startswith("2026-03-17T08:00")


def test_tindak_lanjut_reminders_daily_until_answered(service, workbook, store, clock) -> None:
    drive = Driver(service, workbook, clock)
    pid = drive.follow_up()  # Wednesday 1 April, after 08:00
    service.record_tindak_lanjut(actor_of(service, PTK_KEPALA), pid, "PTK", "Sudah ditindaklanjuti")
    for day in (2, 3, 4, 6):  # Thursday, Good Friday, Saturday, Monday
        clock.move_to(wib(2026, 4, day, 9, 0))
        run_timers(service.core)
        run_timers(service.core)
    rows = sent(store, Kind.TINDAK_LANJUT_REMINDER)
    assert sorted({r.dedupe_key.split(":")[3] for r in rows}) == ["2026-04-02", "2026-04-06"]
    assert "PTK" not in {r.recipient_bidang for r in rows}
    assert {r.payload["bidang"] for r in rows} == {"SEK", "LAT", "HIJ"}


def test_timers_survive_a_restart(settings, store, workbook, clock) -> None:
    first = WorkflowService(settings, store, workbook)
    first.start()
    first.start_period(2026, 1)
    clock.shift(31 * 60)
    assert run_timers(first.core) == 2
    again = WorkflowService(settings, store, workbook)  # a new process on the same database
    again.start()
    assert run_timers(again.core) == 0
