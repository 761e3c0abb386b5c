"""The demo seed: idempotent, realistic spread of pathways, every record within the rules."""

import dataclasses
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.clock import paris_today
from app.demo import DEMO_ACCOUNTS, seed_demo
from app.domain.assessment_grid import DatedAssessment, assessment_problems
from app.domain.catalogue import POSITIVE_EXIT_CATEGORIES
from app.domain.distance import AssessmentData, distance_travelled
from app.domain.pathway_rules import (
    EmploymentData,
    EntryData,
    StepData,
    barrier_problems,
    employment_problems,
    entry_problems,
    exit_problems,
    interview_problems,
    mission_problems,
    step_problems,
)
from app.extensions import db
from app.models import (
    Appointment,
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    Barrier,
    Employment,
    Interview,
    Participant,
    Pathway,
    ReferentAssignment,
    Step,
    User,
)

STEP_FIELDS = [f.name for f in dataclasses.fields(StepData)]
EMPLOYMENT_FIELDS = [f.name for f in dataclasses.fields(EmploymentData)]


@pytest.fixture
def participants(app):
    """Seed 60 participants; return them with every pathway record loaded."""
    assert seed_demo(participant_count=60) is True
    db.session.expire_all()
    return db.session.scalars(
        sa.select(Participant).options(
            selectinload(Participant.criteria),
            selectinload(Participant.assignments),
            selectinload(Participant.pathways).options(
                selectinload(Pathway.steps).selectinload(Step.barriers),
                selectinload(Pathway.employments).selectinload(Employment.missions),
                selectinload(Pathway.interviews),
                selectinload(Pathway.appointments),
                selectinload(Pathway.barriers),
                selectinload(Pathway.assessments).selectinload(Assessment.scores)
                .joinedload(AssessmentScore.dimension),
            ),
        )
    ).all()


def pathways_of(participants):
    """Every pathway of every participant."""
    return [p for person in participants for p in person.pathways]


def check_idempotent() -> None:
    """A second run finds the demo accounts and creates nothing."""
    counts = {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (User, Participant, Pathway, Step, Employment, Interview,
                            Appointment, Barrier, Assessment, AssessmentScore)}
    assert seed_demo(participant_count=60) is False
    for model, count in counts.items():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == count


def check_accounts(participants) -> None:
    """The three documented accounts exist with the right roles, and the participants."""
    roles = dict(db.session.execute(sa.select(User.email, User.role)).all())
    assert roles["referente@demo.jalons.fr"] == "referent"
    assert roles["superviseur@demo.jalons.fr"] == "supervisor"
    assert roles["admin@demo.jalons.fr"] == "admin"
    for email, _first, _last, role, _structure in DEMO_ACCOUNTS:
        assert roles[email] == role.value
    assert len(participants) >= 60


def check_statuses(participants) -> None:
    """Orientations, pathways in progress and exits all appear, with a supported positive exit."""
    current = Counter(p.current_pathway.status for p in participants)
    assert {"orientation", "in_pathway", "exited"} <= set(current)
    assert current["in_pathway"] > current["exited"] > current["orientation"]
    positive = [p for p in pathways_of(participants)
                if p.exit_category in POSITIVE_EXIT_CATEGORIES]
    assert positive
    assert all(p.exit_employment_id or p.exit_step_id for p in positive)
    assert any(len(p.pathways) > 1 for p in participants)


def check_one_open_pathway(participants) -> None:
    """Earlier pathways are closed, and closed before the next orientation."""
    for person in participants:
        assert sum(p.is_open for p in person.pathways) <= 1
        ordered = sorted(person.pathways, key=lambda p: p.orientation_date)
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            assert not earlier.is_open
            assert earlier.exit_date and earlier.exit_date < later.orientation_date


def check_people(participants) -> None:
    """Criteria follow the person; assignments start at the first orientation."""
    today = paris_today()
    with_id = 0
    for person in participants:
        codes = {c.code for c in person.criteria}
        assert 1 <= len(codes) <= 4
        age = person.age_on(person.current_pathway.orientation_date)
        assert ("JEUNE" in codes) == (age < 26)
        assert ("SENIOR" in codes) == (age >= 50)
        if "RQTH" in codes:
            assert person.rqth
        if "QPV" in codes:
            assert person.qpv
        assert person.education_level and person.labour_status
        if person.france_travail_id:
            with_id += 1
            assert len(person.france_travail_id) == 8
            assert person.france_travail_id[:7].isdigit()
            assert person.france_travail_id[7].isalpha()
        first = min(p.orientation_date for p in person.pathways)
        assignments = sorted(person.assignments, key=lambda a: a.started_on)
        assert assignments[0].started_on == first
        assert assignments[-1].ended_on is None
        assert assignments[-1].referent_id == person.referent_id
        assert all(a.started_on <= today for a in assignments)
    assert 0.5 * len(participants) <= with_id <= 0.9 * len(participants)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReferentAssignment).where(
        ReferentAssignment.ended_on.is_not(None))) >= 1


def check_entries_and_exits(participants) -> None:
    """Orientation, decision, contract, entry and exit come in order and in the past."""
    today = paris_today()
    for pathway in pathways_of(participants):
        entry = EntryData(pathway.orientation_date, pathway.decision, pathway.decision_date,
                          pathway.contract_signed_on, pathway.entry_date)
        assert entry_problems(entry, today) == {}, pathway.public_id
        if pathway.entry_date:
            assert pathway.decision == "accepted" and pathway.contract_signed_on
        if pathway.exit_date:
            support = bool(pathway.exit_employment_id or pathway.exit_step_id)
            assert exit_problems(pathway.exit_date, pathway.exit_category, pathway.entry_date,
                                 today, support) == {}, pathway.public_id


def check_records(participants) -> None:
    """Steps, contracts, missions, interviews and barriers pass the validation rules."""
    today = paris_today()
    for pathway in pathways_of(participants):
        for step in pathway.steps:
            data = StepData(**{name: getattr(step, name) for name in STEP_FIELDS})
            assert step_problems(data, pathway.entry_date, pathway.exit_date) == {}, \
                (step.type_code, step.status, pathway.exit_date)
            if step.type_code == "SOC":
                assert step.barriers
        for job in pathway.employments:
            data = EmploymentData(**{name: getattr(job, name) for name in EMPLOYMENT_FIELDS})
            assert employment_problems(data) == {}, job.contract_type
            assert 15 <= job.weekly_hours <= 39
            dates = [job.start_date, job.planned_end, job.actual_end] + [
                d for m in job.missions for d in (m.start_date, m.end_date)]
            assert all(d >= pathway.orientation_date for d in dates if d)
            if pathway.exit_date:
                assert all(d <= pathway.exit_date for d in dates if d), job.contract_type
            for mission in job.missions:
                assert mission_problems(mission.start_date, mission.end_date, job.start_date,
                                        mission.hours) == {}
        for interview in pathway.interviews:
            assert interview_problems(interview.held_on, interview.start_time,
                                      interview.end_time, today, None) == {}
            assert interview.held_on >= pathway.orientation_date
            # Notes and topics (printed on sign-in sheets) never mention health.
            text = f"{interview.topics} {interview.note} {interview.next_actions}".lower()
            assert "santé" not in text and "médic" not in text
        assert len(pathway.barriers) <= 3
        for barrier in pathway.barriers:
            assert barrier_problems(barrier.identified_on, barrier.lifted_on, barrier.severity,
                                    today) == {}
            assert barrier.lifted_on is None or barrier.lifted_on <= today


def check_appointments(participants) -> None:
    """Past appointments carry an attendance, future ones none; honoured ones link an interview."""
    today = paris_today()
    for pathway in pathways_of(participants):
        interviews = {i.id: i for i in pathway.interviews}
        for appointment in pathway.appointments:
            assert appointment.scheduled_on >= pathway.orientation_date
            if appointment.scheduled_on > today:
                assert appointment.attendance == ""
            if appointment.attendance == "honore":
                assert interviews[appointment.interview_id].held_on == appointment.scheduled_on
    attendances = Counter(a.attendance for p in pathways_of(participants)
                          for a in p.appointments)
    assert {"honore", "excuse", "absent", ""} <= set(attendances)


def check_referente_fortnight(participants) -> None:
    """The demo référente has at least five appointments in the coming two weeks."""
    today = paris_today()
    referente = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[0][0]))
    upcoming = [a for person in participants if person.referent_id == referente.id
                for p in person.pathways for a in p.appointments
                if today <= a.scheduled_on <= today + timedelta(days=13) and not a.attendance]
    assert len(upcoming) >= 5


def check_assessments(participants) -> None:
    """Each entered pathway has its entry grid, later ones within the pathway, exit grids;
    every active dimension is scored 1–4; most progress, some stay flat or slip back."""
    today = paris_today()
    active = set(db.session.scalars(sa.select(AssessmentDimension.code).where(
        AssessmentDimension.active)))
    overall = []
    for pathway in pathways_of(participants):
        grids = pathway.assessments
        if pathway.entry_date is None:
            assert grids == []
            continue
        assert [g.kind for g in grids].count("entree") == 1, pathway.public_id
        for grid in grids:
            others = [DatedAssessment(o.assessed_on, o.kind) for o in grids if o is not grid]
            assert assessment_problems(grid.assessed_on, grid.kind, pathway.entry_date,
                                       pathway.exit_date, today, others) == {}, grid.kind
            assert set(grid.score_by_code) == active
            assert all(1 <= score.score <= 4 for score in grid.scores)
            assert grid.author_id is not None
            assert "santé" not in grid.comment.lower()
        if pathway.exit_date and pathway.exit_category != "abandon":
            assert grids[-1].kind == "sortie"
        if pathway.exit_date is None and (today - pathway.entry_date).days > 220:
            assert len(grids) >= 2
        distance = distance_travelled(
            [AssessmentData(g.assessed_on, g.kind, g.score_by_code) for g in grids])
        if distance.has_follow_up:
            overall.append(distance.delta)
    assert sum(delta > 0 for delta in overall) > len(overall) / 2
    assert any(delta <= 0 for delta in overall)


# Seeding takes a second or two: each test seeds once and runs several checks on the result.


def test_seed_creates_the_accounts_and_is_idempotent(participants):
    """The demo accounts exist with their roles; a second run creates nothing."""
    check_accounts(participants)
    check_idempotent()


def test_people_and_pathways_are_realistic(participants):
    """A realistic spread of statuses, one open pathway each, consistent people and dates."""
    check_statuses(participants)
    check_one_open_pathway(participants)
    check_people(participants)
    check_entries_and_exits(participants)


def test_every_record_respects_the_domain_rules(participants):
    """Steps, contracts, missions, interviews, barriers and appointments pass the rules."""
    check_records(participants)
    check_appointments(participants)
    check_assessments(participants)


def test_demo_referente_has_appointments_this_week_and_next(participants):
    """The demo référente's home page shows a real fortnight."""
    check_referente_fortnight(participants)
