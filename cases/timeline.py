"""The case timeline: the one way to append an event to a case's history (every service that changes a case
writes one)."""

from collections.abc import Mapping

from sendportal.models import User

from .models import Case, CaseEvent


def case_event_record(
    *, case: Case, actor: User | None, kind: str, description: str, data: Mapping[str, object] | None = None
) -> CaseEvent:
    """Append one entry to the case timeline."""
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, description=description[:500], data=data or {})
