"""Display of figures: Indonesian grouping and decimal comma, only in text."""

from __future__ import annotations

import math

import pytest

from sheets.formatting import format_angka, format_persen, format_rupiah

CASES = [
    ("grouped", format_angka, (1234.567,), "1.234,57"),
    ("millions", format_angka, (1234567.891,), "1.234.567,89"),
    ("zero", format_angka, (0,), "0,00"),
    ("no_decimals", format_angka, (1500000, 0), "1.500.000"),
    ("three_decimals", format_angka, (2.5, 3), "2,500"),
    ("negative", format_angka, (-1234.5,), "-1.234,50"),
    ("negative_rounds_to_zero", format_angka, (-0.001,), "0,00"),
    ("none", format_angka, (None,), "-"),
    ("nan", format_angka, (math.nan,), "-"),
    ("persen", format_persen, (87.456,), "87,46%"),
    ("persen_none", format_persen, (None,), "-"),
    ("rupiah", format_rupiah, (1500000,), "Rp1.500.000"),
    ("rupiah_none", format_rupiah, (None,), "-"),
]


@pytest.mark.parametrize(("func", "args", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_display(func, args, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert func(*args) == expected
