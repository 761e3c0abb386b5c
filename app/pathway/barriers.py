"""Barriers to employment (freins périphériques) of the open pathway.

Health barriers are sensitive data (GDPR art. 9): only the participant's own référent reads or
writes their situation text; anyone else sees the theme and severity, and their saves keep the
stored text untouched.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.clock import paris_today
from app.domain.catalogue import BARRIER_SEVERITIES, BARRIER_THEMES, SENSITIVE_BARRIER_THEMES
from app.domain.pathway_rules import Problems, barrier_problems
from app.extensions import db
from app.forms import add_problems
from app.models import Barrier, Participant, Pathway
from app.models.base import utcnow
from app.pathway.barriers_forms import NO_STEP_HELP, BarrierForm, VersionForm
from app.pathway.common import (
    current_pathway_or_404,
    field_text,
    file_url,
    is_stale,
    load_child,
    load_participant,
    render_form,
)
from app.permissions import PARTICIPANT_ROLES, roles_required
from app.reference_data import step_type_labels
from app.web import date_fr

bp = Blueprint("barriers", __name__, url_prefix="/participants/<public_id>/freins")

ANCHOR = "freins"
FIELDS = ("theme", "situation", "severity", "identified_on", "lifted_on", "step_ids")
SENSITIVE_THEME_HELP = ("Frein de santé : le détail de la situation est réservé au/à la "
                        "référent(e) du participant ; il n'est ni affiché ni modifié ici.")


def is_own_referent(participant: Participant) -> bool:
    """Whether the current user is the participant's référent."""
    return participant.referent_id == current_user.id


def situation_hidden(barrier: Barrier | None, participant: Participant) -> bool:
    """Whether the barrier's situation text must be kept from the current user."""
    return (barrier is not None and barrier.theme in SENSITIVE_BARRIER_THEMES
            and not is_own_referent(participant))


def step_choices(pathway: Pathway) -> dict[str, str]:
    """The pathway's steps as checkbox choices: type label (from the admin's list) and start."""
    labels = step_type_labels()
    choices = {}
    for step in sorted(pathway.steps, key=lambda s: (s.start is None, s.start, s.id)):
        label = labels.get(step.type_code, step.type_code)
        start = f"début le {date_fr(step.start)}" if step.start else "sans date de début"
        choices[step.public_id] = f"{label} — {start}"
    return choices


def build_form(pathway: Pathway, participant: Participant, barrier: Barrier | None = None):
    """The barrier form, without the situation field when its text is not the user's to see."""
    form = BarrierForm(obj=barrier)
    form.step_ids.choices = step_choices(pathway)
    if not form.step_ids.choices:
        form.step_ids.description = NO_STEP_HELP
    if situation_hidden(barrier, participant):
        # Neither shown nor posted back: the stored text cannot leak nor be overwritten.
        del form.situation
        form.theme.description = SENSITIVE_THEME_HELP
    if request.method == "GET":
        if barrier is None:
            form.identified_on.data = paris_today()
        else:
            form.version.data = str(barrier.version)
            form.step_ids.data = [step.public_id for step in barrier.steps]
    return form


def form_sections(form) -> list[tuple[str, tuple[str, ...]]]:
    """The form's fieldsets, leaving out a removed situation field."""
    first = tuple(name for name in ("theme", "situation", "severity") if name in form)
    return [("Frein", first), ("Suivi", ("identified_on", "lifted_on", "step_ids"))]


def form_problems(form, barrier: Barrier | None, participant: Participant) -> Problems:
    """The domain rules, a lift date not in the future, and the health-data restrictions."""
    if form.lifted_on.data:
        # A lifted barrier is lifted: severity 0, whatever was chosen.
        form.severity.data = 0
    problems = rule_problems(form.identified_on.data, form.lifted_on.data, form.severity.data)
    return problems | privacy_problems(form, barrier, participant)


def rule_problems(identified_on, lifted_on, severity) -> Problems:
    """The domain's barrier rules, worded for a barrier, and no lift in the future."""
    today = paris_today()
    problems = barrier_problems(identified_on, lifted_on, severity, today)
    if identified_on and lifted_on and lifted_on < identified_on:
        problems["lifted_on"] = "Un frein ne peut pas être levé avant d'avoir été identifié."
    if lifted_on and lifted_on > today:
        problems.setdefault("lifted_on", "La date de levée est dans le futur.")
    return problems


def privacy_problems(form, barrier: Barrier | None, participant: Participant) -> Problems:
    """Only the participant's référent writes a health situation or moves a barrier off health."""
    if is_own_referent(participant):
        return {}
    problems: Problems = {}
    if barrier is not None and barrier.theme in SENSITIVE_BARRIER_THEMES \
            and form.theme.data not in SENSITIVE_BARRIER_THEMES:
        # Otherwise the hidden text would become readable under another theme.
        problems["theme"] = ("Seul(e) le/la référent(e) du participant peut changer le thème "
                             "d'un frein de santé.")
    stored = barrier.situation if barrier is not None else ""
    if "situation" in form and form.theme.data in SENSITIVE_BARRIER_THEMES \
            and (form.situation.data or "") != (stored or ""):
        problems["situation"] = ("Le détail d'un frein de santé est réservé au/à la "
                                 "référent(e) du participant : laissez ce champ inchangé.")
    return problems


def apply_form(form, barrier: Barrier, pathway: Pathway) -> list[str]:
    """Copy the form into the barrier; return the names of what changed."""
    changed = []
    for name in ("theme", "situation", "severity", "identified_on", "lifted_on"):
        if name not in form:
            continue
        value = form[name].data if name != "situation" else (form[name].data or "")
        if getattr(barrier, name) != value:
            setattr(barrier, name, value)
            changed.append(name)
    chosen = set(form.step_ids.data or ())
    steps = [step for step in pathway.steps if step.public_id in chosen]
    if {step.id for step in steps} != {step.id for step in barrier.steps}:
        barrier.steps = steps
        changed.append("step_ids")
        # A link-table change alone would not bump the row's version; touching the row does.
        barrier.updated_at = utcnow()
    return changed


def saved_value(barrier: Barrier, name: str):
    """A stored value as the conflict page compares it with the typed one."""
    if name == "step_ids":
        return [step.public_id for step in barrier.steps]
    return getattr(barrier, name)


def render_conflict(form, barrier: Barrier, participant: Participant, title: str):
    """Answer 409: the colleague's saved barrier beside the typed one, ready to re-save."""
    audit.record("record.update_conflict", target=participant, record="barrier")
    db.session.commit()
    fields = [name for name in FIELDS if name in form]
    rows = []
    for name in fields:
        saved = field_text(form, name, saved_value(barrier, name))
        typed = field_text(form, name, form[name].data)
        rows.append((form[name].label.text, saved, typed, saved != typed))
    form.version.data = str(barrier.version)
    return render_template("pathway/conflict.html", form=form, rows=rows, title=title,
                           participant=participant, fields=fields,
                           action=request.full_path.rstrip("?")), 409


def save_edit(form, barrier: Barrier, pathway: Pathway, participant: Participant, title: str):
    """Apply the form and commit, or answer 409 when a colleague saved first."""
    if is_stale(form, barrier):
        return render_conflict(form, barrier, participant, title)
    changed = apply_form(form, barrier, pathway)
    try:
        db.session.flush()
    except StaleDataError:
        reload_or_404(barrier)
        return render_conflict(form, barrier, participant, title)
    # No theme nor text in the log: the admin reads it, and a health theme is sensitive.
    audit.record("barrier.update", target=participant, record="barrier",
                 barrier=barrier.public_id, fields=changed)
    db.session.commit()
    flash("Le frein est modifié.", "success")
    return redirect(file_url(participant, ANCHOR))


def reload_or_404(barrier: Barrier) -> None:
    """After a lost race, read the barrier again; 404 if a colleague deleted it meanwhile."""
    db.session.rollback()
    try:
        db.session.refresh(barrier)
    except InvalidRequestError:
        abort(404)


def load(public_id: str, barrier_id: str | None = None):
    """The participant, their open pathway and, when asked, one of its barriers."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    barrier = load_child(Barrier, barrier_id, pathway) if barrier_id else None
    return participant, pathway, barrier


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def create(public_id):
    """Record a barrier identified in the open pathway."""
    participant, pathway, _ = load(public_id)
    form = build_form(pathway, participant)
    if form.validate_on_submit() and not add_problems(form, form_problems(form, None,
                                                                           participant)):
        barrier = Barrier(pathway=pathway)
        apply_form(form, barrier, pathway)
        db.session.add(barrier)
        db.session.flush()
        audit.record("barrier.create", target=participant, record="barrier",
                     barrier=barrier.public_id)
        db.session.commit()
        flash("Le frein est enregistré.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_form(form, participant, "Nouveau frein", form_sections(form))


@bp.route("/<barrier_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id, barrier_id):
    """Edit a barrier; a health situation stays out of reach of anyone but the référent."""
    participant, pathway, barrier = load(public_id, barrier_id)
    form = build_form(pathway, participant, barrier)
    title = "Modifier le frein"
    if form.validate_on_submit() and not add_problems(form, form_problems(form, barrier,
                                                                           participant)):
        return save_edit(form, barrier, pathway, participant, title)
    return render_form(form, participant, title, form_sections(form))


def render_action_page(template: str, form, barrier, participant, status: int = 200,
                       message: str = "", retry: bool = False):
    """A confirmation or refusal page about one barrier, with its current state."""
    form.version.data = str(barrier.version)
    return render_template(
        template, form=form, barrier=barrier, participant=participant, message=message,
        retry=retry, themes=BARRIER_THEMES, severities=BARRIER_SEVERITIES,
        show_situation=not situation_hidden(barrier, participant),
    ), status


@bp.route("/<barrier_id>/lever", methods=["POST"])
@roles_required(*PARTICIPANT_ROLES)
def lift(public_id, barrier_id):
    """Mark a barrier as lifted today (severity 0)."""
    participant, _, barrier = load(public_id, barrier_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return redirect(file_url(participant, ANCHOR))
    if barrier.lifted_on is not None:
        flash("Ce frein est déjà levé.", "info")
        return redirect(file_url(participant, ANCHOR))
    if is_stale(form, barrier):
        return conflict_page(form, barrier, participant)
    today = paris_today()
    problems = rule_problems(barrier.identified_on, today, 0)
    if problems:
        return render_action_page("pathway/barriers_lift.html", form, barrier, participant,
                                  400, " ".join(problems.values()))
    barrier.lifted_on, barrier.severity = today, 0
    try:
        db.session.flush()
    except StaleDataError:
        reload_or_404(barrier)
        return conflict_page(form, barrier, participant)
    audit.record("barrier.update", target=participant, record="barrier",
                 barrier=barrier.public_id, fields=["lifted_on", "severity"])
    db.session.commit()
    flash("Le frein est marqué comme levé aujourd'hui.", "success")
    return redirect(file_url(participant, ANCHOR))


def conflict_page(form, barrier: Barrier, participant: Participant):
    """Answer 409 to a quick action on a barrier a colleague changed meanwhile."""
    audit.record("record.update_conflict", target=participant, record="barrier")
    db.session.commit()
    return render_action_page(
        "pathway/barriers_lift.html", form, barrier, participant, 409,
        "Un(e) collègue a modifié ce frein pendant que vous consultiez le dossier : rien n'a "
        "été enregistré. Voici son état actuel.", retry=True,
    )


@bp.route("/<barrier_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete(public_id, barrier_id):
    """Ask for confirmation, then delete the barrier."""
    participant, _, barrier = load(public_id, barrier_id)
    form = VersionForm()
    if not form.validate_on_submit():
        return render_action_page("pathway/barriers_delete.html", form, barrier, participant)
    if is_stale(form, barrier):
        return stale_delete(form, barrier, participant)
    barrier_public_id = barrier.public_id
    db.session.delete(barrier)
    try:
        db.session.flush()
    except StaleDataError:
        reload_or_404(barrier)
        return stale_delete(form, barrier, participant)
    audit.record("barrier.delete", target=participant, record="barrier",
                 barrier=barrier_public_id)
    db.session.commit()
    flash("Le frein est supprimé.", "success")
    return redirect(file_url(participant, ANCHOR))


def stale_delete(form, barrier: Barrier, participant: Participant):
    """Answer 409 and ask again: the barrier changed since the confirmation page was shown."""
    audit.record("record.update_conflict", target=participant, record="barrier")
    db.session.commit()
    return render_action_page(
        "pathway/barriers_delete.html", form, barrier, participant, 409,
        "Un(e) collègue a modifié ce frein entre-temps : vérifiez son état actuel avant de "
        "confirmer la suppression.",
    )
