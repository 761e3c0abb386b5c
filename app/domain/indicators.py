"""Employment intensity and follow-up figures of a pathway on a given day."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app.domain.dates import add_months, covered_days, whole_months_between
from app.domain.durable import DAYS_PER_MONTH
from app.domain.facts import JobFact, PathwayFacts

ONE_DAY = timedelta(days=1)
TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class WorkWindow:
    """Hours, days and months worked over the months before the evaluation date."""

    months: int
    hours: Decimal
    days: int

    @property
    def months_worked(self) -> Decimal:
        """Days worked expressed in months, to one decimal."""
        return (Decimal(self.days) / Decimal(str(DAYS_PER_MONTH))).quantize(TENTH)


@dataclass(frozen=True, slots=True)
class Indicators:
    """The figures the Progression section shows next to the milestones."""

    last_6_months: WorkWindow
    last_12_months: WorkWindow
    months_in_pathway: int | None
    last_contact_on: date | None
    days_since_last_contact: int | None
    open_barriers: int
    blocking_barriers: int
    lifted_barriers: int
    current_job_key: int | None
    current_contract_type: str | None


def work_periods(job: JobFact, as_of: date) -> list[tuple[date, date, Decimal | None]]:
    """(first day, last day, hours per day) of the job's worked periods, up to as_of."""
    periods = []
    if job.missions:
        for mission in job.missions:
            days = (mission.end - mission.start).days + 1
            if mission.hours is not None:
                rate = Decimal(mission.hours) / days
            elif job.weekly_hours is not None:
                rate = Decimal(job.weekly_hours) / 7
            else:
                rate = None
            periods.append((mission.start, mission.end, rate))
    else:
        rate = Decimal(job.weekly_hours) / 7 if job.weekly_hours is not None else None
        periods.append((job.start, job.end or as_of, rate))
    return [(start, min(end, as_of), rate) for start, end, rate in periods if start <= as_of]


def work_window(facts: PathwayFacts, months: int, as_of: date) -> WorkWindow:
    """Hours and distinct days worked in the `months` months ending on as_of."""
    opens = add_months(as_of, -months) + ONE_DAY
    hours = Decimal(0)
    spans = []
    for job in facts.jobs:
        for start, end, rate in work_periods(job, as_of):
            first, last = max(start, opens), end
            if first > last:
                continue
            spans.append((first, last))
            if rate is not None:
                hours += rate * ((last - first).days + 1)
    return WorkWindow(months, hours.quantize(TENTH), covered_days(spans))


def compute_indicators(facts: PathwayFacts, as_of: date) -> Indicators:
    """The pathway's employment and follow-up figures on as_of."""
    months = None
    if facts.entry_date is not None and facts.entry_date <= as_of:
        until = min(as_of, facts.exit_date) if facts.exit_date else as_of
        months = max(whole_months_between(facts.entry_date, until), 0)
    last_contact = max((i.held_on for i in facts.interviews if i.held_on <= as_of), default=None)
    known = [b for b in facts.barriers if b.identified_on <= as_of]
    open_ = [b for b in known if b.lifted_on is None or b.lifted_on > as_of]
    current = max((job for job in facts.jobs if job.start <= as_of
                   and (job.end is None or job.end >= as_of)),
                  key=lambda job: (job.start, job.key), default=None)
    return Indicators(
        last_6_months=work_window(facts, 6, as_of),
        last_12_months=work_window(facts, 12, as_of),
        months_in_pathway=months,
        last_contact_on=last_contact,
        days_since_last_contact=(as_of - last_contact).days if last_contact else None,
        open_barriers=len(open_),
        blocking_barriers=sum(1 for b in open_ if b.severity >= 3),
        lifted_barriers=len(known) - len(open_),
        current_job_key=current.key if current else None,
        current_contract_type=current.contract_type if current else None,
    )
