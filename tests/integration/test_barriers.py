"""Barriers (freins périphériques): add, edit, mark as lifted, delete, and health-data privacy."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, Barrier
from tests import factories
from tests.helpers import day, sign_in

# Requests reuse the test's application context; without this, `g` would keep the previous
# request's user when a test switches from one role to another.
pytestmark = pytest.mark.usefixtures("fresh_request_globals")

TODAY = paris_today()
HEALTH_TEXT = "Suivi psychiatrique hebdomadaire au CMP"


def barriers() -> list[Barrier]:
    """Every barrier as the database holds it (pending changes of the shared session dropped)."""
    db.session.rollback()
    return db.session.scalars(sa.select(Barrier).order_by(Barrier.id)).all()


def fresh(barrier: Barrier) -> Barrier:
    """The barrier as the database holds it now."""
    db.session.rollback()
    return db.session.get(Barrier, barrier.id)


def audit_events(action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def base_url(participant) -> str:
    """The barriers' URL prefix of a participant."""
    return f"/participants/{participant.public_id}/freins"


def edit_url(barrier) -> str:
    """Where a barrier is edited."""
    return f"{base_url(barrier.pathway.participant)}/{barrier.public_id}/modifier"


def lift_url(barrier) -> str:
    """Where a barrier is marked as lifted."""
    return f"{base_url(barrier.pathway.participant)}/{barrier.public_id}/lever"


def delete_url(barrier) -> str:
    """Where a barrier is deleted."""
    return f"{base_url(barrier.pathway.participant)}/{barrier.public_id}/supprimer"


def page_of(client, participant) -> str:
    """The participant page's HTML."""
    response = client.get(f"/participants/{participant.public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def form_data(**changes) -> dict:
    """Valid barrier form data, with changes."""
    data = {"theme": "mobilite", "situation": "Pas de permis, bus rare le matin.",
            "severity": "3", "identified_on": day(-10), "lifted_on": ""}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def pathway(participant):
    """The participant's open pathway, entered about a year ago."""
    return factories.PathwayFactory(participant=participant)


@pytest.fixture
def step(pathway):
    """A remobilisation step of the pathway."""
    return factories.StepFactory(pathway=pathway)


@pytest.fixture
def as_referent(client, participant):
    """The participant's référent, signed in."""
    sign_in(client, participant.referent)
    return participant.referent


@pytest.fixture
def health_barrier(pathway):
    """A health barrier, whose situation is sensitive data."""
    return factories.BarrierFactory(pathway=pathway, theme="sante", situation=HEALTH_TEXT,
                                    severity=3)


# --- Creation ------------------------------------------------------------------------------

def test_new_form_defaults_to_today_and_labels_steps(client, as_referent, participant, step):
    """The form proposes today's date, explains the automatic severity, lists the steps."""
    page = client.get(f"{base_url(participant)}/nouveau").get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in page
    assert "passe automatiquement la sévérité à 0" in page
    assert "Remobilisation / redynamisation — début le" in page
    assert f'value="{step.public_id}"' in page


def test_valid_creation_links_steps_and_is_audited(client, as_referent, participant, pathway,
                                                  step):
    """A valid barrier is saved with its steps, the user lands on the section, it is audited."""
    response = client.post(f"{base_url(participant)}/nouveau",
                           data=form_data(step_ids=[step.public_id]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{participant.public_id}#freins")
    (barrier,) = barriers()
    assert (barrier.theme, barrier.severity, barrier.identified_on, barrier.lifted_on) == (
        "mobilite", 3, TODAY - timedelta(days=10), None)
    assert barrier.situation == "Pas de permis, bus rare le matin."
    assert barrier.pathway_id == pathway.id
    assert [s.id for s in barrier.steps] == [step.id]
    (event,) = audit_events("barrier.create")
    assert (event.target_type, event.target_id) == ("participant", participant.public_id)
    assert json.loads(event.detail)["barrier"] == barrier.public_id


def test_situation_line_breaks_are_normalised(client, as_referent, participant, pathway):
    """A textarea posted with CRLF is stored with plain line breaks, trimmed."""
    client.post(f"{base_url(participant)}/nouveau",
                data=form_data(situation="  Ligne 1\r\nLigne 2  "))
    assert barriers()[0].situation == "Ligne 1\nLigne 2"


@pytest.mark.parametrize("changes, message", [
    ({"identified_on": day(-5), "lifted_on": day(-10)},
     "Un frein ne peut pas être levé avant d&#39;avoir été identifié."),
    ({"identified_on": day(3)}, "La date d&#39;identification est dans le futur."),
    ({"severity": "0"}, "Un frein de sévérité 0 est levé : indiquez la date de levée."),
    ({"severity": "5"}, "Choisissez une sévérité de 0 (levé) à 3 (bloquant)."),
    ({"severity": "abc"}, "Choisissez une sévérité de 0 (levé) à 3 (bloquant)."),
    ({"severity": "-1"}, "Choisissez une sévérité de 0 (levé) à 3 (bloquant)."),
    ({"severity": ""}, "Choisissez une sévérité de 0 (levé) à 3 (bloquant)."),
    ({"theme": ""}, "Choisissez le thème du frein."),
    ({"theme": "astrologie"}, "pas un choix valide"),
    ({"identified_on": ""}, "Indiquez la date d&#39;identification."),
    ({"identified_on": "31/02/2025"}, "date"),
    ({"lifted_on": day(2)}, "La date de levée est dans le futur."),
    ({"step_ids": ["inconnue"]}, "choix valide"),
    ({"situation": "texte\x00nul"}, "caractères non autorisés"),
    ({"situation": "x" * 5001}, "5000"),
])
def test_invalid_barrier_is_refused_and_nothing_saved(client, as_referent, participant, pathway,
                                                     changes, message):
    """Each broken rule answers 400 with its French message; nothing is saved or audited."""
    response = client.post(f"{base_url(participant)}/nouveau", data=form_data(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message.lower() in page.lower()
    assert barriers() == []
    assert audit_events("barrier.create") == []


def test_lifted_date_forces_severity_zero(client, as_referent, participant, pathway):
    """A barrier recorded with a lifted date is lifted: its severity becomes 0."""
    response = client.post(f"{base_url(participant)}/nouveau",
                           data=form_data(severity="3", lifted_on=day(-1)))
    assert response.status_code == 302
    (barrier,) = barriers()
    assert (barrier.severity, barrier.lifted_on) == (0, TODAY - timedelta(days=1))


def test_lifted_date_forces_severity_zero_on_edit(client, as_referent, pathway):
    """Giving a lifted date on edit sets severity 0 too; removing it asks for a severity."""
    barrier = factories.BarrierFactory(pathway=pathway, severity=2)
    response = client.post(edit_url(barrier), data=form_data(
        severity="2", lifted_on=day(0), version=str(barrier.version)))
    assert response.status_code == 302
    barrier = fresh(barrier)
    assert (barrier.severity, barrier.lifted_on) == (0, TODAY)
    response = client.post(edit_url(barrier), data=form_data(
        severity="0", lifted_on="", version=str(barrier.version)))
    assert response.status_code == 400
    assert fresh(barrier).lifted_on == TODAY


def test_no_barrier_form_without_an_open_pathway(client, as_referent, participant):
    """Without a pathway in progress there is nowhere to record a barrier."""
    assert client.get(f"{base_url(participant)}/nouveau").status_code == 404
    closed = factories.PathwayFactory(participant=participant, exit_date=TODAY,
                                      exit_category="abandon")
    barrier = factories.BarrierFactory(pathway=closed)
    assert client.get(edit_url(barrier)).status_code == 404
    assert client.post(lift_url(barrier), data={"version": "1"}).status_code == 404
    assert fresh(barrier).lifted_on is None


# --- Editing and conflicts ------------------------------------------------------------------

def test_edit_changes_fields_and_steps_and_is_audited(client, as_referent, participant, pathway,
                                                     step):
    """An edit saves the fields and the steps, bumps the version, and logs what changed."""
    barrier = factories.BarrierFactory(pathway=pathway)
    page = client.get(edit_url(barrier)).get_data(as_text=True)
    assert "Pas de permis de conduire." in page
    assert f'name="version" type="hidden" value="{barrier.version}"' in page
    response = client.post(edit_url(barrier), data=form_data(
        theme="logement", situation="Hébergé chez un tiers", severity="1",
        step_ids=[step.public_id], version=str(barrier.version)))
    assert response.status_code == 302
    saved = fresh(barrier)
    assert (saved.theme, saved.situation, saved.severity) == ("logement",
                                                             "Hébergé chez un tiers", 1)
    assert [s.id for s in saved.steps] == [step.id]
    assert saved.version == 2
    (event,) = audit_events("barrier.update")
    assert event.target_id == participant.public_id
    assert set(json.loads(event.detail)["fields"]) == {"theme", "situation", "severity",
                                                       "identified_on", "step_ids"}


def test_changing_only_the_steps_bumps_the_version(client, as_referent, pathway, step):
    """A link-table change alone is a change of the barrier: a stale form must see it."""
    barrier = factories.BarrierFactory(pathway=pathway)
    data = form_data(theme=barrier.theme, situation=barrier.situation, severity="2",
                     identified_on=barrier.identified_on.isoformat(),
                     version=str(barrier.version))
    assert client.post(edit_url(barrier), data={**data, "step_ids": [step.public_id]}
                       ).status_code == 302
    assert fresh(barrier).version == 2
    assert client.post(edit_url(barrier), data=data).status_code == 409
    assert [s.id for s in fresh(barrier).steps] == [step.id]


def test_stale_edit_gets_409_with_both_versions(client, as_referent, participant, pathway, step):
    """A form filled from an older version is refused with both versions; nothing is saved."""
    barrier = factories.BarrierFactory(pathway=pathway, steps=[step])
    old_version = barrier.version
    barrier.severity = 3
    db.session.commit()
    response = client.post(edit_url(barrier), data=form_data(
        situation="Ma version", severity="1", version=str(old_version)))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Ma version" in page and "Pas de permis de conduire." in page
    assert "3 — Bloquant" in page and "1 — Léger" in page
    assert "Remobilisation / redynamisation" in page
    assert f'value="{fresh(barrier).version}"' in page
    saved = fresh(barrier)
    assert (saved.severity, saved.situation) == (3, "Pas de permis de conduire.")
    assert [s.id for s in saved.steps] == [step.id]
    assert audit_events("barrier.update") == []
    assert audit_events("record.update_conflict")


def test_unknown_or_foreign_barrier_is_404(client, as_referent, participant, pathway):
    """A barrier of another participant is not reachable through this participant's URL."""
    other = factories.BarrierFactory()
    url = f"{base_url(participant)}/{other.public_id}/modifier"
    assert client.get(url).status_code == 404
    assert client.get(f"{base_url(participant)}/inexistant/modifier").status_code == 404


# --- Marking as lifted ------------------------------------------------------------------

def test_mark_as_lifted_sets_today_and_severity_zero(client, as_referent, participant, pathway):
    """The quick action lifts the barrier today, bumps its version and is audited."""
    barrier = factories.BarrierFactory(pathway=pathway, severity=3)
    page = page_of(client, participant)
    assert f'action="{lift_url(barrier)}"' in page
    response = client.post(lift_url(barrier), data={"version": str(barrier.version)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#freins")
    saved = fresh(barrier)
    assert (saved.lifted_on, saved.severity, saved.version) == (TODAY, 0, 2)
    (event,) = audit_events("barrier.update")
    assert event.target_id == participant.public_id
    assert f'action="{lift_url(barrier)}"' not in page_of(client, participant)


def test_mark_as_lifted_refuses_a_stale_version(client, as_referent, pathway):
    """A colleague's change since the page was shown answers 409; nothing is lifted."""
    barrier = factories.BarrierFactory(pathway=pathway, severity=3)
    barrier.severity = 1
    db.session.commit()
    response = client.post(lift_url(barrier), data={"version": "1"})
    assert response.status_code == 409
    assert "Un(e) collègue a modifié ce frein" in response.get_data(as_text=True)
    assert fresh(barrier).lifted_on is None
    assert audit_events("barrier.update") == []


def test_mark_as_lifted_refuses_a_lift_before_identification(client, as_referent, pathway):
    """A barrier dated in the future (e.g. imported) cannot be lifted today: 400, unchanged."""
    barrier = factories.BarrierFactory(pathway=pathway, identified_on=TODAY + timedelta(days=3))
    response = client.post(lift_url(barrier), data={"version": str(barrier.version)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Un frein ne peut pas être levé avant d&#39;avoir été identifié." in page
    assert "Marquer comme levé aujourd" not in page
    assert fresh(barrier).lifted_on is None


def test_mark_as_lifted_is_post_only_and_idempotent(client, as_referent, pathway):
    """A GET cannot lift; lifting an already lifted barrier changes nothing."""
    barrier = factories.BarrierFactory(pathway=pathway, severity=0,
                                       lifted_on=TODAY - timedelta(days=3))
    assert client.get(lift_url(barrier)).status_code == 405
    assert client.post(lift_url(barrier), data={"version": "1"}).status_code == 302
    assert fresh(barrier).lifted_on == TODAY - timedelta(days=3)


def test_mark_as_lifted_needs_a_csrf_token(app, participant, pathway):
    """With CSRF protection on (as in production), the quick action needs the page's token."""
    app.config["WTF_CSRF_ENABLED"] = True
    barrier = factories.BarrierFactory(pathway=pathway)
    client = app.test_client()
    sign_in(client, participant.referent)
    assert client.post(lift_url(barrier), data={"version": "1"}).status_code == 400
    assert fresh(barrier).lifted_on is None
    page = page_of(client, participant)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(lift_url(barrier), data={"version": "1", "csrf_token": token})
    assert response.status_code == 302
    assert fresh(barrier).lifted_on == TODAY


# --- Deleting ---------------------------------------------------------------------------

def test_delete_asks_for_confirmation_then_deletes(client, as_referent, participant, pathway,
                                                   step):
    """GET shows what will be deleted; POST deletes it and its step links, audited."""
    barrier = factories.BarrierFactory(pathway=pathway, steps=[step])
    response = client.get(delete_url(barrier))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Supprimer ce frein ?" in page and "Mobilité" in page
    assert len(barriers()) == 1
    response = client.post(delete_url(barrier), data={"version": str(barrier.version)})
    assert response.status_code == 302
    assert barriers() == []
    assert db.session.get(type(step), step.id).barriers == []
    (event,) = audit_events("barrier.delete")
    assert event.target_id == participant.public_id


def test_delete_of_a_changed_barrier_asks_again(client, as_referent, pathway):
    """A barrier changed since the confirmation page was shown is not deleted: 409."""
    barrier = factories.BarrierFactory(pathway=pathway)
    barrier.severity = 3
    db.session.commit()
    response = client.post(delete_url(barrier), data={"version": "1"})
    assert response.status_code == 409
    assert 'value="2"' in response.get_data(as_text=True)
    assert len(barriers()) == 1
    assert audit_events("barrier.delete") == []


# --- The section on the participant page ----------------------------------------------------

def test_section_lists_open_by_severity_then_lifted(client, as_referent, participant, pathway,
                                                    step):
    """Open barriers come first, most severe first, then lifted ones; badges carry text."""
    factories.BarrierFactory(pathway=pathway, theme="numerique", severity=1)
    factories.BarrierFactory(pathway=pathway, theme="logement", severity=0,
                             lifted_on=TODAY - timedelta(days=2))
    factories.BarrierFactory(pathway=pathway, theme="mobilite", severity=3, steps=[step],
                             situation="Pas de permis\nBus rare")
    factories.BarrierFactory(pathway=pathway, theme="financier", severity=2)
    page = page_of(client, participant)
    section = page[page.index('<section id="freins"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r'<tr data-testid="barrier-row".*?<th scope="row">([^<]+)</th>', section,
                      re.S)
    assert rows == ["Mobilité", "Difficultés financières", "Numérique", "Logement"]
    assert ">Bloquant<" in section and ">Levé<" in section
    assert "Pas de permis<br>Bus rare" in section
    assert "Remobilisation / redynamisation" in section
    assert "Ajouter un frein" in section
    assert section.count("Marquer comme levé") == 3


def test_section_empty_state_and_read_only_when_closed(client, as_referent, participant,
                                                        pathway):
    """No barrier: a sentence says so. A closed pathway shows its barriers without actions."""
    page = page_of(client, participant)
    assert "Aucun frein n'est enregistré pour ce parcours." in page
    factories.BarrierFactory(pathway=pathway)
    pathway.exit_date, pathway.exit_category = TODAY, "abandon"
    db.session.commit()
    page = page_of(client, participant)
    section = page[page.index('<section id="freins"'):]
    assert "Mobilité" in section
    assert "Ajouter un frein" not in section and "Marquer comme levé" not in section


# --- Health data (GDPR art. 9) ----------------------------------------------------------

def test_health_situation_is_shown_to_the_referent_only(client, participant, supervisor,
                                                        health_barrier):
    """The référent reads the health situation; a supervisor sees theme and severity only."""
    sign_in(client, participant.referent)
    assert HEALTH_TEXT in page_of(client, participant)
    sign_in(client, supervisor)
    page = page_of(client, participant)
    assert HEALTH_TEXT not in page
    assert "Détail réservé au référent" in page
    assert "Santé" in page and ">Bloquant<" in page
    for url in (edit_url(health_barrier), delete_url(health_barrier)):
        response = client.get(url)
        assert response.status_code == 200
        assert HEALTH_TEXT not in response.get_data(as_text=True)
    assert 'name="situation"' not in client.get(edit_url(health_barrier)).get_data(as_text=True)


def test_supervisor_edit_keeps_the_health_situation(client, supervisor, health_barrier):
    """A supervisor changing the severity neither sees nor overwrites the stored situation."""
    sign_in(client, supervisor)
    response = client.post(edit_url(health_barrier), data=form_data(
        theme="sante", situation="", severity="1", version=str(health_barrier.version)))
    assert response.status_code == 302
    saved = fresh(health_barrier)
    assert (saved.severity, saved.situation) == (1, HEALTH_TEXT)


def test_supervisor_cannot_move_a_health_barrier_to_another_theme(client, supervisor,
                                                                  health_barrier):
    """Changing the theme would reveal the hidden text under a readable theme: refused."""
    sign_in(client, supervisor)
    response = client.post(edit_url(health_barrier), data=form_data(
        theme="logement", severity="3", version=str(health_barrier.version)))
    assert response.status_code == 400
    assert "Seul(e) le/la référent(e) du participant peut changer le thème" in \
        response.get_data(as_text=True)
    assert fresh(health_barrier).theme == "sante"


def test_supervisor_conflict_page_does_not_reveal_the_health_situation(client, supervisor,
                                                                       health_barrier):
    """The 409 page compares the fields the supervisor may see, not the situation."""
    sign_in(client, supervisor)
    response = client.post(edit_url(health_barrier), data=form_data(
        theme="sante", severity="1", version="0"))
    assert response.status_code == 409
    assert HEALTH_TEXT not in response.get_data(as_text=True)
    assert fresh(health_barrier).severity == 3


def test_only_the_referent_writes_a_health_situation(client, participant, supervisor, pathway):
    """A supervisor may record a health barrier, but not its detail; the référent may."""
    sign_in(client, supervisor)
    response = client.post(f"{base_url(participant)}/nouveau",
                           data=form_data(theme="sante", situation="Diabète"))
    assert response.status_code == 400
    assert "réservé au/à la référent(e)" in response.get_data(as_text=True)
    assert barriers() == []
    response = client.post(f"{base_url(participant)}/nouveau",
                           data=form_data(theme="sante", situation=""))
    assert response.status_code == 302
    sign_in(client, participant.referent)
    barrier = barriers()[0]
    response = client.post(edit_url(barrier), data=form_data(
        theme="sante", situation="Diabète", version=str(barrier.version)))
    assert response.status_code == 302
    assert fresh(barrier).situation == "Diabète"


def test_audit_does_not_name_the_health_theme(client, as_referent, participant, pathway):
    """The audit log (read by the admin) records which barrier, not that it is about health."""
    client.post(f"{base_url(participant)}/nouveau",
                data=form_data(theme="sante", situation="Diabète"))
    (event,) = audit_events("barrier.create")
    assert "sante" not in event.detail and "Diabète" not in event.detail


# --- Permissions ---------------------------------------------------------------------

@pytest.mark.parametrize("method, suffix", [
    ("get", "/nouveau"), ("post", "/nouveau"), ("get", "/{b}/modifier"),
    ("post", "/{b}/modifier"), ("post", "/{b}/lever"), ("get", "/{b}/supprimer"),
    ("post", "/{b}/supprimer"),
])
@pytest.mark.parametrize("role, status", [("foreign", 404), ("admin", 403)])
def test_other_users_are_kept_out(client, participant, other_referent, admin, pathway, method,
                                  suffix, role, status):
    """A référent of another caseload gets 404, the admin 403, on every route; nothing changes."""
    barrier = factories.BarrierFactory(pathway=pathway)
    sign_in(client, other_referent if role == "foreign" else admin)
    url = base_url(participant) + suffix.format(b=barrier.public_id)
    response = getattr(client, method)(url, data=form_data(version="1", severity="0",
                                                           lifted_on=day(0)))
    assert response.status_code == status
    (saved,) = barriers()
    assert (saved.severity, saved.lifted_on, saved.version) == (2, None, 1)
    assert audit_events("access.denied")


def test_anonymous_is_sent_to_login(client, participant, pathway):
    """Without a session, the form redirects to the login page."""
    response = client.get(f"{base_url(participant)}/nouveau")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_supervisor_may_manage_barriers(client, supervisor, participant, pathway):
    """A supervisor reaches every participant's barriers."""
    sign_in(client, supervisor)
    assert client.get(f"{base_url(participant)}/nouveau").status_code == 200
    assert client.post(f"{base_url(participant)}/nouveau", data=form_data()).status_code == 302


def test_real_login_renders_the_pages(client, auth, participant, pathway, step):
    """Through a real login, the section and every barrier page render."""
    barrier = factories.BarrierFactory(pathway=pathway, steps=[step])
    auth.login(participant.referent)
    assert "Freins" in page_of(client, participant)
    for url in (f"{base_url(participant)}/nouveau", edit_url(barrier), delete_url(barrier)):
        assert client.get(url).status_code == 200


# --- Hostile input ------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "3", "-1", "9" * 30, "abc", "2024-02-30", "0001-01-01",
                     "9999-12-31", "sante", "mobilite", "<script>", "\x00", "1e9",
                     day(0), day(-30), day(5)]),
)
FIELD_NAMES = ("theme", "situation", "severity", "identified_on", "lifted_on", "version")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={name: HOSTILE for name in FIELD_NAMES}),
       steps=st.lists(HOSTILE, max_size=3))
def test_hostile_create_never_fails_nor_half_saves(client, as_referent, participant, pathway,
                                                   data, steps):
    """Random values never give a 500; a refusal saves nothing; a save obeys the rules."""
    before = len(barriers())
    response = client.post(f"{base_url(participant)}/nouveau", data={**data, "step_ids": steps})
    assert response.status_code in (302, 400)
    after = barriers()
    if response.status_code == 400:
        assert len(after) == before
    else:
        barrier = after[-1]
        assert 0 <= barrier.severity <= 3
        assert barrier.identified_on <= TODAY
        assert (barrier.severity == 0) == (barrier.lifted_on is not None)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={name: HOSTILE for name in FIELD_NAMES}),
       current_version=st.booleans())
def test_hostile_edit_never_fails_nor_half_saves(client, as_referent, pathway, data,
                                                 current_version):
    """Random edits never give a 500; on a refusal the barrier is exactly as it was."""
    barrier = factories.BarrierFactory(pathway=pathway)
    if current_version:
        data = {**data, "version": str(barrier.version)}
    before = (barrier.theme, barrier.situation, barrier.severity, barrier.version)
    response = client.post(edit_url(barrier), data=data)
    assert response.status_code in (302, 400, 409)
    saved = fresh(barrier)
    if response.status_code != 302:
        assert (saved.theme, saved.situation, saved.severity, saved.version) == before


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional={name: HOSTILE for name in FIELD_NAMES}))
def test_hostile_supervisor_edit_never_touches_health_text(client, supervisor, health_barrier,
                                                           data):
    """Whatever a supervisor posts, the health situation stays as the référent wrote it."""
    sign_in(client, supervisor)
    response = client.post(edit_url(health_barrier), data=data)
    assert response.status_code in (302, 400, 409)
    saved = fresh(health_barrier)
    assert (saved.theme, saved.situation) == ("sante", HEALTH_TEXT)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(version=HOSTILE, action=st.sampled_from(["lever", "supprimer"]))
def test_hostile_quick_actions_never_fail(client, as_referent, pathway, version, action):
    """Lift and delete with random versions: no 500, and a refusal changes nothing."""
    barrier = factories.BarrierFactory(pathway=pathway)
    url = f"{base_url(pathway.participant)}/{barrier.public_id}/{action}"
    response = client.post(url, data={"version": version})
    assert response.status_code in (302, 409)
    saved = fresh(barrier)
    if response.status_code == 409:
        assert (saved.lifted_on, saved.version) == (None, 1)
    elif action == "lever":
        assert saved.lifted_on == TODAY
    else:
        assert saved is None
