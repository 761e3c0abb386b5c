"""The PLIE's fixed vocabularies: codes used in data, with their French labels.

Lists an admin may edit (eligibility criteria, step types) are seeded from here into the
database; the others carry rules and stay in code.
"""

ELIGIBILITY_CRITERIA = [
    ("RSA", "Bénéficiaire du RSA"),
    ("ASS", "Bénéficiaire de l'ASS"),
    ("AAH", "Bénéficiaire de l'AAH"),
    ("DELD", "Demandeur d'emploi de longue durée (12 à 24 mois)"),
    ("DETLD", "Demandeur d'emploi de très longue durée (24 mois et plus)"),
    ("NIV3", "Niveau CAP/BEP ou infra"),
    ("JEUNE", "Jeune de moins de 26 ans"),
    ("SENIOR", "Senior de 50 ans et plus"),
    ("RQTH", "Travailleur handicapé (RQTH)"),
    ("PARENT_ISOLE", "Parent isolé"),
    ("QPV", "Résident d'un quartier prioritaire (QPV)"),
    ("ZRR", "Résident d'une zone de revitalisation rurale (ZRR)"),
    ("SANS_HEBERGEMENT", "Sans hébergement"),
    ("REFUGIE", "Réfugié / protection internationale"),
    ("JUSTICE", "Sortant de détention / sous main de justice"),
    ("FLE", "Maîtrise insuffisante du français"),
    ("MOBILITE", "Problème de mobilité"),
    ("ASE", "Aide sociale à l'enfance (ASE)"),
]

STEP_TYPES = [
    ("ACC", "Accueil, diagnostic socio-professionnel"),
    ("REMOB", "Remobilisation / redynamisation"),
    ("SOC", "Accompagnement social, levée de freins"),
    ("PROJ", "Projet professionnel / orientation"),
    ("PMSMP", "Immersion en entreprise (PMSMP)"),
    ("FORM_PQ", "Formation pré-qualifiante"),
    ("FORM_Q", "Formation qualifiante / certifiante"),
    ("IAE", "Emploi en SIAE (ACI, EI, ETTI, AI)"),
    ("PEC", "Contrat aidé (PEC)"),
    ("CLAUSE", "Emploi en clause sociale d'insertion"),
    ("EMPLOI", "Emploi (hors dispositif)"),
    ("CREA", "Création d'activité"),
    ("SUIVI_EMP", "Suivi dans l'emploi"),
]

STEP_STATUSES = {
    "prevue": "Prévue",
    "en_cours": "En cours",
    "realisee": "Réalisée",
    "abandonnee": "Abandonnée",
}

PMSMP_AIMS = {
    "decouvrir": "Découvrir un métier",
    "confirmer": "Confirmer un projet professionnel",
    "embauche": "Initier une démarche de recrutement",
}

SIAE_KINDS = {
    "ACI": "Atelier et chantier d'insertion (ACI)",
    "EI": "Entreprise d'insertion (EI)",
    "ETTI": "Entreprise de travail temporaire d'insertion (ETTI)",
    "AI": "Association intermédiaire (AI)",
}

CONTRACT_TYPES = {
    "CDI": "CDI",
    "CDD": "CDD",
    "INTERIM": "Intérim (missions)",
    "CDDI": "CDDI (SIAE)",
    "PEC": "PEC / contrat aidé",
    "APPRENTISSAGE": "Contrat d'apprentissage",
    "PRO": "Contrat de professionnalisation",
    "SAISONNIER": "Contrat saisonnier",
    "CREATION": "Création d'entreprise",
    "AUTRE": "Autre",
}

BARRIER_THEMES = {
    "mobilite": "Mobilité",
    "famille": "Contraintes familiales / garde d'enfants",
    "logement": "Logement",
    "sante": "Santé",
    "francais": "Maîtrise du français",
    "numerique": "Numérique",
    "administratif": "Difficultés administratives",
    "financier": "Difficultés financières",
    "justice": "Justice",
    "savoir_etre": "Confiance en soi / savoir-être",
}
# Health is sensitive data (GDPR art. 9): only the participant's référent reads the situation.
SENSITIVE_BARRIER_THEMES = {"sante"}

BARRIER_SEVERITIES = {0: "Levé", 1: "Léger", 2: "Important", 3: "Bloquant"}

EXIT_CATEGORIES = {
    "emploi_durable": "Emploi durable",
    "formation_qualifiante": "Formation qualifiante",
    "creation_activite": "Création d'activité",
    "emploi_transition": "Emploi de transition",
    "reorientation": "Réorientation vers un autre dispositif",
    "demenagement": "Déménagement",
    "abandon": "Abandon / perdu de vue",
    "sante": "Santé",
    "duree_maximale": "Fin de durée maximale",
    "deces": "Décès",
    "autre": "Autre",
}
POSITIVE_EXIT_CATEGORIES = {"emploi_durable", "formation_qualifiante", "creation_activite"}

EDUCATION_LEVELS = {
    "infra3": ("Infra 3 / aucun diplôme", "ISCED 0-2"),
    "niveau3": ("Niveau 3 (CAP, BEP)", "ISCED 3-4"),
    "niveau4": ("Niveau 4 (Bac)", "ISCED 3-4"),
    "niveau5plus": ("Niveau 5 et plus (Bac+2 et au-delà)", "ISCED 5-8"),
}

LABOUR_STATUSES = {
    "employed": "En emploi (y compris indépendant)",
    "unemployed": "Demandeur d'emploi / sans emploi",
    "inactive": "Inactif",
}

PRESCRIBER_KINDS = {
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "ccas": "CCAS",
    "departement": "Conseil départemental (RSA)",
    "travailleur_social": "Travailleur social",
    "cap_emploi": "Cap emploi",
    "siae": "Structure d'insertion (SIAE)",
    "spontane": "Démarche spontanée",
    "autre": "Autre",
}

DECISIONS = {"accepted": "Acceptée", "refused": "Refusée", "postponed": "Ajournée"}

INTERVIEW_MODES = {
    "presentiel": "Présentiel",
    "telephone": "Téléphone",
    "visio": "Visioconférence",
    "collectif": "Collectif",
}
INTERVIEW_KINDS = {
    "diagnostic": "Diagnostic",
    "suivi": "Suivi",
    "bilan": "Bilan",
    "suivi_emploi": "Suivi dans l'emploi",
}
ATTENDANCES = {"honore": "Honoré", "excuse": "Excusé", "absent": "Absent"}

PATHWAY_STATUSES = {
    "orientation": "Orientation reçue",
    "postponed": "Décision ajournée",
    "refused": "Entrée refusée",
    "accepted": "Entrée acceptée, contrat à signer",
    "in_pathway": "En parcours",
    "exited": "Sorti(e)",
}


def pathway_status(decision: str, entered: bool, exited: bool) -> str:
    """The pathway's stage from its entry decision, entry and exit."""
    if exited:
        return "exited"
    if entered:
        return "in_pathway"
    if decision == "accepted":
        return "accepted"
    if decision in ("refused", "postponed"):
        return decision
    return "orientation"
