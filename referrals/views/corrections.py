"""Corrections (decision 17): every recorded fact can be corrected, on a page of its own, with a reason; every clock
that depends on it is worked out again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cases import selectors as case_selectors
from cases.models import Case
from cases.refusals import service_call
from sendportal.formats import short_date

from .. import selectors, services
from ..forms import (
    AdviserContactCorrectForm,
    AppealCorrectForm,
    OutcomeCorrectForm,
    ReferralDatesForm,
    SessionCorrectForm,
)
from ..models import AdviserContact
from ._common import (
    ACT_ON_REFERRALS,
    MANAGE,
    TRIBUNAL,
    any_permission_required,
    appeal_of,
    referral_to_act_on,
    session_of,
)


def _recorded(record, names, **convert):
    """The facts a correction page starts from, as `record` holds them now (read again each time: see
    _correction_page). `convert` maps a fact's name to how the form shows it."""

    def facts() -> dict:
        record.refresh_from_db()
        return {name: convert.get(name, _same)(getattr(record, name)) for name in names}

    return facts


def _same(value):
    return value


def _corrected(service, request, data, **values):
    """A correction service called with the person, their reason and the facts as they were when they opened the
    page (the service refuses the correction if someone else changed them since)."""
    return service(actor=request.user, reason=data["reason"], expected=data["opened"], **values)


def _chosen(data, names) -> dict:
    """The cleaned values of `names`, by name (the correction services take the facts as keyword arguments)."""
    return {name: data[name] for name in names}


def _correction_page(request, *, form, facts, title, intro, back, action, success):
    """GET: the form with the facts as recorded. POST: the service records the correction and recomputes the
    case's clocks; a refused correction shows the page again with its messages and changes nothing. When someone
    else changed the record after the page was opened, the page says what changed and now carries the record as
    it is, so saving again applies this person's correction on top (`facts` re-reads the record)."""
    if request.method == "POST" and form.is_valid():
        stale = []

        def run():
            try:
                return action(form.cleaned_data)
            except services.StaleCorrection:
                stale.append(True)
                raise

        saved, _ = service_call(form, run)
        if saved:
            messages.success(request, success)
            return redirect(back)
        if stale:
            form.reopen(facts())
    back_label = f"Case {back.reference}" if isinstance(back, Case) else f"Referral {back.pk}"
    context = {"form": form, "title": title, "intro": intro, "back": back, "back_label": back_label}
    # Shown again with its messages as a normal page (as the intake form is): the title starts "Error:".
    return render(request, "referrals/correction.html", context)


@permission_required(MANAGE, raise_exception=True)
def referral_correct_dates(request, pk):
    referral = selectors.referral_get_for(request.user, pk)
    names = services.REFERRAL_DATE_FIELDS
    facts = _recorded(referral, names)
    form = ReferralDatesForm(request.POST or None, referral=referral, initial=facts())
    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the dates of referral {referral.pk}",
        intro="Every clock that runs from these dates is worked out again, and each date that moves is shown on the "
        "case timeline with your reason.",
        back=referral,
        action=lambda data: _corrected(
            services.referral_correct_dates, request, data, referral=referral, changes=form.changed_dates(names)
        ),
        success="Referral dates corrected: the clocks that depend on them have been worked out again",
    )


@permission_required(MANAGE, raise_exception=True)
def adviser_contact_correct(request, case_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    contact = get_object_or_404(AdviserContact, case=case)
    names = ("contacted_on", "choice")
    facts = _recorded(contact, names)
    return _correction_page(
        request,
        form=AdviserContactCorrectForm(
            request.POST or None, initial=facts(), choices=services.adviser_choices_for(case)
        ),
        facts=facts,
        title=f"Correct the adviser contact on case {case.reference}",
        intro="The adviser clock, the certificate clock and whether the contact was late are worked out again.",
        back=case,
        action=lambda data: _corrected(
            services.adviser_contact_correct, request, data, contact=contact, **_chosen(data, names)
        ),
        success="Adviser contact corrected",
    )


@any_permission_required(*ACT_ON_REFERRALS)
def session_correct(request, pk, session_pk):
    referral = referral_to_act_on(request.user, pk)
    session = session_of(referral, session_pk)
    names = ("starts_at", "notice_sent_on", "short_notice_consent")
    facts = _recorded(session, names, starts_at=timezone.localtime)
    return _correction_page(
        request,
        form=SessionCorrectForm(request.POST or None, initial=facts()),
        facts=facts,
        title=f"Correct the session of {short_date(timezone.localdate(session.starts_at))}",
        intro="The notice clock and, for a held session, the 30-day mediation clock are worked out again.",
        back=referral,
        action=lambda data: _corrected(
            services.session_correct, request, data, session=session, **_chosen(data, names)
        ),
        success="Session corrected",
    )


@any_permission_required(*ACT_ON_REFERRALS)
def outcome_correct(request, pk):
    referral = referral_to_act_on(request.user, pk)
    names = ("concluded_on", "agreement_on")
    facts = _recorded(referral, names)
    return _correction_page(
        request,
        form=OutcomeCorrectForm(request.POST or None, initial=facts()),
        facts=facts,
        title=f"Correct the outcome dates of referral {referral.pk}",
        intro="The certificate clock and every agreed action's deadline are worked out again.",
        back=referral,
        action=lambda data: _corrected(
            services.referral_conclusion_correct, request, data, referral=referral, **_chosen(data, names)
        ),
        success="Outcome dates corrected",
    )


@permission_required(TRIBUNAL, raise_exception=True)
def appeal_correct(request, case_pk, appeal_pk):
    case = case_selectors.case_get_for(request.user, case_pk)
    appeal = appeal_of(case, appeal_pk)
    names = {**services.APPEAL_DATE_FIELDS, **services.APPEAL_OUTCOME_DATE_FIELDS}
    facts = _recorded(appeal, names)
    form = AppealCorrectForm(request.POST or None, appeal=appeal, initial=facts())
    return _correction_page(
        request,
        form=form,
        facts=facts,
        title=f"Correct the appeal dates on case {case.reference}",
        intro="The appeal window, the directed response and every compliance clock are worked out again.",
        back=case,
        action=lambda data: _corrected(
            services.tribunal_appeal_correct, request, data, appeal=appeal, changes=form.changed_dates(names)
        ),
        success="Appeal dates corrected",
    )
