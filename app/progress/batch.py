"""Every pathway evaluated in one batch, for dashboards: plain rows in, Progress out.

The ORM would build millions of objects for a large PLIE; here each chunk of pathways costs six
SELECTs of bare columns, grouped by pathway in Python, so memory stays bounded by the chunk.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa

from app.domain.facts import (
    BarrierFact,
    InterviewFact,
    JobFact,
    MissionFact,
    PathwayFacts,
    StepFact,
)
from app.domain.progress import Progress, evaluate_progress
from app.domain.rules import RuleParameters
from app.extensions import db
from app.models import Barrier, Employment, Interview, Mission, Pathway, Step

CHUNK = 5000  # pathways per round of queries


def grouped(statement) -> dict[int, list]:
    """Rows of a SELECT whose first column is a pathway id, grouped by it."""
    groups = defaultdict(list)
    for row in db.session.execute(statement):
        groups[row[0]].append(row[1:])
    return groups


def chunk_facts(low: int, high: int,
                as_of: date) -> Iterator[tuple[int, int, PathwayFacts]]:
    """(pathway id, participant id, facts as known on as_of) of pathways with low ≤ id ≤ high."""
    def within(column):
        return column.between(low, high)

    pathways = db.session.execute(sa.select(
        Pathway.id, Pathway.participant_id, Pathway.entry_date, Pathway.exit_date,
        Pathway.exit_category, Pathway.exit_employment_id, Pathway.exit_step_id,
        Pathway.exit_validated_on,
    ).where(within(Pathway.id)).order_by(Pathway.id)).all()
    missions = grouped(sa.select(Mission.employment_id, Mission.start_date, Mission.end_date,
                                 Mission.hours)
                       .join(Employment, Employment.id == Mission.employment_id)
                       .where(within(Employment.pathway_id)))
    jobs = grouped(sa.select(Employment.pathway_id, Employment.id, Employment.contract_type,
                             Employment.start_date, Employment.planned_end,
                             Employment.actual_end, Employment.weekly_hours)
                   .where(within(Employment.pathway_id)))
    steps = grouped(sa.select(Step.pathway_id, Step.id, Step.type_code, Step.status,
                              Step.planned_start, Step.planned_end, Step.actual_start,
                              Step.actual_end, Step.certification_obtained, Step.pass_iae_end)
                    .where(within(Step.pathway_id)))
    barriers = grouped(sa.select(Barrier.pathway_id, Barrier.id, Barrier.theme,
                                 Barrier.severity, Barrier.identified_on, Barrier.lifted_on)
                       .where(within(Barrier.pathway_id)))
    # The rules read only the last contact and the first diagnostic interview up to as_of:
    # two facts per pathway instead of every interview.
    interviews = grouped(sa.select(
        Interview.pathway_id, sa.func.max(Interview.held_on),
        sa.func.min(sa.case((Interview.kind == "diagnostic", Interview.held_on))),
    ).where(within(Interview.pathway_id), Interview.held_on <= as_of)
        .group_by(Interview.pathway_id))
    for (pathway_id, participant_id, entry, exit_, category, exit_job, exit_step,
         validated) in pathways:
        facts = PathwayFacts(
            entry_date=entry, exit_date=exit_, exit_category=category, exit_job_key=exit_job,
            exit_step_key=exit_step, exit_validated_on=validated,
            jobs=tuple(JobFact(*row, missions=tuple(MissionFact(*m) for m in missions[row[0]]))
                       for row in jobs[pathway_id]),
            steps=tuple(StepFact(*row) for row in steps[pathway_id]),
            barriers=tuple(BarrierFact(*row) for row in barriers[pathway_id]),
            interviews=contact_facts(interviews[pathway_id]),
        )
        yield pathway_id, participant_id, facts


def contact_facts(rows: list) -> tuple[InterviewFact, ...]:
    """The last interview and the first diagnostic interview, from the grouped row."""
    if not rows:
        return ()
    last, first_diagnostic = rows[0]
    facts = (InterviewFact(last, "suivi"),)
    return facts + ((InterviewFact(first_diagnostic, "diagnostic"),) if first_diagnostic else ())


def evaluate_all(params: RuleParameters, as_of: date,
                 chunk: int = CHUNK) -> Iterator[tuple[int, int, Progress]]:
    """(pathway id, participant id, progress) of every pathway, chunk by chunk."""
    low, top = db.session.execute(sa.select(sa.func.min(Pathway.id),
                                            sa.func.max(Pathway.id))).one()
    if low is None:
        return
    while low <= top:
        for pathway_id, participant_id, facts in chunk_facts(low, low + chunk - 1, as_of):
            yield pathway_id, participant_id, evaluate_progress(facts, params, as_of)
        low += chunk
