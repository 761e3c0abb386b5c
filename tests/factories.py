"""factory_boy factories for every model, with French fake data."""

from datetime import date, time, timedelta
from decimal import Decimal

import factory
import sqlalchemy as sa
from factory.alchemy import SQLAlchemyModelFactory

from app.clock import paris_today
from app.extensions import db
from app.models import (
    Appointment,
    Assessment,
    AssessmentDimension,
    AssessmentScore,
    AuditEvent,
    Barrier,
    Employment,
    EntryCommission,
    Interview,
    LoginAttempt,
    Mission,
    Participant,
    Pathway,
    Role,
    Step,
    Structure,
    User,
)
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


class PathwayFactory(BaseFactory):
    """An open pathway: oriented, accepted, contract signed, entered a year ago."""

    class Meta:
        model = Pathway

    participant = factory.SubFactory(ParticipantFactory)
    orientation_date = factory.LazyFunction(lambda: paris_today() - timedelta(days=400))
    prescriber_kind = "france_travail"
    decision = "accepted"
    decision_date = factory.LazyAttribute(lambda p: p.orientation_date + timedelta(days=20))
    contract_signed_on = factory.LazyAttribute(lambda p: p.decision_date + timedelta(days=10))
    entry_date = factory.LazyAttribute(lambda p: p.contract_signed_on)


class StepFactory(BaseFactory):
    """A remobilisation step in progress."""

    class Meta:
        model = Step

    pathway = factory.SubFactory(PathwayFactory)
    type_code = "REMOB"
    status = "en_cours"
    actual_start = factory.LazyAttribute(lambda s: s.pathway.entry_date + timedelta(days=15))
    planned_end = factory.LazyAttribute(lambda s: s.actual_start + timedelta(days=60))
    provider = "Association Rebond"


class EmploymentFactory(BaseFactory):
    """A six-month CDD at 35 hours."""

    class Meta:
        model = Employment

    pathway = factory.SubFactory(PathwayFactory)
    employer = "Boulangerie Martin"
    contract_type = "CDD"
    start_date = factory.LazyAttribute(lambda e: e.pathway.entry_date + timedelta(days=100))
    planned_end = factory.LazyAttribute(lambda e: e.start_date + timedelta(days=182))
    weekly_hours = Decimal("35")
    job_title = "Vendeur"


class MissionFactory(BaseFactory):
    """A two-week intérim mission."""

    class Meta:
        model = Mission

    employment = factory.SubFactory(EmploymentFactory, contract_type="INTERIM", planned_end=None)
    start_date = factory.LazyAttribute(lambda m: m.employment.start_date)
    end_date = factory.LazyAttribute(lambda m: m.start_date + timedelta(days=13))
    hours = Decimal("70")


class InterviewFactory(BaseFactory):
    """A follow-up interview held a week ago."""

    class Meta:
        model = Interview

    pathway = factory.SubFactory(PathwayFactory)
    held_on = factory.LazyFunction(lambda: paris_today() - timedelta(days=7))
    start_time = time(9, 30)
    end_time = time(10, 15)
    mode = "presentiel"
    kind = "suivi"
    topics = "Recherche d'emploi"
    note = "Point sur les candidatures envoyées."


class AppointmentFactory(BaseFactory):
    """A planned appointment next week."""

    class Meta:
        model = Appointment

    pathway = factory.SubFactory(PathwayFactory)
    scheduled_on = factory.LazyFunction(lambda: paris_today() + timedelta(days=7))
    scheduled_time = time(14, 0)
    purpose = "Suivi mensuel"


class BarrierFactory(BaseFactory):
    """An important mobility barrier identified at entry."""

    class Meta:
        model = Barrier

    pathway = factory.SubFactory(PathwayFactory)
    theme = "mobilite"
    situation = "Pas de permis de conduire."
    severity = 2
    identified_on = factory.LazyAttribute(lambda b: b.pathway.entry_date)


class AssessmentFactory(BaseFactory):
    """An entry grid filled on the pathway's entry date, every active dimension scored 2.

    Pass scores={"MOBILITE": 3, …} to score exactly those dimensions (by code).
    """

    class Meta:
        model = Assessment

    pathway = factory.SubFactory(PathwayFactory)
    assessed_on = factory.LazyAttribute(lambda a: a.pathway.entry_date)
    kind = "entree"
    comment = ""

    @factory.post_generation
    def scores(self, create, extracted, **kwargs):
        """Attach the scores once the grid exists."""
        dimensions = db.session.scalars(
            sa.select(AssessmentDimension).order_by(AssessmentDimension.position)
        ).all()
        if extracted is None:
            wanted = {d.code: 2 for d in dimensions if d.active}
        else:
            wanted = dict(extracted)
        by_code = {d.code: d for d in dimensions}
        for code, score in wanted.items():
            self.scores.append(AssessmentScore(dimension=by_code[code], score=score))
        if create:
            db.session.commit()


class EntryCommissionFactory(BaseFactory):
    """An entry commission held a week ago, with no decision yet (add CommissionDecision rows)."""

    class Meta:
        model = EntryCommission

    held_on = factory.LazyFunction(lambda: paris_today() - timedelta(days=7))
    place = "Maison de l'emploi, salle 2"
    members = "Mme Durand, France Travail\nM. Petit, Conseil départemental"
