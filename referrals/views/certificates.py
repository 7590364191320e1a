"""Mediation certificates: issuing one (a confirmation page of its own: irreversible), downloading it, and a
manager's confirmation of a corrected one after legal review."""

from __future__ import annotations

import logging

from auditlog.signals import accessed
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from cases import selectors as case_selectors
from cases.refusals import service_call

from .. import permissions, selectors, services
from ..forms import CertificateIssueForm
from ..models import Certificate
from ._common import MANAGE, SEE_REFERRALS, any_permission_required

logger = logging.getLogger("sendportal.certificates")


@permission_required("referrals.issue_certificate", raise_exception=True)
def certificate_issue(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    if not permissions.can_issue_certificate(request.user, referral=referral):
        raise PermissionDenied
    return _certificate_page(request, referral.case, referral)


@permission_required([MANAGE, "referrals.issue_certificate"], raise_exception=True)
def case_certificate_issue(request, case_pk):
    """A certificate with no referral: the family told the adviser they do not want mediation (C2)."""
    case = case_selectors.case_get_for(request.user, case_pk)
    return _certificate_page(request, case, None)


def _certificate_page(request, case, referral):
    latest = selectors.certificates_for_case(case).first()
    kinds = selectors.certificate_kinds_possible(case, referral)
    initial = {
        "issued_on": timezone.localdate(),
        "issuer_name": request.user.display_name,
        "issuer_role": "Mediation adviser" if permissions.can_manage_referrals(request.user) else "Mediator",
    }
    form = CertificateIssueForm(request.POST or None, kinds=kinds, latest=latest, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved, cert = service_call(
            form,
            lambda: services.certificate_issue(
                case=case,
                actor=request.user,
                referral=referral,
                kind=data["kind"],
                issued_on=data["issued_on"],
                issuer_name=data["issuer_name"],
                issuer_role=data["issuer_role"],
                correction_reason=data.get("correction_reason", ""),
                corrects_issue_date=data.get("corrects_issue_date", False),
            ),
        )
        if saved:
            messages.success(request, f"Certificate {cert.number} issued")
            return redirect(referral or case)
    context = {"case": case, "referral": referral, "form": form, "kinds": kinds, "latest": latest}
    return render(request, "referrals/certificate_issue.html", context, status=400 if form.errors else 200)


@any_permission_required(*SEE_REFERRALS)
def certificate_download(request, pk):
    cert = selectors.certificate_get_for(request.user, pk)
    if not cert.pdf:  # removed when the case was anonymised (privacy retention schedule)
        raise Http404("This certificate's PDF is no longer held")
    try:
        pdf = cert.pdf.open("rb")
    except OSError:
        logger.error("certificate PDF missing from storage certificate=%s", cert.pk)
        message = (
            f"The PDF of certificate {cert.number} is missing from the portal's storage. The certificate is still "
            "recorded on the case. Tell the portal's administrators, quoting the certificate number, so they can "
            "restore the file from backup."
        )
        return render(request, "404.html", {"message": message}, status=404)
    accessed.send(sender=Certificate, instance=cert)
    response = FileResponse(pdf, as_attachment=True, filename=f"{cert.number}.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("cases.waive_deadline", raise_exception=True)
def certificate_review_confirm(request, pk):
    """A manager confirms a corrected certificate after legal review (decision 15): a page of its own, by POST."""
    cert = selectors.certificate_get_for(request.user, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        saved, _ = service_call(form, lambda: services.certificate_review_confirm(certificate=cert, actor=request.user))
        if saved:
            messages.success(request, f"Corrected certificate {cert.number} confirmed after legal review")
            return redirect(cert.case)
    context = {"cert": cert, "case": cert.case, "form": form}
    return render(request, "referrals/certificate_confirm.html", context, status=400 if form.errors else 200)
