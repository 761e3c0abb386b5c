"""Entry commissions: prepare one from the pending orientations, record it, print its minutes.

Saving a commission applies each decision to its pathway exactly as the single entry form
(app/pathway/entry.py) does: decision, decision date (the commission's date) and comment (the
reason), checked by the same rules (app/domain/pathway_rules.py).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DateField, FieldList, Form, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app import audit
from app.clock import paris_today
from app.domain.catalogue import DECISIONS, PATHWAY_STATUSES, PRESCRIBER_KINDS
from app.domain.pathway_rules import EntryData, entry_problems
from app.extensions import db
from app.forms import StrippedStringField, no_control_characters
from app.models import CommissionDecision, EntryCommission, Participant, Pathway, Role
from app.permissions import is_public_id, roles_required
from app.supervision.forms import plausible_day
from app.web import requested_page

bp = Blueprint("commissions", __name__, url_prefix="/supervision/commissions")

PENDING_STATUSES = ("orientation", "postponed")
# Decisions that must say why.
REASON_REQUIRED = {"refused": "Indiquez le motif du refus.",
                   "postponed": "Indiquez le motif de l'ajournement."}
MAX_LINES = 500
PER_PAGE = 20


class DecisionLineForm(Form):
    """One pending orientation in the commission form: its decision and the reason."""

    pathway = HiddenField()
    version = HiddenField()
    decision = SelectField("Décision", choices={"": "— Non examinée —", **DECISIONS},
                           validators=[Optional()], default="")
    # No Optional(): it would stop the chain before validate_reason sees a blank reason.
    reason = TextAreaField("Motif", validators=[Length(max=5000), no_control_characters])

    def validate_reason(self, field):
        """A refusal or a postponement says why; a reason goes with a decision."""
        reason = (field.data or "").strip()
        if self.decision.data in REASON_REQUIRED and not reason:
            raise ValidationError(REASON_REQUIRED[self.decision.data])
        if reason and not self.decision.data:
            raise ValidationError("Choisissez la décision qui va avec ce motif, "
                                  "ou effacez le motif.")


class CommissionForm(FlaskForm):
    """When and where the commission sat, who sat, and its decision for each orientation."""

    held_on = DateField("Date de la commission",
                        validators=[DataRequired("Indiquez la date de la commission."),
                                    plausible_day])
    place = StrippedStringField("Lieu",
                                validators=[Optional(), Length(max=200), no_control_characters])
    members = TextAreaField("Membres présents (un par ligne)",
                            validators=[Optional(), Length(max=5000), no_control_characters])
    notes = TextAreaField("Observations générales",
                          validators=[Optional(), Length(max=5000), no_control_characters])
    lines = FieldList(FormField(DecisionLineForm), max_entries=MAX_LINES)


@dataclass
class Refused:
    """A line not saved because its pathway was decided or changed meanwhile."""

    pathway: Pathway
    decision: str
    reason: str


def pathway_options():
    """Load what a commission line shows: the participant, their référent and criteria."""
    participant = joinedload(Pathway.participant)
    return (participant.joinedload(Participant.referent),
            participant.selectinload(Participant.criteria))


def pending_pathways() -> list[Pathway]:
    """Orientations waiting for a decision: no decision yet or postponed, not entered."""
    return list(db.session.scalars(
        sa.select(Pathway)
        .where(Pathway.decision.in_(("", "postponed")), Pathway.entry_date.is_(None),
               Pathway.exit_date.is_(None))
        .options(*pathway_options())
        .order_by(Pathway.orientation_date, Pathway.id)
    ))


def is_pending(pathway: Pathway) -> bool:
    """Whether the pathway still waits for the commission."""
    return pathway.status in PENDING_STATUSES


@bp.route("")
@roles_required(Role.SUPERVISOR)
def index():
    """The commissions held, newest first, with how many orientations each decided and how."""
    page = db.paginate(
        sa.select(EntryCommission).order_by(EntryCommission.held_on.desc(),
                                            EntryCommission.id.desc()),
        page=requested_page(), per_page=PER_PAGE, error_out=False,
    )
    counts = decision_counts([commission.id for commission in page.items])
    audit.record("commission.list", page=page.page)
    db.session.commit()
    return render_template("supervision/commissions/index.html", page=page, counts=counts,
                           decisions=DECISIONS)


def decision_counts(commission_ids: list[int]) -> dict[int, dict[str, int]]:
    """{commission id: {decision: count}} for the given commissions, in one query."""
    counts: dict[int, dict[str, int]] = {cid: dict.fromkeys(DECISIONS, 0)
                                         for cid in commission_ids}
    if not commission_ids:
        return counts
    rows = db.session.execute(
        sa.select(CommissionDecision.commission_id, CommissionDecision.decision,
                  sa.func.count(CommissionDecision.id))
        .where(CommissionDecision.commission_id.in_(commission_ids))
        .group_by(CommissionDecision.commission_id, CommissionDecision.decision)
    )
    for commission_id, decision, count in rows:
        counts[commission_id][decision] = count
    return counts


@bp.route("/preparer", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR)
def prepare():
    """List the pending orientations; record the commission and apply its decisions."""
    form = CommissionForm()
    today = paris_today()
    if not form.is_submitted():
        pending = pending_pathways()
        form.held_on.data = today
        for pathway in pending:
            form.lines.append_entry({"pathway": pathway.public_id,
                                     "version": str(pathway.version)})
        audit.record("commission.prepare", pending=len(pending))
        db.session.commit()
        return render_prepare(form, {p.public_id: p for p in pending}, today)
    pathways = posted_pathways(form)
    valid = form.validate_on_submit()
    problems = line_problems(form, pathways, today)
    if not valid or problems:
        return render_prepare(form, pathways, today, 400)
    decided = [line.form for line in form.lines if line.form.decision.data]
    fresh, refused = [], []
    for line in decided:
        pathway = pathways[line.pathway.data]
        if is_pending(pathway) and line.version.data == str(pathway.version):
            fresh.append(line)
        else:
            refused.append(Refused(pathway, line.decision.data, (line.reason.data or "").strip()))
            line.decision.errors = list(line.decision.errors) + [stale_message(pathway)]
            # Saving again is then deliberate: the line carries the version just shown.
            line.version.data = str(pathway.version)
    if refused:
        audit.record("commission.conflict",
                     pathways=[item.pathway.public_id for item in refused])
    if not fresh:
        db.session.commit()
        form.form_errors.append("Aucune décision n'a été enregistrée : les orientations "
                                "signalées ont été décidées ou modifiées entre-temps.")
        return render_prepare(form, pathways, today, 409)
    commission = save_commission(form, fresh, pathways)
    if commission is None:
        form.form_errors.append("Un parcours a été modifié pendant l'enregistrement : rien "
                                "n'a été enregistré. Vérifiez puis enregistrez de nouveau.")
        return render_prepare(form, posted_pathways(form), today, 409)
    if refused:
        return render_minutes(commission, refused)
    flash(f"La commission du {commission.held_on.strftime('%d/%m/%Y')} est enregistrée : "
          f"{len(fresh)} décision{'s' if len(fresh) > 1 else ''} appliquée"
          f"{'s' if len(fresh) > 1 else ''} aux parcours.", "success")
    return redirect(url_for("commissions.show", public_id=commission.public_id))


def stale_message(pathway: Pathway) -> str:
    """Why a line cannot be saved, in French."""
    status = PATHWAY_STATUSES.get(pathway.status, pathway.status)
    return (f"Ce parcours a été décidé ou modifié entre-temps (situation actuelle : {status}) : "
            "cette décision n'est pas enregistrée.")


def posted_pathways(form: CommissionForm) -> dict[str, Pathway]:
    """The pathways the submitted lines name, by public id (unknown ids are left out)."""
    ids = {line.form.pathway.data for line in form.lines
           if is_public_id(line.form.pathway.data or "")}
    if not ids:
        return {}
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(Pathway).where(Pathway.public_id.in_(ids)).options(*pathway_options())
    )
    return {pathway.public_id: pathway for pathway in rows}


def line_problems(form: CommissionForm, pathways: dict[str, Pathway], today) -> bool:
    """Attach the rule problems of each decided line (and of the date); True if any."""
    found = False
    seen = set()
    held_on = form.held_on.data
    for line in (entry.form for entry in form.lines):
        public_id = line.pathway.data
        pathway = pathways.get(public_id)
        message = ""
        if pathway is None:
            message = "Cette orientation n'existe plus."
        elif public_id in seen:
            message = "Cette orientation figure deux fois dans la commission."
        seen.add(public_id)
        if not message and line.decision.data and held_on:
            data = EntryData(pathway.orientation_date, line.decision.data, held_on)
            problem = entry_problems(data, today).get("decision_date", "")
            if problem and held_on > today:
                add_error(form.held_on, problem)
                found = True
            elif problem:
                message = (f"{problem} (orientation du "
                           f"{pathway.orientation_date.strftime('%d/%m/%Y')})")
        # A line left undecided is ignored, even if its orientation has gone.
        if message and line.decision.data:
            add_error(line.decision, message)
            found = True
    if not any(entry.form.decision.data for entry in form.lines):
        form.form_errors.append("Choisissez une décision pour au moins une orientation.")
        found = True
    return found


def add_error(field, message: str) -> None:
    """Add a message to a field once."""
    if message not in field.errors:
        field.errors = list(field.errors) + [message]


def save_commission(form: CommissionForm, lines, pathways) -> EntryCommission | None:
    """Create the commission and its decisions, apply them; None if a pathway moved meanwhile."""
    commission = EntryCommission(
        held_on=form.held_on.data, place=form.place.data or "",
        members="\n".join(line.strip() for line in (form.members.data or "").splitlines()
                          if line.strip()),
        notes=(form.notes.data or "").strip(), created_by_id=current_user.id,
    )
    db.session.add(commission)
    for line in lines:
        pathway = pathways[line.pathway.data]
        reason = (line.reason.data or "").strip()
        commission.decisions.append(
            CommissionDecision(pathway=pathway, decision=line.decision.data, reason=reason)
        )
        # As the single entry form does (app/pathway/entry.py).
        pathway.decision = line.decision.data
        pathway.decision_date = commission.held_on
        pathway.decision_comment = reason
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        return None
    audit.record("commission.create", target=commission, held_on=commission.held_on,
                 decisions=len(lines))
    for line in lines:
        pathway = pathways[line.pathway.data]
        audit.record("commission.decide", target=pathway.participant,
                     commission=commission.public_id, pathway=pathway.public_id,
                     decision=pathway.decision)
    db.session.commit()
    return commission


def render_prepare(form: CommissionForm, pathways: dict[str, Pathway], today, status=200):
    """The preparation page: the commission's fields and one line per orientation."""
    rows = [(line.form, pathways.get(line.form.pathway.data)) for line in form.lines]
    return render_template(
        "supervision/commissions/prepare.html", form=form, rows=rows, today=today,
        prescribers=PRESCRIBER_KINDS, statuses=PATHWAY_STATUSES,
    ), status


@bp.route("/<public_id>")
@roles_required(Role.SUPERVISOR)
def show(public_id):
    """The minutes (procès-verbal) of a commission, printable."""
    commission = load_commission(public_id)
    audit.record("commission.view", target=commission)
    db.session.commit()
    return render_minutes(commission, [])


def load_commission(public_id: str) -> EntryCommission:
    """The commission with its decisions, pathways, participants and référents, or 404."""
    if not is_public_id(public_id):
        abort(404)
    commission = db.session.scalar(
        sa.select(EntryCommission)
        .where(EntryCommission.public_id == public_id)
        .options(
            selectinload(EntryCommission.decisions).joinedload(CommissionDecision.pathway)
            .joinedload(Pathway.participant).joinedload(Participant.referent),
            joinedload(EntryCommission.created_by),
        )
    )
    if commission is None:
        abort(404)
    return commission


def render_minutes(commission: EntryCommission, refused: list[Refused]):
    """The minutes page; after a save with refused lines, those lines and what was typed."""
    decisions = sorted(commission.decisions,
                       key=lambda item: (item.pathway.participant.name_key, item.id))
    return render_template(
        "supervision/commissions/show.html", commission=commission, decisions=decisions,
        refused=refused, labels=DECISIONS, statuses=PATHWAY_STATUSES,
        prescribers=PRESCRIBER_KINDS,
    )
