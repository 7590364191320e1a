"""Reads scoped to the user. A mediator sees only the referrals assigned to them; anything else is a 404."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases import deadlines
from cases import rules as case_rules
from cases.models import Case

from . import rules
from .models import (
    AgreementAction,
    Certificate,
    MediationProvider,
    MediationSession,
    Mediator,
    Referral,
)

RS = Referral.Status
ACTIVE_REFERRAL_STATUSES = [
    Referral.Status.REFERRED,
    Referral.Status.ACCEPTED,
    Referral.Status.ASSIGNED,
    Referral.Status.SCHEDULED,
    Referral.Status.HELD,
    Referral.Status.NOT_HELD,
]
MEDIATOR_CASELOAD_STATUSES = [
    Referral.Status.ASSIGNED,
    Referral.Status.SCHEDULED,
    Referral.Status.HELD,
    Referral.Status.NOT_HELD,
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
    (the active, independent mediators' capacity left). Two queries whatever the data size: each mediator's
    caseload is counted beside it from the referrals' (mediator, status) index."""
    since_change = Q(referrals__referred_on__gte=F("share_changed_on")) | Q(share_changed_on__isnull=True)
    providers = list(
        MediationProvider.objects.annotate(referrals_since_change=Count("referrals", filter=since_change)).order_by(
            "name"
        )
    )
    caseload = (
        Referral.objects.filter(mediator=OuterRef("pk"), status__in=MEDIATOR_CASELOAD_STATUSES)
        .order_by()
        .values("mediator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mediators = (
        Mediator.objects.filter(active=True, employed_by_la=False)
        .annotate(load=Coalesce(Subquery(caseload), 0))
        .order_by()
        .values_list("provider_id", "max_active_cases", "load")
    )
    free_by_provider: dict[int, int] = {}
    for provider_id, capacity, load in mediators:
        free_by_provider[provider_id] = free_by_provider.get(provider_id, 0) + max(capacity - load, 0)
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


# --- Reads the pathway pages and services share ------------------------------------------------------------


def provider_suggestion(providers: list[MediationProvider] | None = None) -> rules.ProviderSuggestion | None:
    """The provider furthest below its contracted share since shares last changed (with the reasoning).
    `providers` is a list already read through providers_with_counts(), to avoid reading it twice."""
    providers = providers_with_counts() if providers is None else providers
    facts = [
        rules.ProviderFacts(
            id=p.pk,
            name=p.name,
            active=p.active,
            contract_share=p.contract_share,
            referrals_since_change=p.referrals_since_change,
            has_capacity=p.has_capacity,
            offers_mediation=p.offers_mediation,
        )
        for p in providers
    ]
    return rules.suggest_provider(facts)


def referral_needs(referral: Referral) -> rules.ReferralNeeds:
    case = referral.case
    needs = set()
    if referral.health_issues or case.health_involved:
        needs.add("health")
    if case.social_care_involved:
        needs.add("social_care")
    if case_rules.age_on(case.child_date_of_birth, referral.referred_on) >= 16 or (
        case.school and case.school.phase == "post_16"
    ):
        needs.add("post_16")
    start = referral.clock_start
    return rules.ReferralNeeds(
        provider_id=referral.provider_id,
        school_id=case.school_id,
        family_names=tuple(n for n in (case.child_last_name, case.party_name.split(" ")[-1], case.party_name) if n),
        needs=frozenset(needs),
        language=case.preferred_language or "English",
        interpreter_needed=case.interpreter_needed,
        window_start=max(start, timezone.localdate()) if start else timezone.localdate(),
        window_end=deadlines.mediation_deadline(start) if start else timezone.localdate(),
    )


def mediator_ranking(referral: Referral) -> list[rules.RankedMediator]:
    mediators = mediators_of(referral.provider)
    facts = [
        rules.MediatorFacts(
            id=m.pk,
            name=str(m),
            provider_id=m.provider_id,
            active=m.active,
            employed_by_la=m.employed_by_la,
            max_active_cases=m.max_active_cases,
            active_cases=m.active_cases - (1 if referral.mediator_id == m.pk else 0),
            specialisms=frozenset(m.specialisms or []),
            languages=tuple(m.language_list),
            conflict_school_ids=frozenset(s.pk for s in m.conflict_schools.all()),
            conflict_notes=m.conflict_notes,
            available_from=m.available_from,
        )
        for m in mediators
    ]
    return rules.rank_mediators(facts, referral_needs(referral))


def certificate_kinds_possible(case: Case, referral: Referral | None) -> list[str]:
    """The kinds of certificate that can be issued now (for the issue form)."""
    return [kind for kind in Certificate.Kind.values if not certificate_kind_problem(case, referral, kind)]


def certificate_kind_problem(case: Case, referral: Referral | None, kind: str) -> str:
    if kind == Certificate.Kind.DECLINED:
        declined = hasattr(case, "adviser_contact") and case.adviser_contact.choice == "no_mediation"
        withdrew = referral is not None and referral.status == RS.WITHDRAWN
        if not (declined or withdrew):
            return "A 'mediation declined' certificate needs the family to have declined mediation or withdrawn."
    elif kind == Certificate.Kind.CONCLUDED:
        if referral is None or referral.status != RS.CONCLUDED:
            return "A 'mediation concluded' certificate needs the mediation to be recorded as concluded."
    elif kind == Certificate.Kind.NOT_HELD:
        if referral is None or not referral.not_held_notified_on:
            return "A 'not held within 30 days' certificate needs the referral to be recorded as not held in time."
    else:
        return "Choose the kind of certificate."
    return ""
