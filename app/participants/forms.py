"""The participant identity and contact form."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from app.clock import paris_today
from app.domain.catalogue import EDUCATION_LEVELS, LABOUR_STATUSES
from app.domain.people import age_on
from app.forms import MultiCheckboxField, StrippedStringField, no_control_characters

MIN_AGE = 16
MAX_AGE = 99
# SelectChoice, not tuples: WTForms 3.3 deprecates tuple choices (3.4 drops them).
SEX_CHOICES = [SelectChoice("", "— Choisir —"), SelectChoice("F", "Femme"),
               SelectChoice("M", "Homme"), SelectChoice("X", "Non-binaire")]


class ParticipantForm(FlaskForm):
    """Identity and contact of a participant."""

    last_name = StrippedStringField(
        "Nom",
        validators=[DataRequired("Saisissez le nom."), Length(max=100), no_control_characters],
    )
    first_name = StrippedStringField(
        "Prénom",
        validators=[DataRequired("Saisissez le prénom."), Length(max=100), no_control_characters],
    )
    sex = SelectField("Sexe", choices=SEX_CHOICES, validate_choice=True, default="")
    birth_date = DateField(
        "Date de naissance",
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    phone = StrippedStringField(
        "Téléphone",
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9 .\-()]{6,20}$", message="Numéro de téléphone invalide."),
        ],
    )
    email = EmailField(
        "Adresse e-mail",
        validators=[Optional(), Length(max=254), Email("Adresse e-mail invalide.")],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    address = StrippedStringField(
        "Adresse", validators=[Optional(), Length(max=250), no_control_characters]
    )
    postcode = StrippedStringField(
        "Code postal",
        validators=[Optional(), Regexp(r"^[0-9]{5}$", message="Le code postal compte 5 chiffres.")],
    )
    city = StrippedStringField(
        "Commune", validators=[Optional(), Length(max=120), no_control_characters]
    )
    qpv = BooleanField("Réside dans un quartier prioritaire (QPV)")
    rural = BooleanField("Réside en zone rurale (ZRR)")
    france_travail_id = StrippedStringField(
        "Identifiant France Travail",
        filters=[lambda value: value.upper().replace(" ", "") if isinstance(value, str) else value],
        validators=[Optional(), Regexp(r"^[0-9A-Z]{7,11}$",
                                       message="Identifiant France Travail : 7 à 11 chiffres "
                                               "ou lettres, sans espace.")],
    )
    education_level = SelectField(
        "Niveau de formation",
        choices={"": "— Non renseigné —",
                 **{code: label for code, (label, _isced) in EDUCATION_LEVELS.items()}},
        default="",
    )
    labour_status = SelectField(
        "Situation sur le marché du travail à l'entrée",
        choices={"": "— Non renseignée —", **LABOUR_STATUSES}, default="",
    )
    unemployed_since = DateField("Sans emploi depuis le", validators=[Optional()])
    in_education = BooleanField("Suit des études ou une formation à l'entrée")
    rqth = BooleanField("Reconnaissance de la qualité de travailleur handicapé (RQTH)")
    criteria = MultiCheckboxField("Critères d'éligibilité", coerce=int)
    referent_id = SelectField("Référent(e) de parcours", coerce=int, validate_choice=True)
    version = HiddenField()

    def validate_unemployed_since(self, field):
        """The start of unemployment is in the past and goes with the 'unemployed' status."""
        if field.data is None:
            return
        if field.data > paris_today():
            raise ValidationError("Cette date est dans le futur.")
        if self.labour_status.data != "unemployed":
            raise ValidationError("Cette date ne concerne qu'une personne sans emploi.")
        if self.birth_date.data and age_on(self.birth_date.data, field.data) < 14:
            raise ValidationError("Cette date précède les 14 ans de la personne.")

    def validate_birth_date(self, field):
        """Refuse birth dates that make the person younger than 16 or older than 99."""
        if field.data is None:
            return
        age = age_on(field.data, paris_today())
        if age < MIN_AGE or age > MAX_AGE:
            raise ValidationError(
                f"Cette date de naissance donne un âge de {age} ans : vérifiez-la "
                f"(le PLIE accompagne des personnes de {MIN_AGE} à {MAX_AGE} ans)."
            )


class SearchForm(FlaskForm):
    """Search the participants list."""

    class Meta:
        csrf = False

    q = StrippedStringField("Rechercher", validators=[Optional(), Length(max=100),
                                                      no_control_characters])
    page = IntegerField(validators=[Optional()])
