"""The period and scope of the FSE+ reports."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from app.supervision.forms import plausible_day


class ReportFilterForm(FlaskForm):
    """A year (the default) or two dates, and whose participants."""

    class Meta:
        csrf = False

    annee = SelectField("Année", coerce=int, validators=[Optional()])
    du = DateField("Ou du", validators=[Optional(), plausible_day])
    au = DateField("au", validators=[Optional(), plausible_day])
    perimetre = SelectField("Périmètre", default="plie", validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """Both dates or neither, in order (checked here: Optional stops a blank field's own)."""
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if bool(self.au.data) != bool(self.du.data):
            self.au.errors = ["Indiquez les deux dates de la période, ou aucune."]
            return False
        if self.au.data and self.au.data < self.du.data:
            self.au.errors = ["La fin de la période précède son début."]
            return False
        return True


class ScopeForm(FlaskForm):
    """Whose files to list (the files to complete)."""

    class Meta:
        csrf = False

    perimetre = SelectField("Périmètre", default="plie", validators=[Optional()])
