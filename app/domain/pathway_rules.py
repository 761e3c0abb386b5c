"""Validation rules of the pathway, in plain Python: each returns {field: French message}.

The forms call these so that the same rules hold wherever data comes from (forms, imports).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.catalogue import POSITIVE_EXIT_CATEGORIES
from app.domain.dates import add_months, last_day_within

MAX_WEEKLY_HOURS = Decimal(48)
PMSMP_MAX_MONTHS = 1
PEC_INITIAL_MONTHS = (9, 12)
PEC_MAX_MONTHS = 24
PASS_IAE_MONTHS = 24
ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")

Problems = dict[str, str]


def period_problems(start: date | None, end: date | None, start_field: str = "start",
                    end_field: str = "end") -> Problems:
    """An end date cannot come before its start."""
    if start and end and end < start:
        return {end_field: "La date de fin précède la date de début."}
    return {}


def weekly_hours_problems(hours: Decimal | None, field: str = "weekly_hours") -> Problems:
    """Weekly hours lie in (0, 48], the legal maximum."""
    if hours is None:
        return {}
    if hours <= 0:
        return {field: "La durée hebdomadaire doit être positive."}
    if hours > MAX_WEEKLY_HOURS:
        return {field: f"La durée hebdomadaire ne peut pas dépasser {MAX_WEEKLY_HOURS} heures."}
    return {}


def rome_problems(code: str, field: str = "rome_code") -> Problems:
    """A ROME code is a letter A–N followed by four digits (e.g. K2204)."""
    if code and not ROME_CODE.match(code):
        return {field: "Code ROME invalide : une lettre puis quatre chiffres (ex. K2204)."}
    return {}


@dataclass(frozen=True)
class StepData:
    """What the step rules look at."""

    type_code: str
    status: str
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    pmsmp_aim: str = ""
    host_company: str = ""
    certification: str = ""
    certification_obtained: bool | None = None
    pass_iae_end: date | None = None
    weekly_hours: Decimal | None = None
    hours: Decimal | None = None
    operation: str = ""
    company: str = ""
    rome_code: str = ""


def step_problems(step: StepData, entry_date: date | None, exit_date: date | None) -> Problems:
    """Every rule a step must satisfy, general then specific to its type."""
    problems: Problems = {}
    problems |= period_problems(step.planned_start, step.planned_end, "planned_start",
                                "planned_end")
    problems |= period_problems(step.actual_start, step.actual_end, "actual_start", "actual_end")
    if not (step.planned_start or step.actual_start):
        problems["planned_start"] = "Indiquez au moins une date de début (prévue ou réelle)."
    if step.status in ("en_cours", "realisee") and not step.actual_start:
        problems["actual_start"] = "Une étape en cours ou réalisée a une date de début réelle."
    if step.status == "realisee" and not step.actual_end:
        problems["actual_end"] = "Une étape réalisée a une date de fin réelle."
    if step.status == "prevue" and step.actual_end:
        problems["status"] = "Une étape terminée ne peut pas être « prévue »."
    problems |= within_pathway(step, entry_date, exit_date)
    problems |= weekly_hours_problems(step.weekly_hours)
    if step.hours is not None and step.hours < 0:
        problems["hours"] = "Le nombre d'heures ne peut pas être négatif."
    problems |= rome_problems(step.rome_code)
    problems |= TYPE_RULES.get(step.type_code, lambda s: {})(step)
    return problems


def within_pathway(step: StepData, entry_date: date | None, exit_date: date | None) -> Problems:
    """A step lies within the pathway: not before entry, not after exit."""
    problems: Problems = {}
    for name in ("planned_start", "actual_start"):
        day = getattr(step, name)
        if day and entry_date and day < entry_date:
            problems[name] = (f"L'étape commence avant l'entrée dans le parcours "
                              f"({entry_date.strftime('%d/%m/%Y')}).")
    for name in ("planned_end", "actual_end", "actual_start", "planned_start"):
        day = getattr(step, name)
        if day and exit_date and day > exit_date:
            problems.setdefault(name, f"L'étape se termine après la sortie du parcours "
                                      f"({exit_date.strftime('%d/%m/%Y')}).")
    return problems


def span(step: StepData) -> tuple[date | None, date | None]:
    """The step's start and end, actual dates first."""
    return step.actual_start or step.planned_start, step.actual_end or step.planned_end


def pmsmp_rules(step: StepData) -> Problems:
    """A PMSMP has exactly one aim, a host company, and lasts one month at most."""
    problems: Problems = {}
    if not step.pmsmp_aim:
        problems["pmsmp_aim"] = "Choisissez l'objectif de l'immersion."
    if not step.host_company:
        problems["host_company"] = "Indiquez l'entreprise d'accueil."
    start, end = span(step)
    if start and end and end > last_day_within(start, PMSMP_MAX_MONTHS):
        field = "actual_end" if step.actual_end else "planned_end"
        problems[field] = "Une immersion (PMSMP) dure un mois au plus."
    return problems


def pec_rules(step: StepData) -> Problems:
    """A PEC is signed for 9 to 12 months, and lasts 24 months at most with renewals."""
    start, end = span(step)
    if not (start and end):
        return {"planned_end": "Indiquez la date de fin du contrat aidé."} if start else {}
    low, high = PEC_INITIAL_MONTHS
    if end > last_day_within(start, PEC_MAX_MONTHS):
        field = "actual_end" if step.actual_end else "planned_end"
        return {field: "Un contrat aidé (PEC) dure 24 mois au plus, renouvellements compris."}
    if step.planned_end and step.planned_end < last_day_within(start, low):
        return {"planned_end": f"Un contrat aidé (PEC) est conclu pour {low} à {high} mois."}
    return {}


def iae_rules(step: StepData) -> Problems:
    """An IAE step has a valid PASS IAE (24 months) covering its start."""
    start, _ = span(step)
    if step.pass_iae_end and start:
        if step.pass_iae_end < start:
            return {"pass_iae_end": "Le PASS IAE est expiré au début de l'étape."}
        if step.pass_iae_end > last_day_within(start, PASS_IAE_MONTHS):
            return {"pass_iae_end": "Un PASS IAE dure 24 mois : cette date est trop lointaine."}
    return {}


def form_q_rules(step: StepData) -> Problems:
    """A qualifying training names its certification and, once done, its result."""
    problems: Problems = {}
    if not step.certification:
        problems["certification"] = "Indiquez la certification préparée."
    if step.status == "realisee" and step.certification_obtained is None:
        problems["certification_obtained"] = "Indiquez si la certification a été obtenue."
    return problems


def clause_rules(step: StepData) -> Problems:
    """A social-clause job names its operation and company."""
    problems: Problems = {}
    if not step.operation:
        problems["operation"] = "Indiquez l'opération (chantier, marché)."
    if not step.company:
        problems["company"] = "Indiquez l'entreprise attributaire."
    return problems


TYPE_RULES = {
    "PMSMP": pmsmp_rules,
    "PEC": pec_rules,
    "IAE": iae_rules,
    "FORM_Q": form_q_rules,
    "CLAUSE": clause_rules,
}


def default_pass_iae_end(start: date) -> date:
    """The end of a PASS IAE delivered on `start`."""
    return last_day_within(start, PASS_IAE_MONTHS)


@dataclass(frozen=True)
class EmploymentData:
    """What the employment rules look at."""

    contract_type: str
    start_date: date | None
    planned_end: date | None = None
    actual_end: date | None = None
    weekly_hours: Decimal | None = None
    rome_code: str = ""


OPEN_ENDED_CONTRACTS = {"CDI", "CREATION"}
FIXED_TERM_CONTRACTS = {"CDD", "CDDI", "PEC", "APPRENTISSAGE", "PRO", "SAISONNIER"}


def employment_problems(job: EmploymentData) -> Problems:
    """Dates in order, a planned end for fixed-term contracts, hours within the legal range."""
    problems: Problems = {}
    problems |= period_problems(job.start_date, job.planned_end, "start_date", "planned_end")
    problems |= period_problems(job.start_date, job.actual_end, "start_date", "actual_end")
    if job.contract_type in FIXED_TERM_CONTRACTS and not job.planned_end:
        problems["planned_end"] = "Un contrat à durée déterminée a une date de fin prévue."
    if job.contract_type in OPEN_ENDED_CONTRACTS and job.planned_end:
        problems["planned_end"] = "Un CDI ou une création d'activité n'a pas de fin prévue."
    problems |= weekly_hours_problems(job.weekly_hours)
    problems |= rome_problems(job.rome_code)
    return problems


def mission_problems(start: date | None, end: date | None, employment_start: date | None,
                     hours: Decimal | None) -> Problems:
    """A mission has ordered dates, starts with or after its episode, and plausible hours."""
    problems = period_problems(start, end, "start_date", "end_date")
    if start and employment_start and start < employment_start:
        problems["start_date"] = "La mission commence avant le début de l'épisode d'intérim."
    if hours is not None and start and end and not problems:
        days = (end - start).days + 1
        if hours <= 0:
            problems["hours"] = "Le nombre d'heures doit être positif."
        elif hours > days * 10:
            problems["hours"] = f"{hours} heures en {days} jour(s) : c'est plus de 10 h par jour."
    return problems


def interview_problems(held_on: date | None, start, end, today: date,
                       next_appointment: date | None) -> Problems:
    """An interview is not in the future, ends after it starts, and the next one comes later."""
    problems: Problems = {}
    if held_on and held_on > today:
        problems["held_on"] = ("Cet entretien est dans le futur : planifiez plutôt un "
                               "rendez-vous.")
    if start and end and end <= start:
        problems["end_time"] = "L'heure de fin doit suivre l'heure de début."
    if next_appointment and held_on and next_appointment <= held_on:
        problems["next_appointment_on"] = "Le prochain rendez-vous suit la date de l'entretien."
    return problems


def barrier_problems(identified_on: date | None, lifted_on: date | None, severity: int | None,
                     today: date) -> Problems:
    """A lifted barrier is lifted after it was identified; severity 0 means lifted."""
    problems = period_problems(identified_on, lifted_on, "identified_on", "lifted_on")
    if identified_on and identified_on > today:
        problems["identified_on"] = "La date d'identification est dans le futur."
    if severity == 0 and not lifted_on:
        problems["lifted_on"] = "Un frein de sévérité 0 est levé : indiquez la date de levée."
    return problems


@dataclass(frozen=True)
class EntryData:
    """What the entry rules look at."""

    orientation_date: date | None
    decision: str = ""
    decision_date: date | None = None
    contract_signed_on: date | None = None
    entry_date: date | None = None


def entry_problems(entry: EntryData, today: date) -> Problems:
    """Orientation, then decision, then engagement contract, then entry, in that order."""
    problems: Problems = {}
    if entry.orientation_date and entry.orientation_date > today:
        problems["orientation_date"] = "La date d'orientation est dans le futur."
    if entry.decision and not entry.decision_date:
        problems["decision_date"] = "Indiquez la date de la décision."
    if entry.decision_date and not entry.decision:
        problems["decision"] = "Indiquez la décision prise."
    if entry.decision_date and entry.orientation_date and \
            entry.decision_date < entry.orientation_date:
        problems["decision_date"] = "La décision ne peut pas précéder l'orientation."
    if entry.decision_date and entry.decision_date > today:
        problems["decision_date"] = "La date de décision est dans le futur."
    if entry.contract_signed_on or entry.entry_date:
        if entry.decision != "accepted":
            target = "contract_signed_on" if entry.contract_signed_on else "entry_date"
            problems[target] = "L'entrée suppose une décision d'entrée acceptée."
        elif entry.decision_date:
            for name in ("contract_signed_on", "entry_date"):
                day = getattr(entry, name)
                if day and day < entry.decision_date:
                    problems[name] = "Cette date ne peut pas précéder la décision d'entrée."
    if entry.entry_date and not entry.contract_signed_on:
        problems["contract_signed_on"] = ("Le contrat d'engagement est signé à l'entrée : "
                                          "indiquez sa date.")
    if entry.entry_date and entry.entry_date > today:
        problems["entry_date"] = "La date d'entrée est dans le futur."
    return problems


def exit_problems(exit_date: date | None, category: str, entry_date: date | None,
                  today: date, has_support: bool) -> Problems:
    """An exit follows the entry, is not in the future, and a positive one names its support."""
    problems: Problems = {}
    if not category:
        problems["exit_category"] = "Choisissez le motif de sortie."
    if exit_date and entry_date and exit_date < entry_date:
        problems["exit_date"] = "La sortie ne peut pas précéder l'entrée dans le parcours."
    if exit_date and exit_date > today:
        problems["exit_date"] = "La date de sortie est dans le futur."
    if category in POSITIVE_EXIT_CATEGORIES and not has_support:
        problems["support"] = ("Une sortie positive s'appuie sur un emploi, une formation ou "
                               "une création enregistrés : choisissez-le.")
    return problems


def add_one_month(day: date) -> date:
    """One month later (used to propose a next appointment)."""
    return add_months(day, 1)
