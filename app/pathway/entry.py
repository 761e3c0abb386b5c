"""Orientation, entry decision, engagement contract, entry, exit and reopening."""

from flask import Blueprint, flash, redirect, request

from app import audit
from app.clock import paris_today
from app.domain.catalogue import CONTRACT_TYPES, STEP_TYPES
from app.domain.pathway_rules import EntryData, entry_problems, exit_problems
from app.extensions import db
from app.forms import add_problems
from app.models import Pathway
from app.pathway.common import (
    copy_fields,
    current_pathway_or_404,
    file_url,
    load_participant,
    render_form,
    save_or_conflict,
)
from app.pathway.entry_forms import ENTRY_FIELDS, EntryForm, ExitForm, OrientationForm, ReopenForm
from app.permissions import PARTICIPANT_ROLES, roles_required

bp = Blueprint("entry", __name__, url_prefix="/participants/<public_id>/parcours")

STEP_LABELS = dict(STEP_TYPES)


@bp.route("/orientation", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def orientation(public_id):
    """Record a new orientation: it starts a pathway, unless one is already open."""
    participant = load_participant(public_id)
    current = participant.current_pathway
    if current is not None and current.is_open:
        flash("Un parcours est déjà en cours ou en attente de décision pour cette personne.",
              "warning")
        return redirect(file_url(participant, "parcours"))
    form = OrientationForm()
    if request.method == "GET":
        form.orientation_date.data = paris_today()
    if form.validate_on_submit() and not add_problems(
        form, entry_problems(EntryData(form.orientation_date.data), paris_today())
    ):
        pathway = Pathway(participant=participant)
        copy_fields(form, pathway, ENTRY_FIELDS[:4])
        db.session.add(pathway)
        audit.record("pathway.orientation", target=participant)
        db.session.commit()
        flash("L'orientation est enregistrée. Elle attend la décision d'entrée.", "success")
        return redirect(file_url(participant, "parcours"))
    return render_form(form, participant, "Nouvelle orientation",
                       [("Orientation", ENTRY_FIELDS[:4])])


@bp.route("/entree", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def entry(public_id):
    """Record the entry decision, the engagement contract and the entry date."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant, open_only=False)
    if pathway.exit_date is not None:
        flash("Ce parcours est clos : annulez d'abord la sortie pour modifier l'entrée.", "warning")
        return redirect(file_url(participant, "parcours"))
    form = EntryForm(obj=pathway)
    if request.method == "GET":
        form.version.data = str(pathway.version)
    if form.validate_on_submit():
        data = EntryData(**{name: form[name].data for name in (
            "orientation_date", "decision", "decision_date", "contract_signed_on", "entry_date")})
        if not add_problems(form, entry_problems(data, paris_today())):
            return save_or_conflict(
                form, pathway, ENTRY_FIELDS, participant, "Entrée dans le parcours",
                lambda f, r: copy_fields(f, r, ENTRY_FIELDS), "pathway.entry", "parcours",
                "L'entrée dans le parcours est enregistrée.",
            )
    return render_form(form, participant, "Entrée dans le parcours", [
        ("Orientation", ENTRY_FIELDS[:4]),
        ("Décision de la commission d'entrée", ENTRY_FIELDS[4:7]),
        ("Contrat d'engagement et entrée", ENTRY_FIELDS[7:]),
    ])


def support_choices(pathway: Pathway) -> dict[str, str]:
    """Employments and trainings or creations of the pathway that may support an exit."""
    choices = {"": "Aucun"}
    for job in pathway.employments:
        label = f"{CONTRACT_TYPES.get(job.contract_type, job.contract_type)} — {job.employer}"
        choices[f"employment:{job.public_id}"] = f"Emploi : {label}"
    for step in pathway.steps:
        if step.type_code in {"FORM_Q", "FORM_PQ", "CREA"}:
            label = STEP_LABELS.get(step.type_code, step.type_code)
            detail = step.certification or step.provider or step.legal_form
            choices[f"step:{step.public_id}"] = f"Étape : {label} {detail}".strip()
    return choices


def apply_exit(form: ExitForm, pathway: Pathway) -> list[str]:
    """Copy the exit form into the pathway, resolving the chosen support."""
    changed = copy_fields(form, pathway, ("exit_date", "exit_category", "exit_comment"))
    kind, _, public = (form.support.data or "").partition(":")
    employment = next((j for j in pathway.employments if j.public_id == public), None)
    step = next((s for s in pathway.steps if s.public_id == public), None)
    pathway.exit_employment_id = employment.id if kind == "employment" and employment else None
    pathway.exit_step_id = step.id if kind == "step" and step else None
    return changed + ["support"]


@bp.route("/sortie", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def exit_pathway(public_id):
    """Record the end of the pathway."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant, open_only=False)
    if pathway.entry_date is None:
        flash("La sortie suppose une entrée dans le parcours.", "warning")
        return redirect(file_url(participant, "parcours"))
    form = ExitForm(obj=pathway)
    form.support.choices = support_choices(pathway)
    if request.method == "GET":
        form.version.data = str(pathway.version)
        form.exit_date.data = pathway.exit_date or paris_today()
        form.support.data = current_support(pathway)
    if form.validate_on_submit():
        problems = exit_problems(form.exit_date.data, form.exit_category.data,
                                 pathway.entry_date, paris_today(), bool(form.support.data))
        if not add_problems(form, problems):
            return save_or_conflict(
                form, pathway, ("exit_date", "exit_category", "support", "exit_comment"),
                participant, "Sortie du parcours", apply_exit, "pathway.exit", "parcours",
                "La sortie du parcours est enregistrée.",
            )
    return render_form(form, participant, "Sortie du parcours", [
        ("Sortie", ("exit_date", "exit_category", "support", "exit_comment")),
    ])


def current_support(pathway: Pathway) -> str:
    """The support choice matching what the pathway records."""
    for job in pathway.employments:
        if job.id == pathway.exit_employment_id:
            return f"employment:{job.public_id}"
    for step in pathway.steps:
        if step.id == pathway.exit_step_id:
            return f"step:{step.public_id}"
    return ""


@bp.route("/reouvrir", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def reopen(public_id):
    """Cancel a mistaken exit: the pathway goes back to 'in pathway', and the audit log says why."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant, open_only=False)
    if pathway.exit_date is None:
        return redirect(file_url(participant, "parcours"))
    form = ReopenForm()
    if form.validate_on_submit():
        previous = {"exit_date": pathway.exit_date, "exit_category": pathway.exit_category}
        pathway.exit_date = None
        pathway.exit_category = ""
        pathway.exit_employment_id = None
        pathway.exit_step_id = None
        pathway.exit_validated_on = None
        pathway.exit_validated_by_id = None
        audit.record("pathway.reopen", target=participant, reason=form.reason.data,
                     previous=previous)
        db.session.commit()
        flash("La sortie est annulée : le parcours est de nouveau en cours.", "success")
        return redirect(file_url(participant, "parcours"))
    return render_form(form, participant, "Annuler la sortie du parcours", [
        ("La sortie enregistrée le " + pathway.exit_date.strftime("%d/%m/%Y")
         + " sera annulée et le parcours reprendra.", ("reason",)),
    ], submit="Annuler la sortie", danger=True)
