"""``read_submission`` (``/kirim``): one read of the workbook, the poll's verdict for "Siap Dikoreksi"."""

from __future__ import annotations

import pytest

from bot.workflow.intake import SubmissionReady
from bot.workflow.ports import WorkbookPort
from sheets import layout
from sheets.google.errors import NotFound
from sheets.google.workbooks import GoogleWorkbooks
from sheets.snapshot import snapshot_hash
from tests.google_edge.conftest import Env, IntakePoller
from tests.google_edge.test_poll import col, distributed, fill, staff_sheet, submit

__all__ = ["distributed"]  # the fixture, shared with the poll tests


def test_is_a_workbook_port(env: Env) -> None:
    assert isinstance(env.workbooks(), WorkbookPort)


@pytest.mark.parametrize("bad", [None, "dua puluh"], ids=["valid", "text-in-realisasi"])
def test_read_submission_validates_now_with_one_read(env: Env, distributed: tuple, bad: str | None) -> None:
    wb, refs, cursor = distributed
    fill(env, refs, "PTK", 1)
    cell = f"{col(layout.col_realisasi(1))}3"
    if bad is not None:
        staff_sheet(env, refs, "PTK").update([[bad]], cell, value_input_option="USER_ENTERED")
    env.reset_stats()
    ready = wb.read_submission("PTK", 1)
    assert env.google_methods() == {"sheets.spreadsheets.get": 1}
    assert ready.bidang == "PTK" and ready.tw == 1
    assert ready.values_hash == snapshot_hash(ready.values)
    assert ready.ok is (bad is None)
    errors = [p.cell for p in ready.problems if p.severity == "error"]
    assert errors == ([] if bad is None else [cell])
    # the very verdict the poll gives when the staff sets "Siap Dikoreksi" on the same data
    polled = IntakePoller(GoogleWorkbooks(env.settings, master=env.master, clients=wb.clients))
    start = polled.poll(None).cursor
    submit(env, refs, "PTK", 1)
    event = next(e for e in polled.poll(start).events if isinstance(e, SubmissionReady))
    assert (event.ok, event.problems, event.values_hash, event.summary) == (
        ready.ok,
        ready.problems,
        ready.values_hash,
        ready.summary,
    )
    # and the intake that read it does not report the same valid submission again; a refused one
    # (reset to Draft by the workflow) set to "Siap Dikoreksi" again is read and answered again
    again = [e for e in wb.poll(cursor).events if isinstance(e, SubmissionReady)]
    assert [e.values_hash for e in again] == ([] if ready.ok else [ready.values_hash])


def test_read_submission_after_restart_finds_the_workbook(env: Env, distributed: tuple) -> None:
    _, refs, _ = distributed
    fill(env, refs, "LAT", 1)
    restarted = env.poller()
    env.reset_stats()
    ready = restarted.read_submission("LAT", 1)
    assert ready.ok
    methods = {k: v for k, v in env.google_methods().items() if k != "oauth2.token"}
    assert methods == {"drive.files.list": 1, "sheets.spreadsheets.get": 1}


def test_read_submission_without_workbook_is_explained(env: Env) -> None:
    with pytest.raises(NotFound) as err:
        env.poller().read_submission("SEK", 1)
    assert "pembagian format" in err.value.penjelasan
