"""The progress of one loaded pathway: stored records turned into facts, then evaluated."""

from datetime import date

from app.domain.facts import (
    BarrierFact,
    InterviewFact,
    JobFact,
    MissionFact,
    PathwayFacts,
    StepFact,
)
from app.domain.progress import Progress, evaluate_progress
from app.models import Pathway
from app.progress.parameters import parameters_for


def pathway_facts(pathway: Pathway) -> PathwayFacts:
    """The pathway's records as the plain values the rules read (relationships loaded)."""
    follow_up = pathway.exit_follow_up
    return PathwayFacts(
        entry_date=pathway.entry_date,
        exit_date=pathway.exit_date,
        exit_category=pathway.exit_category,
        exit_job_key=pathway.exit_employment_id,
        exit_step_key=pathway.exit_step_id,
        exit_validated_on=pathway.exit_validated_on,
        jobs=tuple(
            JobFact(job.id, job.contract_type, job.start_date, job.planned_end, job.actual_end,
                    job.weekly_hours,
                    tuple(MissionFact(m.start_date, m.end_date, m.hours) for m in job.missions))
            for job in pathway.employments),
        steps=tuple(
            StepFact(step.id, step.type_code, step.status, step.planned_start, step.planned_end,
                     step.actual_start, step.actual_end, step.certification_obtained,
                     step.pass_iae_end)
            for step in pathway.steps),
        barriers=tuple(BarrierFact(b.id, b.theme, b.severity, b.identified_on, b.lifted_on)
                       for b in pathway.barriers),
        interviews=tuple(InterviewFact(i.held_on, i.kind) for i in pathway.interviews),
        track_exit_situations=True,
        exit_situation_on=follow_up.exit_situation_on if follow_up else None,
        post_exit_situation_on=follow_up.post_exit_situation_on if follow_up else None,
    )


def pathway_progress(pathway: Pathway, today: date) -> Progress:
    """The pathway evaluated today with the parameters in force today."""
    return evaluate_progress(pathway_facts(pathway), parameters_for(today), today)
