"""The case page's panels: sections that other apps add to the case page, so the case page knows nothing of them.

How to add a panel (the mediation panel, `referrals.case_panel`, is a worked example):

1. Write a selector that reads what the panel shows and decides what this person may do there:
       def documents_panel(*, user, case, forms) -> DocumentsPanel | None
   It returns a frozen dataclass (None: the panel is not shown to this person), reads with a fixed number of
   queries however much the case holds, and has its own tests. `forms` holds a form that failed (below) under its
   key: hand it back in the dataclass so its messages are shown.
2. Write a template that only renders the dataclass. It gets `panel` (the dataclass) and the page's context
   (`case`, `csrf_token`, `perms`). Use the components and patterns of the other panels.
3. Register it from your app's AppConfig.ready():
       from cases import panels
       panels.register(panels.CasePanel(name="documents", template="cases/_documents_panel.html",
                                        build=documents_panel, slot=panels.MAIN, order=60))
   `slot` is where on the page: TOP (above the clocks), MAIN (the main column, after the case's details: the
   mediation panel is order 50, the notes follow every MAIN panel), ASIDE (the side column, before the timeline),
   or INTAKE (on the intake form, above its Save button: `case` is None for a new case).
   Within a slot panels are shown by `order`, then name.
4. A view that takes one of the panel's forms shows the case page again when the form or the service refuses:
       return case_page.with_errors(request, case, documents_form=form)     # cases.case_page, HTTP 400
   The case page's error summary lists the form's messages and the form comes back to step 1 in `forms`.

A clock on the clock list can carry an action another app owns (a Tribunal compliance step recorded as done):
register a `ClockAction` for its clock codes; the row shows the action's date form, posting to its URL.

The case page's query-count tests cover every registered panel: a panel that reads per row fails them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

TOP = "top"
MAIN = "main"
ASIDE = "aside"
INTAKE = "intake"  # the intake form (a new case, or its details edited): `build` gets case=None for a new case
SLOTS = (TOP, MAIN, ASIDE, INTAKE)
CASE_PAGE_SLOTS = (TOP, MAIN, ASIDE)


@dataclass(frozen=True)
class CasePanel:
    """One section of the case page: `build(user=, case=, forms=)` returns the dataclass `template` renders."""

    name: str
    template: str
    build: Callable[..., Any]
    slot: str = MAIN
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    """A panel as the case page shows it: its template and what its selector returned."""

    name: str
    template: str
    data: Any


@dataclass(frozen=True)
class ClockAction:
    """A step done from the case's clock list: rows of these clocks that are still open get a date form posting
    to `url_name` (with the case's id), for people with `permission`."""

    clocks: frozenset
    permission: str
    url_name: str


_panels: dict[str, CasePanel] = {}
_clock_actions: list[ClockAction] = []


def register(panel: CasePanel) -> None:
    """Add a panel to the case page (from an AppConfig.ready()). Registering the same name again replaces it."""
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown case page slot {panel.slot!r} for panel {panel.name!r}: use one of {SLOTS}")
    _panels[panel.name] = panel


def register_clock_action(action: ClockAction) -> None:
    """Give the clock list's rows of some clocks an action (from an AppConfig.ready())."""
    if action not in _clock_actions:
        _clock_actions.append(action)


def registered() -> list[CasePanel]:
    return sorted(_panels.values(), key=lambda p: (SLOTS.index(p.slot), p.order, p.name))


def panels_for(*, user, case, forms: Mapping[str, Any], slots=CASE_PAGE_SLOTS) -> dict[str, list[ShownPanel]]:
    """Every registered panel of these slots this person sees on this case, by slot, in order."""
    shown: dict[str, list[ShownPanel]] = {slot: [] for slot in slots}
    for panel in registered():
        if panel.slot not in slots:
            continue
        data = panel.build(user=user, case=case, forms=forms)
        if data is not None:
            shown[panel.slot].append(ShownPanel(panel.name, panel.template, data))
    return shown


def with_clock_actions(rows: Iterable, *, user) -> list:
    """The clock rows, each open one of a clock with an action this person may take carrying that action's URL
    name (`row.action`); the others unchanged."""
    actions = [a for a in _clock_actions if user.has_perm(a.permission)]
    result = []
    for row in rows:
        action = next((a for a in actions if row.deadline.clock in a.clocks), None)
        result.append(replace(row, action=action.url_name) if action and row.deadline.is_open else row)
    return result
