"""Notes shared between the LA and the assigned mediator."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models import CaseEvent, CaseNote
from sendportal.models import User

from .. import permissions
from ..models import (
    Referral,
)
from ._common import _event, _require


@transaction.atomic
def referral_note_add(*, referral: Referral, actor: User, text: str) -> CaseNote:
    """A note shared between the LA and the assigned mediator. Shared notes only: internal notes stay with the LA
    (the mediator never sees them and has no case-note permission)."""
    _require(permissions.can_act_on_referral(actor, referral))
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    note = CaseNote.objects.create(
        case=referral.case, author=actor, text=text.strip(), visibility=CaseNote.Visibility.SHARED
    )
    name = actor.display_name
    _event(
        referral.case,
        actor,
        CaseEvent.Kind.NOTE_ADDED,
        f"Shared note added by {name}",
        {"note": note.pk, "referral": referral.pk},
    )
    return note
