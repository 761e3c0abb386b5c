"""Moving participants from one référent to another, several at a time.

Each move goes through app/participants/assignment.py, as a single change of référent in the
participant form does: the assignment history is closed and reopened, the move audited.
"""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app import audit
from app.domain.catalogue import PATHWAY_STATUSES
from app.extensions import db
from app.forms import no_control_characters
from app.models import Participant, Role, User
from app.participants.assignment import reassign
from app.permissions import is_public_id, roles_required

bp = Blueprint("reassign", __name__, url_prefix="/supervision/reaffectation")

MAX_SELECTED = 1000


class ReassignForm(FlaskForm):
    """Who moves (checked participants), to whom, and why."""

    source = HiddenField()
    participants = SelectMultipleField("Participants à réaffecter", validate_choice=False)
    target = SelectField("Nouveau ou nouvelle référent(e)", coerce=int, default=0)
    reason = TextAreaField(
        "Motif de la réaffectation",
        validators=[DataRequired("Indiquez le motif de la réaffectation."), Length(max=2000),
                    no_control_characters],
    )

    def validate_participants(self, field):
        """At least one participant, and a bounded number of them."""
        chosen = [value for value in field.data or [] if is_public_id(value)]
        if not chosen:
            raise ValidationError("Cochez au moins un participant.")
        if len(chosen) > MAX_SELECTED:
            raise ValidationError(f"Réaffectez au plus {MAX_SELECTED} participants à la fois.")
        field.data = list(dict.fromkeys(chosen))

    def validate_target(self, field):
        """A target is chosen, and is not the source."""
        if not field.data:
            raise ValidationError("Choisissez le ou la référent(e) qui reçoit les participants.")
        if str(field.data) == str(self.source.data):
            raise ValidationError("Choisissez un(e) autre référent(e) que celui ou celle "
                                  "d'origine.")


def caseload_counts() -> dict[int, int]:
    """How many participants each référent follows (as on the supervision page)."""
    rows = db.session.execute(
        sa.select(Participant.referent_id, sa.func.count(Participant.id))
        .where(Participant.referent_id.is_not(None))
        .group_by(Participant.referent_id)
    )
    return dict(rows.all())


def referents(active_only: bool) -> list[User]:
    """Référents by name; the inactive ones too when asked (a leaving référent's caseload)."""
    query = sa.select(User).where(User.role == Role.REFERENT)
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query.order_by(User.last_name, User.first_name, User.id)))


def caseload_label(user: User, counts: dict[int, int]) -> str:
    """'MARTIN Claire — 45 / 70 participants'."""
    return (f"{user.last_name.upper()} {user.first_name} — {counts.get(user.id, 0)} / "
            f"{user.caseload_ceiling} participants")


def is_active(participant: Participant) -> bool:
    """Still followed: no pathway yet, an open one, or an exit still in in-work follow-up."""
    pathway = participant.current_pathway
    return pathway is None or pathway.is_open or pathway.in_work_follow_up


def source_participants(source: User) -> list[Participant]:
    """The source référent's participants, by name, with their pathways."""
    return list(db.session.scalars(
        sa.select(Participant)
        .where(Participant.referent_id == source.id)
        .options(selectinload(Participant.pathways))
        .order_by(Participant.name_key, Participant.id)
    ))


def requested_source() -> User | None:
    """The référent named by ?referent= (GET) or the form's source (POST), if a référent."""
    value = request.form.get("source") if request.method == "POST" else \
        request.args.get("referent")
    if not (value or "").isdigit() or len(value) > 12:
        return None
    user = db.session.get(User, int(value))
    return user if user is not None and user.role == Role.REFERENT else None


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.SUPERVISOR)
def index():
    """Choose a référent, check the participants to move, a target and a reason; confirm."""
    source = requested_source()
    counts = caseload_counts()
    form = ReassignForm()
    targets = [user for user in referents(active_only=True)
               if source is None or user.id != source.id]
    form.target.choices = {0: "— Choisir —",
                           **{user.id: caseload_label(user, counts) for user in targets}}
    context = {"form": form, "source": source, "counts": counts,
               "sources": referents(active_only=False), "show_closed": False}
    if source is None:
        if request.method == "POST" or request.args.get("referent"):
            flash("Choisissez le ou la référent(e) dont les participants changent de main.",
                  "warning")
        return render_template("supervision/reassign/index.html", **context)
    show_closed = request.values.get("clos") == "1"
    everyone = source_participants(source)
    listed = everyone if show_closed else [p for p in everyone if is_active(p)]
    closed = sum(1 for p in everyone if not is_active(p))
    context |= {"listed": listed, "closed": closed, "show_closed": show_closed,
                "statuses": PATHWAY_STATUSES}
    action = request.form.get("action", "preview")
    if request.method == "GET":
        form.source.data = str(source.id)
        audit.record("reassign.view", target=source, shown=len(listed))
        db.session.commit()
        return render_template("supervision/reassign/index.html", **context)
    if action in ("select_all", "select_none"):
        form.participants.data = [p.public_id for p in listed] if action == "select_all" else []
        return render_template("supervision/reassign/index.html", **context)
    if action == "edit" or not form.validate_on_submit():
        return render_template("supervision/reassign/index.html", **context), (
            200 if action == "edit" else 400)
    target = next(user for user in targets if user.id == form.target.data)
    chosen = participants_by_id(form.participants.data)
    if action == "confirm":
        return move(form, source, target, chosen)
    moving = [p for p in chosen if p.referent_id == source.id]
    after = counts.get(target.id, 0) + len(moving)
    return render_template(
        "supervision/reassign/confirm.html", form=form, source=source, target=target,
        moving=moving, stale=[p for p in chosen if p.referent_id != source.id],
        before=counts.get(target.id, 0), after=after,
        over=after > target.caseload_ceiling,
    )


def participants_by_id(public_ids: list[str]) -> list[Participant]:
    """The participants named by the form, by name, with their assignment history."""
    if not public_ids:
        return []
    return list(db.session.scalars(
        sa.select(Participant)
        .where(Participant.public_id.in_(public_ids))
        .options(selectinload(Participant.assignments), selectinload(Participant.pathways))
        .order_by(Participant.name_key, Participant.id)
    ))


def move(form: ReassignForm, source: User, target: User, chosen: list[Participant]):
    """Move the checked participants still with the source; say which were skipped."""
    reason = form.reason.data.strip()
    moved, skipped = [], []
    for participant in chosen:
        if participant.referent_id != source.id:
            skipped.append(participant)
            continue
        reassign(participant, target.id, reason=reason, bulk=True)
        moved.append(participant)
    missing = len(form.participants.data) - len(chosen)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        flash("Un dossier a été modifié pendant la réaffectation : rien n'a été déplacé. "
              "Vérifiez la liste puis recommencez.", "danger")
        return redirect(url_for("reassign.index", referent=source.id))
    if moved:
        audit.record("reassign.bulk", target=target, source=source.id, moved=len(moved),
                     skipped=len(skipped) + missing, reason=reason)
    db.session.commit()
    if moved:
        flash(f"{len(moved)} participant{'s' if len(moved) > 1 else ''} "
              f"confié{'s' if len(moved) > 1 else ''} à {target.full_name}.", "success")
    if skipped or missing:
        names = ", ".join(p.full_name for p in skipped)
        flash(f"Non déplacé{'s' if len(skipped) + missing > 1 else ''}, car déjà "
              f"réaffecté{'s' if len(skipped) + missing > 1 else ''} entre-temps ou "
              f"introuvable{'s' if len(skipped) + missing > 1 else ''} : "
              f"{names or str(missing) + ' dossier(s)'}.", "warning")
    caseload = caseload_counts().get(target.id, 0)
    if moved and caseload > target.caseload_ceiling:
        flash(f"{target.full_name} suit désormais {caseload} participants, au-delà de "
              f"son plafond de {target.caseload_ceiling}.", "warning")
    return redirect(url_for("reassign.index", referent=source.id))
