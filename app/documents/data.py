"""Plain data for the documents, built from loaded records: the templates never see a model.

Every builder picks what its document may show. The summary goes home with the participant:
barriers appear by theme only (never the situation text, nothing of a health barrier but its
theme), and interview notes never appear on any document.
"""

from dataclasses import dataclass, field
from datetime import date, time

import sqlalchemy as sa
from markupsafe import Markup

from app.domain.alerts import JOB_BASED_EXITS
from app.domain.catalogue import (
    BARRIER_THEMES,
    CONTRACT_TYPES,
    DECISIONS,
    EXIT_CATEGORIES,
    INTERVIEW_KINDS,
    INTERVIEW_MODES,
    PATHWAY_STATUSES,
    PRESCRIBER_KINDS,
    STEP_STATUSES,
    pathway_status,
)
from app.domain.milestones import MILESTONES
from app.extensions import db
from app.models import Interview, Participant, Pathway, PathwayProgress, Step, User
from app.participants.file import file_header, timeline_svg
from app.progress.evaluation import pathway_progress

# The summary's optional sections, in print order, as the référent picks them.
SUMMARY_SECTIONS = {
    "referent": "Votre référent(e) et comment le/la joindre",
    "frise": "La frise de votre parcours",
    "etapes": "Les étapes de votre parcours",
    "jalons": "Les jalons franchis",
    "freins": "Les difficultés travaillées (thèmes seulement)",
    "situation": "Votre situation aujourd'hui",
    "suite": "Prochain rendez-vous et actions convenues",
    "signatures": "Signatures",
}
# Exit reasons that are health data: an attestation does not name them.
SENSITIVE_EXIT_CATEGORIES = {"sante"}
CIVILITY = {"F": "Madame", "M": "Monsieur"}


@dataclass(frozen=True)
class Contact:
    """A référent and how to reach them."""

    name: str
    structure: str = ""
    phone: str = ""
    email: str = ""
    structure_phone: str = ""
    structure_city: str = ""


@dataclass(frozen=True)
class StepRow:
    """One step as the participant reads it."""

    label: str
    provider: str
    start: date | None
    end: date | None
    status: str
    status_code: str


@dataclass(frozen=True)
class MilestoneRow:
    """One rung of the ladder: reached (with its date) or still ahead."""

    label: str
    reached_on: date | None


@dataclass(frozen=True)
class ThemeRow:
    """A theme of difficulty worked on, and whether it is behind the participant."""

    label: str
    lifted: bool


@dataclass(frozen=True)
class AppointmentRow:
    """The next appointment."""

    day: date
    at: time | None
    mode: str
    purpose: str


@dataclass(frozen=True)
class Situation:
    """Where the participant stands today."""

    status: str
    current_steps: list[str]
    current_contract: str
    exit_date: date | None
    exit_label: str


@dataclass(frozen=True)
class Identity:
    """Who the document is about: as little as each document needs."""

    first_name: str
    last_name: str
    civility: str = ""
    birth_date: date | None = None

    @property
    def full_name(self) -> str:
        """First name then LAST NAME, as printed."""
        return f"{self.first_name} {self.last_name.upper()}"


@dataclass(frozen=True)
class Summary:
    """The synthèse de parcours."""

    person: Identity
    referent: Contact | None
    orientation_date: date | None
    entry_date: date | None
    exit_date: date | None
    timeline: Markup
    steps: list[StepRow]
    milestones: list[MilestoneRow]
    themes: list[ThemeRow]
    situation: Situation
    appointment: AppointmentRow | None
    actions: str
    actions_on: date | None
    interview_count: int
    last_interview_on: date | None
    sections: frozenset[str] = field(default_factory=frozenset)

    @property
    def reached(self) -> list[MilestoneRow]:
        """The milestones reached, in ladder order."""
        return [m for m in self.milestones if m.reached_on is not None]

    @property
    def next_milestone(self) -> MilestoneRow | None:
        """The first milestone still ahead."""
        return next((m for m in self.milestones if m.reached_on is None), None)


@dataclass(frozen=True)
class SheetRow:
    """One interview on a sign-in sheet: when, how, what about (never the note)."""

    day: date
    start: time | None
    end: time | None
    duration: int | None
    mode: str
    kind: str
    topics: str
    referent: str


@dataclass(frozen=True)
class Attestation:
    """An entry or exit attestation."""

    kind: str  # "entree" or "sortie"
    person: Identity
    signatory: Contact | None
    entry_date: date | None
    exit_date: date | None
    exit_label: str
    provisional: bool


def contact(user: User | None) -> Contact | None:
    """A référent's contact details (structure loaded with them)."""
    if user is None:
        return None
    structure = user.structure
    return Contact(
        name=user.full_name,
        structure=structure.name if structure else "",
        phone=user.phone or "",
        email=user.email,
        structure_phone=structure.phone if structure else "",
        structure_city=structure.city if structure else "",
    )


def identity(participant: Participant, with_birth_date: bool = False) -> Identity:
    """The participant's name (and birth date for attestations)."""
    return Identity(
        first_name=participant.first_name,
        last_name=participant.last_name,
        civility=CIVILITY.get(participant.sex, ""),
        birth_date=participant.birth_date if with_birth_date else None,
    )


def step_rows(pathway: Pathway, labels: dict[str, str]) -> list[StepRow]:
    """The steps in date order, abandoned ones that never started left out."""
    steps = [s for s in pathway.steps
             if not (s.status == "abandonnee" and s.actual_start is None)]
    steps.sort(key=lambda s: (s.start or date.max, s.id or 0))
    return [StepRow(labels.get(s.type_code, s.type_code), s.provider, s.start, s.end,
                    STEP_STATUSES.get(s.status, s.status), s.status) for s in steps]


def theme_rows(pathway: Pathway, today: date) -> list[ThemeRow]:
    """The themes of the barriers worked on: a theme is behind once all its barriers are lifted.

    Only the theme's label leaves this function: no situation text, no severity, no date.
    """
    themes: dict[str, bool] = {}
    for barrier in pathway.barriers:
        if barrier.identified_on and barrier.identified_on > today:
            continue
        lifted = barrier.lifted_on is not None and barrier.lifted_on <= today
        themes[barrier.theme] = themes.get(barrier.theme, True) and lifted
    order = list(BARRIER_THEMES)
    return [ThemeRow(BARRIER_THEMES.get(theme, theme), lifted)
            for theme, lifted in sorted(themes.items(),
                                        key=lambda item: (order.index(item[0])
                                                          if item[0] in order else 99))]


def current_contract(pathway: Pathway, today: date) -> str:
    """The contract held today, as a sentence."""
    for job in reversed(pathway.employments):
        if job.start_date <= today and (job.end is None or job.end >= today):
            kind = CONTRACT_TYPES.get(job.contract_type, job.contract_type)
            title = f" — {job.job_title}" if job.job_title else ""
            return f"{kind}{title} chez {job.employer}"
    return ""


def exit_label(pathway: Pathway) -> str:
    """The exit category's label; a health reason is not named."""
    if not pathway.exit_category:
        return ""
    if pathway.exit_category in SENSITIVE_EXIT_CATEGORIES:
        return "Autre motif"
    return EXIT_CATEGORIES.get(pathway.exit_category, pathway.exit_category)


def situation(pathway: Pathway, labels: dict[str, str], today: date) -> Situation:
    """Status, steps in progress, contract held, exit."""
    status = PATHWAY_STATUSES.get(pathway.status, pathway.status)
    if pathway.in_work_follow_up:
        status = "Sorti(e) en emploi — suivi dans l'emploi"
    current = [
        labels.get(s.type_code, s.type_code) + (f" — {s.provider}" if s.provider else "")
        for s in pathway.steps if s.status == "en_cours"
    ]
    return Situation(status, current, current_contract(pathway, today), pathway.exit_date,
                     exit_label(pathway))


def summary(participant: Participant, labels: dict[str, str], today: date,
            sections=None) -> Summary:
    """The synthèse de parcours of the participant's latest pathway."""
    pathway = participant.current_pathway
    chosen = frozenset(SUMMARY_SECTIONS if sections is None else sections)
    person = identity(participant)
    if pathway is None:
        return Summary(person, contact(participant.referent), None, None, None, Markup(""),
                       [], [], [], Situation("Aucun parcours", [], "", None, ""), None, "",
                       None, 0, None, chosen)
    header = file_header(participant, today)
    milestones = []
    if pathway.entry_date is not None:
        milestones = [MilestoneRow(m.label, m.reached_on)
                      for m in pathway_progress(pathway, today).milestones]
    appointment = None
    if header.next_appointment is not None:
        a = header.next_appointment
        appointment = AppointmentRow(a.scheduled_on, a.scheduled_time,
                                     INTERVIEW_MODES.get(a.mode, a.mode), a.purpose)
    held = [i for i in pathway.interviews if i.held_on <= today]
    latest = held[0] if held else None
    return Summary(
        person=person,
        referent=contact(participant.referent),
        orientation_date=pathway.orientation_date,
        entry_date=pathway.entry_date,
        exit_date=pathway.exit_date,
        timeline=printed_timeline(pathway, labels, today) if "frise" in chosen else Markup(""),
        steps=step_rows(pathway, labels),
        milestones=milestones,
        themes=theme_rows(pathway, today),
        situation=situation(pathway, labels, today),
        appointment=appointment,
        actions=(latest.next_actions or "").strip() if latest else "",
        actions_on=latest.held_on if latest else None,
        interview_count=len(held),
        last_interview_on=latest.held_on if latest else None,
        sections=chosen,
    )


def printed_timeline(pathway: Pathway, labels: dict[str, str], today: date) -> Markup:
    """The participant page's timeline SVG, its text set in the documents' font."""
    svg = timeline_svg(pathway, labels, today)
    return Markup(svg.replace("<svg ", '<svg font-family="Jalons Sans" ', 1))


def sheet_row(interview: Interview, fallback_referent: str) -> SheetRow:
    """An interview as a sign-in sheet line."""
    return SheetRow(
        day=interview.held_on,
        start=interview.start_time,
        end=interview.end_time,
        duration=interview.duration_minutes,
        mode=INTERVIEW_MODES.get(interview.mode, interview.mode),
        kind=INTERVIEW_KINDS.get(interview.kind, interview.kind),
        topics=interview.topics,
        referent=interview.author.full_name if interview.author else fallback_referent,
    )


def find_interview(participant: Participant, public_id: str) -> Interview | None:
    """One of the participant's interviews, by its public id."""
    for pathway in participant.pathways:
        for interview in pathway.interviews:
            if interview.public_id == public_id:
                return interview
    return None


def month_rows(participant: Participant, first: date, last: date) -> list[SheetRow]:
    """Every interview of the participant between two dates, oldest first."""
    fallback = participant.referent.full_name if participant.referent else ""
    interviews = [i for p in participant.pathways for i in p.interviews
                  if first <= i.held_on <= last]
    interviews.sort(key=lambda i: (i.held_on, i.start_time or time.min, i.id or 0))
    return [sheet_row(i, fallback) for i in interviews]


def entry_pathway(participant: Participant) -> Pathway | None:
    """The latest pathway the participant entered."""
    return next((p for p in reversed(participant.pathways) if p.entry_date), None)


def exit_pathway(participant: Participant) -> Pathway | None:
    """The latest pathway the participant left."""
    return next((p for p in reversed(participant.pathways) if p.exit_date), None)


def attestation(participant: Participant, pathway: Pathway, kind: str) -> Attestation:
    """An entry or exit attestation, signed by the participant's référent."""
    return Attestation(
        kind=kind,
        person=identity(participant, with_birth_date=True),
        signatory=contact(participant.referent),
        entry_date=pathway.entry_date,
        exit_date=pathway.exit_date if kind == "sortie" else None,
        exit_label=exit_label(pathway) if kind == "sortie" else "",
        provisional=kind == "sortie" and pathway.in_work_follow_up,
    )


# --- Supervisors' documents ------------------------------------------------------------------

@dataclass(frozen=True)
class MinutesLine:
    """One orientation examined by a commission."""

    name: str
    referent: str
    orientation_date: date | None
    prescriber: str
    decision: str
    decision_code: str
    reason: str


@dataclass(frozen=True)
class Minutes:
    """The procès-verbal of an entry commission."""

    held_on: date
    place: str
    members: list[str]
    notes: str
    lines: list[MinutesLine]
    counts: list[tuple[str, int]]
    written_by: str


def minutes(commission) -> Minutes:
    """The minutes of a loaded commission (decisions, pathways, participants, référents)."""
    decisions = sorted(commission.decisions,
                       key=lambda d: (d.pathway.participant.name_key, d.id))
    lines = []
    for item in decisions:
        person = item.pathway.participant
        lines.append(MinutesLine(
            name=f"{person.last_name.upper()} {person.first_name}",
            referent=person.referent.full_name if person.referent else "",
            orientation_date=item.pathway.orientation_date,
            prescriber=PRESCRIBER_KINDS.get(item.pathway.prescriber_kind,
                                            item.pathway.prescriber_kind),
            decision=DECISIONS.get(item.decision, item.decision),
            decision_code=item.decision,
            reason=item.reason,
        ))
    return Minutes(
        held_on=commission.held_on,
        place=commission.place,
        members=commission.member_list,
        notes=commission.notes,
        lines=lines,
        counts=[(label, commission.count(code)) for code, label in DECISIONS.items()],
        written_by=commission.created_by.full_name if commission.created_by else "",
    )


@dataclass(frozen=True)
class CaseloadRow:
    """One participant of a caseload, from the stored progress snapshot."""

    name: str
    status: str
    entry_date: date | None
    current_step: str
    milestone: str
    last_contact: date | None
    alerts: list[str]


ALERT_SHORT = {
    "no_contact": "Pas d'entretien récent",
    "no_step": "Pas d'étape récente",
    "step_overdue": "Étape échue sans résultat",
    "contract_ending": "Fin de contrat proche",
    "pass_iae_ending": "Fin du PASS IAE proche",
    "pec_ending": "Fin du PEC proche",
    "validation_due": "Sortie à valider",
    "exit_job_ended": "Emploi de sortie terminé",
    "pathway_warning": "Parcours long",
    "pathway_max": "Durée maximale atteinte",
    "exit_situation_missing": "Situation de sortie à saisir",
    "post_exit_due": "Suivi post-sortie à saisir",
}



def caseload_rows(referent_id: int, labels: dict[str, str]) -> list[CaseloadRow]:
    """The référent's open pathways (and in-work follow-ups), read from pathway_progress."""
    open_or_followed = sa.or_(
        sa.and_(Pathway.exit_date.is_(None), Pathway.decision != "refused"),
        sa.and_(Pathway.exit_category.in_(JOB_BASED_EXITS),
                Pathway.exit_validated_on.is_(None)),
    )
    found = db.session.execute(
        sa.select(Participant.first_name, Participant.last_name, Participant.name_key,
                  Pathway.id, Pathway.decision, Pathway.entry_date, Pathway.exit_date,
                  PathwayProgress.highest_milestone, PathwayProgress.last_contact_on,
                  PathwayProgress.alert_kinds)
        .join(Pathway, Pathway.participant_id == Participant.id)
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .where(Participant.referent_id == referent_id, open_or_followed)
        .order_by(Participant.name_key, Pathway.id)
    ).all()
    current: dict[int, list[str]] = {}
    ids = [row.id for row in found]
    for chunk in range(0, len(ids), 500):
        for pathway_id, type_code in db.session.execute(
            sa.select(Step.pathway_id, Step.type_code)
            .where(Step.pathway_id.in_(ids[chunk:chunk + 500]), Step.status == "en_cours")
            .order_by(Step.actual_start)
        ):
            current.setdefault(pathway_id, []).append(labels.get(type_code, type_code))
    rows = []
    for row in found:
        status = pathway_status(row.decision, row.entry_date is not None,
                                row.exit_date is not None)
        status_label = PATHWAY_STATUSES.get(status, status)
        if row.exit_date is not None:
            status_label = "Suivi dans l'emploi"
        kinds = [k for k in (row.alert_kinds or "").split(",") if k]
        rows.append(CaseloadRow(
            name=f"{row.last_name.upper()} {row.first_name}",
            status=status_label,
            entry_date=row.entry_date,
            current_step=", ".join(current.get(row.id, [])),
            milestone=MILESTONES.get(row.highest_milestone or "", ""),
            last_contact=row.last_contact_on,
            alerts=[ALERT_SHORT.get(k, k) for k in kinds],
        ))
    return rows
