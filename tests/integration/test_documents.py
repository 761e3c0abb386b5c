"""PDF documents: content, what must never be printed, hostile text, pagination, permissions,
audit, headers, the admin settings, bulk printing and the supervisors' documents."""

import base64
import io
import json
import os
import re
import urllib.request
from datetime import date, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from app.clock import paris_today
from app.extensions import db
from app.models import (
    AuditEvent,
    CommissionDecision,
    Interview,
    PlieSetting,
    Step,
)
from app.pdf import fetcher as fetcher_module
from tests import factories
from tests.helpers import sign_in

pytestmark = pytest.mark.usefixtures("fresh_request_globals")

ENTRY = date(2026, 3, 12)
HEALTH_SITUATION = "Dépression sévère suivie au CMP de Tours"
NOTE = "Note confidentielle : difficultés conjugales"


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, lines joined by a space (none after a line ending in "-")."""
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        text = ""
        for line in (page.extract_text() or "").splitlines():
            line = " ".join(line.split())
            text += line if not text or text.endswith("-") else " " + line
        pages.append(text)
    return pages


def whole(data: bytes) -> str:
    """All the pages' text as one string."""
    return " ".join(pdf_text(data))


@pytest.fixture
def record(participant, referent):
    """Hélène Dupré's pathway: an earlier exit, then steps, barriers (one about health),
    a contract, interviews with notes and agreed actions, and an appointment to come."""
    today = paris_today()
    earlier = factories.PathwayFactory(
        participant=participant, orientation_date=date(2023, 1, 5), decision="accepted",
        decision_date=date(2023, 1, 20), contract_signed_on=date(2023, 2, 1),
        entry_date=date(2023, 2, 1), exit_date=date(2024, 6, 30), exit_category="demenagement")
    pathway = factories.PathwayFactory(
        participant=participant, orientation_date=date(2026, 2, 2),
        decision_date=date(2026, 2, 20), contract_signed_on=ENTRY, entry_date=ENTRY)
    factories.StepFactory(pathway=pathway, type_code="ACC", status="realisee",
                          actual_start=date(2026, 3, 13), actual_end=date(2026, 4, 10),
                          provider="Maison de l'emploi")
    factories.StepFactory(pathway=pathway, type_code="REMOB", status="en_cours",
                          actual_start=date(2026, 5, 4), planned_end=today + timedelta(days=60),
                          provider="Chantier école La Passerelle")
    factories.BarrierFactory(pathway=pathway, theme="sante", situation=HEALTH_SITUATION,
                             severity=3, identified_on=ENTRY)
    factories.BarrierFactory(pathway=pathway, theme="mobilite",
                             situation="Pas de permis, bus rare le soir",
                             identified_on=ENTRY, lifted_on=date(2026, 6, 1), severity=0)
    factories.EmploymentFactory(pathway=pathway, employer="Boulangerie Martin",
                                contract_type="CDD", start_date=today - timedelta(days=20),
                                planned_end=today + timedelta(days=100), job_title="Vendeuse")
    factories.InterviewFactory(pathway=pathway, held_on=date(2026, 3, 12), note=NOTE,
                               topics="Diagnostic initial", kind="diagnostic",
                               next_actions="Ancienne action", author=referent)
    latest = factories.InterviewFactory(
        pathway=pathway, held_on=today - timedelta(days=3), note=NOTE, author=referent,
        topics="Point candidatures", next_actions="Envoyer trois candidatures\nAppeler la "
        "mission locale")
    factories.AppointmentFactory(pathway=pathway, scheduled_on=today + timedelta(days=9),
                                 scheduled_time=time(14, 30), purpose="Préparer l'entretien")
    other = factories.ParticipantFactory(referent=referent, first_name="Zébulon",
                                         last_name="Autrenom")
    factories.PathwayFactory(participant=other)
    return {"pathway": pathway, "earlier": earlier, "interview": latest, "other": other}


def summary_url(participant, query=""):
    return f"/participants/{participant.public_id}/summary.pdf{query}"


def get_pdf(client, url, keep_as=""):
    """GET a PDF route; with PDF_DUMP_DIR set, keep the file to look at it (pdftoppm -png)."""
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    if keep_as and os.environ.get("PDF_DUMP_DIR"):
        Path(os.environ["PDF_DUMP_DIR"], f"{keep_as}.pdf").write_bytes(response.data)
    return response


# --- Content ---------------------------------------------------------------------------------

def test_summary_says_what_it_must_and_nothing_it_must_not(client, referent, participant,
                                                           record):
    sign_in(client, referent)
    response = get_pdf(client, summary_url(participant), "summary")
    pages = pdf_text(response.data)
    text = " ".join(pages)
    assert "Hélène DUPRÉ" in text
    assert "12 mars 2026" in text  # entry date, in French
    assert "Claire Martin" in text and "referente@exemple.fr" in text
    assert "Accueil, diagnostic socio-professionnel" in text  # a step
    assert "Remobilisation" in text
    assert "Entrée validée" in text  # a milestone reached
    assert "Santé" in text and "Mobilité" in text  # barrier themes only
    assert "CDD — Vendeuse chez Boulangerie Martin" in text
    assert "Envoyer trois candidatures" in text and "Appeler la mission locale" in text
    assert "Préparer l'entretien" in text
    assert "Fonds social européen plus" in text
    assert f"Page 1 sur {len(pages)}" in text
    assert f"Édité le {paris_today().day} " in text
    # Never printed: the health situation, any barrier's situation, notes, other people.
    assert HEALTH_SITUATION not in text and "CMP" not in text
    assert "Pas de permis" not in text
    assert "confidentielle" not in text
    assert "Ancienne action" not in text
    assert "Zébulon" not in text and "Autrenom" not in text


def test_summary_sections_can_be_left_out(client, referent, participant, record):
    sign_in(client, referent)
    form = client.get(f"/participants/{participant.public_id}/summary")
    assert form.status_code == 200 and "Documents à imprimer" in form.text
    assert f"entretiens/{record['interview'].public_id}/emargement.pdf" in form.text
    assert "attestation-sortie.pdf" in form.text
    query = "?choix=1&sections=etapes&sections=signatures"
    text = whole(get_pdf(client, summary_url(participant, query)).data)
    assert "Remobilisation" in text and "Signatures" in text
    assert "Votre référent(e)" not in text and "Santé" not in text
    assert "Envoyer trois candidatures" not in text
    assert "Hélène DUPRÉ" in text and "12 mars 2026" in text  # always there
    none = whole(get_pdf(client, summary_url(participant, "?choix=1")).data)
    assert "Remobilisation" not in none and "Hélène DUPRÉ" in none


def test_participant_page_links_to_the_summary(client, referent, participant, record):
    sign_in(client, referent)
    page = client.get(f"/participants/{participant.public_id}")
    assert f"/participants/{participant.public_id}/summary" in page.text
    assert "Imprimer la synthèse" in page.text


def test_interview_sign_in_sheet(client, referent, participant, record):
    sign_in(client, referent)
    interview = record["interview"]
    url = (f"/participants/{participant.public_id}/entretiens/{interview.public_id}"
           "/emargement.pdf")
    text = whole(get_pdf(client, url).data)
    held = interview.held_on
    assert "Feuille d'émargement" in text and "Hélène DUPRÉ" in text and "Claire Martin" in text
    assert "de 9 h 30 à 10 h 15" in text and "45 min" in text
    assert "Présentiel" in text and "Point candidatures" in text
    assert str(held.year) in text
    assert "confidentielle" not in text
    missing = client.get(f"/participants/{participant.public_id}/entretiens/inexistant"
                         "/emargement.pdf")
    assert missing.status_code == 404
    foreign = factories.InterviewFactory()
    assert client.get(f"/participants/{participant.public_id}/entretiens/"
                      f"{foreign.public_id}/emargement.pdf").status_code == 404


def test_monthly_sign_in_sheet(client, referent, participant, record):
    sign_in(client, referent)
    pathway = record["pathway"]
    for day, start in ((3, time(9, 0)), (17, time(14, 0))):
        db.session.add(Interview(pathway=pathway, held_on=date(2026, 11, day), start_time=start,
                                 end_time=time(start.hour + 1, 0), topics=f"Suivi du {day}",
                                 note=NOTE, author_id=referent.id))
    db.session.add(Interview(pathway=pathway, held_on=date(2026, 10, 31), topics="Octobre"))
    db.session.commit()
    url = f"/participants/{participant.public_id}/emargement.pdf?mois=2026-11"
    response = get_pdf(client, url)
    text = whole(response.data)
    assert "novembre 2026" in text
    assert "Suivi du 3" in text and "Suivi du 17" in text and "Octobre" not in text
    assert "confidentielle" not in text
    assert "novembre%202026.pdf" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("value", ["2026-13", "2026-1", "novembre", "2026-11-01", "0000-01",
                                   "<script>"])
def test_monthly_sheet_refuses_a_bad_month_in_french(client, referent, participant, value):
    sign_in(client, referent)
    response = client.get(f"/participants/{participant.public_id}/emargement.pdf",
                          query_string={"mois": value})
    assert response.status_code == 400
    assert "Mois non reconnu" in response.text
    assert "<script>" not in response.text


def test_attestations(client, referent, participant, record):
    sign_in(client, referent)
    base = f"/participants/{participant.public_id}"
    entry = whole(get_pdf(client, f"{base}/attestation-entree.pdf").data)
    assert "Attestation d'entrée" in entry and "Madame Hélène DUPRÉ" in entry
    assert "14 mars 1985" in entry and "12 mars 2026" in entry
    exit_ = whole(get_pdf(client, f"{base}/attestation-sortie.pdf").data)
    assert "30 juin 2024" in exit_ and "Déménagement" in exit_
    assert "1er février 2023" in exit_


def test_attestations_404_without_entry_or_exit(client, referent):
    newcomer = factories.ParticipantFactory(referent=referent)
    factories.PathwayFactory(participant=newcomer, decision="", decision_date=None,
                             contract_signed_on=None, entry_date=None)
    sign_in(client, referent)
    base = f"/participants/{newcomer.public_id}"
    assert client.get(f"{base}/attestation-entree.pdf").status_code == 404
    assert client.get(f"{base}/attestation-sortie.pdf").status_code == 404
    # Its summary still prints, for someone only oriented.
    assert "Hélène" not in whole(get_pdf(client, f"{base}/summary.pdf").data)


def test_health_exit_reason_is_not_named(client, referent, participant):
    factories.PathwayFactory(participant=participant, exit_date=paris_today(),
                             exit_category="sante")
    sign_in(client, referent)
    text = whole(get_pdf(client, f"/participants/{participant.public_id}"
                                 "/attestation-sortie.pdf").data)
    assert "Santé" not in text and "Autre motif" in text


# --- Hostile text ----------------------------------------------------------------------------

HOSTILE = {
    "img": "<img src=http://127.0.0.1:1/x>",
    "script": "<script>alert(1)</script>",
    "file": "file:///etc/passwd",
    "link": '<link rel="stylesheet" href="http://127.0.0.1:1/evil.css">',
    "word": "Anticonstitutionnellement" * 7,  # 175 letters: still fits a 200-character column
}


@pytest.fixture
def recorded_fetches(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, and a guard against any urllib opening."""
    asked, opened = [], []
    real_fetch = fetcher_module.StaticOnlyFetcher.fetch

    def fetch(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    def refuse(self, url, *args, **kwargs):
        opened.append(url)
        raise AssertionError("urllib used")

    monkeypatch.setattr(fetcher_module.StaticOnlyFetcher, "fetch", fetch)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return asked, opened


def test_hostile_text_is_printed_as_text_and_fetches_nothing(client, referent,
                                                             recorded_fetches):
    person = factories.ParticipantFactory(referent=referent, first_name=HOSTILE["script"],
                                          last_name=HOSTILE["img"])
    pathway = factories.PathwayFactory(participant=person)
    factories.StepFactory(pathway=pathway, provider=HOSTILE["word"] + " " + HOSTILE["file"])
    factories.EmploymentFactory(pathway=pathway, employer=HOSTILE["file"] + HOSTILE["link"],
                                start_date=paris_today() - timedelta(days=5),
                                job_title=HOSTILE["img"])
    interview = factories.InterviewFactory(pathway=pathway, note=HOSTILE["img"],
                                           topics=HOSTILE["link"],
                                           next_actions=HOSTILE["script"] + HOSTILE["word"])
    factories.AppointmentFactory(pathway=pathway, purpose=HOSTILE["img"])
    sign_in(client, referent)
    base = f"/participants/{person.public_id}"
    urls = [f"{base}/summary.pdf", f"{base}/attestation-entree.pdf",
            f"{base}/entretiens/{interview.public_id}/emargement.pdf",
            f"{base}/emargement.pdf?mois={interview.held_on:%Y-%m}"]
    for n, url in enumerate(urls):
        response = get_pdf(client, url, f"hostile-{n}")
        text = whole(response.data).replace(" ", "")
        assert "<script>alert(1)</script>" in text, url
        assert "<IMGSRC=HTTP://127.0.0.1:1/X>" in text, url  # the last name, upper-cased
        if "summary" in url:
            assert "file:///etc/passwd" in text  # the employer
            assert HOSTILE["word"] in text.replace("-", "")  # wrapped, never cut off
            assert "<linkrel=" in text and "<script>alert(1)</script>Anticonstitu" in text
    asked, opened = recorded_fetches
    assert opened == []
    allowed = fetcher_module.STATIC_BASE
    assert asked and all(url.startswith(allowed) or url.startswith("data:") for url in asked)
    assert not any("127.0.0.1" in url or "passwd" in url for url in asked)


# --- Long history ----------------------------------------------------------------------------

def test_long_history_paginates_with_repeated_headers(client, referent, participant):
    pathway = factories.PathwayFactory(participant=participant,
                                       orientation_date=date(2020, 1, 6),
                                       decision_date=date(2020, 1, 20),
                                       contract_signed_on=date(2020, 2, 3),
                                       entry_date=date(2020, 2, 3))
    types = ["ACC", "REMOB", "PROJ", "PMSMP", "FORM_PQ"]
    for n in range(40):
        start = date(2020, 2, 10) + timedelta(days=45 * n)
        db.session.add(Step(pathway=pathway, type_code=types[n % len(types)],
                            status="realisee", actual_start=start,
                            actual_end=start + timedelta(days=30),
                            provider=f"Organisme numéro {n + 1}"))
    for n in range(300):
        held = date(2020, 2, 4) + timedelta(days=6 * n)
        db.session.add(Interview(pathway=pathway, held_on=held, start_time=time(9, 0),
                                 end_time=time(9, 45), topics=f"Entretien {n + 1}",
                                 note=NOTE, author_id=referent.id))
    db.session.commit()
    sign_in(client, referent)
    pages = pdf_text(get_pdf(client, summary_url(participant), "long-summary").data)
    assert len(pages) >= 3
    assert len(pages) <= 12  # readable, not one step per page
    for number, page in enumerate(pages, start=1):
        assert "Hélène DUPRÉ" in page, number
        assert f"Page {number} sur {len(pages)}" in page
    text = " ".join(pages)
    assert "Organisme numéro 1 " in text and "Organisme numéro 40" in text
    assert "300 entretiens" in text
    # Every step row keeps its table header on the following pages.
    assert sum("Organisme" in page and "État" in page for page in pages) >= 2
    # The monthly sheet of a busy month: 40 interviews, the column headers on every page.
    for n in range(40):
        db.session.add(Interview(pathway=pathway, held_on=date(2026, 9, 1 + n % 30),
                                 start_time=time(8 + n % 9, 0), end_time=time(8 + n % 9, 30),
                                 topics=f"Atelier {n + 1}", author_id=referent.id))
    db.session.commit()
    sheet = pdf_text(get_pdf(client, f"/participants/{participant.public_id}"
                                     "/emargement.pdf?mois=2026-09", "long-month").data)
    assert len(sheet) >= 2
    for number, page in enumerate(sheet, start=1):
        assert "Hélène DUPRÉ" in page and "Horaires" in page, number
        assert f"Page {number} sur {len(sheet)}" in page
    assert "Atelier 40" in " ".join(sheet)


# --- Permissions -----------------------------------------------------------------------------

PARTICIPANT_ROUTES = [
    "/participants/{p}/summary",
    "/participants/{p}/summary.pdf",
    "/participants/{p}/entretiens/{i}/emargement.pdf",
    "/participants/{p}/emargement.pdf?mois=2026-11",
    "/participants/{p}/attestation-entree.pdf",
    "/participants/{p}/attestation-sortie.pdf",
]


@pytest.fixture
def actors(referent, other_referent, supervisor, admin):
    return {"assigned": referent, "foreign": other_referent, "supervisor": supervisor,
            "admin": admin, "anonymous": None}


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES)
@pytest.mark.parametrize(("role", "expected"), [
    ("assigned", 200), ("foreign", 404), ("supervisor", 200), ("admin", 403),
    ("anonymous", 302),
])
def test_participant_documents_by_role(client, actors, participant, record, route, role,
                                       expected):
    user = actors[role]
    if user is not None:
        sign_in(client, user)
    url = route.format(p=participant.public_id, i=record["interview"].public_id)
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]
    if expected == 200 and ".pdf" in url:
        assert response.data.startswith(b"%PDF")
        assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def commission(referent, participant):
    pathway = factories.PathwayFactory(participant=participant, decision="accepted",
                                       entry_date=None, contract_signed_on=None)
    other = factories.PathwayFactory(
        participant=factories.ParticipantFactory(referent=referent, first_name="Yanis",
                                                 last_name="Benbrahim"),
        decision="refused", entry_date=None, contract_signed_on=None)
    held = factories.EntryCommissionFactory(held_on=date(2026, 11, 5),
                                            notes="Séance <b>calme</b>")
    db.session.add_all([
        CommissionDecision(commission=held, pathway=pathway, decision="accepted",
                           reason="Projet clair, motivation forte"),
        CommissionDecision(commission=held, pathway=other, decision="refused",
                           reason="Relève d'un autre dispositif"),
    ])
    db.session.commit()
    return held


SUPERVISOR_ROUTES = ["/supervision/commissions/{c}/proces-verbal.pdf",
                     "/supervision/referents/{r}/portefeuille.pdf"]


@pytest.mark.parametrize("route", SUPERVISOR_ROUTES)
@pytest.mark.parametrize(("role", "expected"), [
    ("assigned", 403), ("foreign", 403), ("supervisor", 200), ("admin", 403),
    ("anonymous", 302),
])
def test_supervisor_documents_by_role(client, actors, commission, referent, route, role,
                                      expected):
    user = actors[role]
    if user is not None:
        sign_in(client, user)
    response = client.get(route.format(c=commission.public_id, r=referent.id))
    assert response.status_code == expected


def test_minutes_of_a_commission(client, supervisor, commission):
    sign_in(client, supervisor)
    response = get_pdf(client, f"/supervision/commissions/{commission.public_id}"
                               "/proces-verbal.pdf", "minutes")
    text = whole(response.data)
    assert "Procès-verbal de la commission d'entrée du 5 novembre 2026" in text
    assert "DUPRÉ Hélène" in text and "Acceptée" in text and "Projet clair" in text
    assert "BENBRAHIM Yanis" in text and "Refusée" in text
    assert "Mme Durand, France Travail" in text
    assert "Séance <b>calme</b>" in text
    assert "filename*=UTF-8''Proc%C3%A8s-verbal" in response.headers["Content-Disposition"]
    assert client.get("/supervision/commissions/inexistant/proces-verbal.pdf"
                      ).status_code == 404


def test_caseload_report(client, supervisor, referent, participant, record, other_referent):
    factories.ParticipantFactory(referent=other_referent, first_name="Xavier",
                                 last_name="Ailleurs")
    sign_in(client, supervisor)
    text = whole(get_pdf(client, f"/supervision/referents/{referent.id}"
                                 "/portefeuille.pdf", "caseload").data)
    assert "Portefeuille de Claire Martin" in text
    assert "DUPRÉ Hélène" in text and "Remobilisation" in text
    assert "Entrée validée" in text or "Diagnostic réalisé" in text
    assert "Ailleurs" not in text
    assert client.get(f"/supervision/referents/{supervisor.id}/portefeuille.pdf"
                      ).status_code == 404
    assert client.get("/supervision/referents/999999/portefeuille.pdf").status_code == 404


# --- Audit, headers, metadata ----------------------------------------------------------------

def test_every_print_is_audited(client, referent, supervisor, participant, record, commission):
    sign_in(client, referent)
    base = f"/participants/{participant.public_id}"
    for url in (f"{base}/summary.pdf",
                f"{base}/entretiens/{record['interview'].public_id}/emargement.pdf",
                f"{base}/emargement.pdf?mois=2026-11", f"{base}/attestation-entree.pdf",
                f"{base}/attestation-sortie.pdf"):
        get_pdf(client, url)
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "participant.print").order_by(AuditEvent.id)).all()
    assert [json.loads(e.detail)["document"] for e in events] == [
        "summary", "emargement", "emargement_mois", "attestation_entree", "attestation_sortie"]
    assert all(e.user_id == referent.id and e.target_id == participant.public_id
               for e in events)
    sign_in(client, supervisor)
    get_pdf(client, f"/supervision/commissions/{commission.public_id}/proces-verbal.pdf")
    get_pdf(client, f"/supervision/referents/{referent.id}/portefeuille.pdf")
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.user_id == supervisor.id)).all()
    assert "commission.print" in actions and "caseload.print" in actions


def test_headers_and_metadata(client, referent, participant, record):
    sign_in(client, referent)
    response = get_pdf(client, summary_url(participant))
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Synthese-de-parcours-Helene-Dupre.pdf"' in disposition
    assert ("filename*=UTF-8''Synth%C3%A8se%20de%20parcours%20%E2%80%94%20"
            "H%C3%A9l%C3%A8ne%20Dupr%C3%A9.pdf") in disposition
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Synthèse de parcours — Hélène DUPRÉ"
    assert reader.metadata.author == "Claire Martin"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and root["/MarkInfo"]["/Marked"]
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts == {"Jalons-Sans", "Jalons-Sans-Bold"}  # the shipped fonts only


# --- Admin settings --------------------------------------------------------------------------

def png_bytes(size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (31, 78, 95)).save(out, "PNG")
    return out.getvalue()


def test_admin_sets_the_plie_name_logo_and_mention(client, admin, referent, participant,
                                                   record):
    sign_in(client, admin)
    assert client.get("/admin/documents").status_code == 200
    response = client.post("/admin/documents", data={
        "plie_name": "PLIE du Grand Tours",
        "fse_mention": "Opération cofinancée par le FSE+ (programme 2021-2027)",
        "plie_logo": (io.BytesIO(png_bytes()), "logo.png"),
        "fse_logo": (io.BytesIO(png_bytes((60, 40))), "ue.png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    stored = {row.key: row for row in db.session.scalars(sa.select(PlieSetting))}
    assert stored["plie_logo"].content_type == "image/png"
    assert stored["plie_name"].updated_by_id == admin.id
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "settings.documents")) is not None
    sign_in(client, referent)
    data = get_pdf(client, summary_url(participant), "with-logos").data
    text = whole(data)
    assert "PLIE du Grand Tours" in text and "programme 2021-2027" in text
    assert "Fonds social européen plus" not in text
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages[0].images) == 2  # both logos, sent as data: URLs


@pytest.mark.parametrize(("content", "message"), [
    (b"GIF89a" + b"\x00" * 100, "PNG ou JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "PNG ou JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "lisible"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1), "1 Mo"),
])
def test_admin_logo_upload_is_checked(client, admin, content, message):
    sign_in(client, admin)
    # The body is built here: the test client spools a large one to a file it never closes.
    boundary = "----jalons-test"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="plie_name"\r\n\r\n\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="plie_logo"; '
            f'filename="logo.png"\r\nContent-Type: image/png\r\n\r\n').encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/admin/documents", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(sa.select(PlieSetting).where(PlieSetting.key == "plie_logo")) is None


@pytest.mark.parametrize(("role", "expected"), [
    ("assigned", 403), ("supervisor", 403), ("admin", 200), ("anonymous", 302)])
def test_document_settings_are_for_admins(client, actors, role, expected):
    user = actors[role]
    if user is not None:
        sign_in(client, user)
    assert client.get("/admin/documents").status_code == expected


# --- Bulk printing ---------------------------------------------------------------------------

def test_print_summaries_writes_a_caseload(runner, referent, participant, record, tmp_path):
    out = tmp_path / "synthèses.pdf"
    result = runner.invoke(args=["print-summaries", "--referent", "Referente@exemple.fr",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 synthèse(s)" in result.output
    pages = pdf_text(out.read_bytes())
    text = " ".join(pages)
    assert "Hélène DUPRÉ" in text and "Zébulon AUTRENOM" in text
    assert re.search(r"Page 1 sur \d+", pages[0])
    assert "confidentielle" not in text and HEALTH_SITUATION not in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "participant.print")) == 2


def test_print_summaries_refuses_an_unknown_referent(runner, supervisor, tmp_path):
    result = runner.invoke(args=["print-summaries", "--referent", supervisor.email,
                                 "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "Aucun(e) référent(e)" in result.output


def test_data_urls_only_for_logos():
    from app.documents.settings import data_url

    row = PlieSetting(key="plie_logo", binary=b"\x89PNG\r\n\x1a\nabc", content_type="image/png")
    assert data_url(row).startswith("data:image/png;base64,")
    assert base64.b64decode(data_url(row).split(",", 1)[1]) == row.binary
    row.content_type = "text/html"
    assert data_url(row) == ""


def test_documents_write_the_first_of_the_month_the_french_way(app):
    from app.documents.views import date_doc

    assert date_doc(date(2026, 3, 1)) == "1er mars 2026"
    assert date_doc(date(2026, 6, 1), "EEEE d MMMM y") == "lundi 1er juin 2026"
    assert date_doc(date(2026, 3, 12)) == "12 mars 2026"
    assert date_doc(date(2021, 3, 11)) == "11 mars 2021"
    assert date_doc(None) == ""
