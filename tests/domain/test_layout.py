"""The workbook layout: exact labels, TW ranges, A1 helpers, the initial grids."""

from __future__ import annotations

import pytest

from sheets import layout
from sheets.master import Master

EXPECTED_HEADER = [
    "No",
    "Kode",
    "Program/Kegiatan/Sub Kegiatan",
    "Indikator Kinerja",
    "Satuan",
    "Polaritas",
    "Jenis Indikator",
    "Target Tahunan",
    "Target TW I",
    "Target TW II",
    "Target TW III",
    "Target TW IV",
    "Realisasi TW I",
    "Realisasi TW II",
    "Realisasi TW III",
    "Realisasi TW IV",
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran TW I (Rp)",
    "Realisasi Anggaran TW II (Rp)",
    "Realisasi Anggaran TW III (Rp)",
    "Realisasi Anggaran TW IV (Rp)",
    "Kendala/Keterangan",
    "Bukti Dukung (tautan)",
    "Catatan Validasi",
]


def test_realisasi_header_is_exactly_the_design() -> None:
    assert list(layout.REALISASI_HEADER) == EXPECTED_HEADER
    assert len(layout.REALISASI_HEADER) == 24


def test_tabs_and_titles() -> None:
    assert layout.BIDANG_TABS == ("Petunjuk", "Realisasi", "Status")
    assert layout.DINAS_TABS == ("Ringkasan", "TW I", "TW II", "TW III", "TW IV", "Rekomendasi", "Riwayat")
    assert layout.STATUS_HEADER == ("Triwulan", "Status Pengisian", "Status Alur", "Catatan", "Diperbarui")
    assert layout.STATUS_PENGISIAN_OPTIONS == ("Draft", "Siap Dikoreksi")
    assert layout.judul_bidang(2025, "Sekretariat") == "Laporan Kinerja 2025 - Sekretariat"
    assert layout.judul_dinas(2025, "Dinas Tenaga Kerja") == "Rekap Laporan Kinerja 2025 - Dinas Tenaga Kerja"


@pytest.mark.parametrize(
    ("tw", "expected"),
    [
        (
            1,
            ("Realisasi TW I", "Realisasi Anggaran TW I (Rp)", "Kendala/Keterangan", "Bukti Dukung (tautan)"),
        ),
        (
            4,
            (
                "Realisasi TW IV",
                "Realisasi Anggaran TW IV (Rp)",
                "Kendala/Keterangan",
                "Bukti Dukung (tautan)",
            ),
        ),
    ],
    ids=["tw1", "tw4"],
)
def test_editable_columns(tw: int, expected: tuple[str, ...]) -> None:
    assert layout.editable_columns(tw) == expected
    assert all(label in layout.REALISASI_HEADER for label in expected)


def test_editable_ranges_and_status_cell() -> None:
    assert layout.editable_ranges(2, 2, 9) == [
        "'Realisasi'!N2:N9",
        "'Realisasi'!S2:S9",
        "'Realisasi'!V2:V9",
        "'Realisasi'!W2:W9",
        "'Status'!B3",
    ]
    assert layout.status_pengisian_cell(4) == "'Status'!B5"


def test_numeric_columns() -> None:
    assert len(layout.NUMERIC_COLUMNS) == 14
    assert "Kendala/Keterangan" not in layout.NUMERIC_COLUMNS
    assert set(layout.NUMERIC_COLUMNS) <= set(layout.REALISASI_HEADER)


@pytest.mark.parametrize(
    ("col", "letters"),
    [(0, "A"), (13, "N"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")],
)
def test_column_letter(col: int, letters: str) -> None:
    assert layout.column_letter(col) == letters


def test_column_range_uses_labels_not_positions() -> None:
    moved = ["Judul", *layout.REALISASI_HEADER]  # a column inserted on the left
    assert layout.column_range("Realisasi", 3, "Realisasi TW II", header=moved) == "'Realisasi'!O4:O"
    assert layout.column_range("TW I", 1, "Kode", 2, 10) == "'TW I'!B2:B10"
    assert layout.quote_tab("Bu'Tab") == "'Bu''Tab'"
    with pytest.raises(layout.LayoutError):
        layout.column_range("Realisasi", 1, "Tidak Ada")
    with pytest.raises(layout.LayoutError):
        layout.column_range("Realisasi", 1, "Kode", 5, 3)


@pytest.mark.parametrize(
    ("text", "tw"),
    [
        ("TW I", 1),
        ("tw ii", 2),
        ("Triwulan 3", 3),
        ("TW-IV", 4),
        (2, 2),
        ("TW V", None),
        ("", None),
        (True, None),
    ],
)
def test_tw_from_label(text: object, tw: int | None) -> None:
    assert layout.tw_from_label(text) == tw


def test_initial_grid_fills_master_fields(demo_master: Master) -> None:
    grid = layout.initial_realisasi_grid(demo_master.for_bidang("PTK"))
    assert grid[0] == list(layout.REALISASI_HEADER)
    assert len(grid) == 1 + len(demo_master.for_bidang("PTK"))
    row = dict(zip(layout.REALISASI_HEADER, grid[2], strict=True))
    assert row["No"] == 2
    assert row["Kode"] == "2.07.04.2.01.0001"
    assert row["Indikator Kinerja"] == "Jumlah pencari kerja yang ditempatkan"
    assert row["Polaritas"] == "Positif" and row["Jenis Indikator"] == "Kumulatif"
    assert (row["Target Tahunan"], row["Target TW II"], row["Pagu Anggaran (Rp)"]) == (1200, 600, 175000000)
    assert row["Realisasi TW I"] == "" and row["Catatan Validasi"] == ""
    decimal = dict(zip(layout.REALISASI_HEADER, grid[-1], strict=True))
    assert decimal["Target Tahunan"] == 4.2


def test_status_grid_and_petunjuk() -> None:
    grid = layout.initial_status_grid()
    assert grid[0] == list(layout.STATUS_HEADER)
    assert [row[0] for row in grid[1:]] == ["TW I", "TW II", "TW III", "TW IV"]
    assert all(row[1] == "Draft" for row in grid[1:])
    rows = layout.petunjuk_rows(2025, "Sekretariat")
    assert rows[0] == ["Laporan Kinerja 2025 - Sekretariat"]
    text = " ".join(row[0] for row in rows)
    assert "Siap Dikoreksi" in text and "Realisasi" in text
    assert "Setelah disetujui Kepala Bidang" in text


def test_the_petunjuk_names_who_corrects() -> None:
    """The Sekretariat's report is corrected by the Sekretaris: its Petunjuk says so."""
    text = " ".join(row[0] for row in layout.petunjuk_rows(2025, "Sekretariat", "Sekretaris"))
    assert "Setelah disetujui Sekretaris" in text and "akan dibaca Sekretaris" in text
    assert "Kepala Bidang" not in text


def test_dinas_column_labels_are_unique_per_tab() -> None:
    for columns in (layout.REKAP_TW_COLUMNS, layout.RINGKASAN_COLUMNS, layout.RIWAYAT_COLUMNS):
        names = [name for name, _ in columns]
        labels = [label for _, label in columns]
        assert len(set(names)) == len(names) and len(set(labels)) == len(labels)
    labels = layout.label_map()
    # one frame column name never means two different labels across tabs
    for columns in (layout.REKAP_TW_COLUMNS, layout.RINGKASAN_COLUMNS, layout.REKOMENDASI_COLUMNS):
        for name, label in columns:
            assert labels[name] == label
