"""The supervisor's audit log page and caseload overview."""

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.usefixtures("fresh_request_globals")


def text(response) -> str:
    """The page as text, HTML entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def announced(response) -> int:
    """The number of events the page announces for the current filters."""
    match = re.search(r'data-testid="audit-count">(\d+) événement', text(response))
    assert match, "no event count on the page"
    return int(match.group(1))


def actors(response) -> list[str]:
    """The actor column of the listed events, top to bottom."""
    rows = re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", text(response))
    return [row.strip() for row in rows]


def event(at: datetime, actor: str, **fields) -> AuditEvent:
    """An audit event at a given UTC instant."""
    return factories.AuditEventFactory(at=at, actor=actor, **fields)


def utc(*args) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)


def test_events_are_listed_newest_first(client, auth, supervisor):
    """The most recent event comes first."""
    event(utc(2026, 3, 1, 9), "premier@exemple.fr")
    event(utc(2026, 3, 3, 9), "troisieme@exemple.fr")
    event(utc(2026, 3, 2, 9), "deuxieme@exemple.fr")
    auth.login(supervisor)
    response = client.get("/supervision/audit",
                          query_string={"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    assert actors(response) == ["troisieme@exemple.fr", "deuxieme@exemple.fr",
                                "premier@exemple.fr"]


def test_events_show_french_labels_and_target(client, auth, supervisor):
    """Actions are labelled in French and the record id is shown."""
    event(utc(2026, 3, 1, 9), "quelqu'un@exemple.fr", action="participant.update",
          target_type="participant", target_id="abcDEF123")
    auth.login(supervisor)
    page = text(client.get("/supervision/audit"))
    assert "Modification d'un dossier" in page
    assert 'href="/participants/abcDEF123"' in page


def test_filter_by_user(client, auth, supervisor, referent, other_referent):
    """The user filter keeps only that user's events."""
    for hour in range(3):
        event(utc(2026, 3, 1, hour), referent.email, user_id=referent.id)
    event(utc(2026, 3, 1, 5), other_referent.email, user_id=other_referent.id)
    auth.login(supervisor)
    response = client.get("/supervision/audit", query_string={"user_id": referent.id})
    assert announced(response) == 3
    assert set(actors(response)) == {referent.email}


def test_filter_by_action(client, auth, supervisor):
    """The action filter keeps only that action."""
    event(utc(2026, 3, 1, 9), "a@exemple.fr", action="participant.create")
    event(utc(2026, 3, 1, 10), "b@exemple.fr", action="participant.view")
    event(utc(2026, 3, 1, 11), "c@exemple.fr", action="participant.create")
    auth.login(supervisor)
    response = client.get("/supervision/audit", query_string={"action": "participant.create"})
    assert announced(response) == 2
    assert actors(response) == ["c@exemple.fr", "a@exemple.fr"]


def test_filter_by_record_id(client, auth, supervisor, participant):
    """The record filter keeps the events about one participant."""
    auth.login(participant.referent)
    client.get(f"/participants/{participant.public_id}")
    client.get(f"/participants/{participant.public_id}")
    event(utc(2026, 3, 1, 9), "x@exemple.fr", target_type="participant", target_id="autre")
    auth.logout()
    auth.login(supervisor)
    response = client.get("/supervision/audit",
                          query_string={"target": f"  {participant.public_id} "})
    assert announced(response) == 2
    assert actors(response) == [participant.referent.email] * 2


def test_filters_combine(client, auth, supervisor, referent):
    """User, action and dates narrow the list together."""
    event(utc(2026, 3, 1, 9), referent.email, user_id=referent.id, action="participant.view")
    event(utc(2026, 3, 1, 10), referent.email, user_id=referent.id, action="participant.update")
    event(utc(2026, 4, 1, 9), referent.email, user_id=referent.id, action="participant.view")
    auth.login(supervisor)
    response = client.get("/supervision/audit", query_string={
        "user_id": referent.id, "action": "participant.view",
        "start": "2026-03-01", "end": "2026-03-31"})
    assert announced(response) == 1


@pytest.mark.parametrize("day, expected", [
    # Winter (UTC+1): 23:30 UTC on the 10th is 00:30 on the 11th in Paris.
    ("2026-03-11", ["mar11-debut", "mar11-fin"]),
    ("2026-03-10", ["mar10-soir"]),
    # Summer (UTC+2): 22:30 UTC on 30 June is 00:30 on 1 July in Paris.
    ("2026-07-01", ["jul01-debut"]),
    ("2026-06-30", ["jun30-soir"]),
])
def test_date_filter_uses_paris_days(client, auth, supervisor, day, expected):
    """A day runs from midnight to midnight in Paris, not in UTC."""
    event(utc(2026, 3, 10, 22, 30), "mar10-soir")   # 23:30 Paris, 10 March
    event(utc(2026, 3, 10, 23, 30), "mar11-debut")  # 00:30 Paris, 11 March
    event(utc(2026, 3, 11, 22, 59), "mar11-fin")    # 23:59 Paris, 11 March
    event(utc(2026, 3, 11, 23, 0), "mar12-minuit")  # 00:00 Paris, 12 March
    event(utc(2026, 6, 30, 21, 30), "jun30-soir")   # 23:30 Paris, 30 June
    event(utc(2026, 6, 30, 22, 30), "jul01-debut")  # 00:30 Paris, 1 July
    auth.login(supervisor)
    response = client.get("/supervision/audit", query_string={"start": day, "end": day})
    assert sorted(actors(response)) == sorted(expected)


def test_open_ended_date_range(client, auth, supervisor):
    """Only a start, or only an end, bounds the list on one side."""
    event(utc(2020, 1, 1, 12), "ancien@exemple.fr")
    event(utc(2026, 3, 1, 12), "recent@exemple.fr")
    auth.login(supervisor)
    since = actors(client.get("/supervision/audit", query_string={"start": "2026-01-01"}))
    assert "recent@exemple.fr" in since and "ancien@exemple.fr" not in since
    until = actors(client.get("/supervision/audit", query_string={"end": "2020-12-31"}))
    assert until == ["ancien@exemple.fr"]


def test_end_before_start_gives_a_french_error(client, auth, supervisor):
    """An end date before the start date is explained in French, without a crash."""
    event(utc(2026, 3, 1, 12), "x@exemple.fr")
    auth.login(supervisor)
    response = client.get("/supervision/audit",
                          query_string={"start": "2026-03-10", "end": "2026-03-01"})
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in text(response)


@pytest.mark.parametrize("params", [
    {"start": "2026-02-30"},
    {"end": "hier"},
    {"start": "0001-01-01", "end": "9999-12-31"},
    {"start": "9999-12-31"},
    {"end": "0001-01-01"},
    {"user_id": "abc"},
    {"user_id": "99999999999999999999999"},
    {"action": "n'importe.quoi"},
    {"target": "x" * 500},
    {"page": "-4"},
    {"page": "99999999999999999999999"},
])
def test_malformed_filters_do_not_crash(client, auth, supervisor, params):
    """Malformed or extreme filter values get a page, never a server error."""
    auth.login(supervisor)
    response = client.get("/supervision/audit", query_string=params)
    assert response.status_code in (200, 404)


def test_out_of_range_dates_are_explained_in_french(client, auth, supervisor):
    """Year 1 or 9999 is refused with a French message instead of overflowing."""
    auth.login(supervisor)
    response = client.get("/supervision/audit",
                          query_string={"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert "Indiquez une date entre le 1er janvier 2000 et le 31 décembre 2099." in text(response)


def test_audit_log_is_paginated_by_50(client, auth, supervisor):
    """60 events fill page 1 with 50 and page 2 with the rest."""
    base = utc(2026, 3, 1, 8)
    for minute in range(60):
        event(base + timedelta(minutes=minute), f"lot-{minute:02d}@exemple.fr")
    auth.login(supervisor)
    query = {"start": "2026-03-01", "end": "2026-03-01"}
    first = client.get("/supervision/audit", query_string=query)
    second = client.get("/supervision/audit", query_string={**query, "page": 2})
    assert announced(first) == 60
    assert len(actors(first)) == 50
    assert actors(first)[0] == "lot-59@exemple.fr"
    assert "Page 1 sur 2" in text(first)
    assert actors(second) == [f"lot-{minute:02d}@exemple.fr" for minute in range(9, -1, -1)]


def test_visiting_the_audit_log_is_audited(client, auth, supervisor):
    """Each visit of the audit log writes an audit.view event by the supervisor."""
    auth.login(supervisor)
    client.get("/supervision/audit", query_string={"page": 1})
    client.get("/supervision/audit", query_string={"action": "logout"})
    db.session.rollback()
    views = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "audit.view")).all()
    assert len(views) == 2
    assert {e.user_id for e in views} == {supervisor.id}
    assert json.loads(views[0].detail)["page"] == 1


@pytest.mark.parametrize("who", ["referent", "admin"])
def test_audit_log_is_for_supervisors_only(request, client, auth, who):
    """Référents and admins get 403 on the audit log and the caseload overview."""
    auth.login(request.getfixturevalue(who))
    assert client.get("/supervision/audit").status_code == 403
    assert client.get("/supervision").status_code == 403


# --- Caseloads overview ----------------------------------------------------------------------


def test_supervision_lists_only_referents(client, auth, supervisor):
    """Supervisors and admins have no caseload row."""
    factories.UserFactory(role="referent", last_name="Referentia")
    factories.UserFactory(role="admin", last_name="Adminovic", structure=None)
    factories.UserFactory(role="supervisor", last_name="Superviz", structure=None)
    auth.login(supervisor)
    page = text(client.get("/supervision"))
    assert "REFERENTIA" in page
    assert "ADMINOVIC" not in page
    assert "SUPERVIZ" not in page
