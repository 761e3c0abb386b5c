"""The next useful action of each caseload alert: a label and the page where it is done."""

from dataclasses import dataclass

from werkzeug.routing import BuildError

from app.progress.views import ALERT_ACTIONS
from app.urls import url_pattern

FILE_ENDPOINT = "participants.show"
FILE_ANCHOR = "progression"
# Kinds app/progress/views.py may not map (it wins where it does): the file's Progression
# section says what is missing. Any kind unknown to both falls back to the same place.
EXTRA_ACTIONS = {
    "exit_situation_missing": ("Ouvrir le dossier", FILE_ENDPOINT),
    "post_exit_due": ("Ouvrir le dossier", FILE_ENDPOINT),
}
ACTIONS = {**EXTRA_ACTIONS, **ALERT_ACTIONS}
FALLBACK = ("Ouvrir le dossier", FILE_ENDPOINT)
# Only a supervisor validates an exit (app/progress/views.py validate_exit).
SUPERVISOR_ENDPOINTS = {"progress.validate_exit"}
NOT_YOURS = "À valider par un(e) chargé(e) de mission"
# Endpoints about one record: the alert subject it must be, and the record's URL argument.
RECORD_ARGUMENTS = {"steps.edit": ("step", "step_id"), "employment.edit": ("job", "employment_id")}


@dataclass(frozen=True, slots=True)
class Action:
    """What to do about an alert; url is None when the viewer cannot do it themselves."""

    label: str
    url: str | None


def file_link(participant_public_id: str) -> str:
    """The Progression section of the participant's file."""
    return url_pattern(FILE_ENDPOINT, "public_id", _anchor=FILE_ANCHOR)(participant_public_id)


def alert_action(kind: str, subject: str, subject_key: int | None, participant_public_id: str,
                 step_ids: dict[int, str], job_ids: dict[int, str],
                 validates_exits: bool = False) -> Action:
    """The action that clears an alert, from its kind and the record it is about.

    step_ids and job_ids map the integer keys stored in pathway_progress to the public ids
    the step and contract pages take. A record that disappeared since the evaluation, or an
    action the viewer may not take, falls back to the file (or to no link at all).
    """
    label, endpoint = ACTIONS.get(kind, FALLBACK)
    if endpoint in SUPERVISOR_ENDPOINTS and not validates_exits:
        return Action(NOT_YOURS, None)
    if endpoint == FILE_ENDPOINT:
        return Action(label, file_link(participant_public_id))
    keys, values = ["public_id"], [participant_public_id]
    if endpoint in RECORD_ARGUMENTS:
        record_subject, argument = RECORD_ARGUMENTS[endpoint]
        public_ids = step_ids if record_subject == "step" else job_ids
        public_id = public_ids.get(subject_key) if subject == record_subject else None
        if public_id is None:
            return Action(FALLBACK[0], file_link(participant_public_id))
        keys.append(argument)
        values.append(public_id)
    try:
        build = url_pattern(endpoint, *keys)
    except BuildError:
        # A page not (or no longer) served must not take the whole caseload down with it.
        return Action(FALLBACK[0], file_link(participant_public_id))
    return Action(label, build(*values))
