"""The dinas rekap: literal frames in, literal frames out; and a sanity bound on its speed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sheets import layout
from sheets.aggregate import (
    build_rekap,
    build_rekap_from_snapshots,
    indicator_frame,
    rows_for_sheet,
    tables_from_snapshots,
)
from sheets.capaian import Jenis, Polaritas
from sheets.facts import SnapshotData
from sheets.master import MASTER_COLUMNS, Indikator, Master, indikator_key, parse_master

NAN = np.nan
MASTER_ROWS = [
    list(MASTER_COLUMNS),
    ["A", "K1", "Prog 1", "Ind 1", "Orang", "Positif", "Kumulatif", 100, 25, 50, 75, 100, 1000],
    ["A", "K1", "Prog 1", "Ind 2", "%", "Negatif", "Nilai Akhir", 10, 10, 10, 10, 10, 0],
    ["B", "K2", "Prog 2", "Ind 3", "Dokumen", "Positif", "Rata-rata", 80, "", "", "", "", 500],
]
NAMES = {"A": "Bidang A", "B": "Bidang B"}


@pytest.fixture
def small_master() -> Master:
    return parse_master(MASTER_ROWS, "uji")


def table(rows: list[tuple]) -> pd.DataFrame:
    """A typed table with only the columns the rekap reads."""
    return pd.DataFrame(
        rows,
        columns=[
            "key",
            "realisasi_tw1",
            "realisasi_tw2",
            "anggaran_tw1",
            "anggaran_tw2",
            "kendala_tw1",
            "kendala_tw2",
        ],
    ).astype({"key": "str", "kendala_tw1": "str", "kendala_tw2": "str"})


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return {
        "A": table(
            [
                (indikator_key("K1", "Ind 1"), 20.0, 30.0, 100.0, 200.0, "k1a", "k2a"),
                (indikator_key("K1", "Ind 2"), 12.0, 8.0, NAN, NAN, None, None),
            ]
        ),
        "B": table([(indikator_key("K2", "Ind 3"), 60.0, 100.0, 250.0, NAN, None, None)]),
    }


def expected_tw(values: dict[str, list]) -> pd.DataFrame:
    fixed = {
        "kode_bidang": ["A", "A", "B"],
        "bidang": ["Bidang A", "Bidang A", "Bidang B"],
        "kode": ["K1", "K1", "K2"],
        "program": ["Prog 1", "Prog 1", "Prog 2"],
        "indikator": ["Ind 1", "Ind 2", "Ind 3"],
        "satuan": ["Orang", "%", "Dokumen"],
        "polaritas": ["Positif", "Negatif", "Positif"],
        "jenis": ["Kumulatif", "Nilai Akhir", "Rata-rata"],
        "pagu": [1000.0, 0.0, 500.0],
    }
    frame = pd.DataFrame({**fixed, **values})
    text = [
        "kode_bidang",
        "bidang",
        "kode",
        "program",
        "indikator",
        "satuan",
        "polaritas",
        "jenis",
        "predikat",
        "catatan_capaian",
        "kendala",
    ]
    frame = frame.astype({column: "str" for column in text})
    return frame[[name for name, _ in layout.REKAP_TW_COLUMNS]]


def test_per_tw_frames(small_master: Master, tables: dict[str, pd.DataFrame]) -> None:
    rekap = build_rekap(small_master, tables, NAMES, 2)
    assert sorted(rekap.per_tw) == [1, 2]
    tw1 = expected_tw(
        {
            "target": [25.0, 10.0, 80.0],
            "realisasi_periode": [20.0, 12.0, 60.0],
            "realisasi_kumulatif": [20.0, 12.0, 60.0],
            "capaian": [80.0, 80.0, 75.0],
            "predikat": ["Tinggi", "Tinggi", "Sedang"],
            "catatan_capaian": [NAN, NAN, NAN],
            "anggaran_periode": [100.0, NAN, 250.0],
            "anggaran_kumulatif": [100.0, NAN, 250.0],
            "serapan": [10.0, NAN, 50.0],
            "kendala": ["k1a", NAN, NAN],
        }
    )
    pd.testing.assert_frame_equal(rekap.per_tw[1], tw1)
    tw2 = expected_tw(
        {
            "target": [50.0, 10.0, 80.0],
            "realisasi_periode": [30.0, 8.0, 100.0],
            "realisasi_kumulatif": [50.0, 8.0, 80.0],
            "capaian": [100.0, 120.0, 100.0],
            "predikat": ["Sangat Tinggi"] * 3,
            "catatan_capaian": [NAN, NAN, NAN],
            "anggaran_periode": [200.0, NAN, NAN],
            "anggaran_kumulatif": [300.0, NAN, 250.0],
            "serapan": [30.0, NAN, 50.0],
            "kendala": ["k2a", NAN, NAN],
        }
    )
    pd.testing.assert_frame_equal(rekap.per_tw[2], tw2)


def test_ringkasan_dinas_and_chart(small_master: Master, tables: dict[str, pd.DataFrame]) -> None:
    rekap = build_rekap(small_master, tables, NAMES, 2)
    ringkasan = pd.DataFrame(
        {
            "kode_bidang": ["A", "B", "A", "B"],
            "bidang": ["Bidang A", "Bidang B", "Bidang A", "Bidang B"],
            "triwulan": ["TW I", "TW I", "TW II", "TW II"],
            "jumlah_indikator": [2, 1, 2, 1],
            "indikator_dinilai": [2, 1, 2, 1],
            "rata_rata_capaian": [80.0, 75.0, 110.0, 100.0],
            "predikat": ["Tinggi", "Sedang", "Sangat Tinggi", "Sangat Tinggi"],
            "sangat_tinggi": [0, 0, 2, 1],
            "tinggi": [2, 0, 0, 0],
            "sedang": [0, 1, 0, 0],
            "rendah": [0, 0, 0, 0],
            "sangat_rendah": [0, 0, 0, 0],
            "pagu": [1000.0, 500.0, 1000.0, 500.0],
            "anggaran_kumulatif": [100.0, 250.0, 300.0, 250.0],
            "serapan": [10.0, 50.0, 30.0, 50.0],
        }
    ).astype({"kode_bidang": "str", "bidang": "str", "triwulan": "str", "predikat": "str"})
    pd.testing.assert_frame_equal(rekap.ringkasan, ringkasan)
    dinas = pd.DataFrame(
        {
            "triwulan": ["TW I", "TW II"],
            "jumlah_indikator": [3, 3],
            "indikator_dinilai": [3, 3],
            "rata_rata_capaian": [235 / 3, 320 / 3],
            "predikat": ["Tinggi", "Sangat Tinggi"],
            "sangat_tinggi": [0, 3],
            "tinggi": [2, 0],
            "sedang": [1, 0],
            "rendah": [0, 0],
            "sangat_rendah": [0, 0],
            "pagu": [1500.0, 1500.0],
            "anggaran_kumulatif": [350.0, 550.0],
            "serapan": [350 * 100 / 1500, 550 * 100 / 1500],
        }
    ).astype({"triwulan": "str", "predikat": "str"})
    pd.testing.assert_frame_equal(rekap.dinas, dinas)
    chart = pd.DataFrame(
        {
            "kode_bidang": ["A", "B"],
            "bidang": ["Bidang A", "Bidang B"],
            "capaian": [110.0, 100.0],
            "predikat": ["Sangat Tinggi", "Sangat Tinggi"],
        }
    ).astype({"kode_bidang": "str", "bidang": "str", "predikat": "str"})
    pd.testing.assert_frame_equal(rekap.chart, chart)


def test_bidang_without_table_and_settings_order(small_master: Master, tables: dict[str, pd.DataFrame]) -> None:
    rekap = build_rekap(small_master, {"B": tables["B"]}, {"B": "Bidang B", "A": "Bidang A"}, 1)
    frame = rekap.per_tw[1]
    assert list(frame["kode_bidang"]) == ["B", "A", "A"]
    assert frame["realisasi_periode"].isna().tolist() == [False, True, True]
    assert pd.isna(frame["catatan_capaian"].iloc[0])
    assert list(frame["catatan_capaian"].iloc[1:]) == ["Realisasi belum dilaporkan"] * 2
    ringkasan = rekap.ringkasan.set_index("kode_bidang")
    assert ringkasan.loc["A", "indikator_dinilai"] == 0 and pd.isna(ringkasan.loc["A", "predikat"])


def test_target_zero_gives_a_note(small_master: Master) -> None:
    rows = [
        *MASTER_ROWS[:2],
        ["A", "K9", "Prog 9", "Ind 9", "Dokumen", "Positif", "Kumulatif", 1, 0, 0, 1, 1, 10],
    ]
    master = parse_master(rows)
    values = table([(indikator_key("K9", "Ind 9"), 0.0, 1.0, NAN, NAN, None, None)])
    frame = build_rekap(master, {"A": values}, NAMES, 2).per_tw[2]
    row = frame.set_index("indikator").loc["Ind 9"]
    assert pd.isna(row["capaian"]) and pd.isna(row["predikat"])
    assert row["catatan_capaian"] == "Target 0; capaian tidak dihitung"


def test_rows_for_sheet(small_master: Master, tables: dict[str, pd.DataFrame]) -> None:
    rekap = build_rekap(small_master, tables, NAMES, 1)
    rows = rows_for_sheet(rekap.per_tw[1])
    assert rows[0] == [label for _, label in layout.REKAP_TW_COLUMNS]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Capaian (%)"] == 80.0 and type(first["Capaian (%)"]) is float
    assert first["Predikat"] == "Tinggi"
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Serapan Anggaran (%)"] == "" and second["Kendala/Keterangan"] == ""
    summary = rows_for_sheet(rekap.ringkasan)
    assert summary[0] == [label for _, label in layout.RINGKASAN_COLUMNS]
    assert summary[1][3] == 2 and type(summary[1][3]) is int
    full = rows_for_sheet(pd.DataFrame({"capaian": [100 / 3]}))
    assert full == [["Capaian (%)"], [100 / 3]]


def test_indicator_frame_matches_rekap_for_one_bidang(small_master: Master, tables: dict[str, pd.DataFrame]) -> None:
    rekap = build_rekap(small_master, tables, NAMES, 2)
    merged = small_master.frame().merge(tables["A"], on="key")
    own = indicator_frame(merged, 2)
    pd.testing.assert_series_equal(
        own["capaian"].reset_index(drop=True), rekap.per_tw[2]["capaian"].iloc[:2].reset_index(drop=True)
    )


def test_unknown_tw_is_refused(small_master: Master) -> None:
    with pytest.raises(layout.LayoutError):
        build_rekap(small_master, {}, NAMES, 5)


def test_fifty_bidang_four_hundred_indicators_is_fast() -> None:
    """DESIGN.md section 9 wants well under a second; this is only a generous sanity bound."""
    rng = np.random.default_rng(7)
    bidang = [f"B{b:02d}" for b in range(50)]
    items = tuple(
        Indikator(
            bidang=code,
            kode=f"1.{i:03d}",
            program="Program",
            indikator=f"Indikator {i}",
            satuan="%" if i % 5 == 0 else "Orang",
            polaritas=Polaritas.NEGATIF if i % 7 == 0 else Polaritas.POSITIF,
            jenis=(Jenis.KUMULATIF, Jenis.NILAI_AKHIR, Jenis.RATA_RATA)[i % 3],
            target_tahunan=100.0,
            target_tw=(25.0, 50.0, None if i % 4 else 0.0, 100.0),
            pagu=1_000_000.0,
        )
        for code in bidang
        for i in range(400)
    )
    master = Master(indikator=items)
    keys = [indikator_key(f"1.{i:03d}", f"Indikator {i}") for i in range(400)]
    tables = {}
    for code in bidang:
        values = rng.uniform(0, 60, size=(400, 8))
        values[rng.random((400, 8)) < 0.05] = np.nan
        frame = pd.DataFrame(
            values,
            columns=[f"realisasi_tw{k}" for k in range(1, 5)] + [f"anggaran_tw{k}" for k in range(1, 5)],
        )
        frame.insert(0, "key", pd.Series(keys, dtype="str"))
        frame["kendala"] = "Tidak ada"
        tables[code] = frame
    names = {code: f"Bidang {code}" for code in bidang}
    rekap = build_rekap(master, tables, names, 4)
    assert len(rekap.per_tw[4]) == 20_000
    assert len(rekap.ringkasan) == 200
    assert rekap.per_tw[4]["capaian"].notna().sum() > 15_000


@pytest.mark.parametrize("tw", [1, 4], ids=["tw1", "tw4"])
def test_the_rekap_from_snapshots_equals_the_one_from_tables(tw: int) -> None:
    """The draft's path (values placed on the master's rows) gives the very frames of the tables' path."""
    rng = np.random.default_rng(3)
    bidang = ["A", "B", "C"]
    items = tuple(
        Indikator(
            bidang=code,
            kode=f"1.{i:02d}",
            program="Program",
            indikator=f"Indikator {i}",
            satuan="Orang",
            polaritas=Polaritas.NEGATIF if i % 3 == 0 else Polaritas.POSITIF,
            jenis=(Jenis.KUMULATIF, Jenis.NILAI_AKHIR, Jenis.RATA_RATA)[i % 3],
            target_tahunan=40.0,
            target_tw=(10.0, None, 30.0, 0.0),
            pagu=None if i % 4 == 0 else 1000.0,
        )
        for code in bidang
        for i in range(12)
    )
    master = Master(indikator=items)
    snapshots = []
    for code in bidang[:2]:  # C approved nothing
        for k in range(1, tw + 1):
            entries = {
                indikator_key(f"1.{i:02d}", f"Indikator {i}"): {
                    "realisasi": None if rng.random() < 0.2 else float(rng.uniform(0, 50)),
                    "anggaran": None if rng.random() < 0.2 else float(rng.uniform(0, 500)),
                    "kendala": f"kendala {i}" if i % 5 == 0 else None,
                }
                for i in range(12)
                if i != 7  # one indicator missing from the sheet
            }
            entries["9.99|Tidak ada di daftar"] = {"realisasi": 1.0, "anggaran": None, "kendala": None}
            snapshots.append(SnapshotData(code, k, {"indikator": entries}, "h"))
    names = {"B": "Bidang B", "A": "Bidang A"}
    direct = build_rekap_from_snapshots(master, snapshots, names, tw)
    via_tables = build_rekap(master, tables_from_snapshots(snapshots), names, tw)
    for k in range(1, tw + 1):
        pd.testing.assert_frame_equal(direct.per_tw[k], via_tables.per_tw[k])
    pd.testing.assert_frame_equal(direct.ringkasan, via_tables.ringkasan)
    pd.testing.assert_frame_equal(direct.dinas, via_tables.dinas)
    pd.testing.assert_frame_equal(direct.chart, via_tables.chart)
    assert direct.bidang_order == ("B", "A", "C")
