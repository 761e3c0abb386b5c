"""Forms of the pathway's life: orientation, entry decision and contract, exit, reopening."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.domain.catalogue import DECISIONS, EXIT_CATEGORIES, PRESCRIBER_KINDS
from app.forms import StrippedStringField, no_control_characters

NOTE_HELP = ("Restez factuel(le) : le participant peut demander à lire son dossier. "
             "Ne notez aucun détail de santé ici.")


class OrientationForm(FlaskForm):
    """A prescriber sends a person to the PLIE."""

    orientation_date = DateField(
        "Date d'orientation", validators=[DataRequired("Indiquez la date d'orientation.")]
    )
    prescriber_kind = SelectField(
        "Prescripteur", choices={"": "— Choisir —", **PRESCRIBER_KINDS},
        validators=[DataRequired("Choisissez le prescripteur.")],
    )
    prescriber_name = StrippedStringField(
        "Nom du prescripteur (structure, conseiller)",
        validators=[Optional(), Length(max=200), no_control_characters],
    )
    orientation_comment = TextAreaField(
        "Motif de l'orientation", validators=[Optional(), Length(max=5000)],
        description=NOTE_HELP,
    )
    version = HiddenField()


class EntryForm(OrientationForm):
    """Orientation, then the commission's decision, the engagement contract and entry."""

    decision = SelectField(
        "Décision d'entrée", choices={"": "En attente de décision", **DECISIONS},
        validators=[Optional()],
    )
    decision_date = DateField("Date de la décision", validators=[Optional()])
    decision_comment = TextAreaField("Commentaire de la décision",
                                     validators=[Optional(), Length(max=5000)])
    contract_signed_on = DateField("Contrat d'engagement signé le", validators=[Optional()])
    entry_date = DateField("Date d'entrée dans le parcours", validators=[Optional()])


ENTRY_FIELDS = ("orientation_date", "prescriber_kind", "prescriber_name", "orientation_comment",
                "decision", "decision_date", "decision_comment", "contract_signed_on",
                "entry_date")


class ExitForm(FlaskForm):
    """The end of the pathway, with what supports a positive exit."""

    exit_date = DateField("Date de sortie",
                          validators=[DataRequired("Indiquez la date de sortie.")])
    exit_category = SelectField(
        "Motif de sortie", choices={"": "— Choisir —", **EXIT_CATEGORIES},
    )
    support = SelectField("Emploi, formation ou création à l'appui", choices={"": "Aucun"},
                          validators=[Optional()])
    exit_comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=5000)],
                                 description=NOTE_HELP)
    version = HiddenField()


class ReopenForm(FlaskForm):
    """Why a pathway closed by mistake is reopened."""

    reason = TextAreaField(
        "Motif de la réouverture",
        validators=[DataRequired("Indiquez pourquoi la sortie est annulée."), Length(max=2000)],
    )
