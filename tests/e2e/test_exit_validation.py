"""The demo supervisor sees a provisional exit reach its validation date and validates it.

Two people left the PLIE for a full-time CDI: one started six months ago today (the
validation date has come), the other five months ago (still provisional). The supervisor
sees the difference on each file, validates the first and finds it validated.
"""

from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

from app.clock import paris_today
from app.demo import DEMO_PASSWORD
from app.domain.dates import add_months
from app.extensions import db
from app.models import Employment, Participant, Pathway, User
from app.text import search_key

SUPERVISOR = "superviseur@demo.jalons.fr"


def exited_on_cdi(app, last_name: str, months_held: int) -> str:
    """A participant who left on a CDI started `months_held` months ago; their public id."""
    today = paris_today()
    start = add_months(today, -months_held)
    with app.app_context():
        referent = db.session.scalar(db.select(User).where(
            User.email == "referente@demo.jalons.fr"))
        participant = Participant(first_name="Nadia", last_name=last_name, sex="F",
                                  referent=referent, name_key=search_key(f"{last_name} Nadia"))
        entry = start - timedelta(days=300)
        pathway = Pathway(orientation_date=entry - timedelta(days=30), decision="accepted",
                          decision_date=entry - timedelta(days=10), entry_date=entry,
                          contract_signed_on=entry)
        participant.pathways.append(pathway)
        job = Employment(employer="Transports Girard", contract_type="CDI", start_date=start,
                         weekly_hours=Decimal(35), job_title="Agente de quai")
        pathway.employments.append(job)
        db.session.add(participant)
        db.session.flush()
        pathway.exit_date = start + timedelta(days=3)
        pathway.exit_category = "emploi_durable"
        pathway.exit_employment_id = job.id
        db.session.commit()
        public_id = participant.public_id
        db.session.remove()
    return public_id


def test_supervisor_validates_an_exit_on_its_validation_date(page: Page, live_server,
                                                            check_page, console_errors):
    ready = exited_on_cdi(live_server.app, "Validationdue", 6)
    waiting = exited_on_cdi(live_server.app, "Encoursdesuivi", 5)
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(SUPERVISOR)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"/participants/{waiting}")
    progress = page.get_by_test_id("progress-section")
    expect(progress.get_by_test_id("exit-check")).to_contain_text("Sortie provisoire")
    expect(progress.get_by_role("link", name="Valider la sortie positive")).to_have_count(0)
    check_page(page, "validation-sortie-provisoire")

    page.goto(f"/participants/{ready}")
    progress = page.get_by_test_id("progress-section")
    expect(progress.get_by_test_id("exit-check")).to_contain_text("Sortie à valider")
    expect(progress.locator('[data-kind="validation_due"]')).to_contain_text(
        "échéance aujourd'hui")
    check_page(page, "validation-sortie-a-valider")
    progress.get_by_test_id("exit-check").get_by_role(
        "link", name="Valider la sortie positive").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valider la sortie positive")
    expect(page.get_by_test_id("exit-evidence")).to_contain_text("Transports Girard")
    check_page(page, "validation-sortie-confirmation")
    page.get_by_role("button", name="Valider la sortie positive").click()

    expect(page.get_by_text("La sortie positive est validée.")).to_be_visible()
    progress = page.get_by_test_id("progress-section")
    expect(progress.get_by_test_id("exit-check")).to_contain_text("Sortie positive validée")
    expect(progress.get_by_test_id("exit-check")).to_contain_text("Karim")
    expect(progress.locator('[data-kind="validation_due"]')).to_have_count(0)
    expect(progress.locator('[data-code="consolide"]')).to_contain_text("atteint le")
    check_page(page, "validation-sortie-validee")
