"""The list-page kit (ui-patterns.md: every list is filterable, sortable on the server and paginated; filters show as
removable tags; MoJ "Filter a list"). Every list uses the same three pieces:

- `StrictFilterMixin`, mixed into a django-filter FilterSet: a query the filters cannot read lists nothing and the
  form says why, instead of quietly dropping the filter and listing more than was asked for;
- `SortSpec`: the sort keys a URL may ask for, the ordering and the caption's words for each;
- `filter_tags`: the selected filters as removable tags, read from the validated form.

The templates are `components/filter_panel.html` and `components/filter_tags.html`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django import forms
from django.db.models import F, QuerySet
from django.http import QueryDict

from sendportal.formats import short_day_month_year

RANGE_END_BEFORE_START = "The end date must be the same as or after the start date."


class _OrderedRanges:
    """Form mixin: refuse a range whose end is before its start (a clear message, never a silent empty list)."""

    date_ranges: tuple[tuple[str, str], ...] = ()

    def clean(self):
        data = super().clean()
        if self.errors:  # a filter that could not be read says so first; the ranges are checked once all read
            return data
        for start, end in self.date_ranges:
            if data.get(start) and data.get(end) and data[end] < data[start]:
                self.add_error(end, RANGE_END_BEFORE_START)
        return data


class StrictFilterMixin:
    """Mixed into a django-filter FilterSet (before it). A bound FilterSet whose form does not validate (an unknown
    choice or object, a malformed or impossible date, a range ending before it starts) filters to nothing: the
    page shows the form's messages and an empty list, never a list that silently ignores what was asked.

    `date_ranges` pairs the names of a start filter and its end filter."""

    date_ranges: tuple[tuple[str, str], ...] = ()

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (_OrderedRanges, form_class), {"date_ranges": self.date_ranges})

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            refused = self.is_bound and not self.form.is_valid()
            self._qs = self.queryset.none() if refused else super().qs
        return self._qs


# --- Sort ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortColumn:
    """One sort key: the words the table's caption uses for it and its ORM ordering (a unique field last, so that
    pages neither repeat nor skip rows)."""

    label: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SortSpec:
    """A list's server-side sort (`?sort=key`, `?sort=-key` for the other way). A key it does not know falls back to
    `default`. Fields in `nullable` may be empty: their blanks sort last either way. The others sort plainly, so the
    database can walk an index instead of sorting every row (NULLS LAST defeats the index)."""

    columns: Mapping[str, SortColumn]
    default: str
    nullable: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.default.removeprefix("-") not in self.columns:
            raise ValueError(f"the default sort {self.default!r} is not one of the columns")

    def key(self, sort: str | None) -> str:
        """`sort` if the list knows it, else the default."""
        sort = sort or self.default
        return sort if sort.removeprefix("-") in self.columns else self.default

    def ordering(self, sort: str | None) -> tuple[str, list]:
        """The validated sort key and its ORM ordering."""
        sort = self.key(sort)
        desc = sort.startswith("-")

        def order(field: str):
            if field in self.nullable:
                return F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True)
            return f"-{field}" if desc else field

        return sort, [order(field) for field in self.columns[sort.removeprefix("-")].fields]

    def describe(self, sort: str | None) -> str:
        """How the caption says the list is sorted: "date opened, newest or highest first"."""
        sort = self.key(sort)
        direction = "newest or highest first" if sort.startswith("-") else "oldest or lowest first"
        return f"{self.columns[sort.removeprefix('-')].label}, {direction}"


# --- Selected filters as removable tags ------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterTag:
    """A selected filter: what it says ("Status: Triaged") and the list's URL without it."""

    label: str
    url: str


def page_query(query: QueryDict) -> QueryDict:
    """The query a list's links carry on (filters, sort, search): everything but the page number."""
    query = query.copy()
    query.pop("page", None)
    return query


def tag_without(query: QueryDict, label: str, name: str, value: str | None = None) -> FilterTag:
    """A tag whose link drops parameter `name` (only its `value`, when given) from `query`."""
    remaining = query.copy()
    if value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in query.getlist(name) if v != value])
    return FilterTag(label, "?" + remaining.urlencode())


def filter_tags(filterset, query: QueryDict, *, also: Mapping[str, str] | None = None) -> list[FilterTag]:
    """The selected filters as removable tags, in the form's order: one tag per chosen value, labelled with the
    filter's label and the value as the form offers it, linking to the list without that value. `query` is the
    list's query (see `page_query`); `also` names other parameters the list reads (name -> tag label), tagged last
    when present. None when the filters do not validate: the error summary speaks then."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    form = filterset.form
    tags = []
    for name, field in form.fields.items():
        tags += _field_tags(name, field, form.cleaned_data.get(name), query)
    for name, label in (also or {}).items():
        if query.get(name):
            tags.append(tag_without(query, label, name))
    return tags


def _field_tags(name: str, field: forms.Field, value, query: QueryDict) -> list[FilterTag]:
    label = field.label
    if isinstance(value, date):
        # A date typed in boxes (or given as one value): one tag, and removing it removes every box.
        remaining = query.copy()
        for key in [name, *_part_names(field.widget, name)]:
            remaining.pop(key, None)
        return [FilterTag(f"{label}: {short_day_month_year(value)}", "?" + remaining.urlencode())]
    if value is None:  # nothing chosen (a yes/no filter left at either, say)
        return []
    if isinstance(value, bool):  # a yes/no filter; an unticked box is no filter
        shown = "Yes" if value else "No"
        return [tag_without(query, f"{label}: {shown}", name)] if query.get(name) else []
    chosen = [raw for raw in query.getlist(name) if raw]
    if not chosen:  # before reading the field's choices, which may cost a query
        return []
    shown = _value_labels(field, value)
    return [tag_without(query, f"{label}: {shown(raw)}", name, raw) for raw in chosen]


def _part_names(widget: forms.Widget, name: str) -> list[str]:
    if isinstance(widget, forms.MultiWidget):
        return [f"{name}{suffix}" for suffix in widget.widgets_names]
    return []


def _value_labels(field: forms.Field, value):
    """How each submitted value of `field` reads: a chosen object as it prints itself (no query), a choice by its
    label."""
    if hasattr(value, "pk"):
        return lambda raw: str(value)
    if isinstance(value, QuerySet):  # several objects chosen
        by_pk = {str(v.pk): str(v) for v in value}
        return lambda raw: by_pk.get(raw, raw)
    labels = _choice_labels(getattr(field, "choices", ()))
    return lambda raw: labels.get(raw, raw)


def _choice_labels(choices) -> dict[str, str]:
    labels = {}
    for key, label in choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            labels.update(_choice_labels(label))
        else:
            labels[str(key)] = str(label)
    return labels
