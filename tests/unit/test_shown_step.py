"""The step a caseload row shows: under way first, then the latest start, then the latest key."""

from datetime import date

from app.domain.facts import StepFact, shown_step


def step(key: int, status: str, start: date | None = None, actual: date | None = None):
    """A step of the given status, planned (and maybe started) on the given days."""
    return StepFact(key, "FORM", status, planned_start=start, actual_start=actual)


def test_no_open_step():
    """Finished and abandoned steps are not shown."""
    assert shown_step([step(1, "terminee", date(2026, 1, 1)), step(2, "abandonnee")]) == (None, 0)


def test_under_way_before_planned_even_if_older():
    """A step under way wins over a later planned one; both count as open."""
    running = step(1, "en_cours", date(2025, 1, 1), actual=date(2025, 1, 6))
    planned = step(2, "prevue", date(2026, 12, 1))
    assert shown_step([planned, running, step(3, "terminee")]) == (running, 2)


def test_latest_start_then_latest_key():
    """Among planned steps, the latest start (actual over planned); a tie goes to the latest
    recorded; a step with no date comes last."""
    early = step(1, "prevue", date(2026, 1, 1))
    late = step(2, "prevue", date(2026, 3, 1))
    same_day = step(3, "prevue", date(2026, 3, 1))
    undated = step(4, "prevue")
    assert shown_step([early, late, same_day, undated]) == (same_day, 4)
    assert shown_step([early, undated]) == (early, 2)
