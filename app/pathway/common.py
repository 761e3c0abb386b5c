"""What every pathway form shares: loading with the permission check, versions, conflicts."""

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.extensions import db
from app.models import Participant, Pathway
from app.permissions import get_participant_or_deny, is_public_id


def load_participant(public_id: str) -> Participant:
    """The participant, through the one permission check, with their pathways loaded."""
    return get_participant_or_deny(public_id, selectinload(Participant.pathways))


def current_pathway_or_404(participant: Participant, open_only: bool = True) -> Pathway:
    """The participant's latest pathway; 404 when there is none (or it takes no records)."""
    pathway = participant.current_pathway
    if pathway is None or (open_only and not pathway.accepts_records):
        abort(404)
    return pathway


def load_child(model, public_id: str, pathway: Pathway):
    """A record of the given pathway by its public id, else 404."""
    if not is_public_id(public_id):
        abort(404)
    record = db.session.scalar(
        sa.select(model).where(model.public_id == public_id, model.pathway_id == pathway.id)
    )
    if record is None:
        abort(404)
    return record


def file_url(participant: Participant, anchor: str = "") -> str:
    """The participant page, optionally at a section."""
    url = url_for("participants.show", public_id=participant.public_id)
    return f"{url}#{anchor}" if anchor else url


def render_form(form, participant, title: str, sections, submit: str = "Enregistrer",
                danger: bool = False):
    """Render a pathway form by sections of fields, with 400 when it holds errors."""
    status = 400 if form.errors or form.form_errors else 200
    return render_template("pathway/form.html", form=form, participant=participant,
                           title=title, sections=sections, submit=submit, danger=danger), status


def is_stale(form, record) -> bool:
    """Whether the form was filled from an older version than the saved one."""
    return record is not None and str(form.version.data) != str(record.version)


def field_text(form, name: str, value) -> str:
    """A field value as a person reads it (choice labels, French dates)."""
    field = form[name]
    if value is None or value == "":
        return "—"
    if hasattr(field, "iter_choices"):
        labels = choice_labels(field)
        if isinstance(value, list | tuple | set):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def choice_labels(field) -> dict[str, str]:
    """A select field's labels by value, whatever form its choices were given in."""
    return {str(choice.value): str(choice.label) for choice in field.iter_choices()}


def render_conflict(form, record, fields, participant, title: str):
    """Answer 409: the colleague's saved values beside the typed ones, ready to re-save."""
    audit.record("record.update_conflict", target=participant,
                 record=type(record).__name__.lower())
    db.session.commit()
    rows = []
    for name in fields:
        saved = field_text(form, name, getattr(record, name))
        typed = field_text(form, name, form[name].data)
        rows.append((form[name].label.text, saved, typed, saved != typed))
    form.version.data = str(record.version)
    return render_template("pathway/conflict.html", form=form, rows=rows, title=title,
                           participant=participant, fields=fields,
                           action=request.full_path.rstrip("?")), 409


def save_or_conflict(form, record, fields, participant, title, apply, action: str,
                     anchor: str, message: str):
    """Apply the form to the record and commit, or answer 409 when a colleague saved first."""
    if is_stale(form, record):
        return render_conflict(form, record, fields, participant, title)
    changed = apply(form, record)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(record)
        return render_conflict(form, record, fields, participant, title)
    audit.record(action, target=participant, record=type(record).__name__.lower(),
                 fields=changed)
    db.session.commit()
    flash(message, "success")
    return redirect(file_url(participant, anchor))


def copy_fields(form, record, fields) -> list[str]:
    """Copy form fields into the record; return the names of those that changed."""
    changed = []
    for name in fields:
        value = form[name].data
        if isinstance(value, str):
            value = value.strip()
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed
