"""Pathway steps: adding, editing and deleting them, their rules, who may, and how they show."""

import html
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.catalogue import STEP_TYPES
from app.domain.dates import add_months, last_day_within
from app.domain.pathway_rules import default_pass_iae_end
from app.extensions import db
from app.models import AuditEvent, Step, StepType
from app.pathway.steps import build_form, rules_hold
from app.pathway.steps_forms import ALL_FIELDS
from tests import factories
from tests.helpers import count_queries

# Requests reuse the test's application context: without this, `g` would keep the previous
# request's user when a test switches from one user to another.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")

VALID_SIRET = "73282932000074"
STEP_COLUMNS = [column.key for column in Step.__table__.columns]


@pytest.fixture
def pathway(participant):
    """An open pathway of the participant fixture, entered about a year ago."""
    return factories.PathwayFactory(participant=participant)


@pytest.fixture
def signed_in(client, auth, referent):
    """The participant's référent, signed in."""
    auth.login(referent)
    return referent


def start_of(pathway) -> date:
    """A start date one month into the pathway."""
    return pathway.entry_date + timedelta(days=30)


def step_form(pathway, **changes) -> dict:
    """Valid form data for a planned remobilisation step, with the given changes."""
    start = start_of(pathway)
    data = {
        "type_code": "REMOB",
        "status": "prevue",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(days=60)).isoformat(),
        "actual_start": "",
        "actual_end": "",
        "provider": "Association Rebond",
        "outcome": "",
        "version": "",
    }
    data.update({name: value.isoformat() if isinstance(value, date) else value
                 for name, value in changes.items()})
    return data


def url(participant, action="nouvelle", step=None) -> str:
    """The URL of a step page."""
    if step is None:
        return f"/participants/{participant.public_id}/etapes/{action}"
    return f"/participants/{participant.public_id}/etapes/{step.public_id}/{action}"


def steps_of(pathway) -> list[Step]:
    """The pathway's steps as saved in the database."""
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Step).where(Step.pathway_id == pathway.id)))


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def field_error(page: str, field: str) -> str:
    """The error message shown under a field of a rendered form ('' when none)."""
    found = re.search(rf'id="{field}-err">([^<]*)<', page)
    return html.unescape(found.group(1)) if found else ""


def text_of(response) -> str:
    """The response body, HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def snapshot(step: Step) -> dict:
    """Every column of a step, freshly read from the database."""
    db.session.expire_all()
    fresh = db.session.get(Step, step.id)
    return {name: getattr(fresh, name) for name in STEP_COLUMNS}


# --- Creating steps ------------------------------------------------------------------------


def test_form_offers_active_types_with_their_database_labels(client, signed_in, pathway):
    """The type list comes from the database: renamed labels show, inactive types do not."""
    db.session.get(StepType, "ACC").label = "Diagnostic d'entrée (renommé)"
    db.session.get(StepType, "CREA").active = False
    db.session.commit()
    response = client.get(url(pathway.participant))
    page = text_of(response)
    assert response.status_code == 200
    assert '<option value="ACC">Diagnostic d\'entrée (renommé)</option>' in page
    assert 'value="CREA"' not in page
    assert '<option value="PMSMP">Immersion en entreprise (PMSMP)</option>' in page
    # Each group of specific fields names the types it applies to.
    assert ('Volume horaire <span class="fw-normal">(étapes : Formation pré-qualifiante ; '
            "Formation qualifiante / certifiante ; Emploi en clause sociale d'insertion)"
            in page)
    assert 'name="version"' in page


def test_inactive_type_is_refused(client, signed_in, pathway):
    """A type the admin deactivated cannot be chosen for a new step."""
    db.session.get(StepType, "CREA").active = False
    db.session.commit()
    response = client.post(url(pathway.participant),
                           data=step_form(pathway, type_code="CREA", legal_form="SAS"))
    assert response.status_code == 400
    assert field_error(text_of(response), "type_code")
    assert steps_of(pathway) == []


def valid_cases(pathway) -> dict:
    """For several types: (form changes, expected saved values)."""
    start = start_of(pathway)
    return {
        "ACC": ({"themes": "Mobilité, logement, santé"}, {"themes": "Mobilité, logement, santé"}),
        "REMOB": ({"attendance_rate": "85"}, {"attendance_rate": 85}),
        "PROJ": ({"target_jobs": "Agent de propreté", "rome_code": "k2204"},
                 {"target_jobs": "Agent de propreté", "rome_code": "K2204"}),
        "PMSMP": ({"host_company": "Garage Dupont", "pmsmp_aim": "confirmer",
                   "planned_end": start + timedelta(days=13)},
                  {"host_company": "Garage Dupont", "pmsmp_aim": "confirmer"}),
        "FORM_PQ": ({"hours": "120,5"}, {"hours": Decimal("120.5")}),
        "FORM_Q": ({"status": "realisee", "actual_start": start,
                    "actual_end": start + timedelta(days=200),
                    "certification": "Titre professionnel Agent de propreté",
                    "rncp_code": "rncp 34567", "certification_obtained": "True", "hours": "400"},
                   {"status": "realisee", "certification_obtained": True,
                    "rncp_code": "RNCP34567", "hours": Decimal("400")}),
        "IAE": ({"siae_kind": "ACI", "weekly_hours": "26", "status": "en_cours",
                 "actual_start": start, "planned_end": add_months(start, 12)},
                {"siae_kind": "ACI", "weekly_hours": Decimal("26"),
                 "pass_iae_end": default_pass_iae_end(start)}),
        "PEC": ({"planned_end": last_day_within(start, 12), "weekly_hours": "20"},
                {"weekly_hours": Decimal("20"), "planned_end": last_day_within(start, 12)}),
        "CLAUSE": ({"operation": "Rénovation du quartier Sanitas", "company": "BTP Touraine",
                    "hours": "350"},
                   {"operation": "Rénovation du quartier Sanitas", "company": "BTP Touraine",
                    "hours": Decimal("350")}),
        "CREA": ({"legal_form": "Micro-entreprise", "siret": "732 829 320 00074"},
                 {"legal_form": "Micro-entreprise", "siret": VALID_SIRET}),
    }


@pytest.mark.parametrize("type_code", ["ACC", "REMOB", "PROJ", "PMSMP", "FORM_PQ", "FORM_Q",
                                       "IAE", "PEC", "CLAUSE", "CREA"])
def test_valid_step_is_created_and_audited(client, signed_in, pathway, type_code):
    """A valid step of each type is saved with its specific data, then audited."""
    changes, expected = valid_cases(pathway)[type_code]
    response = client.post(url(pathway.participant),
                           data=step_form(pathway, type_code=type_code, **changes))
    assert response.status_code == 302, field_errors_of(response)
    assert response.headers["Location"].endswith(
        f"/participants/{pathway.participant.public_id}#etapes")
    [step] = steps_of(pathway)
    assert step.type_code == type_code
    assert step.provider == "Association Rebond"
    for name, value in expected.items():
        assert getattr(step, name) == value, name
    [created] = events("step.create")
    assert created.target_type == "participant"
    assert created.target_id == pathway.participant.public_id
    assert created.user_id == signed_in.id
    assert json.loads(created.detail) == {"record": "step", "step": step.public_id,
                                          "type": type_code}


def field_errors_of(response) -> dict:
    """Every field error of a rendered form, to explain a failed assertion."""
    page = response.get_data(as_text=True)
    return dict(re.findall(r'id="([a-z_]+)-err">([^<]*)<', page))


def test_social_step_links_the_barriers_it_addresses(client, signed_in, pathway):
    """A SOC step records which of the pathway's barriers it works on."""
    housing = factories.BarrierFactory(pathway=pathway, theme="logement")
    mobility = factories.BarrierFactory(pathway=pathway, theme="mobilite")
    page = text_of(client.get(url(pathway.participant)))
    assert "Logement (important, identifié le" in page
    response = client.post(url(pathway.participant), data=step_form(
        pathway, type_code="SOC", barrier_ids=[housing.public_id]))
    assert response.status_code == 302
    [step] = steps_of(pathway)
    assert [b.id for b in step.barriers] == [housing.id]
    assert mobility.steps == []


def test_barrier_of_another_pathway_cannot_be_linked(client, signed_in, pathway):
    """Only the pathway's own barriers are choices."""
    foreign = factories.BarrierFactory()
    response = client.post(url(pathway.participant), data=step_form(
        pathway, type_code="SOC", barrier_ids=[foreign.public_id]))
    assert response.status_code == 400
    assert steps_of(pathway) == []


@pytest.mark.parametrize("type_code", ["EMPLOI", "SUIVI_EMP"])
def test_job_steps_link_an_employment_of_the_pathway(client, signed_in, pathway, type_code):
    """EMPLOI and SUIVI_EMP steps point at one of the pathway's employment episodes."""
    job = factories.EmploymentFactory(pathway=pathway, employer="Boulangerie Martin")
    other = factories.EmploymentFactory()
    page = text_of(client.get(url(pathway.participant)))
    assert "CDD — Boulangerie Martin (depuis le" in page
    refused = client.post(url(pathway.participant),
                          data=step_form(pathway, type_code=type_code, employment=other.public_id))
    assert refused.status_code == 400
    response = client.post(url(pathway.participant), data=step_form(
        pathway, type_code=type_code, employment=job.public_id,
        outcome="Appel à l'employeur le 3 : tout va bien."))
    assert response.status_code == 302
    [step] = steps_of(pathway)
    assert step.employment_id == job.id


def test_fields_of_other_types_are_not_saved(client, signed_in, pathway):
    """Data typed in another type's fields is dropped, even when it would be invalid."""
    response = client.post(url(pathway.participant), data=step_form(
        pathway, type_code="ACC", themes="Projet", host_company="Garage", pmsmp_aim="decouvrir",
        siret="123", weekly_hours="50", hours="abc", attendance_rate="300",
        certification_obtained="True"))
    assert response.status_code == 302, field_errors_of(response)
    [step] = steps_of(pathway)
    assert step.themes == "Projet"
    assert (step.host_company, step.pmsmp_aim, step.siret) == ("", "", "")
    assert (step.weekly_hours, step.hours, step.attendance_rate) == (None, None, None)
    assert step.certification_obtained is None


def test_pass_iae_typed_is_kept(client, signed_in, pathway):
    """A PASS IAE end typed by the user is not replaced by the default."""
    start = start_of(pathway)
    response = client.post(url(pathway.participant), data=step_form(
        pathway, type_code="IAE", siae_kind="EI", pass_iae_end=start + timedelta(days=300)))
    assert response.status_code == 302
    [step] = steps_of(pathway)
    assert step.pass_iae_end == start + timedelta(days=300)


def invalid_cases(pathway) -> dict:
    """Each refused step: (form changes, field the message shows on, the message)."""
    start = start_of(pathway)
    entry = pathway.entry_date
    pmsmp = {"type_code": "PMSMP", "host_company": "Garage Dupont", "pmsmp_aim": "decouvrir"}
    pec = {"type_code": "PEC", "weekly_hours": "20"}
    done = {"status": "realisee", "actual_start": start,
            "actual_end": start + timedelta(days=100)}
    return {
        "end_before_start": ({"planned_end": start - timedelta(days=1)}, "planned_end",
                             "La date de fin précède la date de début."),
        "pmsmp_over_one_month": ({**pmsmp, "planned_end": start + timedelta(days=40)},
                                 "planned_end", "Une immersion (PMSMP) dure un mois au plus."),
        "pmsmp_without_aim": ({**pmsmp, "pmsmp_aim": "", "planned_end": start + timedelta(10)},
                              "pmsmp_aim", "Choisissez l'objectif de l'immersion."),
        "pmsmp_without_company": ({**pmsmp, "host_company": "",
                                   "planned_end": start + timedelta(10)},
                                  "host_company", "Indiquez l'entreprise d'accueil."),
        "pec_of_six_months": ({**pec, "planned_end": last_day_within(start, 6)}, "planned_end",
                              "Un contrat aidé (PEC) est conclu pour 9 à 12 mois."),
        "pec_over_24_months": ({**pec, "planned_end": add_months(start, 25)}, "planned_end",
                               "Un contrat aidé (PEC) dure 24 mois au plus, "
                               "renouvellements compris."),
        "pass_iae_expired": ({"type_code": "IAE", "siae_kind": "ACI",
                              "pass_iae_end": start - timedelta(days=1)}, "pass_iae_end",
                             "Le PASS IAE est expiré au début de l'étape."),
        "iae_without_kind": ({"type_code": "IAE"}, "siae_kind",
                             "Choisissez le type de structure d'insertion."),
        "form_q_done_without_result": ({"type_code": "FORM_Q", "certification": "CAP Cuisine",
                                        **done}, "certification_obtained",
                                       "Indiquez si la certification a été obtenue."),
        "clause_without_operation": ({"type_code": "CLAUSE", "company": "BTP Touraine"},
                                     "operation", "Indiquez l'opération (chantier, marché)."),
        "weekly_hours_50": ({**pec, "planned_end": last_day_within(start, 12),
                             "weekly_hours": "50"}, "weekly_hours",
                            "La durée hebdomadaire ne peut pas dépasser 48 heures."),
        "bad_siret": ({"type_code": "CREA", "legal_form": "SAS", "siret": "73282932000075"},
                      "siret", "Numéro SIRET invalide : 14 chiffres avec une clé de contrôle."),
        "before_entry": ({"planned_start": entry - timedelta(days=1)}, "planned_start",
                         "L'étape commence avant l'entrée dans le parcours "
                         f"({entry:%d/%m/%Y})."),
        "done_without_actual_end": ({**done, "actual_end": ""}, "actual_end",
                                    "Une étape réalisée a une date de fin réelle."),
        "attendance_over_100": ({"attendance_rate": "120"}, "attendance_rate",
                                "Indiquez un pourcentage entre 0 et 100."),
        "bad_rome_code": ({"type_code": "PROJ", "rome_code": "12345"}, "rome_code",
                          "Code ROME invalide : une lettre puis quatre chiffres (ex. K2204)."),
        "far_future_year": ({"planned_end": "9999-12-31"}, "planned_end",
                            "Date invalide : indiquez une année entre 1950 et 2099."),
        "no_start": ({"planned_start": ""}, "planned_start",
                     "Indiquez au moins une date de début (prévue ou réelle)."),
    }


INVALID_CASES = ["end_before_start", "pmsmp_over_one_month", "pmsmp_without_aim",
                 "pmsmp_without_company", "pec_of_six_months", "pec_over_24_months",
                 "pass_iae_expired", "iae_without_kind", "form_q_done_without_result",
                 "clause_without_operation", "weekly_hours_50", "bad_siret", "before_entry",
                 "done_without_actual_end", "attendance_over_100", "bad_rome_code",
                 "far_future_year", "no_start"]


@pytest.mark.parametrize("case", INVALID_CASES)
def test_invalid_step_is_refused_with_message_on_its_field(client, signed_in, pathway, case):
    """Each broken rule answers 400, its French message under its field, and saves nothing."""
    changes, field, message = invalid_cases(pathway)[case]
    response = client.post(url(pathway.participant), data=step_form(pathway, **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert "Le formulaire contient" in page
    assert steps_of(pathway) == []
    assert events("step.create") == []


def test_step_after_exit_is_refused_by_the_rules(app, pathway):
    """The view checks steps against the exit date too (a step cannot end after the exit)."""
    exit_date = pathway.entry_date + timedelta(days=100)
    pathway.exit_date = exit_date
    data = step_form(pathway, planned_start=exit_date - timedelta(days=10),
                     planned_end=exit_date + timedelta(days=10))
    with app.test_request_context(method="POST", data=data):
        form, _labels = build_form(pathway, None)
        assert form.validate()
        assert not rules_hold(form, pathway)
        assert form.planned_end.errors == [
            f"L'étape se termine après la sortie du parcours ({exit_date:%d/%m/%Y})."]
    db.session.rollback()


# --- Editing and deleting ------------------------------------------------------------------


def test_edit_form_is_filled_with_the_step_and_its_version(client, signed_in, pathway):
    """The edit form shows the saved values, the linked barriers and the version."""
    barrier = factories.BarrierFactory(pathway=pathway, theme="numerique")
    step = factories.StepFactory(pathway=pathway, type_code="SOC", provider="CCAS de Tours")
    step.barriers.append(barrier)
    db.session.commit()
    page = client.get(url(pathway.participant, "modifier", step)).get_data(as_text=True)
    assert 'value="CCAS de Tours"' in page
    assert f'name="version" type="hidden" value="{step.version}"' in page
    assert re.search(rf'checked[^>]*value="{barrier.public_id}"|value="{barrier.public_id}"'
                     r'[^>]*checked', page)


def test_edit_saves_changes_clears_other_types_and_audits(client, signed_in, pathway):
    """Changing a PMSMP into a remobilisation clears the PMSMP data; the change is audited."""
    start = start_of(pathway)
    step = factories.StepFactory(pathway=pathway, type_code="PMSMP", host_company="Garage",
                                 pmsmp_aim="decouvrir", status="prevue", actual_start=None,
                                 planned_start=start, planned_end=start + timedelta(days=10))
    response = client.post(url(pathway.participant, "modifier", step), data=step_form(
        pathway, type_code="REMOB", attendance_rate="90", version=str(step.version),
        host_company="Garage", pmsmp_aim="decouvrir"))
    assert response.status_code == 302, field_errors_of(response)
    saved = snapshot(step)
    assert saved["type_code"] == "REMOB"
    assert saved["attendance_rate"] == 90
    assert (saved["host_company"], saved["pmsmp_aim"]) == ("", "")
    assert saved["version"] == 2
    [updated] = events("step.update")
    detail = json.loads(updated.detail)
    assert updated.target_id == pathway.participant.public_id
    assert detail["step"] == step.public_id
    assert {"type_code", "attendance_rate", "host_company", "pmsmp_aim"} <= set(detail["fields"])


def test_edit_with_a_stale_version_gets_409_and_changes_nothing(client, signed_in, pathway):
    """A colleague saved first: 409 with both versions side by side, nothing overwritten."""
    step = factories.StepFactory(pathway=pathway, provider="Association Rebond")
    step.provider = "Saisie du collègue"
    db.session.commit()
    assert step.version == 2
    response = client.post(url(pathway.participant, "modifier", step), data=step_form(
        pathway, provider="Ma saisie", version="1"))
    assert response.status_code == 409
    page = text_of(response)
    assert "un(e) collègue a enregistré une autre version" in page
    assert "Saisie du collègue" in page and "Ma saisie" in page
    assert 'name="version" type="hidden" value="2"' in page
    assert "Entreprise d'accueil" not in page  # only the fields of the step's type
    assert snapshot(step)["provider"] == "Saisie du collègue"
    assert events("step.update") == []
    assert len(events("record.update_conflict")) == 1
    # "Enregistrer ma version" re-posts the typed data with the new version.
    response = client.post(url(pathway.participant, "modifier", step), data=step_form(
        pathway, provider="Ma saisie", version="2"))
    assert response.status_code == 302
    assert snapshot(step)["provider"] == "Ma saisie"


def test_changing_only_the_barriers_moves_the_version(client, signed_in, pathway):
    """Unlinking a barrier is a change: the version moves, so stale forms are caught."""
    barrier = factories.BarrierFactory(pathway=pathway)
    step = factories.StepFactory(pathway=pathway, type_code="SOC")
    step.barriers.append(barrier)
    db.session.commit()
    version = step.version
    data = step_form(pathway, type_code="SOC", version=str(version), status="en_cours",
                     actual_start=step.actual_start, planned_start="",
                     planned_end=step.planned_end)
    response = client.post(url(pathway.participant, "modifier", step), data=data)
    assert response.status_code == 302, field_errors_of(response)
    assert snapshot(step)["version"] == version + 1
    assert steps_of(pathway)[0].barriers == []


def test_edit_of_invalid_data_is_refused(client, signed_in, pathway):
    """The rules hold on edit too."""
    step = factories.StepFactory(pathway=pathway)
    before = snapshot(step)
    response = client.post(url(pathway.participant, "modifier", step), data=step_form(
        pathway, planned_end=start_of(pathway) - timedelta(days=5), version=str(step.version)))
    assert response.status_code == 400
    assert snapshot(step) == before


def test_delete_asks_for_confirmation_then_deletes(client, signed_in, pathway):
    """GET shows the step and a confirmation button; only the POST deletes, and is audited."""
    barrier = factories.BarrierFactory(pathway=pathway)
    step = factories.StepFactory(pathway=pathway, type_code="SOC")
    step.barriers.append(barrier)
    db.session.commit()
    page = client.get(url(pathway.participant, "supprimer", step))
    assert page.status_code == 200
    text = text_of(page)
    assert "Supprimer l'étape « Accompagnement social, levée de freins du" in text
    assert '<button type="submit" class="btn btn-danger">Supprimer l\'étape</button>' in text
    assert len(steps_of(pathway)) == 1
    response = client.post(url(pathway.participant, "supprimer", step),
                           data={"version": str(step.version)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#etapes")
    assert steps_of(pathway) == []
    assert db.session.get(type(barrier), barrier.id) is not None
    [deleted] = events("step.delete")
    assert deleted.target_id == pathway.participant.public_id
    assert json.loads(deleted.detail)["step"] == step.public_id


def test_delete_of_a_step_changed_meanwhile_gets_409(client, signed_in, pathway):
    """A step a colleague changed since the confirmation page is not deleted blindly."""
    step = factories.StepFactory(pathway=pathway)
    step.provider = "Changé entre-temps"
    db.session.commit()
    response = client.post(url(pathway.participant, "supprimer", step), data={"version": "1"})
    assert response.status_code == 409
    assert "modifiée par un(e) collègue" in text_of(response)
    assert len(steps_of(pathway)) == 1
    assert events("step.delete") == []


# --- Who may, and when ----------------------------------------------------------------------


def requests_for(participant, step) -> list[tuple[str, str, dict]]:
    """Every step request: (method, URL, form data)."""
    data = step_form(step.pathway, version=str(step.version))
    return [
        ("get", url(participant), {}),
        ("post", url(participant), data),
        ("get", url(participant, "modifier", step), {}),
        ("post", url(participant, "modifier", step), {**data, "provider": "Intrus"}),
        ("get", url(participant, "supprimer", step), {}),
        ("post", url(participant, "supprimer", step), {"version": str(step.version)}),
    ]


@pytest.mark.parametrize("who, status", [("foreign", 404), ("admin", 403)])
def test_foreign_referent_and_admin_are_refused(client, auth, pathway, other_referent, admin,
                                                who, status):
    """Another caseload's référent gets 404, the admin 403, on every step page; nothing moves."""
    step = factories.StepFactory(pathway=pathway)
    before = snapshot(step)
    auth.login(other_referent if who == "foreign" else admin)
    for method, address, data in requests_for(pathway.participant, step):
        response = getattr(client, method)(address, data=data)
        assert response.status_code == status, (method, address)
    assert steps_of(pathway) == [step]
    assert snapshot(step) == before
    assert events("step.create") == events("step.update") == events("step.delete") == []
    assert len(events("access.denied")) == 6


def test_anonymous_is_sent_to_login(client, pathway):
    """Without a session the step pages lead to the login page."""
    response = client.get(url(pathway.participant))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_supervisor_may_add_edit_and_delete(client, auth, supervisor, pathway):
    """Supervisors reach every caseload, steps included."""
    auth.login(supervisor)
    assert client.get(url(pathway.participant)).status_code == 200
    assert client.post(url(pathway.participant), data=step_form(pathway)).status_code == 302
    [step] = steps_of(pathway)
    response = client.post(url(pathway.participant, "modifier", step),
                           data=step_form(pathway, provider="Autre", version=str(step.version)))
    assert response.status_code == 302
    response = client.post(url(pathway.participant, "supprimer", step),
                           data={"version": str(snapshot(step)["version"])})
    assert response.status_code == 302
    assert steps_of(pathway) == []
    assert [e.user_id for e in events("step.create")] == [supervisor.id]


def test_step_of_another_participant_is_not_found(client, signed_in, pathway, referent):
    """A step id from another file (even of the same référent) is 404 under this one."""
    other = factories.PathwayFactory(participant=factories.ParticipantFactory(referent=referent))
    foreign_step = factories.StepFactory(pathway=other)
    for action in ("modifier", "supprimer"):
        assert client.get(url(pathway.participant, action, foreign_step)).status_code == 404
        response = client.post(url(pathway.participant, action, foreign_step),
                               data=step_form(pathway, version="1"))
        assert response.status_code == 404
    assert len(steps_of(other)) == 1


def test_closed_pathway_refuses_steps(client, signed_in, pathway):
    """Once the exit is recorded, no step is added, changed or deleted."""
    step = factories.StepFactory(pathway=pathway)
    pathway.exit_date = pathway.entry_date + timedelta(days=200)
    pathway.exit_category = "abandon"
    db.session.commit()
    before = snapshot(step)
    for method, address, data in requests_for(pathway.participant, step):
        response = getattr(client, method)(address, data=data)
        assert response.status_code == 302, (method, address)
        assert response.headers["Location"].endswith("#etapes")
    assert steps_of(pathway) == [step]
    assert snapshot(step) == before
    page = text_of(client.get(f"/participants/{pathway.participant.public_id}"))
    assert "ne se modifient que sur un parcours en cours" in page
    assert "Ajouter une étape" not in page
    assert url(pathway.participant, "modifier", step) not in page


def test_pathway_without_entry_refuses_steps(client, signed_in, participant):
    """Before the entry, a pathway has no steps yet."""
    pending = factories.PathwayFactory(participant=participant, decision="", decision_date=None,
                                       contract_signed_on=None, entry_date=None)
    today = date.today().isoformat()
    response = client.post(url(participant), data={
        "type_code": "REMOB", "status": "prevue", "planned_start": today, "planned_end": today})
    assert response.status_code == 302
    assert steps_of(pending) == []
    page = text_of(client.get(f"/participants/{participant.public_id}"))
    assert "Les étapes se saisissent une fois l'entrée dans le parcours enregistrée." in page


def test_step_of_an_earlier_pathway_is_not_editable(client, signed_in, participant):
    """Only the current pathway's steps are reachable."""
    old = factories.PathwayFactory(participant=participant, exit_category="abandon")
    old.exit_date = old.entry_date + timedelta(days=30)
    old_step = factories.StepFactory(pathway=old)
    factories.PathwayFactory(participant=participant, orientation_date=old.exit_date,
                             decision_date=old.exit_date, contract_signed_on=old.exit_date,
                             entry_date=old.exit_date)
    assert client.get(url(participant, "modifier", old_step)).status_code == 404


# --- The section on the participant page ----------------------------------------------------


def test_section_lists_steps_chronologically_with_their_details(client, signed_in, pathway):
    """Type label, French dates, status, overdue badge, provider, key data and outcome."""
    entry = pathway.entry_date
    job = factories.EmploymentFactory(pathway=pathway, employer="Boulangerie Martin")
    barrier = factories.BarrierFactory(pathway=pathway, theme="logement")
    late = factories.StepFactory(pathway=pathway, type_code="PMSMP", status="en_cours",
                                 actual_start=entry + timedelta(days=60),
                                 planned_end=entry + timedelta(days=80),
                                 host_company="Garage Dupont", pmsmp_aim="embauche",
                                 provider="")
    first = factories.StepFactory(pathway=pathway, type_code="SOC", status="realisee",
                                  actual_start=entry + timedelta(days=5),
                                  actual_end=entry + timedelta(days=40),
                                  planned_end=entry + timedelta(days=30),
                                  outcome="Dossier de logement déposé.\nRelance faite.")
    first.barriers.append(barrier)
    factories.StepFactory(pathway=pathway, type_code="IAE", status="prevue", actual_start=None,
                          planned_start=entry + timedelta(days=100),
                          planned_end=entry + timedelta(days=300), siae_kind="ACI",
                          pass_iae_end=default_pass_iae_end(entry + timedelta(days=100)),
                          weekly_hours=Decimal("26.5"))
    factories.StepFactory(pathway=pathway, type_code="EMPLOI", employment_id=job.id,
                          actual_start=entry + timedelta(days=120), planned_end=None)
    db.session.commit()
    page = text_of(client.get(f"/participants/{pathway.participant.public_id}"))
    section = page[page.index('<section id="etapes"'):]
    section = section[:section.index("</section>")]
    assert '<h2 class="h4" id="etapes-titre">Étapes</h2>' in section
    assert "Ajouter une étape" in section
    rows = section.split('data-testid="step-row"')[1:]
    assert len(rows) == 4
    assert "Accompagnement social, levée de freins" in rows[0]
    assert "Immersion en entreprise (PMSMP)" in rows[1]
    assert "Emploi en SIAE" in rows[2]
    assert "Emploi (hors dispositif)" in rows[3]
    assert f"{entry + timedelta(days=5):%d/%m/%Y} → {entry + timedelta(days=40):%d/%m/%Y}" \
        in rows[0]
    assert "Réalisée" in rows[0] and "Freins : Logement" in rows[0]
    assert "Dossier de logement déposé.<br>Relance faite." in rows[0]
    assert "échéance dépassée" not in rows[0]
    assert "échéance dépassée" in rows[1]
    assert "Garage Dupont" in rows[1] and "Initier une démarche de recrutement" in rows[1]
    assert "Association Atelier" not in rows[1] and "—" in rows[1]
    assert "Atelier et chantier d'insertion (ACI)" in rows[2]
    assert "PASS IAE valable jusqu'au" in rows[2] and "26,5 h par semaine" in rows[2]
    assert "Prévue" in rows[2] and "échéance dépassée" in rows[2]
    assert "Contrat : CDD — Boulangerie Martin" in rows[3]
    assert url(pathway.participant, "modifier", late) in rows[1]
    assert "Modifier<span class=\"visually-hidden\"> l'étape Immersion en entreprise" in rows[1]


def test_section_uses_the_labels_of_the_database(client, signed_in, pathway):
    """A step type renamed by the admin shows under its new name."""
    factories.StepFactory(pathway=pathway)
    db.session.get(StepType, "REMOB").label = "Redynamisation collective"
    db.session.commit()
    page = text_of(client.get(f"/participants/{pathway.participant.public_id}"))
    assert "Redynamisation collective" in page


def test_section_says_when_there_is_no_step(client, signed_in, pathway):
    """An empty pathway says so, and offers to add a step."""
    page = text_of(client.get(f"/participants/{pathway.participant.public_id}"))
    assert "Aucune étape n'est enregistrée pour ce parcours." in page
    assert url(pathway.participant) in page


def add_steps_of_every_type(pathway, rounds: int) -> None:
    """`rounds` steps of each type, linked to barriers and employments."""
    job = factories.EmploymentFactory(pathway=pathway)
    barrier = factories.BarrierFactory(pathway=pathway)
    for _ in range(rounds):
        for code, _label in STEP_TYPES:
            step = factories.StepFactory(pathway=pathway, type_code=code, employment_id=job.id,
                                         hours=Decimal("12"), weekly_hours=Decimal("20"))
            step.barriers.append(barrier)
    db.session.commit()


def test_section_query_count_does_not_grow_with_the_steps(client, signed_in, referent):
    """The steps section triggers no lazy load: 1 or 10 steps of each type, same queries."""
    counts = []
    client.get("/")  # the first load fills the reference data kept in memory
    for rounds in (1, 10):
        pathway = factories.PathwayFactory(
            participant=factories.ParticipantFactory(referent=referent))
        add_steps_of_every_type(pathway, rounds)
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(f"/participants/{pathway.participant.public_id}")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('data-testid="step-row"') == 13 * rounds
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- Hostile input ------------------------------------------------------------------------

HOSTILE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
HOSTILE_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.sampled_from(["", "0", "-1", "50", "48,0", "17,5", "1e400", "NaN", "Infinity", "-0",
                     "99999999999999999999", "True", "False", "None", "\x00", "x" * 300,
                     "2025-02-30", "0001-01-01", "9999-12-31", "K2204", "RNCP 1", "ACI",
                     "decouvrir", "realisee", "en_cours", VALID_SIRET, "<script>"]),
    st.dates().map(date.isoformat),
)
TYPE_VALUE = st.one_of(st.sampled_from([code for code, _ in STEP_TYPES]), HOSTILE_VALUE)
HOSTILE_FORM = st.fixed_dictionaries(
    {"type_code": TYPE_VALUE},
    optional={name: HOSTILE_VALUE for name in (*ALL_FIELDS, "version") if name != "type_code"},
)
HOSTILE = settings(max_examples=30, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@HOSTILE
@given(data=HOSTILE_FORM)
def test_hostile_create_never_fails_and_saves_nothing_on_error(client, signed_in, pathway,
                                                               data):
    """Random values on the create form: 302 or 400, never a 500; a 400 saves nothing."""
    before = len(steps_of(pathway))
    response = client.post(url(pathway.participant), data=data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert len(steps_of(pathway)) == before


@HOSTILE
@given(data=HOSTILE_FORM)
def test_hostile_edit_never_fails_and_saves_nothing_on_error(client, signed_in, pathway, data):
    """Random values on the edit form: 302, 400 or 409, never a 500; a 4xx changes nothing."""
    step = factories.StepFactory(pathway=pathway)
    before = snapshot(step)
    response = client.post(url(pathway.participant, "modifier", step), data=data)
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert snapshot(step) == before


@HOSTILE
@given(version=HOSTILE_VALUE)
def test_hostile_delete_never_fails(client, signed_in, pathway, version):
    """Random versions on the delete form: 302 (deleted) or 409 (kept), never a 500."""
    step = factories.StepFactory(pathway=pathway)
    response = client.post(url(pathway.participant, "supprimer", step),
                           data={"version": version})
    assert response.status_code in (302, 409)
    assert (db.session.get(Step, step.id) is None) == (response.status_code == 302)
