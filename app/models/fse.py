"""FSE+ data kept beside the participant file and the pathway: sensitive entry items, and the
situations within 4 weeks and 6 months after exit.

One-to-one tables (keyed by the participant's and the pathway's id) rather than new columns:
the participant and pathway rows stay as they are, and a file with no FSE+ answer yet simply
has no row. The backrefs give `participant.fse_data` and `pathway.exit_follow_up`.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

ANSWER_CODES = ("", "yes", "no", "refused")
SITUATION_CODES = ("", "employed", "job_searching", "education", "inactive")


def one_of(column: str, codes: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A CHECK that the column holds one of the codes."""
    listed = ", ".join(f"'{code}'" for code in codes)
    return sa.CheckConstraint(f"{column} IN ({listed})", name=name)


class ParticipantFseData(Base):
    """The sensitive FSE+ items, each answered yes, no or "refuse to answer" ('' = not asked)."""

    __tablename__ = "participant_fse"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    third_country_national: Mapped[str] = mapped_column(sa.String(8), default="")
    foreign_background: Mapped[str] = mapped_column(sa.String(8), default="")
    minority: Mapped[str] = mapped_column(sa.String(8), default="")
    homeless: Mapped[str] = mapped_column(sa.String(8), default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    participant = relationship(
        "Participant",
        backref=backref("fse_data", uselist=False, passive_deletes=True,
                        cascade="all, delete-orphan"),
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("third_country_national", ANSWER_CODES, "third_country_national"),
        one_of("foreign_background", ANSWER_CODES, "foreign_background"),
        one_of("minority", ANSWER_CODES, "minority"),
        one_of("homeless", ANSWER_CODES, "homeless"),
    )


class ExitFollowUp(Base):
    """The participant's situation within 4 weeks of the exit, and 6 months after it."""

    __tablename__ = "exit_follow_up"

    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True
    )
    # Within 4 weeks: the main situation, the contract when in employment, a qualification.
    exit_situation: Mapped[str] = mapped_column(sa.String(16), default="")
    exit_contract_type: Mapped[str] = mapped_column(sa.String(15), default="")
    qualification_gained: Mapped[bool | None] = mapped_column()
    exit_situation_on: Mapped[date | None] = mapped_column(sa.Date)
    # 6 months after exit: the situation and whether it improved on the one at entry.
    post_exit_situation: Mapped[str] = mapped_column(sa.String(16), default="")
    post_exit_improved: Mapped[bool | None] = mapped_column()
    post_exit_situation_on: Mapped[date | None] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    pathway = relationship(
        "Pathway",
        backref=backref("exit_follow_up", uselist=False, passive_deletes=True,
                        cascade="all, delete-orphan"),
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        one_of("exit_situation", SITUATION_CODES, "exit_situation"),
        one_of("post_exit_situation", SITUATION_CODES, "post_exit_situation"),
    )
