"""Admin pages for the editable reference lists: eligibility criteria and step types."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from app import audit
from app.extensions import db
from app.forms import StrippedStringField, no_control_characters
from app.models import EligibilityCriterion, Role, StepType
from app.permissions import roles_required

bp = Blueprint("reference", __name__, url_prefix="/admin/listes")

# Step type codes carry rules in app/domain: an admin renames or hides them, never invents one.
LISTS = {
    "criteres": (EligibilityCriterion, "Critères d'éligibilité", True),
    "etapes": (StepType, "Types d'étapes", False),
}


class ReferenceItemForm(FlaskForm):
    """Label, order and whether the item is offered in forms."""

    code = StrippedStringField(
        "Code",
        validators=[DataRequired("Saisissez un code."), Length(max=30),
                    Regexp(r"^[A-Z0-9_]+$", message="Majuscules, chiffres et _ uniquement.")],
        filters=[lambda value: value.upper() if isinstance(value, str) else value],
    )
    label = StrippedStringField(
        "Libellé", validators=[DataRequired("Saisissez un libellé."), Length(max=200),
                               no_control_characters]
    )
    position = IntegerField(
        "Ordre d'affichage", default=0,
        validators=[InputRequired("Indiquez un ordre."),
                    NumberRange(0, 999, "L'ordre va de 0 à 999.")],
    )
    active = BooleanField("Proposé dans les formulaires", default=True)
    original_label = HiddenField()


def list_or_404(kind: str):
    """The model, title and whether items can be added, for a list's URL name."""
    if kind not in LISTS:
        abort(404)
    return LISTS[kind]


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Both lists, each in display order."""
    lists = []
    for kind, (model, title, can_add) in LISTS.items():
        rows = db.session.scalars(sa.select(model).order_by(model.position, model.code)).all()
        lists.append((kind, title, can_add, rows))
    return render_template("admin/reference.html", lists=lists)


@bp.route("/<kind>/nouveau", methods=["GET", "POST"])
@bp.route("/<kind>/<code>/modifier", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(kind, code=None):
    """Add an eligibility criterion, or rename, reorder or hide an item of either list."""
    model, title, can_add = list_or_404(kind)
    item = None
    if code is not None:
        item = db.session.scalar(sa.select(model).where(model.code == code)) or abort(404)
    elif not can_add:
        abort(404)
    form = ReferenceItemForm(obj=item)
    if item is not None:
        # The code is what data and rules refer to: it never changes once created.
        form.code.data = item.code
    if request.method == "GET" and item is not None:
        form.original_label.data = item.label
    if form.validate_on_submit():
        if item is not None and form.original_label.data != item.label:
            form.label.errors.append("Ce libellé a été modifié entre-temps : vérifiez-le puis "
                                     "enregistrez à nouveau.")
            form.original_label.data = item.label
        elif item is None and db.session.scalar(sa.select(model).where(
                model.code == form.code.data)) is not None:
            form.code.errors.append("Ce code existe déjà.")
        else:
            creating = item is None
            item = item or model(code=form.code.data)
            item.label, item.position, item.active = (form.label.data, form.position.data,
                                                      form.active.data)
            db.session.add(item)
            audit.record("reference.create" if creating else "reference.update",
                         list=kind, code=item.code)
            db.session.commit()
            flash(f"« {item.label} » est enregistré.", "success")
            return redirect(url_for("reference.index"))
    status = 400 if form.errors else 200
    return render_template("admin/reference_form.html", form=form, item=item, title=title,
                           kind=kind), status
