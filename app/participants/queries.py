"""Reading participants: search within what the current user may see."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Participant, Role, User
from app.permissions import visible_participants
from app.text import search_key

SORTS = {
    "nom": (Participant.name_key.asc(), Participant.id.asc()),
    "recent": (Participant.created_at.desc(), Participant.id.desc()),
}


def like_escape(text: str) -> str:
    """Escape LIKE wildcards typed by the user."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_participants(user: User, text: str = "", sort: str = "nom") -> sa.Select:
    """Participants the user may see whose name starts with each typed word (any order)."""
    query = visible_participants(user).options(joinedload(Participant.referent))
    for word in search_key(text).split()[:5]:
        pattern = like_escape(word)
        query = query.where(
            sa.or_(
                Participant.name_key.like(f"{pattern}%", escape="\\"),
                Participant.name_key.like(f"% {pattern}%", escape="\\"),
                Participant.name_key.like(f"%-{pattern}%", escape="\\"),
            )
        )
    return query.order_by(*SORTS.get(sort, SORTS["nom"]))


def referent_choices(user: User) -> list[tuple[int, str]]:
    """Who a new or edited participant may be assigned to, by the current user."""
    if user.role == Role.REFERENT:
        return [(user.id, user.full_name)]
    referents = db.session.scalars(
        sa.select(User)
        .where(User.role == Role.REFERENT, User.active.is_(True))
        .order_by(User.last_name, User.first_name)
    ).all()
    return [(r.id, f"{r.last_name} {r.first_name}") for r in referents]
