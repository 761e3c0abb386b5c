"""Employment episodes (contracts) and intérim missions: forms, rules, section, rights, audit."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, Employment, Mission, Pathway, Step
from app.pathway.employment import mission_totals, within_pathway
from tests import factories
from tests.helpers import day, sign_in

# Requests reuse the test's application context; without this, `g` would keep the previous
# request's user when a test switches from one user to another.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")

VALID_SIRET = "73282932000074"
BAD_CHECK_DIGIT_SIRET = "73282932000075"


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
    """The prefix of the employment routes of a participant."""
    return f"/participants/{participant.public_id}/emploi"


def cdi_form(**changes) -> dict:
    """Valid data of a CDI started 60 days ago."""
    data = {
        "contract_type": "CDI",
        "employer": "Boulangerie Martin",
        "siret": "",
        "job_title": "Vendeuse",
        "rome_code": "",
        "start_date": day(-60),
        "planned_end": "",
        "actual_end": "",
        "weekly_hours": "35",
    }
    data.update(changes)
    return data


def employments() -> list[Employment]:
    """Every stored employment episode, freshly read."""
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Employment).order_by(Employment.id)))


def count(model) -> int:
    """How many rows the model's table holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ))


def page(client, participant) -> str:
    """The participant page's HTML."""
    response = client.get(f"/participants/{participant.public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str) -> str:
    """The Emploi section of the participant page."""
    start = html.index('<section id="emploi"')
    return html[start:html.index("</section>", start)]


# Creating valid episodes


def test_empty_section_offers_to_add(as_referent, participant):
    """With no contract, the section says so and offers the add button."""
    html = section(page(as_referent, participant))
    assert '<h2 class="h4" id="emploi-titre">Emploi</h2>' in html
    assert "Aucun contrat n'est enregistré pour ce parcours." in html
    assert f'href="{base_url(participant)}/nouveau"' in html


def test_new_form_renders(as_referent, participant):
    """The add form shows every field, labelled in French, with contract types to choose."""
    response = as_referent.get(f"{base_url(participant)}/nouveau")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for label in ("Type de contrat", "Employeur", "SIRET de l&#39;employeur", "Poste occupé",
                  "Code ROME", "Date de début", "Date de fin prévue", "Date de fin effective",
                  "Durée hebdomadaire (heures)"):
        assert label in html
    assert '<option value="INTERIM">Intérim (missions)</option>' in html
    assert 'name="version"' in html


def test_create_cdi(as_referent, participant, referent):
    """A valid CDI is saved with a clean SIRET and ROME code, audited, listed as current."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(
        siret="732 829 320 00074", rome_code="k2204", weekly_hours="17,5",
        employer="  Boulangerie Martin  "))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{participant.public_id}#emploi")
    [job] = employments()
    assert (job.contract_type, job.employer, job.siret, job.rome_code) == (
        "CDI", "Boulangerie Martin", VALID_SIRET, "K2204")
    assert job.weekly_hours == Decimal("17.5")
    assert job.start_date == paris_today() - timedelta(days=60)
    assert job.planned_end is None and job.actual_end is None
    [event] = events("employment.create")
    assert (event.target_type, event.target_id, event.user_id) == (
        "participant", participant.public_id, referent.id)
    assert json.loads(event.detail)["employment"] == job.public_id
    html = section(page(as_referent, participant))
    assert "Boulangerie Martin" in html and "Vendeuse" in html and "(ROME K2204)" in html
    assert "17,5 h" in html
    assert "en cours" in html
    assert "depuis le" in html
    assert "Aucun contrat" not in html


def test_create_cdd_shows_french_dates(as_referent, participant):
    """A CDD with its planned end is saved and shown with French dates."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(
        contract_type="CDD", start_date=day(-300), planned_end=day(30)))
    assert response.status_code == 302
    [job] = employments()
    assert job.contract_type == "CDD"
    assert job.planned_end == paris_today() + timedelta(days=30)
    html = section(page(as_referent, participant))
    start, end = (paris_today() + timedelta(days=n) for n in (-300, 30))
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]
    assert (f"du {start.day} {months[start.month - 1]} {start.year} au "
            f"{end.day} {months[end.month - 1]} {end.year}") in html
    assert "(fin prévue)" in html
    assert "en cours" in html


def test_ended_contract_has_no_current_badge(as_referent, participant):
    """A contract whose actual end has passed is not 'en cours'."""
    as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(
        contract_type="CDD", start_date=day(-200), planned_end=day(-20), actual_end=day(-30)))
    assert len(employments()) == 1
    html = section(page(as_referent, participant))
    assert "en cours" not in html
    assert "fin prévue le" in html


def test_create_interim_with_missions(as_referent, participant, referent):
    """An intérim episode takes missions; the section lists them with total hours and days."""
    as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(
        contract_type="INTERIM", employer="Adecco Tours", start_date=day(-90),
        weekly_hours=""))
    [job] = employments()
    missions_url = f"{base_url(participant)}/{job.public_id}/missions/nouvelle"
    form_page = as_referent.get(missions_url)
    assert form_page.status_code == 200
    assert "Intérim chez Adecco Tours" in form_page.get_data(as_text=True)
    first = as_referent.post(missions_url, data={
        "start_date": day(-90), "end_date": day(-77), "hours": "70", "employer": "Rougier BTP"})
    second = as_referent.post(missions_url, data={
        "start_date": day(-40), "end_date": day(-36), "hours": "35,5", "employer": ""})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("#emploi")
    missions = list(db.session.scalars(sa.select(Mission).order_by(Mission.start_date)))
    assert [(m.hours, m.employer, m.employment_id) for m in missions] == [
        (Decimal("70"), "Rougier BTP", job.id), (Decimal("35.5"), "", job.id)]
    created = events("mission.create")
    assert len(created) == 2
    assert all(e.target_id == participant.public_id and e.user_id == referent.id
               for e in created)
    html = section(page(as_referent, participant))
    assert "Intérim (missions)" in html and "Adecco Tours" in html
    assert html.count('data-testid="mission-row"') == 2
    assert "Rougier BTP" in html
    assert "105,5 h travaillées sur 19 jours de mission" in html
    assert f'href="{missions_url}"' in html


def test_mission_totals_count_overlapping_days_once():
    """Days worked are distinct calendar days: overlapping missions are not counted twice."""
    missions = [
        Mission(start_date=date(2026, 1, 1), end_date=date(2026, 1, 10), hours=Decimal(50)),
        Mission(start_date=date(2026, 1, 5), end_date=date(2026, 1, 12), hours=Decimal(20)),
        Mission(start_date=date(2026, 1, 6), end_date=date(2026, 1, 7), hours=None),
        Mission(start_date=date(2026, 2, 1), end_date=date(2026, 2, 1), hours=Decimal("7.5")),
    ]
    totals = mission_totals(missions)
    assert totals.hours == Decimal("77.5")
    assert totals.days == 13
    assert mission_totals([]).days == 0


def test_section_is_chronological(as_referent, participant, pathway):
    """Episodes are listed from the oldest to the newest, whatever the order of entry."""
    factories.EmploymentFactory(pathway=pathway, employer="Deuxième", start_date=date(2025, 9, 1))
    factories.EmploymentFactory(pathway=pathway, employer="Premier", start_date=date(2025, 3, 1))
    html = section(page(as_referent, participant))
    assert html.index("Premier") < html.index("Deuxième")
    assert html.count('data-testid="employment-row"') == 2


# Refused episodes: each rule, with its French message, and nothing saved


INVALID_EMPLOYMENTS = [
    ("end_before_start", {"contract_type": "CDD", "start_date": day(-60),
                          "planned_end": day(-70)},
     "La date de fin précède la date de début."),
    ("actual_end_before_start", {"actual_end": day(-61)},
     "La date de fin précède la date de début."),
    ("cdd_without_planned_end", {"contract_type": "CDD"},
     "Un contrat à durée déterminée a une date de fin prévue."),
    ("cdi_with_planned_end", {"planned_end": day(100)},
     "Un CDI ou une création d&#39;activité n&#39;a pas de fin prévue."),
    ("weekly_hours_50", {"weekly_hours": "50"},
     "La durée hebdomadaire ne peut pas dépasser 48 heures."),
    ("weekly_hours_0", {"weekly_hours": "0"}, "La durée hebdomadaire doit être positive."),
    ("weekly_hours_two_decimals", {"weekly_hours": "17,25"}, "au plus une décimale"),
    ("weekly_hours_not_a_number", {"weekly_hours": "beaucoup"}, "weekly_hours"),
    ("siret_check_digit", {"siret": BAD_CHECK_DIGIT_SIRET}, "Numéro SIRET invalide"),
    ("siret_too_short", {"siret": "7328293200"}, "Numéro SIRET invalide"),
    ("bad_rome_code", {"rome_code": "Z12"}, "Code ROME invalide"),
    ("rome_code_too_long", {"rome_code": "K22045"}, "Code ROME invalide"),
    ("start_before_orientation", {"start_date": day(-500)},
     "Cette date précède l&#39;orientation vers le PLIE"),
    ("no_employer", {"employer": "   "}, "Indiquez l&#39;employeur."),
    ("no_contract_type", {"contract_type": ""}, "Choisissez le type de contrat."),
    ("unknown_contract_type", {"contract_type": "FREELANCE"}, "contract_type"),
    ("no_start", {"start_date": ""}, "Indiquez la date de début."),
    ("control_character", {"job_title": "Vendeuse\x07"}, "caractères non autorisés"),
]


@pytest.mark.parametrize(("changes", "message"),
                         [case[1:] for case in INVALID_EMPLOYMENTS],
                         ids=[case[0] for case in INVALID_EMPLOYMENTS])
def test_invalid_employment_is_refused(as_referent, participant, changes, message):
    """Each broken rule answers 400 with its French message; nothing is saved or audited."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le formulaire contient" in html
    if message in ("weekly_hours", "contract_type"):
        # WTForms' own message: the field is flagged, whatever the wording.
        assert f'id="{message}-err"' in html
    else:
        assert message in html
    assert count(Employment) == 0
    assert events("employment.create") == []


def test_all_problems_show_at_once(as_referent, participant):
    """A form error does not hide the rule problems of other fields."""
    response = as_referent.post(f"{base_url(participant)}/nouveau", data=cdi_form(
        employer="", weekly_hours="50", rome_code="123"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Indiquez l&#39;employeur." in html
    assert "ne peut pas dépasser 48 heures" in html
    assert html.count("Code ROME invalide") == 1


def test_dates_after_exit_are_refused():
    """Within the pathway: no date before the orientation nor after the exit."""
    pathway = Pathway(orientation_date=date(2025, 1, 10), exit_date=date(2026, 1, 31))
    problems = within_pathway(pathway, {"start_date": date(2025, 1, 9),
                                        "planned_end": date(2026, 2, 1),
                                        "actual_end": date(2026, 1, 31), "other": None})
    assert set(problems) == {"start_date", "planned_end"}
    assert "orientation" in problems["start_date"] and "10/01/2025" in problems["start_date"]
    assert "sortie du parcours (31/01/2026)" in problems["planned_end"]


# Missions


@pytest.fixture
def interim(pathway):
    """An intérim episode started 90 days ago, ended 10 days ago."""
    return factories.EmploymentFactory(
        pathway=pathway, contract_type="INTERIM", employer="Adecco Tours", planned_end=None,
        start_date=paris_today() - timedelta(days=90),
        actual_end=paris_today() - timedelta(days=10), weekly_hours=None)


INVALID_MISSIONS = [
    ("before_episode_start", {"start_date": day(-95), "end_date": day(-85)},
     "La mission commence avant le début de l&#39;épisode d&#39;intérim."),
    ("absurd_hours", {"start_date": day(-80), "end_date": day(-79), "hours": "200"},
     "200 heures en 2 jour(s) : c&#39;est plus de 10 h par jour."),
    ("zero_hours", {"hours": "0"}, "Le nombre d&#39;heures doit être positif."),
    ("huge_hours", {"hours": "1e9"}, "9999 heures au plus par mission."),
    ("end_before_start", {"start_date": day(-60), "end_date": day(-70)},
     "La date de fin précède la date de début."),
    ("after_episode_end", {"start_date": day(-20), "end_date": day(-5)},
     "La mission se termine après la fin de l&#39;épisode"),
    ("no_hours", {"hours": ""}, "Indiquez le nombre d&#39;heures travaillées."),
    ("no_dates", {"start_date": "", "end_date": ""}, "Indiquez le début de la mission."),
]


@pytest.mark.parametrize(("changes", "message"), [case[1:] for case in INVALID_MISSIONS],
                         ids=[case[0] for case in INVALID_MISSIONS])
def test_invalid_mission_is_refused(as_referent, participant, interim, changes, message):
    """Each broken mission rule answers 400 with its French message; nothing is saved."""
    data = {"start_date": day(-80), "end_date": day(-70), "hours": "70", "employer": ""}
    data.update(changes)
    response = as_referent.post(
        f"{base_url(participant)}/{interim.public_id}/missions/nouvelle", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Mission) == 0
    assert events("mission.create") == []


def test_missions_only_for_interim(as_referent, participant, pathway):
    """A CDD has no missions: the mission form sends back to the file."""
    job = factories.EmploymentFactory(pathway=pathway)
    url = f"{base_url(participant)}/{job.public_id}/missions/nouvelle"
    assert as_referent.get(url).status_code == 302
    response = as_referent.post(url, data={"start_date": day(-80), "end_date": day(-70),
                                           "hours": "70"})
    assert response.status_code == 302
    assert count(Mission) == 0
    html = section(page(as_referent, participant))
    assert "Ajouter une mission" not in html


def test_interim_with_missions_keeps_covering_them(as_referent, participant, interim):
    """An episode holding missions cannot change type, start later or end earlier than them."""
    factories.MissionFactory(employment=interim, start_date=interim.start_date + timedelta(5),
                             end_date=interim.start_date + timedelta(20))
    url = f"{base_url(participant)}/{interim.public_id}/modifier"
    base = cdi_form(contract_type="INTERIM", employer="Adecco Tours",
                    start_date=interim.start_date.isoformat(),
                    actual_end=interim.actual_end.isoformat(), weekly_hours="",
                    version=str(interim.version))
    for changes, message in [
        ({"contract_type": "CDI"}, "supprimez-les avant de changer le type de contrat"),
        ({"start_date": (interim.start_date + timedelta(6)).isoformat()},
         "Une mission commence plus tôt"),
        ({"actual_end": (interim.start_date + timedelta(19)).isoformat()},
         "Une mission se termine plus tard"),
    ]:
        response = as_referent.post(url, data={**base, **changes})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert employments()[0].version == 1
    assert as_referent.post(url, data={**base, "employer": "Adecco Blois"}).status_code == 302
    assert employments()[0].employer == "Adecco Blois"


def test_delete_mission_with_confirmation(as_referent, participant, interim, referent):
    """Deleting a mission asks first (GET changes nothing), then deletes on POST and audits."""
    mission = factories.MissionFactory(employment=interim, hours=Decimal("70"))
    kept = factories.MissionFactory(employment=interim, hours=Decimal("7"),
                                    start_date=interim.start_date + timedelta(30),
                                    end_date=interim.start_date + timedelta(30))
    url = f"{base_url(participant)}/{interim.public_id}/missions/{mission.id}/supprimer"
    assert f'href="{url}"' in section(page(as_referent, participant))
    confirm = as_referent.get(url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Supprimer une mission d&#39;intérim" in html and "70 h" in html
    assert count(Mission) == 2
    response = as_referent.post(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#emploi")
    assert list(db.session.scalars(sa.select(Mission.id))) == [kept.id]
    [event] = events("mission.delete")
    assert (event.target_id, event.user_id) == (participant.public_id, referent.id)
    assert json.loads(event.detail)["mission"] == mission.id
    assert as_referent.post(url).status_code == 404


def test_mission_of_another_episode_is_not_found(as_referent, participant, pathway, interim):
    """A mission is reached only through its own episode."""
    other = factories.EmploymentFactory(pathway=pathway, contract_type="INTERIM",
                                        planned_end=None)
    mission = factories.MissionFactory(employment=other)
    url = f"{base_url(participant)}/{interim.public_id}/missions/{mission.id}/supprimer"
    assert as_referent.get(url).status_code == 404
    assert as_referent.post(url).status_code == 404
    assert count(Mission) == 1


# Editing, conflicts, deleting


def test_edit_employment(as_referent, participant, pathway, referent):
    """The edit form is filled with the episode and its version; saving updates and audits."""
    job = factories.EmploymentFactory(pathway=pathway)
    url = f"{base_url(participant)}/{job.public_id}/modifier"
    form_page = as_referent.get(url)
    html = form_page.get_data(as_text=True)
    assert form_page.status_code == 200
    assert 'value="Boulangerie Martin"' in html and 'name="version" type="hidden" value="1"' in html
    assert f'href="{url}"' in section(page(as_referent, participant))
    data = cdi_form(contract_type="CDD", start_date=job.start_date.isoformat(),
                    planned_end=job.planned_end.isoformat(), actual_end=day(-5),
                    job_title="Vendeur qualifié", version="1")
    response = as_referent.post(url, data=data)
    assert response.status_code == 302
    [stored] = employments()
    assert stored.job_title == "Vendeur qualifié"
    assert stored.actual_end == paris_today() - timedelta(days=5)
    assert stored.version == 2
    [event] = events("employment.update")
    assert (event.target_id, event.user_id) == (participant.public_id, referent.id)
    assert set(json.loads(event.detail)["fields"]) == {"job_title", "actual_end"}


def test_invalid_edit_changes_nothing(as_referent, participant, pathway):
    """A refused edit keeps the stored episode as it was."""
    job = factories.EmploymentFactory(pathway=pathway)
    response = as_referent.post(f"{base_url(participant)}/{job.public_id}/modifier", data=cdi_form(
        contract_type="CDD", start_date=job.start_date.isoformat(), planned_end="",
        weekly_hours="60", version="1"))
    assert response.status_code == 400
    [stored] = employments()
    assert (stored.weekly_hours, stored.version) == (Decimal("35"), 1)
    assert events("employment.update") == []


def test_stale_edit_gets_409(as_referent, participant, pathway):
    """A save made from an older version answers 409 with both versions; nothing is lost."""
    job = factories.EmploymentFactory(pathway=pathway)
    job.job_title = "Boulanger"  # a colleague saved meanwhile: version 2
    db.session.commit()
    url = f"{base_url(participant)}/{job.public_id}/modifier"
    data = cdi_form(contract_type="CDD", start_date=job.start_date.isoformat(),
                    planned_end=job.planned_end.isoformat(), job_title="Pâtissière",
                    version="1")
    response = as_referent.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Boulanger" in html and "Pâtissière" in html
    assert 'name="version" type="hidden" value="2"' in html
    assert employments()[0].job_title == "Boulanger"
    assert len(events("record.update_conflict")) == 1
    # Re-saving from the conflict page (now at version 2) goes through.
    assert as_referent.post(url, data={**data, "version": "2"}).status_code == 302
    assert employments()[0].job_title == "Pâtissière"


def test_delete_employment_with_confirmation(as_referent, participant, interim, referent):
    """Deleting asks first (GET changes nothing), then removes the episode and its missions."""
    factories.MissionFactory(employment=interim)
    url = f"{base_url(participant)}/{interim.public_id}/supprimer"
    assert f'href="{url}"' in section(page(as_referent, participant))
    confirm = as_referent.get(url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Adecco Tours" in html and "1 mission(s)" in html
    assert 'name="version" type="hidden" value="1"' in html
    assert count(Employment) == 1
    response = as_referent.post(url, data={"version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#emploi")
    assert count(Employment) == count(Mission) == 0
    [event] = events("employment.delete")
    assert (event.target_id, event.user_id) == (participant.public_id, referent.id)
    assert json.loads(event.detail)["missions"] == 1
    assert as_referent.get(url).status_code == 404


def test_delete_keeps_linked_steps(as_referent, participant, pathway):
    """A step that pointed to the deleted contract stays, with no contract linked."""
    job = factories.EmploymentFactory(pathway=pathway)
    step = factories.StepFactory(pathway=pathway, type_code="EMPLOI", employment_id=job.id)
    url = f"{base_url(participant)}/{job.public_id}/supprimer"
    assert "1 étape(s) : elles restent" in as_referent.get(url).get_data(as_text=True)
    assert as_referent.post(url, data={"version": "1"}).status_code == 302
    db.session.expire_all()
    assert count(Employment) == 0
    assert db.session.get(Step, step.id).employment_id is None


def test_stale_delete_gets_409(as_referent, participant, pathway):
    """A deletion confirmed on an older version is not carried out."""
    job = factories.EmploymentFactory(pathway=pathway)
    job.employer = "Boulangerie Petit"
    db.session.commit()
    response = as_referent.post(f"{base_url(participant)}/{job.public_id}/supprimer",
                                data={"version": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Boulangerie Petit" in html and 'value="2"' in html
    assert count(Employment) == 1
    assert events("employment.delete") == []


def test_episode_of_another_participant_is_not_found(as_referent, participant, referent):
    """An episode is reached only under its own participant's URL."""
    other = factories.PathwayFactory(participant=factories.ParticipantFactory(referent=referent))
    job = factories.EmploymentFactory(pathway=other)
    for suffix in ("modifier", "supprimer", "missions/nouvelle"):
        assert as_referent.get(f"{base_url(participant)}/{job.public_id}/{suffix}"
                               ).status_code == 404


@pytest.mark.parametrize("ident", ["n-existe-pas", "%00", "ab%0Acd", "x" * 300, "é"])
def test_unknown_episode_ids_are_not_found(as_referent, participant, interim, ident):
    """Any id that names no episode, hostile bytes included, answers 404, never 500."""
    for suffix in ("modifier", "supprimer", "missions/nouvelle", "missions/1/supprimer"):
        url = f"{base_url(participant)}/{ident}/{suffix}"
        assert as_referent.get(url).status_code == 404
        assert as_referent.post(url, data={"version": "1"}).status_code == 404
    huge = f"{base_url(participant)}/{interim.public_id}/missions/{10 ** 30}/supprimer"
    assert as_referent.post(huge).status_code == 404
    assert count(Employment) == 1


def test_closed_or_unentered_pathway_is_read_only(client, referent, participant):
    """Without a pathway in progress, no contract can be added and the section has no buttons."""
    pathway = factories.PathwayFactory(participant=participant, decision="", decision_date=None,
                                       contract_signed_on=None, entry_date=None)
    sign_in(client, referent)
    response = client.post(f"{base_url(participant)}/nouveau", data=cdi_form())
    assert response.status_code == 404
    assert count(Employment) == 0
    factories.EmploymentFactory(pathway=pathway, start_date=pathway.orientation_date)
    html = section(page(client, participant))
    assert "Boulangerie Martin" in html
    assert "Ajouter un contrat" not in html and "Modifier" not in html


# Who may do what


@pytest.fixture
def routes(participant, pathway, interim):
    """(method, URL, form data) of every employment route, on a participant's episode."""
    mission = factories.MissionFactory(employment=interim)
    base = base_url(participant)
    job = f"{base}/{interim.public_id}"
    return [
        ("GET", f"{base}/nouveau", None),
        ("POST", f"{base}/nouveau", cdi_form()),
        ("GET", f"{job}/modifier", None),
        ("POST", f"{job}/modifier", cdi_form(contract_type="INTERIM", version="1",
                                             start_date=interim.start_date.isoformat())),
        ("GET", f"{job}/missions/nouvelle", None),
        ("POST", f"{job}/missions/nouvelle", {"start_date": day(-60), "end_date": day(-55),
                                              "hours": "35"}),
        ("GET", f"{job}/missions/{mission.id}/supprimer", None),
        ("POST", f"{job}/missions/{mission.id}/supprimer", {}),
        ("GET", f"{job}/supprimer", None),
        # Version 2: the supervisor's test has saved the episode once by then.
        ("POST", f"{job}/supprimer", {"version": "2"}),
    ]


def snapshot() -> tuple:
    """What the employment tables hold, to prove a refused request changed nothing."""
    db.session.expire_all()
    return (
        [(e.id, e.version, e.employer) for e in db.session.scalars(sa.select(Employment))],
        list(db.session.execute(sa.select(Mission.id, Mission.hours)).all()),
    )


@pytest.mark.parametrize(("role", "status"), [("foreign", 404), ("admin", 403)])
def test_forbidden_users_reach_nothing(client, other_referent, admin, routes, role, status):
    """A foreign référent gets 404 and the admin 403 on every route; nothing changes."""
    sign_in(client, other_referent if role == "foreign" else admin)
    before = snapshot()
    for method, url, data in routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code == status, (method, url)
        assert "Adecco" not in response.get_data(as_text=True)
    assert snapshot() == before
    denied = events("access.denied")
    assert len(denied) == len(routes)
    for name in ("employment.create", "employment.update", "employment.delete",
                 "mission.create", "mission.delete"):
        assert events(name) == []


def test_anonymous_is_sent_to_login(client, routes):
    """Without a session, GET goes to the login page and POST changes nothing."""
    before = snapshot()
    for method, url, data in routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code in (302, 401)
        if method == "GET":
            assert response.headers["Location"].startswith("/login")
    assert snapshot() == before


def test_supervisor_may_act(client, supervisor, routes):
    """A supervisor reaches every route, and the audit log names them."""
    sign_in(client, supervisor)
    statuses = [client.open(url, method=method, data=data).status_code
                for method, url, data in routes]
    assert statuses == [200, 302, 200, 302, 200, 302, 200, 302, 200, 302]
    actions = ["employment.create", "employment.update", "mission.create", "mission.delete",
               "employment.delete"]
    for name in actions:
        [event] = events(name)
        assert event.user_id == supervisor.id
    assert count(Employment) == 1  # the one created; the intérim episode is gone
    assert count(Mission) == 0


# The page stays at a constant number of queries


def test_page_query_count_does_not_grow(as_referent, participant, pathway, app):
    """More episodes and missions add no query to the participant page."""

    def queries() -> list[str]:
        """SQL statements run by one load of the page."""
        statements = []

        def log(*_args):
            """Count one statement."""
            statements.append(_args[2])

        db.session.expire_all()
        sa.event.listen(db.engine, "before_cursor_execute", log)
        try:
            page(as_referent, participant)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", log)
        return statements

    first = factories.EmploymentFactory(pathway=pathway, contract_type="INTERIM",
                                        planned_end=None)
    factories.MissionFactory(employment=first)
    queries()  # the first load fills the reference data kept in memory
    small = queries()
    for offset in range(4):
        job = factories.EmploymentFactory(pathway=pathway, contract_type="INTERIM",
                                          planned_end=None,
                                          start_date=pathway.entry_date + timedelta(offset))
        factories.MissionFactory.create_batch(3, employment=job)
    factories.EmploymentFactory.create_batch(3, pathway=pathway)
    html = page(as_referent, participant)
    assert section(html).count('data-testid="mission-row"') == 13
    assert len(queries()) == len(small), "\n".join(queries())


# Hostile input never breaks the forms


def hostile_text() -> st.SearchStrategy[str]:
    """Strings a form may receive from a browser, a script or an attacker."""
    return st.one_of(
        st.text(max_size=300),
        st.sampled_from(["", " ", "NaN", "-inf", "Infinity", "1e400", "-0", "17,5", "48,01",
                         "0,05", "9" * 40, "2026-02-30", "0001-01-01", "9999-12-31",
                         "\x00", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 5000,
                         VALID_SIRET, "732.829.320.00074", "７３２８２９３２０００７４",
                         "K2204", "CDI", "INTERIM", "1", "2"]),
    )


def date_text() -> st.SearchStrategy[str]:
    """Dates around the pathway, and anything else."""
    return st.one_of(st.dates(min_value=date(1, 1, 1)).map(date.isoformat), hostile_text())


HOSTILE = settings(max_examples=30, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@HOSTILE
@given(data=st.fixed_dictionaries({}, optional={
    "contract_type": st.one_of(st.sampled_from(["CDI", "CDD", "INTERIM", "CREATION", "PEC"]),
                               hostile_text()),
    "employer": hostile_text(), "siret": hostile_text(), "job_title": hostile_text(),
    "rome_code": hostile_text(), "start_date": date_text(), "planned_end": date_text(),
    "actual_end": date_text(), "weekly_hours": hostile_text(), "version": hostile_text(),
}))
def test_hostile_employment_forms(as_referent, participant, pathway, data):
    """Random values never cause a 500; a refused form saves nothing, an accepted one a row."""
    job = factories.EmploymentFactory(pathway=pathway) if not employments() else employments()[0]
    for url in (f"{base_url(participant)}/nouveau",
                f"{base_url(participant)}/{job.public_id}/modifier"):
        before = snapshot()
        response = as_referent.post(url, data=data)
        assert response.status_code in (302, 400, 409), response.status_code
        after = snapshot()
        if response.status_code == 302:
            assert after != before or url.endswith("modifier")
        else:
            assert after == before


@HOSTILE
@given(data=st.fixed_dictionaries({}, optional={
    "start_date": date_text(), "end_date": date_text(), "hours": hostile_text(),
    "employer": hostile_text(), "version": hostile_text(),
}))
def test_hostile_mission_forms(as_referent, participant, interim, data):
    """Random mission values never cause a 500; a refused one saves nothing."""
    before = count(Mission)
    response = as_referent.post(
        f"{base_url(participant)}/{interim.public_id}/missions/nouvelle", data=data)
    assert response.status_code in (302, 400)
    assert count(Mission) == before + (1 if response.status_code == 302 else 0)
    if response.status_code == 302:
        mission = db.session.scalars(sa.select(Mission).order_by(Mission.id.desc())).first()
        assert interim.start_date <= mission.start_date <= mission.end_date <= interim.actual_end
        assert 0 < mission.hours <= 10 * ((mission.end_date - mission.start_date).days + 1)
