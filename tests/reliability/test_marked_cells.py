"""Marked cells through the workflow (issue #19 item 4): the service on the real Google edge.

The poll's feedback marks the wrong cell, the next submission's feedback clears it and marks the
warning it finds, and the Kepala Bidang's approval clears that one too. What the bot marked is
remembered in Google (its note on the cell, found by the next read) and, between reads, as the
store's record of the last feedback (``sheet_memory``), never in the process: every step here runs
on a fresh service over the same store, as after a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.workflow.intake import SheetMemory
from bot.workflow.machine import BidangState
from bot.workflow.service import WorkflowService
from sheets import layout
from sheets.google.workbooks import GoogleWorkbooks
from sheets.notes import MARK_TITLE
from tests.reliability.conftest import CHANGE_LAG, FAST, NOW, POLL_INTERVAL, REALISASI_1, SheetWorld, col

PTK_KEPALA = 100000021
R3 = f"{REALISASI_1}3"
BUKTI_4 = f"{col(layout.COL_BUKTI)}4"


def marks(w: SheetWorld, kode: str) -> dict[str, str]:
    """Cell -> note of every cell below the header carrying the bot's note, as the staff's read shows."""
    client = w.client(w.staff_email(kode))
    body = client.http_client.spreadsheets_get(
        w.ids[kode], params={"ranges": [layout.quote_tab(layout.TAB_REALISASI)], "includeGridData": True}
    )
    found: dict[str, str] = {}
    for r, row in enumerate(body["sheets"][0]["data"][0].get("rowData") or []):
        for c, cell in enumerate(row.get("values") or []):
            note = cell.get("note", "")
            background = (cell.get("userEnteredFormat") or {}).get("backgroundColor")
            if r > 0 and (note or background):
                assert note.startswith(MARK_TITLE) and background, (layout.a1(r + 1, c), cell)
                found[layout.a1(r + 1, c)] = note
    return found


def clear_by_hand(w: SheetWorld, kode: str, cell: str) -> None:
    """The staff delete a cell's note and its colour (Sheets: Delete note, Clear formatting)."""
    row, column = layout.parse_a1(cell)
    grid = {"sheetId": 1, "startRowIndex": row - 1, "endRowIndex": row, "startColumnIndex": column}
    grid["endColumnIndex"] = column + 1
    request = {"updateCells": {"range": grid, "rows": [{"values": [{}]}], "fields": "note,userEnteredFormat"}}
    w.book(kode).batch_update({"requests": [request]})


def remembered(w: SheetWorld, kode: str) -> tuple[str, ...]:
    with w.store.transaction() as tx:
        place = SheetMemory.from_json(tx.sheet_memory(2026, kode)).place
    assert place is not None
    return place.marked


def restarted(w: SheetWorld) -> WorkflowService:
    """A new service and Google edge on the same store: nothing of the old process is kept."""
    workbooks = GoogleWorkbooks(w.settings, master=w.master, policy=FAST, clock=lambda: NOW)
    service = WorkflowService(w.settings, w.store, workbooks, clock=lambda: NOW)
    service.start()
    return service


def test_error_marked_then_cleared_warning_marked_then_cleared_on_approval(
    make_world: Callable[..., SheetWorld],
) -> None:
    w = make_world()
    w.typed("PTK", R3, "dua puluh")
    w.set_status("PTK")
    w.poll()
    assert w.state("PTK") is BidangState.FILLING
    first = marks(w, "PTK")
    assert list(first) == [R3] and '"dua puluh" bukan angka' in first[R3]
    assert remembered(w, "PTK") == (R3,)

    # Fixed (the staff also cleared the mark by hand: the next read finds none there), with a
    # Bukti Dukung that is no link (a warning): submitted to the Kepala Bidang.
    clear_by_hand(w, "PTK", R3)
    w.typed("PTK", R3, "3")
    w.typed("PTK", BUKTI_4, "di lemari arsip")
    w.set_status("PTK")
    service = restarted(w)
    w.control.advance_clock(CHANGE_LAG + POLL_INTERVAL)
    service.poll_once()
    assert w.state("PTK") is BidangState.SUBMITTED
    second = marks(w, "PTK")
    assert list(second) == [BUKTI_4] and "bukan tautan" in second[BUKTI_4]
    # The store holds what the feedback left, not what the read before it found (R3).
    assert remembered(w, "PTK") == (BUKTI_4,)

    # Approved: the Catatan Validasi is cleared, and so is the warning's mark.
    restarted(w).approve_koreksi(w.actor(PTK_KEPALA), w.period_id, "PTK")
    assert w.state("PTK") is BidangState.APPROVED
    assert marks(w, "PTK") == {}
    assert remembered(w, "PTK") == ()
    values: list[list[Any]] = w.values("PTK")
    assert values[2][layout.REALISASI_HEADER.index(layout.col_realisasi(1))] == 3
    assert values[3][layout.REALISASI_HEADER.index(layout.COL_BUKTI)] == "di lemari arsip"
