"""Structures, user accounts and login attempts."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a user does in Jalons."""

    REFERENT = "referent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """French label shown in the interface."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.REFERENT: "Référent(e) de parcours",
    Role.SUPERVISOR: "Chargé(e) de mission / superviseur",
    Role.ADMIN: "Administrateur",
}


def new_session_token() -> str:
    """Return a fresh random token identifying a user's live sessions."""
    return secrets.token_urlsafe(32)


class Structure(Base):
    """A partner structure employing référents (association, CCAS, SIAE…)."""

    __tablename__ = "structure"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="structure")


class User(Base):
    """An account: a référent, a supervisor or an administrator."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    role: Mapped[str] = mapped_column(sa.String(20))
    structure_id: Mapped[int | None] = mapped_column(sa.ForeignKey("structure.id"))
    active: Mapped[bool] = mapped_column(default=True)
    caseload_ceiling: Mapped[int] = mapped_column(default=70)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    structure: Mapped[Structure | None] = relationship(back_populates="users")

    __table_args__ = (
        sa.CheckConstraint("role IN ('referent', 'supervisor', 'admin')", name="role"),
        sa.CheckConstraint("caseload_ceiling >= 0", name="ceiling_positive"),
    )

    # Flask-Login protocol. get_id() returns the session token, not the primary key, so
    # rotating the token invalidates every cookie issued before.
    @property
    def is_authenticated(self) -> bool:
        """Every loaded user is authenticated."""
        return True

    @property
    def is_active(self) -> bool:
        """A deactivated account cannot log in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """A loaded user is never anonymous."""
        return False

    def get_id(self) -> str:
        """Identify the session by its rotating token."""
        return self.session_token

    def rotate_session_token(self) -> None:
        """End every session of this user."""
        self.session_token = new_session_token()

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def role_label(self) -> str:
        """French label of the role."""
        return Role(self.role).label

    @property
    def is_referent(self) -> bool:
        """Whether the user keeps a caseload."""
        return self.role == Role.REFERENT

    @property
    def is_supervisor(self) -> bool:
        """Whether the user supervises every caseload."""
        return self.role == Role.SUPERVISOR

    @property
    def is_admin(self) -> bool:
        """Whether the user runs the instance (and sees no participant data)."""
        return self.role == Role.ADMIN


class LoginAttempt(Base):
    """One login attempt, kept in the database so that lockout holds across workers."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
