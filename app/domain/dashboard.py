"""The supervisor dashboard's pure arithmetic: periods, medians, shares, rounding, ceilings,
and the sums of the pathway combinations into groups.

No Flask, no SQLAlchemy: app/supervision/figures.py counts with SQL and hands the counts here.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.dates import add_months, french_date

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
YOUNG_BELOW = 26  # "moins de 26 ans" at entry
SENIOR_FROM = 50  # "50 ans et plus" at entry
NEAR_CEILING = Decimal("0.9")  # a caseload at 90 % of its ceiling is "proche du plafond"
QUARTER_NAMES = {1: "1er trimestre", 2: "2e trimestre", 3: "3e trimestre", 4: "4e trimestre"}
QUARTER_MONTHS = {1: "janvier à mars", 2: "avril à juin", 3: "juillet à septembre",
                  4: "octobre à décembre"}
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
FRENCH_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MAX_INPUT = 20  # characters of a period field worth reading


# --- Periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days the figures cover, both ends included, and how to name them."""

    start: date
    end: date
    kind: str  # rolling, year, quarter, range
    label: str

    @property
    def days(self) -> int:
        """How many days the period spans."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class PeriodChoice:
    """The period asked for, the fields' typed values, and French errors by field."""

    period: Period
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def rolling_year(today: date) -> Period:
    """The last 12 months up to today: the day after the same date a year ago, to today."""
    start = add_months(today, -12) + timedelta(days=1)
    return Period(start, today, "rolling",
                  f"les 12 derniers mois, du {french_date(start)} au {french_date(today)}")


def year_period(year: int) -> Period:
    """A calendar year."""
    return Period(date(year, 1, 1), date(year, 12, 31), "year", f"l'année {year}")


def quarter_period(year: int, quarter: int) -> Period:
    """A calendar quarter (1 to 4)."""
    start = date(year, 3 * quarter - 2, 1)
    end = add_months(start, 3) - timedelta(days=1)
    return Period(start, end, "quarter",
                  f"le {QUARTER_NAMES[quarter]} {year} ({QUARTER_MONTHS[quarter]})")


def range_period(start: date, end: date) -> Period:
    """Any span of days."""
    return Period(start, end, "range", f"la période du {french_date(start)} au {french_date(end)}")


def parse_day(text: str) -> date | None:
    """A day typed as 2026-03-31 (date inputs) or 31/03/2026; None when it is not a date."""
    match = ISO_DAY.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = FRENCH_DAY.match(text)
        if not match:
            return None
        day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_day(values: dict[str, str], name: str, what: str, errors: dict[str, str]) -> date | None:
    """The day typed in one field, or None with a French error when it is not a usable date."""
    text = values.get(name, "")
    if not text:
        return None
    day = parse_day(text)
    if day is None:
        errors[name] = f"La date {what} n'est pas une date valide (jj/mm/aaaa)."
    elif not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = (f"La date {what} doit être comprise entre le 1er janvier 2000 et le "
                        f"31 décembre 2099.")
        day = None
    return day


def parse_period(args: Mapping[str, str], today: date) -> PeriodChoice:
    """The period named by the query string, else the last 12 months (with the errors).

    Fields: `du` and `au` (dates; they win when filled), else `annee` with an optional
    `trimestre` (1–4). `du` alone runs to today. Anything unreadable gives a French message
    and the default period, never an exception.
    """
    values = {name: str(args.get(name, "") or "").strip()[:MAX_INPUT]
              for name in ("annee", "trimestre", "du", "au")}
    errors: dict[str, str] = {}
    default = rolling_year(today)
    if values["du"] or values["au"]:
        start = read_day(values, "du", "de début", errors)
        end = read_day(values, "au", "de fin", errors)
        if not values["du"]:
            errors["du"] = "Indiquez la date de début de la période."
        if errors:
            return PeriodChoice(default, values, errors)
        end = end or today
        if end < start:
            errors["au"] = ("La date de fin précède la date de début." if values["au"] else
                            "La date de début est après aujourd'hui : indiquez la date de fin.")
            return PeriodChoice(default, values, errors)
        return PeriodChoice(range_period(start, end), values)
    year = None
    if values["annee"]:
        if values["annee"].isdigit() and 2000 <= int(values["annee"]) <= 2099:
            year = int(values["annee"])
        else:
            errors["annee"] = "L'année doit être un nombre entre 2000 et 2099."
    quarter = None
    if values["trimestre"]:
        if values["trimestre"] in ("1", "2", "3", "4"):
            quarter = int(values["trimestre"])
        else:
            errors["trimestre"] = "Choisissez un trimestre entre 1 et 4."
    if quarter is not None and not values["annee"]:
        errors["annee"] = "Indiquez l'année du trimestre."
    if errors:
        return PeriodChoice(default, values, errors)
    if year is None:
        return PeriodChoice(default, values)
    if quarter is None:
        return PeriodChoice(year_period(year), values)
    return PeriodChoice(quarter_period(year, quarter), values)


# --- Numbers ------------------------------------------------------------------------------

TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def rounded(value: Decimal | int | float | None, places: int = 1) -> Decimal | None:
    """Round half up (as people do, not to even) to the given number of decimals."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def share(part: int | None, whole: int | None) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return rounded(Decimal(part or 0) * 100 / Decimal(whole), 1)


def mean(total: Decimal | int | None, count: int | None, places: int = 2) -> Decimal | None:
    """The mean of `count` values adding up to `total`; None when there is none."""
    if not count:
        return None
    return rounded(Decimal(str(total or 0)) / Decimal(count), places)


def hundredths_mean(total_hundredths: int | None, count: int | None) -> Decimal | None:
    """The mean of values counted in hundredths (exact integer sums on every database)."""
    if not count:
        return None
    return rounded(Decimal(int(total_hundredths or 0)) / Decimal(count) / 100, 2)


def median(values: Iterable[int | Decimal]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def day_median(days: Iterable[int]) -> Decimal | None:
    """The median of day counts to one decimal, as the dashboard shows it; None if empty."""
    return rounded(median(days), 1)


def day_counts(text: str | None) -> list[int]:
    """The day counts an SQL string aggregate joined with commas ("" or None: none)."""
    return [int(part) for part in text.split(",")] if text else []


def points(rate: Decimal | None, target: Decimal | None) -> Decimal | None:
    """How many percentage points a rate is above (positive) or below (negative) the target."""
    if rate is None or target is None:
        return None
    return rounded(rate - target, 1)


# --- Groups of pathways ------------------------------------------------------------------


@dataclass(frozen=True)
class Combination:
    """Pathways sharing one combination of group flags (sex, publics): the groups they all
    belong to, their counts summed, and each measure's day counts one by one (a median does
    not add up, so the days themselves travel)."""

    groups: tuple[str, ...]
    counts: Mapping[str, int]
    days: Mapping[str, Sequence[int]] = field(default_factory=dict)


@dataclass
class GroupTotals:
    """One group's counts added up over its combinations, and its day counts pooled."""

    counts: Counter[str] = field(default_factory=Counter)
    days: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def group_totals(combinations: Iterable[Combination]) -> dict[str, GroupTotals]:
    """Per group, the sums of the counts and the pooled day counts of the combinations in it.

    A pathway is in one combination only, and a combination in several groups (everyone, each
    of its publics, its sex): each group gets every pathway it holds exactly once.
    """
    totals: dict[str, GroupTotals] = defaultdict(GroupTotals)
    for combination in combinations:
        for group in combination.groups:
            total = totals[group]
            total.counts.update(combination.counts)
            for measure, days in combination.days.items():
                total.days[measure].extend(days)
    return dict(totals)


def kind_counts(kinds_and_counts: Iterable[tuple[str | None, int]]) -> Counter[str]:
    """Per alert kind, the rows that list it, from (comma-separated kinds, rows) pairs: each
    kind counts once per row, however often the row names it."""
    counts: Counter[str] = Counter()
    for kinds, rows in kinds_and_counts:
        for kind in set((kinds or "").split(",")) - {""}:
            counts[kind] += rows
    return counts


# --- Caseloads ----------------------------------------------------------------------------


def effective_ceiling(own: int | None, rule_default: int) -> int:
    """The référent's own ceiling, or the PLIE's rule parameter when none is set (0)."""
    return own if own else rule_default


def ceiling_status(count: int, ceiling: int) -> str:
    """over (above the ceiling), near (90 % or more of it) or ok."""
    if ceiling and count > ceiling:
        return "over"
    if ceiling and count >= ceiling * NEAR_CEILING:
        return "near"
    return "ok"


CEILING_LABELS = {"over": "au-dessus du plafond", "near": "proche du plafond",
                  "ok": "disponible"}
