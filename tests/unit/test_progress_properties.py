"""Properties of the progress rules, checked on generated pathways."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.catalogue import CONTRACT_TYPES
from app.domain.facts import (
    BarrierFact,
    InterviewFact,
    JobFact,
    MissionFact,
    PathwayFacts,
    StepFact,
)
from app.domain.progress import evaluate_progress
from app.domain.rules import DEFAULTS

FIRST_DAY = date(2023, 1, 1)
days = st.integers(0, 1200).map(lambda n: FIRST_DAY + timedelta(n))
lengths = st.integers(0, 400)
hours = st.none() | st.decimals(1, 40, places=1)


@st.composite
def missions(draw, start):
    """Missions within an intérim episode starting on `start`."""
    result = []
    for _ in range(draw(st.integers(0, 5))):
        first = start + timedelta(draw(st.integers(0, 300)))
        last = first + timedelta(draw(st.integers(0, 120)))
        result.append(MissionFact(first, last, draw(st.none() | st.decimals(1, 900, places=1))))
    return tuple(result)


@st.composite
def jobs(draw, key):
    """An employment episode of any contract type."""
    kind = draw(st.sampled_from(sorted(CONTRACT_TYPES)))
    start = draw(days)
    planned_end = draw(st.none() | lengths.map(lambda n: start + timedelta(n)))
    actual_end = draw(st.none() | lengths.map(lambda n: start + timedelta(n)))
    found = draw(missions(start)) if kind == "INTERIM" else ()
    return JobFact(key, kind, start, planned_end, actual_end, draw(hours), found)


@st.composite
def steps(draw, key):
    """A step of the kinds the rules read."""
    kind = draw(st.sampled_from(["ACC", "PROJ", "PMSMP", "FORM_PQ", "FORM_Q", "IAE", "PEC",
                                 "REMOB", "EMPLOI"]))
    status = draw(st.sampled_from(["prevue", "en_cours", "realisee", "abandonnee"]))
    start = draw(days)
    end = draw(st.none() | lengths.map(lambda n: start + timedelta(n)))
    return StepFact(key, kind, status, planned_start=start, planned_end=end,
                    actual_start=start if status != "prevue" else None,
                    actual_end=end if status in ("realisee", "abandonnee") else None,
                    certification_obtained=draw(st.none() | st.booleans()),
                    pass_iae_end=draw(st.none() | days))


@st.composite
def barriers(draw, key):
    """A barrier, lifted or not."""
    identified = draw(days)
    lifted = draw(st.none() | lengths.map(lambda n: identified + timedelta(n)))
    return BarrierFact(key, "mobilite", 0 if lifted else draw(st.integers(1, 3)), identified,
                       lifted)


@st.composite
def pathways(draw):
    """A pathway with a few of each record, possibly exited on one of its jobs."""
    entry = draw(days)
    job_list = [draw(jobs(key)) for key in range(draw(st.integers(0, 4)))]
    exit_date = draw(st.none() | lengths.map(lambda n: entry + timedelta(n)))
    category = draw(st.sampled_from(["emploi_durable", "abandon", "creation_activite"]))
    return PathwayFacts(
        entry_date=entry,
        exit_date=exit_date,
        exit_category=category if exit_date else "",
        exit_job_key=draw(st.sampled_from([j.key for j in job_list])) if job_list and exit_date
        else None,
        jobs=tuple(job_list),
        steps=tuple(draw(steps(key)) for key in range(draw(st.integers(0, 5)))),
        barriers=tuple(draw(barriers(key)) for key in range(draw(st.integers(0, 3)))),
        interviews=tuple(InterviewFact(draw(days), draw(st.sampled_from(["suivi", "diagnostic"])))
                         for _ in range(draw(st.integers(0, 6)))),
        track_exit_situations=draw(st.booleans()),
    )


def shuffled(draw, items):
    """The same items in a drawn order."""
    return tuple(draw(st.permutations(list(items))))


@settings(max_examples=300, deadline=None)
@given(pathways(), days, st.data())
def test_result_does_not_depend_on_input_order(facts, as_of, data):
    draw = data.draw
    reordered = dataclasses.replace(
        facts,
        jobs=shuffled(draw, (dataclasses.replace(j, missions=shuffled(draw, j.missions))
                             for j in facts.jobs)),
        steps=shuffled(draw, facts.steps),
        barriers=shuffled(draw, facts.barriers),
        interviews=shuffled(draw, facts.interviews),
    )
    assert evaluate_progress(reordered, DEFAULTS, as_of) == \
        evaluate_progress(facts, DEFAULTS, as_of)


def with_one_more_hour(facts, data) -> PathwayFacts:
    """The pathway with one more worked hour on a job or an intérim mission."""
    index = data.draw(st.integers(0, len(facts.jobs) - 1))
    job = facts.jobs[index]
    if job.missions and data.draw(st.booleans()):
        position = data.draw(st.integers(0, len(job.missions) - 1))
        mission = job.missions[position]
        more = dataclasses.replace(mission, hours=(mission.hours or 0) + Decimal(1))
        job = dataclasses.replace(job, missions=job.missions[:position] + (more,)
                                  + job.missions[position + 1:])
    else:
        job = dataclasses.replace(job, weekly_hours=(job.weekly_hours or 0) + Decimal(1))
    return dataclasses.replace(facts, jobs=facts.jobs[:index] + (job,) + facts.jobs[index + 1:])


@settings(max_examples=300, deadline=None)
@given(pathways(), days, st.data())
def test_an_extra_worked_hour_never_removes_a_milestone(facts, as_of, data):
    if not facts.jobs:
        return
    before = evaluate_progress(facts, DEFAULTS, as_of).milestones
    after = evaluate_progress(with_one_more_hour(facts, data), DEFAULTS, as_of).milestones
    for old, new in zip(before, after, strict=True):
        if old.reached_on is not None:
            assert new.reached_on is not None and new.reached_on <= old.reached_on, old.code


@settings(max_examples=300, deadline=None)
@given(pathways(), days, st.integers(1, 800))
def test_a_later_evaluation_never_unvalidates(facts, as_of, later_by):
    earlier = evaluate_progress(facts, DEFAULTS, as_of)
    later = evaluate_progress(facts, DEFAULTS, as_of + timedelta(later_by))
    if earlier.durable.status == "validated":
        assert later.durable.status == "validated"
        assert later.durable.first_validated_on == earlier.durable.first_validated_on
    if earlier.exit_check.state in ("ready", "validated"):
        assert later.exit_check.state == earlier.exit_check.state
    for old, new in zip(earlier.milestones, later.milestones, strict=True):
        if old.reached_on is not None and old.code != "freins":
            assert new.reached_on == old.reached_on, old.code
