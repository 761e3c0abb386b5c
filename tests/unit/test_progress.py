"""Milestones, indicators, alerts and the exit check, with hand-computed expectations."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.domain.facts import (
    BarrierFact,
    InterviewFact,
    JobFact,
    MissionFact,
    PathwayFacts,
    StepFact,
)
from app.domain.progress import evaluate_progress
from app.domain.rules import DEFAULTS

D = date
ENTRY = D(2025, 1, 6)


def facts(**values):
    """A pathway entered on ENTRY with the given records."""
    values.setdefault("entry_date", ENTRY)
    for name in ("jobs", "steps", "barriers", "interviews"):
        values[name] = tuple(values.get(name, ()))
    return PathwayFacts(**values)


def step(key, kind, status="realisee", start=D(2025, 1, 10), end=D(2025, 2, 10), **extra):
    """A step with actual dates once started."""
    started = status in ("en_cours", "realisee", "abandonnee")
    return StepFact(key, kind, status, planned_start=start, planned_end=end,
                    actual_start=start if started else None,
                    actual_end=end if status in ("realisee", "abandonnee") else None, **extra)


def cdi(key=1, start=D(2025, 9, 1), **extra):
    """A full-time CDI."""
    return JobFact(key, "CDI", start, weekly_hours=Decimal(35), **extra)


def reached(progress):
    """Milestone code → date reached, for those reached."""
    return {m.code: m.reached_on for m in progress.milestones if m.reached_on}


def kinds(progress):
    """The alert kinds, in order."""
    return [a.kind for a in progress.alerts]


# --- Milestones --------------------------------------------------------------------------

def test_milestone_ladder_with_the_date_each_was_first_reached():
    pathway = facts(
        steps=[step(1, "ACC", end=D(2025, 1, 20)), step(2, "PROJ", end=D(2025, 3, 14)),
               step(3, "PMSMP", start=D(2025, 4, 1), end=D(2025, 4, 25)),
               step(4, "FORM_PQ", start=D(2025, 5, 5), end=D(2025, 7, 4))],
        barriers=[BarrierFact(1, "mobilite", 0, D(2025, 1, 20), D(2025, 6, 2)),
                  BarrierFact(2, "logement", 1, D(2025, 1, 20))],
        interviews=[InterviewFact(D(2025, 1, 15), "diagnostic")],
        jobs=[cdi(start=D(2025, 9, 1))],
    )
    progress = evaluate_progress(pathway, DEFAULTS, D(2026, 3, 2))
    assert reached(progress) == {
        "entree": ENTRY,
        "diagnostic": D(2025, 1, 15),  # the diagnostic interview came before the ACC step ended
        "projet": D(2025, 3, 14),
        "freins": D(2025, 6, 2),
        "competences": D(2025, 4, 25),
        "experience": D(2025, 9, 1),
        "emploi_durable": D(2025, 9, 1),
        "consolide": D(2026, 3, 1),
    }
    assert progress.highest_milestone.code == "consolide"


def test_milestones_ignore_what_happens_after_the_evaluation_date():
    pathway = facts(steps=[step(1, "ACC", end=D(2025, 1, 20))], jobs=[cdi()])
    progress = evaluate_progress(pathway, DEFAULTS, D(2025, 1, 19))
    assert reached(progress) == {"entree": ENTRY}
    assert progress.highest_milestone.code == "entree"


def test_before_entry_no_milestone_is_reached():
    progress = evaluate_progress(facts(entry_date=None), DEFAULTS, D(2025, 1, 19))
    assert reached(progress) == {}
    assert progress.highest_milestone is None


def test_an_open_blocking_barrier_holds_the_barrier_milestone():
    pathway = facts(barriers=[BarrierFact(1, "mobilite", 0, D(2025, 1, 20), D(2025, 3, 1)),
                              BarrierFact(2, "logement", 3, D(2025, 2, 1))])
    assert "freins" not in reached(evaluate_progress(pathway, DEFAULTS, D(2025, 4, 1)))
    # The blocking barrier is only known from 1 February: in January the first lift counts.
    lifted_early = facts(barriers=[BarrierFact(1, "mobilite", 0, D(2025, 1, 10),
                                               D(2025, 1, 20)),
                                   BarrierFact(2, "logement", 3, D(2025, 2, 1))])
    assert reached(evaluate_progress(lifted_early, DEFAULTS, D(2025, 1, 25)))["freins"] == \
        D(2025, 1, 20)


def test_placement_steps_give_professional_experience():
    pathway = facts(steps=[step(1, "IAE", status="en_cours", start=D(2025, 4, 7),
                                end=D(2025, 12, 31))])
    assert reached(evaluate_progress(pathway, DEFAULTS, D(2025, 5, 1)))["experience"] == \
        D(2025, 4, 7)
    planned = facts(steps=[step(1, "IAE", status="prevue", start=D(2025, 4, 7))])
    assert "experience" not in reached(evaluate_progress(planned, DEFAULTS, D(2025, 5, 1)))


# --- Indicators -------------------------------------------------------------------------

def test_hours_and_months_worked_over_six_and_twelve_months():
    # A 35 h CDI from 1 Jan to 30 Jun 2025 is 181 days: 181 × 5 h = 905 h, 5.9 months.
    pathway = facts(jobs=[cdi(start=D(2025, 1, 1), actual_end=D(2025, 6, 30))])
    indicators = evaluate_progress(pathway, DEFAULTS, D(2025, 6, 30)).indicators
    assert indicators.last_6_months.hours == Decimal("905.0")
    assert indicators.last_6_months.days == 181
    assert indicators.last_6_months.months_worked == Decimal("5.9")
    later = evaluate_progress(pathway, DEFAULTS, D(2025, 12, 31)).indicators
    assert later.last_6_months.hours == Decimal("0.0")  # window opens on 1 July
    assert later.last_12_months.hours == Decimal("905.0")


def test_mission_hours_are_counted_pro_rata_in_the_window():
    # 310 h over 31 days of January: the 6-month window to 15 July opens on 16 January.
    mission = MissionFact(D(2025, 1, 1), D(2025, 1, 31), Decimal(310))
    pathway = facts(jobs=[JobFact(1, "INTERIM", D(2025, 1, 1), missions=(mission,))])
    window = evaluate_progress(pathway, DEFAULTS, D(2025, 7, 15)).indicators.last_6_months
    assert window.days == 16
    assert window.hours == Decimal("160.0")


def test_follow_up_indicators():
    pathway = facts(interviews=[InterviewFact(D(2025, 3, 3)), InterviewFact(D(2025, 5, 2)),
                                InterviewFact(D(2025, 9, 1))],
                    barriers=[BarrierFact(1, "mobilite", 3, D(2025, 1, 20)),
                              BarrierFact(2, "logement", 0, D(2025, 1, 20), D(2025, 4, 1)),
                              BarrierFact(3, "numerique", 2, D(2025, 6, 1))],
                    jobs=[JobFact(4, "CDD", D(2025, 5, 1), D(2025, 10, 31),
                                  weekly_hours=Decimal(20))])
    indicators = evaluate_progress(pathway, DEFAULTS, D(2025, 5, 12)).indicators
    assert indicators.months_in_pathway == 4
    assert indicators.last_contact_on == D(2025, 5, 2)
    assert indicators.days_since_last_contact == 10
    assert (indicators.open_barriers, indicators.blocking_barriers,
            indicators.lifted_barriers) == (1, 1, 1)
    assert (indicators.current_job_key, indicators.current_contract_type) == (4, "CDD")


def test_months_in_pathway_stop_at_exit():
    pathway = facts(exit_date=D(2025, 4, 5), exit_category="abandon")
    assert evaluate_progress(pathway, DEFAULTS, D(2026, 1, 1)).indicators.months_in_pathway == 2


# --- Alerts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "alert"), [(30, False), (31, True)])
def test_no_contact_alert_after_thirty_days(days, alert):
    pathway = facts(interviews=[InterviewFact(D(2025, 3, 3))],
                    steps=[step(1, "REMOB", status="en_cours", end=D(2025, 12, 1))])
    progress = evaluate_progress(pathway, DEFAULTS, D(2025, 3, 3) + timedelta(days))
    assert kinds(progress) == (["no_contact"] if alert else [])
    if alert:
        assert progress.alerts[0].due_on == D(2025, 4, 2)
        assert progress.alerts[0].label == "Aucun entretien depuis plus de 30 jours"


@pytest.mark.parametrize(("days", "alert"), [(90, False), (91, True)])
def test_no_step_alert_after_ninety_days(days, alert):
    last_end = D(2025, 3, 31)
    as_of = last_end + timedelta(days)
    pathway = facts(steps=[step(1, "ACC", end=last_end)], interviews=[InterviewFact(as_of)])
    progress = evaluate_progress(pathway, DEFAULTS, as_of)
    assert kinds(progress) == (["no_step"] if alert else [])
    if alert:
        assert progress.alerts[0].due_on == D(2025, 6, 29)


def test_a_planned_step_silences_the_no_step_alert():
    pathway = facts(steps=[step(1, "FORM_PQ", status="prevue", start=D(2026, 1, 5),
                                end=D(2026, 3, 1))],
                    interviews=[InterviewFact(D(2025, 9, 1))])
    assert kinds(evaluate_progress(pathway, DEFAULTS, D(2025, 9, 10))) == []


def test_step_past_its_end_with_no_outcome():
    pathway = facts(steps=[step(7, "REMOB", status="en_cours", end=D(2025, 3, 31))],
                    interviews=[InterviewFact(D(2025, 4, 2))])
    progress = evaluate_progress(pathway, DEFAULTS, D(2025, 4, 2))
    assert [(a.kind, a.due_on, a.subject, a.subject_key) for a in progress.alerts] == [
        ("step_overdue", D(2025, 3, 31), "step", 7)]


@pytest.mark.parametrize(("days_left", "alert"), [(0, True), (30, True), (31, False)])
def test_contract_ending_within_thirty_days(days_left, alert):
    as_of = D(2025, 6, 2)
    job = JobFact(3, "CDD", D(2025, 1, 2), as_of + timedelta(days_left),
                  weekly_hours=Decimal(35))
    pathway = facts(jobs=[job], interviews=[InterviewFact(as_of)],
                    steps=[step(1, "EMPLOI", status="en_cours", end=None)])
    progress = evaluate_progress(pathway, DEFAULTS, as_of)
    assert kinds(progress) == (["contract_ending"] if alert else [])


def test_pass_iae_and_pec_ending():
    as_of = D(2025, 6, 2)
    pathway = facts(steps=[step(1, "IAE", status="en_cours", end=D(2025, 12, 31),
                                pass_iae_end=D(2025, 6, 20)),
                           step(2, "PEC", status="en_cours", end=D(2025, 7, 2))],
                    interviews=[InterviewFact(as_of)])
    progress = evaluate_progress(pathway, DEFAULTS, as_of)
    assert [(a.kind, a.due_on, a.subject_key) for a in progress.alerts] == [
        ("pass_iae_ending", D(2025, 6, 20), 1), ("pec_ending", D(2025, 7, 2), 2)]


@pytest.mark.parametrize(("as_of", "expected"), [
    (D(2027, 1, 5), []),
    (D(2027, 1, 6), [("pathway_warning", D(2027, 1, 6))]),
    (D(2028, 1, 6), [("pathway_max", D(2028, 1, 6))]),
])
def test_pathway_length_alerts(as_of, expected):
    pathway = facts(interviews=[InterviewFact(as_of)],
                    steps=[step(1, "SOC", status="en_cours", end=None)])
    progress = evaluate_progress(pathway, DEFAULTS, as_of)
    assert [(a.kind, a.due_on) for a in progress.alerts] == expected


def test_alerts_are_ordered_by_due_date():
    pathway = facts(steps=[step(1, "REMOB", status="en_cours", end=D(2025, 2, 28))],
                    interviews=[InterviewFact(D(2025, 1, 10))])
    progress = evaluate_progress(pathway, DEFAULTS, D(2025, 4, 1))
    assert [(a.kind, a.due_on) for a in progress.alerts] == [
        ("no_contact", D(2025, 2, 9)), ("step_overdue", D(2025, 2, 28))]


def test_follow_up_alerts_stop_at_exit():
    pathway = facts(exit_date=D(2025, 3, 1), exit_category="demenagement")
    assert kinds(evaluate_progress(pathway, DEFAULTS, D(2025, 9, 1))) == []


def test_exit_situation_alerts_where_they_are_tracked():
    pathway = facts(exit_date=D(2025, 3, 3), exit_category="abandon",
                    track_exit_situations=True)
    assert kinds(evaluate_progress(pathway, DEFAULTS, D(2025, 3, 31))) == []
    assert [(a.kind, a.due_on) for a in
            evaluate_progress(pathway, DEFAULTS, D(2025, 4, 1)).alerts] == [
        ("exit_situation_missing", D(2025, 3, 31))]
    progress = evaluate_progress(pathway, DEFAULTS, D(2025, 9, 3))
    assert kinds(progress) == ["exit_situation_missing", "post_exit_due"]
    recorded = facts(exit_date=D(2025, 3, 3), exit_category="abandon",
                     track_exit_situations=True, exit_situation_on=D(2025, 3, 20),
                     post_exit_situation_on=D(2025, 9, 3))
    assert kinds(evaluate_progress(recorded, DEFAULTS, D(2025, 9, 3))) == []


# --- Exit check -----------------------------------------------------------------------------

def exited_on_cdi(**extra):
    """A pathway that exited on a CDI starting 1 September 2025."""
    return facts(jobs=[cdi(key=8, **extra)], exit_date=D(2025, 9, 15),
                 exit_category="emploi_durable", exit_job_key=8)


def test_job_based_exit_is_provisional_then_ready_for_validation():
    provisional = evaluate_progress(exited_on_cdi(), DEFAULTS, D(2026, 2, 28))
    assert provisional.exit_check.state == "provisional"
    assert provisional.exit_check.validation_due == D(2026, 3, 1)
    assert kinds(provisional) == []
    ready = evaluate_progress(exited_on_cdi(), DEFAULTS, D(2026, 3, 1))
    assert ready.exit_check.state == "ready"
    assert [(a.kind, a.due_on) for a in ready.alerts] == [("validation_due", D(2026, 3, 1))]


def test_recorded_validation_clears_the_alert():
    pathway = facts(jobs=[cdi(key=8)], exit_date=D(2025, 9, 15),
                    exit_category="emploi_durable", exit_job_key=8,
                    exit_validated_on=D(2026, 3, 2))
    progress = evaluate_progress(pathway, DEFAULTS, D(2026, 3, 5))
    assert progress.exit_check.state == "validated"
    assert kinds(progress) == []


def test_exit_job_ending_early_is_flagged():
    progress = evaluate_progress(exited_on_cdi(actual_end=D(2025, 12, 19)), DEFAULTS,
                                 D(2026, 1, 5))
    assert progress.exit_check.state == "ended_early"
    assert progress.exit_check.ended_on == D(2025, 12, 19)
    assert [(a.kind, a.due_on) for a in progress.alerts] == [("exit_job_ended", D(2025, 12, 19))]


def test_exit_on_a_job_that_does_not_qualify_says_why():
    pathway = facts(jobs=[JobFact(8, "CDD", D(2025, 9, 1), D(2025, 11, 30),
                                  weekly_hours=Decimal(35))],
                    exit_date=D(2025, 9, 15), exit_category="emploi_durable", exit_job_key=8)
    check = evaluate_progress(pathway, DEFAULTS, D(2025, 10, 1)).exit_check
    assert (check.state, check.reason) == ("not_qualifying", "CDD de 3 mois < 6 mois")


def test_exit_for_other_reasons_needs_no_validation():
    pathway = facts(exit_date=D(2025, 9, 15), exit_category="formation_qualifiante")
    assert evaluate_progress(pathway, DEFAULTS, D(2025, 10, 1)).exit_check.state == \
        "not_job_based"


def test_provisional_exit_warns_when_its_contract_ends_soon():
    pathway = facts(jobs=[JobFact(8, "CDD", D(2025, 9, 1), D(2026, 2, 28),
                                  weekly_hours=Decimal(35))],
                    exit_date=D(2025, 9, 15), exit_category="emploi_durable", exit_job_key=8)
    progress = evaluate_progress(pathway, DEFAULTS, D(2026, 2, 10))
    assert progress.exit_check.state == "provisional"
    assert kinds(progress) == ["contract_ending"]
