"""The PLIE's rule parameters as the app uses them: read from their history, kept in memory.

Every evaluation (milestones, durable employment, alerts) asks `parameters_for(day)`; the
history is kept per process until it changes (app/reference_data.py), and each day's values are
computed once per request.
"""

from datetime import date, datetime
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from flask import g
from sqlalchemy.dialects import postgresql, sqlite

from app import audit, reference_data
from app.domain.rules import (
    SPECS_BY_KEY,
    ParameterChange,
    RuleParameters,
    as_values,
    format_number,
    parameter_problems,
    parameters_on,
)
from app.extensions import core_rows, db
from app.models import RuleParameter
from app.models.base import utcnow

HISTORY_CACHE = "_rule_parameter_history"
PARAMETERS_CACHE = "_rule_parameters_by_day"
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def mark_all_stale() -> None:
    """Stored evaluations used the old values: mark them all for re-evaluation."""
    # Imported here: the snapshot module evaluates pathways with these very parameters.
    from app.progress.snapshot import mark_all_stale as mark

    mark()


@cache
def history_statement() -> sa.Select:
    """Every stored change, oldest first: built once (every caseload page reads it)."""
    return (sa.select(RuleParameter.key, RuleParameter.value, RuleParameter.effective_from)
            .order_by(RuleParameter.effective_from, RuleParameter.key))


def parameter_history() -> list[ParameterChange]:
    """Every stored change of every parameter, oldest first (one query)."""
    return [ParameterChange(key, Decimal(value), effective_from)
            for key, value, effective_from in core_rows(history_statement())]


def cached_history() -> tuple[ParameterChange, ...]:
    """The history, kept per process while the reference stamp holds, and looked up at most
    once per request (or application context)."""
    history = g.get(HISTORY_CACHE)
    if history is None:
        history = reference_data.cached("rule_parameter_history",
                                        lambda: tuple(parameter_history()))
        setattr(g, HISTORY_CACHE, history)
    return history


def parameters_for(day: date) -> RuleParameters:
    """The parameters in force on `day`, cached per request and per day."""
    if isinstance(day, datetime):
        day = day.date()
    by_day = g.setdefault(PARAMETERS_CACHE, {})
    if day not in by_day:
        by_day[day] = parameters_on(cached_history(), day)
    return by_day[day]


def forget_cached_parameters() -> None:
    """Drop this request's cached history and values (after a change)."""
    g.pop(HISTORY_CACHE, None)
    g.pop(PARAMETERS_CACHE, None)


def changed_values(values: dict[str, Decimal], effective_from: date,
                   history: list[ParameterChange]) -> dict[str, Decimal]:
    """The known keys whose value differs from the one in force on `effective_from`."""
    in_force = as_values(parameters_on(history, effective_from))
    return {key: Decimal(value) for key, value in values.items()
            if key in SPECS_BY_KEY and Decimal(value) != in_force[key]}


def with_changes(history: list[ParameterChange], changes: dict[str, Decimal],
                 effective_from: date) -> list[ParameterChange]:
    """The history as it will be once `changes` are saved (same-day rows replaced)."""
    kept = [change for change in history
            if not (change.key in changes and change.effective_from == effective_from)]
    return kept + [ParameterChange(key, value, effective_from) for key, value in changes.items()]


def change_problems(values: dict[str, Decimal], effective_from: date,
                    history: list[ParameterChange] | None = None) -> dict[str, str]:
    """French messages for changes that would give an invalid set of values.

    The set is checked on `effective_from` and again on each later date where a change is
    already planned: lowering the maximum today must not contradict an alert raised next month.
    """
    history = parameter_history() if history is None else history
    in_force = as_values(parameters_on(history, effective_from))
    problems = parameter_problems({**in_force, **values})
    valid = {key: value for key, value in values.items()
             if key in SPECS_BY_KEY and key not in problems}
    future = with_changes(history, changed_values(valid, effective_from, history), effective_from)
    for day in sorted({change.effective_from for change in history
                       if change.effective_from > effective_from}):
        for key, message in parameter_problems(as_values(parameters_on(future, day))).items():
            problems.setdefault(
                key, f"{message} (avec les valeurs prévues à partir du {day:%d/%m/%Y})")
    return problems


def save_changes(values: dict[str, Decimal], effective_from: date, comment: str,
                 user) -> list[str]:
    """Save the values that differ from those in force on `effective_from`; return their keys.

    A change on a date that already has one for the same key replaces it (an upsert, so two
    submits racing each other cannot break the unique constraint). The caller commits.
    """
    history = parameter_history()
    problems = change_problems(values, effective_from, history)
    if problems:
        raise ValueError("; ".join(f"{key} : {message}" for key, message in problems.items()))
    changes = changed_values(values, effective_from, history)
    if not changes:
        return []
    before = as_values(parameters_on(history, effective_from))
    user_id = user.id if user is not None else None
    upsert = UPSERTS.get(db.session.get_bind().dialect.name)
    for key, value in changes.items():
        row = {"key": key, "value": value, "effective_from": effective_from,
               "comment": comment or "", "created_at": utcnow(), "created_by_id": user_id}
        if upsert is not None:
            statement = upsert(RuleParameter).values(**row)
            statement = statement.on_conflict_do_update(
                index_elements=["key", "effective_from"],
                set_={name: statement.excluded[name]
                      for name in ("value", "comment", "created_at", "created_by_id")},
            )
            db.session.execute(statement)
        else:
            existing = db.session.scalar(sa.select(RuleParameter).where(
                RuleParameter.key == key, RuleParameter.effective_from == effective_from))
            target = existing or RuleParameter(key=key, effective_from=effective_from)
            for name in ("value", "comment", "created_at", "created_by_id"):
                setattr(target, name, row[name])
            db.session.add(target)
    audit.record(
        "settings.update", user=user, effective_from=effective_from.isoformat(),
        **{key: f"{format_number(before[key])} → {format_number(value)}"
           for key, value in changes.items()},
    )
    forget_cached_parameters()
    mark_all_stale()
    return sorted(changes, key=list(SPECS_BY_KEY).index)
