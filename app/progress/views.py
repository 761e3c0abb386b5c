"""The Progression section of the participant page, and the supervisor's exit validation."""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from app import audit
from app.clock import paris_today
from app.domain.alerts import Alert
from app.domain.catalogue import CONTRACT_TYPES
from app.domain.durable import RULE_LABELS
from app.domain.progress import Progress
from app.extensions import db
from app.models import Participant, Pathway, Role
from app.participants.file import load_file
from app.pathway.assessments import assessment_context
from app.pathway.common import current_pathway_or_404, file_url
from app.permissions import roles_required
from app.progress.evaluation import pathway_progress
from app.progress.parameters import parameters_for

bp = Blueprint("progress", __name__, url_prefix="/participants/<public_id>/progression")

ANCHOR = "progression"
# What clears each alert, and where it is done.
ALERT_ACTIONS = {
    "no_contact": ("Saisir un entretien", "interviews.create"),
    "no_step": ("Ajouter une étape", "steps.create"),
    "step_overdue": ("Renseigner le résultat de l'étape", "steps.edit"),
    "pass_iae_ending": ("Mettre à jour l'étape SIAE", "steps.edit"),
    "pec_ending": ("Mettre à jour le contrat aidé", "steps.edit"),
    "contract_ending": ("Mettre à jour le contrat", "employment.edit"),
    "pathway_warning": ("Faire le point et, le cas échéant, enregistrer la sortie",
                        "entry.exit_pathway"),
    "pathway_max": ("Enregistrer la sortie", "entry.exit_pathway"),
    "validation_due": ("Valider la sortie positive", "progress.validate_exit"),
    "exit_job_ended": ("Annuler la sortie : retour en parcours", "entry.reopen"),
    "exit_situation_missing": ("Renseigner la situation à la sortie", "fse.exit_situation"),
    "post_exit_due": ("Renseigner la situation après la sortie", "fse.post_exit_situation"),
}


@dataclass
class AlertRow:
    """An alert with what the current user can do about it."""

    alert: Alert
    subject: str
    action: str
    url: str | None


def subject_label(alert: Alert, pathway: Pathway, step_labels: dict[str, str]) -> str:
    """The step or contract an alert is about, as a person names it."""
    if alert.subject == "step":
        step = next((s for s in pathway.steps if s.id == alert.subject_key), None)
        return step_labels.get(step.type_code, step.type_code) if step else ""
    if alert.subject == "job":
        job = next((j for j in pathway.employments if j.id == alert.subject_key), None)
        if job:
            return f"{CONTRACT_TYPES.get(job.contract_type, job.contract_type)} — {job.employer}"
    return ""


def alert_url(alert: Alert, participant: Participant, pathway: Pathway) -> str | None:
    """Where the current user clears the alert, or None when it is not theirs to clear."""
    action = ALERT_ACTIONS.get(alert.kind)
    if action is None:
        return None
    endpoint = action[1]
    if endpoint == "progress.validate_exit" and current_user.role != Role.SUPERVISOR:
        return None
    arguments = {"public_id": participant.public_id}
    if endpoint == "steps.edit":
        step = next((s for s in pathway.steps if s.id == alert.subject_key), None)
        if step is None:
            return None
        arguments["step_id"] = step.public_id
    if endpoint == "employment.edit":
        job = next((j for j in pathway.employments if j.id == alert.subject_key), None)
        if job is None:
            return None
        arguments["employment_id"] = job.public_id
    return url_for(endpoint, **arguments)


def alert_rows(progress: Progress, participant: Participant, pathway: Pathway,
               step_labels: dict[str, str]) -> list[AlertRow]:
    """The alerts with their subject and the action that clears each."""
    rows = []
    for alert in progress.alerts:
        label = ALERT_ACTIONS.get(alert.kind, ("", ""))[0]
        if alert.kind == "validation_due" and current_user.role != Role.SUPERVISOR:
            label = "À valider par un(e) chargé(e) de mission"
        rows.append(AlertRow(alert, subject_label(alert, pathway, step_labels), label,
                             alert_url(alert, participant, pathway)))
    return rows


def job_names(pathway: Pathway) -> dict[int, str]:
    """Each contract of the pathway by id, as a person names it."""
    return {job.id: f"{CONTRACT_TYPES.get(job.contract_type, job.contract_type)} — "
                    f"{job.employer}" for job in pathway.employments}


def progress_context(participant: Participant, pathway: Pathway, today: date,
                     step_labels: dict[str, str]) -> dict:
    """What the Progression section shows: evaluation, milestones, indicators, alerts."""
    progress = pathway_progress(pathway, today)
    return {
        **assessment_context(pathway),
        "progress": progress,
        "rules": parameters_for(today),
        "rule_labels": RULE_LABELS,
        "job_names": job_names(pathway),
        "step_names": {s.id: step_labels.get(s.type_code, s.type_code) for s in pathway.steps},
        "alert_rows": alert_rows(progress, participant, pathway, step_labels),
    }


class ValidateExitForm(FlaskForm):
    """Confirms the validation of a job-based exit; the version guards a stale page."""

    version = HiddenField()


@bp.route("/valider-sortie", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR)
def validate_exit(public_id):
    """A supervisor validates a job-based exit once the job has been held long enough."""
    participant = load_file(public_id)
    pathway = current_pathway_or_404(participant, open_only=False)
    today = paris_today()
    progress = pathway_progress(pathway, today)
    check = progress.exit_check
    form = ValidateExitForm()
    if form.validate_on_submit():
        if form.version.data != str(pathway.version):
            flash("Le parcours a changé depuis l'ouverture de cette page : vérifiez de nouveau "
                  "avant de valider.", "warning")
            return redirect(url_for(".validate_exit", public_id=public_id))
        if check.state != "ready":
            flash("Cette sortie ne peut pas être validée aujourd'hui.", "danger")
            return redirect(file_url(participant, ANCHOR))
        pathway.exit_validated_on = today
        pathway.exit_validated_by_id = current_user.id
        audit.record("pathway.exit_validate", target=participant,
                     exit_category=pathway.exit_category,
                     validation_due=check.validation_due.isoformat())
        db.session.commit()
        flash("La sortie positive est validée.", "success")
        return redirect(file_url(participant, ANCHOR))
    form.version.data = str(pathway.version)
    audit.record("participant.view", target=participant, page="exit_validation")
    db.session.commit()
    job = next((j for j in pathway.employments if j.id == pathway.exit_employment_id), None)
    qualification = progress.durable.qualification_for_job(job.id) if job else None
    return render_template("progress/validate_exit.html", p=participant, pathway=pathway,
                           check=check, job=job, qualification=qualification, form=form,
                           rule_labels=RULE_LABELS, contract_types=CONTRACT_TYPES,
                           rules=parameters_for(today))
