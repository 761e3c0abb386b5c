"""Home page by role, and the health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import audit
from app.caseload.queries import current_caseload_page, filters_from_args, week_appointments
from app.clock import paris_today
from app.domain.catalogue import ATTENDANCES
from app.extensions import db
from app.models import Role
from app.web import requested_page

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """Send each role to its starting page: the caseload, supervision, or administration."""
    if current_user.role == Role.SUPERVISOR:
        return redirect(url_for("supervision.index"))
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.index"))
    today = paris_today()
    filters = filters_from_args(request.args)
    # Alerts move with the calendar: rows evaluated before today are evaluated again first.
    caseload = current_caseload_page(current_user.id, filters, today, requested_page())
    week = week_appointments(current_user.id, today)
    audit.record("participant.list", scope="caseload", query=filters.text,
                 filters=filters.args(), page=caseload.page, shown=len(caseload.items))
    db.session.commit()
    return render_template("caseload/home.html", caseload=caseload, filters=filters,
                           base_url=url_for("main.home"), week=week,
                           attendance_labels=ATTENDANCES)


@bp.route("/a-propos")
@login_required
def about():
    """What Jalons is, its licence and how personal data is protected (no database work)."""
    return render_template("main/about.html")


@bp.route("/healthz")
def healthz():
    """Report whether the app can reach its database, as JSON."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
