"""What needs doing on a pathway, and by when: the follow-up alerts and the exit check."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.dates import add_months
from app.domain.durable import DurableEvaluation
from app.domain.facts import OPEN_STEP_STATUSES, PathwayFacts
from app.domain.rules import RuleParameters

JOB_BASED_EXITS = {"emploi_durable", "creation_activite"}
NO_END_CONTRACTS = {"CDI", "CREATION"}

ALERT_LABELS = {
    "no_contact": "Aucun entretien depuis plus de {days} jours",
    "no_step": "Aucune étape depuis plus de {days} jours",
    "step_overdue": "Étape arrivée à échéance sans résultat",
    "contract_ending": "Contrat qui se termine bientôt",
    "pass_iae_ending": "PASS IAE qui arrive à échéance",
    "pec_ending": "Contrat aidé (PEC) qui se termine bientôt",
    "validation_due": "Sortie positive à valider (emploi tenu {months} mois)",
    "exit_job_ended": "Emploi de la sortie terminé avant la validation",
    "pathway_warning": "Parcours de plus de {months} mois",
    "pathway_max": "Durée maximale du parcours atteinte ({months} mois)",
    "exit_situation_missing": "Situation à la sortie à renseigner",
    "post_exit_due": "Situation {months} mois après la sortie à renseigner",
}
ALERT_ORDER = {kind: index for index, kind in enumerate(ALERT_LABELS)}


@dataclass(frozen=True, slots=True)
class Alert:
    """Something to do: its kind, the day it fell due, and the record it concerns."""

    kind: str
    due_on: date
    label: str
    subject: str = ""  # "step", "job" or "" for the pathway itself
    subject_key: int | None = None

    def sort_key(self) -> tuple:
        """Oldest due first, then a fixed order of kinds and records."""
        return (self.due_on, ALERT_ORDER[self.kind], self.subject, self.subject_key or 0)


@dataclass(frozen=True, slots=True)
class ExitCheck:
    """Whether a job-based exit is provisional, ready to validate, validated or fell through."""

    state: str  # not_exited, not_job_based, provisional, ready, validated, ended_early,
    #              not_qualifying
    validation_due: date | None = None
    ended_on: date | None = None
    reason: str = ""


# The outcomes with nothing but a state, shared rather than rebuilt for each pathway.
NOT_EXITED, NOT_JOB_BASED, EXIT_VALIDATED = (ExitCheck(state) for state in (
    "not_exited", "not_job_based", "validated"))


def check_exit(facts: PathwayFacts, durable: DurableEvaluation, as_of: date) -> ExitCheck:
    """Where the exit stands against the validation rule, from the job it rests on."""
    if facts.exit_date is None or facts.exit_date > as_of:
        return NOT_EXITED
    if facts.exit_category not in JOB_BASED_EXITS:
        return NOT_JOB_BASED
    if facts.exit_validated_on is not None:
        return EXIT_VALIDATED
    if facts.exit_job_key is not None:
        source, key = "job", facts.exit_job_key
        qualification = durable.qualification_for_job(key)
    elif facts.exit_step_key is not None:
        source, key = "step", facts.exit_step_key
        qualification = durable.qualification_for_step(key)
    else:
        return ExitCheck("not_qualifying", reason="aucun contrat n'est rattaché à la sortie")
    if qualification is None:
        rejection = durable.rejection_for(source, key)
        if rejection is not None and rejection.expected_on is not None:
            return ExitCheck("provisional", rejection.expected_on, reason=rejection.reason)
        reason = rejection.reason if rejection else "le contrat ne remplit aucune règle"
        return ExitCheck("not_qualifying", reason=reason)
    if qualification.state == "validated":
        return ExitCheck("ready", qualification.validation_due)
    if qualification.state == "ended_early":
        return ExitCheck("ended_early", qualification.validation_due, qualification.ended_on)
    return ExitCheck("provisional", qualification.validation_due)


def in_pathway_on(facts: PathwayFacts, as_of: date) -> bool:
    """Entered and not yet exited on as_of."""
    return (facts.entry_date is not None and facts.entry_date <= as_of
            and (facts.exit_date is None or facts.exit_date > as_of))


def label(kind: str, **numbers) -> str:
    """The alert's French label with its numbers."""
    return ALERT_LABELS[kind].format(**numbers)


def follow_up_alerts(facts: PathwayFacts, params: RuleParameters, as_of: date) -> list[Alert]:
    """Contact, steps and pathway length, while the participant is in pathway."""
    alerts = []
    last_contact = max([facts.entry_date, *(i.held_on for i in facts.interviews
                                            if i.held_on <= as_of)])
    if (as_of - last_contact).days > params.contact_max_days:
        alerts.append(Alert("no_contact", last_contact + timedelta(params.contact_max_days),
                            label("no_contact", days=params.contact_max_days)))
    # One pass over the steps: is one open, when was the last activity, which are overdue.
    step_open, last_activity, overdue = False, facts.entry_date, []
    for step in facts.steps:
        start, end = step.start, step.end
        if step.status in OPEN_STEP_STATUSES:
            step_open = True
            if end and end < as_of:
                overdue.append(Alert("step_overdue", end, label("step_overdue"), "step",
                                     step.key))
        for day in (start, end):
            if day and last_activity < day <= as_of:
                last_activity = day
    if not step_open and (as_of - last_activity).days > params.no_step_max_days:
        alerts.append(Alert("no_step", last_activity + timedelta(params.no_step_max_days),
                            label("no_step", days=params.no_step_max_days)))
    alerts += overdue
    for months, kind in ((params.pathway_max_months, "pathway_max"),
                         (params.pathway_warning_months, "pathway_warning")):
        reached = add_months(facts.entry_date, months)
        if as_of >= reached:
            alerts.append(Alert(kind, reached, label(kind, months=months)))
            break
    return alerts


def ending_alerts(facts: PathwayFacts, params: RuleParameters, as_of: date) -> list[Alert]:
    """Contracts, PASS IAE and PEC ending within the warning period."""
    horizon = as_of + timedelta(params.ending_soon_days)
    alerts = []
    for job in facts.jobs:
        if (job.contract_type not in NO_END_CONTRACTS and job.actual_end is None
                and job.planned_end and as_of <= job.planned_end <= horizon
                and job.start <= as_of):
            alerts.append(Alert("contract_ending", job.planned_end, label("contract_ending"),
                                "job", job.key))
    for step in facts.steps:
        if step.status not in OPEN_STEP_STATUSES:
            continue
        if step.type_code == "IAE" and step.pass_iae_end and step.pass_iae_end <= horizon:
            alerts.append(Alert("pass_iae_ending", step.pass_iae_end, label("pass_iae_ending"),
                                "step", step.key))
        if step.type_code == "PEC" and step.end and as_of <= step.end <= horizon:
            alerts.append(Alert("pec_ending", step.end, label("pec_ending"), "step", step.key))
    return alerts


def exit_alerts(facts: PathwayFacts, params: RuleParameters, exit_check: ExitCheck,
                as_of: date) -> list[Alert]:
    """Validation of a job-based exit, and the FSE+ situations due after exit."""
    alerts = []
    if exit_check.state == "ready":
        alerts.append(Alert("validation_due", exit_check.validation_due,
                            label("validation_due", months=params.validation_months)))
    elif exit_check.state == "ended_early":
        alerts.append(Alert("exit_job_ended", exit_check.ended_on, label("exit_job_ended")))
    if facts.track_exit_situations:
        due = facts.exit_date + timedelta(params.exit_situation_days)
        if facts.exit_situation_on is None and as_of > due:
            alerts.append(Alert("exit_situation_missing", due, label("exit_situation_missing")))
        due = add_months(facts.exit_date, params.post_exit_months)
        if facts.post_exit_situation_on is None and as_of >= due:
            alerts.append(Alert("post_exit_due", due, label("post_exit_due",
                                                            months=params.post_exit_months)))
    return alerts


def compute_alerts(facts: PathwayFacts, params: RuleParameters, exit_check: ExitCheck,
                   as_of: date) -> tuple[Alert, ...]:
    """Every alert of the pathway on as_of, oldest due first."""
    alerts = []
    if in_pathway_on(facts, as_of):
        alerts += follow_up_alerts(facts, params, as_of)
        alerts += ending_alerts(facts, params, as_of)
    elif exit_check.state != "not_exited":
        if exit_check.state == "provisional":
            alerts += [a for a in ending_alerts(facts, params, as_of) if a.subject == "job"]
        alerts += exit_alerts(facts, params, exit_check, as_of)
    if len(alerts) > 1:
        alerts.sort(key=Alert.sort_key)
    return tuple(alerts)
