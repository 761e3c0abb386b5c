"""A supervisor holds an entry commission of three orientations, then reassigns a participant.

Three people were just oriented to the PLIE. The demo supervisor prepares a commission,
accepts one, refuses one and postpones one (with reasons), reads the minutes, then moves one
participant from Claire Martin to Thomas Garnier and finds the change on the file. axe passes
on every page visited.
"""

from datetime import timedelta

from playwright.sync_api import Page, expect

from app.clock import paris_today
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import Participant, Pathway, User
from app.text import search_key

SUPERVISOR = "superviseur@demo.jalons.fr"
NAMES = ("Commissionun", "Commissiondeux", "Commissiontrois")


def oriented(app, last_name: str) -> str:
    """A participant of Claire Martin's just oriented to the PLIE; their public id."""
    with app.app_context():
        referent = db.session.scalar(db.select(User).where(
            User.email == "referente@demo.jalons.fr"))
        participant = Participant(first_name="Inès", last_name=last_name, sex="F",
                                  referent=referent, name_key=search_key(f"{last_name} Inès"))
        participant.pathways.append(Pathway(orientation_date=paris_today() - timedelta(days=9),
                                            prescriber_kind="france_travail"))
        db.session.add(participant)
        db.session.commit()
        public_id = participant.public_id
        db.session.remove()
    return public_id


def user_id(app, last_name: str) -> int:
    """The id of a demo référent, by last name."""
    with app.app_context():
        found = db.session.scalar(db.select(User.id).where(User.last_name == last_name,
                                                           User.role == "referent"))
        db.session.remove()
    return found


def line(page: Page, last_name: str):
    """The commission line of one participant."""
    return page.get_by_test_id("pending-line").filter(has_text=last_name.upper())


def test_supervisor_holds_a_commission_and_reassigns(page: Page, live_server, check_page,
                                                     console_errors):
    ids = [oriented(live_server.app, name) for name in NAMES]
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(SUPERVISOR)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto("/supervision/commissions/preparer")
    check_page(page, "commission-1-preparer")
    page.get_by_label("Date de la commission").fill(paris_today().isoformat())
    page.get_by_label("Lieu").fill("Maison de l'emploi, salle 2")
    page.get_by_label("Membres présents (un par ligne)").fill(
        "Karim Benali, PLIE\nMme Durand, France Travail")
    decisions = (("Acceptée", ""), ("Refusée", "Projet de formation déjà financé ailleurs."),
                 ("Ajournée", "Attendre la fin du suivi santé."))
    for name, (decision, reason) in zip(NAMES, decisions, strict=True):
        row = line(page, name)
        row.get_by_label(f"Décision pour Inès {name}").select_option(label=decision)
        if reason:
            row.get_by_label(f"Motif pour Inès {name}").fill(reason)
    page.get_by_role("button", name="Enregistrer la commission et ses décisions").click()

    minutes = page.locator("main")
    for name in NAMES:
        expect(minutes).to_contain_text(name.upper())
    expect(minutes).to_contain_text("Projet de formation déjà financé ailleurs.")
    expect(minutes).to_contain_text("Mme Durand, France Travail")
    check_page(page, "commission-2-proces-verbal")

    page.goto(f"/participants/{ids[0]}")
    expect(page.get_by_test_id("pathway-status")).to_have_text(
        "Entrée acceptée, contrat à signer")

    page.goto(f"/supervision/reaffectation?referent={user_id(live_server.app, 'Martin')}")
    check_page(page, "reaffectation-1-portefeuille")
    page.get_by_label(f"{NAMES[0].upper()} Inès").check()
    target = page.get_by_label("Nouveau ou nouvelle référent(e)")
    target.select_option(value=str(user_id(live_server.app, "Garnier")))
    page.get_by_label("Motif de la réaffectation").fill("Rééquilibrage des portefeuilles.")
    page.get_by_role("button", name="Vérifier la réaffectation").click()
    check_page(page, "reaffectation-2-confirmation")
    page.get_by_role("button", name="Confirmer la réaffectation").click()

    page.goto(f"/participants/{ids[0]}")
    expect(page.get_by_test_id("file-header")).to_contain_text("Thomas Garnier")
