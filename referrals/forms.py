"""Input parsing for the mediation pathway pages: one form per action, explicit fields only. Forms parse and check
input; the services in services.py check the rules and make the change.

Several forms share a page, so each form gets its own id prefix (``auto_id``): ids stay unique and the error
summary's links land on the right field, while the POSTed names stay plain."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core import signing
from django.utils.html import escape

from cases.dates import PortalDateField, PortalDateTimeField, portal_formfield
from cases.deadlines import OrderKind, UnopposedAppealKind
from cases.models import Decision, HealthBody

from .models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationProvider,
    MediationSession,
    Mediator,
    PlanIssue,
    Referral,
    TribunalAppeal,
)

RS = Referral.Status

# Readable labels for the clock engine's order kinds (cases.deadlines keeps plain values).
ORDER_KIND_LABELS = {
    OrderKind.CEASE_APPEAL_DISMISSED: "Appeal against ceasing the plan dismissed: cease to maintain",
    OrderKind.ASSESS: "Carry out an EHC needs assessment",
    OrderKind.REASSESS: "Carry out a re-assessment",
    OrderKind.MAKE_AND_MAINTAIN_PLAN: "Make and maintain an EHC plan",
    OrderKind.AMEND_CONTENTS: "Amend the contents of the plan",
    OrderKind.CHANGE_NAMED_SCHOOL: "Change the school or setting named in the plan",
    OrderKind.CONTINUE_TO_MAINTAIN: "Continue to maintain the plan",
    OrderKind.RECONSIDER: "Reconsider (case referred back)",
}
UNOPPOSED_KIND_LABELS = {
    UnopposedAppealKind.ASSESS: "Refusal to assess",
    UnopposedAppealKind.REASSESS: "Refusal to re-assess",
    UnopposedAppealKind.CONTENT: "Content of the plan (sections B and F)",
    UnopposedAppealKind.REFUSAL_TO_AMEND: "Refusal to amend the plan",
    UnopposedAppealKind.PLACEMENT_ONLY: "Placement only (section I)",
    UnopposedAppealKind.CONTENT_AND_PLACEMENT: "Content and placement",
    UnopposedAppealKind.REFUSAL_TO_ISSUE: "Refusal to issue a plan",
    UnopposedAppealKind.CEASE: "Decision to cease to maintain the plan",
}


def _labelled(enum, labels: dict) -> list[tuple[str, str]]:
    """Every member of the engine's enum, with a readable label (a new member still appears, by its value)."""
    return [(member.value, labels.get(member, member.value.replace("_", " ").capitalize())) for member in enum]


ORDER_KIND_CHOICES = _labelled(OrderKind, ORDER_KIND_LABELS)
UNOPPOSED_KIND_CHOICES = _labelled(UnopposedAppealKind, UNOPPOSED_KIND_LABELS)
ISSUER_ROLES = [("Mediator", "Mediator"), ("Mediation adviser", "Mediation adviser")]

# Decisions that are themselves an issue in dispute (rather than plan sections).
DECISION_ISSUES = {Decision.RTA, Decision.RTI, Decision.RTR, Decision.RTAM, Decision.CEASE}


def issues_for(case, referral) -> list[str]:
    """The issues an outcome can be recorded against for this case, in PlanIssue order."""
    found = {s for s in ("B", "F", "I") if s in (case.sections_disputed or [])}
    if case.health_involved or referral.health_issues:
        found.add(PlanIssue.HEALTH)
    if case.social_care_involved:
        found.add(PlanIssue.SOCIAL_CARE)
    if case.decision in DECISION_ISSUES or not found:
        found.add(PlanIssue.DECISION)
    return [issue for issue in PlanIssue.values if issue in found]


def _provider_choices(providers, *, keep) -> list[tuple]:
    """Choices from an already-fetched provider list (no query when the form renders)."""
    return [("", "Choose a provider")] + [(p.pk, p.name) for p in providers if keep(p)]


class PathwayForm:
    """Mixin: a crispy helper without its own <form> tag, and ids prefixed so several forms can share a page."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self):
        # The forms only parse input: the service validates the whole change and saves it.
        pass


# --- Case panel ------------------------------------------------------------------------------------------------


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


# --- Referral page ----------------------------------------------------------------------------------------------


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


class ComplianceDoneForm(PathwayForm, forms.Form):
    """A tribunal compliance step (order, unopposed appeal, recommendations, directed response) was done."""

    id_prefix = "compliance"
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    done_on = PortalDateField(label="Date done")


# --- Corrections (decision 17): every recorded fact can be corrected, with a reason ------------------------------


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
    from .services import fact_token

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
