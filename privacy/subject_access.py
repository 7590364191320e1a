"""Subject-access and disclosure exports: everything the portal holds about one case or a family's cases, as one
ZIP for the data protection officer to review before anything is disclosed.

The ZIP holds:
- summary.html: readable, self-contained (styles inline, no scripts, no external files), one part per case;
- data.json: the same content, machine-readable (dates and times ISO 8601, times in UTC offset form);
- certificates/<case reference>/<certificate number>.pdf: the certificate PDFs as issued;
- documents/<case reference>/<document id>-<what it is>.<type>: the documents uploaded to the case.

What goes in is a list of SOURCES: small functions taking a case and returning a Section (a table or a list of
fields, plus any files). A new kind of record is one more function in SOURCES. The case's own records are read
here, the mediation pathway's in pathway_sources.py; Section and the formatting they share are in export_sections.py.

Internal notes are marked "review before disclosure": they were written for the LA and may hold third parties'
information or legal advice that an exemption covers. The summary opens with what to check before disclosing.

Reads only: recording the export (audit and timeline) is services.subject_access_record, called first.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from cases.models import Case, CaseNote, Deadline
from documents.models import Document
from letters.models import Letter

from . import access_log
from .export_sections import ExportFile, Section, choice, local, person, safe_name
from .models import CaseRetention
from .pathway_sources import (
    adviser_contact,
    agreement_actions,
    appeals,
    certificates,
    disagreement_resolution,
    mediator_assignments,
    outcomes,
    referrals,
    sessions,
)

FORMAT_VERSION = 1
REVIEW = "Review before disclosure"
SUMMARY_TEMPLATE = "privacy/subject_access_summary.html"


# --- Sources: one function per kind of record ----------------------------------------------------------------


def case_details(case: Case) -> Section:
    fields = [
        ("reference", "Case reference", case.reference),
        ("status", "Status", case.get_status_display()),
        ("route", "Route", case.get_route_display()),
        ("child_first_name", "Child's first name", case.child_first_name),
        ("child_last_name", "Child's last name", case.child_last_name),
        ("child_date_of_birth", "Child's date of birth", case.child_date_of_birth),
        ("upn", "UPN", case.upn),
        ("nhs_number", "NHS number", case.nhs_number),
        ("school", "School or setting", case.school.name if case.school else ""),
        ("party_name", "Who brings the disagreement", case.party_name),
        ("party_type", "Acting as", case.get_party_type_display()),
        ("party_relationship", "Relationship to the child", case.party_relationship),
        ("phone", "Phone", case.phone),
        ("email", "Email", case.email),
        ("address", "Address", case.address),
        ("postcode", "Postcode", case.postcode),
        ("preferred_language", "Preferred language", case.preferred_language),
        ("interpreter_needed", "Interpreter needed", case.interpreter_needed),
        ("access_needs", "Access needs", case.access_needs),
        ("sendiass_involved", "SENDIASS involved", case.sendiass_involved),
        ("supporter_name", "Independent supporter or advocate", case.supporter_name),
        ("decision", "Decision under dispute", choice(case, "decision")),
        ("sections_disputed", "EHC plan sections disputed", ", ".join(case.sections_disputed or [])),
        ("health_involved", "Health care issues", case.health_involved),
        ("social_care_involved", "Social care issues", case.social_care_involved),
        ("icb", "ICB", case.icb.name if case.icb else ""),
        ("decision_sent_on", "Decision letter sent", case.decision_sent_on),
        ("first_contact_on", "First contact", case.first_contact_on),
        ("first_contact_channel", "How they first contacted us", case.get_first_contact_channel_display()),
        ("officer", "Assigned officer", person(case.officer)),
        ("created_at", "Opened", local(case.created_at)),
        ("closed_on", "Closed", case.closed_on),
        ("certificate_issued_on", "Latest mediation certificate issued", case.certificate_issued_on),
        ("withdrawn_reason", "Reason for withdrawing", case.withdrawn_reason),
    ]
    return Section("case", "Case details", fields=fields)


def clocks(case: Case) -> Section:
    rows = [
        {
            "clock": d.clock,
            "title": d.title,
            "binds": d.get_binds_display(),
            "due_on": d.due_on,
            "state": d.get_state_display(),
            "met_on": d.met_on,
            "waived_reason": d.waived_reason,
            "note": d.note,
        }
        for d in Deadline.objects.filter(case=case).order_by("due_on", "pk")
    ]
    columns = [
        ("clock", "Clock"),
        ("title", "What"),
        ("binds", "Who must act"),
        ("due_on", "Due"),
        ("state", "State"),
        ("met_on", "Met on"),
        ("waived_reason", "Reason waived"),
        ("note", "Note"),
    ]
    return Section("clocks", "Statutory clocks", columns=columns, rows=rows)


def timeline(case: Case) -> Section:
    rows = [
        {"at": local(e.created_at), "kind": e.get_kind_display(), "description": e.description, "by": person(e.actor)}
        for e in case.events.select_related("actor").order_by("created_at", "pk")
    ]
    columns = [("at", "When"), ("kind", "What"), ("description", "Details"), ("by", "By")]
    return Section("timeline", "Timeline", columns=columns, rows=rows)


def notes(case: Case) -> Section:
    rows = [
        {
            "at": local(n.created_at),
            "author": person(n.author),
            "visibility": n.get_visibility_display(),
            "text": n.text,
            "review": n.visibility == CaseNote.Visibility.INTERNAL,
        }
        for n in case.notes.select_related("author").order_by("created_at", "pk")
    ]
    columns = [("at", "When"), ("author", "Written by"), ("visibility", "Who could see it"), ("text", "Note")]
    return Section(
        "notes",
        "Notes",
        columns=columns,
        rows=rows,
        note=f"Internal notes are marked \u201c{REVIEW}\u201d: they were written for the local authority and may "
        "hold other people's information or legal advice. Check each before it is disclosed.",
    )


def letters(case: Case) -> Section:
    rows = [
        {
            "sent_on": letter.sent_on,
            "kind": letter.get_kind_display(),
            "recipient": letter.recipient,
            "method": letter.get_method_display(),
            "subject": letter.subject,
            "text": letter.body,
            "by": person(letter.sent_by),
        }
        for letter in Letter.objects.filter(case=case).select_related("sent_by").order_by("sent_on", "pk")
    ]
    columns = [
        ("sent_on", "Sent"),
        ("kind", "Letter"),
        ("recipient", "To"),
        ("method", "How"),
        ("subject", "Heading"),
        ("text", "Text as sent"),
        ("by", "Recorded by"),
    ]
    return Section("letters", "Letters sent to the family", columns=columns, rows=rows)


def documents(case: Case) -> Section:
    rows, files = [], []
    storage = Document._meta.get_field("file").storage
    for document in Document.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "pk"):
        held = storage.exists(document.file.name)
        name = f"{document.pk}-{document.kind.replace('_', '-')}.{document.file_type}"
        path = f"documents/{safe_name(case.reference)}/{name}" if held else ""
        rows.append(
            {
                "uploaded_at": local(document.uploaded_at),
                "kind": document.get_kind_display(),
                "title": document.title,
                "by": person(document.uploaded_by),
                "shared": "Yes" if document.shared_with_mediator else "No",
                "sha256": document.sha256,
                "file": path or "File no longer held",
            }
        )
        if path:
            files.append(ExportFile(path=path, storage_name=document.file.name, storage=storage))
    columns = [
        ("uploaded_at", "Added"),
        ("kind", "What it is"),
        ("title", "Description"),
        ("by", "Added by"),
        ("shared", "Shared with the mediator"),
        ("file", "File in this export"),
    ]
    return Section(
        "documents",
        "Documents on the case",
        columns=columns,
        rows=rows,
        files=files,
        note="Each document is in this export as it was uploaded. Documents from other people (reports, for example) "
        "may hold third parties' information: review them before disclosure.",
    )


def retention(case: Case) -> Section:
    row = CaseRetention.objects.filter(case=case).first()
    return Section(
        "retention",
        "Retention and legal hold",
        fields=[
            ("stage", "Retention", row.get_stage_display() if row else CaseRetention.Stage.KEPT.label),
            ("legal_hold", "On legal hold", bool(row and row.legal_hold)),
            ("hold_since", "Legal hold since", local(row.hold_since) if row else None),
        ],
    )


def access_record(case: Case) -> Section:
    rows = [
        {"at": local(r.when), "who": r.who, "action": r.action, "what": r.what, "detail": r.detail}
        for r in access_log.case_log_all(case)
    ]
    columns = [("at", "When"), ("who", "Who"), ("action", "Action"), ("what", "Record"), ("detail", "Details")]
    return Section(
        "access_record",
        "Who viewed, changed or exported this case",
        columns=columns,
        rows=rows,
        note="From the portal's audit log, oldest last. Staff names are included; the data protection officer "
        "decides what to disclose.",
    )


SOURCES: list[Callable[[Case], Section]] = [
    case_details,
    clocks,
    timeline,
    notes,
    adviser_contact,
    referrals,
    mediator_assignments,
    sessions,
    outcomes,
    agreement_actions,
    certificates,
    letters,
    documents,
    appeals,
    disagreement_resolution,
    retention,
    access_record,
]
"""Everything an export holds, in the order the summary shows it. A new kind of record: add a function here."""


# --- The ZIP ----------------------------------------------------------------------------------------------------


@dataclass
class CaseExport:
    case: Case
    sections: list[Section]


@dataclass
class ExportMeta:
    generated_at: datetime
    generated_by: str
    purpose: str
    request_reference: str = ""


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def collect(cases: list[Case]) -> list[CaseExport]:
    return [CaseExport(case, [source(case) for source in SOURCES]) for case in cases]


def export_data(exports: list[CaseExport], meta: ExportMeta) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": meta.generated_at,
        "generated_by": meta.generated_by,
        "purpose": meta.purpose,
        "request_reference": meta.request_reference,
        "local_authority": settings.LOCAL_AUTHORITY_NAME,
        "review_before_disclosure": 'Rows with "review": true are internal notes: review them before disclosure.',
        "cases": [
            {"reference": e.case.reference, **{section.key: section.as_data() for section in e.sections}}
            for e in exports
        ],
    }


def render_summary(exports: list[CaseExport], meta: ExportMeta) -> str:
    return render_to_string(
        SUMMARY_TEMPLATE,
        {
            "exports": exports,
            "meta": meta,
            "review": REVIEW,
            "local_authority": settings.LOCAL_AUTHORITY_NAME,
        },
    )


def build_zip(cases: list[Case], meta: ExportMeta) -> bytes:
    """The export as ZIP bytes (small: a case's records and its certificates, a few hundred kilobytes)."""
    exports = collect(cases)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", render_summary(exports, meta))
        data = json.dumps(export_data(exports, meta), cls=_Encoder, indent=2, ensure_ascii=False)
        archive.writestr("data.json", data)
        for export in exports:
            for section in export.sections:
                for item in section.files:
                    content = item.read()
                    if content is not None:
                        archive.writestr(item.path, content)
    return buffer.getvalue()


def zip_name(cases: list[Case], today: date) -> str:
    """The download's file name: the first case's reference and the date (never a name)."""
    first = safe_name(cases[0].reference)
    more = f"-and-{len(cases) - 1}-more" if len(cases) > 1 else ""
    return f"subject-access-{first}{more}-{today:%Y-%m-%d}.zip"
