"""Distribution (SOP step 1) against the sandbox with real gspread/googleapiclient."""

from __future__ import annotations

import gspread
import pytest

from bot.workflow.ports import WorkbookPort
from sheets import layout
from tests.google_edge.conftest import KODES, Env


def _bidang_files(env: Env) -> list[dict]:
    return [f for f in env.files() if f["appProperties"].get("kinerja_jenis") == "bidang"]


def test_distribute_creates_one_laid_out_workbook_per_bidang(env: Env) -> None:
    wb = env.workbooks()
    assert isinstance(wb, WorkbookPort)
    refs = wb.distribute(2026, 1, KODES)
    files = _bidang_files(env)
    assert sorted(f["appProperties"]["kinerja_bidang"] for f in files) == sorted(KODES)
    for f in files:
        kode = f["appProperties"]["kinerja_bidang"]
        bidang = env.settings.bidang_by_kode(kode)
        assert f["name"] == layout.judul_bidang(2026, bidang.nama)
        assert f["parents"] == [bidang.folder_id]
        assert f["driveId"] == "drive-kinerja"
        assert f["sheets"] == list(layout.BIDANG_TABS)
        writers = {p["emailAddress"] for p in f["permissions"] if p["role"] == "writer"}
        assert writers == set(bidang.editor)
        assert not any(p["type"] == "anyone" for p in f["permissions"])
        assert refs[kode].spreadsheet_id == f["id"]


def test_layout_values_validation_and_open_tw(env: Env) -> None:
    wb = env.workbooks()
    refs = wb.distribute(2026, 1, ["PTK"])
    staff = env.person("penempatan@disnaker.example.go.id")
    book = staff.open_by_key(refs["PTK"].spreadsheet_id)
    realisasi = book.worksheet(layout.TAB_REALISASI).get_all_values()
    assert realisasi[0] == list(layout.REALISASI_HEADER)
    assert len(realisasi) == 1 + len(env.master.for_bidang("PTK"))
    status = book.worksheet(layout.TAB_STATUS).get_all_values()
    assert status[0] == list(layout.STATUS_HEADER)
    assert status[1][:3] == ["TW I", "Draft", "Dibuka untuk pengisian"]
    assert status[2][:3] == ["TW II", "Draft", "Belum dibuka"]
    assert book.worksheet(layout.TAB_PETUNJUK).acell("A1").value == layout.judul_bidang(
        2026, env.settings.bidang_by_kode("PTK").nama
    )


def test_rerun_creates_nothing_twice_and_requests_are_few(env: Env) -> None:
    wb = env.workbooks()
    wb.distribute(2026, 1, KODES)
    before = {f["id"]: f for f in _bidang_files(env)}
    env.reset_stats()
    again = env.workbooks()  # a restarted bot: nothing in memory
    again.distribute(2026, 1, KODES)
    after = {f["id"]: f for f in _bidang_files(env)}
    assert after.keys() == before.keys()
    for file_id, f in after.items():
        assert f["protectedRanges"] == before[file_id]["protectedRanges"]
        assert f["permissions"] == before[file_id]["permissions"]
    methods = env.google_methods()
    # one search for all bidang, one structure read per workbook, nothing created or shared
    assert methods.get("drive.files.list") == 1
    assert methods.get("sheets.spreadsheets.get") == len(KODES)
    assert "drive.files.create" not in methods
    assert "drive.permissions.create" not in methods
    assert "sheets.spreadsheets.batchUpdate" not in methods


def test_staff_edits_only_open_cells_of_own_workbook(env: Env) -> None:
    wb = env.workbooks()
    refs = wb.distribute(2026, 1, KODES)
    staff = env.person("penempatan@disnaker.example.go.id")
    book = staff.open_by_key(refs["PTK"].spreadsheet_id)
    sheet = book.worksheet(layout.TAB_REALISASI)
    header = list(layout.REALISASI_HEADER)
    col = {label: layout.column_letter(header.index(label)) for label in header}
    # open: Realisasi TW I, Realisasi Anggaran TW I, Kendala, Bukti, TW I's Status Pengisian
    sheet.update([[12]], f"{col[layout.col_realisasi(1)]}2")
    sheet.update([[1500000]], f"{col[layout.col_anggaran(1)]}2")
    sheet.update([["Tidak ada"]], f"{col[layout.COL_KENDALA]}2")
    book.worksheet(layout.TAB_STATUS).update([["Siap Dikoreksi"]], "B2")
    # protected: target, closed TW, names, Catatan Validasi, other TW's status, Status Alur
    for cell in (
        f"{col[layout.COL_TARGET_TAHUNAN]}2",
        f"{col[layout.col_realisasi(2)]}2",
        f"{col[layout.COL_INDIKATOR]}3",
        f"{col[layout.COL_CATATAN_VALIDASI]}2",
    ):
        with pytest.raises(gspread.exceptions.APIError) as err:
            sheet.update([[1]], cell)
        assert err.value.code in (400, 403), cell
    for cell in ("B3", "C2"):
        with pytest.raises(gspread.exceptions.APIError):
            book.worksheet(layout.TAB_STATUS).update([["Siap Dikoreksi"]], cell)
    # another bidang's workbook is not shared with this person
    with pytest.raises(PermissionError) as denied:
        staff.open_by_key(refs["LAT"].spreadsheet_id)
    assert denied.value.__cause__.response.status_code == 403  # gspread wraps Google's 403
    # after TW II opens, TW I is closed and TW II is open
    wb.distribute(2026, 2, ["PTK"])
    with pytest.raises(gspread.exceptions.APIError):
        sheet.update([[13]], f"{col[layout.col_realisasi(1)]}2")
    sheet.update([[20]], f"{col[layout.col_realisasi(2)]}2")
