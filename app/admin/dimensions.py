"""Admin pages of the assessment grid: its dimensions and what each level 1 to 4 means.

A dimension's code never changes once created (scores refer to it). Hiding a dimension takes
it out of new grids; the grids that scored it keep their score and still show it.
"""

import hashlib

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from app import audit
from app.extensions import db
from app.forms import StrippedStringField, no_control_characters
from app.models import AssessmentDimension, Role
from app.permissions import roles_required

bp = Blueprint("dimensions", __name__, url_prefix="/admin/grille")

FIELDS = ("label", "position", "active", "level_1", "level_2", "level_3", "level_4")
LEVEL_HINTS = {1: "le plus loin de l'emploi sur ce point", 2: "des progrès, encore fragiles",
               3: "un obstacle qui se lève", 4: "plus d'obstacle"}


def level_field(level: int) -> StrippedStringField:
    """The descriptor of one level, required so that every radio button says what it means."""
    return StrippedStringField(
        f"Niveau {level} ({LEVEL_HINTS[level]})",
        validators=[DataRequired(f"Décrivez le niveau {level}."),
                    Length(max=300, message="300 caractères au plus."), no_control_characters],
    )


class DimensionForm(FlaskForm):
    """Code (on creation only), label, order, whether it is in new grids, the four levels."""

    code = StrippedStringField(
        "Code",
        validators=[DataRequired("Saisissez un code."),
                    Length(max=30, message="30 caractères au plus."),
                    Regexp(r"^[A-Z0-9_]+$", message="Majuscules, chiffres et _ uniquement.")],
        filters=[lambda value: value.upper() if isinstance(value, str) else value],
        description="Identifiant stable de la dimension (par exemple MOBILITE) ; il ne "
                    "change plus une fois créé.",
    )
    label = StrippedStringField(
        "Libellé", validators=[DataRequired("Saisissez un libellé."),
                               Length(max=200, message="200 caractères au plus."),
                               no_control_characters]
    )
    position = IntegerField(
        "Ordre d'affichage", default=0,
        validators=[InputRequired("Indiquez un ordre."),
                    NumberRange(0, 999, "L'ordre va de 0 à 999.")],
    )
    active = BooleanField("Proposée dans les nouvelles grilles", default=True)
    level_1 = level_field(1)
    level_2 = level_field(2)
    level_3 = level_field(3)
    level_4 = level_field(4)
    fingerprint = HiddenField()


def fingerprint(dimension: AssessmentDimension) -> str:
    """A digest of the editable fields, to notice a colleague's change in between."""
    values = "\x1f".join(str(getattr(dimension, name)) for name in FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:16]


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """The dimensions in display order, with their four levels."""
    rows = db.session.scalars(sa.select(AssessmentDimension).order_by(
        AssessmentDimension.position, AssessmentDimension.code)).all()
    return render_template("admin/dimensions.html", rows=rows)


@bp.route("/nouvelle", methods=["GET", "POST"])
@bp.route("/<code>/modifier", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit(code=None):
    """Add a dimension, or reword, reorder or hide one."""
    dimension = None
    if code is not None:
        dimension = db.session.scalar(sa.select(AssessmentDimension).where(
            AssessmentDimension.code == code)) or abort(404)
    form = DimensionForm(obj=dimension)
    if dimension is not None:
        # The code is what scores refer to: it never changes once created.
        form.code.data = dimension.code
        if request.method == "GET":
            form.fingerprint.data = fingerprint(dimension)
    elif request.method == "GET":
        form.position.data = next_position()
    if form.validate_on_submit() and no_conflict(form, dimension):
        creating = dimension is None
        dimension = dimension or AssessmentDimension(code=form.code.data)
        changed = [name for name in FIELDS if getattr(dimension, name) != form[name].data]
        for name in FIELDS:
            setattr(dimension, name, form[name].data)
        db.session.add(dimension)
        audit.record("dimension.create" if creating else "dimension.update",
                     code=dimension.code, fields=changed)
        db.session.commit()
        flash(f"La dimension « {dimension.label} » est enregistrée.", "success")
        return redirect(url_for("dimensions.index"))
    status = 400 if form.errors else 200
    return render_template("admin/dimension_form.html", form=form, dimension=dimension), status


def next_position() -> int:
    """After the last dimension."""
    last = db.session.scalar(sa.select(sa.func.max(AssessmentDimension.position)))
    return min((last or 0) + 1, 999)


def no_conflict(form: DimensionForm, dimension: AssessmentDimension | None) -> bool:
    """A new code must be free; an edit must start from the saved version. Else say why."""
    if dimension is None:
        taken = db.session.scalar(sa.select(AssessmentDimension.id).where(
            AssessmentDimension.code == form.code.data))
        if taken is not None:
            form.code.errors.append("Ce code existe déjà.")
            return False
        return True
    if form.fingerprint.data != fingerprint(dimension):
        form.form_errors.append("Cette dimension a été modifiée entre-temps par un(e) autre "
                                "administrateur(rice) : vérifiez les valeurs enregistrées, "
                                "reprenez votre saisie puis enregistrez à nouveau.")
        form.fingerprint.data = fingerprint(dimension)
        return False
    return True
