"""The participant page: same SQL query count whatever the history, and what it shows."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests import factories
from tests.helpers import count_queries


def build_history(participant, size: int):
    """A pathway with `size` records of each kind, plus an earlier closed pathway."""
    old = factories.PathwayFactory(participant=participant, exit_category="abandon")
    old.exit_date = old.entry_date + timedelta(days=60)
    pathway = factories.PathwayFactory(
        participant=participant,
        orientation_date=old.exit_date + timedelta(days=10),
        decision_date=old.exit_date + timedelta(days=15),
        contract_signed_on=old.exit_date + timedelta(days=20),
        entry_date=old.exit_date + timedelta(days=20),
    )
    with db.session.no_autoflush:
        records = build_records(participant, pathway, size)
    db.session.add_all(records)
    db.session.commit()
    return pathway


def build_records(participant, pathway, size: int) -> list:
    """Unsaved records of each kind for the pathway."""
    records = []
    for index in range(size):
        # build() then one commit: 300 records of each kind in a second, not a minute.
        step = factories.StepFactory.build(pathway=pathway)
        barrier = factories.BarrierFactory.build(pathway=pathway, steps=[step])
        job = factories.EmploymentFactory.build(pathway=pathway, contract_type="INTERIM",
                                                planned_end=None)
        mission = factories.MissionFactory.build(employment=job)
        interview = factories.InterviewFactory.build(pathway=pathway,
                                                     author=participant.referent,
                                                     topics=f"Entretien {index}")
        appointment = factories.AppointmentFactory.build(pathway=pathway)
        records += [step, barrier, job, mission, interview, appointment]
    return records


def page_queries(client, participant) -> int:
    """Load the participant page and return how many SQL statements it sent."""
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(f"/participants/{participant.public_id}")
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["referent", "supervisor"])
def test_page_query_count_does_not_grow_with_history(client, auth, referent, supervisor, role):
    """A history of 5 records of each kind costs as many queries as one of 300."""
    small = factories.ParticipantFactory(referent=referent)
    large = factories.ParticipantFactory(referent=referent)
    build_history(small, 5)
    build_history(large, 300)
    auth.login(referent if role == "referent" else supervisor)
    page_queries(client, small)  # the first load fills the reference data kept in memory
    assert page_queries(client, small) == page_queries(client, large)


def test_page_shows_header_timeline_and_earlier_pathway(client, auth, participant):
    """The header gives status and days in pathway; the timeline and old pathway are shown."""
    build_history(participant, 2)
    auth.login(participant.referent)
    page = client.get(f"/participants/{participant.public_id}").get_data(as_text=True)
    assert "En parcours" in page
    assert "jours de parcours" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline"' in page
    assert "Parcours précédents" in page
    assert "Abandon / perdu de vue" in page


def participant_form(participant, **changes) -> dict:
    """The edit form's fields for a participant, with changes."""
    data = {
        "last_name": participant.last_name, "first_name": participant.first_name,
        "sex": participant.sex, "birth_date": participant.birth_date.isoformat(),
        "postcode": participant.postcode, "city": participant.city,
        "referent_id": str(participant.referent_id), "version": str(participant.version),
    }
    data.update(changes)
    return data


def test_entry_situation_and_criteria_are_saved_and_shown(client, auth, participant):
    """Labour status, education level, flags and eligibility criteria round-trip to the page."""
    from app.models import EligibilityCriterion

    rsa, qpv = (db.session.scalar(sa.select(EligibilityCriterion).where(
        EligibilityCriterion.code == code)) for code in ("RSA", "QPV"))
    auth.login(participant.referent)
    response = client.post(f"/participants/{participant.public_id}/edit", data=participant_form(
        participant, labour_status="unemployed", unemployed_since="2024-01-15",
        education_level="niveau3", qpv="y", rqth="y", france_travail_id="1234567a",
        criteria=[str(rsa.id), str(qpv.id)]))
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.labour_status == "unemployed"
    assert participant.france_travail_id == "1234567A"
    assert {c.code for c in participant.criteria} == {"RSA", "QPV"}
    page = client.get(f"/participants/{participant.public_id}").get_data(as_text=True)
    assert "Bénéficiaire du RSA" in page and "ISCED 3-4" in page and "QPV" in page
    # Unticking every box removes the criteria.
    client.post(f"/participants/{participant.public_id}/edit",
                data=participant_form(participant, labour_status="unemployed",
                                      unemployed_since="2024-01-15"))
    db.session.refresh(participant)
    assert participant.criteria == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"labour_status": "employed", "unemployed_since": "2024-01-15"},
         "ne concerne qu&#39;une personne sans emploi"),
        ({"labour_status": "unemployed", "unemployed_since": "2099-01-01"}, "dans le futur"),
        ({"france_travail_id": "12-34"}, "Identifiant France Travail"),
        ({"education_level": "doctorat"}, "N&#39;est pas un choix valide"),
    ],
)
def test_entry_situation_is_validated(client, auth, participant, changes, message):
    """Inconsistent situation data is refused in French and nothing is saved."""
    auth.login(participant.referent)
    response = client.post(f"/participants/{participant.public_id}/edit",
                           data=participant_form(participant, **changes))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    db.session.refresh(participant)
    assert participant.labour_status == ""


def test_changing_referent_keeps_the_history_and_is_audited(client, auth, participant,
                                                            supervisor, other_referent):
    """A supervisor reassigning a participant closes the old assignment and opens a new one."""
    from app.models import AuditEvent

    auth.login(supervisor)
    response = client.post(f"/participants/{participant.public_id}/edit", data=participant_form(
        participant, referent_id=str(other_referent.id)))
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.referent_id == other_referent.id
    assert [a.referent_id for a in participant.assignments] == [other_referent.id]
    assert db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "participant.reassign")) is not None
