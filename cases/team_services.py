"""Managers' work on the team: moving many cases to another officer in one step, and a colleague covering an
officer's work while they are away. Every change is recorded: reassignments on each case's timeline (and in the
audit log, as any change of officer), covers in the audit log."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sendportal.models import User

from .models import CaseQuerySet, Cover
from .services import case_assign_officer

TEAM_PERMISSION = "cases.view_team_work"
HOLDS_CASES = "cases.change_case_status"
MAX_COVER_DAYS = 366


def can_manage_team(user: User) -> bool:
    return user.has_perm(TEAM_PERMISSION) and user.has_perm("cases.assign_officer")


@transaction.atomic
def cases_reassign(*, actor: User, cases: CaseQuerySet, officer: User, reason: str) -> int:
    """Give every open case in `cases` to `officer`, with `reason` on each case's timeline; their clocks go with
    them. Cases already theirs are left alone. Returns how many cases moved. All or nothing."""
    if not can_manage_team(actor):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Enter why these cases are being reassigned."})
    if not officer.is_active or not officer.has_perm(HOLDS_CASES):
        raise ValidationError({"to_officer": "That person cannot hold cases."})
    moved = 0
    for case in cases.open().exclude(officer=officer).order_by("pk"):
        case_assign_officer(case=case, actor=actor, officer=officer, reason=reason)
        moved += 1
    return moved


def _check_cover(*, officer: User, colleague: User, starts_on: date, ends_on: date, today: date) -> None:
    errors: dict[str, str] = {}
    if colleague.pk == officer.pk:
        errors["colleague"] = "Choose a colleague other than the officer who is away."
    elif not colleague.is_active or not colleague.has_perm(HOLDS_CASES):
        errors["colleague"] = "That person cannot hold cases."
    if ends_on < starts_on:
        errors["ends_on"] = "The last day of cover must be the same as or after the first day."
    elif ends_on < today:
        errors["ends_on"] = "The last day of cover must be today or later: a cover in the past would do nothing."
    elif (ends_on - starts_on).days >= MAX_COVER_DAYS:
        errors["ends_on"] = "Cover can last at most a year: reassign the cases instead."
    if errors:
        raise ValidationError(errors)
    overlapping = (
        Cover.objects.select_for_update()
        .select_related("colleague")
        .filter(ended_early_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .filter(Q(officer=officer) | Q(officer=colleague) | Q(colleague=officer))
    )
    for other in overlapping:
        if other.officer_id == officer.pk:
            covering = other.colleague.display_name
            raise ValidationError(
                {"starts_on": f"{officer.display_name} already has cover from {covering} in those dates."}
            )
        if other.officer_id == colleague.pk:
            raise ValidationError({"colleague": f"{colleague.display_name} is away themselves in those dates."})
        raise ValidationError({"officer": f"{officer.display_name} is covering for someone else in those dates."})


@transaction.atomic
def cover_add(
    *, actor: User, officer: User, colleague: User, starts_on: date, ends_on: date, reason: str, today: date
) -> Cover:
    """`colleague` covers `officer` from `starts_on` to `ends_on`. An officer has one cover at a time; nobody
    covers while away, or for someone who is covering."""
    if not can_manage_team(actor):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Enter why cover is needed, for example annual leave."})
    _check_cover(officer=officer, colleague=colleague, starts_on=starts_on, ends_on=ends_on, today=today)
    return Cover.objects.create(
        officer=officer,
        colleague=colleague,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason[:200],
        created_by=actor,
    )


@transaction.atomic
def cover_end(*, actor: User, cover: Cover, today: date) -> Cover:
    """End a cover now (the officer is back early, or it was set up by mistake)."""
    if not can_manage_team(actor):
        raise PermissionDenied
    cover = Cover.objects.select_for_update().get(pk=cover.pk)
    if cover.ended_early_at is not None or cover.ends_on < today:
        raise ValidationError("This cover has already ended.")
    cover.ended_early_at = timezone.now()
    cover.ended_early_by = actor
    cover.save(update_fields=["ended_early_at", "ended_early_by"])
    return cover
