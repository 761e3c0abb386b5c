"""The participant (bénéficiaire): identity and contact for now."""

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.domain.people import age_on
from app.models.base import Base, UTCDateTime, utcnow
from app.models.reference import EligibilityCriterion, participant_criterion
from app.models.user import User
from app.text import TERM_MAX_LENGTH, search_key, search_terms

if TYPE_CHECKING:
    from app.models.pathway import Pathway, ReferentAssignment

NAME_KEY_LENGTH = 210


def new_public_id() -> str:
    """Return an opaque identifier for URLs, so ids cannot be enumerated."""
    return secrets.token_urlsafe(9)


class Participant(Base):
    """A person accompanied by the PLIE."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    # Unaccented, lower-case "last first" kept in step with the names, for search.
    name_key: Mapped[str] = mapped_column(sa.String(NAME_KEY_LENGTH), index=True, default="")
    sex: Mapped[str] = mapped_column(sa.String(2), default="")
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    postcode: Mapped[str] = mapped_column(sa.String(5), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    qpv: Mapped[bool] = mapped_column(default=False)
    rural: Mapped[bool] = mapped_column(default=False)
    education_level: Mapped[str] = mapped_column(sa.String(12), default="")
    labour_status: Mapped[str] = mapped_column(sa.String(12), default="")
    unemployed_since: Mapped[date | None] = mapped_column(sa.Date)
    in_education: Mapped[bool] = mapped_column(default=False)
    rqth: Mapped[bool] = mapped_column(default=False)
    france_travail_id: Mapped[str] = mapped_column(sa.String(11), default="", index=True)
    referent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    referent: Mapped[User | None] = relationship()
    criteria: Mapped[list[EligibilityCriterion]] = relationship(
        secondary=participant_criterion, order_by=EligibilityCriterion.position
    )
    pathways: Mapped[list["Pathway"]] = relationship(
        back_populates="participant", order_by="Pathway.orientation_date",
        cascade="all, delete-orphan"
    )
    assignments: Mapped[list["ReferentAssignment"]] = relationship(
        order_by="ReferentAssignment.started_on", cascade="all, delete-orphan"
    )
    search_terms: Mapped[list["ParticipantSearchTerm"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("sex IN ('', 'F', 'M', 'X')", name="sex"),
    )

    @property
    def full_name(self) -> str:
        """First name then last name, as printed."""
        return f"{self.first_name} {self.last_name}"

    def refresh_name_key(self) -> None:
        """Recompute the search key and terms after a change of name or France Travail id."""
        # Folding can lengthen a name ("ß" → "ss"); the key only serves sorting and search.
        self.name_key = search_key(f"{self.last_name} {self.first_name}")[:NAME_KEY_LENGTH]
        wanted = search_terms(self.name_key, self.france_travail_id or "")
        kept = [term for term in self.search_terms if term.term in wanted]
        have = {term.term for term in kept}
        self.search_terms = kept + [ParticipantSearchTerm(term=term)
                                    for term in sorted(wanted - have)]

    @property
    def current_pathway(self):
        """The latest pathway (open or not), or None."""
        return self.pathways[-1] if self.pathways else None

    def age_on(self, day: date) -> int | None:
        """Age in whole years on the given day."""
        if self.birth_date is None:
            return None
        return age_on(self.birth_date, day)


# Compared byte-wise on PostgreSQL too (SQLite always does), so that a prefix is one index
# range whatever the database's collation: see app/text.py prefix_bounds.
TERM_TYPE = sa.String(TERM_MAX_LENGTH).with_variant(
    sa.String(TERM_MAX_LENGTH, collation="C"), "postgresql")


class ParticipantSearchTerm(Base):
    """One string a search word may start to find the participant: a part of the name, or
    the France Travail id (app/text.py name_terms and id_term), kept by refresh_name_key."""

    __tablename__ = "participant_search_term"

    term: Mapped[str] = mapped_column(TERM_TYPE, primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )


SEARCHED_FIELDS = ("first_name", "last_name", "france_travail_id")


@event.listens_for(Session, "before_flush")
def keep_search_terms(session: Session, _context, _instances) -> None:
    """Before each flush, recompute the search key and terms of participants added, renamed
    or given another France Travail id, whichever page or script changed them."""
    for participant in list(session.new) + list(session.dirty):
        if not isinstance(participant, Participant):
            continue
        state = sa.inspect(participant)
        if state.pending or any(state.attrs[name].history.has_changes()
                                for name in SEARCHED_FIELDS):
            participant.refresh_name_key()


SEX_LABELS = {"F": "Femme", "M": "Homme", "X": "Non-binaire"}
