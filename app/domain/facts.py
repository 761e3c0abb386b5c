"""A pathway as plain values: what the progress rules read, with no Flask or database.

The web layer and the batch loader both build these from the stored records; tests build them
by hand. Keys are the records' ids, so results can point back at a contract or a step.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class MissionFact:
    """One intérim mission: its days and, when known, the hours worked."""

    start: date
    end: date
    hours: Decimal | None = None


@dataclass(frozen=True, slots=True)
class JobFact:
    """An employment episode: a contract, or an intérim episode made of missions."""

    key: int
    contract_type: str
    start: date
    planned_end: date | None = None
    actual_end: date | None = None
    weekly_hours: Decimal | None = None
    missions: tuple[MissionFact, ...] = ()

    @property
    def end(self) -> date | None:
        """The actual end, else the planned one; None for an open-ended contract."""
        return self.actual_end or self.planned_end


@dataclass(frozen=True, slots=True)
class StepFact:
    """A pathway step with the data the rules read."""

    key: int
    type_code: str
    status: str
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    certification_obtained: bool | None = None
    pass_iae_end: date | None = None

    @property
    def start(self) -> date | None:
        """When the step began, or is planned to."""
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date | None:
        """When the step ended, or is planned to."""
        return self.actual_end or self.planned_end


OPEN_STEP_STATUSES = ("en_cours", "prevue")


def shown_step(steps: Iterable[StepFact]) -> tuple[StepFact | None, int]:
    """The step a caseload shows and how many steps are open: under way before planned, then
    the latest start, then the latest recorded."""
    open_steps = [step for step in steps if step.status in OPEN_STEP_STATUSES]
    if not open_steps:
        return None, 0
    shown = min(open_steps, key=lambda step: (
        step.status != "en_cours", -(step.start or date.min).toordinal(), -step.key))
    return shown, len(open_steps)


@dataclass(frozen=True, slots=True)
class BarrierFact:
    """A barrier with its current severity (0–3) and when it was identified and lifted."""

    key: int
    theme: str
    severity: int
    identified_on: date
    lifted_on: date | None = None


@dataclass(frozen=True, slots=True)
class InterviewFact:
    """An interview held: the contact that the follow-up rules count."""

    held_on: date
    kind: str = "suivi"


@dataclass(frozen=True, slots=True)
class PathwayFacts:
    """Everything the progress rules read about one pathway."""

    entry_date: date | None
    exit_date: date | None = None
    exit_category: str = ""
    exit_job_key: int | None = None
    exit_step_key: int | None = None
    exit_validated_on: date | None = None
    jobs: tuple[JobFact, ...] = ()
    steps: tuple[StepFact, ...] = ()
    barriers: tuple[BarrierFact, ...] = ()
    interviews: tuple[InterviewFact, ...] = ()
    # FSE+ situations after exit (recorded on these dates); without tracking, no alert on them.
    track_exit_situations: bool = False
    exit_situation_on: date | None = None
    post_exit_situation_on: date | None = None
