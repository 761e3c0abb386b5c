"""Step types and rule parameters kept in memory: a change, however it is made, shows at once."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import reference_data
from app.clock import paris_today
from app.extensions import db
from app.models import ReferenceStamp, RuleParameter, StepType
from tests.helpers import count_queries, sign_in
from tests.integration.test_caseload import follow_up


def stamp() -> str:
    """The stored token, read in a transaction of its own."""
    db.session.rollback()
    token = db.session.scalar(sa.select(ReferenceStamp.token))
    db.session.rollback()
    return token


def other_connection_runs(sql: str, **values) -> None:
    """Run SQL on a connection of its own and commit it, as another worker or psql would."""
    with db.engine.begin() as connection:
        connection.execute(sa.text(sql), values)


@pytest.mark.parametrize("sql", [
    "UPDATE step_type SET label = 'Immersion' WHERE code = 'PMSMP'",
    "INSERT INTO step_type (code, label, position, active) VALUES ('ESSAI', 'Essai', 99, true)",
    "DELETE FROM step_type WHERE code = 'PMSMP'",
    "INSERT INTO rule_parameter (key, value, effective_from, comment, created_at) "
    "VALUES ('contact_max_days', 45, '2026-01-01', '', '2026-01-01 00:00:00')",
])
def test_every_change_of_a_watched_table_renews_the_stamp(app, sql):
    """Inserts, updates and deletes of step types and rule parameters, in plain SQL, all give
    the stamp a new token; a change rolled back leaves it as it was."""
    if "DELETE" in sql:  # no step refers to it in an empty database
        assert not db.session.scalar(sa.text("SELECT count(*) FROM step"))
    before = stamp()
    assert before and len(before) == 32
    db.session.execute(sa.text(sql))
    db.session.rollback()
    assert stamp() == before
    other_connection_runs(sql)
    after = stamp()
    assert after != before and len(after) == 32


def test_a_label_changed_elsewhere_shows_on_the_next_page(client, referent):
    """A step type renamed by another process (here: SQL on another connection) shows on the
    référent's next page, although this process kept the labels in memory."""
    follow_up(referent, "Martin", step="PMSMP")
    sign_in(client, referent)
    assert "Immersion en entreprise (PMSMP)" in client.get("/").get_data(as_text=True)
    other_connection_runs("UPDATE step_type SET label = 'Stage en entreprise' "
                          "WHERE code = 'PMSMP'")
    page = client.get("/").get_data(as_text=True)
    assert "Stage en entreprise" in page
    assert "Immersion en entreprise (PMSMP)" not in page


def test_a_rule_changed_elsewhere_applies_on_the_next_page(client, referent):
    """A contact delay changed by another process changes the alert at once: no worker keeps
    evaluating with the old one."""
    follow_up(referent, "Martin", contact_days_ago=20)
    sign_in(client, referent)
    page = client.get("/").get_data(as_text=True)
    assert "Aucun entretien depuis plus de" not in page  # 20 days: under the 30-day default
    other_connection_runs(
        "INSERT INTO rule_parameter (key, value, effective_from, comment, created_at) "
        "VALUES ('contact_max_days', 15, :day, '', :day)",
        day=paris_today() - timedelta(days=1))
    other_connection_runs("UPDATE pathway_progress SET evaluated_on = NULL")
    page = client.get("/").get_data(as_text=True)
    assert "Aucun entretien depuis plus de 15 jours" in page


def test_pages_that_only_read_do_not_read_the_tables_again(client, referent):
    """Once read, the step types and the rule parameters are not read again while the stamp
    holds: the home page sends two statements fewer, and none on those tables."""
    follow_up(referent, "Martin")
    sign_in(client, referent)
    client.get("/")  # the first request refreshes the rows and fills the memory
    with count_queries() as sent:
        assert client.get("/").status_code == 200
    assert not [sql for sql in sent if "FROM step_type" in sql or "FROM rule_parameter" in sql]
    assert not [sql for sql in sent if "reference_stamp" in sql and "user_account" not in sql]
    other_connection_runs("UPDATE step_type SET position = position WHERE code = 'PMSMP'")
    with count_queries() as sent:
        assert client.get("/").status_code == 200
    assert [sql for sql in sent if "FROM step_type" in sql]


def test_a_request_that_changes_the_rules_uses_them_at_once(app):
    """Outside a read-only page, the stamp is read at each use: a change made in the same
    transaction is seen before it is committed, and forgotten if it is rolled back."""
    labels = reference_data.step_type_labels()
    assert labels["PMSMP"] != "Essai interne"
    db.session.execute(sa.update(StepType).where(StepType.code == "PMSMP")
                       .values(label="Essai interne"))
    assert reference_data.step_type_labels()["PMSMP"] == "Essai interne"
    db.session.rollback()
    assert reference_data.step_type_labels()["PMSMP"] == labels["PMSMP"]


def test_kept_values_cannot_be_changed_by_a_caller(app):
    """The labels kept in memory are read-only: a caller cannot alter another page's."""
    labels = reference_data.step_type_labels()
    with pytest.raises(TypeError):
        labels["PMSMP"] = "Autre"


def test_a_database_without_stamp_still_reads_the_tables(app):
    """With no stamp row (a database restored without it), nothing is kept: every use reads."""
    db.session.execute(sa.delete(ReferenceStamp))
    db.session.add(RuleParameter(key="contact_max_days", value=45,
                                 effective_from=date(2026, 1, 1)))
    first = reference_data.cached("test_value", lambda: object())
    assert reference_data.cached("test_value", lambda: object()) is not first
    db.session.rollback()


@pytest.mark.parametrize(("method", "sees_change"), [("POST", True), ("GET", False)])
def test_only_pages_that_read_trust_the_stamp_of_their_first_statement(app, method,
                                                                         sees_change):
    """A form's request may change the tables after loading the user: it reads the stamp at
    each use. A page that only reads keeps the one its first statement brought."""
    labels = reference_data.step_type_labels()
    with app.test_request_context("/", method=method):
        reference_data.note_stamp(reference_data.current_stamp())
        db.session.execute(sa.update(StepType).where(StepType.code == "PMSMP")
                           .values(label="Essai interne"))
        seen = reference_data.step_type_labels()["PMSMP"]
    db.session.rollback()
    assert seen == ("Essai interne" if sees_change else labels["PMSMP"])
