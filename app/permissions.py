"""The one permission check: who may reach which participant, and which role sees which page."""

import re
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app import audit
from app.extensions import db
from app.models import Participant, Role

PARTICIPANT_ROLES = (Role.REFERENT, Role.SUPERVISOR)


def can_see_participants(user) -> bool:
    """Whether the user's role gives access to participant data at all."""
    return user.role in PARTICIPANT_ROLES


def sees_every_participant(user) -> bool:
    """A supervisor reaches every participant (a référent only their caseload, others none)."""
    return user.role == Role.SUPERVISOR


def can_access_participant(user, participant: Participant) -> bool:
    """A supervisor reaches every participant, a référent only those assigned to them."""
    if sees_every_participant(user):
        return True
    if user.role == Role.REFERENT:
        return participant.referent_id == user.id
    return False


def visible_participants(user) -> sa.Select:
    """A SELECT of the participants the user may list."""
    query = sa.select(Participant)
    if sees_every_participant(user):
        return query
    if user.role == Role.REFERENT:
        return query.where(Participant.referent_id == user.id)
    return query.where(sa.false())


def deny(status: int, reason: str, target_id: str = "") -> None:
    """Audit a refused access, then stop the request with 403 or 404."""
    audit.record_now("access.denied", reason=reason, status=status, requested=target_id)
    abort(status)


PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{1,24}$")


def is_public_id(value: str) -> bool:
    """Whether a URL segment can be an opaque id (anything else cannot exist, e.g. NUL bytes)."""
    return bool(PUBLIC_ID.match(value or ""))


def get_participant_or_deny(public_id: str, *options) -> Participant:
    """Load a participant the current user may reach, or answer 403 (admin) / 404 (others)."""
    if not can_see_participants(current_user):
        deny(403, "role", public_id)
    if not is_public_id(public_id):
        deny(404, "malformed_id", public_id[:64])
    # Scoped in SQL, so that another caseload's file is never loaded with all its records
    # only to be refused; the check in Python stays as the rule's statement.
    participant = db.session.scalar(
        visible_participants(current_user).where(Participant.public_id == public_id)
        .options(*options)
    )
    # A référent cannot tell another caseload's participant from a missing one.
    if participant is None or not can_access_participant(current_user, participant):
        deny(404, "not_found_or_not_assigned", public_id)
    return participant


def roles_required(*roles: Role):
    """Decorate a view so only the given roles reach it; others get 403, audited."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                deny(403, "role", view.__name__)
            return view(*args, **kwargs)

        return wrapped

    return decorator
