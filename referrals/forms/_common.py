"""What the pathway's forms share: the base form (a crispy helper without its own <form> tag, ids prefixed so several
forms can share a page), readable labels for the clock engine's kinds, and the issues an outcome covers."""

from __future__ import annotations

from crispy_forms.helper import FormHelper

from cases.deadlines import OrderKind, UnopposedAppealKind
from cases.models import Decision

from ..models import PlanIssue, Referral

RS = Referral.Status

# Readable labels for the clock engine's order kinds (cases.deadlines keeps plain values).
ORDER_KIND_LABELS = {
    OrderKind.CEASE_APPEAL_DISMISSED: "Appeal against ceasing the plan dismissed: cease to maintain",
    OrderKind.ASSESS: "Carry out an EHC needs assessment",
    OrderKind.REASSESS: "Carry out a re-assessment",
    OrderKind.MAKE_AND_MAINTAIN_PLAN: "Make and maintain an EHC plan",
    OrderKind.AMEND_CONTENTS: "Amend the contents of the plan",
    OrderKind.CHANGE_NAMED_SCHOOL: "Change the school or setting named in the plan",
    OrderKind.CONTINUE_TO_MAINTAIN: "Continue to maintain the plan",
    OrderKind.RECONSIDER: "Reconsider (case referred back)",
}
UNOPPOSED_KIND_LABELS = {
    UnopposedAppealKind.ASSESS: "Refusal to assess",
    UnopposedAppealKind.REASSESS: "Refusal to re-assess",
    UnopposedAppealKind.CONTENT: "Content of the plan (sections B and F)",
    UnopposedAppealKind.REFUSAL_TO_AMEND: "Refusal to amend the plan",
    UnopposedAppealKind.PLACEMENT_ONLY: "Placement only (section I)",
    UnopposedAppealKind.CONTENT_AND_PLACEMENT: "Content and placement",
    UnopposedAppealKind.REFUSAL_TO_ISSUE: "Refusal to issue a plan",
    UnopposedAppealKind.CEASE: "Decision to cease to maintain the plan",
}


def _labelled(enum, labels: dict) -> list[tuple[str, str]]:
    """Every member of the engine's enum, with a readable label (a new member still appears, by its value)."""
    return [(member.value, labels.get(member, member.value.replace("_", " ").capitalize())) for member in enum]


ORDER_KIND_CHOICES = _labelled(OrderKind, ORDER_KIND_LABELS)
UNOPPOSED_KIND_CHOICES = _labelled(UnopposedAppealKind, UNOPPOSED_KIND_LABELS)
ISSUER_ROLES = [("Mediator", "Mediator"), ("Mediation adviser", "Mediation adviser")]

# Decisions that are themselves an issue in dispute (rather than plan sections).
DECISION_ISSUES = {Decision.RTA, Decision.RTI, Decision.RTR, Decision.RTAM, Decision.CEASE}


def issues_for(case, referral) -> list[str]:
    """The issues an outcome can be recorded against for this case, in PlanIssue order."""
    found = {s for s in ("B", "F", "I") if s in (case.sections_disputed or [])}
    if case.health_involved or referral.health_issues:
        found.add(PlanIssue.HEALTH)
    if case.social_care_involved:
        found.add(PlanIssue.SOCIAL_CARE)
    if case.decision in DECISION_ISSUES or not found:
        found.add(PlanIssue.DECISION)
    return [issue for issue in PlanIssue.values if issue in found]


def _provider_choices(providers, *, keep) -> list[tuple]:
    """Choices from an already-fetched provider list (no query when the form renders)."""
    return [("", "Choose a provider")] + [(p.pk, p.name) for p in providers if keep(p)]


class PathwayForm:
    """Mixin: a crispy helper without its own <form> tag, and ids prefixed so several forms can share a page."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self):
        # The forms only parse input: the service validates the whole change and saves it.
        pass
