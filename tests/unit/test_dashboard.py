"""The dashboard's pure helpers and charts: periods, medians, shares, rounding, ceilings,
group sums, alert kinds, SVG."""

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.charts.dashboard import FunnelStep, RateBar, percent, render_funnel, render_rate_chart
from app.domain.dashboard import (
    Combination,
    ceiling_status,
    day_counts,
    day_median,
    effective_ceiling,
    group_totals,
    hundredths_mean,
    kind_counts,
    mean,
    median,
    parse_period,
    points,
    rolling_year,
    rounded,
    share,
)

TODAY = date(2026, 3, 15)
SVG = "{http://www.w3.org/2000/svg}"


# --- Medians --------------------------------------------------------------------------------

def test_median_of_an_odd_count_is_the_middle_value():
    assert median([40, 10, 30]) == Decimal(30)


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert median([10, 20, 31, 100]) == Decimal("25.5")


def test_median_of_nothing_is_none():
    assert median([]) is None


def test_median_of_one_value_is_that_value():
    assert median([7]) == Decimal(7)


def test_the_day_median_is_shown_to_one_decimal():
    assert day_median([40, 10, 30]) == Decimal("30.0")
    assert str(day_median([40, 10, 30])) == "30.0"
    assert day_median([10, 20, 31, 100]) == Decimal("25.5")
    assert day_median([]) is None


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=60))
def test_the_day_median_is_what_the_sql_middle_rows_gave(values):
    """The former window query kept the rows ranked p of n with n <= 2p <= n + 2 and
    returned their sum and number; the dashboard showed sum / number to one decimal."""
    ordered = sorted(values)
    kept = [value for position, value in enumerate(ordered, start=1)
            if len(ordered) <= 2 * position <= len(ordered) + 2]
    former = rounded(Decimal(sum(kept)) / Decimal(len(kept)), 1) if kept else None
    assert day_median(values) == former
    assert str(day_median(values)) == str(former)


def test_day_counts_read_a_comma_joined_string():
    assert day_counts("12,0,7") == [12, 0, 7]
    assert day_counts("5") == [5]
    assert day_counts("") == []
    assert day_counts(None) == []


# --- Groups of pathways ---------------------------------------------------------------------

def test_group_totals_add_up_the_combinations_of_each_group():
    combinations = [
        Combination(("all", "RSA", "sex:F"), {"entries": 3, "exits": 1}, {"first_job": [10, 30]}),
        Combination(("all", "sex:M"), {"entries": 2, "exits": 0}, {"first_job": [20]}),
        Combination(("all", "RSA", "sex:M"), {"entries": 1, "exits": 1}, {"first_job": []}),
    ]
    totals = group_totals(combinations)
    assert set(totals) == {"all", "RSA", "sex:F", "sex:M"}
    assert totals["all"].counts == {"entries": 6, "exits": 2}
    assert totals["RSA"].counts == {"entries": 4, "exits": 2}
    assert totals["sex:M"].counts == {"entries": 3, "exits": 1}
    assert sorted(totals["all"].days["first_job"]) == [10, 20, 30]
    assert totals["sex:M"].days["first_job"] == [20]
    assert totals["sex:F"].days["durable"] == []  # a measure nobody reached: no day


PATHWAYS = st.lists(st.tuples(st.frozensets(st.sampled_from(["RSA", "QPV", "JEUNE"])),
                              st.sampled_from(["sex:F", "sex:M"]),
                              st.integers(min_value=0, max_value=1),
                              st.one_of(st.none(), st.integers(min_value=0, max_value=900))),
                    max_size=40)


@given(PATHWAYS)
def test_group_totals_match_counting_each_group_directly(pathways):
    """Pathways (publics, sex, exited 0/1, days to a first job or None) summed per
    combination of publics and sex, then per group: as if each group were counted alone."""
    by_combination: dict = {}
    for publics, sex, exited, days in pathways:
        counts, measured = by_combination.setdefault((publics, sex), (Counter(), []))
        counts.update({"pathways": 1, "exits": exited})
        measured.extend([] if days is None else [days])
    totals = group_totals(
        Combination(("all", *sorted(publics), sex), counts, {"first_job": measured})
        for (publics, sex), (counts, measured) in by_combination.items())
    for group in ("all", "RSA", "QPV", "JEUNE", "sex:F", "sex:M"):
        members = [p for p in pathways if group == "all" or group in p[0] or group == p[1]]
        found = totals.get(group)
        if not members:
            assert found is None
            continue
        assert found.counts["pathways"] == len(members)
        assert found.counts["exits"] == sum(p[2] for p in members)
        days = [p[3] for p in members if p[3] is not None]
        assert sorted(found.days["first_job"]) == sorted(days)
        assert day_median(found.days["first_job"]) == (rounded(median(days), 1) if days
                                                       else None)


# --- Alert kinds ----------------------------------------------------------------------------

def test_kind_counts_count_each_row_once_per_kind_it_lists():
    counts = kind_counts([("contact,etape", 3), ("etape", 2), ("contact,contact", 1),
                          ("", 4), (None, 5), ("emploi,", 1)])
    assert counts == {"contact": 4, "etape": 5, "emploi": 1}
    assert counts["absent"] == 0


# --- Shares, means, rounding ----------------------------------------------------------------

def test_share_with_a_zero_or_missing_denominator_is_none():
    assert share(0, 0) is None
    assert share(3, 0) is None
    assert share(3, None) is None


def test_share_is_a_percentage_to_one_decimal_rounded_half_up():
    assert share(1, 3) == Decimal("33.3")
    assert share(2, 3) == Decimal("66.7")
    assert share(1, 8) == Decimal("12.5")
    assert share(1, 16) == Decimal("6.3")  # 6.25 → 6.3, not 6.2 (no banker's rounding)
    assert share(0, 5) == Decimal("0.0")
    assert share(5, 5) == Decimal("100.0")


def test_rounding_is_half_up_and_keeps_none():
    assert rounded(Decimal("2.25"), 1) == Decimal("2.3")
    assert rounded(Decimal("-2.25"), 1) == Decimal("-2.3")
    assert rounded(0.125, 2) == Decimal("0.13")
    assert rounded(None) is None


def test_means_need_at_least_one_value():
    assert mean(10, 4) == Decimal("2.50")
    assert mean(10, 0) is None
    assert hundredths_mean(25, 2) == Decimal("0.13")  # 0.125 → 0.13
    assert hundredths_mean(-50, 4) == Decimal("-0.13")
    assert hundredths_mean(0, 0) is None


def test_points_against_the_target():
    assert points(Decimal("40.0"), Decimal(42)) == Decimal("-2.0")
    assert points(Decimal("50.5"), Decimal(42)) == Decimal("8.5")
    assert points(None, Decimal(42)) is None


# --- Caseload ceilings ----------------------------------------------------------------------

def test_a_referents_own_ceiling_wins_over_the_rule_parameter():
    assert effective_ceiling(40, 70) == 40
    assert effective_ceiling(0, 70) == 70
    assert effective_ceiling(None, 70) == 70


@pytest.mark.parametrize(("count", "ceiling", "status"), [
    (3, 10, "ok"), (8, 10, "ok"), (9, 10, "near"), (10, 10, "near"), (11, 10, "over"),
    (0, 70, "ok"), (5, 0, "ok"),
])
def test_ceiling_status(count, ceiling, status):
    assert ceiling_status(count, ceiling) == status


# --- Periods --------------------------------------------------------------------------------

def test_the_default_period_is_the_last_twelve_months():
    choice = parse_period({}, TODAY)
    assert (choice.period.start, choice.period.end) == (date(2025, 3, 16), TODAY)
    assert choice.period.kind == "rolling" and not choice.errors
    assert rolling_year(date(2024, 2, 29)).start == date(2023, 3, 1)


def test_a_year_a_quarter_and_dates():
    year = parse_period({"annee": "2025"}, TODAY).period
    assert (year.start, year.end, year.label) == (date(2025, 1, 1), date(2025, 12, 31),
                                                  "l'année 2025")
    quarter = parse_period({"annee": "2024", "trimestre": "1"}, TODAY).period
    assert (quarter.start, quarter.end) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter.label.startswith("le 1er trimestre 2024")
    fourth = parse_period({"annee": "2025", "trimestre": "4"}, TODAY).period
    assert (fourth.start, fourth.end) == (date(2025, 10, 1), date(2025, 12, 31))
    span = parse_period({"du": "2025-02-03", "au": "10/03/2025"}, TODAY).period
    assert (span.start, span.end, span.kind) == (date(2025, 2, 3), date(2025, 3, 10), "range")
    assert span.days == 36


def test_dates_win_over_the_year_and_a_start_alone_runs_to_today():
    choice = parse_period({"annee": "2020", "du": "2026-01-01"}, TODAY)
    assert (choice.period.start, choice.period.end) == (date(2026, 1, 1), TODAY)


@pytest.mark.parametrize(("args", "field", "words"), [
    ({"annee": "deux mille"}, "annee", "entre 2000 et 2099"),
    ({"annee": "1999"}, "annee", "entre 2000 et 2099"),
    ({"annee": "2025", "trimestre": "5"}, "trimestre", "entre 1 et 4"),
    ({"trimestre": "2"}, "annee", "l'année du trimestre"),
    ({"du": "2025-02-30"}, "du", "pas une date valide"),
    ({"du": "n'importe quoi"}, "du", "pas une date valide"),
    ({"du": "1900-01-01", "au": "2025-01-01"}, "du", "entre le 1er janvier 2000"),
    ({"au": "2025-01-01"}, "du", "date de début"),
    ({"du": "2025-03-01", "au": "2025-02-01"}, "au", "précède la date de début"),
    ({"du": "2027-01-01"}, "au", "après aujourd'hui"),
    ({"du": "9" * 500}, "du", "pas une date valide"),
])
def test_bad_periods_give_a_french_message_and_the_default_period(args, field, words):
    choice = parse_period(args, TODAY)
    assert words in choice.errors[field]
    assert choice.period == rolling_year(TODAY)


# --- Charts ---------------------------------------------------------------------------------

def texts(root) -> list[str]:
    """Every <text> content of a chart."""
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_the_rate_chart_is_accessible_svg_with_its_target():
    svg = render_rate_chart([RateBar("Sorties positives", Decimal("40.0"), "4 sur 10"),
                             RateBar("dont validées", Decimal("30.0"), "3 sur 10", "validated"),
                             RateBar("Public <vide>", None)],
                            title="Sorties & objectif", target=Decimal(42), id_prefix="t")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").text == "Sorties & objectif"
    desc = root.find(f"{SVG}desc").text
    assert "L'objectif est de 42\u202f%" in desc
    assert "Sorties positives : 40\u202f% (4 sur 10)" in desc
    found = texts(root)
    assert "Objectif 42\u202f%" in found
    assert "40\u202f% (4 sur 10)" in found
    assert "aucune sortie" in found  # the bar with nothing to divide
    assert "Public <vide>" in found  # escaped in the markup, readable once parsed
    assert "style=" not in svg  # the CSP blocks inline style attributes


def test_bars_are_as_long_as_their_rate():
    root = ET.fromstring(render_rate_chart([RateBar("a", Decimal(25)), RateBar("b", Decimal(50))],
                                           title="t"))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(2 * widths[0])


def test_the_funnel_shows_counts_and_shares_of_the_entries():
    svg = render_funnel([FunnelStep("Entrée validée", 8), FunnelStep("Diagnostic réalisé", 6),
                         FunnelStep("Accès à l'emploi durable", 1)], 8, title="Jalons")
    root = ET.fromstring(svg)
    found = texts(root)
    assert "8 (100\u202f%)" in found and "6 (75\u202f%)" in found and "1 (12,5\u202f%)" in found
    assert "Sur 8 parcours" in root.find(f"{SVG}desc").text
    assert {"0\u202f%", "50\u202f%", "100\u202f%"} <= set(found)  # the axis: share of entries


def test_charts_with_nothing_to_draw_are_empty():
    assert render_rate_chart([], title="t") == ""
    assert render_funnel([FunnelStep("Entrée validée", 0)], 0, title="t") == ""


def test_percent_drops_a_useless_decimal():
    assert percent(Decimal("42.0")) == "42\u202f%"
    assert percent(Decimal("12.5")) == "12,5\u202f%"
    assert percent(None) == "—"
