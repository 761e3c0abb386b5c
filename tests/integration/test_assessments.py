"""Assessment grids: fill, edit, delete, rules and conflicts, permissions, the section, admin."""

import html
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from app.clock import paris_today
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    AuditEvent,
    Participant,
    Pathway,
)
from app.pathway.assessments import ASSESSMENT_OPTIONS, assessment_context
from tests import factories
from tests.helpers import day, sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

TODAY = paris_today()
CODES = ["PROJET", "RECHERCHE", "COMPETENCES", "SAVOIR_ETRE", "MOBILITE", "SANTE", "LOGEMENT",
         "NUMERIQUE"]


def base_url(participant) -> str:
    """The grids' URL prefix of a participant."""
    return f"/participants/{participant.public_id}/grilles"


def edit_url(assessment) -> str:
    """Where a grid is edited."""
    return f"{base_url(assessment.pathway.participant)}/{assessment.public_id}/modifier"


def delete_url(assessment) -> str:
    """Where a grid is deleted."""
    return f"{base_url(assessment.pathway.participant)}/{assessment.public_id}/supprimer"


def form_data(score: int = 2, **changes) -> dict:
    """A complete grid form: every default dimension scored, plus changes (None drops a key)."""
    data = {"assessed_on": day(-3), "kind": "entree", "comment": "Grille remplie ensemble."}
    data.update({f"score_{code}": str(score) for code in CODES})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def text(response) -> str:
    """A response's HTML with entities decoded, to compare with French messages."""
    return html.unescape(response.get_data(as_text=True))


def grids() -> list[Assessment]:
    """Every grid as the database holds it."""
    db.session.rollback()
    return db.session.scalars(sa.select(Assessment).order_by(Assessment.id)).all()


def audit_events(action: str) -> list[AuditEvent]:
    """The audit events of one action."""
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def scores_of(assessment: Assessment) -> dict[str, int]:
    """A stored grid's scores by dimension code."""
    rows = db.session.execute(
        sa.select(AssessmentDimension.code, AssessmentScore.score)
        .join(AssessmentScore.dimension).where(AssessmentScore.assessment_id == assessment.id)
    ).all()
    return dict(rows)


@pytest.fixture
def pathway(participant):
    """The participant's open pathway, entered about a year ago."""
    return factories.PathwayFactory(participant=participant)


@pytest.fixture
def as_referent(client, participant, pathway):
    """The participant's référent, signed in."""
    sign_in(client, participant.referent)
    return participant.referent


@pytest.fixture
def entry_grid(pathway):
    """The entry grid, every dimension at 2."""
    return factories.AssessmentFactory(pathway=pathway, comment="Premier point.")


# --- Filling a grid ------------------------------------------------------------------------

def test_new_form_lists_every_dimension_with_its_levels(client, as_referent, participant):
    page = text(client.get(f"{base_url(participant)}/nouvelle"))
    assert page.count('data-testid="grid-dimension"') == 8
    assert "Mobilité" in page and "Aucun moyen de se déplacer vers un emploi" in page
    assert "Se déplace de façon autonome sur tout le bassin d'emploi" in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert '<option selected value="entree">' in page
    assert 'name="score_MOBILITE" type="radio" value="4"' in page


def test_a_complete_grid_is_saved_and_audited(client, as_referent, participant, pathway):
    data = form_data(score_MOBILITE="1", score_NUMERIQUE="4")
    response = client.post(f"{base_url(participant)}/nouvelle", data=data)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{participant.public_id}"
                                                 "#grilles")
    [saved] = grids()
    assert saved.pathway_id == pathway.id and saved.kind == "entree"
    assert saved.assessed_on == TODAY - timedelta(days=3)
    assert saved.author_id == as_referent.id and saved.comment == "Grille remplie ensemble."
    assert scores_of(saved) == {**dict.fromkeys(CODES, 2), "MOBILITE": 1, "NUMERIQUE": 4}
    [event] = audit_events("assessment.create")
    assert event.target_id == participant.public_id
    detail = json.loads(event.detail)
    assert detail == {"record": "assessment", "assessment": saved.public_id, "kind": "entree"}


def test_each_missing_dimension_gets_its_french_message(client, as_referent, participant):
    data = form_data(score_MOBILITE=None, score_SANTE=None, score_NUMERIQUE="7")
    response = client.post(f"{base_url(participant)}/nouvelle", data=data)

    page = text(response)
    assert response.status_code == 400
    assert "Choisissez un niveau de 1 à 4 pour « Mobilité »." in page
    assert "Choisissez un niveau de 1 à 4 pour « Santé et bien-être »." in page
    assert "Choisissez un niveau de 1 à 4 pour « Numérique »." in page
    assert "Projet professionnel »." not in page
    assert "Le formulaire contient 3 erreurs" in page
    assert grids() == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"assessed_on": day(1)}, "La date de l'évaluation ne peut pas être dans le futur."),
    ({"assessed_on": day(-500)}, "La date de l'évaluation ne peut pas précéder l'entrée"),
    ({"assessed_on": ""}, "Indiquez la date de l'évaluation."),
    ({"kind": "bilan"}, "Choisissez le moment de l'évaluation"),
    ({"comment": "note\x00"}, "Ce champ contient des caractères non autorisés."),
])
def test_bad_grids_are_refused_in_french(client, as_referent, participant, changes, message):
    response = client.post(f"{base_url(participant)}/nouvelle", data=form_data(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert grids() == []


def test_a_second_entry_grid_is_refused(client, as_referent, participant, entry_grid):
    response = client.post(f"{base_url(participant)}/nouvelle", data=form_data())
    assert response.status_code == 400
    assert "Ce parcours a déjà une grille d'entrée" in text(response)
    assert len(grids()) == 1

    later = client.post(f"{base_url(participant)}/nouvelle",
                        data=form_data(kind="intermediaire", score=3))
    assert later.status_code == 302
    assert [g.kind for g in grids()] == ["entree", "intermediaire"]


def test_the_form_proposes_an_intermediate_grid_once_the_entry_one_exists(
        client, as_referent, participant, entry_grid):
    page = text(client.get(f"{base_url(participant)}/nouvelle"))
    assert '<option selected value="intermediaire">' in page


def test_no_grid_before_the_entry(client, participant):
    factories.PathwayFactory(participant=participant, decision="", decision_date=None,
                             contract_signed_on=None, entry_date=None)
    sign_in(client, participant.referent)
    response = client.get(f"{base_url(participant)}/nouvelle")
    assert response.status_code == 302
    followed = text(client.get(response.headers["Location"]))
    assert "enregistrez d'abord l'entrée" in followed


def test_an_exit_grid_after_the_exit_but_not_dated_later(client, participant):
    exited = factories.PathwayFactory(participant=participant,
                                      exit_date=TODAY - timedelta(days=10),
                                      exit_category="demenagement")
    factories.AssessmentFactory(pathway=exited)
    sign_in(client, participant.referent)
    page = text(client.get(f"{base_url(participant)}/nouvelle"))
    assert '<option selected value="sortie">' in page

    late = client.post(f"{base_url(participant)}/nouvelle",
                       data=form_data(kind="sortie", assessed_on=day(-2)))
    assert "ne peut pas suivre la sortie du parcours" in text(late)
    saved = client.post(f"{base_url(participant)}/nouvelle",
                        data=form_data(kind="sortie", assessed_on=day(-10)))
    assert saved.status_code == 302
    assert [g.kind for g in grids()] == ["entree", "sortie"]


# --- Editing -------------------------------------------------------------------------------

def test_edit_prefills_and_saves_changed_scores(client, as_referent, entry_grid):
    page = text(client.get(edit_url(entry_grid)))
    assert ('<input checked class="form-check-input" id="score_MOBILITE-1" '
            'name="score_MOBILITE" type="radio" value="2">') in page
    old_version = entry_grid.version
    assert f'name="version" type="hidden" value="{old_version}"' in page

    data = form_data(assessed_on=entry_grid.assessed_on.isoformat(), score_MOBILITE="3",
                     comment="Premier point.", version=str(old_version))
    response = client.post(edit_url(entry_grid), data=data)

    assert response.status_code == 302
    [saved] = grids()
    assert scores_of(saved)["MOBILITE"] == 3
    assert saved.version == old_version + 1  # a score alone moves the version
    [event] = audit_events("assessment.update")
    assert json.loads(event.detail)["fields"] == ["score_MOBILITE"]


def test_a_stale_edit_gets_the_conflict_page_and_overwrites_nothing(client, as_referent,
                                                                    entry_grid):
    old_version = entry_grid.version
    # A colleague saves first.
    colleague = db.session.get(Assessment, entry_grid.id)
    colleague.scores[0].score = 4
    colleague.comment = "Version du collègue."
    colleague.updated_at = colleague.updated_at + timedelta(seconds=1)
    db.session.commit()

    data = form_data(assessed_on=entry_grid.assessed_on.isoformat(), score_MOBILITE="1",
                     comment="Ma version.", version=str(old_version))
    response = client.post(edit_url(entry_grid), data=data)

    page = text(response)
    assert response.status_code == 409
    assert 'data-testid="assessment-conflict"' in page
    assert "Version du collègue." in page and "Ma version." in page
    [saved] = grids()
    assert saved.comment == "Version du collègue."
    assert scores_of(saved)["MOBILITE"] == 2
    assert saved.version == old_version + 1
    assert f'name="version" type="hidden" value="{saved.version}"' in page
    assert len(audit_events("record.update_conflict")) == 1
    assert audit_events("assessment.update") == []

    # Saving again from the conflict page, knowingly, replaces the colleague's version.
    data["version"] = str(saved.version)
    assert client.post(edit_url(entry_grid), data=data).status_code == 302
    assert grids()[0].comment == "Ma version."


def test_a_hidden_dimension_stays_in_the_grids_that_scored_it(client, as_referent, participant,
                                                               entry_grid):
    db.session.execute(sa.update(AssessmentDimension).where(AssessmentDimension.code == "SANTE")
                       .values(active=False))
    db.session.commit()
    new_form = text(client.get(f"{base_url(participant)}/nouvelle"))
    old_form = text(client.get(edit_url(entry_grid)))
    assert "score_SANTE" not in new_form
    assert "score_SANTE" in old_form


# --- Deleting ------------------------------------------------------------------------------

def test_delete_asks_then_deletes_with_the_scores(client, as_referent, entry_grid):
    page = text(client.get(delete_url(entry_grid)))
    assert "Supprimer la grille d'entrée du" in page
    assert "Mobilité" in page

    response = client.post(delete_url(entry_grid), data={"version": str(entry_grid.version)})

    assert response.status_code == 302
    assert grids() == []
    assert db.session.scalar(sa.select(sa.func.count(AssessmentScore.id))) == 0
    [event] = audit_events("assessment.delete")
    assert json.loads(event.detail)["assessment"] == entry_grid.public_id


def test_a_stale_delete_is_refused(client, as_referent, entry_grid):
    response = client.post(delete_url(entry_grid), data={"version": "0"})
    assert response.status_code == 409
    assert 'data-testid="stale-delete"' in text(response)
    assert len(grids()) == 1


# --- Who may -------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["nouvelle", "{id}/modifier", "{id}/supprimer"])
def test_another_referent_gets_404_and_the_admin_403(client, participant, entry_grid,
                                                     other_referent, admin, url):
    path = f"{base_url(participant)}/{url.format(id=entry_grid.public_id)}"
    sign_in(client, other_referent)
    assert client.get(path).status_code == 404
    assert client.post(path, data=form_data(version="1")).status_code == 404
    sign_in(client, admin)
    assert client.get(path).status_code == 403
    assert client.post(path, data=form_data(version="1")).status_code == 403
    assert len(grids()) == 1 and scores_of(grids()[0])["MOBILITE"] == 2


def test_a_supervisor_may_fill_a_grid(client, participant, pathway, supervisor):
    sign_in(client, supervisor)
    response = client.post(f"{base_url(participant)}/nouvelle", data=form_data())
    assert response.status_code == 302
    assert grids()[0].author_id == supervisor.id


def test_a_grid_of_another_pathway_is_not_found(client, as_referent, participant):
    elsewhere = factories.AssessmentFactory()
    path = f"{base_url(participant)}/{elsewhere.public_id}/modifier"
    assert client.get(path).status_code == 404


# --- The section of the participant page ---------------------------------------------------

def load_pathway(pathway_id: int) -> Pathway:
    """The pathway as the participant page loads it."""
    db.session.expire_all()
    participant = db.session.scalar(
        sa.select(Participant).join(Pathway).where(Pathway.id == pathway_id)
        .options(sa.orm.selectinload(Participant.pathways).options(*ASSESSMENT_OPTIONS)))
    return participant.pathways[-1]


class QueryCounter:
    """Count the SQL statements sent while it is active."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        """Called by SQLAlchemy before each statement."""
        self.count += 1

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self)


def render_section(app, pathway: Pathway, editable: bool = True) -> str:
    """The partial as the participant page includes it."""
    with app.test_request_context():
        return html.unescape(render_template("pathway/_assessment_section.html",
                               participant=pathway.participant, pathway=pathway,
                               editable=editable, **assessment_context(pathway)))


def test_the_section_shows_the_distance_without_a_query(app, pathway):
    factories.AssessmentFactory(pathway=pathway, scores={
        "PROJET": 1, "RECHERCHE": 2, "MOBILITE": 1, "SANTE": 3, "NUMERIQUE": 2})
    factories.AssessmentFactory(pathway=pathway, kind="intermediaire",
                                assessed_on=TODAY - timedelta(days=30), scores={
                                    "PROJET": 3, "RECHERCHE": 2, "MOBILITE": 3, "SANTE": 2,
                                    "LOGEMENT": 2})
    loaded = load_pathway(pathway.id)

    with QueryCounter() as counter:
        page = render_section(app, loaded)

    assert counter.count == 0
    assert 'data-testid="distance-chart"' in page and "<svg" in page
    assert page.count('data-testid="assessment-row"') == 2
    # Comparable: PROJET 1→3, RECHERCHE 2→2, MOBILITE 1→3, SANTE 3→2: 1,75 → 2,50.
    assert '<td class="text-end fw-bold" data-testid="distance-overall">+0,75</td>' in page
    assert "1,75" in page and "2,50" in page
    assert "n.c." in page  # NUMERIQUE only at entry, LOGEMENT only later
    assert "\u22121" in page  # SANTE 3 → 2
    assert "Ajouter une grille" in page and "Modifier<span" in page
    assert "Prochaine grille à prévoir le" in page


def test_the_section_with_one_grid_or_none(app, pathway):
    empty = render_section(app, load_pathway(pathway.id))
    assert "Aucune grille n'est encore remplie" in empty
    assert "Grille d'entrée à remplir : en retard" in empty

    factories.AssessmentFactory(pathway=pathway)
    single = render_section(app, load_pathway(pathway.id), editable=False)
    assert "Une seule grille pour l'instant (moyenne 2,00)" in single
    assert "<svg" not in single
    assert "Ajouter une grille" not in single  # an open pathway the page says not to edit


def test_the_section_of_an_exited_pathway_still_takes_the_exit_grid(app, participant):
    exited = factories.PathwayFactory(participant=participant,
                                      exit_date=TODAY - timedelta(days=3),
                                      exit_category="abandon")
    factories.AssessmentFactory(pathway=exited)
    page = render_section(app, load_pathway(exited.id), editable=False)
    assert "Ajouter une grille" in page
    assert 'data-testid="assessment-due"' not in page


# --- Admin: the dimensions -----------------------------------------------------------------

def test_admin_lists_adds_and_edits_dimensions(client, admin):
    sign_in(client, admin)
    index = text(client.get("/admin/grille"))
    assert "Mobilité" in index and "Aucun moyen de se déplacer vers un emploi" in index
    assert "/admin/grille" in text(client.get("/admin"))

    levels = {f"level_{n}": f"Niveau {n} de la garde d'enfants" for n in range(1, 5)}
    added = client.post("/admin/grille/nouvelle", data={
        "code": "garde", "label": "Garde d'enfants", "position": "9", "active": "y", **levels})
    assert added.status_code == 302
    created = db.session.scalar(sa.select(AssessmentDimension).where(
        AssessmentDimension.code == "GARDE"))
    assert created.label == "Garde d'enfants" and created.level_4.startswith("Niveau 4")

    form = text(client.get("/admin/grille/MOBILITE/modifier"))
    fingerprint = form.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    mobility = db.session.scalar(sa.select(AssessmentDimension).where(
        AssessmentDimension.code == "MOBILITE"))
    edited = client.post("/admin/grille/MOBILITE/modifier", data={
        "label": "Mobilité et transports", "position": "4", "fingerprint": fingerprint,
        "level_1": "Ne peut pas se déplacer", "level_2": mobility.level_2,
        "level_3": mobility.level_3, "level_4": mobility.level_4})
    assert edited.status_code == 302
    db.session.expire_all()
    mobility = db.session.get(AssessmentDimension, mobility.id)
    assert mobility.label == "Mobilité et transports" and not mobility.active
    assert mobility.level_1 == "Ne peut pas se déplacer"
    assert [json.loads(e.detail)["code"] for e in audit_events("dimension.create")] == ["GARDE"]
    [update] = audit_events("dimension.update")
    assert set(json.loads(update.detail)["fields"]) == {"label", "active", "level_1"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"label": ""}, "Saisissez un libellé."),
    ({"level_3": ""}, "Décrivez le niveau 3."),
    ({"code": "mobilité"}, "Majuscules, chiffres et _ uniquement."),
    ({"code": "MOBILITE"}, "Ce code existe déjà."),
    ({"position": "1000"}, "L'ordre va de 0 à 999."),
])
def test_bad_dimensions_are_refused_in_french(client, admin, changes, message):
    sign_in(client, admin)
    data = {"code": "GARDE", "label": "Garde d'enfants", "position": "9", "active": "y",
            **{f"level_{n}": f"Niveau {n}" for n in range(1, 5)}, **changes}
    response = client.post("/admin/grille/nouvelle", data=data)
    assert response.status_code == 400
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(AssessmentDimension.id))) == 8


def test_a_concurrent_dimension_change_is_not_overwritten(client, admin):
    sign_in(client, admin)
    form = text(client.get("/admin/grille/SANTE/modifier"))
    fingerprint = form.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    db.session.execute(sa.update(AssessmentDimension).where(AssessmentDimension.code == "SANTE")
                       .values(label="Santé (renommée par un collègue)"))
    db.session.commit()
    response = client.post("/admin/grille/SANTE/modifier", data={
        "label": "Ma santé", "position": "5", "active": "y", "fingerprint": fingerprint,
        **{f"level_{n}": f"Niveau {n}" for n in range(1, 5)}})
    page = text(response)
    assert response.status_code == 400
    assert "modifiée entre-temps" in page and "Santé (renommée par un collègue)" in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(AssessmentDimension.label).where(
        AssessmentDimension.code == "SANTE")) == "Santé (renommée par un collègue)"


@pytest.mark.parametrize("who", ["referent", "supervisor"])
@pytest.mark.parametrize("path", ["/admin/grille", "/admin/grille/nouvelle",
                                  "/admin/grille/MOBILITE/modifier"])
def test_only_the_admin_edits_the_grid(client, request, who, path):
    sign_in(client, request.getfixturevalue(who))
    assert client.get(path).status_code == 403
    if path != "/admin/grille":
        assert client.post(path, data={"label": "x"}).status_code == 403


def test_a_new_dimension_is_required_in_new_grids(client, admin, participant, pathway):
    sign_in(client, admin)
    client.post("/admin/grille/nouvelle", data={
        "code": "GARDE", "label": "Garde d'enfants", "position": "9", "active": "y",
        **{f"level_{n}": f"Niveau {n}" for n in range(1, 5)}})
    sign_in(client, participant.referent)
    response = client.post(f"{base_url(participant)}/nouvelle", data=form_data())
    assert response.status_code == 400
    assert "Choisissez un niveau de 1 à 4 pour « Garde d'enfants »." in \
        text(response)
