"""Forms of the administration pages: users and structures."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectChoice, SelectField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from app.forms import StrippedStringField, no_control_characters
from app.models.user import ROLE_LABELS

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
PHONE = Regexp(r"^\+?[0-9 .\-()]{6,20}$", message="Numéro de téléphone invalide.")


class UserForm(FlaskForm):
    """An account's identity, role, structure and caseload ceiling."""

    email = EmailField(
        "Adresse e-mail",
        validators=[DataRequired("Saisissez l'adresse e-mail."), Length(max=254),
                    Email("Adresse e-mail invalide.")],
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
    )
    first_name = StrippedStringField(
        "Prénom", validators=[DataRequired("Saisissez le prénom."), Length(max=100),
                              no_control_characters]
    )
    last_name = StrippedStringField(
        "Nom", validators=[DataRequired("Saisissez le nom."), Length(max=100),
                           no_control_characters]
    )
    phone = StrippedStringField("Téléphone professionnel", validators=[Optional(), PHONE])
    role = SelectField("Rôle", choices=ROLE_CHOICES, validate_choice=True)
    structure_id = SelectField("Structure", coerce=int, validate_choice=True)
    caseload_ceiling = IntegerField(
        "Plafond de portefeuille",
        default=70,
        validators=[
            # InputRequired, not DataRequired: a typed 0 must get the range message below.
            InputRequired("Indiquez un plafond (nombre de participants actifs)."),
            NumberRange(1, 500, "Le plafond doit être compris entre 1 et 500 participants."),
        ],
    )
    version = HiddenField()


class StructureForm(FlaskForm):
    """A partner structure."""

    name = StrippedStringField(
        "Nom", validators=[DataRequired("Saisissez le nom de la structure."), Length(max=200),
                           no_control_characters]
    )
    city = StrippedStringField("Commune", validators=[Optional(), Length(max=120),
                                                      no_control_characters])
    phone = StrippedStringField("Téléphone", validators=[Optional(), PHONE])
    active = BooleanField("Structure active", default=True)


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token, to confirm a sensitive action."""
