"""A référente follows one person through the PLIE in the browser, with the real forms.

New participant → orientation → entry decision, engagement contract and entry → two steps → an
interview with its next appointment → a contract; then the file shows it all, timeline
included. Every page visited passes axe (no serious or critical violation) and is
photographed; fields are found by their exact labels, which proves they are labelled.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect

from app.clock import paris_today
from app.demo import DEMO_PASSWORD

EMAIL = "referente@demo.jalons.fr"
LAST_NAME = "Parcoursvérif"
FIRST_NAME = "Océane"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME.upper()}"
FILE_URL = re.compile(r"/participants/[A-Za-z0-9_-]+(#[a-z]+)?$")
ACC_LABEL = "Accueil, diagnostic socio-professionnel"
PMSMP_LABEL = "Immersion en entreprise (PMSMP)"
EMPLOYER = "Boulangerie Martin"
CONTRACT = f"CDD — {EMPLOYER}"


@dataclass(frozen=True)
class Calendar:
    """The dates of the story, relative to today in Paris."""

    today: date

    @property
    def oriented(self) -> date:
        return self.today - timedelta(days=40)

    @property
    def decided(self) -> date:
        return self.today - timedelta(days=33)

    @property
    def entered(self) -> date:
        return self.today - timedelta(days=30)

    @property
    def diagnosis_end(self) -> date:
        return self.entered + timedelta(days=7)

    @property
    def immersion_start(self) -> date:
        return self.today - timedelta(days=10)

    @property
    def immersion_end(self) -> date:
        # A PMSMP lasts one month at most.
        return self.immersion_start + timedelta(days=20)

    @property
    def interviewed(self) -> date:
        return self.today - timedelta(days=3)

    @property
    def next_appointment(self) -> date:
        return self.today + timedelta(days=18)

    @property
    def job_start(self) -> date:
        return self.today - timedelta(days=2)

    @property
    def job_planned_end(self) -> date:
        return self.job_start + timedelta(days=90)


def fr(day: date, style: str = "d MMMM y") -> str:
    """A date as the pages write it (22 novembre 2026)."""
    return format_date(day, style, locale="fr_FR")


def numeric(day: date) -> str:
    """A date as the steps table writes it (22/11/2026)."""
    return day.strftime("%d/%m/%Y")


def iso(day: date) -> str:
    """A date as <input type=date> takes it."""
    return day.isoformat()


def field(page: Page, label: str) -> Locator:
    """The form control labelled exactly so (fails unless <label for> points at it)."""
    return page.get_by_label(label, exact=True)


def open_form(page: Page, check_page, link: str, heading: str, shot: str) -> None:
    """Follow a link of the file to a form, and check the form page."""
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("navigation", name="Fil d'Ariane")).to_contain_text(FULL_NAME)
    check_page(page, shot)


def save(page: Page, check_page, shot: str, message: str) -> None:
    """Post the form; land back on the file with the success message; check the file."""
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(FILE_URL)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=message)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    check_page(page, shot)


def log_in(page: Page, check_page) -> None:
    """The demo référente logs in through the form."""
    page.goto("/login")
    check_page(page, "parcours-01-connexion")
    field(page, "Adresse e-mail").fill(EMAIL)
    field(page, "Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon portefeuille")


def create_participant(page: Page, check_page, when: Calendar) -> None:
    """Participants → Nouveau participant → the identity form → the new, empty file."""
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants")
    check_page(page, "parcours-02-participants")

    page.get_by_role("link", name="Nouveau participant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau participant")
    check_page(page, "parcours-03-nouveau-participant")
    field(page, "Nom").fill(LAST_NAME)
    field(page, "Prénom").fill(FIRST_NAME)
    field(page, "Sexe").select_option(label="Femme")
    field(page, "Date de naissance").fill(iso(date(when.today.year - 38, 3, 14)))
    field(page, "Code postal").fill("37000")
    field(page, "Commune").fill("Tours")
    field(page, "Situation sur le marché du travail à l'entrée").select_option(
        label="Demandeur d'emploi / sans emploi")
    field(page, "Sans emploi depuis le").fill(iso(when.today - timedelta(days=500)))
    field(page, "Bénéficiaire du RSA").check()
    field(page, "Demandeur d'emploi de longue durée (12 à 24 mois)").check()
    # The new file is assigned to the référente who creates it.
    expect(field(page, "Référent(e) de parcours").locator("option:checked")).to_have_text(
        "Claire Martin")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page).to_have_url(FILE_URL)
    expect(page.get_by_role("status").filter(has_text="est créé")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    infos = page.locator("#infos")
    # No street given: the postcode and city show, without a "—" for the missing street.
    expect(infos.locator("dt:has-text('Adresse') + dd")).to_have_text("37000 Tours")
    expect(infos).to_contain_text("Bénéficiaire du RSA")
    expect(infos).to_contain_text("Demandeur d'emploi de longue durée")
    expect(page.locator("#parcours")).to_contain_text("Aucun parcours n'est encore enregistré")
    check_page(page, "parcours-04-dossier-cree")


def record_orientation(page: Page, check_page, when: Calendar) -> None:
    """The orientation received from France Travail opens a pathway awaiting decision."""
    open_form(page, check_page, "Enregistrer une orientation", "Nouvelle orientation",
              "parcours-05-orientation")
    field(page, "Date d'orientation").fill(iso(when.oriented))
    field(page, "Prescripteur").select_option(label="France Travail")
    field(page, "Nom du prescripteur (structure, conseiller)").fill("Agence de Tours Nord")
    field(page, "Motif de l'orientation").fill("Recherche d'un emploi dans la vente.")
    save(page, check_page, "parcours-06-dossier-oriente", "L'orientation est enregistrée")
    expect(page.get_by_test_id("pathway-status")).to_have_text("Orientation reçue")
    expect(page.get_by_test_id("entry-facts")).to_contain_text(
        f"{fr(when.oriented)} — France Travail (Agence de Tours Nord)")


def record_entry(page: Page, check_page, when: Calendar) -> None:
    """The commission accepts, the engagement contract is signed, the person enters."""
    open_form(page, check_page, "Décision et entrée", "Entrée dans le parcours",
              "parcours-07-entree")
    expect(field(page, "Date d'orientation")).to_have_value(iso(when.oriented))
    field(page, "Décision d'entrée").select_option(label="Acceptée")
    field(page, "Date de la décision").fill(iso(when.decided))
    field(page, "Contrat d'engagement signé le").fill(iso(when.entered))
    field(page, "Date d'entrée dans le parcours").fill(iso(when.entered))
    save(page, check_page, "parcours-08-dossier-entre",
         "L'entrée dans le parcours est enregistrée")
    expect(page.get_by_test_id("pathway-status")).to_have_text("En parcours")
    facts = page.get_by_test_id("entry-facts")
    expect(facts).to_contain_text(f"Acceptée le {fr(when.decided)}")
    expect(facts).to_contain_text(f"signé le {fr(when.entered)}")


def add_steps(page: Page, check_page, when: Calendar) -> None:
    """The diagnosis done in the first week, then an immersion under way."""
    open_form(page, check_page, "Ajouter une étape", "Nouvelle étape", "parcours-09-etape-acc")
    field(page, "Type d'étape").select_option(label=ACC_LABEL)
    field(page, "Statut").select_option(label="Réalisée")
    field(page, "Début réel").fill(iso(when.entered))
    field(page, "Fin réelle").fill(iso(when.diagnosis_end))
    field(page, "Prestataire / organisme (structure ou texte libre)").fill("PLIE Touraine")
    field(page, "Thèmes abordés lors du diagnostic").fill("Mobilité, garde d'enfants, CV.")
    save(page, check_page, "parcours-10-dossier-etape-acc",
         f"L'étape « {ACC_LABEL} » est ajoutée")

    open_form(page, check_page, "Ajouter une étape", "Nouvelle étape",
              "parcours-11-etape-pmsmp")
    field(page, "Type d'étape").select_option(label=PMSMP_LABEL)
    field(page, "Statut").select_option(label="En cours")
    field(page, "Début prévu").fill(iso(when.immersion_start))
    field(page, "Fin prévue").fill(iso(when.immersion_end))
    field(page, "Début réel").fill(iso(when.immersion_start))
    field(page, "Entreprise d'accueil").fill(EMPLOYER)
    field(page, "Objectif de l'immersion (un seul)").select_option(
        label="Confirmer un projet professionnel")
    save(page, check_page, "parcours-12-dossier-etape-pmsmp",
         f"L'étape « {PMSMP_LABEL} » est ajoutée")


def log_interview(page: Page, check_page, when: Calendar) -> None:
    """An interview held a few days ago, and the next appointment agreed at its end."""
    open_form(page, check_page, "Ajouter un entretien", "Nouvel entretien",
              "parcours-13-entretien")
    expect(page.get_by_test_id("note-reminder")).to_be_visible()
    expect(field(page, "Date de l'entretien")).to_have_value(iso(when.today))
    field(page, "Date de l'entretien").fill(iso(when.interviewed))
    field(page, "Heure de début").fill("09:30")
    field(page, "Heure de fin").fill("10:15")
    field(page, "Modalité").select_option(label="Présentiel")
    field(page, "Type d'entretien").select_option(label="Suivi")
    field(page, "Thèmes abordés").fill("Immersion, recherche d'emploi")
    field(page, "Compte rendu").fill("Premier bilan de l'immersion : horaires tenus, "
                                     "tuteur satisfait.")
    field(page, "Date du prochain rendez-vous").fill(iso(when.next_appointment))
    field(page, "Heure du prochain rendez-vous").fill("14:00")
    field(page, "Objet du prochain rendez-vous").fill("Bilan de fin d'immersion")
    save(page, check_page, "parcours-14-dossier-entretien", "L'entretien est enregistré")


def record_contract(page: Page, check_page, when: Calendar) -> None:
    """A fixed-term part-time contract with the immersion's host company."""
    open_form(page, check_page, "Ajouter un contrat", "Nouveau contrat", "parcours-15-contrat")
    field(page, "Type de contrat").select_option(label="CDD")
    field(page, "Employeur (ou agence d'intérim)").fill(EMPLOYER)
    field(page, "Poste occupé").fill("Vendeuse en boulangerie")
    field(page, "Date de début").fill(iso(when.job_start))
    field(page, "Date de fin prévue").fill(iso(when.job_planned_end))
    # Typed the French way, as the help text suggests: the comma must survive.
    hours = field(page, "Durée hebdomadaire (heures)")
    expect(hours).to_have_attribute("inputmode", "decimal")
    hours.press_sequentially("24,5")
    expect(hours).to_have_value("24,5")
    save(page, check_page, "parcours-16-dossier-contrat", f"« {CONTRACT} »")


def check_header(page: Page, when: Calendar) -> None:
    """Status, days in the pathway, next appointment and last interview at the top."""
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    expect(page.get_by_test_id("pathway-status")).to_have_text("En parcours")
    expect(page.get_by_test_id("file-header")).to_contain_text(
        f"{(when.today - when.entered).days} jours de parcours")
    expect(page.get_by_test_id("next-appointment")).to_have_text(
        f"{fr(when.next_appointment, 'EEEE d MMMM y')} à 14:00")
    expect(page.get_by_text(f"Dernier entretien : {fr(when.interviewed)}")).to_be_visible()


def check_sections(page: Page, when: Calendar) -> None:
    """Both steps, the interview and its appointment, and the contract."""
    steps = page.get_by_test_id("steps-table").get_by_test_id("step-row")
    expect(steps).to_have_count(2)
    diagnosis, immersion = steps.nth(0), steps.nth(1)
    expect(diagnosis.get_by_role("rowheader")).to_have_text(ACC_LABEL)
    expect(diagnosis).to_contain_text("Réalisée")
    expect(diagnosis).to_contain_text(
        f"{numeric(when.entered)} → {numeric(when.diagnosis_end)}")
    expect(diagnosis).to_contain_text("Thèmes : Mobilité, garde d'enfants, CV.")
    expect(immersion.get_by_role("rowheader")).to_have_text(PMSMP_LABEL)
    expect(immersion).to_contain_text("En cours")
    expect(immersion).to_contain_text(f"depuis le {numeric(when.immersion_start)}")
    expect(immersion).to_contain_text(
        f"prévu {numeric(when.immersion_start)} → {numeric(when.immersion_end)}")
    expect(immersion).to_contain_text(f"Entreprise : {EMPLOYER}")
    expect(immersion).to_contain_text("Objectif : Confirmer un projet professionnel")

    interviews = page.get_by_test_id("interviews").get_by_role("listitem")
    expect(interviews).to_have_count(1)
    expect(interviews.first.get_by_role("heading")).to_have_text(
        f"Entretien du {fr(when.interviewed)} · 09:30–10:15 (45 min)")
    expect(interviews.first).to_contain_text("Présentiel · Suivi · par Claire Martin")
    expect(interviews.first.get_by_test_id("interview-note")).to_have_text(
        "Premier bilan de l'immersion : horaires tenus, tuteur satisfait.")
    planned = page.get_by_test_id("appointments").locator("tbody").get_by_role("row")
    expect(planned).to_have_count(1)
    expect(planned.first).to_contain_text(fr(when.next_appointment, "EEEE d MMMM y"))
    expect(planned.first).to_contain_text("Bilan de fin d'immersion")

    jobs = page.get_by_test_id("employment-row")
    expect(jobs).to_have_count(1)
    expect(jobs.first.get_by_role("rowheader")).to_contain_text("CDD")
    expect(jobs.first).to_contain_text("en cours")
    expect(jobs.first).to_contain_text(EMPLOYER)
    expect(jobs.first).to_contain_text(
        f"du {fr(when.job_start)} au {fr(when.job_planned_end)}")
    expect(jobs.first).to_contain_text("24,5 h")


def check_timeline(page: Page, when: Calendar) -> None:
    """A bar per step and contract, a point for the interview, each with its tooltip."""
    timeline = page.get_by_test_id("timeline").locator("svg")
    expect(timeline).to_have_attribute("role", "img")
    expect(timeline.locator("title").first).to_have_text("Frise du parcours")
    tooltips = timeline.locator("rect > title, circle > title")
    expect(tooltips).to_have_count(4)
    assert sorted(tooltips.all_text_contents()) == sorted([
        ACC_LABEL, PMSMP_LABEL, CONTRACT, f"Entretien (Suivi) du {numeric(when.interviewed)}",
    ])

    def bar(label: str) -> Locator:
        return timeline.locator("rect", has=page.locator("title", has_text=label))

    for label in (ACC_LABEL, PMSMP_LABEL, CONTRACT):
        expect(bar(label)).to_have_count(1)
    expect(timeline.locator("circle")).to_have_count(1)
    # The immersion under way is a translucent bar: its label is dark, to stay readable.
    expect(bar(PMSMP_LABEL)).to_have_attribute("fill-opacity", "0.6")
    expect(bar(PMSMP_LABEL).locator("xpath=following-sibling::*[1][name()='text']")).to_have_css(
        "fill", "rgb(33, 37, 41)")


def test_referente_follows_a_new_participant_through_the_pathway(page: Page, check_page,
                                                                 console_errors):
    """From a blank file to a pathway with steps, an interview and a contract."""
    when = Calendar(paris_today())
    log_in(page, check_page)
    create_participant(page, check_page, when)
    record_orientation(page, check_page, when)
    record_entry(page, check_page, when)
    add_steps(page, check_page, when)
    log_interview(page, check_page, when)
    record_contract(page, check_page, when)

    page.goto(page.url.split("#")[0])
    check_header(page, when)
    check_sections(page, when)
    check_timeline(page, when)
    check_page(page, "parcours-final")
