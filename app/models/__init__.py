"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.assessment import Assessment, AssessmentDimension, AssessmentScore
from app.models.audit import AuditEvent
from app.models.participant import Participant
from app.models.pathway import (
    Appointment,
    Barrier,
    Employment,
    Interview,
    Mission,
    Pathway,
    ReferentAssignment,
    Step,
)
from app.models.reference import EligibilityCriterion, StepType
from app.models.settings import RuleParameter
from app.models.user import LoginAttempt, Role, Structure, User

__all__ = [
    "Appointment", "Assessment", "AssessmentDimension", "AssessmentScore", "AuditEvent",
    "Barrier", "EligibilityCriterion", "Employment", "Interview", "LoginAttempt", "Mission",
    "Participant", "Pathway", "ReferentAssignment", "Role", "RuleParameter", "Step",
    "StepType", "Structure", "User",
]
