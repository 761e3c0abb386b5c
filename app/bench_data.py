"""Benchmark data: a realistic PLIE of any size, written with bulk inserts.

`flask bench-data --participants N` fills a migrated database with 3 to 10 structures, one
référent per 70 participants, a supervisor, and N participants spread over five years (about
ten interviews, four steps, two employment episodes, two barriers and two assessment grids each).

app/demo.py builds ORM objects and checks every story against the pathway rules, which is
right for 120 participants and far too slow for 50 000. Here every record is a plain row with
an id chosen in advance, inserted with one executemany per table and batch; the vocabularies
and proportions are the demo's.
"""

import random
import secrets
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import click
import sqlalchemy as sa
from faker import Faker

from app.clock import paris_today
from app.demo import (
    DEMO_STRUCTURES,
    EARLIER_SHARE,
    EXIT_LENGTHS,
    EXIT_MIX,
    MAIL_DOMAINS,
    POSTCODE_WEIGHTS,
    POSTCODES,
    SCENARIOS,
    TRANSFER_SHARE,
    allocate,
    criterion_codes,
    entered,
    landline,
    mobile,
    plan_current,
    plan_earlier,
    situation,
    weekday_back,
)
from app.demo_history import (
    BARRIER_SITUATIONS,
    BARRIER_WEIGHTS,
    DURATIONS,
    EMPLOYERS,
    INTERIM_AGENCIES,
    JOBS,
    MODE_WEIGHTS,
    MODES,
    NOTES,
    SIAES,
    SLOTS,
    STEP_OUTCOMES,
    STORYLINES,
    TOWNS,
    TRAINING_CENTRES,
    Plan,
    of,
)
from app.domain.dates import add_months, last_day_within
from app.domain.people import age_on
from app.extensions import db
from app.models import (
    Appointment,
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    Barrier,
    EligibilityCriterion,
    Employment,
    Interview,
    Mission,
    Participant,
    Pathway,
    ReferentAssignment,
    Step,
    Structure,
    User,
)
from app.models.base import Base
from app.models.participant import NAME_KEY_LENGTH
from app.passwords import hash_password
from app.text import search_key, search_terms

BENCH_PASSWORD = "jalons-bench-2026"
BENCH_DOMAIN = "bench.jalons.fr"
SUPERVISOR_EMAIL = f"superviseur@{BENCH_DOMAIN}"
PARTICIPANTS_PER_REFERENT = 70
YEARS = 5
BATCH = 2000  # participants built and inserted per round: bounded memory, few statements
EXTRA_STRUCTURES = [
    ("Association Passerelles Emploi", "Amboise", "02 47 00 70 80"),
    ("Régie de quartier Tours Nord", "Tours", "02 47 01 10 20"),
    ("CCAS de Joué-lès-Tours", "Joué-lès-Tours", "02 47 01 30 40"),
    ("Mission insertion Sud Touraine", "Loches", "02 47 01 50 60"),
    ("Association Cap Avenir", "Chambray-lès-Tours", "02 47 01 70 80"),
    ("Maison des solidarités de Château-Renault", "Château-Renault", "02 47 02 10 20"),
    ("Association Emploi Loire et Cher", "Bléré", "02 47 02 30 40"),
]
# Storyline kinds of app/demo_history.py, mapped to step types.
STEP_CODES = {"REMOB": "REMOB", "PROJ": "PROJ", "PMSMP": "PMSMP", "PMSMP_HIRE": "PMSMP",
              "FORM_PQ": "FORM_PQ", "FORM_Q": "FORM_Q", "IAE": "IAE", "PEC": "PEC",
              "CLAUSE": "CLAUSE", "JOB_SHORT": "EMPLOI", "JOB_TRIAL": "EMPLOI", "CREA": "CREA"}
JOB_CONTRACTS = {"IAE": ["CDDI"], "PEC": ["PEC"], "CLAUSE": ["CDD"],
                 "EMPLOI": ["CDD", "CDD", "INTERIM", "SAISONNIER"]}
LEAVING = {"abandon", "sante", "demenagement"}
# Tables whose ids are chosen here; PostgreSQL sequences are moved past them afterwards.
ID_TABLES = [Structure, User, Participant, ReferentAssignment, Pathway, Employment, Mission,
             Step, Interview, Appointment, Barrier, Assessment, AssessmentScore]
# Assessment grids: entry scores, then how a later grid moves each dimension.
GRID_LEVELS = [1, 2, 3, 4]
GRID_ENTRY_WEIGHTS = [22, 40, 28, 10]
GRID_MOVES = [-1, 0, 1, 2]
GRID_MOVE_WEIGHTS = [8, 45, 37, 10]


def run(participants: int, seed: int, force: bool) -> None:
    """Fill the database with a large, realistic PLIE for benchmarks (bulk inserts)."""
    existing = db.session.scalar(sa.select(sa.func.count(Participant.id)))
    if existing and not force:
        raise click.ClickException(
            f"La base contient déjà {existing} participants : bench-data ne mélange pas ses "
            "données à une base en service. Relancez avec --force pour ajouter quand même."
        )
    started = clock.perf_counter()
    counts = generate(participants, seed)
    elapsed = clock.perf_counter() - started
    click.echo(f"Données de mesure créées en {elapsed:.1f} s : " + ", ".join(
        f"{n} {label}" for label, n in counts.items()))
    click.echo(f"Comptes : referent1@{BENCH_DOMAIN} … et {SUPERVISOR_EMAIL} "
               f"(mot de passe : {BENCH_PASSWORD})")


# --- Shared state ------------------------------------------------------------------------


@dataclass
class Ids:
    """The next free id of each table, read once: ids are chosen here, not by the database."""

    next: dict[str, int]

    @classmethod
    def read(cls) -> "Ids":
        """Start after the largest id already in each table."""
        return cls({m.__tablename__: (db.session.scalar(sa.select(sa.func.max(m.id))) or 0) + 1
                    for m in ID_TABLES})

    def take(self, table: str) -> int:
        """A fresh id for a row of that table."""
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Rows:
    """One batch of rows per table, inserted together in foreign-key order."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    exits: list[dict] = field(default_factory=list)

    def add(self, table: str, row: dict) -> None:
        """Queue a row."""
        self.tables.setdefault(table, []).append(row)

    def write(self, counts: Counter) -> None:
        """Insert the queued rows, then link exits to their contract or step; empty the batch."""
        for name in INSERT_ORDER:
            rows = self.tables.get(name)
            if rows:
                db.session.execute(sa.insert(Base.metadata.tables[name]), rows)
                counts[name] += len(rows)
        if self.exits:
            table = Pathway.__table__
            db.session.execute(
                sa.update(table).where(table.c.id == sa.bindparam("pathway"))
                .values(exit_employment_id=sa.bindparam("employment"),
                        exit_step_id=sa.bindparam("step")),
                self.exits,
            )
        self.tables.clear()
        self.exits.clear()


INSERT_ORDER = ["participant", "participant_search_term", "participant_criterion",
                "referent_assignment", "pathway", "employment", "mission", "step", "interview",
                "appointment", "barrier", "assessment", "assessment_score"]


@dataclass
class Context:
    """What every generator function needs: randomness, today, ids, vocabularies, accounts."""

    rng: random.Random
    today: date
    ids: Ids
    rows: Rows
    referents: list[int]
    supervisor: int
    criteria: dict[str, int]
    names: dict[str, list[str]]
    notes: dict[str, list[tuple[str, str, str]]]
    dimensions: list[int] = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))


# --- Entry point -------------------------------------------------------------------------


def generate(participant_count: int, seed: int = 2026) -> dict[str, int]:
    """Create accounts and participants; return how many rows of each kind were written."""
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    ids = Ids.read()
    referent_count = max(1, participant_count // PARTICIPANTS_PER_REFERENT)
    structures = create_structures(ids, min(10, max(3, 3 + referent_count // 15)))
    referents, supervisor = create_accounts(rng, fake, ids, structures, referent_count)
    context = Context(
        rng=rng, today=paris_today(), ids=ids, rows=Rows(), referents=referents,
        supervisor=supervisor,
        criteria=dict(db.session.execute(sa.select(EligibilityCriterion.code,
                                                   EligibilityCriterion.id)).all()),
        names=name_pools(fake), notes=note_pools(rng, fake),
        dimensions=list(db.session.scalars(
            sa.select(AssessmentDimension.id).where(AssessmentDimension.active)
            .order_by(AssessmentDimension.position))),
    )
    counts: Counter = Counter(structure=len(structures), user_account=len(referents) + 1)
    scenarios = allocate(rng, participant_count, SCENARIOS)
    exits = iter(allocate(rng, scenarios.count("exited"), EXIT_MIX))
    for index, scenario in enumerate(scenarios, start=1):
        add_participant(context, scenario, next(exits) if scenario == "exited" else "")
        if index % BATCH == 0:
            context.rows.write(counts)
    context.rows.write(counts)
    finish(ids)
    db.session.commit()
    return {LABELS[name]: counts[name] for name in LABELS if counts[name]}


LABELS = {"structure": "structures", "user_account": "comptes", "participant": "participants",
          "pathway": "parcours", "interview": "entretiens", "step": "étapes",
          "employment": "épisodes d'emploi", "mission": "missions", "barrier": "freins",
          "appointment": "rendez-vous", "referent_assignment": "affectations",
          "assessment": "grilles d'évaluation", "assessment_score": "scores de grilles"}


def finish(ids: Ids) -> None:
    """Move PostgreSQL sequences past the chosen ids, then vacuum and analyse."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in ID_TABLES:
        table = model.__tablename__
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))"
        ))
    db.session.commit()
    # Autovacuum would vacuum and analyse these freshly filled tables within minutes (the
    # vacuum sets the visibility map that index-only scans rely on): measuring before it has
    # is unfair. VACUUM refuses to run in a transaction, hence its own autocommit connection.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# --- Structures and accounts -------------------------------------------------------------


def create_structures(ids: Ids, count: int) -> list[int]:
    """`count` partner structures (names made unique if an earlier run used them)."""
    taken = set(db.session.scalars(sa.select(Structure.name)))
    rows = []
    for name, city, phone in (DEMO_STRUCTURES + EXTRA_STRUCTURES)[:count]:
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name} ({n})", n + 1
        rows.append({"id": ids.take("structure"), "name": unique, "city": city, "phone": phone,
                     "active": True, "created_at": datetime.now(UTC)})
    db.session.execute(sa.insert(Structure.__table__), rows)
    return [r["id"] for r in rows]


def create_accounts(rng: random.Random, fake: Faker, ids: Ids, structures: list[int],
                    count: int) -> tuple[list[int], int]:
    """The référents and the supervisor, all sharing one password hash (hashing is slow)."""
    password_hash = hash_password(BENCH_PASSWORD)
    taken = set(db.session.scalars(sa.select(User.email).where(
        User.email.like(f"%@{BENCH_DOMAIN}"))))
    number, rows = 1, []
    while len(rows) < count:
        email = f"referent{number}@{BENCH_DOMAIN}"
        number += 1
        if email in taken:
            continue
        female = rng.random() < 0.7  # most référents of PLIE teams are women
        rows.append(account_row(ids, email, fake.first_name_female() if female
                                else fake.first_name_male(), fake.last_name(), "referent",
                                structures[len(rows) % len(structures)], password_hash, rng))
    supervisor = db.session.scalar(sa.select(User.id).where(User.email == SUPERVISOR_EMAIL))
    if supervisor is None:
        rows.append(account_row(ids, SUPERVISOR_EMAIL, "Karim", "Benali", "supervisor", None,
                                password_hash, rng))
        supervisor = rows[-1]["id"]
    db.session.execute(sa.insert(User.__table__), rows)
    return [r["id"] for r in rows if r["role"] == "referent"], supervisor


def account_row(ids: Ids, email: str, first: str, last: str, role: str,
                structure: int | None, password_hash: str, rng: random.Random) -> dict:
    """One user_account row."""
    now = datetime.now(UTC)
    return {"id": ids.take("user_account"), "email": email, "first_name": first,
            "last_name": last, "phone": landline(rng), "role": role, "structure_id": structure,
            "active": True, "caseload_ceiling": PARTICIPANTS_PER_REFERENT,
            "password_hash": password_hash, "must_change_password": False,
            "session_token": secrets.token_urlsafe(32), "password_changed_at": now,
            "created_at": now}


# --- Vocabularies drawn once -------------------------------------------------------------


def name_pools(fake: Faker) -> dict[str, list[str]]:
    """Names and streets drawn once from Faker: calling it per participant is the slow part."""
    return {
        "female": [fake.first_name_female() for _ in range(400)],
        "male": [fake.first_name_male() for _ in range(400)],
        "last": [fake.last_name() for _ in range(1500)],
        "street": [fake.street_address() for _ in range(800)],
    }


def note_pools(rng: random.Random, fake: Faker) -> dict[str, list[tuple[str, str, str]]]:
    """Interview notes of app/demo_history.py, filled a few ways each, ready to pick from."""
    pools = {}
    for key, templates in NOTES.items():
        pools[key] = [tuple(part.format_map(filler(rng, fake)) for part in template)
                      for template in templates for _ in range(4)]
    return pools


def filler(rng: random.Random, fake: Faker) -> dict[str, str]:
    """Values for the {placeholders} of the note templates."""
    job = rng.choice(JOBS)
    town = rng.choice(TOWNS)
    return {"employer": employer(rng, fake.last_name(), job.sector), "job_lc": job.title.lower(),
            "of_job": of(job.title.lower()), "rome": job.rome, "of_city": of(town),
            "city": town, "count": str(rng.randint(2, 8)), "client": fake.company(),
            "provider": rng.choice(TRAINING_CENTRES), "training": rng.choice(TRAINING_CENTRES),
            "operation": "Rénovation du groupe scolaire Jean Moulin",
            "activity": "Nettoyage à domicile", "legal_form": "Micro-entreprise",
            "barriers": "mobilité, garde d'enfants", "social": "la plateforme mobilité",
            "workshop": "CV et lettre de motivation"}


def employer(rng: random.Random, last_name: str, sector: str) -> str:
    """A plausible employer name in the sector."""
    town = rng.choice(TOWNS)
    name = rng.choice(EMPLOYERS.get(sector, EMPLOYERS["commerce"]))
    return name.format(last=last_name, city=town, of_city=of(town))


# --- Participants ------------------------------------------------------------------------


@dataclass
class Identity:
    """The fields app.demo.situation and criterion_codes read and set, without an ORM object."""

    sex: str
    birth_date: date
    qpv: bool
    rural: bool
    education_level: str = ""
    labour_status: str = ""
    unemployed_since: date | None = None
    in_education: bool = False
    rqth: bool = False
    france_travail_id: str = ""

    def age_on(self, day: date) -> int:
        """Age in whole years on that day."""
        return age_on(self.birth_date, day)


def add_participant(c: Context, scenario: str, category: str) -> None:
    """One participant with its référents, criteria and pathways."""
    rng = c.rng
    current = plan_current_pathway(rng, c.today, scenario, category)
    plans = [current]
    if scenario in ("orientation", "in_pathway", "exited") and rng.random() < EARLIER_SHARE:
        plans.insert(0, plan_earlier(rng, current))
    participant_id = c.ids.take("participant")
    person, row = identity(c, participant_id, plans[0].orientation)
    periods = referent_periods(c, participant_id, plans[0].orientation)
    row["referent_id"] = periods[-1].referent
    codes = criterion_codes(rng, person, current.orientation)
    for code in sorted(codes):
        c.rows.add("participant_criterion", {"participant_id": participant_id,
                                             "criterion_id": c.criteria[code]})
    for plan in plans:
        add_pathway(c, participant_id, plan, periods)


def plan_current_pathway(rng: random.Random, today: date, scenario: str, category: str) -> Plan:
    """The demo's plan, except that exits spread over five years instead of two."""
    if scenario != "exited":
        return plan_current(rng, today, scenario, category)
    low, high = EXIT_LENGTHS.get(category, (300, 900))
    exit_day = weekday_back(today, rng.randint(1, YEARS * 365 - high))
    if category == "duree_maximale":
        entry = weekday_back(add_months(exit_day, -36) + timedelta(days=1))
        return entered(rng, entry, last_day_within(entry, 36), category)
    return entered(rng, weekday_back(exit_day, rng.randint(low, high)), exit_day, category)


def identity(c: Context, participant_id: int, oriented: date) -> tuple[Identity, dict]:
    """Queue the participant row: name, search key, contact, FSE+ situation."""
    rng = c.rng
    sex = rng.choices(["F", "M", "X"], weights=[52, 47, 1])[0]
    female = sex == "F" or (sex == "X" and rng.random() < 0.5)
    first = rng.choice(c.names["female" if female else "male"])
    last = rng.choice(c.names["last"])
    age = rng.choices([rng.randint(18, 25), rng.randint(26, 49), rng.randint(50, 62)],
                      weights=[20, 55, 25])[0]
    postcode, town, qpv_share, rural = rng.choices(POSTCODES, weights=POSTCODE_WEIGHTS)[0]
    person = Identity(sex, oriented - timedelta(days=age * 365 + rng.randint(0, 364)),
                      rng.random() < qpv_share, rural)
    situation(rng, person, oriented)
    created = datetime.combine(oriented, time(9), tzinfo=UTC)
    row = {
        "id": participant_id, "public_id": secrets.token_urlsafe(9), "first_name": first,
        "last_name": last, "name_key": search_key(f"{last} {first}")[:NAME_KEY_LENGTH],
        "sex": sex, "birth_date": person.birth_date, "phone": mobile(rng),
        "email": personal_email(rng, first, last) if rng.random() < 0.75 else "",
        "address": rng.choice(c.names["street"]), "postcode": postcode, "city": town,
        "qpv": person.qpv, "rural": rural, "education_level": person.education_level,
        "labour_status": person.labour_status, "unemployed_since": person.unemployed_since,
        "in_education": person.in_education, "rqth": person.rqth,
        "france_travail_id": person.france_travail_id, "referent_id": None,
        "created_at": created, "updated_at": created, "version": 1,
    }
    c.rows.add("participant", row)
    for term in sorted(search_terms(row["name_key"], row["france_travail_id"])):
        c.rows.add("participant_search_term", {"term": term, "participant_id": participant_id})
    return person, row


def personal_email(rng: random.Random, first: str, last: str) -> str:
    """first.last@provider, folded to ASCII."""
    local = search_key(f"{first}.{last}").replace(" ", "").replace("'", "")
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


@dataclass(frozen=True)
class Period:
    """A référent (by id) in charge from start to end (None: still)."""

    referent: int
    start: date
    end: date | None = None


def referent_periods(c: Context, participant_id: int, first_orientation: date) -> list[Period]:
    """Who followed the person; a few changed référent once (the last period is today's)."""
    rng = c.rng
    current = rng.choice(c.referents)
    periods = [Period(current, first_orientation)]
    span = (c.today - first_orientation).days
    if span > 150 and len(c.referents) > 1 and rng.random() < TRANSFER_SHARE:
        previous = rng.choice(c.referents)
        switch = first_orientation + timedelta(days=rng.randint(60, span - 30))
        periods = [Period(previous, first_orientation, switch - timedelta(days=1)),
                   Period(current, switch)]
    for period in periods:
        c.rows.add("referent_assignment", {
            "id": c.ids.take("referent_assignment"), "participant_id": participant_id,
            "referent_id": period.referent, "started_on": period.start,
            "ended_on": period.end, "assigned_by_id": c.supervisor})
    return periods


def referent_on(periods: list[Period], day: date) -> int:
    """The référent in charge that day."""
    return next((p.referent for p in periods if p.start <= day and (p.end is None or day <= p.end)),
                periods[-1].referent)


# --- Pathways ----------------------------------------------------------------------------


def add_pathway(c: Context, participant_id: int, plan: Plan, periods: list[Period]) -> None:
    """One pathway row and, once entered, its steps, contracts, barriers and interviews."""
    rng = c.rng
    pathway_id = c.ids.take("pathway")
    stamp = datetime.combine(plan.exit or plan.decision_date or plan.orientation, time(17),
                             tzinfo=UTC)
    c.rows.add("pathway", {
        "id": pathway_id, "public_id": secrets.token_urlsafe(9), "participant_id": participant_id,
        "orientation_date": plan.orientation,
        "prescriber_kind": rng.choices(["france_travail", "departement", "mission_locale",
                                        "ccas", "travailleur_social", "spontane"],
                                       weights=[40, 25, 10, 10, 10, 5])[0],
        "decision": plan.decision, "decision_date": plan.decision_date,
        "contract_signed_on": plan.entry, "entry_date": plan.entry, "exit_date": plan.exit,
        "exit_category": plan.category, "exit_comment": "", "created_at": stamp,
        "updated_at": stamp, "version": 1,
    })
    if plan.entry is None:
        add_interview(c, pathway_id, plan.orientation, "diagnostic", "accueil",
                      referent_on(periods, plan.orientation))
        return
    story = Story(c, pathway_id, plan, periods)
    story.build()


class Story:
    """The content of one entered pathway, laid out from entry to exit (or today)."""

    def __init__(self, c: Context, pathway_id: int, plan: Plan, periods: list[Period]):
        self.c, self.rng, self.pathway_id, self.plan, self.periods = (
            c, c.rng, pathway_id, plan, periods)
        self.end = min(plan.exit or c.today, plan.horizon or c.today)
        self.steps: list[dict] = []
        self.jobs: list[dict] = []

    def build(self) -> None:
        """Diagnostic, barriers, a storyline of steps and contracts, the exit, interviews."""
        entry = self.plan.entry
        self.step("ACC", entry, entry + timedelta(days=self.rng.randint(14, 45)))
        self.barriers(entry)
        cursor = entry + timedelta(days=self.rng.randint(20, 50))
        kinds = self.rng.choices([k for k, _ in STORYLINES], weights=[w for _, w in STORYLINES])[0]
        for kind in kinds[:4]:
            if cursor > self.end:
                break
            low, high = DURATIONS[kind]
            finish = cursor + timedelta(days=self.rng.randint(low, high))
            self.step(STEP_CODES[kind], cursor, finish)
            cursor = finish + timedelta(days=self.rng.randint(7, 45))
        self.more_jobs()
        self.exit()
        self.interviews()
        self.appointment()
        self.assessments()

    def status(self, start: date, end: date) -> tuple[str, date | None, date | None]:
        """Status, actual start and actual end of something planned from start to end."""
        today, exit_day = self.c.today, self.plan.exit
        if start > today:
            return "prevue", None, None
        if exit_day and end >= exit_day:
            leaving = self.plan.category in LEAVING
            return ("abandonnee" if leaving else "realisee"), start, exit_day
        if end < today:
            return "realisee", start, end
        return "en_cours", start, None

    def step(self, code: str, start: date, end: date, employment: int | None = None) -> dict:
        """Queue a step; job-like steps get their employment episode first."""
        status, actual_start, actual_end = self.status(start, end)
        if code in JOB_CONTRACTS and employment is None:
            employment = self.job(self.rng.choice(JOB_CONTRACTS[code]), start, end)
        row = {"id": self.c.ids.take("step"), "public_id": secrets.token_urlsafe(9),
               "pathway_id": self.pathway_id, "type_code": code, "status": status,
               "planned_start": start, "planned_end": end, "actual_start": actual_start,
               "actual_end": actual_end, "provider": self.provider(code),
               "outcome": STEP_OUTCOMES.get(code, "").format(job_lc="agent de propreté")
               if status == "realisee" else "", "employment_id": employment,
               "created_at": self.stamp(start), "updated_at": self.stamp(actual_end or start),
               "version": 1}
        self.c.rows.add("step", row)
        self.steps.append(row)
        return row

    def provider(self, code: str) -> str:
        """Who runs the step."""
        if code == "IAE":
            return self.rng.choice(SIAES["ACI"] + SIAES["ETTI"])
        if code in ("FORM_PQ", "FORM_Q"):
            return self.rng.choice(TRAINING_CENTRES)
        return ""

    def job(self, contract: str, start: date, end: date | None) -> int:
        """Queue an employment episode (with missions for intérim); return its id."""
        job = self.rng.choice(JOBS)
        # A contract still running at the exit has no known end: the PLIE stops following it.
        actual_end = end if end is not None and end < min(self.end, self.c.today) else None
        employment_id = self.c.ids.take("employment")
        self.c.rows.add("employment", {
            "id": employment_id, "public_id": secrets.token_urlsafe(9),
            "pathway_id": self.pathway_id,
            "employer": self.rng.choice(INTERIM_AGENCIES) if contract == "INTERIM"
            else employer(self.rng, self.rng.choice(self.c.names["last"]), job.sector),
            "siret": "", "contract_type": contract, "start_date": start, "planned_end": end,
            "actual_end": actual_end, "weekly_hours": self.rng.choice([20, 24, 26, 30, 35, 35]),
            "job_title": job.title, "rome_code": job.rome, "created_at": self.stamp(start),
            "updated_at": self.stamp(start), "version": 1,
        })
        if contract == "INTERIM" and start <= self.c.today:
            self.missions(employment_id, start, min(end or self.end, self.end, self.c.today))
        self.jobs.append({"id": employment_id, "start": start, "end": actual_end or end})
        return employment_id

    def missions(self, employment_id: int, start: date, end: date) -> None:
        """A few intérim missions between start and end."""
        day = start
        while day <= end:
            finish = min(day + timedelta(days=self.rng.randint(3, 40)), end)
            self.c.rows.add("mission", {
                "id": self.c.ids.take("mission"), "employment_id": employment_id,
                "start_date": day, "end_date": finish, "hours": ((finish - day).days + 1) * 5,
                "employer": employer(self.rng, self.rng.choice(self.c.names["last"]),
                                     "logistique")})
            day = finish + timedelta(days=self.rng.randint(2, 20))

    def more_jobs(self) -> None:
        """Short contracts taken between steps, so that long pathways hold about two."""
        months = (self.end - self.plan.entry).days // 30
        wanted = min(3, months // 6)
        while len(self.jobs) < wanted:
            start = self.plan.entry + timedelta(days=self.rng.randint(30, max(31, months * 30)))
            if start > self.end:
                break
            self.job(self.rng.choice(["CDD", "INTERIM"]), start,
                     start + timedelta(days=self.rng.randint(20, 120)))

    def barriers(self, start: date) -> None:
        """One to three barriers found at the diagnostic, some lifted since."""
        themes = set(self.rng.choices(list(BARRIER_WEIGHTS), weights=list(BARRIER_WEIGHTS.values()),
                                      k=self.rng.choice([1, 2, 2, 3])))
        room = (self.end - start).days
        for theme in sorted(themes):
            lifted = start + timedelta(days=self.rng.randint(30, room)) \
                if room > 45 and self.rng.random() < 0.45 else None
            self.c.rows.add("barrier", {
                "id": self.c.ids.take("barrier"), "public_id": secrets.token_urlsafe(9),
                "pathway_id": self.pathway_id, "theme": theme,
                "situation": self.rng.choice(BARRIER_SITUATIONS[theme]),
                "severity": 0 if lifted else self.rng.choices([1, 2, 3], weights=[30, 50, 20])[0],
                "identified_on": start, "lifted_on": lifted, "created_at": self.stamp(start),
                "updated_at": self.stamp(lifted or start), "version": 1})

    def exit(self) -> None:
        """Link a positive or transitional exit to the contract or step it rests on."""
        category, exit_day = self.plan.category, self.plan.exit
        if category not in ("emploi_durable", "emploi_transition", "formation_qualifiante",
                            "creation_activite"):
            return
        start = max(self.plan.entry, exit_day - timedelta(days=self.rng.randint(30, 150)))
        employment, step = None, None
        if category == "formation_qualifiante":
            step = self.step("FORM_Q", start, exit_day)["id"]
        elif category == "creation_activite":
            employment = self.job("CREATION", start, None)
            step = self.step("CREA", start, exit_day, employment)["id"]
        else:
            contract = "CDI" if category == "emploi_durable" else "CDD"
            end = None if contract == "CDI" else exit_day + timedelta(days=90)
            employment = self.job(contract, start, end)
        self.c.rows.exits.append({"pathway": self.pathway_id, "employment": employment,
                                  "step": step})

    def interviews(self) -> None:
        """An interview every month or so, from orientation to the exit (or today)."""
        day = self.plan.orientation
        add_interview(self.c, self.pathway_id, day, "diagnostic", "diagnostic", self.referent(day))
        last = min(self.end, self.c.today)
        day = self.plan.entry + timedelta(days=self.rng.randint(14, 30))
        while day < last:
            if day.weekday() < 5:
                kind, key = self.interview_kind(day)
                add_interview(self.c, self.pathway_id, day, kind, key, self.referent(day))
            day += timedelta(days=self.rng.randint(22, 50))
        if self.plan.exit and self.plan.category != "abandon":
            add_interview(self.c, self.pathway_id, weekday_back(self.plan.exit), "bilan",
                          "search", self.referent(self.plan.exit))

    def interview_kind(self, day: date) -> tuple[str, str]:
        """Kind of an interview and which notes fit: the step under way, a job, or the search."""
        if any(j["start"] <= day <= (j["end"] or date.max) for j in self.jobs):
            return "suivi_emploi", "JOB"
        step = next((s for s in reversed(self.steps)
                     if s["planned_start"] <= day <= s["planned_end"]), None)
        key = {"FORM_PQ": "FORM", "FORM_Q": "FORM", "EMPLOI": "JOB"}.get(
            step["type_code"], step["type_code"]) if step else "search"
        return "suivi", key if key in self.c.notes else "search"

    def appointment(self) -> None:
        """The next appointment of an open pathway, within three weeks."""
        if self.plan.exit is not None:
            return
        day = weekday_back(self.c.today + timedelta(days=self.rng.randint(3, 21)))
        self.c.rows.add("appointment", {
            "id": self.c.ids.take("appointment"), "public_id": secrets.token_urlsafe(9),
            "pathway_id": self.pathway_id, "scheduled_on": day,
            "scheduled_time": slot(self.rng), "mode": "presentiel",
            "purpose": "Entretien de suivi", "attendance": "", "interview_id": None,
            "created_at": self.c.created, "updated_at": self.c.created, "version": 1})

    def assessments(self) -> None:
        """The entry grid and one later: at exit (unless lost from view), else at six months."""
        if not self.c.dimensions:
            return
        entry = self.plan.entry
        scores = self.c.rng.choices(GRID_LEVELS, weights=GRID_ENTRY_WEIGHTS,
                                    k=len(self.c.dimensions))
        self.grid(entry, "entree", scores)
        if self.plan.exit and self.plan.category != "abandon":
            later, kind = weekday_back(self.plan.exit), "sortie"
        else:
            later, kind = weekday_back(add_months(entry, 6)), "intermediaire"
        if entry < later <= min(self.end, self.c.today):
            moves = self.c.rng.choices(GRID_MOVES, weights=GRID_MOVE_WEIGHTS, k=len(scores))
            self.grid(later, kind, [min(4, max(1, s + m)) for s, m in zip(scores, moves,
                                                                        strict=True)])

    def grid(self, day: date, kind: str, scores: list[int]) -> None:
        """Queue one grid and its scores, in the dimensions' order."""
        assessment_id = self.c.ids.take("assessment")
        self.c.rows.add("assessment", {
            "id": assessment_id, "public_id": secrets.token_urlsafe(9),
            "pathway_id": self.pathway_id, "assessed_on": day, "kind": kind, "comment": "",
            "author_id": self.referent(day), "created_at": self.stamp(day),
            "updated_at": self.stamp(day), "version": 1})
        for dimension_id, score in zip(self.c.dimensions, scores, strict=True):
            self.c.rows.add("assessment_score", {
                "id": self.c.ids.take("assessment_score"), "assessment_id": assessment_id,
                "dimension_id": dimension_id, "score": score})

    def referent(self, day: date) -> int:
        """The référent in charge that day."""
        return referent_on(self.periods, day)

    def stamp(self, day: date) -> datetime:
        """When a record about that day was written (never in the future)."""
        return datetime.combine(min(day, self.c.today), time(16), tzinfo=UTC)


def slot(rng: random.Random) -> time:
    """A half-hour appointment slot."""
    minutes = rng.choice(SLOTS)
    return time(minutes // 60, minutes % 60)


def add_interview(c: Context, pathway_id: int, day: date, kind: str, key: str,
                  author: int) -> None:
    """Queue one interview with a note that fits what the person is doing."""
    rng = c.rng
    topics, note, actions = rng.choice(c.notes[key])
    start = slot(rng)
    minutes = 60 if kind in ("diagnostic", "bilan") else rng.choice([30, 45, 45, 60])
    end = start.hour * 60 + start.minute + minutes
    written = datetime.combine(day, time(17), tzinfo=UTC)
    c.rows.add("interview", {
        "id": c.ids.take("interview"), "public_id": secrets.token_urlsafe(9),
        "pathway_id": pathway_id, "held_on": day, "start_time": start,
        "end_time": time(end // 60, end % 60),
        "mode": "presentiel" if kind != "suivi" else rng.choices(MODES, weights=MODE_WEIGHTS)[0],
        "kind": kind, "topics": topics, "note": note, "next_actions": actions,
        "author_id": author, "created_at": written, "updated_at": written, "version": 1})
