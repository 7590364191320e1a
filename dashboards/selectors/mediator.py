"""The mediator dashboard: the signed-in mediator's own referrals, sessions and certificate clocks."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Subquery, Window
from django.urls import reverse

from cases.clock_display import CLOCK_ROW_FIELDS, clock_rows
from cases.models import Deadline
from referrals.models import MediationSession, Referral
from referrals.selectors import referral_list_for

from .common import CERTIFICATE_CLOCKS, LIST_LIMIT, clock_dict, referral_url


def mediator_dashboard(user, *, now: datetime, today: date, calendar, limit: int = LIST_LIMIT) -> dict:
    """The signed-in mediator's own referrals only (assigned to them): counts by stage and by outcome, planned
    sessions from now on, and open certificate clocks (C2, C6, C8) on their referrals' cases. Three queries
    (plus the working-day calendar): lists carry their full count in a window function."""
    mine = referral_list_for(user).filter(mediator__user=user)
    stage_counts: dict[str, int] = {}
    outcome_counts: dict[str, int] = {}
    for row in mine.values("status", "outcome").annotate(n=Count("pk")).order_by():
        stage_counts[row["status"]] = stage_counts.get(row["status"], 0) + row["n"]
        if row["outcome"]:
            outcome_counts[row["outcome"]] = outcome_counts.get(row["outcome"], 0) + row["n"]
    stages = [
        {"status": value, "label": label, "count": stage_counts[value]}
        for value, label in Referral.Status.choices
        if stage_counts.get(value)
    ]
    outcomes = [
        {"outcome": value, "label": label, "count": outcome_counts[value]}
        for value, label in Referral.Outcome.choices
        if outcome_counts.get(value)
    ]
    sessions = list(
        MediationSession.objects.filter(
            referral__in=mine.values("pk"), status=MediationSession.SessionStatus.PLANNED, starts_at__gte=now
        )
        .annotate(total=Window(Count("pk")))
        .select_related("referral__case")
        .order_by("starts_at", "pk")[:limit]
    )
    upcoming = [
        {
            "starts_at": s.starts_at,
            "mode": s.get_mode_display(),
            "venue": s.venue,
            "reference": s.referral.case.reference,
            "referral_url": referral_url(s.referral_id),
        }
        for s in sessions
    ]
    # The open certificate clocks are few (a few hundred across the authority): go through them and keep those
    # on a case one of the mediator's referrals is about (EXISTS), rather than through the clocks of every case
    # the mediator ever had a referral on.
    certs = list(
        Deadline.objects.filter(state=Deadline.State.OPEN, clock__in=CERTIFICATE_CLOCKS)
        .filter(Exists(mine.filter(case_id=OuterRef("case_id"))))
        .annotate(
            total=Window(Count("pk")),
            referral_pk=Subquery(mine.filter(case_id=OuterRef("case_id")).order_by("-pk").values("pk")[:1]),
        )
        .select_related("case")
        .only(*CLOCK_ROW_FIELDS)
        .order_by("due_on", "pk")[:limit]
    )
    # The link is to the certificate form of the mediator's referral on the case (a mediator cannot open the LA's
    # case page).
    cert_rows = [
        {**clock_dict(row), "url": reverse("referrals:certificate", args=[cert.referral_pk])}
        for cert, row in zip(certs, clock_rows(certs, today=today, calendar=calendar), strict=True)
    ]
    return {
        "stages": stages,
        "referral_total": sum(stage_counts.values()),
        "upcoming": upcoming,
        "upcoming_total": sessions[0].total if sessions else 0,
        "outcomes": outcomes,
        "outcome_total": sum(outcome_counts.values()),
        "certificates": cert_rows,
        "certificates_total": certs[0].total if certs else 0,
        "limit": limit,
    }
