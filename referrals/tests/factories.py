"""Factories for the mediation pathway. They build rows directly (no services, no clocks): tests that are about
clocks or transitions drive the services or the pages instead. Dates are explicit and sit in November 2026."""

from datetime import UTC, date, datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from cases import permissions as roles
from cases.tests.factories import CaseFactory
from conftest import ensure_role
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    MediationProvider,
    MediationSession,
    Mediator,
    Referral,
    TribunalAppeal,
)

RS = Referral.Status


class UserFactory(DjangoModelFactory):
    """A staff user; `role=` puts them in that role's group."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user_{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.uk")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(ensure_role(extracted))


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = MediationProvider

    name = factory.Sequence(lambda n: f"Provider {n} Mediation")
    contract_share = Decimal("50")
    offers_mediation = True
    offers_drs = True


class MediatorFactory(DjangoModelFactory):
    """An independent mediator whose user account is in the Mediator role."""

    class Meta:
        model = Mediator

    user = factory.SubFactory(UserFactory, role=roles.MEDIATOR)
    provider = factory.SubFactory(ProviderFactory)
    accreditation = "College of Mediators SEND register, 2024"


class ReferralFactory(DjangoModelFactory):
    """A referral waiting for the provider; traits move it along: accepted, assigned, scheduled (one planned
    session), held (one held session), concluded (partial agreement), declined."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    provider = factory.SubFactory(ProviderFactory)
    referred_on = date(2026, 11, 2)
    family_told_la_on = date(2026, 11, 2)
    status = RS.REFERRED
    created_by = factory.SubFactory(UserFactory)

    class Params:
        accepted = factory.Trait(status=RS.ACCEPTED, responded_on=date(2026, 11, 3))
        assigned = factory.Trait(
            accepted=True,
            status=RS.ASSIGNED,
            mediator=factory.SubFactory(MediatorFactory, provider=factory.SelfAttribute("..provider")),
        )
        scheduled = factory.Trait(
            assigned=True,
            status=RS.SCHEDULED,
            planned_session=factory.RelatedFactory(
                "referrals.tests.factories.SessionFactory", factory_related_name="referral"
            ),
        )
        held = factory.Trait(
            assigned=True,
            status=RS.HELD,
            held_session=factory.RelatedFactory(
                "referrals.tests.factories.SessionFactory", factory_related_name="referral", held=True
            ),
        )
        concluded = factory.Trait(
            held=True,
            status=RS.CONCLUDED,
            outcome=Referral.Outcome.PARTIAL,
            concluded_on=date(2026, 11, 18),
            agreement_on=date(2026, 11, 18),
        )
        declined = factory.Trait(
            status=RS.DECLINED,
            responded_on=date(2026, 11, 3),
            decline_reason=Referral.DeclineReason.NO_CAPACITY,
        )


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = MediationSession

    referral = factory.SubFactory(ReferralFactory, assigned=True)
    starts_at = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
    mode = MediationSession.Mode.IN_PERSON
    venue = "Civic Centre, Room 2"
    notice_sent_on = date(2026, 11, 9)
    status = MediationSession.SessionStatus.PLANNED
    recorded_by = factory.SubFactory(UserFactory)

    class Params:
        held = factory.Trait(status=MediationSession.SessionStatus.HELD, party_attended=True)


class AgreementActionFactory(DjangoModelFactory):
    class Meta:
        model = AgreementAction

    referral = factory.SubFactory(ReferralFactory, concluded=True)
    description = "Send the family the EP report"
    owner = AgreementAction.Owner.LA
    basis = AgreementAction.Basis.OTHER
    due_on = date(2026, 12, 2)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    referral = factory.SubFactory(ReferralFactory, concluded=True)
    case = factory.SelfAttribute("referral.case")
    number = factory.Sequence(lambda n: f"CERT-TEST-{n + 1}")
    kind = Certificate.Kind.CONCLUDED
    issued_on = date(2026, 11, 19)
    issued_by = factory.SubFactory(UserFactory)
    issuer_name = "Sam Mediator"
    issuer_role = "Mediator"
    pdf = factory.django.FileField(data=b"%PDF-1.4\n% test certificate\n%%EOF\n", filename="certificate.pdf")
    sha256 = "0" * 64


class AdviserContactFactory(DjangoModelFactory):
    class Meta:
        model = AdviserContact

    case = factory.SubFactory(CaseFactory)
    contacted_on = date(2026, 4, 10)
    choice = AdviserContact.Choice.MEDIATION
    recorded_by = factory.SubFactory(UserFactory)


class TribunalAppealFactory(DjangoModelFactory):
    class Meta:
        model = TribunalAppeal

    case = factory.SubFactory(CaseFactory)
    registered_on = date(2026, 11, 10)
    la_told_on = date(2026, 11, 12)
    created_by = factory.SubFactory(UserFactory)


class DrsFactory(DjangoModelFactory):
    class Meta:
        model = DisagreementResolution

    case = factory.SubFactory(CaseFactory)
    kind = DisagreementResolution.Kind.SCHOOL_PROVISION
    provider = factory.SubFactory(ProviderFactory)
    referred_on = date(2026, 11, 5)
    created_by = factory.SubFactory(UserFactory)
