"""The management figures, worked out at most once every few minutes for each choice of period and officer and
kept in the database (dashboards.models.FiguresSnapshot), so every app server serves the same figures.

Reading them is one query; writing them is one UPDATE (or, the first time a choice is made, an UPDATE and an
INSERT). Django's database cache did the same job in five statements per write (a row count to decide whether to
cull, then a transaction reading the old row and writing the new one): see the README's benchmark section.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from .models import FiguresSnapshot


def fresh_for() -> timedelta:
    """How long kept figures are served (settings.DASHBOARD_FIGURES_SECONDS; 0: worked out on every request)."""
    return timedelta(seconds=settings.DASHBOARD_FIGURES_SECONDS)


logger = logging.getLogger("sendportal.dashboards")


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def figures_for(choice: Any, signature: Any, compute: Callable[[], Any]) -> tuple[Any, datetime]:
    """The figures for `choice` (what the manager chose) and when they were worked out: the kept ones if they
    were worked out for the same `signature` (what else they depend on: the day, the officers) less than
    fresh_for() ago, otherwise `compute()`'s, which are then kept. Both arguments are identified by their repr()."""
    key, sig = _digest(choice), _digest(signature)
    now = timezone.now()
    kept = (
        FiguresSnapshot.objects.filter(key=key, signature=sig, worked_out_at__gt=now - fresh_for())
        .values_list("figures", "worked_out_at")
        .first()
    )
    if kept is not None:
        try:
            return pickle.loads(bytes(kept[0])), kept[1]  # noqa: S301 (written only by _keep below)
        except Exception:  # noqa: BLE001 (kept by an earlier release whose classes have changed: work them out)
            logger.warning("management figures kept for %s could not be read; working them out again", key[:8])
    figures = compute()
    _keep(key, sig, now, pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL))
    return figures, now


def _keep(key: str, signature: str, now: datetime, blob: bytes) -> None:
    values = {"signature": signature, "worked_out_at": now, "figures": blob}
    if FiguresSnapshot.objects.filter(key=key).update(**values):
        return
    try:
        FiguresSnapshot.objects.create(key=key, **values)
    except IntegrityError:  # another server kept the same choice's figures a moment ago: theirs will do
        logger.info("management figures for %s were kept by another server first", key[:8])


def forget_all() -> None:
    """Drop every kept figure (the next page works them out afresh)."""
    FiguresSnapshot.objects.all().delete()
