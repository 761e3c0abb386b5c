"""Distance travelled (pure): baseline and latest grids, deltas, means, due dates, dating rules."""

import random
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.assessment_grid import (
    ASSESSMENT_KINDS,
    DEFAULT_DIMENSIONS,
    SCORE_LEVELS,
    DatedAssessment,
    assessment_problems,
)
from app.domain.distance import (
    AssessmentData,
    assessment_due,
    distance_travelled,
    mean_score,
)

CODES = [d.code for d in DEFAULT_DIMENSIONS]
ENTRY = date(2025, 3, 3)


def grid(day: date, kind: str, *scores: int, codes=CODES) -> AssessmentData:
    """A grid scoring the dimensions in order."""
    return AssessmentData(day, kind, dict(zip(codes, scores, strict=False)))


def test_the_eight_default_dimensions_each_describe_four_levels():
    assert CODES == ["PROJET", "RECHERCHE", "COMPETENCES", "SAVOIR_ETRE", "MOBILITE", "SANTE",
                     "LOGEMENT", "NUMERIQUE"]
    for dimension in DEFAULT_DIMENSIONS:
        assert len(dimension.levels) == 4
        assert all(10 <= len(text) <= 300 for text in dimension.levels)
        assert len(set(dimension.levels)) == 4
    mobility = next(d for d in DEFAULT_DIMENSIONS if d.code == "MOBILITE")
    assert mobility.levels[0] == "Aucun moyen de se déplacer vers un emploi"
    assert mobility.levels[3].startswith("Se déplace de façon autonome")


def test_hand_computed_deltas_and_means():
    entry = grid(ENTRY, "entree", 1, 2, 2, 3, 1, 2, 3, 1)        # sum 15 → 1,875
    middle = grid(date(2025, 9, 1), "intermediaire", 2, 2, 2, 3, 2, 2, 3, 2)
    exit_ = grid(date(2026, 2, 2), "sortie", 3, 4, 2, 3, 4, 2, 2, 3)  # sum 23 → 2,875

    result = distance_travelled([entry, middle, exit_], CODES)

    assert result.baseline is entry and result.latest is exit_
    assert [(c.code, c.baseline, c.latest, c.delta) for c in result.dimensions] == [
        ("PROJET", 1, 3, 2), ("RECHERCHE", 2, 4, 2), ("COMPETENCES", 2, 2, 0),
        ("SAVOIR_ETRE", 3, 3, 0), ("MOBILITE", 1, 4, 3), ("SANTE", 2, 2, 0),
        ("LOGEMENT", 3, 2, -1), ("NUMERIQUE", 1, 3, 2),
    ]
    assert result.baseline_mean == Decimal("1.88")  # 1,875 rounded half-up
    assert result.latest_mean == Decimal("2.88")
    assert result.delta == Decimal("1.00")
    assert result.has_follow_up and result.assessment_count == 3
    assert result.not_comparable == ()


def test_delta_is_the_difference_of_the_rounded_means():
    # Three dimensions: 1/3 → 0,33 and 2/3 → 0,67 would give a delta of 0,33 computed exactly,
    # but the reader sees 1,33 → 2,67: the delta shown is 1,34 so the figures add up.
    codes = ["A", "B", "C"]
    result = distance_travelled([grid(ENTRY, "entree", 1, 1, 2, codes=codes),
                                 grid(date(2025, 6, 2), "sortie", 3, 3, 2, codes=codes)])
    assert result.baseline_mean == Decimal("1.33")
    assert result.latest_mean == Decimal("2.67")
    assert result.delta == Decimal("1.34") == result.latest_mean - result.baseline_mean


def test_a_regression_is_a_negative_delta():
    result = distance_travelled([grid(ENTRY, "entree", 3, 3, 3, 3, 3, 3, 3, 3),
                                 grid(date(2025, 9, 1), "intermediaire", 3, 2, 3, 3, 3, 2, 3, 3)])
    assert result.delta == Decimal("-0.25")
    assert [c.delta for c in result.dimensions if c.delta] == [-1, -1]


def test_dimensions_missing_in_one_grid_are_not_comparable_and_left_out_of_the_means():
    entry = AssessmentData(ENTRY, "entree", {"MOBILITE": 1, "SANTE": 2, "NUMERIQUE": 2})
    later = AssessmentData(date(2025, 9, 1), "intermediaire",
                           {"MOBILITE": 3, "NUMERIQUE": 3, "PROJET": 2})

    result = distance_travelled([later, entry], CODES)

    by_code = {c.code: c for c in result.dimensions}
    assert [c.code for c in result.dimensions] == ["PROJET", "MOBILITE", "SANTE", "NUMERIQUE"]
    assert by_code["SANTE"].baseline == 2 and by_code["SANTE"].latest is None
    assert by_code["PROJET"].baseline is None and by_code["PROJET"].latest == 2
    assert by_code["SANTE"].delta is None and not by_code["SANTE"].comparable
    assert set(result.not_comparable) == {"SANTE", "PROJET"}
    assert result.baseline_mean == Decimal("1.50")  # MOBILITE 1, NUMERIQUE 2
    assert result.latest_mean == Decimal("3.00")
    assert result.delta == Decimal("1.50")


def test_nothing_in_common_gives_no_overall_figure():
    result = distance_travelled([AssessmentData(ENTRY, "entree", {"A": 1}),
                                 AssessmentData(date(2025, 5, 5), "sortie", {"B": 4})])
    assert result.baseline_mean is None and result.latest_mean is None and result.delta is None
    assert set(result.not_comparable) == {"A", "B"}


def test_without_an_entry_grid_the_earliest_is_the_baseline():
    first = grid(date(2025, 4, 1), "intermediaire", 2, 2, 2, 2, 2, 2, 2, 2)
    second = grid(date(2025, 10, 1), "intermediaire", 3, 3, 3, 3, 2, 2, 2, 2)
    result = distance_travelled([second, first])
    assert result.baseline is first and result.latest is second
    assert result.delta == Decimal("0.50")


def test_the_entry_grid_is_the_baseline_even_when_not_the_earliest():
    # Data entered before the rules existed: an intermediate grid dated before the entry one.
    early = grid(date(2025, 2, 1), "intermediaire", 4, 4, 4, 4, 4, 4, 4, 4)
    entry = grid(ENTRY, "entree", 1, 1, 1, 1, 1, 1, 1, 1)
    later = grid(date(2025, 9, 1), "intermediaire", 2, 2, 2, 2, 2, 2, 2, 2)
    result = distance_travelled([early, later, entry])
    assert result.baseline is entry and result.latest is later
    assert result.delta == Decimal("1.00")


def test_the_earliest_of_two_entry_grids_is_the_baseline():
    first = grid(ENTRY, "entree", 1, 1, 1, 1, 1, 1, 1, 1)
    second = grid(date(2025, 4, 1), "entree", 2, 2, 2, 2, 2, 2, 2, 2)
    assert distance_travelled([second, first]).baseline is first


def test_on_the_same_day_the_exit_grid_is_the_latest():
    middle = grid(date(2025, 9, 1), "intermediaire", 2, 2, 2, 2, 2, 2, 2, 2)
    exit_ = grid(date(2025, 9, 1), "sortie", 3, 3, 3, 3, 3, 3, 3, 3)
    entry = grid(ENTRY, "entree", 1, 1, 1, 1, 1, 1, 1, 1)
    assert distance_travelled([exit_, middle, entry]).latest is exit_
    assert distance_travelled([middle, exit_, entry]).latest is exit_


def test_a_single_grid_has_no_follow_up():
    entry = grid(ENTRY, "entree", 1, 2, 3, 4, 1, 2, 3, 4)
    result = distance_travelled([entry])
    assert result.baseline is entry and result.latest is entry
    assert not result.has_follow_up
    assert result.delta == Decimal("0.00") and result.baseline_mean == Decimal("2.50")
    assert all(c.delta == 0 for c in result.dimensions)


def test_no_grid_no_distance():
    assert distance_travelled([]) is None


def test_mean_score():
    assert mean_score([]) is None
    assert mean_score([1, 2]) == Decimal("1.50")
    assert mean_score([1, 1, 2]) == Decimal("1.33")
    assert mean_score([2, 2, 3]) == Decimal("2.33")
    assert mean_score([1, 2, 2, 2, 2, 2, 2, 2]) == Decimal("1.88")  # 1,875 → half-up


scores = st.dictionaries(st.sampled_from(CODES), st.sampled_from(SCORE_LEVELS), max_size=8)
grids = st.builds(AssessmentData,
                  st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
                  st.sampled_from(list(ASSESSMENT_KINDS)), scores)


@given(st.lists(grids, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_the_grids(assessments, rng: random.Random):
    shuffled = list(assessments)
    rng.shuffle(shuffled)

    first = distance_travelled(assessments, CODES)
    second = distance_travelled(shuffled, CODES)

    assert first.dimensions == second.dimensions
    assert (first.baseline_mean, first.latest_mean, first.delta) == \
        (second.baseline_mean, second.latest_mean, second.delta)
    assert first.baseline == second.baseline and first.latest == second.latest


@given(st.lists(grids, min_size=1, max_size=8))
def test_deltas_stay_within_the_scale_and_add_up(assessments):
    result = distance_travelled(assessments, CODES)
    for change in result.dimensions:
        if change.comparable:
            assert -3 <= change.delta <= 3
            assert change.delta == change.latest - change.baseline
    if result.delta is not None:
        assert Decimal("1") <= result.baseline_mean <= Decimal("4")
        assert result.delta == result.latest_mean - result.baseline_mean
        assert result.delta == result.delta.quantize(Decimal("0.01"))


# --- When the next grid is due -------------------------------------------------------------

def test_next_grid_is_due_six_months_after_the_latest():
    due = assessment_due(date(2025, 8, 31), today=date(2025, 12, 1))
    assert due.due_on == date(2026, 2, 28)  # clamped to the month's end
    assert not due.overdue


def test_a_grid_past_its_due_date_is_overdue():
    due = assessment_due(date(2025, 1, 15), today=date(2025, 7, 16), months=6)
    assert due.due_on == date(2025, 7, 15) and due.overdue
    assert not assessment_due(date(2025, 1, 15), today=date(2025, 7, 15)).overdue


def test_the_period_can_be_changed():
    assert assessment_due(date(2025, 1, 15), date(2025, 2, 1), months=3).due_on == \
        date(2025, 4, 15)


def test_with_no_grid_the_entry_grid_is_due_at_entry():
    due = assessment_due(None, today=date(2025, 3, 10), entry_date=ENTRY)
    assert due.due_on == ENTRY and due.overdue
    assert assessment_due(None, today=date(2025, 3, 10)) is None


# --- Dating rules of a grid ----------------------------------------------------------------

TODAY = date(2026, 1, 15)


def problems(day, kind="intermediaire", others=(), entry=ENTRY, exit_=None):
    """The rule problems of a grid of the pathway entered on ENTRY."""
    return assessment_problems(day, kind, entry, exit_, TODAY, list(others))


def test_a_grid_within_the_pathway_is_fine():
    assert problems(ENTRY, "entree") == {}
    assert problems(TODAY, "intermediaire", [DatedAssessment(ENTRY, "entree")]) == {}


@pytest.mark.parametrize(("day", "exit_", "message"), [
    (date(2026, 1, 16), None, "La date de l'évaluation ne peut pas être dans le futur."),
    (date(2025, 3, 2), None, "La date de l'évaluation ne peut pas précéder l'entrée dans le "
                             "parcours (03/03/2025)."),
    (date(2025, 12, 2), date(2025, 12, 1), "La date de l'évaluation ne peut pas suivre la "
                                           "sortie du parcours (01/12/2025)."),
])
def test_dates_outside_the_pathway_are_refused(day, exit_, message):
    assert problems(day, exit_=exit_) == {"assessed_on": message}


def test_one_entry_grid_per_pathway():
    found = problems(TODAY, "entree", [DatedAssessment(ENTRY, "entree")])
    assert found["kind"].startswith("Ce parcours a déjà une grille d'entrée (du 03/03/2025)")


def test_the_entry_grid_comes_first():
    found = problems(date(2025, 5, 5), "entree", [DatedAssessment(date(2025, 4, 1), "sortie")])
    assert found == {"assessed_on": "La grille d'entrée ne peut pas suivre une autre grille "
                                    "du parcours (du 01/04/2025)."}
    found = problems(date(2025, 4, 1), "sortie", [DatedAssessment(date(2025, 5, 5), "entree")])
    assert found == {"assessed_on": "Cette grille ne peut pas précéder la grille d'entrée "
                                    "(du 05/05/2025)."}


def test_no_grid_before_the_entry_is_recorded():
    found = assessment_problems(TODAY, "entree", None, None, TODAY, [])
    assert "enregistrez d'abord l'entrée" in found["assessed_on"]


def test_an_unknown_kind_is_refused():
    assert "entrée, intermédiaire ou sortie" in problems(TODAY, "bilan")["kind"]
