"""A participant's FSE+ data: entry data drawn from the file plus the sensitive items, and the
situations within 4 weeks and 6 months after each exit."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.clock import paris_today
from app.domain import catalogue
from app.domain.catalogue import EXIT_CATEGORIES
from app.domain.dates import add_months, french_date
from app.domain.fse import (
    ANSWERS,
    SENSITIVE_ITEMS,
    age_at,
    answer,
    exit_situation_problems,
    isced_band,
    long_term_unemployed,
    minima_sociaux,
    missing_sensitive,
    post_exit_problems,
    unemployed_months,
)
from app.extensions import db
from app.forms import add_problems
from app.fse.forms import (
    BOOLEAN_FIELDS,
    EXIT_FIELDS,
    POST_EXIT_FIELDS,
    ExitSituationForm,
    PostExitSituationForm,
    SensitiveItemsForm,
    as_boolean,
)
from app.fse.records import fse_row, fse_summary
from app.models import Participant, Pathway
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.models.participant import SEX_LABELS
from app.pathway.common import is_stale, load_participant, render_conflict, render_form
from app.permissions import PARTICIPANT_ROLES, roles_required
from app.progress.parameters import parameters_for
from app.progress.snapshot import TOUCHED

bp = Blueprint("fse", __name__, url_prefix="/participants/<public_id>/fse")



def load(public_id: str) -> Participant:
    """The participant through the one permission check (pathways loaded; the criteria the
    FSE+ data read come with the first access)."""
    return load_participant(public_id)


def save(form, model, key: dict, fields, participant, title: str, action: str, message: str,
         pathway: Pathway | None = None):
    """Create or update the one-to-one row from the form; 409 when a colleague saved first."""
    record = db.session.get(model, tuple(key.values())[0])
    if record is None and str(form.version.data or "0") != "0":
        abort(409)  # the row was there when the form was filled, and is gone: nothing to merge
    if record is not None and is_stale(form, record):
        return render_conflict(form, record, fields, participant, title)
    is_new = record is None
    if is_new:
        record = model(**key)
    changed = []
    for name in fields:
        value = form[name].data
        if name in BOOLEAN_FIELDS:
            value = as_boolean(value)
        elif value is None and name not in {"exit_situation_on", "post_exit_situation_on"}:
            value = ""
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    if is_new:
        db.session.add(record)
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        # A colleague saved (or created the row) between our read and our write.
        db.session.rollback()
        saved = db.session.get(model, tuple(key.values())[0], populate_existing=True)
        if saved is None:
            abort(409)
        return render_conflict(form, saved, fields, participant, title)
    if pathway is not None:
        # The alerts about situations after exit read this row: re-evaluate the pathway.
        db.session.info.setdefault(TOUCHED, set()).add(pathway.id)
    audit.record(action, target=participant, fields=changed,
                 **({"pathway": pathway.public_id} if pathway is not None else {}))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".entry", public_id=participant.public_id))


@bp.route("", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def entry(public_id):
    """The FSE+ entry data: what the file already says, and the sensitive items it lacks."""
    participant = load(public_id)
    today = paris_today()
    summary = fse_summary(participant, today)
    person = summary.record.person
    record = fse_row(participant)
    if request.method == "POST":
        # Only the items the page asked for are in the form; the others keep their answer.
        asked = [item for item in SENSITIVE_ITEMS if item in request.form]
    elif request.args.get("tout") == "1":
        asked = list(SENSITIVE_ITEMS)
    else:
        asked = missing_sensitive(person)
    form = SensitiveItemsForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version) if record else "0"
    if form.validate_on_submit():
        if not asked:
            return redirect(url_for(".entry", public_id=public_id))
        return save(form, ParticipantFseData, {"participant_id": participant.id}, asked,
                    participant, "Données FSE+ sensibles", "fse.entry_update",
                    "Les données FSE+ sont enregistrées.")
    if request.method == "GET":
        audit.record("participant.view", target=participant, page="fse")
        db.session.commit()
    first = summary.record.first_entry
    answers = {item: answer(person, item) for item in SENSITIVE_ITEMS}
    return render_template(
        "fse/entry.html", p=participant, summary=summary, form=form, asked=asked,
        first_entry=first, age=age_at(person, first),
        unemployed_months=unemployed_months(person, first),
        long_term=long_term_unemployed(person, first), isced=isced_band(person),
        minima=minima_sociaux(person),
        answers=answers, answered=[item for item in SENSITIVE_ITEMS
                                   if item not in asked and answers[item]],
        answer_labels=ANSWERS, sensitive_items=SENSITIVE_ITEMS,
        exit_categories=EXIT_CATEGORIES, catalogue=catalogue, sex_labels=SEX_LABELS,
    ), 400 if form.errors else 200


def exited_pathway(participant: Participant) -> Pathway:
    """The exited pathway named by ?parcours=, else the latest exited one; 404 if none."""
    exited = [p for p in participant.pathways if p.exit_date is not None]
    wanted = request.args.get("parcours", "")
    if wanted:
        exited = [p for p in exited if p.public_id == wanted]
    if not exited:
        abort(404)
    return exited[-1]


def exit_legend(pathway: Pathway) -> str:
    """The exit a situation form is about."""
    category = EXIT_CATEGORIES.get(pathway.exit_category, pathway.exit_category)
    return f"Sortie du {pathway.exit_date.strftime('%d/%m/%Y')} ({category or 'motif non indiqué'})"


def prefill_exit(form: ExitSituationForm, pathway: Pathway) -> None:
    """Propose what the pathway already says: the job or the qualification of the exit."""
    job = next((j for j in pathway.employments if j.id == pathway.exit_employment_id), None)
    if job is not None:
        form.exit_situation.data = "employed"
        form.exit_contract_type.data = job.contract_type
    elif pathway.exit_category == "creation_activite":
        form.exit_situation.data = "employed"
        form.exit_contract_type.data = "CREATION"
    step = next((s for s in pathway.steps if s.id == pathway.exit_step_id), None)
    if step is not None and step.certification_obtained is not None:
        form.qualification_gained.data = str(step.certification_obtained)


@bp.route("/sortie", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def exit_situation(public_id):
    """The situation within 4 weeks of the exit (employment and contract, job search,
    education or training, qualification, inactivity)."""
    participant = load(public_id)
    pathway = exited_pathway(participant)
    record = db.session.get(ExitFollowUp, pathway.id)
    today = paris_today()
    params = parameters_for(today)
    form = ExitSituationForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version) if record else "0"
        if record is None or record.exit_situation_on is None:
            prefill_exit(form, pathway)
            form.exit_situation_on.data = today
    if form.validate_on_submit():
        problems = exit_situation_problems(form.exit_situation.data,
                                           form.exit_contract_type.data,
                                           form.exit_situation_on.data, pathway.exit_date, today)
        if not add_problems(form, problems):
            return save(form, ExitFollowUp, {"pathway_id": pathway.id}, EXIT_FIELDS,
                        participant, "Situation à la sortie", "fse.exit_situation",
                        "La situation à la sortie est enregistrée.", pathway)
    due = french_date(pathway.exit_date + timedelta(days=params.exit_situation_days))
    return render_form(form, participant, "Situation à la sortie (FSE+)", [
        (f"{exit_legend(pathway)} — à renseigner dans les {params.exit_situation_days} jours, "
         f"au plus tard le {due}", EXIT_FIELDS),
    ])


@bp.route("/six-mois", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def post_exit_situation(public_id):
    """The situation 6 months after the exit: in employment, and whether it improved."""
    participant = load(public_id)
    pathway = exited_pathway(participant)
    record = db.session.get(ExitFollowUp, pathway.id)
    today = paris_today()
    params = parameters_for(today)
    form = PostExitSituationForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version) if record else "0"
        if record is None or record.post_exit_situation_on is None:
            form.post_exit_situation_on.data = today
    if form.validate_on_submit():
        problems = post_exit_problems(form.post_exit_situation_on.data, pathway.exit_date,
                                      today, params.post_exit_months)
        if not add_problems(form, problems):
            return save(form, ExitFollowUp, {"pathway_id": pathway.id}, POST_EXIT_FIELDS,
                        participant, f"Situation {params.post_exit_months} mois après la sortie",
                        "fse.post_exit_situation",
                        f"La situation {params.post_exit_months} mois après la sortie est "
                        "enregistrée.", pathway)
    due = french_date(add_months(pathway.exit_date, params.post_exit_months))
    return render_form(form, participant,
                       f"Situation {params.post_exit_months} mois après la sortie (FSE+)", [
                           (f"{exit_legend(pathway)} — à renseigner à partir du {due}",
                            POST_EXIT_FIELDS),
                       ])
