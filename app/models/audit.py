"""The append-only audit log of access to personal data and of security events."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """Who did what, when, to which record. Never updated, never deleted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # The e-mail is copied so the log stays readable whatever happens to the account.
    actor: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(40), default="")
    target_id: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[str] = mapped_column(sa.Text, default="")


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@event.listens_for(AuditEvent, "before_update")
def refuse_update(_mapper, _connection, _target):
    """Refuse any update of an audit event."""
    raise AppendOnlyError("le journal d'audit est en ajout seul")


@event.listens_for(AuditEvent, "before_delete")
def refuse_delete(_mapper, _connection, _target):
    """Refuse any deletion of an audit event."""
    raise AppendOnlyError("le journal d'audit est en ajout seul")
