"""Administration: user accounts and partner structures. The admin sees no participant data."""

import hashlib

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import audit
from app.admin.forms import ConfirmForm, StructureForm, UserForm
from app.auth.operations import set_password
from app.extensions import db
from app.models import Participant, Role, Structure, User
from app.models.user import ROLE_LABELS
from app.participants.queries import like_escape
from app.passwords import generate_temporary_password
from app.permissions import roles_required
from app.text import search_key
from app.web import requested_page

bp = Blueprint("admin", __name__, url_prefix="/admin")

USER_FIELDS = ("email", "first_name", "last_name", "phone", "role", "structure_id",
               "caseload_ceiling")


@bp.route("")
@roles_required(Role.ADMIN)
def index():
    """Counts of accounts and structures, and where to go next."""
    by_role = dict(
        db.session.execute(
            sa.select(User.role, sa.func.count(User.id))
            .where(User.active.is_(True))
            .group_by(User.role)
        ).all()
    )
    structures = db.session.scalar(sa.select(sa.func.count(Structure.id)))
    return render_template(
        "admin/index.html", by_role=by_role, structures=structures, labels=ROLE_LABELS
    )


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    """Search and page through accounts."""
    # Unprintable characters dropped: a NUL byte would crash the PostgreSQL query.
    text = "".join(ch for ch in request.args.get("q") or "" if ch.isprintable()).strip()[:100]
    role = request.args.get("role", "")
    query = sa.select(User).options(sa.orm.joinedload(User.structure))
    if role in {r.value for r in Role}:
        query = query.where(User.role == role)
    for word in text.lower().split()[:5]:
        # The word as typed ("hélène") and unaccented ("helene"); % and _ are literal.
        patterns = dict.fromkeys([f"%{like_escape(word)}%", f"%{like_escape(search_key(word))}%"])
        query = query.where(
            sa.or_(*(column.ilike(pattern, escape="\\") for pattern in patterns
                     for column in (User.email, User.last_name, User.first_name)))
        )
    query = query.order_by(User.active.desc(), User.last_name, User.first_name)
    page = db.paginate(query, page=requested_page(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, q=text, role=role, labels=ROLE_LABELS)


def structure_choices() -> list[tuple[int, str]]:
    """Active structures for the user form, with 'none' first."""
    rows = db.session.scalars(
        sa.select(Structure).where(Structure.active.is_(True)).order_by(Structure.name)
    )
    return [(0, "— Aucune —")] + [(s.id, s.name) for s in rows]


def email_taken(email: str, except_id: int | None = None) -> bool:
    """Whether another account already uses this e-mail address."""
    query = sa.select(User.id).where(User.email == email)
    if except_id is not None:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    """Create an account with a temporary password shown once."""
    form = UserForm()
    form.structure_id.choices = structure_choices()
    if form.validate_on_submit():
        if email_taken(form.email.data):
            form.email.errors.append("Un compte utilise déjà cette adresse e-mail.")
        else:
            user = User(password_hash="")
            apply_user_form(form, user)
            password = generate_temporary_password()
            set_password(user, password, must_change=True)
            db.session.add(user)
            db.session.flush()
            audit.record("user.create", target=user, role=user.role)
            db.session.commit()
            return render_template("admin/password_shown.html", user=user, password=password)
    return render_template("admin/user_form.html", form=form, user=None), (
        400 if form.errors else 200
    )


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id):
    """Edit an account's identity, role, structure or ceiling."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.structure_id.choices = structure_choices()
    if user.structure_id and user.structure_id not in dict(form.structure_id.choices):
        form.structure_id.choices.append((user.structure_id, user.structure.name))
    if request.method == "GET":
        form.structure_id.data = user.structure_id or 0
        form.version.data = user_version(user)
    if form.validate_on_submit():
        if form.version.data != user_version(user):
            form.form_errors.append(
                "Ce compte a été modifié par quelqu'un d'autre pendant votre saisie. "
                "Vos valeurs sont conservées ci-dessous : vérifiez-les puis enregistrez à nouveau."
            )
            form.version.data = user_version(user)
            return render_template("admin/user_form.html", form=form, user=user), 409
        if email_taken(form.email.data, except_id=user.id):
            form.email.errors.append("Un compte utilise déjà cette adresse e-mail.")
        elif user.id == current_user.id and form.role.data != Role.ADMIN:
            form.role.errors.append(
                "Vous ne pouvez pas retirer votre propre rôle d'administrateur."
            )
        else:
            changed = apply_user_form(form, user)
            if "role" in changed:
                # A new role means new rights: end the sessions opened under the old one.
                user.rotate_session_token()
            audit.record("user.update", target=user, fields=changed)
            db.session.commit()
            flash(f"Le compte de {user.full_name} est enregistré.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), (
        400 if form.errors or form.form_errors else 200
    )


def user_version(user: User) -> str:
    """A fingerprint of the editable fields, to detect a concurrent edit."""
    values = "\x1f".join(str(getattr(user, name)) for name in USER_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:16]


def apply_user_form(form: UserForm, user: User) -> list[str]:
    """Copy the form into the account; return the names of the fields that changed."""
    changed = []
    for name in USER_FIELDS:
        value = form[name].data
        if name == "structure_id":
            value = value or None
        if name == "phone":
            value = value or ""
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    return changed


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_deactivate(user_id):
    """Ask for confirmation, then deactivate an account and end its sessions."""
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if user.id == current_user.id:
        flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        return redirect(url_for("admin.users"))
    caseload = db.session.scalar(
        sa.select(sa.func.count(Participant.id)).where(Participant.referent_id == user.id)
    )
    if form.validate_on_submit():
        user.active = False
        user.rotate_session_token()
        audit.record("user.deactivate", target=user)
        db.session.commit()
        flash(f"Le compte de {user.full_name} est désactivé ; ses sessions sont fermées.",
              "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/confirm.html", form=form, user=user, action="deactivate",
                           caseload=caseload)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.ADMIN)
def user_reactivate(user_id):
    """Reactivate an account."""
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        user.active = True
        audit.record("user.reactivate", target=user)
        db.session.commit()
        flash(f"Le compte de {user.full_name} est réactivé.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_reset_password(user_id):
    """Ask for confirmation, then give the account a temporary password shown once."""
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        password = generate_temporary_password()
        set_password(user, password, must_change=True)
        audit.record("user.password_reset", target=user)
        db.session.commit()
        return render_template("admin/password_shown.html", user=user, password=password)
    return render_template("admin/confirm.html", form=form, user=user, action="reset",
                           caseload=None)


@bp.route("/structures")
@roles_required(Role.ADMIN)
def structures():
    """Partner structures with their number of active accounts."""
    counts = (
        sa.select(User.structure_id, sa.func.count(User.id).label("n"))
        .where(User.active.is_(True))
        .group_by(User.structure_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Structure, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.structure_id == Structure.id)
        .order_by(Structure.active.desc(), Structure.name)
    ).all()
    return render_template("admin/structures.html", rows=rows)


@bp.route("/structures/new", methods=["GET", "POST"])
@bp.route("/structures/<int:structure_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def structure_form(structure_id=None):
    """Create or edit a partner structure."""
    structure = db.get_or_404(Structure, structure_id) if structure_id else None
    form = StructureForm(obj=structure)
    if form.validate_on_submit():
        others = sa.select(Structure.name)
        if structure is not None:
            others = others.where(Structure.id != structure.id)
        # Compared in Python: SQLite's lower() folds ASCII only ("É" would stay "É").
        wanted = form.name.data.casefold()
        if any(name.casefold() == wanted for name in db.session.scalars(others)):
            form.name.errors.append("Une structure porte déjà ce nom.")
        else:
            creating = structure is None
            structure = structure or Structure()
            form.populate_obj(structure)
            db.session.add(structure)
            db.session.flush()
            audit.record("structure.create" if creating else "structure.update", target=structure)
            db.session.commit()
            flash(f"La structure {structure.name} est enregistrée.", "success")
            return redirect(url_for("admin.structures"))
    return render_template("admin/structure_form.html", form=form, structure=structure), (
        400 if form.errors else 200
    )
