"""Command-line tasks: demo data, benchmark data and account creation."""

import click
import sqlalchemy as sa

from app.auth.operations import normalise_email, set_password
from app.extensions import db
from app.passwords import password_problems


def init_app(app) -> None:
    """Register the commands on the application."""
    app.cli.add_command(demo_seed)
    app.cli.add_command(create_user)
    app.cli.add_command(bench_data)
    app.cli.add_command(refresh_progress)
    from app.documents.cli import print_summaries

    app.cli.add_command(print_summaries)


@click.command("demo-seed")
@click.option("--participants", default=120, show_default=True, help="Participants to create.")
def demo_seed(participants: int) -> None:
    """Fill an empty database with demo structures, accounts and participants (idempotent)."""
    from app.demo import DEMO_LOGINS, seed_demo

    created = seed_demo(participants)
    if created:
        click.echo(f"Données de démonstration créées ({participants} participants).")
    else:
        click.echo("Données de démonstration déjà présentes : rien à faire.")
    click.echo(DEMO_LOGINS)


@click.command("bench-data")
@click.option("--participants", type=click.IntRange(min=1), required=True,
              help="Nombre de participants à créer.")
@click.option("--seed", default=2026, show_default=True, help="Graine du tirage aléatoire.")
@click.option("--force", is_flag=True, help="Ajouter même si la base contient des participants.")
def bench_data(participants: int, seed: int, force: bool) -> None:
    """Fill the database with a large, realistic PLIE for benchmarks (bulk inserts)."""
    # Imported here: the generator pulls in Faker, which no web worker needs at start-up.
    from app.bench_data import run

    run(participants, seed, force)
    refresh_all()


@click.command("refresh-progress")
def refresh_progress() -> None:
    """Re-evaluate every pathway (run each night: alerts move with the date)."""
    refresh_all()


def refresh_all() -> None:
    """Evaluate every pathway into pathway_progress, with a progress bar, committing as it goes."""
    from app.clock import paris_today
    from app.progress.snapshot import BATCH, all_pathway_ids, refresh

    ids = all_pathway_ids()
    today = paris_today()
    with click.progressbar(length=len(ids), label="Évaluation des parcours") as bar:
        for start in range(0, len(ids), BATCH * 10):
            chunk = ids[start:start + BATCH * 10]
            refresh(chunk, today)
            db.session.commit()
            bar.update(len(chunk))
    click.echo(f"{len(ids)} parcours évalués au {today.strftime('%d/%m/%Y')}.")


@click.command("create-user")
@click.option("--email", prompt="Adresse e-mail")
@click.option("--first-name", prompt="Prénom")
@click.option("--last-name", prompt="Nom")
@click.option("--role", type=click.Choice(["admin", "supervisor", "referent"]), default="admin",
              show_default=True)
@click.password_option("--password", prompt="Mot de passe")
def create_user(email, first_name, last_name, role, password) -> None:
    """Create an account from the command line (the first administrator of a new instance)."""
    from app.models import User

    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise click.ClickException("Un compte utilise déjà cette adresse e-mail.")
    problems = password_problems(password, [email, first_name, last_name])
    if problems:
        raise click.ClickException(problems[0])
    user = User(email=email, first_name=first_name, last_name=last_name, role=role,
                password_hash="")
    set_password(user, password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Compte créé : {email} ({role}).")
