"""The FSE+ exports: their documented column layout, and the CSV and XLSX streams.

One row per participant of the period (entrants and leavers), with the entry data at the first
entry and the exit data of the exit counted in the period. COLUMNS is the one description of
the layout: the export writes it, the documentation page and README.md describe it.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from app.domain.catalogue import (
    CONTRACT_TYPES,
    EDUCATION_LEVELS,
    EXIT_CATEGORIES,
    POSITIVE_EXIT_CATEGORIES,
)
from app.domain.fse import (
    ANSWERS,
    EXIT_SITUATIONS,
    SEX_COLUMNS,
    FseReport,
    ParticipantRecord,
    PathwayData,
    Period,
    PersonData,
    age_at,
    answer,
    counted_exit,
    disabled,
    entry_missing,
    isced_band,
    long_term_unemployed,
    minima_sociaux,
    positive_validated,
    unemployed_months,
)
from app.reports.queries import Identity, collector_paused
from app.reports.xlsx import stream_workbook

SEXES = {"F": "Femme", "M": "Homme", "X": "Non-binaire"}
LABOUR = {"unemployed": "Chômeur", "inactive": "Inactif", "employed": "En emploi"}
YES_NO = "Oui / Non"


def one_of(labels) -> str:
    """The documented format of a column holding one of these labels."""
    return "texte, l'un de : " + ", ".join(f"« {label} »" for label in labels)


ANSWER_FORMAT = "Oui / Non / Refuse de répondre / vide (question pas encore posée)"
DATE_FORMAT = "date JJ/MM/AAAA"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def yes_no(value: bool | None) -> str:
    """Oui, Non, or blank when unknown."""
    return "" if value is None else ("Oui" if value else "Non")


@dataclass(frozen=True, slots=True)
class Row:
    """What one export row is computed from (the derived values computed once)."""

    identity: Identity
    record: ParticipantRecord
    person: PersonData
    leaving: PathwayData | None
    referent: tuple[str, str]
    first_entry: date | None
    entrant: bool
    missing: list[str]


@dataclass(frozen=True)
class Column:
    """One export column: its header, what it holds, its format, its width and its value."""

    header: str
    meaning: str
    format: str
    width: int
    value: Callable[[Row], object]


def exit_value(getter: Callable[[PathwayData], object]) -> Callable[[Row], object]:
    """A value of the exit counted in the period (blank when there is none)."""
    return lambda r: getter(r.leaving) if r.leaving is not None else None


COLUMNS: tuple[Column, ...] = (
    Column("Identifiant Jalons", "Identifiant du dossier dans Jalons (stable, non signifiant)",
           "texte", 14, lambda r: r.identity.public_id),
    Column("Nom", "Nom de famille", "texte", 18, lambda r: r.identity.last_name),
    Column("Prénom", "Prénom", "texte", 16, lambda r: r.identity.first_name),
    Column("Sexe", "Sexe déclaré", "Femme / Homme / Non-binaire / vide", 11,
           lambda r: SEXES.get(r.person.sex, "")),
    Column("Date de naissance", "Date de naissance", DATE_FORMAT, 12,
           lambda r: r.person.birth_date),
    Column("Âge à l'entrée", "Âge en années révolues à la première date d'entrée",
           "nombre entier", 8, lambda r: age_at(r.person, r.first_entry)),
    Column("Code postal", "Code postal de résidence", "texte, 5 chiffres", 9,
           lambda r: r.person.postcode),
    Column("QPV", "Réside dans un quartier prioritaire de la politique de la ville", YES_NO, 6,
           lambda r: yes_no(r.person.qpv)),
    Column("Zone rurale", "Réside en zone rurale", YES_NO, 8, lambda r: yes_no(r.person.rural)),
    Column("Date de première entrée", "Première entrée dans un parcours PLIE : la date à "
           "laquelle la personne est comptée (une ré-entrée ne la compte pas de nouveau)",
           DATE_FORMAT, 12, lambda r: r.first_entry),
    Column("Nombre d'entrées", "Parcours dans lesquels la personne est entrée (ré-entrées "
           "comprises)", "nombre entier", 8,
           lambda r: sum(1 for p in r.record.pathways if p.entry_date)),
    Column("Situation à l'entrée", "Situation sur le marché du travail à l'entrée",
           "Chômeur / Inactif / En emploi / vide", 11,
           lambda r: LABOUR.get(r.person.labour_status, "")),
    Column("Sans emploi depuis le", "Début de la période sans emploi (chômeurs)", DATE_FORMAT,
           12, lambda r: r.person.unemployed_since),
    Column("Durée du chômage à l'entrée (mois)", "Mois révolus sans emploi à la première "
           "entrée", "nombre entier, vide si inconnue", 9,
           lambda r: unemployed_months(r.person, r.first_entry)),
    Column("Chômeur de longue durée", "Chômeur depuis 12 mois ou plus à l'entrée (6 mois ou "
           "plus pour les moins de 25 ans) ; à défaut de date, critère DELD ou DETLD", YES_NO, 9,
           lambda r: yes_no(long_term_unemployed(r.person, r.first_entry))),
    Column("En études ou formation à l'entrée", "Suit des études ou une formation à l'entrée",
           YES_NO, 9, lambda r: yes_no(r.person.in_education)),
    Column("Niveau de formation", "Niveau de formation (nomenclature française)",
           one_of(label for label, _ in EDUCATION_LEVELS.values()) + ", ou vide", 22,
           lambda r: EDUCATION_LEVELS.get(r.person.education_level, ("",))[0]),
    Column("Niveau CITE", "Niveau dans la classification internationale (CITE / ISCED)",
           "CITE 0-2 / CITE 3-4 / CITE 5-8 / vide", 9,
           lambda r: f"CITE {isced_band(r.person)}" if isced_band(r.person) else ""),
    Column("Minima sociaux", "Minima sociaux perçus", "RSA, ASS, AAH séparés par une virgule, "
           "vide si aucun", 10, lambda r: ", ".join(minima_sociaux(r.person))),
    Column("Participant handicapé", "Reconnaissance de travailleur handicapé (RQTH) ou AAH",
           YES_NO, 9, lambda r: yes_no(disabled(r.person))),
    Column("Ressortissant de pays tiers", "Ressortissant d'un pays hors Union européenne",
           ANSWER_FORMAT, 12,
           lambda r: ANSWERS.get(answer(r.person, "third_country_national"), "")),
    Column("Origine étrangère", "Participant d'origine étrangère", ANSWER_FORMAT, 12,
           lambda r: ANSWERS.get(answer(r.person, "foreign_background"), "")),
    Column("Minorité", "Appartenance à une minorité (y compris communautés marginalisées)",
           ANSWER_FORMAT, 12, lambda r: ANSWERS.get(answer(r.person, "minority"), "")),
    Column("Sans domicile ou exclu du logement", "Sans domicile fixe ou exclu du logement "
           "(le critère « Sans hébergement » vaut Oui)", ANSWER_FORMAT, 12,
           lambda r: ANSWERS.get(answer(r.person, "homeless"), "")),
    Column("Données d'entrée complètes", "Toutes les données d'entrée sont renseignées (un "
           "refus de répondre compte comme une réponse)", YES_NO, 9,
           lambda r: yes_no(not r.missing)),
    Column("Données manquantes", "Les données d'entrée à compléter",
           "texte, éléments séparés par une virgule", 30,
           lambda r: ", ".join(r.missing)),
    Column("Entrant de la période", "Première entrée dans la période : la personne compte "
           "dans les indicateurs de réalisation", YES_NO, 9,
           lambda r: yes_no(r.entrant)),
    Column("Sortant de la période", "Sortie dans la période : la personne compte dans les "
           "indicateurs de résultat (sa dernière sortie de la période)", YES_NO, 9,
           lambda r: yes_no(r.leaving is not None)),
    Column("Date de sortie", "Date de la sortie comptée dans la période", DATE_FORMAT, 12,
           exit_value(lambda x: x.exit_date)),
    Column("Motif de sortie", "Motif de la sortie", one_of(EXIT_CATEGORIES.values()), 22,
           exit_value(lambda x: EXIT_CATEGORIES.get(x.exit_category, x.exit_category))),
    Column("Sortie positive", "Emploi durable, formation qualifiante ou création d'activité",
           YES_NO, 9, exit_value(lambda x: yes_no(x.exit_category in POSITIVE_EXIT_CATEGORIES))),
    Column("Sortie positive validée", "Sortie positive validée (emploi tenu 6 mois, ou "
           "formation qualifiante) ; Non = encore provisoire", YES_NO + " (vide si la sortie "
           "n'est pas positive)", 9,
           exit_value(lambda x: yes_no(positive_validated(x))
                      if x.exit_category in POSITIVE_EXIT_CATEGORIES else "")),
    Column("Situation à la sortie", "Situation principale dans les 4 semaines suivant la "
           "sortie", one_of(EXIT_SITUATIONS.values()) + ", ou vide (non renseignée)", 22,
           exit_value(lambda x: EXIT_SITUATIONS.get(x.exit_situation, ""))),
    Column("Type de contrat à la sortie", "Contrat occupé à la sortie (si en emploi)",
           one_of(CONTRACT_TYPES.values()) + ", ou vide", 14,
           exit_value(lambda x: CONTRACT_TYPES.get(x.exit_contract_type, x.exit_contract_type))),
    Column("Qualification obtenue", "Qualification obtenue à la sortie", YES_NO + " / vide", 9,
           exit_value(lambda x: yes_no(x.qualification_gained))),
    Column("Situation à la sortie constatée le", "Date de constat de la situation à la sortie",
           DATE_FORMAT, 12, exit_value(lambda x: x.exit_situation_on)),
    Column("Situation à 6 mois", "Situation principale 6 mois après la sortie",
           one_of(EXIT_SITUATIONS.values()) + ", ou vide (non renseignée)", 22,
           exit_value(lambda x: EXIT_SITUATIONS.get(x.post_exit_situation, ""))),
    Column("Situation améliorée à 6 mois", "Situation sur le marché du travail améliorée 6 mois "
           "après la sortie", YES_NO + " / vide", 9,
           exit_value(lambda x: yes_no(x.post_exit_improved))),
    Column("Situation à 6 mois constatée le", "Date de constat de la situation à 6 mois",
           DATE_FORMAT, 12, exit_value(lambda x: x.post_exit_situation_on)),
    Column("Référent(e)", "Référent(e) de parcours actuel(le)", "texte", 18,
           lambda r: r.referent[0]),
    Column("Structure", "Structure du (de la) référent(e)", "texte", 18, lambda r: r.referent[1]),
)
HEADERS = [column.header for column in COLUMNS]
WIDTHS = [column.width for column in COLUMNS]
CSV_NOTES = [
    "Encodage UTF-8 avec BOM, séparateur point-virgule, fin de ligne CRLF : Excel en français "
    "l'ouvre directement.",
    "Dates au format JJ/MM/AAAA (en XLSX, de vraies dates affichées JJ/MM/AAAA).",
    "Champs contenant un point-virgule, un guillemet ou un retour à la ligne entre guillemets, "
    "guillemets doublés (RFC 4180).",
    "En CSV, un texte commençant par =, +, - ou @ est précédé d'une apostrophe, pour qu'Excel "
    "ne l'exécute pas comme une formule.",
]


def participant_rows(chunks: Iterable[list[tuple[Identity, ParticipantRecord]]], period: Period,
                     names: dict[int, tuple[str, str]]) -> Iterator[list]:
    """The export's rows (typed values) of the participants concerned by the period."""
    values = [column.value for column in COLUMNS]
    for chunk in chunks:
        rows = []
        with collector_paused():  # a chunk's rows are built at once, with no cycle to collect
            for identity, record in chunk:
                leaving = counted_exit(record, period)
                first = record.first_entry
                entrant = first in period
                if leaving is None and not entrant:
                    continue
                row = Row(identity, record, record.person, leaving,
                          names.get(identity.referent_id, ("", "")), first, entrant,
                          entry_missing(record.person))
                rows.append([value(row) for value in values])
        yield from rows


# --- The indicator table -----------------------------------------------------------------

INDICATOR_HEADERS = ["Code", "Indicateur", *[label for _, label in SEX_COLUMNS], "Total"]
FIGURE_HEADERS = ["Chiffre du PLIE", "Valeur"]


def indicator_rows(report: FseReport) -> list[list]:
    """The table by sex: output indicators, then result indicators, each under a title row."""
    rows = [["", "Indicateurs de réalisation (participants entrés dans la période)"]]
    rows += [[row.code, row.label, *row.counts.values(), row.total] for row in report.outputs]
    rows.append(["", "Indicateurs de résultat (participants sortis dans la période)"])
    rows += [[row.code, row.label, *row.counts.values(), row.total] for row in report.results]
    return rows


def figure_rows(report: FseReport) -> list[list]:
    """The PLIE's own figures, one per row."""
    figures = report.figures
    rows = [
        ["Période", f"du {report.period.start.strftime('%d/%m/%Y')} au "
                    f"{report.period.end.strftime('%d/%m/%Y')}"],
        ["Entrées dans un parcours (ré-entrées comprises)", figures.entries],
        ["Premières entrées (participants comptés)", figures.first_entries],
        ["Participants accompagnés dans la période", figures.accompanied],
        ["Sorties", figures.exits],
    ]
    rows += [[f"Sorties : {label}", figures.exits_by_category[code]]
             for code, label in EXIT_CATEGORIES.items()]
    rows += [
        ["Sorties positives (provisoires comprises)", figures.positive_exits],
        ["Taux de sorties positives (provisoires comprises, %)", figures.positive_rate],
        ["Sorties positives validées", figures.validated_positive_exits],
        ["Taux de sorties positives validées (%)", figures.validated_rate],
        ["Objectif de sorties positives (%)", figures.target_percent],
        ["Durée moyenne de parcours des sortants (mois)", figures.average_length_months],
        ["Étapes démarrées dans la période", figures.steps],
        ["Étapes par participant accompagné", figures.steps_per_participant],
        ["Entretiens réalisés dans la période", figures.interviews],
    ]
    return rows


# --- Writers -----------------------------------------------------------------------------

@lru_cache(maxsize=65536)  # birth and entry dates repeat a great deal in a large export
def french_day(day: date) -> str:
    """JJ/MM/AAAA."""
    return day.strftime("%d/%m/%Y")


def csv_text(value) -> str:
    """A value as French Excel reads it from a CSV file."""
    if type(value) is str:  # most cells: the fast path first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, date):
        return french_day(value)
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def stream_csv(sections: Iterable[tuple[list[str], Iterable[list]]],
               batch: int = 1000) -> Iterator[bytes]:
    """CSV bytes (UTF-8 with BOM, ';'), each section a header then its rows, a blank line
    between sections."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write(BOM)
    for index, (header, rows) in enumerate(sections):
        if index:
            writer.writerow([])
        writer.writerow(header)
        for count, values in enumerate(rows, start=1):
            # Plain text, the most common cell, skips the function call.
            writer.writerow([value if type(value) is str and not value.startswith(FORMULA_STARTS)
                             else csv_text(value) for value in values])
            if count % batch == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def participants_csv(rows: Iterable[list]) -> Iterator[bytes]:
    """The participant export as CSV."""
    return stream_csv([(HEADERS, rows)])


def participants_xlsx(rows: Iterable[list]) -> Iterator[bytes]:
    """The participant export as XLSX."""
    return stream_workbook([("Participants FSE+", HEADERS, rows, WIDTHS)])


def indicators_csv(report: FseReport) -> Iterator[bytes]:
    """The indicator table and the PLIE's figures as CSV."""
    return stream_csv([(INDICATOR_HEADERS, indicator_rows(report)),
                       (FIGURE_HEADERS, figure_rows(report))])


def indicators_xlsx(report: FseReport) -> Iterator[bytes]:
    """The indicator table and the PLIE's figures as XLSX, one sheet each."""
    return stream_workbook([
        ("Indicateurs FSE+", INDICATOR_HEADERS, indicator_rows(report), [9, 60, 9, 9, 11, 11, 9]),
        ("Chiffres du PLIE", FIGURE_HEADERS, figure_rows(report), [55, 25]),
    ])
