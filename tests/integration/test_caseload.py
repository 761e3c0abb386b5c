"""The référent's home page "Mon portefeuille": rows, alerts and their actions, filters, sorts,
pages, the ceiling, the week's appointments, and a query count that does not grow."""

import html as html_lib
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine
from flask import url_for
from sqlalchemy import event

from app.caseload.actions import NOT_YOURS, Action, alert_action
from app.caseload.queries import (
    CaseloadFilters,
    caseload_page,
    current_caseload_page,
    filters_from_args,
    refresh_caseload,
    week_appointments,
)
from app.clock import PARIS, paris_today
from app.domain.dates import add_months
from app.extensions import db
from app.models import AuditEvent, PathwayProgress, RuleParameter
from app.models.fse import ExitFollowUp
from tests import factories
from tests.helpers import sign_in

# --- Building caseloads ----------------------------------------------------------------------


def follow_up(referent, last_name, first_name="Anne", *, contact_days_ago=7, step="REMOB",
              step_status="en_cours", step_ends_in=30, appointment_in=None,
              job_ends_in=None, **pathway):
    """A participant in pathway, entered about a year ago, kept up to date unless told.

    contact_days_ago=None: no interview; step=None: no step; appointment_in / job_ends_in:
    days from today of the next appointment / of a CDD's planned end.
    """
    today = paris_today()
    participant = factories.ParticipantFactory(referent=referent, last_name=last_name,
                                               first_name=first_name)
    record = factories.PathwayFactory(participant=participant, **pathway)
    if contact_days_ago is not None:
        factories.InterviewFactory(pathway=record, held_on=today - timedelta(contact_days_ago))
    if step:
        factories.StepFactory(pathway=record, type_code=step, status=step_status,
                              actual_start=None if step_status == "prevue" else
                              today - timedelta(days=20),
                              planned_start=today - timedelta(days=20),
                              planned_end=today + timedelta(days=step_ends_in))
    if appointment_in is not None:
        factories.AppointmentFactory(pathway=record,
                                     scheduled_on=today + timedelta(appointment_in),
                                     scheduled_time=time(14, 0), purpose="Suivi mensuel")
    if job_ends_in is not None:
        factories.EmploymentFactory(pathway=record, start_date=today - timedelta(days=60),
                                    planned_end=today + timedelta(job_ends_in))
    return participant


def without_pathway(referent, last_name, first_name="Anne"):
    """A participant recorded but not yet oriented."""
    return factories.ParticipantFactory(referent=referent, last_name=last_name,
                                        first_name=first_name)


def with_pathway(referent, last_name, first_name="Anne", **pathway):
    """A participant whose only pathway has the given fields (entered a year ago by default)."""
    participant = factories.ParticipantFactory(referent=referent, last_name=last_name,
                                               first_name=first_name)
    factories.PathwayFactory(participant=participant, **pathway)
    return participant


def exited(referent, last_name, category, validated=False):
    """A participant who left the PLIE three months ago (job-based exits on a CDI)."""
    today = paris_today()
    participant = factories.ParticipantFactory(referent=referent, last_name=last_name,
                                               first_name="Anne")
    record = factories.PathwayFactory(participant=participant)
    start = add_months(today, -3)
    job = factories.EmploymentFactory(pathway=record, contract_type="CDI", start_date=start,
                                      planned_end=None)
    record.exit_date = start + timedelta(days=3)
    record.exit_category = category
    record.exit_employment_id = job.id if category == "emploi_durable" else None
    record.exit_validated_on = today if validated else None
    db.session.commit()
    return participant


# --- Reading the page ------------------------------------------------------------------------


def home(client, **args) -> str:
    """The home page's HTML, with the given query arguments."""
    response = client.get("/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


ROW_NAME = re.compile(r'<th scope="row"[^>]*><a class="fw-semibold" href="[^"]+">([^<]+)</a>')


def rows(html: str) -> dict[str, str]:
    """Each table row's HTML by the name its link shows ("DUPRÉ Hélène")."""
    found = {}
    for chunk in html.split('data-testid="caseload-row"')[1:]:
        chunk = chunk.split("</tr>")[0]
        found[html_lib.unescape(ROW_NAME.search(chunk).group(1))] = chunk
    return found


def names(html: str) -> list[str]:
    """The last names shown in the table, in order."""
    return [name.split()[0] for name in rows(html)]


def cell(row: str, testid: str) -> str:
    """The text of one cell of a row, tags removed, spaces folded."""
    match = re.search(rf'data-testid="{testid}">(.*?)</td>', row, re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def actions(row: str) -> dict[str, str]:
    """Each alert kind of a row → the href of its action (or "" without a link)."""
    found = {}
    for block in row.split('data-testid="caseload-alert"')[1:]:
        kind = re.search(r'data-kind="(\w+)"', block).group(1)
        href = re.search(r'href="([^"]+)" data-testid="alert-action"', block.split("</div>")[0])
        found[kind] = html_lib.unescape(href.group(1)) if href else ""
    return found


def numeric(day) -> str:
    """A date as the table writes it."""
    return day.strftime("%d/%m/%Y")


# --- Rows ------------------------------------------------------------------------------------


def test_rows_show_status_step_milestone_contact_appointment_and_alerts(client, referent):
    today = paris_today()
    person = follow_up(referent, "Dupré", "Hélène", contact_days_ago=45, appointment_in=3,
                       job_ends_in=10, step_ends_in=-5)
    record = person.pathways[0]
    step = record.steps[0]
    job = record.employments[0]
    calm = follow_up(referent, "Calme", step="PROJ", step_status="prevue")
    sign_in(client, referent)
    shown = rows(home(client))

    row = shown["DUPRÉ Hélène"]
    assert f'href="/participants/{person.public_id}"' in row
    assert "En parcours" in row
    assert cell(row, "caseload-step") == "Remobilisation / redynamisation"
    assert cell(row, "caseload-milestone") == "Expérience professionnelle"
    assert cell(row, "caseload-contact") == f"{numeric(today - timedelta(45))} il y a 45 jours"
    assert cell(row, "caseload-appointment") == (f"{numeric(today + timedelta(3))} à 14:00 "
                                                 "Suivi mensuel")
    alerts = cell(row, "caseload-alerts")
    assert "Aucun entretien depuis plus de 30 jours" in alerts
    assert f"en retard depuis le {numeric(today - timedelta(15))}" in alerts
    assert "Étape arrivée à échéance sans résultat" in alerts
    assert "Contrat qui se termine bientôt" in alerts
    assert f"échéance le {numeric(today + timedelta(10))}" in alerts
    base = f"/participants/{person.public_id}"
    assert actions(row) == {
        "no_contact": f"{base}/entretiens/nouveau",
        "step_overdue": f"{base}/etapes/{step.public_id}/modifier",
        "contract_ending": f"{base}/emploi/{job.public_id}/modifier",
    }
    assert "Saisir un entretien" in row
    assert "Renseigner le résultat de l'étape" in html_lib.unescape(row)

    row = shown["CALME Anne"]
    assert cell(row, "caseload-step") == "Projet professionnel / orientation prévue"
    assert cell(row, "caseload-appointment") == "Aucun"
    assert cell(row, "caseload-alerts") == "Aucune"
    assert f'href="/participants/{calm.public_id}"' in row


def test_alert_labels_follow_the_rule_parameters(client, referent):
    """The 30 days of the label are the parameter in force, not a fixed number."""
    db.session.add(RuleParameter(key="contact_max_days", value=Decimal(21),
                                 effective_from=paris_today() - timedelta(days=1)))
    db.session.commit()
    follow_up(referent, "Silence", contact_days_ago=25)
    sign_in(client, referent)
    row = rows(home(client))["SILENCE Anne"]
    assert "Aucun entretien depuis plus de 21 jours" in row


def test_no_step_and_pathway_length_alerts_have_their_actions(client, referent):
    person = follow_up(referent, "Longtemps", step=None,
                       orientation_date=paris_today() - timedelta(days=800))
    sign_in(client, referent)
    row = rows(home(client))["LONGTEMPS Anne"]
    base = f"/participants/{person.public_id}"
    assert actions(row) == {"no_step": f"{base}/etapes/nouvelle",
                            "pathway_warning": f"{base}/parcours/sortie"}
    assert "Aucune étape depuis plus de 90 jours" in row
    assert "Parcours de plus de 24 mois" in row
    assert cell(row, "caseload-step") == "Aucune étape"


def test_exit_validation_is_left_to_a_supervisor(client, app, referent):
    """A référent sees who validates; the supervisor's reuse of caseload_page gets the link."""
    today = paris_today()
    participant = factories.ParticipantFactory(referent=referent, last_name="Valide",
                                               first_name="Anne")
    record = factories.PathwayFactory(participant=participant)
    start = add_months(today, -6)
    job = factories.EmploymentFactory(pathway=record, contract_type="CDI", start_date=start,
                                      planned_end=None)
    record.exit_date = start + timedelta(days=3)
    record.exit_category = "emploi_durable"
    record.exit_employment_id = job.id
    # The FSE+ situation at exit is on record: only the validation is left to do.
    db.session.add(ExitFollowUp(pathway=record, exit_situation="employed",
                                exit_contract_type="CDI", exit_situation_on=record.exit_date))
    db.session.commit()
    sign_in(client, referent)
    row = rows(home(client))["VALIDE Anne"]
    assert actions(row) == {"validation_due": ""}
    assert "À valider par un(e) chargé(e) de mission" in row
    assert "sortie provisoire" in row

    with app.test_request_context():
        page = caseload_page(referent.id, CaseloadFilters(), today, 1, validates_exits=True)
    (item,) = page.items
    assert [(a.kind, a.action.url) for a in item.alerts] == [
        ("validation_due", f"/participants/{participant.public_id}/progression/valider-sortie")]


def test_alert_action_falls_back_to_the_file(app):
    """A record gone since the evaluation, or a kind nobody maps, leads to the file."""
    file = "/participants/abc#progression"
    with app.test_request_context():
        assert alert_action("step_overdue", "step", 7, "abc", {}, {}) == Action(
            "Ouvrir le dossier", file)
        assert alert_action("contract_ending", "job", 7, "abc", {}, {8: "x"}) == Action(
            "Ouvrir le dossier", file)
        assert alert_action("nouvelle_alerte", "", None, "abc", {}, {}) == Action(
            "Ouvrir le dossier", file)
        assert alert_action("step_overdue", "step", 7, "abc", {7: "s1"}, {}).url == (
            "/participants/abc/etapes/s1/modifier")
        assert alert_action("validation_due", "", None, "abc", {}, {}) == Action(NOT_YOURS,
                                                                                 None)


def test_active_means_not_refused_nor_exited_except_exits_awaiting_validation(client, referent):
    without_pathway(referent, "Nouveau")
    with_pathway(referent, "Oriente", decision="", decision_date=None, contract_signed_on=None,
                 entry_date=None)
    with_pathway(referent, "Accepte", entry_date=None)
    with_pathway(referent, "Ajourne", decision="postponed", contract_signed_on=None,
                 entry_date=None)
    with_pathway(referent, "Refuse", decision="refused", contract_signed_on=None,
                 entry_date=None)
    exited(referent, "Abandon", "abandon")
    exited(referent, "Provisoire", "emploi_durable")
    exited(referent, "Validee", "emploi_durable", validated=True)
    follow_up(referent, "Parcours")
    sign_in(client, referent)
    html = home(client)
    shown = rows(html)
    assert sorted(names(html)) == ["ACCEPTE", "AJOURNE", "NOUVEAU", "ORIENTE", "PARCOURS",
                                   "PROVISOIRE"]
    assert "Aucun parcours" in shown["NOUVEAU Anne"]
    assert "Orientation reçue" in shown["ORIENTE Anne"]
    assert "Entrée acceptée, contrat à signer" in shown["ACCEPTE Anne"]
    assert "Décision ajournée" in shown["AJOURNE Anne"]
    assert "Sorti(e)" in shown["PROVISOIRE Anne"]
    assert "6 / 70" in html
    figures = re.search(r'data-testid="caseload-summary">(.*?)</ul>', html, re.S).group(1)
    assert "1 sortie provisoire à suivre" in figures


def test_current_pathway_is_the_latest_one(client, referent):
    """An old exited pathway does not hide the new one, nor the other way round."""
    participant = factories.ParticipantFactory(referent=referent, last_name="Retour",
                                               first_name="Anne")
    old = factories.PathwayFactory(participant=participant,
                                   orientation_date=paris_today() - timedelta(days=900))
    old.exit_date = old.entry_date + timedelta(days=200)
    old.exit_category = "abandon"
    factories.PathwayFactory(participant=participant, decision="", decision_date=None,
                             contract_signed_on=None, entry_date=None,
                             orientation_date=paris_today() - timedelta(days=5))
    gone = factories.ParticipantFactory(referent=referent, last_name="Parti", first_name="Anne")
    factories.PathwayFactory(participant=gone, orientation_date=paris_today() - timedelta(900))
    latest = factories.PathwayFactory(participant=gone,
                                      orientation_date=paris_today() - timedelta(days=300))
    latest.exit_date = paris_today() - timedelta(days=10)
    latest.exit_category = "demenagement"
    db.session.commit()
    sign_in(client, referent)
    html = home(client)
    assert names(html) == ["RETOUR"]
    assert "Orientation reçue" in rows(html)["RETOUR Anne"]


# --- Filters, sorts, pages -------------------------------------------------------------------


@pytest.fixture
def mixed(referent):
    """Four people: alerts or not, steps of different types or none, one in orientation."""
    follow_up(referent, "Alerte", contact_days_ago=50)
    follow_up(referent, "Formation", step="FORM_Q")
    follow_up(referent, "Sansetape", step=None, contact_days_ago=3,
              orientation_date=paris_today() - timedelta(days=60))
    with_pathway(referent, "Orientation", decision="", decision_date=None,
                 contract_signed_on=None, entry_date=None)
    return referent


@pytest.mark.parametrize(("args", "expected"), [
    ({}, ["ALERTE", "FORMATION", "ORIENTATION", "SANSETAPE"]),
    ({"alertes": "1"}, ["ALERTE"]),
    ({"sans_etape": "1"}, ["SANSETAPE"]),
    ({"statut": "orientation"}, ["ORIENTATION"]),
    ({"statut": "in_pathway"}, ["ALERTE", "FORMATION", "SANSETAPE"]),
    ({"etape": "FORM_Q"}, ["FORMATION"]),
    ({"etape": "REMOB"}, ["ALERTE"]),
    ({"q": "formàtion"}, ["FORMATION"]),
    ({"q": "ann sans"}, ["SANSETAPE"]),
    ({"q": "personne"}, []),
    ({"statut": "in_pathway", "etape": "FORM_Q", "alertes": "1"}, []),
    ({"statut": "inconnu", "etape": "XYZ", "tri": "n-importe"},
     ["ALERTE", "FORMATION", "ORIENTATION", "SANSETAPE"]),
])
def test_each_filter_narrows_the_table(client, mixed, args, expected):
    sign_in(client, mixed)
    html = home(client, **{"tri": "nom", **args})
    assert names(html) == expected
    if args and expected == []:
        assert 'data-testid="caseload-empty"' in html


def test_filters_are_shown_back_in_the_form(client, mixed):
    sign_in(client, mixed)
    html = home(client, q="alerte", alertes="1", statut="in_pathway", etape="REMOB", tri="rdv")
    assert 'id="caseload-q" name="q" value="alerte"' in html
    assert 'name="alertes" value="1" checked' in html
    assert '<option value="in_pathway" selected>' in html
    assert '<option value="REMOB" selected>' in html
    assert '<option value="rdv" selected>' in html
    assert "1 participant sur 4 correspond aux filtres." in html


def test_summary_counts_ignore_the_filters(client, mixed):
    sign_in(client, mixed)
    html = home(client, q="formation")
    figures = re.search(r'data-testid="caseload-summary">(.*?)</ul>', html, re.S).group(1)
    assert "1 avec alerte" in figures
    assert "1 en parcours sans étape" in figures
    assert "0 sortie provisoire à suivre" in figures
    assert "4 / 70" in html


@pytest.fixture
def sortable(referent):
    """Three people in pathway and one in orientation, differing in every sorted column."""
    follow_up(referent, "Bernard", contact_days_ago=40, appointment_in=10)  # 1 alert
    follow_up(referent, "Andre", contact_days_ago=60, step=None, appointment_in=2)  # 2 alerts
    follow_up(referent, "Charles", contact_days_ago=2)  # no alert
    with_pathway(referent, "Zoe", decision="", decision_date=None, contract_signed_on=None,
                 entry_date=None)
    return referent


@pytest.mark.parametrize(("sort", "expected"), [
    # Most urgent: the alert due first (the oldest), then those without alert by name.
    ("", ["ANDRE", "BERNARD", "CHARLES", "ZOE"]),
    ("nom", ["ANDRE", "BERNARD", "CHARLES", "ZOE"]),
    ("statut", ["ZOE", "ANDRE", "BERNARD", "CHARLES"]),
    ("contact", ["ZOE", "ANDRE", "BERNARD", "CHARLES"]),
    ("rdv", ["ANDRE", "BERNARD", "CHARLES", "ZOE"]),
    ("alertes", ["ANDRE", "BERNARD", "CHARLES", "ZOE"]),
])
def test_sorts(client, sortable, sort, expected):
    sign_in(client, sortable)
    assert names(home(client, tri=sort)) == expected


def test_default_sort_puts_the_oldest_due_alert_first(client, referent):
    follow_up(referent, "Aaron")
    follow_up(referent, "Recent", contact_days_ago=35)
    follow_up(referent, "Ancien", contact_days_ago=90)
    sign_in(client, referent)
    assert names(home(client)) == ["ANCIEN", "RECENT", "AARON"]
    assert names(home(client, tri="alertes")) == ["ANCIEN", "RECENT", "AARON"]


def test_pages_of_25_keep_the_filters(client, referent):
    for number in range(30):
        without_pathway(referent, f"Personne{number:02d}")
    without_pathway(referent, "Autre")
    sign_in(client, referent)
    first = home(client, q="personne", tri="nom")
    assert names(first) == [f"PERSONNE{n:02d}" for n in range(25)]
    assert "Page 1 sur 2" in first
    assert 'href="/?q=personne&amp;tri=nom&amp;page=2">Suivante' in first
    second = home(client, q="personne", tri="nom", page="2")
    assert names(second) == [f"PERSONNE{n:02d}" for n in range(25, 30)]
    assert 'href="/?q=personne&amp;tri=nom">Précédente' in second
    assert names(home(client, q="personne", tri="nom", page="99")) == names(second)
    assert names(home(client, q="personne", tri="nom", page="x")) == names(first)


# --- Ceiling ---------------------------------------------------------------------------------


def test_count_against_the_ceiling(client, referent):
    follow_up(referent, "Un")
    sign_in(client, referent)
    html = home(client)
    assert re.search(r"<strong>1 / 70</strong> participant actif\s", html)
    assert "Plafond" not in html
    referent.caseload_ceiling = 1
    db.session.commit()
    assert "Plafond atteint" in home(client)
    follow_up(referent, "Deux")
    without_pathway(referent, "Trois")
    html = home(client)
    assert "<strong>3 / 1</strong> participants actifs" in html
    assert "caseload-over" in html
    assert "Plafond dépassé de 2" in html


def test_ceiling_falls_back_to_the_rule_parameter(client, referent):
    """A référent without a ceiling of their own is held to the PLIE's rule."""
    db.session.add(RuleParameter(key="caseload_ceiling", value=Decimal(60),
                                 effective_from=paris_today() - timedelta(days=1)))
    referent.caseload_ceiling = 0
    db.session.commit()
    without_pathway(referent, "Un")
    sign_in(client, referent)
    assert "<strong>1 / 60</strong>" in home(client)


# --- The week's appointments -----------------------------------------------------------------

WEDNESDAY = datetime(2026, 5, 13, 10, 0, tzinfo=PARIS)


def test_week_appointments_monday_to_sunday_with_attendance_links(client, referent,
                                                                   other_referent):
    with time_machine.travel(WEDNESDAY, tick=False):
        today = paris_today()
        person = follow_up(referent, "Semaine")
        record = person.pathways[0]

        def plan(offset, hour, purpose, attendance=""):
            return factories.AppointmentFactory(
                pathway=record, scheduled_on=today + timedelta(offset),
                scheduled_time=hour and time(hour, 0), purpose=purpose, attendance=attendance)

        plan(-3, 9, "Dimanche dernier")
        monday = plan(-2, 9, "Lundi passé")
        plan(-1, 10, "Mardi honoré", attendance="honore")
        today_one = plan(0, None, "Aujourd'hui sans heure")
        plan(4, 11, "Dimanche")
        plan(5, 9, "Lundi prochain")
        foreign = follow_up(other_referent, "Ailleurs")
        factories.AppointmentFactory(pathway=foreign.pathways[0], scheduled_on=today,
                                     purpose="Pas le mien")
        sign_in(client, referent)
        html = home(client)

        week = re.search(r'data-testid="week-appointments">(.*?)</ul>', html, re.S).group(1)
        items = [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", item)).split())
                 for item in week.split('data-testid="week-appointment">')[1:]]
        assert [item.split(" SEMAINE")[0] for item in items] == [
            "Lundi 11 mai à 09:00", "Mardi 12 mai à 10:00", "Mercredi 13 mai aujourd'hui",
            "Dimanche 17 mai à 11:00"]
        assert "Présence : Honoré" in items[1]
        assert "Du lundi 11 mai au dimanche 17 mai 2026." in html
        base = f"/participants/{person.public_id}/entretiens/rendez-vous"
        links = re.findall(r'href="([^"]+)" data-testid="record-attendance"', week)
        assert links == [f"{base}/{monday.public_id}/presence",
                         f"{base}/{today_one.public_id}/presence"]
        assert "Pas le mien" not in html and "Dimanche dernier" not in html
        assert "Rendez-vous de la semaine (4)" in html
        # The next appointment of the row is today's (no hour comes first).
        row = rows(html)["SEMAINE Anne"]
        assert cell(row, "caseload-appointment") == "13/05/2026 Aujourd'hui sans heure"


def test_week_appointments_function(app, referent):
    with time_machine.travel(WEDNESDAY, tick=False), app.test_request_context("/"):
        follow_up(referent, "Semaine", appointment_in=1)
        week = week_appointments(referent.id, paris_today())
        (appointment,) = week.appointments
        assert appointment.url == url_for("participants.show",
                                          public_id=appointment.participant_public_id)
        assert appointment.attendance_url == url_for(
            "interviews.attendance", public_id=appointment.participant_public_id,
            appointment_id=appointment.public_id)
    assert (week.start.isoformat(), week.end.isoformat()) == ("2026-05-11", "2026-05-17")
    assert [(a.last_name, a.purpose, a.can_record_attendance) for a in week.appointments] == [
        ("Semaine", "Suivi mensuel", False)]


# --- Who sees what ---------------------------------------------------------------------------


def test_another_referents_participants_never_appear(client, referent, other_referent):
    follow_up(referent, "Mienne")
    follow_up(other_referent, "Etranger", contact_days_ago=80, appointment_in=0)
    without_pathway(other_referent, "Etrangere")
    sign_in(client, referent)
    for args in ({}, {"q": "etranger"}, {"alertes": "1"}, {"statut": "none"}):
        html = home(client, **args)
        assert "ETRANGER" not in html
        assert "Etranger" not in html
    assert "1 / 70" in home(client)


def test_supervisor_and_admin_have_their_own_homes(client, supervisor, admin):
    sign_in(client, supervisor)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/supervision"
    sign_in(client, admin)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin"


def test_listing_is_audited(client, referent):
    follow_up(referent, "Un")
    sign_in(client, referent)
    home(client, q="un", alertes="1")
    event_ = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "participant.list")).one()
    assert event_.user_id == referent.id
    assert '"scope": "caseload"' in event_.detail
    assert '"query": "un"' in event_.detail


# --- The stored evaluations ------------------------------------------------------------------


def test_rows_evaluated_before_today_are_refreshed(client, referent):
    person = follow_up(referent, "Oubli", contact_days_ago=40)
    db.session.execute(sa.update(PathwayProgress).values(
        evaluated_on=paris_today() - timedelta(days=1), alerts=[], alert_count=0,
        alert_kinds="", first_alert_due=None))
    db.session.commit()
    sign_in(client, referent)
    assert "Aucun entretien depuis plus de 30" in rows(home(client))["OUBLI Anne"]
    stored = db.session.scalar(sa.select(PathwayProgress).where(
        PathwayProgress.participant_id == person.id))
    db.session.refresh(stored)
    assert stored.evaluated_on == paris_today()
    assert stored.alert_count == 1


def test_stale_rows_are_refreshed_behind_a_filter_too(client, referent):
    """A filtered list counts its stale rows with the summary query, and refreshes them."""
    follow_up(referent, "Oubli", contact_days_ago=40)
    db.session.execute(sa.update(PathwayProgress).values(
        evaluated_on=None, alerts=[], alert_count=0, alert_kinds="", first_alert_due=None))
    db.session.commit()
    sign_in(client, referent)
    assert "Aucun entretien depuis plus de 30" in rows(home(client, alertes="1"))["OUBLI Anne"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PathwayProgress).where(
        sa.or_(PathwayProgress.evaluated_on.is_(None),
               PathwayProgress.evaluated_on < paris_today()))) == 0


def test_a_fresh_caseload_is_read_without_refreshing(app, referent):
    """Rows evaluated today are read as they are: nothing is evaluated again."""
    follow_up(referent, "Fraîche")
    today = paris_today()
    with app.test_request_context():
        page = current_caseload_page(referent.id, CaseloadFilters(), today, 1)
        assert page.stale_count == 0
        db.session.execute(sa.update(PathwayProgress).values(evaluated_on=None))
        assert caseload_page(referent.id, CaseloadFilters(), today, 1).stale_count == 1
        assert current_caseload_page(referent.id, CaseloadFilters(), today, 1).stale_count == 0


def test_caseload_page_does_not_depend_on_the_logged_in_user(app, referent, other_referent):
    follow_up(referent, "Mienne")
    follow_up(other_referent, "Autre")
    today = paris_today()
    with app.test_request_context():
        assert refresh_caseload(referent.id, today) == 0
        page = caseload_page(referent.id, CaseloadFilters(sort="nom"), today, 1)
    assert [row.last_name for row in page.items] == ["Mienne"]
    assert (page.total, page.active_count, page.ceiling, page.pages) == (1, 1, 70, 1)


def test_filters_from_args():
    assert filters_from_args({}) == CaseloadFilters()
    filters = filters_from_args({"q": "  Hélène   Dupré ", "alertes": "1", "sans_etape": "on",
                                 "statut": "accepted", "etape": "PMSMP", "tri": "contact"})
    assert filters == CaseloadFilters("Hélène Dupré", True, True, "accepted", "PMSMP",
                                      "contact")
    assert filters.args(page=3) == {"q": "Hélène Dupré", "alertes": "1", "sans_etape": "1",
                                    "statut": "accepted", "etape": "PMSMP", "tri": "contact",
                                    "page": "3"}
    assert filters_from_args(filters.args()) == filters
    assert filters_from_args({"statut": "refused", "etape": "X", "tri": "y"}) == CaseloadFilters()
    assert len(filters_from_args({"q": "a" * 500}).text) == 100


# --- Query count -----------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_caseload(client, referent):
    """3 or 30 people, each with a step, a contract, interviews and an appointment: the page
    sends as many statements (after the first request of the day refreshed the rows)."""
    statements = []

    def count_statement(_conn, _cursor, statement, *_args):
        """Record every statement sent to the database."""
        statements.append(statement)

    def people(count, start):
        for number in range(start, start + count):
            person = follow_up(referent, f"Personne{number:02d}", contact_days_ago=40,
                               appointment_in=number % 5, job_ends_in=5 + number % 7,
                               step_ends_in=-3)
            factories.InterviewFactory(pathway=person.pathways[0],
                                       held_on=paris_today() - timedelta(days=100))
            factories.BarrierFactory(pathway=person.pathways[0])

    def statements_for_page() -> int:
        client.get("/")  # the first request of the day refreshes what is stale
        statements.clear()
        assert client.get("/").status_code == 200
        return len(statements)

    sign_in(client, referent)
    people(3, 0)
    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        with_three = statements_for_page()
        people(27, 3)
        db.session.execute(sa.update(PathwayProgress).values(evaluated_on=None))
        db.session.commit()
        with_thirty = statements_for_page()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    assert with_three == with_thirty
    print(f"caseload home: {with_thirty} statements")
