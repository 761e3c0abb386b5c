"""Forms of the FSE+ data: the sensitive entry items and the two situations after exit."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Optional

from app.domain.catalogue import CONTRACT_TYPES
from app.domain.fse import ANSWERS, EXIT_SITUATIONS, SENSITIVE_ITEMS

ANSWER_CHOICES = [SelectChoice("", "— Non renseigné —")] + [
    SelectChoice(code, label) for code, label in ANSWERS.items()]
SITUATION_CHOICES = [SelectChoice("", "— Choisir —")] + [
    SelectChoice(code, label) for code, label in EXIT_SITUATIONS.items()]
CONTRACT_CHOICES = [SelectChoice("", "— Sans objet —")] + [
    SelectChoice(code, label) for code, label in CONTRACT_TYPES.items()]
# "True" / "False": a stored boolean reads back as the same choice, and the 409 page can
# show it with its label.
YES_NO_CHOICES = [SelectChoice("", "— Choisir —"), SelectChoice("True", "Oui"),
                  SelectChoice("False", "Non")]

SENSITIVE_HELP = ("Question facultative pour la personne : « Refuse de répondre » est une "
                  "réponse, le dossier est alors complet.")


def answer_field(item: str) -> SelectField:
    """One sensitive item, answered yes, no or "refuse to answer"."""
    return SelectField(SENSITIVE_ITEMS[item], choices=ANSWER_CHOICES, default="",
                       validators=[Optional()], description=SENSITIVE_HELP)


class SensitiveItemsForm(FlaskForm):
    """The four sensitive FSE+ items the participant file does not hold."""

    third_country_national = answer_field("third_country_national")
    foreign_background = answer_field("foreign_background")
    minority = answer_field("minority")
    homeless = answer_field("homeless")
    version = HiddenField()


def as_boolean(value) -> bool | None:
    """The stored value of a yes / no choice."""
    return {"True": True, "False": False}.get(str(value)) if value is not None else None


class ExitSituationForm(FlaskForm):
    """The participant's situation within 4 weeks of the exit."""

    exit_situation = SelectField(
        "Situation principale dans les 4 semaines suivant la sortie", choices=SITUATION_CHOICES,
        validators=[DataRequired("Choisissez la situation de la personne.")],
    )
    exit_contract_type = SelectField("Type de contrat (si en emploi)", choices=CONTRACT_CHOICES,
                                     validators=[Optional()])
    qualification_gained = SelectField(
        "Qualification obtenue à la sortie", choices=YES_NO_CHOICES,
        validators=[DataRequired("Indiquez si une qualification a été obtenue.")],
        description="Certification, diplôme ou titre obtenu pendant le parcours (formation "
                    "qualifiante réussie, VAE…).",
    )
    exit_situation_on = DateField(
        "Situation constatée le",
        validators=[DataRequired("Indiquez la date à laquelle la situation a été constatée.")],
    )
    version = HiddenField()


class PostExitSituationForm(FlaskForm):
    """The participant's situation 6 months after the exit."""

    post_exit_situation = SelectField(
        "Situation principale 6 mois après la sortie", choices=SITUATION_CHOICES,
        validators=[DataRequired("Choisissez la situation de la personne.")],
    )
    post_exit_improved = SelectField(
        "Situation sur le marché du travail améliorée", choices=YES_NO_CHOICES,
        validators=[DataRequired("Indiquez si la situation s'est améliorée.")],
        description="Par rapport à l'entrée : accès à un emploi, passage d'un emploi précaire à "
                    "un emploi stable, d'un temps partiel à un temps plein, ou une promotion.",
    )
    post_exit_situation_on = DateField(
        "Situation constatée le",
        validators=[DataRequired("Indiquez la date à laquelle la situation a été constatée.")],
    )
    version = HiddenField()


EXIT_FIELDS = ("exit_situation", "exit_contract_type", "qualification_gained",
               "exit_situation_on")
POST_EXIT_FIELDS = ("post_exit_situation", "post_exit_improved", "post_exit_situation_on")
BOOLEAN_FIELDS = {"qualification_gained", "post_exit_improved"}
