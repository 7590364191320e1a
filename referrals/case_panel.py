"""The mediation panel on the case page (registered with cases.panels by this app's AppConfig.ready()): adviser
contact, referrals, disagreement resolution, Tribunal appeals and certificates of one case, with the forms this
person may use there. It reads with a fixed number of queries whatever the case holds; the template only renders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    shown = _Shown.for_case(acting=can_manage and is_open, is_drs=is_drs, contact=contact, referrals=referrals)
    providers, suggestion = _providers(shown.refer, shown.adviser or shown.drs)
    declined = next((r for r in referrals if r.status == Referral.Status.DECLINED), None) if shown.refer else None
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
        appeals=_appeal_rows(case, forms, appealable=appealable, can_tribunal=can_tribunal),
        drs_list=_drs_rows(case, forms, is_drs=is_drs, can_manage=can_manage),
        suggestion=suggestion,
        show_refer=shown.refer,
        refer_form=_refer_form(forms, declined, suggestion, providers, case) if shown.refer else None,
        adviser_form=_form(
            forms,
            "adviser_form",
            shown.adviser,
            lambda: AdviserContactForm(providers=providers, choices=adviser_choices_for(case)),
        ),
        drs_form=_form(forms, "drs_form", shown.drs, lambda: DrsReferForm(providers=providers)),
        appeal_form=_form(forms, "appeal_form", can_tribunal and appealable, TribunalAppealForm),
        declined_certificate_due=can_manage and _declined_certificate_due(user, contact, certificates),
    )


@dataclass(frozen=True)
class _Shown:
    """Which of the pathway's starting forms the panel offers."""

    refer: bool
    adviser: bool
    drs: bool

    @classmethod
    def for_case(cls, *, acting: bool, is_drs: bool, contact, referrals: list[Referral]) -> _Shown:
        """`acting`: this person manages referrals and the case is open. A case goes back to the referral queue
        only when every referral so far was declined by its provider."""
        mediation = acting and not is_drs
        return cls(
            refer=mediation and all(r.status == Referral.Status.DECLINED for r in referrals),
            adviser=mediation and contact is None,
            drs=acting and is_drs,
        )


def _form(forms: Mapping[str, Any], key: str, shown: bool, new: Callable[[], Any]) -> Any:
    """The form under `key` that failed, or a new one; None where it is not shown."""
    if not shown:
        return None
    return forms.get(key) or new()


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


def _appeal_rows(
    case: Case, forms: Mapping[str, Any], *, appealable: bool, can_tribunal: bool
) -> list[tuple[Any, Any]]:
    """An appealable case's Tribunal appeals, each with its outcome form."""
    records = list(case.appeals.all()) if appealable else []
    return _with_outcome_forms(records, forms, "outcome", TribunalOutcomeForm, can_tribunal)


def _drs_rows(case: Case, forms: Mapping[str, Any], *, is_drs: bool, can_manage: bool) -> list[tuple[Any, Any]]:
    """A disagreement-resolution case's referrals, each with its outcome form."""
    records = list(case.drs_referrals.select_related("provider")) if is_drs else []
    return _with_outcome_forms(records, forms, "drs", DrsRecordForm, can_manage)


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


def _declined_certificate_due(user, contact, certificates) -> bool:
    """The family chose no mediation at the adviser and no 'mediation declined' certificate is issued yet (for a
    person who may issue one)."""
    return (
        user.has_perm("referrals.issue_certificate")
        and contact is not None
        and contact.choice == AdviserContact.Choice.NO_MEDIATION
        and not any(c.kind == Certificate.Kind.DECLINED for c in certificates)
    )
