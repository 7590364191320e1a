"""Clock pages: my deadlines (grouped by urgency) and waiving a clock (managers, confirm-an-action page)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Value, When
from django.shortcuts import redirect, render
from django.utils import timezone

from . import clock_services, selectors
from .clock_display import clock_rows
from .forms import OfficerChoiceField

GROUP_LIMIT = 50
GROUPS = [("overdue", "Overdue"), ("today", "Due today"), ("soon", "Due this week (next 7 days)"), ("later", "Later")]


class OfficerFilterForm(forms.Form):
    officer = OfficerChoiceField(queryset=None, required=False, empty_label="Everyone", label="Officer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = selectors.officers_qs()


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this clock being waived?",
        help_text="For example: the parties agreed other dates in writing (SEND Regs 2014 reg 42(5)).",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )


@permission_required("cases.view_case", raise_exception=True)
def deadline_list(request):
    today = timezone.localdate()
    can_filter = request.user.has_perm("cases.view_team_work")
    form = OfficerFilterForm(request.GET or None) if can_filter else None
    officer = form.cleaned_data["officer"] if form is not None and form.is_valid() else None
    qs = selectors.open_deadlines_for(request.user, officer=officer)
    if form is not None and form.errors:
        qs = qs.none()
    calendar = clock_services.working_calendar()
    week_end = today + timedelta(days=7)
    bounds = {
        "overdue": qs.filter(due_on__lt=today),
        "today": qs.filter(due_on=today),
        "soon": qs.filter(due_on__gt=today, due_on__lte=week_end),
        "later": qs.filter(due_on__gt=week_end),
    }
    totals = dict.fromkeys(bounds, 0)
    bucket = Case(
        When(due_on__lt=today, then=Value("overdue")),
        When(due_on=today, then=Value("today")),
        When(due_on__lte=week_end, then=Value("soon")),
        default=Value("later"),
    )
    for row in qs.order_by().annotate(bucket=bucket).values("bucket").annotate(n=Count("pk")):
        totals[row["bucket"]] = row["n"]
    groups = []
    for key, label in GROUPS:
        first = bounds[key].order_by("due_on", "case__reference")[:GROUP_LIMIT]
        rows = clock_rows(first, today=today, calendar=calendar)
        groups.append({"key": key, "label": label, "rows": rows, "total": totals[key]})
    return render(
        request, "cases/deadline_list.html",
        {"groups": groups, "form": form, "today": today, "limit": GROUP_LIMIT, "officer": officer},
    )


@permission_required("cases.waive_deadline", raise_exception=True)
def deadline_waive(request, pk, deadline_pk):
    deadline = selectors.deadline_get_for(request.user, pk, deadline_pk)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clock_services.deadline_waive(deadline=deadline, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Clock waived: {deadline.title}")
            return redirect(deadline.case)
    return render(request, "cases/deadline_waive.html", {"deadline": deadline, "case": deadline.case, "form": form})
