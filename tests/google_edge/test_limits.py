"""The Google edge on Google's limits: request sizes, export size, the locale, a percent kept as a fraction.

Each against the sandbox with Google's behaviour on (``/_sandbox/google/limits`` switches the
undocumented ones both ways): writes that grow go in requests of at most 2 MB, checked by the
sizes the sandbox recorded; a bidang layout too large for one request is sent in parts and
finished after a crash; the Indonesian locale is set in its own request whether Google keeps,
renames or refuses ``id_ID``; the archive completes when Drive refuses to export the workbook.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from benchmarks.rekap import generated, snapshots_of
from bot.demo.provision import ARCHIVE_FOLDER, BOT_EMAIL
from sheets import layout
from sheets.facts import Feedback, FeedbackPlace, ProblemInfo, RekapData
from sheets.google.chunks import GOOGLE_MAX_REQUEST_BYTES, MAX_REQUEST_BYTES, json_size
from sheets.google.distribute import UNFINISHED, layout_batches
from sheets.google.drive import PDF_MIME, XLSX_MIME
from sheets.google.errors import RequestTooLarge
from sheets.google.rekap import build_rekap_sheets, rekap_value_batches
from tests.google_edge.conftest import KODES, Env, provisioned_env, workbook_state
from tests.google_edge.test_poll import col, staff_sheet, submit
from tests.google_edge.test_rekap import TZ, rekap_data

PTK_PERCENT_ROW = 9  # "Tingkat pengangguran terbuka", Satuan %, target 4,2


def limits(env: Env, **changes: Any) -> None:
    env.control("POST", "google/limits", changes)


def locale_of(env: Env, spreadsheet_id: str) -> str:
    body = env.person(BOT_EMAIL).http_client.spreadsheets_get(spreadsheet_id, params={"fields": "properties.locale"})
    return str(body["properties"]["locale"])


def largest_body(env: Env) -> int:
    return int(env.control("GET", "google/bodies")["largest"]["bytes"])


# --- the dinas rekap at 50 bidang x 400 indicators ---------------------------------------------------


@pytest.fixture(scope="module")
def office_rekap() -> Any:
    """The dinas workbook's grids for 50 bidang x 400 indicators at TW IV (generated once)."""
    master, tables, names = generated(50, 400, seed=3)
    return build_rekap_sheets(master, RekapData(snapshots=snapshots_of(tables, 4)), names, 4, TZ)


def test_a_large_office_rekap_goes_in_requests_google_takes(office_rekap: Any) -> None:
    """17 MB of values: one request would be refused (over 10 MB); every part is within 2 MB."""
    whole = {
        "valueInputOption": "RAW",
        "data": [{"range": f"'{t}'!A1", "values": g} for t, g in office_rekap.grids.items()],
    }
    assert json_size(whole) > GOOGLE_MAX_REQUEST_BYTES
    batches = rekap_value_batches(office_rekap)
    sizes = [json_size({"valueInputOption": "RAW", "data": data}) for data in batches]
    assert max(sizes) <= MAX_REQUEST_BYTES
    assert all(size > MAX_REQUEST_BYTES - 10_000 for size in sizes[:-1])  # packed full: as few requests as fit
    rows: dict[str, list[Any]] = {}
    for data in batches:
        for item in data:
            tab, _, start = item["range"].rpartition("!")
            assert start == f"A{len(rows.get(tab, [])) + 1}"  # each part starts where the last one ended
            rows.setdefault(tab, []).extend(item["values"])
    assert rows == {layout.quote_tab(tab): grid for tab, grid in office_rekap.grids.items()}


def test_a_body_google_would_refuse_is_translated(env: Env) -> None:
    limits(env, request_bytes=2000)
    wb = env.workbooks()
    book = wb.drive.create_spreadsheet("Uji", env.settings.google.root_folder_id, wb.drive.props(2026, "uji"))
    with pytest.raises(RequestTooLarge) as err:
        wb.sheets.values_update(book.id, [{"range": "A1", "values": [["x" * 3000]]}], "menulis uji")
    assert err.value.status == 400 and "10 MB" in err.value.penjelasan


# --- feedback on a big sheet ------------------------------------------------------------------------


def test_feedback_notes_go_in_requests_within_the_limit(env: Env) -> None:
    wb = env.workbooks(max_request_bytes=700)
    refs = wb.distribute(2026, 1, ["PTK"])
    rows = len(env.master.for_bidang("PTK"))
    problems = tuple(
        ProblemInfo(f"M{r}", layout.col_realisasi(1), r, f"Indikator {r}", "error", f"Catatan panjang {r} " + "x" * 150)
        for r in range(2, rows + 2)
    )
    place = FeedbackPlace(layout.REALISASI_HEADER.index(layout.COL_CATATAN_VALIDASI), 2, rows + 1)
    env.control("DELETE", "google/bodies")
    env.reset_stats()
    wb.write_feedback(
        2026, "PTK", 1, Feedback("Perlu perbaikan", "Ada kesalahan", problems, reset_submission=True, place=place)
    )
    methods = env.google_methods()
    assert set(methods) == {"sheets.spreadsheets.batchUpdate"} and methods["sheets.spreadsheets.batchUpdate"] >= 3
    assert largest_body(env) <= 700  # notes, marks and the Status row, cut into requests of 700 bytes
    notes = staff_sheet(env, refs, "PTK").col_values(place.column + 1)
    assert [f"Catatan panjang {r}" in notes[r - 1] for r in range(2, rows + 2)] == [True] * rows
    status = staff_sheet(env, refs, "PTK", layout.TAB_STATUS).row_values(layout.status_row(1))
    assert status[:4] == ["TW I", "Draft", "Perlu perbaikan", "Ada kesalahan"]


# --- a bidang layout too large for one request -------------------------------------------------------


def _layout_size(env: Env) -> int:
    plan = layout_batches(
        2026,
        "PTK",
        env.master.for_bidang("PTK"),
        open_tw=1,
        bot_email=BOT_EMAIL,
        time_zone="Asia/Jakarta",
        status_when="x",
        limit=10**9,
    )
    return json_size({"requests": plan.first})


def test_a_layout_over_the_limit_is_sent_in_parts_and_ends_as_one(env: Env, tmp_path: Path) -> None:
    whole = _layout_size(env)
    limit = whole * 2 // 3  # the structure fits, the rows do not
    wb = env.workbooks(max_request_bytes=limit)
    env.control("DELETE", "google/bodies")
    refs = wb.distribute(2026, 1, KODES)
    assert largest_body(env) <= limit
    with provisioned_env(tmp_path / "one-batch") as clean:
        clean.workbooks().distribute(2026, 1, KODES)
        assert workbook_state(env) == workbook_state(clean)
    # the staff type into the open TW as usual
    sheet = staff_sheet(env, refs, "PTK")
    sheet.update([[12]], f"{col(layout.col_realisasi(1))}2")


def test_a_layout_cut_short_is_locked_and_finished_by_the_next_distribution(env: Env) -> None:
    limit = _layout_size(env) * 2 // 3
    wb = env.workbooks(max_request_bytes=limit)
    bidang = env.settings.bidang_by_kode("PTK")
    # what a crash after the first part leaves: the structure, no rows, every cell locked, the mark
    file = wb.drive.create_spreadsheet(
        layout.judul_bidang(2026, bidang.nama), bidang.folder_id, wb.drive.props(2026, "bidang", kinerja_bidang="PTK")
    )
    plan = layout_batches(
        2026,
        bidang.nama,
        env.master.for_bidang("PTK"),
        open_tw=1,
        bot_email=wb.clients.account_email,
        time_zone=env.settings.zona_waktu,
        status_when="01-04-2026 08:00",
        limit=limit,
    )
    assert plan.in_parts
    wb.sheets.batch_update(file.id, plan.first, "menyusun")
    wb.drive.share(file, dict.fromkeys(bidang.editor, "writer"), wb.drive.permissions(file))
    staff = env.person(bidang.editor[0]).open_by_key(file.id).worksheet(layout.TAB_REALISASI)
    with pytest.raises(Exception, match="protected"):
        staff.update([[12]], f"{col(layout.col_realisasi(1))}2")
    assert len(staff.get_all_values()) == 1  # the header only
    # the next distribution (a restarted bot) finishes it
    env.workbooks(max_request_bytes=limit).distribute(2026, 1, ["PTK"])
    realisasi = staff.get_all_values()
    assert len(realisasi) == 1 + len(env.master.for_bidang("PTK"))
    staff.update([[12]], f"{col(layout.col_realisasi(1))}2")
    described = [p["description"] for f in env.files() if f["id"] == file.id for p in f["protectedRanges"]]
    assert described and not any(UNFINISHED in d for d in described)
    assert any("TW terbuka: TW I" in d for d in described)


# --- the locale ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "read_back", "locale_requests"),
    [("store_in_ID", "in_ID", 1), ("accept", "id_ID", 1), ("refuse", "in_ID", 2)],
    ids=["google-renames-to-in_ID", "google-keeps-id_ID", "google-refuses-id_ID"],
)
def test_workbooks_get_the_indonesian_locale_whatever_google_does_with_id_ID(
    env: Env, mode: str, read_back: str, locale_requests: int
) -> None:
    limits(env, id_ID=mode)
    wb = env.workbooks()
    env.reset_stats()
    refs = wb.distribute(2026, 1, KODES[:1])
    methods = env.google_methods()
    # the layout batch and the locale request(s): a refusal cost one more request, not the layout
    assert methods["sheets.spreadsheets.batchUpdate"] == 1 + locale_requests
    assert locale_of(env, refs[KODES[0]].spreadsheet_id) == read_back
    env.reset_stats()
    refs.update(wb.distribute(2026, 1, KODES[1:2]))  # the code Google took is sent first from now on
    assert env.google_methods()["sheets.spreadsheets.batchUpdate"] == 2
    rekap = wb.write_rekap(2026, 1, rekap_data(env.master))
    assert locale_of(env, rekap.spreadsheet_id) == read_back
    # the dinas workbook shows Indonesian numbers: 102,14 and 3.155.000.000, not 102.14 and 3,155,000,000
    shown = env.person(BOT_EMAIL).open_by_key(rekap.spreadsheet_id).worksheet("TW I").get_all_values()
    pagu = layout.REKAP_TW_COLUMNS.index(("pagu", "Pagu Anggaran (Rp)"))
    assert "." in shown[1][pagu] and "," not in shown[1][pagu]
    # a restarted bot reads either code back as Indonesian: nothing is set again
    env.reset_stats()
    again = env.workbooks()
    again.distribute(2026, 1, KODES[:2])
    again.write_rekap(2026, 1, rekap_data(env.master))
    assert env.google_methods()["sheets.spreadsheets.batchUpdate"] == 1  # the rekap's tabs only


def test_the_preferred_code_is_sent_first(env: Env) -> None:
    limits(env, id_ID="refuse")
    env.reset_stats()
    refs = env.workbooks(preferred_locale="in_ID").distribute(2026, 1, ["PTK"])
    assert env.google_methods()["sheets.spreadsheets.batchUpdate"] == 2  # layout + in_ID, nothing refused
    assert locale_of(env, refs["PTK"].spreadsheet_id) == "in_ID"


def test_a_workbook_left_in_another_locale_is_given_the_indonesian_one(env: Env) -> None:
    refs = env.workbooks().distribute(2026, 1, ["PTK"])
    sid = refs["PTK"].spreadsheet_id
    env.person(BOT_EMAIL).open_by_key(sid).update_locale("en_US")  # as an older version left it
    env.reset_stats()
    env.workbooks().distribute(2026, 1, ["PTK"])
    assert env.google_methods()["sheets.spreadsheets.batchUpdate"] == 1
    assert locale_of(env, sid) == "in_ID"


# --- a percent typed into a number column ----------------------------------------------------------------


@pytest.mark.parametrize(("mode", "warned"), [("replace", False), ("keep", True)], ids=["percent-format", "kept"])
def test_75_percent_kept_as_a_fraction_is_questioned_at_its_cell(env: Env, mode: str, warned: bool) -> None:
    from bot.workflow.intake import SubmissionReady

    limits(env, typed_format=mode)
    wb = env.poller()
    refs = dict(wb.distribute(2026, 1, ["PTK"]))
    cursor = wb.poll(None).cursor
    rows = len(env.master.for_bidang("PTK"))
    sheet = staff_sheet(env, refs, "PTK")
    typed = [[str(10 + n)] for n in range(1, rows + 1)]
    typed[PTK_PERCENT_ROW - 2] = ["75%"]
    realisasi = col(layout.col_realisasi(1))
    sheet.update(typed, f"{realisasi}2:{realisasi}{rows + 1}", value_input_option="USER_ENTERED")
    anggaran = col(layout.col_anggaran(1))
    sheet.update([["1.000.000"]] * rows, f"{anggaran}2:{anggaran}{rows + 1}", value_input_option="USER_ENTERED")
    submit(env, refs, "PTK", 1)
    ready = next(e for e in wb.poll(cursor).events if isinstance(e, SubmissionReady))
    assert ready.ok
    cell = f"{realisasi}{PTK_PERCENT_ROW}"
    questioned = [p for p in ready.problems if "apakah maksudnya 75%?" in p.message]
    assert [p.cell for p in questioned] == ([cell] if warned else [])
    if warned:
        wb.write_feedback("PTK", 1, Feedback("Menunggu koreksi", "", tuple(questioned), place=wb.place("PTK")))
        note = sheet.acell(f"{col(layout.COL_CATATAN_VALIDASI)}{PTK_PERCENT_ROW}").value
        assert "apakah maksudnya 75%?" in note


# --- the archive when Drive will not export the workbook ---------------------------------------------------


def test_archive_builds_the_xlsx_when_drive_refuses_to_export_it(env: Env) -> None:
    wb = env.workbooks()
    wb.write_rekap(2026, 2, rekap_data(env.master, tw=2))
    limits(env, export_bytes=1000)  # the exported workbook passes the limit
    laporan = b"%PDF-1.4\n% Laporan Kinerja TW II 2026\n%%EOF\n"
    archived = wb.archive(2026, 2, laporan)
    assert len(archived.file_ids) == 2
    assert len(archived.catatan) == 1 and "disusun Kinerja Bot" in archived.catatan[0]
    files = {f["id"]: f for f in env.files()}
    xlsx = next(files[i] for i in archived.file_ids if files[i]["mimeType"] == XLSX_MIME)
    assert xlsx["appProperties"]["kinerja_sumber"] == "susun" and xlsx["parents"] == [ARCHIVE_FOLDER]
    drive = env.admin_drive()
    meta = drive.files().get(fileId=xlsx["id"], fields="description", supportsAllDrives=True).execute()
    assert "10 MB" in meta["description"]
    content = drive.files().get_media(fileId=xlsx["id"], supportsAllDrives=True).execute()
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == list(layout.DINAS_TABS)
    tw2 = list(book["TW II"].iter_rows(values_only=True))
    assert list(tw2[0]) == [label for _, label in layout.REKAP_TW_COLUMNS]
    assert len(tw2) == 1 + len(env.master)
    assert book["TW II"]["A1"].font.bold and book["TW II"].freeze_panes == "A2"
    # archiving again (a retry) uploads nothing; the report PDF went as it is
    assert env.workbooks().archive(2026, 2, laporan).file_ids == archived.file_ids
    pdf = next(i for i in archived.file_ids if files[i]["mimeType"] == PDF_MIME)
    assert drive.files().get_media(fileId=pdf, supportsAllDrives=True).execute() == laporan


def test_archive_without_the_report_document_leaves_the_pdf_out_and_says_so(env: Env) -> None:
    wb = env.workbooks()
    wb.write_rekap(2026, 1, rekap_data(env.master))
    limits(env, export_bytes=1000)
    archived = wb.archive(2026, 1)
    assert len(archived.file_ids) == 1  # the xlsx, built here
    assert len(archived.catatan) == 2 and "PDF" in archived.catatan[0]
    assert json.dumps(archived.catatan, ensure_ascii=False).count("10 MB") == 2
