"""The case page's mediation panel: adviser contact, referral, disagreement resolution and the Tribunal."""

from __future__ import annotations

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.utils.html import escape

from cases.dates import PortalDateField, portal_formfield
from cases.models import Decision, HealthBody

from ..models import AdviserContact, DisagreementResolution, MediationProvider, Referral, TribunalAppeal
from ._common import ORDER_KIND_CHOICES, UNOPPOSED_KIND_CHOICES, PathwayForm, _provider_choices


class AdviserContactForm(PathwayForm, forms.ModelForm):
    id_prefix = "adviser"
    choice = forms.ChoiceField(
        label="What the family chose", choices=AdviserContact.Choice.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = AdviserContact
        formfield_callback = portal_formfield
        fields = ["contacted_on", "choice", "provider", "adviser_name"]
        help_texts = {"contacted_on": "Checked against the 2-month limit from the decision letter: late is flagged."}

    def __init__(self, *args, providers=None, choices: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:  # "placement only" is offered only where section I alone is disputed (decision 14)
            self.fields["choice"].choices = [(c, AdviserContact.Choice(c).label) for c in choices]
        self.fields["provider"].queryset = MediationProvider.objects.filter(active=True)
        self.fields["provider"].required = False
        if providers is not None:
            self.fields["provider"].choices = _provider_choices(providers, keep=lambda p: p.active)


class ReferralCreateForm(PathwayForm, forms.ModelForm):
    id_prefix = "refer"

    class Meta:
        model = Referral
        formfield_callback = portal_formfield
        fields = [
            "provider",
            "provider_choice_reason",
            "referred_on",
            "family_told_la_on",
            "provider_told_la_on",
            "health_issues",
            "health_only",
            "health_told_on",
        ]
        widgets = {
            "provider_choice_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "provider_choice_reason": "Needed only when you choose a provider other than the suggested one.",
            "referred_on": "Leave blank for today; enter an earlier date when recording a referral made before.",
            "family_told_la_on": "The 30-day clock runs from this or the date the provider told the LA, if earlier.",
            "health_told_on": "Leave blank if it was the day the family told the LA they want mediation: the ICB "
            "must be told within 3 working days of it.",
        }

    def __init__(self, *args, providers=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = MediationProvider.objects.filter(active=True, offers_mediation=True)
        self.fields["referred_on"].required = False
        if providers is not None:
            self.fields["provider"].choices = _provider_choices(
                providers, keep=lambda p: p.active and p.offers_mediation
            )
        health = ["health_issues", "health_only", "health_told_on"]
        if case is not None and case.icb_id:
            # Recorded on the case already: shown, not asked again.
            health.append(HTML(f'<p class="mb-3">ICB to tell: {escape(case.icb.name)} (recorded on the case)</p>'))
        else:
            self.fields["icb"] = forms.ModelChoiceField(
                queryset=HealthBody.objects.active(),
                required=False,
                label="ICB to tell about the health care issues",
                help_text="Needed when the issues include health care; it is recorded on the case too.",
            )
            health.append("icb")
        self.helper.layout = Layout(
            "provider",
            "provider_choice_reason",
            "referred_on",
            "family_told_la_on",
            "provider_told_la_on",
            Fieldset("Health care", *health),
        )

    @classmethod
    def initial_from_case(cls, case) -> dict:
        """What the case already records (issue 13: information carried forward): health care in the issues when the
        case has health care issues; health alone (the ICB arranges the mediation) when the disagreement is about
        health or social care elements only and social care is not among them; the case's ICB."""
        health_only = case.decision == Decision.HSC and case.health_involved and not case.social_care_involved
        return {"health_issues": case.health_involved, "health_only": health_only, "icb": case.icb_id}


class DrsReferForm(PathwayForm, forms.ModelForm):
    id_prefix = "drs"

    class Meta:
        model = DisagreementResolution
        formfield_callback = portal_formfield
        fields = ["kind", "provider", "referred_on"]

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = MediationProvider.objects.filter(active=True, offers_drs=True)
        if providers is not None:
            self.fields["provider"].choices = _provider_choices(providers, keep=lambda p: p.active and p.offers_drs)


class DrsRecordForm(PathwayForm, forms.Form):
    meeting_on = PortalDateField(label="Meeting date", required=False)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Not known yet"), *DisagreementResolution.Outcome.choices]
    )
    outcome_on = PortalDateField(label="Date of the outcome", required=False)


class TribunalAppealForm(PathwayForm, forms.ModelForm):
    id_prefix = "appeal"

    class Meta:
        model = TribunalAppeal
        formfield_callback = portal_formfield
        fields = ["registered_on", "la_told_on", "response_due_on", "hearing_on"]


class TribunalOutcomeForm(PathwayForm, forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=[("", "Choose the outcome"), *TribunalAppeal.Outcome.choices])
    outcome_on = PortalDateField(label="Date of the outcome")
    order_kind = forms.ChoiceField(
        label="What the order requires",
        required=False,
        choices=[("", "No order"), *ORDER_KIND_CHOICES],
        help_text="Sets the compliance clocks (SEND Regs 2014 reg 44).",
    )
    order_sent_on = PortalDateField(
        label="Date the Tribunal sent out the order",
        required=False,
        help_text="HMCTS says the compliance periods run from the day the order is sent out.",
    )
    unopposed_kind = forms.ChoiceField(
        label="Unopposed appeal: the decision conceded",
        required=False,
        choices=[("", "Not an unopposed appeal"), *UNOPPOSED_KIND_CHOICES],
        help_text="Only when the LA told the Tribunal it will not oppose (SEND Regs 2014 reg 45).",
    )
    unopposed_notified_on = PortalDateField(label="Date the LA told the Tribunal it will not oppose", required=False)
    recommendation_on = PortalDateField(
        label="Date of health or social care recommendations",
        required=False,
        help_text="The ICB or social care must respond within 5 weeks.",
    )
    recommendation_to = forms.ChoiceField(
        label="Who the recommendations are for",
        required=False,
        initial=TribunalAppeal.RecommendationTo.LA,
        choices=TribunalAppeal.RecommendationTo.choices,
        widget=forms.RadioSelect,
        help_text="Health recommendations are the ICB's to answer; social care ones are the LA's.",
    )

    def clean_recommendation_to(self):
        return self.cleaned_data.get("recommendation_to") or TribunalAppeal.RecommendationTo.LA

    def clean(self):
        data = super().clean()
        if data.get("order_kind") and not data.get("order_sent_on") and "order_sent_on" not in self.errors:
            self.add_error("order_sent_on", "Enter the date the Tribunal sent out the order.")
        if data.get("order_sent_on") and not data.get("order_kind"):
            self.add_error("order_kind", "Choose what the order requires.")
        missing_notice = not data.get("unopposed_notified_on") and "unopposed_notified_on" not in self.errors
        if data.get("unopposed_kind") and missing_notice:
            self.add_error("unopposed_notified_on", "Enter the date the LA told the Tribunal.")
        return data


class ComplianceDoneForm(PathwayForm, forms.Form):
    """A tribunal compliance step (order, unopposed appeal, recommendations, directed response) was done."""

    id_prefix = "compliance"
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    done_on = PortalDateField(label="Date done")
