"""Reading participants: search within what the current user may see."""

import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Participant, ParticipantSearchTerm, Role, User
from app.permissions import visible_participants
from app.text import id_term, prefix_bounds, search_key, without_apostrophes

SORTS = {
    "nom": (Participant.name_key.asc(), Participant.id.asc()),
    "recent": (Participant.created_at.desc(), Participant.id.desc()),
}


def like_escape(text: str) -> str:
    """Escape LIKE wildcards typed by the user."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_participants(user: User, text: str = "", sort: str = "nom") -> sa.Select:
    """Participants the user may see matching each typed word (any order).

    A word is a birth date (dd/mm/yyyy), a France Travail id (letters and digits, at least one
    digit), or else the start of a part of the name.
    """
    query = visible_participants(user).options(joinedload(Participant.referent))
    for word in search_key(text).split()[:5]:
        query = query.where(word_condition(word))
    return query.order_by(*SORTS.get(sort, SORTS["nom"]))


BIRTH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
FRANCE_TRAVAIL_ID = re.compile(r"^(?=[0-9a-z]*[0-9])[0-9a-z]{4,11}$")


def word_condition(word: str) -> sa.ColumnElement[bool]:
    """What one typed word (already folded by search_key) requires of a participant."""
    born = BIRTH_DATE.match(word)
    if born:
        day, month, year = (int(part) for part in born.groups())
        try:
            return Participant.birth_date == date(year, month, day)
        except ValueError:
            return sa.false()
    prefixes = [without_apostrophes(word)]
    if FRANCE_TRAVAIL_ID.match(word):
        prefixes.append(id_term(word))
    return terms_condition([prefix for prefix in prefixes if prefix])


def name_condition(word: str) -> sa.ColumnElement[bool]:
    """The word starts a part of the name: after a space, a hyphen or an apostrophe.

    Apostrophes are ignored on both sides, so "ndiaye" and "diaye" both find "N'Diaye".
    """
    return terms_condition([prefix for prefix in [without_apostrophes(word)] if prefix])


def terms_condition(prefixes: list[str]) -> sa.ColumnElement[bool]:
    """The participant has a search term starting with one of the prefixes (no prefix: any
    participant). Each prefix is one range of the terms' primary key, on both engines."""
    if not prefixes:
        return sa.true()
    ranges = []
    for prefix in prefixes:
        low, high = prefix_bounds(prefix)
        ranges.append(sa.and_(ParticipantSearchTerm.term >= low,
                              ParticipantSearchTerm.term < high))
    return Participant.id.in_(
        sa.select(ParticipantSearchTerm.participant_id).where(sa.or_(*ranges)))


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
