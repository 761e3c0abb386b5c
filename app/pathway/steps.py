"""Pathway steps: add, edit and delete the steps of the open pathway."""

import dataclasses
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.domain import catalogue
from app.domain.catalogue import BARRIER_SEVERITIES, BARRIER_THEMES, CONTRACT_TYPES
from app.domain.pathway_rules import StepData, default_pass_iae_end, step_problems
from app.extensions import db
from app.forms import add_problems
from app.models import Participant, Pathway, Step, StepType
from app.models.base import utcnow
from app.pathway.common import file_url, load_child, load_participant
from app.pathway.steps_forms import (
    ALL_FIELDS,
    COMMON_FIELDS,
    SPECIFIC_GROUPS,
    DeleteStepForm,
    StepForm,
    fields_of_type,
    options,
)
from app.permissions import PARTICIPANT_ROLES, roles_required

bp = Blueprint("steps", __name__, url_prefix="/participants/<public_id>/etapes")

ANCHOR = "etapes"
# Fields copied as they are; barriers and the linked employment are resolved to records.
PLAIN_FIELDS = tuple(name for name in ALL_FIELDS if name not in ("barrier_ids", "employment"))
# What the step rules look at, read from the form.
RULE_FIELDS = tuple(field.name for field in dataclasses.fields(StepData))


def open_pathway(participant: Participant) -> Pathway | None:
    """The pathway whose steps may change: the current one, while 'in pathway'."""
    pathway = participant.current_pathway
    return pathway if pathway is not None and pathway.status == "in_pathway" else None


def refuse_closed(participant: Participant):
    """Send the user back to the file: steps only change on a pathway in progress."""
    flash("Les étapes ne se modifient que sur un parcours en cours (entrée enregistrée, "
          "pas de sortie).", "warning")
    return redirect(file_url(participant, ANCHOR))


def type_labels(include: str = "") -> dict[str, str]:
    """Active step types (plus the given one, even inactive), code → label, in admin order."""
    condition = StepType.active
    if include:
        condition = sa.or_(condition, StepType.code == include)
    rows = db.session.execute(
        sa.select(StepType.code, StepType.label).where(condition).order_by(StepType.position)
    ).all()
    return dict(rows)


def barrier_label(barrier) -> str:
    """A barrier as a choice: theme, severity and date, never the (possibly health) details."""
    theme = BARRIER_THEMES.get(barrier.theme, barrier.theme)
    severity = BARRIER_SEVERITIES.get(barrier.severity, "")
    return f"{theme} ({severity.lower()}, identifié le {barrier.identified_on:%d/%m/%Y})"


def employment_label(job) -> str:
    """An employment episode as a choice."""
    kind = CONTRACT_TYPES.get(job.contract_type, job.contract_type)
    return f"{kind} — {job.employer} (depuis le {job.start_date:%d/%m/%Y})"


def build_form(pathway: Pathway, step: Step | None) -> tuple[StepForm, dict[str, str]]:
    """The step form with its choices filled from the database and the pathway's records."""
    form = StepForm(obj=step if step is not None and request.method == "GET" else None)
    labels = type_labels(step.type_code if step is not None else "")
    form.type_code.choices = options([("", "— Choisir —"), *labels.items()])
    form.barrier_ids.choices = options((b.public_id, barrier_label(b)) for b in pathway.barriers)
    form.employment.choices = options([("", "Aucun")] + [
        (job.public_id, employment_label(job)) for job in pathway.employments
    ])
    if step is not None and request.method == "GET":
        form.version.data = str(step.version)
        form.barrier_ids.data = [b.public_id for b in step.barriers]
        form.employment.data = linked_employment_ref(step, pathway)
    return form, labels


def linked_employment_ref(step: Step, pathway: Pathway) -> str:
    """The public id of the employment the step is linked to, or blank."""
    return next((job.public_id for job in pathway.employments if job.id == step.employment_id),
                "")


def prefill_pass_iae(form: StepForm) -> None:
    """A PASS IAE left blank ends 24 months after the step starts."""
    start = form.actual_start.data or form.planned_start.data
    if form.type_code.data == "IAE" and not form.pass_iae_end.data and start:
        form.pass_iae_end.data = default_pass_iae_end(start)


def rules_hold(form: StepForm, pathway: Pathway) -> bool:
    """Check the step rules; attach each problem to its field. True when there is none."""
    prefill_pass_iae(form)
    data = StepData(**{name: form.value(name) for name in RULE_FIELDS})
    problems = step_problems(data, pathway.entry_date, pathway.exit_date)
    if form.type_code.data == "IAE" and not form.siae_kind.data:
        problems.setdefault("siae_kind", "Choisissez le type de structure d'insertion.")
    return not add_problems(form, problems)


def apply_form(form: StepForm, step: Step, pathway: Pathway) -> list[str]:
    """Copy the form into the step, clearing what does not apply to its type; list changes."""
    # Reading the linked barriers must not flush half-applied changes (and bump the version).
    with db.session.no_autoflush:
        changed = copy_plain_fields(form, step)
        changed += link_barriers(form, step, pathway)
        changed += link_employment(form, step, pathway)
    if changed:
        # A change of linked barriers alone updates no column: touch the row so its
        # version moves and a colleague's stale form is caught.
        step.updated_at = utcnow()
    return changed


def copy_plain_fields(form: StepForm, step: Step) -> list[str]:
    """Copy the fields stored as they are; list those that changed."""
    changed = []
    for name in PLAIN_FIELDS:
        value = form.value(name)
        if getattr(step, name) != value:
            setattr(step, name, value)
            changed.append(name)
    return changed


def link_barriers(form: StepForm, step: Step, pathway: Pathway) -> list[str]:
    """Link the chosen barriers of the pathway (none unless the type addresses barriers)."""
    chosen = set(form.value("barrier_ids") or [])
    barriers = [b for b in pathway.barriers if b.public_id in chosen]
    if {b.id for b in step.barriers} == {b.id for b in barriers}:
        return []
    step.barriers = barriers
    return ["barrier_ids"]


def link_employment(form: StepForm, step: Step, pathway: Pathway) -> list[str]:
    """Link the chosen employment episode of the pathway (none unless the type has one)."""
    ref = form.value("employment")
    employment_id = next((job.id for job in pathway.employments if job.public_id == ref), None)
    if step.employment_id == employment_id:
        return []
    step.employment_id = employment_id
    return ["employment"]


def saved_values(step: Step, pathway: Pathway) -> dict:
    """The step as the form would show it, for the comparison of versions."""
    values = {name: getattr(step, name) for name in PLAIN_FIELDS}
    values["barrier_ids"] = [b.public_id for b in step.barriers]
    values["employment"] = linked_employment_ref(step, pathway)
    return values


def render_step_form(form: StepForm, participant, labels: dict[str, str], title: str,
                     step: Step | None = None):
    """Render the step form, with 400 when it holds errors."""
    groups = [
        (heading, [labels[code] for code in codes if code in labels], names)
        for heading, codes, names in SPECIFIC_GROUPS
        if any(code in labels for code in codes)
    ]
    status = 400 if form.errors else 200
    return render_template("pathway/steps_form.html", form=form, participant=participant,
                           title=title, groups=groups, step=step), status


def shown(form: StepForm, name: str, value) -> str:
    """A field value as a person reads it: choice labels, French dates, oui / non."""
    if value is None or value == "" or value == []:
        return "—"
    field = form[name]
    if hasattr(field, "choices"):
        labels = {str(choice.value): choice.label for choice in field.choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def render_conflict(form: StepForm, step: Step, pathway: Pathway, participant, title: str):
    """Answer 409: the colleague's saved step beside the typed one, ready to re-save."""
    audit.record("record.update_conflict", target=participant, record="step",
                 step=step.public_id)
    db.session.commit()
    saved = saved_values(step, pathway)
    # Only the fields of the saved and typed types matter; the others are cleared on save.
    relevant = fields_of_type(step.type_code) | fields_of_type(form.type_code.data or "")
    fields = [name for name in ALL_FIELDS if name in COMMON_FIELDS or name in relevant]
    rows = []
    for name in fields:
        before = shown(form, name, saved[name])
        typed = shown(form, name, form[name].data)
        rows.append((form[name].label.text, before, typed, before != typed))
    form.version.data = str(step.version)
    return render_template("pathway/conflict.html", form=form, rows=rows, title=title,
                           participant=participant, fields=fields,
                           action=request.full_path.rstrip("?")), 409


def describe(step: Step, labels: dict[str, str]) -> str:
    """A step as a person names it: its type and start date."""
    label = labels.get(step.type_code, step.type_code)
    return f"{label} du {step.start:%d/%m/%Y}" if step.start else label


@bp.route("/nouvelle", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def create(public_id):
    """Add a step to the open pathway."""
    participant = load_participant(public_id)
    pathway = open_pathway(participant)
    if pathway is None:
        return refuse_closed(participant)
    form, labels = build_form(pathway, None)
    if form.validate_on_submit() and rules_hold(form, pathway):
        step = Step(pathway_id=pathway.id)
        apply_form(form, step, pathway)
        db.session.add(step)
        db.session.flush()
        audit.record("step.create", target=participant, record="step", step=step.public_id,
                     type=step.type_code)
        db.session.commit()
        flash(f"L'étape « {labels.get(step.type_code, step.type_code)} » est ajoutée.",
              "success")
        return redirect(file_url(participant, ANCHOR))
    return render_step_form(form, participant, labels, "Nouvelle étape")


@bp.route("/<step_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id, step_id):
    """Edit a step; a colleague's save in between gets the 409 comparison page."""
    participant = load_participant(public_id)
    pathway = open_pathway(participant)
    if pathway is None:
        return refuse_closed(participant)
    step = load_child(Step, step_id, pathway)
    form, labels = build_form(pathway, step)
    title = "Modifier l'étape"
    if form.validate_on_submit() and rules_hold(form, pathway):
        if str(form.version.data) != str(step.version):
            return render_conflict(form, step, pathway, participant, title)
        changed = apply_form(form, step, pathway)
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            db.session.refresh(step)
            return render_conflict(form, step, pathway, participant, title)
        audit.record("step.update", target=participant, record="step", step=step.public_id,
                     type=step.type_code, fields=changed)
        db.session.commit()
        flash("L'étape est enregistrée.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_step_form(form, participant, labels, title, step)


@bp.route("/<step_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete(public_id, step_id):
    """Ask for confirmation, then delete the step (unless a colleague changed it meanwhile)."""
    participant = load_participant(public_id)
    pathway = open_pathway(participant)
    if pathway is None:
        return refuse_closed(participant)
    step = load_child(Step, step_id, pathway)
    labels = type_labels(step.type_code)
    form = DeleteStepForm()
    status = 200
    if form.validate_on_submit():
        if str(form.version.data) == str(step.version):
            name = describe(step, labels)
            audit.record("step.delete", target=participant, record="step",
                         step=step.public_id, type=step.type_code)
            db.session.delete(step)
            db.session.commit()
            flash(f"L'étape « {name} » est supprimée.", "success")
            return redirect(file_url(participant, ANCHOR))
        flash("Cette étape a été modifiée par un(e) collègue depuis votre demande : "
              "vérifiez-la avant de confirmer la suppression.", "warning")
        status = 409
    form.version.data = str(step.version)
    return render_template("pathway/steps_delete.html", form=form, participant=participant,
                           pathway=pathway, step=step, labels=labels,
                           name=describe(step, labels), catalogue=catalogue), status
