"""The SEN2 mediation measures for a calendar and an academic year (management dashboard, SEN2 page)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, DateField, F, Max, Min, OuterRef, Q, Subquery

from cases.models import Decision
from referrals.models import MediationSession, TribunalAppeal

from .common import HELD, NO_DECISION, london_midnight, percent, percent_text
from .outcomes import appeal_counts


def calendar_window(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def academic_window(year: int) -> tuple[date, date]:
    """The academic year ending in `year`: 1 September of the year before to 31 August."""
    return date(year - 1, 9, 1), date(year, 8, 31)


def academic_year_label(year: int) -> str:
    return f"{year - 1}/{str(year)[-2:]}"


def sen2_figures(*, year: int, appeals: list[dict] | None = None) -> dict:
    """SEN2 mediation measures (DfE SEN2; LG Inform metrics 4862, 4863, 4864) for calendar year `year`, and the
    same measures for the academic year ending in August of `year` (docs/rules.md §7, §8 D10).

    Mediations held (4862): referrals with at least one held MediationSession whose start (London time) falls
    in the window; a referral counts once however many sessions it had. Followed by an appeal (4863): of those,
    referrals whose case has a TribunalAppeal registered after the date of the referral's first held session in
    the window. Percentage (4864): appeals / held * 100 to one decimal place, "9 of 60: 15.0%".
    The academic-year view adds the tribunal appeals registered in that academic year by the case's decision
    type and by outcome. One query for both windows (plus appeal_counts() unless given).
    """
    windows = {"calendar": calendar_window(year), "academic": academic_window(year)}

    def within(start: date, end: date) -> Q:
        return Q(starts_at__gte=london_midnight(start), starts_at__lt=london_midnight(end + timedelta(days=1)))

    def on_dates(start: date, end: date) -> Q:  # the same sessions, by their date in England
        return Q(starts_on__gte=start, starts_on__lte=end)

    # Driven from the held sessions in either window (the (status, starts_at) index, which holds each session's
    # referral, date and copy of the case), one row per referral: the date of its first held session in each
    # window and the latest appeal on its case (the first entry for the case in the (case, registered_on) index of
    # appeals). "Followed by an appeal" is then: latest appeal registered after that date.
    first_start = min(w[0] for w in windows.values())
    last_end = max(w[1] for w in windows.values())
    latest_appeal = (
        TribunalAppeal.objects.filter(case=OuterRef("case_id")).order_by("-registered_on").values("registered_on")[:1]
    )
    per_referral = (
        MediationSession.objects.filter(within(first_start, last_end), status=HELD)
        .values("referral_id")
        .annotate(
            **{f"{name}_first": Min("starts_on", filter=on_dates(*window)) for name, window in windows.items()},
            # An aggregate over the sessions (all of a referral's are on one case), so the lookup is not grouped on.
            last_appeal=Max(Subquery(latest_appeal, output_field=DateField())),
        )
        .order_by()
    )
    aggregates = {}
    for name in windows:
        aggregates[f"{name}_held_count"] = Count(f"{name}_first")
        aggregates[f"{name}_appealed_count"] = Count(f"{name}_first", filter=Q(last_appeal__gt=F(f"{name}_first")))
    counts = per_referral.aggregate(**aggregates)

    result = {"year": year}
    for name, (start, end) in windows.items():
        held, appealed = counts[f"{name}_held_count"], counts[f"{name}_appealed_count"]
        result[name] = {
            "start": start,
            "end": end,
            "held": held,
            "appealed": appealed,
            "percent": percent(appealed, held),
            "text": percent_text(appealed, held),
        }
    result["calendar"]["label"] = str(year)
    result["academic"]["label"] = academic_year_label(year)

    if appeals is None:
        appeals = appeal_counts(academic=windows["academic"])
    by_decision: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    for row in appeals:
        if row.get("registered"):
            by_decision[row["case_decision"]] = by_decision.get(row["case_decision"], 0) + row["registered"]
            by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["registered"]
    result["academic"]["appeals_total"] = sum(by_decision.values())
    result["academic"]["appeals_by_decision"] = [
        {"code": value, "label": label, "count": by_decision[value]}
        for value, label in [*Decision.choices, NO_DECISION]
        if by_decision.get(value)
    ]
    result["academic"]["appeals_by_outcome"] = [
        {"code": value, "label": label, "count": by_outcome[value]}
        for value, label in [*TribunalAppeal.Outcome.choices, ("", "No outcome yet")]
        if by_outcome.get(value)
    ]
    return result
