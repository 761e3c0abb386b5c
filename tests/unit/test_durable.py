"""Durable-employment rules, with expectations computed by hand from PRODUCT.md's defaults."""

from datetime import date
from decimal import Decimal

import pytest

from app.domain.durable import days_for_months, evaluate_durable
from app.domain.facts import JobFact, MissionFact, PathwayFacts, StepFact
from app.domain.rules import DEFAULTS

D = date
ENTRY = D(2024, 1, 8)


def job(key=1, kind="CDI", start=D(2025, 3, 1), planned_end=None, actual_end=None,
        hours="35", missions=()):
    """A job with full-time hours unless told otherwise."""
    return JobFact(key, kind, start, planned_end, actual_end,
                   None if hours is None else Decimal(hours), tuple(missions))


def mission(start, end, hours=None):
    """An intérim mission."""
    return MissionFact(start, end, None if hours is None else Decimal(hours))


def evaluate(*jobs, steps=(), as_of=D(2026, 6, 1), params=DEFAULTS):
    """The evaluation of a pathway holding only these jobs and steps."""
    facts = PathwayFacts(entry_date=ENTRY, jobs=tuple(jobs), steps=tuple(steps))
    return evaluate_durable(facts, params, as_of)


def reasons(evaluation):
    """The rejection reasons, in order."""
    return [r.reason for r in evaluation.rejections]


# --- CDI and validation after 6 months -------------------------------------------------------

def test_full_time_cdi_is_provisional_until_six_months_are_held():
    result = evaluate(job(start=D(2025, 3, 1)), as_of=D(2025, 8, 31))
    assert result.status == "provisional"
    assert result.current.rule == "cdi"
    assert result.current.qualified_on == D(2025, 3, 1)
    assert result.current.validation_due == D(2025, 9, 1)
    assert result.current.validated_on is None


def test_full_time_cdi_is_validated_on_the_day_six_months_are_held():
    result = evaluate(job(start=D(2025, 3, 1)), as_of=D(2025, 9, 1))
    assert result.status == "validated"
    assert result.current.validated_on == D(2025, 9, 1)
    assert result.current.exit_category == "emploi_durable"


def test_job_ending_before_validation_sends_back_to_pathway():
    cdi = job(start=D(2025, 1, 1), actual_end=D(2025, 4, 15))
    on_last_day = evaluate(cdi, as_of=D(2025, 4, 15))
    assert on_last_day.status == "provisional"
    after = evaluate(cdi, as_of=D(2025, 4, 16))
    assert after.status == "ended_early"
    assert after.current.ended_on == D(2025, 4, 15)
    # Even long after the validation date, a job that ended early is never validated.
    assert evaluate(cdi, as_of=D(2026, 1, 1)).status == "ended_early"


def test_job_held_to_the_last_day_of_the_sixth_month_is_validated():
    cdi = job(start=D(2025, 1, 1), actual_end=D(2025, 6, 30))
    result = evaluate(cdi, as_of=D(2025, 7, 1))
    assert result.status == "validated"
    assert result.current.validated_on == D(2025, 7, 1)


def test_job_ending_one_day_short_of_validation_is_not_validated():
    cdi = job(start=D(2025, 1, 1), actual_end=D(2025, 6, 29))
    assert evaluate(cdi, as_of=D(2025, 7, 1)).status == "ended_early"


def test_validation_due_on_leap_day_and_from_leap_day():
    from_leap_day = evaluate(job(start=D(2024, 2, 29)), as_of=D(2024, 8, 29))
    assert from_leap_day.current.validation_due == D(2024, 8, 29)
    assert from_leap_day.status == "validated"
    to_leap_day = evaluate(job(start=D(2023, 8, 31)), as_of=D(2024, 2, 28))
    assert to_leap_day.current.validation_due == D(2024, 2, 29)
    assert to_leap_day.status == "provisional"


def test_job_starting_after_the_evaluation_date_does_not_count_yet():
    result = evaluate(job(start=D(2026, 7, 1)), as_of=D(2026, 6, 1))
    assert result.status == "none"
    assert reasons(result) == ["CDI qui commence le 1 juillet 2026"]


# --- Half-time ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours", "expected"), [
    ("17.5", None),
    ("35", None),
    ("17.4", "temps partiel 17,4 h < mi-temps (17,5 h)"),
    ("15", "temps partiel 15 h < mi-temps (17,5 h)"),
    (None, "durée hebdomadaire non renseignée"),
])
def test_half_time_is_the_floor_of_a_durable_job(hours, expected):
    result = evaluate(job(hours=hours))
    if expected is None:
        assert result.status == "validated"
        assert reasons(result) == []
    else:
        assert result.status == "none"
        assert reasons(result) == [expected]


# --- CDD and alternance: planned duration ------------------------------------------------------

def test_cdd_of_exactly_six_months_qualifies():
    result = evaluate(job(kind="CDD", start=D(2025, 1, 1), planned_end=D(2025, 6, 30)))
    assert result.current.rule == "cdd"
    assert result.current.detail == "CDD de 6 mois, 35 h par semaine"


def test_cdd_of_six_months_minus_a_day_does_not():
    result = evaluate(job(kind="CDD", start=D(2025, 1, 1), planned_end=D(2025, 6, 29)))
    assert result.status == "none"
    assert reasons(result) == ["CDD de 5 mois < 6 mois"]


def test_cdd_of_four_months_gives_its_length():
    result = evaluate(job(kind="CDD", start=D(2025, 2, 1), planned_end=D(2025, 5, 31)))
    assert reasons(result) == ["CDD de 4 mois < 6 mois"]


@pytest.mark.parametrize(("start", "planned_end", "qualifies"), [
    (D(2024, 2, 29), D(2024, 8, 28), True),   # six months from a leap day end on 28 August
    (D(2024, 2, 29), D(2024, 8, 27), False),
    (D(2023, 8, 31), D(2024, 2, 28), True),   # 31 Aug + 6 months = 29 Feb 2024, minus a day
    (D(2023, 8, 31), D(2024, 2, 27), False),
])
def test_cdd_duration_across_leap_years(start, planned_end, qualifies):
    result = evaluate(job(kind="CDD", start=start, planned_end=planned_end))
    assert (result.status != "none") is qualifies


def test_cdd_without_planned_end_is_not_counted():
    assert reasons(evaluate(job(kind="CDD"))) == ["CDD sans date de fin prévue"]


def test_apprenticeship_of_a_year_qualifies_as_alternance():
    result = evaluate(job(kind="APPRENTISSAGE", start=D(2025, 9, 1),
                          planned_end=D(2026, 8, 31)), as_of=D(2025, 10, 1))
    assert result.status == "provisional"
    assert result.current.rule == "alternance"


def test_short_professionalisation_contract_is_refused():
    result = evaluate(job(kind="PRO", start=D(2025, 9, 1), planned_end=D(2026, 1, 31)))
    assert reasons(result) == ["contrat en alternance de 5 mois < 6 mois"]


# --- Creation and transition jobs -------------------------------------------------------------

def test_business_creation_qualifies_without_hours():
    result = evaluate(job(kind="CREATION", hours=None, start=D(2025, 5, 1)),
                      as_of=D(2025, 6, 1))
    assert result.status == "provisional"
    assert result.current.exit_category == "creation_activite"
    assert result.current.validation_due == D(2025, 11, 1)


@pytest.mark.parametrize(("kind", "reason"), [
    ("CDDI", "CDDI en SIAE : emploi de transition"),
    ("PEC", "PEC (contrat aidé) : emploi de transition"),
    ("AUTRE", "contrat « autre » : non retenu comme emploi durable"),
])
def test_transition_jobs_are_not_durable(kind, reason):
    result = evaluate(job(kind=kind, planned_end=D(2026, 2, 28)))
    assert result.status == "none"
    assert reasons(result) == [reason]


# --- Intérim ---------------------------------------------------------------------------------

def interim(*missions, key=5):
    """An intérim episode holding the given missions."""
    return job(key=key, kind="INTERIM", start=missions[0].start, missions=missions)


def test_six_months_means_183_days_of_missions():
    assert days_for_months(6) == 183
    assert days_for_months(8) == 244
    assert days_for_months(12) == 365


def test_interim_gap_at_the_tolerance_keeps_the_chain():
    # 1 Jan–31 Mar: 90 days; gap 1–15 April = 15 days; then 93 more days reach 183 on 17 July.
    result = evaluate(interim(mission(D(2025, 1, 1), D(2025, 3, 31)),
                              mission(D(2025, 4, 16), D(2025, 7, 31))), as_of=D(2025, 8, 1))
    assert result.status == "validated"
    assert result.current.rule == "interim"
    assert result.current.qualified_on == D(2025, 7, 17)
    assert result.current.validated_on == D(2025, 7, 17)


def test_interim_gap_over_the_tolerance_breaks_the_chain():
    # A 16-day gap: only the second chain counts, 17 April–31 July = 106 days.
    result = evaluate(interim(mission(D(2025, 1, 1), D(2025, 3, 31)),
                              mission(D(2025, 4, 17), D(2025, 7, 31))), as_of=D(2025, 8, 1))
    assert result.status == "none"
    assert reasons(result) == [
        "intérim : 106 jours et 0 h cumulés depuis le 17 avril 2025 < 183 jours (6 mois) "
        "ou 910 h"]


def test_interim_hours_threshold_can_come_first():
    # 600 h by 31 March, then 330 h over 30 days (11 h a day): 310 more need 29 days → 29 April.
    result = evaluate(interim(mission(D(2025, 1, 1), D(2025, 3, 31), "600"),
                              mission(D(2025, 4, 1), D(2025, 4, 30), "330")),
                      as_of=D(2025, 5, 1))
    assert result.current.qualified_on == D(2025, 4, 29)


def test_interim_threshold_not_reached_before_the_evaluation_date():
    missions = (mission(D(2025, 1, 1), D(2025, 3, 31), "600"),
                mission(D(2025, 4, 1), D(2025, 4, 30), "330"))
    result = evaluate(interim(*missions), as_of=D(2025, 4, 28))
    assert result.status == "none"
    assert "depuis le 1 janvier 2025" in reasons(result)[0]


def test_overlapping_missions_count_their_days_once():
    # 1 Jan–30 Apr (120 days) and 1 Mar–31 Jul overlap; 63 new days from 1 May → 2 July.
    result = evaluate(interim(mission(D(2025, 1, 1), D(2025, 4, 30)),
                              mission(D(2025, 3, 1), D(2025, 7, 31))), as_of=D(2025, 8, 1))
    assert result.current.qualified_on == D(2025, 7, 2)


def test_missions_of_two_agencies_cumulate():
    first = interim(mission(D(2025, 1, 1), D(2025, 3, 31)), key=5)
    second = interim(mission(D(2025, 4, 10), D(2025, 7, 31)), key=6)
    result = evaluate(first, second, as_of=D(2025, 8, 1))
    assert result.current.keys == (5, 6)
    assert result.current.qualified_on == D(2025, 7, 11)  # 90 days + 93 days from 10 April


def test_open_ended_interim_episode_without_missions_counts_to_the_evaluation_date():
    episode = job(key=7, kind="INTERIM", start=D(2025, 1, 1))
    assert evaluate(episode, as_of=D(2025, 7, 1)).status == "none"  # 182 days
    result = evaluate(episode, as_of=D(2025, 7, 2))  # the 183rd day
    assert result.current.qualified_on == D(2025, 7, 2)


# --- Seasonal --------------------------------------------------------------------------------

def test_eight_months_of_seasons_within_twelve_qualify():
    # 1 Mar–30 Jun 2024: 122 days; 15 Jul–30 Nov: 139 days; the 244th day is 13 November.
    result = evaluate(job(key=1, kind="SAISONNIER", start=D(2024, 3, 1),
                          planned_end=D(2024, 6, 30)),
                      job(key=2, kind="SAISONNIER", start=D(2024, 7, 15),
                          planned_end=D(2024, 11, 30)), as_of=D(2025, 1, 1))
    assert result.current.rule == "saisonnier"
    assert result.current.qualified_on == D(2024, 11, 13)
    assert result.current.keys == (1, 2)


def test_seasons_outside_the_rolling_window_do_not_add_up():
    # 122 days in 2023 fall out of the window before the 153 days of 2024 are worked.
    result = evaluate(job(key=1, kind="SAISONNIER", start=D(2023, 4, 1),
                          planned_end=D(2023, 7, 31)),
                      job(key=2, kind="SAISONNIER", start=D(2024, 5, 1),
                          planned_end=D(2024, 9, 30)), as_of=D(2024, 10, 15))
    assert result.status == "none"
    assert reasons(result)[0] == ("saisonnier : 153 jours travaillés sur les 12 mois écoulés "
                                  "< 244 jours (8 mois)")


def test_part_time_seasonal_contract_is_refused():
    result = evaluate(job(kind="SAISONNIER", planned_end=D(2025, 12, 31), hours="10"))
    assert reasons(result) == ["saisonnier : temps partiel 10 h < mi-temps (17,5 h)"]


# --- Trainings -------------------------------------------------------------------------------

def training(key=9, kind="FORM_Q", status="realisee", start=D(2025, 1, 6),
             planned_end=D(2025, 6, 30), actual_end=None, certified=True):
    """A training step."""
    return StepFact(key, kind, status, planned_start=start, planned_end=planned_end,
                    actual_start=start if status != "prevue" else None, actual_end=actual_end,
                    certification_obtained=certified)


def test_certified_qualifying_training_is_a_validated_positive_exit():
    result = evaluate(steps=[training(actual_end=D(2025, 6, 27))], as_of=D(2025, 7, 1))
    assert result.status == "validated"
    assert result.current.rule == "formation_qualifiante"
    assert result.current.qualified_on == D(2025, 6, 27)
    assert result.current.exit_category == "formation_qualifiante"


def test_training_without_the_certification_is_refused():
    result = evaluate(steps=[training(certified=False)])
    assert result.status == "none"
    assert reasons(result) == ["formation qualifiante terminée sans la certification"]


def test_training_in_progress_is_neither_counted_nor_refused():
    result = evaluate(steps=[training(status="en_cours", certified=None)], as_of=D(2025, 3, 1))
    assert result.status == "none"
    assert reasons(result) == []


def test_long_training_counts_once_six_months_are_done():
    long = training(kind="FORM_PQ", status="en_cours", planned_end=D(2025, 12, 19),
                    certified=None)
    assert evaluate(steps=[long], as_of=D(2025, 7, 5)).status == "none"
    result = evaluate(steps=[long], as_of=D(2025, 7, 6))
    assert result.current.rule == "formation_longue"
    assert result.current.qualified_on == D(2025, 7, 6)


@pytest.mark.parametrize(("planned_end", "long"), [
    (D(2025, 10, 5), False),  # exactly nine months: not longer than nine
    (D(2025, 10, 6), True),   # nine months and a day
])
def test_a_long_training_is_longer_than_nine_months(planned_end, long):
    step = training(kind="FORM_PQ", status="en_cours", planned_end=planned_end, certified=None)
    assert (evaluate(steps=[step], as_of=D(2025, 8, 1)).status == "validated") is long


def test_long_training_abandoned_before_six_months_does_not_count():
    step = training(kind="FORM_PQ", status="abandonnee", planned_end=D(2025, 12, 19),
                    actual_end=D(2025, 5, 30), certified=None)
    assert evaluate(steps=[step], as_of=D(2025, 8, 1)).status == "none"


# --- Several candidates, parameters --------------------------------------------------------

def test_validated_job_wins_over_a_later_provisional_one():
    result = evaluate(job(key=1, start=D(2024, 1, 1)), job(key=2, start=D(2026, 1, 1)),
                      as_of=D(2026, 2, 1))
    assert result.status == "validated"
    assert result.current.keys == (1,)
    assert [q.keys for q in result.qualifications] == [(1,), (2,)]


def test_parameters_change_the_evaluation():
    four_month_cdd = job(kind="CDD", start=D(2025, 2, 1), planned_end=D(2025, 5, 31),
                         hours="15")
    assert evaluate(four_month_cdd).status == "none"
    looser = DEFAULTS.with_values({"durable_min_months": Decimal(4),
                                   "half_time_weekly_hours": Decimal(15)})
    assert evaluate(four_month_cdd, params=looser).status != "none"


def test_a_shorter_validation_period_validates_earlier():
    shorter = DEFAULTS.with_values({"validation_months": Decimal(3)})
    result = evaluate(job(start=D(2025, 3, 1)), as_of=D(2025, 6, 1), params=shorter)
    assert result.status == "validated"
    assert result.current.validated_on == D(2025, 6, 1)


def test_a_wider_gap_tolerance_joins_missions():
    missions = interim(mission(D(2025, 1, 1), D(2025, 3, 31)),
                       mission(D(2025, 4, 21), D(2025, 8, 31)))  # a 20-day gap
    assert evaluate(missions, as_of=D(2025, 9, 1)).status == "none"
    wider = DEFAULTS.with_values({"interim_max_gap_days": Decimal(20)})
    assert evaluate(missions, as_of=D(2025, 9, 1), params=wider).status == "validated"
