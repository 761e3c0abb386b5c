"""Interviews and appointments: forms, rules, attendance, section, rights, audit."""

import html
import json
from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import paris_today
from app.domain.pathway_rules import add_one_month
from app.extensions import db
from app.models import Appointment, AuditEvent, Interview
from app.pathway.interviews import interview_duration
from tests import factories
from tests.helpers import day, sign_in

# Requests reuse the test's application context; without this, `g` would keep the previous
# request's user when a test switches from one user to another.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")

HOSTILE = settings(max_examples=30, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def pathway(participant):
    """The participant's open pathway: oriented 400 days ago, entered 370 days ago."""
    return factories.PathwayFactory(participant=participant)


@pytest.fixture
def as_referent(client, referent, pathway):
    """The test client signed in as the participant's référent."""
    sign_in(client, referent)
    return client


def base_url(participant) -> str:
    """The prefix of the interview routes of a participant."""
    return f"/participants/{participant.public_id}/entretiens"


def interview_form(**changes) -> dict:
    """Valid data of a 45-minute interview held three days ago, without next appointment."""
    data = {
        "held_on": day(-3),
        "start_time": "09:30",
        "end_time": "10:15",
        "mode": "presentiel",
        "kind": "suivi",
        "topics": "Recherche d'emploi, mobilité",
        "note": "Trois candidatures envoyées.\nRelance prévue chez Martin.",
        "next_actions": "Mettre à jour le CV.",
        "next_appointment_on": "",
        "next_appointment_time": "",
        "next_appointment_purpose": "",
    }
    data.update(changes)
    return data


def appointment_form(**changes) -> dict:
    """Valid data of an appointment in two weeks."""
    data = {"scheduled_on": day(14), "scheduled_time": "14:00", "mode": "telephone",
            "purpose": "Point sur l'immersion"}
    data.update(changes)
    return data


def interviews() -> list[Interview]:
    """Every stored interview, freshly read."""
    db.session.rollback()
    return list(db.session.scalars(sa.select(Interview).order_by(Interview.id)))


def appointments() -> list[Appointment]:
    """Every stored appointment, freshly read."""
    db.session.rollback()
    return list(db.session.scalars(sa.select(Appointment).order_by(Appointment.id)))


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    db.session.rollback()
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ))


def snapshot() -> tuple:
    """Everything the forms may change, as stored (uncommitted changes discarded)."""
    return (
        [(i.public_id, i.version, i.held_on, i.start_time, i.end_time, i.mode, i.kind, i.topics,
          i.note, i.next_actions) for i in interviews()],
        [(a.public_id, a.version, a.scheduled_on, a.scheduled_time, a.mode, a.purpose,
          a.attendance, a.interview_id) for a in appointments()],
    )


def text(response) -> str:
    """The page as a person reads it (entities such as &#39; decoded)."""
    return html.unescape(response.get_data(as_text=True))


# --- Logging an interview ---

def test_new_interview_form_shows_the_reminder_and_defaults(as_referent, participant):
    """The form opens on today's date and reminds to stay factual, away from health details."""
    response = as_referent.get(f"{base_url(participant)}/nouveau")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{paris_today().isoformat()}"' in page
    assert 'data-testid="note-reminder"' in page
    assert "Restez factuel(le)" in page
    assert "peut demander à lire son dossier" in page
    assert "Ne notez aucun détail de santé" in page


def test_log_interview_with_next_appointment(as_referent, participant, referent):
    """A valid interview is saved with its author, and the next appointment is planned."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=interview_form(
        next_appointment_on=day(27), next_appointment_time="10:00",
        next_appointment_purpose="Bilan du mois",
    ))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{participant.public_id}"
                                                 "#entretiens")
    [interview] = interviews()
    assert interview.author_id == referent.id
    assert interview.held_on.isoformat() == day(-3)
    assert (interview.start_time, interview.end_time) == (time(9, 30), time(10, 15))
    assert interview.note == "Trois candidatures envoyées.\nRelance prévue chez Martin."
    [appointment] = appointments()
    assert appointment.scheduled_on.isoformat() == day(27)
    assert appointment.scheduled_time == time(10, 0)
    assert appointment.purpose == "Bilan du mois"
    assert appointment.attendance == ""
    created = events("interview.create")
    assert [e.target_id for e in created] == [participant.public_id]
    assert json.loads(created[0].detail)["interview"] == interview.public_id
    assert [e.target_id for e in events("appointment.create")] == [participant.public_id]

    page = as_referent.get(f"/participants/{participant.public_id}").get_data(as_text=True)
    section = page[page.index('id="entretiens"'):]
    assert "Entretiens et rendez-vous" in section
    assert "09:30–10:15" in section
    assert "(45 min)" in section
    assert "Présentiel · Suivi" in section
    assert f"par {referent.full_name}" in section
    assert "Trois candidatures envoyées.<br>Relance prévue chez Martin." in section
    assert "Mettre à jour le CV." in section
    assert "Bilan du mois" in section


def test_interview_without_next_appointment_plans_nothing(as_referent, participant):
    """Leaving the next appointment blank creates no appointment."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=interview_form())
    assert response.status_code == 302
    assert len(interviews()) == 1
    assert appointments() == []
    assert events("appointment.create") == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"held_on": day(1)}, "held_on", "Cet entretien est dans le futur"),
    ({"start_time": "10:15", "end_time": "09:30"}, "end_time",
     "L'heure de fin doit suivre l'heure de début."),
    ({"start_time": "10:15", "end_time": "10:15"}, "end_time",
     "L'heure de fin doit suivre l'heure de début."),
    ({"next_appointment_on": day(-5)}, "next_appointment_on",
     "Le prochain rendez-vous suit la date de l'entretien."),
    ({"next_appointment_on": day(-3)}, "next_appointment_on",
     "Le prochain rendez-vous suit la date de l'entretien."),
    ({"held_on": day(-401)}, "held_on", "Cette date précède l'orientation vers le PLIE"),
    ({"next_appointment_purpose": "Bilan"}, "next_appointment_on",
     "Indiquez la date du prochain rendez-vous"),
    ({"held_on": ""}, "held_on", "Indiquez la date de l'entretien."),
    ({"start_time": ""}, "start_time", "Indiquez l'heure de début."),
    ({"end_time": "25:00"}, "end_time", "N'est pas un horaire valide."),
    ({"mode": "pigeon"}, "mode", ""),
    ({"note": "Texte\x1bcaché"}, "note", "caractères non autorisés"),
    ({"topics": "x" * 301}, "topics", ""),
])
def test_invalid_interview_is_refused(as_referent, participant, pathway, changes, field,
                                      message):
    """Each broken rule answers 400 with a French message on its field, and saves nothing."""
    response = as_referent.post(f"{base_url(participant)}/nouveau",
                                data=interview_form(**changes))
    page = text(response)
    assert response.status_code == 400
    assert f'id="{field}-err"' in page
    assert message in page
    assert interviews() == []
    assert appointments() == []
    assert events("interview.create") == []


def test_orientation_day_itself_is_accepted(as_referent, participant, pathway):
    """An interview on the day of orientation is fine (the diagnostic often happens then)."""
    data = interview_form(held_on=pathway.orientation_date.isoformat())
    assert as_referent.post(f"{base_url(participant)}/nouveau", data=data).status_code == 302


def test_interview_today_honours_the_planned_appointment(as_referent, participant, pathway):
    """An interview held on a planned appointment's day marks it honoured and links it."""
    planned = factories.AppointmentFactory(pathway=pathway, scheduled_on=paris_today())
    other_day = factories.AppointmentFactory(pathway=pathway, scheduled_on=paris_today()
                                             + timedelta(days=7))
    response = as_referent.post(f"{base_url(participant)}/nouveau",
                                data=interview_form(held_on=day(0)))
    assert response.status_code == 302
    [interview] = interviews()
    stored = {a.public_id: a for a in appointments()}
    assert stored[planned.public_id].attendance == "honore"
    assert stored[planned.public_id].interview_id == interview.id
    assert stored[other_day.public_id].attendance == ""
    assert stored[other_day.public_id].interview_id is None
    [update] = events("appointment.update")
    assert update.target_id == participant.public_id
    assert json.loads(update.detail)["appointment"] == planned.public_id


def test_recorded_attendance_is_left_alone(as_referent, participant, pathway):
    """An appointment whose attendance is already recorded is not re-marked."""
    excused = factories.AppointmentFactory(pathway=pathway, scheduled_on=paris_today()
                                           - timedelta(days=3), attendance="excuse")
    as_referent.post(f"{base_url(participant)}/nouveau", data=interview_form())
    [stored] = appointments()
    assert stored.public_id == excused.public_id
    assert (stored.attendance, stored.interview_id) == ("excuse", None)


def test_moving_an_interview_onto_a_planned_day_links_it(as_referent, participant, pathway):
    """Correcting an interview's date onto a planned appointment's day honours it."""
    interview = factories.InterviewFactory(pathway=pathway)
    planned = factories.AppointmentFactory(pathway=pathway,
                                           scheduled_on=paris_today() - timedelta(days=2))
    response = as_referent.post(f"{base_url(participant)}/{interview.public_id}/modifier",
                                data=interview_form(held_on=day(-2), version="1"))
    assert response.status_code == 302
    [stored] = appointments()
    assert stored.public_id == planned.public_id
    assert stored.attendance == "honore"
    assert stored.interview_id == interview.id


# --- Editing and deleting an interview ---

def test_edit_interview(as_referent, participant, pathway, referent):
    """An edit saves the new values, bumps the version, keeps the author, and is audited."""
    author = factories.UserFactory()
    interview = factories.InterviewFactory(pathway=pathway, author_id=author.id)
    url = f"{base_url(participant)}/{interview.public_id}/modifier"
    form_page = as_referent.get(url).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form_page
    assert 'value="09:30"' in form_page
    assert "next_appointment_on" not in form_page
    response = as_referent.post(url, data=interview_form(topics="Formation", kind="bilan",
                                                          version="1"))
    assert response.status_code == 302
    [stored] = interviews()
    assert (stored.topics, stored.kind, stored.version) == ("Formation", "bilan", 2)
    assert stored.author_id == author.id
    [update] = events("interview.update")
    assert update.target_id == participant.public_id
    assert "topics" in json.loads(update.detail)["fields"]


def test_edit_interview_refuses_a_future_date(as_referent, participant, pathway):
    """The edit applies the same rules as the creation."""
    interview = factories.InterviewFactory(pathway=pathway)
    before = snapshot()
    response = as_referent.post(f"{base_url(participant)}/{interview.public_id}/modifier",
                                data=interview_form(held_on=day(2), version="1"))
    assert response.status_code == 400
    assert "Cet entretien est dans le futur" in response.get_data(as_text=True)
    assert snapshot() == before


def test_stale_interview_edit_gets_409(as_referent, participant, pathway):
    """A form filled from an older version is refused with both versions shown."""
    interview = factories.InterviewFactory(pathway=pathway, topics="Version du collègue")
    interview.version = 2
    db.session.commit()
    response = as_referent.post(f"{base_url(participant)}/{interview.public_id}/modifier",
                                data=interview_form(topics="Ma version", version="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Version du collègue" in page
    assert "Ma version" in page
    assert "Présentiel" in page
    [stored] = interviews()
    assert stored.topics == "Version du collègue"
    assert events("interview.update") == []
    assert len(events("record.update_conflict")) == 1


def test_delete_interview_asks_first(as_referent, participant, pathway):
    """GET shows a confirmation and deletes nothing; POST deletes and is audited."""
    interview = factories.InterviewFactory(pathway=pathway)
    linked = factories.AppointmentFactory(pathway=pathway, scheduled_on=interview.held_on,
                                          attendance="honore", interview_id=interview.id)
    url = f"{base_url(participant)}/{interview.public_id}/supprimer"
    confirm = as_referent.get(url)
    assert confirm.status_code == 200
    assert "Supprimer l'entretien ?" in text(confirm)
    assert len(interviews()) == 1
    response = as_referent.post(url)
    assert response.status_code == 302
    assert interviews() == []
    [stored] = appointments()
    assert stored.public_id == linked.public_id
    # The attendance came from the deleted interview: it must be recorded again.
    assert (stored.attendance, stored.interview_id) == ("", None)
    [deleted] = events("interview.delete")
    assert deleted.target_id == participant.public_id
    assert json.loads(deleted.detail)["interview"] == interview.public_id


# --- Appointments ---

def test_plan_appointment(as_referent, participant):
    """The form proposes a date one month ahead; a valid appointment is saved and audited."""
    url = f"{base_url(participant)}/rendez-vous/nouveau"
    form_page = as_referent.get(url).get_data(as_text=True)
    assert f'value="{add_one_month(paris_today()).isoformat()}"' in form_page
    response = as_referent.post(url, data=appointment_form())
    assert response.status_code == 302
    [stored] = appointments()
    assert (stored.scheduled_on.isoformat(), stored.scheduled_time, stored.mode,
            stored.purpose) == (day(14), time(14, 0), "telephone", "Point sur l'immersion")
    assert [e.target_id for e in events("appointment.create")] == [participant.public_id]


def test_plan_appointment_today_is_allowed(as_referent, participant):
    """Today is a valid day to plan for."""
    url = f"{base_url(participant)}/rendez-vous/nouveau"
    assert as_referent.post(url, data=appointment_form(scheduled_on=day(0))).status_code == 302
    assert len(appointments()) == 1


def test_plan_appointment_in_the_past_is_refused(as_referent, participant):
    """A new appointment cannot lie in the past."""
    url = f"{base_url(participant)}/rendez-vous/nouveau"
    response = as_referent.post(url, data=appointment_form(scheduled_on=day(-1)))
    assert response.status_code == 400
    assert "Un rendez-vous se planifie pour aujourd'hui ou plus tard" in text(response)
    assert appointments() == []


def test_edit_appointment(as_referent, participant, pathway):
    """An appointment can be moved; the change is audited."""
    appointment = factories.AppointmentFactory(pathway=pathway)
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/modifier"
    assert as_referent.get(url).status_code == 200
    response = as_referent.post(url, data=appointment_form(scheduled_on=day(20), version="1"))
    assert response.status_code == 302
    [stored] = appointments()
    assert stored.scheduled_on.isoformat() == day(20)
    assert stored.version == 2
    [update] = events("appointment.update")
    assert "scheduled_on" in json.loads(update.detail)["fields"]


def test_stale_appointment_edit_gets_409(as_referent, participant, pathway):
    """A stale appointment form answers 409 and changes nothing."""
    appointment = factories.AppointmentFactory(pathway=pathway, purpose="Version du collègue")
    appointment.version = 3
    db.session.commit()
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/modifier"
    response = as_referent.post(url, data=appointment_form(purpose="Ma version", version="2"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Version du collègue" in page and "Ma version" in page
    [stored] = appointments()
    assert (stored.purpose, stored.version) == ("Version du collègue", 3)


def test_attended_appointment_cannot_move_to_the_future(as_referent, participant, pathway):
    """Once its attendance is recorded, an appointment stays in the past."""
    appointment = factories.AppointmentFactory(
        pathway=pathway, scheduled_on=paris_today() - timedelta(days=2), attendance="absent")
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/modifier"
    response = as_referent.post(url, data=appointment_form(scheduled_on=day(3), version="1"))
    assert response.status_code == 400
    assert "ne peut pas être déplacé dans le futur" in response.get_data(as_text=True)
    assert appointments()[0].scheduled_on == paris_today() - timedelta(days=2)


def test_cancel_appointment_asks_first(as_referent, participant, pathway):
    """GET asks for confirmation; POST deletes the appointment and audits it."""
    appointment = factories.AppointmentFactory(pathway=pathway)
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/annuler"
    confirm = as_referent.get(url)
    assert confirm.status_code == 200
    assert "Annuler le rendez-vous ?" in confirm.get_data(as_text=True)
    assert len(appointments()) == 1
    assert as_referent.post(url).status_code == 302
    assert appointments() == []
    [deleted] = events("appointment.delete")
    assert deleted.target_id == participant.public_id


def test_attendance_refused_for_a_future_appointment(as_referent, participant, pathway):
    """Attendance cannot be recorded before the appointment's day, in French."""
    appointment = factories.AppointmentFactory(pathway=pathway)
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/presence"
    response = as_referent.post(url, data={"attendance": "absent", "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "la présence se saisit à partir de ce jour-là" in page
    assert appointments()[0].attendance == ""
    assert events("appointment.update") == []
    # The GET sends back to the file with the same explanation.
    redirected = as_referent.get(url, follow_redirects=True)
    assert "la présence se saisit à partir de ce jour-là" in redirected.get_data(as_text=True)


@pytest.mark.parametrize("offset", [0, -3])
def test_attendance_recorded_once_the_day_has_come(as_referent, participant, pathway, offset):
    """On or after its day, the attendance of an appointment is saved and audited."""
    appointment = factories.AppointmentFactory(
        pathway=pathway, scheduled_on=paris_today() + timedelta(days=offset))
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/presence"
    assert as_referent.get(url).status_code == 200
    response = as_referent.post(url, data={"attendance": "excuse", "version": "1"})
    assert response.status_code == 302
    assert appointments()[0].attendance == "excuse"
    [update] = events("appointment.update")
    assert json.loads(update.detail)["fields"] == ["attendance"]


def test_attendance_needs_a_choice(as_referent, participant, pathway):
    """The blank prompt is refused."""
    appointment = factories.AppointmentFactory(
        pathway=pathway, scheduled_on=paris_today() - timedelta(days=1))
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/presence"
    response = as_referent.post(url, data={"attendance": "", "version": "1"})
    assert response.status_code == 400
    assert "Choisissez la présence." in response.get_data(as_text=True)


def test_stale_attendance_gets_409(as_referent, participant, pathway):
    """Two people recording the attendance at once: the second sees the first's answer."""
    appointment = factories.AppointmentFactory(
        pathway=pathway, scheduled_on=paris_today() - timedelta(days=1))
    appointment.attendance = "absent"  # a colleague's save: version 2
    db.session.commit()
    url = f"{base_url(participant)}/rendez-vous/{appointment.public_id}/presence"
    response = as_referent.post(url, data={"attendance": "honore", "version": "1"})
    assert response.status_code == 409
    assert "Absent" in response.get_data(as_text=True)
    assert appointments()[0].attendance == "absent"


# --- The section on the participant file ---

def section_of(client, participant) -> str:
    """The interviews section of the participant page."""
    page = client.get(f"/participants/{participant.public_id}").get_data(as_text=True)
    start = page.index('<section id="entretiens"')
    return page[start:page.index("</section>", start)]


def test_empty_section(as_referent, participant):
    """With nothing recorded, the section says so and offers to add."""
    section = section_of(as_referent, participant)
    assert "Aucun rendez-vous planifié." in section
    assert "Aucun entretien n'est encore enregistré" in section
    assert "Ajouter un entretien" in section
    assert "Planifier un rendez-vous" in section


def test_section_orders_appointments_then_interviews(as_referent, participant, pathway):
    """Appointments come first (an overdue one flagged), then interviews newest first."""
    overdue = factories.AppointmentFactory(pathway=pathway, purpose="Oublié",
                                           scheduled_on=paris_today() - timedelta(days=4))
    upcoming = factories.AppointmentFactory(pathway=pathway, purpose="À venir")
    factories.AppointmentFactory(pathway=pathway, purpose="Déjà fait", attendance="absent",
                                 scheduled_on=paris_today() - timedelta(days=40))
    factories.InterviewFactory(pathway=pathway, topics="Ancien sujet",
                               held_on=paris_today() - timedelta(days=60))
    factories.InterviewFactory(pathway=pathway, topics="Sujet récent",
                               held_on=paris_today() - timedelta(days=5))
    section = section_of(as_referent, participant)
    assert section.index("Oublié") < section.index("À venir") < section.index("Sujet récent")
    assert section.index("Sujet récent") < section.index("Ancien sujet")
    overdue_row = section[section.index(f"appointment-{overdue.public_id}"):]
    overdue_row = overdue_row[:overdue_row.index("</tr>")]
    assert "présence à saisir" in overdue_row
    assert "Saisir la présence" in overdue_row
    upcoming_row = section[section.index(f"appointment-{upcoming.public_id}"):]
    upcoming_row = upcoming_row[:upcoming_row.index("</tr>")]
    assert "Saisir la présence" not in upcoming_row
    assert "présence à saisir" not in upcoming_row
    assert "Rendez-vous passés (1)" in section
    assert "Absent" in section


def test_note_html_is_escaped(as_referent, participant, pathway):
    """A note holding HTML is shown as text: no script, no image fetched from elsewhere."""
    hostile = "<script>alert('x')</script>\n<img src=http://evil.example/t.png>"
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=interview_form(
        note=hostile, topics="<b>gras</b>", next_actions="<script>y()</script>"))
    assert response.status_code == 302
    section = section_of(as_referent, participant)
    assert "<script>" not in section
    assert "<img" not in section
    assert "<b>" not in section
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>&lt;img src=http://evil.example" \
        in section
    assert "&lt;b&gt;gras&lt;/b&gt;" in section


def test_closed_pathway_is_read_only(as_referent, participant, pathway):
    """After exit the section shows the history without actions, and the forms answer 404."""
    factories.InterviewFactory(pathway=pathway, topics="Historique")
    pathway.exit_date = paris_today() - timedelta(days=1)
    pathway.exit_category = "abandon"
    db.session.commit()
    section = section_of(as_referent, participant)
    assert "Historique" in section
    assert "Ajouter un entretien" not in section
    assert "Modifier" not in section
    assert as_referent.get(f"{base_url(participant)}/nouveau").status_code == 404
    assert as_referent.post(f"{base_url(participant)}/nouveau",
                            data=interview_form()).status_code == 404
    assert len(interviews()) == 1


def test_duration_labels():
    """Durations read the French way."""
    assert interview_duration(45) == "45 min"
    assert interview_duration(60) == "1 h"
    assert interview_duration(90) == "1 h 30"
    assert interview_duration(125) == "2 h 05"
    assert interview_duration(None) == ""
    assert interview_duration(0) == ""


def count_queries(client, url) -> int:
    """How many SQL statements a GET of the URL runs."""
    statements = []

    def count(*_args):
        """Note one statement."""
        statements.append(1)

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_section_adds_no_query_per_record(as_referent, participant, pathway):
    """The page runs as many queries with many interviews and appointments as with one."""
    url = f"/participants/{participant.public_id}"
    factories.InterviewFactory(pathway=pathway, author_id=factories.UserFactory().id)
    factories.AppointmentFactory(pathway=pathway)
    count_queries(as_referent, url)  # the first load fills the reference data kept in memory
    few = count_queries(as_referent, url)
    for offset in range(2, 12):
        factories.InterviewFactory(pathway=pathway, author_id=factories.UserFactory().id,
                                   held_on=paris_today() - timedelta(days=offset))
        factories.AppointmentFactory(pathway=pathway,
                                     scheduled_on=paris_today() - timedelta(days=offset),
                                     attendance="absent" if offset % 2 else "")
    assert count_queries(as_referent, url) == few


# --- Who may do what ---

def route_urls(participant, interview, appointment) -> list[tuple[str, str]]:
    """Every route of the module with the method to test it."""
    base = base_url(participant)
    return [
        ("GET", f"{base}/nouveau"),
        ("POST", f"{base}/nouveau"),
        ("GET", f"{base}/{interview.public_id}/modifier"),
        ("POST", f"{base}/{interview.public_id}/modifier"),
        ("GET", f"{base}/{interview.public_id}/supprimer"),
        ("POST", f"{base}/{interview.public_id}/supprimer"),
        ("GET", f"{base}/rendez-vous/nouveau"),
        ("POST", f"{base}/rendez-vous/nouveau"),
        ("GET", f"{base}/rendez-vous/{appointment.public_id}/modifier"),
        ("POST", f"{base}/rendez-vous/{appointment.public_id}/modifier"),
        ("GET", f"{base}/rendez-vous/{appointment.public_id}/presence"),
        ("POST", f"{base}/rendez-vous/{appointment.public_id}/presence"),
        ("GET", f"{base}/rendez-vous/{appointment.public_id}/annuler"),
        ("POST", f"{base}/rendez-vous/{appointment.public_id}/annuler"),
    ]


def post_data(url: str) -> dict:
    """Valid data for the form behind a URL."""
    if url.endswith("/presence"):
        return {"attendance": "honore", "version": "1"}
    if "/rendez-vous/" in url:
        return appointment_form(version="1")
    return interview_form(version="1")


@pytest.mark.parametrize(("user_fixture", "expected"), [("other_referent", 404),
                                                        ("admin", 403)])
def test_forbidden_users_change_nothing(request, client, participant, pathway, user_fixture,
                                        expected):
    """A foreign référent gets 404 and the admin 403 on every route; denials are audited."""
    interview = factories.InterviewFactory(pathway=pathway)
    appointment = factories.AppointmentFactory(pathway=pathway,
                                               scheduled_on=paris_today() - timedelta(days=1))
    sign_in(client, request.getfixturevalue(user_fixture))
    before = snapshot()
    urls = route_urls(participant, interview, appointment)
    for method, url in urls:
        response = client.open(url, method=method,
                               data=post_data(url) if method == "POST" else None)
        assert response.status_code == expected, (method, url)
        assert "Dupré" not in response.get_data(as_text=True)
    assert snapshot() == before
    assert len(events("access.denied")) == len(urls)


def test_supervisor_may_act(client, supervisor, participant, pathway):
    """A supervisor reaches every form and may log an interview, as its author."""
    interview = factories.InterviewFactory(pathway=pathway)
    appointment = factories.AppointmentFactory(pathway=pathway,
                                               scheduled_on=paris_today() - timedelta(days=1))
    sign_in(client, supervisor)
    for method, url in route_urls(participant, interview, appointment):
        if method == "GET":
            assert client.get(url).status_code == 200, url
    response = client.post(f"{base_url(participant)}/nouveau", data=interview_form())
    assert response.status_code == 302
    assert interviews()[-1].author_id == supervisor.id


def test_records_of_another_participant_are_unreachable(as_referent, participant, referent):
    """A record id from another pathway, even of the same caseload, answers 404."""
    elsewhere = factories.PathwayFactory(participant=factories.ParticipantFactory(
        referent=referent))
    foreign_interview = factories.InterviewFactory(pathway=elsewhere)
    foreign_appointment = factories.AppointmentFactory(pathway=elsewhere)
    before = snapshot()
    for method, url in route_urls(participant, foreign_interview, foreign_appointment):
        if "nouveau" in url:
            continue
        response = as_referent.open(url, method=method,
                                    data=post_data(url) if method == "POST" else None)
        assert response.status_code == 404, (method, url)
    assert snapshot() == before


def test_anonymous_is_sent_to_login(client, participant, pathway):
    """Without a session, the forms redirect to the login page."""
    response = client.get(f"{base_url(participant)}/nouveau")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- Hostile input ---

def hostile_text() -> st.SearchStrategy:
    """Any text, HTML and control characters included, sometimes long."""
    return st.one_of(st.text(max_size=40), st.text(min_size=290, max_size=320),
                     st.sampled_from(["<script>alert(1)</script>", "\x00", "' OR 1=1 --",
                                      "<img src=http://evil.example/x>"]))


def date_text() -> st.SearchStrategy:
    """Dates a browser may send, and garbage."""
    return st.one_of(st.dates().map(lambda d: d.isoformat()),
                     st.integers(-500, 500).map(day), hostile_text())


def time_text() -> st.SearchStrategy:
    """Times a browser may send, and garbage."""
    return st.one_of(st.times().map(lambda t: t.strftime("%H:%M")), hostile_text())


def code(*valid: str) -> st.SearchStrategy:
    """One of the valid codes, or anything."""
    return st.one_of(st.sampled_from(valid), hostile_text())


def check_post(client, url: str, data: dict) -> None:
    """Post; never a 500, and a refused form leaves the stored records as they were."""
    before = snapshot()
    response = client.post(url, data=data)
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code != 302:
        assert snapshot() == before


@HOSTILE
@given(data=st.fixed_dictionaries({}, optional={
    "held_on": date_text(), "start_time": time_text(), "end_time": time_text(),
    "mode": code("presentiel", "telephone", "visio"), "kind": code("suivi", "bilan"),
    "topics": hostile_text(), "note": hostile_text(), "next_actions": hostile_text(),
    "next_appointment_on": date_text(), "next_appointment_time": time_text(),
    "next_appointment_purpose": hostile_text(), "version": hostile_text(),
}))
def test_hostile_interview_forms(as_referent, participant, pathway, data):
    """Random values on the interview forms (new and edit) never cause a 500."""
    interview = interviews()[0] if interviews() else factories.InterviewFactory(pathway=pathway)
    check_post(as_referent, f"{base_url(participant)}/nouveau", data)
    check_post(as_referent, f"{base_url(participant)}/{interview.public_id}/modifier", data)


@HOSTILE
@given(data=st.fixed_dictionaries({}, optional={
    "scheduled_on": date_text(), "scheduled_time": time_text(),
    "mode": code("presentiel", "visio"), "purpose": hostile_text(), "version": hostile_text(),
    "attendance": code("honore", "excuse", "absent", ""),
}))
def test_hostile_appointment_forms(as_referent, participant, pathway, data):
    """Random values on the appointment forms and the attendance never cause a 500."""
    past = factories.AppointmentFactory(pathway=pathway,
                                        scheduled_on=paris_today() - timedelta(days=1))
    base = f"{base_url(participant)}/rendez-vous"
    check_post(as_referent, f"{base}/nouveau", data)
    check_post(as_referent, f"{base}/{past.public_id}/modifier", data)
    check_post(as_referent, f"{base}/{past.public_id}/presence", data)
