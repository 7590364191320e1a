"""The referral list's filters (django-filter over the user's selector queryset) and its server-side sort."""

import django_filters
from django import forms

from sendportal.lists import SortColumn, SortSpec, StrictFilterMixin

from .models import MediationProvider, Mediator, Referral

RS = Referral.Status

# The referral list's sort (the same rules as the case list's); an unknown key falls back to newest first.
SORT = SortSpec(
    columns={
        "referred": SortColumn("date referred", ("referred_on", "id")),
        "case": SortColumn("case reference", ("case__reference", "id")),
        "provider": SortColumn("provider", ("provider__name", "id")),
        "mediator": SortColumn("mediator", ("mediator__user__last_name", "mediator__user__first_name", "id")),
        "status": SortColumn("status", ("status", "id")),
        "next_deadline": SortColumn("next deadline", ("case__next_deadline_on", "id")),
    },
    default="-referred",
    nullable=frozenset({"mediator__user__last_name", "mediator__user__first_name", "case__next_deadline_on"}),
)


class MediatorChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Mediator.objects.select_related("user"))
        super().__init__(*args, **kwargs)


class ReferralFilter(StrictFilterMixin, django_filters.FilterSet):
    """Officers' filters over every referral."""

    status = django_filters.MultipleChoiceFilter(
        choices=RS.choices, widget=forms.CheckboxSelectMultiple, label="Status"
    )
    provider = django_filters.ModelChoiceFilter(
        queryset=MediationProvider.objects.all(), empty_label="Any provider", label="Provider"
    )
    mediator = MediatorChoiceFilter(empty_label="Any mediator", label="Mediator")

    class Meta:
        model = Referral
        fields = ["status", "provider", "mediator"]


STAGES = {
    "to_arrange": ("To arrange a session", [RS.ASSIGNED]),
    "arranged": ("Session arranged", [RS.SCHEDULED]),
    "to_conclude": ("Held or not held in time: to conclude", [RS.HELD, RS.NOT_HELD]),
    "finished": ("Finished", [RS.CONCLUDED, RS.WITHDRAWN, RS.LA_CONCEDED]),
}


class MyReferralFilter(StrictFilterMixin, django_filters.FilterSet):
    """A mediator's own referrals, by stage."""

    stage = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in STAGES.items()],
        method="filter_stage",
        empty_label="Any stage",
        label="Stage",
    )

    class Meta:
        model = Referral
        fields = ["stage"]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(status__in=STAGES[value][1])
