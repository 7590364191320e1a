"""Corrections (decision 17): every recorded fact can be corrected, with a reason that goes on the timeline."""

from __future__ import annotations

from django import forms
from django.core import signing

from cases.dates import PortalDateField, PortalDateTimeField

from ..models import AdviserContact, Referral, TribunalAppeal
from ._common import PathwayForm


class CorrectionForm(PathwayForm, forms.Form):
    """A correction page's form: the facts as recorded (initial values) and the reason, which goes on the
    timeline. It carries, signed, the facts as they were when the page was opened (`opened`): the service refuses
    the correction if someone else changed them since, rather than silently undoing their change."""

    id_prefix = "correct"
    opened = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why are you correcting this?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: typed from the wrong letter. It goes on the case timeline with your name.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["opened"] = sign_facts(self.initial, self.fact_names())

    def fact_names(self) -> list[str]:
        return [name for name in self.fields if name not in ("opened", "reason")]

    def clean_opened(self) -> dict:
        try:
            return signing.loads(self.cleaned_data.get("opened") or "", salt=OPENED_SALT)
        except signing.BadSignature:
            raise forms.ValidationError("This page was out of date: open it again from the case.") from None

    def reopen(self, current: dict) -> None:
        """After a refusal because someone else changed the facts: the page now carries the facts as they are, so
        saving again applies this person's correction on top of theirs."""
        self.data = self.data.copy()
        self.data["opened"] = sign_facts(current, self.fact_names())

    def changed_dates(self, names) -> dict:
        """The cleaned values of `names` (the service compares them with what is recorded)."""
        return {name: self.cleaned_data.get(name) for name in names if name in self.fields}


OPENED_SALT = "sendportal.correction.opened"


def sign_facts(values: dict, names) -> str:
    from ..services import fact_token

    return signing.dumps({name: fact_token(values.get(name)) for name in names}, salt=OPENED_SALT)


def _date(label, *, required=False, help_text=""):
    return PortalDateField(label=label, required=required, help_text=help_text)


class ReferralDatesForm(CorrectionForm):
    referred_on = _date("Referral date", required=True)
    family_told_la_on = _date("Date the family told the LA they want mediation", required=True)
    provider_told_la_on = _date("Date the provider told the LA")
    health_told_on = _date("Date the LA was told the issues include health care")
    icb_notified_on = _date("Date the LA told the ICB")
    icb_received_on = _date("Date the ICB received the notice", help_text="Health-only mediation runs from this day.")
    responded_on = _date("Date the provider responded")
    not_held_notified_on = _date("Date the adviser was told mediation cannot be held within 30 days")

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        if not referral.health_issues:
            for name in ("health_told_on", "icb_notified_on", "icb_received_on"):
                del self.fields[name]
        if not referral.responded_on:
            del self.fields["responded_on"]
        if not referral.not_held_notified_on:
            del self.fields["not_held_notified_on"]
        self.order_fields([*[f for f in self.fields if f != "reason"], "reason"])


class SessionCorrectForm(CorrectionForm):
    starts_at = PortalDateTimeField(label="Date and time of the session")
    notice_sent_on = _date("Date notice of the date and place was sent", required=True)
    short_notice_consent = forms.BooleanField(
        label="The family agreed to less than 5 working days' notice", required=False
    )
    field_order = ["starts_at", "notice_sent_on", "short_notice_consent", "reason"]


class OutcomeCorrectForm(CorrectionForm):
    concluded_on = _date("Date mediation concluded", required=True)
    agreement_on = _date("Date of the written agreement", help_text="For a full or partial agreement.")
    field_order = ["concluded_on", "agreement_on", "reason"]


class AdviserContactCorrectForm(CorrectionForm):
    contacted_on = _date("Date the family contacted the adviser", required=True)
    choice = forms.ChoiceField(label="What the family chose", widget=forms.RadioSelect)
    field_order = ["contacted_on", "choice", "reason"]

    def __init__(self, *args, choices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(c, AdviserContact.Choice(c).label) for c in choices]


class AppealCorrectForm(CorrectionForm):
    registered_on = _date("Date the Tribunal registered the appeal", required=True)
    la_told_on = _date("Date the LA was told", required=True)
    response_due_on = _date("LA response due (as directed)")
    hearing_on = _date("Hearing date (as directed)")
    outcome_on = _date("Date of the outcome")
    order_sent_on = _date("Date the order was sent out")
    unopposed_notified_on = _date("Date the LA told the Tribunal it will not oppose")
    recommendation_on = _date("Date of health or social care recommendations")

    def __init__(self, *args, appeal: TribunalAppeal, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("outcome_on", "order_sent_on", "unopposed_notified_on", "recommendation_on"):
            if getattr(appeal, name) is None:
                del self.fields[name]
        self.order_fields([*[f for f in self.fields if f != "reason"], "reason"])
