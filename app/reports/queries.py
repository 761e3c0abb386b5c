"""Participants as the plain FSE+ records of app/domain/fse.py, read chunk by chunk.

Keyset pagination over participant ids: each chunk costs four or five SELECTs of bare
columns (participants with their sensitive answers, pathways with their situations after
exit, criteria, and for the indicators the steps and interviews of the period), read in a
transaction of its own, so memory is bounded by the chunk however large the PLIE and no lock
is held while the chunk is formatted and sent.
"""

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from app.domain.fse import ParticipantRecord, PathwayData, Period, PersonData
from app.extensions import db
from app.models import (
    EligibilityCriterion,
    Interview,
    Participant,
    Pathway,
    Role,
    Step,
    Structure,
    User,
)
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.models.reference import participant_criterion

CHUNK = 2000  # participants per round of queries


@dataclass(frozen=True)
class Scope:
    """Whose participants a report covers: the whole PLIE, a structure or a référent."""

    kind: str  # plie, structure, referent
    key: int | None = None
    label: str = "Tout le PLIE"

    @property
    def code(self) -> str:
        """The value of the scope selector: plie, s<id> or r<id>."""
        return {"plie": "plie", "structure": f"s{self.key}", "referent": f"r{self.key}"}[self.kind]


PLIE = Scope("plie")


def scope_choices() -> list[tuple[str, str]]:
    """Every scope a supervisor may choose: the PLIE, each structure, each référent."""
    choices = [("plie", PLIE.label)]
    structures = db.session.execute(sa.select(Structure.id, Structure.name)
                                    .order_by(Structure.name)).all()
    choices += [(f"s{key}", f"Structure : {name}") for key, name in structures]
    referents = db.session.execute(
        sa.select(User.id, User.first_name, User.last_name).where(User.role == Role.REFERENT)
        .order_by(User.last_name, User.first_name)).all()
    choices += [(f"r{key}", f"Référent(e) : {first} {last}") for key, first, last in referents]
    return choices


def grouped_choices(choices: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The scopes as option groups for the selector: the PLIE, structures, référents."""
    groups = {"Tout le PLIE": [], "Structures": [], "Référent(e)s": []}
    for code, label in choices:
        group = {"p": "Tout le PLIE", "s": "Structures", "r": "Référent(e)s"}[code[0]]
        groups[group].append((code, label.split(" : ", 1)[-1]))
    return groups


def scope_from_code(code: str, choices: list[tuple[str, str]]) -> Scope:
    """The scope a selector value names (the PLIE when it names nothing known)."""
    label = dict(choices).get(code)
    if label is None or code == "plie":
        return PLIE
    kind = "structure" if code[0] == "s" else "referent"
    return Scope(kind, int(code[1:]), label)


def scope_condition(scope: Scope):
    """The WHERE clause on Participant of a scope (by current référent)."""
    if scope.kind == "structure":
        return Participant.referent_id.in_(
            sa.select(User.id).where(User.structure_id == scope.key))
    if scope.kind == "referent":
        return Participant.referent_id == scope.key
    return sa.true()


def accompanied_condition(period: Period):
    """Participants in a pathway on at least one day of the period (every entrant and leaver
    of the period is one)."""
    return sa.exists().where(
        Pathway.participant_id == Participant.id, Pathway.entry_date <= period.end,
        sa.or_(Pathway.exit_date.is_(None), Pathway.exit_date >= period.start))


def entered_condition():
    """Participants who entered at least one pathway."""
    return sa.exists().where(Pathway.participant_id == Participant.id,
                             Pathway.entry_date.is_not(None))


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a record is, for exports and lists (never read by the indicators)."""

    public_id: str
    last_name: str
    first_name: str
    referent_id: int | None
    pathway_ids: dict  # pathway id → public id


PERSON_COLUMNS = (
    Participant.id, Participant.sex, Participant.birth_date, Participant.postcode,
    Participant.qpv, Participant.rural, Participant.labour_status,
    Participant.unemployed_since, Participant.in_education, Participant.education_level,
    Participant.rqth,
    sa.func.coalesce(ParticipantFseData.third_country_national, ""),
    sa.func.coalesce(ParticipantFseData.foreign_background, ""),
    sa.func.coalesce(ParticipantFseData.minority, ""),
    sa.func.coalesce(ParticipantFseData.homeless, ""),
    Participant.public_id, Participant.last_name, Participant.first_name,
    Participant.referent_id,
)
PATHWAY_COLUMNS = (
    Pathway.participant_id, Pathway.id, Pathway.entry_date, Pathway.exit_date,
    Pathway.exit_category, Pathway.exit_validated_on,
    sa.func.coalesce(ExitFollowUp.exit_situation, ""),
    sa.func.coalesce(ExitFollowUp.exit_contract_type, ""),
    ExitFollowUp.qualification_gained, ExitFollowUp.exit_situation_on,
    sa.func.coalesce(ExitFollowUp.post_exit_situation, ""),
    ExitFollowUp.post_exit_improved, ExitFollowUp.post_exit_situation_on,
    Pathway.public_id,
)


def rows_of(statement) -> list:
    """The rows of a SELECT of bare columns, through the session's connection (the ORM's
    result processing is not needed for plain columns, and costs)."""
    return db.session.connection().execute(statement).all()


def grouped(statement) -> dict[int, list]:
    """Rows of a SELECT whose first column is a participant id, grouped by it."""
    groups = defaultdict(list)
    for row in rows_of(statement):
        groups[row[0]].append(row[1:])
    return groups


def counts_by_pathway(statement) -> dict[int, int]:
    """(pathway id, count) rows as a dict."""
    return dict(rows_of(statement))


def iter_records(scope: Scope, condition, period: Period | None = None,
                 with_counts: bool = False,
                 chunk: int = CHUNK) -> Iterator[list[tuple[Identity, ParticipantRecord]]]:
    """Chunks of (identity, record) of the scope's participants meeting the condition, by id.

    with_counts adds each pathway's steps started and interviews held within the period.
    """
    last = 0
    while True:
        with collector_paused():
            batch = read_chunk(scope, condition, period, with_counts, chunk, last)
        if not batch:
            return
        # End the read transaction before handing the chunk over: on SQLite every transaction
        # starts with BEGIN IMMEDIATE, and a streamed export (or a slow download) must not
        # hold the write lock between chunks. Nothing is pending here, so nothing is written.
        db.session.commit()
        yield batch
        last = batch[-1][1].person.key


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while a chunk is built.

    A chunk allocates some 100 000 small tuples and records, none in a reference cycle; each
    allocation burst otherwise triggers full collections that walk the whole heap (the app,
    SQLAlchemy's metadata…): measured, the export's CPU time was a third higher with them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_chunk(scope: Scope, condition, period: Period | None, with_counts: bool, chunk: int,
               last: int) -> list[tuple[Identity, ParticipantRecord]]:
    """The next chunk of (identity, record) after participant id `last`."""
    people = rows_of(
        sa.select(*PERSON_COLUMNS)
        .outerjoin(ParticipantFseData, ParticipantFseData.participant_id == Participant.id)
        .where(Participant.id > last, scope_condition(scope), condition)
        .order_by(Participant.id).limit(chunk))
    if not people:
        return []
    ids = [row[0] for row in people]
    pathways = grouped(
        sa.select(*PATHWAY_COLUMNS)
        .outerjoin(ExitFollowUp, ExitFollowUp.pathway_id == Pathway.id)
        .where(Pathway.participant_id.in_(ids))
        .order_by(Pathway.participant_id, Pathway.orientation_date, Pathway.id))
    criteria = grouped(
        sa.select(participant_criterion.c.participant_id, EligibilityCriterion.code)
        .join(EligibilityCriterion,
              EligibilityCriterion.id == participant_criterion.c.criterion_id)
        .where(participant_criterion.c.participant_id.in_(ids)))
    steps = interviews = {}
    if with_counts and period is not None:
        in_scope = sa.select(Pathway.id).where(Pathway.participant_id.in_(ids))
        steps = counts_by_pathway(
            sa.select(Step.pathway_id, sa.func.count())
            .where(Step.pathway_id.in_(in_scope),
                   Step.actual_start.between(period.start, period.end))
            .group_by(Step.pathway_id))
        interviews = counts_by_pathway(
            sa.select(Interview.pathway_id, sa.func.count())
            .where(Interview.pathway_id.in_(in_scope),
                   Interview.held_on.between(period.start, period.end))
            .group_by(Interview.pathway_id))
    batch = []
    for row in people:
        key = row[0]
        person = PersonData(key, *row[1:11], frozenset(c for (c,) in criteria[key]),
                            *row[11:15])
        rows = pathways[key]
        records = tuple(
            PathwayData(*p[:12], steps_in_period=steps.get(p[0], 0),
                        interviews_in_period=interviews.get(p[0], 0))
            for p in rows)
        identity = Identity(row[15], row[16], row[17], row[18],
                            {p[0]: p[12] for p in rows})
        batch.append((identity, ParticipantRecord(person, records)))
    return batch


def referent_names() -> dict[int, tuple[str, str]]:
    """Every référent's (full name, structure name), by user id (one query)."""
    rows = db.session.execute(
        sa.select(User.id, User.first_name, User.last_name, Structure.name)
        .outerjoin(Structure, Structure.id == User.structure_id))
    return {key: (f"{first} {last}", structure or "") for key, first, last, structure in rows}


def first_entry_year() -> int | None:
    """The year of the earliest entry recorded, for the period selector."""
    first = db.session.scalar(sa.select(sa.func.min(Pathway.entry_date)))
    return first.year if first else None
