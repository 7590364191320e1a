"""The list-page kit: strict filters, the sort spec and the selected-filter tags, on a FilterSet of every kind of
filter the lists use (choice, several choices, date typed in boxes, yes/no, an object)."""

from datetime import date

import django_filters
import pytest
from django.db.models import F
from django.http import QueryDict

from cases.filters import SORT as CASE_SORT
from cases.filters import PortalDateFilter
from cases.models import Case, School, Status
from cases.tests.factories import SchoolFactory
from referrals.filters import SORT as REFERRAL_SORT
from sendportal.lists import (
    RANGE_END_BEFORE_START,
    FilterTag,
    SortColumn,
    SortSpec,
    StrictFilterMixin,
    filter_tags,
    page_query,
)


class ThingFilter(StrictFilterMixin, django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label="Status")
    route = django_filters.ChoiceFilter(choices=[("a", "Route A"), ("b", "Route B")], label="Route")
    grouped = django_filters.ChoiceFilter(
        field_name="route", choices=[("Early", [("x", "Early years")])], label="Setting"
    )
    health = django_filters.BooleanFilter(field_name="health_involved", label="Health care involved")
    school = django_filters.ModelChoiceFilter(queryset=School.objects.all(), label="School or setting")
    decision_from = PortalDateFilter(field_name="decision_sent_on", lookup_expr="gte", label="Decision letter from")
    decision_to = PortalDateFilter(field_name="decision_sent_on", lookup_expr="lte", label="Decision letter to")

    date_ranges = (("decision_from", "decision_to"),)


def bound(query: str) -> tuple[ThingFilter, QueryDict]:
    data = QueryDict(query)
    return ThingFilter(data, queryset=Case.objects.all()), page_query(data)


def tags_for(query: str, **kwargs) -> list[FilterTag]:
    things, query = bound(query)
    return filter_tags(things, query, **kwargs)


# --- Tags -----------------------------------------------------------------------------------------------------


def test_no_filters_no_tags():
    assert filter_tags(ThingFilter(None, queryset=Case.objects.all()), QueryDict()) == []
    assert tags_for("sort=child&page=2") == []


def test_a_choice_reads_as_its_label_and_its_tag_removes_it_keeping_the_sort():
    assert tags_for("route=b&sort=child&page=3") == [FilterTag("Route: Route B", "?sort=child")]


def test_each_of_several_choices_is_a_tag_removing_only_itself():
    assert tags_for("status=intake&status=triaged") == [
        FilterTag("Status: Intake", "?status=triaged"),
        FilterTag("Status: Triaged", "?status=intake"),
    ]


def test_a_choice_in_a_group_reads_as_its_label():
    assert tags_for("grouped=x") == [FilterTag("Setting: Early years", "?")]


def test_tags_follow_the_forms_order_not_the_querys():
    labels = [tag.label for tag in tags_for("health=true&route=a&status=closed")]
    assert labels == ["Status: Closed", "Route: Route A", "Health care involved: Yes"]


def test_a_date_typed_in_boxes_is_one_tag_that_removes_every_box():
    query = "decision_from_day=1&decision_from_month=3&decision_from_year=2026&sort=child"
    assert tags_for(query) == [FilterTag("Decision letter from: 1 Mar 2026", "?sort=child")]


def test_a_date_given_as_one_value_reads_the_same():
    assert tags_for("decision_to=2026-03-01") == [FilterTag("Decision letter to: 1 Mar 2026", "?")]


@pytest.mark.parametrize(("value", "shown"), [("true", "Yes"), ("false", "No")])
def test_a_yes_no_filter_reads_yes_or_no(value, shown):
    assert tags_for(f"health={value}&route=a") == [
        FilterTag("Route: Route A", f"?health={value}"),
        FilterTag(f"Health care involved: {shown}", "?route=a"),
    ]


def test_a_yes_no_filter_left_at_either_is_no_tag():
    assert tags_for("health=unknown") == []
    assert tags_for("health=") == []


@pytest.mark.django_db
def test_a_chosen_object_reads_as_it_prints_itself_without_a_query(django_assert_num_queries):
    school = SchoolFactory(name="Riverside Primary", urn="123456")
    things, query = bound(f"school={school.pk}&sort=-reference")
    assert things.form.is_valid()
    with django_assert_num_queries(0):
        tags = filter_tags(things, query)
    assert tags == [FilterTag(f"School or setting: {school}", "?sort=-reference")]
    assert "Riverside Primary" in tags[0].label


def test_other_parameters_the_list_reads_are_tagged_last():
    tags = tags_for("s=abc123&route=a", also={"s": "Search: Rahman"})
    assert tags == [FilterTag("Route: Route A", "?s=abc123"), FilterTag("Search: Rahman", "?route=a")]
    assert tags_for("route=a", also={"s": "Search: Rahman"}) == [FilterTag("Route: Route A", "?")]


def test_filters_that_do_not_validate_give_no_tags():
    assert tags_for("route=a&status=nonsense", also={"route": "never"}) == []


# --- Strict filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=nonsense", "status"),
        ("route=c", "route"),
        ("health=perhaps", None),  # a yes/no filter reads anything else as "either": nothing to refuse
        ("school=abc", "school"),
        ("decision_from=2026-02-30", "decision_from"),
        ("decision_from_day=30&decision_from_month=2&decision_from_year=2026", "decision_from"),
    ],
)
def test_a_value_the_filters_cannot_read_lists_nothing_and_says_why(query, field):
    things, _ = bound(query)
    if field is None:
        assert not things.qs.query.is_empty()
        return
    assert things.qs.query.is_empty()
    assert field in things.form.errors


@pytest.mark.django_db
def test_an_object_that_does_not_exist_lists_nothing():
    things, _ = bound("school=999999")
    assert things.qs.query.is_empty() and "school" in things.form.errors


def test_a_range_ending_before_it_starts_is_refused_on_its_end():
    things, _ = bound("decision_from=2026-05-02&decision_to=2026-03-01")
    assert things.qs.query.is_empty()
    assert things.form.errors == {"decision_to": [RANGE_END_BEFORE_START]}


def test_a_range_of_one_day_is_accepted():
    things, _ = bound("decision_from=2026-03-01&decision_to=2026-03-01")
    assert not things.qs.query.is_empty()
    assert things.form.cleaned_data["decision_to"] == date(2026, 3, 1)


def test_an_unreadable_filter_is_reported_before_the_ranges_are_checked():
    things, _ = bound("decision_from=2026-05-02&decision_to=2026-03-01&route=c")
    assert set(things.form.errors) == {"route"}


def test_parameters_that_are_not_filters_are_left_to_the_page():
    things, _ = bound("sort=child&page=2&s=abc123")
    assert not things.qs.query.is_empty() and not things.form.errors


def test_no_query_lists_everything():
    things = ThingFilter(None, queryset=Case.objects.all())
    assert not things.qs.query.is_empty() and not things.form.errors


# --- Sort -------------------------------------------------------------------------------------------------------

SPEC = SortSpec(
    columns={
        "name": SortColumn("name", ("last_name", "first_name", "id")),
        "due": SortColumn("due date", ("due_on", "id")),
    },
    default="-due",
    nullable=frozenset({"due_on"}),
)


def test_a_known_key_sorts_plainly_either_way():
    assert SPEC.ordering("name") == ("name", ["last_name", "first_name", "id"])
    assert SPEC.ordering("-name") == ("-name", ["-last_name", "-first_name", "-id"])


@pytest.mark.parametrize("asked", [None, "", "nonsense", "-nonsense", "last_name"])
def test_an_unknown_key_falls_back_to_the_default(asked):
    assert SPEC.key(asked) == "-due"
    assert SPEC.ordering(asked)[0] == "-due"


def test_an_empty_value_sorts_last_either_way():
    assert SPEC.ordering("due")[1] == [F("due_on").asc(nulls_last=True), "id"]
    assert SPEC.ordering("-due")[1] == [F("due_on").desc(nulls_last=True), "-id"]


def test_the_caption_names_the_sort_and_its_direction():
    assert SPEC.describe("name") == "name, oldest or lowest first"
    assert SPEC.describe("-due") == "due date, newest or highest first"
    assert SPEC.describe("nonsense") == "due date, newest or highest first"


def test_a_default_that_is_not_a_column_is_refused():
    with pytest.raises(ValueError, match="not one of the columns"):
        SortSpec(columns={"name": SortColumn("name", ("name",))}, default="created")


def test_the_two_lists_defaults_read_as_before():
    assert CASE_SORT.describe(None) == "date opened, newest or highest first"
    assert CASE_SORT.describe("child") == "child's name, oldest or lowest first"
    assert REFERRAL_SORT.describe(None) == "date referred, newest or highest first"
    assert REFERRAL_SORT.describe("case") == "case reference, oldest or lowest first"
