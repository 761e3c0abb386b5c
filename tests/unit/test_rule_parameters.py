"""Pure rule parameters: which value is in force on a day, and which values are refused."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.rules import (
    DEFAULTS,
    PARAMETER_SPECS,
    ParameterChange,
    RuleParameters,
    as_values,
    changes_in_force,
    default_value,
    format_number,
    parameter_problems,
    parameters_on,
)


def change(key: str, value, day: date) -> ParameterChange:
    """A stored change, its value a Decimal as the database returns it."""
    return ParameterChange(key, Decimal(str(value)), day)


def test_no_history_gives_the_product_defaults():
    """Without any change, the values are PRODUCT.md's."""
    parameters = parameters_on([], date(2026, 6, 1))
    assert parameters == RuleParameters()
    assert (parameters.durable_min_months, parameters.half_time_weekly_hours,
            parameters.interim_min_hours, parameters.caseload_ceiling,
            parameters.positive_exit_target_percent) == (6, Decimal("17.5"), 910, 70, Decimal(42))


def test_several_changes_apply_each_from_its_date():
    """Each key takes its latest change on or before the day, whatever the order of rows."""
    history = [
        change("contact_max_days", 21, date(2026, 3, 1)),
        change("caseload_ceiling", 60, date(2026, 1, 1)),
        change("contact_max_days", 45, date(2026, 1, 15)),
        change("caseload_ceiling", 65, date(2026, 5, 1)),
    ]
    assert parameters_on(history, date(2025, 12, 31)) == DEFAULTS
    on_jan_20 = parameters_on(history, date(2026, 1, 20))
    assert (on_jan_20.caseload_ceiling, on_jan_20.contact_max_days) == (60, 45)
    on_mar_1 = parameters_on(history, date(2026, 3, 1))  # the day a change applies counts
    assert (on_mar_1.caseload_ceiling, on_mar_1.contact_max_days) == (60, 21)
    on_may_2 = parameters_on(list(reversed(history)), date(2026, 5, 2))
    assert (on_may_2.caseload_ceiling, on_may_2.contact_max_days) == (65, 21)
    assert on_may_2.pathway_max_months == 36  # untouched keys keep their default


def test_future_changes_are_ignored_until_their_date():
    """A change planned for later does not apply before its date, then does."""
    history = [change("pathway_max_months", 30, date(2026, 9, 1))]
    assert parameters_on(history, date(2026, 8, 31)).pathway_max_months == 36
    assert parameters_on(history, date(2026, 9, 1)).pathway_max_months == 30


def test_same_day_ties_resolve_the_same_whatever_the_row_order():
    """Two values on the same day: the result does not depend on the order they come in."""
    day = date(2026, 4, 1)
    rows = [change("ending_soon_days", 20, day), change("ending_soon_days", 40, day)]
    assert parameters_on(rows, day).ending_soon_days == 40
    assert parameters_on(list(reversed(rows)), day).ending_soon_days == 40


def test_unknown_keys_are_ignored():
    """A row for a parameter that no longer exists neither crashes nor changes anything."""
    history = [change("retired_parameter", 3, date(2026, 1, 1)),
               change("validation_months", 4, date(2026, 1, 1))]
    parameters = parameters_on(history, date(2026, 2, 1))
    assert parameters == DEFAULTS.with_values({"validation_months": Decimal(4)})
    assert not hasattr(parameters, "retired_parameter")
    assert set(changes_in_force(history, date(2026, 2, 1))) == {"validation_months"}


def test_values_are_converted_to_the_type_the_rules_use():
    """Counts become int (Numeric(10, 2) gives 6.00); decimals stay Decimal."""
    history = [change("durable_min_months", "4.00", date(2026, 1, 1)),
               change("half_time_weekly_hours", "24.50", date(2026, 1, 1)),
               change("positive_exit_target_percent", "45.00", date(2026, 1, 1))]
    parameters = parameters_on(history, date(2026, 1, 1))
    assert parameters.durable_min_months == 4
    assert type(parameters.durable_min_months) is int
    assert parameters.half_time_weekly_hours == Decimal("24.5")
    assert isinstance(parameters.half_time_weekly_hours, Decimal)
    assert isinstance(parameters.positive_exit_target_percent, Decimal)


def test_changes_in_force_tells_since_when():
    """The change in force for each key, to show 'since when' on the settings page."""
    history = [change("caseload_ceiling", 60, date(2026, 1, 1)),
               change("caseload_ceiling", 55, date(2026, 7, 1))]
    assert changes_in_force(history, date(2026, 6, 30))["caseload_ceiling"].effective_from == \
        date(2026, 1, 1)
    assert changes_in_force(history, date(2025, 6, 30)) == {}


def test_every_spec_has_a_default_inside_its_bounds():
    """Each spec names a field of RuleParameters whose default is valid."""
    assert [spec.key for spec in PARAMETER_SPECS] == list(as_values(DEFAULTS))
    for spec in PARAMETER_SPECS:
        assert spec.minimum <= default_value(spec.key) <= spec.maximum, spec.key
    assert parameter_problems(as_values(DEFAULTS)) == {}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("caseload_ceiling", "0", "Saisissez une valeur entre 1 et 500 participants."),
    ("caseload_ceiling", "501", "Saisissez une valeur entre 1 et 500 participants."),
    ("half_time_weekly_hours", "48.5", "Saisissez une valeur entre 1 et 48 heures par semaine."),
    ("interim_max_gap_days", "-1", "Saisissez une valeur entre 0 et 90 jours."),
    ("contact_max_days", "30.5", "Saisissez un nombre entier."),
    ("half_time_weekly_hours", "17.55", "Saisissez au plus une décimale."),
    ("caseload_ceiling", "NaN", "Saisissez un nombre."),
])
def test_out_of_bounds_and_fractional_values_are_refused(key, value, message):
    """Bounds, whole numbers for counts and decimals are checked, with French messages."""
    assert parameter_problems({key: Decimal(value)}) == {key: message}


@pytest.mark.parametrize(("key", "value"), [
    ("caseload_ceiling", "1"), ("caseload_ceiling", "500"), ("interim_max_gap_days", "0"),
    ("half_time_weekly_hours", "17.5"), ("contact_max_days", "30.00"),
    ("positive_exit_target_percent", "100"),
])
def test_values_on_the_bounds_are_accepted(key, value):
    """Both bounds are allowed, and 30.00 is a whole number."""
    assert parameter_problems({key: Decimal(value)}) == {}


def test_the_alert_must_come_before_the_maximum_pathway_length():
    """An alert at or after the maximum length warns of nothing."""
    message = "L'alerte doit précéder la durée maximale du parcours."
    assert parameter_problems({"pathway_warning_months": Decimal(40)}) == {
        "pathway_warning_months": message}
    assert parameter_problems({"pathway_warning_months": Decimal(30),
                               "pathway_max_months": Decimal(30)}) == {
        "pathway_warning_months": message}
    assert parameter_problems({"pathway_warning_months": Decimal(29),
                               "pathway_max_months": Decimal(30)}) == {}
    # Lowering the maximum below the default alert is refused too, on the alert's field.
    assert "pathway_warning_months" in parameter_problems({"pathway_max_months": Decimal(20)})


def test_seasonal_months_cannot_exceed_the_window():
    """Months to reach cannot be more than the rolling window; equal is allowed."""
    assert parameter_problems({"seasonal_min_months": Decimal(10),
                               "seasonal_window_months": Decimal(9)}) == {
        "seasonal_min_months": "Les mois à atteindre ne peuvent dépasser la période glissante."}
    assert parameter_problems({"seasonal_min_months": Decimal(12),
                               "seasonal_window_months": Decimal(12)}) == {}


def test_long_training_threshold_cannot_exceed_its_length():
    """A long training cannot count after more months than it lasts."""
    assert parameter_problems({"long_training_done_months": Decimal(10)}) == {
        "long_training_done_months":
            "Ce seuil ne peut dépasser la durée d'une formation longue."}
    assert parameter_problems({"long_training_done_months": Decimal(12),
                               "long_training_months": Decimal(12)}) == {}


def test_a_bound_problem_is_not_hidden_by_a_cross_check():
    """A value out of bounds keeps its bounds message even when it also contradicts another."""
    problems = parameter_problems({"pathway_warning_months": Decimal(500)})
    assert problems == {"pathway_warning_months": "Saisissez une valeur entre 1 et 120 mois."}


def test_unknown_keys_are_not_checked():
    """A key that is not a parameter neither crashes the check nor is reported."""
    assert parameter_problems({"retired_parameter": Decimal(-5)}) == {}


@pytest.mark.parametrize(("value", "text"), [
    ("17.5", "17,5"), ("17.50", "17,5"), ("6.00", "6"), ("700", "700"), ("5000", "5000"),
    ("0", "0"), ("0.00", "0"),
])
def test_numbers_are_written_the_french_way(value, text):
    """No useless zeros, no exponent, a decimal comma."""
    assert format_number(Decimal(value)) == text
