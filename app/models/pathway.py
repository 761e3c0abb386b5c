"""The individual pathway and what happens in it: steps, contracts, interviews, barriers."""

import secrets
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.alerts import JOB_BASED_EXITS
from app.domain.catalogue import pathway_status
from app.models.base import Base, UTCDateTime, utcnow


def new_public_id() -> str:
    """An opaque identifier for sub-resource URLs."""
    return secrets.token_urlsafe(9)


class Versioned:
    """Optimistic locking: a stale save is detected by its version number."""

    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReferentAssignment(Base):
    """Who followed a participant, from when to when."""

    __tablename__ = "referent_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    referent_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    started_on: Mapped[date] = mapped_column(sa.Date)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    referent = relationship("User", foreign_keys=[referent_id])


class Pathway(Versioned, Base):
    """One pathway: orientation, entry decision, engagement contract, entry, exit."""

    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE")
    )
    orientation_date: Mapped[date] = mapped_column(sa.Date)
    prescriber_kind: Mapped[str] = mapped_column(sa.String(30), default="")
    prescriber_name: Mapped[str] = mapped_column(sa.String(200), default="")
    orientation_comment: Mapped[str] = mapped_column(sa.Text, default="")
    decision: Mapped[str] = mapped_column(sa.String(12), default="")
    decision_date: Mapped[date | None] = mapped_column(sa.Date)
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")
    contract_signed_on: Mapped[date | None] = mapped_column(sa.Date)
    entry_date: Mapped[date | None] = mapped_column(sa.Date)
    exit_date: Mapped[date | None] = mapped_column(sa.Date)
    exit_category: Mapped[str] = mapped_column(sa.String(30), default="")
    exit_comment: Mapped[str] = mapped_column(sa.Text, default="")
    exit_employment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employment.id", use_alter=True, ondelete="SET NULL")
    )
    exit_step_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("step.id", use_alter=True, ondelete="SET NULL")
    )
    # A job-based exit stays provisional until a supervisor validates it, once the job has
    # been held for the validation period.
    exit_validated_on: Mapped[date | None] = mapped_column(sa.Date)
    exit_validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    participant = relationship("Participant", back_populates="pathways")
    exit_validated_by = relationship("User", foreign_keys=[exit_validated_by_id])
    steps: Mapped[list["Step"]] = relationship(
        back_populates="pathway", foreign_keys="Step.pathway_id", cascade="all, delete-orphan"
    )
    employments: Mapped[list["Employment"]] = relationship(
        foreign_keys="Employment.pathway_id", cascade="all, delete-orphan",
        order_by="Employment.start_date", back_populates="pathway"
    )
    interviews: Mapped[list["Interview"]] = relationship(
        cascade="all, delete-orphan", order_by="Interview.held_on.desc()",
        back_populates="pathway"
    )
    appointments: Mapped[list["Appointment"]] = relationship(
        cascade="all, delete-orphan", order_by="Appointment.scheduled_on",
        back_populates="pathway"
    )
    barriers: Mapped[list["Barrier"]] = relationship(
        cascade="all, delete-orphan", order_by="Barrier.identified_on", back_populates="pathway"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        sa.CheckConstraint("decision IN ('', 'accepted', 'refused', 'postponed')",
                           name="decision"),
        # A participant's pathways, latest (by orientation) last: the current pathway is one
        # index lookup, with no sort (app/caseload/queries.py).
        sa.Index("ix_pathway_participant_latest", "participant_id", "orientation_date", "id"),
    )

    @property
    def status(self) -> str:
        """Where the pathway stands: orientation, refused, in pathway, exited…"""
        return pathway_status(self.decision, self.entry_date is not None,
                              self.exit_date is not None)

    @property
    def in_work_follow_up(self) -> bool:
        """Exited on a job whose exit is still provisional: the référent keeps following it."""
        return (self.exit_date is not None and self.exit_category in JOB_BASED_EXITS
                and self.exit_validated_on is None)

    @property
    def accepts_records(self) -> bool:
        """In pathway, or in the in-work follow-up that proves a job-based exit."""
        return self.status == "in_pathway" or self.in_work_follow_up

    @property
    def is_open(self) -> bool:
        """An open pathway has not ended (refused or exited)."""
        return self.status not in ("refused", "exited")


step_barrier = sa.Table(
    "step_barrier",
    Base.metadata,
    sa.Column("step_id", sa.ForeignKey("step.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("barrier_id", sa.ForeignKey("barrier.id", ondelete="CASCADE"), primary_key=True),
)


class Step(Versioned, Base):
    """A step of the pathway, typed by the step catalogue, with type-specific data."""

    __tablename__ = "step"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("step_type.code"))
    status: Mapped[str] = mapped_column(sa.String(12), default="prevue")
    planned_start: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    actual_start: Mapped[date | None] = mapped_column(sa.Date)
    actual_end: Mapped[date | None] = mapped_column(sa.Date)
    provider: Mapped[str] = mapped_column(sa.String(200), default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    # Type-specific data; each field is used by the step types its comment names.
    themes: Mapped[str] = mapped_column(sa.Text, default="")  # ACC
    attendance_rate: Mapped[int | None] = mapped_column()  # REMOB, percent
    target_jobs: Mapped[str] = mapped_column(sa.String(300), default="")  # PROJ
    rome_code: Mapped[str] = mapped_column(sa.String(5), default="")  # PROJ
    host_company: Mapped[str] = mapped_column(sa.String(200), default="")  # PMSMP
    pmsmp_aim: Mapped[str] = mapped_column(sa.String(12), default="")  # PMSMP
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 1))  # FORM_PQ, FORM_Q, CLAUSE
    certification: Mapped[str] = mapped_column(sa.String(200), default="")  # FORM_Q
    rncp_code: Mapped[str] = mapped_column(sa.String(12), default="")  # FORM_Q
    certification_obtained: Mapped[bool | None] = mapped_column()  # FORM_Q
    siae_kind: Mapped[str] = mapped_column(sa.String(5), default="")  # IAE
    pass_iae_end: Mapped[date | None] = mapped_column(sa.Date)  # IAE
    weekly_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))  # IAE, PEC
    operation: Mapped[str] = mapped_column(sa.String(200), default="")  # CLAUSE
    company: Mapped[str] = mapped_column(sa.String(200), default="")  # CLAUSE
    legal_form: Mapped[str] = mapped_column(sa.String(60), default="")  # CREA
    siret: Mapped[str] = mapped_column(sa.String(14), default="")  # CREA
    employment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employment.id", ondelete="SET NULL")
    )  # EMPLOI, SUIVI_EMP

    pathway: Mapped[Pathway] = relationship(back_populates="steps", foreign_keys=[pathway_id])
    step_type = relationship("StepType")
    barriers: Mapped[list["Barrier"]] = relationship(secondary=step_barrier,
                                                     back_populates="steps")

    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        sa.CheckConstraint("status IN ('prevue', 'en_cours', 'realisee', 'abandonnee')",
                           name="status"),
        # The dashboard looks up the open steps of a period's pathways.
        sa.Index("ix_step_status_pathway_id", "status", "pathway_id"),
    )

    @property
    def start(self) -> date | None:
        """When the step began, or is planned to."""
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date | None:
        """When the step ended, or is planned to."""
        return self.actual_end or self.planned_end


class Employment(Versioned, Base):
    """An employment episode: a contract, or a series of intérim missions."""

    __tablename__ = "employment"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    employer: Mapped[str] = mapped_column(sa.String(200))
    siret: Mapped[str] = mapped_column(sa.String(14), default="")
    contract_type: Mapped[str] = mapped_column(sa.String(15))
    start_date: Mapped[date] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    actual_end: Mapped[date | None] = mapped_column(sa.Date)
    weekly_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    rome_code: Mapped[str] = mapped_column(sa.String(5), default="")

    pathway: Mapped[Pathway] = relationship(back_populates="employments",
                                            foreign_keys=[pathway_id])
    missions: Mapped[list["Mission"]] = relationship(
        back_populates="employment", cascade="all, delete-orphan",
        order_by="Mission.start_date"
    )

    __mapper_args__ = {"version_id_col": Versioned.version}

    @property
    def end(self) -> date | None:
        """The actual end, else the planned one."""
        return self.actual_end or self.planned_end


class Mission(Base):
    """One intérim mission within an employment episode."""

    __tablename__ = "mission"

    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employment.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 1))
    employer: Mapped[str] = mapped_column(sa.String(200), default="")

    employment: Mapped[Employment] = relationship(back_populates="missions")


class Interview(Versioned, Base):
    """An interview held with the participant (the FSE proof of accompaniment)."""

    __tablename__ = "interview"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(sa.Date, index=True)
    start_time: Mapped[time | None] = mapped_column(sa.Time)
    end_time: Mapped[time | None] = mapped_column(sa.Time)
    mode: Mapped[str] = mapped_column(sa.String(12), default="presentiel")
    kind: Mapped[str] = mapped_column(sa.String(15), default="suivi")
    topics: Mapped[str] = mapped_column(sa.String(300), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    next_actions: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    author = relationship("User")
    pathway: Mapped[Pathway] = relationship(back_populates="interviews")
    __mapper_args__ = {"version_id_col": Versioned.version}

    @property
    def duration_minutes(self) -> int | None:
        """Length of the interview in minutes, when both times are known."""
        if self.start_time is None or self.end_time is None:
            return None
        start = self.start_time.hour * 60 + self.start_time.minute
        return self.end_time.hour * 60 + self.end_time.minute - start


class Appointment(Versioned, Base):
    """A planned meeting; once its day has come, the référent records the attendance."""

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    scheduled_on: Mapped[date] = mapped_column(sa.Date, index=True)
    scheduled_time: Mapped[time | None] = mapped_column(sa.Time)
    mode: Mapped[str] = mapped_column(sa.String(12), default="presentiel")
    purpose: Mapped[str] = mapped_column(sa.String(300), default="")
    attendance: Mapped[str] = mapped_column(sa.String(10), default="")
    interview_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("interview.id", ondelete="SET NULL")
    )

    pathway: Mapped[Pathway] = relationship(back_populates="appointments")

    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        sa.CheckConstraint("attendance IN ('', 'honore', 'excuse', 'absent')",
                           name="attendance"),
    )


class Barrier(Versioned, Base):
    """A barrier to employment (frein périphérique), its severity and when it was lifted."""

    __tablename__ = "barrier"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(24), unique=True, default=new_public_id)
    pathway_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pathway.id", ondelete="CASCADE"), index=True
    )
    theme: Mapped[str] = mapped_column(sa.String(20))
    situation: Mapped[str] = mapped_column(sa.Text, default="")
    severity: Mapped[int] = mapped_column(default=2)
    identified_on: Mapped[date] = mapped_column(sa.Date)
    lifted_on: Mapped[date | None] = mapped_column(sa.Date)

    steps: Mapped[list[Step]] = relationship(secondary=step_barrier, back_populates="barriers")
    pathway: Mapped[Pathway] = relationship(back_populates="barriers")

    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (sa.CheckConstraint("severity BETWEEN 0 AND 3", name="severity"),)
