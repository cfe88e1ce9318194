"""Polling (SOP step 2): request budget, events, percent cells, feedback, lock and reopen."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from bot.workflow.intake import ApprovedDataChanged, SubmissionReady, ValuesChanged, WorkbookMissing
from sheets import layout
from sheets.facts import BookSeen, BookToRead, Feedback, FeedbackPlace, ProblemInfo
from sheets.snapshot import snapshot_hash
from tests.google_edge.conftest import KODES, Env, IntakePoller

HEADER = list(layout.REALISASI_HEADER)


def col(label: str) -> str:
    return layout.column_letter(HEADER.index(label))


def staff_sheet(env: Env, wb_refs: Any, kode: str, tab: str = layout.TAB_REALISASI) -> gspread.Worksheet:
    email = env.settings.bidang_by_kode(kode).editor[0]
    return env.person(email).open_by_key(wb_refs[kode].spreadsheet_id).worksheet(tab)


def fill(env: Env, refs: Any, kode: str, tw: int, *, percent_row: int | None = None) -> None:
    """The staff fills every indicator of TW ``tw`` (USER_ENTERED, as typed in the browser)."""
    rows = len(env.master.for_bidang(kode))
    sheet = staff_sheet(env, refs, kode)
    values = [[str(10 * tw + n)] for n in range(1, rows + 1)]
    if percent_row is not None:
        values[percent_row - 2] = ["75%"]
    sheet.update(
        values,
        f"{col(layout.col_realisasi(tw))}2:{col(layout.col_realisasi(tw))}{rows + 1}",
        value_input_option="USER_ENTERED",
    )
    sheet.update(
        [["1.000.000"]] * rows,
        f"{col(layout.col_anggaran(tw))}2:{col(layout.col_anggaran(tw))}{rows + 1}",
        value_input_option="USER_ENTERED",
    )


def submit(env: Env, refs: Any, kode: str, tw: int, status: str = "Siap Dikoreksi") -> None:
    staff_sheet(env, refs, kode, layout.TAB_STATUS).update([[status]], f"B{layout.status_row(tw)}")


@pytest.fixture
def distributed(env: Env) -> tuple[IntakePoller, dict, str]:
    wb = env.poller()
    refs = dict(wb.distribute(2026, 1, KODES))
    first = wb.poll(None)
    assert first.cursor
    return wb, refs, first.cursor


def test_poll_budget_is_one_plus_changed(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    env.reset_stats()
    quiet = wb.poll(cursor)
    assert env.google_total() == 1
    assert quiet.events == ()
    fill(env, refs, "PTK", 1)
    fill(env, refs, "LAT", 1)
    env.reset_stats()
    batch = wb.poll(quiet.cursor)
    assert env.google_total() == 1 + 2
    assert sorted(e.bidang for e in batch.events) == ["LAT", "PTK"]
    assert all(isinstance(e, ValuesChanged) and e.tw == 1 for e in batch.events)
    env.reset_stats()
    assert wb.poll(batch.cursor).events == ()
    assert env.google_total() == 1


def test_submission_ready_with_percent_cell_kept_as_meant(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    items = env.master.for_bidang("PTK")
    percent_row = next(n for n, item in enumerate(items, start=2) if item.persen) if any(i.persen for i in items) else 2
    fill(env, refs, "PTK", 1, percent_row=percent_row)
    submit(env, refs, "PTK", 1)
    batch = wb.poll(cursor)
    ready = [e for e in batch.events if isinstance(e, SubmissionReady)]
    assert len(ready) == 1
    event = ready[0]
    assert event.bidang == "PTK" and event.tw == 1
    assert event.values_hash == snapshot_hash(event.values)
    item = items[percent_row - 2]
    assert event.values["indikator"][item.key]["realisasi"] == pytest.approx(75.0)
    assert event.values["indikator"][items[0].key if percent_row != 2 else items[1].key]["anggaran"] == 1_000_000
    assert event.summary["jumlah_indikator"] == len(items)
    # the same state seen again (e.g. after the bot's own write) is not a second submission
    assert not [e for e in wb.poll(batch.cursor).events if isinstance(e, SubmissionReady)]


def test_invalid_submission_feedback_written_and_cleared(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    fill(env, refs, "HIJ", 1)
    sheet = staff_sheet(env, refs, "HIJ")
    sheet.update([["dua puluh"]], f"{col(layout.col_realisasi(1))}3", value_input_option="USER_ENTERED")
    submit(env, refs, "HIJ", 1)
    batch = wb.poll(cursor)
    event = next(e for e in batch.events if isinstance(e, SubmissionReady))
    assert not event.ok
    bad = [p for p in event.problems if p.severity == "error"]
    assert [p.cell for p in bad] == [f"{col(layout.col_realisasi(1))}3"]
    env.reset_stats()
    feedback = Feedback(
        "Perlu perbaikan", "Ada 1 kesalahan", event.problems, reset_submission=True, place=wb.place("HIJ")
    )
    wb.write_feedback("HIJ", 1, feedback)
    assert env.google_total() == 1  # notes, marks, Status row and the reset to Draft in one batchUpdate
    notes = sheet.col_values(HEADER.index(layout.COL_CATATAN_VALIDASI) + 1)
    assert "dua puluh" in notes[2] and notes[1] == ""
    status = staff_sheet(env, refs, "HIJ", layout.TAB_STATUS).row_values(2)
    assert status[:4] == ["TW I", "Draft", "Perlu perbaikan", "Ada 1 kesalahan"]
    # fixed: the bot clears the note; staff cells untouched
    sheet.update([["20"]], f"{col(layout.col_realisasi(1))}3", value_input_option="USER_ENTERED")
    wb.write_feedback("HIJ", 1, Feedback("Menunggu koreksi Kepala Bidang", place=wb.place("HIJ")))
    assert all(v == "" for v in sheet.col_values(HEADER.index(layout.COL_CATATAN_VALIDASI) + 1)[1:])
    assert sheet.acell(f"{col(layout.col_realisasi(1))}3", value_render_option="UNFORMATTED_VALUE").value == 20


@pytest.mark.parametrize("limit", [None, 1500], ids=["one-request", "notes-over-the-limit"])
def test_lock_and_return_write_the_feedback_with_the_protections(
    env: Env, distributed: tuple, limit: int | None
) -> None:
    """A submission's lock and a return's reopen move the protections and write the sheet in one batchUpdate."""
    wb, refs, _cursor = distributed
    if limit is not None:  # a restarted edge that must cut the notes: several batchUpdates, the move in the first
        wb = IntakePoller(env.workbooks(max_request_bytes=limit), memory=wb.memory)
    fill(env, refs, "HIJ", 1)
    submit(env, refs, "HIJ", 1)
    sheet = staff_sheet(env, refs, "HIJ")
    notes_column = HEADER.index(layout.COL_CATATAN_VALIDASI) + 1
    rows = len(env.master.for_bidang("HIJ"))
    problems = tuple(
        ProblemInfo(f"M{r}", layout.col_realisasi(1), r, f"Indikator {r}", "warning", f"Periksa baris {r} " + "x" * 400)
        for r in range(2, rows + 2)
    )
    place = FeedbackPlace(notes_column - 1, 2, rows + 1)
    writes = ("sheets.spreadsheets.batchUpdate", "sheets.spreadsheets.values.batchUpdate")
    env.reset_stats()
    wb.lock_tw("HIJ", 1, Feedback("Menunggu koreksi Kepala Bidang", "", problems, place=place))
    counts = {m: n for m, n in env.google_methods().items() if m in writes}
    if limit is None:
        assert counts == {"sheets.spreadsheets.batchUpdate": 1}
    else:
        assert set(counts) == {"sheets.spreadsheets.batchUpdate"} and counts["sheets.spreadsheets.batchUpdate"] >= 2
    with pytest.raises(gspread.exceptions.APIError):
        sheet.update([[99]], f"{col(layout.col_realisasi(1))}2")
    notes = sheet.col_values(notes_column)
    assert [f"Periksa baris {r}" in notes[r - 1] for r in range(2, rows + 2)] == [True] * rows
    status = staff_sheet(env, refs, "HIJ", layout.TAB_STATUS)
    assert status.row_values(2)[:4] == ["TW I", "Siap Dikoreksi", "Menunggu koreksi Kepala Bidang", ""]
    env.reset_stats()
    wb.reopen_tw("HIJ", 1, Feedback("Dikembalikan", "Lengkapi bukti", reset_submission=True, place=place))
    counts = {m: n for m, n in env.google_methods().items() if m in writes}
    assert set(counts) == {"sheets.spreadsheets.batchUpdate"}
    assert limit is not None or counts == {"sheets.spreadsheets.batchUpdate": 1}
    assert status.row_values(2)[:4] == ["TW I", "Draft", "Dikembalikan", "Lengkapi bukti"]
    assert all(v == "" for v in sheet.col_values(notes_column)[1:])
    sheet.update([[11]], f"{col(layout.col_realisasi(1))}2")  # open again for the staff


def test_lock_then_tamper_then_reopen(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    fill(env, refs, "SEK", 1)
    submit(env, refs, "SEK", 1)
    batch = wb.poll(cursor)
    assert any(isinstance(e, SubmissionReady) and e.ok for e in batch.events)
    env.reset_stats()
    wb.lock_tw("SEK", 1)
    assert env.google_methods() == {"sheets.spreadsheets.batchUpdate": 1}
    sheet = staff_sheet(env, refs, "SEK")
    with pytest.raises(gspread.exceptions.APIError):
        sheet.update([[99]], f"{col(layout.col_realisasi(1))}2")
    # an admin (the bot's own account) changes an approved value: the poll notices
    admin = env.person(env.settings.google.key_file and "kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com")
    admin.open_by_key(refs["SEK"].spreadsheet_id).worksheet(layout.TAB_REALISASI).update(
        [[999]], f"{col(layout.col_realisasi(1))}2"
    )
    batch = wb.poll(batch.cursor)
    tamper = [e for e in batch.events if isinstance(e, ApprovedDataChanged)]
    assert len(tamper) == 1 and tamper[0].tw == 1 and tamper[0].bidang == "SEK"
    assert not [e for e in wb.poll(batch.cursor).events if isinstance(e, ApprovedDataChanged)]
    wb.reopen_tw("SEK", 1)
    sheet.update([[11]], f"{col(layout.col_realisasi(1))}2")


def test_restarted_adapter_rebuilds_state_from_drive(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    fill(env, refs, "LAT", 1)
    submit(env, refs, "LAT", 1)
    restarted = IntakePoller(env.workbooks(), memory=wb.memory)  # the store outlives the process
    batch = restarted.poll(cursor)
    assert [type(e) for e in batch.events] == [SubmissionReady]
    restarted.lock_tw("LAT", 1)  # finds the workbook by appProperties, reads its protections
    assert restarted.poll(batch.cursor).events == ()


def test_a_read_carried_past_a_restart_knows_the_workbooks_title(env: Env, distributed: tuple) -> None:
    """A workbook whose read was carried to a later cycle is read by a process that never listed
    it: its title comes with the read, so it is neither a false rename nor a missed one."""
    _, refs, _ = distributed
    env.admin_drive().files().update(
        fileId=refs["HIJ"].spreadsheet_id, body={"name": "Salinan laporan"}, supportsAllDrives=True
    ).execute()
    ptk_title = env.admin_drive().files().get(fileId=refs["PTK"].spreadsheet_id, supportsAllDrives=True).execute()
    restarted = env.workbooks()
    for kode, expected in (("PTK", ptk_title["name"]), ("HIJ", "Salinan laporan")):
        fact = restarted.read_changed(BookToRead(spreadsheet_id=refs[kode].spreadsheet_id, bidang=kode, tahun=2026))
        assert isinstance(fact, BookSeen) and fact.name == expected


def test_deleted_workbook_and_renamed_tab_are_reported(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    drive = env.admin_drive()
    drive.files().delete(fileId=refs["PTK"].spreadsheet_id, supportsAllDrives=True).execute()
    admin = env.person("kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com")
    book = admin.open_by_key(refs["LAT"].spreadsheet_id)
    book.worksheet(layout.TAB_REALISASI).update_title("Realisasi Lama")
    drive.files().update(
        fileId=refs["HIJ"].spreadsheet_id, body={"name": "Salinan laporan"}, supportsAllDrives=True
    ).execute()
    batch = wb.poll(cursor)
    missing = {e.bidang: e.reason for e in batch.events if isinstance(e, WorkbookMissing)}
    assert set(missing) == {"PTK", "LAT", "HIJ"}
    assert "dihapus" in missing["PTK"]
    assert "tab" in missing["LAT"]
    assert "judul" in missing["HIJ"]


def test_an_edit_reaches_the_poll_after_googles_change_lag_and_no_cursor_skips_it(env: Env, distributed: tuple) -> None:
    """Google's lag on: a poll before the edit reaches the change feed sees nothing, and its cursor
    still leads to the edit once it has arrived (issue #14 item 7)."""
    wb, refs, cursor = distributed
    env.sandbox.change_lag(180)
    submit_after = wb.poll(cursor).cursor
    fill(env, refs, "PTK", 1)
    submit(env, refs, "PTK", 1)
    early = wb.poll(submit_after)
    assert early.events == ()
    env.sandbox.advance_clock(120)
    meanwhile = wb.poll(early.cursor)
    assert meanwhile.events == ()
    env.sandbox.advance_clock(61)
    arrived = wb.poll(meanwhile.cursor)
    assert [type(e).__name__ for e in arrived.events] == ["SubmissionReady"]
    assert wb.poll(arrived.cursor).events == ()
