"""factory_boy factories for every model, with French fake data."""

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.extensions import db
from app.models import AuditEvent, LoginAttempt, Participant, Role, Structure, User
from app.passwords import hash_password
from app.text import search_key

PASSWORD = "phrase-de-test-tres-solide-2026"
# Hashing is slow on purpose; every test account shares one precomputed hash.
PASSWORD_HASH = hash_password(PASSWORD)


class BaseFactory(SQLAlchemyModelFactory):
    """Commit through the app's scoped session."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class StructureFactory(BaseFactory):
    """A partner structure."""

    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure d'insertion {n}")
    city = factory.Faker("city", locale="fr_FR")


class UserFactory(BaseFactory):
    """A référent by default; pass role= for the others."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.REFERENT.value
    structure = factory.SubFactory(StructureFactory)
    password_hash = PASSWORD_HASH
    active = True


class ParticipantFactory(BaseFactory):
    """A participant assigned to a new référent unless one is given."""

    class Meta:
        model = Participant

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    sex = "F"
    birth_date = date(1985, 3, 14)
    city = "Tours"
    postcode = "37000"
    referent = factory.SubFactory(UserFactory)
    name_key = factory.LazyAttribute(lambda p: search_key(f"{p.last_name} {p.first_name}"))


class AuditEventFactory(BaseFactory):
    """An audit event (for filters of the audit page)."""

    class Meta:
        model = AuditEvent

    action = "participant.view"
    actor = "quelqu'un@exemple.fr"


class LoginAttemptFactory(BaseFactory):
    """A failed login attempt."""

    class Meta:
        model = LoginAttempt

    email = "quelqu'un@exemple.fr"
    succeeded = False
