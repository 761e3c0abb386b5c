"""Demo histories: each participant's pathways with steps, contracts, interviews and barriers.

Everything is drawn from one seeded random generator and laid out relative to today, so the
same seed on the same day tells the same stories, and every record satisfies the rules of
app/domain/pathway_rules.py: steps and contracts lie within their pathway, a PMSMP lasts a
month at most, a PEC 9 to 12 months, a PASS IAE 24 months, interviews are never in the future.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

import sqlalchemy as sa
from faker import Faker
from stdnum import luhn

from app.clock import PARIS
from app.domain.catalogue import BARRIER_THEMES, SENSITIVE_BARRIER_THEMES
from app.domain.dates import add_months, last_day_within
from app.domain.pathway_rules import default_pass_iae_end
from app.extensions import db
from app.models import (
    Appointment,
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    Barrier,
    Employment,
    Interview,
    Mission,
    Pathway,
    Step,
    User,
)
from app.models.pathway import new_public_id

# --- Vocabularies ------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A job a participant may aim at: title, ROME code, sector, a certification leading to it."""

    title: str
    rome: str
    sector: str
    certification: str = ""


JOBS = [
    Job("Agent de propreté et d'hygiène", "K2204", "proprete",
        "CAP Agent de propreté et d'hygiène"),
    Job("Préparateur de commandes", "N1103", "logistique",
        "Titre professionnel Préparateur de commandes en entrepôt"),
    Job("Cariste", "N1101", "logistique", "CACES R489 catégories 1A, 3 et 5"),
    Job("Électricien du bâtiment", "F1602", "btp",
        "Titre professionnel Électricien d'équipement du bâtiment"),
    Job("Maçon", "F1703", "btp", "Titre professionnel Maçon"),
    Job("Peintre en bâtiment", "F1606", "btp", "Titre professionnel Peintre en bâtiment"),
    Job("Manœuvre du BTP", "F1704", "btp"),
    Job("Agent de maintenance des bâtiments", "I1203", "btp",
        "Titre professionnel Agent de maintenance des bâtiments"),
    Job("Aide à domicile", "K1302", "aide",
        "Titre professionnel Assistant de vie aux familles"),
    Job("Aide-soignant", "J1501", "soin", "Diplôme d'État d'aide-soignant"),
    Job("Employé polyvalent de restauration", "G1603", "restauration",
        "Titre professionnel Agent de restauration"),
    Job("Commis de cuisine", "G1602", "restauration", "CAP Cuisine"),
    Job("Serveur en restauration", "G1803", "restauration",
        "CAP Commercialisation et services en hôtel-café-restaurant"),
    Job("Employé de libre-service", "D1507", "commerce",
        "Titre professionnel Employé commercial"),
    Job("Hôte de caisse", "D1505", "commerce", "Titre professionnel Employé commercial"),
    Job("Agent d'entretien des espaces verts", "A1203", "espaces_verts",
        "CAP Jardinier paysagiste"),
    Job("Chauffeur-livreur", "N4105", "transport",
        "Titre professionnel Conducteur livreur sur véhicule utilitaire léger"),
    Job("Agent de sécurité", "K2503", "securite",
        "Titre professionnel Agent de sûreté et de sécurité privée"),
    Job("Agent administratif", "M1602", "bureau",
        "Titre professionnel Employé administratif et d'accueil"),
    Job("Opérateur de conditionnement", "H3302", "industrie"),
    Job("Accompagnant éducatif petite enfance", "K1303", "petite_enfance",
        "CAP Accompagnant éducatif petite enfance"),
]
# {last} is replaced by a Faker surname, {city} by a town of the area.
EMPLOYERS = {
    "proprete": ["{last} Propreté", "Touraine Nettoyage Services", "Clair'Net Industrie",
                 "Hygiène Services 37"],
    "logistique": ["Entrepôts du Val de Loire", "Logistique Centre Touraine",
                   "Plateforme Sud Loire Distribution", "Transports {last} et fils"],
    "btp": ["{last} Bâtiment", "SARL {last} Électricité", "Maçonnerie {last}",
            "Touraine Rénovation", "Bâtir Centre SAS"],
    "aide": ["Domicile Services 37", "{last} Services à la personne",
             "Association d'aide à domicile {of_city}"],
    "soin": ["EHPAD Les Tilleuls", "EHPAD Résidence du Cher", "Clinique du Parc, {city}"],
    "restauration": ["Brasserie {last}", "Restaurant Le Grand Chêne", "Cuisine centrale {of_city}",
                     "Restaurant d'entreprise Sodiloire"],
    "commerce": ["Supermarché {last}", "Boulangerie {last}", "Bricolage du Val de Loire",
                 "Primeurs {last}"],
    "espaces_verts": ["{last} Paysages", "Jardins de Touraine", "Espaces Verts du Cher"],
    "transport": ["Transports {last}", "Express Livraison 37", "Loire Messagerie"],
    "securite": ["{last} Sécurité Privée", "Vigilance Centre Gardiennage"],
    "bureau": ["Cabinet {last} et associés", "Mutuelle du Centre", "Mairie {of_city}"],
    "industrie": ["Conserverie {last}", "Cartonnages de Touraine", "Laboratoires Val de Loire"],
    "petite_enfance": ["Crèche associative Les Petits Loups", "Multi-accueil Pom'Cannelle"],
}
TOWNS = ["Tours", "Joué-lès-Tours", "Saint-Pierre-des-Corps", "Saint-Cyr-sur-Loire",
         "Chambray-lès-Tours", "Amboise", "Montlouis-sur-Loire", "La Riche"]
INTERIM_AGENCIES = ["Actu'Intérim Tours", "Touraine Travail Temporaire",
                    "Proxi Intérim Joué-lès-Tours", "Loire Intérim Services"]
SIAES = {
    "ACI": ["ACI Les Jardins de la Choisille", "ACI Ressourcerie La Boucle",
            "ACI Chantier nature du Val de Cher"],
    "ETTI": ["ETTI Tremplin Intérim 37", "ETTI Intermède"],
}
# Insertion enterprises by sector; a person whose sector has none works at the first one.
INSERTION_ENTERPRISES = {"proprete": "EI Touraine Propreté Solidaire", "btp": "EI Bâti'Tremplin",
                         "restauration": "EI Restaurant Le Passage",
                         "logistique": "EI Logistique Solidaire 37",
                         "espaces_verts": "EI Jardins et Paysages d'insertion"}
SIAE_WEEKLY_HOURS = {"ACI": ["26", "26", "24", "30"], "EI": ["35", "30", "28"], "ETTI": ["35"]}
ACI_JOBS = [Job("Ouvrier maraîcher", "A1414", "aci"), Job("Valoriste en ressourcerie", "K2304",
            "aci"), Job("Agent d'entretien des espaces naturels", "A1204", "aci")]
PEC_POSTS = [
    ("Ville de Tours, direction des parcs et jardins", Job("Agent des espaces verts", "A1203",
                                                          "pec")),
    ("EHPAD public de Joué-lès-Tours", Job("Agent de service hospitalier", "J1301", "pec")),
    ("Collège Anatole France", Job("Agent d'entretien", "K2204", "pec")),
    ("Centre social Plein Ciel", Job("Agent d'accueil", "M1601", "pec")),
    ("Mairie de Saint-Pierre-des-Corps", Job("Agent de restauration scolaire", "G1603", "pec")),
]
CLAUSE_OPERATIONS = [
    "Rénovation du groupe scolaire Jean Moulin",
    "Réhabilitation de 96 logements, quartier du Sanitas",
    "Construction de la médiathèque de Joué-lès-Tours",
    "Requalification des espaces publics de la Rabière",
    "Construction du gymnase du Val Fleuri",
    "Extension du réseau de chaleur urbain de Tours Nord",
]
CLAUSE_COMPANIES = ["Bâtir Centre SAS", "{last} TP", "Entreprise générale {last}",
                    "Touraine Voirie", "Constructions du Val de Loire"]
CLAUSE_JOBS = [Job("Manœuvre du BTP", "F1704", "btp"), Job("Aide-maçon", "F1703", "btp"),
               Job("Agent de nettoyage de chantier", "K2204", "btp")]
SEASONAL_JOBS = [("Domaine {last}, Vouvray", Job("Ouvrier viticole", "A1405", "saison")),
                 ("Domaine {last}, Montlouis-sur-Loire", Job("Ouvrier viticole", "A1405",
                                                             "saison")),
                 ("Guinguette des bords de Loire", Job("Employé de restauration saisonnier",
                                                       "G1603", "saison"))]
TRAINING_CENTRES = ["GRETA Val de Loire", "AFPA Tours", "Centre de formation Forma'Pro 37",
                    "Institut de formation Sud Touraine"]
PRE_QUALIFYING = ["Remise à niveau savoirs de base", "Français à visée professionnelle",
                  "Préparation aux métiers du BTP", "Découverte des métiers de la logistique",
                  "Compétences numériques de base", "Prépa compétences services à la personne"]
REMOB_PROVIDERS = ["Association Rebond 37, atelier de redynamisation",
                   "Atelier « Cap Confiance », Maison de l'Emploi",
                   "Chantier école La Passerelle",
                   "Atelier théâtre et insertion, Compagnie du Pont"]
PROJECT_PROVIDERS = ["Référent(e) PLIE", "Atelier projet professionnel, Maison de l'Emploi",
                     "Prestation Activ'Projet, France Travail",
                     "Bilan de compétences, CIBC Touraine"]
CREATION_PROVIDERS = ["BGE Touraine", "Couveuse d'entreprises de Tours",
                      "ADIE Centre-Val de Loire"]
CREATION_ACTIVITIES = ["Nettoyage à domicile", "Petits travaux de rénovation",
                       "Coiffure à domicile", "Vente ambulante de produits locaux",
                       "Entretien de jardins", "Couture et retouches"]
LEGAL_FORMS = ["Micro-entreprise", "Micro-entreprise", "EURL", "SASU"]
SOCIAL_PROVIDERS = {
    "mobilite": "Plateforme mobilité Touraine",
    "famille": "Relais petite enfance {of_city}",
    "logement": "Service logement du CCAS",
    "sante": "Service social départemental",
    "francais": "Atelier sociolinguistique, centre social",
    "numerique": "Conseiller numérique, médiathèque {of_city}",
    "administratif": "Point d'accès au droit {of_city}",
    "financier": "Conseillère en économie sociale et familiale, CCAS",
    "justice": "SPIP d'Indre-et-Loire",
    "savoir_etre": "Atelier estime de soi, Maison de l'Emploi",
}
BARRIER_SITUATIONS = {
    "mobilite": ["Pas de permis de conduire ; dépend des transports en commun.",
                 "Pas de véhicule ; horaires décalés difficiles d'accès en bus.",
                 "Code de la route obtenu, heures de conduite à financer."],
    "famille": ["Deux enfants de moins de six ans, pas de solution de garde en horaires décalés.",
                "Garde des enfants le mercredi et pendant les vacances scolaires.",
                "Aidant(e) d'un parent âgé plusieurs demi-journées par semaine."],
    "logement": ["Hébergé(e) chez un tiers ; demande de logement social déposée.",
                 "Hébergement en résidence sociale, sortie prévue dans six mois.",
                 "Hébergement d'urgence ; dossier SIAO en cours."],
    "sante": ["Situation de santé à prendre en compte dans le choix des postes.",
              "Démarche de reconnaissance de travailleur handicapé en cours.",
              "Disponibilité réduite certains jours ; avis du médecin du travail à solliciter."],
    "francais": ["Français oral correct, écrit à consolider.",
                 "Niveau débutant à l'oral ; inscription à un atelier sociolinguistique."],
    "numerique": ["Pas d'ordinateur ; espace France Travail peu utilisé.",
                  "Difficultés avec les démarches en ligne."],
    "administratif": ["Titre de séjour en cours de renouvellement.",
                      "Dossier CAF à mettre à jour.", "Pièce d'identité à renouveler."],
    "financier": ["Dossier de surendettement déposé.",
                  "Dettes de loyer ; plan d'apurement en cours.",
                  "Frais de transport difficiles à avancer avant le premier salaire."],
    "justice": ["Suivi par le SPIP ; obligations de pointage.",
                "Travail d'intérêt général à effectuer."],
    "savoir_etre": ["Manque de confiance en soi après une longue période sans emploi.",
                    "Retards fréquents aux rendez-vous ; travail sur la ponctualité.",
                    "Isolement ; peu de contacts en dehors de la famille."],
}
BARRIER_WEIGHTS = {"mobilite": 14, "famille": 10, "logement": 9, "sante": 8, "francais": 3,
                   "numerique": 12, "administratif": 9, "financier": 12, "justice": 1,
                   "savoir_etre": 14}
# Which barrier theme an eligibility criterion (or a person's trait) makes more likely.
CRITERION_THEMES = {"MOBILITE": ("mobilite", 5), "ZRR": ("mobilite", 3), "FLE": ("francais", 10),
                    "PARENT_ISOLE": ("famille", 5), "SANS_HEBERGEMENT": ("logement", 8),
                    "RQTH": ("sante", 4), "AAH": ("sante", 3), "JUSTICE": ("justice", 20),
                    "REFUGIE": ("administratif", 4), "SENIOR": ("numerique", 2),
                    "RSA": ("financier", 2)}
BARRIER_NOTES = {
    "mobilite": "Dossier d'aide au permis de conduire déposé ; trajets en bus repérés.",
    "famille": "Point sur la garde des enfants : place en crèche demandée.",
    "logement": "Point sur la demande de logement social : dossier complet.",
    "sante": "Point sur les démarches en cours ; la personne avance à son rythme.",
    "francais": "Participation régulière à l'atelier sociolinguistique.",
    "numerique": "Espace France Travail activé avec le conseiller numérique.",
    "administratif": "Dossier administratif mis à jour ; récépissé reçu.",
    "financier": "Budget travaillé avec la CESF ; échéancier respecté.",
    "justice": "Obligations judiciaires compatibles avec les horaires envisagés.",
    "savoir_etre": "Ponctualité respectée aux derniers rendez-vous ; confiance en progrès.",
}
# In-work follow-up notes by stage: first weeks, first months, later.
DURABLE_NOTES = [
    [("Suivi dans l'emploi", "Prise de poste chez {employer} ; intégration dans l'équipe sans "
      "difficulté signalée.", "Point téléphonique dans un mois.")],
    [("Suivi dans l'emploi", "Période d'essai validée chez {employer}.",
      "Prochain point à trois mois d'emploi."),
     ("Suivi dans l'emploi", "Retours positifs du responsable sur le travail fourni.",
      "Point sur l'organisation des trajets.")],
    [("Suivi dans l'emploi", "Échange avec la personne : horaires stabilisés, pas de difficulté "
      "signalée.", "Point à six mois d'emploi pour valider la sortie."),
     ("Suivi dans l'emploi", "Organisation domicile-travail trouvée ; emploi maintenu.",
      "Prochain point dans un mois.")],
]
INTERIM_NOTES = [("Suivi dans l'emploi", "Missions régulières via {employer} ; pas "
                  "d'interruption depuis le dernier point.", "Signaler toute fin de mission."),
                 ("Suivi dans l'emploi", "Nouvelle mission chez {client} ; bons retours de "
                  "l'agence.", "Prochain point dans un mois.")]
ACC_THEMES = ["Parcours scolaire et professionnel", "Compétences", "Situation administrative",
              "Mobilité", "Logement", "Situation familiale", "Ressources", "Numérique",
              "Projet professionnel"]
ACC_THEME_OF = {"mobilite": "Mobilité", "famille": "Situation familiale", "logement": "Logement",
                "sante": "Santé", "francais": "Maîtrise du français", "numerique": "Numérique",
                "administratif": "Situation administrative", "financier": "Ressources",
                "justice": "Situation judiciaire", "savoir_etre": "Savoir-être"}
# (topics, note, next actions) by what the participant is doing; {…} is filled from the story.
NOTES = {
    "accueil": [("Accueil, présentation du PLIE",
                 "Premier entretien : présentation du PLIE et des engagements réciproques ; "
                 "dossier de commission constitué.",
                 "Apporter les justificatifs (identité, attestation CAF ou France Travail).")],
    "diagnostic": [("Diagnostic, contrat d'engagement",
                    "Entretien d'entrée : contrat d'engagement signé, parcours retracé, "
                    "freins repérés : {barriers}.",
                    "Fournir l'attestation France Travail ; rendez-vous avec {social}.")],
    "search": [("Recherche d'emploi",
                "Point sur les candidatures : {count} envoyées depuis le dernier entretien, "
                "une réponse attendue.",
                "Relancer les employeurs contactés ; consulter les offres de la semaine."),
               ("CV et lettre de motivation",
                "CV mis à jour avec la dernière expérience ; lettre de motivation retravaillée.",
                "Envoyer trois candidatures spontanées."),
               ("Recherche d'emploi",
                "Alertes d'offres créées pour le métier {of_job}.",
                "Postuler aux offres repérées avant le prochain rendez-vous."),
               ("Préparation aux entretiens",
                "Simulation d'entretien d'embauche ; présentation du parcours à travailler.",
                "Préparer une présentation de deux minutes."),
               ("Forum emploi", "Participation au forum emploi {of_city} : deux contacts "
                "avec des recruteurs.", "Envoyer le CV aux entreprises rencontrées.")],
    "REMOB": [("Remobilisation", "Atelier de redynamisation suivi avec assiduité ; bonne "
               "participation au groupe.", "Poursuivre l'atelier ; lister les métiers qui "
               "intéressent."),
              ("Remobilisation", "Retour de l'animatrice ({provider}) : ponctualité en progrès.",
               "Point à mi-parcours avec l'animatrice.")],
    "PROJ": [("Projet professionnel", "Travail sur le projet : le métier {of_job} ({rome}) "
              "est retenu comme piste principale.", "Rechercher une entreprise pour une "
              "immersion."),
             ("Projet professionnel", "Enquête métier réalisée auprès d'un professionnel ; "
              "projet confirmé.", "Identifier les formations accessibles.")],
    "PMSMP": [("Immersion en entreprise", "Convention d'immersion signée avec {employer}.",
               "Préparer les questions à poser au tuteur."),
              ("Immersion en entreprise", "Immersion chez {employer} : premier retour du "
               "tuteur encourageant.", "Bilan d'immersion à la fin de la période.")],
    "FORM": [("Formation", "Point sur la formation ({training}) : assiduité correcte, bons "
              "retours du formateur.", "Préparer la recherche de stage."),
             ("Formation, rémunération", "Dossier de rémunération de formation complet.",
              "Conserver les feuilles de présence.")],
    "IAE": [("Emploi en insertion", "Point tripartite avec l'encadrant technique ({employer}) : "
             "progrès sur la ponctualité et le travail en équipe.",
             "Préparer une immersion chez un employeur classique."),
            ("Emploi en insertion", "Compétences acquises chez {employer} listées pour le CV.",
             "Mettre à jour le CV avec l'expérience en insertion.")],
    "PEC": [("Contrat aidé", "Point sur le contrat aidé chez {employer} : formation interne "
             "prévue.", "Faire le point avec la tutrice avant le bilan à mi-contrat.")],
    "CLAUSE": [("Clause sociale", "Chantier « {operation} » : l'entreprise {employer} est "
                "satisfaite, prolongation possible.", "Recueillir l'attestation d'heures "
                "réalisées.")],
    "JOB": [("Emploi", "En poste chez {employer} comme {job_lc} ; horaires tenus.",
             "Anticiper la fin du contrat : relancer les candidatures."),
            ("Emploi, recherche d'emploi", "Contrat en cours chez {employer} ; candidatures "
             "maintenues pour la suite.", "Préparer la fin du contrat.")],
    "JOB_INTERIM": [("Intérim, recherche d'emploi", "Missions régulières via {employer} ; "
                     "inscription dans une deuxième agence d'intérim.",
                     "Signaler chaque fin de mission.")],
    "CREA": [("Création d'activité", "Projet de création ({activity}) : étude de marché "
              "avancée avec {provider}.", "Finaliser le prévisionnel financier."),
             ("Création d'activité", "Choix du statut : {legal_form} ; immatriculation à "
              "préparer.", "Ouvrir un compte bancaire professionnel.")],
    "collectif": [("Atelier collectif", "Atelier collectif « {workshop} » : participation "
                   "active.", "Mettre en pratique les conseils de l'atelier.")],
}
WORKSHOPS = ["CV et lettre de motivation", "Réussir son entretien d'embauche",
             "Les métiers de la logistique", "Utiliser son espace France Travail"]
BILAN_POINTS = ["projet professionnel défini", "expérience en entreprise acquise",
                "freins en voie de levée", "recherche d'emploi plus régulière",
                "confiance en soi en progrès"]
EXIT_NOTES = {
    "emploi_durable": "Bilan de sortie : emploi durable chez {employer} ({job_lc}).",
    "formation_qualifiante": "Bilan de sortie : {certification} obtenu.",
    "creation_activite": "Bilan de sortie : activité créée ({activity}).",
    "emploi_transition": "Bilan de sortie : en emploi de transition chez {employer}.",
    "reorientation": "Bilan de sortie : relais vers {relay}.",
    "demenagement": "Bilan de sortie : déménagement à {moved_to}.",
    "sante": "Bilan de sortie : pause dans l'accompagnement à la demande de la personne.",
    "duree_maximale": "Bilan de sortie : durée maximale du parcours atteinte.",
}
EXIT_COMMENTS = {
    "emploi_durable": "{contract} chez {employer} ({job_lc}), {hours} h par semaine.",
    "formation_qualifiante": "{certification} obtenu ({provider}).",
    "creation_activite": "Création d'activité ({legal_form}) : {activity}.",
    "emploi_transition": "{contract} chez {employer} au moment de la sortie.",
    "reorientation": "Réorientation vers {relay}.",
    "demenagement": "Déménagement à {moved_to} ; coordonnées du PLIE local transmises.",
    "abandon": "Plus de nouvelles depuis le {last_contact} malgré trois relances "
               "(téléphone, SMS, courrier).",
    "sante": "Sortie à la demande de la personne pour raisons de santé ; reprise possible "
             "plus tard.",
    "duree_maximale": "Durée maximale de 36 mois atteinte ; relais vers France Travail.",
}
CONTRACT_WORDS = {"CDI": "CDI", "CDD": "CDD", "INTERIM": "Missions d'intérim",
                  "CDDI": "CDDI", "PEC": "Contrat aidé", "PRO": "Contrat de "
                  "professionnalisation", "APPRENTISSAGE": "Apprentissage",
                  "SAISONNIER": "Contrat saisonnier"}
RELAYS = ["l'accompagnement global du Département", "Cap emploi",
          "le Contrat d'engagement jeune (Mission locale)", "un accompagnement social renforcé"]
STEP_OUTCOMES = {
    "ACC": "Diagnostic partagé avec la personne ; priorités de parcours fixées.",
    "REMOB": "Participation régulière ; rythme de travail retrouvé.",
    "PROJ": "Projet validé : {job_lc}.",
    "PMSMP": "Immersion concluante : retours positifs du tuteur sur la ponctualité.",
    "FORM_PQ": "Formation suivie jusqu'au bout ; attestation de compétences remise.",
    "FORM_Q": "Formation terminée.",
    "IAE": "Contrat en insertion mené à terme ; compétences transférables repérées.",
    "PEC": "Contrat aidé terminé ; attestation d'expérience remise.",
    "CLAUSE": "Heures d'insertion réalisées sur le chantier.",
    "SOC": "Freins levés ; démarches abouties.",
    "SUIVI_EMP": "Emploi maintenu à six mois.",
    "CREA": "Activité immatriculée.",
}
JOB_OUTCOMES = {"CDD": "Contrat mené à son terme.", "INTERIM": "Fin des missions.",
               "SAISONNIER": "Saison terminée.", "CDI": "En poste à la sortie du parcours.",
               "PRO": "En poste à la sortie du parcours."}
ABANDON_OUTCOMES = ["Arrêt à l'initiative de la personne après quelques semaines.",
                    "Arrêt : horaires incompatibles avec la garde des enfants.",
                    "Absences répétées ; arrêt d'un commun accord."]

SLOTS = [h * 60 + m for h in (9, 10, 11, 13, 14, 15, 16) for m in (0, 30)
         if (h, m) not in ((13, 0), (16, 30))]
MODES = ["presentiel", "telephone", "visio"]
MODE_WEIGHTS = [70, 22, 8]
JOB_KINDS = {"JOB_SHORT", "JOB_TRIAL", "IAE", "PEC", "CLAUSE", "CREA"}
DURATIONS = {"REMOB": (42, 112), "PROJ": (21, 84), "PMSMP": (5, 26), "PMSMP_HIRE": (5, 19),
             "FORM_PQ": (35, 120), "FORM_Q": (120, 300), "IAE": (120, 540), "PEC": (275, 365),
             "CLAUSE": (40, 180), "JOB_SHORT": (30, 150), "JOB_TRIAL": (20, 60),
             "CREA": (90, 180)}
STORYLINES = [
    (["REMOB", "PROJ", "PMSMP", "FORM_PQ", "JOB_SHORT", "PMSMP_HIRE"], 3),
    (["PROJ", "PMSMP", "FORM_Q", "JOB_SHORT"], 3),
    (["PROJ", "IAE", "PMSMP_HIRE"], 3),
    (["REMOB", "PROJ", "IAE", "JOB_SHORT"], 2),
    (["PROJ", "PEC", "JOB_SHORT"], 1),
    (["PROJ", "CLAUSE", "JOB_TRIAL", "JOB_SHORT"], 2),
    (["PROJ", "PMSMP", "JOB_SHORT", "JOB_SHORT"], 2),
    (["PROJ", "CREA"], 1),
]
FILLER = ["JOB_SHORT", "PMSMP", "FORM_PQ", "JOB_SHORT", "PMSMP_HIRE", "JOB_SHORT"]
LEAVING = {"abandon", "sante", "demenagement"}
CUT_OK = {"REMOB", "PROJ", "PMSMP", "PMSMP_HIRE", "FORM_PQ", "FORM_Q", "IAE", "CLAUSE",
          "JOB_SHORT", "JOB_TRIAL", "CREA"}


# --- Shared state ------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A référent in charge from start to end (None: still)."""

    referent: User
    start: date
    end: date | None = None


@dataclass
class Person:
    """What a story needs to know about its participant."""

    first_name: str
    last_name: str
    age: int
    criteria: set[str]
    periods: list[Period]

    def referent_on(self, day: date) -> User:
        """The référent in charge on that day (the current one when none was)."""
        return next((p.referent for p in self.periods
                     if p.start <= day and (p.end is None or day <= p.end)),
                    self.periods[-1].referent)


@dataclass
class Plan:
    """The dates and outcome of one pathway, decided before its content."""

    orientation: date
    decision: str = ""
    decision_date: date | None = None
    entry: date | None = None
    exit: date | None = None
    category: str = ""
    horizon: date | None = None  # last day anything of this pathway may reach (default today)


@dataclass
class Seeder:
    """Random sources, today, and what is written once the pathways have ids.

    Interviews and appointments are the bulk of the rows: they are kept as plain rows and
    inserted with one executemany each, instead of one ORM insert per row.
    """

    rng: random.Random
    fake: Faker
    today: date
    busy: dict[tuple[int, date], list[tuple[int, int]]] = field(default_factory=dict)
    step_jobs: list[tuple[Step, Employment]] = field(default_factory=list)
    exit_supports: list[tuple[Pathway, Employment | None, Step | None]] = field(
        default_factory=list)
    interviews: list[tuple[Pathway, dict]] = field(default_factory=list)
    appointments: list[tuple[Pathway, str | None, dict]] = field(default_factory=list)
    grid: list[tuple[int, str]] | None = None

    def grid_dimensions(self) -> list[tuple[int, str]]:
        """The active dimensions of the assessment grid, (id, code) in order, read once."""
        if self.grid is None:
            self.grid = [tuple(row) for row in db.session.execute(
                sa.select(AssessmentDimension.id, AssessmentDimension.code)
                .where(AssessmentDimension.active)
                .order_by(AssessmentDimension.position, AssessmentDimension.code))]
        return self.grid

    def add_interview(self, pathway: Pathway, author: User, **row) -> str:
        """Queue an interview row; return its public id (to link its appointment)."""
        public_id = new_public_id()
        written = datetime.combine(row["held_on"], row["end_time"], tzinfo=PARIS)
        self.interviews.append((pathway, {**row, "public_id": public_id, "author_id": author.id,
                                          "created_at": written, "updated_at": written}))
        return public_id

    def add_appointment(self, pathway: Pathway, interview: str | None = None, **row) -> None:
        """Queue an appointment row, honoured by the interview with that public id."""
        self.appointments.append((pathway, interview, row))

    def book(self, referent: User, day: date, minutes: int) -> time:
        """A start time when the référent is free that day (half-hour slots)."""
        taken = self.busy.setdefault((referent.id, day), [])
        for _ in range(12):
            start = self.rng.choice(SLOTS)
            end = start + minutes
            if all(end <= a or start >= b for a, b in taken):
                taken.append((start, end))
                return time(start // 60, start % 60)
        start = self.rng.choice(SLOTS)
        return time(start // 60, start % 60)

    def link_records(self) -> None:
        """After a flush: link steps and exits to their records, insert the queued rows."""
        for step, job in self.step_jobs:
            step.employment_id = job.id
        for pathway, job, step in self.exit_supports:
            pathway.exit_employment_id = job.id if job else None
            pathway.exit_step_id = step.id if step else None
        if self.interviews:
            db.session.execute(sa.insert(Interview.__table__),
                               [{**row, "pathway_id": p.id} for p, row in self.interviews])
        pathway_ids = {p.id for p, _row in self.interviews}
        ids = dict(db.session.execute(sa.select(Interview.public_id, Interview.id)
                                      .where(Interview.pathway_id.in_(pathway_ids))).all())
        rows = [{**row, "pathway_id": p.id, "interview_id": ids.get(public) if public else None,
                 "public_id": new_public_id()} for p, public, row in self.appointments]
        if rows:
            db.session.execute(sa.insert(Appointment.__table__), rows)


FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


@cache
def easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, (b, c) = year % 19, divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def is_closed(day: date) -> bool:
    """Weekends and French public holidays (Easter Monday, Ascension and Whit Monday too)."""
    if day.weekday() >= 5 or (day.month, day.day) in FIXED_HOLIDAYS:
        return True
    return (day - easter(day.year)).days in (1, 39, 50)


def workday(day: date) -> date:
    """The day itself, or the next working day."""
    while is_closed(day):
        day += timedelta(days=1)
    return day


def workday_before(day: date) -> date:
    """The day itself, or the previous working day."""
    while is_closed(day):
        day -= timedelta(days=1)
    return day


def of(name: str) -> str:
    """'de Tours', 'd'Amboise', 'd'hôte de caisse': the French 'of', elided before a vowel."""
    return f"d'{name}" if name[:1].lower() in "aeéèêiîoôuh" else f"de {name}"


def days(n: int) -> timedelta:
    """A number of days."""
    return timedelta(days=n)


def siret(rng: random.Random) -> str:
    """A SIRET number with a valid Luhn key."""
    body = "".join(str(rng.randint(0, 9)) for _ in range(13))
    return body + luhn.calc_check_digit(body)


@dataclass
class Activity:
    """What the participant was doing between two dates, for interview notes."""

    kind: str
    start: date
    end: date
    info: dict


# --- One entered pathway -----------------------------------------------------------------


class PathwayStory:
    """Build the content of one entered pathway, from the entry to the exit or today."""

    def __init__(self, seeder: Seeder, person: Person, pathway: Pathway, plan: Plan):
        self.s = seeder
        self.rng = seeder.rng
        self.today = seeder.today
        self.person = person
        self.pathway = pathway
        self.entry: date = plan.entry
        self.exit = plan.exit
        self.category = plan.category
        self.is_open = plan.exit is None
        self.limit = plan.exit or seeder.today
        self.horizon = plan.horizon or seeder.today
        # An abandon is recorded weeks after the last contact; stories stop at that contact.
        self.story_end = self.limit
        if self.category == "abandon":
            self.story_end = max(self.entry + days(40), self.limit - days(self.rng.randint(35, 80)))
        self.job = self.pick_target_job()
        self.activities: list[Activity] = []
        self.next_employer = ""
        self.exit_info: dict = {}
        self.durable_job: Employment | None = None
        self.closing_cut: date | None = None
        self.held: list[date] = []

    # -- helpers --

    def pick_target_job(self) -> Job:
        """The job the project will aim at."""
        return self.rng.choice(JOBS)

    def employer(self, sector: str) -> str:
        """A plausible employer name in the sector."""
        name = self.rng.choice(EMPLOYERS.get(sector, EMPLOYERS["commerce"]))
        town = self.rng.choice(TOWNS)
        return name.format(last=self.s.fake.last_name(), city=town, of_city=of(town))

    def hours(self, durable: bool = False) -> Decimal:
        """Weekly hours of a contract, half-time at least for a durable job."""
        choices = ["35", "35", "35", "30", "28", "24", "39", "20"]
        if not durable:
            choices += ["15", "17.5", "26"]
        return Decimal(self.rng.choice(choices))

    def info(self, **extra) -> dict:
        """The fields interview notes may mention."""
        return {"job_lc": self.job.title.lower(), "of_job": of(self.job.title.lower()),
                "rome": self.job.rome, **extra}

    def activity(self, kind: str, start: date, end: date | None, **info) -> None:
        """Remember what the participant did, for the interview notes."""
        self.activities.append(Activity(kind, start, end or self.horizon, self.info(**info)))

    def is_done(self, end: date | None) -> bool:
        """Whether a step planned to end on that day is over."""
        if end is None:
            return False
        return end <= self.exit if self.exit else end < self.today

    def add_step(self, code: str, start: date, end: date | None, cut: date | None = None,
                 lag: bool = False, **data) -> Step:
        """A step planned from start to end; its status follows today, the exit and a cut."""
        planned_end = end if not (self.exit and end and end > self.exit) else None
        step = Step(type_code=code, planned_start=start, planned_end=planned_end, **data)
        if start > self.today:
            step.status = "prevue"
        elif cut is not None:
            closing = cut == self.closing_cut and self.category not in LEAVING
            step.status = "realisee" if closing else "abandonnee"
            step.actual_start, step.actual_end = start, cut
        elif self.is_done(end) and not (lag and self.is_open and self.rng.random() < 0.3
                                        and (self.today - end).days < 30):
            step.status = "realisee"
            step.actual_start, step.actual_end = start, end
        else:
            step.status = "en_cours"
            step.actual_start = start
        if step.status == "realisee" and code in STEP_OUTCOMES and not step.outcome:
            step.outcome = STEP_OUTCOMES[code].format(**self.info())
        if step.status == "abandonnee" and not step.outcome:
            step.outcome = self.rng.choice(ABANDON_OUTCOMES)
        self.pathway.steps.append(step)
        return step

    def add_job(self, contract: str, employer: str, job: Job, start: date, planned_end: date | None,
                end: date | None, weekly: Decimal | None = None) -> Employment:
        """An employment episode; it ended on `end` when that day has passed."""
        if self.exit and planned_end and planned_end > self.exit:
            planned_end = end or self.exit
        actual_end = end if end is not None and end <= min(self.today, self.limit) else None
        if actual_end is None and planned_end and planned_end < self.today and \
                contract not in ("INTERIM", "CDI", "CREATION"):
            actual_end = planned_end
        employment = Employment(
            employer=employer, contract_type=contract, start_date=start,
            planned_end=planned_end, actual_end=actual_end,
            weekly_hours=weekly if weekly is not None else self.hours(),
            job_title=job.title, rome_code=job.rome,
            siret=siret(self.rng) if self.rng.random() < 0.6 else "",
        )
        self.pathway.employments.append(employment)
        return employment

    def add_missions(self, employment: Employment, start: date, end: date,
                     gap_max: int = 12) -> date:
        """Intérim missions from start to end (none starting after today) with short gaps."""
        day, last = workday(start), start
        while day <= min(end, self.today):
            length = self.rng.randint(3, 40)
            finish = min(day + days(length - 1), end)
            worked = sum(1 for n in range((finish - day).days + 1)
                         if (day + days(n)).weekday() < 5)
            employment.missions.append(Mission(
                start_date=day, end_date=finish, hours=Decimal(max(worked, 1) * 7),
                employer=self.employer(self.job.sector)))
            last = finish
            day = workday(finish + days(self.rng.randint(1, gap_max)))
        return last

    # -- the story --

    def build(self) -> None:
        """Diagnostic, barriers and social steps, then the main track, interviews, exit."""
        cursor = self.diagnostic()
        self.barriers()
        if self.is_open:
            self.open_track(cursor)
        else:
            self.closed_track(cursor)
            self.prepare_exit_info()
        self.interviews()
        if self.exit:
            self.exit_fields()
        AssessmentStory(self).build()

    def diagnostic(self) -> date:
        """The ACC step at entry; return when the main track may start."""
        end = self.entry + days(self.rng.randint(14, 40))
        if self.exit and end > self.story_end:
            end = self.story_end
        themes = self.rng.sample(ACC_THEMES, self.rng.randint(3, 5))
        self.acc = self.add_step("ACC", self.entry, end, provider="Référent(e) PLIE",
                                 themes=", ".join(t for t in ACC_THEMES if t in themes))
        return end + days(self.rng.randint(0, 20))

    def barrier_themes(self) -> list[str]:
        """One to three distinct themes, drawn with the person's criteria in mind."""
        weights = dict(BARRIER_WEIGHTS)
        for code in self.person.criteria:
            if code in CRITERION_THEMES:
                theme, factor = CRITERION_THEMES[code]
                weights[theme] *= factor
        count = self.rng.choices([1, 2, 3], weights=[35, 40, 25])[0]
        themes: list[str] = []
        while len(themes) < count:
            theme = self.rng.choices(list(weights), weights=list(weights.values()))[0]
            if theme not in themes:
                themes.append(theme)
        return themes

    def barriers(self) -> None:
        """Barriers found at the diagnostic, worked on in a social step; some lifted since."""
        start = min(self.entry + days(self.rng.randint(0, 20)), self.story_end, self.today)
        themes = self.barrier_themes()
        lift_chance = {"emploi_durable": 0.7, "formation_qualifiante": 0.7,
                       "creation_activite": 0.7}.get(self.category, 0.4)
        found = [self.barrier(theme, start, lift_chance) for theme in themes]
        # Interview notes never name health, even as a theme (GDPR art. 9).
        said = [BARRIER_THEMES[t].lower() for t in themes if t not in SENSITIVE_BARRIER_THEMES]
        self.exit_info["barriers"] = ", ".join(said) or "à préciser au fil des entretiens"
        covered = self.acc.themes.split(", ") + [ACC_THEME_OF[t] for t in themes]
        self.acc.themes = ", ".join(dict.fromkeys(covered))
        self.social_step(found, start)
        room = (min(self.story_end, self.today) - start).days
        if len(themes) < 3 and self.rng.random() < 0.25 and room > 150:
            later = workday(start + days(self.rng.randint(60, room - 60)))
            theme = self.rng.choice([t for t in BARRIER_WEIGHTS if t not in themes])
            self.social_step([self.barrier(theme, later, lift_chance)], later)

    def barrier(self, theme: str, start: date, lift_chance: float) -> Barrier:
        """One barrier identified on start, lifted later with some chance."""
        barrier = Barrier(theme=theme, situation=self.rng.choice(BARRIER_SITUATIONS[theme]),
                          severity=self.rng.choices([1, 2, 3], weights=[30, 50, 20])[0],
                          identified_on=start)
        room = (min(self.story_end, self.today) - start).days
        if theme == "sante":
            lift_chance /= 2
        if room > 45 and self.rng.random() < lift_chance:
            barrier.lifted_on = start + days(self.rng.randint(30, room))
            barrier.severity = 0
        self.pathway.barriers.append(barrier)
        return barrier

    def social_step(self, barriers: list[Barrier], start: date) -> None:
        """A SOC step working on the barriers, ending when they are lifted or later."""
        lifted = [b.lifted_on for b in barriers if b.lifted_on]
        length = self.rng.randint(60, 200)
        end = max(lifted) if len(lifted) == len(barriers) else start + days(length)
        if self.exit and end > self.story_end:
            end = self.story_end
        provider = SOCIAL_PROVIDERS[barriers[0].theme].format(of_city=of(self.rng.choice(TOWNS)))
        step = self.add_step("SOC", start, end, provider=provider, lag=True)
        step.barriers.extend(barriers)
        if step.status == "realisee" and len(lifted) < len(barriers):
            step.outcome = "Démarches engagées ; le suivi se poursuit avec le/la référent(e)."
        self.activity("SOC", start, step.end, theme=barriers[0].theme, provider=provider)

    def open_track(self, cursor: date) -> None:
        """An open pathway: blocks until today, sometimes a durable job under follow-up."""
        kinds = self.storyline() + FILLER * 4
        if self.rng.random() < 0.18 and (self.today - cursor).days > 60:
            job_start = workday(self.today - days(self.rng.randint(7, 170)))
            if job_start > cursor + days(20):
                kinds = self.storyline(creation=False) + FILLER * 4
                self.lay_out(kinds, cursor, job_start - days(self.rng.randint(5, 20)))
                self.durable_job_block(job_start)
                return
        self.lay_out(kinds, cursor, None)

    def closed_track(self, cursor: date) -> None:
        """An exited pathway: blocks up to the exit, the last one supporting it."""
        terminal = self.terminal_start(cursor)
        kinds = self.storyline(creation=False) + FILLER * 4
        if self.category == "creation_activite":
            kinds = ["PROJ", "PMSMP", "FORM_PQ", "JOB_SHORT", "JOB_SHORT", "JOB_SHORT"]
        if terminal is None:
            self.lay_out(kinds, cursor, self.story_end, cut_last=True)
            return
        self.lay_out(kinds, cursor, terminal - days(self.rng.randint(3, 20)))
        self.terminal_block(terminal)

    def storyline(self, creation: bool = True) -> list[str]:
        """An ordered list of block kinds that makes a plausible pathway."""
        lines, weights = zip(*STORYLINES, strict=True)
        line = list(self.rng.choices(lines, weights=weights)[0])
        if not creation:  # a business created on the way would run alongside the next job
            line = [k for k in line if k != "CREA"]
        if self.person.age >= 26 and self.rng.random() < 0.5:
            line = [k for k in line if k != "REMOB"]
        return line

    def lay_out(self, kinds: list[str], cursor: date, stop: date | None,
                cut_last: bool = False) -> None:
        """Place blocks one after the other from cursor, until stop or today."""
        for kind in kinds:
            cursor = workday(cursor)
            low, high = DURATIONS[kind]
            length = self.rng.randint(low, high)
            if self.is_open and cursor > self.today:
                if kind not in JOB_KINDS and cursor <= self.today + days(45):
                    self.place(kind, cursor, cursor + days(length - 1))
                return
            end = cursor + days(length - 1)
            if stop is not None and end > stop:
                if cut_last and kind in CUT_OK and cursor < stop:
                    self.closing_cut = stop
                    self.place(kind, cursor, end, cut=stop)
                    return
                if cursor + days(low - 1) > stop:
                    return
                end = stop
            last = self.place(kind, cursor, end)
            if last is None:
                continue
            if kind == "CREA":
                return  # the business runs on: nothing else is planned
            if last >= self.today or (stop is not None and last >= stop):
                return
            gap = self.rng.randint(5, 40) if self.rng.random() < 0.9 else self.rng.randint(60, 110)
            cursor = last + days(gap)

    def place(self, kind: str, start: date, end: date, cut: date | None = None) -> date | None:
        """Create one block's records; return its last day (None: the block did not fit)."""
        if cut is None and kind in {"REMOB", "FORM_PQ", "FORM_Q", "PMSMP"} and \
                self.rng.random() < 0.07:
            early = start + days(max(1, int((end - start).days * self.rng.uniform(0.2, 0.6))))
            if early < self.today:
                cut = early
        if kind.startswith("PMSMP"):
            end = min(end, last_day_within(start, 1))
        if cut is not None and cut >= end:
            cut = None
        block = getattr(self, "block_" + kind.lower())
        return block(start, end, cut)

    # -- blocks: each creates its records and returns its last day (None: nothing placed) --

    def block_remob(self, start: date, end: date, cut: date | None) -> date:
        """A remobilisation workshop."""
        provider = self.rng.choice(REMOB_PROVIDERS)
        step = self.add_step("REMOB", start, end, cut, lag=True, provider=provider)
        if step.status in ("realisee", "abandonnee"):
            step.attendance_rate = self.rng.randint(70, 100) if step.status == "realisee" \
                else self.rng.randint(30, 60)
        self.activity("REMOB", start, cut or end, provider=provider)
        return cut or end

    def block_proj(self, start: date, end: date, cut: date | None) -> date:
        """Work on the professional project, ending on target jobs with a ROME code."""
        other = self.rng.choice([j for j in JOBS if j.sector == self.job.sector])
        targets = self.job.title if other == self.job else f"{self.job.title} ; {other.title}"
        self.add_step("PROJ", start, end, cut, lag=True,
                      provider=self.rng.choice(PROJECT_PROVIDERS),
                      target_jobs=targets, rome_code=self.job.rome)
        self.activity("PROJ", start, cut or end)
        return cut or end

    def block_pmsmp(self, start: date, end: date, cut: date | None, aim: str = "") -> date:
        """An immersion in a company, a month at most (place() trims the end)."""
        host = self.employer(self.job.sector)
        if not aim:
            aim = "confirmer" if any(a.kind == "PROJ" for a in self.activities) else "decouvrir"
        self.add_step("PMSMP", start, end, cut, host_company=host, pmsmp_aim=aim,
                      provider=host, rome_code=self.job.rome)
        self.activity("PMSMP", start, cut or end, employer=host)
        if aim == "embauche" and cut is None:
            self.next_employer = host
        return cut or end

    def block_pmsmp_hire(self, start: date, end: date, cut: date | None) -> date:
        """An immersion meant to lead to a hiring."""
        return self.block_pmsmp(start, end, cut, aim="embauche")

    def block_form_pq(self, start: date, end: date, cut: date | None) -> date:
        """A pre-qualifying training."""
        title = self.rng.choice(PRE_QUALIFYING)
        provider = f"{self.rng.choice(TRAINING_CENTRES)} ({title})"
        weeks = max(1, (end - start).days // 7)
        self.add_step("FORM_PQ", start, end, cut, lag=True, provider=provider,
                      hours=Decimal(min(weeks * 30, 600)))
        self.activity("FORM", start, cut or end, training=title.lower())
        return cut or end

    def certified_job(self) -> Job:
        """The target job if a certification leads to it, else one that has one."""
        if self.job.certification:
            return self.job
        return self.rng.choice([j for j in JOBS if j.certification])

    def block_form_q(self, start: date, end: date, cut: date | None,
                     obtained: bool | None = None) -> date:
        """A qualifying training; once done, the certification is obtained or not."""
        job = self.certified_job()
        provider = self.rng.choice(TRAINING_CENTRES)
        weeks = max(1, (end - start).days // 7)
        step = self.add_step("FORM_Q", start, end, cut, provider=provider,
                             certification=job.certification,
                             hours=Decimal(min(weeks * 30, 1400)))
        if step.status == "realisee":
            step.certification_obtained = obtained if obtained is not None \
                else self.rng.random() < 0.8
            step.outcome = "Certification obtenue." if step.certification_obtained \
                else "Certification non obtenue ; rattrapage possible."
        self.activity("FORM", start, cut or end, training=job.certification)
        self.exit_info.update(certification=job.certification, provider=provider)
        self.last_step = step
        return cut or end

    def block_iae(self, start: date, end: date, cut: date | None) -> date:
        """A job in an SIAE, covered by a 24-month PASS IAE."""
        kind = self.rng.choices(["ACI", "EI", "ETTI"], weights=[5, 3, 2])[0]
        job = self.rng.choice(ACI_JOBS) if kind == "ACI" else self.job
        if kind == "EI":
            siae = INSERTION_ENTERPRISES.get(self.job.sector)
            if siae is None:
                job = JOBS[0]
                siae = INSERTION_ENTERPRISES[job.sector]
        else:
            siae = self.rng.choice(SIAES[kind])
        weekly = Decimal(self.rng.choice(SIAE_WEEKLY_HOURS[kind]))
        self.add_step("IAE", start, end, cut, provider=siae, siae_kind=kind,
                      pass_iae_end=default_pass_iae_end(start), weekly_hours=weekly)
        last = cut or end
        if kind == "ETTI":
            employment = self.add_job("INTERIM", siae, job, start, None, None, weekly)
            worked = self.add_missions(employment, start, last, gap_max=8)
            if cut or self.is_done(last):
                employment.actual_end = worked
        else:
            employment = self.add_job("CDDI", siae, job, start, end, cut, weekly)
        self.activity("IAE", start, last, employer=siae)
        self.exit_info.update(employer=siae, contract=CONTRACT_WORDS[employment.contract_type],
                              job_lc=job.title.lower())
        self.last_job = employment
        return last

    def block_pec(self, start: date, end: date, cut: date | None) -> date | None:
        """A subsidised contract (PEC) of 9 to 12 months, ending by `end` when it can."""
        fitting = [m for m in range(12, 8, -1) if last_day_within(start, m) <= end]
        if not fitting and self.exit:
            return None
        end = last_day_within(start, fitting[0] if fitting else 9)
        employer, job = self.rng.choice(PEC_POSTS)
        weekly = Decimal(self.rng.choice(["20", "24", "26", "30"]))
        self.add_step("PEC", start, end, provider=employer, weekly_hours=weekly)
        self.add_job("PEC", employer, job, start, end, None, weekly)
        self.activity("PEC", start, end, employer=employer)
        return end

    def block_clause(self, start: date, end: date, cut: date | None) -> date:
        """A job on a public works operation under a social clause."""
        operation = self.rng.choice(CLAUSE_OPERATIONS)
        company = self.rng.choice(CLAUSE_COMPANIES).format(last=self.s.fake.last_name())
        last = min(cut or end, self.today)
        worked = Decimal(max(1, (last - start).days // 7) * 35)
        self.add_step("CLAUSE", start, end, cut, operation=operation, company=company,
                      provider=company, hours=worked)
        self.add_job("CDD", company, self.rng.choice(CLAUSE_JOBS), start, end, cut,
                     Decimal("35"))
        self.activity("CLAUSE", start, cut or end, employer=company, operation=operation)
        return cut or end

    def block_job_short(self, start: date, end: date, cut: date | None,
                        contract: str = "") -> date:
        """A short job (CDD, intérim missions or seasonal work) with its EMPLOI step."""
        contract = contract or self.rng.choices(["CDD", "INTERIM", "SAISONNIER"],
                                                weights=[50, 38, 12])[0]
        job, employer = self.job, self.next_employer or self.employer(self.job.sector)
        if contract == "SAISONNIER":
            employer, job = self.rng.choice(SEASONAL_JOBS)
            employer = employer.format(last=self.s.fake.last_name())
        self.next_employer = ""
        last = cut or end
        if contract == "INTERIM":
            employer = self.rng.choice(INTERIM_AGENCIES)
            employment = self.add_job("INTERIM", employer, job, start, None, None,
                                      Decimal("35"))
            worked = self.add_missions(employment, start, last)
            if cut or self.is_done(last):
                employment.actual_end = worked
        else:
            employment = self.add_job(contract, employer, job, start, end, cut)
        self.job_step(employment, start, end, cut)
        self.activity("JOB_INTERIM" if contract == "INTERIM" else "JOB", start, last,
                      employer=employer)
        self.exit_info.update(employer=employer, contract=CONTRACT_WORDS[contract],
                              job_lc=job.title.lower())
        self.last_job = employment
        return last

    def block_job_trial(self, start: date, end: date, cut: date | None) -> date:
        """A CDI that stopped during the trial period."""
        stop = cut or end
        if stop >= self.today:
            return self.block_job_short(start, end, cut)
        employer = self.next_employer or self.employer(self.job.sector)
        self.next_employer = ""
        employment = self.add_job("CDI", employer, self.job, start, None, stop)
        step = self.job_step(employment, start, None, stop)
        step.status = "abandonnee"
        step.outcome = "Fin de la période d'essai à l'initiative de l'employeur."
        self.activity("JOB", start, stop, employer=employer)
        return stop

    def job_step(self, employment: Employment, start: date, end: date | None,
                 cut: date | None) -> Step:
        """The EMPLOI step of an employment episode, linked to it once ids exist."""
        step = self.add_step("EMPLOI", start, end, cut, provider=employment.employer)
        if step.status == "realisee":
            step.outcome = JOB_OUTCOMES.get(employment.contract_type, "")
        self.s.step_jobs.append((step, employment))
        return step

    def block_crea(self, start: date, end: date, cut: date | None,
                   registered: bool | None = None) -> date:
        """Support to create a business; once registered, it is an employment episode."""
        activity = self.rng.choice(CREATION_ACTIVITIES)
        provider = self.rng.choice(CREATION_PROVIDERS)
        legal_form = self.rng.choice(LEGAL_FORMS)
        step = self.add_step("CREA", start, end, cut, provider=provider, legal_form=legal_form)
        last = cut or end
        registration = max(start, last - days(self.rng.randint(0, 30)))
        if registered is None:
            registered = step.status == "realisee" or (
                step.status == "en_cours" and registration <= self.today
                and self.rng.random() < 0.4)
        if registered:
            step.siret = siret(self.rng)
            business = f"{self.person.first_name} {self.person.last_name}, {activity.lower()}"
            self.add_job("CREATION", business, Job(activity, "", "crea"), registration,
                         None, None, Decimal("35"))
        self.activity("CREA", start, last, activity=activity.lower(), provider=provider,
                      legal_form=legal_form.lower())
        self.exit_info.update(activity=activity.lower(), legal_form=legal_form)
        self.last_step = step
        return last

    def durable_job_block(self, start: date, validated: bool = True) -> Employment:
        """A durable job with its EMPLOI step and, once it may count, in-work follow-up."""
        contract = self.rng.choices(["CDI", "CDD", "INTERIM", "PRO"], weights=[60, 20, 10, 10])[0]
        if not self.is_open and not validated:
            contract = "CDI"
        employer = self.next_employer or self.employer(self.job.sector)
        self.next_employer = ""
        weekly = self.hours(durable=True)
        six_months = last_day_within(start, 6)
        if contract == "INTERIM":
            employer = self.rng.choice(INTERIM_AGENCIES)
            weekly = Decimal("35")
            employment = self.add_job("INTERIM", employer, self.job, start, None, None, weekly)
            self.add_missions(employment, start, self.limit, gap_max=8)
        else:
            planned = None
            if contract in ("CDD", "PRO"):
                planned = last_day_within(start, self.rng.randint(6, 12))
                if self.exit:
                    planned = max(min(planned, self.exit), six_months)
            employment = self.add_job(contract, employer, self.job, start, planned, None, weekly)
        self.job_step(employment, start, None if self.is_open else self.exit, None)
        if self.is_open or self.exit >= six_months:
            follow = self.add_step("SUIVI_EMP", start + days(self.rng.randint(0, 7)),
                                   min(six_months, self.exit or six_months),
                                   provider="Référent(e) PLIE")
            self.s.step_jobs.append((follow, employment))
        self.activity("DURABLE", start, self.exit, employer=employer, since=start,
                      contract=contract)
        self.exit_info.update(employer=employer, contract=CONTRACT_WORDS[contract],
                              job_lc=self.job.title.lower(), hours=f"{weekly:g}")
        self.durable_job = employment
        return employment

    # -- exits --

    def terminal_start(self, cursor: date) -> date | None:
        """When the block that supports the exit starts (None: the exit has no support)."""
        category, exit_day = self.category, self.exit
        if category == "emploi_durable":
            # Validated: held six months by the exit; else recorded as the job began.
            validated = workday(exit_day - days(186 + self.rng.randint(0, 20)))
            if validated > cursor + days(20) and self.rng.random() < 0.65:
                self.exit_info["validated"] = True
                return validated
            return max(self.entry + days(1), exit_day - days(self.rng.randint(0, 21)))
        if category == "formation_qualifiante":
            length = self.rng.randint(*DURATIONS["FORM_Q"])
            return max(cursor, exit_day - days(self.rng.randint(0, 20) + length))
        if category == "creation_activite":
            return max(cursor, exit_day - days(self.rng.randint(*DURATIONS["CREA"])))
        if category == "emploi_transition":
            # A CDD under six months, or a longer job in an SIAE.
            self.exit_info["transition"] = self.rng.choice(["CDD", "IAE", "IAE"])
            span = (30, 170) if self.exit_info["transition"] == "CDD" else (90, 300)
            return max(cursor, exit_day - days(self.rng.randint(*span)))
        return None

    def terminal_block(self, start: date) -> None:
        """The block the exit rests on: a job, a training or a business."""
        category, exit_day = self.category, self.exit
        start = min(start, exit_day)
        if category == "emploi_durable":
            job = self.durable_job_block(start, validated=self.exit_info.get("validated", False))
            self.s.exit_supports.append((self.pathway, job, None))
        elif category == "formation_qualifiante":
            end = exit_day - days(self.rng.randint(0, min(20, (exit_day - start).days // 4)))
            self.block_form_q(start, end, None, obtained=True)
            self.s.exit_supports.append((self.pathway, None, self.last_step))
        elif category == "creation_activite":
            self.block_crea(start, exit_day, None, registered=True)
            self.s.exit_supports.append((self.pathway, None, self.last_step))
        elif category == "emploi_transition":
            if self.exit_info["transition"] == "IAE":
                self.block_iae(start, exit_day, None)
            else:
                self.block_job_short(start, exit_day, None, contract="CDD")
            self.s.exit_supports.append((self.pathway, self.last_job, None))

    def prepare_exit_info(self) -> None:
        """Fill what the exit texts mention but the story did not record."""
        info = self.info(**self.exit_info)
        info.setdefault("relay", self.relay())
        info.setdefault("moved_to", self.s.fake.city())
        info.setdefault("hours", "35")
        for name in ("employer", "contract", "certification", "provider", "activity",
                     "legal_form"):
            info.setdefault(name, "")
        self.exit_info = info

    def exit_fields(self) -> None:
        """The exit comment, from the category and what the story recorded."""
        held = [day for day in self.held if day <= self.exit]
        self.exit_info["last_contact"] = max(held, default=self.entry).strftime("%d/%m/%Y")
        template = EXIT_COMMENTS.get(self.category, "")
        self.pathway.exit_comment = template.format(**self.exit_info)

    def relay(self) -> str:
        """Where a reoriented person goes, given who they are."""
        if "RQTH" in self.person.criteria:
            return RELAYS[1]
        if self.person.age < 26:
            return RELAYS[2]
        return self.rng.choice([RELAYS[0], RELAYS[3]])

    # -- interviews and appointments --

    def interview_days(self) -> list[date]:
        """Interview days: close together at first, then about monthly, up to the story's end."""
        last = min(self.story_end, self.today)
        result, day = [], self.entry
        while day <= last:
            result.append(day)
            gap = self.rng.randint(9, 20) if (day - self.entry).days < 90 \
                else self.rng.randint(18, 34)
            if self.rng.random() < 0.05:
                gap += self.rng.randint(15, 40)
            day = workday(day + days(gap))
        if self.exit and self.category != "abandon":
            # The exit review, on the exit day or the Friday before.
            review = workday_before(self.exit)
            if review - result[-1] > days(3):
                result.append(review)
        return result

    def context(self, day: date) -> Activity | None:
        """The latest-started main activity under way that day."""
        current = [a for a in self.activities if a.start <= day <= a.end and a.kind != "SOC"]
        return max(current, key=lambda a: a.start) if current else None

    def social_context(self, day: date) -> Activity | None:
        """The social step under way that day."""
        return next((a for a in self.activities if a.kind == "SOC" and a.start <= day <= a.end),
                    None)

    def interviews(self) -> None:
        """Interviews with notes matching the story, and appointments around them."""
        dates = self.interview_days()
        last_bilan = self.entry
        closing = len(dates) - 1 if self.exit and self.category != "abandon" else None
        for index, day in enumerate(dates):
            context = self.context(day)
            if index == 0:
                kind, key = "diagnostic", "diagnostic"
            elif index == closing:
                kind, key = "bilan", "exit"
            elif context and context.kind == "DURABLE":
                kind, key = "suivi_emploi", "DURABLE"
            elif (day - last_bilan).days >= 170:
                kind, key, last_bilan = "bilan", "bilan", day
            else:
                kind, key = "suivi", context.kind if context else "search"
            self.interview(day, kind, key, context)
        self.follow_up_after_exit()
        self.missed_appointments(dates)
        self.upcoming_appointment(dates[-1] if dates else self.entry)

    def interview(self, day: date, kind: str, key: str, context: Activity | None) -> None:
        """One interview, with its appointment when it was planned."""
        info = self.info(**(context.info if context else {}))
        info.setdefault("employer", self.exit_info.get("employer", ""))
        mode = "presentiel" if kind in ("diagnostic", "bilan") else \
            self.rng.choices(MODES, weights=MODE_WEIGHTS)[0]
        social = self.social_context(day)
        if kind == "suivi" and key in ("search", "PROJ") and self.rng.random() < 0.12:
            key, mode = "collectif", "collectif"
        if kind == "suivi_emploi" and self.rng.random() < 0.6:
            mode = "telephone"
        topics, note, actions = self.note(key, info, social, kind, day)
        length = {"diagnostic": [60, 75, 90], "bilan": [45, 60]}.get(kind) or \
            {"telephone": [15, 20, 30], "collectif": [90, 120], "visio": [30, 45]}.get(
                mode, [30, 45, 45, 60])
        minutes = self.rng.choice(length)
        author = self.person.referent_on(day)
        start = self.s.book(author, day, minutes)
        end_minutes = start.hour * 60 + start.minute + minutes
        interview = self.s.add_interview(
            self.pathway, author, held_on=day, start_time=start,
            end_time=time(end_minutes // 60, end_minutes % 60), mode=mode, kind=kind,
            topics=topics, note=note, next_actions=actions)
        self.held.append(day)
        if mode != "collectif" and self.rng.random() < 0.7:
            self.s.add_appointment(self.pathway, interview, scheduled_on=day,
                                   scheduled_time=start, mode=mode,
                                   purpose=self.purpose(kind, key), attendance="honore")

    def note(self, key: str, info: dict, social: Activity | None, kind: str,
             day: date) -> tuple[str, str, str]:
        """Topics, a short factual note and next actions for an interview."""
        info = {"count": self.rng.randint(2, 8), "of_city": of(self.rng.choice(TOWNS)),
                "workshop": self.rng.choice(WORKSHOPS), "barriers": self.exit_info.get(
                    "barriers", "aucun"), "social": "le service social", "employer": "",
                "operation": "", "training": "", "provider": "", "activity": "",
                "legal_form": "", **info}
        if key == "exit":
            text = EXIT_NOTES.get(self.category, "Bilan de sortie.").format(
                **{**info, **self.exit_info})
            return "Bilan de sortie", text, "Remettre l'attestation de sortie."
        if key == "bilan":
            points = " ; ".join(self.rng.sample(BILAN_POINTS, 2))
            months = max(1, round((day - self.entry).days / 30.4))
            return ("Bilan intermédiaire", f"Bilan à {months} mois de parcours : {points}.",
                    "Fixer les objectifs des six prochains mois.")
        if key == "DURABLE":
            return self.in_work_note(info, day)
        if social and kind == "suivi" and self.rng.random() < 0.3:
            theme = social.info["theme"]
            topic = "Accompagnement social" if theme in SENSITIVE_BARRIER_THEMES \
                else BARRIER_THEMES[theme]
            return topic, BARRIER_NOTES[theme], "Poursuivre les démarches engagées."
        topics, note, actions = self.rng.choice(NOTES.get(key, NOTES["search"]))
        return topics, note.format(**info), actions.format(**info)

    def in_work_note(self, info: dict, day: date) -> tuple[str, str, str]:
        """An in-work follow-up note matching how long the job has lasted."""
        if info.get("contract") == "INTERIM":
            choices = INTERIM_NOTES
            info = {**info, "client": self.employer(self.job.sector)}
        else:
            weeks = (day - info["since"]).days // 7 if info.get("since") else 20
            choices = DURABLE_NOTES[0 if weeks < 6 else 1 if weeks < 14 else 2]
        topics, note, actions = self.rng.choice(choices)
        return topics, note.format(**info), actions.format(**info)

    def purpose(self, kind: str, key: str) -> str:
        """What an appointment was planned for."""
        if kind == "diagnostic":
            return "Entretien d'entrée et signature du contrat d'engagement"
        if kind == "bilan":
            return "Bilan de parcours"
        if kind == "suivi_emploi":
            return "Suivi dans l'emploi"
        return {"PMSMP": "Préparation de l'immersion", "FORM": "Point sur la formation",
                "CREA": "Point sur le projet de création"}.get(key, "Entretien de suivi")

    def follow_up_after_exit(self) -> None:
        """Monthly in-work calls after an exit recorded when the durable job began."""
        job = self.durable_job
        if self.exit is None or job is None or self.exit_info.get("validated"):
            return
        day = workday(self.exit + days(self.rng.randint(20, 35)))
        until = min(last_day_within(job.start_date, 6), self.today, self.horizon)
        context = Activity("DURABLE", job.start_date, until, self.info(
            employer=job.employer, since=job.start_date, contract=job.contract_type))
        while day <= until:
            self.interview(day, "suivi_emploi", "DURABLE", context)
            day = workday(day + days(self.rng.randint(25, 35)))

    def missed_appointments(self, dates: list[date]) -> None:
        """A few appointments the person missed or excused; an abandon ends on several."""
        for earlier, later in zip(dates, dates[1:], strict=False):
            if (later - earlier).days > 14 and self.rng.random() < 0.12:
                day = workday(earlier + days(self.rng.randint(7, (later - earlier).days - 3)))
                if day < later:
                    self.missed(day, self.rng.choice(["excuse", "absent"]))
        if self.category == "abandon" and dates:
            day = dates[-1]
            for _ in range(self.rng.randint(2, 3)):
                day = workday(day + days(self.rng.randint(12, 20)))
                if day < self.exit:
                    self.missed(day, "absent")

    def missed(self, day: date, attendance: str) -> None:
        """A past appointment not held."""
        self.appointment(day, "Entretien de suivi", attendance, self.person.referent_on(day))

    def appointment(self, day: date, purpose: str, attendance: str, referent: User,
                    mode: str = "presentiel", minutes: int = 45) -> None:
        """An appointment not (or not yet) held, in a free slot of the référent's day."""
        self.s.add_appointment(self.pathway, scheduled_on=day,
                               scheduled_time=self.s.book(referent, day, minutes), mode=mode,
                               purpose=purpose, attendance=attendance)

    def upcoming_appointment(self, last_interview: date) -> None:
        """The next appointment of an open pathway; the demo référente's fall in two weeks."""
        if not self.is_open:
            return
        referent = self.person.periods[-1].referent
        showcase = referent.email == SHOWCASE_EMAIL
        if not showcase and self.rng.random() < 0.15:
            return
        if self.rng.random() < 0.05:
            # Attendance not recorded yet.
            past = workday(self.today - days(self.rng.randint(1, 6)))
            if last_interview < past < self.today:
                self.appointment(past, "Entretien de suivi", "", referent)
        day = workday(self.today + days(self.rng.randint(0, 13 if showcase else 30)))
        context = self.context(day)
        key = context.kind if context else "search"
        kind = "suivi_emploi" if key == "DURABLE" else "suivi"
        mode = "telephone" if kind == "suivi_emploi" else \
            self.rng.choices(MODES, weights=MODE_WEIGHTS)[0]
        self.appointment(day, self.purpose(kind, key), "", referent, mode)
        if self.rng.random() < 0.1:
            later = workday(day + days(self.rng.randint(14, 28)))
            self.appointment(later, f"Atelier collectif « {self.rng.choice(WORKSHOPS)} »", "",
                             referent, "collectif", 120)


# --- Assessment grids -----------------------------------------------------------------------

# The grid dimension each barrier theme weighs on (administrative, financial and justice
# barriers have none of their own).
THEME_DIMENSIONS = {"mobilite": "MOBILITE", "famille": "LOGEMENT", "logement": "LOGEMENT",
                    "sante": "SANTE", "francais": "COMPETENCES", "numerique": "NUMERIQUE",
                    "savoir_etre": "SAVOIR_ETRE"}
# Entry scores of a dimension no barrier points at: (scores, weights).
ENTRY_SCORES = {"PROJET": ([1, 2, 3], [35, 45, 20]), "RECHERCHE": ([1, 2, 3], [30, 50, 20])}
DEFAULT_ENTRY_SCORES = ([1, 2, 3, 4], [12, 38, 38, 12])
# Per dimension and grid: chance to go up a level, and to slip down one, by how it ends.
PROGRESS = {"emploi_durable": (0.45, 0.03), "formation_qualifiante": (0.45, 0.03),
            "creation_activite": (0.45, 0.03), "abandon": (0.06, 0.2), "sante": (0.06, 0.2),
            "demenagement": (0.15, 0.1)}
USUAL_PROGRESS = (0.3, 0.06)
STALLED_PROGRESS = (0.05, 0.08)  # about one pathway in five barely moves
# Where the story itself shows in the scores (a project defined, jobs held), but not for
# pathways that stall or end in a drop-out or for health reasons.
NO_STORY_FLOORS = {"abandon", "sante"}
JOB_KINDS_SEEN = {"JOB", "JOB_INTERIM", "IAE", "PEC", "CLAUSE", "DURABLE", "CREA"}
GRID_COMMENTS = {
    "entree": "Grille remplie avec la personne lors de l'entretien d'entrée.",
    "intermediaire": "Point d'étape à {months} mois, grille relue avec la personne.",
    "sortie": "Grille de sortie remplie lors du bilan de sortie.",
}


class AssessmentStory:
    """The grids of one entered pathway: at entry, every six months or so, and at exit.

    Scores follow the story: barriers found at entry pull their dimension down, lifted ones
    push it up, a project worked on and jobs held show; pathways that end well progress more,
    some stall, those that end in a drop-out or for health reasons may slip back a little.
    A random source of its own keeps the rest of the demo identical with or without grids.
    """

    def __init__(self, story: "PathwayStory"):
        self.story = story
        person = story.person
        self.rng = random.Random(f"grille:{person.first_name}:{person.last_name}:"
                                 f"{story.entry.isoformat()}")
        self.dimensions = story.s.grid_dimensions()
        self.up, self.down = PROGRESS.get(story.category, USUAL_PROGRESS)
        self.floors = story.category not in NO_STORY_FLOORS
        if story.category not in PROGRESS and self.rng.random() < 0.2:
            self.up, self.down, self.floors = (*STALLED_PROGRESS, False)

    def build(self) -> None:
        """Add the grids to the pathway."""
        if not self.dimensions:
            return
        story = self.story
        scores = self.entry_scores()
        self.add(story.entry, "entree", scores)
        last_contact = min(story.story_end, story.today, story.horizon)
        closing = workday_before(story.exit) if story.exit and story.category != "abandon" \
            else None
        limit = last_contact if closing is None else min(last_contact, closing - days(20))
        for months in (6, 12):
            day = workday(add_months(story.entry, months) + days(self.rng.randint(-10, 20)))
            if day > limit:
                break
            scores = self.progress(scores, day)
            self.add(day, "intermediaire", scores, months=months)
        if closing is not None and closing >= story.entry:
            self.add(closing, "sortie", self.progress(scores, closing, leaving=True))

    def entry_scores(self) -> dict[str, int]:
        """Where the person stands at entry, given the barriers found at the diagnostic."""
        scores = {}
        for _id, code in self.dimensions:
            choices, weights = ENTRY_SCORES.get(code, DEFAULT_ENTRY_SCORES)
            scores[code] = self.rng.choices(choices, weights=weights)[0]
        for barrier in self.story.pathway.barriers:
            code = THEME_DIMENSIONS.get(barrier.theme)
            if code in scores and barrier.identified_on <= self.story.entry + days(30):
                scores[code] = min(scores[code], self.rng.choice([1, 1, 2]))
        return scores

    def progress(self, before: dict[str, int], day: date, leaving: bool = False
                 ) -> dict[str, int]:
        """The scores at a later grid: small random moves, then what the story shows."""
        scores = {}
        for code, score in before.items():
            draw = self.rng.random()
            if draw < self.up:
                score += 1
            elif draw > 1 - self.down:
                score -= 1
            scores[code] = min(4, max(1, score))
        for barrier in self.story.pathway.barriers:
            code = THEME_DIMENSIONS.get(barrier.theme)
            if code in scores and barrier.lifted_on and barrier.lifted_on <= day:
                scores[code] = max(scores[code], 3)
        if leaving and self.story.category == "sante" and "SANTE" in scores:
            scores["SANTE"] = max(1, min(scores["SANTE"], before["SANTE"] - 1))
        if not self.floors:
            return scores
        done = {a.kind for a in self.story.activities if a.start <= day}
        if "PROJ" in done and "PROJET" in scores:
            scores["PROJET"] = max(scores["PROJET"], 3)
        if done & JOB_KINDS_SEEN:
            for code in ("SAVOIR_ETRE", "RECHERCHE"):
                if code in scores:
                    scores[code] = max(scores[code], 3)
        if leaving and self.story.category == "emploi_durable" and "RECHERCHE" in scores:
            scores["RECHERCHE"] = 4
        return scores

    def add(self, day: date, kind: str, scores: dict[str, int], months: int = 0) -> None:
        """One grid on that day, filled by the référent in charge."""
        ids = {code: dimension_id for dimension_id, code in self.dimensions}
        self.story.pathway.assessments.append(Assessment(
            assessed_on=day, kind=kind, comment=GRID_COMMENTS[kind].format(months=months),
            author_id=self.story.person.referent_on(day).id,
            scores=[AssessmentScore(dimension_id=ids[code], score=score)
                    for code, score in scores.items()]))


SHOWCASE_EMAIL = "referente@demo.jalons.fr"


# --- Pathways before entry ---------------------------------------------------------------


PRESCRIBERS = {
    "france_travail": ["France Travail Tours Nord", "France Travail Joué-lès-Tours",
                       "France Travail Tours Centre"],
    "departement": ["Maison départementale de la solidarité de Tours Centre",
                    "Maison départementale de la solidarité de Joué-lès-Tours"],
    "mission_locale": ["Mission locale de Touraine"],
    "ccas": ["CCAS de Tours", "CCAS de Saint-Pierre-des-Corps"],
    "travailleur_social": ["Service social départemental"],
    "cap_emploi": ["Cap emploi 37"],
    "siae": ["ACI Ressourcerie La Boucle", "EI Touraine Propreté Solidaire"],
    "spontane": [""],
}
ORIENTATION_COMMENTS = {
    "france_travail": "Orienté(e) par sa conseillère après un atelier collectif.",
    "departement": "Bénéficiaire du RSA orienté(e) vers un accompagnement vers l'emploi.",
    "mission_locale": "Jeune suivi(e) par la Mission locale, besoin d'un accompagnement renforcé.",
    "ccas": "Personne connue du CCAS, souhaite reprendre un emploi.",
    "travailleur_social": "Orientation par l'assistante sociale de secteur.",
    "cap_emploi": "Orientation conjointe avec Cap emploi.",
    "siae": "Fin de parcours en SIAE à préparer.",
    "spontane": "Démarche spontanée après une réunion d'information.",
}
REFUSALS = ["Domicile hors du territoire du PLIE ; orientation vers le PLIE voisin.",
            "Accompagnement social prioritaire : orientation vers le service social."]
YOUNG_REFUSAL = "Déjà accompagné(e) dans le cadre du Contrat d'engagement jeune."
POSTPONEMENTS = ["Ajournée : situation administrative à régulariser avant l'entrée.",
                 "Ajournée : la personne souhaite d'abord terminer sa formation linguistique.",
                 "Ajournée dans l'attente de pièces justificatives."]


def prescriber(rng: random.Random, person: Person) -> str:
    """Who oriented the person, given who they are."""
    weights = {"france_travail": 40, "departement": 0, "mission_locale": 0, "ccas": 8,
               "travailleur_social": 8, "cap_emploi": 0, "siae": 5, "spontane": 6}
    if person.age < 26:
        weights["mission_locale"] = 30
    if "RQTH" in person.criteria:
        weights["cap_emploi"] = 20
    if "RSA" in person.criteria:
        weights["departement"] = 45
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def build_pathway(seeder: Seeder, person: Person, plan: Plan) -> Pathway:
    """One pathway: orientation and decision, then its content if the person entered."""
    rng = seeder.rng
    kind = prescriber(rng, person)
    pathway = Pathway(orientation_date=plan.orientation, prescriber_kind=kind,
                      prescriber_name=rng.choice(PRESCRIBERS[kind]),
                      orientation_comment=ORIENTATION_COMMENTS[kind],
                      decision=plan.decision, decision_date=plan.decision_date)
    if plan.decision == "accepted" and plan.decision_date:
        pathway.decision_comment = (f"Entrée validée en commission du "
                                    f"{plan.decision_date.strftime('%d/%m/%Y')}.")
    elif plan.decision == "refused":
        pathway.decision_comment = rng.choice(REFUSALS + ([YOUNG_REFUSAL] if person.age < 26
                                                          else []))
    elif plan.decision == "postponed":
        pathway.decision_comment = rng.choice(POSTPONEMENTS)
    before_entry(seeder, person, pathway, plan)
    if plan.entry:
        pathway.contract_signed_on = pathway.entry_date = plan.entry
        pathway.exit_date, pathway.exit_category = plan.exit, plan.category
        PathwayStory(seeder, person, pathway, plan).build()
    return pathway


def before_entry(seeder: Seeder, person: Person, pathway: Pathway, plan: Plan) -> None:
    """A welcome interview after the orientation and, while waiting, the next appointment."""
    rng, today = seeder.rng, seeder.today
    last_day = min(plan.decision_date or today, today)
    if plan.entry:
        last_day = min(last_day, plan.entry - days(1))
    welcome = workday(plan.orientation + days(rng.randint(2, 12)))
    welcomed = welcome <= last_day and rng.random() < 0.8
    if welcomed:
        welcome_interview(seeder, person, pathway, welcome)
    if plan.entry or plan.decision == "refused":
        return
    referent = person.periods[-1].referent
    day = workday(today + days(rng.randint(0, 12)))
    purpose = {"accepted": "Signature du contrat d'engagement",
               "postponed": "Point avant nouvelle présentation en commission"}.get(
        plan.decision, "Préparation du dossier de commission" if welcomed
        else "Entretien d'accueil")
    seeder.add_appointment(pathway, scheduled_on=day,
                           scheduled_time=seeder.book(referent, day, 60), mode="presentiel",
                           purpose=purpose, attendance="")


def welcome_interview(seeder: Seeder, person: Person, pathway: Pathway, day: date) -> None:
    """The first meeting after the orientation, held on an appointment."""
    referent = person.referent_on(day)
    start = seeder.book(referent, day, 60)
    topics, note, actions = NOTES["accueil"][0]
    interview = seeder.add_interview(
        pathway, referent, held_on=day, start_time=start,
        end_time=time(start.hour + 1, start.minute), mode="presentiel", kind="diagnostic",
        topics=topics, note=note, next_actions=actions)
    seeder.add_appointment(pathway, interview, scheduled_on=day, scheduled_time=start,
                           mode="presentiel", purpose="Entretien d'accueil", attendance="honore")
