"""The assessment grid (grille d'évaluation): default dimensions, kinds, and the dating rules.

The dimensions are seeded into the database by migration 0004 and then belong to the admin,
who may rename them, reword their levels, reorder, hide or add some. Each dimension is scored
from 1 (far from employment on that point) to 4 (no obstacle left), with the participant.
"""

from dataclasses import dataclass
from datetime import date

SCORE_LEVELS = (1, 2, 3, 4)

ASSESSMENT_KINDS = {
    "entree": "Entrée",
    "intermediaire": "Intermédiaire",
    "sortie": "Sortie",
}
# Two assessments on the same day: the entry one comes first, the exit one last.
KIND_ORDER = {"entree": 0, "intermediaire": 1, "sortie": 2}

# How often a pathway in progress is reassessed, by default.
DEFAULT_PERIOD_MONTHS = 6


@dataclass(frozen=True)
class DefaultDimension:
    """A dimension as first seeded: code, label and what each level 1 to 4 means."""

    code: str
    label: str
    levels: tuple[str, str, str, str]


DEFAULT_DIMENSIONS = (
    DefaultDimension("PROJET", "Projet professionnel", (
        "Aucun projet professionnel, ou un projet sans lien avec sa situation",
        "Des pistes de métiers, encore floues ou non vérifiées",
        "Un métier choisi et vérifié sur le terrain (enquête métier, immersion) ; "
        "les étapes pour y accéder sont connues",
        "Un projet réaliste et validé, avec un plan d'action en cours",
    )),
    DefaultDimension("RECHERCHE", "Recherche d'emploi", (
        "Aucune démarche de recherche d'emploi ; pas de CV",
        "Démarches ponctuelles, faites avec l'aide du/de la référent(e) ; CV à retravailler",
        "Démarches régulières avec un CV à jour ; des entretiens d'embauche obtenus",
        "Recherche autonome et ciblée : candidatures, relances et entretiens menés seul(e)",
    )),
    DefaultDimension("COMPETENCES", "Compétences de base", (
        "Lire, écrire, compter ou parler français est difficile et bloque l'accès à l'emploi",
        "Savoirs de base fragiles : écrits simples avec de l'aide, calculs du quotidien",
        "Savoirs de base suffisants pour les postes visés ; l'écrit reste à consolider",
        "Lit, écrit, calcule et s'exprime sans difficulté pour le métier visé",
    )),
    DefaultDimension("SAVOIR_ETRE", "Savoir-être professionnel", (
        "Ponctualité, assiduité ou relations aux autres empêchent de tenir un poste",
        "Respecte le cadre avec des rappels ; consignes ou travail en équipe difficiles",
        "Ponctuel(le) et assidu(e), suit les consignes ; quelques points à consolider",
        "Tient les attentes d'un employeur (horaires, consignes, équipe), confirmé en "
        "entreprise",
    )),
    DefaultDimension("MOBILITE", "Mobilité", (
        "Aucun moyen de se déplacer vers un emploi",
        "Se déplace seulement sur des trajets connus et proches, aux heures des transports "
        "en commun",
        "Se déplace sur le bassin d'emploi (transports en commun, vélo, covoiturage) ; "
        "horaires décalés difficiles",
        "Se déplace de façon autonome sur tout le bassin d'emploi, y compris en horaires "
        "décalés",
    )),
    DefaultDimension("SANTE", "Santé et bien-être", (
        "La santé ou le moral empêchent pour l'instant toute reprise d'activité",
        "La santé limite fortement les postes ou les horaires possibles ; un suivi est à "
        "engager",
        "La santé est suivie et compatible avec un emploi choisi ou aménagé",
        "Aucune limite de santé pour l'emploi visé",
    )),
    DefaultDimension("LOGEMENT", "Logement et situation familiale", (
        "Sans logement stable, ou des charges familiales qui empêchent toute disponibilité",
        "Logement précaire (hébergement, urgence) ou garde des enfants non résolue",
        "Logement stable ; organisation familiale trouvée, avec des limites (horaires, "
        "imprévus)",
        "Logement stable et organisation familiale compatible avec un emploi à temps plein",
    )),
    DefaultDimension("NUMERIQUE", "Numérique", (
        "N'utilise pas d'outil numérique ; pas d'accès à un ordinateur ni à internet",
        "Utilise un smartphone pour appeler et écrire ; démarches en ligne avec de l'aide",
        "Fait seul(e) les démarches courantes en ligne (e-mail, espace France Travail, "
        "candidatures)",
        "À l'aise avec les outils numériques, y compris ceux du métier visé",
    )),
)


@dataclass(frozen=True)
class DatedAssessment:
    """Another assessment of the same pathway, as the dating rules see it."""

    assessed_on: date
    kind: str


def fr(day: date) -> str:
    """A date as the French read it in a message."""
    return day.strftime("%d/%m/%Y")


def assessment_problems(assessed_on: date | None, kind: str, entry_date: date | None,
                        exit_date: date | None, today: date,
                        others: list[DatedAssessment]) -> dict[str, str]:
    """What is wrong with an assessment's date and kind, by field name (empty: nothing).

    `others` are the pathway's other assessments (not the one being edited). There is one
    entry assessment per pathway, and it comes before every other: it is the baseline the
    distance travelled is measured from.
    """
    problems: dict[str, str] = {}
    if kind not in ASSESSMENT_KINDS:
        problems["kind"] = "Choisissez le moment de l'évaluation : entrée, intermédiaire ou sortie."
    if entry_date is None:
        problems["assessed_on"] = ("Une grille d'évaluation se remplit à partir de l'entrée dans "
                                   "le parcours : enregistrez d'abord l'entrée.")
        return problems
    if assessed_on is None:
        return problems
    if assessed_on > today:
        problems["assessed_on"] = "La date de l'évaluation ne peut pas être dans le futur."
    elif assessed_on < entry_date:
        problems["assessed_on"] = (f"La date de l'évaluation ne peut pas précéder l'entrée "
                                   f"dans le parcours ({fr(entry_date)}).")
    elif exit_date is not None and assessed_on > exit_date:
        problems["assessed_on"] = (f"La date de l'évaluation ne peut pas suivre la sortie du "
                                   f"parcours ({fr(exit_date)}).")
    entries = [other for other in others if other.kind == "entree"]
    if kind == "entree" and entries:
        problems.setdefault("kind", f"Ce parcours a déjà une grille d'entrée (du "
                                    f"{fr(entries[0].assessed_on)}) : choisissez "
                                    f"« intermédiaire » ou « sortie », ou modifiez celle-ci.")
    elif kind == "entree":
        earlier = [o.assessed_on for o in others if o.assessed_on < assessed_on]
        if earlier:
            problems.setdefault("assessed_on", f"La grille d'entrée ne peut pas suivre une "
                                               f"autre grille du parcours (du "
                                               f"{fr(min(earlier))}).")
    elif entries and assessed_on < entries[0].assessed_on:
        problems.setdefault("assessed_on", f"Cette grille ne peut pas précéder la grille "
                                           f"d'entrée (du {fr(entries[0].assessed_on)}).")
    return problems
