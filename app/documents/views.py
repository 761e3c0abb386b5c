"""PDF documents of a participant, and the supervisors' documents (minutes, caseload report).

Every route goes through the one permission check, records a print in the audit log and sends
the PDF with no-store and a French file name.
"""

import re
from calendar import monthrange
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.clock import paris_today
from app.documents import data
from app.documents.settings import letterhead
from app.extensions import db
from app.models import (
    Participant,
    Pathway,
    Role,
    User,
)
from app.participants.file import FILE_OPTIONS
from app.pdf import pdf_response, render_pdf
from app.permissions import (
    PARTICIPANT_ROLES,
    get_participant_or_deny,
    roles_required,
)
from app.reference_data import step_type_labels
from app.supervision.commissions import load_commission
from app.web import date_fr

bp = Blueprint("documents", __name__, url_prefix="/participants/<public_id>")

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
# The participant file's records, plus the référent's structure for the contact block.
DOCUMENT_OPTIONS = (*FILE_OPTIONS, joinedload(Participant.referent).joinedload(User.structure))


FIRST_OF_MONTH = re.compile(r"(^|\s)1(\s)")


@bp.app_template_filter("date_doc")
def date_doc(value, style: str = "d MMMM y") -> str:
    """A date as printed on a document: 1er mars 2026, 12 mars 2026."""
    text = date_fr(value, style)
    if isinstance(value, date) and value.day == 1:
        text = FIRST_OF_MONTH.sub(r"\g<1>1er\2", text, count=1)
    return text


def load_participant(public_id: str) -> Participant:
    """The participant and every record the documents print, through the permission check."""
    return get_participant_or_deny(public_id, *DOCUMENT_OPTIONS)


def author() -> str:
    """Who prints: the PDF's author."""
    return current_user.full_name


def printed(participant: Participant, kind: str, data_bytes: bytes, filename: str, **detail):
    """Audit the print, commit, and send the PDF."""
    audit.record("participant.print", target=participant, document=kind, **detail)
    db.session.commit()
    return pdf_response(data_bytes, filename)


def file_stem(participant: Participant) -> str:
    """The participant's name as a file name part: Hélène DUPRÉ → Hélène Dupré."""
    return f"{participant.first_name} {participant.last_name}".strip()


# --- Synthèse de parcours --------------------------------------------------------------------

def summary_bytes(participant: Participant, today: date, sections=None, by: str = "") -> bytes:
    """The summary PDF of one participant (also used by `flask print-summaries`)."""
    summary = data.summary(participant, step_type_labels(), today, sections)
    return render_pdf("pdf/summary.html", {"summary": summary, "head": letterhead(today)},
                      f"Synthèse de parcours — {summary.person.full_name}", by)


def chosen_sections() -> list[str] | None:
    """The sections ticked on the choice form; None (all of them) when it was not used."""
    if "sections" not in request.values and "choix" not in request.values:
        return None
    return [s for s in data.SUMMARY_SECTIONS if s in request.values.getlist("sections")]


@bp.route("/summary")
@roles_required(*PARTICIPANT_ROLES)
def summary_form(public_id):
    """Choose the sections of the summary before printing it."""
    participant = get_participant_or_deny(
        public_id, selectinload(Participant.pathways).selectinload(Pathway.interviews))
    interviews = sorted((i for p in participant.pathways for i in p.interviews),
                        key=lambda i: i.held_on, reverse=True)[:12]
    today = paris_today()
    return render_template("documents/summary_form.html", p=participant,
                           sections=data.SUMMARY_SECTIONS, interviews=interviews,
                           entered=data.entry_pathway(participant) is not None,
                           exited=data.exit_pathway(participant) is not None,
                           this_month=f"{today.year}-{today.month:02d}")


@bp.route("/summary.pdf", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def summary_pdf(public_id):
    """The synthèse de parcours, written for the participant to take home."""
    participant = load_participant(public_id)
    sections = chosen_sections()
    pdf = summary_bytes(participant, paris_today(), sections, author())
    return printed(participant, "summary", pdf,
                   f"Synthèse de parcours — {file_stem(participant)}.pdf",
                   sections=sections if sections is not None else "toutes")


# --- Feuilles d'émargement ------------------------------------------------------------------

@bp.route("/entretiens/<interview_id>/emargement.pdf")
@roles_required(*PARTICIPANT_ROLES)
def interview_sheet(public_id, interview_id):
    """The sign-in sheet of one interview: the FSE proof that it took place."""
    participant = load_participant(public_id)
    interview = data.find_interview(participant, interview_id)
    if interview is None:
        abort(404)
    fallback = participant.referent.full_name if participant.referent else ""
    row = data.sheet_row(interview, fallback)
    today = paris_today()
    pdf = render_pdf("pdf/emargement.html",
                     {"row": row, "person": data.identity(participant),
                      "head": letterhead(today)},
                     f"Feuille d'émargement — {data.identity(participant).full_name} — "
                     f"{date_doc(row.day)}", author())
    return printed(participant, "emargement", pdf,
                   f"Émargement — {file_stem(participant)} — {row.day.isoformat()}.pdf",
                   interview=interview.public_id)


def parse_month(value: str | None, today: date) -> tuple[date, date] | None:
    """First and last day of ?mois=AAAA-MM (this month when absent), or None when malformed."""
    if value is None or value == "":
        return date(today.year, today.month, 1), date(today.year, today.month,
                                                       monthrange(today.year, today.month)[1])
    match = MONTH.match(value.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        return None
    return date(year, month, 1), date(year, month, monthrange(year, month)[1])


@bp.route("/emargement.pdf")
@roles_required(*PARTICIPANT_ROLES)
def month_sheet(public_id):
    """The monthly sign-in sheet: every interview of the month, one line each."""
    participant = load_participant(public_id)
    today = paris_today()
    period = parse_month(request.args.get("mois"), today)
    if period is None:
        return render_template("documents/bad_month.html", p=participant,
                               value=request.args.get("mois", "")[:40],
                               example=f"{today.year}-{today.month:02d}"), 400
    first, last = period
    month_label = f"{MONTHS[first.month - 1]} {first.year}"
    person = data.identity(participant)
    pdf = render_pdf("pdf/emargement_mois.html",
                     {"rows": data.month_rows(participant, first, last), "person": person,
                      "month_label": month_label, "head": letterhead(today),
                      "referent": participant.referent.full_name if participant.referent
                      else ""},
                     f"Feuille d'émargement — {person.full_name} — {month_label}", author())
    return printed(participant, "emargement_mois", pdf,
                   f"Émargement — {file_stem(participant)} — {month_label}.pdf",
                   month=first.strftime("%Y-%m"))


# --- Attestations ---------------------------------------------------------------------------

def attestation_pdf(public_id: str, kind: str):
    """An entry or exit attestation; 404 when the participant never entered (or left)."""
    participant = load_participant(public_id)
    pathway = (data.entry_pathway(participant) if kind == "entree"
               else data.exit_pathway(participant))
    if pathway is None:
        abort(404)
    doc = data.attestation(participant, pathway, kind)
    word = "d'entrée" if kind == "entree" else "de sortie"
    pdf = render_pdf("pdf/attestation.html",
                     {"doc": doc, "head": letterhead(paris_today())},
                     f"Attestation {word} — {doc.person.full_name}", author())
    return printed(participant, f"attestation_{kind}", pdf,
                   f"Attestation {word} — {file_stem(participant)}.pdf")


@bp.route("/attestation-entree.pdf")
@roles_required(*PARTICIPANT_ROLES)
def entry_attestation(public_id):
    """Attestation d'entrée dans le PLIE."""
    return attestation_pdf(public_id, "entree")


@bp.route("/attestation-sortie.pdf")
@roles_required(*PARTICIPANT_ROLES)
def exit_attestation(public_id):
    """Attestation de sortie du PLIE."""
    return attestation_pdf(public_id, "sortie")


# --- Supervisors' documents ------------------------------------------------------------------

supervision_bp = Blueprint("supervision_documents", __name__, url_prefix="/supervision")


@supervision_bp.route("/commissions/<public_id>/proces-verbal.pdf")
@roles_required(Role.SUPERVISOR)
def commission_minutes(public_id):
    """The procès-verbal of an entry commission, to sign and file."""
    commission = load_commission(public_id)
    minutes = data.minutes(commission)
    day = date_doc(minutes.held_on)
    pdf = render_pdf("pdf/proces_verbal.html",
                     {"minutes": minutes, "head": letterhead(paris_today())},
                     f"Procès-verbal de la commission d'entrée du {day}", author())
    audit.record("commission.print", target=commission)
    db.session.commit()
    return pdf_response(pdf, f"Procès-verbal — commission d'entrée du {day}.pdf")


@supervision_bp.route("/referents/<int:user_id>/portefeuille.pdf")
@roles_required(Role.SUPERVISOR)
def caseload_report(user_id):
    """One référent's caseload: status, step, milestone, last contact and alerts of each."""
    referent = db.session.get(User, user_id)
    if referent is None or referent.role != Role.REFERENT:
        abort(404)
    today = paris_today()
    rows = data.caseload_rows(referent.id, step_type_labels())
    pdf = render_pdf("pdf/portefeuille.html",
                     {"rows": rows, "referent": data.contact(referent),
                      "head": letterhead(today), "alert_total": sum(bool(r.alerts) for r in rows)},
                     f"Portefeuille de {referent.full_name}", author())
    audit.record("caseload.print", target=referent, participants=len(rows))
    db.session.commit()
    return pdf_response(pdf, f"Portefeuille — {referent.full_name} — {today.isoformat()}.pdf")
