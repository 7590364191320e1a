"""The mediation panel on the case page. The case page knows nothing of referrals: it asks this tag, which
reads what the panel shows with a fixed number of queries whatever the case holds."""

from django import template

from cases.models import Route
from cases.rules import APPEALABLE_DECISIONS

from .. import permissions, selectors, services
from ..forms import (
    AdviserContactForm,
    DrsRecordForm,
    DrsReferForm,
    ReferralCreateForm,
    TribunalAppealForm,
    TribunalOutcomeForm,
)
from ..models import AdviserContact, Certificate, MediationProvider, Referral

register = template.Library()

# Dates carried over from a declined referral: the statutory clocks do not restart with a new provider.
CARRIED_OVER = ["family_told_la_on", "provider_told_la_on", "health_issues", "health_only", "health_told_on"]


@register.inclusion_tag("referrals/_case_panel.html", takes_context=True)
def case_mediation_panel(context, case):
    """Adviser contact, referrals, DRS, tribunal appeals and certificates of one case, with the officer's forms.
    A form that failed (the case page shown again with HTTP 400) comes back through the page's context."""
    user = context["request"].user
    if not user.has_perm("referrals.view_all_referrals"):
        return {"visible": False}
    can_manage = permissions.can_manage_referrals(user)
    is_open, is_drs = not case.is_closed, case.route == Route.DRS
    contact = None if is_drs else AdviserContact.objects.filter(case=case).select_related("provider").first()
    referrals = list(selectors.referrals_for_case(case))
    active = next((r for r in referrals if r.is_active), None)
    declined = next((r for r in referrals if r.status == Referral.Status.DECLINED), None)
    certificates = list(selectors.certificates_for_case(case)) if case.certificate_issued_on else []
    # The legal-review flag of a corrected certificate (decision 15) is on the case's clocks panel too.
    appealable = case.decision in APPEALABLE_DECISIONS and not is_drs
    appeals = list(case.appeals.all()) if appealable else []
    drs_list = list(case.drs_referrals.select_related("provider")) if is_drs else []

    # A case goes back to the referral queue only when every referral so far was declined by its provider.
    show_refer = can_manage and is_open and not is_drs and all(r.status == Referral.Status.DECLINED for r in referrals)
    show_adviser = can_manage and is_open and not is_drs and contact is None
    show_drs = can_manage and is_open and is_drs
    providers, suggestion = None, None
    if show_refer:
        providers = selectors.providers_with_counts()
        suggestion = selectors.provider_suggestion(providers)
    elif show_adviser or show_drs:
        providers = list(MediationProvider.objects.all())

    refer_form = context.get("refer_form")
    if show_refer and refer_form is None:
        initial = {name: getattr(declined, name) for name in CARRIED_OVER} if declined else {}
        if suggestion:
            initial["provider"] = suggestion.provider_id
        refer_form = ReferralCreateForm(initial=initial, providers=providers)
    can_tribunal = permissions.can_manage_tribunal(user) and is_open
    declined_certificate_due = (
        contact is not None
        and contact.choice == AdviserContact.Choice.NO_MEDIATION
        and not any(c.kind == Certificate.Kind.DECLINED for c in certificates)
    )
    return {
        "visible": True,
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "can_manage": can_manage,
        "can_tribunal": can_tribunal,
        "can_confirm": user.has_perm("cases.waive_deadline"),
        "contact": contact,
        "referrals": referrals,
        "active": active,
        "declined": declined if show_refer else None,
        "certificates": certificates,
        "appealable": appealable,
        "appeals": [
            (a, _form(context, f"outcome_form_{a.pk}", TribunalOutcomeForm, f"outcome{a.pk}_%s", can_tribunal))
            if not a.outcome
            else (a, None)
            for a in appeals
        ],
        "is_drs": is_drs,
        "drs_list": [
            (d, _form(context, f"drs_form_{d.pk}", DrsRecordForm, f"drs{d.pk}_%s", can_manage))
            if not d.outcome
            else (d, None)
            for d in drs_list
        ],
        "suggestion": suggestion,
        "show_refer": show_refer,
        "refer_form": refer_form,
        "adviser_form": (
            context.get("adviser_form")
            or AdviserContactForm(providers=providers, choices=services.adviser_choices_for(case))
        )
        if show_adviser
        else None,
        "drs_form": (context.get("drs_form") or DrsReferForm(providers=providers)) if show_drs else None,
        "appeal_form": (context.get("appeal_form") or TribunalAppealForm()) if can_tribunal and appealable else None,
        "declined_certificate_due": declined_certificate_due
        and can_manage
        and user.has_perm("referrals.issue_certificate"),
    }


def _form(context, key, form_class, auto_id, allowed):
    if not allowed:
        return None
    return context.get(key) or form_class(auto_id=auto_id)
