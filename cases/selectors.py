"""Reads that depend on who is asking. The one way to fetch cases for a user: anything outside their scope
is a 404, so its existence is not leaked."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Case as Case_
from django.db.models import Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from .models import Case, CaseEvent, CaseNote, Deadline


def sees_all_cases(user) -> bool:
    """Case visibility: SEN officers and managers see every case of the LA; nobody else sees any."""
    return user.is_authenticated and user.has_perm("cases.view_all_cases")


def case_list_for(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("school", "officer")
    return qs if sees_all_cases(user) else qs.none()


def case_get_for(user, pk) -> Case:
    return get_object_or_404(case_list_for(user).select_related("icb", "created_by"), pk=pk)


def case_events_for(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("-created_at", "-id")


def case_notes_for(user, case: Case) -> QuerySet[CaseNote]:
    return case.notes.select_related("author").order_by("-created_at", "-id")


def case_possible_duplicates(
    *, first_name: str, last_name: str, date_of_birth, decision_sent_on, exclude_pk=None
) -> QuerySet[Case]:
    """Cases for the same child (names and date of birth) about a decision sent on the same day."""
    if not (first_name and last_name and date_of_birth and decision_sent_on):
        return Case.objects.none()
    qs = Case.objects.filter(
        child_first_name__iexact=first_name.strip(),
        child_last_name__iexact=last_name.strip(),
        child_date_of_birth=date_of_birth,
        decision_sent_on=decision_sent_on,
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-created_at")


def officers_qs():
    """Active users who can hold cases: those allowed to move a case through its lifecycle."""
    perm = Q(content_type__app_label="cases", codename="change_case_status")
    holders = Permission.objects.filter(perm)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=holders) | Q(user_permissions__in=holders) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def case_deadlines_for(case: Case) -> QuerySet[Deadline]:
    """Every clock on a case: open ones first, then by due date."""
    return case.deadlines.annotate(
        closed=Case_(When(state=Deadline.State.OPEN, then=Value(0)), default=Value(1))
    ).order_by("closed", "due_on", "id")


def deadline_get_for(user, case_pk, deadline_pk) -> Deadline:
    case = case_get_for(user, case_pk)
    return get_object_or_404(Deadline.objects.select_related("case"), pk=deadline_pk, case=case)


def open_deadlines_for(user, *, officer=None) -> QuerySet[Deadline]:
    """Open clocks on cases the user can see. Officers get their own cases; users who can see the team's
    work get everyone's, or one officer's when `officer` is given."""
    if not sees_all_cases(user):  # the same scope as case_list_for, without an IN (subquery) over every case
        return Deadline.objects.none()
    qs = Deadline.objects.filter(state=Deadline.State.OPEN).select_related("case", "case__officer")
    if user.has_perm("cases.view_team_work"):
        return qs.filter(case__officer=officer) if officer is not None else qs
    return qs.filter(case__officer=user)
