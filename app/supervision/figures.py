"""The supervisor dashboard's figures: SQL aggregates over pathway_progress, in fixed queries.

Every function runs a fixed number of statements, whatever the number of participants: the
counting happens in GROUP BY queries. The outcomes of a period are summed per combination of
group flags (sex, publics), a few hundred rows at most, with the day counts behind the medians
joined into a string per combination; app/domain/dashboard.py adds the combinations up into
groups and turns the counts into shares, means and medians. The same SQL runs on SQLite and
PostgreSQL (see days_between and whole_years for the differences).

Which pathways each figure counts:
- the **entry cohort**: pathways whose entry date falls in the period (milestones, delays,
  barriers, distance travelled, steps, and what became of them so far);
- the **exits of the period**: pathways whose exit date falls in the period (positive exits,
  provisional and validated, against the target);
- **today's caseloads**: participants currently assigned to each référent, each on their
  current pathway, as app/caseload/queries.py counts them on the référent's home.
A référent's own figures take the pathways of the participants assigned to them today.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.caseload.queries import alert_label, no_later_pathway
from app.domain.alerts import ALERT_LABELS, JOB_BASED_EXITS
from app.domain.catalogue import POSITIVE_EXIT_CATEGORIES
from app.domain.dashboard import (
    SENIOR_FROM,
    YOUNG_BELOW,
    Combination,
    GroupTotals,
    Period,
    ceiling_status,
    day_counts,
    day_median,
    effective_ceiling,
    group_totals,
    hundredths_mean,
    kind_counts,
    points,
    share,
)
from app.domain.facts import OPEN_STEP_STATUSES
from app.domain.milestones import MILESTONES
from app.extensions import db
from app.models import (
    Assessment,
    EligibilityCriterion,
    Participant,
    Pathway,
    PathwayProgress,
    Role,
    Step,
    Structure,
    User,
)
from app.models.participant import SEX_LABELS
from app.models.reference import participant_criterion
from app.progress.parameters import parameters_for
from app.progress.snapshot import evaluated_before

# --- Portable SQL pieces ------------------------------------------------------------------


class days_between(FunctionElement):  # noqa: N801  (used like an SQL function)
    """Whole days from the second date to the first (later − earlier), as an integer."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def compile_days_between(element, compiler, **kw) -> str:
    """PostgreSQL (and the standard): subtracting two DATE values gives whole days."""
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def compile_days_between_sqlite(element, compiler, **kw) -> str:
    """SQLite stores dates as ISO text: julianday() turns them into day numbers."""
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)}) AS INTEGER)")


class whole_years(FunctionElement):  # noqa: N801  (used like an SQL function)
    """Whole years from the second date to the first, as app/domain/people.py age_on counts
    them (a birthday on 29 February comes on 1 March)."""

    type = sa.Integer()
    inherit_cache = True
    name = "whole_years"


@compiles(whole_years)
def compile_whole_years(element, compiler, **kw) -> str:
    """The years apart, less one when the later date's month and day come before the
    earlier's."""
    later, earlier = list(element.clauses)
    years = sa.extract("year", later) - sa.extract("year", earlier)
    before_anniversary = sa.or_(
        sa.extract("month", later) < sa.extract("month", earlier),
        sa.and_(sa.extract("month", later) == sa.extract("month", earlier),
                sa.extract("day", later) < sa.extract("day", earlier)),
    )
    return compiler.process(years - sa.case((before_anniversary, 1), else_=0), **kw)


@compiles(whole_years, "sqlite")
def compile_whole_years_sqlite(element, compiler, **kw) -> str:
    """SQLite stores dates as YYYY-MM-DD text: the years are its first four characters, and
    "MM-DD" texts compare as the month and day do (cheaper than six strftime calls)."""
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return (f"(CAST(substr({later}, 1, 4) AS INTEGER) - CAST(substr({earlier}, 1, 4) AS INTEGER)"
            f" - (substr({later}, 6) < substr({earlier}, 6)))")


def count_if(condition) -> sa.ColumnElement[int]:
    """COUNT of the rows meeting the condition (COUNT skips the NULL of a failed CASE)."""
    return sa.func.count(sa.case((condition, 1)))


def sum_if(condition, value) -> sa.ColumnElement[int]:
    """SUM of `value` over the rows meeting the condition (0 when none does)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


# --- What each figure counts --------------------------------------------------------------

POSITIVE = Pathway.exit_category.in_(sorted(POSITIVE_EXIT_CATEGORIES))
# A positive exit is validated by a supervisor once the job has been held long enough; a
# positive exit that rests on no job (qualifying training) needs no validation.
VALIDATED = sa.and_(POSITIVE, sa.or_(Pathway.exit_validated_on.is_not(None),
                                     Pathway.exit_category.not_in(sorted(JOB_BASED_EXITS))))
PROVISIONAL = sa.and_(POSITIVE, sa.not_(VALIDATED))


def entered_in(period: Period) -> sa.ColumnElement[bool]:
    """The pathway's entry date falls in the period."""
    return Pathway.entry_date.between(period.start, period.end)


def exited_in(period: Period) -> sa.ColumnElement[bool]:
    """The pathway's exit date falls in the period."""
    return Pathway.exit_date.between(period.start, period.end)


def in_pathway() -> sa.ColumnElement[bool]:
    """Entered and not exited: « en parcours » (as the référent's caseload counts it)."""
    return sa.and_(Pathway.entry_date.is_not(None), Pathway.exit_date.is_(None))


def still_followed() -> sa.ColumnElement[bool]:
    """The current pathway keeps its participant in the active caseload, as
    app/caseload/queries.py counts it (a participant with no pathway yet is in it too).

    A pathway neither refused nor exited (orientation, decision postponed, accepted, en
    parcours); or an exit on a job whose validation is still awaited (in-work follow-up).
    """
    refused = sa.and_(Pathway.entry_date.is_(None), Pathway.decision == "refused")
    return sa.or_(
        sa.and_(Pathway.exit_date.is_(None), sa.not_(refused)),
        sa.and_(Pathway.exit_date.is_not(None),
                Pathway.exit_category.in_(sorted(JOB_BASED_EXITS)),
                Pathway.exit_validated_on.is_(None)),
    )


# Per-pathway and per-participant facts come from grouped derived tables, or joins on a
# primary key, joined once; not from correlated EXISTS in the select list: PostgreSQL costs
# each correlated subquery per row, and a few of them push the estimate past its JIT
# thresholds (a second of compilation for a 0.2 s query, measured at 50 000 participants).
# `among` restricts a derived table to the pathways a query reads, when it reads only some
# (one period's, one référent's): SQLite then reads their rows by index instead of them all.


def open_steps(among: sa.Select | None = None) -> sa.Subquery:
    """The pathways with a step « en cours » or « prévue » (of those `among` selects)."""
    query = sa.select(Step.pathway_id).where(Step.status.in_(OPEN_STEP_STATUSES))
    if among is not None:
        query = query.where(Step.pathway_id.in_(among))
    return query.group_by(Step.pathway_id).subquery("open_step")


def regraded(among: sa.Select | None = None) -> sa.Subquery:
    """The pathways assessed at least twice (of those `among` selects): with one grid only,
    the stored latest score is the entry score itself, and a 0 there would mean "not measured
    yet", not "no progress"."""
    query = sa.select(Assessment.pathway_id)
    if among is not None:
        query = query.where(Assessment.pathway_id.in_(among))
    return (query.group_by(Assessment.pathway_id)
            .having(sa.func.count(Assessment.id) >= 2).subquery("regraded"))


# The publics an eligibility criterion puts a participant in (QPV and RQTH: or the file's flag).
CRITERIA_PUBLICS = {"RSA": ("RSA",), "DELD": ("DELD", "DETLD"), "QPV": ("QPV",),
                    "RQTH": ("RQTH",)}


def with_criteria(query: sa.Select) -> tuple[sa.Select, dict[str, sa.ColumnElement[bool]]]:
    """The query LEFT JOINed to participant_criterion once per code of CRITERIA_PUBLICS, and
    per public whether the participant holds one of its criteria.

    Each join is on the table's primary key (participant, criterion), so it adds at most one
    row: no pathway is counted twice. Cheaper than grouping the table per participant.
    """
    held = {}
    for code in sorted({code for codes in CRITERIA_PUBLICS.values() for code in codes}):
        alias = held[code] = participant_criterion.alias(f"holds_{code.lower()}")
        criterion = (sa.select(EligibilityCriterion.id).where(EligibilityCriterion.code == code)
                     .scalar_subquery())
        query = query.outerjoin(alias, sa.and_(alias.c.participant_id == Participant.id,
                                               alias.c.criterion_id == criterion))
    return query, {key: sa.or_(*(held[code].c.participant_id.is_not(None) for code in codes))
                   for key, codes in CRITERIA_PUBLICS.items()}


def pending_evaluation(today: date) -> sa.ColumnElement[bool]:
    """The stored evaluation is missing, marked stale, or from before today."""
    return evaluated_before(PathwayProgress.evaluated_on, today)


# --- Per référent -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferentRow:
    """One référent's caseload today and their entries and exits in the period."""

    user_id: int | None
    name: str
    structure: str
    caseload: int  # active caseload (see still_followed)
    ceiling: int
    in_pathway: int  # of the caseload, en parcours today
    entries: int  # pathways entered in the period
    exits: int  # pathways exited in the period
    contacted: int  # en parcours with an interview in the last contact_days days
    no_step: int  # en parcours with no step « en cours » nor « prévue »
    alerts: int  # alerts of the active caseload's current pathways
    with_alerts: int  # active participants with at least one alert

    @property
    def ceiling_status(self) -> str:
        """over, near or ok."""
        return ceiling_status(self.caseload, self.ceiling)

    @property
    def contacted_share(self) -> Decimal | None:
        """Share of the participants en parcours seen recently, in percent."""
        return share(self.contacted, self.in_pathway)

    @property
    def no_step_share(self) -> Decimal | None:
        """Share of the participants en parcours with no step under way, in percent."""
        return share(self.no_step, self.in_pathway)


@dataclass(frozen=True)
class ReferentFigures:
    """Every active référent's row, the total, and the participants outside those rows."""

    rows: list[ReferentRow]
    total: ReferentRow
    unassigned: int  # followed participants with no référent
    with_inactive: int  # followed participants whose référent is deactivated
    contact_days: int
    default_ceiling: int


def caseload_counts(today: date, contact_days: int) -> dict:
    """Per référent id (None: unassigned), today's caseload counts, in one query.

    (active caseload, en parcours, of whom contacted recently, of whom without any open step,
    alerts of the active caseload, participants of it with at least one alert), each
    participant counted on their current pathway, as on the référent's caseload page; a
    participant with no pathway yet counts in the active caseload only.
    """
    steps = open_steps()
    active = still_followed()
    running = in_pathway()
    contacted = sa.and_(running,
                        PathwayProgress.last_contact_on >= today - timedelta(days=contact_days),
                        PathwayProgress.last_contact_on <= today)
    alerts = sa.func.coalesce(PathwayProgress.alert_count, 0)
    # Read from the pathways, in table order, with their participant LEFT-joined (it always
    # exists): with an inner join SQLite reads the participants in référent order, to group
    # without sorting, and then fetches every pathway and evaluation at random, 2-3× slower.
    on_pathway = (
        sa.select(
            Participant.referent_id,
            count_if(active),
            count_if(running),
            count_if(contacted),
            count_if(sa.and_(running, steps.c.pathway_id.is_(None))),
            sum_if(active, alerts),
            count_if(sa.and_(active, alerts > 0)),
        )
        .select_from(Pathway)
        .outerjoin(Participant, Participant.id == Pathway.participant_id)
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .outerjoin(steps, steps.c.pathway_id == Pathway.id)
        .where(no_later_pathway())
        .group_by(Participant.referent_id)
    )
    without_pathway = (
        sa.select(Participant.referent_id, sa.func.count(), *(sa.literal(0),) * 5)
        .where(~sa.exists().where(Pathway.participant_id == Participant.id))
        .group_by(Participant.referent_id)
    )
    counts: dict = {}
    for referent_id, *values in db.session.execute(sa.union_all(on_pathway, without_pathway)):
        known = counts.get(referent_id, (0,) * 6)
        counts[referent_id] = tuple(a + int(b or 0) for a, b in zip(known, values, strict=True))
    return counts


def movement_counts(period: Period) -> dict:
    """Per référent id, (entries, exits) of the period over all pathways, in one query."""
    query = (
        sa.select(Participant.referent_id, count_if(entered_in(period)),
                  count_if(exited_in(period)))
        .select_from(Pathway)
        # LEFT JOIN, as in caseload_counts: the pathways are read in table order.
        .outerjoin(Participant, Participant.id == Pathway.participant_id)
        .where(sa.or_(entered_in(period), exited_in(period)))
        .group_by(Participant.referent_id)
    )
    return {referent_id: (int(entries or 0), int(exits or 0))
            for referent_id, entries, exits in db.session.execute(query)}


def referent_figures(period: Period, today: date) -> ReferentFigures:
    """Each active référent's caseload against their ceiling, and their period (3 queries)."""
    params = parameters_for(today)
    caseloads = caseload_counts(today, params.contact_max_days)
    movements = movement_counts(period)
    users = db.session.execute(
        sa.select(User.id, User.first_name, User.last_name, User.caseload_ceiling,
                  Structure.name)
        .outerjoin(Structure, Structure.id == User.structure_id)
        .where(User.role == Role.REFERENT)
        .where(User.active.is_(True))
        .order_by(User.last_name, User.first_name, User.id)
    ).all()
    rows = []
    for user_id, first, last, ceiling, structure in users:
        active, running, contacted, no_step, alerts, with_alerts = caseloads.get(
            user_id, (0,) * 6)
        entries, exits = movements.get(user_id, (0, 0))
        rows.append(ReferentRow(
            user_id, f"{last.upper()} {first}", structure or "", active,
            effective_ceiling(ceiling, params.caseload_ceiling), running, entries, exits,
            contacted, no_step, alerts, with_alerts))
    listed = {row.user_id for row in rows}
    unassigned = caseloads.get(None, (0,))[0]
    with_inactive = sum(values[0] for key, values in caseloads.items()
                        if key is not None and key not in listed)
    total = ReferentRow(None, "Ensemble des référent(e)s actifs", "",
                        *(sum(getattr(row, name) for row in rows) for name in (
                            "caseload", "ceiling", "in_pathway", "entries", "exits",
                            "contacted", "no_step", "alerts", "with_alerts")))
    return ReferentFigures(rows, total, unassigned, with_inactive, params.contact_max_days,
                           params.caseload_ceiling)


# --- Cohorts and breakdowns ---------------------------------------------------------------


@dataclass(frozen=True)
class Median:
    """A median number of days, over how many pathways."""

    count: int = 0
    days: Decimal | None = None


@dataclass(frozen=True)
class GroupFigures:
    """The outcome figures of one group of pathways (everyone, a public, a sex)."""

    key: str
    label: str
    # Exits of the period
    exits: int = 0
    positive: int = 0
    validated: int = 0
    ready: int = 0  # provisional, job held long enough: to validate
    ended_early: int = 0  # provisional, but the job ended before validation
    # Entry cohort
    entries: int = 0
    cohort_exited: int = 0
    cohort_positive: int = 0
    cohort_validated: int = 0
    milestones: dict[str, int] = field(default_factory=dict)
    barriers_identified: int = 0
    barriers_lifted: int = 0
    with_lifted: int = 0
    distance_hundredths: int = 0
    distance_count: int = 0
    in_pathway: int = 0
    no_step: int = 0
    first_job: Median = Median()
    durable: Median = Median()
    target: Decimal | None = None

    @property
    def provisional(self) -> int:
        """Positive exits still waiting for their validation."""
        return self.positive - self.validated

    @property
    def positive_share(self) -> Decimal | None:
        """Positive exits (provisional and validated) among the exits, in percent."""
        return share(self.positive, self.exits)

    @property
    def validated_share(self) -> Decimal | None:
        """Validated positive exits among the exits, in percent."""
        return share(self.validated, self.exits)

    @property
    def positive_gap(self) -> Decimal | None:
        """Points above (or below) the target, positive exits."""
        return points(self.positive_share, self.target)

    @property
    def validated_gap(self) -> Decimal | None:
        """Points above (or below) the target, validated exits only."""
        return points(self.validated_share, self.target)

    @property
    def cohort_positive_share(self) -> Decimal | None:
        """Positive exits so far among the entry cohort, in percent."""
        return share(self.cohort_positive, self.entries)

    @property
    def distance_mean(self) -> Decimal | None:
        """Mean change of the grid's overall score, latest minus entry."""
        return hundredths_mean(self.distance_hundredths, self.distance_count)

    @property
    def no_step_share(self) -> Decimal | None:
        """Among the cohort still en parcours, the share with no step under way."""
        return share(self.no_step, self.in_pathway)

    @property
    def lifted_share(self) -> Decimal | None:
        """Lifted barriers among those identified, in percent."""
        return share(self.barriers_lifted, self.barriers_identified)


@dataclass(frozen=True)
class CohortFigures:
    """The PLIE's (or one référent's) outcomes for the period."""

    period: Period
    target: Decimal
    figures: GroupFigures
    # code, label, entrants who reached it, their share of the entrants (percent)
    milestones: list[tuple[str, str, int, Decimal | None]]


@dataclass(frozen=True)
class Breakdowns:
    """The outcome figures by public and by sex, with everyone's for comparison."""

    period: Period
    target: Decimal
    total: GroupFigures
    publics: list[GroupFigures]
    sexes: list[GroupFigures]

    @property
    def cohort(self) -> CohortFigures:
        """Everyone's figures as the PLIE's cohort: what cohort_figures would count again."""
        return cohort_of(self.period, self.target, self.total)


PUBLIC_LABELS = {
    "RSA": "Bénéficiaires du RSA",
    "DELD": "Demandeurs d'emploi de longue durée (DELD et DETLD)",
    "QPV": "Résidents d'un quartier prioritaire (QPV)",
    "RQTH": "Travailleurs handicapés (RQTH)",
    "JEUNE": f"Moins de {YOUNG_BELOW} ans à l'entrée",
    "SENIOR": f"{SENIOR_FROM} ans et plus à l'entrée",
}
SEX_GROUPS = {f"sex:{code}": label for code, label in SEX_LABELS.items()} | {
    "sex:": "Sexe non renseigné"}


def public_conditions(criteria: dict[str, sa.ColumnElement[bool]]
                      ) -> dict[str, sa.ColumnElement[bool]]:
    """What puts a pathway in each public (criteria and flags as recorded today), given
    whether the participant holds one of each public's CRITERIA_PUBLICS."""
    age = whole_years(Pathway.entry_date, Participant.birth_date)
    return {
        "RSA": criteria["RSA"],
        "DELD": criteria["DELD"],
        "QPV": sa.or_(Participant.qpv.is_(True), criteria["QPV"]),
        "RQTH": sa.or_(Participant.rqth.is_(True), criteria["RQTH"]),
        "JEUNE": sa.and_(Participant.birth_date.is_not(None), age < YOUNG_BELOW),
        "SENIOR": sa.and_(Participant.birth_date.is_not(None), age >= SENIOR_FROM),
    }


# The delays whose medians are shown: from entry to the first day of these milestones.
MEASURES = {"first_job": PathwayProgress.reached_experience,
            "durable": PathwayProgress.reached_emploi_durable}
# The GroupFigures counts that are plain sums over the pathways (milestones come apart).
COUNTS = ("exits", "positive", "validated", "ready", "ended_early", "entries", "cohort_exited",
          "cohort_positive", "cohort_validated", "barriers_identified", "barriers_lifted",
          "with_lifted", "distance_hundredths", "distance_count", "in_pathway", "no_step")


def days_to(reached, period: Period) -> sa.ColumnElement[int]:
    """Days from entry to `reached` for the entry cohort (0 when reached before entry), else
    NULL (not entered in the period, or not reached)."""
    days = days_between(reached, Pathway.entry_date)
    return sa.case((sa.or_(sa.not_(entered_in(period)), reached.is_(None)), sa.null()),
                   (days < 0, 0), else_=days)


def pathway_facts(period: Period, today: date, referent_id: int | None,
                  grouped: bool) -> sa.Subquery:
    """One row per pathway entered or exited in the period: what it adds to each count (0 or
    1, or a number of barriers or hundredths), its day counts to the measured milestones, and
    with `grouped` the flags of the groups it is in (sex, then 0 or 1 per public)."""
    entered, exited = entered_in(period), exited_in(period)
    read = [sa.or_(entered, exited)]
    if referent_id is not None:
        read.append(Participant.referent_id == referent_id)

    def among(column) -> sa.Select:
        query = sa.select(column).where(*read)
        if referent_id is not None:
            query = query.join(Participant, Participant.id == Pathway.participant_id)
        return query

    steps, grids = open_steps(among(Pathway.id)), regraded(among(Pathway.id))
    exited_by_today = sa.and_(Pathway.exit_date.is_not(None), Pathway.exit_date <= today)
    still_in = sa.and_(entered, in_pathway())
    both_grids = sa.and_(entered, PathwayProgress.distance_baseline.is_not(None),
                         PathwayProgress.distance_latest.is_not(None),
                         grids.c.pathway_id.is_not(None))
    # Hundredths as integers: exact sums on SQLite (floats) and PostgreSQL (numerics) alike.
    hundredths = sa.cast(sa.func.round(
        (PathwayProgress.distance_latest - PathwayProgress.distance_baseline) * 100),
        sa.Integer)
    lifted = sa.func.coalesce(PathwayProgress.lifted_barriers, 0)
    identified = lifted + sa.func.coalesce(PathwayProgress.open_barriers, 0)
    counted = {
        "exits": exited,
        "positive": sa.and_(exited, POSITIVE),
        "validated": sa.and_(exited, VALIDATED),
        "ready": sa.and_(exited, PROVISIONAL, PathwayProgress.exit_state == "ready"),
        "ended_early": sa.and_(exited, PROVISIONAL, PathwayProgress.exit_state == "ended_early"),
        "entries": entered,
        "cohort_exited": sa.and_(entered, exited_by_today),
        "cohort_positive": sa.and_(entered, exited_by_today, POSITIVE),
        "cohort_validated": sa.and_(entered, exited_by_today, VALIDATED),
        "with_lifted": sa.and_(entered, PathwayProgress.lifted_barriers > 0),
        "distance_count": both_grids,
        "in_pathway": still_in,
        "no_step": sa.and_(still_in, steps.c.pathway_id.is_(None)),
    } | {f"milestone_{code}": sa.and_(entered, getattr(PathwayProgress, f"reached_{code}")
                                      .is_not(None))
         for code in MILESTONES}
    columns = {name: sa.case((condition, 1), else_=0) for name, condition in counted.items()}
    columns |= {"barriers_identified": sa.case((entered, identified), else_=0),
                "barriers_lifted": sa.case((entered, lifted), else_=0),
                "distance_hundredths": sa.case((both_grids, hundredths), else_=0)}
    columns |= {measure: days_to(reached, period) for measure, reached in MEASURES.items()}
    query = (sa.select(*(column.label(name) for name, column in columns.items()))
             .select_from(Pathway)
             .join(Participant, Participant.id == Pathway.participant_id)
             .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
             .outerjoin(steps, steps.c.pathway_id == Pathway.id)
             .outerjoin(grids, grids.c.pathway_id == Pathway.id)
             .where(*read))
    if grouped:
        query, criteria = with_criteria(query)
        query = query.add_columns(Participant.sex.label("sex"), *(
            sa.case((condition, 1), else_=0).label(f"is_{key.lower()}")
            for key, condition in public_conditions(criteria).items()))
    return query.subquery("facts")


def groups_of(row) -> tuple[str, ...]:
    """The groups of a combination row: everyone, each public flagged, its sex's group."""
    groups = ["all", *(key for key in PUBLIC_LABELS if row[f"is_{key.lower()}"])]
    if f"sex:{row['sex']}" in SEX_GROUPS:  # no group for a sex outside the list (or NULL)
        groups.append(f"sex:{row['sex']}")
    return tuple(groups)


def outcome_totals(period: Period, today: date, referent_id: int | None = None,
                   grouped: bool = True) -> dict[str, GroupTotals]:
    """Per group key, the summed counts and pooled day counts of the period, in one query.

    The pathways are summed per combination of group flags (a few hundred rows at most, one
    without `grouped`), the day counts joined into a string per combination, and the groups
    added up in Python: each pathway is read once, whatever the number of groups.
    """
    facts = pathway_facts(period, today, referent_id, grouped)
    keys = []
    if grouped:
        keys = [facts.c.sex, *(facts.c[f"is_{key.lower()}"] for key in PUBLIC_LABELS)]
    summed = [*COUNTS, *(f"milestone_{code}" for code in MILESTONES)]
    query = sa.select(
        *keys, *(sa.func.sum(facts.c[name]).label(name) for name in summed),
        *(sa.func.aggregate_strings(sa.cast(facts.c[measure], sa.String), ",").label(measure)
          for measure in MEASURES),
    ).group_by(*keys)
    combinations = [
        Combination(groups_of(row) if grouped else ("all",),
                    {name: int(row[name] or 0) for name in summed},
                    {measure: day_counts(row[measure]) for measure in MEASURES})
        for row in db.session.execute(query).mappings()]
    return group_totals(combinations)


def group_figures(key: str, label: str, totals: dict[str, GroupTotals],
                  target: Decimal) -> GroupFigures:
    """One group's figures from the summed combinations (zeros when it holds no pathway)."""
    found = totals.get(key, GroupTotals())
    medians = {measure: Median(len(found.days[measure]), day_median(found.days[measure]))
               for measure in MEASURES}
    return GroupFigures(
        key, label, **{name: found.counts[name] for name in COUNTS},
        milestones={code: found.counts[f"milestone_{code}"] for code in MILESTONES},
        **medians, target=target,
    )


def target_for(period: Period, today: date) -> Decimal:
    """The positive-exit target in force at the end of the period (today at the latest)."""
    return Decimal(parameters_for(min(period.end, today)).positive_exit_target_percent)


def cohort_of(period: Period, target: Decimal, figures: GroupFigures) -> CohortFigures:
    """A group's figures presented as a cohort, with each milestone's share of the entrants."""
    milestones = [(code, label, figures.milestones[code],
                   share(figures.milestones[code], figures.entries))
                  for code, label in MILESTONES.items()]
    return CohortFigures(period, target, figures, milestones)


def cohort_figures(period: Period, today: date, referent_id: int | None = None) -> CohortFigures:
    """The PLIE's outcomes for the period, or one référent's (one query).

    The dashboard takes the PLIE's from breakdowns() (Breakdowns.cohort) instead.
    """
    target = target_for(period, today)
    totals = outcome_totals(period, today, referent_id, grouped=False)
    return cohort_of(period, target, group_figures("all", "Ensemble", totals, target))


def breakdowns(period: Period, today: date) -> Breakdowns:
    """The outcome figures of everyone, by public and by sex (one query)."""
    target = target_for(period, today)
    totals = outcome_totals(period, today)

    def build(key: str, label: str) -> GroupFigures:
        return group_figures(key, label, totals, target)

    sexes = [build(key, label) for key, label in SEX_GROUPS.items()]
    # "Sexe non renseigné" only when some pathway of the period lacks it.
    sexes = [group for group in sexes if group.key != "sex:" or group.entries or group.exits]
    return Breakdowns(period, target, build("all", "Ensemble"),
                      [build(key, label) for key, label in PUBLIC_LABELS.items()], sexes)


# --- Alerts and freshness -----------------------------------------------------------------


def alert_kinds(today: date, referent_id: int | None = None) -> list[tuple[str, str, int]]:
    """(kind, French label, pathways concerned) for each alert kind, in one query.

    The pathways are counted per distinct list of kinds (a few dozen lists, however many
    pathways), and the lists split into kinds in Python: one grouping instead of a LIKE per
    kind over every pathway.
    """
    query = (sa.select(PathwayProgress.alert_kinds, sa.func.count())
             .where(PathwayProgress.alert_count > 0)
             .group_by(PathwayProgress.alert_kinds))
    if referent_id is not None:
        query = (query.join(Participant, Participant.id == PathwayProgress.participant_id)
                 .where(Participant.referent_id == referent_id))
    counts = kind_counts(db.session.execute(query))
    params = parameters_for(today)
    return [(kind, alert_label(kind, params), counts[kind]) for kind in ALERT_LABELS]


@dataclass(frozen=True)
class Freshness:
    """How current the stored evaluations are."""

    today: date
    pathways: int
    pending: int  # missing, marked stale, or evaluated before today
    oldest: date | None  # the oldest evaluation date stored

    @property
    def up_to_date(self) -> bool:
        """Every pathway was evaluated today."""
        return self.pending == 0


def freshness(today: date, referent_id: int | None = None) -> Freshness:
    """When the figures were evaluated, and how many wait for the next refresh (one query)."""
    query = (sa.select(sa.func.count(Pathway.id), count_if(pending_evaluation(today)),
                       sa.func.min(PathwayProgress.evaluated_on))
             .select_from(Pathway)
             .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id))
    if referent_id is not None:
        query = (query.join(Participant, Participant.id == Pathway.participant_id)
                 .where(Participant.referent_id == referent_id))
    pathways, pending, oldest = db.session.execute(query).one()
    return Freshness(today, int(pathways or 0), int(pending or 0), oldest)
