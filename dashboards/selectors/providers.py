"""Mediators' workload against their capacity, and each provider's performance (management dashboard)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Least

from cases.models import Deadline
from referrals.models import Mediator, Referral
from referrals.selectors import MEDIATOR_CASELOAD_STATUSES

from .common import (
    AGREED_OUTCOMES,
    DaysBetween,
    Period,
    certificate_clock,
    counted_clocks,
    mean_days,
    met_on_time,
    percent,
    percent_text,
)


def mediator_workload() -> list[dict]:
    """Active referrals per mediator (status in MEDIATOR_CASELOAD_STATUSES) against Mediator.max_active_cases.
    Over capacity: more active referrals than the maximum. Active mediators, and inactive ones still holding
    referrals. One query."""
    # Each mediator's active referrals counted from the (mediator, status, outcome) index, rather than joining
    # every referral any mediator ever had and grouping them.
    active = (
        Referral.objects.filter(mediator=OuterRef("pk"), status__in=MEDIATOR_CASELOAD_STATUSES)
        .values("mediator")
        .annotate(n=Count("status"))
        .values("n")
    )
    mediators = (
        Mediator.objects.select_related("user", "provider")
        .annotate(active_cases=Coalesce(Subquery(active, output_field=IntegerField()), 0))
        .filter(Q(active=True) | Q(active_cases__gt=0))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [
        {
            "name": str(m),
            "provider": m.provider.name,
            "active_cases": m.active_cases,
            "capacity": m.max_active_cases,
            "free": max(m.max_active_cases - m.active_cases, 0),
            "over_by": max(m.active_cases - m.max_active_cases, 0),
            "over_capacity": m.active_cases > m.max_active_cases,
            "active": m.active,
        }
        for m in mediators
    ]


def provider_certificate_counts(*, period: Period, today: date) -> dict[int, dict[str, int]]:
    """Per provider: the certificate clocks (C2, C6, C8) that count towards compliance on the cases of the
    referrals referred to it in the period (declined referrals left out), and how many were met on time. A clock
    counts once for each such referral on its case. One grouped query, driven from the certificate clocks."""
    rows = (
        Deadline.objects.filter(certificate_clock())
        .filter(counted_clocks(today))
        .filter(  # one filter() call: the same referral meets all three conditions
            case__referrals__referred_on__gte=period.start,
            case__referrals__referred_on__lte=period.end,
            case__referrals__status__in=[v for v in Referral.Status.values if v != Referral.Status.DECLINED],
        )
        .values(provider=F("case__referrals__provider"))
        # COUNT(due_on) counts rows (due_on is never empty) from the certificate clocks' own index, which holds
        # the due date but not the id.
        .annotate(total=Count("due_on"), on_time=Count("due_on", filter=met_on_time()))
        .order_by()
    )
    return {row["provider"]: {"total": row["total"], "on_time": row["on_time"]} for row in rows}


def provider_performance(*, period: Period, today: date) -> list[dict]:
    """For each provider, the referrals referred to it in the period (referred_on in it):

    - days to first contact: mean days from referred_on to responded_on (referrals with a response);
    - days to mediation: mean days from the C4 start (the earlier of the dates the family and the provider told
      the LA) to the first held session (London date), for referrals with a held session;
    - agreement rate: full or partial agreement / concluded referrals;
    - certificates on time: certificate clocks (C2, C6, C8) on the cases of those referrals (declined referrals
      left out), by the clock compliance rule.
    Means, not medians: a median needs database-specific functions (PostgreSQL percentile_cont) and SQLite has
    none. Two grouped queries: the referrals, and the certificate clocks (provider_certificate_counts).
    """
    # Each referral's first held session is on its own row (Referral.first_held_on, kept by MediationSession.save()).
    clock_start = Least("family_told_la_on", Coalesce("provider_told_la_on", "family_told_la_on"))
    rows = (
        Referral.objects.filter(referred_on__gte=period.start, referred_on__lte=period.end)
        .values("provider", "provider__name")
        .annotate(
            # COUNT(referred_on) counts rows (it is never empty) from the provider index, which holds every
            # column read here but not the id.
            referrals=Count("referred_on"),
            # COUNT and SUM skip NULLs: referrals with no response, or no held session, drop out by themselves.
            # Means are the whole-day sums divided here, exactly.
            responded=Count("responded_on"),
            contact_days=Sum(DaysBetween("responded_on", "referred_on")),
            mediated=Count("first_held_on"),
            mediation_days=Sum(DaysBetween("first_held_on", clock_start)),
            concluded=Count("referred_on", filter=Q(status=Referral.Status.CONCLUDED)),
            agreed=Count("referred_on", filter=Q(status=Referral.Status.CONCLUDED, outcome__in=AGREED_OUTCOMES)),
        )
        .order_by("provider__name")
    )
    certificates = provider_certificate_counts(period=period, today=today)
    none = {"total": 0, "on_time": 0}
    return [
        {
            "provider": row["provider__name"],
            "referrals": row["referrals"],
            "responded": row["responded"],
            "days_to_contact": mean_days(row["contact_days"], row["responded"]),
            "mediated": row["mediated"],
            "days_to_mediation": mean_days(row["mediation_days"], row["mediated"]),
            "concluded": row["concluded"],
            "agreed": row["agreed"],
            "agreement_rate": percent(row["agreed"], row["concluded"]),
            "agreement_text": percent_text(row["agreed"], row["concluded"]),
            "certificates_on_time": (c := certificates.get(row["provider"], none))["on_time"],
            "certificates_total": c["total"],
            "certificates_percent": percent(c["on_time"], c["total"]),
            "certificates_text": percent_text(c["on_time"], c["total"]),
        }
        for row in rows
    ]
