"""FSE+ participant data: completeness, the common indicators by sex, and the PLIE's figures.

Plain values in, plain results out (no Flask, no SQLAlchemy): app/reports/queries.py loads
ParticipantRecord values chunk by chunk; tests build them by hand.

Counting rules (PRODUCT.md, "FSE+ data"):
- A participant counts once per period and scope, at their FIRST entry: the entrants of a
  period are the participants whose first entry date (over all their pathways) falls in it.
  A re-entry never counts the person again. Output indicators describe the entrants.
- Age is counted on that first entry date.
- Long-term unemployed: unemployed at entry for ≥ 12 months, ≥ 6 months under 25 (age at
  entry). When the file does not say since when, the DELD / DETLD eligibility criteria do.
- The leavers of a period are the participants with an exit in it; when one left twice in the
  period, their latest exit counts. Result indicators describe that exit's situations.
- Sensitive items (third-country national, foreign background, minority, homelessness) are
  answered "yes", "no" or "refused"; a refusal is an answer (the file is complete), never
  counted in the indicator. The "Sans hébergement" criterion answers the homelessness item.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.alerts import JOB_BASED_EXITS
from app.domain.catalogue import EDUCATION_LEVELS, EXIT_CATEGORIES, POSITIVE_EXIT_CATEGORIES
from app.domain.dates import add_months, whole_months_between
from app.domain.durable import DAYS_PER_MONTH
from app.domain.people import age_on

# --- Vocabularies ------------------------------------------------------------------------

SENSITIVE_ITEMS = {
    "third_country_national": "Ressortissant(e) d'un pays tiers (hors Union européenne)",
    "foreign_background": "Origine étrangère",
    "minority": "Appartenance à une minorité (y compris communautés marginalisées, Roms)",
    "homeless": "Sans domicile fixe ou exclu(e) du logement",
}
ANSWERS = {"yes": "Oui", "no": "Non", "refused": "Refuse de répondre"}

EXIT_SITUATIONS = {
    "employed": "En emploi (y compris indépendant)",
    "job_searching": "En recherche d'emploi",
    "education": "En études ou en formation",
    "inactive": "Inactif (ni en emploi, ni en recherche, ni en formation)",
}

# The sex columns of every table: the three FSE+ categories, then the files that say nothing.
SEX_COLUMNS = (("F", "Femmes"), ("M", "Hommes"), ("X", "Non-binaires"),
               ("", "Sexe non renseigné"))

ISCED_BANDS = {"ISCED 0-2": "0-2", "ISCED 3-4": "3-4", "ISCED 5-8": "5-8"}
MINIMA_SOCIAUX = ("RSA", "ASS", "AAH")
LONG_TERM_CRITERIA = frozenset({"DELD", "DETLD"})
HOMELESS_CRITERION = "SANS_HEBERGEMENT"
DISABILITY_CRITERIA = frozenset({"AAH", "RQTH"})
YOUNG_AGE = 25  # under this age, 6 months of unemployment make a long-term unemployed
LONG_TERM_MONTHS = 12
LONG_TERM_MONTHS_YOUNG = 6

ENTRY_ITEM_LABELS = {
    "sex": "Sexe",
    "birth_date": "Date de naissance",
    "postcode": "Code postal",
    "labour_status": "Situation sur le marché du travail à l'entrée",
    "unemployed_since": "Date de début de la période sans emploi",
    "education_level": "Niveau de formation",
    **SENSITIVE_ITEMS,
}


# --- Input values ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period, both days included."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        """The calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31))

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class PersonData:
    """What the participant file says, as FSE+ reads it."""

    key: int
    sex: str = ""
    birth_date: date | None = None
    postcode: str = ""
    qpv: bool = False
    rural: bool = False
    labour_status: str = ""  # employed, unemployed, inactive or ""
    unemployed_since: date | None = None
    in_education: bool = False
    education_level: str = ""
    rqth: bool = False
    criteria: frozenset[str] = frozenset()
    # Sensitive items: "yes", "no", "refused" or "" (not asked yet).
    third_country_national: str = ""
    foreign_background: str = ""
    minority: str = ""
    homeless: str = ""


@dataclass(frozen=True, slots=True)
class PathwayData:
    """One pathway's entry, exit and FSE+ situations after exit."""

    key: int
    entry_date: date | None
    exit_date: date | None = None
    exit_category: str = ""
    exit_validated_on: date | None = None
    exit_situation: str = ""  # a key of EXIT_SITUATIONS, or ""
    exit_contract_type: str = ""
    qualification_gained: bool | None = None
    exit_situation_on: date | None = None
    post_exit_situation: str = ""
    post_exit_improved: bool | None = None
    post_exit_situation_on: date | None = None
    # Counted by the loader over the reporting period (the PLIE's own figures).
    steps_in_period: int = 0
    interviews_in_period: int = 0

    def active_in(self, period: Period) -> bool:
        """Whether the person was in this pathway on at least one day of the period."""
        return (self.entry_date is not None and self.entry_date <= period.end
                and (self.exit_date is None or self.exit_date >= period.start))


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    """A participant and all their pathways."""

    person: PersonData
    pathways: tuple[PathwayData, ...] = ()

    @property
    def first_entry(self) -> date | None:
        """The first day they entered any pathway: the date FSE+ counts them on."""
        return min((p.entry_date for p in self.pathways if p.entry_date), default=None)


# --- Entry data --------------------------------------------------------------------------

def answer(person: PersonData, item: str) -> str:
    """The answer to a sensitive item, the "Sans hébergement" criterion answering homelessness."""
    stored = getattr(person, item)
    if not stored and item == "homeless" and HOMELESS_CRITERION in person.criteria:
        return "yes"
    return stored


def age_at(person: PersonData, day: date | None) -> int | None:
    """Whole years on the day, or None when either date is unknown."""
    if person.birth_date is None or day is None:
        return None
    return age_on(person.birth_date, day)


def unemployed_months(person: PersonData, entry: date | None) -> int | None:
    """Whole months without a job on the entry day, when the file says since when."""
    if person.labour_status != "unemployed" or person.unemployed_since is None or entry is None:
        return None
    return max(whole_months_between(person.unemployed_since, entry), 0)


def long_term_unemployed(person: PersonData, entry: date | None) -> bool:
    """Unemployed ≥ 12 months at entry (≥ 6 months under 25), else per DELD / DETLD."""
    if person.labour_status != "unemployed":
        return False
    months = unemployed_months(person, entry)
    if months is None:
        return bool(person.criteria & LONG_TERM_CRITERIA)
    age = age_at(person, entry)
    threshold = LONG_TERM_MONTHS_YOUNG if age is not None and age < YOUNG_AGE else LONG_TERM_MONTHS
    return months >= threshold


def isced_band(person: PersonData) -> str:
    """'0-2', '3-4', '5-8' or '' from the French education level."""
    level = EDUCATION_LEVELS.get(person.education_level)
    return ISCED_BANDS.get(level[1], "") if level else ""


def disabled(person: PersonData) -> bool:
    """A recognised disabled worker (RQTH) or an AAH recipient."""
    return person.rqth or bool(person.criteria & DISABILITY_CRITERIA)


def minima_sociaux(person: PersonData) -> tuple[str, ...]:
    """The minimum income benefits the person receives (RSA, ASS, AAH), in that order."""
    return tuple(code for code in MINIMA_SOCIAUX if code in person.criteria)


def entry_missing(person: PersonData) -> list[str]:
    """What the FSE+ entry data still lacks, in French; a refusal counts as an answer."""
    missing = []
    if person.sex not in ("F", "M", "X"):
        missing.append("sex")
    if person.birth_date is None:
        missing.append("birth_date")
    if not person.postcode:
        missing.append("postcode")
    if not person.labour_status:
        missing.append("labour_status")
    elif (person.labour_status == "unemployed" and person.unemployed_since is None
          and not person.criteria & LONG_TERM_CRITERIA):
        missing.append("unemployed_since")
    if not person.education_level:
        missing.append("education_level")
    missing += [item for item in SENSITIVE_ITEMS if not answer(person, item)]
    return [ENTRY_ITEM_LABELS[name] for name in missing]


def missing_sensitive(person: PersonData) -> list[str]:
    """The sensitive items not answered yet (their codes)."""
    return [item for item in SENSITIVE_ITEMS if not answer(person, item)]


# --- Exit situations ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ExitFollowUpState:
    """Where an exited pathway stands with its two FSE+ situations."""

    exit_due: date
    exit_recorded: bool
    exit_overdue: bool
    post_due: date
    post_recorded: bool
    post_due_now: bool


def follow_up_state(pathway: PathwayData, today: date, exit_days: int = 28,
                    post_months: int = 6) -> ExitFollowUpState | None:
    """Due dates and state of the situations after exit; None when the pathway has not ended."""
    if pathway.exit_date is None:
        return None
    exit_due = pathway.exit_date + timedelta(days=exit_days)
    post_due = add_months(pathway.exit_date, post_months)
    exit_recorded = pathway.exit_situation_on is not None
    post_recorded = pathway.post_exit_situation_on is not None
    # The same boundaries as the alerts (app/domain/alerts.py exit_alerts).
    return ExitFollowUpState(exit_due, exit_recorded, not exit_recorded and today > exit_due,
                             post_due, post_recorded, not post_recorded and today >= post_due)


@dataclass(frozen=True, slots=True)
class TodoItem:
    """Something to complete in a participant's FSE+ data, and since when it is due."""

    kind: str  # entry, exit_situation, post_exit
    due_on: date
    label: str
    pathway_key: int | None = None


TODO_ORDER = {"exit_situation": 0, "post_exit": 1, "entry": 2}


def todo_items(record: ParticipantRecord, today: date, exit_days: int = 28,
               post_months: int = 6) -> list[TodoItem]:
    """The participant's incomplete or overdue FSE+ data, oldest due first."""
    items = []
    first = record.first_entry
    if first is not None:
        missing = entry_missing(record.person)
        if missing:
            items.append(TodoItem("entry", first, "Données d'entrée incomplètes : "
                                  + ", ".join(label[0].lower() + label[1:] for label in missing)))
    for pathway in record.pathways:
        state = follow_up_state(pathway, today, exit_days, post_months)
        if state is None:
            continue
        left = pathway.exit_date.strftime("%d/%m/%Y")
        if state.exit_overdue:
            items.append(TodoItem("exit_situation", state.exit_due,
                                  f"Situation à la sortie du {left} à renseigner", pathway.key))
        if state.post_due_now:
            items.append(TodoItem("post_exit", state.post_due,
                                  f"Situation {post_months} mois après la sortie du {left} à "
                                  "renseigner", pathway.key))
    return sorted(items, key=lambda i: (i.due_on, TODO_ORDER[i.kind]))


# --- Indicators --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EntryProfile:
    """A participant's entry data on their first entry day, ready to count."""

    person: PersonData
    first_entry: date
    age: int | None
    long_term_unemployed: bool
    isced: str
    disabled: bool


def entry_profile(record: ParticipantRecord) -> EntryProfile | None:
    """The profile at first entry, or None for someone who never entered."""
    first = record.first_entry
    if first is None:
        return None
    person = record.person
    return EntryProfile(person, first, age_at(person, first), long_term_unemployed(person, first),
                        isced_band(person), disabled(person))


def between(low: int, high: int | None = None) -> Callable[[EntryProfile], bool]:
    """An age test, both ends included (no upper end when high is None)."""
    return lambda p: p.age is not None and p.age >= low and (high is None or p.age <= high)


# (code, French label, test). Codes are those of Annex I of Regulation (EU) 2021/1057; rows
# without a code are the PLIE's own.
OUTPUT_INDICATORS: tuple[tuple[str, str, Callable[[EntryProfile], bool]], ...] = (
    ("EECO02", "Chômeurs, y compris de longue durée",
     lambda p: p.person.labour_status == "unemployed"),
    ("EECO03", "Chômeurs de longue durée", lambda p: p.long_term_unemployed),
    ("EECO04", "Inactifs", lambda p: p.person.labour_status == "inactive"),
    ("EECO05", "Personnes exerçant un emploi, y compris indépendants",
     lambda p: p.person.labour_status == "employed"),
    ("EECO06", "Moins de 18 ans", lambda p: p.age is not None and p.age < 18),
    ("EECO07", "18 à 29 ans", between(18, 29)),
    ("EECO08", "55 ans et plus", between(55)),
    ("EECO09", "Niveau CITE 0 à 2 (infra 3, aucun diplôme)", lambda p: p.isced == "0-2"),
    ("EECO10", "Niveau CITE 3 ou 4 (CAP, BEP, Bac)", lambda p: p.isced == "3-4"),
    ("EECO11", "Niveau CITE 5 à 8 (Bac+2 et au-delà)", lambda p: p.isced == "5-8"),
    ("EECO12", "Participants handicapés (RQTH ou AAH)", lambda p: p.disabled),
    ("EECO13", "Ressortissants de pays tiers",
     lambda p: answer(p.person, "third_country_national") == "yes"),
    ("EECO14", "Participants d'origine étrangère",
     lambda p: answer(p.person, "foreign_background") == "yes"),
    ("EECO15", "Minorités (y compris communautés marginalisées)",
     lambda p: answer(p.person, "minority") == "yes"),
    ("EECO16", "Sans domicile fixe ou exclus du logement",
     lambda p: answer(p.person, "homeless") == "yes"),
    ("EECO17", "Participants des zones rurales", lambda p: p.person.rural),
    ("", "Résidents d'un quartier prioritaire (QPV)", lambda p: p.person.qpv),
    ("", "Bénéficiaires de minima sociaux (RSA, ASS, AAH)",
     lambda p: bool(minima_sociaux(p.person))),
    ("EECO01", "Nombre total de participants", lambda p: True),
)

RESULT_INDICATORS: tuple[tuple[str, str, Callable[[PathwayData], bool]], ...] = (
    ("EECR01", "En recherche d'emploi à la sortie", lambda x: x.exit_situation == "job_searching"),
    ("EECR02", "En études ou en formation à la sortie", lambda x: x.exit_situation == "education"),
    ("EECR03", "Ayant obtenu une qualification à la sortie",
     lambda x: x.qualification_gained is True),
    ("EECR04", "En emploi, y compris indépendant, à la sortie",
     lambda x: x.exit_situation == "employed"),
    ("", "Inactifs à la sortie", lambda x: x.exit_situation == "inactive"),
    ("", "Situation à la sortie non renseignée", lambda x: x.exit_situation_on is None),
    ("EECR05", "En emploi, y compris indépendant, 6 mois après la sortie",
     lambda x: x.post_exit_situation == "employed"),
    ("EECR06", "Situation sur le marché du travail améliorée 6 mois après la sortie",
     lambda x: x.post_exit_improved is True),
    ("", "Situation 6 mois après la sortie non renseignée",
     lambda x: x.post_exit_situation_on is None),
    ("", "Nombre total de sortants", lambda x: True),
)


@dataclass
class IndicatorRow:
    """One line of the table: a count per sex column and the total."""

    code: str
    label: str
    counts: dict[str, int] = field(default_factory=lambda: {sex: 0 for sex, _ in SEX_COLUMNS})

    @property
    def total(self) -> int:
        """All sexes together."""
        return sum(self.counts.values())


@dataclass
class PlieFigures:
    """The PLIE's own figures for the period."""

    entries: int = 0  # pathways entered in the period, re-entries included
    first_entries: int = 0  # participants entering for the first time (= the entrants)
    accompanied: int = 0  # participants in a pathway on at least one day of the period
    exits: int = 0  # leavers (one exit each)
    exits_by_category: dict[str, int] = field(
        default_factory=lambda: {code: 0 for code in EXIT_CATEGORIES})
    positive_exits: int = 0  # provisional ones included
    validated_positive_exits: int = 0
    target_percent: Decimal = Decimal(42)
    total_length_days: int = 0
    steps: int = 0
    interviews: int = 0

    @property
    def positive_rate(self) -> Decimal | None:
        """Positive exits (provisional included) over exits, in percent."""
        return percent(self.positive_exits, self.exits)

    @property
    def validated_rate(self) -> Decimal | None:
        """Validated positive exits over exits, in percent."""
        return percent(self.validated_positive_exits, self.exits)

    @property
    def average_length_months(self) -> Decimal | None:
        """Average length of the leavers' pathways, in months to one decimal."""
        if not self.exits:
            return None
        return rounded(Decimal(self.total_length_days) / Decimal(self.exits)
                       / Decimal(str(DAYS_PER_MONTH)))

    @property
    def steps_per_participant(self) -> Decimal | None:
        """Steps started in the period per participant accompanied."""
        if not self.accompanied:
            return None
        return rounded(Decimal(self.steps) / Decimal(self.accompanied))


TENTH = Decimal("0.1")


def rounded(value: Decimal) -> Decimal:
    """To one decimal, halves up (as people round)."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one decimal, None for an empty whole."""
    return rounded(Decimal(100 * part) / Decimal(whole)) if whole else None


def positive_validated(pathway: PathwayData) -> bool:
    """A positive exit that no longer waits for its validation (training, or validated job)."""
    return (pathway.exit_category in POSITIVE_EXIT_CATEGORIES
            and (pathway.exit_category not in JOB_BASED_EXITS
                 or pathway.exit_validated_on is not None))


def counted_exit(record: ParticipantRecord, period: Period) -> PathwayData | None:
    """The exit that makes the participant a leaver of the period: their latest in it."""
    exits = [p for p in record.pathways if p.exit_date in period]
    return max(exits, key=lambda p: (p.exit_date, p.key)) if exits else None


def is_entrant(record: ParticipantRecord, period: Period) -> bool:
    """Whether the participant's first entry falls in the period."""
    return record.first_entry in period


@dataclass
class FseReport:
    """The indicator table and the PLIE's figures for one period and scope."""

    period: Period
    outputs: list[IndicatorRow]
    results: list[IndicatorRow]
    figures: PlieFigures

    def output(self, code_or_label: str) -> IndicatorRow:
        """An output row by code (or label for the uncoded rows)."""
        return find_row(self.outputs, code_or_label)

    def result(self, code_or_label: str) -> IndicatorRow:
        """A result row by code (or label for the uncoded rows)."""
        return find_row(self.results, code_or_label)


def find_row(rows: list[IndicatorRow], key: str) -> IndicatorRow:
    """The row with this code or label."""
    return next(row for row in rows if key in (row.code, row.label))


class ReportBuilder:
    """Counts participants one at a time, so a loader can feed it chunk by chunk."""

    def __init__(self, period: Period, target_percent: Decimal = Decimal(42)):
        self.period = period
        self.outputs = [IndicatorRow(code, label) for code, label, _ in OUTPUT_INDICATORS]
        self.results = [IndicatorRow(code, label) for code, label, _ in RESULT_INDICATORS]
        self.figures = PlieFigures(target_percent=target_percent)

    def add(self, record: ParticipantRecord) -> None:
        """Count one participant (once, whatever their number of pathways)."""
        period, figures = self.period, self.figures
        sex = record.person.sex if record.person.sex in ("F", "M", "X") else ""
        figures.entries += sum(1 for p in record.pathways if p.entry_date in period)
        active = [p for p in record.pathways if p.active_in(period)]
        if active:
            figures.accompanied += 1
            figures.steps += sum(p.steps_in_period for p in active)
            figures.interviews += sum(p.interviews_in_period for p in active)
        if is_entrant(record, period):
            figures.first_entries += 1
            profile = entry_profile(record)
            for row, (_, _, test) in zip(self.outputs, OUTPUT_INDICATORS, strict=True):
                if test(profile):
                    row.counts[sex] += 1
        leaving = counted_exit(record, period)
        if leaving is not None:
            for row, (_, _, test) in zip(self.results, RESULT_INDICATORS, strict=True):
                if test(leaving):
                    row.counts[sex] += 1
            figures.exits += 1
            if leaving.exit_category in figures.exits_by_category:
                figures.exits_by_category[leaving.exit_category] += 1
            if leaving.exit_category in POSITIVE_EXIT_CATEGORIES:
                figures.positive_exits += 1
            if positive_validated(leaving):
                figures.validated_positive_exits += 1
            if leaving.entry_date is not None:
                figures.total_length_days += (leaving.exit_date - leaving.entry_date).days

    def report(self) -> FseReport:
        """The table as counted so far."""
        return FseReport(self.period, self.outputs, self.results, self.figures)


def compute_report(records: Iterable[ParticipantRecord], period: Period,
                   target_percent: Decimal = Decimal(42)) -> FseReport:
    """The indicator table and the PLIE's figures of the participants given."""
    builder = ReportBuilder(period, target_percent)
    for record in records:
        builder.add(record)
    return builder.report()


def concerned(record: ParticipantRecord, period: Period) -> bool:
    """Whether the participant belongs in the period's participant export."""
    return is_entrant(record, period) or counted_exit(record, period) is not None


# --- Form rules --------------------------------------------------------------------------

def exit_situation_problems(situation: str, contract_type: str, recorded_on: date | None,
                            exit_date: date, today: date) -> dict[str, str]:
    """What is wrong with a situation upon leaving, by field, in French."""
    problems = {}
    if situation == "employed" and not contract_type:
        problems["exit_contract_type"] = "Indiquez le type de contrat de l'emploi occupé."
    elif situation and situation != "employed" and contract_type:
        problems["exit_contract_type"] = ("Le type de contrat ne concerne qu'une personne en "
                                          "emploi : laissez-le vide.")
    if recorded_on is not None:
        if recorded_on < exit_date:
            problems["exit_situation_on"] = ("La situation se constate à partir de la sortie, "
                                             f"le {exit_date.strftime('%d/%m/%Y')}.")
        elif recorded_on > today:
            problems["exit_situation_on"] = "Cette date est dans le futur."
    return problems


def post_exit_problems(recorded_on: date | None, exit_date: date, today: date,
                       post_months: int = 6) -> dict[str, str]:
    """What is wrong with the situation 6 months after exit, by field, in French."""
    problems = {}
    due = add_months(exit_date, post_months)
    if recorded_on is not None:
        if recorded_on < due:
            problems["post_exit_situation_on"] = (
                f"La situation {post_months} mois après la sortie se constate à partir du "
                f"{due.strftime('%d/%m/%Y')}.")
        elif recorded_on > today:
            problems["post_exit_situation_on"] = "Cette date est dans le futur."
    return problems
