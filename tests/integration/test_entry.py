"""Orientation, entry decision, engagement contract, entry, exit and reopening."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, Pathway
from tests import factories
from tests.helpers import day

TODAY = paris_today()


def actions() -> list[str]:
    """Audit actions written so far."""
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.fixture
def logged_in(client, auth, participant):
    """The participant's référent, logged in."""
    auth.login(participant.referent)
    return participant


def orientation_url(p):
    """Where a new orientation is recorded."""
    return f"/participants/{p.public_id}/parcours/orientation"


def entry_url(p):
    """Where the decision and entry are recorded."""
    return f"/participants/{p.public_id}/parcours/entree"


def test_orientation_then_entry_opens_the_pathway(client, logged_in):
    """An orientation starts a pathway that becomes 'in pathway' once accepted and signed."""
    response = client.post(orientation_url(logged_in), data={
        "orientation_date": day(-30), "prescriber_kind": "france_travail",
        "prescriber_name": "Agence de Tours Nord", "orientation_comment": "Orientée pour un projet",
    })
    assert response.status_code == 302
    pathway = db.session.scalar(sa.select(Pathway))
    assert pathway.status == "orientation"
    response = client.post(entry_url(logged_in), data={
        "orientation_date": day(-30), "prescriber_kind": "france_travail",
        "decision": "accepted", "decision_date": day(-20), "contract_signed_on": day(-15),
        "entry_date": day(-15), "version": str(pathway.version),
    })
    assert response.status_code == 302
    db.session.refresh(pathway)
    assert pathway.status == "in_pathway"
    assert pathway.entry_date == TODAY - timedelta(days=15)
    assert {"pathway.orientation", "pathway.entry"} <= set(actions())
    page = client.get(f"/participants/{logged_in.public_id}").get_data(as_text=True)
    assert "En parcours" in page and "15 jours de parcours" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision": "", "decision_date": "", "entry_date": "-5", "contract_signed_on": "-5"},
         "décision d&#39;entrée acceptée"),
        ({"decision": "refused", "entry_date": "-5", "contract_signed_on": "-5"},
         "décision d&#39;entrée acceptée"),
        ({"decision_date": "-40"}, "ne peut pas précéder l&#39;orientation"),
        ({"entry_date": "-5", "contract_signed_on": ""}, "contrat d&#39;engagement"),
        ({"entry_date": "-25", "contract_signed_on": "-25"}, "précéder la décision"),
        ({"entry_date": "3", "contract_signed_on": "-5"}, "dans le futur"),
        ({"decision": "accepted", "decision_date": ""}, "date de la décision"),
    ],
)
def test_entry_rules_are_enforced_with_french_messages(client, logged_in, changes, message):
    """Entry without a decision, dates out of order or in the future are refused, unsaved."""
    pathway = factories.PathwayFactory(
        participant=logged_in, orientation_date=TODAY - timedelta(days=30), decision="",
        decision_date=None, contract_signed_on=None, entry_date=None,
    )
    data = {"orientation_date": day(-30), "prescriber_kind": "france_travail",
            "decision": "accepted", "decision_date": day(-20), "contract_signed_on": "",
            "entry_date": "", "version": str(pathway.version)}
    for name, value in changes.items():
        data[name] = day(int(value)) if value.lstrip("-").isdigit() else value
    response = client.post(entry_url(logged_in), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pathway, pathway.id).entry_date is None


def test_only_one_open_pathway_at_a_time(client, logged_in):
    """A second orientation is refused while a pathway is open."""
    factories.PathwayFactory(participant=logged_in)
    response = client.post(orientation_url(logged_in), data={
        "orientation_date": day(-1), "prescriber_kind": "ccas"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Pathway.id))) == 1


def test_exit_then_reopen_is_audited_and_earlier_pathways_stay_readable(client, logged_in):
    """An exit closes the pathway; reopening restores it; a later pathway keeps the old one."""
    pathway = factories.PathwayFactory(participant=logged_in)
    job = factories.EmploymentFactory(pathway=pathway, contract_type="CDI", planned_end=None)
    url = f"/participants/{logged_in.public_id}/parcours/sortie"
    response = client.post(url, data={"exit_date": day(-1), "exit_category": "emploi_durable",
                                      "support": "", "version": str(pathway.version)})
    assert response.status_code == 400
    assert "sortie positive" in response.get_data(as_text=True).lower()
    response = client.post(url, data={"exit_date": day(-1), "exit_category": "emploi_durable",
                                      "support": f"employment:{job.public_id}",
                                      "version": str(pathway.version)})
    assert response.status_code == 302
    db.session.refresh(pathway)
    assert pathway.status == "exited" and pathway.exit_employment_id == job.id
    reopen = f"/participants/{logged_in.public_id}/parcours/reouvrir"
    assert client.post(reopen, data={"reason": ""}).status_code == 400
    assert client.post(reopen, data={"reason": "Sortie saisie par erreur"}).status_code == 302
    db.session.refresh(pathway)
    assert pathway.status == "in_pathway" and pathway.exit_date is None
    assert "pathway.reopen" in actions()


def test_exit_before_entry_or_in_future_is_refused(client, logged_in):
    """The exit date lies between entry and today."""
    pathway = factories.PathwayFactory(participant=logged_in)
    url = f"/participants/{logged_in.public_id}/parcours/sortie"
    before = (pathway.entry_date - timedelta(days=1)).isoformat()
    for exit_day in (before, day(2)):
        response = client.post(url, data={"exit_date": exit_day, "exit_category": "abandon",
                                          "version": str(pathway.version)})
        assert response.status_code == 400
    db.session.refresh(pathway)
    assert pathway.exit_date is None


def test_stale_entry_edit_answers_409_and_keeps_both_versions(client, logged_in):
    """A colleague's save in between makes the typed entry come back as a 409, unsaved."""
    pathway = factories.PathwayFactory(participant=logged_in, prescriber_name="Mission locale")
    stale = str(pathway.version)
    pathway.prescriber_name = "CCAS de Tours"
    db.session.commit()
    response = client.post(entry_url(logged_in), data={
        "orientation_date": pathway.orientation_date.isoformat(),
        "prescriber_kind": "france_travail", "prescriber_name": "Agence Tours Sud",
        "decision": "accepted", "decision_date": pathway.decision_date.isoformat(),
        "contract_signed_on": pathway.contract_signed_on.isoformat(),
        "entry_date": pathway.entry_date.isoformat(), "version": stale,
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "CCAS de Tours" in page and "Agence Tours Sud" in page
    db.session.refresh(pathway)
    assert pathway.prescriber_name == "CCAS de Tours"


@pytest.mark.parametrize("who", ["other_referent", "admin"])
def test_pathway_routes_are_scoped(client, auth, participant, request, who):
    """A foreign référent gets 404 and the admin 403 on pathway forms."""
    factories.PathwayFactory(participant=participant)
    auth.login(request.getfixturevalue(who))
    expected = 403 if who == "admin" else 404
    for suffix in ("orientation", "entree", "sortie", "reouvrir"):
        assert client.get(f"/participants/{participant.public_id}/parcours/{suffix}"
                          ).status_code == expected


HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "'; DROP TABLE pathway; --",
                     "9999-12-31", "0001-01-01", "2026-02-30", "-1", "accepted", "\x1b[31m",
                     "x" * 6000]),
)
ENTRY_FIELDS = ["orientation_date", "prescriber_kind", "prescriber_name", "orientation_comment",
                "decision", "decision_date", "decision_comment", "contract_signed_on",
                "entry_date", "version"]


def pathway_snapshot(pathway_id: int) -> tuple:
    """The stored pathway, as plain values."""
    db.session.expire_all()
    row = db.session.get(Pathway, pathway_id)
    return (row.orientation_date, row.decision, row.decision_date, row.entry_date,
            row.exit_date, row.exit_category, row.prescriber_name, row.version)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={name: HOSTILE_TEXT for name in ENTRY_FIELDS}))
def test_hostile_entry_posts_never_fail(client, logged_in, data):
    """Random and hostile values on the entry form: never a 500, nothing saved on a 4xx."""
    pathway = logged_in.pathways[0] if logged_in.pathways else factories.PathwayFactory(
        participant=logged_in, decision="", decision_date=None, contract_signed_on=None,
        entry_date=None)
    before = pathway_snapshot(pathway.id)
    response = client.post(entry_url(logged_in), data=data)
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert pathway_snapshot(pathway.id) == before


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={
    name: HOSTILE_TEXT for name in ["exit_date", "exit_category", "support", "exit_comment",
                                    "version", "reason"]}))
def test_hostile_exit_and_reopen_posts_never_fail(client, logged_in, data):
    """Random and hostile values on the exit and reopen forms: never a 500."""
    pathway = logged_in.pathways[0] if logged_in.pathways else factories.PathwayFactory(
        participant=logged_in)
    before = pathway_snapshot(pathway.id)
    response = client.post(f"/participants/{logged_in.public_id}/parcours/sortie", data=data)
    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert pathway_snapshot(pathway.id) == before
    response = client.post(f"/participants/{logged_in.public_id}/parcours/reouvrir", data=data)
    assert response.status_code in (302, 400)
