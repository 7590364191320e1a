"""Writes for letters: recording a letter as sent keeps its text on the case and puts it on the timeline."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.clock_services import fmt
from cases.models import Case, CaseEvent
from cases.timeline import case_event_record
from sendportal.models import User

from . import permissions, selectors
from .models import Letter


@transaction.atomic
def letter_record_sent(*, case: Case, actor: User, kind: str, recipient: str, method: str, sent_on: date) -> Letter:
    """Record that the letter of ``kind`` was sent: the text kept is the one the portal drafts now (never text
    posted by the browser), with the date, recipient and method; the timeline says so."""
    if not permissions.can_draft_letters(actor):
        raise PermissionDenied
    case = Case.objects.select_for_update(of=("self",)).select_related("officer").get(pk=case.pk)
    recipient = " ".join(recipient.split())
    errors = {}
    if not recipient:
        errors["recipient"] = "Enter who the letter was sent to."
    if method not in Letter.Method.values:
        errors["method"] = "Choose how the letter was sent."
    today = timezone.localdate()
    if sent_on > today:
        errors["sent_on"] = "The date sent cannot be in the future."
    elif case.first_contact_on and sent_on < case.first_contact_on:
        errors["sent_on"] = f"The date sent cannot be before the family's first contact ({fmt(case.first_contact_on)})."
    if errors:
        raise ValidationError(errors)
    draft = selectors.letter_draft(case, actor, kind, today=sent_on)
    letter = Letter.objects.create(
        case=case,
        kind=kind,
        recipient=recipient[:200],
        method=method,
        sent_on=sent_on,
        subject=draft.subject[:500],
        body=draft.body,
        sent_by=actor,
    )
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.LETTER,
        description=f"Letter sent: {letter.get_kind_display()}, to {letter.recipient} "
        f"{letter.get_method_display().lower()} on {fmt(sent_on)}",
        data={"letter": letter.pk},
    )
    return letter
