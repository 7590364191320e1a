"""A small authority and the steps of the mediation pathway, for the pathway's service tests: two providers
sharing the contract 60/40, three mediators (one an LA employee), a section F case with health issues, and
helpers that take a referral to a mediator assigned or a session held."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from cases.models import Decision, Route, Status
from cases.tests.factories import CaseFactory, HealthBodyFactory
from conftest import make_user
from referrals import services
from referrals.models import MediationProvider, Mediator

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def providers(db):
    north = MediationProvider.objects.create(
        name="Northway Mediation", contract_share=Decimal("60"), share_changed_on=date(2026, 1, 1)
    )
    south = MediationProvider.objects.create(
        name="Bridgewell Resolution", contract_share=Decimal("40"), share_changed_on=date(2026, 1, 1), offers_drs=True
    )
    return north, south


@pytest.fixture
def mediators(providers, django_user_model):
    north, _ = providers
    jane = Mediator.objects.create(
        user=make_user(django_user_model, "jane_smith", "Mediator", first_name="Jane", last_name="Smith"),
        provider=north,
        specialisms=["health"],
        max_active_cases=5,
    )
    tom = Mediator.objects.create(
        user=make_user(django_user_model, "tom_brown", "Mediator", first_name="Tom", last_name="Brown"),
        provider=north,
        max_active_cases=5,
    )
    insider = Mediator.objects.create(
        user=make_user(django_user_model, "ian_insider", "Mediator", first_name="Ian", last_name="Insider"),
        provider=north,
        employed_by_la=True,
    )
    return jane, tom, insider


@pytest.fixture
def case(officer):
    return CaseFactory(
        decision=Decision.CONTENT_F,
        sections_disputed=["F"],
        decision_sent_on=date(2026, 3, 27),
        first_contact_on=date(2026, 4, 1),
        officer=officer,
        health_involved=True,
        icb=HealthBodyFactory(name="NHS West Yorkshire Integrated Care Board"),
        route=Route.MEDIATION,
        status=Status.TRIAGED,
    )


def refer(case, officer, provider, **kw):
    data = dict(
        family_told_la_on=date(2026, 4, 14), provider_told_la_on=date(2026, 4, 16), referred_on=date(2026, 4, 14)
    )
    data.update(kw)
    return services.referral_create(case=case, actor=officer, provider=provider, **data)


def to_assigned(case, officer, providers, mediator):
    referral = refer(case, officer, providers[0])
    services.referral_respond(referral=referral, actor=officer, accepted=True, responded_on=date(2026, 4, 15))
    return services.referral_assign_mediator(referral=referral, actor=officer, mediator=mediator)


def to_held(case, officer, providers, mediator):
    referral = to_assigned(case, officer, providers, mediator)
    session = services.session_schedule(
        referral=referral,
        actor=mediator.user,
        starts_at=datetime(2026, 5, 6, 10, 0, tzinfo=LONDON),
        mode="online",
        venue="Video call",
        notice_sent_on=date(2026, 4, 27),
    )
    services.session_record(
        session=session,
        actor=mediator.user,
        status="held",
        attendance={"party_attended": True, "child_views_obtained": True},
    )
    referral.refresh_from_db()
    return referral


def opened_value(client, url: str) -> str:
    """The signed record a correction page carries (the facts as they were when it was opened)."""
    import re

    page = client.get(url).content.decode()
    return re.search(r'name="opened" value="([^"]*)"', page).group(1)
