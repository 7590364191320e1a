"""The mediation panel on the case page (registered with cases.panels by this app's AppConfig.ready()): adviser
contact, referrals, disagreement resolution, Tribunal appeals and certificates of one case, with the forms this
person may use there. It reads with a fixed number of queries whatever the case holds; the template only renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cases.models import Case, Route
from cases.rules import APPEALABLE_DECISIONS

from . import permissions, selectors
from .forms import (
    AdviserContactForm,
    DrsRecordForm,
    DrsReferForm,
    ReferralCreateForm,
    TribunalAppealForm,
    TribunalOutcomeForm,
)
from .models import AdviserContact, Certificate, MediationProvider, Referral
from .services import adviser_choices_for

TEMPLATE = "referrals/_case_panel.html"

# Dates carried over from a declined referral: the statutory clocks do not restart with a new provider.
CARRIED_OVER = ["family_told_la_on", "provider_told_la_on", "health_issues", "health_only", "health_told_on"]


@dataclass(frozen=True)
class MediationPanel:
    """What the mediation panel shows. A form is None where this person may not use it here; `appeals` and
    `drs_list` pair each record with its outcome form (None once the outcome is recorded)."""

    is_drs: bool
    can_manage: bool
    can_tribunal: bool
    can_confirm: bool
    contact: AdviserContact | None
    referrals: list[Referral]
    declined: Referral | None  # the declined referral whose dates the refer form carries over
    certificates: list[Certificate]
    appealable: bool
    appeals: list[tuple[Any, Any]]
    drs_list: list[tuple[Any, Any]]
    suggestion: Any
    show_refer: bool
    refer_form: ReferralCreateForm | None
    adviser_form: AdviserContactForm | None
    drs_form: DrsReferForm | None
    appeal_form: TribunalAppealForm | None
    declined_certificate_due: bool


def mediation_panel(*, user, case: Case, forms: Mapping[str, Any]) -> MediationPanel | None:
    """The panel for this person (None: they do not see referrals). A form that failed comes back in `forms`."""
    if not user.has_perm("referrals.view_all_referrals"):
        return None
    is_open, is_drs = not case.is_closed, case.route == Route.DRS
    can_manage = permissions.can_manage_referrals(user)
    can_tribunal = permissions.can_manage_tribunal(user) and is_open
    contact = None if is_drs else AdviserContact.objects.filter(case=case).select_related("provider").first()
    referrals = list(selectors.referrals_for_case(case))
    certificates = list(selectors.certificates_for_case(case)) if case.certificate_issued_on else []
    appealable = case.decision in APPEALABLE_DECISIONS and not is_drs
    acting = can_manage and is_open
    # A case goes back to the referral queue only when every referral so far was declined by its provider.
    show_refer = acting and not is_drs and all(r.status == Referral.Status.DECLINED for r in referrals)
    show_adviser = acting and not is_drs and contact is None
    show_drs = acting and is_drs
    providers, suggestion = _providers(show_refer, show_adviser or show_drs)
    declined = next((r for r in referrals if r.status == Referral.Status.DECLINED), None) if show_refer else None
    return MediationPanel(
        is_drs=is_drs,
        can_manage=can_manage,
        can_tribunal=can_tribunal,
        can_confirm=user.has_perm("cases.waive_deadline"),
        contact=contact,
        referrals=referrals,
        declined=declined,
        certificates=certificates,
        appealable=appealable,
        appeals=_with_outcome_forms(
            list(case.appeals.all()) if appealable else [], forms, "outcome", TribunalOutcomeForm, can_tribunal
        ),
        drs_list=_with_outcome_forms(
            list(case.drs_referrals.select_related("provider")) if is_drs else [],
            forms,
            "drs",
            DrsRecordForm,
            can_manage,
        ),
        suggestion=suggestion,
        show_refer=show_refer,
        refer_form=_refer_form(forms, declined, suggestion, providers, case) if show_refer else None,
        adviser_form=(
            forms.get("adviser_form") or AdviserContactForm(providers=providers, choices=adviser_choices_for(case))
        )
        if show_adviser
        else None,
        drs_form=(forms.get("drs_form") or DrsReferForm(providers=providers)) if show_drs else None,
        appeal_form=(forms.get("appeal_form") or TribunalAppealForm()) if can_tribunal and appealable else None,
        declined_certificate_due=can_manage
        and user.has_perm("referrals.issue_certificate")
        and _declined_certificate_due(contact, certificates),
    )


def _providers(for_referral: bool, for_other_forms: bool):
    """The providers the forms offer and, for a referral, the suggested one (with its workload counts)."""
    if for_referral:
        providers = selectors.providers_with_counts()
        return providers, selectors.provider_suggestion(providers)
    if for_other_forms:
        return list(MediationProvider.objects.all()), None
    return None, None


def _refer_form(forms, declined, suggestion, providers, case) -> ReferralCreateForm:
    if forms.get("refer_form") is not None:
        return forms["refer_form"]
    initial = ReferralCreateForm.initial_from_case(case)  # what the case already records
    if declined:
        initial.update({name: getattr(declined, name) for name in CARRIED_OVER})
    if suggestion:
        initial["provider"] = suggestion.provider_id
    return ReferralCreateForm(initial=initial, providers=providers, case=case)


def _with_outcome_forms(records, forms, prefix: str, form_class, allowed: bool) -> list[tuple[Any, Any]]:
    """Each record with the form that records its outcome: the failed one from `forms` (keyed
    `{prefix}_form_{pk}`, e.g. outcome_form_3) or a new one; None once recorded or where not allowed."""
    rows = []
    for record in records:
        form = None
        if allowed and not record.outcome:
            form = forms.get(f"{prefix}_form_{record.pk}") or form_class(auto_id=f"{prefix}{record.pk}_%s")
        rows.append((record, form))
    return rows


def _declined_certificate_due(contact, certificates) -> bool:
    """The family chose no mediation at the adviser and no 'mediation declined' certificate is issued yet."""
    return (
        contact is not None
        and contact.choice == AdviserContact.Choice.NO_MEDIATION
        and not any(c.kind == Certificate.Kind.DECLINED for c in certificates)
    )
