"""Changing a participant's référent: the assignment history and the audit trail."""

from flask_login import current_user

from app import audit
from app.clock import paris_today
from app.models import Participant, ReferentAssignment


def record_assignment(participant: Participant, previous_referent: int | None,
                      **detail) -> None:
    """Close the previous référent's assignment and open the new one, for the history.

    Called once participant.referent_id holds the new référent; `detail` goes to the audit
    event (a bulk move gives its reason).
    """
    today = paris_today()
    for assignment in participant.assignments:
        if assignment.ended_on is None:
            assignment.ended_on = today
    if participant.referent_id is not None:
        participant.assignments.append(ReferentAssignment(
            referent_id=participant.referent_id, started_on=today,
            assigned_by_id=current_user.id,
        ))
    if previous_referent is not None:
        audit.record("participant.reassign", target=participant, previous=previous_referent,
                     new=participant.referent_id, **detail)


def reassign(participant: Participant, referent_id: int, **detail) -> bool:
    """Give the participant to another référent; False when they already follow them."""
    previous = participant.referent_id
    if previous == referent_id:
        return False
    participant.referent_id = referent_id
    record_assignment(participant, previous, **detail)
    return True
