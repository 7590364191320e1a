from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from cases.models import Case, CaseNote, ContactChannel, Decision, HealthBody, PartyType, Route, School, SchoolPhase

factory.Faker._DEFAULT_LOCALE = "en_GB"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Faker("company")
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    phase = SchoolPhase.PRIMARY


class HealthBodyFactory(DjangoModelFactory):
    class Meta:
        model = HealthBody

    name = factory.Sequence(lambda n: f"NHS Example {n} Integrated Care Board")
    ods_code = factory.Sequence(lambda n: f"QX{n:03d}")


class CaseFactory(DjangoModelFactory):
    """A triage-ready mediation case. Dates are explicit in tests that are about dates."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"SEND-2026-{n + 1:05d}")
    child_first_name = factory.Faker("first_name")
    child_last_name = factory.Faker("last_name")
    child_date_of_birth = date(2016, 5, 14)
    party_type = PartyType.PARENT
    party_name = factory.Faker("name")
    party_relationship = "Mother"
    email = factory.Faker("email")
    route = Route.MEDIATION
    decision = Decision.RTA
    decision_sent_on = date(2026, 3, 27)
    first_contact_on = factory.LazyAttribute(lambda o: o.decision_sent_on + timedelta(days=5))
    first_contact_channel = ContactChannel.PHONE
    school = factory.SubFactory(SchoolFactory)


class CaseNoteFactory(DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    text = "Spoke to the family."
