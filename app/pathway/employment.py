"""Employment episodes of the pathway (contracts) and the missions of intérim episodes."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import format_decimal
from sqlalchemy.orm.exc import StaleDataError

from app import audit
from app.domain.catalogue import CONTRACT_TYPES
from app.domain.pathway_rules import EmploymentData, employment_problems, mission_problems
from app.extensions import db
from app.forms import add_problems
from app.models import Employment, Mission, Participant, Pathway, Step
from app.pathway.common import (
    copy_fields,
    current_pathway_or_404,
    file_url,
    load_child,
    load_participant,
    render_form,
    save_or_conflict,
)
from app.pathway.employment_forms import (
    EMPLOYMENT_FIELDS,
    EMPLOYMENT_SECTIONS,
    MISSION_FIELDS,
    ConfirmForm,
    ConfirmVersionForm,
    EmploymentForm,
    MissionForm,
)
from app.permissions import PARTICIPANT_ROLES, roles_required

bp = Blueprint("employment", __name__, url_prefix="/participants/<public_id>/emploi")

ANCHOR = "emploi"
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,24}")
INTERIM = "INTERIM"
Problems = dict[str, str]


@dataclass(frozen=True)
class MissionTotals:
    """What a series of intérim missions adds up to."""

    hours: Decimal
    days: int


@bp.app_template_filter("mission_totals")
def mission_totals(missions) -> MissionTotals:
    """Hours worked and distinct calendar days covered by the missions (overlaps count once)."""
    hours = sum((m.hours for m in missions if m.hours is not None), Decimal(0))
    days = 0
    covered_until: date | None = None
    for mission in sorted(missions, key=lambda m: m.start_date):
        start = mission.start_date
        if covered_until is not None and start <= covered_until:
            start = covered_until + timedelta(days=1)
        if mission.end_date >= start:
            days += (mission.end_date - start).days + 1
        if covered_until is None or mission.end_date > covered_until:
            covered_until = mission.end_date
    return MissionTotals(hours, days)


def french_day(day: date) -> str:
    """A date in messages: 03/02/2026."""
    return day.strftime("%d/%m/%Y")


def within_pathway(pathway: Pathway, dates: dict[str, date | None]) -> Problems:
    """Dates lie within the pathway: not before the orientation, not after the exit."""
    problems: Problems = {}
    for name, day in dates.items():
        if day is None:
            continue
        if day < pathway.orientation_date:
            problems[name] = ("Cette date précède l'orientation vers le PLIE "
                              f"({french_day(pathway.orientation_date)}).")
        elif pathway.exit_date and day > pathway.exit_date:
            problems[name] = ("Cette date suit la sortie du parcours "
                              f"({french_day(pathway.exit_date)}).")
    return problems


def existing_missions_problems(form: EmploymentForm, job: Employment | None) -> Problems:
    """An episode that holds missions stays intérim and keeps covering them."""
    if job is None or not job.missions:
        return {}
    problems: Problems = {}
    if form.contract_type.data != INTERIM:
        problems["contract_type"] = ("Cet épisode contient des missions d'intérim : "
                                     "supprimez-les avant de changer le type de contrat.")
    first = min(m.start_date for m in job.missions)
    last = max(m.end_date for m in job.missions)
    if form.start_date.data and form.start_date.data > first:
        problems["start_date"] = f"Une mission commence plus tôt, le {french_day(first)}."
    if form.actual_end.data and form.actual_end.data < last:
        problems["actual_end"] = f"Une mission se termine plus tard, le {french_day(last)}."
    return problems


def employment_form_problems(form: EmploymentForm, pathway: Pathway,
                             job: Employment | None) -> Problems:
    """Every rule an employment episode must satisfy, from the form's parsed values."""
    data = EmploymentData(
        contract_type=form.contract_type.data or "",
        start_date=form.start_date.data,
        planned_end=form.planned_end.data,
        actual_end=form.actual_end.data,
        weekly_hours=form.weekly_hours.data,
        rome_code=form.rome_code.data or "",
    )
    problems = within_pathway(pathway, {name: form[name].data for name in (
        "start_date", "planned_end", "actual_end")})
    problems |= employment_problems(data)
    problems |= existing_missions_problems(form, job)
    return problems


def mission_form_problems(form: MissionForm, job: Employment, pathway: Pathway) -> Problems:
    """A mission lies within its episode and the pathway, with plausible hours."""
    problems = within_pathway(pathway, {"start_date": form.start_date.data,
                                        "end_date": form.end_date.data})
    problems |= mission_problems(form.start_date.data, form.end_date.data, job.start_date,
                                 form.hours.data)
    if job.actual_end and form.end_date.data and form.end_date.data > job.actual_end:
        problems.setdefault("end_date", "La mission se termine après la fin de l'épisode "
                                        f"d'intérim ({french_day(job.actual_end)}).")
    return problems


def checked(form, rules) -> bool:
    """Validate the form, then add the rule problems (once per field); True when all is well."""
    valid = form.validate_on_submit()
    # The rules read the values as the validators left them (SIRET compacted, ROME in capitals).
    problems = rules()
    # Rules run even when a field is refused, so every error shows at the first attempt; a
    # field the form already refused keeps its own message rather than a second one.
    fresh = {name: message for name, message in problems.items()
             if name not in form._fields or not form[name].errors}
    return not add_problems(form, fresh) and valid


def context(public_id: str) -> tuple[Participant, Pathway]:
    """The participant (permission-checked) and their open pathway."""
    participant = load_participant(public_id)
    return participant, current_pathway_or_404(participant)


def load_episode(employment_id: str, pathway: Pathway) -> Employment:
    """An episode of the pathway by its public id, else 404."""
    # Public ids are URL-safe tokens; anything else (a NUL byte above all, which PostgreSQL
    # refuses with an error) cannot name an episode.
    if not PUBLIC_ID.fullmatch(employment_id):
        abort(404)
    return load_child(Employment, employment_id, pathway)


def describe(job: Employment) -> str:
    """An episode as a person names it: 'CDD — Boulangerie Martin'."""
    return f"{CONTRACT_TYPES.get(job.contract_type, job.contract_type)} — {job.employer}"


def apply_employment(form: EmploymentForm, job: Employment) -> list[str]:
    """Copy the form into the episode; return the changed field names."""
    return copy_fields(form, job, EMPLOYMENT_FIELDS)


@bp.route("/nouveau", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def create(public_id):
    """Add an employment episode to the open pathway."""
    participant, pathway = context(public_id)
    form = EmploymentForm()
    if request.method == "POST" and checked(
            form, lambda: employment_form_problems(form, pathway, None)):
        job = Employment()
        apply_employment(form, job)
        pathway.employments.append(job)
        db.session.flush()
        audit.record("employment.create", target=participant, record="employment",
                     employment=job.public_id, contract_type=job.contract_type)
        db.session.commit()
        flash(f"Le contrat « {describe(job)} » est enregistré.", "success")
        return redirect(file_url(participant, ANCHOR))
    return render_form(form, participant, "Nouveau contrat", EMPLOYMENT_SECTIONS)


@bp.route("/<employment_id>/modifier", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def edit(public_id, employment_id):
    """Edit an employment episode; a stale save answers 409 with both versions."""
    participant, pathway = context(public_id)
    job = load_episode(employment_id, pathway)
    form = EmploymentForm(obj=job)
    title = f"Modifier le contrat {describe(job)}"
    if request.method == "GET":
        form.version.data = str(job.version)
    elif checked(form, lambda: employment_form_problems(form, pathway, job)):
        return save_or_conflict(form, job, EMPLOYMENT_FIELDS, participant, title,
                                apply_employment, "employment.update", ANCHOR,
                                "Le contrat est mis à jour.")
    return render_form(form, participant, title, EMPLOYMENT_SECTIONS)


def confirm_page(participant, title: str, facts, warning: str, form, status: int = 200,
                 stale: bool = False):
    """The confirmation page of a deletion."""
    return render_template("pathway/employment_confirm.html", participant=participant,
                           title=title, facts=facts, warning=warning, form=form,
                           stale=stale), status


def employment_facts(job: Employment) -> list[tuple[str, str]]:
    """What the confirmation page recalls of an episode."""
    facts = [("Contrat", CONTRACT_TYPES.get(job.contract_type, job.contract_type)),
             ("Employeur", job.employer),
             ("Poste", job.job_title or "—"),
             ("Début", french_day(job.start_date))]
    if job.end:
        facts.append(("Fin", french_day(job.end)))
    if job.missions:
        facts.append(("Missions", f"{len(job.missions)} mission(s), supprimée(s) avec lui"))
    linked = db.session.scalar(
        sa.select(sa.func.count(Step.id)).where(Step.employment_id == job.id)
    )
    if linked:
        facts.append(("Étapes liées", f"{linked} étape(s) : elles restent, sans contrat lié"))
    return facts


@bp.route("/<employment_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete(public_id, employment_id):
    """Ask for confirmation (GET), then delete the episode and its missions (POST)."""
    participant, pathway = context(public_id)
    job = load_episode(employment_id, pathway)
    form = ConfirmVersionForm()
    title = f"Supprimer le contrat {describe(job)}"
    warning = "Ce contrat et ses éventuelles missions seront définitivement supprimés."
    if request.method == "GET":
        form.version.data = str(job.version)
        return confirm_page(participant, title, employment_facts(job), warning, form)
    if not form.validate_on_submit():
        return confirm_page(participant, title, employment_facts(job), warning, form, 400)
    if form.version.data != str(job.version):
        return stale_delete(participant, title, job, warning, form)
    details = {"employment": job.public_id, "contract_type": job.contract_type,
               "employer": job.employer, "start_date": job.start_date.isoformat(),
               "missions": len(job.missions)}
    db.session.delete(job)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        job = load_episode(employment_id, pathway)
        return stale_delete(participant, title, job, warning, form)
    audit.record("employment.delete", target=participant, record="employment", **details)
    db.session.commit()
    flash("Le contrat est supprimé.", "success")
    return redirect(file_url(participant, ANCHOR))


def stale_delete(participant, title, job: Employment, warning: str, form):
    """A colleague changed the episode meanwhile: show it again before deleting (409)."""
    audit.record("record.update_conflict", target=participant, record="employment")
    db.session.commit()
    form.version.data = str(job.version)
    return confirm_page(participant, title, employment_facts(job), warning, form, 409,
                        stale=True)


def interim_or_redirect(participant, job: Employment):
    """Missions belong to intérim episodes only: a redirect for the others, else None."""
    if job.contract_type == INTERIM:
        return None
    flash("Seul un épisode d'intérim contient des missions.", "warning")
    return redirect(file_url(participant, ANCHOR))


@bp.route("/<employment_id>/missions/nouvelle", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def add_mission(public_id, employment_id):
    """Add a mission to an intérim episode."""
    participant, pathway = context(public_id)
    job = load_episode(employment_id, pathway)
    refused = interim_or_redirect(participant, job)
    if refused is not None:
        return refused
    form = MissionForm()
    if request.method == "POST" and checked(
            form, lambda: mission_form_problems(form, job, pathway)):
        mission = Mission()
        copy_fields(form, mission, MISSION_FIELDS)
        job.missions.append(mission)
        db.session.flush()
        audit.record("mission.create", target=participant, record="mission",
                     employment=job.public_id, mission=mission.id,
                     start_date=mission.start_date.isoformat(),
                     end_date=mission.end_date.isoformat(), hours=str(mission.hours))
        db.session.commit()
        flash("La mission d'intérim est enregistrée.", "success")
        return redirect(file_url(participant, ANCHOR))
    legend = f"Intérim chez {job.employer}, depuis le {french_day(job.start_date)}"
    return render_form(form, participant, "Nouvelle mission d'intérim",
                       [(legend, MISSION_FIELDS)])


@bp.route("/<employment_id>/missions/<int:mission_id>/supprimer", methods=["GET", "POST"])
@roles_required(*PARTICIPANT_ROLES)
def delete_mission(public_id, employment_id, mission_id):
    """Ask for confirmation (GET), then delete one mission (POST)."""
    participant, pathway = context(public_id)
    job = load_episode(employment_id, pathway)
    # Looked up among the episode's own missions: another episode's id is simply not found.
    mission = next((m for m in job.missions if m.id == mission_id), None)
    if mission is None:
        abort(404)
    form = ConfirmForm()
    title = "Supprimer une mission d'intérim"
    hours = "—" if mission.hours is None else f"{format_decimal(mission.hours)} h"
    facts = [("Épisode", describe(job)),
             ("Mission", f"du {french_day(mission.start_date)} au "
                         f"{french_day(mission.end_date)}"),
             ("Heures", hours),
             ("Entreprise ou agence", mission.employer or "—")]
    warning = "Cette mission sera définitivement supprimée."
    if request.method == "POST" and form.validate_on_submit():
        details = {"employment": job.public_id, "mission": mission.id,
                   "start_date": mission.start_date.isoformat(),
                   "end_date": mission.end_date.isoformat(), "hours": str(mission.hours)}
        # Removed from the collection, not just deleted: the episode (still in the session,
        # which does not expire on commit) must not keep listing it.
        job.missions.remove(mission)
        audit.record("mission.delete", target=participant, record="mission", **details)
        db.session.commit()
        flash("La mission d'intérim est supprimée.", "success")
        return redirect(file_url(participant, ANCHOR))
    return confirm_page(participant, title, facts, warning, form)
