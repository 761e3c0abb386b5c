"""Interviews held with the participant and appointments planned with them."""

from datetime import date, time

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from app import audit
from app.clock import paris_today
from app.domain.pathway_rules import Problems, add_one_month, interview_problems
from app.extensions import db
from app.forms import add_problems
from app.models import Appointment, Interview, Participant, Pathway
from app.pathway.common import (
    copy_fields,
    current_pathway_or_404,
    file_url,
    load_child,
    load_participant,
    save_or_conflict,
)
from app.pathway.interviews_forms import (
    APPOINTMENT_FIELDS,
    INTERVIEW_FIELDS,
    NEXT_APPOINTMENT_FIELDS,
    NOTE_REMINDER,
    AppointmentForm,
    AttendanceForm,
    ConfirmForm,
    InterviewForm,
    NewInterviewForm,
)
from app.permissions import PARTICIPANT_ROLES, roles_required

bp = Blueprint("interviews", __name__, url_prefix="/participants/<public_id>/entretiens")

ANCHOR = "entretiens"


# --- Rules that need the pathway (the pure ones live in app.domain.pathway_rules) ---

def french_day(day: date) -> str:
    """A date as 12/05/2026."""
    return day.strftime("%d/%m/%Y")


def orientation_problems(day: date | None, pathway: Pathway, field: str) -> Problems:
    """Nothing of the pathway happens before the person was oriented to the PLIE."""
    if day and day < pathway.orientation_date:
        return {field: f"Cette date précède l'orientation vers le PLIE "
                       f"({french_day(pathway.orientation_date)})."}
    return {}


def interview_form_problems(form: InterviewForm, pathway: Pathway) -> Problems:
    """The interview rules, plus the next appointment's when the form carries one."""
    next_on = form.next_appointment_on.data if "next_appointment_on" in form else None
    problems = interview_problems(form.held_on.data, form.start_time.data, form.end_time.data,
                                  paris_today(), next_on)
    for name, message in orientation_problems(form.held_on.data, pathway, "held_on").items():
        problems.setdefault(name, message)
    if "next_appointment_on" in form and not next_on and (
        form.next_appointment_time.data or form.next_appointment_purpose.data
    ):
        problems["next_appointment_on"] = ("Indiquez la date du prochain rendez-vous, "
                                           "ou videz son heure et son objet.")
    return problems


def appointment_form_problems(form: AppointmentForm, pathway: Pathway,
                              appointment: Appointment | None) -> Problems:
    """A new appointment lies ahead; a recorded attendance keeps it in the past."""
    day = form.scheduled_on.data
    today = paris_today()
    problems = orientation_problems(day, pathway, "scheduled_on")
    if appointment is None and day and day < today:
        problems["scheduled_on"] = ("Un rendez-vous se planifie pour aujourd'hui ou plus tard : "
                                    "pour une rencontre passée, saisissez un entretien.")
    if appointment is not None and appointment.attendance and day and day > today:
        problems["scheduled_on"] = ("La présence à ce rendez-vous est déjà saisie : il ne peut "
                                    "pas être déplacé dans le futur.")
    return problems


def attendance_problems(appointment: Appointment) -> Problems:
    """Attendance is recorded once the appointment's day has come, never before."""
    if appointment.scheduled_on > paris_today():
        return {"attendance": f"Ce rendez-vous est prévu le {french_day(appointment.scheduled_on)}"
                              " : la présence se saisit à partir de ce jour-là."}
    return {}


# --- What the section shows ---

def appointment_key(appointment: Appointment) -> tuple[date, time]:
    """Sort appointments by day, then hour (an appointment without hour comes first)."""
    return appointment.scheduled_on, appointment.scheduled_time or time.min


@bp.app_template_global("appointment_groups")
def appointment_groups(pathway: Pathway) -> tuple[list[Appointment], list[Appointment]]:
    """Appointments still awaiting their attendance (soonest first), then the recorded ones."""
    waiting = sorted((a for a in pathway.appointments if not a.attendance), key=appointment_key)
    recorded = sorted((a for a in pathway.appointments if a.attendance), key=appointment_key,
                      reverse=True)
    return waiting, recorded


@bp.app_template_global("interviews_newest_first")
def interviews_newest_first(pathway: Pathway) -> list[Interview]:
    """The pathway's interviews, the latest first (by day, then hour)."""
    return sorted(pathway.interviews, key=lambda i: (i.held_on, i.start_time or time.min),
                  reverse=True)


@bp.app_template_filter("interview_duration")
def interview_duration(minutes: int | None) -> str:
    """A duration the French way: 45 min, 1 h, 1 h 30."""
    if minutes is None or minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# --- Rendering ---

def render_page(form, participant: Participant, title: str, sections, submit: str = "Enregistrer",
                intro: str = "", reminder: str = ""):
    """Render one of this module's forms, with 400 when it holds errors."""
    status = 400 if form.errors or form.form_errors else 200
    return render_template("pathway/interviews_form.html", form=form, participant=participant,
                           title=title, sections=sections, submit=submit, intro=intro,
                           reminder=reminder), status


def render_confirm(form, participant: Participant, title: str, facts, submit: str,
                   warning: str = ""):
    """The confirmation page a deletion asks for."""
    return render_template("pathway/interviews_confirm.html", form=form, participant=participant,
                           title=title, facts=facts, submit=submit, warning=warning)


def describe_appointment(appointment: Appointment) -> str:
    """One line naming an appointment: day, hour and purpose."""
    text = f"Rendez-vous du {french_day(appointment.scheduled_on)}"
    if appointment.scheduled_time:
        text += f" à {appointment.scheduled_time:%H:%M}"
    return text + (f" — {appointment.purpose}" if appointment.purpose else "")


def interview_sections(form) -> list:
    """The fieldsets of an interview form."""
    sections = [
        ("Entretien", ("held_on", "start_time", "end_time", "mode", "kind")),
        ("Contenu", ("topics", "note", "next_actions")),
    ]
    if "next_appointment_on" in form:
        sections.append(("Prochain rendez-vous (facultatif)", NEXT_APPOINTMENT_FIELDS))
    return sections


# --- Interviews ---

def honour_matching_appointment(pathway: Pathway, interview: Interview,
                                participant: Participant) -> None:
    """An interview held on the day of a planned appointment shows that it was honoured."""
    if any(a.interview_id == interview.id for a in pathway.appointments):
        return
    planned = [a for a in pathway.appointments
               if a.scheduled_on == interview.held_on and not a.attendance]
    if not planned:
        return
    appointment = min(planned, key=appointment_key)
    appointment.attendance = "honore"
    appointment.interview_id = interview.id
    audit.record("appointment.update", target=participant, record="appointment",
                 fields=["attendance", "interview_id"], appointment=appointment.public_id)


def plan_next_appointment(form: NewInterviewForm, pathway: Pathway,
                          participant: Participant) -> None:
    """Create the appointment agreed at the end of the interview, if any."""
    if not form.next_appointment_on.data:
        return
    appointment = Appointment(
        pathway=pathway,
        scheduled_on=form.next_appointment_on.data,
        scheduled_time=form.next_appointment_time.data,
        purpose=form.next_appointment_purpose.data or "",
        mode="presentiel",
    )
    db.session.add(appointment)
    db.session.flush()
    audit.record("appointment.create", target=participant, record="appointment",
                 appointment=appointment.public_id)


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def create(public_id):
    """Log an interview held with the participant, and the next appointment agreed."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    form = NewInterviewForm()
    if request.method == "GET":
        form.held_on.data = paris_today()
    if form.validate_on_submit() and not add_problems(form, interview_form_problems(form,
                                                                                    pathway)):
        interview = Interview(pathway=pathway, author_id=current_user.id)
        copy_fields(form, interview, INTERVIEW_FIELDS)
        db.session.add(interview)
        db.session.flush()
        audit.record("interview.create", target=participant, record="interview",
                     interview=interview.public_id)
        honour_matching_appointment(pathway, interview, participant)
        plan_next_appointment(form, pathway, participant)
        db.session.commit()
        flash("L'entretien est enregistré.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_page(form, participant, "Nouvel entretien", interview_sections(form),
                       reminder=NOTE_REMINDER)


@bp.route("/<interview_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id, interview_id):
    """Correct an interview; a colleague's concurrent save is shown, not overwritten."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    interview = load_child(Interview, interview_id, pathway)
    form = InterviewForm(obj=interview)
    if request.method == "GET":
        form.version.data = str(interview.version)
    if form.validate_on_submit() and not add_problems(form, interview_form_problems(form,
                                                                                    pathway)):

        def apply(form, record):
            """Copy the fields, then link a planned appointment of the (new) day."""
            changed = copy_fields(form, record, INTERVIEW_FIELDS)
            honour_matching_appointment(pathway, record, participant)
            return changed

        return save_or_conflict(form, interview, INTERVIEW_FIELDS, participant,
                                "Modifier l'entretien", apply, "interview.update", ANCHOR,
                                "L'entretien est modifié.")
    return render_page(form, participant, "Modifier l'entretien", interview_sections(form),
                       reminder=NOTE_REMINDER)


@bp.route("/<interview_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete(public_id, interview_id):
    """Delete an interview after confirmation; an appointment it honoured awaits attendance."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    interview = load_child(Interview, interview_id, pathway)
    form = ConfirmForm()
    if form.validate_on_submit():
        for appointment in pathway.appointments:
            if appointment.interview_id == interview.id:
                # The attendance was inferred from this interview: it must be confirmed again.
                appointment.interview_id = None
                appointment.attendance = ""
                audit.record("appointment.update", target=participant, record="appointment",
                             fields=["attendance", "interview_id"],
                             appointment=appointment.public_id)
        audit.record("interview.delete", target=participant, record="interview",
                     interview=interview.public_id, held_on=interview.held_on)
        db.session.delete(interview)
        db.session.commit()
        flash("L'entretien est supprimé.", "success")
        return redirect(file_url(participant, ANCHOR))
    facts = [("Date", french_day(interview.held_on)),
             ("Thèmes", interview.topics or "—")]
    return render_confirm(form, participant, "Supprimer l'entretien", facts,
                          "Supprimer l'entretien",
                          warning="Le compte rendu de cet entretien sera définitivement effacé.")


# --- Appointments ---

@bp.route("/rendez-vous/nouveau", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def plan(public_id):
    """Plan an appointment with the participant."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    form = AppointmentForm()
    if request.method == "GET":
        # Contact is due at least monthly: propose the same day next month.
        form.scheduled_on.data = add_one_month(paris_today())
    if form.validate_on_submit() and not add_problems(
        form, appointment_form_problems(form, pathway, None)
    ):
        appointment = Appointment(pathway=pathway)
        copy_fields(form, appointment, APPOINTMENT_FIELDS)
        db.session.add(appointment)
        db.session.flush()
        audit.record("appointment.create", target=participant, record="appointment",
                     appointment=appointment.public_id)
        db.session.commit()
        flash("Le rendez-vous est planifié.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_page(form, participant, "Planifier un rendez-vous",
                       [("Rendez-vous", APPOINTMENT_FIELDS)], submit="Planifier")


@bp.route("/rendez-vous/<appointment_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit_appointment(public_id, appointment_id):
    """Move or rename an appointment."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    appointment = load_child(Appointment, appointment_id, pathway)
    form = AppointmentForm(obj=appointment)
    if request.method == "GET":
        form.version.data = str(appointment.version)
    if form.validate_on_submit() and not add_problems(
        form, appointment_form_problems(form, pathway, appointment)
    ):
        return save_or_conflict(form, appointment, APPOINTMENT_FIELDS, participant,
                                "Modifier le rendez-vous",
                                lambda f, r: copy_fields(f, r, APPOINTMENT_FIELDS),
                                "appointment.update", ANCHOR, "Le rendez-vous est modifié.")
    return render_page(form, participant, "Modifier le rendez-vous",
                       [("Rendez-vous", APPOINTMENT_FIELDS)])


@bp.route("/rendez-vous/<appointment_id>/annuler", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def cancel_appointment(public_id, appointment_id):
    """Cancel (delete) an appointment after confirmation."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    appointment = load_child(Appointment, appointment_id, pathway)
    form = ConfirmForm()
    if form.validate_on_submit():
        audit.record("appointment.delete", target=participant, record="appointment",
                     appointment=appointment.public_id, scheduled_on=appointment.scheduled_on)
        db.session.delete(appointment)
        db.session.commit()
        flash("Le rendez-vous est annulé.", "success")
        return redirect(file_url(participant, ANCHOR))
    facts = [("Rendez-vous", describe_appointment(appointment))]
    warning = ""
    if appointment.attendance:
        # Deleting a past appointment also erases the record of whether the person came.
        warning = "La présence saisie pour ce rendez-vous sera effacée avec lui."
    return render_confirm(form, participant, "Annuler le rendez-vous", facts,
                          "Annuler le rendez-vous", warning=warning)


@bp.route("/rendez-vous/<appointment_id>/presence", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def attendance(public_id, appointment_id):
    """Record whether the participant came, once the appointment's day has come."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant)
    appointment = load_child(Appointment, appointment_id, pathway)
    form = AttendanceForm(obj=appointment)
    if request.method == "GET":
        form.version.data = str(appointment.version)
        problems = attendance_problems(appointment)
        if problems:
            flash(problems["attendance"], "warning")
            return redirect(file_url(participant, ANCHOR))
    if form.validate_on_submit() and not add_problems(form, attendance_problems(appointment)):

        def apply(form, record):
            """Record the attendance; only an honoured appointment stays linked to its interview."""
            changed = copy_fields(form, record, ("attendance",))
            if record.attendance != "honore":
                record.interview_id = None
            return changed

        return save_or_conflict(form, appointment, ("attendance",), participant,
                                "Présence au rendez-vous", apply, "appointment.update", ANCHOR,
                                "La présence est enregistrée.")
    return render_page(form, participant, "Présence au rendez-vous",
                       [("Présence", ("attendance",))], intro=describe_appointment(appointment))
