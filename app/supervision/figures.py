"""The supervisor dashboard's figures: SQL aggregates over pathway_progress, in fixed queries.

Every function runs a fixed number of statements, whatever the number of participants: the
counting happens in GROUP BY queries, medians in a window-function query that returns at
most two rows per group, and app/domain/dashboard.py turns the counts into shares and means.
The same SQL runs on SQLite and PostgreSQL (see days_between for the one difference).

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

from app.caseload.queries import alert_label
from app.domain.alerts import ALERT_LABELS, JOB_BASED_EXITS
from app.domain.catalogue import POSITIVE_EXIT_CATEGORIES
from app.domain.dashboard import (
    SENIOR_FROM,
    YOUNG_BELOW,
    Period,
    ceiling_status,
    effective_ceiling,
    hundredths_mean,
    middle_mean,
    points,
    share,
)
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


def count_if(condition) -> sa.ColumnElement[int]:
    """COUNT of the rows meeting the condition (COUNT skips the NULL of a failed CASE)."""
    return sa.func.count(sa.case((condition, 1)))


def sum_if(condition, value) -> sa.ColumnElement[int]:
    """SUM of `value` over the rows meeting the condition (0 when none does)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def text_literal(value: str) -> sa.ColumnElement[str]:
    """A constant string inlined in the SQL (typed alike by both engines inside a UNION)."""
    return sa.literal_column("'" + value.replace("'", "''") + "'", sa.String)


def age_at_entry() -> sa.ColumnElement[int]:
    """Whole years between birth and entry, as app/domain/people.py age_on counts them."""
    born, entered = Participant.birth_date, Pathway.entry_date
    years = sa.extract("year", entered) - sa.extract("year", born)
    before_birthday = sa.or_(
        sa.extract("month", entered) < sa.extract("month", born),
        sa.and_(sa.extract("month", entered) == sa.extract("month", born),
                sa.extract("day", entered) < sa.extract("day", born)),
    )
    return years - sa.case((before_birthday, 1), else_=0)


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


def still_followed(current: sa.Subquery) -> sa.ColumnElement[bool]:
    """The participant is in the active caseload, as app/caseload/queries.py counts it.

    No pathway yet; or a current pathway neither refused nor exited (orientation, decision
    postponed, accepted, en parcours); or an exit on a job whose validation is still awaited
    (in-work follow-up).
    """
    refused = sa.and_(Pathway.entry_date.is_(None), Pathway.decision == "refused")
    return sa.or_(
        current.c.pathway_id.is_(None),
        sa.and_(Pathway.exit_date.is_(None), sa.not_(refused)),
        sa.and_(Pathway.exit_date.is_not(None),
                Pathway.exit_category.in_(sorted(JOB_BASED_EXITS)),
                Pathway.exit_validated_on.is_(None)),
    )


def current_pathways() -> sa.Subquery:
    """(pathway_id, participant_id) of every participant's latest pathway (by orientation)."""
    ranked = sa.select(
        Pathway.id.label("pathway_id"),
        Pathway.participant_id,
        sa.func.row_number().over(
            partition_by=Pathway.participant_id,
            order_by=(Pathway.orientation_date.desc(), Pathway.id.desc()),
        ).label("position"),
    ).subquery("ranked_pathway")
    return (sa.select(ranked.c.pathway_id, ranked.c.participant_id)
            .where(ranked.c.position == 1).subquery("current_pathway"))


# Per-pathway and per-participant facts come from grouped derived tables joined once, not
# from correlated EXISTS: PostgreSQL costs each correlated subquery per row, and a few of them
# push the estimate past its JIT thresholds (seconds of compilation for a 0.3 s query).


def open_steps() -> sa.Subquery:
    """The pathways with a step « en cours » or « prévue »."""
    return (sa.select(Step.pathway_id).where(Step.status.in_(("en_cours", "prevue")))
            .group_by(Step.pathway_id).subquery("open_step"))


def regraded() -> sa.Subquery:
    """The pathways assessed at least twice: with one grid only, the stored latest score is
    the entry score itself, and a 0 there would mean "not measured yet", not "no progress"."""
    return (sa.select(Assessment.pathway_id).group_by(Assessment.pathway_id)
            .having(sa.func.count(Assessment.id) >= 2).subquery("regraded"))


# The publics an eligibility criterion puts a participant in (QPV and RQTH: or the file's flag).
CRITERIA_PUBLICS = {"RSA": ("RSA",), "DELD": ("DELD", "DETLD"), "QPV": ("QPV",),
                    "RQTH": ("RQTH",)}


def criteria_held() -> sa.Subquery:
    """Per participant, 1 or 0 for each public an eligibility criterion puts them in."""
    code = EligibilityCriterion.code
    return (sa.select(participant_criterion.c.participant_id,
                      *(sa.func.max(sa.case((code.in_(codes), 1), else_=0)).label(key.lower())
                        for key, codes in CRITERIA_PUBLICS.items()))
            .join(EligibilityCriterion,
                  EligibilityCriterion.id == participant_criterion.c.criterion_id)
            .group_by(participant_criterion.c.participant_id).subquery("criteria_held"))


def pending_evaluation(today: date) -> sa.ColumnElement[bool]:
    """The stored evaluation is missing, marked stale, or from before today."""
    return sa.or_(PathwayProgress.pathway_id.is_(None), PathwayProgress.evaluated_on.is_(None),
                  PathwayProgress.evaluated_on < today)


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
    participant counted on their current pathway, as on the référent's caseload page.
    """
    current = current_pathways()
    steps = open_steps()
    active = still_followed(current)
    running = in_pathway()
    contacted = sa.and_(running,
                        PathwayProgress.last_contact_on >= today - timedelta(days=contact_days),
                        PathwayProgress.last_contact_on <= today)
    alerts = sa.func.coalesce(PathwayProgress.alert_count, 0)
    query = (
        sa.select(
            Participant.referent_id,
            count_if(active),
            count_if(running),
            count_if(contacted),
            count_if(sa.and_(running, steps.c.pathway_id.is_(None))),
            sum_if(active, alerts),
            count_if(sa.and_(active, alerts > 0)),
        )
        .select_from(Participant)
        .outerjoin(current, current.c.participant_id == Participant.id)
        .outerjoin(Pathway, Pathway.id == current.c.pathway_id)
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .outerjoin(steps, steps.c.pathway_id == Pathway.id)
        .group_by(Participant.referent_id)
    )
    return {referent_id: tuple(int(value or 0) for value in values)
            for referent_id, *values in db.session.execute(query)}


def movement_counts(period: Period) -> dict:
    """Per référent id, (entries, exits) of the period over all pathways, in one query."""
    query = (
        sa.select(Participant.referent_id, count_if(entered_in(period)),
                  count_if(exited_in(period)))
        .select_from(Pathway)
        .join(Participant, Participant.id == Pathway.participant_id)
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


def public_conditions(criteria: sa.Subquery) -> dict[str, sa.ColumnElement[bool]]:
    """What puts a pathway in each public (criteria and flags as recorded today)."""
    age = age_at_entry()
    return {
        "RSA": criteria.c.rsa == 1,
        "DELD": criteria.c.deld == 1,
        "QPV": sa.or_(Participant.qpv.is_(True), criteria.c.qpv == 1),
        "RQTH": sa.or_(Participant.rqth.is_(True), criteria.c.rqth == 1),
        "JEUNE": sa.and_(Participant.birth_date.is_not(None), age < YOUNG_BELOW),
        "SENIOR": sa.and_(Participant.birth_date.is_not(None), age >= SENIOR_FROM),
    }


# The delays whose medians are shown: from entry to the first day of these milestones.
MEASURES = {"first_job": PathwayProgress.reached_experience,
            "durable": PathwayProgress.reached_emploi_durable}


def days_to(reached, period: Period) -> sa.ColumnElement[int]:
    """Days from entry to `reached` for the entry cohort (0 when reached before entry), else
    NULL (not entered in the period, or not reached)."""
    days = days_between(reached, Pathway.entry_date)
    return sa.case((sa.or_(sa.not_(entered_in(period)), reached.is_(None)), sa.null()),
                   (days < 0, 0), else_=days)


def memberships(period: Period, referent_id: int | None, grouped: bool) -> sa.CTE:
    """(pathway_id, grp, no_open_step, assessed_twice) for the pathways entered or exited in
    the period, one row per group the pathway is in.

    Everyone is in "all"; with `grouped`, a pathway is also in each public it belongs to (a
    person may count in several) and in the group of its participant's sex. The per-pathway
    tests (criteria, steps, grids) run once per pathway in the "cohort" CTE, which every
    group reads: both engines compute a CTE read more than once only once.
    """
    steps, grids, criteria = open_steps(), regraded(), criteria_held()
    flags = {"no_open_step": steps.c.pathway_id.is_(None),
             "assessed_twice": grids.c.pathway_id.is_not(None)}
    if grouped:
        flags |= {f"is_{key.lower()}": condition
                  for key, condition in public_conditions(criteria).items()}
    cohort = (sa.select(Pathway.id.label("pathway_id"), Participant.sex.label("sex"),
                        *(sa.case((condition, 1), else_=0).label(name)
                          for name, condition in flags.items()),
                        *(days_to(reached, period).label(measure)
                          for measure, reached in MEASURES.items()))
              .join(Participant, Participant.id == Pathway.participant_id)
              .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
              .outerjoin(steps, steps.c.pathway_id == Pathway.id)
              .outerjoin(grids, grids.c.pathway_id == Pathway.id)
              .where(sa.or_(entered_in(period), exited_in(period))))
    if grouped:
        cohort = cohort.outerjoin(criteria, criteria.c.participant_id == Participant.id)
    if referent_id is not None:
        cohort = cohort.where(Participant.referent_id == referent_id)
    cohort = cohort.cte("cohort")

    def group(key: str, *conditions) -> sa.Select:
        return sa.select(cohort.c.pathway_id, text_literal(key).label("grp"),
                         cohort.c.no_open_step, cohort.c.assessed_twice,
                         *(cohort.c[measure] for measure in MEASURES)).where(*conditions)

    parts = [group("all")]
    if grouped:
        parts += [group(key, cohort.c[f"is_{key.lower()}"] == 1) for key in PUBLIC_LABELS]
        parts += [group(key, cohort.c.sex == key.removeprefix("sex:")) for key in SEX_GROUPS]
    # A CTE too: the medians query reads it twice.
    return sa.union_all(*parts).cte("members")


def group_counts(period: Period, today: date, members: sa.CTE) -> dict[str, dict]:
    """The counts of GroupFigures for each group of `members`, in one GROUP BY query."""
    entered, exited = entered_in(period), exited_in(period)
    exited_by_today = sa.and_(Pathway.exit_date.is_not(None), Pathway.exit_date <= today)
    still_in = sa.and_(entered, in_pathway())
    both_grids = sa.and_(entered, PathwayProgress.distance_baseline.is_not(None),
                         PathwayProgress.distance_latest.is_not(None),
                         members.c.assessed_twice == 1)
    # Hundredths as integers: exact sums on SQLite (floats) and PostgreSQL (numerics) alike.
    hundredths = sa.cast(sa.func.round(
        (PathwayProgress.distance_latest - PathwayProgress.distance_baseline) * 100),
        sa.Integer)
    lifted = sa.func.coalesce(PathwayProgress.lifted_barriers, 0)
    identified = lifted + sa.func.coalesce(PathwayProgress.open_barriers, 0)
    columns = {
        "exits": count_if(exited),
        "positive": count_if(sa.and_(exited, POSITIVE)),
        "validated": count_if(sa.and_(exited, VALIDATED)),
        "ready": count_if(sa.and_(exited, PROVISIONAL, PathwayProgress.exit_state == "ready")),
        "ended_early": count_if(sa.and_(exited, PROVISIONAL,
                                        PathwayProgress.exit_state == "ended_early")),
        "entries": count_if(entered),
        "cohort_exited": count_if(sa.and_(entered, exited_by_today)),
        "cohort_positive": count_if(sa.and_(entered, exited_by_today, POSITIVE)),
        "cohort_validated": count_if(sa.and_(entered, exited_by_today, VALIDATED)),
        "barriers_identified": sum_if(entered, identified),
        "barriers_lifted": sum_if(entered, lifted),
        "with_lifted": count_if(sa.and_(entered, PathwayProgress.lifted_barriers > 0)),
        "distance_hundredths": sum_if(both_grids, hundredths),
        "distance_count": count_if(both_grids),
        "in_pathway": count_if(still_in),
        "no_step": count_if(sa.and_(still_in, members.c.no_open_step == 1)),
    }
    columns |= {f"milestone:{code}": count_if(sa.and_(
        entered, getattr(PathwayProgress, f"reached_{code}").is_not(None)))
        for code in MILESTONES}
    query = (
        sa.select(members.c.grp, *(column.label(name.replace(":", "_"))
                                   for name, column in columns.items()))
        .select_from(members)
        .join(Pathway, Pathway.id == members.c.pathway_id)
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .group_by(members.c.grp)
    )
    result = {}
    for row in db.session.execute(query):
        values = [int(value or 0) for value in row[1:]]
        result[row[0]] = dict(zip(columns, values, strict=True))
    return result


def group_medians(members: sa.CTE) -> dict[tuple[str, str], Median]:
    """Median days from entry to the first job and to the durable job, per group (one query).

    Only the entry cohort's pathways that reached the milestone count (see days_to). The window
    query ranks each group's day counts and keeps the middle one or two
    (app/domain/dashboard.py is_middle), so at most two rows per group and measure come back,
    however large the cohort.
    """
    values = sa.union_all(*(
        sa.select(members.c.grp.label("grp"), text_literal(measure).label("measure"),
                  members.c[measure].label("days"))
        .where(members.c[measure].is_not(None))
        for measure in MEASURES)).subquery("measured")
    window = {"partition_by": (values.c.grp, values.c.measure)}
    ranked = sa.select(
        values.c.grp, values.c.measure, values.c.days,
        sa.func.row_number().over(**window, order_by=values.c.days).label("position"),
        sa.func.count().over(**window).label("total"),
    ).subquery("ranked")
    query = (
        sa.select(ranked.c.grp, ranked.c.measure, sa.func.max(ranked.c.total),
                  sa.func.sum(ranked.c.days), sa.func.count())
        .where(2 * ranked.c.position >= ranked.c.total,
               2 * ranked.c.position <= ranked.c.total + 2)
        .group_by(ranked.c.grp, ranked.c.measure)
    )
    return {(grp, measure): Median(int(total), middle_mean(middle_sum, middle_count))
            for grp, measure, total, middle_sum, middle_count in db.session.execute(query)}


def group_figures(key: str, label: str, counts: dict[str, dict],
                  medians: dict[tuple[str, str], Median], target: Decimal) -> GroupFigures:
    """Assemble one group's figures from the two queries' results (zeros when absent)."""
    found = counts.get(key, {})
    plain = {name: value for name, value in found.items() if not name.startswith("milestone:")}
    return GroupFigures(
        key, label, **plain,
        milestones={code: found.get(f"milestone:{code}", 0) for code in MILESTONES},
        first_job=medians.get((key, "first_job"), Median()),
        durable=medians.get((key, "durable"), Median()),
        target=target,
    )


def target_for(period: Period, today: date) -> Decimal:
    """The positive-exit target in force at the end of the period (today at the latest)."""
    return Decimal(parameters_for(min(period.end, today)).positive_exit_target_percent)


def cohort_figures(period: Period, today: date, referent_id: int | None = None) -> CohortFigures:
    """The PLIE's outcomes for the period, or one référent's (2 queries)."""
    members = memberships(period, referent_id, grouped=False)
    target = target_for(period, today)
    figures = group_figures("all", "Ensemble", group_counts(period, today, members),
                            group_medians(members), target)
    milestones = [(code, label, figures.milestones[code],
                   share(figures.milestones[code], figures.entries))
                  for code, label in MILESTONES.items()]
    return CohortFigures(period, target, figures, milestones)


def breakdowns(period: Period, today: date) -> Breakdowns:
    """The outcome figures by public and by sex (2 queries)."""
    members = memberships(period, None, grouped=True)
    target = target_for(period, today)
    counts = group_counts(period, today, members)
    medians = group_medians(members)

    def build(key: str, label: str) -> GroupFigures:
        return group_figures(key, label, counts, medians, target)

    sexes = [build(key, label) for key, label in SEX_GROUPS.items()]
    # "Sexe non renseigné" only when some pathway of the period lacks it.
    sexes = [group for group in sexes if group.key != "sex:" or group.entries or group.exits]
    return Breakdowns(period, target, build("all", "Ensemble"),
                      [build(key, label) for key, label in PUBLIC_LABELS.items()], sexes)


# --- Alerts and freshness -----------------------------------------------------------------


def alert_kinds(today: date, referent_id: int | None = None) -> list[tuple[str, str, int]]:
    """(kind, French label, pathways concerned) for each alert kind, in one query."""
    padded = sa.literal(",") + PathwayProgress.alert_kinds + sa.literal(",")
    query = (sa.select(*(count_if(padded.like(f"%,{kind},%")) for kind in ALERT_LABELS))
             .select_from(PathwayProgress)
             .where(PathwayProgress.alert_count > 0))
    if referent_id is not None:
        query = (query.join(Participant, Participant.id == PathwayProgress.participant_id)
                 .where(Participant.referent_id == referent_id))
    counts = db.session.execute(query).one()
    params = parameters_for(today)
    return [(kind, alert_label(kind, params), int(count or 0))
            for kind, count in zip(ALERT_LABELS, counts, strict=True)]


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
