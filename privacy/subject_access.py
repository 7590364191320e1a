"""Subject-access and disclosure exports: everything the portal holds about one case or a family's cases, as one
ZIP for the data protection officer to review before anything is disclosed.

The ZIP holds:
- summary.html: readable, self-contained (styles inline, no scripts, no external files), one part per case;
- data.json: the same content, machine-readable (dates and times ISO 8601, times in UTC offset form);
- certificates/<case reference>/<certificate number>.pdf: the certificate PDFs as issued;
- documents/<case reference>/<document id>-<what it is>.<type>: the documents uploaded to the case.

What goes in is a list of SOURCES: small functions taking a case and returning a Section (a table or a list of
fields, plus any files). A new kind of record is one more function in SOURCES.

Internal notes are marked "review before disclosure": they were written for the LA and may hold third parties'
information or legal advice that an exemption covers. The summary opens with what to check before disclosing.

Reads only: recording the export (audit and timeline) is services.subject_access_record, called first.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case, CaseNote, Deadline
from documents.models import Document
from letters.models import Letter
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationSession,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)

from . import access_log
from .models import CaseRetention

FORMAT_VERSION = 1
REVIEW = "Review before disclosure"
SUMMARY_TEMPLATE = "privacy/subject_access_summary.html"


@dataclass
class ExportFile:
    """A file that goes into the ZIP beside the summary: its path inside the ZIP and where to read it."""

    path: str
    storage_name: str
    storage: object

    def read(self) -> bytes | None:
        try:
            with self.storage.open(self.storage_name, "rb") as handle:
                return handle.read()
        except (FileNotFoundError, OSError):
            return None


@dataclass
class Section:
    """One kind of record about a case. `columns` (key, label) for a table of `rows`; or `fields` (key, label,
    value) for a single record. `review` marks the rows to review before disclosure (a row's "review" key)."""

    key: str
    title: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    fields: list[tuple[str, str, object]] = field(default_factory=list)
    note: str = ""
    files: list[ExportFile] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.columns)

    def as_data(self):
        if self.is_table:
            return self.rows
        return {key: value for key, _label, value in self.fields}


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _choice(obj, name: str) -> str:
    value = getattr(obj, name)
    return getattr(obj, f"get_{name}_display")() if value else ""


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment) if moment else None


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
        ("decision", "Decision under dispute", _choice(case, "decision")),
        ("sections_disputed", "EHC plan sections disputed", ", ".join(case.sections_disputed or [])),
        ("health_involved", "Health care issues", case.health_involved),
        ("social_care_involved", "Social care issues", case.social_care_involved),
        ("icb", "ICB", case.icb.name if case.icb else ""),
        ("decision_sent_on", "Decision letter sent", case.decision_sent_on),
        ("first_contact_on", "First contact", case.first_contact_on),
        ("first_contact_channel", "How they first contacted us", case.get_first_contact_channel_display()),
        ("officer", "Assigned officer", _person(case.officer)),
        ("created_at", "Opened", _local(case.created_at)),
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
        {"at": _local(e.created_at), "kind": e.get_kind_display(), "description": e.description, "by": _person(e.actor)}
        for e in case.events.select_related("actor").order_by("created_at", "pk")
    ]
    columns = [("at", "When"), ("kind", "What"), ("description", "Details"), ("by", "By")]
    return Section("timeline", "Timeline", columns=columns, rows=rows)


def notes(case: Case) -> Section:
    rows = [
        {
            "at": _local(n.created_at),
            "author": _person(n.author),
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


def adviser_contact(case: Case) -> Section:
    contact = AdviserContact.objects.filter(case=case).select_related("provider", "recorded_by").first()
    if contact is None:
        return Section("adviser_contact", "Contact with the mediation adviser", fields=[])
    return Section(
        "adviser_contact",
        "Contact with the mediation adviser",
        fields=[
            ("contacted_on", "Date the family contacted the adviser", contact.contacted_on),
            ("choice", "What the family chose", contact.get_choice_display()),
            ("provider", "Adviser's provider", contact.provider.name if contact.provider else ""),
            ("adviser_name", "Adviser", contact.adviser_name),
            ("late", "Contacted after the 2-month limit", contact.late),
            ("recorded_by", "Recorded by", _person(contact.recorded_by)),
        ],
    )


def referrals(case: Case) -> Section:
    rows = []
    found = Referral.objects.filter(case=case).select_related("provider", "mediator__user")
    for r in found.order_by("referred_on", "pk"):
        rows.append(
            {
                "referral": r.pk,
                "provider": r.provider.name,
                "referred_on": r.referred_on,
                "family_told_la_on": r.family_told_la_on,
                "provider_told_la_on": r.provider_told_la_on,
                "health_issues": r.health_issues,
                "health_only": r.health_only,
                "status": r.get_status_display(),
                "responded_on": r.responded_on,
                "decline_reason": _choice(r, "decline_reason"),
                "decline_detail": r.decline_detail,
                "provider_choice_reason": r.provider_choice_reason,
                "mediator": str(r.mediator) if r.mediator else "",
                "concluded_on": r.concluded_on,
                "outcome": _choice(r, "outcome"),
                "agreement_on": r.agreement_on,
            }
        )
    columns = [
        ("referral", "Referral"),
        ("provider", "Provider"),
        ("referred_on", "Referred"),
        ("family_told_la_on", "Family told the LA"),
        ("provider_told_la_on", "Provider told the LA"),
        ("status", "Status"),
        ("responded_on", "Provider responded"),
        ("decline_reason", "Declined because"),
        ("decline_detail", "Decline details"),
        ("provider_choice_reason", "Why this provider"),
        ("mediator", "Mediator"),
        ("concluded_on", "Concluded"),
        ("outcome", "Outcome"),
        ("agreement_on", "Written agreement"),
    ]
    return Section("referrals", "Referrals for mediation", columns=columns, rows=rows)


def mediator_assignments(case: Case) -> Section:
    rows = [
        {
            "referral": a.referral_id,
            "mediator": str(a.mediator),
            "assigned_by": _person(a.assigned_by),
            "assigned_at": _local(a.assigned_at),
            "reason": a.reason,
            "ended_at": _local(a.ended_at),
        }
        for a in MediatorAssignment.objects.filter(referral__case=case)
        .select_related("mediator__user", "assigned_by")
        .order_by("assigned_at", "pk")
    ]
    columns = [
        ("referral", "Referral"),
        ("mediator", "Mediator"),
        ("assigned_by", "Assigned by"),
        ("assigned_at", "Assigned"),
        ("reason", "Reason"),
        ("ended_at", "Ended"),
    ]
    return Section("mediator_assignments", "Mediator assignments", columns=columns, rows=rows)


def sessions(case: Case) -> Section:
    rows = [
        {
            "referral": s.referral_id,
            "starts_at": _local(s.starts_at),
            "mode": s.get_mode_display(),
            "venue": s.venue,
            "notice_sent_on": s.notice_sent_on,
            "status": s.get_status_display(),
            "cancelled_by": _choice(s, "cancelled_by"),
            "cancel_reason": s.cancel_reason,
            "party_attended": s.party_attended,
            "supporter_attended": s.supporter_attended,
            "child_views_obtained": s.child_views_obtained,
        }
        for s in MediationSession.objects.filter(referral__case=case).order_by("starts_at", "pk")
    ]
    columns = [
        ("referral", "Referral"),
        ("starts_at", "Date and time"),
        ("mode", "How"),
        ("venue", "Venue"),
        ("notice_sent_on", "Notice sent"),
        ("status", "Status"),
        ("cancelled_by", "Cancelled by"),
        ("cancel_reason", "Reason"),
        ("party_attended", "Family attended"),
        ("supporter_attended", "Supporter attended"),
        ("child_views_obtained", "Child's views obtained"),
    ]
    return Section("sessions", "Mediation sessions", columns=columns, rows=rows)


def outcomes(case: Case) -> Section:
    rows = [
        {"referral": o.referral_id, "issue": o.get_issue_display(), "result": o.get_result_display()}
        for o in IssueOutcome.objects.filter(referral__case=case).order_by("referral_id", "pk")
    ]
    return Section(
        "outcomes",
        "Outcomes by issue",
        columns=[("referral", "Referral"), ("issue", "Issue"), ("result", "Result")],
        rows=rows,
    )


def agreement_actions(case: Case) -> Section:
    rows = [
        {
            "referral": a.referral_id,
            "description": a.description,
            "owner": a.get_owner_display(),
            "basis": a.get_basis_display(),
            "due_on": a.due_on,
            "done_on": a.done_on,
        }
        for a in AgreementAction.objects.filter(referral__case=case).order_by("due_on", "pk")
    ]
    columns = [
        ("referral", "Referral"),
        ("description", "What was agreed"),
        ("owner", "Who"),
        ("basis", "Timescale"),
        ("due_on", "Due"),
        ("done_on", "Done"),
    ]
    return Section("agreement_actions", "Agreed actions", columns=columns, rows=rows)


def letters(case: Case) -> Section:
    rows = [
        {
            "sent_on": letter.sent_on,
            "kind": letter.get_kind_display(),
            "recipient": letter.recipient,
            "method": letter.get_method_display(),
            "subject": letter.subject,
            "text": letter.body,
            "by": _person(letter.sent_by),
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


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "file"


def certificates(case: Case) -> Section:
    rows, files = [], []
    storage = Certificate._meta.get_field("pdf").storage
    for cert in Certificate.objects.filter(case=case).select_related("provider").order_by("version"):
        held = bool(cert.pdf) and storage.exists(cert.pdf.name)
        path = f"certificates/{_safe_name(case.reference)}/{_safe_name(cert.number)}.pdf" if held else ""
        rows.append(
            {
                "number": cert.number,
                "version": cert.version,
                "kind": cert.get_kind_display(),
                "issued_on": cert.issued_on,
                "issuer": f"{cert.issuer_name} ({cert.issuer_role})",
                "provider": cert.provider.name if cert.provider else "",
                "correction_reason": cert.correction_reason,
                "sha256": cert.sha256,
                "file": path or "PDF no longer held",
            }
        )
        if path:
            files.append(ExportFile(path=path, storage_name=cert.pdf.name, storage=storage))
    columns = [
        ("number", "Number"),
        ("version", "Version"),
        ("kind", "Kind"),
        ("issued_on", "Issued"),
        ("issuer", "Issued by"),
        ("provider", "Provider"),
        ("correction_reason", "Correction"),
        ("file", "PDF in this export"),
    ]
    return Section(
        "certificates",
        "Mediation certificates",
        columns=columns,
        rows=rows,
        files=files,
        note="Each certificate's PDF is in this export as it was issued.",
    )


def documents(case: Case) -> Section:
    rows, files = [], []
    storage = Document._meta.get_field("file").storage
    for document in Document.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "pk"):
        held = storage.exists(document.file.name)
        name = f"{document.pk}-{document.kind.replace('_', '-')}.{document.file_type}"
        path = f"documents/{_safe_name(case.reference)}/{name}" if held else ""
        rows.append(
            {
                "uploaded_at": _local(document.uploaded_at),
                "kind": document.get_kind_display(),
                "title": document.title,
                "by": _person(document.uploaded_by),
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


def appeals(case: Case) -> Section:
    rows = [
        {
            "registered_on": a.registered_on,
            "la_told_on": a.la_told_on,
            "hearing_on": a.hearing_on,
            "outcome": _choice(a, "outcome"),
            "outcome_on": a.outcome_on,
            "order_kind": a.order_kind,
        }
        for a in TribunalAppeal.objects.filter(case=case).order_by("registered_on", "pk")
    ]
    columns = [
        ("registered_on", "Registered"),
        ("la_told_on", "LA told"),
        ("hearing_on", "Hearing"),
        ("outcome", "Outcome"),
        ("outcome_on", "Outcome date"),
        ("order_kind", "Order"),
    ]
    return Section("appeals", "Tribunal appeals", columns=columns, rows=rows)


def disagreement_resolution(case: Case) -> Section:
    rows = [
        {
            "kind": d.get_kind_display(),
            "provider": d.provider.name,
            "referred_on": d.referred_on,
            "meeting_on": d.meeting_on,
            "outcome": _choice(d, "outcome"),
            "outcome_on": d.outcome_on,
        }
        for d in DisagreementResolution.objects.filter(case=case).select_related("provider").order_by("referred_on")
    ]
    columns = [
        ("kind", "Kind"),
        ("provider", "Provider"),
        ("referred_on", "Referred"),
        ("meeting_on", "Meeting"),
        ("outcome", "Outcome"),
        ("outcome_on", "Outcome date"),
    ]
    return Section("disagreement_resolution", "Disagreement resolution", columns=columns, rows=rows)


def retention(case: Case) -> Section:
    row = CaseRetention.objects.filter(case=case).first()
    return Section(
        "retention",
        "Retention and legal hold",
        fields=[
            ("stage", "Retention", row.get_stage_display() if row else CaseRetention.Stage.KEPT.label),
            ("legal_hold", "On legal hold", bool(row and row.legal_hold)),
            ("hold_since", "Legal hold since", _local(row.hold_since) if row else None),
        ],
    )


def access_record(case: Case) -> Section:
    rows = [
        {"at": _local(r.when), "who": r.who, "action": r.action, "what": r.what, "detail": r.detail}
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
    first = _safe_name(cases[0].reference)
    more = f"-and-{len(cases) - 1}-more" if len(cases) > 1 else ""
    return f"subject-access-{first}{more}-{today:%Y-%m-%d}.zip"
