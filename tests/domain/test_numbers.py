"""parse_angka: numbers as the sheet returns them and as people in Indonesia type them."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets.formatting import format_angka
from sheets.numbers import AngkaTidakSah, DomainError, parse_angka

PARSED = [
    ("int", 1200, 1200.0),
    ("float", 87.5, 87.5),
    ("zero", 0, 0.0),
    ("decimal", Decimal("12.25"), 12.25),
    ("plain_text", "1200", 1200.0),
    ("thousands", "1.234.567", 1234567.0),
    ("thousands_decimal", "1.234.567,89", 1234567.89),
    ("comma_decimal", "1234,5", 1234.5),
    ("grouped_comma", "1.234,5", 1234.5),
    ("dot_one_digit", "1.5", 1.5),
    ("dot_two_digits", "4.25", 4.25),
    ("dot_three_digits_is_thousands", "1.500", 1500.0),
    ("percent", "75%", 75.0),
    ("percent_space", "75 %", 75.0),
    ("percent_decimal", "87,5%", 87.5),
    ("rupiah", "Rp 1.500.000", 1500000.0),
    ("rupiah_dot", "Rp. 1.500.000", 1500000.0),
    ("rupiah_no_space", "Rp1.500.000", 1500000.0),
    ("rupiah_dash_tail", "Rp 1.500.000,-", 1500000.0),
    ("rupiah_cents", "Rp 1.500.000,00", 1500000.0),
    ("apostrophe", "'75", 75.0),
    ("apostrophe_grouped", "'1.234,5", 1234.5),
    ("nbsp", "1\u00a0500\u00a0000", 1500000.0),
    ("surrounding_spaces", "  42  ", 42.0),
    ("negative", "-5", -5.0),
    ("negative_unicode_minus", "\u22125,5", -5.5),
    ("leading_comma", ",5", 0.5),
    ("trailing_comma", "12,", 12.0),
]


@pytest.mark.parametrize(("value", "expected"), [p[1:] for p in PARSED], ids=[p[0] for p in PARSED])
def test_parse_angka_reads_numbers(value: object, expected: float) -> None:
    assert parse_angka(value) == expected


EMPTY = [
    ("none", None),
    ("empty", ""),
    ("spaces", "   "),
    ("nbsp", "\u00a0"),
    ("apostrophe", "'"),
    ("nan", math.nan),
]


@pytest.mark.parametrize("value", [e[1] for e in EMPTY], ids=[e[0] for e in EMPTY])
def test_parse_angka_empty_is_none(value: object) -> None:
    assert parse_angka(value) is None


REFUSED = [
    ("words", "dua puluh"),
    ("dash", "-"),
    ("nihil", "nihil"),
    ("unit", "12 orang"),
    ("english_grouping", "1,234.56"),
    ("two_commas", "1,2,3"),
    ("bad_grouping", "1.23.456"),
    ("dot_four_digits", "1.2345"),
    ("long_head_grouping", "1234.567"),
    ("rp_only", "Rp"),
    ("percent_only", "%"),
    ("formula_error", "#DIV/0!"),
    ("true", True),
    ("false", False),
    ("list", [1]),
    ("infinity", math.inf),
    ("exponent", "1e5"),
]


@pytest.mark.parametrize("value", [r[1] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_parse_angka_refuses_non_numbers(value: object) -> None:
    with pytest.raises(AngkaTidakSah) as caught:
        parse_angka(value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, DomainError)
    assert "bukan angka" in str(caught.value)


def test_message_quotes_the_value_in_indonesian() -> None:
    with pytest.raises(AngkaTidakSah, match=r'^"dua puluh" bukan angka$'):
        parse_angka("dua puluh")
    with pytest.raises(AngkaTidakSah, match=r'^"TRUE" bukan angka$'):
        parse_angka(True)


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_indonesian_formatted_number_parses_back(value: Decimal) -> None:
    text = format_angka(float(value), 2)
    assert parse_angka(text) == pytest.approx(float(value), abs=1e-9)
    assert parse_angka(f"Rp {text}") == pytest.approx(float(value), abs=1e-9)


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integers_parse_exactly(value: int) -> None:
    assert parse_angka(format_angka(value, 0)) == float(value)
    assert parse_angka(f"{format_angka(value, 0)}%") == float(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_finite_floats_come_back_unchanged(value: float) -> None:
    assert parse_angka(value) == value


@given(st.text(max_size=30))
def test_any_text_is_a_number_none_or_a_clear_error(text: str) -> None:
    try:
        result = parse_angka(text)
    except AngkaTidakSah as err:
        assert "bukan angka" in str(err)
    else:
        assert result is None or math.isfinite(result)
