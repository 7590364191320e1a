"""The referral page: the provider's response, the ICB, the mediator, sessions, the outcome, agreed actions,
certificates and shared notes."""

from __future__ import annotations

from crispy_forms.layout import Fieldset, Layout
from django import forms

from cases.dates import PortalDateField, PortalDateTimeField, portal_formfield

from ..models import AgreementAction, Certificate, IssueOutcome, MediationSession, Mediator, PlanIssue, Referral
from ._common import ISSUER_ROLES, ORDER_KIND_CHOICES, PathwayForm


class RespondForm(PathwayForm, forms.Form):
    id_prefix = "respond"
    accepted = forms.TypedChoiceField(
        label="The provider's response",
        choices=[("yes", "Accepted the referral"), ("no", "Declined the referral")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    responded_on = PortalDateField(label="Date the provider responded")
    decline_reason = forms.ChoiceField(
        label="Why the provider declined",
        required=False,
        choices=[("", "Choose a reason"), *Referral.DeclineReason.choices],
    )
    decline_detail = forms.CharField(
        label="Details of the decline",
        required=False,
        max_length=500,
        help_text="Needed when the reason is Other.",
    )

    def clean(self):
        data = super().clean()
        if data.get("accepted") is False and not data.get("decline_reason"):
            self.add_error("decline_reason", "Choose why the provider declined.")
        return data


class IcbNotifyForm(PathwayForm, forms.Form):
    id_prefix = "icb"
    notified_on = PortalDateField(label="Date the LA told the ICB the mediation issues")
    received_on = PortalDateField(
        label="Date the ICB received the notice (optional)",
        required=False,
        help_text="Health-only mediation runs 30 days from this day; leave blank if it is the day it was sent.",
    )


class AssignMediatorForm(PathwayForm, forms.Form):
    """The mediator radios are drawn by the template from the ranking (with reasons and exclusions); crispy
    draws the reason box."""

    id_prefix = "assign"
    mediator = forms.ModelChoiceField(
        label="Mediator", queryset=Mediator.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(
        label="Reason for not choosing the top suggestion",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, referral, ranking, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranking = ranking
        self.top = next((entry for entry in ranking if not entry.excluded), None)
        self.fields["mediator"].queryset = Mediator.objects.filter(provider_id=referral.provider_id)
        if self.top and "mediator" not in self.initial:
            self.initial["mediator"] = self.top.mediator_id
        self.helper.layout = Layout("reason")

    @property
    def selected(self) -> str:
        value = self["mediator"].value()
        return str(value) if value not in (None, "") else ""

    def clean(self):
        data = super().clean()
        chosen = data.get("mediator")
        entry = next((e for e in self.ranking if chosen and e.mediator_id == chosen.pk), None)
        if entry and not entry.excluded and self.top and entry is not self.top and not data.get("reason", "").strip():
            self.add_error("reason", f"Give a reason for not choosing the top suggestion ({self.top.name}).")
        return data


class SessionScheduleForm(PathwayForm, forms.ModelForm):
    id_prefix = "schedule"
    starts_at = PortalDateTimeField(label="Date and time")
    mode = forms.ChoiceField(label="How it is held", choices=MediationSession.Mode.choices, widget=forms.RadioSelect)

    class Meta:
        model = MediationSession
        formfield_callback = portal_formfield
        fields = ["starts_at", "mode", "venue", "notice_sent_on", "short_notice_consent"]
        help_texts = {
            "notice_sent_on": "At least 5 working days before the session, unless the family agreed to less.",
        }


class SessionRecordForm(PathwayForm, forms.Form):
    HELD = MediationSession.SessionStatus.HELD
    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (MediationSession.SessionStatus.HELD, "Held"),
            (MediationSession.SessionStatus.CANCELLED, "Cancelled"),
            (MediationSession.SessionStatus.DID_NOT_ATTEND, "Someone did not attend"),
        ],
        widget=forms.RadioSelect,
    )
    party_attended = forms.BooleanField(label="Parent or young person attended", required=False)
    supporter_attended = forms.BooleanField(label="Supporter or advocate attended", required=False)
    la_decision_maker_attended = forms.BooleanField(label="LA decision-maker attended", required=False)
    icb_attended = forms.BooleanField(label="ICB representative attended", required=False)
    interpreter_attended = forms.BooleanField(label="Interpreter attended", required=False)
    child_views_obtained = forms.BooleanField(label="The child's views were obtained", required=False)
    cancelled_by = forms.ChoiceField(
        label="Who cancelled or did not attend",
        required=False,
        choices=[("", "Choose"), *MediationSession.Party.choices],
    )
    cancel_reason = forms.CharField(label="Reason given", required=False, max_length=500)

    ATTENDANCE = [
        "party_attended",
        "supporter_attended",
        "la_decision_maker_attended",
        "icb_attended",
        "interpreter_attended",
        "child_views_obtained",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "status",
            Fieldset("If it was held: who attended", *self.ATTENDANCE),
            Fieldset("If it was cancelled or someone did not attend", "cancelled_by", "cancel_reason"),
        )

    @property
    def attendance(self) -> dict:
        return {name: self.cleaned_data.get(name, False) for name in self.ATTENDANCE}

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != self.HELD and not data.get("cancelled_by"):
            self.add_error("cancelled_by", "Say who cancelled or did not attend.")
        return data


class NotHeldForm(PathwayForm, forms.Form):
    id_prefix = "not_held"
    notified_on = PortalDateField(
        label="Date the adviser was told mediation cannot be held within 30 days",
        help_text="The certificate is then due within 3 working days.",
    )


class ConcludeForm(PathwayForm, forms.Form):
    id_prefix = "conclude"
    AGREEMENTS = (Referral.Outcome.FULL, Referral.Outcome.PARTIAL)
    concluded_on = PortalDateField(label="Date mediation concluded")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(o.value, o.label) for o in (Referral.Outcome.FULL, Referral.Outcome.PARTIAL, Referral.Outcome.NONE)],
        widget=forms.RadioSelect,
    )
    agreement_on = PortalDateField(
        label="Date of the written agreement",
        required=False,
        help_text="Needed for full or partial agreement: the agreed actions' deadlines run from it.",
    )

    def __init__(self, *args, issues: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.issues = issues
        for issue in issues:
            self.fields[f"issue_{issue}"] = forms.ChoiceField(
                label=PlanIssue(issue).label,
                required=False,
                choices=[("", "Not discussed"), *IssueOutcome.Result.choices],
            )
        self.helper.layout = Layout(
            "concluded_on",
            "outcome",
            "agreement_on",
            Fieldset("Outcome for each issue in dispute", *[f"issue_{i}" for i in issues]),
        )

    @property
    def issue_outcomes(self) -> dict[str, str]:
        return {i: self.cleaned_data[f"issue_{i}"] for i in self.issues if self.cleaned_data.get(f"issue_{i}")}

    def clean(self):
        data = super().clean()
        missing_agreement = not data.get("agreement_on") and "agreement_on" not in self.errors
        if data.get("outcome") in self.AGREEMENTS and missing_agreement:
            self.add_error("agreement_on", "Enter the date of the written agreement.")
        if not self.errors and not self.issue_outcomes:
            raise forms.ValidationError("Record the outcome for at least one issue in dispute.")
        return data


class WithdrawForm(PathwayForm, forms.Form):
    id_prefix = "withdraw"
    withdrawn_on = PortalDateField(label="Date the family withdrew")
    reason = forms.CharField(label="Reason the family gave", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class LaConcededForm(PathwayForm, forms.Form):
    id_prefix = "conceded"
    agreement_on = PortalDateField(
        label="Date the LA conceded in writing",
        help_text="A written concession is treated as an agreement: reg 42 deadlines then apply.",
    )


class AgreementActionForm(PathwayForm, forms.ModelForm):
    id_prefix = "action"
    owner = forms.ChoiceField(label="Who must do it", choices=AgreementAction.Owner.choices, widget=forms.RadioSelect)
    basis = forms.ChoiceField(
        label="Which timescale applies", choices=AgreementAction.Basis.choices, widget=forms.RadioSelect
    )
    order_kind = forms.ChoiceField(
        label="What the agreement requires (appealable matters)",
        required=False,
        choices=[("", "Not an appealable matter"), *ORDER_KIND_CHOICES],
    )
    agreed_due_on = PortalDateField(
        label="Date the parties agreed in writing",
        required=False,
        help_text="Only when the parties agreed their own date (reg 42(5)).",
    )

    class Meta:
        model = AgreementAction
        formfield_callback = portal_formfield
        fields = ["description", "owner", "basis", "order_kind"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"description": "What was agreed"}


class ActionDoneForm(PathwayForm, forms.Form):
    done_on = PortalDateField(label="Date it was done")


class CertificateIssueForm(PathwayForm, forms.Form):
    id_prefix = "certificate"
    kind = forms.ChoiceField(label="Kind of certificate", widget=forms.RadioSelect)
    issued_on = PortalDateField(label="Issue date")
    issuer_name = forms.CharField(label="Name of the person issuing it", max_length=200)
    issuer_role = forms.ChoiceField(label="Their role", choices=ISSUER_ROLES, widget=forms.RadioSelect)
    correction_reason = forms.CharField(
        label="Reason for issuing a corrected version", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    corrects_issue_date = forms.BooleanField(
        label="The correction is to the issue date itself",
        required=False,
        help_text="Only then does the appeal deadline follow the corrected certificate's date; otherwise it stays "
        "on the date of the first certificate the family received. Either way a manager confirms the correction.",
    )

    def __init__(self, *args, kinds: list[str], latest: Certificate | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Certificate.Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.initial.setdefault("kind", kinds[0])
        if latest is None:
            del self.fields["correction_reason"]
            del self.fields["corrects_issue_date"]
        else:
            self.fields[
                "correction_reason"
            ].help_text = f"This case already has certificate {latest.number}: the new one replaces it."


class SharedNoteForm(PathwayForm, forms.Form):
    id_prefix = "note"
    text = forms.CharField(
        label="Shared note",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by the LA and the assigned mediator.",
    )
