"""Calendar arithmetic the rules need: adding months, counting months."""

import calendar
from datetime import date, timedelta
from functools import lru_cache

from babel.dates import format_date


@lru_cache(maxsize=65536)  # batch evaluations ask for the same few dates over and over
def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    if year > date.max.year:
        return date.max  # far beyond any rule's horizon: saturate rather than fail
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_within(start: date, months: int) -> date:
    """The last day of a period of `months` months starting on `start` (1 Mar + 1 → 31 Mar)."""
    end = add_months(start, months)
    return end if end == date.max else end - timedelta(days=1)


def whole_months_between(start: date, end: date) -> int:
    """Complete months from start to end (end excluded): 15 Jan → 15 Mar is 2."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


@lru_cache(maxsize=65536)  # Babel takes ~10 µs a date; rejection reasons repeat the same days
def french_date(day: date) -> str:
    """A date as French text: 3 mars 2026."""
    return format_date(day, "d MMMM y", locale="fr_FR")


def covered_days(spans: list[tuple[date, date]]) -> int:
    """Days covered by the union of inclusive date spans (empty spans count nothing)."""
    if len(spans) == 1:  # the common case: one contract, no union to compute
        start, end = spans[0]
        return (end - start).days + 1 if start <= end else 0
    total, covered_until = 0, None
    for start, end in sorted(span for span in spans if span[0] <= span[1]):
        if covered_until is not None and start <= covered_until:
            start = covered_until + timedelta(days=1)
        if start <= end:
            total += (end - start).days + 1
        covered_until = end if covered_until is None else max(covered_until, end)
    return total
