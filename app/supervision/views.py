"""Supervisor pages: caseloads overview and the audit log."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from app import audit
from app.audit import ACTION_LABELS
from app.clock import PARIS
from app.extensions import db
from app.models import AuditEvent, Participant, Role, User
from app.permissions import roles_required
from app.supervision.forms import AuditFilterForm
from app.web import requested_page

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


@bp.route("")
@roles_required(Role.SUPERVISOR)
def index():
    """Every référent's active caseload against their ceiling."""
    counts = (
        sa.select(Participant.referent_id, sa.func.count(Participant.id).label("n"))
        .group_by(Participant.referent_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(User, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.referent_id == User.id)
        .where(User.role == Role.REFERENT)
        .options(sa.orm.joinedload(User.structure))
        .order_by(User.active.desc(), User.last_name, User.first_name)
    ).all()
    unassigned = db.session.scalar(
        sa.select(sa.func.count(Participant.id)).where(Participant.referent_id.is_(None))
    )
    total = sum(count for _, count in rows) + unassigned
    return render_template(
        "supervision/index.html", rows=rows, total=total, unassigned=unassigned
    )


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
