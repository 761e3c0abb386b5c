"""Keep pathway_progress up to date: each transaction's touched pathways, and nightly, all.

Caseload pages and dashboards read pathway_progress with plain SQL, so their query count and
cost do not depend on how much history each person has. A commit that changes a pathway's
records re-evaluates that pathway before it commits (same transaction); alerts also move with
the calendar, so `flask refresh-progress` re-evaluates everything once a day, and pages that
list a caseload refresh the rows evaluated before today.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.clock import paris_today
from app.domain.distance import AssessmentData, distance_travelled
from app.domain.facts import PathwayFacts, shown_step
from app.domain.progress import Progress, evaluate_progress
from app.extensions import db
from app.models import (
    Appointment,
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    Barrier,
    Employment,
    Interview,
    Mission,
    Pathway,
    PathwayProgress,
    Step,
)
from app.models.fse import ExitFollowUp
from app.progress.batch import facts_of
from app.progress.parameters import parameters_for

TOUCHED = "touched_pathways"
TOUCHED_JOBS = "touched_employments"
TOUCHED_ASSESSMENTS = "touched_assessments"
BATCH = 500  # pathways per round when many are refreshed


NO_APPOINTMENT = (None, None, "")


def next_appointments(pathway_ids: list[int], today: date) -> dict[int, tuple]:
    """(day, hour, purpose) of each pathway's next appointment from today on still awaiting
    its attendance, from one query; one without an hour comes first that day, as on the file."""
    rows = db.session.execute(
        sa.select(Appointment.pathway_id, Appointment.scheduled_on, Appointment.scheduled_time,
                  Appointment.purpose)
        .where(Appointment.pathway_id.in_(pathway_ids), Appointment.scheduled_on >= today,
               Appointment.attendance == "")
        .order_by(Appointment.scheduled_on,
                  sa.case((Appointment.scheduled_time.is_(None), 0), else_=1),
                  Appointment.scheduled_time, Appointment.id))
    found: dict[int, tuple] = {}
    for pathway_id, day, hour, purpose in rows:
        found.setdefault(pathway_id, (day, hour, purpose or ""))
    return found


def snapshot_row(pathway_id: int, participant_id: int, facts: PathwayFacts, progress: Progress,
                 distance: tuple | None, appointment: tuple, today: date) -> dict:
    """The pathway_progress row of one evaluation."""
    durable = progress.durable
    indicators = progress.indicators
    highest = progress.highest_milestone
    row = {
        "pathway_id": pathway_id,
        "participant_id": participant_id,
        "evaluated_on": today,
        "durable_status": durable.status,
        "durable_rule": durable.current.rule if durable.current else "",
        "validation_due": progress.exit_check.validation_due
        or (durable.current.validation_due if durable.status == "provisional" else None),
        "exit_state": progress.exit_check.state,
        "highest_milestone": highest.code if highest else "",
        "alert_count": len(progress.alerts),
        "alert_kinds": ",".join(sorted({alert.kind for alert in progress.alerts})),
        "first_alert_due": min((a.due_on for a in progress.alerts), default=None),
        "alerts": [[a.kind, a.due_on.isoformat(), a.subject, a.subject_key]
                   for a in progress.alerts],
        "hours_6_months": indicators.last_6_months.hours,
        "hours_12_months": indicators.last_12_months.hours,
        "last_contact_on": indicators.last_contact_on,
        "open_barriers": indicators.open_barriers,
        "blocking_barriers": indicators.blocking_barriers,
        "lifted_barriers": indicators.lifted_barriers,
        "current_contract_type": indicators.current_contract_type or "",
        "distance_baseline": distance[0] if distance else None,
        "distance_latest": distance[1] if distance else None,
    }
    step, open_steps = shown_step(facts.steps)
    row.update({
        "step_type": step.type_code if step else "",
        "step_status": step.status if step else "",
        "open_steps": open_steps,
        "next_appointment_on": appointment[0],
        "next_appointment_time": appointment[1],
        "next_appointment_purpose": appointment[2],
    })
    row.update({f"reached_{m.code}": m.reached_on for m in progress.milestones})
    return row


def distances(pathway_ids: list[int]) -> dict[int, tuple]:
    """(baseline mean, latest mean) of each pathway's grids, from one query."""
    grids: dict[int, dict[int, AssessmentData]] = defaultdict(dict)
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(Assessment.pathway_id, Assessment.id, Assessment.assessed_on, Assessment.kind,
                  AssessmentDimension.code, AssessmentScore.score)
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .join(AssessmentDimension, AssessmentDimension.id == AssessmentScore.dimension_id)
        .where(Assessment.pathway_id.in_(pathway_ids)))
    for pathway_id, assessment_id, assessed_on, kind, code, score in rows:
        scores[assessment_id][code] = score
        grids[pathway_id][assessment_id] = (assessed_on, kind)
    result = {}
    for pathway_id, by_id in grids.items():
        found = distance_travelled(AssessmentData(day, kind, scores[key])
                                   for key, (day, kind) in by_id.items())
        if found is not None:
            result[pathway_id] = (found.baseline_mean, found.latest_mean)
    return result


def refresh(pathway_ids: Iterable[int], today: date) -> int:
    """Re-evaluate the given pathways and replace their rows; return how many were written."""
    ids = sorted(set(pathway_ids))
    written = 0
    params = parameters_for(today)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        means = distances(chunk)
        appointments = next_appointments(chunk, today)
        rows = [snapshot_row(pathway_id, participant_id, facts,
                             evaluate_progress(facts, params, today), means.get(pathway_id),
                             appointments.get(pathway_id, NO_APPOINTMENT), today)
                for pathway_id, participant_id, facts in facts_of(chunk, today)]
        db.session.execute(sa.delete(PathwayProgress).where(
            PathwayProgress.pathway_id.in_(chunk)))
        if rows:
            db.session.execute(sa.insert(PathwayProgress), rows)
        written += len(rows)
    return written


def evaluated_before(evaluated_on, today) -> sa.ColumnElement[bool]:
    """The stored evaluation is missing (outer join), marked stale (NULL), or from before
    `today` (a date or a bound parameter)."""
    return sa.or_(evaluated_on.is_(None), evaluated_on < today)


def refresh_stale(participants, today: date) -> int:
    """Refresh the pathways of these participants (ids, or a SELECT of them) not evaluated
    today."""
    stale = db.session.scalars(
        sa.select(Pathway.id)
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .where(Pathway.participant_id.in_(participants),
               evaluated_before(PathwayProgress.evaluated_on, today))).all()
    return refresh(stale, today) if stale else 0


def mark_all_stale() -> None:
    """Rule parameters changed: every row must be re-evaluated (pages refresh what they show)."""
    db.session.execute(sa.update(PathwayProgress).values(evaluated_on=None))


def all_pathway_ids() -> list[int]:
    """Every pathway's id, in order."""
    return db.session.scalars(sa.select(Pathway.id).order_by(Pathway.id)).all()


# --- Refresh at commit --------------------------------------------------------------------

PATHWAY_CHILDREN = (Step, Employment, Interview, Barrier, Appointment, Assessment, ExitFollowUp)


def note_touched(session: Session, _context) -> None:
    """After each flush, remember which pathways had records added, changed or deleted."""
    touched = session.info.setdefault(TOUCHED, set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Pathway):
            touched.add(instance.id)
        elif isinstance(instance, PATHWAY_CHILDREN):
            touched.add(instance.pathway_id)
        elif isinstance(instance, Mission):
            session.info.setdefault(TOUCHED_JOBS, set()).add(instance.employment_id)
        elif isinstance(instance, AssessmentScore):
            session.info.setdefault(TOUCHED_ASSESSMENTS, set()).add(instance.assessment_id)


def refresh_touched(session: Session) -> None:
    """Before commit, re-evaluate the pathways this transaction changed."""
    session.flush()
    touched = session.info.pop(TOUCHED, set())
    jobs = session.info.pop(TOUCHED_JOBS, set())
    assessments = session.info.pop(TOUCHED_ASSESSMENTS, set())
    if jobs:
        touched |= set(session.scalars(sa.select(Employment.pathway_id)
                                       .where(Employment.id.in_(jobs))))
    if assessments:
        touched |= set(session.scalars(sa.select(Assessment.pathway_id)
                                       .where(Assessment.id.in_(assessments))))
    touched.discard(None)
    if touched:
        # Deleted pathways are gone by now; refresh() writes rows for the ones that remain.
        refresh(touched, paris_today())


def forget_touched(session: Session) -> None:
    """A rolled-back transaction changed nothing."""
    for key in (TOUCHED, TOUCHED_JOBS, TOUCHED_ASSESSMENTS):
        session.info.pop(key, None)


LISTENERS = (("after_flush", note_touched), ("before_commit", refresh_touched),
             ("after_rollback", forget_touched))


def init_app() -> None:
    """Listen to every session (once per process, however many apps are created)."""
    for name, listener in LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
