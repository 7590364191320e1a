"""Clock pages: my deadlines (grouped by urgency) and waiving a clock (managers, confirm-an-action page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from sendportal.lists import page_query

from . import clock_services, selectors, team_selectors
from .clock_display import clock_rows
from .forms import OfficerChoiceField
from .refusals import service_call

GROUPS = [("overdue", "Overdue"), ("today", "Due today"), ("soon", "Due this week (next 7 days)"), ("later", "Later")]
# Rows each group shows on the overview; the rest of a group is one link away (?group=<key>, paginated).
GROUP_LIMITS = {"overdue": 25, "today": 25, "soon": 25, "later": 10}
GROUP_PAGE_SIZE = 50


class KnownCountPaginator(Paginator):
    """A paginator told its count (the grouped totals query already worked it out): no COUNT query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


class OfficerFilterForm(forms.Form):
    officer = OfficerChoiceField(queryset=None, required=False, empty_label="Everyone", label="Officer")

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = selectors.officers_qs() if officers is None else officers


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this clock being waived?",
        help_text="For example: the parties agreed other dates in writing (SEND Regs 2014 reg 42(5)).",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


@permission_required("cases.view_case", raise_exception=True)
def deadline_list(request):
    """Open clocks in four urgency groups, the first rows of each with the group's full count and a link to the
    rest; `?group=<key>` shows that one group in full, a page at a time."""
    today = timezone.localdate()
    form = _officer_filter(request, today)
    officer = form.cleaned_data["officer"] if form is not None and form.is_valid() else None
    qs = selectors.open_deadlines_for(request.user, officer=officer)
    if form is not None and form.errors:  # an unknown officer: the form says so, and no clocks are shown
        qs = qs.none()
        totals = dict.fromkeys(selectors.DEADLINE_GROUPS, 0)
    else:
        totals = selectors.open_deadline_totals(request.user, officer=officer, today=today)
    calendar = clock_services.working_calendar()
    shown = request.GET.get("group") if request.GET.get("group") in GROUP_LIMITS else None
    query = page_query(request.GET)
    query.pop("group", None)
    context = {"form": form, "today": today, "officer": officer, "show_officer": form is not None, "shown": shown}
    groups = []
    for key, label in GROUPS:
        if shown and key != shown:
            continue
        rows = selectors.open_deadline_group(qs, key, today=today)
        if shown:  # the whole group, a page at a time (the count is known: no COUNT query)
            context["page"] = KnownCountPaginator(rows, GROUP_PAGE_SIZE, count=totals[key]).get_page(
                request.GET.get("page")
            )
            rows = context["page"].object_list
        else:
            rows = rows[: GROUP_LIMITS[key]]
        more = not shown and totals[key] > GROUP_LIMITS[key]
        groups.append(
            {
                "key": key,
                "label": label,
                "total": totals[key],
                "limit": GROUP_LIMITS[key],
                "rows": clock_rows(rows, today=today, calendar=calendar),
                "more_url": "?" + _with(query, group=key) if more else "",
            }
        )
    context["groups"] = groups
    context["all_url"] = "?" + query.urlencode()  # back to every group, keeping the officer filter
    context["query"] = _with(query, group=shown) if shown else query.urlencode()  # for the pagination links
    return render(request, "cases/deadline_list.html", context)


def _officer_filter(request, today) -> OfficerFilterForm | None:
    """Whose clocks to show, for those who may choose: anyone's for a team viewer; for an officer covering for
    absent colleagues, theirs, one at a time, or their own ("Mine"). None for everyone else (their own clocks)."""
    if request.user.has_perm("cases.view_team_work"):
        return OfficerFilterForm(request.GET or None)
    covering = team_selectors.covers_held_by(request.user, today=today)
    if not covering:
        return None
    officers = get_user_model().objects.filter(pk__in=[request.user.pk, *(c.officer_id for c in covering)])
    form = OfficerFilterForm(request.GET or None, officers=officers.order_by("first_name", "last_name"))
    form.fields["officer"].empty_label = "Mine"
    return form


def _with(query, **params) -> str:
    query = query.copy()
    query.update(params)
    return query.urlencode()


@permission_required("cases.waive_deadline", raise_exception=True)
def deadline_waive(request, pk, deadline_pk):
    deadline = selectors.deadline_get_for(request.user, pk, deadline_pk)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        saved, _ = service_call(
            form, lambda: clock_services.deadline_waive(deadline=deadline, actor=request.user, reason=reason)
        )
        if saved:
            messages.success(request, f"Clock waived: {deadline.title}")
            return redirect(deadline.case)
    return render(request, "cases/deadline_waive.html", {"deadline": deadline, "case": deadline.case, "form": form})
