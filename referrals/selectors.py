"""Reads scoped to the user. A mediator sees only the referrals assigned to them; anything else is a 404."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import (
    AgreementAction,
    Certificate,
    MediationProvider,
    MediationSession,
    Mediator,
    Referral,
)

ACTIVE_REFERRAL_STATUSES = [
    Referral.Status.REFERRED, Referral.Status.ACCEPTED, Referral.Status.ASSIGNED, Referral.Status.SCHEDULED,
    Referral.Status.HELD, Referral.Status.NOT_HELD,
]
MEDIATOR_CASELOAD_STATUSES = [
    Referral.Status.ASSIGNED, Referral.Status.SCHEDULED, Referral.Status.HELD, Referral.Status.NOT_HELD,
]


def referral_list_for(user) -> QuerySet[Referral]:
    qs = Referral.objects.select_related("case", "provider", "mediator__user")
    if not user.is_authenticated:
        return qs.none()
    if user.has_perm("referrals.view_all_referrals"):
        return qs
    if user.has_perm("referrals.act_as_mediator"):
        return qs.filter(mediator__user=user)
    return qs.none()


def referral_get_for(user, pk) -> Referral:
    return get_object_or_404(referral_list_for(user).select_related("case__school", "case__icb"), pk=pk)


def referrals_for_case(case) -> QuerySet[Referral]:
    return case.referrals.select_related("provider", "mediator__user", "suggested_provider").order_by("-id")


def sessions_for(referral) -> QuerySet[MediationSession]:
    return referral.sessions.select_related("recorded_by").order_by("starts_at", "id")


def actions_for(referral) -> QuerySet[AgreementAction]:
    return referral.actions.order_by("due_on", "id")


def certificates_for_case(case) -> QuerySet[Certificate]:
    return case.certificates.select_related("provider", "referral").order_by("-version")


def certificate_get_for(user, pk) -> Certificate:
    """A certificate is visible to whoever can see its case (officers) or its referral (the mediator)."""
    cert = get_object_or_404(Certificate.objects.select_related("case", "referral__mediator"), pk=pk)
    if user.has_perm("referrals.view_all_referrals"):
        return cert
    if cert.referral_id and referral_list_for(user).filter(pk=cert.referral_id).exists():
        return cert
    raise Http404


def providers_with_counts() -> list[MediationProvider]:
    """Providers with their referral counts since their contract shares last changed, and free places
    (the active, independent mediators' capacity left). Three queries whatever the data size."""
    since_change = Q(referrals__referred_on__gte=F("share_changed_on")) | Q(share_changed_on__isnull=True)
    providers = list(
        MediationProvider.objects.annotate(referrals_since_change=Count("referrals", filter=since_change)).order_by(
            "name"
        )
    )
    loads = mediator_loads()
    free_by_provider: dict[int, int] = {}
    for m in Mediator.objects.filter(active=True, employed_by_la=False).only("pk", "provider_id", "max_active_cases"):
        free = max(m.max_active_cases - loads.get(m.pk, 0), 0)
        free_by_provider[m.provider_id] = free_by_provider.get(m.provider_id, 0) + free
    for provider in providers:
        provider.free_places = free_by_provider.get(provider.pk, 0)
        provider.has_capacity = provider.free_places > 0
    return providers


def mediator_loads() -> dict[int, int]:
    """Active referrals per mediator."""
    return dict(
        Referral.objects.filter(status__in=MEDIATOR_CASELOAD_STATUSES, mediator__isnull=False)
        .values("mediator")
        .annotate(n=Count("pk"))
        .values_list("mediator", "n")
    )


def mediators_of(provider) -> QuerySet[Mediator]:
    return (
        Mediator.objects.filter(provider=provider)
        .select_related("user")
        .prefetch_related("conflict_schools")
        .annotate(active_cases=Count("referrals", filter=Q(referrals__status__in=MEDIATOR_CASELOAD_STATUSES)))
    )
