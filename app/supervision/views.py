"""Supervisor pages: the dashboard, one référent's figures and caseload, the audit log."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup

from app import audit
from app.audit import ACTION_LABELS
from app.caseload.queries import current_caseload_page, filters_from_args
from app.charts.dashboard import FunnelStep, RateBar, render_funnel, render_rate_chart
from app.clock import PARIS, paris_today
from app.domain.dashboard import CEILING_LABELS, PeriodChoice, parse_period
from app.extensions import db
from app.models import AuditEvent, Role, User
from app.permissions import roles_required
from app.progress.parameters import parameters_for
from app.supervision.figures import (
    Breakdowns,
    CohortFigures,
    alert_kinds,
    breakdowns,
    cohort_figures,
    freshness,
    referent_figures,
)
from app.supervision.forms import AuditFilterForm
from app.supervision.referent_table import referent_table
from app.web import requested_page

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
# Shorter names of the publics for the chart's label column (the tables give the full ones).
CHART_LABELS = {"DELD": "DELD et DETLD", "QPV": "Résidents QPV", "RQTH": "RQTH",
                "JEUNE": "Moins de 26 ans", "SENIOR": "50 ans et plus"}
LARGEST_ID = 2**31 - 1  # beyond any user id, and beyond what SQLite binds without error


def cohort_charts(cohort: CohortFigures, prefix: str) -> dict[str, Markup]:
    """The exits-against-target chart and the milestones funnel of a cohort."""
    figures = cohort.figures
    rates = render_rate_chart(
        [RateBar("Sorties positives", figures.positive_share,
                 f"{figures.positive} sur {figures.exits}"),
         RateBar("dont validées", figures.validated_share,
                 f"{figures.validated} sur {figures.exits}", colour="validated")],
        title="Sorties positives de la période par rapport à l'objectif",
        target=cohort.target, id_prefix=f"{prefix}-rates")
    funnel = render_funnel(
        [FunnelStep(label, count) for _code, label, count, _share in cohort.milestones],
        figures.entries, title="Jalons atteints par les participants entrés sur la période",
        id_prefix=f"{prefix}-funnel")
    return {"rates": Markup(rates), "funnel": Markup(funnel)}


def public_chart(groups: Breakdowns) -> Markup:
    """Positive exit rates by public and by sex against the target."""
    bars = [RateBar(CHART_LABELS.get(group.key, group.label), group.positive_share,
                    f"{group.positive} sur {group.exits}")
            for group in [groups.total, *groups.publics, *groups.sexes]]
    return Markup(render_rate_chart(
        bars, title="Taux de sorties positives par public et par sexe",
        target=groups.target, id_prefix="publics-rates"))


def period_args(choice: PeriodChoice) -> dict[str, str]:
    """The query-string arguments that name the chosen period (none when it was invalid)."""
    if choice.errors:
        return {}
    return {name: value for name, value in choice.values.items() if value}


@bp.route("")
@roles_required(Role.SUPERVISOR)
def index():
    """The dashboard: caseloads against ceilings, outcomes of a period, by public and sex."""
    today = paris_today()
    choice = parse_period(request.args, today)
    period = choice.period
    groups = breakdowns(period, today)
    cohort = groups.cohort  # the PLIE's cohort is the breakdowns' "Ensemble" row
    referents = referent_figures(period, today)
    # The rows are filtered, sorted and paged in Python; the total row stays everyone's.
    table = referent_table(referents.rows, request.args, requested_page(),
                           keep=period_args(choice))
    context = {
        "today": today, "choice": choice, "period": period,
        "referents": referents, "table": table, "cohort": cohort, "groups": groups,
        "alerts": alert_kinds(today), "fresh": freshness(today),
        "charts": {**cohort_charts(cohort, "plie"), "publics": public_chart(groups)},
        "ceiling_labels": CEILING_LABELS, "form_url": url_for("supervision.index"),
        "period_args": period_args(choice), "rules": parameters_for(today),
        # A new period keeps the table's filter and sort (its first page's arguments, less
        # the period's own), and starts again from its page 1.
        "kept_args": {name: value for name, value in table.args(page=1).items()
                      if name not in table.keep},
    }
    detail = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if choice.errors:
        detail["invalid"] = ", ".join(sorted(choice.errors))
    detail.update(table.audit_detail())
    audit.record("supervision.dashboard", **detail)
    db.session.commit()
    return render_template("supervision/index.html", **context)


@bp.route("/referents/<int:user_id>", endpoint="referent")
@roles_required(Role.SUPERVISOR)
def referent_view(user_id: int):
    """One référent's outcomes for a period, and their caseload as they see it at home."""
    user = None
    if user_id <= LARGEST_ID:
        user = db.session.scalar(sa.select(User).where(User.id == user_id,
                                                       User.role == Role.REFERENT)
                                 .options(sa.orm.joinedload(User.structure)))
    if user is None:
        abort(404)
    today = paris_today()
    choice = parse_period(request.args, today)
    period = choice.period
    filters = filters_from_args(request.args)
    # As on the référent's home: rows evaluated before today are evaluated again first.
    caseload = current_caseload_page(user.id, filters, today, requested_page(),
                                     validates_exits=True)
    cohort = cohort_figures(period, today, referent_id=user.id)
    base_url = url_for("supervision.referent", user_id=user.id)
    audit.record("supervision.referent", target=user, start=period.start.isoformat(),
                 end=period.end.isoformat(), filters=filters.args(), page=caseload.page,
                 shown=len(caseload.items))
    db.session.commit()
    return render_template(
        "supervision/referent.html", user=user, today=today, choice=choice, period=period,
        period_args=period_args(choice), rules=parameters_for(today),
        cohort=cohort, charts=cohort_charts(cohort, "referent"),
        alerts=alert_kinds(today, user.id), fresh=freshness(today, user.id),
        caseload=caseload, filters=filters, base_url=base_url, form_url=base_url,
        # A new period keeps the caseload's filters and sort, and starts again from its page 1.
        kept_args=filters.args())


@bp.route("/audit", endpoint="audit")
@roles_required(Role.SUPERVISOR)
def audit_log():
    """The audit log, filtered by who, what and when, newest first."""
    form = AuditFilterForm(request.args)
    form.user_id.choices = [(0, "Tous")] + [
        (u.id, f"{u.last_name} {u.first_name} ({u.email})")
        for u in db.session.scalars(sa.select(User).order_by(User.last_name, User.first_name))
    ]
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.validate():
        query = apply_filters(query, form)
    page = db.paginate(query, page=requested_page(), per_page=50, error_out=False)
    audit.record("audit.view", page=page.page)
    db.session.commit()
    return render_template(
        "supervision/audit.html", form=form, page=page, labels=ACTION_LABELS
    )


def apply_filters(query, form: AuditFilterForm):
    """Narrow the audit query to the filters filled in."""
    if form.user_id.data:
        query = query.where(AuditEvent.user_id == form.user_id.data)
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.target.data:
        query = query.where(AuditEvent.target_id == form.target.data)
    if form.start.data:
        query = query.where(AuditEvent.at >= paris_midnight(form.start.data))
    if form.end.data:
        query = query.where(AuditEvent.at < paris_midnight(form.end.data + timedelta(days=1)))
    return query


def paris_midnight(day) -> datetime:
    """The instant a day starts in Paris."""
    return datetime.combine(day, time.min, tzinfo=PARIS)
