"""The case list's filters (django-filter over the user's selector queryset) and its server-side sort."""

import django_filters
from django import forms
from django.utils import timezone

from sendportal.lists import SortColumn, SortSpec, StrictFilterMixin

from .dates import PortalDateField
from .models import Case, Decision, NextStepBy, Route, School, Status
from .search import may_be_in_a_reference, search_cases  # noqa: F401 (the search lives in cases.search)
from .selectors import officers_qs, this_week

MINE = "mine"
UNASSIGNED = "unassigned"

# The case list's sort; an unknown key falls back to newest first.
SORT = SortSpec(
    columns={
        "reference": SortColumn("reference", ("reference",)),
        "child": SortColumn("child's name", ("child_last_name", "child_first_name", "id")),
        "decision_sent_on": SortColumn("decision letter date", ("decision_sent_on", "id")),
        "first_contact_on": SortColumn("first contact date", ("first_contact_on", "id")),
        "status": SortColumn("status", ("status", "id")),
        "officer": SortColumn("officer", ("officer__first_name", "officer__last_name", "id")),
        "created": SortColumn("date opened", ("created_at", "id")),
        "next_deadline": SortColumn("next deadline", ("next_deadline_on", "id")),
        "next_step": SortColumn("next step's due date", ("next_step_due_on", "id")),
    },
    default="-created",
    nullable=frozenset(
        {"decision_sent_on", "next_deadline_on", "next_step_due_on", "officer__first_name", "officer__last_name"}
    ),
)


class PortalDateFilter(django_filters.DateFilter):
    """A date filter that refuses dates outside 1900-2100 with a message, like every date a person types."""

    field_class = PortalDateField


# Whose move it is: the next step's taker (cases.next_step). "Mine" is the LA's move on my cases.
MOVES = [
    (MINE, "Mine: the LA's move on my cases"),
    (NextStepBy.LA, "The LA's, on anyone's cases"),
    (NextStepBy.FAMILY, "The family's"),
    (NextStepBy.PROVIDER, "The provider's"),
    (NextStepBy.MEDIATOR, "The mediator's"),
    (NextStepBy.ICB, "The ICB's"),
]


class CaseFilter(StrictFilterMixin, django_filters.FilterSet):
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

    date_ranges = (("decision_from", "decision_to"), ("contact_from", "contact_to"))

    class Meta:
        model = Case
        fields = ["status", "route", "decision", "officer", "school"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = [(MINE, "Assigned to me"), (UNASSIGNED, "Unassigned")]
        choices += [(str(u.pk), u.display_name) for u in officers_qs()]
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
            return queryset.filter(next_deadline_on__range=this_week(today))
        return queryset.filter(next_deadline_on__isnull=True)
