"""Entry commissions: the meeting that accepts, refuses or postpones orientations."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.pathway import new_public_id

COMMISSION_DECISIONS = ("accepted", "refused", "postponed")
DECISION_VALUES = ", ".join(f"'{decision}'" for decision in COMMISSION_DECISIONS)


class EntryCommission(Base):
    """A commission d'entrée: when and where it sat, who sat, what it decided."""

    __tablename__ = "entry_commission"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    members: Mapped[str] = mapped_column(sa.Text, default="")  # one per line
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User")
    decisions: Mapped[list["CommissionDecision"]] = relationship(
        back_populates="commission", cascade="all, delete-orphan",
        order_by="CommissionDecision.id", passive_deletes=True
    )

    @property
    def member_list(self) -> list[str]:
        """The members, one per non-blank line."""
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    def count(self, decision: str) -> int:
        """How many orientations got this decision."""
        return sum(1 for item in self.decisions if item.decision == decision)


class CommissionDecision(Base):
    """What a commission decided for one pathway, and why."""

    __tablename__ = "commission_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entry_commission.id", ondelete="CASCADE")
    )
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(sa.String(12))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    commission: Mapped[EntryCommission] = relationship(back_populates="decisions")
    # Declared from this side so that app/models/pathway.py stays untouched.
    pathway = relationship(
        "Pathway", backref=backref("commission_decisions", passive_deletes=True)
    )

    __table_args__ = (
        sa.UniqueConstraint("commission_id", "pathway_id",
                            name="uq_commission_decision_commission_id_pathway_id"),
        sa.CheckConstraint(f"decision IN ({DECISION_VALUES})", name="decision"),
    )
