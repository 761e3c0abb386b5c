"""Participant search: accents and case, compound names, particles, apostrophes, ids, dates."""

import re
from datetime import date

import pytest

from tests import factories
from tests.helpers import sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

PEOPLE = {
    "helene": ("Hélène", "Dupré", {}),
    "jeanpierre": ("Jean-Pierre", "Martin", {}),
    "legoff": ("Yann", "Le Goff", {}),
    "ndiaye": ("Aminata", "N'Diaye", {}),
    "typographic": ("Moussa", "N\N{RIGHT SINGLE QUOTATION MARK}Gom", {}),
    "jeanne": ("Jeanne", "Pierrot", {"france_travail_id": "1234567A",
                                     "birth_date": date(1990, 7, 4)}),
    "goffinet": ("Paul", "Goffinet", {"france_travail_id": "7654321B"}),
}


@pytest.fixture
def people(referent):
    """A caseload whose names test the search."""
    return {
        key: factories.ParticipantFactory(referent=referent, first_name=first, last_name=last,
                                          **extra)
        for key, (first, last, extra) in PEOPLE.items()
    }


def found(client, query: str) -> set[str]:
    """Public ids of the participants the list shows for a query."""
    response = client.get("/participants", query_string={"q": query})
    assert response.status_code == 200
    return set(re.findall(r'href="/participants/([A-Za-z0-9_-]+)"',
                          response.get_data(as_text=True))) - {"new"}


@pytest.mark.parametrize(("query", "expected"), [
    # Accents and case.
    ("helene", {"helene"}),
    ("HÉLÈNE", {"helene"}),
    ("Hél", {"helene"}),
    ("hÉlEnE dUpRé", {"helene"}),
    # Hyphenated first name.
    ("jean", {"jeanpierre", "jeanne"}),
    ("pierre", {"jeanpierre"}),
    ("jean-pierre", {"jeanpierre"}),
    ("jean pierre", {"jeanpierre"}),
    ("Jean-Pierre Martin", {"jeanpierre"}),
    # Particle.
    ("le goff", {"legoff"}),
    ("goff", {"legoff", "goffinet"}),
    ("LE GOFF Yann", {"legoff"}),
    # Apostrophe, straight or typographic, typed or not.
    ("ndiaye", {"ndiaye"}),
    ("n'diaye", {"ndiaye"}),
    ("N\N{RIGHT SINGLE QUOTATION MARK}Diaye", {"ndiaye"}),
    ("diaye", {"ndiaye"}),
    ("N'DIAYE aminata", {"ndiaye"}),
    ("ngom", {"typographic"}),
    ("n'gom", {"typographic"}),
    ("gom", {"typographic"}),
    # Prefixes of name parts only, never any substring.
    ("iaye", set()),
    ("ene", set()),
    ("zzz", set()),
])
def test_names(client, referent, people, query, expected):
    """Each query finds exactly the expected participants."""
    sign_in(client, referent)
    assert found(client, query) == {people[key].public_id for key in expected}


@pytest.mark.parametrize(("query", "expected"), [
    ("1234567A", {"jeanne"}),
    ("1234567a", {"jeanne"}),
    ("1234567", {"jeanne"}),
    ("7654321B", {"goffinet"}),
    ("9999999Z", set()),
    ("04/07/1990", {"jeanne"}),
    ("4/7/1990", {"jeanne"}),
    ("04-07-1990", {"jeanne"}),
    ("pierrot 04/07/1990", {"jeanne"}),
    ("martin 04/07/1990", set()),
    ("05/07/1990", set()),
    ("31/02/1990", set()),  # no such day: nobody, and no error
])
def test_france_travail_id_and_birth_date(client, referent, people, query, expected):
    """A France Travail id (or its start) and a birth date dd/mm/yyyy find the participant."""
    sign_in(client, referent)
    assert found(client, query) == {people[key].public_id for key in expected}


def test_search_never_reaches_another_caseload(client, referent, other_referent, people):
    """A référent finds none of another caseload's participants, by name, id or birth date."""
    theirs = factories.ParticipantFactory(referent=other_referent, first_name="Hélène",
                                          last_name="N'Diaye", france_travail_id="5555555C",
                                          birth_date=date(1990, 7, 4))
    sign_in(client, referent)
    for query in ("helene", "ndiaye", "diaye", "5555555C", "04/07/1990"):
        assert theirs.public_id not in found(client, query)
    sign_in(client, other_referent)
    for query in ("helene", "ndiaye", "diaye", "5555555C", "04/07/1990"):
        assert found(client, query) == {theirs.public_id}


def test_the_supervisor_searches_every_caseload(client, supervisor, other_referent, people):
    """The supervisor's search spans every référent."""
    theirs = factories.ParticipantFactory(referent=other_referent, first_name="Hélène",
                                          last_name="Roux")
    sign_in(client, supervisor)
    assert found(client, "helene") == {people["helene"].public_id, theirs.public_id}


def test_a_renamed_participant_is_found_by_the_new_name_only(client, referent, people):
    """Search terms follow a change of name or of France Travail id, however it is saved."""
    from app.extensions import db

    jeanne = people["jeanne"]
    jeanne.last_name = "Kervella-Le Bihan"
    jeanne.france_travail_id = "2468024C"
    db.session.commit()
    sign_in(client, referent)
    assert found(client, "pierrot") == set()
    assert found(client, "1234567") == set()
    for query in ("kervella", "bihan", "le bihan", "2468", "jeanne kervella-le"):
        assert found(client, query) == {jeanne.public_id}, query


def test_terms_go_with_the_participant(app, people):
    """Deleting a participant deletes its search terms (nothing personal is left behind)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import ParticipantSearchTerm

    helene = people["helene"]
    terms = sa.select(ParticipantSearchTerm.term).where(
        ParticipantSearchTerm.participant_id == helene.id)
    assert set(db.session.scalars(terms)) == {"dupre", "helene"}
    db.session.delete(helene)
    db.session.commit()
    assert list(db.session.scalars(terms)) == []


@pytest.mark.parametrize("query", [
    "jean", "j", "jean pierre", "goff", "le goff", "n'", "'", "1234567", "1234567a",
    "04/07/1990", "pierrot 04/07/1990", "31/02/1990", "zzz", "e", "jean jean",
])
def test_the_supervisors_count_equals_what_the_search_finds(app, supervisor, other_referent,
                                                             people, query):
    """The supervisor's result count, read from the search terms alone, is the number of
    participants the page's query finds: each once, however many of their name parts match."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.participants.queries import count_by_terms, search_participants

    factories.ParticipantFactory(referent=other_referent, first_name="Jean-Jacques",
                                 last_name="Jeannot")
    expected = len(db.session.scalars(search_participants(supervisor, query)).unique().all())
    assert count_by_terms(supervisor, query) == expected
    # The page's own count (what référents get) agrees.
    statement = sa.select(sa.func.count()).select_from(
        search_participants(supervisor, query).order_by(None).subquery())
    assert db.session.scalar(statement) == expected


def test_only_the_supervisor_is_counted_by_terms(app, referent, supervisor, admin, people):
    """A référent's count goes through their caseload (the page's query); so does a search
    with no word."""
    from app.participants.queries import count_by_terms

    assert count_by_terms(referent, "jean") is None
    assert count_by_terms(admin, "jean") is None
    assert count_by_terms(supervisor, "") is None
    assert count_by_terms(supervisor, "jean") == 2


def test_the_result_count_and_pages_of_a_long_search(client, supervisor, referent):
    """Thirty people named Martin: 30 found, two pages, whoever counts them."""
    for index in range(30):
        factories.ParticipantFactory(referent=referent, last_name="Martin",
                                     first_name=f"Anne{index:02d}")
    for user in (supervisor, referent):
        sign_in(client, user)
        text = client.get("/participants?q=mart").get_data(as_text=True)
        assert "30 participants pour « mart »" in text
        assert "page=2" in text
        second = client.get("/participants?q=mart&page=2").get_data(as_text=True)
        assert len(set(re.findall(r'href="/participants/([A-Za-z0-9_-]{12})"', second))) == 5
