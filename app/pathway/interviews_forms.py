"""Forms of the accompaniment: interviews held, appointments planned, attendance."""

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.domain.catalogue import ATTENDANCES, INTERVIEW_KINDS, INTERVIEW_MODES
from app.forms import StrippedStringField, no_control_characters

NOTE_REMINDER = ("Restez factuel(le) : le participant peut demander à lire son dossier. "
                 "Ne notez aucun détail de santé ici.")


class InterviewForm(FlaskForm):
    """An interview held with the participant, as the FSE sign-in sheet records it."""

    held_on = DateField("Date de l'entretien",
                        validators=[InputRequired("Indiquez la date de l'entretien.")])
    start_time = TimeField("Heure de début",
                           validators=[InputRequired("Indiquez l'heure de début.")])
    end_time = TimeField("Heure de fin", validators=[InputRequired("Indiquez l'heure de fin.")])
    # Shorthand dicts: WTForms 3.3 deprecates tuple choices.
    mode = SelectField("Modalité", choices=dict(INTERVIEW_MODES), default="presentiel")
    kind = SelectField("Type d'entretien", choices=dict(INTERVIEW_KINDS), default="suivi")
    topics = StrippedStringField(
        "Thèmes abordés", validators=[Optional(), Length(max=300), no_control_characters],
        description="Par exemple : recherche d'emploi, formation, mobilité.",
    )
    note = TextAreaField(
        "Compte rendu", validators=[Optional(), Length(max=10000), no_control_characters],
        description=NOTE_REMINDER,
    )
    next_actions = TextAreaField(
        "Prochaines actions", validators=[Optional(), Length(max=5000), no_control_characters],
    )
    version = HiddenField()


class NewInterviewForm(InterviewForm):
    """A new interview, with the next appointment agreed at its end."""

    next_appointment_on = DateField("Date du prochain rendez-vous", validators=[Optional()])
    next_appointment_time = TimeField("Heure du prochain rendez-vous", validators=[Optional()])
    next_appointment_purpose = StrippedStringField(
        "Objet du prochain rendez-vous",
        validators=[Optional(), Length(max=300), no_control_characters],
    )


INTERVIEW_FIELDS = ("held_on", "start_time", "end_time", "mode", "kind", "topics", "note",
                    "next_actions")
NEXT_APPOINTMENT_FIELDS = ("next_appointment_on", "next_appointment_time",
                           "next_appointment_purpose")


class AppointmentForm(FlaskForm):
    """A meeting planned with the participant."""

    scheduled_on = DateField("Date du rendez-vous",
                             validators=[InputRequired("Indiquez la date du rendez-vous.")])
    scheduled_time = TimeField("Heure", validators=[Optional()])
    mode = SelectField("Modalité", choices=dict(INTERVIEW_MODES), default="presentiel")
    purpose = StrippedStringField(
        "Objet", validators=[Optional(), Length(max=300), no_control_characters],
        description="Par exemple : suivi mensuel, bilan de l'immersion.",
    )
    version = HiddenField()


APPOINTMENT_FIELDS = ("scheduled_on", "scheduled_time", "mode", "purpose")


class AttendanceForm(FlaskForm):
    """Whether the participant came to an appointment whose day has come."""

    attendance = SelectField("Présence", choices={"": "— Choisir —", **ATTENDANCES},
                             validators=[DataRequired("Choisissez la présence.")])
    version = HiddenField()


class ConfirmForm(FlaskForm):
    """An empty form: the POST that confirms a deletion (and carries the CSRF token)."""
