"""Hand-built data for dashboard tests: rows written directly, with exactly the fields a figure depends on, so
each test's expected answer can be worked out by hand."""

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Deadline
from cases.tests.factories import CaseFactory
from referrals.models import MediationProvider, MediationSession, Mediator, Referral, TribunalAppeal


def recorder():
    user, _ = get_user_model().objects.get_or_create(username="builder", defaults={"first_name": "Bea"})
    return user


def at(day: date, hour: int = 10) -> datetime:
    """An aware instant on `day` at `hour` London time."""
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def provider(name="Kent Mediation"):
    return MediationProvider.objects.create(name=name)


def mediator(user, prov, *, max_active_cases=8, active=True):
    return Mediator.objects.create(user=user, provider=prov, max_active_cases=max_active_cases, active=active)


def case(**kw):
    return CaseFactory(**kw)


def referral(
    case_obj=None,
    prov=None,
    *,
    referred_on=date(2026, 1, 5),
    family_told_la_on=None,
    provider_told_la_on=None,
    status=Referral.Status.REFERRED,
    **kw,
):
    case_obj = case_obj or case()
    prov = prov or MediationProvider.objects.first() or provider()
    return Referral.objects.create(
        case=case_obj,
        provider=prov,
        referred_on=referred_on,
        family_told_la_on=family_told_la_on or referred_on,
        provider_told_la_on=provider_told_la_on,
        status=status,
        created_by=recorder(),
        **kw,
    )


def session(ref, day: date, *, status=MediationSession.SessionStatus.HELD, hour=10, **kw):
    return MediationSession.objects.create(
        referral=ref,
        starts_at=at(day, hour),
        mode=MediationSession.Mode.ONLINE,
        notice_sent_on=kw.pop("notice_sent_on", day),
        status=status,
        recorded_by=recorder(),
        **kw,
    )


def deadline(case_obj, clock, due_on, state=Deadline.State.OPEN, met_on=None, key=None, **kw):
    return Deadline.objects.create(
        case=case_obj,
        key=key or f"{clock}:{Deadline.objects.count() + 1}",
        clock=clock,
        title=kw.pop("title", clock),
        due_on=due_on,
        state=state,
        met_on=met_on,
        **kw,
    )


def appeal(case_obj, registered_on, *, outcome="", outcome_on=None):
    return TribunalAppeal.objects.create(
        case=case_obj,
        registered_on=registered_on,
        la_told_on=registered_on,
        outcome=outcome,
        outcome_on=outcome_on,
        created_by=recorder(),
    )
