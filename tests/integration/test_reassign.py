"""Bulk reassignment: moving participants from one référent to another, by the supervisor."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, Participant, ReferentAssignment
from tests import factories
from tests.helpers import sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

URL = "/supervision/reaffectation"


@pytest.fixture
def caseload(referent):
    """Three participants of the référent, each in pathway, with their assignment history."""
    people = []
    for first, last in (("Hélène", "Dupré"), ("Yann", "Le Goff"), ("Aminata", "N'Diaye")):
        person = factories.ParticipantFactory(referent=referent, first_name=first,
                                              last_name=last)
        factories.PathwayFactory(participant=person)
        person.assignments.append(ReferentAssignment(
            referent_id=referent.id, started_on=paris_today() - timedelta(days=300)))
        people.append(person)
    db.session.commit()
    return people


def text(response) -> str:
    """The page as text."""
    return response.get_data(as_text=True)


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ))


def stored(person: Participant) -> Participant:
    """The participant as saved."""
    db.session.expire_all()
    return db.session.get(Participant, person.id)


def move_data(source, target, people, action="confirm", reason="Départ en congé de Claire"):
    """The reassignment form as posted."""
    return {"source": str(source.id), "target": str(target.id), "reason": reason,
            "participants": [p.public_id for p in people], "action": action}


def test_page_lists_the_source_caseload_and_targets(client, supervisor, referent,
                                                   other_referent, caseload):
    """?referent= preselects the source; targets are active référents with caseload/ceiling."""
    factories.UserFactory(role="referent", last_name="Inactif", active=False)
    factories.ParticipantFactory(referent=other_referent)
    exited = factories.ParticipantFactory(referent=referent, last_name="Sorti")
    factories.PathwayFactory(participant=exited, exit_date=paris_today(),
                             exit_category="demenagement")
    sign_in(client, supervisor)
    response = client.get(URL, query_string={"referent": referent.id})
    assert response.status_code == 200
    page = text(response)
    assert page.count('data-testid="reassign-line"') == 3
    for person in caseload:
        assert person.public_id in page
    assert exited.public_id not in page
    assert "1 dossier clos" in page
    # Targets: the other active référent with 1 / 70; not the source, not the inactive one.
    assert "LEFORT Bruno — 1 / 70 participants" in page
    assert "MARTIN Claire — " not in page.split('id="target"')[1].split("</select>")[0]
    assert "INACTIF" not in page.split('id="target"')[1].split("</select>")[0]
    assert events("reassign.view")[-1].target_id == str(referent.id)
    closed = text(client.get(URL, query_string={"referent": referent.id, "clos": 1}))
    assert exited.public_id in closed


def test_bulk_move_of_two_of_three(client, app, supervisor, referent, other_referent, caseload):
    """Two participants move: referent, history rows, audit; the third stays."""
    sign_in(client, supervisor)
    moving, staying = caseload[:2], caseload[2]
    response = client.post(URL, data=move_data(referent, other_referent, moving))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{URL}?referent={referent.id}")
    today = paris_today()
    for person in moving:
        saved = stored(person)
        assert saved.referent_id == other_referent.id
        history = sorted(saved.assignments, key=lambda a: a.id)
        assert [(a.referent_id, a.ended_on) for a in history] == [
            (referent.id, today), (other_referent.id, None)]
        assert history[1].started_on == today
        assert history[1].assigned_by_id == supervisor.id
    assert stored(staying).referent_id == referent.id
    assert [a.ended_on for a in stored(staying).assignments] == [None]

    reassigned = events("participant.reassign")
    assert [e.target_id for e in reassigned] == [p.public_id for p in moving]
    detail = json.loads(reassigned[0].detail)
    assert detail["previous"] == referent.id and detail["new"] == other_referent.id
    assert detail["reason"] == "Départ en congé de Claire"
    bulk = events("reassign.bulk")
    assert len(bulk) == 1 and json.loads(bulk[0].detail)["moved"] == 2
    flashed = text(client.get(response.headers["Location"]))
    assert "2 participants confiés à Bruno Lefort." in flashed


def test_the_receiving_referent_sees_them_at_once(client, app, supervisor, referent,
                                                   other_referent, caseload):
    """After the move the new référent lists and opens the files; the old one no longer does."""
    sign_in(client, supervisor)
    client.post(URL, data=move_data(referent, other_referent, caseload[:2]))
    receiving = app.test_client()
    sign_in(receiving, other_referent)
    page = text(receiving.get("/participants"))
    assert caseload[0].public_id in page and caseload[1].public_id in page
    assert caseload[2].public_id not in page
    assert receiving.get(f"/participants/{caseload[0].public_id}").status_code == 200
    former = app.test_client()
    sign_in(former, referent)
    assert former.get(f"/participants/{caseload[0].public_id}").status_code == 404


def test_preview_warns_when_the_target_goes_over_the_ceiling(client, supervisor, referent,
                                                              other_referent, caseload):
    """The confirmation page warns, in French, when the move puts the target over its ceiling."""
    other_referent.caseload_ceiling = 2
    factories.ParticipantFactory(referent=other_referent)
    sign_in(client, supervisor)
    response = client.post(URL, data=move_data(referent, other_referent, caseload[:2],
                                               action="preview"))
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="over-ceiling"' in page
    assert "au-delà de son plafond de 2" in page
    assert "après la réaffectation : 3 (plafond : 2)" in page
    assert stored(caseload[0]).referent_id == referent.id  # nothing moved yet
    within = client.post(URL, data=move_data(referent, other_referent, caseload[:1],
                                             action="preview"))
    assert 'data-testid="over-ceiling"' not in text(within)
    # Confirming anyway is allowed, and the warning is repeated.
    done = client.post(URL, data=move_data(referent, other_referent, caseload[:2]),
                       follow_redirects=True)
    assert "au-delà de son plafond de 2" in text(done)
    assert stored(caseload[0]).referent_id == other_referent.id


def test_a_participant_moved_meanwhile_is_skipped(client, supervisor, referent, other_referent,
                                                  caseload):
    """A participant whose référent changed since the page was shown is not moved; it says so."""
    third = factories.UserFactory(role="referent", first_name="Inès", last_name="Roy")
    data = move_data(referent, other_referent, caseload)
    meanwhile = stored(caseload[1])
    meanwhile.referent_id = third.id
    db.session.commit()
    sign_in(client, supervisor)
    preview = text(client.post(URL, data=data | {"action": "preview"}))
    assert 'data-testid="stale"' in preview and "Yann Le Goff" in preview
    response = client.post(URL, data=data, follow_redirects=True)
    page = text(response)
    assert "2 participants confiés à Bruno Lefort." in page
    assert "Non déplacé, car déjà réaffecté entre-temps" in page and "Yann Le Goff" in page
    assert stored(caseload[1]).referent_id == third.id
    assert stored(caseload[0]).referent_id == other_referent.id
    assert stored(caseload[2]).referent_id == other_referent.id
    assert json.loads(events("reassign.bulk")[0].detail)["skipped"] == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"participants": []}, "Cochez au moins un participant."),
    ({"reason": "  "}, "Indiquez le motif de la réaffectation."),
    ({"target": "0"}, "Choisissez le ou la référent(e) qui reçoit les participants."),
])
def test_incomplete_forms_move_nobody(client, supervisor, referent, other_referent, caseload,
                                      change, message):
    """No participant, no reason or no target: a French error and nobody moves."""
    sign_in(client, supervisor)
    response = client.post(URL, data=move_data(referent, other_referent, caseload) | change)
    assert response.status_code == 400
    assert message.replace("'", "&#39;") in text(response)
    assert all(stored(p).referent_id == referent.id for p in caseload)
    assert events("participant.reassign") == []


def test_inactive_or_non_referent_targets_are_refused(client, supervisor, referent, caseload):
    """Only active référents receive participants."""
    inactive = factories.UserFactory(role="referent", active=False)
    sign_in(client, supervisor)
    for target in (inactive, supervisor, referent):
        response = client.post(URL, data=move_data(referent, target, caseload))
        assert response.status_code == 400
    assert all(stored(p).referent_id == referent.id for p in caseload)


def test_select_all_checks_every_listed_participant(client, supervisor, referent,
                                                    other_referent, caseload):
    """The 'select all' button checks every box and keeps what was typed."""
    sign_in(client, supervisor)
    data = move_data(referent, other_referent, [], action="select_all", reason="Mutation")
    page = text(client.post(URL, data=data))
    for person in caseload:
        assert f'value="{person.public_id}" id="p-{person.public_id}" checked' in page
    assert "Mutation" in page


@pytest.mark.parametrize("role", ["referent", "admin"])
def test_only_the_supervisor_reassigns(client, referent, other_referent, admin, caseload, role):
    """Référents and the admin get an audited 403, and nobody moves."""
    user = {"referent": referent, "admin": admin}[role]
    sign_in(client, user)
    assert client.get(URL, query_string={"referent": referent.id}).status_code == 403
    assert client.post(URL, data=move_data(referent, other_referent, caseload)).status_code == 403
    assert all(stored(p).referent_id == referent.id for p in caseload)
    denied = [e for e in events("access.denied") if e.user_id == user.id]
    assert len(denied) == 2
