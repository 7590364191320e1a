"""The family's contact with the independent mediation adviser (C1; a decline starts C2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import deadlines
from cases import rules as case_rules
from cases.clock_services import fmt
from cases.models import Case, CaseEvent
from sendportal.models import User

from .. import date_rules, permissions
from ..models import (
    AdviserContact,
    MediationProvider,
)
from ._common import (
    _changes_text,
    _check_dates,
    _check_unchanged,
    _event,
    _reason_required,
    _recompute,
    _record_correction,
    _require,
)


def adviser_choices_for(case: Case) -> list[str]:
    """What the family can choose at the adviser: "placement only: information given" only when section I is the
    only part disputed (decision 14)."""
    choices: list[str] = [AdviserContact.Choice.MEDIATION, AdviserContact.Choice.NO_MEDIATION]
    if case_rules.case_is_placement_only(case):
        choices.append(AdviserContact.Choice.PLACEMENT_INFO)
    return choices


def _check_adviser_choice(case: Case, choice: str) -> None:
    if choice not in AdviserContact.Choice.values:
        raise ValidationError({"choice": "Choose what the family chose."})
    if choice not in adviser_choices_for(case):
        raise ValidationError(
            {
                "choice": "Placement only applies when section I is the only part of the plan disputed: this family "
                "needs a certificate, so choose mediation or a certificate only."
            }
        )


@transaction.atomic
def adviser_contact_record(
    *,
    case: Case,
    actor: User,
    contacted_on: date,
    choice: str,
    provider: MediationProvider | None = None,
    adviser_name: str = "",
) -> AdviserContact:
    """The family contacted the mediation adviser (C1: a late contact is flagged, not refused). Choosing no
    mediation starts the certificate clock (C2)."""
    _require(permissions.can_manage_referrals(actor))
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_adviser_choice(case, choice)
    if AdviserContact.objects.filter(case=case).exists():
        raise ValidationError("The adviser contact is already recorded for this case.")
    _check_dates(
        {"contacted_on": contacted_on, "decision_sent_on": case.decision_sent_on},
        date_rules.ADVISER_CONTACT,
        fields=["contacted_on"],
    )
    contact = AdviserContact.objects.create(
        case=case,
        contacted_on=contacted_on,
        choice=choice,
        provider=provider,
        adviser_name=adviser_name,
        recorded_by=actor,
    )
    late = case.decision_sent_on is not None and contacted_on > deadlines.adviser_contact_deadline(
        case.decision_sent_on
    )
    description = f"Family contacted the mediation adviser on {fmt(contacted_on)}: {contact.get_choice_display()}"
    if late:
        description += " (late: after the 2-month limit)"
    _event(case, actor, CaseEvent.Kind.REFERRAL, description, {"choice": choice, "late": late})
    _recompute(case, actor, "adviser contact recorded")
    contact.refresh_from_db()
    return contact


@transaction.atomic
def adviser_contact_correct(
    *,
    contact: AdviserContact,
    actor: User,
    contacted_on: date,
    choice: str,
    reason: str,
    expected: Mapping[str, str] | None = None,
) -> AdviserContact:
    """Correct the date of the family's contact with the adviser or what they chose, with a reason."""
    _require(permissions.can_manage_referrals(actor))
    reason = _reason_required(reason)
    contact = AdviserContact.objects.select_for_update().select_related("case").get(pk=contact.pk)
    _check_unchanged(
        {"contacted_on": contact.contacted_on, "choice": contact.choice},
        expected,
        {"contacted_on": "the date of contact", "choice": "what the family chose"},
    )
    case = contact.case
    _check_adviser_choice(case, choice)
    _check_dates(
        {"contacted_on": contacted_on, "decision_sent_on": case.decision_sent_on},
        date_rules.ADVISER_CONTACT,
        fields=["contacted_on"],
    )
    labels = {"contacted_on": "date of contact", "choice": "what the family chose"}
    old = {"contacted_on": contact.contacted_on, "choice": contact.get_choice_display()}
    contact.contacted_on, contact.choice = contacted_on, choice
    new = {"contacted_on": contacted_on, "choice": contact.get_choice_display()}
    changes = _changes_text(labels, old, new)
    if not changes:
        return contact
    contact.save(update_fields=["contacted_on", "choice"])
    _record_correction(
        case,
        actor,
        CaseEvent.Kind.REFERRAL,
        what="Adviser contact",
        changes=changes,
        reason=reason,
        data={"adviser_contact": contact.pk, "reason": reason},
    )
    contact.refresh_from_db()
    return contact
