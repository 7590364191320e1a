"""Mediation certificates: issued as a PDF that never changes, corrected as a new version (decision 15),
confirmed after legal review."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases import clock_services, deadlines
from cases import rules as case_rules
from cases.clock_services import fmt
from cases.models import Case, CaseEvent
from sendportal.models import User

from .. import certificates, clocks, date_rules, permissions
from ..models import (
    Certificate,
    Referral,
)
from ..selectors import certificate_kind_problem
from ._common import RS, _check_dates, _event, _lock, _recompute, _require


def _certificate_trigger(case: Case, referral: Referral | None, kind: str) -> date | None:
    """The day the certificate's duty started (it cannot be issued before it)."""
    if kind == Certificate.Kind.DECLINED:
        if referral is not None and referral.status == RS.WITHDRAWN:
            return referral.concluded_on
        contact = getattr(case, "adviser_contact", None)
        return contact.contacted_on if contact else None
    if kind == Certificate.Kind.CONCLUDED:
        return referral.concluded_on if referral else None
    return referral.not_held_notified_on if referral else None


@transaction.atomic
def certificate_issue(
    *,
    case: Case,
    actor: User,
    kind: str,
    issued_on: date,
    issuer_name: str,
    issuer_role: str,
    referral: Referral | None = None,
    correction_reason: str = "",
    corrects_issue_date: bool = False,
) -> Certificate:
    """Issue a mediation certificate as a PDF, stored with its SHA-256 and never changed. A second one is a
    corrected version and needs a reason. The appeal deadline (C9) runs from the first certificate's issue date;
    a correction moves it only when the correction is to the issue date itself, and the case needs legal review
    until a manager confirms the correction (decision 15)."""
    _require(permissions.can_issue_certificate(actor, referral=referral))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if referral is not None:
        referral = _lock(referral)
        if referral.case_id != case.pk:
            raise PermissionDenied
    _check_certificate(case, referral, kind=kind, issued_on=issued_on, issuer_name=issuer_name, issuer_role=issuer_role)
    previous = list(case.certificates.order_by("version"))
    latest = previous[-1] if previous else None
    if latest is not None and not correction_reason.strip():
        raise ValidationError(
            {
                "correction_reason": (
                    f"This case already has certificate {latest.number}. "
                    "Give the reason for issuing a corrected version."
                )
            }
        )
    if latest is None:  # the first certificate corrects nothing
        correction_reason, corrects_issue_date = "", False
    version = latest.version + 1 if latest else 1
    provider = referral.provider if referral else getattr(getattr(case, "adviser_contact", None), "provider", None)
    cert = Certificate(
        case=case,
        referral=referral,
        version=version,
        number=f"CERT-{case.reference}-{version}",
        kind=kind,
        issued_on=issued_on,
        issued_by=actor,
        issuer_name=issuer_name.strip(),
        issuer_role=issuer_role.strip(),
        provider=provider,
        correction_reason=correction_reason.strip(),
        corrects_issue_date=corrects_issue_date,
        replaces=latest,
    )
    appeal_from = clocks.appeal_certificate([*previous, cert]).issued_on
    pdf = certificates.render_certificate_pdf(_certificate_content(case, cert, appeal_from))
    cert.sha256 = certificates.sha256_of(pdf)
    cert.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    cert.save()
    _event(
        case,
        actor,
        CaseEvent.Kind.CERTIFICATE,
        _issued_text(cert, appeal_from),
        {"certificate": cert.pk, "sha256": cert.sha256},
    )
    _recompute(case, actor, f"certificate issued {fmt(issued_on)}")
    case.refresh_from_db()
    return cert


def _check_certificate(
    case: Case, referral: Referral | None, *, kind: str, issued_on: date, issuer_name: str, issuer_role: str
) -> None:
    """The kind fits where the case stands, the date is in order with the duty's start, and the issuer is named."""
    problem = certificate_kind_problem(case, referral, kind)
    if problem:
        raise ValidationError({"kind": problem})
    _check_dates(
        {
            "issued_on": issued_on,
            "decision_sent_on": case.decision_sent_on,
            "trigger_on": _certificate_trigger(case, referral, kind),
        },
        date_rules.CERTIFICATE,
        fields=["issued_on"],
    )
    if not issuer_name.strip():
        raise ValidationError({"issuer_name": "Enter the name of the adviser or mediator issuing it."})
    if issuer_role.strip().lower() not in certificates.ISSUER_ROLES:
        raise ValidationError({"issuer_role": "The issuer is the mediation adviser or the mediator."})


def _certificate_content(case: Case, cert: Certificate, appeal_from: date | None) -> certificates.CertificateContent:
    """What the certificate's PDF says, with the appeal deadline (C9) where the family has an appeal window."""
    decision_sent_on = case.decision_sent_on
    appeal = (
        deadlines.appeal_deadline_detail(decision_sent_on, appeal_from, holidays=clock_services.working_calendar())
        if decision_sent_on is not None
        and case_rules.has_appeal_window(route=case.route, decision=case.decision, decision_sent_on=decision_sent_on)
        else None
    )
    return certificates.certificate_content_for(
        case_reference=case.reference,
        party_name=case.party_name,
        child_name=case.child_name,
        child_date_of_birth=case.child_date_of_birth,
        decision_label=case.get_decision_display(),
        decision_sent_on=case.decision_sent_on,
        kind=cert.kind,
        number=cert.number,
        version=cert.version,
        issued_on=cert.issued_on,
        issuer_name=cert.issuer_name,
        issuer_role=cert.issuer_role,
        provider_name=cert.provider.name if cert.provider else "",
        appeal_due=appeal.due if appeal else None,
        correction_reason=cert.correction_reason,
        replaces_number=cert.replaces.number if cert.replaces else "",
        appeal_route=certificates.case_appeal_route(case),
    )


def _issued_text(cert: Certificate, appeal_from: date | None) -> str:
    """The timeline entry; a corrected version says what it corrects and where the appeal deadline runs from."""
    text = (
        f"Certificate {cert.number} issued on {fmt(cert.issued_on)} ({cert.get_kind_display()}) by {cert.issuer_name}"
    )
    if cert.replaces is None or not cert.correction_reason:
        return text
    text += f"; corrects {cert.replaces.number}: {cert.correction_reason}"
    if cert.corrects_issue_date:
        text += " (the issue date was wrong: the appeal deadline follows the corrected date)"
    else:
        text += f" (the appeal deadline stays on the first certificate's date, {fmt(appeal_from)})"
    return text + "; needs legal review until a manager confirms"


@transaction.atomic
def certificate_review_confirm(*, certificate: Certificate, actor: User) -> Certificate:
    """A manager confirms a corrected certificate after legal review: the case's legal-review flag clears."""
    if not actor.has_perm("cases.waive_deadline"):
        raise PermissionDenied
    certificate = Certificate.objects.select_for_update().select_related("case").get(pk=certificate.pk)
    if certificate.version == 1:
        raise ValidationError("Only a corrected certificate needs confirming.")
    if certificate.review_confirmed_at is not None:
        raise ValidationError("This correction is already confirmed.")
    certificate.review_confirmed_by, certificate.review_confirmed_at = actor, timezone.now()
    certificate.save(update_fields=["review_confirmed_by", "review_confirmed_at"])
    name = actor.display_name
    _event(
        certificate.case,
        actor,
        CaseEvent.Kind.CERTIFICATE,
        f"Corrected certificate {certificate.number} confirmed after legal review by {name}",
        {"certificate": certificate.pk},
    )
    _recompute(certificate.case, actor, "corrected certificate confirmed")
    return certificate
