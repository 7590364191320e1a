"""What a backup must bring back, as a manifest to compare after a restore (README "Backups and restores").

A manifest records, for the database it is taken on: the rows in every table; a digest of every statutory clock
(case, key, clock, due date, state, date met); a digest of the audit trail (the case timelines and the access and
change log); and every certificate, whose PDF must be in the media folder with the SHA-256 the certificate row
recorded when it was issued. Taken just before a backup (on a quiet system: nightly, when nobody works) and again
on the restored copy, the two must be equal, and every certificate file must check.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps


def _digest(rows) -> tuple[int, str]:
    digest, n = hashlib.sha256(), 0
    for row in rows:
        digest.update(repr(tuple(str(v) for v in row)).encode())
        n += 1
    return n, digest.hexdigest()


def table_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in counts:
            counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def clocks_digest() -> dict:
    from cases.models import Deadline

    rows = Deadline.objects.order_by("pk").values_list("pk", "case_id", "key", "clock", "due_on", "state", "met_on")
    n, digest = _digest(rows.iterator(chunk_size=5000))
    return {"rows": n, "sha256": digest}


def audit_digest() -> dict:
    from auditlog.models import LogEntry

    from cases.models import CaseEvent

    events = CaseEvent.objects.order_by("pk").values_list("pk", "case_id", "kind", "actor_id", "created_at")
    entries = LogEntry.objects.order_by("pk").values_list("pk", "action", "content_type_id", "object_pk", "timestamp")
    n_events, events_sha = _digest(events.iterator(chunk_size=5000))
    n_entries, entries_sha = _digest(entries.iterator(chunk_size=5000))
    return {
        "timeline_events": n_events,
        "timeline_sha256": events_sha,
        "log_entries": n_entries,
        "log_sha256": entries_sha,
    }


def certificate_files(media_root: Path) -> dict:
    """Every certificate's PDF, checked against the SHA-256 recorded when it was issued."""
    from referrals.models import Certificate

    known: dict[str, str | None] = {}
    problems, checked = [], 0
    for number, name, recorded in Certificate.objects.order_by("pk").values_list("number", "pdf", "sha256"):
        if name not in known:
            path = Path(media_root) / name
            known[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        actual = known[name]
        checked += 1
        if actual is None:
            problems.append(f"certificate {number}: file {name} is missing")
        elif actual != recorded:
            problems.append(
                f"certificate {number}: file {name} has SHA-256 {actual[:12]}..., recorded {recorded[:12]}..."
            )
    return {"certificates": checked, "files": len(known), "problems": problems}


def document_files(media_root: Path) -> dict:
    """Every document uploaded to a case, checked against the SHA-256 recorded when it was uploaded."""
    from documents.models import Document

    problems, checked = [], 0
    for pk, name, recorded in Document.objects.order_by("pk").values_list("pk", "file", "sha256"):
        path = Path(media_root) / name
        checked += 1
        if not path.is_file():
            problems.append(f"document {pk}: file {name} is missing")
        elif (actual := hashlib.sha256(path.read_bytes()).hexdigest()) != recorded:
            problems.append(f"document {pk}: file {name} has SHA-256 {actual[:12]}..., recorded {recorded[:12]}...")
    return {"documents": checked, "problems": problems}


def manifest(media_root: Path) -> dict:
    return {
        "tables": table_counts(),
        "clocks": clocks_digest(),
        "audit": audit_digest(),
        "certificate_files": certificate_files(media_root),
        "document_files": document_files(media_root),
    }


def compare(before: dict, after: dict) -> list[str]:
    """What the restored copy (`after`) lacks or has different from the manifest taken at backup (`before`)."""
    problems = []
    for table, n in before["tables"].items():
        if after["tables"].get(table) != n:
            problems.append(f"table {table}: {n:,} rows backed up, {after['tables'].get(table, 0):,} restored")
    for part in ("clocks", "audit"):
        for key, value in before[part].items():
            if after[part].get(key) != value:
                problems.append(f"{part} {key}: {value} backed up, {after[part].get(key)} restored")
    problems += after["certificate_files"]["problems"]
    if after["certificate_files"]["certificates"] != before["certificate_files"]["certificates"]:
        problems.append("certificates: a different number of certificates was restored")
    documents_after = after.get("document_files", {"documents": 0, "problems": []})
    problems += documents_after["problems"]
    if documents_after["documents"] != before.get("document_files", {}).get("documents", 0):
        problems.append("documents: a different number of documents was restored")
    return problems
