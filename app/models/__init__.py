"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.audit import AuditEvent
from app.models.participant import Participant
from app.models.user import LoginAttempt, Role, Structure, User

__all__ = ["AuditEvent", "LoginAttempt", "Participant", "Role", "Structure", "User"]
