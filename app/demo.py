"""Demo data: three partner structures, demo accounts and French participants with a history.

`seed_demo` is idempotent (nothing is created once the demo référente exists) and deterministic
for a given seed and day. Identities come from Faker fr_FR; pathways, steps, contracts,
interviews, appointments and barriers from app/demo_history.py.
"""

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import sqlalchemy as sa
from faker import Faker

from app.clock import paris_today
from app.demo_history import Period, Person, Plan, Seeder, build_pathway, workday_before
from app.domain.dates import add_months, last_day_within
from app.domain.people import age_on
from app.extensions import db
from app.models import EligibilityCriterion, Participant, ReferentAssignment, Role, Structure, User
from app.models.fse import ExitFollowUp, ParticipantFseData
from app.passwords import hash_password
from app.progress.evaluation import pathway_progress
from app.text import search_key

DEMO_PASSWORD = "jalons-demo-2026"
DEMO_ACCOUNTS = [
    # email, first name, last name, role, structure index
    ("referente@demo.jalons.fr", "Claire", "Martin", Role.REFERENT, 0),
    ("superviseur@demo.jalons.fr", "Karim", "Benali", Role.SUPERVISOR, None),
    ("admin@demo.jalons.fr", "Sophie", "Lefèvre", Role.ADMIN, None),
    ("referent2@demo.jalons.fr", "Thomas", "Garnier", Role.REFERENT, 0),
    ("referente3@demo.jalons.fr", "Aïcha", "Diallo", Role.REFERENT, 1),
    ("referent4@demo.jalons.fr", "Julien", "Le Goff", Role.REFERENT, 1),
    ("referente5@demo.jalons.fr", "Nathalie", "Roux", Role.REFERENT, 2),
]
DEMO_STRUCTURES = [
    ("Maison de l'Emploi du Val de Loire", "Tours", "02 47 00 10 20"),
    ("Association Tremplin Insertion", "Joué-lès-Tours", "02 47 00 30 40"),
    ("CCAS de Saint-Pierre-des-Corps", "Saint-Pierre-des-Corps", "02 47 00 50 60"),
]
DEMO_LOGINS = (
    "Comptes de démonstration (mot de passe : jalons-demo-2026) :\n"
    "  référente   : referente@demo.jalons.fr\n"
    "  superviseur : superviseur@demo.jalons.fr\n"
    "  admin       : admin@demo.jalons.fr"
)
# postcode, town, share of residents in a priority neighbourhood (QPV), rural town
POSTCODES = [("37000", "Tours", 0.35, False), ("37100", "Tours", 0.5, False),
             ("37200", "Tours", 0.5, False), ("37300", "Joué-lès-Tours", 0.45, False),
             ("37700", "Saint-Pierre-des-Corps", 0.5, False),
             ("37170", "Chambray-lès-Tours", 0.1, False),
             ("37540", "Saint-Cyr-sur-Loire", 0.05, False), ("37400", "Amboise", 0.2, False),
             ("37110", "Château-Renault", 0.0, True), ("37190", "Azay-le-Rideau", 0.0, True),
             ("37150", "Bléré", 0.0, True)]
POSTCODE_WEIGHTS = [16, 14, 12, 14, 12, 6, 4, 6, 2, 2, 2]
MAIL_DOMAINS = ["gmail.com", "orange.fr", "laposte.net", "free.fr", "hotmail.fr", "sfr.fr",
                "outlook.fr", "yahoo.fr"]

# Where the current pathway stands, in shares of the participants.
SCENARIOS = {"orientation": 6, "accepted": 2, "postponed": 2, "refused": 3, "in_pathway": 55,
             "exited": 32}
# Exit categories of exited pathways (positive: the first three, about 45 %).
EXIT_MIX = {"emploi_durable": 33, "formation_qualifiante": 8, "creation_activite": 4,
            "emploi_transition": 10, "reorientation": 6, "demenagement": 8, "abandon": 16,
            "sante": 8, "duree_maximale": 7}
# Exits of an earlier pathway, before the current one.
EARLIER_EXITS = {"abandon": 30, "demenagement": 10, "sante": 20, "emploi_transition": 25,
                 "reorientation": 15}
# Days from entry to exit, by category.
EXIT_LENGTHS = {"emploi_durable": (150, 900), "formation_qualifiante": (240, 800),
                "creation_activite": (200, 700), "emploi_transition": (200, 800),
                "reorientation": (70, 400), "demenagement": (70, 700), "abandon": (90, 600),
                "sante": (90, 700)}
EARLIER_SHARE = 0.12
TRANSFER_SHARE = 0.12


def seed_demo(participant_count: int = 120, seed: int = 2026) -> bool:
    """Create the demo data unless it is already there; return whether anything was created."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])):
        return False
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    users = create_accounts(rng)
    seeder = Seeder(rng=rng, fake=fake, today=paris_today())
    referents = [u for u in users if u.role == Role.REFERENT]
    supervisor = next(u for u in users if u.role == Role.SUPERVISOR)
    criteria = {c.code: c for c in db.session.scalars(sa.select(EligibilityCriterion))}
    scenarios = allocate(rng, participant_count, SCENARIOS)
    exits = iter(allocate(rng, scenarios.count("exited"), EXIT_MIX))
    participants = []
    for scenario in scenarios:
        category = next(exits) if scenario == "exited" else ""
        participants.append(create_participant(seeder, scenario, category, referents,
                                               supervisor, criteria))
    db.session.add_all(participants)
    db.session.flush()
    seeder.link_records()
    validate_old_exits(rng, participants, supervisor, seeder.today)
    record_fse_answers(random.Random(seed + 7), participants, seeder.today)
    db.session.commit()
    return True


def validate_old_exits(rng: random.Random, participants: list[Participant], supervisor: User,
                       today: date) -> None:
    """Job-based exits proven long ago were validated by the supervisor; recent ones wait."""
    for participant in participants:
        for pathway in participant.pathways:
            if pathway.exit_date is None:
                continue
            check = pathway_progress(pathway, today).exit_check
            if check.state == "ready" and (today - check.validation_due).days > 45:
                pathway.exit_validated_on = min(
                    today, check.validation_due + timedelta(days=rng.randint(2, 25)))
                pathway.exit_validated_by_id = supervisor.id


# The FSE+ situation at exit that each exit category usually leads to.
EXIT_SITUATION_OF = {
    "emploi_durable": "employed", "creation_activite": "employed",
    "emploi_transition": "employed", "formation_qualifiante": "education",
    "reorientation": "job_searching", "demenagement": "job_searching",
    "duree_maximale": "job_searching", "sante": "inactive", "autre": "job_searching",
}


def record_fse_answers(rng: random.Random, participants: list[Participant],
                       today: date) -> None:
    """Sensitive FSE+ items for most files, and the situations référents recorded after exits.

    A few are left missing on purpose, so the alerts and the "à compléter" list have work.
    """
    for participant in participants:
        if rng.random() < 0.85:
            answers = ["no", "no", "no", "no"]
            if rng.random() < 0.15:
                answers[rng.randrange(4)] = "refused"
            if rng.random() < 0.1:
                answers[0] = answers[1] = "yes"
            participant.fse_data = ParticipantFseData(
                third_country_national=answers[0], foreign_background=answers[1],
                minority=answers[2], homeless=answers[3])
        for pathway in participant.pathways:
            if pathway.exit_date is None or (today - pathway.exit_date).days < 10:
                continue
            situation = EXIT_SITUATION_OF.get(pathway.exit_category)
            if situation is None or rng.random() < 0.1:
                continue  # lost touch: nobody could say (abandon), or not yet recorded
            follow_up = ExitFollowUp(
                exit_situation=situation,
                exit_contract_type=next((j.contract_type for j in pathway.employments
                                         if j.id == pathway.exit_employment_id), ""),
                qualification_gained=pathway.exit_category == "formation_qualifiante",
                exit_situation_on=min(today, pathway.exit_date
                                      + timedelta(days=rng.randint(2, 25))))
            six_months = add_months(pathway.exit_date, 6)
            if six_months + timedelta(days=20) <= today and rng.random() < 0.85:
                follow_up.post_exit_situation = rng.choice(
                    [situation, situation, "employed", "job_searching"])
                follow_up.post_exit_improved = follow_up.post_exit_situation in (
                    "employed", "education")
                follow_up.post_exit_situation_on = six_months + timedelta(
                    days=rng.randint(0, 20))
            pathway.exit_follow_up = follow_up


def create_accounts(rng: random.Random) -> list[User]:
    """The partner structures and the demo accounts, flushed so they have ids."""
    structures = [Structure(name=n, city=c, phone=p) for n, c, p in DEMO_STRUCTURES]
    db.session.add_all(structures)
    password_hash = hash_password(DEMO_PASSWORD)
    users = [
        User(email=email, first_name=first, last_name=last, role=role.value,
             password_hash=password_hash, phone=landline(rng),
             structure=structures[index] if index is not None else None)
        for email, first, last, role, index in DEMO_ACCOUNTS
    ]
    db.session.add_all(users)
    db.session.flush()
    return users


def allocate(rng: random.Random, count: int, weights: dict[str, int]) -> list[str]:
    """`count` labels in the given proportions (largest remainders), shuffled."""
    total = sum(weights.values())
    shares = {k: count * w / total for k, w in weights.items()}
    labels = {k: int(v) for k, v in shares.items()}
    by_remainder = sorted(weights, key=lambda k: shares[k] - labels[k], reverse=True)
    for key in by_remainder[:count - sum(labels.values())]:
        labels[key] += 1
    result = [k for k, n in labels.items() for _ in range(n)]
    rng.shuffle(result)
    return result


def landline(rng: random.Random) -> str:
    """A landline number of the Tours area."""
    return "02 47 " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(3))


def mobile(rng: random.Random) -> str:
    """A French mobile number."""
    return f"0{rng.choice('67')} " + " ".join(f"{rng.randint(0, 99):02d}" for _ in range(4))


def email_for(rng: random.Random, first: str, last: str) -> str:
    """A personal address built from the name, as people make them."""
    first_key, last_key = (search_key(n).replace(" ", "").replace("'", "") for n in (first, last))
    local = rng.choice([f"{first_key}.{last_key}", f"{first_key[0]}{last_key}",
                        f"{first_key}{last_key}{rng.randint(1, 99)}"])
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


# --- Pathway dates -----------------------------------------------------------------------


def weekday_back(day: date, back: int = 0) -> date:
    """The working day `back` days before `day`, or the last one before that."""
    return workday_before(day - timedelta(days=back))


def plan_current(rng: random.Random, today: date, scenario: str, category: str) -> Plan:
    """The dates of the current pathway for its scenario."""
    if scenario == "orientation":
        return Plan(weekday_back(today, rng.randint(1, 35)))
    if scenario in ("accepted", "postponed", "refused"):
        back = {"accepted": (20, 45), "postponed": (15, 70), "refused": (30, 330)}[scenario]
        orientation = weekday_back(today, rng.randint(*back))
        decided = weekday_back(min(orientation + timedelta(days=rng.randint(8, 30)), today))
        return Plan(orientation, scenario, max(decided, orientation))
    if scenario == "in_pathway":
        return entered(rng, weekday_back(today, int(rng.triangular(14, 1060, 200))))
    exit_day = weekday_back(today, int(rng.triangular(1, 700, 60)))
    if category == "duree_maximale":
        entry = weekday_back(add_months(exit_day, -36) + timedelta(days=1))
        exit_day = last_day_within(entry, 36)
    else:
        entry = weekday_back(exit_day, rng.randint(*EXIT_LENGTHS[category]))
    return entered(rng, entry, exit_day, category)


def entered(rng: random.Random, entry: date, exit_day: date | None = None, category: str = "",
            horizon: date | None = None) -> Plan:
    """A pathway entered on `entry`: oriented, then accepted by the commission before."""
    decided = weekday_back(entry, rng.randint(0, 14))
    orientation = weekday_back(decided, rng.randint(8, 35))
    return Plan(orientation, "accepted", decided, entry, exit_day, category, horizon)


def plan_earlier(rng: random.Random, current: Plan) -> Plan:
    """An earlier pathway, closed well before the current orientation."""
    exit_day = weekday_back(current.orientation, rng.randint(60, 540))
    category = rng.choices(list(EARLIER_EXITS), weights=list(EARLIER_EXITS.values()))[0]
    entry = weekday_back(exit_day, rng.randint(200, 540))
    return entered(rng, entry, exit_day, category,
                   horizon=current.orientation - timedelta(days=1))


# --- Participants ------------------------------------------------------------------------


def create_participant(seeder: Seeder, scenario: str, category: str, referents: list[User],
                       supervisor: User, criteria: dict[str, EligibilityCriterion]
                       ) -> Participant:
    """One participant: identity, FSE+ situation, criteria, référents and pathways."""
    rng = seeder.rng
    current = plan_current(rng, seeder.today, scenario, category)
    plans = [current]
    if scenario in ("orientation", "in_pathway", "exited") and rng.random() < EARLIER_SHARE:
        plans.insert(0, plan_earlier(rng, current))
    participant = identity(seeder, current.orientation)
    situation(rng, participant, current.orientation)
    codes = criterion_codes(rng, participant, current.orientation)
    participant.criteria = [criteria[c] for c in sorted(criteria, key=lambda c:
                                                        criteria[c].position) if c in codes]
    periods = referent_periods(rng, referents, plans[0].orientation, seeder.today)
    participant.referent = periods[-1].referent
    participant.assignments = [
        ReferentAssignment(referent=p.referent, started_on=p.start, ended_on=p.end,
                           assigned_by_id=supervisor.id) for p in periods
    ]
    participant.created_at = datetime.combine(plans[0].orientation, clock_time(9), tzinfo=UTC)
    age = participant.age_on(current.orientation) or 30
    person = Person(participant.first_name, participant.last_name, age, codes, periods)
    participant.pathways = [build_pathway(seeder, person, plan) for plan in plans]
    return participant


def identity(seeder: Seeder, oriented: date) -> Participant:
    """Name, sex, birth date and contact details, realistic for the Tours area."""
    rng, fake = seeder.rng, seeder.fake
    sex = rng.choices(["F", "M", "X"], weights=[52, 47, 1])[0]
    female = sex == "F" or (sex == "X" and rng.random() < 0.5)
    first = fake.first_name_female() if female else fake.first_name_male()
    last = fake.last_name()
    age = rng.choices([rng.randint(18, 25), rng.randint(26, 49), rng.randint(50, 62)],
                      weights=[20, 55, 25])[0]
    born = oriented - timedelta(days=age * 365 + rng.randint(0, 364))
    postcode, town, qpv_share, rural = rng.choices(POSTCODES, weights=POSTCODE_WEIGHTS)[0]
    participant = Participant(
        first_name=first, last_name=last, sex=sex, birth_date=born, phone=mobile(rng),
        email=email_for(rng, first, last) if rng.random() < 0.75 else "",
        address=fake.street_address(), postcode=postcode, city=town,
        qpv=rng.random() < qpv_share, rural=rural,
    )
    return participant


def situation(rng: random.Random, participant: Participant, oriented: date) -> None:
    """FSE+ data at entry: education, labour-market status, RQTH, France Travail number."""
    age = participant.age_on(oriented) or 30
    participant.education_level = rng.choices(
        ["infra3", "niveau3", "niveau4", "niveau5plus"], weights=[35, 32, 21, 12])[0]
    status = rng.choices(["unemployed", "inactive", "employed"], weights=[82, 14, 4])[0]
    participant.labour_status = status
    if status == "unemployed":
        months = rng.choices([rng.randint(2, 11), rng.randint(12, 23), rng.randint(24, 96)],
                             weights=[30, 30, 40] if age >= 26 else [55, 35, 10])[0]
        months = min(months, (age - 16) * 12)
        participant.unemployed_since = add_months(oriented, -months) - timedelta(
            days=rng.randint(0, 25))
    participant.in_education = rng.random() < (0.12 if age < 26 else 0.02)
    participant.rqth = rng.random() < (0.16 if age >= 45 else 0.07)
    if rng.random() < (0.82 if status == "unemployed" else 0.25):
        participant.france_travail_id = f"{rng.randint(0, 9999999):07d}" + \
            rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")


def unemployment_months(participant: Participant, oriented: date) -> int:
    """Whole months without work at orientation (0 when not unemployed)."""
    since = participant.unemployed_since
    if participant.labour_status != "unemployed" or since is None:
        return 0
    return (oriented.year - since.year) * 12 + oriented.month - since.month - (
        oriented.day < since.day)


def criterion_codes(rng: random.Random, participant: Participant, oriented: date) -> set[str]:
    """One to four eligibility criteria that follow from who the person is."""
    age = age_on(participant.birth_date, oriented)
    months = unemployment_months(participant, oriented)
    facts = []
    if age < 26:
        facts.append("JEUNE")
    if age >= 50:
        facts.append("SENIOR")
    if months >= 24:
        facts.append("DETLD")
    elif months >= 12:
        facts.append("DELD")
    if participant.rqth:
        facts.append("RQTH")
    if participant.qpv:
        facts.append("QPV")
    chances = {"RSA": 0.45 if age >= 25 else 0.05,
               "NIV3": 0.4 if participant.education_level in ("infra3", "niveau3") else 0,
               "PARENT_ISOLE": 0.2 if participant.sex == "F" else 0.05,
               "ZRR": 0.6 if participant.rural else 0, "MOBILITE": 0.1, "FLE": 0.07,
               "ASS": 0.3 if months >= 24 and age >= 35 else 0,
               "AAH": 0.35 if participant.rqth else 0, "ASE": 0.15 if age < 23 else 0,
               "SANS_HEBERGEMENT": 0.03, "REFUGIE": 0.03, "JUSTICE": 0.02}
    social = [code for code, chance in chances.items() if rng.random() < chance]
    rng.shuffle(social)
    codes = (facts + social)[:4]
    if not codes:
        codes = ["NIV3" if participant.education_level in ("infra3", "niveau3") else "RSA"]
    return set(codes)


def referent_periods(rng: random.Random, referents: list[User], first_orientation: date,
                     today: date) -> list[Period]:
    """Who followed the person since the first orientation; a few changed référent once."""
    # The demo référente carries the largest caseload so her home page shows a real day.
    current = rng.choices(referents, weights=[4] + [1] * (len(referents) - 1))[0]
    span = (today - first_orientation).days
    if span > 150 and rng.random() < TRANSFER_SHARE:
        previous = rng.choice([r for r in referents if r is not current])
        switch = first_orientation + timedelta(days=rng.randint(60, span - 30))
        return [Period(previous, first_orientation, switch - timedelta(days=1)),
                Period(current, switch)]
    return [Period(current, first_orientation)]
