"""Reading participants: search within what the current user may see."""

import re
from datetime import date

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
# Straight and typographic apostrophes: "N'Diaye" is found by "ndiaye", "n'diaye" and "diaye".
APOSTROPHES = ("'", "\N{RIGHT SINGLE QUOTATION MARK}")


def word_condition(word: str) -> sa.ColumnElement[bool]:
    """What one typed word (already folded by search_key) requires of a participant."""
    born = BIRTH_DATE.match(word)
    if born:
        day, month, year = (int(part) for part in born.groups())
        try:
            return Participant.birth_date == date(year, month, day)
        except ValueError:
            return sa.false()
    condition = name_condition(word)
    if FRANCE_TRAVAIL_ID.match(word):
        pattern = like_escape(word.upper())
        condition = sa.or_(condition,
                           Participant.france_travail_id.like(f"{pattern}%", escape="\\"))
    return condition


def name_condition(word: str) -> sa.ColumnElement[bool]:
    """The word starts a part of the name: after a space, a hyphen or an apostrophe.

    Apostrophes are ignored on both sides as well, so "ndiaye" matches "n'diaye". REPLACE and
    LIKE behave alike on SQLite and PostgreSQL (the key is already lower-case and unaccented).
    """
    compact_key = Participant.name_key
    compact_word = word
    for mark in APOSTROPHES:
        compact_key = sa.func.replace(compact_key, mark, "")
        compact_word = compact_word.replace(mark, "")
    conditions = []
    if compact_word:
        pattern = like_escape(compact_word)
        conditions += [
            compact_key.like(f"{pattern}%", escape="\\"),
            compact_key.like(f"% {pattern}%", escape="\\"),
            compact_key.like(f"%-{pattern}%", escape="\\"),
        ]
    pattern = like_escape(word)
    conditions += [Participant.name_key.like(f"%{mark}{pattern}%", escape="\\")
                   for mark in APOSTROPHES]
    return sa.or_(*conditions)


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
