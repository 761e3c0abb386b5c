"""PLIE document settings: the name, logo and co-funding mention printed on every PDF."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class PlieSetting(Base):
    """One document setting, by key: a text value, or an image (bytes and content type)."""

    __tablename__ = "plie_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    value: Mapped[str] = mapped_column(sa.Text, default="")
    binary: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    content_type: Mapped[str] = mapped_column(sa.String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    updated_by = relationship("User")
