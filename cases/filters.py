"""The case list's filters (django-filter over the user's selector queryset) and its server-side sort."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone

from .dates import PortalDateField
from .models import Case, Decision, NextStepBy, Route, School, Status
from .search import may_be_in_a_reference, search_cases  # noqa: F401 (the search lives in cases.search)
from .selectors import officers_qs

MINE = "mine"
UNASSIGNED = "unassigned"

# Public sort keys -> ORM ordering. Anything else falls back to the default (newest first).
SORTS = {
    "reference": ("reference",),
    "child": ("child_last_name", "child_first_name", "id"),
    "decision_sent_on": ("decision_sent_on", "id"),
    "first_contact_on": ("first_contact_on", "id"),
    "status": ("status", "id"),
    "officer": ("officer__first_name", "officer__last_name", "id"),
    "created": ("created_at", "id"),
    "next_deadline": ("next_deadline_on", "id"),
    "next_step": ("next_step_due_on", "id"),
}
DEFAULT_SORT = "-created"


class PortalDateFilter(django_filters.DateFilter):
    """A date filter that refuses dates outside 1900-2100 with a message, like every date a person types."""

    field_class = PortalDateField


def sort_ordering(sort: str | None, *, sorts: dict, default: str, nullable=frozenset()) -> tuple[str, list]:
    """Validated sort key (anything unknown falls back to `default`) and its ORM ordering. Columns that may be
    empty sort their blanks last either way; the others sort plainly, so the database can walk an index instead
    of sorting every row (NULLS LAST defeats the index)."""
    sort = sort or default
    key = sort.removeprefix("-")
    if key not in sorts:
        sort, key = default, default.removeprefix("-")
    desc = sort.startswith("-")

    def order(field: str):
        if field in nullable:
            return F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True)
        return f"-{field}" if desc else field

    return sort, [order(f) for f in sorts[key]]


NULLABLE_SORT_FIELDS = {
    "decision_sent_on",
    "next_deadline_on",
    "next_step_due_on",
    "officer__first_name",
    "officer__last_name",
}

# Whose move it is: the next step's taker (cases.next_step). "Mine" is the LA's move on my cases.
MOVES = [
    (MINE, "Mine: the LA's move on my cases"),
    (NextStepBy.LA, "The LA's, on anyone's cases"),
    (NextStepBy.FAMILY, "The family's"),
    (NextStepBy.PROVIDER, "The provider's"),
    (NextStepBy.MEDIATOR, "The mediator's"),
    (NextStepBy.ICB, "The ICB's"),
]


def ordering_for(sort: str | None) -> tuple[str, list]:
    """The case list's sort."""
    return sort_ordering(sort, sorts=SORTS, default=DEFAULT_SORT, nullable=NULLABLE_SORT_FIELDS)


class CaseFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple, label="Status", distinct=False
    )
    route = django_filters.ChoiceFilter(choices=Route.choices, empty_label="Any route")
    decision = django_filters.ChoiceFilter(choices=Decision.choices, empty_label="Any decision", label="Decision")
    officer = django_filters.ChoiceFilter(method="filter_officer", empty_label="Anyone", label="Officer")
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.all(), empty_label="Any school or setting", label="School or setting"
    )
    decision_from = PortalDateFilter(field_name="decision_sent_on", lookup_expr="gte", label="Decision letter from")
    decision_to = PortalDateFilter(field_name="decision_sent_on", lookup_expr="lte", label="Decision letter to")
    contact_from = PortalDateFilter(field_name="first_contact_on", lookup_expr="gte", label="First contact from")
    move = django_filters.ChoiceFilter(
        choices=MOVES, method="filter_move", empty_label="Anyone's", label="Whose move is it"
    )
    deadline = django_filters.ChoiceFilter(
        choices=[("overdue", "Overdue"), ("week", "Due in the next 7 days"), ("none", "No open clock")],
        method="filter_deadline",
        empty_label="Any",
        label="Next deadline",
    )
    contact_to = PortalDateFilter(field_name="first_contact_on", lookup_expr="lte", label="First contact to")

    class Meta:
        model = Case
        fields = ["status", "route", "decision", "officer", "school"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = [(MINE, "Assigned to me"), (UNASSIGNED, "Unassigned")]
        choices += [(str(u.pk), u.get_full_name() or u.get_username()) for u in officers_qs()]
        self.filters["officer"].extra["choices"] = choices
        self.form.fields["officer"].choices = [("", "Anyone"), *choices]

    def filter_officer(self, queryset, name, value):
        if value == MINE:
            return queryset.filter(officer=self.user)
        if value == UNASSIGNED:
            return queryset.filter(officer__isnull=True)
        return queryset.filter(officer_id=value)

    def filter_move(self, queryset, name, value):
        """Cases whose next step is for `value`; "mine": the LA's next step on the user's cases."""
        if value == MINE:
            return queryset.filter(next_step_by=NextStepBy.LA, officer=self.user)
        return queryset.filter(next_step_by=value)

    def filter_deadline(self, queryset, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(next_deadline_on__lt=today)
        if value == "week":
            return queryset.filter(next_deadline_on__gte=today, next_deadline_on__lte=today + timedelta(days=7))
        return queryset.filter(next_deadline_on__isnull=True)

    def clean_ranges(self):
        """Refuse ranges whose end is before their start (a clear message, never a silent empty list)."""
        data = self.form.cleaned_data
        for start, end in (("decision_from", "decision_to"), ("contact_from", "contact_to")):
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.form.add_error(end, "The end date must be the same as or after the start date.")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if self.form.is_valid():
                self.clean_ranges()
            if self.form.errors:
                self._qs = self.queryset.none()
            else:
                self._qs = super().qs
        return self._qs
