"""The PLIE's rule parameters as stored: each change of a value, from the date it applies."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class RuleParameter(Base):
    """One value of one rule parameter, in force from `effective_from` until the next change."""

    __tablename__ = "rule_parameter"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    effective_from: Mapped[date] = mapped_column(sa.Date)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    created_by = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("key", "effective_from", name="uq_rule_parameter_key_effective_from"),
    )
