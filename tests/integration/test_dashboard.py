"""The supervisor dashboard and the référent view: figures checked against answers computed by
hand on a small PLIE, the period selector, access, French errors, and a constant query count.

The clock is frozen on 15 June 2026 (Paris); the figures of the year 2025 are worked out in
the docstring of `plie` below, participant by participant.
"""

import html as html_lib
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
import time_machine

from app.clock import PARIS
from app.domain.alerts import ALERT_LABELS
from app.domain.dashboard import parse_period, range_period, year_period
from app.domain.people import age_on
from app.extensions import db
from app.models import AuditEvent, EligibilityCriterion, PathwayProgress, User
from app.progress.snapshot import all_pathway_ids, mark_all_stale, refresh
from app.supervision.figures import (
    alert_kinds,
    breakdowns,
    cohort_figures,
    referent_figures,
    whole_years,
)
from tests import factories
from tests.helpers import sign_in

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=PARIS)
YEAR_2025 = {"annee": "2025"}


@pytest.fixture
def frozen(app):
    """Every request and every evaluation of this test happens on 15 June 2026."""
    with time_machine.travel(NOW, tick=False):
        yield


# --- The small PLIE ----------------------------------------------------------------------------


def person(referent, last_name, sex="F", born=date(1985, 3, 14), criteria=(), **flags):
    """A participant with the given sex, birth date, eligibility criteria and QPV/RQTH flags."""
    participant = factories.ParticipantFactory(referent=referent, last_name=last_name,
                                               first_name="Test", sex=sex, birth_date=born,
                                               **flags)
    for code in criteria:
        participant.criteria.append(db.session.scalar(
            sa.select(EligibilityCriterion).where(EligibilityCriterion.code == code)))
    db.session.commit()
    return participant


def pathway(participant, entry, exit_date=None, category="", validated=None):
    """A pathway accepted and entered on `entry`, exited when told."""
    return factories.PathwayFactory(
        participant=participant, orientation_date=entry - timedelta(days=30),
        decision="accepted", decision_date=entry - timedelta(days=10),
        contract_signed_on=entry, entry_date=entry, exit_date=exit_date,
        exit_category=category, exit_validated_on=validated)


def cdi(record, start):
    """A full-time CDI from `start`, still running."""
    return factories.EmploymentFactory(pathway=record, contract_type="CDI", start_date=start,
                                       planned_end=None, weekly_hours=Decimal(35))


def exit_on(record, job):
    """Rest the pathway's exit on this job."""
    record.exit_employment_id = job.id
    db.session.commit()


@pytest.fixture
def plie(frozen, referent, other_referent):
    """Two active référents, one deactivated, eleven participants. Figures of the year 2025:

    Martin (ceiling 10): P1, P2, P3, P7 (no pathway), P8 (refused), P10 (exited 2024).
    Lefort (own ceiling 0, so the rule's 70): P4, P5, P6. Nobody: P9. Deactivated: P11.

    P1 F 1990 RSA QPV, entered 01/02/2025, en parcours; CDI from 02/04/2025 (60 days: first
       job and durable job), consolidated 02/10/2025; REMOB step under way; interview 05/06/2026
       (contacted); barriers: mobility lifted, housing blocking open (2 identified, 1 lifted);
       grids 2.00 → 3.50 (+1.50).
    P2 M 1970 DELD, entered 10/03/2025 (55: 50+), exited 30/11/2025 qualifying training
       (positive, validated); family barrier lifted (1/1, « freins levés »); grids 2.00 → 2.50.
    P3 F 2001 RQTH, entered 01/06/2025 (23: under 26), CDI from 01/09/2025 (92 days),
       consolidated 01/03/2026, exited 15/12/2025 on it, not validated: provisional, ready.
    P4 X, entered 01/11/2024, exited 20/05/2025 durable job, validated 01/12/2025.
    P5 F, entered 15/09/2025, en parcours; CDD 15/10/2025 – 14/01/2026 (30 days to a first
       job, not durable); no step, no interview.
    P6 M born 01/07/1999, entered 01/07/2025 (26 that day: not under 26), drop-out 01/10/2025.
    P9 F QPV criterion, entered 01/04/2025, en parcours, a planned PROJ step, one grid only
       (no distance yet).
    P10 M, entered 01/05/2023, exited 01/03/2024 durable job validated (the year 2024).

    2025: entries P1 P2 P3 P5 P6 P9 = 6; exits P2 P3 P4 P6 = 4, positive P2 P3 P4 = 3
    (75 %), validated P2 P4 = 2 (50 %), provisional P3 (ready). First job: 30, 60, 92 →
    median 60 (3); durable job: 60, 92 → 76 (2). Milestones: entrée 6, freins 1 (P2),
    expérience 3, emploi durable 2, consolidé 2, others 0. Barriers 2 lifted of 3, 2 people.
    Distance (+1.50 + 0.50) / 2 = +1.00 (2). Entrants still en parcours: P1 P5 P9 = 3, of whom
    without an open step: P5 = 1 (33.3 %). Entrants exited so far: P2 P3 P6, positive P2 P3
    (2 of 6 = 33.3 %), validated P2.
    """
    referent.caseload_ceiling = 10
    other_referent.caseload_ceiling = 0
    gone = factories.UserFactory(last_name="Parti", active=False)
    db.session.commit()
    people = {}

    p1 = people["P1"] = person(referent, "Un", born=date(1990, 5, 10), criteria=["RSA"],
                               qpv=True)
    w1 = pathway(p1, date(2025, 2, 1))
    cdi(w1, date(2025, 4, 2))
    factories.InterviewFactory(pathway=w1, held_on=date(2026, 6, 5))
    factories.StepFactory(pathway=w1, type_code="REMOB", status="en_cours",
                          actual_start=date(2026, 5, 1), planned_end=date(2026, 7, 31))
    factories.BarrierFactory(pathway=w1, theme="mobilite", severity=2,
                             identified_on=date(2025, 2, 1), lifted_on=date(2025, 5, 1))
    factories.BarrierFactory(pathway=w1, theme="logement", severity=3,
                             identified_on=date(2025, 2, 1))
    factories.AssessmentFactory(pathway=w1, assessed_on=date(2025, 2, 1), kind="entree",
                                scores={"MOBILITE": 2, "NUMERIQUE": 2})
    factories.AssessmentFactory(pathway=w1, assessed_on=date(2025, 12, 1),
                                kind="intermediaire", scores={"MOBILITE": 3, "NUMERIQUE": 4})

    p2 = people["P2"] = person(referent, "Deux", sex="M", born=date(1970, 1, 20),
                               criteria=["DELD"])
    w2 = pathway(p2, date(2025, 3, 10), date(2025, 11, 30), "formation_qualifiante")
    factories.BarrierFactory(pathway=w2, theme="famille", severity=1,
                             identified_on=date(2025, 3, 10), lifted_on=date(2025, 6, 1))
    factories.AssessmentFactory(pathway=w2, assessed_on=date(2025, 3, 10), kind="entree",
                                scores={"MOBILITE": 2, "NUMERIQUE": 2})
    factories.AssessmentFactory(pathway=w2, assessed_on=date(2025, 11, 30), kind="sortie",
                                scores={"MOBILITE": 2, "NUMERIQUE": 3})

    p3 = people["P3"] = person(referent, "Trois", born=date(2001, 8, 1), rqth=True)
    w3 = pathway(p3, date(2025, 6, 1), date(2025, 12, 15), "emploi_durable")
    exit_on(w3, cdi(w3, date(2025, 9, 1)))

    p4 = people["P4"] = person(other_referent, "Quatre", sex="X")
    w4 = pathway(p4, date(2024, 11, 1), date(2025, 5, 20), "emploi_durable",
                 validated=date(2025, 12, 1))
    exit_on(w4, cdi(w4, date(2025, 5, 1)))

    p5 = people["P5"] = person(other_referent, "Cinq")
    w5 = pathway(p5, date(2025, 9, 15))
    factories.EmploymentFactory(pathway=w5, contract_type="CDD", start_date=date(2025, 10, 15),
                                planned_end=date(2026, 1, 14), weekly_hours=Decimal(35))

    p6 = people["P6"] = person(other_referent, "Six", sex="M", born=date(1999, 7, 1))
    pathway(p6, date(2025, 7, 1), date(2025, 10, 1), "abandon")

    people["P7"] = person(referent, "Sept")
    p8 = people["P8"] = person(referent, "Huit")
    factories.PathwayFactory(participant=p8, orientation_date=date(2025, 1, 10),
                             decision="refused", decision_date=date(2025, 1, 20),
                             contract_signed_on=None, entry_date=None)

    p9 = people["P9"] = person(None, "Neuf", born=date(1980, 1, 1), criteria=["QPV"])
    w9 = pathway(p9, date(2025, 4, 1))
    factories.StepFactory(pathway=w9, type_code="PROJ", status="prevue", actual_start=None,
                          planned_start=date(2026, 7, 1), planned_end=date(2026, 8, 1))
    factories.InterviewFactory(pathway=w9, held_on=date(2026, 5, 1))
    # One grid only: no distance travelled yet (not a distance of 0).
    factories.AssessmentFactory(pathway=w9, assessed_on=date(2025, 4, 1), kind="entree",
                                scores={"MOBILITE": 1, "NUMERIQUE": 1})

    p10 = people["P10"] = person(referent, "Dix", sex="M", born=date(1980, 6, 1))
    w10 = pathway(p10, date(2023, 5, 1), date(2024, 3, 1), "emploi_durable",
                  validated=date(2024, 9, 1))
    exit_on(w10, cdi(w10, date(2023, 9, 1)))

    people["P11"] = person(gone, "Onze")
    # The commit hook evaluated each pathway as it was saved; evaluate them all once more now
    # that everything is in place (what the nightly `flask refresh-progress` does).
    refresh(all_pathway_ids(), TODAY)
    db.session.commit()
    return people


def stored(participant) -> PathwayProgress:
    """The stored evaluation of the participant's (only) pathway."""
    return db.session.scalar(sa.select(PathwayProgress).where(
        PathwayProgress.participant_id == participant.id))


# --- Reading the page --------------------------------------------------------------------------


def page_text(response) -> str:
    """The page's HTML as text."""
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def row_cells(html: str, attribute: str, value: str, table: str | None = None) -> list[str]:
    """The text of each cell (th and td) of the row marked data-<attribute>="value"."""
    if table is not None:
        html = re.search(rf'data-testid="{table}".*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr[^>]*data-{attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', html,
                    re.S)
    assert row, f"no row data-{attribute}={value}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    return [squeeze(html_lib.unescape(re.sub(r"<[^>]+>", " ", cell))) for cell in cells]


def squeeze(text: str) -> str:
    """Collapse ASCII white space (str.split() would also eat the narrow no-break spaces)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def plain(html: str) -> str:
    """The page's visible words, on one line."""
    return squeeze(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


PCT = "\u202f%"


# --- Hand-computed figures ---------------------------------------------------------------------


def test_the_stored_evaluations_are_the_ones_the_answers_assume(plie):
    """The milestone dates the hand-computed figures rest on."""
    p1, p3, p5 = stored(plie["P1"]), stored(plie["P3"]), stored(plie["P5"])
    assert (p1.reached_experience, p1.reached_emploi_durable) == (date(2025, 4, 2),) * 2
    assert p1.reached_consolide == date(2025, 10, 2) and p1.reached_freins is None
    assert (p1.distance_baseline, p1.distance_latest) == (Decimal("2.00"), Decimal("3.50"))
    assert (p3.reached_emploi_durable, p3.exit_state) == (date(2025, 9, 1), "ready")
    assert p5.reached_experience == date(2025, 10, 15) and p5.reached_emploi_durable is None
    assert stored(plie["P2"]).reached_freins == date(2025, 6, 1)


def test_referent_rows_of_2025(client, supervisor, plie, referent, other_referent):
    """Caseload today against the ceiling, contact, steps, alerts, and 2025's movements."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string=YEAR_2025))
    martin = row_cells(html, "referent", str(referent.id))
    # Active: P1 (en parcours), P3 (in-work follow-up), P7 (no pathway yet).
    alerts_martin = sum(stored(plie[p]).alert_count for p in ("P1", "P3"))
    with_alerts = sum(1 for p in ("P1", "P3") if stored(plie[p]).alert_count)
    assert martin[2:] == ["3", "10", "disponible", "1", f"1 (100{PCT})", f"0 (0{PCT})",
                          f"{alerts_martin} ({with_alerts})", "3", "2"]
    assert martin[0] == "MARTIN Claire"
    lefort = row_cells(html, "referent", str(other_referent.id))
    alerts_lefort = stored(plie["P5"]).alert_count
    assert lefort[2:] == ["1", "70", "disponible", "1", f"0 (0{PCT})", f"1 (100{PCT})",
                          f"{alerts_lefort} ({1 if alerts_lefort else 0})", "2", "2"]
    total = row_cells(html, "referent", "total")
    assert total[2:] == ["4", "80", "", "2", f"1 (50{PCT})", f"1 (50{PCT})",
                         f"{alerts_martin + alerts_lefort} "
                         f"({with_alerts + (1 if alerts_lefort else 0)})", "5", "4"]
    assert ("6 participants suivis au total, dont 1 sans référent(e), dont 1 chez des "
            "référent(e)s désactivé(e)s") in plain(html)
    assert "PARTI" not in html  # deactivated référents have no row
    assert f'href="/supervision/referents/{referent.id}?annee=2025"' in html


def test_exits_of_2025(client, supervisor, plie):
    """4 exits, 3 positive (75 %), 2 validated (50 %) against a 42 % target."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string=YEAR_2025))
    table = "exits-table"
    assert row_cells(html, "figure", "exits", table)[1:3] == ["4", f"100{PCT}"]
    assert row_cells(html, "figure", "positive", table)[1:] == ["3", f"75{PCT}",
                                                                "+33 points"]
    assert row_cells(html, "figure", "validated", table)[1:] == ["2", f"50{PCT}",
                                                                 "+8 points"]
    assert row_cells(html, "figure", "provisional", table)[1] == "1"
    assert row_cells(html, "figure", "ready", table)[1] == "1"
    assert row_cells(html, "figure", "ended-early", table)[1] == "0"
    assert "objectif 42" in plain(html)


def test_entry_cohort_of_2025(client, supervisor, plie):
    """Entrants of 2025: what they reached, how fast, barriers, distance, steps."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string=YEAR_2025))
    table = "cohort-table"

    def value(key):
        return row_cells(html, "figure", key, table)[1]

    assert value("entries") == "6"
    assert value("still-in") == "3"
    assert value("cohort-positive") == f"2 (33,3{PCT})"
    assert "sortis depuis leur entrée (3) avec une sortie positive, dont 1 validée" in \
        row_cells(html, "figure", "cohort-positive", table)[2]
    assert value("first-job") == "60 jours (sur 3)"
    assert value("durable") == "76 jours (sur 2)"
    assert value("barriers") == f"2 sur 3 (66,7{PCT})"
    assert "2 participants avec au moins un frein levé" in \
        row_cells(html, "figure", "barriers", table)[2]
    assert value("distance") == "+1,00 (sur 2)"
    assert value("no-step") == f"1 (33,3{PCT})"
    milestones = {code: row_cells(html, "milestone", code, "milestones-table")[1:]
                  for code in ("entree", "diagnostic", "projet", "freins", "competences",
                               "experience", "emploi_durable", "consolide")}
    assert milestones == {
        "entree": ["6", f"100{PCT}"], "diagnostic": ["0", f"0{PCT}"],
        "projet": ["0", f"0{PCT}"], "freins": ["1", f"16,7{PCT}"],
        "competences": ["0", f"0{PCT}"], "experience": ["3", f"50{PCT}"],
        "emploi_durable": ["2", f"33,3{PCT}"], "consolide": ["2", f"33,3{PCT}"],
    }


def test_breakdowns_by_public_and_sex_of_2025(client, supervisor, plie):
    """Entries, exits, positive and validated, median to durable job, distance, by group."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string=YEAR_2025))

    def group(key, table="publics-table"):
        return row_cells(html, "group", key, table)[1:]

    assert group("all") == ["6", "4", f"3 (75{PCT})", f"2 (50{PCT})", "76 jours (sur 2)",
                            "+1,00 (sur 2)"]
    assert group("RSA") == ["1", "0", "0", "0", "60 jours (sur 1)", "+1,50 (sur 1)"]
    assert group("DELD") == ["1", "1", f"1 (100{PCT})", f"1 (100{PCT})", "—",
                             "+0,50 (sur 1)"]
    # P1 by the QPV flag, P9 by the QPV criterion.
    assert group("QPV") == ["2", "0", "0", "0", "60 jours (sur 1)", "+1,50 (sur 1)"]
    assert group("RQTH") == ["1", "1", f"1 (100{PCT})", f"0 (0{PCT})", "92 jours (sur 1)",
                             "—"]
    # P3 (23 at entry); P6 turned 26 on the day he entered.
    assert group("JEUNE") == ["1", "1", f"1 (100{PCT})", f"0 (0{PCT})", "92 jours (sur 1)",
                              "—"]
    assert group("SENIOR") == ["1", "1", f"1 (100{PCT})", f"1 (100{PCT})", "—",
                               "+0,50 (sur 1)"]
    assert group("sex:F", "sexes-table") == ["4", "1", f"1 (100{PCT})", f"0 (0{PCT})",
                                             "76 jours (sur 2)", "+1,50 (sur 1)"]
    assert group("sex:M", "sexes-table") == ["2", "2", f"1 (50{PCT})", f"1 (50{PCT})", "—",
                                             "+0,50 (sur 1)"]
    assert group("sex:X", "sexes-table") == ["0", "1", f"1 (100{PCT})", f"1 (100{PCT})",
                                             "—", "—"]
    assert 'data-group="sex:"' not in html  # every participant's sex is known


def test_figures_functions_give_the_same_answers(plie):
    """The query functions themselves, without the page."""
    period = year_period(2025)
    cohort = cohort_figures(period, TODAY).figures
    assert (cohort.entries, cohort.exits, cohort.positive, cohort.validated) == (6, 4, 3, 2)
    assert (cohort.positive_share, cohort.validated_share) == (Decimal("75.0"),
                                                               Decimal("50.0"))
    assert (cohort.first_job.days, cohort.durable.days) == (Decimal(60), Decimal(76))
    assert cohort.distance_mean == Decimal("1.00")
    groups = breakdowns(period, TODAY)
    assert [g.key for g in groups.publics] == ["RSA", "DELD", "QPV", "RQTH", "JEUNE",
                                               "SENIOR"]
    assert [g.key for g in groups.sexes] == ["sex:F", "sex:M", "sex:X"]
    rows = referent_figures(period, TODAY)
    assert (rows.unassigned, rows.with_inactive, rows.default_ceiling) == (1, 1, 70)


@pytest.mark.parametrize("period", [year_period(2025), year_period(2024),
                                    parse_period({}, TODAY).period,
                                    range_period(date(2025, 6, 1), date(2025, 6, 1))])
def test_the_dashboards_cohort_is_the_breakdowns_everyone_row(plie, period):
    """The dashboard shows breakdowns().cohort: what cohort_figures() counts on its own."""
    assert breakdowns(period, TODAY).cohort == cohort_figures(period, TODAY)


@pytest.mark.parametrize(("later", "earlier"), [
    (date(2024, 2, 28), date(2000, 2, 29)), (date(2024, 2, 29), date(2000, 2, 29)),
    (date(2023, 2, 28), date(2000, 2, 29)), (date(2023, 3, 1), date(2000, 2, 29)),
    (date(2025, 7, 1), date(1999, 7, 1)), (date(2025, 6, 30), date(1999, 7, 1)),
    (date(2025, 12, 31), date(2025, 1, 1)), (date(2026, 1, 1), date(1950, 12, 31)),
])
def test_whole_years_in_sql_count_as_age_on(app, later, earlier):
    """The SQL age at entry (both engines' forms) is the Python one, 29 February included."""
    years = whole_years(sa.literal(later, sa.Date), sa.literal(earlier, sa.Date))
    assert db.session.scalar(sa.select(years)) == age_on(earlier, later)


def test_each_participant_counts_on_their_latest_pathway(frozen):
    """Today's caseload reads each participant's latest pathway (by orientation, then id);
    the period's entries and exits read all their pathways.

    Q: A entered 2024, dropped out 01/03/2025; B entered 01/06/2025, en parcours → active,
       en parcours, no step under way. R: C entered 01/04/2025, then D refused, oriented the
       same day as C and created after it → D is current: not active. S: exited 01/09/2025
       on a job not validated yet → active (in-work follow-up). T: no pathway → active.
    2025: entries B, C, S = 3; exits A, S = 2.
    """
    user = factories.UserFactory(last_name="Courant")
    q, r, s, _t = (person(user, name) for name in ("Q", "R", "S", "T"))
    pathway(q, date(2024, 2, 1), date(2025, 3, 1), "abandon")
    pathway(q, date(2025, 6, 1))
    first = pathway(r, date(2025, 4, 1))
    factories.PathwayFactory(participant=r, orientation_date=first.orientation_date,
                             decision="refused", decision_date=date(2025, 3, 20),
                             contract_signed_on=None, entry_date=None)
    pathway(s, date(2025, 1, 15), date(2025, 9, 1), "emploi_durable")
    row = next(row for row in referent_figures(year_period(2025), TODAY).rows
               if row.user_id == user.id)
    assert (row.caseload, row.in_pathway, row.no_step) == (3, 1, 1)
    assert (row.entries, row.exits) == (3, 2)


def test_alert_kinds_count_the_pathways_that_list_each_kind(plie, referent):
    """Each kind counts the stored evaluations with alerts whose list names it."""
    rows = db.session.execute(sa.select(PathwayProgress.alert_kinds,
                                        PathwayProgress.participant_id)
                              .where(PathwayProgress.alert_count > 0)).all()
    assert rows, "the small PLIE should raise some alert"
    martin = {plie[name].id for name in plie if plie[name].referent_id == referent.id}
    for referent_id, kept in [(None, rows), (referent.id,
                                             [row for row in rows if row[1] in martin])]:
        expected = {kind: sum(1 for kinds, _ in kept if kind in kinds.split(","))
                    for kind in ALERT_LABELS}
        assert {kind: count for kind, _label, count in alert_kinds(TODAY, referent_id)} == \
            expected


def test_the_referents_own_figures(client, supervisor, plie, referent):
    """Martin's 2025: entries P1 P2 P3, exits P2 (validated) and P3 (provisional)."""
    sign_in(client, supervisor)
    html = page_text(client.get(f"/supervision/referents/{referent.id}",
                                query_string=YEAR_2025))
    assert row_cells(html, "figure", "exits", "exits-table")[1] == "2"
    assert row_cells(html, "figure", "positive", "exits-table")[1:3] == ["2", f"100{PCT}"]
    assert row_cells(html, "figure", "validated", "exits-table")[1:3] == ["1", f"50{PCT}"]
    assert row_cells(html, "figure", "entries", "cohort-table")[1] == "3"
    assert row_cells(html, "figure", "first-job", "cohort-table")[1] == "76 jours (sur 2)"
    assert row_cells(html, "figure", "distance", "cohort-table")[1] == "+1,00 (sur 2)"


# --- The period selector -----------------------------------------------------------------------


@pytest.mark.parametrize(("query", "entries", "exits", "positive", "label"), [
    ({}, "2", "3", f"2 (66,7{PCT})", "les 12 derniers mois, du 16 juin 2025 au 15 juin 2026"),
    ({"annee": "2024"}, "1", "1", f"1 (100{PCT})", "l'année 2024"),
    ({"annee": "2025", "trimestre": "1"}, "2", "0", "0", "le 1er trimestre 2025"),
    ({"du": "2025-06-01", "au": "2025-09-15"}, "3", "0", "0",
     "la période du 1 juin 2025 au 15 septembre 2025"),
])
def test_the_period_changes_the_figures(client, supervisor, plie, query, entries, exits,
                                        positive, label):
    """Default 12 months: entries P5 P6, exits P2 P3 P6. 2024: P4 entered, P10 exited. Q1
    2025: P1 P2 entered. 1 June – 15 September 2025: P3 P6 P5 entered, nobody left."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string=query))
    assert row_cells(html, "group", "all", "publics-table")[1:4] == [entries, exits, positive]
    assert label in plain(html)


@pytest.mark.parametrize("query", [
    {"du": "2025-02-30"}, {"du": "31/02/2025", "au": "01/03/2025"}, {"annee": "abc"},
    {"annee": "2025", "trimestre": "9"}, {"trimestre": "2"}, {"au": "2025-01-01"},
    {"du": "2025-05-01", "au": "2025-04-01"}, {"du": "1800-01-01"}, {"du": "x\x00y"},
    {"annee": "9" * 400}, {"du": "2025-01-01", "au": "9999-12-31"},
])
def test_bad_periods_give_a_french_message_not_an_error(client, supervisor, plie, referent,
                                                        query):
    """The dashboard and the référent view explain the problem and show the last 12 months."""
    sign_in(client, supervisor)
    for url in ("/supervision", f"/supervision/referents/{referent.id}"):
        html = page_text(client.get(url, query_string=query))
        assert "La période demandée n'est pas valable" in html
        assert 'class="invalid-feedback d-block"' in html
        assert "les 12 derniers mois" in plain(html)


def test_the_visit_is_audited(client, supervisor, plie, referent):
    """Each dashboard and référent view writes an audit event with the period."""
    sign_in(client, supervisor)
    client.get("/supervision", query_string=YEAR_2025)
    client.get(f"/supervision/referents/{referent.id}")
    db.session.rollback()
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action.in_(("supervision.dashboard", "supervision.referent")))
        .order_by(AuditEvent.id)).all()
    assert [(e.action, e.user_id) for e in events] == [
        ("supervision.dashboard", supervisor.id), ("supervision.referent", supervisor.id)]
    assert json.loads(events[0].detail) == {"start": "2025-01-01", "end": "2025-12-31"}
    assert events[1].target_id == str(referent.id)


def test_the_freshness_of_the_figures(client, supervisor, plie):
    """Evaluated today: said so. Marked stale: "recalcul en attente" and the nightly command."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision"))
    assert "Chiffres à jour : les 9 parcours ont été évalués aujourd'hui" in plain(html)
    mark_all_stale()
    db.session.commit()
    text = plain(page_text(client.get("/supervision")))
    assert "Recalcul en attente pour 9 parcours sur 9" in text
    assert "flask refresh-progress" in text


# --- The référent view -------------------------------------------------------------------------


def test_the_referent_view_shows_their_caseload_as_at_home(client, supervisor, plie,
                                                            referent):
    """Martin's active caseload: P1, P3 (in-work follow-up) and P7 (no pathway), no one else."""
    sign_in(client, supervisor)
    html = page_text(client.get(f"/supervision/referents/{referent.id}"))
    shown = set(re.findall(r'data-testid="caseload-row" data-participant="([^"]+)"', html))
    assert shown == {plie[p].public_id for p in ("P1", "P3", "P7")}
    assert "<h1" in html and "MARTIN Claire" in html
    assert "3 / 10" in plain(html)
    # The caseload's filters and pages stay on the supervisor's page.
    assert f'action="/supervision/referents/{referent.id}"' in html
    filtered = page_text(client.get(f"/supervision/referents/{referent.id}",
                                    query_string={"q": "trois"}))
    assert set(re.findall(r'data-testid="caseload-row" data-participant="([^"]+)"',
                          filtered)) == {plie["P3"].public_id}


def test_unknown_or_non_referent_users_get_404(client, supervisor, admin, plie):
    sign_in(client, supervisor)
    for user_id in (supervisor.id, admin.id, 999999, 2**63):
        assert client.get(f"/supervision/referents/{user_id}").status_code == 404


@pytest.mark.parametrize("role", ["referent", "admin"])
def test_referents_and_admins_get_403(request, client, app, role):
    user = request.getfixturevalue(role)
    target = factories.UserFactory(role="referent")
    sign_in(client, user)
    for url in ("/supervision", f"/supervision/referents/{target.id}",
                "/supervision?annee=2025"):
        assert client.get(url).status_code == 403
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "access.denied", AuditEvent.user_id == user.id)) == 3


def test_anonymous_visitors_are_sent_to_login(client, referent):
    response = client.get(f"/supervision/referents/{referent.id}")
    assert response.status_code in (302, 401)


# --- Caseload ceilings (formerly on the plain caseload overview) -------------------------------


def test_each_caseload_is_shown_against_its_ceiling(client, supervisor):
    """Participants with no pathway yet are in the active caseload; the status follows."""
    calm = factories.UserFactory(last_name="Calme", caseload_ceiling=10)
    near = factories.UserFactory(last_name="Presque", caseload_ceiling=10)
    over = factories.UserFactory(last_name="Deborde", caseload_ceiling=2)
    idle = factories.UserFactory(last_name="Vide", caseload_ceiling=70)
    factories.ParticipantFactory.create_batch(3, referent=calm)
    factories.ParticipantFactory.create_batch(9, referent=near)
    factories.ParticipantFactory.create_batch(3, referent=over)
    factories.UserFactory(role="supervisor", last_name="Superviz", structure=None)
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision"))
    for user, count, ceiling, status in [(calm, "3", "10", "disponible"),
                                         (near, "9", "10", "proche du plafond"),
                                         (over, "3", "2", "au-dessus du plafond"),
                                         (idle, "0", "70", "disponible")]:
        assert row_cells(html, "referent", str(user.id))[2:5] == [count, ceiling, status]
    assert "15 participants suivis au total" in plain(html)
    assert "SUPERVIZ" not in html


# --- The référents' table: filter, sort, pages --------------------------------------------------


def referent_ids(html: str) -> list[int]:
    """The ids of the référent rows of the table, in the order shown (not the total)."""
    table = re.search(r'data-testid="referents-table".*?</table>', html, re.S).group(0)
    return [int(value) for value in re.findall(r'<tr data-referent="(\d+)"', table)]


def caption(html: str) -> str:
    """The text of the référents table's caption."""
    return plain(re.search(r'data-testid="referents-table".*?<caption>(.*?)</caption>', html,
                           re.S).group(1))


@pytest.fixture
def sixty(frozen):
    """60 active référents REF00 … REF59, some with participants (no pathway yet, so all in
    the active caseload) and their own ceiling."""
    users = [factories.UserFactory(last_name=f"Ref{index:02d}", first_name="Test",
                                   caseload_ceiling=10 + index) for index in range(60)]
    for index in (0, 7, 49, 50, 59):
        factories.ParticipantFactory.create_batch(index % 4 + 1, referent=users[index])
    db.session.commit()
    return users


def test_the_referents_come_fifty_a_page_with_everyones_total(client, supervisor, sixty):
    """Page 1: REF00–REF49 and a pager; page 2: REF50–REF59. The total row is the same on
    both pages and adds up the 60 rows."""
    sign_in(client, supervisor)
    first = page_text(client.get("/supervision", query_string=YEAR_2025))
    second = page_text(client.get("/supervision", query_string={**YEAR_2025, "page": "2"}))
    ids = [user.id for user in sixty]
    assert referent_ids(first) == ids[:50]
    assert referent_ids(second) == ids[50:]
    assert "page 1 sur 2" in caption(first) and "page 2 sur 2" in caption(second)
    assert 'data-testid="referents-pager"' in first
    assert "Page 1 sur 2" in plain(first) and "Page 2 sur 2" in plain(second)
    # The pager keeps the period; the next page is the table's, not the top of the page.
    assert 'href="/supervision?annee=2025&amp;page=2#portefeuilles-titre"' in first
    assert 'href="/supervision?annee=2025#portefeuilles-titre"' in second
    assert "60 référent(e)s actifs : 1 à 50 sur cette page" in plain(first)
    assert "60 référent(e)s actifs : 51 à 60 sur cette page" in plain(second)
    total = row_cells(first, "referent", "total")
    assert total == row_cells(second, "referent", "total")
    assert total[0].startswith("Ensemble des référent(e)s actifs")
    rows = [row_cells(page, "referent", str(user_id))
            for page, chunk in ((first, ids[:50]), (second, ids[50:])) for user_id in chunk]
    # Active caseload, ceiling, en parcours, entries and exits: sums over all 60 rows.
    for column in (2, 3, 5, 9, 10):
        assert int(total[column].replace("\u202f", "")) == sum(int(row[column]) for row in rows), \
            column
    # The ceilings add up to 2 370, printed the French way (narrow no-break space).
    assert total[2:4] == [str(1 + 4 + 2 + 3 + 4),
                          f"{sum(10 + index for index in range(60)):,}".replace(",", "\u202f")]
    # The référent names still lead to their view, for the same period.
    assert f'href="/supervision/referents/{ids[55]}?annee=2025"' in second


@pytest.mark.parametrize(("page", "shown"), [("99", 2), ("100001", 2), ("0", 1), ("-3", 1),
                                             ("abc", 1), ("", 1)])
def test_any_page_number_shows_a_page(client, supervisor, sixty, page, shown):
    """Past the end: the last page; nonsense: the first; never an error."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string={"page": page}))
    ids = [user.id for user in sixty]
    assert referent_ids(html) == (ids[:50] if shown == 1 else ids[50:])
    assert f"page {shown} sur 2" in caption(html)


@pytest.fixture
def named(frozen):
    """Référents whose names and structures carry accents and capitals."""
    mission = factories.StructureFactory(name="Mission Locale de Tours")
    emergence = factories.StructureFactory(name="Association Émergence")
    users = {
        "helene": factories.UserFactory(first_name="Hélène", last_name="Dupré",
                                        structure=mission),
        "elodie": factories.UserFactory(first_name="Élodie", last_name="Lefèvre",
                                        structure=emergence),
        "henri": factories.UserFactory(first_name="Henri", last_name="N'Diaye",
                                       structure=mission),
        "paul": factories.UserFactory(first_name="Paul", last_name="Helmer", structure=None),
    }
    db.session.commit()
    return users


@pytest.mark.parametrize(("text", "found"), [
    ("helene", {"helene"}), ("HÉLÈNE", {"helene"}), ("  dupre  ", {"helene"}),
    ("hel", {"helene", "paul"}), ("lefevre elodie", {"elodie"}), ("diaye", {"henri"}),
    ("n'diaye", {"henri"}), ("ndiaye", {"henri"}),
    ("mission", {"helene", "henri"}), ("mission loc", {"helene", "henri"}),
    ("EMERGENCE", {"elodie"}), ("tours henri", {"henri"}), ("élène", set()),
])
def test_the_filter_finds_names_and_structures(client, supervisor, named, text, found):
    """Each word starts a part of the name or of the structure; accents and case aside."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string={**YEAR_2025, "q": text}))
    assert set(referent_ids(html)) == {named[key].id for key in found}
    # Whatever the filter, the total is everyone's: here nobody follows anyone.
    assert row_cells(html, "referent", "total")[2] == "0"
    assert "toutes pages confondues et sans le filtre" in plain(html)
    # The filter form keeps the period and shows the text back.
    form = re.search(r'data-testid="referents-filters".*?</form>', html, re.S).group(0)
    assert '<input type="hidden" name="annee" value="2025">' in form
    typed = re.search(r'id="referents-q" name="q" value="([^"]*)"', form).group(1)
    assert html_lib.unescape(typed) == " ".join(text.split())


def test_a_filter_matching_nobody_says_so(client, supervisor, named):
    """A French message, and a link that clears the filter and keeps the period and sort."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string={
        **YEAR_2025, "q": "Zorglub", "tri": "structure"}))
    assert referent_ids(html) == []
    empty = re.search(r'data-testid="referents-empty">(.*?)</td>', html, re.S).group(1)
    assert "Aucun(e) référent(e) actif ne correspond à « Zorglub »" in plain(empty)
    assert 'href="/supervision?annee=2025&amp;tri=structure#portefeuilles-titre"' in empty
    assert "0 référent(e) sur 4 correspond à « Zorglub »" in plain(html)
    assert row_cells(html, "referent", "total")[0].startswith("Ensemble")
    cleared = page_text(client.get("/supervision", query_string={**YEAR_2025,
                                                                 "tri": "structure"}))
    assert len(referent_ids(cleared)) == 4


@pytest.fixture
def sorted_plie(frozen):
    """Five référents: (name, structure, ceiling, participants, of them en parcours and
    contacted in the last days).

    AUBERT   Zèbre   10  9 (no pathway)           load 0.9, nobody en parcours
    BERNARD  Alpha    2  3, 2 en parcours, 1 seen  load 1.5, 50 % contacted
    CÉZANNE  beta    10  0                         load 0
    CHEVALIER —      70  0                         load 0
    DURAND   Éclat    4  2, 2 en parcours, 2 seen  load 0.5, 100 % contacted
    """
    def user(last, structure, ceiling):
        place = factories.StructureFactory(name=structure) if structure else None
        return factories.UserFactory(last_name=last, first_name="Test", structure=place,
                                     caseload_ceiling=ceiling)

    users = {"aubert": user("Aubert", "Zèbre", 10), "bernard": user("Bernard", "Alpha", 2),
             "cezanne": user("Cézanne", "beta", 10), "chevalier": user("Chevalier", None, 70),
             "durand": user("Durand", "Éclat", 4)}
    factories.ParticipantFactory.create_batch(9, referent=users["aubert"])
    factories.ParticipantFactory(referent=users["bernard"])
    for name, seen in (("bernard", 1), ("durand", 2)):
        for index in range(2):
            record = pathway(person(users[name], f"{name}{index}"), TODAY - timedelta(days=90))
            if index < seen:
                factories.InterviewFactory(pathway=record, held_on=TODAY - timedelta(days=3))
    refresh(all_pathway_ids(), TODAY)
    db.session.commit()
    return users


@pytest.mark.parametrize(("sort", "order"), [
    ("", ["aubert", "bernard", "cezanne", "chevalier", "durand"]),  # CÉZANNE as CEZANNE
    ("nom", ["aubert", "bernard", "cezanne", "chevalier", "durand"]),
    ("n'importe quoi", ["aubert", "bernard", "cezanne", "chevalier", "durand"]),
    ("structure", ["bernard", "cezanne", "durand", "aubert", "chevalier"]),  # none last
    ("charge", ["bernard", "aubert", "durand", "cezanne", "chevalier"]),
    ("contact", ["bernard", "durand", "aubert", "cezanne", "chevalier"]),  # none en parcours last
])
def test_each_sort_orders_the_rows(client, supervisor, sorted_plie, sort, order):
    """Names and structures alphabetically (accents and case aside), the most loaded first,
    the least contacted first; an unknown sort is the default, by name."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string={"tri": sort}))
    assert referent_ids(html) == [sorted_plie[key].id for key in order]
    label = {"structure": "structure", "charge": "portefeuille face au plafond",
             "contact": "part des contactés"}.get(sort, "nom")
    assert f"triés par « {label}" in caption(html)
    selected = re.search(r'<option value="([^"]+)" selected>', html.split(
        'id="referents-tri"')[1]).group(1)
    assert selected == (sort if sort in ("structure", "charge", "contact") else "nom")


def test_the_alerts_sort_puts_the_most_alerts_first(client, supervisor, sorted_plie):
    """By alerts, highest first; ties by name."""
    sign_in(client, supervisor)
    html = page_text(client.get("/supervision", query_string={"tri": "alertes"}))
    figures = {row.user_id: row for row in referent_figures(parse_period({}, TODAY).period,
                                                            TODAY).rows}
    shown = referent_ids(html)
    assert sorted(shown) == sorted(user.id for user in sorted_plie.values())
    assert figures[sorted_plie["bernard"].id].alerts > 0  # en parcours without a step
    keys = [(-figures[user_id].alerts, -figures[user_id].with_alerts) for user_id in shown]
    assert keys == sorted(keys)
    assert shown[0] == sorted_plie["bernard"].id
    # Those without alerts (nobody en parcours, or all seen and recently entered) by name.
    calm = [user_id for user_id in shown if not figures[user_id].alerts]
    assert calm == [sorted_plie[key].id for key in ("aubert", "cezanne", "chevalier", "durand")
                    if sorted_plie[key].id in calm]
    assert {sorted_plie[key].id for key in ("aubert", "cezanne", "chevalier")} <= set(calm)


def test_the_table_arguments_are_audited(client, supervisor, sixty):
    """Filter, sort and page go into the dashboard's audit event when set (the page shown)."""
    sign_in(client, supervisor)
    client.get("/supervision", query_string={"q": " ref ", "tri": "charge", "page": "7"})
    client.get("/supervision", query_string={"tri": "bidon", "page": "1"})
    db.session.rollback()
    details = [json.loads(event.detail) for event in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "supervision.dashboard")
        .order_by(AuditEvent.id))]
    assert [{key: value for key, value in detail.items() if key not in ("start", "end")}
            for detail in details] == [{"filter": "ref", "sort": "charge", "page": 2}, {}]


# --- Query counts ------------------------------------------------------------------------------


def add_followed(referents: list[User], count: int) -> None:
    """`count` participants alike: entered 400 days ago, an overdue step, an interview, a CDI,
    an entry grid; spread over the référents, some 50+, some under 26, some RSA."""
    rsa = db.session.scalar(sa.select(EligibilityCriterion).where(
        EligibilityCriterion.code == "RSA"))
    for index in range(count):
        participant = factories.ParticipantFactory(
            referent=referents[index % len(referents)], sex="FMX"[index % 3],
            birth_date=date(1960 + index % 45, 1, 1))
        if index % 2:
            participant.criteria.append(rsa)
        record = pathway(participant, TODAY - timedelta(days=400))
        factories.StepFactory(pathway=record, actual_start=TODAY - timedelta(days=100),
                              planned_end=TODAY - timedelta(days=10))
        factories.InterviewFactory(pathway=record, held_on=TODAY - timedelta(days=5))
        cdi(record, TODAY - timedelta(days=200))
        factories.AssessmentFactory(pathway=record)
    db.session.commit()


def statements_for(client, url: str) -> int:
    """How many SQL statements one GET of the URL sends."""
    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def test_the_query_count_does_not_grow_with_the_data(frozen, client, supervisor, referent,
                                                     other_referent):
    """3 participants, then 30: the same number of statements on both pages."""
    urls = ["/supervision", "/supervision?annee=2025",
            "/supervision?q=martin&tri=alertes&page=2",
            f"/supervision/referents/{referent.id}"]
    add_followed([referent, other_referent], 3)
    sign_in(client, supervisor)
    for url in urls:
        client.get(url)  # warm-up: each page's first visit may refresh stale rows
    small = {url: statements_for(client, url) for url in urls}
    add_followed([referent, other_referent], 27)
    for url in urls:
        client.get(url)
    large = {url: statements_for(client, url) for url in urls}
    assert large == small
    print("statements per page:", small)
    # A fixed, small budget: session and user, parameters, the figures, the audit write.
    assert small["/supervision"] <= 20, small
