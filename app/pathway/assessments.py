"""The assessment grid of a pathway: fill, edit and delete grids; the distance travelled.

A grid scores every active dimension from 1 to 4 with the participant: at entry (once per
pathway), periodically, and at exit. It may be filled on a pathway in progress or just
exited (the exit grid often comes with the exit review), never before the entry.

The participant page shows the section `pathway/_assessment_section.html`: it loads
`Pathway.assessments` with ASSESSMENT_OPTIONS and passes `**assessment_context(pathway)`.
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import configure_mappers, selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from app import audit
from app.charts.distance import ChartRow, fr_number, render_distance_chart, signed
from app.clock import paris_today
from app.domain.assessment_grid import (
    ASSESSMENT_KINDS,
    SCORE_LEVELS,
    DatedAssessment,
    assessment_problems,
)
from app.domain.distance import (
    AssessmentData,
    Distance,
    assessment_due,
    distance_travelled,
    mean_score,
)
from app.extensions import db
from app.forms import add_problems, no_control_characters
from app.models import Assessment, AssessmentDimension, AssessmentScore, Participant, Pathway
from app.models.base import utcnow
from app.pathway.barriers_forms import clean_text
from app.pathway.common import (
    current_pathway_or_404,
    file_url,
    is_stale,
    load_child,
    load_participant,
)
from app.permissions import PARTICIPANT_ROLES, roles_required

bp = Blueprint("assessments", __name__, url_prefix="/participants/<public_id>/grilles")

ANCHOR = "grilles"
# Pathway.assessments is a backref declared on Assessment: it exists once mappers are set up.
configure_mappers()
# What the participant page adds to its Pathway loader options, so that the section below
# reads assessments, scores and dimensions without a query of its own.
ASSESSMENT_OPTIONS = (
    selectinload(Pathway.assessments)
    .selectinload(Assessment.scores)
    .joinedload(AssessmentScore.dimension),
)
# "la grille d'entrée", "la grille intermédiaire", "la grille de sortie".
KIND_PHRASES = {"entree": "d'entrée", "intermediaire": "intermédiaire", "sortie": "de sortie"}
COMMENT_HELP = ("Restez factuel(le) : le participant peut demander à lire son dossier. Ne "
                "notez aucun détail de santé.")
KIND_HELP = ("La grille d'entrée sert de point de départ : la distance parcourue se mesure "
             "depuis elle. Elle se remplit une seule fois par parcours.")


@bp.app_template_filter("score_fr")
def score_fr(value) -> str:
    """A score or a mean the French way (2,13), a dash when missing."""
    return fr_number(value)


@bp.app_template_filter("score_delta_fr")
def score_delta_fr(value) -> str:
    """A change of score with its sign (+1, −0,25, 0), a dash when missing."""
    return signed(value)


# --- Forms ---------------------------------------------------------------------------------


def score_level(value):
    """A posted score as an int, or None when it is no number (refused with a French message)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ScoreField(RadioField):
    """The 1–4 radio buttons of one dimension, with one French message when none is chosen."""

    def __init__(self, label, missing_message: str, **kwargs):
        super().__init__(label, coerce=score_level, **kwargs)
        self.missing_message = missing_message

    def pre_validate(self, form):
        """Refuse a missing score or anything outside 1–4."""
        if self.data not in SCORE_LEVELS:
            raise StopValidation(self.missing_message)


class AssessmentForm(FlaskForm):
    """Date, moment and comment of a grid; one ScoreField per dimension is added at runtime."""

    assessed_on = DateField("Date de l'évaluation",
                            validators=[DataRequired("Indiquez la date de l'évaluation.")])
    kind = SelectField("Moment du parcours", choices=dict(ASSESSMENT_KINDS),
                       validate_choice=False, description=KIND_HELP)
    comment = TextAreaField("Commentaire", filters=[clean_text],
                            validators=[Optional(), Length(max=5000, message=(
                                "Le commentaire ne peut pas dépasser 5 000 caractères.")),
                                no_control_characters],
                            description=COMMENT_HELP)
    version = HiddenField()


class VersionForm(FlaskForm):
    """The delete confirmation, checked against the version the user saw."""

    version = HiddenField()


def score_name(dimension: AssessmentDimension) -> str:
    """The form field holding a dimension's score."""
    return f"score_{dimension.code}"


def form_dimensions(assessment: Assessment | None = None) -> list[AssessmentDimension]:
    """The active dimensions, plus any hidden since that the assessment already scores."""
    condition = AssessmentDimension.active
    if assessment is not None and assessment.scores:
        condition = sa.or_(condition, AssessmentDimension.id.in_(
            [score.dimension_id for score in assessment.scores]))
    return list(db.session.scalars(
        sa.select(AssessmentDimension).where(condition)
        .order_by(AssessmentDimension.position, AssessmentDimension.code)
    ))


def build_form(dimensions: list[AssessmentDimension], pathway: Pathway,
               assessment: Assessment | None) -> AssessmentForm:
    """The grid form with a radio group per dimension, filled from the assessment on GET."""
    fields = {
        score_name(d): ScoreField(
            d.label, f"Choisissez un niveau de 1 à 4 pour « {d.label} ».",
            choices={level: d.levels[level] or f"Niveau {level}" for level in SCORE_LEVELS},
        )
        for d in dimensions
    }
    form_type = type("GridForm", (AssessmentForm,), fields)
    form = form_type(obj=assessment if request.method == "GET" else None)
    if request.method == "GET":
        if assessment is None:
            form.assessed_on.data = min(paris_today(), pathway.exit_date or paris_today())
            form.kind.data = default_kind(pathway)
        else:
            form.version.data = str(assessment.version)
            saved = {score.dimension_id: score.score for score in assessment.scores}
            for d in dimensions:
                form[score_name(d)].data = saved.get(d.id)
    return form


def default_kind(pathway: Pathway) -> str:
    """What a new grid most likely is: the entry one first, the exit one after the exit."""
    if not any(a.kind == "entree" for a in pathway.assessments):
        return "entree"
    return "sortie" if pathway.exit_date else "intermediaire"


def rules_hold(form: AssessmentForm, pathway: Pathway, assessment: Assessment | None) -> bool:
    """The dating and entry-grid rules; each problem goes to its field. True when none."""
    others = [DatedAssessment(a.assessed_on, a.kind) for a in pathway.assessments
              if assessment is None or a.id != assessment.id]
    problems = assessment_problems(form.assessed_on.data, form.kind.data or "",
                                   pathway.entry_date, pathway.exit_date, paris_today(), others)
    return not add_problems(form, problems)


def apply_form(form: AssessmentForm, assessment: Assessment,
               dimensions: list[AssessmentDimension]) -> list[str]:
    """Copy the form into the assessment and its scores; return the names of what changed."""
    changed = []
    for name in ("assessed_on", "kind", "comment"):
        value = form[name].data if name != "comment" else (form[name].data or "")
        if getattr(assessment, name) != value:
            setattr(assessment, name, value)
            changed.append(name)
    saved = {score.dimension_id: score for score in assessment.scores}
    for dimension in dimensions:
        value = form[score_name(dimension)].data
        score = saved.get(dimension.id)
        if score is None:
            assessment.scores.append(AssessmentScore(dimension=dimension, score=value))
        elif score.score != value:
            score.score = value
        else:
            continue
        changed.append(score_name(dimension))
    if changed and assessment.id is not None:
        # A change of scores alone updates no column of the assessment: touching the row
        # moves its version, so a colleague's stale form is caught.
        assessment.updated_at = utcnow()
    return changed


# --- Pages ---------------------------------------------------------------------------------


def load(public_id: str, assessment_id: str | None = None):
    """The participant (permission checked), their current pathway and one of its grids."""
    participant = load_participant(public_id)
    pathway = current_pathway_or_404(participant, open_only=False)
    assessment = load_child(Assessment, assessment_id, pathway) if assessment_id else None
    return participant, pathway, assessment


def refuse_not_entered(participant: Participant):
    """Send the user back: a grid is filled only once the participant has entered."""
    flash("La grille d'évaluation se remplit à partir de l'entrée dans le parcours : "
          "enregistrez d'abord l'entrée.", "warning")
    return redirect(file_url(participant, ANCHOR))


def grid_is_open(pathway: Pathway) -> bool:
    """Whether grids of the pathway may change: entered, in progress or just exited."""
    return pathway.entry_date is not None and pathway.status in ("in_pathway", "exited")


def render_grid_form(form, participant, dimensions, title: str, assessment=None,
                     conflict_rows=None, status: int | None = None):
    """The grid form; 400 when it holds errors, or the given status (409 on a conflict)."""
    if status is None:
        status = 400 if form.errors else 200
    fields = [form[score_name(d)] for d in dimensions]
    return render_template("pathway/assessment_form.html", form=form, participant=participant,
                           title=title, score_fields=fields, assessment=assessment,
                           conflict_rows=conflict_rows or []), status


@bp.route("/nouvelle", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def create(public_id):
    """Fill a new grid with the participant."""
    participant, pathway, _ = load(public_id)
    if not grid_is_open(pathway):
        return refuse_not_entered(participant)
    dimensions = form_dimensions()
    form = build_form(dimensions, pathway, None)
    if form.validate_on_submit() and rules_hold(form, pathway, None):
        assessment = Assessment(pathway=pathway, author_id=current_user.id)
        apply_form(form, assessment, dimensions)
        db.session.add(assessment)
        db.session.flush()
        # No score in the log: the health dimension is sensitive, and the admin reads the log.
        audit.record("assessment.create", target=participant, record="assessment",
                     assessment=assessment.public_id, kind=assessment.kind)
        db.session.commit()
        flash(f"La grille {KIND_PHRASES[assessment.kind]} est enregistrée.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_grid_form(form, participant, dimensions, "Nouvelle grille d'évaluation")


@bp.route("/<assessment_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id, assessment_id):
    """Edit a grid; a colleague's save in between gets the 409 comparison, nothing lost."""
    participant, pathway, assessment = load(public_id, assessment_id)
    if not grid_is_open(pathway):
        return refuse_not_entered(participant)
    dimensions = form_dimensions(assessment)
    form = build_form(dimensions, pathway, assessment)
    title = "Modifier la grille d'évaluation"
    if form.validate_on_submit() and rules_hold(form, pathway, assessment):
        if is_stale(form, assessment):
            return render_conflict(form, assessment, participant, dimensions, title)
        changed = apply_form(form, assessment, dimensions)
        try:
            db.session.flush()
        except StaleDataError:
            reload_or_404(assessment)
            return render_conflict(form, assessment, participant, dimensions, title)
        audit.record("assessment.update", target=participant, record="assessment",
                     assessment=assessment.public_id, kind=assessment.kind, fields=changed)
        db.session.commit()
        flash("La grille d'évaluation est enregistrée.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_grid_form(form, participant, dimensions, title, assessment)


def reload_or_404(assessment: Assessment) -> None:
    """After a lost race, read the grid again; 404 if a colleague deleted it meanwhile."""
    db.session.rollback()
    try:
        db.session.refresh(assessment)
    except InvalidRequestError:
        abort(404)


def render_conflict(form, assessment: Assessment, participant: Participant,
                    dimensions: list[AssessmentDimension], title: str):
    """Answer 409: the saved grid beside the typed one; the form keeps what was typed."""
    audit.record("record.update_conflict", target=participant, record="assessment",
                 assessment=assessment.public_id)
    db.session.commit()
    saved_scores = {score.dimension_id: score.score for score in assessment.scores}
    rows = [
        ("Date de l'évaluation", assessment.assessed_on.strftime("%d/%m/%Y"),
         form.assessed_on.data.strftime("%d/%m/%Y") if form.assessed_on.data else "—"),
        ("Moment du parcours", ASSESSMENT_KINDS.get(assessment.kind, assessment.kind),
         ASSESSMENT_KINDS.get(form.kind.data, form.kind.data or "—")),
    ]
    rows += [(d.label, str(saved_scores.get(d.id, "—")),
              str(form[score_name(d)].data or "—")) for d in dimensions]
    rows.append(("Commentaire", assessment.comment or "—", form.comment.data or "—"))
    form.version.data = str(assessment.version)
    conflict_rows = [(label, saved, typed, saved != typed) for label, saved, typed in rows]
    return render_grid_form(form, participant, dimensions, title, assessment, conflict_rows,
                            status=409)


@bp.route("/<assessment_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete(public_id, assessment_id):
    """Ask for confirmation, then delete the grid (unless a colleague changed it meanwhile)."""
    participant, pathway, assessment = load(public_id, assessment_id)
    if not grid_is_open(pathway):
        return refuse_not_entered(participant)
    form = VersionForm()
    message, status = "", 200
    if form.validate_on_submit():
        if not is_stale(form, assessment):
            ref, kind = assessment.public_id, assessment.kind
            db.session.delete(assessment)
            try:
                db.session.flush()
            except StaleDataError:
                reload_or_404(assessment)
            else:
                audit.record("assessment.delete", target=participant, record="assessment",
                             assessment=ref, kind=kind)
                db.session.commit()
                flash(f"La grille {KIND_PHRASES[kind]} est supprimée.", "success")
                return redirect(file_url(participant, ANCHOR))
        audit.record("record.update_conflict", target=participant, record="assessment",
                     assessment=assessment.public_id)
        db.session.commit()
        message = ("Un(e) collègue a modifié cette grille entre-temps : vérifiez son état "
                   "actuel avant de confirmer la suppression.")
        status = 409
    form.version.data = str(assessment.version)
    return render_template("pathway/assessment_delete.html", form=form,
                           participant=participant, assessment=assessment,
                           scores=sorted(assessment.scores,
                                         key=lambda s: (s.dimension.position,
                                                        s.dimension.code)),
                           phrase=KIND_PHRASES.get(assessment.kind, ""), message=message), status


# --- The section of the participant page ---------------------------------------------------


@dataclass(frozen=True)
class AssessmentRow:
    """One grid in the section's list."""

    assessment: Assessment
    kind_label: str
    mean: Decimal | None
    scored: int


@dataclass(frozen=True)
class DistanceRow:
    """One dimension in the table beside the chart."""

    label: str
    baseline: int | None
    latest: int | None
    delta: int | None
    comparable: bool


def grid_label(kind: str, day) -> str:
    """'d'entrée (03/03/2025)': a grid as the chart's legend names it."""
    return f"{KIND_PHRASES.get(kind, kind)} ({day.strftime('%d/%m/%Y')})"


def assessment_context(pathway: Pathway) -> dict:
    """What the grids' section needs besides participant, pathway and editable.

    Pass it to `pathway/_assessment_section.html` as `**assessment_context(pathway)`. It reads
    `pathway.assessments` as loaded: with ASSESSMENT_OPTIONS, it sends no query.
    """
    assessments = list(pathway.assessments)
    dimensions = {s.dimension_id: s.dimension for a in assessments for s in a.scores}
    ordered = sorted(dimensions.values(), key=lambda d: (d.position, d.code))
    labels = {d.code: d.label for d in ordered}
    data = [AssessmentData(a.assessed_on, a.kind, a.score_by_code) for a in assessments]
    distance = distance_travelled(data, [d.code for d in ordered])
    rows = [AssessmentRow(a, ASSESSMENT_KINDS.get(a.kind, a.kind),
                          mean_score(s.score for s in a.scores), len(a.scores))
            for a in assessments]
    today = paris_today()
    due = None
    if pathway.status == "in_pathway":
        latest_on = max((a.assessed_on for a in assessments), default=None)
        due = assessment_due(latest_on, today, entry_date=pathway.entry_date)
    return {
        "distance": distance,
        "distance_svg": distance_chart(distance, labels),
        "distance_rows": distance_rows(distance, labels),
        "assessment_rows": rows,
        "assessment_due": due,
        # Grids change only on the participant's current pathway (the routes act on it).
        "assessments_editable": grid_is_open(pathway)
        and pathway.participant.current_pathway is pathway,
    }


def distance_rows(distance: Distance | None, labels: dict[str, str]) -> list[DistanceRow]:
    """The table's rows: each dimension's two scores and change."""
    if distance is None:
        return []
    return [DistanceRow(labels.get(c.code, c.code), c.baseline,
                        c.latest if distance.has_follow_up else None,
                        c.delta if distance.has_follow_up else None, c.comparable)
            for c in distance.dimensions]


def distance_chart(distance: Distance | None, labels: dict[str, str]) -> Markup:
    """The chart, once a later grid can be compared with the baseline (else empty)."""
    if distance is None or not distance.has_follow_up:
        return Markup("")
    baseline = grid_label(distance.baseline.kind, distance.baseline.assessed_on)
    latest = grid_label(distance.latest.kind, distance.latest.assessed_on)
    summary = ""
    if distance.delta is not None:
        summary = (f"Moyenne sur {len(distance.comparable)} dimensions : "
                   f"{fr_number(distance.baseline_mean)} puis {fr_number(distance.latest_mean)}"
                   f", soit {signed(distance.delta)}.")
    rows = [ChartRow(labels.get(c.code, c.code), c.baseline, c.latest)
            for c in distance.dimensions]
    return Markup(render_distance_chart(rows, "Distance parcourue depuis la grille "
                                        f"{KIND_PHRASES.get(distance.baseline.kind, '')}",
                                        baseline, latest, summary, id_prefix="distance"))
