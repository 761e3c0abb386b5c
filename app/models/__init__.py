"""All models, imported here so that Alembic and the app see the whole schema."""

from app.models.assessment import Assessment, AssessmentDimension, AssessmentScore
from app.models.audit import AuditEvent
from app.models.commission import CommissionDecision, EntryCommission
from app.models.documents import PlieSetting
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.models.participant import Participant, ParticipantSearchTerm
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
from app.models.reference import EligibilityCriterion, ReferenceStamp, StepType
from app.models.settings import RuleParameter
from app.models.snapshot import PathwayProgress
from app.models.user import LoginAttempt, Role, Structure, User

__all__ = [
    "Appointment", "Assessment", "AssessmentDimension", "AssessmentScore", "AuditEvent",
    "Barrier", "CommissionDecision", "EligibilityCriterion", "Employment", "EntryCommission",
    "ExitFollowUp", "ParticipantFseData",
    "Interview", "LoginAttempt", "Mission", "Participant", "ParticipantSearchTerm", "Pathway",
    "PathwayProgress",
    "PlieSetting", "ReferenceStamp", "ReferentAssignment",
    "Role", "RuleParameter", "Step", "StepType", "Structure", "User",
]
