"""Counts of a large PLIE print the French way on the supervisor pages and the search page:
55 573, with a narrow no-break space (U+202F) between thousands.

Building 1 000+ pathways would be slow: the template fragments are rendered on hand-built
figures instead, and one real request checks that a year is left as it is.
"""

import re
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_login import login_user

from app.clock import paris_today
from app.participants.forms import SearchForm
from app.supervision.figures import (
    CohortFigures,
    Freshness,
    GroupFigures,
    Median,
    ReferentFigures,
    ReferentRow,
)
from app.supervision.referent_table import referent_table
from tests.helpers import sign_in

NNBSP = "\u202f"


def grouped(text: str) -> str:
    """The text with its numbers' thousands (written '55 573' here) grouped as printed."""
    return re.sub(r"(?<=\d) (?=\d{3}\b)", NNBSP, text)


@pytest.fixture
def rendering(app):
    """A request context, for url_for and request.args in the templates."""
    with app.test_request_context("/supervision"):
        yield


def test_freshness_up_to_date_groups_the_pathway_count(rendering):
    html = render_template("supervision/_freshness.html",
                           fresh=Freshness(date(2026, 3, 2), 55573, 0, date(2026, 3, 2)))
    assert grouped("les 55 573 parcours ont été évalués") in html
    assert "55573" not in html


def test_freshness_pending_groups_both_counts(rendering):
    html = render_template("supervision/_freshness.html",
                           fresh=Freshness(date(2026, 3, 2), 55573, 1204, date(2026, 2, 1)))
    assert grouped("Recalcul en attente pour 1 204 parcours sur 55 573") in html


def test_small_counts_are_unchanged(rendering):
    html = render_template("supervision/_freshness.html",
                           fresh=Freshness(date(2026, 3, 2), 999, 0, date(2026, 3, 2)))
    assert "les 999 parcours" in html


def row(user_id, name, **counts) -> ReferentRow:
    """A référent's row, every count 0 unless given."""
    values = {"caseload": 0, "ceiling": 70, "in_pathway": 0, "entries": 0, "exits": 0,
              "contacted": 0, "no_step": 0, "alerts": 0, "with_alerts": 0, **counts}
    return ReferentRow(user_id, name, "Structure", **values)


def test_referents_table_groups_the_totals(rendering):
    rows = [row(1, "MARTIN Claire", caseload=60, in_pathway=50, contacted=40, entries=30,
                exits=20, alerts=12, with_alerts=9)]
    total = row(None, "Ensemble des référent(e)s actifs", caseload=38000, ceiling=42000,
                in_pathway=31250, contacted=20001, no_step=1500, entries=12345, exits=10500,
                alerts=4321, with_alerts=2999)
    figures = ReferentFigures(rows, total, unassigned=400, with_inactive=20,
                              contact_days=30, default_ceiling=70)
    html = render_template(
        "supervision/_referents_table.html", referents=figures,
        table=referent_table(rows, {}, 1), period_args={}, form_url="/supervision",
        ceiling_labels={"ok": "OK", "near": "Proche", "over": "Dépassé"})
    assert grouped("38 420 participants suivis au total") in html
    assert "dont 400 sans référent(e)" in html
    footer = html[html.index('data-referent="total"'):]
    for figure in ("38 000", "42 000", "31 250", "20 001", "1 500", "12 345", "10 500",
                   "4 321", "(2 999)"):
        assert grouped(figure) in footer, figure
    body = html[html.index('data-referent="1"'):html.index('data-referent="total"')]
    assert ">60<" in body and ">50<" in body and "12 <span" in body


def test_cohort_groups_exits_entries_and_milestones(rendering):
    figures = GroupFigures(
        "TOTAL", "Ensemble", exits=2500, positive=1200, validated=1100, ready=1050,
        ended_early=3, entries=4000, cohort_exited=1800, cohort_positive=1001,
        cohort_validated=1000, barriers_identified=9000, barriers_lifted=4500, with_lifted=2100,
        distance_hundredths=150000, distance_count=1500, in_pathway=2200, no_step=1300,
        first_job=Median(1234, Decimal("45")), durable=Median(2, Decimal("200")),
        target=Decimal("45"))
    period = SimpleNamespace(label="année 2026", start=date(2026, 1, 1), end=date(2026, 12, 31))
    cohort = CohortFigures(period, Decimal("45"), figures,
                           [("EMPLOI", "Expérience professionnelle", 1750, Decimal("43.8"))])
    html = render_template("supervision/_cohort.html", cohort=cohort, charts={},
                           prefix="plie", scope="du PLIE")
    for figure in ('data-testid="kpi-exits">2 500<', "sorties positives (1 200)",
                   "validées (1 100)", "dont 1 050 prêtes à valider",
                   '<td class="text-end">4 000</td>', "sortis depuis leur entrée (1 800)",
                   "1 001 <span", "dont 1 000 validées", "4 500 sur 9 000",
                   "2 100 participants avec au moins un frein levé",
                   "encore en parcours (2 200)", "(sur 1 234)", "(sur 1 500)",
                   '<td class="text-end">1 750</td>'):
        assert grouped(figure) in html, figure
    assert "3 emplois terminés" in html
    assert "(sur 2)" in html
    assert "45 jours" in html


def test_alert_kinds_group_the_counts(rendering):
    html = render_template("supervision/_alerts.html", scope="tous les parcours du PLIE",
                           alerts=[("no_contact", "Sans entretien récent", 2048),
                                   ("no_step", "Sans étape", 12)])
    assert grouped(">2 048<") in html
    assert ">12<" in html


def test_search_page_groups_the_result_count(app, referent):
    with app.test_request_context("/participants?q=mar"):
        login_user(referent)
        page = SimpleNamespace(total=1234, items=[], pages=1, page=1, has_prev=False,
                               has_next=False)
        html = render_template("participants/index.html", form=SearchForm(q="mar"),
                               page=page, sort="nom")
    assert grouped("1 234 participants pour « mar »") in html


def test_search_page_keeps_the_singular(app, referent):
    with app.test_request_context("/participants"):
        login_user(referent)
        page = SimpleNamespace(total=1, items=[], pages=1, page=1, has_prev=False,
                               has_next=False)
        html = render_template("participants/index.html", form=SearchForm(), page=page,
                               sort="nom")
    assert "1 participant." in html


def test_dashboard_leaves_years_as_they_are(client, supervisor):
    sign_in(client, supervisor)
    html = client.get("/supervision").get_data(as_text=True)
    year = paris_today().year
    assert f"année {year}<" in html
    assert f"année {year - 1}<" in html
