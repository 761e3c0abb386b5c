"""A loaded participant turned into the plain values of app/domain/fse.py, and what the
participant page and the FSE+ page show about it."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.domain.catalogue import CONTRACT_TYPES
from app.domain.fse import (
    EXIT_SITUATIONS,
    ExitFollowUpState,
    ParticipantRecord,
    PathwayData,
    PersonData,
    entry_missing,
    follow_up_state,
)
from app.extensions import db
from app.models import Participant, Pathway
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.progress.parameters import parameters_for


def person_data(participant: Participant, fse: ParticipantFseData | None) -> PersonData:
    """The participant file (criteria loaded) with its sensitive answers, as plain values."""
    return PersonData(
        key=participant.id, sex=participant.sex, birth_date=participant.birth_date,
        postcode=participant.postcode, qpv=participant.qpv, rural=participant.rural,
        labour_status=participant.labour_status, unemployed_since=participant.unemployed_since,
        in_education=participant.in_education, education_level=participant.education_level,
        rqth=participant.rqth,
        criteria=frozenset(criterion.code for criterion in participant.criteria),
        third_country_national=fse.third_country_national if fse else "",
        foreign_background=fse.foreign_background if fse else "",
        minority=fse.minority if fse else "",
        homeless=fse.homeless if fse else "",
    )


def pathway_data(pathway: Pathway, follow_up: ExitFollowUp | None) -> PathwayData:
    """A pathway and its situations after exit, as plain values."""
    values = {}
    if follow_up is not None:
        values = {name: getattr(follow_up, name) for name in (
            "exit_situation", "exit_contract_type", "qualification_gained", "exit_situation_on",
            "post_exit_situation", "post_exit_improved", "post_exit_situation_on")}
    return PathwayData(key=pathway.id, entry_date=pathway.entry_date,
                       exit_date=pathway.exit_date, exit_category=pathway.exit_category,
                       exit_validated_on=pathway.exit_validated_on, **values)


def fse_row(participant: Participant) -> ParticipantFseData | None:
    """The participant's sensitive answers, if any were recorded (one query)."""
    return db.session.get(ParticipantFseData, participant.id)


def follow_ups(participant: Participant) -> dict[int, ExitFollowUp]:
    """The situations after exit of all the participant's pathways, by pathway id (one query)."""
    ids = [pathway.id for pathway in participant.pathways]
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(ExitFollowUp).where(ExitFollowUp.pathway_id.in_(ids)))
    return {row.pathway_id: row for row in rows}


def participant_record(participant: Participant) -> ParticipantRecord:
    """Everything FSE+ reads about the participant (pathways and criteria loaded)."""
    by_pathway = follow_ups(participant)
    return ParticipantRecord(
        person_data(participant, fse_row(participant)),
        tuple(pathway_data(p, by_pathway.get(p.id)) for p in participant.pathways),
    )


@dataclass
class ExitRow:
    """One exited pathway with its two situations and their due dates."""

    pathway: Pathway
    data: PathwayData
    state: ExitFollowUpState

    @property
    def exit_situation_label(self) -> str:
        """The situation upon leaving, in French."""
        return EXIT_SITUATIONS.get(self.data.exit_situation, "—")

    @property
    def exit_contract_label(self) -> str:
        """The contract held upon leaving, in French ("" when none)."""
        code = self.data.exit_contract_type
        return CONTRACT_TYPES.get(code, code)

    @property
    def post_exit_situation_label(self) -> str:
        """The situation 6 months after leaving, in French."""
        return EXIT_SITUATIONS.get(self.data.post_exit_situation, "—")


@dataclass
class FseSummary:
    """What the "Données FSE+" block of the participant page shows."""

    record: ParticipantRecord
    missing: list[str]
    exits: list[ExitRow]
    post_months: int

    @property
    def latest_exit(self) -> ExitRow | None:
        """The most recent exit (the one the block shows)."""
        return self.exits[-1] if self.exits else None

    @property
    def late(self) -> int:
        """How many situations after exit are overdue or due."""
        return sum(row.state.exit_overdue + row.state.post_due_now for row in self.exits)


def fse_summary(participant: Participant, today: date) -> FseSummary:
    """Completeness of the entry data and state of each exit's situations (two queries)."""
    record = participant_record(participant)
    params = parameters_for(today)
    exits = []
    for pathway, data in zip(participant.pathways, record.pathways, strict=True):
        state = follow_up_state(data, today, params.exit_situation_days, params.post_exit_months)
        if state is not None:
            exits.append(ExitRow(pathway, data, state))
    return FseSummary(record, entry_missing(record.person), exits, params.post_exit_months)
