"""Referral outcomes and decisions changed at mediation or at the Tribunal (management dashboard)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from referrals.models import Referral, TribunalAppeal

from .common import CHANGED_AT_MEDIATION, CHANGED_AT_TRIBUNAL, Period, decision_rows, percent


def concluded_referral_counts(*, period: Period, officer=None) -> dict[tuple[str, str], int]:
    """Referrals concluded in the period (concluded_on in it) with an outcome, counted by (the case's decision
    type, outcome). One grouped query behind both the outcome mix and the decisions changed at mediation."""
    qs = Referral.objects.filter(concluded_on__gte=period.start, concluded_on__lte=period.end).exclude(outcome="")
    if officer is not None:
        qs = qs.filter(case__officer=officer)
    # By the referral's copy of its case's decision (Referral.case_decision), counted from the index alone
    # (COUNT(outcome) counts rows: outcome is never NULL, and unlike the id it is in the index).
    return {
        (row["case_decision"], row["outcome"]): row["n"]
        for row in qs.values("case_decision", "outcome").annotate(n=Count("outcome")).order_by()
    }


def outcome_mix(*, period: Period, officer=None, counts: dict | None = None) -> dict:
    """Referrals concluded in the period (concluded_on), counted by Referral.outcome."""
    counts = counts if counts is not None else concluded_referral_counts(period=period, officer=officer)
    by_outcome: dict[str, int] = {}
    for (_decision, outcome), n in counts.items():
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    total = sum(by_outcome.values())
    rows = [
        {
            "outcome": value,
            "label": label,
            "count": by_outcome.get(value, 0),
            "percent": percent(by_outcome.get(value, 0), total),
        }
        for value, label in Referral.Outcome.choices
    ]
    return {"rows": rows, "total": total}


def appeal_counts(
    *, academic: tuple[date, date] | None = None, period: Period | None = None, officer=None
) -> list[dict]:
    """Tribunal appeals counted by (the case's decision type, outcome) in one grouped query, for the academic
    window, the period, or both:

    - `registered`: registered in the academic window (for the academic-year view; the whole authority);
    - `changed`: outcome upheld, partly upheld or conceded, dated (outcome_on) in the period, on the officer's
      cases when one is given (for decisions changed at tribunal);
    - `changed_also_at_mediation`: of those, appeals whose case also had a decision changed at mediation in the
      period, so a case changed at both is counted once in the total.
    """
    wanted = Q(pk__in=[])
    counts = {}
    qs = TribunalAppeal.objects.all()
    if academic is not None:
        registered = Q(registered_on__gte=academic[0], registered_on__lte=academic[1])
        wanted |= registered
        counts["registered"] = Count("registered_on", filter=registered)
    if period is not None:
        changed = Q(outcome__in=CHANGED_AT_TRIBUNAL, outcome_on__gte=period.start, outcome_on__lte=period.end)
        if officer is not None:
            changed &= Q(case__officer=officer)
        wanted |= changed
        qs = qs.alias(
            also_mediation=Exists(
                Referral.objects.filter(
                    case=OuterRef("case_id"),
                    outcome__in=CHANGED_AT_MEDIATION,
                    concluded_on__gte=period.start,
                    concluded_on__lte=period.end,
                )
            )
        )
        counts["changed"] = Count("registered_on", filter=changed)
        counts["changed_also_at_mediation"] = Count("registered_on", filter=changed & Q(also_mediation=True))
    # By the appeal's copy of its case's decision (TribunalAppeal.case_decision): no case looked up per appeal.
    # (COUNT(registered_on) counts rows: it is never NULL, and unlike the id it is in both indexes.)
    return list(qs.filter(wanted).values("case_decision", "outcome").annotate(**counts).order_by())


def decisions_changed(
    *, period: Period, officer=None, referral_counts: dict | None = None, appeals: list[dict] | None = None
) -> dict:
    """Cases whose decision was changed, by the decision under dispute (Case.decision).

    Changed at mediation: a referral concluded in the period (concluded_on) with full or partial agreement, or
    where the LA conceded. Changed at tribunal: a TribunalAppeal with an outcome dated in the period
    (outcome_on) of upheld, partly upheld or conceded. A case changed at both counts once in the total.
    """
    if referral_counts is None:
        referral_counts = concluded_referral_counts(period=period, officer=officer)
    if appeals is None:
        appeals = appeal_counts(period=period, officer=officer)
    values: dict[str, dict] = {}

    def row_for(decision):
        return values.setdefault(decision, {"at_mediation": 0, "at_tribunal": 0, "both": 0})

    for (decision, outcome), n in referral_counts.items():
        if outcome in CHANGED_AT_MEDIATION:
            row_for(decision)["at_mediation"] += n
    for row in appeals:
        if row.get("changed"):
            entry = row_for(row["case_decision"])
            entry["at_tribunal"] += row["changed"]
            entry["both"] += row["changed_also_at_mediation"]
    for entry in values.values():
        entry["total"] = entry["at_mediation"] + entry["at_tribunal"] - entry["both"]
    rows = decision_rows(values)
    return {
        "rows": rows,
        "total": sum(r["total"] for r in rows),
        "at_mediation": sum(r["at_mediation"] for r in rows),
        "at_tribunal": sum(r["at_tribunal"] for r in rows),
    }
