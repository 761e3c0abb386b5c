"""Filters of the audit log."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Length, Optional, ValidationError

from app.audit import ACTION_LABELS
from app.forms import StrippedStringField


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
    target = StrippedStringField("Identifiant du dossier", validators=[Optional(), Length(max=64)])
    start = DateField("Du", validators=[Optional()])
    end = DateField("Au", validators=[Optional()])

    def validate_end(self, field):
        """The end of the period cannot come before its start."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("La date de fin précède la date de début.")
