"""Reference lists an administrator can edit: eligibility criteria and step types."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class EligibilityCriterion(Base):
    """A reason a person may enter the PLIE (RSA, DELD, QPV…)."""

    __tablename__ = "eligibility_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class StepType(Base):
    """A kind of pathway step; its code carries the type-specific rules."""

    __tablename__ = "step_type"

    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


participant_criterion = sa.Table(
    "participant_criterion",
    Base.metadata,
    sa.Column("participant_id", sa.ForeignKey("participant.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("criterion_id", sa.ForeignKey("eligibility_criterion.id"), primary_key=True),
)


class ReferenceStamp(Base):
    """One row whose token changes, by database trigger, with every change of the reference
    data the app keeps in memory (step types, rule parameters): see app/reference_data.py.

    The token is random, never a counter: a change rolled back must not leave a number that a
    later change would reuse for different data.
    """

    __tablename__ = "reference_stamp"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
