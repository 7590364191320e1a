"""Reads for the team pages: who is covering whom, and the open cases a manager may move."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from .models import Case, Cover

REASSIGN_LIST_LIMIT = 200
"""The reassignment page lists at most this many of an officer's open cases to pick from ("all of them" moves
every one, however many)."""


def covers_held_by(user, *, today: date) -> list[Cover]:
    """The covers `user` is doing today, with the officer each is for."""
    return list(Cover.objects.current(today).filter(colleague=user).select_related("officer").order_by("officer_id"))


def is_covering(user, officer, *, today: date) -> bool:
    return Cover.objects.current(today).filter(colleague=user, officer=officer).exists()


def covering_map(*, today: date) -> dict[int, Cover]:
    """Officer id -> the cover in force today, with its colleague."""
    return {c.officer_id: c for c in Cover.objects.current(today).select_related("colleague")}


def covers_current_or_coming(*, today: date) -> QuerySet[Cover]:
    return Cover.objects.current_or_coming(today).select_related("officer", "colleague", "created_by")


def covers_past(*, today: date, limit: int = 20) -> list[Cover]:
    """The most recent covers that have ended (by date or early)."""
    return list(
        Cover.objects.filter(Q(ends_on__lt=today) | Q(ended_early_at__isnull=False))
        .select_related("officer", "colleague", "ended_early_by")
        .order_by("-ends_on", "-id")[:limit]
    )


def open_cases_of(officer) -> QuerySet[Case]:
    """An officer's open cases (None: the unassigned ones), oldest first."""
    qs = Case.objects.open()
    qs = qs.filter(officer=officer) if officer is not None else qs.filter(officer__isnull=True)
    return qs.order_by("created_at", "pk")
