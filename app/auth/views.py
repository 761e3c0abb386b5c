"""Login, logout and password change."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app import audit
from app.auth.forms import ChangePasswordForm, LoginForm
from app.auth.operations import authenticate, safe_next_url, set_password
from app.extensions import db
from app.passwords import verify_password
from app.sessions import end_session, start_session

bp = Blueprint("auth", __name__)

FAILED_MESSAGE = "Adresse e-mail ou mot de passe incorrect."
LOCKED_MESSAGE = (
    "Trop de tentatives de connexion pour cette adresse. Réessayez dans 15 minutes "
    "ou demandez à l'administrateur de réinitialiser votre mot de passe."
)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and open a session on valid credentials."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, outcome = authenticate(form.email.data, form.password.data, request.remote_addr or "")
        if user is not None:
            start_session(user)
            db.session.commit()
            flash(f"Bonjour {user.first_name}.", "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
        db.session.commit()
        error = LOCKED_MESSAGE if outcome == "locked" else FAILED_MESSAGE
    status = 200 if error is None and not form.errors else 400 if form.errors else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session everywhere: the token rotates, so copied cookies stop working."""
    user = current_user._get_current_object()
    user.rotate_session_token()
    audit.record("logout", user=user)
    db.session.commit()
    end_session()
    flash("Vous êtes déconnecté(e).", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Let a user change their own password; other sessions end, this one continues."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Le mot de passe actuel est incorrect.")
        else:
            set_password(user, form.new_password.data)
            audit.record("password.change", user=user)
            db.session.commit()
            start_session(user)
            flash("Votre mot de passe a été changé. Vos autres sessions sont fermées.", "success")
            return redirect(url_for("main.home"))
    status = 400 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status
