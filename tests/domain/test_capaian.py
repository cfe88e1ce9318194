"""The capaian rules: one table of worked examples, checked on the scalar and the vectorised path.

Each example is one indicator: its polaritas, jenis, targets, quarterly realisasi, pagu and
quarterly spending, the TW looked at, and what DESIGN.md section 4 says comes out: the period
target, the period value, capaian, predikat, serapan and the note when there is no capaian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets.aggregate import indicator_frame
from sheets.capaian import (
    CATATAN_REALISASI_KOSONG,
    CATATAN_TARGET_KOSONG,
    CATATAN_TARGET_NOL,
    PREDIKAT_LABELS,
    Jenis,
    NilaiTidakDikenal,
    Polaritas,
    capaian_series,
    catatan_capaian,
    hitung_capaian,
    nilai_periode,
    nilai_periode_frame,
    parse_jenis,
    parse_polaritas,
    predikat,
    predikat_series,
    serapan_anggaran,
    target_periode,
)

N = None
P, NEG = "Positif", "Negatif"
KUM, AKHIR, RATA = "Kumulatif", "Nilai Akhir", "Rata-rata"


@dataclass(frozen=True)
class Example:
    id: str
    polaritas: str
    jenis: str
    tw: int
    target_tahunan: float | None
    target_tw: tuple[float | None, ...]
    realisasi: tuple[float | None, ...]
    pagu: float | None
    anggaran: tuple[float | None, ...]
    # what comes out
    target: float | None
    nilai: float | None
    capaian: float | None
    predikat: str | None
    serapan: float | None
    catatan: str | None = None


E = Example
T100 = (100, 100, 100, 100)
NO_MONEY = (N, N, N, N)
WORKED_EXAMPLES = [
    # predikat bands, exactly on and just under each boundary (capaian = R when T = 100)
    E(
        "sangat_tinggi_at_91",
        P,
        AKHIR,
        1,
        100,
        T100,
        (91, N, N, N),
        N,
        NO_MONEY,
        100,
        91,
        91.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "tinggi_at_90_999",
        P,
        AKHIR,
        1,
        100,
        T100,
        (90.999, N, N, N),
        N,
        NO_MONEY,
        100,
        90.999,
        90.999,
        "Tinggi",
        N,
    ),
    E("tinggi_at_76", P, AKHIR, 1, 100, T100, (76, N, N, N), N, NO_MONEY, 100, 76, 76.0, "Tinggi", N),
    E(
        "sedang_at_75_99",
        P,
        AKHIR,
        1,
        100,
        T100,
        (75.99, N, N, N),
        N,
        NO_MONEY,
        100,
        75.99,
        75.99,
        "Sedang",
        N,
    ),
    E("sedang_at_66", P, AKHIR, 1, 100, T100, (66, N, N, N), N, NO_MONEY, 100, 66, 66.0, "Sedang", N),
    E(
        "rendah_at_65_99",
        P,
        AKHIR,
        1,
        100,
        T100,
        (65.99, N, N, N),
        N,
        NO_MONEY,
        100,
        65.99,
        65.99,
        "Rendah",
        N,
    ),
    E("rendah_at_51", P, AKHIR, 1, 100, T100, (51, N, N, N), N, NO_MONEY, 100, 51, 51.0, "Rendah", N),
    E(
        "sangat_rendah_at_50_99",
        P,
        AKHIR,
        1,
        100,
        T100,
        (50.99, N, N, N),
        N,
        NO_MONEY,
        100,
        50.99,
        50.99,
        "Sangat Rendah",
        N,
    ),
    E(
        "sangat_rendah_at_0",
        P,
        AKHIR,
        1,
        100,
        T100,
        (0, N, N, N),
        N,
        NO_MONEY,
        100,
        0,
        0.0,
        "Sangat Rendah",
        N,
    ),
    # boundaries reached through a ratio that is not a whole percent of T
    E(
        "ratio_exactly_66",
        P,
        KUM,
        1,
        50,
        (50, 50, 50, 50),
        (33, N, N, N),
        N,
        NO_MONEY,
        50,
        33,
        66.0,
        "Sedang",
        N,
    ),
    E(
        "ratio_exactly_91",
        P,
        KUM,
        1,
        700,
        (700, 700, 700, 700),
        (637, N, N, N),
        N,
        NO_MONEY,
        700,
        637,
        91.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "over_target",
        P,
        KUM,
        1,
        40,
        (40, 40, 40, 40),
        (50, N, N, N),
        N,
        NO_MONEY,
        40,
        50,
        125.0,
        "Sangat Tinggi",
        N,
    ),
    # negative polarity: lower is better, floored at 0
    E(
        "negatif_on_target",
        NEG,
        KUM,
        1,
        8,
        (8, 8, 8, 8),
        (8, N, N, N),
        N,
        NO_MONEY,
        8,
        8,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "negatif_better",
        NEG,
        KUM,
        1,
        8,
        (8, 8, 8, 8),
        (6, N, N, N),
        N,
        NO_MONEY,
        8,
        6,
        125.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "negatif_worse",
        NEG,
        KUM,
        1,
        8,
        (8, 8, 8, 8),
        (12, N, N, N),
        N,
        NO_MONEY,
        8,
        12,
        50.0,
        "Sangat Rendah",
        N,
    ),
    E(
        "negatif_at_twice_target",
        NEG,
        AKHIR,
        1,
        4.2,
        (4.2,) * 4,
        (8.4, N, N, N),
        N,
        NO_MONEY,
        4.2,
        8.4,
        0.0,
        "Sangat Rendah",
        N,
    ),
    E(
        "negatif_floor_at_0",
        NEG,
        KUM,
        1,
        8,
        (8, 8, 8, 8),
        (20, N, N, N),
        N,
        NO_MONEY,
        8,
        20,
        0.0,
        "Sangat Rendah",
        N,
    ),
    E(
        "negatif_zero_realisasi",
        NEG,
        KUM,
        1,
        2,
        (2, 2, 2, 2),
        (0, N, N, N),
        N,
        NO_MONEY,
        2,
        0,
        200.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "negatif_rata_rata",
        NEG,
        RATA,
        2,
        2,
        (2, 2, 2, 2),
        (3, 1, N, N),
        N,
        NO_MONEY,
        2,
        2,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    # targets: T = 0, T missing, TW target missing falls back to the annual one
    E(
        "target_tw_zero",
        P,
        KUM,
        1,
        1,
        (0, 0, 1, 1),
        (0, N, N, N),
        N,
        NO_MONEY,
        0,
        0,
        N,
        N,
        N,
        CATATAN_TARGET_NOL,
    ),
    E(
        "target_zero_negatif",
        NEG,
        KUM,
        1,
        0,
        (0, 0, 0, 0),
        (1, N, N, N),
        N,
        NO_MONEY,
        0,
        1,
        N,
        N,
        N,
        CATATAN_TARGET_NOL,
    ),
    E(
        "target_missing",
        P,
        KUM,
        1,
        N,
        (N, N, N, N),
        (5, N, N, N),
        N,
        NO_MONEY,
        N,
        5,
        N,
        N,
        N,
        CATATAN_TARGET_KOSONG,
    ),
    E(
        "target_tw_missing_uses_tahunan",
        P,
        KUM,
        2,
        100,
        (N, N, N, N),
        (30, 50, N, N),
        N,
        NO_MONEY,
        100,
        80,
        80.0,
        "Tinggi",
        N,
    ),
    E(
        "realisasi_missing",
        P,
        KUM,
        2,
        100,
        T100,
        (N, N, N, N),
        N,
        NO_MONEY,
        100,
        N,
        N,
        N,
        N,
        CATATAN_REALISASI_KOSONG,
    ),
    # each jenis
    E(
        "kumulatif_sums",
        P,
        KUM,
        3,
        120,
        (30, 60, 90, 120),
        (10, 20, 30, N),
        N,
        NO_MONEY,
        90,
        60,
        60 * 100 / 90,
        "Sedang",
        N,
    ),
    E(
        "kumulatif_skips_gap",
        P,
        KUM,
        3,
        120,
        (30, 60, 90, 120),
        (10, N, 30, N),
        N,
        NO_MONEY,
        90,
        40,
        40 * 100 / 90,
        "Sangat Rendah",
        N,
    ),
    E(
        "kumulatif_ignores_later_tw",
        P,
        KUM,
        2,
        100,
        (25, 50, 75, 100),
        (10, 20, 30, 40),
        N,
        NO_MONEY,
        50,
        30,
        60.0,
        "Rendah",
        N,
    ),
    E(
        "nilai_akhir_latest",
        P,
        AKHIR,
        3,
        72,
        (65, 68, 70, 72),
        (60, 65, 70, N),
        N,
        NO_MONEY,
        70,
        70,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "nilai_akhir_latest_reported",
        P,
        AKHIR,
        3,
        72,
        (65, 68, 70, 72),
        (60, 55, N, N),
        N,
        NO_MONEY,
        70,
        55,
        55 * 100 / 70,
        "Tinggi",
        N,
    ),
    E(
        "rata_rata_mean",
        P,
        RATA,
        2,
        90,
        (90, 90, 90, 90),
        (80, 90, N, N),
        N,
        NO_MONEY,
        90,
        85,
        85 * 100 / 90,
        "Sangat Tinggi",
        N,
    ),
    E(
        "rata_rata_ignores_unreported",
        P,
        RATA,
        3,
        90,
        (90, 90, 90, 90),
        (80, N, 100, N),
        N,
        NO_MONEY,
        90,
        90,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    # serapan anggaran: cumulative spending over the pagu
    E(
        "serapan_half",
        P,
        KUM,
        2,
        4,
        (1, 2, 3, 4),
        (1, 1, N, N),
        1_000_000,
        (250_000, 250_000, N, N),
        2,
        2,
        100.0,
        "Sangat Tinggi",
        50.0,
    ),
    E(
        "serapan_over_pagu",
        P,
        KUM,
        1,
        4,
        (1, 2, 3, 4),
        (1, N, N, N),
        1_000,
        (1_500, N, N, N),
        1,
        1,
        100.0,
        "Sangat Tinggi",
        150.0,
    ),
    E(
        "serapan_pagu_zero",
        P,
        KUM,
        1,
        4,
        (1, 2, 3, 4),
        (1, N, N, N),
        0,
        (500, N, N, N),
        1,
        1,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "serapan_nothing_spent",
        P,
        KUM,
        2,
        4,
        (1, 2, 3, 4),
        (1, 1, N, N),
        1_000,
        (N, N, N, N),
        2,
        2,
        100.0,
        "Sangat Tinggi",
        N,
    ),
    E(
        "serapan_ignores_later_tw",
        P,
        KUM,
        1,
        4,
        (1, 2, 3, 4),
        (1, N, N, N),
        1_000,
        (100, 900, N, N),
        1,
        1,
        100.0,
        "Sangat Tinggi",
        10.0,
    ),
]
IDS = [example.id for example in WORKED_EXAMPLES]


def _approx(expected: float | None) -> object:
    return None if expected is None else pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("ex", WORKED_EXAMPLES, ids=IDS)
def test_worked_example_scalar(ex: Example) -> None:
    row = {"target_tahunan": ex.target_tahunan, **{f"target_tw{k}": ex.target_tw[k - 1] for k in range(1, 5)}}
    target = target_periode(row, ex.tw)
    assert target == _approx(ex.target)
    nilai = nilai_periode(ex.realisasi, ex.jenis, ex.tw)
    assert nilai == _approx(ex.nilai)
    capaian = hitung_capaian(target, nilai, ex.polaritas)
    assert capaian == _approx(ex.capaian)
    assert predikat(capaian) == ex.predikat
    assert catatan_capaian(target, nilai) == ex.catatan
    spent = nilai_periode(ex.anggaran, "Kumulatif", ex.tw)
    assert serapan_anggaran(spent, ex.pagu) == _approx(ex.serapan)


def test_boundary_examples_land_exactly() -> None:
    """A capaian that is exactly 66 or 91 must not come out as 65.99999999999999."""
    for ex in WORKED_EXAMPLES:
        if ex.id.endswith(("_at_91", "_at_76", "_at_66", "_at_51", "exactly_66", "exactly_91")):
            target = target_periode({"target_tahunan": ex.target_tahunan, f"target_tw{ex.tw}": ex.target_tw[0]}, 1)
            assert hitung_capaian(target, ex.realisasi[0], ex.polaritas) == ex.capaian, ex.id


def test_worked_examples_vectorised() -> None:
    """indicator_frame (the rekap's path) gives the same figures as the scalar rules."""
    table = pd.DataFrame(
        {
            "polaritas": [ex.polaritas for ex in WORKED_EXAMPLES],
            "jenis": [ex.jenis for ex in WORKED_EXAMPLES],
            "target_tahunan": [ex.target_tahunan for ex in WORKED_EXAMPLES],
            **{f"target_tw{k}": [ex.target_tw[k - 1] for ex in WORKED_EXAMPLES] for k in range(1, 5)},
            **{f"realisasi_tw{k}": [ex.realisasi[k - 1] for ex in WORKED_EXAMPLES] for k in range(1, 5)},
            "pagu": [ex.pagu for ex in WORKED_EXAMPLES],
            **{f"anggaran_tw{k}": [ex.anggaran[k - 1] for ex in WORKED_EXAMPLES] for k in range(1, 5)},
        },
        index=IDS,
    ).astype({"polaritas": "str", "jenis": "str"})
    for column in table.columns[2:]:
        table[column] = table[column].astype("float64")
    for tw in range(1, 5):
        examples = [ex for ex in WORKED_EXAMPLES if ex.tw == tw]
        if not examples:
            continue
        frame = indicator_frame(table.loc[[ex.id for ex in examples]], tw)
        expected = pd.DataFrame(
            {
                "target": [ex.target for ex in examples],
                "realisasi_kumulatif": [ex.nilai for ex in examples],
                "capaian": [ex.capaian for ex in examples],
                "predikat": [ex.predikat for ex in examples],
                "catatan_capaian": [ex.catatan for ex in examples],
                "serapan": [ex.serapan for ex in examples],
            },
            index=[ex.id for ex in examples],
        ).astype(
            {
                "target": "float64",
                "realisasi_kumulatif": "float64",
                "capaian": "float64",
                "serapan": "float64",
                "predikat": "str",
                "catatan_capaian": "str",
            }
        )
        pd.testing.assert_frame_equal(frame[expected.columns], expected, rtol=1e-12)


PREDIKAT_BOUNDARIES = [
    (250.0, "Sangat Tinggi"),
    (91.0, "Sangat Tinggi"),
    (math.nextafter(91.0, 0), "Tinggi"),
    (90.999, "Tinggi"),
    (76.0, "Tinggi"),
    (math.nextafter(76.0, 0), "Sedang"),
    (66.0, "Sedang"),
    (math.nextafter(66.0, 0), "Rendah"),
    (51.0, "Rendah"),
    (50.99, "Sangat Rendah"),
    (math.nextafter(51.0, 0), "Sangat Rendah"),
    (0.0, "Sangat Rendah"),
    (-3.0, "Sangat Rendah"),
    (None, None),
    (math.nan, None),
]


@pytest.mark.parametrize(("capaian", "expected"), PREDIKAT_BOUNDARIES, ids=[str(c) for c, _ in PREDIKAT_BOUNDARIES])
def test_predikat_boundaries(capaian: float | None, expected: str | None) -> None:
    assert predikat(capaian) == expected
    series = predikat_series(pd.Series([capaian], dtype="float64"))
    assert (None if pd.isna(series.iloc[0]) else series.iloc[0]) == expected


def test_predikat_labels_best_first() -> None:
    assert PREDIKAT_LABELS == ("Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Positif", Polaritas.POSITIF), ("positif", Polaritas.POSITIF), (" NEGATIF ", Polaritas.NEGATIF)],
    ids=["exact", "lower", "upper_spaces"],
)
def test_parse_polaritas_variations(text: str, expected: Polaritas) -> None:
    assert parse_polaritas(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kumulatif", Jenis.KUMULATIF),
        ("KUMULATIF ", Jenis.KUMULATIF),
        ("nilai akhir", Jenis.NILAI_AKHIR),
        ("Nilai  Akhir", Jenis.NILAI_AKHIR),
        ("Rata-rata", Jenis.RATA_RATA),
        ("Rata-Rata", Jenis.RATA_RATA),
        ("rata rata", Jenis.RATA_RATA),
    ],
    ids=["exact", "upper", "lower", "double_space", "exact_rata", "title_rata", "space_rata"],
)
def test_parse_jenis_variations(text: str, expected: Jenis) -> None:
    assert parse_jenis(text) is expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: hitung_capaian(10, 5, "Netral"),
        lambda: nilai_periode([1, 2, 3, 4], "Median", 2),
        lambda: nilai_periode([1, 2, 3, 4], "Kumulatif", 5),
        lambda: nilai_periode([1, 2, 3, 4], "Kumulatif", 0),
        lambda: nilai_periode([1, 2, 3], "Kumulatif", 2),
        lambda: parse_jenis(None),
    ],
    ids=["polaritas", "jenis", "tw_5", "tw_0", "three_values", "jenis_none"],
)
def test_unknown_values_raise_clear_errors(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NilaiTidakDikenal) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    assert "tidak dikenal" in str(caught.value) or "Diperlukan 4" in str(caught.value)


def test_nilai_periode_accepts_mapping_and_nothing_reported() -> None:
    assert nilai_periode({1: 10, 2: None, 3: 5}, "Kumulatif", 4) == 15
    assert nilai_periode({2: 7.5}, "Nilai Akhir", 3) == 7.5
    assert nilai_periode({}, "Rata-rata", 4) is None
    assert nilai_periode([None, np.nan, None, None], "Kumulatif", 4) is None


def test_target_periode_reads_sheet_labels_too() -> None:
    assert target_periode({"Target Tahunan": 100, "Target TW II": 40}, 2) == 40
    assert target_periode({"Target Tahunan": 100, "Target TW II": ""}, 2) == 100


# --- properties ----------------------------------------------------------------------------------

moderate = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
positive_target = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False)
finite = st.floats(allow_nan=False, allow_infinity=False)


@given(positive_target, moderate, moderate)
def test_capaian_increases_with_realisasi_for_positif(target: float, r1: float, r2: float) -> None:
    low, high = sorted((r1, r2))
    assert hitung_capaian(target, low, "Positif") <= hitung_capaian(target, high, "Positif")


@given(positive_target, moderate, moderate)
def test_capaian_decreases_with_realisasi_for_negatif(target: float, r1: float, r2: float) -> None:
    low, high = sorted((r1, r2))
    assert hitung_capaian(target, low, "Negatif") >= hitung_capaian(target, high, "Negatif")


@given(finite, finite, st.sampled_from(["Positif", "Negatif"]))
def test_capaian_never_raises_on_finite_input(target: float, realisasi: float, polaritas: str) -> None:
    capaian = hitung_capaian(target, realisasi, polaritas)
    if target <= 0:
        assert capaian is None
    if capaian is not None:
        assert math.isfinite(capaian)
        assert predikat(capaian) in PREDIKAT_LABELS
        if polaritas == "Negatif":
            assert capaian >= 0
    vector = capaian_series(
        pd.Series([target], dtype="float64"), pd.Series([realisasi], dtype="float64"), pd.Series([polaritas])
    ).iloc[0]
    assert (capaian is None and np.isnan(vector)) or vector == capaian


@given(
    st.lists(st.one_of(st.none(), st.floats(min_value=-1e12, max_value=1e12)), min_size=4, max_size=4),
    st.sampled_from(["Kumulatif", "Nilai Akhir", "Rata-rata"]),
    st.integers(min_value=1, max_value=4),
)
def test_nilai_periode_scalar_and_vector_agree(values: list[float | None], jenis: str, tw: int) -> None:
    scalar = nilai_periode(values, jenis, tw)
    frame = pd.DataFrame([values], dtype="float64")
    vector = nilai_periode_frame(frame, pd.Series([jenis]), tw).iloc[0]
    if scalar is None:
        assert np.isnan(vector)
    else:
        assert vector == pytest.approx(scalar, rel=1e-12, abs=1e-9)


@given(finite, finite)
def test_serapan_never_raises_on_finite_input(spent: float, pagu: float) -> None:
    serapan = serapan_anggaran(spent, pagu)
    assert serapan is None or math.isfinite(serapan)
