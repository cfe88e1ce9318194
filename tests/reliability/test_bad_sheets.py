"""Bad sheets against the real Google edge: one table of cases, each with its expected answer.

Every case starts from the same baseline (``conftest.build_world``: SEK's TW I approved, PTK's TW I
filled but not submitted), does one bad thing to a workbook as a person would (the bidang's staff
typing in a browser, or someone with full rights editing the structure by hand), then runs the
poll cycle of the real service (``WorkflowService.poll_once`` over ``GoogleWorkbooks``) and checks:

- the answer: who is told what, in Indonesian, naming the cell (validation) or the cause
  (missing workbook, lost access, changed approved data); or Google's own refusal when the sheet's
  protection or dropdown stops the person before the bot sees anything;
- the sheet: the note beside the row (``Catatan Validasi``), Status Pengisian back to ``Draft``
  after a refused submission, and no cell a person fills touched by the bot;
- nothing lost: every earlier audit and outbox row kept, SEK's approved snapshot unchanged, PTK's
  report in the expected state;
- no crash: the poll cycle raises nothing, logs no error, says nothing twice on the next poll, and
  once a person repairs the sheet the next submission goes through.

The table is documented case by case in docs/keandalan.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gspread
import pytest

from bot.workflow.errors import ActionFailed
from bot.workflow.machine import BidangState, Role
from bot.workflow.notifications import Kind
from sheets import layout
from tests.reliability.conftest import ANGGARAN_1, CATATAN, OAUTH_BOT, REALISASI_1, SheetWorld, col

PTK_STAFF = "penempatan@disnaker.example.go.id"
SEK_STAFF = "sekretariat@disnaker.example.go.id"
OWNER = "kepala.ptk@disnaker.example.go.id"
KENDALA = col(layout.COL_KENDALA)
BUKTI = col(layout.COL_BUKTI)
REALISASI_2 = col(layout.col_realisasi(2))
TARGET_1 = col(layout.col_target(1))
PERCENT_ROW = 9  # PTK's "Tingkat pengangguran terbuka" (Satuan %)
PROTECTED = "protected cell"
DROPDOWN = "violates the data validation rules"


# --- what a case expects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The expected answer: a notification (kind, to whom, the cell it names, a phrase), or none.

    ``refused`` is the phrase of Google's own refusal of the person's edit (nothing reaches the
    bot). ``state`` is PTK's report state after the poll.
    """

    kind: Kind | None
    role: Role | None
    says: str | None
    state: BidangState
    cell: str | None = None
    refused: str | None = None
    bidang: str = "PTK"


def invalid(cell: str, says: str) -> Answer:
    """The submission is refused: the staff are told which cell and why; input stays open."""
    return Answer(Kind.VALIDATION_FAILED, Role.STAF, says, BidangState.FILLING, cell)


def accepted(says: str | None = None, cell: str | None = None) -> Answer:
    """The submission goes on to the Kepala Bidang (with the warning ``says`` when given)."""
    return Answer(Kind.SUBMISSION_RECEIVED, Role.STAF, says, BidangState.SUBMITTED, cell)


def to_kasubbag(kind: Kind, says: str, bidang: str = "PTK") -> Answer:
    """The Kasubbag is told (workbook missing, access lost, approved data changed)."""
    return Answer(kind, Role.KASUBBAG_KPEP, says, BidangState.FILLING, bidang=bidang)


def refused(says: str) -> Answer:
    """Google refuses the person's edit; the bot sees nothing and says nothing."""
    return Answer(None, None, None, BidangState.FILLING, refused=says)


QUIET = Answer(None, None, None, BidangState.FILLING)


# --- what people do -----------------------------------------------------------------------------

Act = Callable[[SheetWorld], Any]


def submit_with(cell: str, value: Any, *, raw: bool = False) -> Act:
    """PTK's staff types ``value`` into ``cell`` and sets Siap Dikoreksi."""

    def act(w: SheetWorld) -> None:
        w.typed("PTK", cell, value, raw=raw)
        w.set_status("PTK")

    return act


def admin_then_submit(change: Act) -> Act:
    """Someone with full rights changes the structure by hand; then the staff submit."""

    def act(w: SheetWorld) -> None:
        change(w)
        w.set_status("PTK")

    return act


def percent_kept_as_fraction(w: SheetWorld) -> None:
    """Google keeps the column's number format (the sandbox's ``typed_format: keep``): ``75%`` is 0.75."""
    w.control.call("POST", "google/limits", {"typed_format": "keep"})
    w.typed("PTK", PCT, "75%")
    w.set_status("PTK")


def retype(cell: str, value: Any = "5") -> Act:
    """The staff's repair: a valid value where the bad one was."""
    return lambda w: w.typed("PTK", cell, value)


def as_number(cell: str, value: Any = "5") -> Act:
    """The repair of a date-formatted cell: Format > Angka > Otomatis, then the value again."""

    def act(w: SheetWorld) -> None:
        w.tab("PTK").format(cell, {"numberFormat": {"type": "NUMBER", "pattern": "General"}})
        w.typed("PTK", cell, value)

    return act


def realisasi_tab(w: SheetWorld) -> gspread.Worksheet:
    return w.tab("PTK", admin=True)


def delete_row(w: SheetWorld) -> None:
    sheet = realisasi_tab(w)
    w.scratch["row"] = sheet.row_values(3, value_render_option="FORMULA")
    sheet.delete_rows(3)


def restore_row(w: SheetWorld) -> None:
    realisasi_tab(w).insert_row(w.scratch["row"], 3, value_input_option="USER_ENTERED")


def title_row_then_error(w: SheetWorld) -> None:
    realisasi_tab(w).insert_rows([["LAPORAN KINERJA BIDANG PENEMPATAN"]], 1)
    w.typed("PTK", f"{REALISASI_1}4", "dua puluh")  # the indicator that was on row 3
    w.set_status("PTK")


def insert_unknown_row(w: SheetWorld) -> None:
    realisasi_tab(w).insert_rows([["", "9.99.99", "Kegiatan lain", "Indikator tambahan"]], 4)


def duplicate_row(w: SheetWorld) -> None:
    sheet = realisasi_tab(w)
    sheet.append_row(sheet.row_values(3, value_render_option="FORMULA"), value_input_option="USER_ENTERED")


def remove_duplicate(w: SheetWorld) -> None:
    realisasi_tab(w).delete_rows(len(w.master.for_bidang("PTK")) + 2)


def delete_realisasi_column(w: SheetWorld) -> None:
    sheet = realisasi_tab(w)
    index = layout.REALISASI_HEADER.index(layout.col_realisasi(1)) + 1
    w.scratch["column"] = sheet.col_values(index, value_render_option="UNFORMATTED_VALUE")
    sheet.delete_columns(index)


def restore_realisasi_column(w: SheetWorld) -> None:
    index = layout.REALISASI_HEADER.index(layout.col_realisasi(1)) + 1
    realisasi_tab(w).insert_cols([w.scratch["column"]], index)


def insert_column_with_bukti(w: SheetWorld) -> None:
    w.typed("PTK", f"{BUKTI}3", "https://drive.google.com/file/d/bukti-ptk")
    index = layout.REALISASI_HEADER.index(layout.col_realisasi(1)) + 1
    realisasi_tab(w).insert_cols([["Kolom Tambahan"]], index)


def overwrite_header(w: SheetWorld) -> None:
    w.typed("PTK", f"{REALISASI_1}1", "Realisasi Triwulan 1", admin=True)


def restore_header(w: SheetWorld) -> None:
    w.typed("PTK", f"{REALISASI_1}1", layout.col_realisasi(1), admin=True)


def rename_indikator(row: int) -> Act:
    def act(w: SheetWorld) -> None:
        cell = f"{col(layout.COL_INDIKATOR)}{row}"
        w.scratch["indikator"] = (cell, realisasi_tab(w).acell(cell).value)
        w.typed("PTK", cell, "Indikator dengan nama lain", admin=True)

    return act


def restore_indikator(w: SheetWorld) -> None:
    cell, value = w.scratch["indikator"]
    w.typed("PTK", cell, value, admin=True)


def rename_tab(w: SheetWorld) -> None:
    realisasi_tab(w).update_title("Realisasi Lama")


def restore_tab(w: SheetWorld) -> None:
    w.admin_book("PTK").worksheet("Realisasi Lama").update_title(layout.TAB_REALISASI)


def delete_status_tab(w: SheetWorld) -> None:
    book = w.admin_book("PTK")
    book.del_worksheet(book.worksheet(layout.TAB_STATUS))


def reorder_tabs(w: SheetWorld) -> None:
    book = w.admin_book("PTK")
    book.reorder_worksheets(list(reversed(book.worksheets())))


def drive_update(body: dict[str, Any]) -> Act:
    def act(w: SheetWorld) -> None:
        w.control.drive_as(w.bot_email).files().update(fileId=w.ids["PTK"], body=body, supportsAllDrives=True).execute()

    return act


def delete_workbook(w: SheetWorld) -> None:
    w.control.drive_as(w.bot_email).files().delete(fileId=w.ids["PTK"], supportsAllDrives=True).execute()


def remove_bot_access(w: SheetWorld) -> None:
    """My Drive: the workbook is handed to a person, who files it away and removes the bot."""
    file_id = w.ids["PTK"]
    w.control.drive_as(OAUTH_BOT).permissions().create(
        fileId=file_id, body={"type": "user", "role": "owner", "emailAddress": OWNER}, transferOwnership=True
    ).execute()
    owner = w.control.drive_as(OWNER)
    owner.files().update(fileId=file_id, removeParents="folder-oauth", body={}).execute()
    w.poll()  # the hand-over itself: read once, nothing to report
    perms = owner.permissions().list(fileId=file_id, fields="permissions(id,emailAddress)").execute()
    bot = next(p["id"] for p in perms["permissions"] if p.get("emailAddress") == OAUTH_BOT)
    owner.permissions().delete(fileId=file_id, permissionId=bot).execute()


def give_access_back(w: SheetWorld) -> None:
    w.control.drive_as(OWNER).permissions().create(
        fileId=w.ids["PTK"], body={"type": "user", "role": "writer", "emailAddress": OAUTH_BOT}
    ).execute()


def staff_edit(kode: str, cell: str, value: Any, tab: str = layout.TAB_REALISASI) -> Act:
    def act(w: SheetWorld) -> None:
        w.book(kode).worksheet(tab).update([[value]], cell)

    return act


def staff_delete_row(w: SheetWorld) -> None:
    w.tab("PTK").delete_rows(3)


def staff_insert_row(w: SheetWorld) -> None:
    w.tab("PTK").insert_rows([["", "9.99.99", "Kegiatan lain", "Indikator tambahan"]], 4)


def staff_insert_column(w: SheetWorld) -> None:
    w.tab("PTK").insert_cols([["Kolom Tambahan"]], layout.REALISASI_HEADER.index(layout.col_realisasi(1)) + 1)


def staff_delete_tab(w: SheetWorld) -> None:
    book = w.book("PTK")
    book.del_worksheet(book.worksheet(layout.TAB_PETUNJUK))


def admin_marks_tw2(w: SheetWorld) -> None:
    w.tab("PTK", layout.TAB_STATUS, admin=True).update([[layout.STATUS_SIAP_DIKOREKSI]], f"B{layout.status_row(2)}")


def tamper_approved(w: SheetWorld) -> None:
    w.tab("SEK", admin=True).update([[99]], f"{REALISASI_1}3")


def restore_approved(w: SheetWorld) -> None:
    w.tab("SEK", admin=True).update([[2]], f"{REALISASI_1}3")


def nothing(w: SheetWorld) -> None:
    """No repair is needed: the next submission must simply go through."""


# --- the table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad sheet: what is done, the answer expected, and how a person repairs it.

    ``fix`` None: nothing a staff member can do brings it back (the workbook or the tab is gone);
    the check is then that the next poll stays quiet.
    """

    act: Act
    answer: Answer
    fix: Act | None = nothing
    my_drive: bool = False


R3, R4 = f"{REALISASI_1}3", f"{REALISASI_1}4"
A3, A4 = f"{ANGGARAN_1}3", f"{ANGGARAN_1}4"
PCT = f"{REALISASI_1}{PERCENT_ROW}"
NOT_FOUND_ROW = "tidak ditemukan di tab Realisasi; kembalikan barisnya"
NO_COLUMN = 'Kolom "Realisasi TW I" tidak ditemukan di baris judul'
TAB_GONE = "tab Realisasi atau Status diganti nama atau dihapus"

CASES: dict[str, Case] = {
    # text where a number belongs
    "text-in-realisasi": Case(submit_with(R3, "dua puluh"), invalid(R3, '"dua puluh" bukan angka'), retype(R3)),
    "text-in-anggaran": Case(submit_with(A4, "satu juta"), invalid(A4, '"satu juta" bukan angka'), retype(A4)),
    "checkbox-true": Case(submit_with(R3, "TRUE"), invalid(R3, '"TRUE" bukan angka'), retype(R3)),
    "date-in-realisasi": Case(
        submit_with(R3, "12/03/2026"), invalid(R3, '"12/03/2026" bukan angka (sel berformat tanggal'), as_number(R3)
    ),
    "overflowing-number": Case(submit_with(R3, "1e400"), invalid(R3, '"1e400" bukan angka'), retype(R3)),
    "huge-number": Case(
        submit_with(R3, "99999999999999999999"), invalid(R3, "terlalu besar (lebih dari 15 digit)"), retype(R3)
    ),
    "scientific-number": Case(submit_with(R3, "1e308"), invalid(R3, "angka 1E+308 terlalu besar"), retype(R3)),
    "percent-kept-as-fraction": Case(percent_kept_as_fraction, accepted("apakah maksudnya 75%?", PCT)),
    # formulas with errors
    "formula-div0": Case(submit_with(R3, "=1/0"), invalid(R3, "rumus menghasilkan kesalahan #DIV/0!"), retype(R3)),
    "formula-ref": Case(
        submit_with(R3, "='Tab Lama'!A1"), invalid(R3, "rumus menghasilkan kesalahan #REF!"), retype(R3)
    ),
    "formula-na": Case(submit_with(R3, "#N/A"), invalid(R3, "rumus menghasilkan kesalahan #N/A"), retype(R3)),
    "formula-value": Case(submit_with(R3, '="dua"+1'), invalid(R3, "rumus menghasilkan kesalahan #VALUE!"), retype(R3)),
    "formula-name": Case(
        submit_with(R3, "=JUMLAH(M2:M3)"), invalid(R3, "rumus menghasilkan kesalahan #NAME?"), retype(R3)
    ),
    "formula-error-in-kendala": Case(
        submit_with(f"{KENDALA}3", "=1/0"),
        invalid(f"{KENDALA}3", "kesalahan #DIV/0!; isi dengan teks"),
        retype(f"{KENDALA}3", "Data dari Disnakertrans"),
    ),
    # negative, empty, out of range
    "negative-realisasi": Case(
        submit_with(R3, "-5"), invalid(R3, "nilai negatif (-5) tidak diperbolehkan"), retype(R3)
    ),
    "negative-anggaran-text": Case(
        submit_with(A3, "-Rp 1.000", raw=True), invalid(A3, "nilai negatif (-1.000)"), retype(A3, "1000")
    ),
    "empty-realisasi": Case(submit_with(R3, ""), invalid(R3, "belum diisi; isi realisasi TW I"), retype(R3, "0")),
    "empty-anggaran": Case(submit_with(A3, ""), accepted("belum diisi; tulis 0 bila tidak ada belanja", A3)),
    "over-pagu": Case(submit_with(A3, "999.999.999.999"), accepted("melebihi pagu (Rp175.000.000)", A3)),
    "percent-string": Case(submit_with(PCT, "7,5 %", raw=True), accepted()),
    "percent-over-100": Case(submit_with(PCT, "150%"), accepted("150% melebihi 100% untuk satuan %", PCT)),
    "rupiah-text": Case(submit_with(A3, "Rp 1.500.000,-", raw=True), accepted()),
    "bukti-not-a-link": Case(
        submit_with(f"{BUKTI}3", "lihat map biru"), accepted('"lihat map biru" bukan tautan', f"{BUKTI}3")
    ),
    "status-typed-loosely": Case(admin_then_submit(lambda w: w.set_status("PTK", " siap dikoreksi ")), accepted()),
    # rows and columns changed by hand (the staff cannot: see the refused cases below)
    "deleted-row": Case(admin_then_submit(delete_row), invalid("B3", NOT_FOUND_ROW), restore_row),
    "inserted-title-row": Case(title_row_then_error, invalid(R4, '"dua puluh" bukan angka'), retype(R4)),
    "inserted-unknown-row": Case(
        admin_then_submit(insert_unknown_row), accepted("tidak ada di daftar induk indikator", "B4")
    ),
    "duplicated-row": Case(
        admin_then_submit(duplicate_row),
        invalid("B10", "sudah ada di baris 3; hapus baris ganda ini"),
        remove_duplicate,
    ),
    "deleted-column": Case(
        admin_then_submit(delete_realisasi_column), invalid(f"{REALISASI_1}1", NO_COLUMN), restore_realisasi_column
    ),
    "inserted-column": Case(
        admin_then_submit(insert_column_with_bukti), accepted('Kolom tambahan "Kolom Tambahan"', f"{REALISASI_1}1")
    ),
    "overwritten-header": Case(
        admin_then_submit(overwrite_header), invalid(f"{REALISASI_1}1", NO_COLUMN), restore_header
    ),
    "renamed-indikator-shared-kode": Case(
        admin_then_submit(rename_indikator(3)), invalid("B3", NOT_FOUND_ROW), restore_indikator
    ),
    "renamed-indikator-unique-kode": Case(
        admin_then_submit(rename_indikator(5)),
        accepted("berbeda dengan daftar induk", f"{col(layout.COL_INDIKATOR)}5"),
    ),
    "cleared-tab": Case(
        admin_then_submit(lambda w: realisasi_tab(w).clear()),
        invalid("A1", "Baris judul kolom tab Realisasi tidak ditemukan"),
        None,
    ),
    "future-tw-filled": Case(
        admin_then_submit(lambda w: w.typed("PTK", f"{REALISASI_2}3", "7", admin=True)),
        accepted("TW II belum dibuka; isian ini diabaikan", f"{REALISASI_2}3"),
    ),
    # tabs and the workbook itself
    "renamed-tab": Case(rename_tab, to_kasubbag(Kind.WORKBOOK_MISSING, TAB_GONE), restore_tab),
    "deleted-status-tab": Case(delete_status_tab, to_kasubbag(Kind.WORKBOOK_MISSING, TAB_GONE), None),
    "reordered-tabs": Case(admin_then_submit(reorder_tabs), accepted()),
    "renamed-workbook": Case(
        drive_update({"name": "Salinan laporan"}),
        to_kasubbag(Kind.WORKBOOK_MISSING, "judul lembar kerja diubah menjadi 'Salinan laporan'"),
        drive_update({"name": "Laporan Kinerja 2026 - Bidang Penempatan Tenaga Kerja dan Perluasan Kesempatan Kerja"}),
    ),
    "trashed-workbook": Case(
        drive_update({"trashed": True}),
        to_kasubbag(Kind.WORKBOOK_MISSING, "lembar kerja dipindahkan ke tempat sampah"),
        drive_update({"trashed": False}),
    ),
    "deleted-workbook": Case(
        delete_workbook, to_kasubbag(Kind.WORKBOOK_MISSING, "lembar kerja dihapus atau tidak ditemukan"), None
    ),
    "bot-access-removed": Case(
        remove_bot_access,
        to_kasubbag(Kind.ACCESS_LOST, "tidak lagi memiliki akses ke lembar kerja bidang ini"),
        give_access_back,
        my_drive=True,
    ),
    "approved-data-changed": Case(
        tamper_approved,
        to_kasubbag(Kind.TAMPER_DETECTED, "Rekap dinas tetap memakai data yang disetujui", bidang="SEK"),
        restore_approved,
    ),
    # what the sheet itself refuses to the staff (protected ranges, the dropdown)
    "staff-types-target": Case(staff_edit("PTK", f"{TARGET_1}3", 999), refused(PROTECTED)),
    "staff-overwrites-header": Case(staff_edit("PTK", f"{REALISASI_1}1", "Realisasi"), refused(PROTECTED)),
    "staff-types-catatan-validasi": Case(staff_edit("PTK", f"{CATATAN}3", "sudah benar"), refused(PROTECTED)),
    "staff-changes-approved-tw": Case(staff_edit("SEK", R3, 99), refused(PROTECTED)),
    "staff-deletes-row": Case(staff_delete_row, refused(PROTECTED)),
    "staff-inserts-row": Case(staff_insert_row, refused(PROTECTED)),
    "staff-inserts-column": Case(staff_insert_column, refused(PROTECTED)),
    "staff-deletes-tab": Case(staff_delete_tab, refused(PROTECTED)),
    "staff-marks-wrong-tw": Case(
        staff_edit("PTK", f"B{layout.status_row(2)}", layout.STATUS_SIAP_DIKOREKSI, layout.TAB_STATUS),
        refused(PROTECTED),
    ),
    "status-garbage": Case(
        staff_edit("PTK", f"B{layout.status_row(1)}", "sudah dong", layout.TAB_STATUS), refused(DROPDOWN)
    ),
    "wrong-tw-marked-by-hand": Case(admin_marks_tw2, QUIET),
}


# --- checking --------------------------------------------------------------------------------------


def _grid(w: SheetWorld, kode: str) -> list[list[Any]] | None:
    """The Realisasi tab as the staff see it; None when it is gone (deleted workbook, renamed tab)."""
    try:
        return w.values(kode)
    except gspread.exceptions.APIError as err:
        if err.response.status_code in (400, 404):
            return None
        raise


def _person_cells(grid: list[list[Any]] | None) -> list[list[Any]] | None:
    """The grid without the bot's own column (Catatan Validasi), wherever it is now."""
    if grid is None:
        return None
    header = next((row for row in grid if layout.COL_CATATAN_VALIDASI in row), None)
    index = header.index(layout.COL_CATATAN_VALIDASI) if header is not None else None
    cells = [row[:index] + row[index + 1 :] if index is not None else list(row) for row in grid]
    for row in cells:  # a ragged grid: a note written further right only pads the row
        while row and row[-1] == "":
            row.pop()
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _note(w: SheetWorld, cell: str) -> str:
    """The bot's note about ``cell``: its row's Catatan Validasi, else the Status tab's Catatan."""
    grid = w.values("PTK")
    row = int("".join(ch for ch in cell if ch.isdigit()))
    header_row = next((r for r, line in enumerate(grid, 1) if layout.COL_CATATAN_VALIDASI in line), None)
    if header_row is not None and row > header_row:
        line = grid[row - 1]
        index = grid[header_row - 1].index(layout.COL_CATATAN_VALIDASI)
        return str(line[index]) if index < len(line) else ""
    status = w.values("PTK", layout.TAB_STATUS)
    return str(status[layout.status_row(1) - 1][layout.STATUS_HEADER.index("Catatan")])


def _check_answer(w: SheetWorld, answer: Answer, rows: list[Any]) -> None:
    told = w.rendered(rows)
    if answer.kind is None:
        assert told == [], told
        return
    mine = [r for r in rows if r.kind == answer.kind]
    assert len(mine) == 1, [r.kind for r in rows]
    role, bidang, text = w.rendered(mine)[0]
    assert role == answer.role
    if answer.role is Role.STAF:
        assert bidang == answer.bidang
    else:
        assert mine[0].payload["bidang"] == answer.bidang
    if answer.cell is not None:
        assert re.search(rf"sel {answer.cell}\b", text), text  # "sel R4:" or "sel R4 (kolom...)"
    if answer.says is not None:
        assert answer.says in text, text
    if answer.kind is Kind.VALIDATION_FAILED:
        assert {r.kind for r in rows} == {Kind.VALIDATION_FAILED}
        status = w.values("PTK", layout.TAB_STATUS)[layout.status_row(1) - 1]
        assert status[1] == layout.STATUS_DRAFT and "kesalahan" in status[3]
    if answer.kind is Kind.SUBMISSION_RECEIVED:
        assert {r.kind for r in rows} == {Kind.SUBMISSION_RECEIVED, Kind.KOREKSI_REQUEST}
    if answer.cell is not None and answer.says is not None:
        assert answer.says in _note(w, answer.cell)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_bad_sheet_is_answered_and_loses_nothing(
    make_world: Callable[..., SheetWorld], case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    w = make_world(my_drive=case.my_drive)
    caplog.set_level(logging.INFO)
    before = w.ledger()
    answer = case.answer

    if answer.refused is not None:
        with pytest.raises(gspread.exceptions.APIError) as err:
            case.act(w)
        assert answer.refused in str(err.value)
    else:
        case.act(w)
    person_cells = _person_cells(_grid(w, "PTK"))

    w.poll()  # the poll cycle: must not raise

    rows = w.new_outbox(before)
    _check_answer(w, answer, rows)
    after = w.ledger()
    # nothing lost: history kept, the approved snapshot untouched, states as expected
    assert after["audit"][: len(before["audit"])] == before["audit"]
    assert after["outbox"][: len(before["outbox"])] == before["outbox"]
    assert after["snapshots"] == before["snapshots"]
    assert after["states"] == {"SEK": BidangState.APPROVED, "PTK": answer.state}
    # the bot wrote only its own column: every cell a person fills is as they left it
    assert _person_cells(_grid(w, "PTK")) == person_cells
    # said once: the next poll adds nothing
    w.poll()
    assert w.new_outbox(after) == []

    if case.fix is not None and answer.state is not BidangState.SUBMITTED:
        case.fix(w)
        w.poll()
        w.set_status("PTK")
        w.poll()
        assert w.state("PTK") is BidangState.SUBMITTED
        assert w.ledger()["snapshots"] == before["snapshots"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_table_has_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_failed_poll_cycle_is_replayed_and_loses_no_submission(
    make_world: Callable[..., SheetWorld], caplog: pytest.LogCaptureFixture
) -> None:
    """Google refusing every attempt to write the feedback fails that cycle; the next one handles it."""
    w = make_world(my_drive=False)
    submit_with(R3, "dua puluh")(w)
    w.control.fault("google", 503, count=100, method="sheets.spreadsheets.batchUpdate")
    before = w.ledger()
    with pytest.raises(ActionFailed, match="belum berhasil") as failed:
        w.poll()
    assert "menulis catatan validasi PTK" in str(failed.value.__cause__)
    assert w.ledger() == before  # nothing half-done in the store
    w.control.clear_faults()
    w.poll()
    rows = w.new_outbox(before)
    _check_answer(w, invalid(R3, '"dua puluh" bukan angka'), rows)
    w.poll()
    assert [r.id for r in w.new_outbox(before)] == [r.id for r in rows]  # said once


PTK_STAF_TELEGRAM = 100000022


@pytest.mark.parametrize(
    ("cell", "typed", "says"),
    [
        pytest.param(R3, "dua puluh", '"dua puluh" bukan angka', id="text"),
        pytest.param(R3, "12/03/2026", "sel berformat tanggal", id="date"),
        pytest.param(R3, "=1/0", "kesalahan #DIV/0!", id="formula-error"),
        pytest.param(A4, "-5", "nilai negatif", id="negative"),
    ],
)
def test_kirim_path_gives_the_same_answer(
    make_world: Callable[..., SheetWorld], cell: str, typed: str, says: str
) -> None:
    """/kirim reads and validates the sheet at once (submit_from_sheet) and the service decides alike."""
    w = make_world(my_drive=False)
    before = w.ledger()
    w.typed("PTK", cell, typed)
    ready = w.service.submit_from_sheet(w.actor(PTK_STAF_TELEGRAM), "PTK", 2026, 1)
    assert not ready.ok
    _check_answer(w, invalid(cell, says), w.new_outbox(before))
    after = w.ledger()
    assert after["snapshots"] == before["snapshots"]
    assert after["states"] == {"SEK": BidangState.APPROVED, "PTK": BidangState.FILLING}
    w.poll()  # the sheet's own Draft status and the bot's notes: nothing new to say
    assert w.new_outbox(after) == []
    (as_number(cell) if "tanggal" in says else retype(cell))(w)
    w.service.submit_from_sheet(w.actor(PTK_STAF_TELEGRAM), "PTK", 2026, 1)
    assert w.state("PTK") is BidangState.SUBMITTED
