"""Filters of the audit log."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Length, Optional, ValidationError

from app.audit import ACTION_LABELS
from app.forms import StrippedStringField, no_control_characters

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def plausible_day(_form, field):
    """Refuse days the log cannot hold (year 1 or 9999 would also overflow once in UTC)."""
    if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError("Indiquez une date entre le 1er janvier 2000 et le 31 décembre 2099.")


class AuditFilterForm(FlaskForm):
    """Who, what, which record, and between which dates."""

    class Meta:
        csrf = False

    user_id = SelectField("Utilisateur", coerce=int, validators=[Optional()], default=0)
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Toutes")] + [
            SelectChoice(action, label)
            for action, label in sorted(ACTION_LABELS.items(), key=lambda item: item[1])
        ],
        validators=[Optional()],
        default="",
    )
    target = StrippedStringField("Identifiant du dossier",
                                 validators=[Optional(), Length(max=64), no_control_characters])
    start = DateField("Du", validators=[Optional(), plausible_day])
    end = DateField("Au", validators=[Optional(), plausible_day])

    def validate_end(self, field):
        """The end of the period cannot come before its start."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("La date de fin précède la date de début.")
