"""The batch evaluation gives, pathway by pathway, what the participant page shows."""

from datetime import timedelta
from decimal import Decimal

from app.clock import paris_today
from app.domain.progress import evaluate_progress
from app.domain.rules import DEFAULTS
from app.extensions import db
from app.models import Pathway
from app.progress.batch import evaluate_all
from app.progress.evaluation import pathway_facts
from tests import factories


def build_pathways():
    """Pathways with contracts, missions, steps, barriers and interviews of every kind."""
    today = paris_today()
    one = factories.PathwayFactory()
    factories.EmploymentFactory(pathway=one, contract_type="CDI", planned_end=None,
                                start_date=today - timedelta(days=100))
    factories.InterviewFactory(pathway=one, kind="diagnostic",
                               held_on=one.entry_date + timedelta(days=2))
    factories.InterviewFactory(pathway=one, held_on=today - timedelta(days=40))
    two = factories.PathwayFactory()
    interim = factories.EmploymentFactory(pathway=two, contract_type="INTERIM",
                                          planned_end=None, start_date=today - timedelta(90))
    factories.MissionFactory(employment=interim, start_date=today - timedelta(90),
                             end_date=today - timedelta(30), hours=Decimal(300))
    factories.StepFactory(pathway=two, type_code="ACC", status="realisee",
                          actual_end=two.entry_date + timedelta(days=20))
    factories.StepFactory(pathway=two, planned_end=today - timedelta(days=5))
    factories.BarrierFactory(pathway=two, severity=3)
    factories.BarrierFactory(pathway=two, severity=0, lifted_on=today - timedelta(days=10))
    three = factories.PathwayFactory()
    job = factories.EmploymentFactory(pathway=three, contract_type="CDI", planned_end=None,
                                      start_date=today - timedelta(days=300))
    db.session.flush()
    three.exit_date = today - timedelta(days=290)
    three.exit_category = "emploi_durable"
    three.exit_employment_id = job.id
    factories.PathwayFactory(decision="", entry_date=None, decision_date=None,
                             contract_signed_on=None)
    db.session.commit()


def test_batch_matches_the_evaluation_of_each_loaded_pathway(app):
    build_pathways()
    today = paris_today()
    results = {pathway_id: progress
               for pathway_id, _, progress in evaluate_all(DEFAULTS, today, chunk=2)}
    pathways = db.session.scalars(db.select(Pathway)).all()
    assert sorted(results) == sorted(p.id for p in pathways)
    for pathway in pathways:
        expected = evaluate_progress(pathway_facts(pathway), DEFAULTS, today)
        assert results[pathway.id] == expected, pathway.id
    assert {p.durable.status for p in results.values()} >= {"provisional", "validated", "none"}


def test_batch_on_an_empty_database(app):
    assert list(evaluate_all(DEFAULTS, paris_today())) == []
