"""Writing to the audit log: one function, used by every view that touches personal data."""

import json

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEvent
from app.models.base import utcnow

# Built once: every audited page runs it.
INSERT_EVENT = AuditEvent.__table__.insert()


def client_ip() -> str:
    """The caller's address as seen by the app (the proxy must set REMOTE_ADDR correctly)."""
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, target=None, user=None, actor: str = "", **detail) -> None:
    """Write an audit event in the session's transaction: the view's commit keeps it, a
    rollback drops it with the rest.

    A plain INSERT rather than an ORM object: the unit of work's flush cost more than the
    rest of the write on every audited page, and nothing reads the event back in the request.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    target_type, target_id = describe_target(target)
    db.session.connection().execute(INSERT_EVENT, {
        "at": utcnow(),
        "user_id": user.id if user is not None else None,
        "actor": user.email if user is not None else actor,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "ip": client_ip(),
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    })


def describe_target(target) -> tuple[str, str]:
    """Return (type, identifier) for a model instance, or blanks."""
    if target is None:
        return "", ""
    identifier = getattr(target, "public_id", None) or getattr(target, "id", "")
    return type(target).__name__.lower(), str(identifier)


def record_now(action: str, target=None, user=None, actor: str = "", **detail) -> None:
    """Write an audit event in its own commit, for requests that end in an error page."""
    record(action, target=target, user=user, actor=actor, **detail)
    db.session.commit()


ACTION_LABELS = {
    "login.success": "Connexion réussie",
    "login.failure": "Échec de connexion",
    "login.locked": "Connexion refusée (compte verrouillé)",
    "logout": "Déconnexion",
    "session.expired": "Session expirée",
    "password.change": "Changement de mot de passe",
    "access.denied": "Accès refusé",
    "participant.list": "Consultation de la liste des participants",
    "participant.view": "Consultation d'un dossier",
    "participant.create": "Création d'un dossier",
    "participant.update": "Modification d'un dossier",
    "participant.update_conflict": "Modification concurrente refusée",
    "user.create": "Création d'un compte",
    "user.update": "Modification d'un compte",
    "user.deactivate": "Désactivation d'un compte",
    "user.reactivate": "Réactivation d'un compte",
    "user.password_reset": "Réinitialisation d'un mot de passe",
    "structure.create": "Création d'une structure",
    "structure.update": "Modification d'une structure",
    "audit.view": "Consultation du journal d'audit",
    "supervision.dashboard": "Consultation du tableau de bord de supervision",
    "supervision.referent": "Consultation des résultats et du portefeuille d'un(e) référent(e)",
    "record.update_conflict": "Modification concurrente refusée",
    "pathway.orientation": "Orientation enregistrée",
    "pathway.entry": "Décision / entrée dans le parcours",
    "pathway.exit": "Sortie du parcours",
    "pathway.reopen": "Annulation d'une sortie (réouverture)",
    "pathway.exit_validate": "Validation d'une sortie positive",
    "step.create": "Ajout d'une étape",
    "step.update": "Modification d'une étape",
    "step.delete": "Suppression d'une étape",
    "employment.create": "Ajout d'un contrat",
    "employment.update": "Modification d'un contrat",
    "employment.delete": "Suppression d'un contrat",
    "mission.create": "Ajout d'une mission d'intérim",
    "mission.delete": "Suppression d'une mission d'intérim",
    "interview.create": "Saisie d'un entretien",
    "interview.update": "Modification d'un entretien",
    "interview.delete": "Suppression d'un entretien",
    "appointment.create": "Planification d'un rendez-vous",
    "appointment.update": "Modification d'un rendez-vous",
    "appointment.delete": "Annulation d'un rendez-vous",
    "barrier.create": "Ajout d'un frein",
    "barrier.update": "Modification d'un frein",
    "barrier.delete": "Suppression d'un frein",
    "participant.reassign": "Changement de référent",
    "reference.create": "Ajout à une liste de référence",
    "reference.update": "Modification d'une liste de référence",
    "assessment.create": "Saisie d'une grille d'évaluation",
    "assessment.update": "Modification d'une grille d'évaluation",
    "assessment.delete": "Suppression d'une grille d'évaluation",
    "dimension.create": "Ajout d'une dimension à la grille d'évaluation",
    "dimension.update": "Modification d'une dimension de la grille d'évaluation",
    "settings.update": "Modification des règles",
    # Entry commissions and reassignment (app/supervision/commissions.py, reassign.py)
    "commission.list": "Consultation de la liste des commissions d'entrée",
    "commission.prepare": "Préparation d'une commission d'entrée",
    "commission.create": "Tenue d'une commission d'entrée",
    "commission.decide": "Décision de la commission d'entrée",
    "commission.view": "Consultation du procès-verbal d'une commission",
    "commission.conflict": "Décision de commission refusée (parcours décidé entre-temps)",
    "reassign.view": "Consultation d'un portefeuille pour réaffectation",
    "reassign.bulk": "Réaffectation groupée de participants",
    # Printed documents (app/documents/views.py, app/admin/documents.py)
    "participant.print": "Impression d'un document (synthèse, émargement, attestation)",
    "commission.print": "Impression du procès-verbal d'une commission",
    "caseload.print": "Impression du rapport de portefeuille d'un(e) référent(e)",
    "settings.documents": "Modification des paramètres des documents imprimés",
    # FSE+ data and reports (app/fse/views.py, app/reports/views.py)
    "fse.entry_update": "Modification des données FSE+ d'entrée",
    "fse.exit_situation": "Saisie de la situation à la sortie (FSE+)",
    "fse.post_exit_situation": "Saisie de la situation 6 mois après la sortie (FSE+)",
    "report.fse": "Consultation des indicateurs FSE+",
    "report.fse_todo": "Consultation des dossiers FSE+ à compléter",
    "export.fse": "Export des données FSE+",
}
