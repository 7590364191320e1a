"""The case page's panel registry (cases.panels): other apps add sections and clock actions to the case page;
the case page renders what their selectors return and knows nothing else of them."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest

from cases import deadlines, panels
from cases.clock_display import ClockRow
from cases.models import Deadline


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' own registrations come back afterwards)."""
    monkeypatch.setattr(panels, "_panels", {})
    monkeypatch.setattr(panels, "_clock_actions", [])
    return panels


@dataclass(frozen=True)
class Shown:
    who: str


def _panel(name, slot=panels.MAIN, order=100, show=True):
    def build(*, user, case, forms):
        return Shown(f"{name} for {user.username} on {case.reference} with {sorted(forms)}") if show else None

    return panels.CasePanel(name=name, template=f"{name}.html", build=build, slot=slot, order=order)


def test_panels_are_shown_by_slot_then_order_then_name_with_what_their_selector_returned(registry):
    registry.register(_panel("letters", order=70))
    registry.register(_panel("mediation", order=50))
    registry.register(_panel("documents", order=70))
    registry.register(_panel("next_step", slot=panels.TOP))
    registry.register(_panel("contacts", slot=panels.ASIDE))
    user, case = SimpleNamespace(username="olivia"), SimpleNamespace(reference="SEND-2026-00001")

    shown = registry.panels_for(user=user, case=case, forms={"refer_form": object()})

    assert [p.name for p in shown[panels.MAIN]] == ["mediation", "documents", "letters"]
    assert [p.name for p in shown[panels.TOP]] == ["next_step"]
    assert [p.name for p in shown[panels.ASIDE]] == ["contacts"]
    assert shown[panels.MAIN][0].template == "mediation.html"
    assert shown[panels.MAIN][0].data == Shown("mediation for olivia on SEND-2026-00001 with ['refer_form']")


def test_a_panel_whose_selector_returns_none_is_not_shown_and_a_name_registered_again_replaces_it(registry):
    registry.register(_panel("mediation"))
    registry.register(_panel("mediation", show=False))
    registry.register(_panel("documents"))
    shown = registry.panels_for(user=SimpleNamespace(username="m"), case=SimpleNamespace(reference="R"), forms={})
    assert [p.name for p in shown[panels.MAIN]] == ["documents"]


def test_an_unknown_slot_is_refused_at_registration(registry):
    with pytest.raises(ValueError, match="Unknown case page slot 'footer'"):
        registry.register(_panel("letters", slot="footer"))
    assert registry.registered() == []


def _row(clock, state=Deadline.State.OPEN):
    deadline = Deadline(clock=clock, key=clock, due_on=date(2026, 10, 15), state=state, binds=Deadline.Binds.LA)
    return ClockRow(deadline, "in 5 working days", "later", "rule", "source", "")


class Perms(SimpleNamespace):
    def has_perm(self, perm):
        return perm in self.perms


def test_open_rows_of_an_actions_clocks_carry_its_url_for_people_with_its_permission(registry):
    step = next(iter(sorted(deadlines.DONE_ON_CASE_PAGE)))
    registry.register_clock_action(
        panels.ClockAction(clocks=frozenset({step}), permission="app.record_step", url_name="app:step_done")
    )
    other = deadlines.ClockCode.C1
    rows = [_row(step), _row(step, Deadline.State.MET), _row(other)]

    allowed = registry.with_clock_actions(rows, user=Perms(perms={"app.record_step"}))
    refused = registry.with_clock_actions(rows, user=Perms(perms=set()))

    assert [r.action for r in allowed] == ["app:step_done", "", ""]
    assert [r.action for r in refused] == ["", "", ""]
    assert [r.deadline for r in allowed] == [r.deadline for r in rows]


def test_the_pathway_registers_its_mediation_panel_and_the_tribunal_steps(db):
    names = {p.name: p for p in panels.registered()}
    assert names["mediation"].template == "referrals/_case_panel.html" and names["mediation"].slot == panels.MAIN
    assert any(
        a.url_name == "referrals:compliance_done" and a.clocks == deadlines.DONE_ON_CASE_PAGE
        for a in panels._clock_actions
    )
