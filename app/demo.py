"""Demo data: three partner structures, demo accounts and realistic French participants."""

import random
from datetime import date, timedelta

import sqlalchemy as sa
from faker import Faker

from app.extensions import db
from app.models import Participant, Role, Structure, User
from app.passwords import hash_password

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
POSTCODES = [("37000", "Tours"), ("37300", "Joué-lès-Tours"), ("37700", "Saint-Pierre-des-Corps"),
             ("37100", "Tours"), ("37200", "Tours"), ("37170", "Chambray-lès-Tours"),
             ("37540", "Saint-Cyr-sur-Loire"), ("37400", "Amboise")]


def seed_demo(participant_count: int = 120, seed: int = 2026) -> bool:
    """Create the demo data unless it is already there; return whether anything was created."""
    if db.session.scalar(sa.select(User.id).where(User.email == DEMO_ACCOUNTS[0][0])):
        return False
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    structures = [Structure(name=n, city=c, phone=p) for n, c, p in DEMO_STRUCTURES]
    db.session.add_all(structures)
    password_hash = hash_password(DEMO_PASSWORD)
    users = []
    for email, first, last, role, structure_index in DEMO_ACCOUNTS:
        user = User(email=email, first_name=first, last_name=last, role=role.value,
                    password_hash=password_hash, phone=fake.phone_number(),
                    structure=structures[structure_index] if structure_index is not None else None)
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    referents = [u for u in users if u.role == Role.REFERENT]
    # The demo référente carries the largest caseload so her home page shows a real day.
    weights = [4] + [1] * (len(referents) - 1)
    today = date.today()
    for _ in range(participant_count):
        sex = rng.choices(["F", "M", "X"], weights=[52, 47, 1])[0]
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        postcode, city = rng.choice(POSTCODES)
        age_days = rng.randint(18 * 365, 62 * 365)
        participant = Participant(
            first_name=first,
            last_name=fake.last_name(),
            sex=sex,
            birth_date=today - timedelta(days=age_days),
            phone=fake.mobile_number() if hasattr(fake, "mobile_number") else fake.phone_number(),
            email=fake.free_email() if rng.random() < 0.7 else "",
            address=fake.street_address(),
            postcode=postcode,
            city=city,
            referent=rng.choices(referents, weights=weights)[0],
        )
        participant.refresh_name_key()
        db.session.add(participant)
    db.session.commit()
    return True
