"""The participant (bénéficiaire): identity and contact for now."""

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.people import age_on
from app.models.base import Base, UTCDateTime, utcnow
from app.models.reference import EligibilityCriterion, participant_criterion
from app.models.user import User
from app.text import search_key

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

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("sex IN ('', 'F', 'M', 'X')", name="sex"),
    )

    @property
    def full_name(self) -> str:
        """First name then last name, as printed."""
        return f"{self.first_name} {self.last_name}"

    def refresh_name_key(self) -> None:
        """Recompute the search key after a name change."""
        # Folding can lengthen a name ("ß" → "ss"); the key only serves prefix search.
        self.name_key = search_key(f"{self.last_name} {self.first_name}")[:NAME_KEY_LENGTH]

    @property
    def current_pathway(self):
        """The latest pathway (open or not), or None."""
        return self.pathways[-1] if self.pathways else None

    def age_on(self, day: date) -> int | None:
        """Age in whole years on the given day."""
        if self.birth_date is None:
            return None
        return age_on(self.birth_date, day)


SEX_LABELS = {"F": "Femme", "M": "Homme", "X": "Non-binaire"}
