"""Every pathway evaluated in one batch, for dashboards: plain rows in, Progress out.

The ORM would build millions of objects for a large PLIE; here each chunk of pathways costs six
SELECTs of bare columns, grouped by pathway in Python, so memory stays bounded by the chunk.
Rows are read as the driver's own tuples: at 50 000 pathways SQLAlchemy's Row objects and its
value-by-value conversions cost more than the rules themselves. The same conversions are applied
here, column by column and once per distinct value (dates repeat across thousands of rows).
"""

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from app.models.fse import ExitFollowUp

CHUNK = 5000  # pathways per round of queries


class Memo(dict):
    """Raw driver value → Python value, converted on first sight and remembered."""

    __slots__ = ("convert",)

    def __init__(self, convert: Callable):
        super().__init__()
        self.convert = convert

    def __missing__(self, raw):
        value = self[raw] = self.convert(raw)
        return value


def driver_columns(statement, memos: dict) -> list[tuple]:
    """The columns of a SELECT's result, as SQLAlchemy would convert them, from bare tuples.

    The statement runs through SQLAlchemy (parameters, dialect), but its rows are fetched from
    the DBAPI cursor; each column that needs it (SQLite's text dates, its numbers for amounts) goes
    through the dialect's own result processor, memoised in `memos` (one memo per processor).
    """
    connection = db.session.connection()
    result = connection.execute(statement)
    try:
        rows = result.cursor.fetchall()
        description = result.cursor.description
    finally:
        result.close()
    if not rows:
        return [() for _ in statement.selected_columns]
    columns = list(zip(*rows, strict=True))
    for index, (column, described) in enumerate(zip(statement.selected_columns, description,
                                                    strict=True)):
        convert = column.type.dialect_impl(connection.dialect).result_processor(
            connection.dialect, described[1])
        if convert is not None:
            memo = memos.get(convert)
            if memo is None:
                memo = memos[convert] = Memo(convert)
            columns[index] = tuple(map(memo.__getitem__, columns[index]))
    return columns


def grouped(keys: tuple, values: Iterator) -> dict[int, list]:
    """Values grouped by their key (a pathway or contract id), in the rows' order."""
    groups = defaultdict(list)
    for key, value in zip(keys, values, strict=True):
        groups[key].append(value)
    return groups


def chunk_facts(low: int, high: int,
                as_of: date) -> Iterator[tuple[int, int, PathwayFacts]]:
    """(pathway id, participant id, facts as known on as_of) of pathways with low ≤ id ≤ high."""
    return load_facts(lambda column: column.between(low, high), as_of)


def facts_of(pathway_ids: list[int], as_of: date) -> Iterator[tuple[int, int, PathwayFacts]]:
    """(pathway id, participant id, facts) of the given pathways (a caseload, a saved form)."""
    return load_facts(lambda column: column.in_(pathway_ids), as_of)


def load_facts(within, as_of: date) -> Iterator[tuple[int, int, PathwayFacts]]:
    """Facts of the pathways whose id meets `within(column)`, in six queries."""
    with collector_paused():
        facts = read_facts(within, as_of)
    yield from facts


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a chunk of facts is built.

    The facts hold no reference cycles, so the collector can free none of them, but building
    some 10^5 objects per chunk sets off its passes over the whole heap (the app's modules
    included): at 50 000 pathways those passes took as long as the reading itself. The
    previous state is restored; a collector already paused by the caller stays paused.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_facts(within, as_of: date) -> list[tuple[int, int, PathwayFacts]]:
    """(pathway id, participant id, facts) of the pathways whose id meets `within(column)`."""
    memos: dict = {}
    pathways = driver_columns(sa.select(
        Pathway.id, Pathway.participant_id, Pathway.entry_date, Pathway.exit_date,
        Pathway.exit_category, Pathway.exit_employment_id, Pathway.exit_step_id,
        Pathway.exit_validated_on, ExitFollowUp.exit_situation_on,
        ExitFollowUp.post_exit_situation_on,
    ).outerjoin(ExitFollowUp, ExitFollowUp.pathway_id == Pathway.id)
        .where(within(Pathway.id)).order_by(Pathway.id), memos)
    jobs = job_facts(within, memos)
    pathway_id, *step = driver_columns(
        sa.select(Step.pathway_id, Step.id, Step.type_code, Step.status, Step.planned_start,
                  Step.planned_end, Step.actual_start, Step.actual_end,
                  Step.certification_obtained, Step.pass_iae_end)
        .where(within(Step.pathway_id)), memos)
    steps = grouped(pathway_id, map(StepFact, *step))
    pathway_id, *barrier = driver_columns(
        sa.select(Barrier.pathway_id, Barrier.id, Barrier.theme, Barrier.severity,
                  Barrier.identified_on, Barrier.lifted_on)
        .where(within(Barrier.pathway_id)), memos)
    barriers = grouped(pathway_id, map(BarrierFact, *barrier))
    interviews = interview_facts(within, as_of, memos)
    return [(pathway_id, participant_id, PathwayFacts(
        entry, exit_, category, exit_job, exit_step, validated,
        tuple(jobs.get(pathway_id, ())), tuple(steps.get(pathway_id, ())),
        tuple(barriers.get(pathway_id, ())), interviews.get(pathway_id, ()),
        True, situation_on, post_situation_on))
        for (pathway_id, participant_id, entry, exit_, category, exit_job, exit_step,
             validated, situation_on, post_situation_on) in zip(*pathways, strict=True)]


def job_facts(within, memos: dict) -> dict[int, list[JobFact]]:
    """The contracts of each pathway, with their missions."""
    employment_id, *mission = driver_columns(
        sa.select(Mission.employment_id, Mission.start_date, Mission.end_date, Mission.hours)
        .join(Employment, Employment.id == Mission.employment_id)
        .where(within(Employment.pathway_id)), memos)
    missions = grouped(employment_id, map(MissionFact, *mission))
    pathway_id, *job = driver_columns(
        sa.select(Employment.pathway_id, Employment.id, Employment.contract_type,
                  Employment.start_date, Employment.planned_end, Employment.actual_end,
                  Employment.weekly_hours)
        .where(within(Employment.pathway_id)), memos)
    job_missions = [tuple(missions.get(key, ())) for key in job[0]]
    return grouped(pathway_id, map(JobFact, *job, job_missions))


def interview_facts(within, as_of: date,
                    memos: dict) -> dict[int, tuple[InterviewFact, ...]]:
    """The contacts of each pathway that had an interview by as_of.

    The rules read only the last contact and the first diagnostic interview up to as_of:
    two facts per pathway instead of every interview.
    """
    pathway_id, last, first_diagnostic = driver_columns(sa.select(
        Interview.pathway_id, sa.func.max(Interview.held_on),
        sa.func.min(sa.case((Interview.kind == "diagnostic", Interview.held_on))),
    ).where(within(Interview.pathway_id), Interview.held_on <= as_of)
        .group_by(Interview.pathway_id), memos)
    return dict(zip(pathway_id, map(contact_facts, last, first_diagnostic), strict=True))


def contact_facts(last: date, first_diagnostic: date | None) -> tuple[InterviewFact, ...]:
    """The last interview and the first diagnostic interview, from the grouped row."""
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
