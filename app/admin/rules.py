"""Admin page of the PLIE's rule parameters: values in force, their history, and changes."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.clock import paris_today
from app.domain.rules import (
    PARAMETER_SPECS,
    SPECS_BY_KEY,
    as_values,
    changes_in_force,
    default_value,
    format_number,
)
from app.extensions import db
from app.forms import FrenchDecimalField, add_problems, no_control_characters
from app.models import Role, RuleParameter
from app.permissions import roles_required
from app.progress.parameters import (
    cached_history,
    change_problems,
    parameters_for,
    save_changes,
)
from app.web import date_fr, requested_page

bp = Blueprint("rules", __name__, url_prefix="/admin/regles")

HISTORY_PER_PAGE = 25
LATEST_START = date(2099, 12, 31)
# Spaces a French number may hold: "1 000", typed or pasted with a (narrow) no-break space.
SPACES = str.maketrans("", "", " \u00a0\u202f")


class RuleValueField(FrenchDecimalField):
    """A required rule value: French comma and spaces accepted, shown back the French way."""

    def process_formdata(self, valuelist):
        """Leave a blank to InputRequired; refuse anything that is not a number, in French."""
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].translate(SPACES)]
            if not valuelist[0]:
                self.data = None
                return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            self.data = None
            raise ValueError("Saisissez un nombre, par exemple 17,5.") from error
        if self.data is not None and self.data.is_zero():
            self.data = Decimal(0)  # "-0" is zero

    def _value(self):
        """The typed text after an error, else the value with a decimal comma."""
        if self.raw_data:
            return self.raw_data[0]
        return format_number(Decimal(self.data)) if self.data is not None else ""


def one_year_before(day: date) -> date:
    """The same date a year earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def plausible_start(_form, field):
    """Refuse a change applying more than a year back (past evaluations would all move) or a
    date typed with a wrong year."""
    if field.data is None:
        return
    if field.data < one_year_before(paris_today()):
        raise ValidationError("La date d'application ne peut pas remonter à plus d'un an.")
    if field.data > LATEST_START:
        raise ValidationError("Vérifiez l'année : la date d'application est trop lointaine.")


class RulesForm(FlaskForm):
    """Every rule value at once, the date they apply from, and why they change."""

    effective_from = DateField(
        "Applicable à partir du",
        validators=[InputRequired("Indiquez la date à partir de laquelle les valeurs "
                                  "s'appliquent."), plausible_start],
    )
    comment = TextAreaField(
        "Commentaire",
        validators=[Optional(), Length(max=500, message="500 caractères au plus."),
                    no_control_characters],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description="Par exemple : décision du comité de pilotage du 12 mars.",
    )


for _spec in PARAMETER_SPECS:
    setattr(RulesForm, _spec.key, RuleValueField(
        _spec.label, places=None, validators=[InputRequired("Indiquez une valeur.")]))


def parameter_groups(form: RulesForm, today: date) -> list[tuple[str, list[dict]]]:
    """The parameters grouped as the specs group them, each with its values and form field."""
    in_force = as_values(parameters_for(today))
    since = changes_in_force(cached_history(), today)
    groups: dict[str, list[dict]] = {}
    for spec in PARAMETER_SPECS:
        change = since.get(spec.key)
        groups.setdefault(spec.group, []).append({
            "spec": spec,
            "field": form[spec.key],
            "value": format_number(in_force[spec.key]),
            "default": format_number(default_value(spec.key)),
            "since": change.effective_from if change else None,
            "is_default": in_force[spec.key] == default_value(spec.key),
        })
    return list(groups.items())


def history_page():
    """A page of the stored changes, the latest date first, with who made them."""
    query = (
        sa.select(RuleParameter)
        .options(sa.orm.joinedload(RuleParameter.created_by))
        .order_by(RuleParameter.effective_from.desc(), RuleParameter.created_at.desc(),
                  RuleParameter.id.desc())
    )
    return db.paginate(query, page=requested_page(), per_page=HISTORY_PER_PAGE,
                       error_out=False)


def edited_values(form: RulesForm, today: date) -> dict[str, Decimal]:
    """The values the admin changed on the form (it shows today's values)."""
    shown = as_values(parameters_for(today))
    return {spec.key: form[spec.key].data for spec in PARAMETER_SPECS
            if form[spec.key].data != shown[spec.key]}


def saved_message(count: int, effective_from: date) -> str:
    """The French confirmation after a save."""
    if count == 0:
        return "Aucune valeur n'a changé : rien n'a été enregistré."
    what = ("1 valeur modifiée" if count == 1 else f"{count} valeurs modifiées")
    these = "cette valeur" if count == 1 else "ces valeurs"
    return (f"{what} : les évaluations des parcours (jalons, emploi durable, alertes) "
            f"utilisent désormais {these} à partir du {date_fr(effective_from)}.")


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    """Show the values in force and their history; save the changed values from a date."""
    today = paris_today()
    form = RulesForm(data={"effective_from": today, **as_values(parameters_for(today))})
    if form.validate_on_submit():
        edited = edited_values(form, today)
        if not add_problems(form, change_problems(edited, form.effective_from.data)):
            try:
                changed = save_changes(edited, form.effective_from.data,
                                       form.comment.data or "", current_user)
            except ValueError:
                # Another admin's change, saved meanwhile, makes these values contradict.
                db.session.rollback()
                form.form_errors.append("Les règles ont été modifiées entre-temps : vérifiez "
                                        "les valeurs puis enregistrez à nouveau.")
            else:
                db.session.commit()
                flash(saved_message(len(changed), form.effective_from.data),
                      "success" if changed else "info")
                return redirect(url_for("rules.index"))
    return render_template(
        "admin/rules.html", form=form, groups=parameter_groups(form, today),
        history=history_page(), specs=SPECS_BY_KEY, format_number=format_number,
    ), (400 if form.errors else 200)
