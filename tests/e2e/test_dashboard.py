"""The demo supervisor opens the dashboard, changes the period and opens one référent's view;
every page passes axe and is photographed."""

import re

from playwright.sync_api import Page, expect

from app.clock import paris_today
from app.demo import DEMO_PASSWORD


def test_supervisor_reads_the_dashboard(page: Page, check_page, console_errors, base_url):
    """Default 12 months → last year → one référent's figures and caseload."""
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill("superviseur@demo.jalons.fr")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(base_url + "/supervision")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision")
    expect(page.get_by_test_id("period-label")).to_contain_text("les 12 derniers mois")
    expect(page.get_by_test_id("referents-table").get_by_role("row")).not_to_have_count(0)
    expect(page.locator("svg[role=img]")).to_have_count(3)
    check_page(page, "tableau-de-bord-1-12-mois")

    last_year = paris_today().year - 1
    page.get_by_label("Année", exact=True).fill(str(last_year))
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(rf"/supervision\?annee={last_year}"))
    expect(page.get_by_test_id("period-label")).to_contain_text(f"l'année {last_year}")
    expect(page.get_by_label("Année", exact=True)).to_have_value(str(last_year))
    check_page(page, "tableau-de-bord-2-annee")

    # Printed, the page keeps its figures and drops the menu and the period form.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_hidden()
    expect(page.get_by_test_id("period-form")).to_be_hidden()
    expect(page.get_by_test_id("period-label")).to_be_visible()
    expect(page.get_by_test_id("exits-table")).to_be_visible()
    check_page(page, "tableau-de-bord-2b-impression")
    page.emulate_media(media="screen")

    page.goto(f"/supervision?du=30/02/{last_year}")
    expect(page.get_by_test_id("period-errors")).to_contain_text("n'est pas une date valide")
    check_page(page, "tableau-de-bord-3-erreur")

    page.goto(f"/supervision?annee={last_year}")
    first = page.get_by_test_id("referents-table").locator("tbody").get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(rf"/supervision/referents/\d+\?annee={last_year}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_test_id("period-label")).to_contain_text(f"l'année {last_year}")
    expect(page.get_by_test_id("caseload-count")).to_be_visible()
    check_page(page, "tableau-de-bord-4-referent")
