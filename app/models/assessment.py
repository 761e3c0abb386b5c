"""The assessment grid: its admin-editable dimensions, and the grids filled in a pathway."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.domain.assessment_grid import ASSESSMENT_KINDS
from app.models.base import Base
from app.models.pathway import Versioned, new_public_id

KIND_VALUES = ", ".join(f"'{kind}'" for kind in ASSESSMENT_KINDS)


class AssessmentDimension(Base):
    """One line of the grid (mobilité, numérique…), with what each score 1 to 4 means."""

    __tablename__ = "assessment_dimension"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    level_1: Mapped[str] = mapped_column(sa.String(300), default="")
    level_2: Mapped[str] = mapped_column(sa.String(300), default="")
    level_3: Mapped[str] = mapped_column(sa.String(300), default="")
    level_4: Mapped[str] = mapped_column(sa.String(300), default="")

    @property
    def levels(self) -> dict[int, str]:
        """The descriptor of each score, 1 to 4."""
        return {1: self.level_1, 2: self.level_2, 3: self.level_3, 4: self.level_4}


class Assessment(Versioned, Base):
    """A grid filled with the participant at entry, along the pathway or at exit."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(15), default="intermediaire")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    # Declared from this side so that app/models/pathway.py stays untouched: Pathway gets
    # `.assessments`, oldest first, deleted with it.
    pathway = relationship(
        "Pathway",
        backref=backref("assessments", cascade="all, delete-orphan",
                        order_by=lambda: (Assessment.assessed_on, Assessment.id)),
    )
    author = relationship("User")
    scores: Mapped[list["AssessmentScore"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (sa.CheckConstraint(f"kind IN ({KIND_VALUES})", name="kind"),)

    @property
    def score_by_code(self) -> dict[str, int]:
        """The scores keyed by dimension code (the dimensions must be loaded)."""
        return {score.dimension.code: score.score for score in self.scores}


class AssessmentScore(Base):
    """The score of one dimension in one assessment."""

    __tablename__ = "assessment_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE")
    )
    dimension_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_dimension.id"),
                                              index=True)
    score: Mapped[int] = mapped_column()

    assessment: Mapped[Assessment] = relationship(back_populates="scores")
    dimension: Mapped[AssessmentDimension] = relationship()

    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 1 AND 4", name="score"),
        # Leads with assessment_id, so it also serves the lookups of an assessment's scores.
        sa.UniqueConstraint("assessment_id", "dimension_id",
                            name="uq_assessment_score_assessment_id_dimension_id"),
    )
