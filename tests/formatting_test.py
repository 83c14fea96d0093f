"""The one number-formatting module: every output writes figures through it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pcontract.formatting import dp, number, plain, scalar, show


def test_dp_rounds_halves_away_from_zero_to_fixed_places() -> None:
    assert dp(Fraction(1, 8), 2) == "0.13"
    assert dp(Fraction(-1, 8), 2) == "-0.13"
    assert dp(Decimal("72.5"), 2) == "72.50"
    assert dp(Fraction(2, 3), 4) == "0.6667"
    assert dp(None, 4) == "—"


def test_dp_never_writes_a_negative_zero() -> None:
    # The two copies disagreed here: tables.dp wrote "-0.00", numbers.rounded "0.00".
    assert dp(Fraction(-1, 1000), 2) == "0.00"
    assert dp(Decimal("-0.004"), 2) == "0.00"


def test_number_is_the_rounded_figure_as_a_json_number() -> None:
    assert number(Fraction(1, 3), 4) == 0.3333
    assert number(None, 4) is None
    assert number(Fraction(10**400), 2) is None  # no float can hold it


def test_scalar_is_an_int_when_whole() -> None:
    assert scalar(Decimal("300000.00")) == 300000
    assert isinstance(scalar(Decimal("300000.00")), int)
    assert scalar(Fraction(5, 2)) == 2.5
    assert scalar(Fraction(6, 2)) == 3


def test_plain_writes_a_number_as_in_a_sentence() -> None:
    assert plain(Decimal("100.00")) == "100"
    assert plain(Decimal("7.25E+1")) == "72.5"
    assert plain(Fraction(1, 3)) == "0.3333"
    assert plain(72.5) == "72.5"
    assert plain("n/a") == "n/a"


def test_show_writes_a_value_as_a_table_shows_it() -> None:
    assert show(1000000) == "1,000,000"
    assert show(Decimal("1000000")) == "1,000,000"
    assert show(Decimal("72.50")) == "72.5"
    assert show(Fraction(1, 3)) == "0.3333"
    assert show(0.1) == "0.1"
    assert show(True) == "yes"
    assert show("2025-03-31") == "2025-03-31"
    assert show(None) == "—"
    assert show([1000, 2.5]) == "1,000, 2.5"
    assert show([]) == "(none)"
    assert show({"a": 1000}) == "{a: 1,000}"
