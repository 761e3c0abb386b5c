"""Reference data kept in memory, per process: step type labels and the rule-parameter history.

Nearly every page reads these small tables, and they change a few times a year. Each value is
kept with the token of the `reference_stamp` row it was read under; database triggers give
that row a new random token in the same transaction as any change of the tables
(migrations/versions/0014_reference_stamp.py), so a value is used only while its token is the
stored one, whichever process or script made the change.

Pages that only read (GET, HEAD) get the token for free: the statement that loads the signed-in
user brings it along (app/sessions.py). Anywhere else, the token is read again at each use, so
a request that changes the tables sees its own change at once.
"""

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_request_context, request

from app.database import READ_ONLY_METHODS
from app.extensions import core_rows, db
from app.models import ReferenceStamp, StepType

T = TypeVar("T")
STAMP = "_jalons_reference_stamp"  # g: the token read by this read-only request
# name -> (token, value); one process serves one request at a time (gunicorn sync workers),
# and a lost race only means reading the table once more.
_values: dict[str, tuple[str, object]] = {}


@cache
def stamp_statement() -> sa.Select:
    """The current token (one row), built once."""
    return sa.select(ReferenceStamp.token).where(ReferenceStamp.id == 1)


def stamp_column() -> sa.ScalarSelect:
    """The current token as a column another statement can bring along."""
    return stamp_statement().scalar_subquery()


def note_stamp(token: str | None) -> None:
    """Keep the token a read-only request's first statement brought, for the rest of it."""
    if has_request_context() and request.method in READ_ONLY_METHODS:
        setattr(g, STAMP, token)


def forget_stamp(_error=None) -> None:
    """At the end of a request: the next one reads its own token."""
    g.pop(STAMP, None)


def current_stamp() -> str | None:
    """The token in force for this request (None when the table has no row)."""
    token = g.get(STAMP)
    if token is None:
        token = db.session.scalar(stamp_statement())
    return token


def cached(name: str, load: Callable[[], T]) -> T:
    """The value `load` reads, kept until the stamp changes; callers must not change it."""
    token = current_stamp()
    kept = _values.get(name)
    if token is not None and kept is not None and kept[0] == token:
        return kept[1]
    value = load()
    if token is not None:
        _values[name] = (token, value)
    return value


@cache
def step_types_statement() -> sa.Select:
    """Codes and labels of the step types in catalogue order, built once."""
    return sa.select(StepType.code, StepType.label).order_by(StepType.position, StepType.code)


def step_type_labels() -> Mapping[str, str]:
    """Labels of the step types as the administrator named them, in catalogue order."""
    return cached("step_type_labels",
                  lambda: MappingProxyType(dict(core_rows(step_types_statement()))))


def forget_values() -> None:
    """Drop every value kept in this process: the next use reads the tables again."""
    _values.clear()


def init_app(app) -> None:
    """Forget the request's token when it ends."""
    app.teardown_request(forget_stamp)
