"""The dinas workbook: constant request count whatever the rows, chart and colours, archive, readable Riwayat."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sheets import layout
from sheets.facts import AuditEntry, RekapData, RekomendasiData, SnapshotData, TindakLanjutData
from sheets.google.chunks import MAX_REQUEST_BYTES
from sheets.google.drive import PDF_MIME, XLSX_MIME
from sheets.google.sharing import rekap_access
from sheets.master import MASTER_COLUMNS, Master, parse_master
from tests.google_edge.conftest import BOT_EMAIL, KODES, Env

TZ = ZoneInfo("Asia/Jakarta")


def big_master(rows: int) -> Master:
    """``rows`` indicators spread over the four bidang."""
    lines = [list(MASTER_COLUMNS)]
    for n in range(rows):
        kode = KODES[n % len(KODES)]
        lines.append(
            [
                kode,
                f"1.{n:05d}",
                "Program Uji",
                f"Indikator uji {n}",
                "%" if n % 7 == 0 else "orang",
                "Negatif" if n % 5 == 0 else "Positif",
                ("Kumulatif", "Nilai Akhir", "Rata-rata")[n % 3],
                "100",
                "25",
                "50",
                "75",
                "100",
                "1000000",
            ]
        )
    return parse_master(lines, "uji")


def rekap_data(master: Master, tw: int = 1) -> RekapData:
    snapshots = []
    for kode in KODES:
        entries = {
            item.key: {"realisasi": float(20 + i % 10), "anggaran": 200_000.0, "kendala": "", "bukti": ""}
            for i, item in enumerate(master.for_bidang(kode))
        }
        for k in range(1, tw + 1):
            values = {"tw": k, "indikator": entries}
            snapshots.append(SnapshotData(kode, k, values, ""))
    at = datetime(2026, 4, 10, 9, 0, tzinfo=TZ)
    return RekapData(
        snapshots=tuple(snapshots),
        catatan_analisis="Capaian umumnya baik.",
        rekomendasi=(
            RekomendasiData(tw, None, "Percepat penyerapan anggaran.", at),
            RekomendasiData(tw, "PTK", "Perluas job fair.", at),
        ),
        tindak_lanjut=(TindakLanjutData(tw, "PTK", "Job fair dijadwalkan Mei.", at + timedelta(days=1)),),
        riwayat=(
            AuditEntry(3, "kepala_bidang", "Agus Priyono", "koreksi_disetujui", "PTK", at, 420.0, 600.0, True, None),
        ),
    )


def test_rekap_structure_is_one_request_and_values_go_in_2_mb_requests(env: Env) -> None:
    """One batchUpdate for the tabs whatever the rows; the values in as few requests of <= 2 MB as fit."""
    master = big_master(10)
    wb = env.workbooks(master=master)
    wb.drive.start_page_token()
    env.reset_stats()
    wb.write_rekap(2026, 1, rekap_data(master))
    cold = env.google_methods()
    env.reset_stats()
    wb.write_rekap(2026, 1, rekap_data(master))
    warm = env.google_methods()
    assert warm == {"sheets.spreadsheets.batchUpdate": 1, "sheets.spreadsheets.values.batchUpdate": 1}
    # the first time: found or created, the Indonesian locale in a request of its own, and shared
    # once per process: its permissions listed (a Shared Drive item carries none), the officials
    # and the Kepala Bidang of the settings added
    readers = len(rekap_access(env.settings))
    assert readers == 6
    assert cold == {
        "drive.files.list": 1,
        "drive.files.create": 1,
        "drive.permissions.list": 1,
        "drive.permissions.create": readers,
        **warm,
        "sheets.spreadsheets.batchUpdate": 2,
    }
    # a restarted bot: find + its permissions (nobody missing) + read tab ids (and the locale,
    # Indonesian already) + the same two writes
    env.reset_stats()
    env.workbooks(master=master).write_rekap(2026, 1, rekap_data(master))
    assert env.google_total() == 5
    # 12,000 indicator rows: the values pass 2 MB and go in two requests, each within it
    large = big_master(12_000)
    env.control("DELETE", "google/bodies")
    env.reset_stats()
    ref = env.workbooks(master=large).write_rekap(2027, 1, rekap_data(large))
    assert ref.summary["dinas"]["jumlah_indikator"] == 12_000
    methods = env.google_methods()
    assert methods["sheets.spreadsheets.batchUpdate"] == 2  # the locale and the tabs, as for 10 rows
    assert methods["sheets.spreadsheets.values.batchUpdate"] == 2
    bodies = env.control("GET", "google/bodies")
    written = bodies["methods"]["sheets.spreadsheets.values.batchUpdate"]
    assert written["max_bytes"] <= MAX_REQUEST_BYTES < written["total_bytes"]
    assert bodies["largest"]["bytes"] <= MAX_REQUEST_BYTES
    names = env.person(BOT_EMAIL).open_by_key(ref.spreadsheet_id).worksheet("TW I").col_values(5)
    assert len(names) == 1 + 12_000 and len(set(names[1:])) == 12_000  # every row once: no part lost or doubled


def test_rekap_tabs_chart_colours_and_archive(env: Env) -> None:
    wb = env.workbooks()
    ref = wb.write_rekap(2026, 2, rekap_data(env.master, tw=2))
    admin = env.person(BOT_EMAIL)
    meta = admin.http_client.spreadsheets_get(
        ref.spreadsheet_id,
        params={
            "fields": "properties(title),sheets(properties(title,gridProperties),charts(chartId),conditionalFormats)"
        },
    )
    assert meta["properties"]["title"] == layout.judul_dinas(2026, env.settings.dinas.nama)
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    assert titles == list(layout.DINAS_TABS)
    ringkasan = meta["sheets"][0]
    assert len(ringkasan.get("charts", [])) == 1
    assert ringkasan["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert len(meta["sheets"][1].get("conditionalFormats", [])) == 5
    book = admin.open_by_key(ref.spreadsheet_id)
    tw1 = book.worksheet("TW I").get_all_values()
    assert tw1[0] == [label for _, label in layout.REKAP_TW_COLUMNS]
    assert len(tw1) == 1 + len(env.master)
    assert book.worksheet("TW III").acell("A2").value == "TW III belum direkap."
    rekomendasi = book.worksheet(layout.TAB_REKOMENDASI).get_all_values()
    assert ["TW II", env.settings.bidang_by_kode("PTK").nama, "Perluas job fair."] == rekomendasi[2][:3]
    assert rekomendasi[2][4] == "Job fair dijadwalkan Mei."
    assert set(ref.summary["bidang"]) == set(KODES)
    # rewriting replaces the tabs: still one chart, no duplicated rules
    wb.write_rekap(2026, 2, rekap_data(env.master, tw=2))
    meta = admin.http_client.spreadsheets_get(
        ref.spreadsheet_id, params={"fields": "sheets(properties(title),charts(chartId),conditionalFormats)"}
    )
    assert len(meta["sheets"]) == len(layout.DINAS_TABS)
    assert len(meta["sheets"][0].get("charts", [])) == 1
    # archive: PDF and xlsx in the archive folder, once
    archived = wb.archive(2026, 2)
    again = env.workbooks().archive(2026, 2)
    assert again.file_ids == archived.file_ids
    files = {f["id"]: f for f in env.files()}
    assert sorted(files[i]["mimeType"] for i in archived.file_ids) == sorted([PDF_MIME, XLSX_MIME])
    assert all(files[i]["parents"] == ["folder-arsip"] for i in archived.file_ids)
    content = env.admin_drive().files().get_media(fileId=archived.file_ids[0], supportsAllDrives=True).execute()
    assert content.startswith(b"%PDF")


def test_the_riwayat_tab_names_events_and_actors_as_people_read_them(env: Env) -> None:
    """No event code (``setujui_distribusi``) and no role code (``(kasubbag_kpep)``, ``(system)``) in
    the Riwayat tab: the labels of sheets.riwayat, the ones the demo's timeline shows too."""
    at = datetime(2026, 4, 6, 8, 0, tzinfo=TZ)
    riwayat = (
        AuditEntry(
            1, "sekretaris", "Sri Wahyuni, S.Sos., M.Si.", "setujui_distribusi", None, at, 300.0, 900.0, True, None
        ),
        AuditEntry(
            2, "staf", "Staf Sekretariat (melalui Google Sheets)", "nilai_berubah", "SEK", at, None, None, None, None
        ),
        AuditEntry(
            2, "system", "Kinerja Bot", "pengajuan_tidak_valid", "PTK", at + timedelta(hours=2), None, None, None, None
        ),
        AuditEntry(
            2,
            "staf",
            "Staf Sekretariat (lewat Google Sheets)",
            "ajukan",
            "SEK",
            at + timedelta(hours=3),
            None,
            None,
            None,
            None,
        ),
        AuditEntry(
            4,
            "kasubbag_kpep",
            "Bambang Setiawan, S.E.",
            "kirim_ke_sekretaris",
            None,
            at + timedelta(days=1),
            None,
            None,
            None,
            None,
        ),
    )
    data = dataclasses.replace(rekap_data(env.master), riwayat=riwayat)
    ref = env.workbooks().write_rekap(2026, 1, data)
    rows = env.person(BOT_EMAIL).open_by_key(ref.spreadsheet_id).worksheet(layout.TAB_RIWAYAT).get_all_values()
    header = rows[0]
    kegiatan, pelaku, selesai = (
        header.index(dict(layout.RIWAYAT_COLUMNS)[k]) for k in ("kegiatan", "pelaku", "selesai")
    )
    assert [(r[kegiatan], r[pelaku]) for r in rows[1:]] == [
        ("Menyetujui pembagian format", "Sekretaris (Sri Wahyuni, S.Sos., M.Si.)"),
        ("Menolak pengajuan: isian belum benar", "Kinerja Bot"),
        ("Mengajukan laporan bidang", "Staf (melalui Google Sheets)"),
        ("Mengirim laporan kepada Sekretaris", "Kasubbag KPEP (Bambang Setiawan, S.E.)"),
    ]
    assert rows[1][selesai] == "06-04-2026 08.00"  # EYD: a dot between hours and minutes
    assert not any(re.search(r"[a-z]_[a-z]|\(system\)|lewat", cell) for row in rows for cell in row), rows


def test_archive_without_rekap_is_a_clear_error(env: Env) -> None:
    from sheets.google.errors import NotFound

    with pytest.raises(NotFound) as err:
        env.workbooks().archive(2026, 1)
    assert "rekap" in err.value.penjelasan


def test_archive_uploads_the_report_document_as_it_is(env: Env) -> None:
    """The PDF copy is the bot's own Laporan Kinerja, uploaded (no export, no 10 MB export limit)."""
    wb = env.workbooks()
    wb.write_rekap(2026, 1, rekap_data(env.master))
    laporan = b"%PDF-1.4\n% Laporan Kinerja TW I 2026\n" + b"x" * 2048 + b"\n%%EOF\n"
    env.reset_stats()
    archived = wb.archive(2026, 1, laporan)
    methods = env.google_methods()
    assert "drive.files.export" in methods and methods["drive.files.export"] == 1  # the xlsx only
    files = {f["id"]: f for f in env.files()}
    pdf = next(i for i in archived.file_ids if files[i]["mimeType"] == PDF_MIME)
    assert files[pdf]["name"] == "laporan-2026-TW1.pdf"
    assert env.admin_drive().files().get_media(fileId=pdf, supportsAllDrives=True).execute() == laporan
    # archiving again (a retry after a crash) uploads nothing new
    assert env.workbooks().archive(2026, 1, laporan).file_ids == archived.file_ids
