"""The year (the dinas workbook's ``Tahunan`` tab) against figures computed by hand (tests/year/data.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from sheets import layout
from sheets.aggregate import Rekap, build_rekap, rows_for_sheet, tables_from_snapshots
from sheets.master import Master
from tests.year import data

NAMES = {"SEK": "Sekretariat", "PTK": "Bidang Penempatan"}


@dataclass(frozen=True)
class Snap:
    bidang: str
    tw: int
    values: dict[str, Any]


@cache
def rekap_up_to(tw: int) -> Rekap:
    snapshots = [Snap(kode, k, data.snapshot_values(kode, k)) for kode in NAMES for k in range(1, tw + 1)]
    return build_rekap(data.master(), tables_from_snapshots(snapshots), NAMES, tw)


def close(actual: Any, expected: float | None) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return actual == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("tw", [1, 2, 3, 4], ids=["tw1", "tw2", "tw3", "tw4"])
def test_each_tw_carries_the_earlier_ones_by_jenis(tw: int) -> None:
    frame = rekap_up_to(tw).per_tw[tw]
    expected = [value for kode in NAMES for row in data.CAPAIAN_TW[kode] for value in [row[tw - 1]]]
    assert [close(a, e) for a, e in zip(frame["capaian"], expected, strict=True)] == [True] * 6


def test_no_tahunan_before_tw_iv() -> None:
    assert rekap_up_to(3).tahunan is None


def test_the_year_per_indicator() -> None:
    tahunan = rekap_up_to(4).tahunan
    assert tahunan is not None
    rows = tahunan.indikator.to_dict("records")
    expected = [(kode, i, row) for kode in NAMES for i, row in enumerate(data.TAHUNAN[kode])]
    assert len(rows) == len(expected)
    for actual, (kode, i, (realisasi, capaian, predikat, anggaran, serapan)) in zip(rows, expected, strict=True):
        assert actual["kode_bidang"] == kode
        assert close(actual["realisasi_tahunan"], realisasi), actual
        assert close(actual["capaian"], capaian), actual
        assert actual["predikat"] == predikat
        assert close(actual["anggaran_kumulatif"], anggaran), actual
        assert close(actual["serapan"], serapan), actual
        trend = [actual[f"capaian_tw{k}"] for k in (1, 2, 3, 4)]
        assert all(close(a, e) for a, e in zip(trend, data.CAPAIAN_TW[kode][i], strict=True)), (kode, i, trend)


@pytest.mark.parametrize("kode", ["SEK", "PTK"])
def test_the_year_per_bidang(kode: str) -> None:
    tahunan = rekap_up_to(4).tahunan
    assert tahunan is not None
    [row] = tahunan.bidang[tahunan.bidang["kode_bidang"] == kode].to_dict("records")
    capaian, predikat, counts, pagu, anggaran, serapan, trend = data.BIDANG[kode]
    assert close(row["rata_rata_capaian"], capaian) and row["predikat"] == predikat
    labels = ("sangat_tinggi", "tinggi", "sedang", "rendah", "sangat_rendah")
    assert tuple(row[label] for label in labels) == counts
    assert close(row["pagu"], pagu) and close(row["anggaran_kumulatif"], anggaran) and close(row["serapan"], serapan)
    assert all(close(row[f"capaian_tw{k}"], trend[k - 1]) for k in (1, 2, 3, 4)), row


def test_the_year_for_the_dinas() -> None:
    tahunan = rekap_up_to(4).tahunan
    assert tahunan is not None
    [row] = tahunan.dinas.to_dict("records")
    assert row["bidang"] == layout.SELURUH_DINAS
    assert close(row["rata_rata_capaian"], data.DINAS_TAHUNAN) and row["predikat"] == "Sangat Tinggi"
    assert (row["jumlah_indikator"], row["indikator_dinilai"]) == (6, 6)
    assert close(row["serapan"], data.DINAS_SERAPAN)
    assert all(close(row[f"capaian_tw{k}"], data.DINAS_TREN[k - 1]) for k in (1, 2, 3, 4)), row


def test_the_two_tables_share_their_number_columns() -> None:
    """One number format per column serves both tables of the Tahunan tab."""
    indikator = [name for name, _ in layout.TAHUNAN_INDIKATOR_COLUMNS]
    bidang = [name for name, _ in layout.TAHUNAN_BIDANG_COLUMNS]
    assert len(indikator) == len(bidang)
    shared = ("capaian", "predikat", "pagu", "anggaran_kumulatif", "serapan", "capaian_tw1", "capaian_tw4")
    for name in shared:
        other = "rata_rata_capaian" if name == "capaian" else name
        assert indikator.index(name) == bidang.index(other), name


def test_sheet_rows_of_the_bidang_table_leave_the_spare_column_empty() -> None:
    tahunan = rekap_up_to(4).tahunan
    assert tahunan is not None
    header, *rows = rows_for_sheet(tahunan.bidang, layout.TAHUNAN_BIDANG_COLUMNS)
    spare = [name for name, _ in layout.TAHUNAN_BIDANG_COLUMNS].index("")
    assert header[spare] == "" and all(row[spare] == "" for row in rows)
    assert header[1] == "Bidang" and [row[0] for row in rows] == ["SEK", "PTK"]


def test_the_tw_iv_report_document_holds_the_year() -> None:
    """The Laporan Kinerja of TW IV has the year per bidang and for the dinas; TW I's has not."""
    from dataclasses import replace

    from sheets.laporan import Snapshot, build_laporan, rekap_dari_snapshot
    from tests.domain.test_laporan import flat, laporan_input, pages_text

    snapshots = [Snapshot(kode, k, data.snapshot_values(kode, k)) for kode in NAMES for k in (1, 2, 3, 4)]
    base = laporan_input(data.master(), NAMES)
    year = replace(base, tw=4, rekap=rekap_dari_snapshot(data.master(), snapshots, NAMES, 4), rekomendasi=())
    text = flat(" ".join(pages_text(build_laporan(year))))
    assert "CAPAIAN KINERJA TAHUN 2026" in text
    # SEK: 110,00% Sangat Tinggi, serapan 90,00%, trend 90,00 / 97,73 / 96,67 / 110,00.
    assert "Sekretariat (SEK) 2 2 110,00 Sangat Tinggi 1.000.000 900.000 90,00 90,00 97,73 96,67 110,00" in text
    assert "Bidang Penempatan (PTK) 4 4 95,00 Sangat Tinggi 700.000 600.000 85,71 86,25 96,25" in text
    assert f"{layout.SELURUH_DINAS} 6 6 100,00 Sangat Tinggi" in text
    assert "CAPAIAN KINERJA TAHUN" not in flat(" ".join(pages_text(build_laporan(base))))


def test_the_trend_follows_each_indicator_across_an_apbd_perubahan() -> None:
    """From TW III the year is measured against a revision that drops SEK 1.02: the year keeps the
    revised list's indicators, and each one's TW I and II capaian is its own, not its row's neighbour's."""
    murni = data.master()
    revised = Master(tuple(i for i in murni.indikator if (i.bidang, i.kode) != ("SEK", "1.02")), "revisi")
    snapshots = [Snap(kode, k, data.snapshot_values(kode, k)) for kode in NAMES for k in range(1, 5)]
    masters = {1: murni, 2: murni, 3: revised, 4: revised}
    tahunan = build_rekap(murni, tables_from_snapshots(snapshots), NAMES, 4, masters=masters).tahunan
    plain = rekap_up_to(4).tahunan
    assert tahunan is not None and plain is not None
    rows = tahunan.indikator.set_index(["kode_bidang", "kode"])
    before = plain.indikator.set_index(["kode_bidang", "kode"])
    assert ("SEK", "1.02") not in rows.index and len(rows) == len(before) - 1
    for key in rows.index:
        for k in (1, 2, 3, 4):
            assert close(rows.loc[key, f"capaian_tw{k}"], before.loc[key, f"capaian_tw{k}"]), (key, k)
