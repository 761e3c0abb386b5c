"""`flask print-summaries`: every summary of a caseload in one PDF, for a mailing or a file."""

from io import BytesIO
from pathlib import Path

import click
import sqlalchemy as sa
from pypdf import PdfWriter

from app import audit
from app.clock import paris_today
from app.extensions import db
from app.models import Participant, Role, User


@click.command("print-summaries")
@click.option("--referent", "email", required=True, help="Courriel du/de la référent(e).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Fichier PDF à écrire.")
def print_summaries(email: str, out: str) -> None:
    """Write the summaries of every participant of a référent's caseload into one PDF."""
    from app.documents.views import DOCUMENT_OPTIONS, file_stem, summary_bytes

    referent = db.session.scalar(
        sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())
    )
    if referent is None or referent.role != Role.REFERENT:
        raise click.ClickException(f"Aucun(e) référent(e) avec le courriel {email}.")
    ids = db.session.scalars(
        sa.select(Participant.id).where(Participant.referent_id == referent.id)
        .order_by(Participant.name_key, Participant.id)
    ).all()
    if not ids:
        raise click.ClickException("Ce portefeuille ne contient aucun participant.")
    today = paris_today()
    writer = PdfWriter()
    with click.progressbar(ids, label="Impression des synthèses") as bar:
        for participant_id in bar:
            participant = db.session.scalar(
                sa.select(Participant).where(Participant.id == participant_id)
                .options(*DOCUMENT_OPTIONS)
            )
            pdf = summary_bytes(participant, today, by=referent.full_name)
            writer.append(BytesIO(pdf), outline_item=file_stem(participant))
            audit.record("participant.print", target=participant, actor="flask print-summaries",
                         document="summary", bulk=True)
            db.session.commit()
            db.session.expunge_all()  # keep memory flat over a large caseload
    writer.add_metadata({"/Title": f"Synthèses de parcours — portefeuille de "
                                   f"{referent.full_name}",
                         "/Author": referent.full_name})
    writer.write(Path(out))
    click.echo(f"{len(ids)} synthèse(s) écrite(s) dans {out}.")
