"""Writes for data protection: legal holds, the retention schedule (anonymise, then delete) and the record of a
subject-access export. Each runs in one transaction; each change to a case writes its timeline.

The retention steps work on a batch of cases at a time with set-based statements (one UPDATE per model for the
whole batch), re-select the batch under a row lock so a legal hold placed a moment earlier is respected, and
record every case they touch in RetentionAction (case id and step, never a name). Audit logging is switched off
while they run: the audit library would otherwise copy the very values being removed into new log entries.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from auditlog.cid import get_cid
from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseNote
from cases.timeline import case_event_record
from dashboards.exports import log_export
from documents.models import Document
from referrals.models import Certificate
from sendportal.models import User

from . import permissions, rules, selectors
from .anonymisation import CASE_ROWS, CLEARED, case_filter, safe_event
from .models import CaseRetention, RetentionAction

HOLD_REASON_MISSING = "Give the reason for the legal hold, for example the claim or the request it is for."
LIFT_REASON_MISSING = "Give the reason the legal hold can be lifted."
ALREADY_HELD = "This case is already on legal hold."
NOT_HELD = "This case is not on legal hold."
REMOVED_VALUE = "[removed]"
IN_CHUNK = 500
"""Ids per IN (...) list when scrubbing the audit log, well inside every database's limit on parameters."""


def _who(user: User | None) -> str:
    return user.display_name if user else "the command line"


def _lock_case(case: Case) -> None:
    """Take the case's row lock: legal holds and the retention steps queue on it, so a hold placed while the
    schedule runs either lands first (and the case is left alone) or after (on what the schedule left)."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()


# --- Legal holds ---------------------------------------------------------------------------------------------


def _hold_reason(actor: User, reason: str, *, missing: str) -> str:
    """The reason given for placing or lifting a legal hold, stripped; refused when the actor may not manage holds
    or gave no reason (`missing` says which reason is wanted)."""
    if not permissions.can_manage_legal_hold(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": missing})
    return reason


def _hold_event(*, case: Case, actor: User, hold: bool, reason: str) -> None:
    case_event_record(
        case=case,
        actor=actor,
        kind=CaseEvent.Kind.LEGAL_HOLD,
        description=f"Legal hold {'placed' if hold else 'lifted'}: {reason}",
        data={"hold": hold},
    )


@transaction.atomic
def legal_hold_place(*, case: Case, actor: User, reason: str) -> CaseRetention:
    """Put a case on legal hold: the retention schedule then neither anonymises nor deletes it."""
    reason = _hold_reason(actor, reason, missing=HOLD_REASON_MISSING)
    _lock_case(case)
    retention, _ = CaseRetention.objects.get_or_create(case=case)
    if retention.legal_hold:
        raise ValidationError(ALREADY_HELD)
    retention.legal_hold, retention.hold_reason = True, reason
    retention.hold_by, retention.hold_since = actor, timezone.now()
    retention.full_clean()
    retention.save()
    _hold_event(case=case, actor=actor, hold=True, reason=reason)
    return retention


@transaction.atomic
def legal_hold_lift(*, case: Case, actor: User, reason: str) -> CaseRetention:
    """Lift a legal hold: the retention schedule applies to the case again from its next run."""
    reason = _hold_reason(actor, reason, missing=LIFT_REASON_MISSING)
    _lock_case(case)
    retention = CaseRetention.objects.filter(case=case).first()
    if retention is None or not retention.legal_hold:
        raise ValidationError(NOT_HELD)
    retention.legal_hold, retention.hold_reason, retention.hold_by, retention.hold_since = False, "", None, None
    retention.save()
    _hold_event(case=case, actor=actor, hold=False, reason=reason)
    return retention


# --- The retention schedule ----------------------------------------------------------------------------------


def _locked(qs: QuerySet[Case], case_ids: Iterable[int]) -> list[int]:
    """The cases of `case_ids` still due (re-selected from `qs` under their row locks), in id order."""
    return list(qs.filter(pk__in=list(case_ids)).select_for_update().order_by("pk").values_list("pk", flat=True))


def _owned_rows(case_ids: list[int]) -> dict[type[Model], dict[int, int]]:
    """For every model whose rows belong to a case: {row id: case id} for these cases."""
    owned: dict[type[Model], dict[int, int]] = {}
    for model, path in CASE_ROWS.items():
        case_field = f"{path}_id" if path else "pk"
        rows = model._default_manager.filter(**case_filter(path, case_ids)).values_list("pk", case_field)
        owned[model] = dict(rows)
    return owned


def _chunks(values: list[int], size: int = IN_CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _audit_entries(owned: dict[type[Model], dict[int, int]]) -> Iterator[tuple[Any, dict[int, int], type[Model]]]:
    """(entries queryset, {row id: case id}) per model, IN lists kept short."""
    for model, rows in owned.items():
        if not rows:
            continue
        content_type = ContentType.objects.get_for_model(model)
        for ids in _chunks(list(rows)):
            yield LogEntry.objects.filter(content_type=content_type, object_id__in=ids), rows, model


def _scrub_audit_log(owned: dict[type[Model], dict[int, int]]) -> Counter[int]:
    """Remove the values the audit log copied from these rows (old names, addresses, note text): each entry keeps
    who, when, what action and which fields changed, with the values replaced. Returns entries per case."""
    per_case: Counter[int] = Counter()
    for entries, rows, model in _audit_entries(owned):
        label = str(model._meta.verbose_name).capitalize()
        changed = []
        for entry in entries.only("pk", "object_id", "changes", "changes_text", "serialized_data", "object_repr"):
            entry.object_repr = f"{label} {entry.object_id} (anonymised)"
            if entry.changes:
                entry.changes = {field: [REMOVED_VALUE, REMOVED_VALUE] for field in entry.changes}
            entry.changes_text = ""
            entry.serialized_data = None
            changed.append(entry)
            per_case[rows[entry.object_id]] += 1
        LogEntry.objects.bulk_update(
            changed, ["object_repr", "changes", "changes_text", "serialized_data"], batch_size=IN_CHUNK
        )
    return per_case


def _delete_audit_log(owned: dict[type[Model], dict[int, int]]) -> Counter[int]:
    per_case: Counter[int] = Counter()
    for entries, rows, _model in _audit_entries(owned):
        for object_id in entries.values_list("object_id", flat=True):
            per_case[rows[object_id]] += 1
        entries.delete()
    return per_case


def _certificate_files(case_ids: list[int]) -> dict[int, list[str]]:
    files = defaultdict(list)
    for case_id, name in Certificate.objects.filter(case_id__in=case_ids).exclude(pdf="").values_list("case_id", "pdf"):
        files[case_id].append(name)
    return files


def _take_documents(case_ids: list[int]) -> dict[int, list[str]]:
    """Delete the cases' documents; their files (returned by case) go last, as the certificates' do."""
    documents = Document.objects.filter(case_id__in=case_ids)
    files = defaultdict(list)
    for case_id, name in documents.values_list("case_id", "file"):
        files[case_id].append(name)
    documents.delete()
    return files


def _delete_document_files(files: dict[int, list[str]]) -> None:
    storage = Document._meta.get_field("file").storage
    for names in files.values():
        for name in names:
            storage.delete(name)


def _delete_files(files: dict[int, list[str]]) -> None:
    """Delete the certificate PDFs, once no remaining certificate refers to the file. Called last inside the
    transaction: should the commit then fail, the case is still due and the next run finishes it (a missing file
    is no error)."""
    storage = Certificate._meta.get_field("pdf").storage
    names = {name for names in files.values() for name in names}
    still_used = set(Certificate.objects.filter(pdf__in=names).values_list("pdf", flat=True)) if names else set()
    for name in names - still_used:
        storage.delete(name)


@transaction.atomic
def retention_anonymise(
    *, case_ids: Iterable[int], today: date, policy: rules.RetentionPolicy, run: uuid.UUID
) -> list[int]:
    """Anonymise those of `case_ids` that are due (privacy.anonymisation says field by field what goes), keeping
    every row and field the dashboards and SEN2 figures read. Returns the ids anonymised."""
    with disable_auditlog():
        ids = _locked(selectors.due_for_anonymisation(today, policy), case_ids)
        if not ids:
            return []
        facts = dict(
            (pk, (closed_on, born))
            for pk, closed_on, born in Case.objects.filter(pk__in=ids).values_list(
                "pk", "closed_on", "child_date_of_birth"
            )
        )
        owned = _owned_rows(ids)
        files = _certificate_files(ids)
        audit = _scrub_audit_log(owned)
        notes = Counter(CaseNote.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
        CaseNote.objects.filter(case_id__in=ids).delete()
        documents = _take_documents(ids)
        now = timezone.now()
        for model, (path, fields) in CLEARED.items():
            extra = {"updated_at": now} if model is Case else {}
            model._default_manager.filter(**case_filter(path, ids)).update(**fields, **extra)
        events = Counter(_rewrite_timeline(ids))
        retained = {row.case_id: row for row in CaseRetention.objects.filter(case_id__in=ids)}
        delete_due: dict[int, date] = {}
        for pk in ids:
            closed_on, born = facts[pk]
            assert closed_on is not None, "only closed cases are due for anonymisation"
            delete_due[pk] = rules.delete_due_on(closed_on=closed_on, date_of_birth=born, policy=policy)
            row = retained.get(pk) or CaseRetention(case_id=pk)
            row.stage, row.anonymised_at, row.delete_due_on = CaseRetention.Stage.ANONYMISED, now, delete_due[pk]
            retained[pk] = row
        CaseRetention.objects.bulk_create([row for row in retained.values() if row.pk is None])
        CaseRetention.objects.bulk_update(
            [row for row in retained.values() if row.pk is not None], ["stage", "anonymised_at", "delete_due_on"]
        )
        CaseEvent.objects.bulk_create(
            [
                CaseEvent(
                    case_id=pk,
                    actor=None,
                    kind=CaseEvent.Kind.ANONYMISED,
                    created_at=now,
                    description="Anonymised under the retention schedule: names, contact details, date of birth, "
                    "free text, documents and certificate PDFs removed",
                    data={"run": str(run)},
                )
                for pk in ids
            ]
        )
        _record_step(
            ids,
            step=RetentionAction.Step.ANONYMISED,
            run=run,
            now=now,
            details=lambda pk: {
                "notes_deleted": notes[pk],
                "documents_deleted": len(documents.get(pk, [])),
                "certificate_files_deleted": len(files.get(pk, [])),
                "timeline_entries_rewritten": events[pk],
                "audit_entries_scrubbed": audit[pk],
                "delete_due_on": delete_due[pk].isoformat(),
            },
        )
        _delete_files(files)
        _delete_document_files(documents)
    return ids


def _record_step(
    ids: list[int], *, step: str, run: uuid.UUID, now: datetime, details: Callable[[int], dict[str, Any]]
) -> None:
    """One RetentionAction for each case a step touched (its id, never a name), with what was done to it."""
    RetentionAction.objects.bulk_create(
        [RetentionAction(case_id=pk, step=step, run=run, happened_at=now, details=details(pk)) for pk in ids]
    )


def _rewrite_timeline(case_ids: list[int]) -> list[int]:
    """Rewrite the timeline entries of these cases (anonymisation.safe_event); returns the case id of each."""
    changed = []
    for event in CaseEvent.objects.filter(case_id__in=case_ids).only("pk", "case_id", "kind", "description", "data"):
        event.description, event.data = safe_event(event.kind, event.data)
        changed.append(event)
    CaseEvent.objects.bulk_update(changed, ["description", "data"], batch_size=IN_CHUNK)
    return [event.case_id for event in changed]


@transaction.atomic
def retention_delete(
    *, case_ids: Iterable[int], today: date, policy: rules.RetentionPolicy, run: uuid.UUID
) -> list[int]:
    """Delete those of `case_ids` that are due, with every row that belongs to them (the timeline, clocks,
    referrals, sessions, outcomes, certificates and their PDFs, appeals) and the audit log entries about them.
    Returns the ids deleted."""
    with disable_auditlog():
        ids = _locked(selectors.due_for_deletion(today, policy), case_ids)
        if not ids:
            return []
        owned = _owned_rows(ids)
        files = _certificate_files(ids)
        audit = _delete_audit_log(owned)
        certificates = Certificate.objects.filter(case_id__in=ids)
        certificates.exclude(replaces=None).update(replaces=None)  # corrections protect what they replace
        certificates.delete()
        documents = _take_documents(ids)
        Case.objects.filter(pk__in=ids).delete()
        now = timezone.now()
        _record_step(
            ids,
            step=RetentionAction.Step.DELETED,
            run=run,
            now=now,
            details=lambda pk: {
                "certificate_files_deleted": len(files.get(pk, [])),
                "documents_deleted": len(documents.get(pk, [])),
                "audit_entries_deleted": audit[pk],
            },
        )
        _delete_files(files)
        _delete_document_files(documents)
    return ids


class RetentionStuck(RuntimeError):
    """A batch of due cases stayed due after its step ran: stop rather than loop."""


@dataclass
class RetentionRun:
    run: uuid.UUID
    deleted: int = 0
    anonymised: int = 0
    batches: int = 0


def retention_apply(
    *,
    today: date,
    policy: rules.RetentionPolicy,
    batch_size: int = 100,
    on_batch: Callable[[str, int], None] | None = None,
) -> RetentionRun:
    """Run the schedule: delete what is due, then anonymise what is due, `batch_size` cases per transaction.

    Safe to interrupt (each batch commits on its own; what is left is still due next time) and to run again
    (a case is picked only while it is due, so nothing is done twice)."""
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    result = RetentionRun(run=uuid.uuid4())
    steps = (
        (rules.Step.DELETE, selectors.due_for_deletion, retention_delete, "deleted"),
        (rules.Step.ANONYMISE, selectors.due_for_anonymisation, retention_anonymise, "anonymised"),
    )
    for step, due, apply, counter in steps:
        seen: set[int] = set()
        while ids := list(due(today, policy).order_by("pk").values_list("pk", flat=True)[:batch_size]):
            if seen.issuperset(ids):
                raise RetentionStuck(f"{len(ids)} cases are still due for the {step} step after it ran")
            seen.update(ids)
            done = apply(case_ids=ids, today=today, policy=policy, run=result.run)
            setattr(result, counter, getattr(result, counter) + len(done))
            result.batches += 1
            if on_batch:
                on_batch(step, len(done))
    return result


def cases_viewed(*, cases: Iterable[Case], actor: User, purpose: str, remote_addr: str | None = None) -> None:
    """One audit ACCESS entry on each case a data protection page showed personal details of (as the case page
    does for a view), saying why."""
    _log_cases_accessed(cases=cases, actor=actor, remote_addr=remote_addr, data={"view": purpose})


def _log_cases_accessed(
    *, cases: Iterable[Case], actor: User | None, remote_addr: str | None, data: dict[str, Any]
) -> None:
    """One audit ACCESS entry on each case, carrying `data`."""
    content_type = ContentType.objects.get_for_model(Case)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(case.pk),
                object_id=case.pk,
                object_repr=case.reference,
                action=LogEntry.Action.ACCESS,
                actor=actor,
                actor_email=getattr(actor, "email", None) or None,
                remote_addr=remote_addr,
                cid=get_cid(),
                additional_data=data,
            )
            for case in cases
        ]
    )


# --- Subject-access exports ----------------------------------------------------------------------------------


class Purpose:
    SUBJECT_ACCESS = "subject_access"
    DISCLOSURE = "disclosure"

    choices = [
        (SUBJECT_ACCESS, "Subject access request (UK GDPR Article 15)"),
        (DISCLOSURE, "Disclosure to a court, tribunal or other body"),
    ]

    short = {SUBJECT_ACCESS: "subject access request", DISCLOSURE: "disclosure"}

    @classmethod
    def label(cls, value: str) -> str:
        return dict(cls.choices).get(value, value)


@transaction.atomic
def subject_access_record(
    *,
    cases: list[Case],
    actor: User | None,
    purpose: str,
    request_reference: str = "",
    remote_addr: str | None = None,
) -> LogEntry:
    """Record an export before it is made: one audit entry for the export (it counts towards the person's hourly
    export limit), one audit entry on each case (so the case's access log shows it) and an "exported" entry on each
    case's timeline. `actor` None means the command line."""
    if actor is not None and not permissions.can_export(actor):
        raise PermissionDenied
    if purpose not in dict(Purpose.choices):
        raise ValidationError({"purpose": "Choose what the export is for."})
    details = {
        "export": "subject_access",
        "purpose": purpose,
        "cases": [case.pk for case in cases],
        "request_reference": request_reference,
        "via": "portal" if actor is not None else "command line",
    }
    summary = log_export(
        user=actor,
        model=Case,
        remote_addr=remote_addr,
        details=details,
        description=f"Subject-access export: {len(cases)} {'case' if len(cases) == 1 else 'cases'}",
    )
    _log_cases_accessed(
        cases=cases,
        actor=actor,
        remote_addr=remote_addr,
        data={"subject_access_export": summary.pk, "purpose": purpose, "request_reference": request_reference},
    )
    description = f"Included in a subject-access export by {_who(actor)} ({Purpose.short[purpose]})"
    for case in cases:
        case_event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.EXPORTED,
            description=description,
            data={"audit_entry": summary.pk},
        )
    return summary
