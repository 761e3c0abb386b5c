"""The milestones (jalons) of a pathway, each with the date it was first reached.

Computed from the pathway's data, never ticked by hand. A milestone is reached on the first
day its condition holds; data dated after `as_of` is not yet known.
"""

from dataclasses import dataclass
from datetime import date

from app.domain.durable import DurableEvaluation
from app.domain.facts import PathwayFacts

MILESTONES = {
    "entree": "Entrée validée",
    "diagnostic": "Diagnostic réalisé",
    "projet": "Projet professionnel défini",
    "freins": "Freins bloquants levés",
    "competences": "Compétences développées",
    "experience": "Expérience professionnelle",
    "emploi_durable": "Accès à l'emploi durable",
    "consolide": "Emploi durable consolidé (sortie positive validée)",
}
MILESTONE_HINTS = {
    "entree": "La date d'entrée dans le PLIE.",
    "diagnostic": "Une étape d'accueil et de diagnostic réalisée, ou un entretien de diagnostic.",
    "projet": "Une étape « projet professionnel » réalisée.",
    "freins": "Au moins un frein levé et plus aucun frein bloquant ouvert.",
    "competences": "Une formation terminée ou une immersion (PMSMP) réalisée.",
    "experience": "Un contrat de travail ou une mise en situation d'emploi (SIAE, PEC, "
                  "clause sociale, emploi).",
    "emploi_durable": "Un emploi ou une formation qui remplit une règle d'emploi durable.",
    "consolide": "L'emploi durable tenu pendant la durée de validation.",
}
EXPERIENCE_STEP_TYPES = {"IAE", "PEC", "CLAUSE", "EMPLOI", "CREA"}
SKILL_STEP_TYPES = {"FORM_PQ", "FORM_Q", "PMSMP"}


@dataclass(frozen=True, slots=True)
class Milestone:
    """One rung of the ladder and the day it was first reached (None: not yet)."""

    code: str
    label: str
    reached_on: date | None


# A completed step of these types reaches the milestone on the day it ended.
COMPLETION_MILESTONES = {"ACC": "diagnostic", "PROJ": "projet",
                         **{code: "competences" for code in SKILL_STEP_TYPES}}


def keep_first(first: dict[str, date], code: str, day: date) -> None:
    """Record `day` for the milestone `code` unless an earlier day is already recorded."""
    known = first.get(code)
    if known is None or day < known:
        first[code] = day


def step_milestone_days(facts: PathwayFacts, as_of: date) -> dict[str, date]:
    """The first day each step-based milestone was reached, in one pass over the steps.

    Keys: diagnostic (ACC), projet, competences for completed steps (on their end), and
    experience for job placement steps begun or done (on their start); absent if not reached.
    """
    first: dict[str, date] = {}
    for step in facts.steps:
        status = step.status
        if status == "realisee":
            code = COMPLETION_MILESTONES.get(step.type_code)
            end = step.actual_end or step.planned_end
            if code is not None and end is not None and end <= as_of:
                keep_first(first, code, end)
        if status in ("en_cours", "realisee") and step.type_code in EXPERIENCE_STEP_TYPES:
            start = step.actual_start or step.planned_start
            if start is not None and start <= as_of:
                keep_first(first, "experience", start)
    return first


def barriers_lifted_day(facts: PathwayFacts, as_of: date) -> date | None:
    """When the last lifted barrier was lifted, if no blocking barrier is still open."""
    last_lifted = None
    for barrier in facts.barriers:
        if barrier.identified_on > as_of:
            continue  # not known yet
        lifted = barrier.lifted_on
        if lifted is None or lifted > as_of:
            if barrier.severity >= 3:
                return None  # a blocking barrier is still open
        elif last_lifted is None or lifted > last_lifted:
            last_lifted = lifted
    return last_lifted


# Unreached milestones are the same for every pathway: built once, shared.
NOT_REACHED = {code: Milestone(code, label, None) for code, label in MILESTONES.items()}


def milestone(code: str, reached_on: date | None) -> Milestone:
    """The milestone `code` reached on the given day (None: not yet)."""
    if reached_on is None:
        return NOT_REACHED[code]
    return Milestone(code, MILESTONES[code], reached_on)


def compute_milestones(facts: PathwayFacts, durable: DurableEvaluation,
                       as_of: date) -> tuple[Milestone, ...]:
    """The eight milestones in ladder order, with the date each was first reached."""
    first = step_milestone_days(facts, as_of)
    for interview in facts.interviews:
        if interview.kind == "diagnostic" and interview.held_on <= as_of:
            keep_first(first, "diagnostic", interview.held_on)
    for job in facts.jobs:
        if job.start <= as_of:
            keep_first(first, "experience", job.start)
    entry = facts.entry_date
    reached = (
        entry if entry is not None and entry <= as_of else None,
        first.get("diagnostic"),
        first.get("projet"),
        barriers_lifted_day(facts, as_of),
        first.get("competences"),
        first.get("experience"),
        durable.first_qualified_on,
        durable.first_validated_on,
    )
    return tuple(map(milestone, MILESTONES, reached))


def highest_milestone(milestones: tuple[Milestone, ...]) -> Milestone | None:
    """The furthest rung reached on the ladder."""
    return next((m for m in reversed(milestones) if m.reached_on is not None), None)
