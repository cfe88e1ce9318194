"""The wrong cell marked in the sheet (issue #19 item 4), on the real Google edge and the sandbox.

A feedback marks each input cell a problem names (red background and a cell note for an error,
yellow for a warning) in the same one ``spreadsheets.batchUpdate`` as the ``Catatan Validasi``
text; the next feedback unmarks the cells no problem names any more, found by the bot's own note
in the last read (so rows moved meanwhile are followed), and never touches a person's notes,
colours or values, nor a cell the staff cannot fill.
"""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from bot.workflow.intake import SubmissionReady
from sheets import layout
from sheets.facts import Feedback
from sheets.google.feedback import MARK_COLORS
from sheets.notes import MARK_TITLE, cell_marks, marked_after
from tests.google_edge.conftest import KODES, Env, IntakePoller
from tests.google_edge.test_poll import HEADER, col, fill, staff_sheet, submit

REALISASI = col(layout.col_realisasi(1))
BUKTI = col(layout.COL_BUKTI)
KODE = col(layout.COL_KODE)


def grid(env: Env, refs: Any, kode: str, header_row: int = 1) -> dict[str, dict[str, Any]]:
    """Every cell below the header of ``Realisasi`` with a note or a background, as the staff's
    spreadsheets.get shows it (the header row has the layout's colour)."""
    client = env.person(env.settings.bidang_by_kode(kode).editor[0])
    body = client.http_client.spreadsheets_get(
        refs[kode].spreadsheet_id, params={"ranges": [layout.quote_tab(layout.TAB_REALISASI)], "includeGridData": True}
    )
    cells: dict[str, dict[str, Any]] = {}
    data = body["sheets"][0]["data"][0]
    for r, row in enumerate(data.get("rowData") or [], start=data.get("startRow", 0)):
        for c, cell in enumerate(row.get("values") or [], start=data.get("startColumn", 0)):
            background = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
            if r >= header_row and (cell.get("note") or background):
                cells[layout.a1(r + 1, c)] = {"note": cell.get("note", ""), "background": background}
    return cells


def shade(color: dict[str, float]) -> tuple[int, int, int]:
    """A colour in 8 bits per channel (Sheets keeps 0..255), to compare what Google echoes."""
    return tuple(round(color.get(k, 0) * 255) for k in ("red", "green", "blue"))  # type: ignore[return-value]


def own_note(env: Env, refs: Any, kode: str, cell: str, note: str) -> None:
    """The staff put a note of their own on a cell (Sheets: Insert > Note)."""
    row, column = layout.parse_a1(cell)
    sheet = staff_sheet(env, refs, kode)
    sheet.spreadsheet.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "range": {
                            "sheetId": sheet.id,
                            "startRowIndex": row - 1,
                            "endRowIndex": row,
                            "startColumnIndex": column,
                            "endColumnIndex": column + 1,
                        },
                        "rows": [{"values": [{"note": note}]}],
                        "fields": "note",
                    }
                }
            ]
        }
    )


def submitted(wb: IntakePoller, cursor: str) -> tuple[SubmissionReady, str]:
    batch = wb.poll(cursor)
    ready = [e for e in batch.events if isinstance(e, SubmissionReady)]
    assert len(ready) == 1, batch.events
    assert batch.cursor is not None
    return ready[0], batch.cursor


@pytest.fixture
def distributed(env: Env) -> tuple[IntakePoller, dict[str, Any], str]:
    wb = env.poller()
    refs = dict(wb.distribute(2026, 1, KODES))
    first = wb.poll(None)
    assert first.cursor
    return wb, refs, first.cursor


def test_marks_the_wrong_cells_then_clears_only_its_own(env: Env, distributed: tuple) -> None:
    wb, refs, cursor = distributed
    fill(env, refs, "PTK", 1)
    sheet = staff_sheet(env, refs, "PTK")
    sheet.update([["dua puluh"]], f"{REALISASI}3", value_input_option="USER_ENTERED")
    sheet.update([["lihat lemari arsip"]], f"{BUKTI}4", value_input_option="USER_ENTERED")
    own_note(env, refs, "PTK", f"{REALISASI}5", "cek ulang dengan SP2D")
    submit(env, refs, "PTK", 1)
    event, cursor = submitted(wb, cursor)
    assert not event.ok
    assert {p.cell for p in event.problems} == {f"{REALISASI}3", f"{BUKTI}4"}

    env.reset_stats()
    wb.write_feedback("PTK", 1, Feedback("Perlu perbaikan", "", event.problems, True, place=wb.place("PTK")))
    assert env.google_methods() == {"sheets.spreadsheets.batchUpdate": 1}  # text, marks, Status: one request
    marks = grid(env, refs, "PTK")
    assert set(marks) == {f"{REALISASI}3", f"{BUKTI}4", f"{REALISASI}5"}
    error, warning = marks[f"{REALISASI}3"], marks[f"{BUKTI}4"]
    assert shade(error["background"]) == shade(MARK_COLORS["error"])
    assert error["note"].startswith(MARK_TITLE) and '"dua puluh" bukan angka' in error["note"]
    assert shade(warning["background"]) == shade(MARK_COLORS["warning"])
    assert "Peringatan: " in warning["note"] and "bukan tautan" in warning["note"]
    assert marks[f"{REALISASI}5"] == {"note": "cek ulang dengan SP2D", "background": None}
    # the Catatan Validasi text still says it beside the row
    catatan = sheet.col_values(HEADER.index(layout.COL_CATATAN_VALIDASI) + 1)
    assert "dua puluh" in catatan[2] and "bukan tautan" in catatan[3]

    # Fixed and submitted again: the poll's read finds the bot's marks by their note, the next
    # feedback clears them; the person's own note and every value stay.
    sheet.update([["20"]], f"{REALISASI}3", value_input_option="USER_ENTERED")
    sheet.update([["https://drive.google.com/file/d/bukti"]], f"{BUKTI}4", value_input_option="USER_ENTERED")
    submit(env, refs, "PTK", 1)
    event, cursor = submitted(wb, cursor)
    assert event.ok
    place = wb.place("PTK")
    assert place is not None and place.marked == (f"{REALISASI}3", f"{BUKTI}4")
    wb.write_feedback("PTK", 1, Feedback("Menunggu koreksi Kepala Bidang", "", event.problems, place=place))
    assert grid(env, refs, "PTK") == {f"{REALISASI}5": {"note": "cek ulang dengan SP2D", "background": None}}
    assert sheet.acell(f"{REALISASI}3", value_render_option="UNFORMATTED_VALUE").value == 20


def test_never_marks_a_cell_the_staff_cannot_fill(env: Env, distributed: tuple) -> None:
    """A row the master list lacks (Kode) and a future TW's cell are problems, but not marked."""
    wb, refs, cursor = distributed
    fill(env, refs, "LAT", 1)
    admin = env.person("kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com")
    realisasi = admin.open_by_key(refs["LAT"].spreadsheet_id).worksheet(layout.TAB_REALISASI)
    rows = len(env.master.for_bidang("LAT"))
    realisasi.add_rows(1)
    realisasi.update([["9.99.99"]], f"{KODE}{rows + 2}")  # a row added by hand below the indicators
    realisasi.update([[5]], f"{col(layout.col_realisasi(2))}2")  # TW II typed while TW I is open
    submit(env, refs, "LAT", 1)
    event, _ = submitted(wb, cursor)
    cells = {p.cell for p in event.problems}
    assert {f"{KODE}{rows + 2}", f"{col(layout.col_realisasi(2))}2"} <= cells
    wb.write_feedback("LAT", 1, Feedback("Menunggu koreksi Kepala Bidang", "", event.problems, place=wb.place("LAT")))
    marked = grid(env, refs, "LAT")
    inputs = layout.editable_columns(1)
    assert set(marked) == {p.cell for p in event.problems if p.column in inputs}  # the pagu warning of row 3
    assert not {f"{KODE}{rows + 2}", f"{col(layout.col_realisasi(2))}2"} & set(marked)


def test_marks_are_followed_when_rows_move(env: Env, distributed: tuple) -> None:
    """An administrator inserts a title row: the marks move with their cells, and so does the clearing."""
    wb, refs, cursor = distributed
    fill(env, refs, "SEK", 1)
    sheet = staff_sheet(env, refs, "SEK")
    sheet.update([["x"]], f"{REALISASI}3", value_input_option="USER_ENTERED")
    own_note(env, refs, "SEK", f"{REALISASI}2", "catatan staf")
    submit(env, refs, "SEK", 1)
    event, cursor = submitted(wb, cursor)
    wb.write_feedback("SEK", 1, Feedback("Perlu perbaikan", "", event.problems, True, place=wb.place("SEK")))
    assert set(grid(env, refs, "SEK")) == {f"{REALISASI}2", f"{REALISASI}3"}

    admin = env.person("kinerja-bot@kinerja-sandbox.iam.gserviceaccount.com").open_by_key(refs["SEK"].spreadsheet_id)
    realisasi = admin.worksheet(layout.TAB_REALISASI)
    realisasi.insert_row(["Laporan Kinerja Sekretariat"], 1)
    moved = grid(env, refs, "SEK", header_row=2)
    assert moved[f"{REALISASI}4"]["note"].startswith(MARK_TITLE)  # the mark moved with its cell
    assert moved[f"{REALISASI}3"]["note"] == "catatan staf"  # ... and the person's note now sits where it was
    sheet.update([["2"]], f"{REALISASI}4", value_input_option="USER_ENTERED")
    submit(env, refs, "SEK", 1)
    event, cursor = submitted(wb, cursor)
    place = wb.place("SEK")
    assert place is not None and place.marked == (f"{REALISASI}4",)
    wb.write_feedback("SEK", 1, Feedback("Menunggu koreksi Kepala Bidang", "", event.problems, place=place))
    assert grid(env, refs, "SEK", header_row=2) == {f"{REALISASI}3": {"note": "catatan staf", "background": None}}


def test_approval_locks_and_clears_the_warnings_marks_in_one_request(env: Env, distributed: tuple) -> None:
    """The Kepala Bidang's Setujui: the protections move and the warning's mark goes, in one batchUpdate."""
    wb, refs, cursor = distributed
    fill(env, refs, "HIJ", 1)
    staff_sheet(env, refs, "HIJ").update([["di lemari arsip"]], f"{BUKTI}2", value_input_option="USER_ENTERED")
    submit(env, refs, "HIJ", 1)
    event, _ = submitted(wb, cursor)
    assert event.ok and [p.cell for p in event.problems] == [f"{BUKTI}2"]
    place = wb.place("HIJ")
    assert place is not None
    wb.write_feedback("HIJ", 1, Feedback("Menunggu koreksi Kepala Bidang", "", event.problems, place=place))
    assert set(grid(env, refs, "HIJ")) == {f"{BUKTI}2"}
    left = marked_after(place, cell_marks(event.problems, place, 1))  # what the workflow stores
    env.reset_stats()
    wb.lock_tw("HIJ", 1, Feedback("Disetujui Kepala Bidang", place=left))
    assert env.google_methods() == {"sheets.spreadsheets.batchUpdate": 1}
    assert grid(env, refs, "HIJ") == {}
    with pytest.raises(gspread.exceptions.APIError):
        staff_sheet(env, refs, "HIJ").update([["9"]], f"{REALISASI}2")
