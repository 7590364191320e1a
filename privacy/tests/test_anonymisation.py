"""The anonymisation map decides every field of every model that hangs off a case, and the docs list each one."""

from pathlib import Path

import pytest
from auditlog.registry import auditlog
from django.conf import settings

from cases.models import CaseEvent
from privacy.anonymisation import CASE_ROWS, CLEARED, DELETED_MODELS, EVENT_REWRITTEN, KEPT, safe_event

DOCS = Path(settings.BASE_DIR) / "docs" / "retention.md"


def _concrete(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _models():
    return sorted({*CLEARED, *KEPT, *DELETED_MODELS}, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_every_field_is_either_cleared_or_kept(model):
    if model in DELETED_MODELS:
        assert model not in KEPT and model not in CLEARED
        return
    cleared = set(CLEARED.get(model, ("", {}))[1]) | (EVENT_REWRITTEN if model is CaseEvent else set())
    kept = KEPT.get(model, set())
    assert not cleared & kept, f"{model._meta.label}: both cleared and kept: {cleared & kept}"
    assert cleared | kept == _concrete(model), (
        f"{model._meta.label}: decide these fields in privacy/anonymisation.py: {_concrete(model) - cleared - kept}; "
        f"no such fields: {(cleared | kept) - _concrete(model)}"
    )


def test_every_model_with_rows_of_a_case_is_covered():
    from django.apps import apps

    from cases.models import Case

    def belongs_to_a_case(model) -> bool:
        return any(
            (field.many_to_one or field.one_to_one) and getattr(field, "related_model", None) is Case
            for field in model._meta.get_fields()
        )

    apps_with_cases = ("cases", "referrals", "letters", "documents", "privacy")
    owned = {m for m in apps.get_models() if belongs_to_a_case(m) and m._meta.app_label in apps_with_cases}
    assert owned <= set(_models()), f"decide how these are anonymised: {owned - set(_models())}"
    # ...and the access log (and the audit scrub) reads every one of them the audit log records.
    audited = {m for m in owned if auditlog.contains(m)}
    assert audited <= set(CASE_ROWS), f"add to CASE_ROWS: {audited - set(CASE_ROWS)}"


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_the_docs_name_every_field(model):
    text = DOCS.read_text()
    for name in _concrete(model):
        assert f"`{name}`" in text, f"docs/retention.md does not mention {model._meta.label}.{name}"


def test_a_status_change_keeps_its_two_statuses_and_nothing_else():
    description, data = safe_event("status_changed", {"from": "triaged", "to": "withdrawn", "reason": "Mrs Okafor"})
    assert description == "Status changed from Triaged to Withdrawn by the family"
    assert data == {"from": "triaged", "to": "withdrawn"}


def test_other_entries_keep_their_kind_and_lose_free_text_and_dates_of_birth():
    description, data = safe_event(
        "updated", {"fields": ["child_date_of_birth"], "dates": {"child_date_of_birth": ["2016-05-14", "2016-05-15"]}}
    )
    assert description == "Details changed (details removed when the case was anonymised)"
    assert data == {"fields": ["child_date_of_birth"]}
