"""Forms of the barriers (freins périphériques): add or edit, mark as lifted, delete."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.domain.catalogue import BARRIER_SEVERITIES, BARRIER_THEMES
from app.forms import MultiCheckboxField, no_control_characters

SITUATION_HELP = (
    "Restez factuel(le) : le participant peut demander à lire son dossier. Pour un frein de "
    "santé, notez seulement ce qui sert l'accompagnement : seul(e) le/la référent(e) du "
    "participant pourra lire ce détail."
)
LIFTED_HELP = "Indiquer une date de levée passe automatiquement la sévérité à 0 (levé)."
SEVERITY_MESSAGE = "Choisissez une sévérité de 0 (levé) à 3 (bloquant)."
NO_STEP_HELP = "Aucune étape n'est encore enregistrée dans ce parcours."


def clean_text(value):
    """Trim a note and use plain line breaks, as browsers send a textarea with CRLF."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def severity_level(value):
    """A severity level as an int, or None when the text is no number (refused later)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SeverityField(SelectField):
    """The severity select, with one plain French message for any value outside 0–3."""

    def pre_validate(self, form):
        """Refuse anything but the listed levels."""
        if self.data not in BARRIER_SEVERITIES:
            raise ValidationError(SEVERITY_MESSAGE)


class BarrierForm(FlaskForm):
    """A barrier: theme, situation, severity, when identified and lifted, steps addressing it."""

    theme = SelectField(
        "Thème", choices={"": "— Choisir —", **BARRIER_THEMES},
        validators=[DataRequired("Choisissez le thème du frein.")],
    )
    situation = TextAreaField(
        "Situation", filters=[clean_text],
        validators=[Optional(), Length(max=5000), no_control_characters],
        description=SITUATION_HELP,
    )
    severity = SeverityField(
        "Sévérité", coerce=severity_level, default=2,
        choices={level: f"{level} — {label}" for level, label in BARRIER_SEVERITIES.items()},
        validators=[InputRequired(SEVERITY_MESSAGE)],
    )
    identified_on = DateField(
        "Identifié le", validators=[DataRequired("Indiquez la date d'identification.")]
    )
    lifted_on = DateField("Levé le", validators=[Optional()], description=LIFTED_HELP)
    step_ids = MultiCheckboxField("Étapes qui y répondent", choices={})
    version = HiddenField()


class VersionForm(FlaskForm):
    """A one-button action on a barrier (mark as lifted, delete), checked against its version."""

    version = HiddenField()
