"""The admin's "Règles" page: values in force, history, and changes applying from a date."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.clock import paris_today
from app.domain.rules import PARAMETER_SPECS, as_values, default_value, format_number
from app.extensions import db
from app.models import AuditEvent, RuleParameter
from app.progress import parameters as progress
from app.progress.parameters import parameters_for, save_changes
from app.web import date_fr
from tests.helpers import day, sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

URL = "/admin/regles"
SAVED = ("les évaluations des parcours (jalons, emploi durable, alertes) utilisent désormais "
         "ces valeurs à partir du")


def form_data(effective_from: str | None = None, comment: str = "", **changes) -> dict:
    """The whole form as the page shows it (defaults, French commas), with some changes."""
    data = {spec.key: format_number(default_value(spec.key)) for spec in PARAMETER_SPECS}
    data.update(changes)
    data["effective_from"] = effective_from or day(0)
    data["comment"] = comment
    return data


def stored_rows() -> list[tuple]:
    """Every stored change as (key, value, effective_from), in a fresh transaction."""
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(
        sa.select(RuleParameter.key, RuleParameter.value, RuleParameter.effective_from)
        .order_by(RuleParameter.key, RuleParameter.effective_from))]


def settings_events() -> list[AuditEvent]:
    """The audit events of rule changes."""
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "settings.update").order_by(AuditEvent.id)).all()


def input_value(page: str, name: str) -> str:
    """The value shown in the text or date input of that name."""
    match = re.search(rf'<input [^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def french_date(offset: int) -> str:
    """A date `offset` days from today as the page and the flash message write it."""
    from flask import current_app

    with current_app.test_request_context():
        return date_fr(paris_today() + timedelta(days=offset))


def test_admin_sees_every_parameter_with_its_default(client, admin):
    """Groups, labels, units, values in force, defaults, the warning paragraph and the form."""
    sign_in(client, admin)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1") == 1 and "Règles du PLIE</h1>" in page
    for group in ("Emploi durable", "Intérim et saisonnier", "Formation", "Suivi du parcours",
                  "Portefeuille et objectifs"):
        assert f">{group}</h2>" in page
    for spec in PARAMETER_SPECS:
        assert f'<label class="form-label mb-0" for="{spec.key}">' in page
        assert f'data-testid="en-vigueur-{spec.key}">' \
               f'{format_number(default_value(spec.key))} {spec.unit}</td>' in page
    assert input_value(page, "half_time_weekly_hours") == "17,5"
    assert 'inputmode="decimal" name="half_time_weekly_hours"' in page
    assert input_value(page, "effective_from") == day(0)
    assert "Modifier une valeur change les évaluations de tous les participants" in page
    assert "Aucune modification : toutes les règles ont leur valeur par défaut." in page
    assert 'style="' not in page and "<script>" not in page
    assert 'aria-current="page" href="/admin/regles">Règles</a>' in page
    assert 'href="/admin/regles"' in client.get("/admin").get_data(as_text=True)


def test_saving_writes_only_the_changed_values(client, admin):
    """Two values changed of nineteen: two rows, with the date, comment and author."""
    sign_in(client, admin)
    response = client.post(URL, data=form_data(comment="Comité de pilotage du 12 mars",
                                                caseload_ceiling="60", contact_max_days="21"))
    assert response.status_code == 302 and response.location.endswith(URL)
    today = paris_today()
    assert stored_rows() == [("caseload_ceiling", Decimal("60.00"), today),
                             ("contact_max_days", Decimal("21.00"), today)]
    row = db.session.scalar(sa.select(RuleParameter).where(RuleParameter.key == "caseload_ceiling"))
    assert (row.comment, row.created_by_id) == ("Comité de pilotage du 12 mars", admin.id)
    page = client.get(URL).get_data(as_text=True)
    assert f"2 valeurs modifiées : {SAVED} {french_date(0)}." in page
    assert 'data-testid="en-vigueur-caseload_ceiling">60 participants</td>' in page
    assert 'data-testid="en-vigueur-contact_max_days">21 jours</td>' in page
    assert "Comité de pilotage du 12 mars" in page and "Sophie Lefèvre" in page
    assert input_value(page, "caseload_ceiling") == "60"


def test_parameters_for_follows_the_change_from_its_date_only(client, admin):
    """A change planned in ten days leaves today's values alone, and a backdated one applies."""
    sign_in(client, admin)
    assert client.post(URL, data=form_data(day(10), caseload_ceiling="55")).status_code == 302
    assert client.post(URL, data=form_data(day(-30), pathway_max_months="30")).status_code == 302
    today = paris_today()
    assert parameters_for(today + timedelta(days=9)).caseload_ceiling == 70
    assert parameters_for(today + timedelta(days=10)).caseload_ceiling == 55
    assert parameters_for(today - timedelta(days=31)).pathway_max_months == 36
    assert parameters_for(today - timedelta(days=30)).pathway_max_months == 30
    assert parameters_for(today).pathway_max_months == 30
    page = client.get(URL).get_data(as_text=True)
    assert 'data-testid="en-vigueur-caseload_ceiling">70 participants</td>' in page
    assert "à venir" in page  # the planned change is listed in the history
    assert french_date(-30) in page  # since when the backdated value applies


def test_parameters_are_read_once_per_request_and_cached_per_day(app, admin):
    """Several days asked in one request: one query; each day gets its own values."""
    save_changes({"contact_max_days": Decimal(20)}, paris_today(), "", admin)
    db.session.commit()
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if "rule_parameter" in statement:
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            before = parameters_for(paris_today() - timedelta(days=1))
            now = parameters_for(paris_today())
            assert parameters_for(paris_today()) is now
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert (before.contact_max_days, now.contact_max_days) == (30, 20)
    assert len(statements) == 1


def test_a_french_decimal_comma_and_spaces_are_accepted(client, admin):
    """17,5 style numbers and a thousands space are read as the admin means them."""
    sign_in(client, admin)
    response = client.post(URL, data=form_data(half_time_weekly_hours="20,5",
                                                interim_min_hours="1\u00a0000",
                                                positive_exit_target_percent="45,5"))
    assert response.status_code == 302
    parameters = parameters_for(paris_today())
    assert parameters.half_time_weekly_hours == Decimal("20.5")
    assert parameters.interim_min_hours == 1000
    assert parameters.positive_exit_target_percent == Decimal("45.5")
    page = client.get(URL).get_data(as_text=True)
    assert input_value(page, "half_time_weekly_hours") == "20,5"


@pytest.mark.parametrize(("changes", "messages"), [
    ({"caseload_ceiling": "0"}, ["Saisissez une valeur entre 1 et 500 participants."]),
    ({"contact_max_days": "trente"}, ["Saisissez un nombre, par exemple 17,5."]),
    ({"contact_max_days": ""}, ["Indiquez une valeur."]),
    ({"contact_max_days": "30,5"}, ["Saisissez un nombre entier."]),
    ({"half_time_weekly_hours": "17,55"}, ["Saisissez au plus une décimale."]),
    ({"pathway_warning_months": "40"},
     ["L&#39;alerte doit précéder la durée maximale du parcours."]),
    ({"seasonal_min_months": "13", "seasonal_window_months": "12"},
     ["Saisissez une valeur entre 1 et 12 mois."]),
    ({"long_training_done_months": "10"},
     ["Ce seuil ne peut dépasser la durée d&#39;une formation longue."]),
    ({"caseload_ceiling": "60", "effective_from": day(-400)},
     ["La date d&#39;application ne peut pas remonter à plus d&#39;un an."]),
    ({"caseload_ceiling": "60", "effective_from": ""},
     ["Indiquez la date à partir de laquelle les valeurs s&#39;appliquent."]),
])
def test_bad_values_are_refused_in_french_and_nothing_is_saved(client, admin, changes,
                                                               messages):
    """Each refusal is shown next to its field; no row and no audit event are written."""
    sign_in(client, admin)
    data = form_data(**{key: value for key, value in changes.items() if key != "effective_from"})
    if "effective_from" in changes:
        data["effective_from"] = changes["effective_from"]
    response = client.post(URL, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in messages:
        assert f'-err">{message}</div>' in page
    assert "Le formulaire contient" in page
    assert "Not a valid" not in page
    assert stored_rows() == [] and settings_events() == []


def test_a_change_contradicting_a_planned_one_is_refused(client, admin):
    """Lowering the maximum below an alert already planned for next month is refused."""
    save_changes({"pathway_warning_months": Decimal(30)}, paris_today() + timedelta(days=30),
                 "", admin)
    db.session.commit()
    sign_in(client, admin)
    response = client.post(URL, data=form_data(pathway_max_months="28"))
    assert response.status_code == 400
    assert ("L&#39;alerte doit précéder la durée maximale du parcours. (avec les valeurs "
            "prévues à partir du") in response.get_data(as_text=True)
    assert [row[0] for row in stored_rows()] == ["pathway_warning_months"]


def test_values_the_admin_did_not_touch_are_not_written(client, admin):
    """The form shows today's values: saving from a later date leaves a planned change alone."""
    sign_in(client, admin)
    assert client.post(URL, data=form_data(day(30), caseload_ceiling="60")).status_code == 302
    # The page still shows 70 (today's value); the admin only changes the contact delay.
    response = client.post(URL, data=form_data(day(60), contact_max_days="21"))
    assert response.status_code == 302
    today = paris_today()
    assert stored_rows() == [
        ("caseload_ceiling", Decimal("60.00"), today + timedelta(days=30)),
        ("contact_max_days", Decimal("21.00"), today + timedelta(days=60)),
    ]
    assert parameters_for(today + timedelta(days=60)).caseload_ceiling == 60


@pytest.mark.parametrize("who", ["referent", "supervisor"])
def test_only_the_admin_reaches_the_rules(client, request, who):
    """Référents and supervisors get an audited 403, and their POST changes nothing."""
    user = request.getfixturevalue(who)
    sign_in(client, user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=form_data(caseload_ceiling="10")).status_code == 403
    assert stored_rows() == []
    denied = db.session.scalars(sa.select(AuditEvent.user_id).where(
        AuditEvent.action == "access.denied")).all()
    assert denied == [user.id, user.id]
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/admin/regles"' not in home


def test_anonymous_visitors_are_sent_to_login(client):
    """No session: the page redirects to the login form, and a POST saves nothing."""
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login?next=/admin/regles" in response.location
    assert client.post(URL, data=form_data(caseload_ceiling="10")).status_code == 401
    assert stored_rows() == []


def test_a_save_is_audited_with_old_and_new_values(client, admin):
    """One settings.update event by the admin, naming each changed key and the date."""
    sign_in(client, admin)
    client.post(URL, data=form_data(day(5), caseload_ceiling="60",
                                    half_time_weekly_hours="24,5"))
    events = settings_events()
    assert len(events) == 1
    assert (events[0].user_id, events[0].actor) == (admin.id, "admin@exemple.fr")
    assert '"caseload_ceiling": "70 → 60"' in events[0].detail
    assert '"half_time_weekly_hours": "17,5 → 24,5"' in events[0].detail
    assert f'"effective_from": "{day(5)}"' in events[0].detail
    from app.audit import ACTION_LABELS

    assert ACTION_LABELS["settings.update"] == "Modification des règles"


def test_a_double_submit_does_not_crash_and_a_same_day_change_replaces(client, admin):
    """The same form twice: one row. Another value on the same date replaces the row."""
    sign_in(client, admin)
    data = form_data(caseload_ceiling="60", comment="Premier envoi")
    assert client.post(URL, data=data).status_code == 302
    second = client.post(URL, data=data, follow_redirects=True)
    assert second.status_code == 200
    assert "Aucune valeur n&#39;a changé : rien n&#39;a été enregistré." in \
        second.get_data(as_text=True)
    assert client.post(URL, data=form_data(caseload_ceiling="65",
                                           comment="Correction")).status_code == 302
    assert stored_rows() == [("caseload_ceiling", Decimal("65.00"), paris_today())]
    row = db.session.scalar(sa.select(RuleParameter))
    assert row.comment == "Correction"
    assert len(settings_events()) == 2


def test_racing_submits_replace_the_row_instead_of_breaking_the_constraint(app, admin,
                                                                          monkeypatch):
    """A save that read the history before another one committed still succeeds (upsert)."""
    today = paris_today()
    save_changes({"caseload_ceiling": Decimal(60)}, today, "Premier", admin)
    db.session.commit()
    monkeypatch.setattr(progress, "parameter_history", list)  # it saw no row yet
    assert save_changes({"caseload_ceiling": Decimal(62)}, today, "Second", admin) == [
        "caseload_ceiling"]
    db.session.commit()
    assert stored_rows() == [("caseload_ceiling", Decimal("62.00"), today)]
    assert db.session.scalar(sa.select(RuleParameter.comment)) == "Second"


def test_save_changes_refuses_invalid_values_and_skips_unchanged_ones(app, admin):
    """The service checks values itself and writes nothing for a value already in force."""
    with pytest.raises(ValueError, match="caseload_ceiling"):
        save_changes({"caseload_ceiling": Decimal(0)}, paris_today(), "", admin)
    assert save_changes({"caseload_ceiling": Decimal(70), "unknown": Decimal(1)},
                        paris_today(), "", admin) == []
    assert stored_rows() == [] and settings_events() == []


def test_a_long_history_is_paginated_newest_first(client, admin):
    """Thirty changes: twenty-five on the first page, starting with the latest date."""
    today = paris_today()
    for offset in range(30):
        db.session.add(RuleParameter(key="contact_max_days", value=Decimal(20 + offset),
                                     effective_from=today - timedelta(days=offset),
                                     comment=f"Changement {offset}", created_by_id=admin.id))
    db.session.commit()
    sign_in(client, admin)
    first = client.get(URL).get_data(as_text=True)
    assert "Page 1 sur 2" in first
    assert "Changement 0<" in first and "Changement 24<" in first
    assert "Changement 25<" not in first
    assert first.index("Changement 0<") < first.index("Changement 1<")
    second = client.get(URL + "?page=2").get_data(as_text=True)
    assert "Changement 29<" in second and "Changement 0<" not in second
    assert 'data-testid="en-vigueur-contact_max_days">20 jours</td>' in second


HOSTILE = ["", " ", "\x00", "NaN", "-0", "1e309", "Infinity", "0x1F", "٣", "1_000", "17,5",
           "1.000,5", "9" * 400, "<script>", "2026-02-30", "9999-12-31", "0001-01-01", "-1",
           "1e-400"]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers().map(str))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.fixed_dictionaries({}, optional={
    name: values for name in ("caseload_ceiling", "half_time_weekly_hours",
                              "interim_max_gap_days", "effective_from", "comment")}))
def test_hostile_input_never_crashes(client, admin, changes):
    """Any input is either saved with valid values or refused with nothing written."""
    sign_in(client, admin)
    before = stored_rows()
    response = client.post(URL, data={**form_data(), **changes})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert stored_rows() == before
    parameters = as_values(parameters_for(paris_today() + timedelta(days=400)))
    for spec in PARAMETER_SPECS:
        assert spec.minimum <= parameters[spec.key] <= spec.maximum
