"""Admin page of the document settings: the PLIE's name and logo, the FSE+ mention and logo."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from app import audit
from app.documents.settings import (
    DEFAULT_FSE_MENTION,
    data_url,
    image_problem,
    save_setting,
    stored_settings,
)
from app.extensions import db
from app.forms import StrippedStringField, no_control_characters
from app.models import Role
from app.permissions import roles_required

bp = Blueprint("admin_documents", __name__, url_prefix="/admin/documents")

LOGO_HELP = "Image PNG ou JPEG, 1 Mo au plus."


class DocumentSettingsForm(FlaskForm):
    """The settings printed on every document."""

    plie_name = StrippedStringField(
        "Nom du PLIE imprimé sur les documents",
        validators=[Optional(), Length(max=200, message="200 caractères au plus."),
                    no_control_characters])
    plie_logo = FileField("Logo du PLIE")
    remove_plie_logo = BooleanField("Retirer le logo du PLIE")
    fse_mention = TextAreaField(
        "Mention du cofinancement FSE+",
        validators=[Optional(), Length(max=600, message="600 caractères au plus."),
                    no_control_characters],
        filters=[lambda value: value.strip() if isinstance(value, str) else value])
    fse_logo = FileField("Logo de l'Union européenne / FSE+")
    remove_fse_logo = BooleanField("Retirer le logo FSE+")


def uploaded(field) -> bytes | None:
    """The bytes of an uploaded file, or None when none was chosen."""
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(2 * 1024 * 1024)


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def index():
    """Show and change the document settings."""
    rows = stored_settings()
    form = DocumentSettingsForm()
    if not form.is_submitted():
        form.plie_name.data = rows["plie_name"].value if "plie_name" in rows else ""
        form.fse_mention.data = rows["fse_mention"].value if "fse_mention" in rows else ""
    if form.validate_on_submit():
        images = {}
        for key in ("plie_logo", "fse_logo"):
            content = uploaded(form[key])
            if content is None:
                continue
            content_type, problem = image_problem(content)
            if problem:
                form[key].errors = [problem]
            else:
                images[key] = (content, content_type)
        if not any(form[key].errors for key in ("plie_logo", "fse_logo")):
            changed = []
            for key in ("plie_name", "fse_mention"):
                if save_setting(key, current_user, value=form[key].data or ""):
                    changed.append(key)
            for key in ("plie_logo", "fse_logo"):
                if key in images:
                    if save_setting(key, current_user, binary=images[key][0],
                                    content_type=images[key][1]):
                        changed.append(key)
                elif form[f"remove_{key}"].data and save_setting(key, current_user, clear=True):
                    changed.append(key)
            if changed:
                audit.record("settings.documents", fields=changed)
                db.session.commit()
                flash("Paramètres des documents enregistrés.", "success")
            else:
                flash("Aucune modification.", "info")
            return redirect(url_for(".index"))
    status = 400 if form.errors else 200
    previews = {key: data_url(rows.get(key)) for key in ("plie_logo", "fse_logo")}
    return render_template("admin/documents.html", form=form, previews=previews,
                           default_mention=DEFAULT_FSE_MENTION, logo_help=LOGO_HELP), status
