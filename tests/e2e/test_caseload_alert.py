"""The demo référente clears a "no interview for 30 days" alert from her home page.

She opens "Mon portefeuille", narrows it to a person with that alert, follows the alert's
action ("Saisir un entretien"), records the interview, comes back home: the alert is gone and
the last contact is today. Every page visited passes axe and is photographed.
"""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from app.caseload.queries import CaseloadFilters, caseload_page, refresh_caseload
from app.clock import paris_today
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import Interview, Participant, Pathway, Step, User
from app.text import search_key

EMAIL = "referente@demo.jalons.fr"
ALERT = "Aucun entretien depuis plus de 30 jours"
FILE_URL = re.compile(r"/participants/[A-Za-z0-9_-]+(#[a-z]+)?$")


def silent_participant(app) -> tuple[str, str]:
    """(last name, first name) of a person of hers with the alert; one is created if the demo
    data has none today."""
    today = paris_today()
    with app.test_request_context():
        referent = db.session.scalar(db.select(User).where(User.email == EMAIL))
        refresh_caseload(referent.id, today)
        db.session.commit()
        page = caseload_page(referent.id, CaseloadFilters(with_alerts=True), today, 1)
        found = next((row for row in page.items
                      if any(alert.kind == "no_contact" for alert in row.alerts)), None)
        if found is not None:
            names = (found.last_name, found.first_name)
        else:
            names = ("Sansnouvelles", "Jeanne")
            participant = Participant(first_name=names[1], last_name=names[0], sex="F",
                                      referent=referent,
                                      name_key=search_key(f"{names[0]} {names[1]}"))
            entry = today - timedelta(days=200)
            pathway = Pathway(orientation_date=entry - timedelta(days=30), decision="accepted",
                              decision_date=entry - timedelta(days=10), entry_date=entry,
                              contract_signed_on=entry)
            participant.pathways.append(pathway)
            pathway.interviews.append(Interview(held_on=today - timedelta(days=60),
                                                kind="suivi", author=referent))
            pathway.steps.append(Step(type_code="REMOB", status="en_cours",
                                      actual_start=today - timedelta(days=20),
                                      planned_end=today + timedelta(days=40)))
            db.session.add(participant)
            db.session.commit()
        db.session.remove()
    return names


def filter_by_name(page: Page, text: str, with_alerts: bool) -> None:
    """Narrow the caseload with its filter form."""
    form = page.get_by_test_id("caseload-filters")
    form.get_by_label("Nom ou prénom").fill(text)
    alerts = form.get_by_label("Avec alertes")
    if with_alerts:
        alerts.check()
    else:
        alerts.uncheck()
    form.get_by_role("button", name="Filtrer").click()


def test_referente_clears_a_contact_alert_from_her_home(page: Page, live_server, check_page,
                                                        console_errors):
    last_name, first_name = silent_participant(live_server.app)
    shown_name = f"{last_name.upper()} {first_name}"

    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon portefeuille")
    expect(page.get_by_test_id("caseload-count")).to_contain_text("participant")
    check_page(page, "portefeuille-01-accueil")

    filter_by_name(page, f"{last_name} {first_name}", with_alerts=True)
    expect(page).to_have_url(re.compile(r"alertes=1"))
    row = page.get_by_test_id("caseload-row").filter(
        has=page.get_by_role("link", name=shown_name, exact=True))
    expect(row).to_have_count(1)
    alert = row.locator('[data-kind="no_contact"]')
    expect(alert).to_contain_text(ALERT)
    check_page(page, "portefeuille-02-filtre-alerte")

    alert.get_by_role("link", name="Saisir un entretien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel entretien")
    check_page(page, "portefeuille-03-entretien")
    today = paris_today()
    expect(page.get_by_label("Date de l'entretien", exact=True)).to_have_value(today.isoformat())
    page.get_by_label("Heure de début", exact=True).fill("09:00")
    page.get_by_label("Heure de fin", exact=True).fill("09:40")
    page.get_by_label("Modalité", exact=True).select_option(label="Téléphone")
    page.get_by_label("Type d'entretien", exact=True).select_option(label="Suivi")
    page.get_by_label("Thèmes abordés", exact=True).fill("Reprise de contact")
    page.get_by_label("Compte rendu", exact=True).fill("Point téléphonique après un mois "
                                                      "sans nouvelles.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(FILE_URL)
    expect(page.get_by_role("status").filter(has_text="L'entretien est enregistré")
           ).to_be_visible()
    check_page(page, "portefeuille-04-dossier")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mon portefeuille").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon portefeuille")
    filter_by_name(page, f"{last_name} {first_name}", with_alerts=False)
    row = page.get_by_test_id("caseload-row").filter(
        has=page.get_by_role("link", name=shown_name, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator('[data-kind="no_contact"]')).to_have_count(0)
    expect(row).not_to_contain_text(ALERT)
    expect(row.get_by_test_id("caseload-contact")).to_contain_text("aujourd'hui")
    check_page(page, "portefeuille-05-alerte-levee")
