"""Entry commissions: preparing one from pending orientations, saving its decisions, minutes."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, CommissionDecision, EntryCommission, Pathway
from tests import factories
from tests.helpers import day, sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")


def pending(referent, first, last, days_ago=30, **extra) -> Pathway:
    """An orientation waiting for the commission, for a new participant of the référent."""
    person = factories.ParticipantFactory(referent=referent, first_name=first, last_name=last)
    fields = {"decision": "", "decision_date": None, "contract_signed_on": None,
              "entry_date": None, "orientation_date": paris_today() - timedelta(days=days_ago),
              "prescriber_kind": "mission_locale", "prescriber_name": "ML Tours Nord"}
    return factories.PathwayFactory(participant=person, **(fields | extra))


@pytest.fixture
def orientations(referent):
    """Three pending orientations."""
    return [pending(referent, "Hélène", "Dupré"), pending(referent, "Yann", "Le Goff"),
            pending(referent, "Aminata", "N'Diaye")]


def text(response) -> str:
    """The page as text."""
    return response.get_data(as_text=True)


def stored(pathway: Pathway) -> Pathway:
    """The pathway as saved."""
    db.session.expire_all()
    return db.session.get(Pathway, pathway.id)


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ))


def commission_data(pathways, decisions, held_on=None, **extra) -> dict:
    """The commission form as the page posts it: one line per pathway, (decision, reason)."""
    data = {"held_on": held_on or day(0), "place": "Maison de l'emploi",
            "members": "Mme Durand, France Travail\nM. Petit, CD37", "notes": ""}
    for index, pathway in enumerate(pathways):
        decision, reason = decisions[index]
        data |= {f"lines-{index}-pathway": pathway.public_id,
                 f"lines-{index}-version": str(pathway.version),
                 f"lines-{index}-decision": decision, f"lines-{index}-reason": reason}
    return data | extra


THREE = [("accepted", ""), ("refused", "Ne réside pas sur le territoire du PLIE."),
         ("postponed", "Attendre la fin de la formation en cours.")]


def test_prepare_lists_pending_orientations(client, supervisor, referent, orientations):
    """Pending and postponed orientations are listed with référent, prescriber, age, criteria."""
    entered = factories.PathwayFactory(
        participant=factories.ParticipantFactory(referent=referent, last_name="Entré"))
    postponed = pending(referent, "Léon", "Bernard", decision="postponed",
                        decision_date=paris_today() - timedelta(days=3),
                        decision_comment="Dossier incomplet")
    sign_in(client, supervisor)
    response = client.get("/supervision/commissions/preparer")
    assert response.status_code == 200
    page = text(response)
    assert page.count('data-testid="pending-line"') == 4
    for pathway in [*orientations, postponed]:
        assert pathway.public_id in page
    assert entered.public_id not in page
    assert "Claire Martin" in page  # the référent
    assert "Mission locale" in page and "ML Tours Nord" in page
    age = orientations[0].participant.age_on(paris_today())
    assert f"{age} ans" in page
    assert "Ajournée le" in page
    assert events("commission.prepare")[-1].user_id == supervisor.id


def test_commission_of_three_decisions(client, supervisor, orientations):
    """Accepted, refused, postponed: pathways updated, decisions stored, minutes show all."""
    sign_in(client, supervisor)
    response = client.post("/supervision/commissions/preparer",
                           data=commission_data(orientations, THREE, notes="RAS"))
    assert response.status_code == 302
    commission = db.session.scalar(sa.select(EntryCommission))
    assert response.headers["Location"].endswith(f"/supervision/commissions/{commission.public_id}")
    assert commission.held_on == paris_today()
    assert commission.member_list == ["Mme Durand, France Travail", "M. Petit, CD37"]
    assert commission.created_by_id == supervisor.id
    for pathway, (decision, reason) in zip(orientations, THREE, strict=True):
        saved = stored(pathway)
        assert (saved.decision, saved.decision_date, saved.decision_comment) == (
            decision, paris_today(), reason)
        assert saved.entry_date is None
    decisions = db.session.scalars(sa.select(CommissionDecision)
                                   .order_by(CommissionDecision.id)).all()
    assert [(d.pathway_id, d.decision, d.reason) for d in decisions] == [
        (p.id, decision, reason) for p, (decision, reason) in zip(orientations, THREE,
                                                                   strict=True)]

    minutes = client.get(response.headers["Location"])
    page = text(minutes)
    assert minutes.status_code == 200
    assert page.count('data-testid="minutes-line"') == 3
    for name in ("DUPRÉ Hélène", "LE GOFF Yann", "N&#39;DIAYE Aminata"):
        assert name in page
    for label in ("Acceptée", "Refusée", "Ajournée"):
        assert label in page
    assert "Ne réside pas sur le territoire du PLIE." in page
    assert "Attendre la fin de la formation en cours." in page
    assert "Mme Durand, France Travail" in page and "Maison de l&#39;emploi" in page
    for pathway in orientations:
        assert f'href="/participants/{pathway.participant.public_id}"' in page
    assert page.count("<h1") == 1
    assert "Procès-verbal" in page

    create = events("commission.create")
    assert len(create) == 1 and create[0].target_id == commission.public_id
    decided = events("commission.decide")
    assert [e.target_id for e in decided] == [p.participant.public_id for p in orientations]
    assert [json.loads(e.detail)["decision"] for e in decided] == [d for d, _ in THREE]
    assert events("commission.view")[-1].target_id == commission.public_id


def test_the_list_counts_decisions_by_outcome(client, supervisor, orientations):
    """The list shows each commission with its decisions counted by outcome."""
    sign_in(client, supervisor)
    client.post("/supervision/commissions/preparer",
                data=commission_data(orientations, THREE))
    page = text(client.get("/supervision/commissions"))
    assert page.count('data-testid="commission-row"') == 1
    counts = re.findall(r'data-testid="count-(\w+)">(\d+)<', page)
    assert counts == [("accepted", "1"), ("refused", "1"), ("postponed", "1")]
    assert events("commission.list")


def test_the_list_is_paginated(client, supervisor):
    """Twenty commissions a page, newest first."""
    for offset in range(25):
        factories.EntryCommissionFactory(held_on=paris_today() - timedelta(days=offset + 1))
    sign_in(client, supervisor)
    first = text(client.get("/supervision/commissions"))
    second = text(client.get("/supervision/commissions", query_string={"page": 2}))
    assert first.count('data-testid="commission-row"') == 20
    assert second.count('data-testid="commission-row"') == 5
    assert "Page 1 sur 2" in first


@pytest.mark.parametrize(("decision", "message"), [
    ("refused", "Indiquez le motif du refus."),
    ("postponed", "Indiquez le motif de l&#39;ajournement."),
])
def test_refusal_or_postponement_without_reason_saves_nothing(client, supervisor, orientations,
                                                              decision, message):
    """A refusal or postponement without a reason: French error, nothing saved, input kept."""
    sign_in(client, supervisor)
    lines = [("accepted", "Projet clair"), (decision, "  "), ("", "")]
    response = client.post("/supervision/commissions/preparer",
                           data=commission_data(orientations, lines, place="Salle Rabelais"))
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert "Salle Rabelais" in page and "Projet clair" in page
    assert db.session.scalar(sa.select(sa.func.count(EntryCommission.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CommissionDecision.id))) == 0
    assert all(stored(p).decision == "" for p in orientations)
    assert events("commission.create") == []


def test_at_least_one_decision_and_a_reason_needs_a_decision(client, supervisor, orientations):
    """An empty commission is refused; so is a reason typed on an undecided line."""
    sign_in(client, supervisor)
    response = client.post("/supervision/commissions/preparer",
                           data=commission_data(orientations, [("", "")] * 3))
    assert response.status_code == 400
    assert "Choisissez une décision pour au moins une orientation." in text(response)
    response = client.post("/supervision/commissions/preparer", data=commission_data(
        orientations, [("accepted", ""), ("", "Un motif orphelin"), ("", "")]))
    assert response.status_code == 400
    assert "Choisissez la décision qui va avec ce motif" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(EntryCommission.id))) == 0


def test_commission_dates_follow_the_entry_rules(client, supervisor, referent, orientations):
    """Not in the future; not before an orientation (the rules of the single entry form)."""
    sign_in(client, supervisor)
    response = client.post("/supervision/commissions/preparer", data=commission_data(
        orientations, THREE, held_on=day(1)))
    assert response.status_code == 400
    assert "La date de décision est dans le futur." in text(response)
    late = pending(referent, "Paul", "Goffinet", days_ago=2)
    response = client.post("/supervision/commissions/preparer", data=commission_data(
        [late], [("accepted", "")], held_on=day(-5)))
    assert response.status_code == 400
    assert "La décision ne peut pas précéder l&#39;orientation." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(EntryCommission.id))) == 0


def test_a_pathway_decided_meanwhile_is_refused_and_the_others_kept(client, supervisor,
                                                                    orientations):
    """A line whose pathway was decided since the page was shown is refused; others saved."""
    data = commission_data(orientations, THREE)
    meanwhile = stored(orientations[1])
    meanwhile.decision = "accepted"
    meanwhile.decision_date = paris_today()
    db.session.commit()
    sign_in(client, supervisor)
    response = client.post("/supervision/commissions/preparer", data=data)
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="refused-lines"' in page
    assert "Ne réside pas sur le territoire du PLIE." in page  # what was typed, kept
    assert "1 décision non enregistrée" in page
    assert page.count('data-testid="minutes-line"') == 2
    assert stored(orientations[1]).decision == "accepted"
    assert stored(orientations[1]).decision_comment == ""
    assert stored(orientations[0]).decision == "accepted"
    assert stored(orientations[2]).decision == "postponed"
    decisions = db.session.scalars(sa.select(CommissionDecision)).all()
    assert {d.pathway_id for d in decisions} == {orientations[0].id, orientations[2].id}
    assert len(events("commission.decide")) == 2
    assert json.loads(events("commission.conflict")[0].detail)["pathways"] == [
        orientations[1].public_id]


def test_a_changed_version_alone_refuses_the_line(client, supervisor, orientations):
    """A pathway still pending but edited since (new version) is refused too."""
    data = commission_data(orientations[:1], THREE[:1])
    edited = stored(orientations[0])
    edited.orientation_comment = "Précision du prescripteur"
    db.session.commit()
    sign_in(client, supervisor)
    response = client.post("/supervision/commissions/preparer", data=data)
    assert response.status_code == 409
    assert "décidé ou modifié entre-temps" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(EntryCommission.id))) == 0
    # The page now carries the current version: saving again is deliberate and goes through.
    version = re.search(r'name="lines-0-version" type="hidden" value="(\d+)"', text(response))
    assert version and version.group(1) == str(stored(orientations[0]).version)
    response = client.post("/supervision/commissions/preparer",
                           data=data | {"lines-0-version": version.group(1)})
    assert response.status_code == 302
    assert stored(orientations[0]).decision == "accepted"


@pytest.mark.parametrize("role", ["referent", "admin"])
def test_only_the_supervisor_reaches_commissions(client, referent, admin, orientations, role):
    """Référents and the admin get 403 on every commission page, audited; nothing saved."""
    commission = factories.EntryCommissionFactory()
    user = {"referent": referent, "admin": admin}[role]
    sign_in(client, user)
    for url in ("/supervision/commissions", "/supervision/commissions/preparer",
                f"/supervision/commissions/{commission.public_id}"):
        assert client.get(url).status_code == 403
    response = client.post("/supervision/commissions/preparer",
                           data=commission_data(orientations, THREE))
    assert response.status_code == 403
    assert all(stored(p).decision == "" for p in orientations)
    assert len([e for e in events("access.denied") if e.user_id == user.id]) == 4


def test_unknown_commission_is_404(client, supervisor):
    """A made-up or malformed id is not found."""
    sign_in(client, supervisor)
    assert client.get("/supervision/commissions/nexistepas").status_code == 404
    assert client.get("/supervision/commissions/a%00b").status_code == 404
