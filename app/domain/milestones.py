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


def earliest(days) -> date | None:
    """The smallest of the given dates, ignoring None."""
    return min((day for day in days if day is not None), default=None)


def completed_step_day(facts: PathwayFacts, types: set[str], as_of: date) -> date | None:
    """The first end of a completed step of the given types, up to as_of."""
    return earliest(step.end for step in facts.steps
                    if step.type_code in types and step.status == "realisee"
                    and step.end is not None and step.end <= as_of)


def barriers_lifted_day(facts: PathwayFacts, as_of: date) -> date | None:
    """When the last lifted barrier was lifted, if no blocking barrier is still open."""
    known = [b for b in facts.barriers if b.identified_on <= as_of]
    lifted = [b.lifted_on for b in known if b.lifted_on is not None and b.lifted_on <= as_of]
    blocking_open = any(b.severity >= 3 and (b.lifted_on is None or b.lifted_on > as_of)
                        for b in known)
    if not lifted or blocking_open:
        return None
    return max(lifted)


def experience_day(facts: PathwayFacts, as_of: date) -> date | None:
    """The first day of a contract or of a job placement step."""
    jobs = (job.start for job in facts.jobs if job.start <= as_of)
    steps = (step.start for step in facts.steps
             if step.type_code in EXPERIENCE_STEP_TYPES and step.status in ("en_cours", "realisee")
             and step.start is not None and step.start <= as_of)
    return earliest([*jobs, *steps])


def compute_milestones(facts: PathwayFacts, durable: DurableEvaluation,
                       as_of: date) -> tuple[Milestone, ...]:
    """The eight milestones in ladder order, with the date each was first reached."""
    entry = facts.entry_date if facts.entry_date and facts.entry_date <= as_of else None
    diagnostic = earliest([completed_step_day(facts, {"ACC"}, as_of),
                           *(i.held_on for i in facts.interviews
                             if i.kind == "diagnostic" and i.held_on <= as_of)])
    reached = {
        "entree": entry,
        "diagnostic": diagnostic,
        "projet": completed_step_day(facts, {"PROJ"}, as_of),
        "freins": barriers_lifted_day(facts, as_of),
        "competences": completed_step_day(facts, SKILL_STEP_TYPES, as_of),
        "experience": experience_day(facts, as_of),
        "emploi_durable": durable.first_qualified_on,
        "consolide": durable.first_validated_on,
    }
    return tuple(Milestone(code, label, reached[code]) for code, label in MILESTONES.items())


def highest_milestone(milestones: tuple[Milestone, ...]) -> Milestone | None:
    """The furthest rung reached on the ladder."""
    return next((m for m in reversed(milestones) if m.reached_on is not None), None)
