"""FSE+ reports for supervisors: the indicator table for a period and scope, its exports and the
participants' export (CSV and XLSX, streamed), and the files to complete first."""

import math
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for

from app import audit
from app.clock import paris_today
from app.domain.catalogue import EXIT_CATEGORIES
from app.domain.fse import (
    SEX_COLUMNS,
    TODO_ORDER,
    FseReport,
    Period,
    ReportBuilder,
    TodoItem,
    todo_items,
)
from app.extensions import db
from app.models import Participant, Role
from app.paging import PageLinks
from app.permissions import roles_required
from app.progress.parameters import parameters_for
from app.reports import exports
from app.reports.forms import ReportFilterForm, ScopeForm
from app.reports.queries import (
    PLIE,
    Scope,
    accompanied_condition,
    entered_condition,
    first_entry_year,
    grouped_choices,
    iter_records,
    referent_names,
    scope_choices,
    scope_from_code,
)
from app.web import requested_page

bp = Blueprint("reports", __name__, url_prefix="/reports")

TODO_PER_PAGE = 50
MIME = {"csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_filters() -> tuple[ReportFilterForm, Period, Scope]:
    """The period (the current year by default) and the scope asked for in the query string."""
    form = ReportFilterForm(request.args)
    today = paris_today()
    first = min(first_entry_year() or today.year, today.year)
    years = list(range(today.year, first - 1, -1))
    form.annee.choices = [(year, str(year)) for year in years]
    choices = scope_choices()
    form.perimetre.choices = grouped_choices(choices)
    if not form.validate():
        form.annee.data = today.year
        return form, Period.year(today.year), PLIE
    if form.du.data and form.au.data:
        period = Period(form.du.data, form.au.data)
    else:
        period = Period.year(form.annee.data or today.year)
        form.annee.data = period.start.year
    return form, period, scope_from_code(form.perimetre.data or "plie", choices)


def period_text(period: Period) -> str:
    """The period as the audit log and the file names say it."""
    if period == Period.year(period.start.year):
        return str(period.start.year)
    return f"{period.start.isoformat()}_{period.end.isoformat()}"


def build_report(period: Period, scope: Scope) -> FseReport:
    """Count every participant of the scope accompanied in the period, chunk by chunk."""
    params = parameters_for(min(period.end, paris_today()))
    builder = ReportBuilder(period, params.positive_exit_target_percent)
    for chunk in iter_records(scope, accompanied_condition(period), period, with_counts=True):
        for _identity, record in chunk:
            builder.add(record)
    return builder.report()


def export_links(form: ReportFilterForm) -> dict[str, str]:
    """The four exports of what the page shows, with the same period and scope."""
    query = {name: value for name, value in request.args.items()
             if name in ("annee", "du", "au", "perimetre") and value}
    return {f"{kind}_{fmt}": url_for(f"reports.{kind}", fmt=fmt, **query)
            for kind in ("participants", "indicateurs") for fmt in ("csv", "xlsx")}


@bp.route("/fse")
@roles_required(Role.SUPERVISOR)
def fse():
    """The FSE+ indicator table by sex and the PLIE's figures for a period and a scope."""
    form, period, scope = report_filters()
    report = build_report(period, scope)
    audit.record("report.fse", period=period_text(period), scope=scope.code)
    db.session.commit()
    return render_template("reports/fse.html", form=form, report=report, period=period,
                           scope=scope, links=export_links(form),
                           sex_columns=SEX_COLUMNS, exit_categories=EXIT_CATEGORIES)


def download(body, kind: str, fmt: str, period: Period, scope: Scope) -> Response:
    """A streamed attachment; the audit event is committed before the first byte."""
    audit.record("export.fse", kind=kind, format=fmt, period=period_text(period),
                  scope=scope.code)
    db.session.commit()
    name = f"fse-{kind}-{period_text(period)}{'' if scope.kind == 'plie' else '-' + scope.code}"
    return Response(stream_with_context(body()), mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "X-Content-Type-Options": "nosniff",
    })


@bp.route("/fse/participants.<any(csv, xlsx):fmt>")
@roles_required(Role.SUPERVISOR)
def participants(fmt):
    """Every participant of the period with their entry and exit data (documented layout)."""
    _form, period, scope = report_filters()

    def body():
        """Rows are read, formatted and sent chunk by chunk."""
        chunks = iter_records(scope, accompanied_condition(period))
        rows = exports.participant_rows(chunks, period, referent_names())
        yield from (exports.participants_csv(rows) if fmt == "csv"
                    else exports.participants_xlsx(rows))

    return download(body, "participants", fmt, period, scope)


@bp.route("/fse/indicateurs.<any(csv, xlsx):fmt>")
@roles_required(Role.SUPERVISOR)
def indicateurs(fmt):
    """The indicator table by sex and the PLIE's figures."""
    _form, period, scope = report_filters()

    def body():
        """The table is counted first (it is small), then written."""
        report = build_report(period, scope)
        yield from (exports.indicators_csv(report) if fmt == "csv"
                    else exports.indicators_xlsx(report))

    return download(body, "indicateurs", fmt, period, scope)


@bp.route("/fse/colonnes")
@roles_required(Role.SUPERVISOR)
def columns():
    """The documented layout of the participant export."""
    return render_template("reports/columns.html", columns=exports.COLUMNS,
                           notes=exports.CSV_NOTES)


# --- Files to complete -------------------------------------------------------------------

@dataclass
class ListPage(PageLinks):
    """A page of a list sorted in Python, with what the pager macro reads."""

    items: list
    page: int
    pages: int
    total: int


@dataclass
class TodoRow:
    """A participant with what to complete, each with the link that does it."""

    public_id: str
    name: str
    referent: str
    items: list[tuple[TodoItem, str]]


def item_url(item: TodoItem, public_id: str, pathway_ids: dict[int, str]) -> str:
    """Where an item is completed."""
    if item.kind == "entry":
        return url_for("fse.entry", public_id=public_id)
    endpoint = "fse.exit_situation" if item.kind == "exit_situation" else "fse.post_exit_situation"
    return url_for(endpoint, public_id=public_id, parcours=pathway_ids.get(item.pathway_key))


@bp.route("/fse/a-completer")
@roles_required(Role.SUPERVISOR)
def todo():
    """Participants whose FSE+ data is incomplete or overdue, most overdue first."""
    form = ScopeForm(request.args)
    choices = scope_choices()
    form.perimetre.choices = grouped_choices(choices)
    scope = scope_from_code(form.perimetre.data or "plie", choices) if form.validate() else PLIE
    today = paris_today()
    params = parameters_for(today)
    days, months = params.exit_situation_days, params.post_exit_months
    # Only a sort key per participant is kept; the page's rows are read again below.
    keys: list[tuple[date, int, int]] = []
    totals = {"entry": 0, "exit_situation": 0, "post_exit": 0}
    for chunk in iter_records(scope, entered_condition()):
        for _identity, record in chunk:
            items = todo_items(record, today, days, months)
            if items:
                keys.append((items[0].due_on, TODO_ORDER[items[0].kind], record.person.key))
                for kind in {item.kind for item in items}:
                    totals[kind] += 1
    keys.sort()
    pages = max(1, math.ceil(len(keys) / TODO_PER_PAGE))
    page = min(requested_page(), pages)
    wanted = [key for _, _, key in keys[(page - 1) * TODO_PER_PAGE:page * TODO_PER_PAGE]]
    rows = page_rows(scope, wanted, today, days, months)
    listing = ListPage(rows, page, pages, len(keys))
    audit.record("report.fse_todo", scope=scope.code, page=page, shown=len(rows),
                 total=len(keys))
    db.session.commit()
    return render_template("reports/todo.html", form=form, page=listing, totals=totals,
                           today=today, scope=scope)


def page_rows(scope: Scope, wanted: list[int], today: date, days: int,
              months: int) -> list[TodoRow]:
    """The rows of one page, in the order of `wanted`."""
    if not wanted:
        return []
    names = referent_names()
    found = {}
    for chunk in iter_records(scope, Participant.id.in_(wanted), chunk=len(wanted)):
        for identity, record in chunk:
            items = todo_items(record, today, days, months)
            found[record.person.key] = TodoRow(
                identity.public_id, f"{identity.last_name.upper()} {identity.first_name}",
                names.get(identity.referent_id, ("", ""))[0],
                [(item, item_url(item, identity.public_id, identity.pathway_ids))
                 for item in items])
    return [found[key] for key in wanted if key in found]

