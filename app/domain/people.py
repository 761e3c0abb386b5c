"""Plain rules about people: age."""

from datetime import date


def age_on(born: date, day: date) -> int:
    """Whole years between a birth date and a day (a birthday on 29 February counts on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
