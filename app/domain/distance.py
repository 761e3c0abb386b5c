"""Distance travelled: how a participant's assessment scores changed since the entry grid.

Plain data in, plain results out. The baseline is the earliest assessment of kind "entree"
(else, when a pathway has none, its earliest assessment); the latest is the most recent by
date, then kind (on the same day an exit grid comes after an intermediate one). The result
does not depend on the order the assessments are given in.

Numbers: scores are whole numbers 1 to 4; the two means are `Decimal`s rounded half-up to
two decimals, and the overall delta is the difference of the two *rounded* means, so the three
figures a person reads (2,13 → 2,75 : +0,62) always add up.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from app.domain.assessment_grid import DEFAULT_PERIOD_MONTHS, KIND_ORDER
from app.domain.dates import add_months

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class AssessmentData:
    """One filled grid: when, at which moment of the pathway, and the score per dimension."""

    assessed_on: date
    kind: str
    scores: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DimensionChange:
    """One dimension's score at the baseline and at the latest assessment."""

    code: str
    baseline: int | None
    latest: int | None

    @property
    def comparable(self) -> bool:
        """Whether the dimension was scored in both assessments."""
        return self.baseline is not None and self.latest is not None

    @property
    def delta(self) -> int | None:
        """Latest minus baseline score (None when not comparable)."""
        if not self.comparable:
            return None
        return self.latest - self.baseline


@dataclass(frozen=True)
class Distance:
    """The change since the baseline, per dimension and overall."""

    baseline: AssessmentData
    latest: AssessmentData
    dimensions: tuple[DimensionChange, ...]
    baseline_mean: Decimal | None
    latest_mean: Decimal | None
    delta: Decimal | None
    assessment_count: int

    @property
    def has_follow_up(self) -> bool:
        """Whether a later assessment exists to compare with (else the deltas are all 0)."""
        return self.latest is not self.baseline

    @property
    def not_comparable(self) -> tuple[str, ...]:
        """Codes of the dimensions scored in only one of the two assessments."""
        return tuple(change.code for change in self.dimensions if not change.comparable)

    @property
    def comparable(self) -> tuple[DimensionChange, ...]:
        """The dimensions scored in both assessments."""
        return tuple(change for change in self.dimensions if change.comparable)


def sort_key(assessment: AssessmentData) -> tuple:
    """Chronological order: date, then kind; the scores settle exact ties deterministically."""
    return (assessment.assessed_on, KIND_ORDER.get(assessment.kind, len(KIND_ORDER)),
            tuple(sorted(assessment.scores.items())))


def baseline_of(assessments: Sequence[AssessmentData]) -> AssessmentData | None:
    """The earliest entry assessment, else the earliest assessment, else None."""
    entries = [a for a in assessments if a.kind == "entree"]
    pool = entries or list(assessments)
    return min(pool, key=sort_key) if pool else None


def latest_of(assessments: Sequence[AssessmentData]) -> AssessmentData | None:
    """The most recent assessment (by date, then kind), or None."""
    return max(assessments, key=sort_key) if assessments else None


def rounded(value: Fraction) -> Decimal:
    """A mean rounded half-up to two decimals."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mean_score(scores: Iterable[int]) -> Decimal | None:
    """The mean of some scores, rounded to two decimals (None when there is none)."""
    values = list(scores)
    if not values:
        return None
    return rounded(Fraction(sum(values), len(values)))


def distance_travelled(assessments: Iterable[AssessmentData],
                       order: Sequence[str] = ()) -> Distance | None:
    """Compare the latest assessment with the baseline; None when there is no assessment.

    Dimensions come in the given `order` of codes, then any others by code. A dimension scored
    in only one of the two assessments is listed as not comparable and left out of the means.
    """
    assessments = list(assessments)
    baseline = baseline_of(assessments)
    latest = latest_of(assessments)
    if baseline is None or latest is None:
        return None
    if sort_key(latest) == sort_key(baseline):
        latest = baseline  # one and the same grid (or an identical copy): no follow-up yet
    codes = set(baseline.scores) | set(latest.scores)
    rank = {code: index for index, code in enumerate(order)}
    ordered = sorted(codes, key=lambda code: (rank.get(code, len(rank)), code))
    changes = tuple(DimensionChange(code, baseline.scores.get(code), latest.scores.get(code))
                    for code in ordered)
    both = [change for change in changes if change.comparable]
    baseline_mean = mean_score(change.baseline for change in both)
    latest_mean = mean_score(change.latest for change in both)
    delta = latest_mean - baseline_mean if both else None
    return Distance(baseline, latest, changes, baseline_mean, latest_mean, delta,
                    len(assessments))


@dataclass(frozen=True)
class AssessmentDue:
    """When the next assessment is due, and whether that day has passed."""

    due_on: date
    overdue: bool


def assessment_due(latest_on: date | None, today: date,
                   months: int = DEFAULT_PERIOD_MONTHS,
                   entry_date: date | None = None) -> AssessmentDue | None:
    """The next assessment's due date: `months` after the latest one.

    With no assessment yet, the entry grid is due on the entry date (None without one).
    Overdue means the due date is before `today`.
    """
    if latest_on is None:
        if entry_date is None:
            return None
        due_on = entry_date
    else:
        due_on = add_months(latest_on, months)
    return AssessmentDue(due_on, due_on < today)
