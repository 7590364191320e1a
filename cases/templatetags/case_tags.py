from django import template
from django.http import QueryDict
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str):
    """A column header that sorts on the server, announcing the current direction (aria-sort)."""
    request = context["request"]
    current = context.get("sort", "")
    query = QueryDict(request.GET.urlencode(), mutable=True)
    query.pop("page", None)
    if current == key:
        query["sort"], aria = f"-{key}", "ascending"
    elif current == f"-{key}":
        query["sort"], aria = key, "descending"
    else:
        query["sort"], aria = key, None
    if aria:
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="?{}">{} <span aria-hidden="true">{}</span></a></th>',
            aria,
            query.urlencode(),
            label,
            "▲" if aria == "ascending" else "▼",
        )
    return format_html('<th scope="col"><a href="?{}">{}</a></th>', query.urlencode(), label)


URGENCY_TAGS = {
    "overdue": "tag-overdue",
    "today": "tag-due-soon",
    "soon": "tag-due-soon",
    "closed": "tag-neutral",
    # The family's windows are information, never an overdue badge (decision 12).
    "window": "tag-neutral",
    "window_closed": "tag-neutral",
    "check": "tag-overdue",
}


@register.simple_tag
def contextual_date(due, due_time, relative, urgency):
    """A due date with its time and, beneath, a coloured tag saying how near it is ("in 3 working days"):
    the one way every page shows a clock. Written out here rather than included as a template, once per row
    of tables of dozens of clocks."""
    time = f" by {clock_time(due_time)}" if due_time else ""
    return format_html(
        '<span class="d-inline-block contextual-date"><strong>{}</strong>{}<br><span class="badge {}">{}</span></span>',
        date_filter(due, "D j M Y"),
        time,
        URGENCY_TAGS.get(urgency, "tag-ok"),
        relative,
    )


@register.simple_tag(takes_context=True)
def next_deadline(context, case):
    """The case's next clock as a contextual date. Today and the calendar are computed once per page."""
    from cases.clock_display import relative_and_urgency

    today, calendar = _today_and_calendar(context)
    due = case.next_deadline_on
    relative, urgency = relative_and_urgency(due, today, calendar=calendar)
    return contextual_date(due, None, f"{case.next_deadline_title}: {relative}", urgency)


def _today_and_calendar(context) -> tuple:
    from django.utils import timezone

    from cases import clock_services

    cache = context.render_context.setdefault("_clock_cache", {})
    if "today" not in cache:
        cache["today"] = timezone.localdate()
        # A view that has read the calendar already passes it as `working_calendar`: it is not read again.
        calendar = context.get("working_calendar")
        cache["calendar"] = calendar if calendar is not None else clock_services.working_calendar()
    return cache["today"], cache["calendar"]


NEXT_STEP_WHO = {
    "la": "The LA",
    "family": "The family",
    "provider": "The provider",
    "mediator": "The mediator",
    "icb": "The ICB",
}


@register.simple_tag(takes_context=True)
def next_step(context, case):
    """The case's next step (cases.next_step): who must take it, what it is and by when, as a contextual date. A
    step for the family is their window, shown as information, never as overdue (docs/rules.md §8 D12)."""
    from cases.clock_display import relative_and_urgency

    fields = ("next_step", "next_step_by", "next_step_due_on")
    if isinstance(case, dict):  # a row of values() with those fields
        action, by, due = (case.get(name) for name in fields)
    else:
        action, by, due = (getattr(case, name) for name in fields)
    if not action:
        return format_html('<span class="text-body-secondary">{}</span>', "None")
    who = NEXT_STEP_WHO.get(by, by)
    if due is None:
        when = format_html('<br><span class="small text-body-secondary">{}</span>', "No date set")
    else:
        today, calendar = _today_and_calendar(context)
        relative, urgency = relative_and_urgency(due, today, calendar=calendar)
        if by == "family":
            urgency = "window" if due >= today else "window_closed"
            relative = f"their window closes {relative}" if due >= today else "their window has closed"
        when = format_html(
            '<br><span class="small">by <strong>{}</strong></span> <span class="badge {}">{}</span>',
            date_filter(due, "D j M Y"),
            URGENCY_TAGS.get(urgency, "tag-ok"),
            relative,
        )
    return format_html('<span class="d-inline-block next-step"><strong>{}:</strong> {}{}</span>', who, action, when)


@register.filter
def clock_time(value) -> str:
    """GOV.UK style times: 5pm, 9:30am."""
    if not value:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


_PK_PLACEHOLDER = 987654321


@register.simple_tag(takes_context=True)
def case_url(context, pk) -> str:
    """The case page's URL, as case.get_absolute_url(), reversing the pattern once per page rather than once
    per row of a long table."""
    cache = context.render_context
    parts = cache.get("_case_url_parts")
    if parts is None:
        parts = cache["_case_url_parts"] = reverse("cases:detail", args=[_PK_PLACEHOLDER]).split(str(_PK_PLACEHOLDER))
    return f"{parts[0]}{int(pk)}{parts[1]}"
