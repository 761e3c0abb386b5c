"""Reading a référent's caseload: one row per active participant, in a fixed number of queries.

Everything a row shows besides the name and status (milestones, alerts, last contact, the step
under way, the next appointment) comes from pathway_progress, kept up to date by
app/progress/snapshot.py; `current_caseload_page` evaluates again the rows evaluated before
today before it reads the page. The current pathway (the latest by orientation) is found in
SQL, so the number of queries never depends on the number of people nor on how much history
each one has.

Nothing here reads current_user: the same functions serve the référent's home page and the
supervisor's view of one référent's caseload.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from functools import cache

import sqlalchemy as sa

from app.caseload.actions import FILE_ENDPOINT, Action, alert_action
from app.domain.alerts import ALERT_LABELS, JOB_BASED_EXITS
from app.domain.catalogue import PATHWAY_STATUSES, STEP_TYPES
from app.domain.facts import OPEN_STEP_STATUSES
from app.domain.milestones import MILESTONES
from app.domain.rules import RuleParameters
from app.extensions import core_rows, db
from app.models import (
    Appointment,
    Employment,
    Participant,
    Pathway,
    PathwayProgress,
    Step,
    User,
)
from app.paging import PageLinks, page_count
from app.participants.queries import name_condition
from app.progress.parameters import parameters_for
from app.progress.snapshot import evaluated_before, refresh_stale
from app.reference_data import step_type_labels
from app.text import search_key
from app.urls import url_pattern

PER_PAGE = 25
TEXT_MAX_LENGTH = 100
TEXT_MAX_WORDS = 5
NO_PATHWAY = "none"
# The statuses a caseload row can have, in the order of the pathway. An exited pathway only
# stays in the caseload while its job-based exit awaits validation (in-work follow-up).
STATUS_LABELS = {
    NO_PATHWAY: "Aucun parcours",
    **{code: label for code, label in PATHWAY_STATUSES.items() if code != "refused"},
}
STATUS_FILTER_LABELS = {
    **STATUS_LABELS,
    NO_PATHWAY: "Aucun parcours enregistré",
    "exited": "Sorti(e), sortie provisoire à suivre",
}
STEP_TYPE_CODES = {code for code, _ in STEP_TYPES}
DEFAULT_SORT = "urgence"
SORT_LABELS = {
    "urgence": "Le plus urgent d'abord",
    "nom": "Nom",
    "statut": "Statut",
    "contact": "Dernier contact (le plus ancien d'abord)",
    "rdv": "Prochain rendez-vous (le plus proche d'abord)",
    "alertes": "Nombre d'alertes (le plus élevé d'abord)",
}
# Query-string names of the filters (French, like the participant search's q and tri).
ARG_TEXT, ARG_ALERTS, ARG_NO_STEP = "q", "alertes", "sans_etape"
ARG_STATUS, ARG_STEP_TYPE, ARG_SORT = "statut", "etape", "tri"
CHECKED = {"1", "on", "oui", "true"}
# Numbers each alert label is formatted with, from the rule parameters in force.
ALERT_NUMBERS = {
    "no_contact": lambda p: {"days": p.contact_max_days},
    "no_step": lambda p: {"days": p.no_step_max_days},
    "validation_due": lambda p: {"months": p.validation_months},
    "pathway_warning": lambda p: {"months": p.pathway_warning_months},
    "pathway_max": lambda p: {"months": p.pathway_max_months},
    "post_exit_due": lambda p: {"months": p.post_exit_months},
}


# --- Filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseloadFilters:
    """What the caseload table is narrowed to, and how it is sorted."""

    text: str = ""
    with_alerts: bool = False
    without_step: bool = False
    status: str = ""
    step_type: str = ""
    sort: str = DEFAULT_SORT

    @property
    def narrowed(self) -> bool:
        """Whether any filter (not the sort) is set."""
        return bool(self.text or self.with_alerts or self.without_step or self.status
                    or self.step_type)

    def args(self, **changes) -> dict[str, str]:
        """The query-string arguments of these filters (defaults left out), with changes."""
        filters = replace(self, **{k: v for k, v in changes.items() if k != "page"})
        args = {
            ARG_TEXT: filters.text,
            ARG_ALERTS: "1" if filters.with_alerts else "",
            ARG_NO_STEP: "1" if filters.without_step else "",
            ARG_STATUS: filters.status,
            ARG_STEP_TYPE: filters.step_type,
            ARG_SORT: "" if filters.sort == DEFAULT_SORT else filters.sort,
        }
        if changes.get("page", 1) != 1:
            args["page"] = str(changes["page"])
        return {name: value for name, value in args.items() if value}


def filters_from_args(args: Mapping[str, str]) -> CaseloadFilters:
    """Read the filters from a request's query string; unknown values are ignored."""
    text = " ".join(str(args.get(ARG_TEXT, "") or "").split())[:TEXT_MAX_LENGTH]
    status = args.get(ARG_STATUS, "") or ""
    step_type = args.get(ARG_STEP_TYPE, "") or ""
    sort = args.get(ARG_SORT, "") or DEFAULT_SORT
    return CaseloadFilters(
        text=text,
        with_alerts=(args.get(ARG_ALERTS, "") or "").lower() in CHECKED,
        without_step=(args.get(ARG_NO_STEP, "") or "").lower() in CHECKED,
        status=status if status in STATUS_FILTER_LABELS else "",
        step_type=step_type if step_type in STEP_TYPE_CODES else "",
        sort=sort if sort in SORT_LABELS else DEFAULT_SORT,
    )


# --- What a page holds -----------------------------------------------------------------------

@dataclass(slots=True)
class AlertItem:
    """One alert of a row, with the action that clears it."""

    kind: str
    label: str
    due_on: date
    action: Action
    overdue: bool = False  # fell due before today


class PersonNames:
    """How a row with first_name and last_name names its person (a mixin)."""

    __slots__ = ()
    first_name: str
    last_name: str

    @property
    def display_name(self) -> str:
        """LAST NAME First name, as lists show people."""
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def spoken_name(self) -> str:
        """First name LAST NAME, for screen readers after an action's label."""
        return f"{self.first_name} {self.last_name.upper()}"


@dataclass(slots=True)
class CaseloadRow(PersonNames):
    """One participant of the caseload, as the table shows them."""

    public_id: str
    url: str  # the participant's file
    first_name: str
    last_name: str
    status: str
    status_label: str
    step_label: str
    step_status: str  # "en_cours", "prevue" or "" (no step under way)
    other_open_steps: int
    milestone_label: str
    last_contact_on: date | None
    days_since_contact: int | None
    next_appointment_on: date | None
    next_appointment_time: time | None
    next_appointment_purpose: str
    alerts: list[AlertItem]

    @property
    def provisional_exit(self) -> bool:
        """Exited on a job whose exit still awaits validation."""
        return self.status == "exited"


@dataclass
class CaseloadPage(PageLinks):
    """A page of the caseload, the counts shown above it, and the filter choices."""

    referent_id: int
    filters: CaseloadFilters
    items: list[CaseloadRow]
    page: int
    per_page: int
    total: int  # rows matching the filters
    active_count: int  # the whole caseload, whatever the filters
    ceiling: int
    with_alerts_count: int
    without_step_count: int
    provisional_exits_count: int
    stale_count: int = 0  # rows evaluated before today: refresh, then read the page again
    step_type_choices: Mapping[str, str] = field(default_factory=dict)
    status_choices: dict[str, str] = field(default_factory=lambda: dict(STATUS_FILTER_LABELS))
    sort_choices: dict[str, str] = field(default_factory=lambda: dict(SORT_LABELS))

    @property
    def pages(self) -> int:
        """How many pages the filtered rows fill (at least one)."""
        return page_count(self.total, self.per_page)

    @property
    def over_ceiling(self) -> bool:
        """More active participants than the référent's ceiling."""
        return self.active_count > self.ceiling

    @property
    def at_ceiling(self) -> bool:
        """Exactly at the ceiling: no room for a new participant."""
        return self.active_count == self.ceiling


@dataclass(frozen=True)
class WeekAppointment(PersonNames):
    """An appointment of the current week."""

    public_id: str
    scheduled_on: date
    scheduled_time: time | None
    purpose: str
    attendance: str
    participant_public_id: str
    first_name: str
    last_name: str
    can_record_attendance: bool  # its day has come, nothing recorded, the pathway takes records
    url: str = ""  # the participant's file
    attendance_url: str = ""  # where its attendance is recorded


@dataclass(frozen=True)
class Week:
    """Monday to Sunday of the current week, and its appointments in order."""

    start: date
    end: date
    appointments: list[WeekAppointment]


# --- SQL building blocks ---------------------------------------------------------------------

# The statements below are built once per process around these parameters and given their
# values at execution: building and caching a statement this size costs more in Python than
# SQLite takes to run it.
REFERENT = sa.bindparam("referent_id", type_=sa.Integer())
TODAY = sa.bindparam("today", type_=sa.Date())
WEEK_START = sa.bindparam("week_start", type_=sa.Date())
WEEK_END = sa.bindparam("week_end", type_=sa.Date())
LIMIT = sa.bindparam("limit", type_=sa.Integer())
OFFSET = sa.bindparam("offset", type_=sa.Integer())


def const(value: str | int) -> sa.ColumnElement:
    """A constant written into the SQL text instead of sent as a parameter: the home page runs
    these statements on every visit, and each parameter costs Python time at each execution
    (the page statement had 49 of them, all but four constants)."""
    if isinstance(value, int):
        return sa.literal_column(str(int(value)), sa.Integer())
    return sa.literal_column("'" + value.replace("'", "''") + "'", sa.String())


def consts(values) -> list[sa.ColumnElement]:
    """const() of each value, for IN lists (sorted, so the SQL text is always the same)."""
    return [const(value) for value in sorted(values)]


def caseload_values(referent_id: int, today: date) -> dict:
    """The parameters every caseload statement takes."""
    return {"referent_id": referent_id, "today": today}


def refresh_caseload(referent_id: int, today: date) -> int:
    """Re-evaluate the caseload's pathways not evaluated today; the caller commits."""
    return refresh_stale(sa.select(Participant.id).where(Participant.referent_id == referent_id),
                         today)


def of_referent() -> sa.ColumnElement[bool]:
    """Participant rows assigned to the référent."""
    return Participant.referent_id == REFERENT


def latest_pathway_id(participant_id: sa.ColumnElement[int]) -> sa.ScalarSelect:
    """Id of the participant's latest pathway (by orientation, then id), NULL when none.

    One index lookup per participant: cheaper than ranking the caseload's pathways with a
    window function when the caseload is joined to one row each."""
    latest = sa.orm.aliased(Pathway, name="latest_pathway")
    return (sa.select(latest.id).where(latest.participant_id == participant_id)
            .order_by(latest.orientation_date.desc(), latest.id.desc()).limit(const(1))
            .scalar_subquery())


def status_expression() -> sa.Case:
    """app.domain.catalogue.pathway_status in SQL ("none" when there is no pathway)."""
    return sa.case(
        (Pathway.id.is_(None), const(NO_PATHWAY)),
        (Pathway.exit_date.is_not(None), const("exited")),
        (Pathway.entry_date.is_not(None), const("in_pathway")),
        *((Pathway.decision == const(decision), const(decision))
          for decision in ("accepted", "refused", "postponed")),
        else_=const("orientation"),
    )


def caseload_rows(text: str = "") -> sa.Subquery:
    """One row per active participant of the référent, with everything the table shows.

    Active: no pathway yet, or a current pathway neither refused nor exited; an exit on a job
    stays active until it is validated (the référent follows the person in work).
    """
    status = status_expression()
    in_work_follow_up = sa.and_(Pathway.exit_date.is_not(None),
                                Pathway.exit_category.in_(consts(JOB_BASED_EXITS)),
                                Pathway.exit_validated_on.is_(None))
    query = (
        sa.select(
            Participant.id.label("participant_id"),
            Participant.public_id,
            Participant.first_name,
            Participant.last_name,
            Participant.name_key,
            Pathway.id.label("pathway_id"),
            status.label("status"),
            PathwayProgress.highest_milestone,
            sa.func.coalesce(PathwayProgress.alert_count, const(0)).label("alert_count"),
            PathwayProgress.alerts,
            PathwayProgress.first_alert_due,
            PathwayProgress.last_contact_on,
            PathwayProgress.evaluated_on,
            sa.func.coalesce(PathwayProgress.step_type, const("")).label("step_type"),
            PathwayProgress.step_status,
            PathwayProgress.open_steps,
            PathwayProgress.next_appointment_on.label("next_on"),
            PathwayProgress.next_appointment_time.label("next_time"),
            PathwayProgress.next_appointment_purpose.label("next_purpose"),
        )
        .select_from(Participant)
        .outerjoin(Pathway, Pathway.id == latest_pathway_id(Participant.id))
        .outerjoin(PathwayProgress, PathwayProgress.pathway_id == Pathway.id)
        .where(of_referent(),
               sa.or_(status.not_in(consts(("refused", "exited"))), in_work_follow_up))
    )
    for word in search_key(text).split()[:TEXT_MAX_WORDS]:
        query = query.where(name_condition(word))
    return query.subquery("caseload")


def without_step(rows: sa.Subquery) -> sa.ColumnElement[bool]:
    """In pathway with no step under way nor planned."""
    return sa.and_(rows.c.status == const("in_pathway"), rows.c.step_type == const(""))


def filter_conditions(rows: sa.Subquery, filters: CaseloadFilters) -> list:
    """The WHERE conditions of the filters other than the text (applied in caseload_rows)."""
    conditions = []
    if filters.with_alerts:
        conditions.append(rows.c.alert_count > 0)
    if filters.without_step:
        conditions.append(without_step(rows))
    if filters.status:
        conditions.append(rows.c.status == filters.status)
    if filters.step_type:
        conditions.append(
            sa.select(Step.id).where(Step.pathway_id == rows.c.pathway_id,
                                     Step.type_code == filters.step_type,
                                     Step.status.in_(OPEN_STEP_STATUSES)).exists())
    return conditions


def sort_order(rows: sa.Subquery, sort: str) -> list:
    """ORDER BY of a sort; every order ends on the name, then the id, so pages are stable."""
    by_name = [rows.c.name_key, rows.c.participant_id]
    alert_first = [rows.c.first_alert_due.is_(None), rows.c.first_alert_due]
    status_position = sa.case(
        *((rows.c.status == const(code), const(index))
          for index, code in enumerate(STATUS_LABELS)),
        else_=const(len(STATUS_LABELS)))
    orders = {
        # Portable "NULLS LAST": (value IS NULL) sorts false (0) before true (1).
        "urgence": alert_first,
        "nom": [],
        "statut": [status_position],
        # Never contacted first, then the longest silence.
        "contact": [rows.c.last_contact_on.is_not(None), rows.c.last_contact_on],
        "rdv": [rows.c.next_on.is_(None), rows.c.next_on,
                sa.case((rows.c.next_time.is_(None), const(0)), else_=const(1)),
                rows.c.next_time],
        "alertes": [rows.c.alert_count.desc(), *alert_first],
    }
    return [*orders.get(sort, alert_first), *by_name]


# --- Reading a page --------------------------------------------------------------------------

def alert_label(kind: str, params: RuleParameters) -> str:
    """The alert's French label with the rule numbers in force."""
    template = ALERT_LABELS.get(kind)
    if template is None:
        return kind
    numbers = ALERT_NUMBERS.get(kind)
    return template.format(**(numbers(params) if numbers else {}))


def public_ids(model, keys: set[int]) -> dict[int, str]:
    """Public ids of the given records by integer id, in one query (none when no keys)."""
    if not keys:
        return {}
    return dict(db.session.execute(
        sa.select(model.id, model.public_id).where(model.id.in_(sorted(keys)))).all())


def stored_alerts(row) -> list[tuple[str, date, str, int | None]]:
    """The row's alerts as (kind, due date, subject, subject id), oldest due first."""
    alerts = []
    for kind, due, subject, key in row.alerts or []:
        alerts.append((kind, date.fromisoformat(due), subject or "", key))
    return sorted(alerts, key=lambda alert: alert[1])


@cache
def everyone() -> sa.Subquery:
    """The whole active caseload (no text filter), built once."""
    return caseload_rows()


SUMMARY = ("active", "with_alerts", "without_step", "provisional", "ceiling", "stale")


def summary_columns(over: dict | None = None) -> list:
    """(active, with alerts, without step, provisional exits, user ceiling, rows evaluated
    before today) of the whole caseload: aggregates, or with over={} the same as window
    functions on every row."""
    rows = everyone()

    def window(aggregate):
        return aggregate.over(**over) if over is not None else aggregate

    def count_where(condition):
        return sa.func.coalesce(
            window(sa.func.sum(sa.case((condition, const(1)), else_=const(0)))), const(0))

    ceiling = sa.select(User.caseload_ceiling).where(User.id == REFERENT).scalar_subquery()
    return [window(sa.func.count()).label("active"),
            count_where(rows.c.alert_count > const(0)).label("with_alerts"),
            count_where(without_step(rows)).label("without_step"),
            count_where(rows.c.status == const("exited")).label("provisional"),
            ceiling.label("ceiling"),
            count_where(sa.and_(rows.c.pathway_id.is_not(None),
                                evaluated_before(rows.c.evaluated_on, TODAY))).label("stale")]


@cache
def summary_statement() -> sa.Select:
    """The caseload's counts and its référent's ceiling, built once."""
    return sa.select(*summary_columns()).select_from(everyone())


def summary_counts(referent_id: int, today: date) -> tuple[int, ...]:
    """(active, with alerts, without step, provisional exits, user ceiling, stale rows) in
    one query."""
    row = db.session.execute(summary_statement(), caseload_values(referent_id, today)).one()
    return tuple(int(value or 0) for value in row)


def page_statement(rows: sa.Subquery, conditions: list, sort: str) -> sa.Select:
    """A page of rows meeting the conditions, in the sort's order (LIMIT and OFFSET bound)."""
    return (sa.select(rows).where(*conditions).order_by(*sort_order(rows, sort))
            .limit(LIMIT).offset(OFFSET))


@cache
def unfiltered_page_statement(sort: str) -> sa.Select:
    """A page of the whole caseload in the sort's order, each row carrying the caseload's
    counts (window functions run before LIMIT): one query for the usual home page. Built
    once per sort."""
    rows = everyone()
    return (sa.select(rows, *summary_columns(over={})).order_by(*sort_order(rows, sort))
            .limit(LIMIT).offset(OFFSET))


@dataclass(frozen=True)
class RowContext:
    """What turning SQL rows into CaseloadRows needs besides the rows themselves."""

    today: date
    params: RuleParameters
    step_ids: dict[int, str]  # public ids of the steps the alerts point to
    job_ids: dict[int, str]  # and of the contracts
    step_labels: Mapping[str, str]
    validates_exits: bool
    alert_labels: dict[str, str] = field(default_factory=dict)  # filled as kinds come up
    file_url: Callable[[str], str] = field(
        default_factory=lambda: url_pattern(FILE_ENDPOINT, "public_id"))

    def alert_label(self, kind: str) -> str:
        """The alert's label, formatted once per page."""
        label = self.alert_labels.get(kind)
        if label is None:
            label = self.alert_labels[kind] = alert_label(kind, self.params)
        return label


def to_row(row, alerts: list[tuple[str, date, str, int | None]],
           context: RowContext) -> CaseloadRow:
    """A CaseloadRow from a SQL row and its stored alerts."""
    today = context.today
    return CaseloadRow(
        public_id=row.public_id,
        url=context.file_url(row.public_id),
        first_name=row.first_name,
        last_name=row.last_name,
        status=row.status,
        status_label=STATUS_LABELS.get(row.status, row.status),
        step_label=context.step_labels.get(row.step_type, row.step_type) if row.step_type else "",
        step_status=row.step_status or "",
        other_open_steps=max(0, (row.open_steps or 0) - 1),
        milestone_label=MILESTONES.get(row.highest_milestone or "", ""),
        last_contact_on=row.last_contact_on,
        days_since_contact=(today - row.last_contact_on).days if row.last_contact_on else None,
        next_appointment_on=row.next_on,
        next_appointment_time=row.next_time,
        next_appointment_purpose=row.next_purpose or "",
        alerts=[
            AlertItem(kind, context.alert_label(kind), due,
                      alert_action(kind, subject, key, row.public_id, context.step_ids,
                                   context.job_ids, context.validates_exits),
                      overdue=due < today)
            for kind, due, subject, key in alerts
        ],
    )


def caseload_page(referent_id: int, filters: CaseloadFilters, today: date, page: int,
                  *, validates_exits: bool = False, per_page: int = PER_PAGE) -> CaseloadPage:
    """A page of the référent's active caseload, filtered and sorted, with its counts.

    Reads pathway_progress as it stands (current_caseload_page refreshes it first). A fixed
    number of queries whatever the caseload's size: counts, filtered count (only when a
    filter is set), the page's rows,
    step type labels, and at most one query each for the public ids of the steps and
    contracts the page's alerts point to. validates_exits: the viewer is a supervisor, who
    gets the exit validation link.
    """
    params = parameters_for(today)
    bound = caseload_values(referent_id, today)
    found = []
    if not filters.narrowed and page <= 1:
        # The usual home page: its rows bring the counts along (none when nobody is active).
        found = core_rows(unfiltered_page_statement(filters.sort),
                          {**bound, "limit": per_page, "offset": 0})
    if found:
        counts = tuple(int(getattr(found[0], name) or 0) for name in SUMMARY)
    else:
        counts = summary_counts(referent_id, today)
    active, with_alerts, no_step, provisional, user_ceiling, stale = counts
    if filters.narrowed:
        rows = caseload_rows(filters.text) if filters.text else everyone()
        conditions = filter_conditions(rows, filters)
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(rows).where(*conditions), bound)
        statement = page_statement(rows, conditions, filters.sort)
    else:  # the whole active caseload, already counted
        total = active
        statement = unfiltered_page_statement(filters.sort)
    pages = page_count(total, per_page)
    page = min(max(page, 1), pages)
    if not found:
        found = core_rows(statement,
                          {**bound, "limit": per_page, "offset": (page - 1) * per_page})
    row_alerts = [stored_alerts(row) for row in found]
    alerts = [alert for each_row in row_alerts for alert in each_row]
    labels = step_type_labels()
    context = RowContext(
        today, params,
        step_ids=public_ids(Step, {key for _, _, subject, key in alerts
                                   if subject == "step" and key is not None}),
        job_ids=public_ids(Employment, {key for _, _, subject, key in alerts
                                        if subject == "job" and key is not None}),
        step_labels=labels, validates_exits=validates_exits)
    return CaseloadPage(
        referent_id=referent_id,
        filters=filters,
        items=[to_row(row, each_row, context) for row, each_row
               in zip(found, row_alerts, strict=True)],
        page=page,
        per_page=per_page,
        total=total,
        active_count=active,
        ceiling=user_ceiling or params.caseload_ceiling,
        with_alerts_count=with_alerts,
        without_step_count=no_step,
        provisional_exits_count=provisional,
        stale_count=stale,
        step_type_choices=labels,
    )


def current_caseload_page(referent_id: int, filters: CaseloadFilters, today: date, page: int,
                          *, validates_exits: bool = False) -> CaseloadPage:
    """The caseload page as of today: when some of its rows were evaluated before today (the
    first visit of the day, or new rule parameters), the caseload is evaluated again and
    committed, then read again. Usually a single read."""
    found = caseload_page(referent_id, filters, today, page, validates_exits=validates_exits)
    if not found.stale_count:
        return found
    refresh_caseload(referent_id, today)
    db.session.commit()
    return caseload_page(referent_id, filters, today, page, validates_exits=validates_exits)


# --- The week's appointments -----------------------------------------------------------------

def week_bounds(today: date) -> tuple[date, date]:
    """Monday and Sunday of today's week."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def no_later_pathway() -> sa.ColumnElement[bool]:
    """Pathway is its participant's latest (by orientation, then id): none comes after it.

    For queries that reach pathways first (the week's appointments, the dashboard's caseload
    counts): a NOT EXISTS, which PostgreSQL runs as one anti-join and SQLite as an index probe
    per pathway, instead of ranking every pathway with a window function."""
    later = sa.orm.aliased(Pathway, name="later_pathway")
    return ~sa.select(later.id).where(
        later.participant_id == Pathway.participant_id,
        sa.or_(later.orientation_date > Pathway.orientation_date,
               sa.and_(later.orientation_date == Pathway.orientation_date,
                       later.id > Pathway.id)),
    ).exists()


@cache
def week_statement() -> sa.Select:
    """The appointments between two days on the caseload's current pathways, built once."""
    takes_records = sa.or_(
        sa.and_(Pathway.entry_date.is_not(None), Pathway.exit_date.is_(None)),
        sa.and_(Pathway.exit_date.is_not(None),
                Pathway.exit_category.in_(consts(JOB_BASED_EXITS)),
                Pathway.exit_validated_on.is_(None)),
    )
    return (
        sa.select(Appointment.public_id, Appointment.scheduled_on, Appointment.scheduled_time,
                  Appointment.purpose, Appointment.attendance, Participant.public_id,
                  Participant.first_name, Participant.last_name,
                  sa.case((takes_records, const(1)), else_=const(0)))
        .join(Pathway, Pathway.id == Appointment.pathway_id)
        .join(Participant, Participant.id == Pathway.participant_id)
        .where(of_referent(), Appointment.scheduled_on.between(WEEK_START, WEEK_END),
               no_later_pathway())
        .order_by(Appointment.scheduled_on,
                  sa.case((Appointment.scheduled_time.is_(None), const(0)), else_=const(1)),
                  Appointment.scheduled_time, Participant.name_key, Appointment.id)
    )


def week_appointments(referent_id: int, today: date) -> Week:
    """The appointments of the current week (Monday to Sunday) on the caseload's current
    pathways, in order of day and hour (one query)."""
    start, end = week_bounds(today)
    rows = core_rows(week_statement(), {
        **caseload_values(referent_id, today), "week_start": start, "week_end": end})
    file_url = url_pattern(FILE_ENDPOINT, "public_id")
    attendance_url = url_pattern("interviews.attendance", "public_id", "appointment_id")
    return Week(start, end, [
        WeekAppointment(public_id, day, hour, purpose or "", attendance or "", participant,
                        first, last,
                        can_record_attendance=bool(accepts) and not attendance and day <= today,
                        url=file_url(participant),
                        attendance_url=attendance_url(participant, public_id))
        for public_id, day, hour, purpose, attendance, participant, first, last, accepts
        in rows
    ])
