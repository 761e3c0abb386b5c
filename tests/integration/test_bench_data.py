"""Benchmark tooling: `flask bench-data` and the statement-count header bench/run.py reads."""

import pytest
import sqlalchemy as sa

from app import create_app
from app.bench_data import SUPERVISOR_EMAIL
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentScore,
    Employment,
    Interview,
    Participant,
    Pathway,
    Role,
    Step,
    User,
)
from tests.conftest import base_config


@pytest.fixture
def app_config(monkeypatch):
    """Build the app with statement counting on, as bench/run.py serves it."""
    monkeypatch.setenv("JALONS_COUNT_QUERIES", "1")
    return {}


def count(model, *where) -> int:
    """Rows of a model, optionally filtered."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_bench_data_creates_participants_with_histories(runner):
    result = runner.invoke(args=["bench-data", "--participants", "30", "--seed", "1"])

    assert result.exit_code == 0, result.output
    assert count(Participant) == 30
    assert count(User, User.role == Role.REFERENT) >= 1
    assert count(User, User.email == SUPERVISOR_EMAIL) == 1
    assert count(Interview) >= 30
    assert count(Step) > 0
    assert count(Employment) > 0
    assert count(Participant, Participant.name_key == "") == 0
    assert count(Participant, Participant.referent_id.is_(None)) == 0
    assert count(Pathway, Pathway.exit_date.is_not(None)) > 0
    entered = count(Pathway, Pathway.entry_date.is_not(None))
    assert count(Assessment, Assessment.kind == "entree") == entered
    assert entered < count(Assessment) <= 2 * entered
    assert count(Assessment, Assessment.kind == "sortie") > 0
    assert count(AssessmentScore) == 8 * count(Assessment)
    outside = db.session.scalar(
        sa.select(sa.func.count()).select_from(Assessment).join(Pathway)
        .where(sa.or_(Assessment.assessed_on < Pathway.entry_date,
                      Assessment.assessed_on > sa.func.coalesce(Pathway.exit_date,
                                                                Assessment.assessed_on))))
    assert outside == 0


def test_bench_data_refuses_a_database_with_participants_unless_forced(runner):
    runner.invoke(args=["bench-data", "--participants", "30", "--seed", "1"])

    refused = runner.invoke(args=["bench-data", "--participants", "30", "--seed", "1"])
    forced = runner.invoke(args=["bench-data", "--participants", "30", "--seed", "2", "--force"])

    assert refused.exit_code != 0
    assert "--force" in refused.output and "déjà 30 participants" in refused.output
    assert forced.exit_code == 0, forced.output
    assert count(Participant) == 60


def test_query_count_header_when_enabled(client):
    response = client.get("/healthz")

    assert int(response.headers["X-Query-Count"]) >= 1
    assert response.headers["Server-Timing"].startswith("app;dur=")


def test_no_query_count_header_by_default(database_url, monkeypatch):
    monkeypatch.delenv("JALONS_COUNT_QUERIES", raising=False)
    plain = create_app(base_config(database_url))

    response = plain.test_client().get("/healthz")
    with plain.app_context():
        db.engine.dispose()

    assert "X-Query-Count" not in response.headers
