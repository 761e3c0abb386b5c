"""The batch reads the driver's bare rows yet builds the facts the ORM would, value for value."""

import gc
from datetime import timedelta
from decimal import Decimal

from app.clock import paris_today
from app.domain.facts import InterviewFact
from app.domain.progress import evaluate_progress
from app.domain.rules import DEFAULTS
from app.extensions import db
from app.models import Pathway
from app.progress.batch import facts_of
from app.progress.evaluation import pathway_facts
from tests import factories


def build_pathway() -> int:
    """A pathway with half hours, a certified training, an intérim episode and interviews."""
    today = paris_today()
    pathway = factories.PathwayFactory()
    factories.EmploymentFactory(pathway=pathway, contract_type="CDI", planned_end=None,
                                weekly_hours=Decimal("17.5"),
                                start_date=today - timedelta(days=30))
    interim = factories.EmploymentFactory(pathway=pathway, contract_type="INTERIM",
                                          planned_end=None, weekly_hours=None,
                                          start_date=today - timedelta(days=200))
    factories.MissionFactory(employment=interim, start_date=today - timedelta(days=200),
                             end_date=today - timedelta(days=150), hours=Decimal("212.5"))
    factories.MissionFactory(employment=interim, start_date=today - timedelta(days=140),
                             end_date=today - timedelta(days=100), hours=None)
    factories.StepFactory(pathway=pathway, type_code="FORM_Q", status="realisee",
                          actual_start=today - timedelta(days=300),
                          actual_end=today - timedelta(days=250), certification_obtained=True)
    factories.StepFactory(pathway=pathway, pass_iae_end=today + timedelta(days=20))
    factories.BarrierFactory(pathway=pathway, severity=3, lifted_on=today - timedelta(days=5))
    factories.InterviewFactory(pathway=pathway, kind="diagnostic",
                               held_on=pathway.entry_date + timedelta(days=3))
    factories.InterviewFactory(pathway=pathway, held_on=today - timedelta(days=12))
    factories.InterviewFactory(pathway=pathway, held_on=today + timedelta(days=2))
    db.session.commit()
    return pathway.id


def by_key(facts: tuple) -> list:
    """Records in the order of their ids."""
    return sorted(facts, key=lambda fact: fact.key)


def test_facts_of_gives_the_facts_and_progress_of_the_loaded_pathway(app):
    pathway_id = build_pathway()
    today = paris_today()
    [(read_id, participant_id, facts)] = list(facts_of([pathway_id], today))
    pathway = db.session.get(Pathway, pathway_id)
    expected = pathway_facts(pathway)
    assert (read_id, participant_id) == (pathway_id, pathway.participant_id)
    # repr, not only ==: Decimal("17.5") and Decimal("17.50") are equal but print differently.
    # The ORM orders contracts by date and the batch by id: compare them in one order.
    for field in ("jobs", "steps", "barriers"):
        assert repr(by_key(getattr(facts, field))) == repr(by_key(getattr(expected, field)))
    for field in ("entry_date", "exit_date", "exit_category", "exit_job_key", "exit_step_key",
                  "exit_validated_on"):
        assert getattr(facts, field) == getattr(expected, field), field
    assert facts.interviews == (
        InterviewFact(today - timedelta(days=12), "suivi"),
        InterviewFact(pathway.entry_date + timedelta(days=3), "diagnostic"),
    )
    assert evaluate_progress(facts, DEFAULTS, today) == evaluate_progress(expected, DEFAULTS,
                                                                         today)


def test_facts_of_nothing(app):
    assert list(facts_of([], paris_today())) == []


def test_reading_leaves_the_garbage_collector_as_it_found_it(app):
    pathway_id = build_pathway()
    assert len(list(facts_of([pathway_id], paris_today()))) == 1
    assert gc.isenabled()
    gc.disable()
    try:
        assert len(list(facts_of([pathway_id], paris_today()))) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()
