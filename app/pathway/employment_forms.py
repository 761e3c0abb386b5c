"""Forms of employment episodes (contracts) and of their intérim missions."""

from decimal import Decimal

from flask_wtf import FlaskForm
from stdnum.fr import siret
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.domain.catalogue import CONTRACT_TYPES
from app.forms import FrenchDecimalField, StrippedStringField, no_control_characters, valid_siret

# Numeric(6, 1) holds up to 99 999,9 hours; far above any real mission, far below an overflow.
MAX_MISSION_HOURS = 9999


def decimal_places(value: Decimal) -> int:
    """How many significant decimals a number has (17,50 has one)."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    # Trailing zeros after the decimal point change nothing.
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exponent = digits[:-1], exponent + 1
    return -exponent if exponent < 0 else 0


def one_decimal_place(_form, field):
    """Refuse more than one decimal (the database keeps tenths of an hour)."""
    # The columns are Numeric(…, 1): 17,25 would otherwise be silently rounded.
    if field.data is not None and decimal_places(field.data) > 1:
        raise ValidationError("Indiquez au plus une décimale (ex. 17,5).")


def compact_siret(_form, field):
    """Keep the 14 digits only, whatever separators were typed (e.g. 732.829.320.00074)."""
    if field.data:
        field.data = siret.compact(field.data)


def upper_rome(_form, field):
    """Store ROME codes in capitals, as France Travail writes them (k2204 → K2204)."""
    field.data = (field.data or "").upper()


class EmploymentForm(FlaskForm):
    """An employment episode: a contract, or the frame of a series of intérim missions."""

    contract_type = SelectField(
        "Type de contrat", choices={"": "— Choisir —", **CONTRACT_TYPES},
        validators=[DataRequired("Choisissez le type de contrat.")],
    )
    employer = StrippedStringField(
        "Employeur (ou agence d'intérim)",
        validators=[DataRequired("Indiquez l'employeur."), Length(max=200),
                    no_control_characters],
    )
    siret = StrippedStringField(
        "SIRET de l'employeur", validators=[Optional(), no_control_characters, valid_siret,
                                            compact_siret],
        description="Facultatif : 14 chiffres, espaces admis.",
    )
    job_title = StrippedStringField(
        "Poste occupé", validators=[Optional(), Length(max=200), no_control_characters],
    )
    rome_code = StrippedStringField(
        "Code ROME", validators=[Optional(), Length(max=5, message="Code ROME invalide : une "
                                                    "lettre puis quatre chiffres (ex. K2204)."),
                                 no_control_characters, upper_rome],
        description="Facultatif, ex. K2204.",
    )
    start_date = DateField("Date de début",
                           validators=[DataRequired("Indiquez la date de début.")])
    planned_end = DateField(
        "Date de fin prévue", validators=[Optional()],
        description="Obligatoire pour un contrat à durée déterminée ; vide pour un CDI.",
    )
    actual_end = DateField("Date de fin effective", validators=[Optional()],
                           description="À remplir quand le contrat a pris fin.")
    weekly_hours = FrenchDecimalField(
        "Durée hebdomadaire (heures)", places=1, validators=[Optional(), one_decimal_place],
        description="Ex. 35 ou 17,5 ; 48 heures au plus.",
    )
    version = HiddenField()


EMPLOYMENT_FIELDS = ("contract_type", "employer", "siret", "job_title", "rome_code",
                     "start_date", "planned_end", "actual_end", "weekly_hours")
EMPLOYMENT_SECTIONS = [
    ("Contrat", ("contract_type", "employer", "siret", "job_title", "rome_code")),
    ("Dates et durée", ("start_date", "planned_end", "actual_end", "weekly_hours")),
]


class MissionForm(FlaskForm):
    """One intérim mission of an episode."""

    start_date = DateField("Début de la mission",
                           validators=[DataRequired("Indiquez le début de la mission.")])
    end_date = DateField("Fin de la mission",
                         validators=[DataRequired("Indiquez la fin de la mission.")])
    hours = FrenchDecimalField(
        "Heures travaillées", places=1,
        validators=[InputRequired("Indiquez le nombre d'heures travaillées."),
                    NumberRange(max=MAX_MISSION_HOURS,
                                message=f"{MAX_MISSION_HOURS} heures au plus par mission."),
                    one_decimal_place],
        description="Ex. 70 ou 35,5.",
    )
    employer = StrippedStringField(
        "Entreprise utilisatrice ou agence", validators=[Optional(), Length(max=200),
                                                         no_control_characters],
        description="Facultatif.",
    )


MISSION_FIELDS = ("start_date", "end_date", "hours", "employer")


class ConfirmForm(FlaskForm):
    """A deletion confirmed on its own page (the CSRF token is all it carries)."""


class ConfirmVersionForm(ConfirmForm):
    """A confirmed deletion of a versioned record: the version catches a colleague's edit."""

    version = HiddenField()
