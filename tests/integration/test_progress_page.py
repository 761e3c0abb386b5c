"""The Progression section of the participant page, and the supervisor's exit validation."""

import re
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.clock import paris_today
from app.domain.dates import add_months
from app.extensions import db
from app.models import AuditEvent, Pathway, RuleParameter
from app.models.fse import ExitFollowUp
from app.web import date_fr
from tests import factories
from tests.helpers import sign_in


def exited_on_cdi(participant, months_held: int, **job):
    """A pathway exited on a full-time CDI that started `months_held` months ago."""
    today = paris_today()
    start = add_months(today, -months_held)
    pathway = factories.PathwayFactory(participant=participant,
                                       orientation_date=start - timedelta(days=400))
    employment = factories.EmploymentFactory(pathway=pathway, contract_type="CDI",
                                             start_date=start, planned_end=None, **job)
    pathway.exit_date = start + timedelta(days=5)
    pathway.exit_category = "emploi_durable"
    pathway.exit_employment_id = employment.id
    # The FSE+ situation at exit is on record, so no alert asks for it.
    db.session.add(ExitFollowUp(pathway=pathway, exit_situation="employed",
                                exit_contract_type="CDI",
                                exit_situation_on=pathway.exit_date + timedelta(days=3)))
    db.session.commit()
    return pathway, employment


def page(client, participant) -> str:
    """The participant page's HTML."""
    response = client.get(f"/participants/{participant.public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def alert_kinds(html: str) -> list[str]:
    """The kinds of the alerts shown."""
    return re.findall(r'data-kind="(\w+)"', html)


def test_milestones_and_provisional_status_on_the_page(client, referent, participant):
    pathway, _ = exited_on_cdi(participant, 3)
    factories.InterviewFactory(pathway=pathway, kind="diagnostic",
                               held_on=pathway.entry_date + timedelta(days=3))
    db.session.commit()
    sign_in(client, referent)
    html = page(client, participant)
    assert 'data-testid="progress-section"' in html
    assert "Provisoire" in html
    assert "CDI, 35 h par semaine" in html
    due = add_months(add_months(paris_today(), -3), 6)
    shown = re.search(r'data-testid="expected-validation">([^<]+)<', html).group(1)
    assert shown == date_fr(due)
    assert "Sortie provisoire" in html
    ladder = re.findall(r'class="milestone (milestone-\w+)" data-code="(\w+)"', html)
    assert dict((code, state) for state, code in ladder) == {
        "entree": "milestone-reached", "diagnostic": "milestone-reached",
        "projet": "milestone-pending", "freins": "milestone-pending",
        "competences": "milestone-pending", "experience": "milestone-reached",
        "emploi_durable": "milestone-reached", "consolide": "milestone-pending"}
    assert alert_kinds(html) == []


def test_reasons_a_job_does_not_count(client, referent, participant):
    pathway = factories.PathwayFactory(participant=participant)
    start = add_months(paris_today(), -1)
    factories.EmploymentFactory(pathway=pathway, contract_type="CDD", start_date=start,
                                planned_end=add_months(start, 4) - timedelta(days=1),
                                weekly_hours=Decimal(35))
    factories.EmploymentFactory(pathway=pathway, contract_type="CDI", employer="Garage Leroy",
                                start_date=paris_today() - timedelta(days=10), planned_end=None,
                                weekly_hours=Decimal(15))
    db.session.commit()
    sign_in(client, referent)
    html = page(client, participant)
    assert "Pas encore" in html
    assert "CDD — Boulangerie Martin : CDD de 4 mois &lt; 6 mois" in html
    assert "CDI — Garage Leroy : temps partiel 15 h &lt; mi-temps (17,5 h)" in html


def test_alert_links_to_the_action_that_clears_it(client, referent, participant):
    pathway = factories.PathwayFactory(participant=participant)
    factories.InterviewFactory(pathway=pathway, held_on=paris_today() - timedelta(days=45))
    step = factories.StepFactory(pathway=pathway, planned_end=paris_today() - timedelta(days=3))
    db.session.commit()
    sign_in(client, referent)
    html = page(client, participant)
    assert alert_kinds(html) == ["no_contact", "step_overdue"]
    assert f'href="/participants/{participant.public_id}/entretiens/nouveau"' in html
    assert f'href="/participants/{participant.public_id}/etapes/{step.public_id}/modifier"' \
        in html
    # Logging the interview clears the contact alert.
    factories.InterviewFactory(pathway=pathway, held_on=paris_today())
    db.session.commit()
    assert alert_kinds(page(client, participant)) == ["step_overdue"]


def test_supervisor_validates_an_exit_once_the_job_is_held(client, supervisor, participant):
    pathway, _ = exited_on_cdi(participant, 6)
    sign_in(client, supervisor)
    html = page(client, participant)
    assert "validation_due" in alert_kinds(html)
    url = f"/participants/{participant.public_id}/progression/valider-sortie"
    assert html.count(f'href="{url}"') == 2  # the alert's action and the exit check's button
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "L'emploi est tenu depuis 6 mois" in confirm.get_data(as_text=True)
    response = client.post(url, data={"version": str(pathway.version)})
    assert response.status_code == 302
    db.session.expire_all()
    pathway = db.session.get(Pathway, pathway.id)
    assert pathway.exit_validated_on == paris_today()
    assert pathway.exit_validated_by_id == supervisor.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "pathway.exit_validate")) == 1
    html = page(client, participant)
    assert "Sortie positive validée" in html
    assert alert_kinds(html) == []


def test_a_provisional_exit_cannot_be_validated_yet(client, supervisor, participant):
    pathway, _ = exited_on_cdi(participant, 5)
    sign_in(client, supervisor)
    url = f"/participants/{participant.public_id}/progression/valider-sortie"
    assert "pourra être validée le" in client.get(url).get_data(as_text=True)
    client.post(url, data={"version": str(pathway.version)})
    db.session.expire_all()
    assert db.session.get(Pathway, pathway.id).exit_validated_on is None


def test_a_stale_validation_page_validates_nothing(client, supervisor, participant):
    pathway, _ = exited_on_cdi(participant, 7)
    sign_in(client, supervisor)
    url = f"/participants/{participant.public_id}/progression/valider-sortie"
    response = client.post(url, data={"version": str(pathway.version - 1)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pathway, pathway.id).exit_validated_on is None


def test_only_supervisors_validate_exits(client, referent, participant):
    exited_on_cdi(participant, 7)
    sign_in(client, referent)
    url = f"/participants/{participant.public_id}/progression/valider-sortie"
    assert client.get(url).status_code == 403
    html = page(client, participant)
    assert url not in html
    assert "À valider par un(e) chargé(e) de mission" in html


def test_job_ending_early_sends_back_to_the_pathway(client, referent, participant):
    pathway, _ = exited_on_cdi(participant, 4, actual_end=paris_today() - timedelta(days=2))
    sign_in(client, referent)
    html = page(client, participant)
    assert alert_kinds(html) == ["exit_job_ended"]
    assert "Emploi interrompu" in html
    response = client.post(f"/participants/{participant.public_id}/parcours/reouvrir",
                           data={"reason": "CDI rompu pendant la période d'essai."})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pathway, pathway.id).status == "in_pathway"


def test_in_work_follow_up_keeps_the_contract_editable_until_validation(
        client, referent, supervisor, participant):
    pathway, employment = exited_on_cdi(participant, 6)
    edit = f"/participants/{participant.public_id}/emploi/{employment.public_id}/modifier"
    sign_in(client, referent)
    assert client.get(edit).status_code == 200
    pathway.exit_validated_on = paris_today()
    db.session.commit()
    assert client.get(edit).status_code == 404


def test_a_rule_parameter_change_changes_the_evaluation(client, supervisor, participant):
    exited_on_cdi(participant, 4)
    sign_in(client, supervisor)
    assert "Sortie provisoire" in page(client, participant)
    db.session.add(RuleParameter(key="validation_months", value=Decimal(3),
                                 effective_from=paris_today() - timedelta(days=1)))
    db.session.commit()
    html = page(client, participant)
    assert "Sortie à valider" in html
    assert "L'emploi est tenu depuis 3 mois" in html


def test_missing_exit_situation_is_an_alert_with_its_form(client, referent, participant):
    pathway = factories.PathwayFactory(participant=participant)
    pathway.exit_date = paris_today() - timedelta(days=40)
    pathway.exit_category = "demenagement"
    db.session.commit()
    sign_in(client, referent)
    html = page(client, participant)
    assert alert_kinds(html) == ["exit_situation_missing"]
    assert f'href="/participants/{participant.public_id}/fse/sortie"' in html
