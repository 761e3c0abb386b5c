"""The participant file: everything the page shows, loaded in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from app.charts.timeline import TimelineItem, render_timeline, window_start
from app.domain.catalogue import CONTRACT_TYPES, INTERVIEW_KINDS
from app.models import (
    Appointment,
    Barrier,
    Employment,
    Interview,
    Participant,
    Pathway,
    ReferentAssignment,
    Step,
)
from app.pathway.assessments import ASSESSMENT_OPTIONS
from app.permissions import get_participant_or_deny

FILE_OPTIONS = (
    joinedload(Participant.referent),
    selectinload(Participant.criteria),
    selectinload(Participant.assignments).joinedload(ReferentAssignment.referent),
    selectinload(Participant.pathways).options(
        selectinload(Pathway.steps).selectinload(Step.barriers),
        selectinload(Pathway.employments).selectinload(Employment.missions),
        selectinload(Pathway.interviews).joinedload(Interview.author),
        selectinload(Pathway.appointments),
        selectinload(Pathway.barriers).selectinload(Barrier.steps),
        joinedload(Pathway.exit_validated_by),
        selectinload(Pathway.exit_follow_up),
        *ASSESSMENT_OPTIONS,
    ),
)


def load_file(public_id: str) -> Participant:
    """The participant with every record the page shows, through the permission check."""
    return get_participant_or_deny(public_id, *FILE_OPTIONS)


@dataclass
class FileHeader:
    """What the top of the page says about the person's situation."""

    status: str
    days_in_pathway: int | None
    next_appointment: Appointment | None
    last_interview: Interview | None


def file_header(participant: Participant, today: date) -> FileHeader:
    """Status, days since entry, next appointment and last interview of the current pathway."""
    pathway = participant.current_pathway
    if pathway is None:
        return FileHeader("none", None, None, None)
    days = None
    if pathway.entry_date:
        days = ((pathway.exit_date or today) - pathway.entry_date).days
    upcoming = [a for a in pathway.appointments if a.scheduled_on >= today and not a.attendance]
    return FileHeader(
        pathway.status,
        days,
        min(upcoming, key=lambda a: (a.scheduled_on, a.scheduled_time or a.scheduled_on))
        if upcoming else None,
        pathway.interviews[0] if pathway.interviews else None,
    )


def timeline_svg(pathway: Pathway, labels: dict[str, str], today: date) -> str:
    """The pathway's steps, contracts and interviews drawn on one axis."""
    items = []
    for step in pathway.steps:
        if step.start is None or (step.status == "abandonnee" and step.actual_start is None):
            continue
        # A step in progress runs to its planned end; without one, to today (open bar).
        items.append(TimelineItem("step", step.start, step.end,
                                  labels.get(step.type_code, step.type_code),
                                  planned=step.status == "prevue",
                                  ongoing=step.status == "en_cours"))
    for job in pathway.employments:
        label = f"{CONTRACT_TYPES.get(job.contract_type, job.contract_type)} — {job.employer}"
        if job.missions:
            items.extend(TimelineItem("job", m.start_date, m.end_date, f"Mission — {label}")
                         for m in job.missions)
        else:
            items.append(TimelineItem("job", job.start_date, job.end, label))
    for interview in pathway.interviews:
        kind = INTERVIEW_KINDS.get(interview.kind, interview.kind)
        items.append(TimelineItem("interview", interview.held_on, interview.held_on,
                                  f"Entretien ({kind}) du {interview.held_on:%d/%m/%Y}"))
    start = window_start(pathway.entry_date, pathway.orientation_date, today)
    return render_timeline(items, today, "Frise du parcours", start=start)
