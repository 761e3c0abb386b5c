"""Home page by role, and the health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from app import audit
from app.extensions import db
from app.models import Participant, Role

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home():
    """Send each role to its starting page: the caseload, supervision, or administration."""
    if current_user.role == Role.SUPERVISOR:
        return redirect(url_for("supervision.index"))
    if current_user.role == Role.ADMIN:
        return redirect(url_for("admin.index"))
    participants = db.session.scalars(
        sa.select(Participant)
        .where(Participant.referent_id == current_user.id)
        .order_by(Participant.name_key)
    ).all()
    audit.record("participant.list", scope="caseload", count=len(participants))
    db.session.commit()
    return render_template("main/caseload.html", participants=participants)


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
