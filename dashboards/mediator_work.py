"""What a mediator has to do next, for their home page: sessions to arrange, sessions to record, outcomes to
record. Each row links to the form that does it on the referral's page. Only the signed-in mediator's own
referrals; one query per list (the full count rides along in a window function)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max, Min, Q, Window
from django.urls import reverse

from referrals.models import MediationSession, Referral
from referrals.selectors import referral_list_for
from sendportal.formats import short_date, short_datetime

LIMIT = 25


@dataclass(frozen=True)
class WorkRow:
    reference: str
    detail: str
    url: str
    action: str


@dataclass(frozen=True)
class WorkList:
    key: str
    heading: str
    empty: str
    rows: list[WorkRow]
    total: int


def _when(value: datetime) -> str:
    return short_datetime(value)


def _day(value: date | None) -> str:
    return short_date(value) if value else "not recorded"


def _referral_url(pk: int, anchor: str) -> str:
    return f"{reverse('referrals:detail', args=[pk])}#{anchor}"


def mediator_work(user, *, now: datetime, limit: int = LIMIT) -> list[WorkList]:
    mine = referral_list_for(user).filter(mediator__user=user).select_related(None)
    to_arrange = list(
        mine.filter(status=Referral.Status.ASSIGNED)
        .annotate(total=Window(Count("pk")), last_session=Max("sessions__starts_at"))
        .select_related("case")
        .only("pk", "referred_on", "case__reference")
        .order_by("referred_on", "pk")[:limit]
    )
    to_record = list(
        MediationSession.objects.filter(
            referral__in=mine.values("pk"), status=MediationSession.SessionStatus.PLANNED, starts_at__lt=now
        )
        .annotate(total=Window(Count("pk")))
        .select_related("referral__case")
        .only("pk", "starts_at", "referral_id", "referral__case__reference")
        .order_by("starts_at", "pk")[:limit]
    )
    to_conclude = list(
        mine.filter(status=Referral.Status.HELD)
        .annotate(
            total=Window(Count("pk")),
            held_on=Min("sessions__starts_on", filter=Q(sessions__status=MediationSession.SessionStatus.HELD)),
        )
        .select_related("case")
        .only("pk", "case__reference")
        .order_by("held_on", "pk")[:limit]
    )
    return [
        WorkList(
            key="arrange",
            heading="Sessions to arrange",
            empty="No referral is waiting for a session to be arranged.",
            rows=[
                WorkRow(
                    reference=r.case.reference,
                    detail=f"Referred {_day(r.referred_on)}"
                    + (f"; last session {_when(r.last_session)} did not go ahead" if r.last_session else ""),
                    url=_referral_url(r.pk, "schedule-heading"),
                    action="Arrange a session",
                )
                for r in to_arrange
            ],
            total=to_arrange[0].total if to_arrange else 0,
        ),
        WorkList(
            key="record",
            heading="Sessions to record",
            empty="No past session is waiting to be recorded.",
            rows=[
                WorkRow(
                    reference=s.referral.case.reference,
                    detail=f"Session on {_when(s.starts_at)}",
                    url=_referral_url(s.referral_id, f"session-{s.pk}"),
                    action="Record what happened",
                )
                for s in to_record
            ],
            total=to_record[0].total if to_record else 0,
        ),
        WorkList(
            key="conclude",
            heading="Outcomes to record",
            empty="No mediation is waiting for its outcome.",
            rows=[
                WorkRow(
                    reference=r.case.reference,
                    detail=f"Session held {_day(r.held_on)}",
                    url=_referral_url(r.pk, "conclude-heading"),
                    action="Record the outcome",
                )
                for r in to_conclude
            ],
            total=to_conclude[0].total if to_conclude else 0,
        ),
    ]
