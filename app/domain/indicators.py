"""Employment intensity and follow-up figures of a pathway on a given day."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from app.domain.dates import add_months, covered_days, whole_months_between
from app.domain.durable import DAYS_PER_MONTH
from app.domain.facts import JobFact, PathwayFacts

ONE_DAY = timedelta(days=1)
TENTH = Decimal("0.1")
LONGEST_WINDOW = 12  # months: the windows are the last 6 and the last 12 months


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


def work_periods(job: JobFact, as_of: date,
                 since: date = date.min) -> list[tuple[date, date, Decimal | None]]:
    """(first day, last day, hours per day) of the job's worked periods, up to as_of.

    Periods over before `since` are left out, and their hours per day never computed.
    """
    if not job.missions:
        last = min(job.end or as_of, as_of)
        if job.start > as_of or last < since:
            return []
        rate = Decimal(job.weekly_hours) / 7 if job.weekly_hours is not None else None
        return [(job.start, last, rate)]
    periods = []
    for mission in job.missions:
        last = min(mission.end, as_of)
        if mission.start > as_of or last < since:
            continue
        if mission.hours is not None:
            rate = Decimal(mission.hours) / ((mission.end - mission.start).days + 1)
        elif job.weekly_hours is not None:
            rate = Decimal(job.weekly_hours) / 7
        else:
            rate = None
        periods.append((mission.start, last, rate))
    return periods


@lru_cache(maxsize=64)
def empty_window(months: int) -> WorkWindow:
    """No work in the window: shared by every pathway without a job in it."""
    return WorkWindow(months, Decimal(0).quantize(TENTH), 0)


def work_window(periods: list[tuple[date, date, Decimal | None]], months: int,
                as_of: date) -> WorkWindow:
    """Hours and distinct days worked in the `months` months ending on as_of.

    `periods` are every job's work_periods, in job order: the hours are added in that order.
    """
    if not periods:
        return empty_window(months)
    opens = add_months(as_of, -months) + ONE_DAY
    hours = Decimal(0)
    spans = []
    for start, last, rate in periods:
        first = start if start > opens else opens
        if first > last:
            continue
        spans.append((first, last))
        if rate is not None:
            hours += rate * ((last - first).days + 1)
    if not spans:
        return empty_window(months)
    return WorkWindow(months, hours.quantize(TENTH), covered_days(spans))


def current_job(facts: PathwayFacts, as_of: date) -> JobFact | None:
    """The job held on as_of; of several, the latest started (then the highest key)."""
    current = None
    for job in facts.jobs:
        if job.start <= as_of and (job.end is None or job.end >= as_of) and (
                current is None or (job.start, job.key) > (current.start, current.key)):
            current = job
    return current


def compute_indicators(facts: PathwayFacts, as_of: date) -> Indicators:
    """The pathway's employment and follow-up figures on as_of."""
    months = None
    if facts.entry_date is not None and facts.entry_date <= as_of:
        until = min(as_of, facts.exit_date) if facts.exit_date else as_of
        months = max(whole_months_between(facts.entry_date, until), 0)
    last_contact = max((i.held_on for i in facts.interviews if i.held_on <= as_of), default=None)
    known = open_ = blocking = 0
    for barrier in facts.barriers:
        if barrier.identified_on <= as_of:
            known += 1
            if barrier.lifted_on is None or barrier.lifted_on > as_of:
                open_ += 1
                if barrier.severity >= 3:
                    blocking += 1
    # Only what was worked within the longest window matters to either window.
    since = add_months(as_of, -LONGEST_WINDOW) + ONE_DAY
    periods = [period for job in facts.jobs for period in work_periods(job, as_of, since)]
    current = current_job(facts, as_of)
    return Indicators(
        last_6_months=work_window(periods, 6, as_of),
        last_12_months=work_window(periods, LONGEST_WINDOW, as_of),
        months_in_pathway=months,
        last_contact_on=last_contact,
        days_since_last_contact=(as_of - last_contact).days if last_contact else None,
        open_barriers=open_,
        blocking_barriers=blocking,
        lifted_barriers=known - open_,
        current_job_key=current.key if current else None,
        current_contract_type=current.contract_type if current else None,
    )
