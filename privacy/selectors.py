"""Reads for the data protection pages and the retention schedule.

Who may look: the privacy permissions (privacy/permissions.py). The data protection role and managers reach every
case through these selectors, by its id or its reference; anyone else gets a 404 (the views check the permission
first, so in practice a 403)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.models import Case, Status

from . import permissions
from .models import CaseRetention, RetentionAction
from .rules import RetentionPolicy, latest_start_on


def retention_policy() -> RetentionPolicy:
    """The retention periods from settings (RETENTION_*)."""
    return RetentionPolicy(
        anonymise_after_years=settings.RETENTION_ANONYMISE_AFTER_YEARS,
        keep_until_age=settings.RETENTION_KEEP_UNTIL_AGE,
        delete_after_years=settings.RETENTION_DELETE_AFTER_YEARS,
    )


# --- Cases, for people with a privacy permission ----------------------------------------------------------


def privacy_cases_for(user) -> QuerySet[Case]:
    """Every case, for users holding a privacy permission; none for anyone else."""
    if not permissions.has_any_privacy_permission(user):
        return Case.objects.none()
    return Case.objects.all()


def privacy_case_get(user, pk) -> Case:
    return get_object_or_404(privacy_cases_for(user), pk=pk)


def case_by_reference(user, reference: str) -> Case | None:
    """The case with this reference (any letter case, spaces around ignored), or None."""
    reference = (reference or "").strip()
    if not reference:
        return None
    cases = privacy_cases_for(user)
    # References are upper case: the unique index finds them; any other spelling is looked for case-insensitively.
    return cases.filter(reference=reference.upper()).first() or cases.filter(reference__iexact=reference).first()


def retention_for(case: Case) -> CaseRetention | None:
    return CaseRetention.objects.filter(case=case).select_related("hold_by").first()


FAMILY_LIMIT = 50
"""Most cases a family search lists (a family with more than this is beyond what one export should hold)."""


@dataclass(frozen=True)
class FamilyMatch:
    case: Case
    reasons: tuple[str, ...]


def family_cases(case: Case) -> list[FamilyMatch]:
    """Other cases that may belong to the same family: the same child (both names and the date of birth), or the
    same person bringing the disagreement (full name, and the same email, phone or postcode). Anonymised cases
    match nothing (their names are gone). The officer confirms each one before it goes into an export."""
    same_child = Q(
        child_first_name__iexact=case.child_first_name,
        child_last_name__iexact=case.child_last_name,
        child_date_of_birth=case.child_date_of_birth,
    )
    contact = Q(pk__in=[])
    if case.email:
        contact |= Q(email__iexact=case.email)
    if case.phone:
        contact |= Q(phone=case.phone)
    if case.postcode:
        contact |= Q(postcode__iexact=case.postcode)
    same_party = Q(party_name__iexact=case.party_name) & contact if case.party_name else Q(pk__in=[])
    matches = []
    rows = (
        Case.objects.filter(same_child | same_party).exclude(pk=case.pk).order_by("-created_at", "-pk")[:FAMILY_LIMIT]
    )
    for other in rows:
        reasons = []
        if (
            other.child_first_name.lower() == case.child_first_name.lower()
            and other.child_last_name.lower() == case.child_last_name.lower()
            and other.child_date_of_birth == case.child_date_of_birth
        ):
            reasons.append("same child: names and date of birth")
        if case.party_name and other.party_name.lower() == case.party_name.lower():
            reasons.append("same person bringing the disagreement: name and contact details")
        matches.append(FamilyMatch(other, tuple(reasons)))
    return matches


def export_cases_get(user, pks: list[int]) -> list[Case]:
    """The cases chosen for an export, in the order given; 404 when any is missing or out of scope."""
    found = {case.pk: case for case in privacy_cases_for(user).filter(pk__in=pks).select_related("school", "icb")}
    if len(found) != len(set(pks)):
        raise Http404("No such case")
    return [found[pk] for pk in dict.fromkeys(pks)]


def staff_for_access_log(user) -> QuerySet:
    """Everyone with a sign-in (former staff included: their access stays on record), for the person picker."""
    if not user.has_perm("privacy.view_access_log"):
        return get_user_model().objects.none()
    return get_user_model().objects.order_by("last_name", "first_name", "username")


def staff_get(user, pk):
    return get_object_or_404(staff_for_access_log(user), pk=pk)


# --- The retention schedule ----------------------------------------------------------------------------------


def _held() -> Exists:
    return Exists(CaseRetention.objects.filter(case=OuterRef("pk"), legal_hold=True))


def _anonymised() -> Exists:
    return Exists(CaseRetention.objects.filter(case=OuterRef("pk"), stage=CaseRetention.Stage.ANONYMISED))


def _anonymised_delete_due(today: date) -> Exists:
    return Exists(
        CaseRetention.objects.filter(
            case=OuterRef("pk"), stage=CaseRetention.Stage.ANONYMISED, delete_due_on__lte=today
        )
    )


def closed_cases() -> QuerySet[Case]:
    return Case.objects.filter(status=Status.CLOSED)


def schedulable(today: date) -> QuerySet[Case]:
    """Closed cases with a closing date and no legal hold: the only cases the schedule ever touches."""
    return closed_cases().filter(closed_on__isnull=False).alias(held=_held()).filter(held=False)


def due_for_deletion(today: date, policy: RetentionPolicy) -> QuerySet[Case]:
    """Anonymised cases whose stored deletion date has come, and cases never anonymised whose deletion date (the
    later of closure + anonymise + delete years and the child's keep-until-age + delete years birthday) has come
    (rules.delete_due_on, as a comparison on the two dates)."""
    never_anonymised = Q(anonymised=False) & Q(
        closed_on__lte=latest_start_on(today, policy.delete_after_closure_years),
        child_date_of_birth__lte=latest_start_on(today, policy.delete_at_age),
    )
    return (
        schedulable(today)
        .alias(anonymised=_anonymised(), delete_due=_anonymised_delete_due(today))
        .filter(Q(delete_due=True) | never_anonymised)
    )


def due_for_anonymisation(today: date, policy: RetentionPolicy) -> QuerySet[Case]:
    """Cases not yet anonymised whose anonymisation date has come (rules.anonymise_due_on) but whose deletion date
    has not (those are deleted directly)."""
    return (
        schedulable(today)
        .alias(anonymised=_anonymised())
        .filter(
            anonymised=False,
            closed_on__lte=latest_start_on(today, policy.anonymise_after_years),
            child_date_of_birth__lte=latest_start_on(today, policy.keep_until_age),
        )
        .exclude(
            closed_on__lte=latest_start_on(today, policy.delete_after_closure_years),
            child_date_of_birth__lte=latest_start_on(today, policy.delete_at_age),
        )
    )


def retention_counts(today: date, policy: RetentionPolicy) -> dict[str, int]:
    """How many closed cases are at each point of the schedule today (counts only: the dry run prints them and
    the retention page shows them). One query."""
    anonymise_cut = latest_start_on(today, policy.anonymise_after_years)
    age_cut = latest_start_on(today, policy.keep_until_age)
    delete_cut = latest_start_on(today, policy.delete_after_closure_years)
    delete_age_cut = latest_start_on(today, policy.delete_at_age)
    held, anonymised = Q(_held()), Q(_anonymised())
    dated = Q(closed_on__isnull=False)
    free = dated & ~held
    delete_by_dates = Q(closed_on__lte=delete_cut, child_date_of_birth__lte=delete_age_cut)
    anonymise_by_dates = Q(closed_on__lte=anonymise_cut, child_date_of_birth__lte=age_cut)
    delete_due = Q(_anonymised_delete_due(today))
    to_delete = free & (delete_due | (~anonymised & delete_by_dates))
    to_anonymise = free & ~anonymised & anonymise_by_dates & ~delete_by_dates
    figures = closed_cases().aggregate(
        closed=Count("pk"),
        no_date=Count("pk", filter=~dated),
        held=Count("pk", filter=dated & held),
        delete=Count("pk", filter=to_delete),
        anonymise=Count("pk", filter=to_anonymise),
        anonymised_waiting=Count("pk", filter=free & anonymised & ~delete_due),
    )
    figures["kept"] = (
        figures["closed"]
        - figures["no_date"]
        - figures["held"]
        - figures["delete"]
        - figures["anonymise"]
        - figures["anonymised_waiting"]
    )
    return figures


def legal_holds() -> QuerySet[CaseRetention]:
    """Cases on legal hold, longest held first."""
    return (
        CaseRetention.objects.filter(legal_hold=True)
        .select_related("case", "hold_by")
        .only(
            "case__reference",
            "case__status",
            "case__closed_on",
            "hold_reason",
            "hold_since",
            "hold_by__username",
            "hold_by__first_name",
            "hold_by__last_name",
            "legal_hold",
        )
        .order_by("hold_since", "pk")
    )


RECENT_RUNS = 10


def recent_runs(limit: int = RECENT_RUNS) -> list[dict]:
    """The latest runs of the schedule that did something: when, how many cases anonymised and deleted."""
    step = RetentionAction.Step
    return list(
        RetentionAction.objects.values("run")
        .annotate(
            started=Min("happened_at"),
            finished=Max("happened_at"),
            anonymised=Count("pk", filter=Q(step=step.ANONYMISED)),
            deleted=Count("pk", filter=Q(step=step.DELETED)),
        )
        .order_by("-started")[:limit]
    )
