"""Participant list, creation, file and identity edits."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.clock import paris_today
from app.domain import catalogue
from app.extensions import db
from app.fse.records import fse_summary
from app.models import EligibilityCriterion, Participant
from app.models.participant import SEX_LABELS
from app.participants.assignment import record_assignment
from app.participants.file import file_header, load_file, timeline_svg
from app.participants.forms import ParticipantForm, SearchForm
from app.participants.queries import count_by_terms, referent_choices, search_participants
from app.permissions import PARTICIPANT_ROLES, get_participant_or_deny, roles_required
from app.progress.views import progress_context
from app.reference_data import step_type_labels
from app.web import requested_page

bp = Blueprint("participants", __name__, url_prefix="/participants")

EDITABLE_FIELDS = ("last_name", "first_name", "sex", "birth_date", "phone", "email", "address",
                   "postcode", "city", "qpv", "rural", "france_travail_id", "education_level",
                   "labour_status", "unemployed_since", "in_education", "rqth", "referent_id")
NULLABLE_FIELDS = {"birth_date", "referent_id", "unemployed_since"}


@bp.route("")
@roles_required(*PARTICIPANT_ROLES)
def index():
    """Search and page through the participants the user may see."""
    form = SearchForm(request.args)
    text = form.q.data if form.validate() else ""
    sort = request.args.get("tri", "nom")
    total = count_by_terms(current_user, text or "")
    page = db.paginate(
        search_participants(current_user, text or "", sort),
        page=requested_page(),
        per_page=current_app.config["PARTICIPANTS_PER_PAGE"],
        error_out=False,
        count=total is None,
    )
    if total is not None:
        page.total = total
    audit.record("participant.list", query=text or "", page=page.page, shown=len(page.items))
    db.session.commit()
    return render_template("participants/index.html", form=form, page=page, sort=sort)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def new():
    """Record a new participant, assigned to the référent who creates it by default."""
    form = ParticipantForm()
    form.referent_id.choices = referent_choices(current_user)
    form.criteria.choices = criterion_choices()
    if request.method == "GET" and current_user.is_referent:
        form.referent_id.data = current_user.id
    if form.validate_on_submit():
        participant = Participant()
        apply_form(form, participant)
        db.session.add(participant)
        db.session.flush()
        audit.record("participant.create", target=participant)
        db.session.commit()
        flash(f"Le dossier de {participant.full_name} est créé.", "success")
        return redirect(url_for("participants.show", public_id=participant.public_id))
    return render_template("participants/form.html", form=form, participant=None), (
        400 if form.errors else 200
    )


@bp.route("/<public_id>")
@roles_required(*PARTICIPANT_ROLES)
def show(public_id):
    """The participant's file."""
    participant = load_file(public_id)
    today = paris_today()
    labels = step_type_labels()
    pathway = participant.current_pathway
    progress = {}
    if pathway is not None and pathway.entry_date is not None:
        progress = progress_context(participant, pathway, today, labels)
    fse = fse_summary(participant, today)  # read before the commit, in the same transaction
    audit.record("participant.view", target=participant)
    db.session.commit()
    return render_template(
        "participants/show.html",
        p=participant,
        pathway=pathway,
        earlier=participant.pathways[:-1],
        header=file_header(participant, today),
        timeline=Markup(timeline_svg(pathway, labels, today)) if pathway else "",
        labels=labels,
        editable=pathway is not None and pathway.accepts_records,
        is_own_referent=participant.referent_id == current_user.id,
        catalogue=catalogue,
        sex_labels=SEX_LABELS,
        fse=fse,
        **progress,
    )


@bp.route("/<public_id>/edit", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id):
    """Edit identity and contact; a stale version is refused with both versions shown."""
    participant = get_participant_or_deny(public_id, joinedload(Participant.referent))
    form = ParticipantForm(obj=participant)
    form.referent_id.choices = referent_choices(current_user)
    form.criteria.choices = criterion_choices(participant)
    if participant.referent_id not in {value for value, _ in form.referent_id.choices}:
        form.referent_id.choices.append((participant.referent_id, participant.referent.full_name))
    if request.method == "GET":
        form.version.data = str(participant.version)
        form.criteria.data = [criterion.id for criterion in participant.criteria]
    if form.validate_on_submit():
        if form.version.data != str(participant.version):
            return conflict(form, participant)
        changed = apply_form(form, participant)
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            participant = get_participant_or_deny(public_id)
            return conflict(form, participant)
        audit.record("participant.update", target=participant, fields=changed)
        db.session.commit()
        flash("Les modifications sont enregistrées.", "success")
        return redirect(url_for("participants.show", public_id=participant.public_id))
    return render_template("participants/form.html", form=form, participant=participant), (
        400 if form.errors else 200
    )


def apply_form(form: ParticipantForm, participant: Participant) -> list[str]:
    """Copy the form into the participant; return the names of the fields that changed."""
    changed = []
    previous_referent = participant.referent_id
    for name in EDITABLE_FIELDS:
        value = form[name].data
        if value is None and name not in NULLABLE_FIELDS:
            value = ""
        if getattr(participant, name) != value:
            setattr(participant, name, value)
            changed.append(name)
    chosen = set(form.criteria.data or [])
    if chosen != {criterion.id for criterion in participant.criteria}:
        participant.criteria = list(db.session.scalars(
            sa.select(EligibilityCriterion).where(EligibilityCriterion.id.in_(chosen))
        )) if chosen else []
        changed.append("criteria")
    if participant.referent_id != previous_referent:
        record_assignment(participant, previous_referent)
    return changed


def criterion_choices(participant: Participant | None = None) -> list[tuple[int, str]]:
    """Active eligibility criteria, plus any inactive one the participant still holds."""
    held = {criterion.id for criterion in participant.criteria} if participant else set()
    rows = db.session.scalars(
        sa.select(EligibilityCriterion)
        .where(sa.or_(EligibilityCriterion.active.is_(True), EligibilityCriterion.id.in_(held)))
        .order_by(EligibilityCriterion.position)
    )
    return [(criterion.id, criterion.label) for criterion in rows]


def conflict(form: ParticipantForm, participant: Participant):
    """Answer 409 with the colleague's saved version and the typed one, ready to re-save."""
    audit.record("participant.update_conflict", target=participant)
    db.session.commit()
    rows = []
    for name in EDITABLE_FIELDS:
        saved = getattr(participant, name)
        typed = form[name].data
        if name == "referent_id":
            saved = participant.referent.full_name if participant.referent else ""
            typed = dict(form.referent_id.choices).get(typed, "")
        rows.append((form[name].label.text, saved, typed, (saved or "") != (typed or "")))
    # The typed values stay in the form; the version moves on so that saving again is deliberate.
    form.version.data = str(participant.version)
    return render_template(
        "participants/conflict.html", form=form, participant=participant, rows=rows
    ), 409
