"""The step form: common fields, then the fields specific to each step type."""

import re
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.domain.catalogue import PMSMP_AIMS, SIAE_KINDS, STEP_STATUSES
from app.forms import (
    FrenchDecimalField,
    MultiCheckboxField,
    StrippedStringField,
    no_control_characters,
    valid_siret,
)

NOTE_HELP = ("Restez factuel(le) : le participant peut demander à lire son dossier. "
             "Ne notez aucun détail de santé ici.")
# Rules add months to these dates: keep them in a range where calendar arithmetic cannot
# overflow (year 9999) and typing slips (year 202) are caught.
EARLIEST_DATE = date(1950, 1, 1)
LATEST_DATE = date(2099, 12, 31)
RNCP_CODE = re.compile(r"^(RNCP)?[0-9]{1,6}$")

COMMON_FIELDS = ("type_code", "status", "planned_start", "planned_end", "actual_start",
                 "actual_end", "provider", "outcome")

# Type-specific fields, grouped as the form shows them: (title, step types, field names).
# A field belongs to one group only, so that it appears once in the form.
SPECIFIC_GROUPS = (
    ("Thèmes abordés", ("ACC",), ("themes",)),
    ("Assiduité", ("REMOB",), ("attendance_rate",)),
    ("Freins travaillés", ("SOC",), ("barrier_ids",)),
    ("Projet professionnel", ("PROJ",), ("target_jobs", "rome_code")),
    ("Immersion en entreprise", ("PMSMP",), ("host_company", "pmsmp_aim")),
    ("Certification", ("FORM_Q",), ("certification", "rncp_code", "certification_obtained")),
    ("Clause sociale", ("CLAUSE",), ("operation", "company")),
    ("Volume horaire", ("FORM_PQ", "FORM_Q", "CLAUSE"), ("hours",)),
    ("Structure d'insertion et PASS IAE", ("IAE",), ("siae_kind", "pass_iae_end")),
    ("Durée hebdomadaire", ("IAE", "PEC"), ("weekly_hours",)),
    ("Emploi lié", ("EMPLOI", "SUIVI_EMP"), ("employment",)),
    ("Création d'activité", ("CREA",), ("legal_form", "siret")),
)
SPECIFIC_FIELDS = tuple(name for _, _, names in SPECIFIC_GROUPS for name in names)
ALL_FIELDS = COMMON_FIELDS + SPECIFIC_FIELDS
# What a specific field holds once cleared, because it does not apply to the step's type.
EMPTY_VALUES = {
    "attendance_rate": None,
    "barrier_ids": [],
    "hours": None,
    "certification_obtained": None,
    "pass_iae_end": None,
    "weekly_hours": None,
}


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates tuple choices)."""
    return [SelectChoice(value, label) for value, label in pairs]


def fields_of_type(type_code: str) -> set[str]:
    """The specific fields that apply to a step type."""
    return {name for _, codes, names in SPECIFIC_GROUPS if type_code in codes for name in names}


def empty_value(name: str):
    """The value of a specific field once cleared."""
    return list(EMPTY_VALUES[name]) if name == "barrier_ids" else EMPTY_VALUES.get(name, "")


def plausible_date(_form, field):
    """Refuse dates outside 1950–2099 (typing slips, and calendar overflow in the rules)."""
    if field.data and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError("Date invalide : indiquez une année entre 1950 et 2099.")


def upper_code(value):
    """Codes are stored in capitals without spaces (ROME, RNCP)."""
    return value.replace(" ", "").upper() if isinstance(value, str) else value


def valid_rncp(_form, field):
    """An RNCP code is 'RNCP' followed by digits (the prefix may be omitted)."""
    if field.data and not RNCP_CODE.match(field.data):
        raise ValidationError("Code RNCP invalide : « RNCP » suivi de chiffres (ex. RNCP34567).")


def optional_bool(value):
    """Coerce a yes / no / unknown choice to True, False or None."""
    if value is None or value == "" or value == "None":
        return None
    if value is True or value in ("True", "1"):
        return True
    if value is False or value in ("False", "0"):
        return False
    raise ValueError("Choix invalide.")


def text(label: str, max_length: int, **kwargs) -> StrippedStringField:
    """An optional one-line text field of bounded length, without control characters."""
    return StrippedStringField(
        label, validators=[Optional(), Length(max=max_length), no_control_characters], **kwargs
    )


def day(label: str) -> DateField:
    """An optional date within the plausible range."""
    return DateField(label, validators=[Optional(), plausible_date])


class StepForm(FlaskForm):
    """A pathway step; the type-specific fields not relevant to the chosen type are ignored."""

    type_code = SelectField("Type d'étape", choices=[],
                            validators=[DataRequired("Choisissez le type d'étape.")])
    status = SelectField("Statut", choices=options(STEP_STATUSES.items()), default="prevue")
    planned_start = day("Début prévu")
    planned_end = day("Fin prévue")
    actual_start = day("Début réel")
    actual_end = day("Fin réelle")
    provider = text("Prestataire / organisme (structure ou texte libre)", 200)
    outcome = TextAreaField(
        "Bilan, résultat (pour un suivi dans l'emploi : les contacts pris)",
        validators=[Optional(), Length(max=5000), no_control_characters],
        description=NOTE_HELP,
    )
    themes = TextAreaField("Thèmes abordés lors du diagnostic",
                           validators=[Optional(), Length(max=2000), no_control_characters])
    attendance_rate = IntegerField(
        "Taux d'assiduité (%)",
        validators=[Optional(), NumberRange(0, 100, "Indiquez un pourcentage entre 0 et 100.")],
    )
    barrier_ids = MultiCheckboxField("Freins travaillés pendant l'étape", choices=[],
                                     validators=[Optional()])
    target_jobs = text("Métier(s) visé(s)", 300)
    rome_code = text("Code ROME (facultatif)", 5, filters=[upper_code],
                     description="Une lettre puis quatre chiffres, par exemple K2204.")
    host_company = text("Entreprise d'accueil", 200)
    pmsmp_aim = SelectField("Objectif de l'immersion (un seul)",
                            choices=options([("", "— Choisir —"), *PMSMP_AIMS.items()]),
                            default="")
    certification = text("Certification préparée", 200)
    rncp_code = StrippedStringField(
        "Code RNCP (facultatif)", filters=[upper_code],
        validators=[Optional(), Length(max=12), no_control_characters, valid_rncp],
    )
    certification_obtained = SelectField(
        "Résultat de la certification",
        choices=options([("", "Pas encore connu"), (True, "Obtenue"), (False, "Non obtenue")]),
        coerce=optional_bool,
        description="À indiquer dès que la formation est réalisée.",
    )
    hours = FrenchDecimalField(
        "Nombre d'heures (de formation, ou travaillées en clause sociale)", places=1,
        validators=[Optional(), NumberRange(0, 99999, "Indiquez un nombre d'heures entre 0 et "
                                                      "99 999.")],
    )
    siae_kind = SelectField("Type de structure d'insertion",
                            choices=options([("", "— Choisir —"), *SIAE_KINDS.items()]),
                            default="")
    pass_iae_end = DateField(
        "Fin de validité du PASS IAE", validators=[Optional(), plausible_date],
        description="Laissée vide, elle est calculée : 24 mois à partir du début de l'étape.",
    )
    weekly_hours = FrenchDecimalField(
        "Durée hebdomadaire (heures)", places=1,
        validators=[Optional(), NumberRange(-999, 999, "Durée hebdomadaire invalide.")],
    )
    operation = text("Opération (chantier, marché)", 200)
    company = text("Entreprise attributaire", 200)
    employment = SelectField("Contrat lié (section Emploi)", choices=options([("", "Aucun")]),
                             default="",
                             description="Enregistrez d'abord le contrat dans la section "
                                         "Emploi pour pouvoir le relier.")
    legal_form = text("Forme juridique (micro-entreprise, SARL, SAS…)", 60)
    siret = StrippedStringField("SIRET",
                                validators=[Optional(), no_control_characters, valid_siret])
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        """Validate, ignoring the errors of fields that do not apply to the chosen type."""
        super().validate(extra_validators)
        relevant = fields_of_type(self.type_code.data or "")
        for name in SPECIFIC_FIELDS:
            if name not in relevant:
                self[name].errors = []
        return not self.errors

    def value(self, name: str):
        """A field's value, or its empty value when it does not apply to the chosen type."""
        if name in SPECIFIC_FIELDS and name not in fields_of_type(self.type_code.data or ""):
            return empty_value(name)
        data = self[name].data
        if isinstance(self[name], StringField):
            # A text field missing from the posted data holds None; columns hold ''.
            return (data or "").strip()
        if isinstance(data, Decimal):
            # Stored with one decimal place: compare and save the rounded value.
            return data.quantize(Decimal("0.1"))
        return data


class DeleteStepForm(FlaskForm):
    """Confirm the deletion of a step, as last seen."""

    version = HiddenField()
