"""The last evaluation of each pathway, stored so caseloads and dashboards read it with SQL.

Written by app/progress/snapshot.py: for the pathways a transaction touched, at commit, and
for every pathway by `flask refresh-progress` (each night, since alerts move with the date).
"""

from datetime import date, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class PathwayProgress(Base):
    """Durable-employment status, milestone dates, figures and alerts of one pathway."""

    __tablename__ = "pathway_progress"

    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    # None once the rule parameters change: to be evaluated again.
    evaluated_on: Mapped[date | None] = mapped_column(sa.Date)
    durable_status: Mapped[str] = mapped_column(sa.String(12))
    durable_rule: Mapped[str] = mapped_column(sa.String(30), default="")
    validation_due: Mapped[date | None] = mapped_column(sa.Date)
    exit_state: Mapped[str] = mapped_column(sa.String(16))
    highest_milestone: Mapped[str] = mapped_column(sa.String(20), default="")
    # The date each milestone was first reached (app/domain/milestones.py MILESTONES).
    reached_entree: Mapped[date | None] = mapped_column(sa.Date)
    reached_diagnostic: Mapped[date | None] = mapped_column(sa.Date)
    reached_projet: Mapped[date | None] = mapped_column(sa.Date)
    reached_freins: Mapped[date | None] = mapped_column(sa.Date)
    reached_competences: Mapped[date | None] = mapped_column(sa.Date)
    reached_experience: Mapped[date | None] = mapped_column(sa.Date)
    reached_emploi_durable: Mapped[date | None] = mapped_column(sa.Date)
    reached_consolide: Mapped[date | None] = mapped_column(sa.Date)
    alert_count: Mapped[int] = mapped_column(default=0)
    alert_kinds: Mapped[str] = mapped_column(sa.String(400), default="")  # comma-separated
    first_alert_due: Mapped[date | None] = mapped_column(sa.Date)
    # Each alert as [kind, due date (ISO), subject ("step", "job" or ""), subject id or null].
    alerts: Mapped[list] = mapped_column(sa.JSON, default=list)
    hours_6_months: Mapped[Decimal] = mapped_column(sa.Numeric(8, 1), default=0)
    hours_12_months: Mapped[Decimal] = mapped_column(sa.Numeric(8, 1), default=0)
    last_contact_on: Mapped[date | None] = mapped_column(sa.Date)
    open_barriers: Mapped[int] = mapped_column(default=0)
    blocking_barriers: Mapped[int] = mapped_column(default=0)
    lifted_barriers: Mapped[int] = mapped_column(default=0)
    current_contract_type: Mapped[str] = mapped_column(sa.String(15), default="")
    distance_baseline: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    distance_latest: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2))
    # What the caseload shows of the pathway on the evaluation day: the step under way (else
    # the next planned one), how many are open, and the next appointment awaiting attendance.
    step_type: Mapped[str] = mapped_column(sa.String(20), default="")
    step_status: Mapped[str] = mapped_column(sa.String(12), default="")
    open_steps: Mapped[int] = mapped_column(default=0)
    next_appointment_on: Mapped[date | None] = mapped_column(sa.Date)
    next_appointment_time: Mapped[time | None] = mapped_column(sa.Time)
    next_appointment_purpose: Mapped[str] = mapped_column(sa.String(300), default="")

    __table_args__ = (sa.Index("ix_pathway_progress_first_alert_due", "first_alert_due"),)
