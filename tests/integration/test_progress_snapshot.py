"""pathway_progress follows every change of a pathway, and the nightly refresh covers the rest."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.clock import paris_today
from app.extensions import db
from app.models import Employment, PathwayProgress
from app.progress.evaluation import pathway_progress
from app.progress.parameters import save_changes
from app.progress.snapshot import refresh, refresh_stale
from tests import factories


def row(pathway) -> PathwayProgress:
    """The stored evaluation of a pathway, read afresh."""
    db.session.expire_all()
    return db.session.get(PathwayProgress, pathway.id)


def test_a_committed_pathway_gets_its_row(app):
    pathway = factories.PathwayFactory()
    db.session.commit()
    stored = row(pathway)
    assert stored.evaluated_on == paris_today()
    assert stored.participant_id == pathway.participant_id
    assert stored.highest_milestone == "entree"
    assert stored.reached_entree == pathway.entry_date
    assert stored.durable_status == "none"


def test_a_new_contract_updates_the_row_at_commit(app):
    pathway = factories.PathwayFactory()
    db.session.commit()
    factories.EmploymentFactory(pathway=pathway, contract_type="CDI", planned_end=None,
                                start_date=paris_today() - timedelta(days=20))
    db.session.commit()
    stored = row(pathway)
    assert (stored.durable_status, stored.durable_rule) == ("provisional", "cdi")
    assert stored.reached_emploi_durable == paris_today() - timedelta(days=20)
    assert stored.current_contract_type == "CDI"


def test_a_mission_updates_its_pathway(app):
    job = factories.EmploymentFactory(contract_type="INTERIM", planned_end=None,
                                      start_date=paris_today() - timedelta(days=40))
    db.session.commit()
    assert row(job.pathway).durable_status == "none"
    factories.MissionFactory(employment=job, start_date=paris_today() - timedelta(days=40),
                             end_date=paris_today() - timedelta(days=11), hours=Decimal(210))
    db.session.commit()
    assert row(job.pathway).hours_12_months == Decimal("210.0")


def test_deleting_a_record_updates_the_row(app):
    pathway = factories.PathwayFactory()
    step = factories.StepFactory(pathway=pathway, planned_end=paris_today() - timedelta(days=2))
    factories.InterviewFactory(pathway=pathway, held_on=paris_today())
    db.session.commit()
    assert row(pathway).alert_kinds == "step_overdue"
    db.session.delete(step)
    db.session.commit()
    assert "step_overdue" not in row(pathway).alert_kinds


def test_alerts_are_stored_with_their_subject(app):
    pathway = factories.PathwayFactory()
    step = factories.StepFactory(pathway=pathway, planned_end=paris_today() - timedelta(days=2))
    factories.InterviewFactory(pathway=pathway, held_on=paris_today())
    db.session.commit()
    stored = row(pathway)
    assert stored.alerts == [["step_overdue", (paris_today() - timedelta(days=2)).isoformat(),
                              "step", step.id]]
    assert stored.alert_count == 1
    assert stored.first_alert_due == paris_today() - timedelta(days=2)


def test_a_rolled_back_change_writes_nothing(app):
    pathway = factories.PathwayFactory()
    db.session.commit()
    db.session.add(Employment(pathway=pathway, employer="Garage", contract_type="CDI",
                              start_date=pathway.entry_date, weekly_hours=Decimal(35)))
    db.session.flush()
    db.session.rollback()
    assert row(pathway).durable_status == "none"
    factories.InterviewFactory(pathway=pathway)  # a later commit does not replay the rollback
    db.session.commit()
    assert row(pathway).durable_status == "none"


def test_stored_row_matches_the_live_evaluation(app):
    pathway = factories.PathwayFactory()
    factories.EmploymentFactory(pathway=pathway, contract_type="CDD",
                                start_date=paris_today() - timedelta(days=100))
    factories.BarrierFactory(pathway=pathway, severity=3)
    db.session.commit()
    live = pathway_progress(pathway, paris_today())
    stored = row(pathway)
    assert stored.durable_status == live.durable.status
    assert stored.highest_milestone == live.highest_milestone.code
    assert stored.alert_kinds == ",".join(sorted({a.kind for a in live.alerts}))
    assert stored.blocking_barriers == 1


def test_stale_rows_are_refreshed_and_fresh_ones_left_alone(app):
    fresh = factories.PathwayFactory()
    stale = factories.PathwayFactory()
    db.session.commit()
    db.session.execute(sa.update(PathwayProgress).where(PathwayProgress.pathway_id == stale.id)
                       .values(evaluated_on=paris_today() - timedelta(days=1)))
    db.session.commit()
    assert refresh_stale([fresh.participant_id, stale.participant_id], paris_today()) == 1
    assert row(stale).evaluated_on == paris_today()


def test_new_rule_values_mark_every_row_for_re_evaluation(app, admin):
    pathway = factories.PathwayFactory()
    db.session.commit()
    save_changes({"contact_max_days": Decimal(45)}, paris_today(), "", admin)
    db.session.commit()
    assert row(pathway).evaluated_on is None
    assert refresh_stale([pathway.participant_id], paris_today()) == 1


def test_refresh_of_a_deleted_pathway_removes_its_row(app):
    pathway = factories.PathwayFactory()
    db.session.commit()
    pathway_id = pathway.id
    db.session.delete(pathway)
    db.session.commit()
    assert refresh([pathway_id], paris_today()) == 0
    assert db.session.get(PathwayProgress, pathway_id) is None


def test_refresh_command_evaluates_every_pathway(app, runner):
    factories.PathwayFactory.create_batch(3)
    db.session.commit()
    db.session.execute(sa.delete(PathwayProgress))
    db.session.commit()
    result = runner.invoke(args=["refresh-progress"])
    assert result.exit_code == 0, result.output
    assert "3 parcours évalués" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PathwayProgress)) == 3
