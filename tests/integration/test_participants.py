"""Participants: creation, validation, file page, edits with concurrency, list and search."""

import html
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.clock import paris_today
from app.extensions import db
from app.models import AuditEvent, Participant
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_request_globals")


def text(response) -> str:
    """The page as text, HTML entities decoded (an apostrophe is sent as &#39;)."""
    return html.unescape(response.get_data(as_text=True))


def born_years_ago(years: int) -> date:
    """A birth date giving exactly this age today (1 January, so the birthday has passed)."""
    return date(paris_today().year - years, 1, 1)


def form_data(referent_id: int, **changes) -> dict:
    """A valid participant form, with some values changed."""
    data = {
        "last_name": "Le Goff",
        "first_name": "Yann",
        "sex": "M",
        "birth_date": "1990-05-17",
        "phone": "06 12 34 56 78",
        "email": "yann.legoff@exemple.fr",
        "address": "12 rue Nationale",
        "postcode": "37000",
        "city": "Tours",
        "referent_id": str(referent_id),
    }
    data.update(changes)
    return data


def participant_form(participant: Participant, **changes) -> dict:
    """The edit form of an existing participant as the browser posts it, with some changes."""
    data = {
        "last_name": participant.last_name,
        "first_name": participant.first_name,
        "sex": participant.sex,
        "birth_date": participant.birth_date.isoformat() if participant.birth_date else "",
        "phone": participant.phone,
        "email": participant.email,
        "address": participant.address,
        "postcode": participant.postcode,
        "city": participant.city,
        "referent_id": str(participant.referent_id),
    }
    data.update(changes)
    return data


def hidden_version(response) -> str:
    """The value of the hidden version field of a form."""
    page = response.get_data(as_text=True)
    match = (re.search(r'name="version" type="hidden" value="([^"]*)"', page)
             or re.search(r'type="hidden" value="([^"]*)" name="version"', page)
             or re.search(r'id="version" name="version" type="hidden" value="([^"]*)"', page))
    assert match, "no version field in the form"
    return match.group(1)


def count_participants() -> int:
    """Number of participants in the database, read in a fresh transaction."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(Participant.id)))


def events(action: str) -> list[AuditEvent]:
    """Audit events of one action, oldest first."""
    db.session.rollback()
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def listed_ids(response) -> list[str]:
    """Public ids of the participants listed on a page of /participants."""
    return re.findall(r'<td><a href="/participants/([^"/]+)">', response.get_data(as_text=True))


def result_count(response) -> int:
    """The number of results the list page announces."""
    match = re.search(r'data-testid="result-count">(\d+) participant', text(response))
    assert match
    return int(match.group(1))


# --- Creation --------------------------------------------------------------------------------


def test_referent_creates_participant_for_themself(client, auth, referent):
    """A référent's new participant is theirs, audited, and the browser goes to the file."""
    auth.login(referent)
    form = client.get("/participants/new")
    assert form.status_code == 200
    response = client.post("/participants/new", data=form_data(referent.id))
    assert response.status_code == 302

    db.session.rollback()
    created = db.session.scalar(sa.select(Participant))
    assert response.headers["Location"].endswith(f"/participants/{created.public_id}")
    assert created.referent_id == referent.id
    assert (created.last_name, created.first_name, created.birth_date) == (
        "Le Goff", "Yann", date(1990, 5, 17))
    assert created.name_key == "le goff yann"
    assert created.version == 1
    (event,) = events("participant.create")
    assert event.target_id == created.public_id
    assert event.user_id == referent.id
    assert "Le dossier de Yann Le Goff est créé." in text(client.get(response.headers["Location"]))


def test_referent_cannot_assign_a_new_participant_to_a_colleague(client, auth, referent,
                                                                 other_referent):
    """A référent's only choice is themself: another référent's id is refused."""
    auth.login(referent)
    response = client.post("/participants/new", data=form_data(other_referent.id))
    assert response.status_code == 400
    assert count_participants() == 0


def test_supervisor_creates_participant_for_chosen_referent(client, auth, supervisor, referent,
                                                            other_referent):
    """A supervisor picks the référent among the active ones."""
    auth.login(supervisor)
    page = text(client.get("/participants/new"))
    assert referent.last_name in page and other_referent.last_name in page
    response = client.post("/participants/new", data=form_data(other_referent.id))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(Participant.referent_id)) == other_referent.id


def test_supervisor_cannot_assign_to_a_non_referent(client, auth, supervisor, admin):
    """Only référents can be chosen: the admin's or the supervisor's id is refused."""
    auth.login(supervisor)
    for user_id in (admin.id, supervisor.id, 99999, "abc"):
        response = client.post("/participants/new", data=form_data(user_id))
        assert response.status_code == 400, user_id
    assert count_participants() == 0


@pytest.mark.parametrize("changes, messages", [
    ({"last_name": "", "first_name": "  "}, ["Saisissez le nom.", "Saisissez le prénom."]),
    ({"postcode": "3700"}, ["Le code postal compte 5 chiffres."]),
    ({"postcode": "37 000"}, ["Le code postal compte 5 chiffres."]),
    ({"phone": "appelez-moi"}, ["Numéro de téléphone invalide."]),
    ({"email": "yann.legoff@"}, ["Adresse e-mail invalide."]),
    ({"last_name": "Le\x1bGoff"}, ["Ce champ contient des caractères non autorisés."]),
])
def test_create_refuses_invalid_fields_in_french(client, auth, referent, changes, messages):
    """Invalid fields answer 400 with French messages, and nothing is saved."""
    auth.login(referent)
    response = client.post("/participants/new", data=form_data(referent.id, **changes))
    assert response.status_code == 400
    page = text(response)
    for message in messages:
        assert message in page
    assert "Le formulaire contient" in page
    assert count_participants() == 0
    assert events("participant.create") == []


@pytest.mark.parametrize("age", [9, 109, 15, 100])
def test_create_refuses_implausible_ages_and_says_the_age(client, auth, referent, age):
    """A birth date giving an age outside 16..99 is refused with the computed age."""
    auth.login(referent)
    response = client.post("/participants/new", data=form_data(
        referent.id, birth_date=born_years_ago(age).isoformat()))
    assert response.status_code == 400
    assert f"Cette date de naissance donne un âge de {age} ans" in text(response)
    assert count_participants() == 0


@pytest.mark.parametrize("age", [16, 99])
def test_create_accepts_ages_at_the_bounds(client, auth, referent, age):
    """Ages 16 and 99 are accepted."""
    auth.login(referent)
    response = client.post("/participants/new", data=form_data(
        referent.id, birth_date=born_years_ago(age).isoformat()))
    assert response.status_code == 302
    assert count_participants() == 1


def test_create_refuses_a_malformed_date(client, auth, referent):
    """A date that is not a date answers 400 and saves nothing."""
    auth.login(referent)
    for value in ("17/05/1990", "1990-02-30", "demain"):
        response = client.post("/participants/new", data=form_data(referent.id,
                                                                    birth_date=value))
        assert response.status_code == 400, value
    assert count_participants() == 0


# --- File page -------------------------------------------------------------------------------


def test_file_page_shows_the_data_and_is_audited(client, auth, referent):
    """The file shows identity and contact, and each visit writes participant.view."""
    person = factories.ParticipantFactory(
        referent=referent, first_name="Aminata", last_name="N'Diaye", phone="06 11 22 33 44",
        email="aminata@exemple.fr", address="3 place Jean Jaurès", postcode="37100",
        birth_date=date(1984, 2, 29))
    auth.login(referent)
    response = client.get(f"/participants/{person.public_id}")
    assert response.status_code == 200
    page = text(response)
    for expected in ("Aminata N'DIAYE", "06 11 22 33 44", "aminata@exemple.fr",
                     "3 place Jean Jaurès", "37100", "29 février 1984", referent.full_name):
        assert expected in page, expected
    client.get(f"/participants/{person.public_id}")
    views = events("participant.view")
    assert [e.target_id for e in views] == [person.public_id, person.public_id]
    assert all(e.user_id == referent.id for e in views)


def test_file_page_runs_the_same_number_of_queries_whatever_the_data_size(app, client, auth,
                                                                          referent):
    """The file page's SQL query count does not grow with the number of participants."""
    # Kept as a plain string: reading person.public_id after a commit would itself query.
    public_id = factories.ParticipantFactory(referent=referent).public_id
    factories.ParticipantFactory(referent=referent)
    auth.login(referent)
    statements = []

    def count_statement(_conn, _cursor, statement, *_args):
        """Record every statement sent to the database."""
        statements.append(statement)

    def queries_for_file_page() -> int:
        """How many statements one visit of the file page sends."""
        statements.clear()
        assert client.get(f"/participants/{public_id}").status_code == 200
        return len(statements)

    client.get(f"/participants/{public_id}")  # warm-up
    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        with_two = queries_for_file_page()
        factories.ParticipantFactory.create_batch(58, referent=referent)
        factories.ParticipantFactory.create_batch(5)  # other caseloads too
        with_sixty = queries_for_file_page()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    assert with_two > 0
    assert with_sixty == with_two


@pytest.mark.parametrize("url", ["/participants", "/"])
def test_list_pages_run_the_same_number_of_queries_whatever_the_page_size(client, auth,
                                                                         referent, url):
    """The list and the caseload page cost as many queries for 2 participants as for 25."""
    factories.ParticipantFactory.create_batch(2, referent=referent)
    auth.login(referent)
    statements = []

    def count_statement(_conn, _cursor, statement, *_args):
        """Record every statement sent to the database."""
        statements.append(statement)

    def queries_for_page() -> int:
        """How many statements one visit of the page sends."""
        client.get(url)  # warm-up after the data changed
        statements.clear()
        assert client.get(url).status_code == 200
        return len(statements)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        with_two = queries_for_page()
        factories.ParticipantFactory.create_batch(23, referent=referent)
        with_many = queries_for_page()
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    assert with_many == with_two


# --- Editing ---------------------------------------------------------------------------------


def test_edit_writes_update_event_with_changed_fields(client, auth, participant):
    """Saving an edit audits participant.update with the names of the changed fields."""
    auth.login(participant.referent)
    form = client.get(f"/participants/{participant.public_id}/edit")
    assert form.status_code == 200
    assert hidden_version(form) == "1"
    response = client.post(
        f"/participants/{participant.public_id}/edit",
        data=participant_form(participant, city="Saint-Pierre-des-Corps", postcode="37700",
                              version="1"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/participants/{participant.public_id}")
    db.session.rollback()
    saved = db.session.get(Participant, participant.id)
    assert (saved.city, saved.postcode, saved.version) == ("Saint-Pierre-des-Corps", "37700", 2)
    (event,) = events("participant.update")
    assert event.target_id == participant.public_id
    assert sorted(json.loads(event.detail)["fields"]) == ["city", "postcode"]


def test_edit_of_the_name_refreshes_the_search_key(client, auth, participant):
    """A renamed participant is found under the new name."""
    auth.login(participant.referent)
    client.post(f"/participants/{participant.public_id}/edit",
                data=participant_form(participant, last_name="Étienne-Lagarde", version="1"))
    db.session.rollback()
    assert db.session.get(Participant, participant.id).name_key == "etienne-lagarde helene"
    found = client.get("/participants", query_string={"q": "lagarde"})
    assert listed_ids(found) == [participant.public_id]


def test_invalid_edit_saves_nothing(client, auth, participant):
    """An invalid edit answers 400 and leaves the record and its version alone."""
    auth.login(participant.referent)
    response = client.post(f"/participants/{participant.public_id}/edit",
                           data=participant_form(participant, postcode="ABCDE", city="Ailleurs",
                                                 version="1"))
    assert response.status_code == 400
    assert "Le code postal compte 5 chiffres." in text(response)
    db.session.rollback()
    saved = db.session.get(Participant, participant.id)
    assert (saved.city, saved.postcode, saved.version) == ("Tours", "37000", 1)
    assert events("participant.update") == []


def test_concurrent_edit_answers_409_and_loses_nothing(app, client, auth, participant,
                                                       supervisor):
    """A save based on version 1 after a colleague saved version 2 is refused, showing both."""
    auth.login(participant.referent)
    form = client.get(f"/participants/{participant.public_id}/edit")
    stale = hidden_version(form)
    assert stale == "1"

    # The supervisor saves first.
    colleague = app.test_client()
    colleague.post("/login", data={"email": supervisor.email, "password": factories.PASSWORD})
    saved = colleague.post(f"/participants/{participant.public_id}/edit",
                           data=participant_form(participant, phone="02 47 99 99 99",
                                                 version="1"))
    assert saved.status_code == 302

    mine = participant_form(participant, phone="06 00 00 00 01", city="Amboise", version=stale)
    response = client.post(f"/participants/{participant.public_id}/edit", data=mine)
    assert response.status_code == 409
    page = text(response)
    assert "Un(e) collègue a modifié ce dossier pendant votre saisie" in page
    assert "02 47 99 99 99" in page  # the colleague's value
    assert "06 00 00 00 01" in page  # the typed value, shown and kept in the form
    assert 'value="Amboise"' in page
    db.session.rollback()
    record = db.session.get(Participant, participant.id)
    assert (record.phone, record.city, record.version) == ("02 47 99 99 99", "Tours", 2)
    assert len(events("participant.update_conflict")) == 1

    # Saving again from the 409 page carries version 2 and goes through.
    assert hidden_version(response) == "2"
    again = client.post(f"/participants/{participant.public_id}/edit",
                        data={**mine, "version": hidden_version(response)})
    assert again.status_code == 302
    db.session.rollback()
    record = db.session.get(Participant, participant.id)
    assert (record.phone, record.city, record.version) == ("06 00 00 00 01", "Amboise", 3)


def test_edit_without_version_is_treated_as_stale(client, auth, participant):
    """A post that lost its version field cannot overwrite the record blindly."""
    auth.login(participant.referent)
    response = client.post(f"/participants/{participant.public_id}/edit",
                           data=participant_form(participant, city="Amboise"))
    assert response.status_code == 409
    db.session.rollback()
    assert db.session.get(Participant, participant.id).city == "Tours"


# --- List and search -------------------------------------------------------------------------


def test_referent_lists_only_their_caseload(client, auth, referent, other_referent):
    """A référent sees only their participants; the supervisor sees everyone."""
    mine = factories.ParticipantFactory(referent=referent)
    theirs = factories.ParticipantFactory(referent=other_referent)
    auth.login(referent)
    assert listed_ids(client.get("/participants")) == [mine.public_id]
    auth.logout()
    auth.login(other_referent)
    assert listed_ids(client.get("/participants")) == [theirs.public_id]


def test_supervisor_lists_everyone(client, auth, supervisor, referent, other_referent):
    """The supervisor's list holds every caseload."""
    ids = {factories.ParticipantFactory(referent=referent).public_id,
           factories.ParticipantFactory(referent=other_referent).public_id}
    auth.login(supervisor)
    assert set(listed_ids(client.get("/participants"))) == ids


@pytest.fixture
def named(referent):
    """Participants whose names test the search: accents, particles, hyphens, apostrophes."""
    people = {
        "helene": ("Hélène", "Dupré"),
        "legoff": ("Yann", "Le Goff"),
        "jeanpierre": ("Jean-Pierre", "Martin"),
        "ndiaye": ("Aminata", "N'Diaye"),
        "goffin": ("Paul", "Goffinet"),
        "leon": ("Léon", "Bernard"),
    }
    return {
        key: factories.ParticipantFactory(referent=referent, first_name=first, last_name=last)
        for key, (first, last) in people.items()
    }


@pytest.mark.parametrize("query, expected", [
    ("helene", {"helene"}),
    ("HÉLÈNE", {"helene"}),
    ("Hél", {"helene"}),
    ("dupre helene", {"helene"}),
    ("le goff", {"legoff"}),
    ("Le Goff", {"legoff"}),
    ("goff", {"legoff", "goffin"}),
    ("jean-p", {"jeanpierre"}),
    ("pierre", {"jeanpierre"}),
    ("n'di", {"ndiaye"}),
    ("N'DIAYE", {"ndiaye"}),
    ("leo", {"leon"}),
    ("ene", set()),  # prefixes only, not any substring
    ("zzz", set()),
])
def test_search_is_accent_and_case_insensitive_by_prefix(client, auth, referent, named, query,
                                                         expected):
    """The search folds accents and case and matches the start of each name part."""
    auth.login(referent)
    found = set(listed_ids(client.get("/participants", query_string={"q": query})))
    assert found == {named[key].public_id for key in expected}


@pytest.mark.parametrize("query", ["%", "_", "d_pre", "du%", "%e", "\\"])
def test_search_treats_like_wildcards_literally(client, auth, referent, named, query):
    """A typed % or _ matches only itself, so these searches find nobody."""
    auth.login(referent)
    response = client.get("/participants", query_string={"q": query})
    assert response.status_code == 200
    assert listed_ids(response) == []
    assert result_count(response) == 0


def test_search_finds_names_holding_wildcard_characters(client, auth, referent):
    """A name that really contains an underscore is found by typing it."""
    odd = factories.ParticipantFactory(referent=referent, last_name="Du_Pont", first_name="Max")
    factories.ParticipantFactory(referent=referent, last_name="Dupont", first_name="Max")
    auth.login(referent)
    assert listed_ids(client.get("/participants", query_string={"q": "du_p"})) == [odd.public_id]


def test_search_stays_within_the_caseload(client, auth, referent, other_referent):
    """A référent's search never reaches another caseload."""
    factories.ParticipantFactory(referent=other_referent, first_name="Hélène", last_name="Roux")
    auth.login(referent)
    response = client.get("/participants", query_string={"q": "helene"})
    assert listed_ids(response) == []


def test_list_is_paginated_by_25(client, auth, referent):
    """30 participants fill page 1 with 25 and page 2 with 5, none twice."""
    factories.ParticipantFactory.create_batch(30, referent=referent)
    auth.login(referent)
    first = client.get("/participants")
    second = client.get("/participants", query_string={"page": 2})
    assert len(listed_ids(first)) == 25
    assert len(listed_ids(second)) == 5
    assert not set(listed_ids(first)) & set(listed_ids(second))
    assert result_count(first) == 30
    assert "Page 1 sur 2" in text(first)
    beyond = client.get("/participants", query_string={"page": 3})
    assert beyond.status_code == 200
    assert listed_ids(beyond) == []


def test_list_is_audited_with_the_query(client, auth, referent, named):
    """Each list page writes participant.list with the search text and the page."""
    auth.login(referent)
    client.get("/participants", query_string={"q": "le goff"})
    lists = [json.loads(e.detail) for e in events("participant.list")]
    assert {"query": "le goff", "page": 1, "shown": 1}.items() <= lists[-1].items()
    assert events("participant.list")[-1].user_id == referent.id


def test_sort_by_most_recent(client, auth, referent):
    """tri=recent lists the newest file first; an unknown sort falls back to names."""
    first = factories.ParticipantFactory(referent=referent, last_name="Aubert")
    second = factories.ParticipantFactory(referent=referent, last_name="Zidane")
    auth.login(referent)
    assert listed_ids(client.get("/participants", query_string={"tri": "recent"})) == [
        second.public_id, first.public_id]
    assert listed_ids(client.get("/participants", query_string={"tri": "n'importe"})) == [
        first.public_id, second.public_id]
