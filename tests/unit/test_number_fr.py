"""number_fr: plain integers take a Python fast path that must print exactly what Babel does."""

from decimal import Decimal, InvalidOperation

import pytest
from babel.numbers import format_decimal, get_group_symbol

from app.web import FR_GROUP, number_fr

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator


def babel(value, pattern="#,##0.#") -> str:
    """What number_fr printed before the fast path."""
    return format_decimal(value, pattern, locale="fr_FR")


def test_the_group_separator_is_babels_narrow_no_break_space():
    assert FR_GROUP == get_group_symbol("fr_FR") == NNBSP


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 1001, 55573, 100000, 999999, 1234567,
                                   10**12, -1, -999, -1000, -1234, -1234567])
def test_the_int_fast_path_equals_babel(value):
    assert number_fr(value) == babel(value)


def test_the_int_fast_path_equals_babel_over_a_range():
    values = [*range(-2100, 2100), *range(-10**7, 10**7, 99991), 2**31, -(2**31), 2**63]
    assert [number_fr(value) for value in values] == [babel(value) for value in values]


def test_ints_do_not_call_babel(monkeypatch):
    """The dashboard prints hundreds of counts: Babel (~10 µs each) is kept for the rest."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("Babel called for an int")

    monkeypatch.setattr("app.web.format_decimal", refuse)
    assert number_fr(55573) == f"55{NNBSP}573"
    assert number_fr(-7) == "-7"
    with pytest.raises(AssertionError):
        number_fr(Decimal("1181.5"))


def test_counts_are_grouped_by_three_with_narrow_spaces():
    assert number_fr(55573) == f"55{NNBSP}573"
    assert number_fr(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert number_fr(-1234) == f"-1{NNBSP}234"
    assert number_fr(999) == "999"
    assert number_fr(0) == "0"


def test_empty_values_print_nothing():
    assert number_fr(None) == ""
    assert number_fr("") == ""


@pytest.mark.parametrize("value", [True, False])
def test_bools_still_go_through_babel(value):
    """Babel refuses a bool, as it did before: the fast path does not take it for an int."""
    with pytest.raises(InvalidOperation):
        number_fr(value)


@pytest.mark.parametrize("value, expected", [
    (Decimal("1181.5"), f"1{NNBSP}181,5"),
    (1181.5, f"1{NNBSP}181,5"),
    (Decimal("55573"), f"55{NNBSP}573"),
    (Decimal("12.25"), "12,2"),
    (Decimal("0.04"), "0"),
    ("1234", f"1{NNBSP}234"),
])
def test_other_values_still_go_through_babel(value, expected):
    assert number_fr(value) == expected == babel(value)


@pytest.mark.parametrize("value, pattern", [
    (5, "0.00"), (1234, "0.00"), (1234, "#,##0.0"), (-3, "#,##0.0"), (1234, "0"),
])
def test_an_int_with_another_pattern_keeps_that_pattern(value, pattern):
    assert number_fr(value, pattern) == babel(value, pattern)


def test_an_int_with_another_pattern_is_not_grouped_by_the_fast_path():
    assert number_fr(5, "0.00") == "5,00"
    assert number_fr(1234, "0.00") == "1234,00"
