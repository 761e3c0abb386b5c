"""The admin edits the reference lists; référents' forms follow."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, EligibilityCriterion, StepType
from tests.helpers import sign_in


def test_admin_adds_a_criterion_and_hides_a_step_type(client, admin):
    """A new criterion appears; a hidden step type stays but is flagged, both audited."""
    sign_in(client, admin)
    assert "Critères d&#39;éligibilité" in client.get("/admin/listes").get_data(as_text=True)
    response = client.post("/admin/listes/criteres/nouveau", data={
        "code": "garantie_jeunes", "label": "Sortant de Contrat d'engagement jeune",
        "position": "30", "active": "y"})
    assert response.status_code == 302
    added = db.session.scalar(sa.select(EligibilityCriterion).where(
        EligibilityCriterion.code == "GARANTIE_JEUNES"))
    assert added.label == "Sortant de Contrat d'engagement jeune" and added.active
    pmsmp = db.session.get(StepType, "PMSMP")
    response = client.post("/admin/listes/etapes/PMSMP/modifier", data={
        "code": "AUTRE", "label": "Immersion (PMSMP)", "position": "4",
        "original_label": pmsmp.label})
    assert response.status_code == 302
    db.session.refresh(pmsmp)
    assert (pmsmp.label, pmsmp.active) == ("Immersion (PMSMP)", False)
    assert db.session.get(StepType, "AUTRE") is None  # codes never change
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("reference.create") == 1 and actions.count("reference.update") == 1


def test_step_types_cannot_be_invented(client, admin):
    """Step type codes carry rules: there is no form to add one."""
    sign_in(client, admin)
    assert client.get("/admin/listes/etapes/nouveau").status_code == 404
    assert client.get("/admin/listes/inconnue").status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "RSA", "label": "Doublon", "position": "1"}, "Ce code existe déjà."),
    ({"code": "a b", "label": "X", "position": "1"}, "Majuscules, chiffres et _"),
    ({"code": "NOUVEAU", "label": "", "position": "1"}, "Saisissez un libellé."),
    ({"code": "NOUVEAU", "label": "X", "position": "5000"}, "L&#39;ordre va de 0 à 999."),
])
def test_bad_items_are_refused_in_french(client, admin, data, message):
    """Duplicates, malformed codes, empty labels and out-of-range orders are refused."""
    sign_in(client, admin)
    before = db.session.scalar(sa.select(sa.func.count(EligibilityCriterion.id)))
    response = client.post("/admin/listes/criteres/nouveau", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(EligibilityCriterion.id))) == before


def test_a_concurrent_label_change_is_not_overwritten(client, admin):
    """A label changed since the form was opened is kept, and the admin is told."""
    sign_in(client, admin)
    rsa = db.session.scalar(sa.select(EligibilityCriterion).where(
        EligibilityCriterion.code == "RSA"))
    response = client.post("/admin/listes/criteres/RSA/modifier", data={
        "code": "RSA", "label": "Allocataire RSA", "position": "0", "active": "y",
        "original_label": "Un ancien libellé"})
    assert response.status_code == 400
    assert "modifié entre-temps" in response.get_data(as_text=True)
    db.session.refresh(rsa)
    assert rsa.label == "Bénéficiaire du RSA"


@pytest.mark.parametrize("who", ["referent", "supervisor"])
def test_only_the_admin_edits_lists(client, request, who):
    """Référents and supervisors get 403 on the reference lists."""
    sign_in(client, request.getfixturevalue(who))
    assert client.get("/admin/listes").status_code == 403
    assert client.post("/admin/listes/criteres/nouveau",
                       data={"code": "X", "label": "X", "position": "1"}).status_code == 403


def test_hidden_criterion_is_no_longer_offered_to_referents(client, participant):
    """The participant form offers only active criteria."""
    criterion = db.session.scalar(sa.select(EligibilityCriterion).where(
        EligibilityCriterion.code == "ZRR"))
    criterion.active = False
    db.session.commit()
    sign_in(client, participant.referent)
    page = client.get(f"/participants/{participant.public_id}/edit").get_data(as_text=True)
    assert "Bénéficiaire du RSA" in page
    assert criterion.label not in page
