"""Subject-access sources for the mediation pathway's records about a case: contact with the mediation adviser,
referrals, mediator assignments, sessions, outcomes, agreed actions, certificates (with their PDFs), Tribunal appeals
and disagreement resolution. Each takes a case and returns a Section; privacy.subject_access.SOURCES puts them in
the summary's order."""

from __future__ import annotations

from cases.models import Case
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

from .export_sections import ExportFile, Section, choice, local, person, safe_name


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
            ("recorded_by", "Recorded by", person(contact.recorded_by)),
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
                "decline_reason": choice(r, "decline_reason"),
                "decline_detail": r.decline_detail,
                "provider_choice_reason": r.provider_choice_reason,
                "mediator": str(r.mediator) if r.mediator else "",
                "concluded_on": r.concluded_on,
                "outcome": choice(r, "outcome"),
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
            "assigned_by": person(a.assigned_by),
            "assigned_at": local(a.assigned_at),
            "reason": a.reason,
            "ended_at": local(a.ended_at),
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
            "starts_at": local(s.starts_at),
            "mode": s.get_mode_display(),
            "venue": s.venue,
            "notice_sent_on": s.notice_sent_on,
            "status": s.get_status_display(),
            "cancelled_by": choice(s, "cancelled_by"),
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


def certificates(case: Case) -> Section:
    rows, files = [], []
    storage = Certificate._meta.get_field("pdf").storage
    for cert in Certificate.objects.filter(case=case).select_related("provider").order_by("version"):
        held = bool(cert.pdf) and storage.exists(cert.pdf.name)
        path = f"certificates/{safe_name(case.reference)}/{safe_name(cert.number)}.pdf" if held else ""
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


def appeals(case: Case) -> Section:
    rows = [
        {
            "registered_on": a.registered_on,
            "la_told_on": a.la_told_on,
            "hearing_on": a.hearing_on,
            "outcome": choice(a, "outcome"),
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
            "outcome": choice(d, "outcome"),
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
