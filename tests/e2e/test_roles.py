"""Each demo role logs in through the real form, lands on its home page, sees its menu, opens one
more page and logs out; every page visited passes axe and is photographed."""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD


@dataclass(frozen=True)
class RoleCase:
    """What one demo account should see."""

    name: str
    email: str
    home_path: str
    home_heading: str
    nav_links: tuple[str, ...]


ROLES = [
    RoleCase("referente", "referente@demo.jalons.fr", "/", "Mon portefeuille",
             ("Mon portefeuille", "Participants")),
    RoleCase("superviseur", "superviseur@demo.jalons.fr", "/supervision", "Supervision",
             ("Supervision", "Participants", "Journal d'audit", "Commissions",
              "Rapports FSE+")),
    RoleCase("admin", "admin@demo.jalons.fr", "/admin", "Administration",
             ("Administration", "Utilisateurs", "Structures", "Listes", "Règles")),
]
ALL_ROLE_LINKS = {"Mon portefeuille", "Participants", "Supervision", "Journal d'audit",
                  "Commissions", "Rapports FSE+", "Administration", "Utilisateurs", "Structures",
                  "Listes", "Règles"}


def main_menu(page: Page):
    """The role's links in the main navigation (not the account links on the right)."""
    return page.get_by_role("navigation", name="Navigation principale").locator(
        "#nav-principale ul.navbar-nav").first


def open_login(page: Page, check_page, shot: str) -> None:
    """Open the login page and check it."""
    page.goto("/login")
    expect(page).to_have_title(re.compile(r"^Connexion"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    check_page(page, shot)


def submit_login(page: Page, email: str, password: str) -> None:
    """Fill and post the login form the way a person would."""
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def open_extra_page(page: Page, role: RoleCase) -> None:
    """Open one more page typical of the role, from the page it landed on."""
    if role.name == "referente":
        first_file = page.get_by_role("table").get_by_role("link").first
        full_name = " ".join(first_file.inner_text().split())
        first_file.click()
        expect(page).to_have_url(re.compile(r"/participants/[^/]+$"))
        heading = page.get_by_role("heading", level=1)
        # The caseload shows "DUPONT Marie", the file "Marie DUPONT".
        last, first = full_name.split(" ", 1)
        expect(heading).to_have_text(f"{first} {last}")
        expect(page.get_by_role("heading", name="Informations personnelles")).to_be_visible()
        current = "Participants"
    elif role.name == "superviseur":
        main_menu(page).get_by_role("link", name="Journal d'audit").click()
        expect(page).to_have_url(re.compile(r"/supervision/audit"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
        # The login of this very test is already in the journal.
        own_login = (page.get_by_role("row").filter(has_text=role.email)
                     .filter(has_text="Connexion réussie"))
        expect(own_login.first).to_be_visible()
        current = "Journal d'audit"
    else:
        main_menu(page).get_by_role("link", name="Utilisateurs").click()
        expect(page).to_have_url(re.compile(r"/admin/users"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Utilisateurs")
        expect(page.get_by_role("table")).to_contain_text("referente@demo.jalons.fr")
        current = "Utilisateurs"
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text(current)


@pytest.mark.parametrize("role", ROLES, ids=[r.name for r in ROLES])
def test_role_logs_in_sees_its_pages_and_logs_out(page: Page, check_page, console_errors,
                                                  base_url, role: RoleCase):
    """Login form → role home with the role's menu → one more page → logout → login again."""
    open_login(page, check_page, f"{role.name}-1-connexion")

    submit_login(page, role.email, DEMO_PASSWORD)
    expect(page).to_have_url(base_url + role.home_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(role.home_heading)
    expect(page.get_by_role("status").first).to_contain_text("Bonjour")
    expect(page.get_by_test_id("current-user")).to_be_visible()

    menu = main_menu(page)
    expect(menu.get_by_role("link")).to_have_text(list(role.nav_links))
    expect(menu.get_by_role("link", name=role.nav_links[0])).to_have_attribute(
        "aria-current", "page")
    for absent in sorted(ALL_ROLE_LINKS - set(role.nav_links)):
        expect(page.get_by_role("link", name=absent, exact=True)).to_have_count(0)
    check_page(page, f"{role.name}-2-accueil")

    open_extra_page(page, role)
    check_page(page, f"{role.name}-3-page")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(base_url + "/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_role("status").first).to_contain_text("Vous êtes déconnecté(e).")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    check_page(page, f"{role.name}-4-deconnexion")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_role("status").first).to_have_text(
        "Connectez-vous pour accéder à cette page.")


def test_wrong_password_shows_french_error(page: Page, check_page, console_errors, base_url):
    """A wrong password keeps the visitor on the login page with a French message."""
    open_login(page, check_page, "erreur-1-connexion")

    submit_login(page, "referent2@demo.jalons.fr", "pas-le-bon-mot-de-passe")
    expect(page).to_have_url(base_url + "/login")
    error = page.get_by_test_id("login-error")
    expect(error).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    expect(error).to_have_attribute("role", "alert")
    expect(page.get_by_label("Adresse e-mail")).to_have_value("referent2@demo.jalons.fr")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    check_page(page, "erreur-2-mot-de-passe-incorrect")
