"""The service: every return path, refusals that write nothing, the tamper check, ports and atomicity."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.store.repository import Store, Tx
from bot.workflow.errors import ActionFailed, ActionRefused, PortError
from bot.workflow.intake import ApprovedDataChanged, ValuesChanged
from bot.workflow.machine import BidangState as B
from bot.workflow.machine import DinasState as D
from bot.workflow.notifications import Kind
from bot.workflow.payloads import PAYLOAD_KEYS
from bot.workflow.service import WorkflowService
from config.settings import Settings
from sheets.master import load_master
from tests.workflow.conftest import (
    HIJ_KEPALA,
    KADIS,
    KASUBBAG,
    KEPALA,
    LAT_STAF,
    PTK_KEPALA,
    PTK_STAF,
    SEKRETARIS,
    actor_of,
)
from tests.workflow.doubles import InMemoryWorkbook
from tests.workflow.scenario import Driver, submission, values_for


@pytest.fixture
def drive(service: WorkflowService, workbook: InMemoryWorkbook, clock) -> Driver:
    return Driver(service, workbook, clock)


def counts(store: Store) -> tuple[int, int]:
    with store.transaction() as tx:
        return len(tx.audit_rows()), len(tx.outbox_rows())


def outbox(store: Store, kind: Kind) -> list[Any]:
    with store.transaction() as tx:
        return [r for r in tx.outbox_rows() if r.kind == kind]


def state_of(service: WorkflowService, pid: int, kode: str | None = None) -> str:
    view = service.period_view(pid)
    if kode is None:
        return view.state
    return next(r.state for r in view.reports if r.bidang == kode)


# --- bidang level: koreksi --------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, refusal",
    [("", "wajib diisi"), (" . ", "wajib diisi"), ("ok", "terlalu singkat; tuliskan paling sedikit 3 huruf")],
    ids=["empty", "punctuation-only", "too-short"],
)
def test_return_reason_refusal_says_what_is_wrong(service, drive, store, reason: str, refusal: str) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    before = counts(store)
    with pytest.raises(ActionRefused, match=f"Alasan pengembalian {refusal}"):
        service.return_koreksi(actor_of(service, PTK_KEPALA), pid, "PTK", reason)
    assert counts(store) == before


def test_return_by_kepala_bidang_needs_reason_then_reopens_input(service, drive, store, workbook, clock) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    kepala = actor_of(service, PTK_KEPALA)
    before = counts(store)
    with pytest.raises(ActionRefused, match="Alasan pengembalian wajib diisi"):
        service.return_koreksi(kepala, pid, "PTK", "  ")
    assert counts(store) == before and "reset_submission" not in workbook.names()
    clock.shift(15 * 60)
    service.return_koreksi(kepala, pid, "PTK", "Bukti dukung belum dilampirkan")
    assert state_of(service, pid, "PTK") == B.RETURNED
    assert ("reset_submission", ("PTK", 1, "Bukti dukung belum dilampirkan")) in workbook.calls
    [row] = outbox(store, Kind.REPORT_RETURNED)
    assert row.recipient_nama == "Rina Kurniawati, S.E." and row.payload["reason"] == "Bukti dukung belum dilampirkan"
    with store.transaction() as tx:
        audit = tx.audit_rows()[-1]
    assert (audit.sop_step, audit.actor_role, audit.reason) == (
        3,
        "kepala_bidang",
        "Bukti dukung belum dilampirkan",
    )
    assert (audit.duration_seconds, audit.mutu_baku_seconds, audit.within) == (900.0, 600.0, False)
    drive.submit("PTK", version=2)
    drive.approve("PTK")
    assert state_of(service, pid, "PTK") == B.APPROVED
    with store.transaction() as tx:
        assert tx.get_snapshot(pid, "PTK").values == values_for("PTK", 1, 2)
    assert ("PTK", 1) in workbook.locked


def test_validation_failure_writes_feedback_and_keeps_input_open(service, drive, store, workbook) -> None:
    pid = drive.collecting()
    drive.submit("LAT", ok=False)
    assert state_of(service, pid, "LAT") == B.FILLING
    status, _, problems = workbook.feedback[("LAT", 1)]
    assert status == "Perlu perbaikan" and problems[0].cell == "M15"
    assert workbook.names()[-1] == "reset_submission"
    [row] = outbox(store, Kind.VALIDATION_FAILED)
    assert row.recipient_bidang == "LAT" and row.payload["problems"][0]["message"] == '"dua puluh" bukan angka'
    assert outbox(store, Kind.KOREKSI_REQUEST) == []


def test_values_changed_moves_once_then_is_ignored(service, drive, store) -> None:
    pid = drive.collecting()
    service.handle_poll_event(ValuesChanged("HIJ", 1, tahun=2026))
    assert state_of(service, pid, "HIJ") == B.FILLING
    before = counts(store)
    service.poll_once()  # nothing changed
    service.handle_events(
        [ValuesChanged("HIJ", 1, tahun=2026)]
    )  # FILLING + VALUES_CHANGED is not in the table: logged, ignored
    assert counts(store) == before


def test_sekretariat_is_corrected_by_the_sekretaris(service, drive) -> None:
    pid = drive.collecting()
    drive.submit("SEK")
    with pytest.raises(ActionRefused, match="hanya dapat dilakukan oleh Sekretaris"):
        service.approve_koreksi(actor_of(service, HIJ_KEPALA), pid, "SEK")
    service.approve_koreksi(actor_of(service, SEKRETARIS), pid, "SEK")
    assert state_of(service, pid, "SEK") == B.APPROVED


def test_koreksi_request_goes_to_the_right_kepala(service, drive, store) -> None:
    drive.collecting()
    drive.submit("SEK")
    drive.submit("PTK")
    names = {r.payload["bidang"]: r.recipient_nama for r in outbox(store, Kind.KOREKSI_REQUEST)}
    assert names == {"SEK": "Sri Wahyuni, S.Sos., M.Si.", "PTK": "Agus Priyono, S.H."}


# --- refusals: role, bidang, state, doubled presses; nothing written ----------------------------

REFUSALS: list[tuple[str, Callable[[WorkflowService, int], None], str]] = [
    ("staf-approves", lambda s, p: s.approve_koreksi(actor_of(s, PTK_STAF), p, "PTK"), "Kepala"),
    ("other-kepala-approves", lambda s, p: s.approve_koreksi(actor_of(s, HIJ_KEPALA), p, "PTK"), "Kepala"),
    ("kasubbag-forwards", lambda s, p: s.forward_to_kepala_dinas(actor_of(s, KASUBBAG), p), "Sekretaris"),
    (
        "sekretaris-distributes-again",
        lambda s, p: s.approve_distribution(actor_of(s, SEKRETARIS), p),
        "tidak dapat dilakukan sekarang",
    ),
    (
        "kadis-approves-too-early",
        lambda s, p: s.approve_by_kepala_dinas(actor_of(s, KADIS), p),
        "tidak dapat dilakukan sekarang",
    ),
    (
        "reopen-outside-revision",
        lambda s, p: s.reopen_bidang(actor_of(s, KASUBBAG), p, "PTK", "alasan"),
        "tidak dapat dilakukan sekarang",
    ),
    (
        "approve-unsubmitted",
        lambda s, p: s.approve_koreksi(actor_of(s, KEPALA["LAT"]), p, "LAT"),
        "tidak dapat dilakukan sekarang",
    ),
    ("other-staf-submits", lambda s, p: s.submit(actor_of(s, LAT_STAF), submission("PTK", 1)), "staf"),
    (
        "tindak-lanjut-too-early",
        lambda s, p: s.record_tindak_lanjut(actor_of(s, PTK_KEPALA), p, "PTK", "ok ok"),
        "tidak dapat dilakukan sekarang",
    ),
    (
        "unknown-period",
        lambda s, p: s.forward_to_kepala_dinas(actor_of(s, SEKRETARIS), 999),
        "tidak ditemukan",
    ),
]


@pytest.mark.parametrize(("case", "action", "match"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_actions_write_nothing(service, drive, store, workbook, case, action, match) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    before, calls = counts(store), len(workbook.calls)
    with pytest.raises(ActionRefused, match=match) as info:
        action(service, pid)
    assert info.value.reason  # an Indonesian sentence a chat can show
    assert counts(store) == before
    assert len(workbook.calls) == calls


def test_double_press_counts_once(service, drive, store) -> None:
    drive.collecting()
    drive.submit("PTK")
    drive.approve("PTK")
    before = counts(store)
    with pytest.raises(ActionRefused, match="sudah disetujui"):
        drive.approve("PTK")
    assert counts(store) == before


def test_start_period_rules(service, store) -> None:
    with pytest.raises(ActionRefused, match="Kasubbag"):
        service.start_period(2026, 1, actor_of(service, PTK_STAF))
    pid = service.start_period(2026, 1, actor_of(service, KASUBBAG))
    with pytest.raises(ActionRefused, match="sudah dimulai"):
        service.start_period(2026, 1)
    [row] = outbox(store, Kind.DISTRIBUTION_APPROVAL_REQUEST)
    assert row.recipient_role == "sekretaris" and row.payload["bidang"] == ["SEK", "PTK", "LAT", "HIJ"]
    assert state_of(service, pid) == D.AWAITING_DISTRIBUTION


def test_defer_then_approve_distribution(service, store, workbook) -> None:
    pid = service.start_period(2026, 1)
    service.defer_distribution(actor_of(service, SEKRETARIS), pid, "Menunggu rapat")
    assert state_of(service, pid) == D.AWAITING_DISTRIBUTION
    assert outbox(store, Kind.DISTRIBUTION_DEFERRED)[0].recipient_role == "kasubbag_kpep"
    service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    view = service.period_view(pid)
    assert view.state == D.COLLECTING and view.deadline.date().isoformat() == "2026-04-09"
    opened = outbox(store, Kind.INPUT_OPENED)
    assert sorted(r.recipient_bidang for r in opened) == ["HIJ", "LAT", "PTK", "SEK"]
    assert all(r.payload["url"].startswith("https://sheets.test/2026/") for r in opened)


def test_port_failure_writes_nothing_and_retry_works(service, store, workbook) -> None:
    pid = service.start_period(2026, 1)
    workbook.fail["distribute"] = 1
    before = counts(store)
    with pytest.raises(ActionFailed, match="belum berhasil") as failed:
        service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    assert isinstance(failed.value.__cause__, PortError)
    assert counts(store) == before and state_of(service, pid) == D.AWAITING_DISTRIBUTION
    service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    assert state_of(service, pid) == D.COLLECTING


def test_transition_audit_and_outbox_are_one_transaction(service, store, monkeypatch) -> None:
    pid = service.start_period(2026, 1)
    before = counts(store)

    def boom(self: Tx, **values: Any) -> bool:
        raise RuntimeError("disk full while writing the outbox")

    monkeypatch.setattr(Tx, "enqueue", boom)
    with pytest.raises(RuntimeError):
        service.approve_distribution(actor_of(service, SEKRETARIS), pid)
    monkeypatch.undo()
    assert counts(store) == before
    assert state_of(service, pid) == D.AWAITING_DISTRIBUTION
    assert service.period_view(pid).reports == ()


# --- dinas level: analysis, telaah, returns -----------------------------------------------------


def test_all_approved_builds_draft_rekap_from_snapshots(service, drive, store, workbook) -> None:
    pid = drive.analysis()
    assert state_of(service, pid) == D.ANALYSIS
    [row] = outbox(store, Kind.REKAP_DRAFT)
    assert row.recipient_role == "kasubbag_kpep" and row.payload["url"] == "https://sheets.test/rekap/2026"
    data = workbook.rekap_writes[-1]
    assert {s.bidang: dict(s.values) for s in data.snapshots} == {k: values_for(k, 1) for k in service.kodes}


def test_return_by_sekretaris_then_kasubbag_reopens_one_bidang(service, drive, store, workbook) -> None:
    pid = drive.telaah_sekretaris()
    sekretaris, kasubbag = actor_of(service, SEKRETARIS), actor_of(service, KASUBBAG)
    with pytest.raises(ActionRefused, match="Alasan"):
        service.return_by_sekretaris(sekretaris, pid, "")
    service.return_by_sekretaris(sekretaris, pid, "Data LAT tidak wajar")
    assert state_of(service, pid) == D.REVISION
    [returned] = outbox(store, Kind.DINAS_RETURNED)
    assert returned.recipient_role == "kasubbag_kpep" and returned.payload["reason"] == "Data LAT tidak wajar"
    service.reopen_bidang(kasubbag, pid, "LAT", "Mohon periksa realisasi pelatihan")
    assert state_of(service, pid) == D.COLLECTING and state_of(service, pid, "LAT") == B.REOPENED
    assert ("LAT", 1) not in workbook.locked
    assert {r.recipient_role for r in outbox(store, Kind.BIDANG_REOPENED)} == {"staf", "kepala_bidang"}
    with pytest.raises(ActionRefused):  # one bidang per return: the dinas report is collecting again
        service.reopen_bidang(kasubbag, pid, "PTK", "lagi")
    drive.submit("LAT", version=2)
    drive.approve("LAT")
    assert state_of(service, pid) == D.ANALYSIS
    assert len(outbox(store, Kind.REKAP_DRAFT)) == 2
    service.submit_to_sekretaris(kasubbag, pid)
    assert state_of(service, pid) == D.TELAAH_SEKRETARIS


def test_return_by_kepala_dinas_goes_to_kasubbag_and_sekretaris(service, drive, store) -> None:
    pid = drive.telaah_kepala_dinas()
    service.return_by_kepala_dinas(actor_of(service, KADIS), pid, "Analisis kurang tajam")
    assert state_of(service, pid) == D.REVISION
    assert {r.recipient_role for r in outbox(store, Kind.DINAS_RETURNED)} == {"kasubbag_kpep", "sekretaris"}
    kasubbag = actor_of(service, KASUBBAG)
    service.add_analysis_note(kasubbag, pid, "Analisis diperdalam.")
    service.submit_to_sekretaris(kasubbag, pid)
    assert state_of(service, pid) == D.TELAAH_SEKRETARIS
    assert service.period_view(pid).catatan_analisis == "Analisis diperdalam."


def test_rekomendasi_then_steps_7_and_8_at_once(service, drive, store) -> None:
    pid = drive.follow_up()
    assert state_of(service, pid) == D.FOLLOW_UP
    with store.transaction() as tx:
        tail = tx.audit_rows(pid)[-3:]
    assert [(a.sop_step, a.actor_role, a.event) for a in tail] == [
        (6, "kepala_dinas", "beri_rekomendasi"),
        (7, "system", "serahkan_ke_kasubbag"),
        (8, "system", "serahkan_ke_bidang"),
    ]
    handed = outbox(store, Kind.REKOMENDASI_HANDED)
    assert {r.recipient_role for r in handed} == {"sekretaris", "kasubbag_kpep"}
    per_bidang = {r.payload["bidang"]: r for r in outbox(store, Kind.REKOMENDASI_FOR_BIDANG)}
    assert per_bidang["PTK"].payload["khusus"] == "Perluas bursa kerja."
    assert per_bidang["LAT"].payload["khusus"] is None
    assert per_bidang["SEK"].recipient_role == "sekretaris"  # the Sekretariat's follow-up


def test_rekomendasi_rules(service, drive) -> None:
    pid = drive.telaah_kepala_dinas()
    kadis = actor_of(service, KADIS)
    with pytest.raises(ActionRefused, match="dalam telaah Kepala Dinas; tindakan ini tidak dapat"):
        service.give_rekomendasi(kadis, pid, "Sebelum disetujui")
    service.approve_by_kepala_dinas(kadis, pid)
    with pytest.raises(ActionRefused, match="Rekomendasi umum wajib"):
        service.give_rekomendasi(kadis, pid, "")
    with pytest.raises(ActionRefused, match="tidak dikenal"):
        service.give_rekomendasi(kadis, pid, "Umum", {"XXX": "teks"})
    with pytest.raises(ActionRefused, match="tidak berisi rekomendasi untuk bidang PTK"):
        service.give_rekomendasi(kadis, pid, "Umum", {"PTK": "  "})


def test_tindak_lanjut_once_per_bidang_and_last_one_closes(service, drive, store, workbook) -> None:
    pid = drive.follow_up()
    with pytest.raises(ActionRefused, match="Kepala"):
        service.record_tindak_lanjut(actor_of(service, HIJ_KEPALA), pid, "PTK", "bukan bidang saya")
    service.record_tindak_lanjut(actor_of(service, PTK_KEPALA), pid, "PTK", "Bursa kerja Mei")
    with pytest.raises(ActionRefused, match="sudah dicatat"):
        service.record_tindak_lanjut(actor_of(service, PTK_KEPALA), pid, "PTK", "lagi")
    assert workbook.rekap_writes[-1].tindak_lanjut[-1].teks == "Bursa kerja Mei"
    for kode in ("SEK", "LAT", "HIJ"):
        assert state_of(service, pid) == D.FOLLOW_UP
        service.record_tindak_lanjut(actor_of(service, KEPALA[kode]), pid, kode, f"Tindak lanjut {kode}")
    assert state_of(service, pid) == D.CLOSED
    assert workbook.names()[-2:] == ["write_rekap", "archive"]
    closed = outbox(store, Kind.PERIOD_CLOSED)
    with store.transaction() as tx:
        assert len(closed) == len(tx.people())


def test_tamper_check_tells_kasubbag_once_and_keeps_snapshot(service, drive, store, workbook) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    drive.approve("PTK")
    with store.transaction() as tx:
        approved_hash = tx.get_snapshot(pid, "PTK").values_hash
    service.handle_poll_event(ApprovedDataChanged("PTK", 1, approved_hash, tahun=2026))
    assert outbox(store, Kind.TAMPER_DETECTED) == []
    for _ in range(3):  # every poll sees the same change
        service.handle_events([ApprovedDataChanged("PTK", 1, "f" * 64, tahun=2026)])
    [row] = outbox(store, Kind.TAMPER_DETECTED)
    assert row.recipient_role == "kasubbag_kpep" and row.payload["snapshot_hash"] == approved_hash
    for kode in ("SEK", "LAT", "HIJ"):
        drive.submit(kode)
        drive.approve(kode)
    ptk = next(s for s in workbook.rekap_writes[-1].snapshots if s.bidang == "PTK")
    assert ptk.values_hash == approved_hash and dict(ptk.values) == values_for("PTK", 1)


def test_a_change_to_approved_data_is_audited_once_even_when_the_intake_reports_it_again(service, drive, store) -> None:
    """The duplicate "data disetujui berubah" row seen when TW IV was distributed: the intake's memory
    of what it reported was rebuilt, so the same sheet change came again; one audit row, one message."""
    pid = drive.collecting()
    drive.submit("PTK")
    drive.approve("PTK")
    service.handle_events([ApprovedDataChanged("PTK", 1, "f" * 64, tahun=2026)])
    service.handle_events([ApprovedDataChanged("PTK", 1, "f" * 64, tahun=2026)])  # reported again by a fresh memory
    service.handle_events([ApprovedDataChanged("PTK", 1, "e" * 64, tahun=2026)])  # a second, distinct change
    with store.transaction() as tx:
        rows = [r for r in tx.audit_rows(pid) if r.event == "data_disetujui_berubah"]
    assert len(rows) == 2
    assert len(outbox(store, Kind.TAMPER_DETECTED)) == 2


def test_poll_cursor_is_kept_in_the_store(service, workbook, store) -> None:
    service.poll_once()
    service.poll_once()
    assert [args for name, args in workbook.calls if name == "poll"] == [(None,), ("token-1",)]
    with store.transaction() as tx:
        assert tx.get_cursor("drive") == "token-2"


def test_submit_from_chat_by_staff(service, drive) -> None:
    pid = drive.collecting()
    service.submit(actor_of(service, PTK_STAF), submission("PTK", 1))
    assert state_of(service, pid, "PTK") == B.SUBMITTED


def test_open_due_period_follows_the_calendar(service, clock) -> None:
    clock.move_to("2026-03-31T23:00:00+07:00")
    assert service.open_due_period() is None
    clock.move_to("2026-04-01T08:00:00+07:00")
    pid = service.open_due_period()
    assert pid is not None and service.period_view(pid).tw == 1
    assert service.open_due_period() is None  # not twice
    clock.move_to("2026-07-01T08:00:00+07:00")
    assert service.period_view(service.open_due_period()).tw == 2


def test_every_emitted_payload_has_its_keys(service, drive, store) -> None:
    drive.follow_up()
    with store.transaction() as tx:
        rows = tx.outbox_rows()
    assert {r.kind for r in rows} >= {Kind.INPUT_OPENED, Kind.KOREKSI_REQUEST, Kind.REKOMENDASI_FOR_BIDANG}
    for row in rows:
        assert PAYLOAD_KEYS[Kind(row.kind)] <= row.payload.keys(), row.kind


def test_period_view_names_holders(service, drive) -> None:
    pid = drive.collecting()
    drive.submit("PTK")
    view = service.period_view(pid)
    ptk = next(r for r in view.reports if r.bidang == "PTK")
    assert (ptk.holder_role, ptk.holder_nama) == ("kepala_bidang", ("Agus Priyono, S.H.",))
    sek = next(r for r in view.reports if r.bidang == "SEK")
    assert sek.holder_nama == ("Dewi Lestari, S.AP.",)


@pytest.mark.parametrize("master_readable", [True, False], ids=["master-list-read", "master-list-missing"])
def test_step_1_request_carries_each_bidang_format_and_the_deadline(
    settings: Settings, store: Store, workbook: InMemoryWorkbook, clock, tmp_path: Path, master_readable: bool
) -> None:
    if not master_readable:
        google = settings.google.model_copy(update={"master_indikator": tmp_path / "hilang.csv"})
        settings = settings.model_copy(update={"google": google})
    service = WorkflowService(settings, store, workbook)
    service.start()
    service.start_period(2026, 1)
    with store.transaction() as tx:
        [row] = tx.outbox_rows()
    formats = {f["kode"]: f for f in row.payload["format"]}
    assert list(formats) == [b.kode for b in settings.bidang]
    # 5 working days after Wed 1 April 2026: Good Friday (3 April) is a holiday.
    assert row.payload["deadline"] == "2026-04-09T23:59:59+07:00"
    ptk = formats["PTK"]
    assert ptk["folder_url"] == f"https://drive.google.com/drive/folders/{settings.bidang_by_kode('PTK').folder_id}"
    if master_readable:
        items = load_master(settings.google.master_indikator).for_bidang("PTK")
        assert (ptk["indikator"], ptk["pagu"]) == (len(items), sum(i.pagu or 0 for i in items))
        # Assessable for TW I: the TW I target, else the annual one, above 0 (sheets.summary.bertarget).
        targets = [i.target_tw[0] if i.target_tw[0] is not None else i.target_tahunan for i in items]
        assert ptk["indikator_bertarget"] == sum(1 for t in targets if t is not None and t > 0)
    else:
        assert "indikator" not in ptk  # names and folders only; the reason is logged


@pytest.mark.parametrize("approved", [("PTK",), ("PTK", "LAT", "HIJ")], ids=["one-of-four", "three-of-four"])
def test_advance_reads_no_rekap_data_until_every_bidang_is_approved(
    service, drive, store, approved: tuple[str, ...]
) -> None:
    """Every approval calls advance(): before the last one it must not read the year's snapshots and
    the audit trail (50 simultaneous approvals made that quadratic, under the write lock)."""
    pid = drive.collecting()
    for kode in service.kodes:
        drive.submit(kode)
    for kode in approved:
        drive.approve(kode)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        service.advance(pid)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert statements, "advance() read nothing at all"
    assert not [s for s in statements if "FROM snapshots" in s or "FROM audit" in s]
    assert state_of(service, pid) == D.COLLECTING
