"""Reads that depend on who is asking. The one way to fetch cases for a user: anything outside their scope
is a 404, so its existence is not leaked."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case as Case_
from django.db.models import Count, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sendportal.auth_backends import users_with_perm

from .clock_display import CLOCK_ROW_FIELDS
from .models import Case, CaseEvent, CaseNote, Deadline
from .team_selectors import is_covering


def sees_all_cases(user) -> bool:
    """Case visibility: SEN officers and managers see every case of the LA; nobody else sees any."""
    return user.is_authenticated and user.has_perm("cases.view_all_cases")


def case_list_for(user) -> QuerySet[Case]:
    qs = Case.objects.select_related("school", "officer")
    return qs if sees_all_cases(user) else qs.none()


# What a row of the case list shows (the child's other details, the family's contact details and the school
# stay in the database).
CASE_LIST_ROW_FIELDS = (
    "reference",
    "child_first_name",
    "child_last_name",
    "route",
    "decision",
    "decision_sent_on",
    "status",
    "next_deadline_on",
    "next_deadline_title",
    "next_step",
    "next_step_by",
    "next_step_due_on",
    "created_at",
    "officer__username",
    "officer__first_name",
    "officer__last_name",
)


def case_list_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    """`qs` (from case_list_for, filtered) loading only the columns a row of the case list shows."""
    return qs.select_related(None).select_related("officer").only(*CASE_LIST_ROW_FIELDS)


def case_list_page_rows(user, pks: list[int]) -> list[Case]:
    """The rows of one page of the case list, in the order of `pks` (the page's ids, worked out from the filtered
    and sorted list). Finding a page's ids first lets the database sort an officer's thousands of cases from an
    index alone and read only the 25 rows it shows. Scoped to the user like every case lookup."""
    rows = {case.pk: case for case in case_list_rows(case_list_for(user).filter(pk__in=pks))}
    return [rows[pk] for pk in pks if pk in rows]


def case_get_for(user, pk) -> Case:
    return get_object_or_404(case_list_for(user).select_related("icb", "created_by"), pk=pk)


def case_events_for(case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline. A case's inclusion in a case-list export is not on it: exports are in the audit
    log, the managers' export history and the DPO's access log for the case."""
    return case.events.exclude(kind=CaseEvent.Kind.EXPORTED).select_related("actor").order_by("-created_at", "-id")


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
    return users_with_perm("cases.change_case_status").order_by("first_name", "last_name", "username")


def case_deadlines_for(case: Case) -> QuerySet[Deadline]:
    """Every clock on a case: open ones first, then by due date."""
    return case.deadlines.annotate(
        closed=Case_(When(state=Deadline.State.OPEN, then=Value(0)), default=Value(1))
    ).order_by("closed", "due_on", "id")


def deadline_get_for(user, case_pk, deadline_pk) -> Deadline:
    case = case_get_for(user, case_pk)
    return get_object_or_404(Deadline.objects.select_related("case"), pk=deadline_pk, case=case)


def _clock_scope(user, officer) -> tuple[bool, object | None]:
    """Whose open clocks `user` may see: (False, None) nobody's; (True, None) everyone's; (True, person) one
    officer's. Officers get their own cases; users who can see the team's work get everyone's, or one officer's
    when `officer` is given."""
    if not sees_all_cases(user):  # the same scope as case_list_for
        return False, None
    if user.has_perm("cases.view_team_work"):
        return True, officer
    if officer is not None and officer != user and is_covering(user, officer, today=timezone.localdate()):
        return True, officer  # a colleague covering an absent officer's work (cases.models.Cover)
    return True, user


# The clocks that are somebody's work: the LA's own, and what the LA must chase from the provider or the ICB. The
# family's windows (C1, C9) are never the LA's overdue work (decision 12): they are shown on the case.
WORK_CLOCKS = ~Q(binds=Deadline.Binds.FAMILY)


def open_deadlines_for(user, *, officer=None) -> QuerySet[Deadline]:
    """Open clocks on cases the user can see (see _clock_scope) that someone other than the family must act on.
    One officer's are read by the clock's copy of its case's officer (Deadline.officer), from the (officer, state,
    due_on) index."""
    visible, mine = _clock_scope(user, officer)
    if not visible:
        return Deadline.objects.none()
    qs = Deadline.objects.filter(WORK_CLOCKS, state=Deadline.State.OPEN).select_related("case", "case__officer")
    return qs if mine is None else qs.filter(officer=mine)


DEADLINE_GROUPS = ("overdue", "today", "soon", "later")


SOON_DAYS = 7


def this_week(today: date) -> tuple[date, date]:
    """'Due this week', everywhere in the portal: due today or in the next 7 calendar days, both ends included.
    The Deadlines page and My work show today's clocks first, as a group of their own, and the rest of the week
    after them ("Due this week (next 7 days)"); the case list's filter and the management figures count the
    whole week."""
    return today, today + timedelta(days=SOON_DAYS)


def _deadline_group_bounds(today) -> dict[str, Q]:
    _, week_end = this_week(today)
    return {
        "overdue": Q(due_on__lt=today),
        "today": Q(due_on=today),
        "soon": Q(due_on__gt=today, due_on__lte=week_end),
        "later": Q(due_on__gt=week_end),
    }


def open_deadline_totals(user, *, today, officer=None) -> dict[str, int]:
    """How many of the open clocks open_deadlines_for(user, officer=officer) lists are overdue, due today, due in
    the next 7 days and later: one query, one count per group, each a range of one index ((state, due_on) for
    everyone's, (officer, state, due_on) for one officer's). COUNT(*), not COUNT(id): the id is not in those
    indexes, and PostgreSQL would visit every clock's row to read it."""
    totals = dict.fromkeys(DEADLINE_GROUPS, 0)
    bounds = _deadline_group_bounds(today)
    clocks = open_deadlines_for(user, officer=officer).select_related(None).order_by()
    counts = [
        clocks.filter(bounds[key]).annotate(group=Value(key)).values("group").annotate(n=Count("*"))
        for key in DEADLINE_GROUPS
    ]
    for row in counts[0].union(*counts[1:], all=True).order_by():
        totals[row["group"]] = row["n"]
    return totals


# What a row of the deadlines page shows: a clock row and its case's officer (never the child's details).
DEADLINE_ROW_FIELDS = (
    *CLOCK_ROW_FIELDS,
    "case__officer__username",
    "case__officer__first_name",
    "case__officer__last_name",
)


def open_deadline_group(qs: QuerySet[Deadline], key: str, *, today) -> QuerySet[Deadline]:
    """One urgency group of `qs` (open_deadlines_for) in due order, loading only the columns a row of the
    deadlines page shows."""
    rows = qs.filter(_deadline_group_bounds(today)[key]).only(*DEADLINE_ROW_FIELDS)
    return rows.order_by("due_on", "case__reference", "pk")


@dataclass(frozen=True)
class NextStepPanel:
    """The case page's next step (cases.next_step), as stored on the case."""

    next_step: str
    next_step_by: str
    next_step_due_on: date | None


def next_step_panel(*, user, case: Case, forms=None) -> NextStepPanel | None:
    """The next step panel at the top of the case page; none for a closed case. No query: read from the case."""
    if not case.next_step:
        return None
    return NextStepPanel(case.next_step, case.next_step_by, case.next_step_due_on)
