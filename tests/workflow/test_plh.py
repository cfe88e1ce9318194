"""Who acts for an office while its holder is away (Plh), on both engines: checks, audit, recipients, days."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from bot.workflow.errors import ActionRefused
from bot.workflow.machine import Role
from bot.workflow.notifications import Kind
from bot.workflow.people import Actor
from bot.workflow.service import WorkflowService
from tests.workflow.conftest import KASUBBAG, LAT_KEPALA, PTK_KEPALA, PTK_STAF, WIB, actor_of, wib
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver

RINA, AGUS = "Rina Kurniawati, S.E.", "Agus Priyono, S.H."
ADMIN = Actor(Role.SYSTEM, "Admin (uji)")


def _named_and_accepted(service: WorkflowService, mulai: date, selesai: date) -> int:
    view = service.name_plh(actor_of(service, PTK_KEPALA), "rina", mulai, selesai)
    service.accept_plh(actor_of(service, PTK_STAF), view.id)
    return view.id


def test_the_plh_acts_in_the_holders_place_and_both_names_are_audited(
    service: WorkflowService, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> None:
    drive = Driver(service, workbook, clock)
    drive.collecting()
    _named_and_accepted(service, date(2026, 4, 1), date(2026, 4, 2))
    drive.submit("PTK")
    with service.store.transaction() as tx:
        [request] = [o for o in tx.outbox_rows() if o.kind == Kind.KOREKSI_REQUEST and o.payload["bidang"] == "PTK"]
    assert (request.recipient_nama, request.recipient_role, request.recipient_atas_nama) == (
        RINA,
        "kepala_bidang",
        AGUS,
    )
    with pytest.raises(ActionRefused, match="Kepala Bidang"):  # another Kepala Bidang holds no Plh for PTK
        service.approve_koreksi(actor_of(service, LAT_KEPALA), drive.pid, "PTK")
    service.approve_koreksi(actor_of(service, PTK_STAF), drive.pid, "PTK")
    with service.store.transaction() as tx:
        [row] = [a for a in tx.audit_rows(drive.pid) if a.event == "setujui"]
    assert (row.actor_role, row.bidang, row.actor_nama, row.atas_nama) == ("kepala_bidang", "PTK", RINA, AGUS)


def test_the_days_of_a_plh_bound_it_exactly_and_the_holder_keeps_acting(
    service: WorkflowService, workbook: InMemoryWorkbook, clock: time_machine.Traveller
) -> None:
    _named_and_accepted(service, date(2026, 4, 2), date(2026, 4, 3))
    with service.store.transaction() as tx:
        acting = [
            service.directory.acting_for(tx, Role.KEPALA_BIDANG, "PTK", moment)
            for moment in (wib(2026, 4, 1, 23, 59), wib(2026, 4, 2, 0, 0), wib(2026, 4, 3, 23, 59), wib(2026, 4, 4))
        ]
        other = service.directory.acting_for(tx, Role.KEPALA_BIDANG, "LAT", wib(2026, 4, 2, 12))
    assert [a.person.nama if a else None for a in acting] == [None, RINA, RINA, None]
    assert other is None
    clock.move_to(datetime(2026, 4, 2, 9, 0, tzinfo=WIB))
    drive = Driver(service, workbook, clock)
    drive.collecting()
    drive.submit("PTK")
    service.approve_koreksi(actor_of(service, PTK_KEPALA), drive.pid, "PTK")  # the holder may still act
    with service.store.transaction() as tx:
        [row] = [a for a in tx.audit_rows(drive.pid) if a.event == "setujui"]
    assert (row.actor_nama, row.atas_nama) == (AGUS, None)
    clock.move_to(datetime(2026, 4, 4, 9, 0, tzinfo=WIB))
    drive.submit("LAT")
    with pytest.raises(ActionRefused):  # over: Rina is staff again
        service.approve_koreksi(actor_of(service, PTK_STAF), drive.pid, "LAT")


def test_overlaps_and_late_answers_are_refused(service: WorkflowService, clock: time_machine.Traveller) -> None:
    _named_and_accepted(service, date(2026, 4, 6), date(2026, 4, 10))
    with pytest.raises(ActionRefused, match="beririsan"):
        service.name_plh(actor_of(service, PTK_KEPALA), "Hendro", date(2026, 4, 10), date(2026, 4, 12))
    with pytest.raises(ActionRefused, match="beririsan"):
        service.plh.assign(Role.KEPALA_BIDANG, "PTK", "Hendro", date(2026, 4, 8), date(2026, 4, 8), "Admin")
    late = service.name_plh(actor_of(service, PTK_KEPALA), "Rina", date(2026, 4, 13), date(2026, 4, 13))
    clock.move_to(datetime(2026, 4, 14, 8, 0, tzinfo=WIB))
    with pytest.raises(ActionRefused, match="sudah berlalu"):
        service.accept_plh(actor_of(service, PTK_STAF), late.id)
    with pytest.raises(ActionRefused, match="Plh hanya dapat ditunjuk"):
        service.name_plh(actor_of(service, PTK_STAF), "Agus", date(2026, 4, 20), date(2026, 4, 20))
    assert actor_of(service, KASUBBAG).nama.startswith("Bambang")
    with pytest.raises(ActionRefused, match='Tidak ada pegawai terdaftar dengan nama "Bambang"'):  # the holder himself
        service.plh.assign(Role.KASUBBAG_KPEP, None, "Bambang", date(2026, 4, 20), date(2026, 4, 20), "Admin")


def test_a_plh_acts_for_the_office_in_both_years_that_run_side_by_side(
    service: WorkflowService, clock: time_machine.Traveller
) -> None:
    """April 2027: TW IV 2026 and TW I 2027 both wait for the Sekretaris; the Plh gets and may answer both."""
    clock.move_to(datetime(2027, 4, 6, 8, 0, tzinfo=WIB))
    tw4 = service.start_period(2026, 4)
    tw1 = service.start_period(2027, 1)
    view = service.plh.assign(Role.SEKRETARIS, None, "Bambang", date(2027, 4, 6), date(2027, 4, 7), "Admin (uji)")
    service.plh.sweep()  # (assign hands the waiting requests over already when it starts at once)
    with service.store.transaction() as tx:
        sent = [
            (o.period_id, o.recipient_nama, o.recipient_atas_nama)
            for o in tx.outbox_rows()
            if o.kind == Kind.DISTRIBUTION_APPROVAL_REQUEST and o.recipient_atas_nama
        ]
    assert sorted(p for p, _, _ in sent) == sorted([tw4, tw1])
    assert {(nama.split(",")[0], atas) for _, nama, atas in sent} == {("Bambang Setiawan", view.holder_nama)}
    plh = actor_of(service, KASUBBAG)
    for period_id in (tw4, tw1):
        service.approve_distribution(plh, period_id)
    with service.store.transaction() as tx:
        rows = [a for a in tx.audit_rows() if a.event == "setujui_distribusi"]
    assert sorted((a.period_id, a.actor_role, a.atas_nama) for a in rows) == sorted(
        (p, "sekretaris", view.holder_nama) for p in (tw4, tw1)
    )
