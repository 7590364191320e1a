"""The fuzz suite (issue 10, section 3): nothing a user types can break a case.

Every form in the portal (case intake, edit, assign, status and notes; every pathway form on the case and referral
pages; the profile and the sign-in page; the admin's add and change forms for the reference data and its actions)
is posted with hostile values, one field at a time, starting from a payload the form accepts; every list's query
string (sort, page, filters, search; the dashboards and the exports; the admin's changelists) is requested with
hostile parameters. For every request:

- the answer is never a server error (the test client shows the real 500 instead of raising);
- a refused post (anything but a redirect) changed nothing: every row of the portal's tables is as it was;
- a date outside 1900-2100, or no date at all ("30 February"), in a date field is refused, whether posted as one
  value or typed in the date component's day, month and year boxes (each box is fuzzed too).

Each request runs inside a savepoint rolled back afterwards, so every probe starts from the same world and the
export limit never runs out. The URLconf is walked so that a new page is either fuzzed here or listed in
NOT_FUZZED with the reason.

Run it alone: `.venv/bin/python -m pytest sendportal/tests/test_fuzz.py` (part of `make test`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.dates import PortalDateField, PortalDateTimeField
from cases.forms import CaseForm
from cases.models import Case, CaseReferenceCounter, Deadline, NonWorkingDay
from cases.tests.factories import CaseFactory, HealthBodyFactory, SchoolFactory
from documents import forms as document_forms
from documents import services as document_services
from letters import forms as letter_forms
from letters.models import SupportService
from referrals import forms as referral_forms
from referrals.models import AdviserContact, MediationProvider
from referrals.tests.factories import (
    AdviserContactFactory,
    AgreementActionFactory,
    DrsFactory,
    MediatorFactory,
    ProviderFactory,
    ReferralFactory,
    TribunalAppealFactory,
    UserFactory,
)
from sendportal.date_input import DateInputWidget

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"

# --- The hostile values ---------------------------------------------------------------------------------------

HOSTILE = [
    "",
    "   ",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "\u202eevil\u202c \U0001f642\U0001f468\u200d\U0001f469\u200d\U0001f467 \u0645\u0631\u062d\u0628\u0627",
    "' OR 1=1; DROP TABLE cases_case; --",
    '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "-1",
    "99999999999999999999",
    "abc",
    ["1", "2"],  # an array where a scalar is expected
]
BAD_DATES = [
    "0000-00-00", "1871-12-31", "1899-12-31", "2101-01-01", "9999-12-31", "2026-02-30", "2026-13-01",
]  # fmt: skip
BAD_DATETIMES = [
    "9999-12-31T23:59", "0001-01-01T00:00", "1899-12-31T10:00", "2101-01-01T00:00", "2026-02-30T10:00",
    "0000-00-00T00:00",
]  # fmt: skip
EXTRA = {"unknown_field": "surprise", "id": "1", "pk": "abc", "status": "closed"}


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


# --- Probing: one request in a savepoint, checked and rolled back -----------------------------------------------

PORTAL_APPS = ("cases", "referrals", "letters", "documents", "auth", "sendportal")


def snapshot() -> dict:
    """Every row of the portal's own tables (and users and groups): what a refused post must leave as it was."""
    rows = {}
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return rows


class _Rollback(Exception):
    pass


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class FreshUpload(SimpleUploadedFile):
    """A file the test client can post again and again (it reads a file from where the last read stopped)."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


@dataclass
class Prober:
    client: object
    failures: list = field(default_factory=list)
    count: int = 0
    last_problem: str = ""
    before: dict | None = None

    def request(self, method: str, url: str, data=None, *, must_refuse: bool = False, label: str = ""):
        """One request in a savepoint; records what went wrong; returns the status code."""
        self.count += 1
        status = None
        if method == "post" and self.before is None:
            self.before = snapshot()  # every probe starts from this world (each one is rolled back)
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data or {})
                status = response.status_code
                # A redirect, or a file (an export answers with its ZIP), is an accepted post.
                accepted = status in (301, 302, 303) or response.has_header("Content-Disposition")
                self.last_problem = _problem_text(response) if not accepted else ""
                if status >= 500:
                    self.failures.append(f"{status} from {method.upper()} {url} {label}")
                elif method == "post" and not accepted and snapshot() != self.before:
                    self.failures.append(f"refused ({status}) but saved: POST {url} {label}")
                if must_refuse and accepted:
                    self.failures.append(f"accepted a bad value: POST {url} {label}")
                raise _Rollback
        except _Rollback:
            pass
        except DatabaseError as exc:  # the request left the transaction broken: a server error in all but name
            self.failures.append(f"database error after {method.upper()} {url} {label}: {type(exc).__name__}")
        return status

    def check(self):
        assert self.failures == [], f"{len(self.failures)} of {self.count} requests failed:\n" + "\n".join(
            self.failures[:40]
        )


def _problem_text(response) -> str:
    """The error summary's items, to say why a baseline was refused."""
    import re

    if getattr(response, "streaming", False):
        return "(a streamed response)"
    content = response.content.decode(errors="replace")
    start = content.find("error-summary")
    if start == -1:
        return content[:300]
    return " | ".join(re.sub(r"<[^>]+>", "", item).strip() for item in content[start : start + 4000].split("<li>")[1:6])


def prober_for(client, user) -> Prober:
    client.logout()
    if user is not None:
        client.force_login(user)
    client.raise_request_exception = False
    return Prober(client)


def shorten(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


def date_kind(form_class, name: str) -> str:
    """'date', 'datetime' or '' for a field of the form (checked against the form class when there is one)."""
    field_obj = getattr(form_class, "base_fields", {}).get(name) if form_class else None
    if isinstance(field_obj, forms.DateTimeField):
        return "datetime"
    if isinstance(field_obj, forms.DateField):
        return "date"
    if field_obj is None and (name.endswith("_on") or name == "day"):
        return "date"
    return ""


# Every field gets the values most likely to break its parsing (CORE_*); the rest of the table is dealt out in
# turn across a form's fields, so every value reaches every form while each form stays a few dozen requests.
CORE_TEXT = ["", "\x00", "x" * 10_000, ["1", "2"]]
CORE_NOT_TEXT = ["", "\x00", "abc", "99999999999999999999", ["1", "2"]]
REST_TEXT = [v for v in HOSTILE if v not in CORE_TEXT]
REST_NOT_TEXT = ["-1", "1.5", "x" * 10_000, "   ", "\u202e\U0001f642"]


def is_text(form_class, name: str) -> bool:
    field_obj = getattr(form_class, "base_fields", {}).get(name) if form_class else None
    return field_obj is None or (
        isinstance(field_obj, forms.CharField) and not isinstance(field_obj, forms.ChoiceField)
    )


def hostile_values_for(form_class, name: str, turn: int) -> list:
    if is_text(form_class, name):
        return [*CORE_TEXT, *(REST_TEXT[(turn * 3 + i) % len(REST_TEXT)] for i in range(3))]
    return [*CORE_NOT_TEXT, REST_NOT_TEXT[turn % len(REST_NOT_TEXT)]]


def fuzz_form(prober: Prober, url: str, baseline: dict, *, form_class=None, expect_success: bool = True):
    """The baseline first (it must be accepted, or the fuzzing below proves little), then each field with each
    hostile value, then the whole form hostile, and unknown fields throughout."""
    if expect_success:
        status = prober.request("post", url, {**EXTRA, **baseline}, label="baseline")
        assert status == 302, f"the baseline for {url} was refused ({status}): {prober.last_problem}"
    else:
        prober.request("post", url, {**EXTRA, **baseline}, label="baseline")
    for turn, name in enumerate(baseline):
        kind = date_kind(form_class, name)
        for value in hostile_values_for(form_class, name, turn):
            prober.request("post", url, {**EXTRA, **baseline, name: value}, label=f"{name}={shorten(value)}")
        bad = BAD_DATES if kind == "date" else BAD_DATETIMES if kind == "datetime" else []
        for value in bad:
            prober.request(
                "post", url, {**baseline, name: value}, must_refuse=True, label=f"{name}={value} (out of range)"
            )
        if typed_in_boxes(form_class, name):
            fuzz_date_boxes(prober, url, baseline, name, turn, expect_success=expect_success)
    for value in ("\x00", "x" * 10_000, ["abc", "\x00"]):
        prober.request("post", url, {name: value for name in baseline}, label=f"every field={shorten(value)}")
    prober.request("post", url, {}, label="nothing posted")


# Dates typed wrongly in the boxes (day, month, year): each must be refused.
BAD_BOXES = [
    ("30", "2", "2026"), ("29", "2", "2027"), ("1", "13", "2026"), ("32", "1", "2026"), ("1", "1", "1899"),
    ("1", "1", "2101"), ("1", "1", "26"), ("", "1", "2026"), ("1", "", ""), ("\x00", "1", "2026"),
]  # fmt: skip


def typed_in_boxes(form_class, name: str) -> bool:
    """Whether the form's field is the date component (a date typed in day, month and year boxes)."""
    field_obj = getattr(form_class, "base_fields", {}).get(name) if form_class else None
    return field_obj is not None and isinstance(field_obj.widget, DateInputWidget)


def boxes_for(name: str, value) -> dict:
    """What a browser posts for the baseline's ISO value (YYYY-MM-DD, or YYYY-MM-DDTHH:MM) typed in the boxes."""
    day, _, at = (value if isinstance(value, str) else "").partition("T")
    parts = dict(zip(("year", "month", "day"), day.split("-"), strict=False)) if day else {}
    boxes = {f"{name}_{part}": str(int(parts[part])) if part in parts else "" for part in ("day", "month", "year")}
    boxes[f"{name}_year"] = parts.get("year", "")
    if "T" in (value if isinstance(value, str) else ""):
        boxes[f"{name}_time"] = at
    return boxes


def fuzz_date_boxes(prober: Prober, url: str, baseline: dict, name: str, turn: int, *, expect_success: bool):
    """A date field typed in its boxes: the baseline's date typed in them is accepted (and wins over a wrong
    value under the field's own name), each box takes hostile values, and dates typed wrongly are refused."""
    others = {key: value for key, value in baseline.items() if key != name}
    boxes = boxes_for(name, baseline[name])
    status = prober.request("post", url, {**EXTRA, **others, **boxes}, label=f"{name} typed in its boxes")
    both = prober.request("post", url, {**others, **boxes, name: "2026-02-30"}, label=f"{name} boxes and ISO")
    if expect_success:
        assert status == 302, f"{name} typed in its boxes was refused on {url}: {prober.last_problem}"
        assert both == 302, f"{name}: the boxes did not win over a value under its own name on {url}"
    for i, key in enumerate(boxes):
        for j in range(2):
            value = CORE_NOT_TEXT[(turn + i + j) % len(CORE_NOT_TEXT)]
            prober.request("post", url, {**others, **boxes, key: value}, label=f"{key}={shorten(value)}")
    for day, month, year in BAD_BOXES:
        typed = {**boxes, f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}
        prober.request(
            "post", url, {**others, **typed}, must_refuse=True, label=f"{name} typed {day!r} {month!r} {year!r}"
        )
    if f"{name}_time" in boxes:
        for at in ("25:00", "14:60", "noon", ""):
            prober.request(
                "post", url, {**others, **boxes, f"{name}_time": at}, must_refuse=True, label=f"{name}_time={at!r}"
            )


CORE_QUERY = ["", "\x00", "abc", "99999999999999999999", "-1", ["1", "2"], "2101-01-01", "x" * 10_000]
REST_QUERY = [v for v in [*HOSTILE, *BAD_DATES] if v not in CORE_QUERY]


def fuzz_query(prober: Prober, url: str, params: list[str], *, extra_values=(), core=CORE_QUERY, dealt=3):
    """Each query parameter with the core hostile values and, in turn, the rest of the table; then all at once."""
    prober.request("get", url, {}, label="no parameters")
    rest = [*REST_QUERY, *extra_values]
    for turn, name in enumerate(params):
        for value in [*core, *(rest[(turn * dealt + i) % len(rest)] for i in range(dealt))]:
            prober.request("get", url, {name: value}, label=f"{name}={shorten(value)}")
    for value in ("\x00", "-1", "99999999999999999999", ["abc", "\x00"]):
        prober.request("get", url, {name: value for name in params}, label=f"every parameter={shorten(value)}")


# --- The world every probe starts from ---------------------------------------------------------------------------


@dataclass
class World:
    officer: object
    manager: object
    mediator_user: object
    superuser: object
    provider: MediationProvider
    mediator: object
    case: Case
    referred: object
    accepted: object
    assigned: object
    scheduled: object
    held: object
    concluded: object
    action: object
    drs_case: Case
    drs: object
    appeal_case: Case
    appeal: object
    compliance_key: str
    declined_case: Case
    deadline: Deadline
    school: object
    icb: object
    non_working_day: NonWorkingDay
    spare_user: object
    document: object


@pytest.fixture
def world(officer, manager, mediator_user, superuser, letter_templates) -> World:
    CaseReferenceCounter.objects.create(year=2026, last_number=500)  # past the factories' references
    provider = ProviderFactory(name="Calm Waters Mediation")
    mediator = MediatorFactory(user=mediator_user, provider=provider)
    school = SchoolFactory(name="Hillside Primary")
    case = CaseFactory(officer=officer, school=school, decision_sent_on=date(2026, 9, 1))
    deadline = Deadline.objects.create(
        case=case, key="C1", clock="C1", title="Contact the mediation adviser", binds="family", due_on=date(2026, 11, 2)
    )
    on_pathway = {"provider": provider, "mediator": mediator, "case__officer": officer}
    referred = ReferralFactory(provider=provider, health_issues=True, health_told_on=date(2026, 11, 2))
    accepted = ReferralFactory(accepted=True, provider=provider)
    assigned = ReferralFactory(assigned=True, **on_pathway)
    scheduled = ReferralFactory(scheduled=True, **on_pathway)
    held = ReferralFactory(held=True, **on_pathway)
    concluded = ReferralFactory(concluded=True, **on_pathway)
    action = AgreementActionFactory(referral=concluded)
    drs_case = CaseFactory(route="drs", officer=officer)
    drs = DrsFactory(case=drs_case, provider=provider)
    appeal_case = CaseFactory(officer=officer, decision_sent_on=date(2026, 9, 1))
    appeal = TribunalAppealFactory(case=appeal_case)
    compliance = Deadline.objects.create(
        case=appeal_case,
        key=f"C14:{appeal.pk}:final_plan",
        clock="C14",
        title="Tribunal order: final plan",
        due_on=date(2026, 12, 20),
    )
    declined_case = CaseFactory(officer=officer)
    AdviserContactFactory(case=declined_case, choice=AdviserContact.Choice.NO_MEDIATION, provider=provider)
    return World(
        officer=officer,
        manager=manager,
        mediator_user=mediator_user,
        superuser=superuser,
        provider=provider,
        mediator=mediator,
        case=case,
        referred=referred,
        accepted=accepted,
        assigned=assigned,
        scheduled=scheduled,
        held=held,
        concluded=concluded,
        action=action,
        drs_case=drs_case,
        drs=drs,
        appeal_case=appeal_case,
        appeal=appeal,
        compliance_key=compliance.key,
        declined_case=declined_case,
        deadline=deadline,
        school=school,
        icb=HealthBodyFactory(),
        non_working_day=NonWorkingDay.objects.create(day=date(2026, 12, 29), title="Extra"),
        spare_user=UserFactory(username="spare_user"),
        document=document_services.document_upload(
            case=case, actor=officer, upload=FreshUpload("letter.pdf", PDF, "application/pdf"), kind="family_letter",
            title="The family's letter", shared_with_mediator=False,
        ),
    )  # fmt: skip


def raw_form_data(form) -> dict:
    """What a browser posts for an unbound form showing its initial values (the edit form's baseline)."""
    data = {}
    for name, bound in form._bound_items():
        widget = bound.field.widget
        value = bound.field.prepare_value(bound.initial)
        if isinstance(widget, forms.CheckboxInput):
            if widget.check_test(value):
                data[name] = "on"
            continue
        shown = widget.format_value(value)
        if isinstance(value, list | tuple) or isinstance(shown, list):
            data[name] = [str(v) for v in (value if isinstance(value, list | tuple) else shown)]
        else:
            data[name] = "" if shown is None else str(shown)
    return data


# --- The forms --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormTarget:
    url_name: str
    user: str  # a World attribute, or "" for nobody signed in
    url_args: Callable[[World], list]
    data: Callable[[World], dict]
    form_class: type | None = None
    expect_success: bool = True


def intake(**overrides) -> dict:
    data = {
        "child_first_name": "Amara", "child_last_name": "Okafor", "child_date_of_birth": "2015-06-01", "upn": "",
        "nhs_number": "943 476 5919", "party_type": "parent", "party_name": "Grace Okafor",
        "party_relationship": "Mother", "phone": "07700 900123", "email": "grace@example.com",
        "address": "1 High Street", "postcode": "LS1 4AP", "preferred_language": "English", "route": "mediation",
        "decision": "CONTENT-F", "sections_disputed": ["F"], "decision_sent_on": "2026-10-01",
        "first_contact_on": "2026-10-06", "first_contact_channel": "phone",
    }  # fmt: skip
    data.update(overrides)
    return data


def _no_args(w):
    return []


def opened(form_class, record, **kwargs) -> str:
    """What a correction page carries when opened: the record's facts as shown, signed."""
    from django.utils import timezone

    names = [n for n in form_class.base_fields if n not in ("opened", "reason")]
    initial = {}
    for name in names:
        value = getattr(record, name, None)
        initial[name] = timezone.localtime(value) if hasattr(value, "tzinfo") and value is not None else value
    return form_class(initial=initial, **kwargs).initial["opened"]


FORMS = [
    FormTarget("cases:create", "officer", _no_args, lambda w: intake(), CaseForm),
    FormTarget(
        "cases:edit", "officer", lambda w: [w.case.pk],
        lambda w: {**raw_form_data(CaseForm(instance=w.case)), "phone": "07700 900456"}, CaseForm,
    ),
    FormTarget("cases:assign", "manager", lambda w: [w.case.pk], lambda w: {"officer": w.manager.pk}),
    FormTarget("cases:status", "officer", lambda w: [w.case.pk], lambda w: {"to_status": "triaged", "reason": "Ok"}),
    FormTarget(
        "cases:note_add", "officer", lambda w: [w.case.pk], lambda w: {"text": "Called", "visibility": "internal"}
    ),
    FormTarget(
        "cases:deadline_waive", "manager", lambda w: [w.case.pk, w.deadline.pk], lambda w: {"reason": "Agreed"}
    ),
    FormTarget(
        "referrals:respond", "manager", lambda w: [w.referred.pk],
        lambda w: {"accepted": "yes", "responded_on": "2026-11-10", "decline_reason": "", "decline_detail": ""},
        referral_forms.RespondForm,
    ),
    FormTarget(
        "referrals:notify_icb", "manager", lambda w: [w.referred.pk], lambda w: {"notified_on": "2026-11-05"},
        referral_forms.IcbNotifyForm,
    ),
    FormTarget(
        "referrals:assign", "manager", lambda w: [w.accepted.pk],
        lambda w: {"mediator": w.mediator.pk, "reason": "Knows the school"},
    ),
    FormTarget(
        "referrals:session_schedule", "mediator_user", lambda w: [w.assigned.pk],
        lambda w: {"starts_at": "2026-12-01T10:00", "mode": "online", "venue": "Video", "notice_sent_on": "2026-11-20"},
        referral_forms.SessionScheduleForm,
    ),
    FormTarget(
        "referrals:session_record", "mediator_user",
        lambda w: [w.scheduled.pk, w.scheduled.sessions.get().pk],
        lambda w: {"status": "held", "party_attended": "on", "cancelled_by": "", "cancel_reason": ""},
        referral_forms.SessionRecordForm,
    ),
    FormTarget(
        "referrals:not_held", "mediator_user", lambda w: [w.assigned.pk], lambda w: {"notified_on": "2026-11-19"},
        referral_forms.NotHeldForm,
    ),
    FormTarget(
        "referrals:conclude", "mediator_user", lambda w: [w.held.pk],
        lambda w: {
            "concluded_on": "2026-11-19", "outcome": "full", "agreement_on": "2026-11-19", "issue_decision": "agreed",
        },
        referral_forms.ConcludeForm,
    ),
    FormTarget(
        "referrals:withdraw", "mediator_user", lambda w: [w.assigned.pk],
        lambda w: {"withdrawn_on": "2026-11-19", "reason": "Changed their mind"}, referral_forms.WithdrawForm,
    ),
    FormTarget(
        "referrals:la_conceded", "manager", lambda w: [w.assigned.pk], lambda w: {"agreement_on": "2026-11-19"},
        referral_forms.LaConcededForm,
    ),
    FormTarget(
        "referrals:action_add", "mediator_user", lambda w: [w.concluded.pk],
        lambda w: {"description": "Send the report", "owner": "la", "basis": "other", "order_kind": "",
                   "agreed_due_on": ""},
        referral_forms.AgreementActionForm,
    ),
    FormTarget(
        "referrals:action_done", "manager", lambda w: [w.concluded.pk, w.action.pk],
        lambda w: {"done_on": "2026-11-19"}, referral_forms.ActionDoneForm,
    ),
    FormTarget(
        "referrals:certificate", "mediator_user", lambda w: [w.concluded.pk],
        lambda w: {"kind": "concluded", "issued_on": "2026-11-19", "issuer_name": "Mo Mediator",
                   "issuer_role": "Mediator"},
        referral_forms.CertificateIssueForm,
    ),
    FormTarget("referrals:note_add", "mediator_user", lambda w: [w.concluded.pk], lambda w: {"text": "Shared"}),
    FormTarget(
        "referrals:adviser_contact", "manager", lambda w: [w.case.pk],
        lambda w: {"contacted_on": "2026-09-10", "choice": "mediation", "provider": w.provider.pk,
                   "adviser_name": "Ann Adviser"},
        referral_forms.AdviserContactForm,
    ),
    FormTarget(
        "referrals:create", "manager", lambda w: [w.case.pk],
        lambda w: {"provider": w.provider.pk, "provider_choice_reason": "Family asked", "referred_on": "2026-11-10",
                   "family_told_la_on": "2026-11-09", "provider_told_la_on": "", "health_told_on": ""},
        referral_forms.ReferralCreateForm,
    ),
    FormTarget(
        "referrals:drs_refer", "manager", lambda w: [w.drs_case.pk],
        lambda w: {"kind": "school_provision", "provider": w.provider.pk, "referred_on": "2026-11-10"},
        referral_forms.DrsReferForm,
    ),
    FormTarget(
        "referrals:drs_record", "manager", lambda w: [w.drs_case.pk, w.drs.pk],
        lambda w: {"meeting_on": "2026-11-12", "outcome": "resolved", "outcome_on": "2026-11-13"},
        referral_forms.DrsRecordForm,
    ),
    FormTarget(
        "referrals:appeal_add", "manager", lambda w: [w.appeal_case.pk],
        lambda w: {"registered_on": "2026-11-10", "la_told_on": "2026-11-12", "response_due_on": "2026-12-10",
                   "hearing_on": "2027-02-01"},
        referral_forms.TribunalAppealForm,
    ),
    FormTarget(
        "referrals:appeal_outcome", "manager", lambda w: [w.appeal_case.pk, w.appeal.pk],
        lambda w: {"outcome": "upheld", "outcome_on": "2026-11-18", "order_kind": "assess",
                   "order_sent_on": "2026-11-18", "unopposed_kind": "", "unopposed_notified_on": "",
                   "recommendation_on": "2026-11-18"},
        referral_forms.TribunalOutcomeForm,
    ),
    FormTarget(
        "referrals:case_certificate", "manager", lambda w: [w.declined_case.pk],
        lambda w: {"kind": "declined", "issued_on": "2026-11-19", "issuer_name": "Ann Adviser",
                   "issuer_role": "Mediation adviser"},
        referral_forms.CertificateIssueForm,
    ),
    FormTarget(
        "referrals:compliance_done", "manager", lambda w: [w.appeal_case.pk],
        lambda w: {"key": w.compliance_key, "done_on": "2026-11-19"}, referral_forms.ComplianceDoneForm,
    ),
    # Corrections (decision 17): each re-checks the dates against their neighbours.
    FormTarget(
        "referrals:correct_dates", "manager", lambda w: [w.referred.pk],
        lambda w: {"referred_on": "2026-11-02", "family_told_la_on": "2026-11-02", "provider_told_la_on": "",
                   "health_told_on": "2026-11-02", "icb_notified_on": "", "icb_received_on": "", "reason": "Typo",
                   "opened": opened(referral_forms.ReferralDatesForm, w.referred, referral=w.referred)},
        referral_forms.ReferralDatesForm,
    ),
    FormTarget(
        "referrals:session_correct", "mediator_user", lambda w: [w.scheduled.pk, w.scheduled.sessions.get().pk],
        lambda w: {"starts_at": "2026-12-01T10:00", "notice_sent_on": "2026-11-16", "reason": "Moved",
                   "opened": opened(referral_forms.SessionCorrectForm, w.scheduled.sessions.get())},
        referral_forms.SessionCorrectForm,
    ),
    FormTarget(
        "referrals:outcome_correct", "mediator_user", lambda w: [w.concluded.pk],
        lambda w: {"concluded_on": "2026-11-19", "agreement_on": "2026-11-19", "reason": "Wrong day",
                   "opened": opened(referral_forms.OutcomeCorrectForm, w.concluded)},
        referral_forms.OutcomeCorrectForm,
    ),
    FormTarget(
        "referrals:adviser_contact_correct", "manager", lambda w: [w.declined_case.pk],
        lambda w: {"contacted_on": "2026-04-11", "choice": "no_mediation", "reason": "Misread",
                   "opened": opened(referral_forms.AdviserContactCorrectForm, w.declined_case.adviser_contact,
                                    choices=["mediation", "no_mediation"])},
        referral_forms.AdviserContactCorrectForm,
    ),
    FormTarget(
        "referrals:appeal_correct", "manager", lambda w: [w.appeal_case.pk, w.appeal.pk],
        lambda w: {"registered_on": "2026-11-11", "la_told_on": "2026-11-12", "response_due_on": "",
                   "hearing_on": "", "reason": "Letter misread",
                   "opened": opened(referral_forms.AppealCorrectForm, w.appeal, appeal=w.appeal)},
        referral_forms.AppealCorrectForm,
    ),
    FormTarget("accounts:password_reset", "", _no_args, lambda w: {"email": "olivia_officer@example.gov.uk"}),
    FormTarget(
        "accounts:password_change", "officer", _no_args,
        lambda w: {"old_password": "correct-horse-battery-staple", "new_password1": "a-new-long-passphrase-26",
                   "new_password2": "a-new-long-passphrase-26"},
    ),
    FormTarget("privacy:hold_place", "manager", lambda w: [w.case.pk], lambda w: {"reason": "A complaint"}),
    # These two answer a valid post with a page (the cases to choose) and a ZIP, not a redirect.
    FormTarget(
        "privacy:subject_access", "manager", _no_args, lambda w: {"reference": w.case.reference},
        expect_success=False,
    ),
    FormTarget(
        "privacy:subject_access_export", "manager", _no_args,
        lambda w: {"case": w.case.pk, "purpose": "subject_access", "request_reference": "IG-1"},
        expect_success=False,
    ),
    FormTarget("profile", "officer", _no_args, lambda w: {"reminder_emails": "on"}),
    FormTarget(
        "letters:record", "officer", lambda w: [w.case.pk],
        lambda w: {"kind": "acknowledgement", "recipient": "Grace Okafor", "method": "post", "sent_on": "2026-11-19"},
        letter_forms.LetterRecordForm,
    ),
    FormTarget(
        "cases:list", "officer", _no_args, lambda w: {"q": "Amara Okafor", "keep": "status=intake&sort=child"}
    ),
    FormTarget(
        "documents:upload", "officer", lambda w: [w.case.pk],
        lambda w: {"file": FreshUpload("scan.pdf", PDF, "application/pdf"), "kind": "decision_letter",
                   "title": "Decision letter", "shared_with_mediator": "on"},
        document_forms.DocumentUploadForm,
    ),
    FormTarget("documents:share", "officer", lambda w: [w.case.pk, w.document.pk], lambda w: {"shared": "yes"}),
    FormTarget(
        "documents:remove", "officer", lambda w: [w.case.pk, w.document.pk],
        lambda w: {"reason": "Uploaded to the wrong case"}, document_forms.DocumentRemoveForm,
    ),
]  # fmt: skip


@pytest.mark.parametrize("target", FORMS, ids=[t.url_name for t in FORMS])
def test_hostile_values_in_every_form_give_no_server_error_and_save_nothing(client, world, target):
    prober = prober_for(client, getattr(world, target.user) if target.user else None)
    url = reverse(target.url_name, args=target.url_args(world))
    fuzz_form(prober, url, target.data(world), form_class=target.form_class, expect_success=target.expect_success)
    prober.check()


def test_hostile_sign_in_attempts_give_no_server_error(client, world):
    prober = prober_for(client, None)
    fuzz_form(
        prober, reverse("login"), {"username": world.officer.username, "password": "correct-horse-battery-staple"}
    )
    prober.check()


# --- Every list's query string --------------------------------------------------------------------------------

CASE_LIST_PARAMS = [
    "status", "route", "decision", "officer", "school", "decision_from", "decision_to", "contact_from", "contact_to",
    "decision_from_day", "decision_to_month", "contact_from_year", "deadline", "sort", "page", "s",
]  # fmt: skip
PERIOD_BOXES = ["date_from_day", "date_from_month", "date_to_year"]
LISTS = [
    ("cases:list", "officer", CASE_LIST_PARAMS),
    ("deadlines", "manager", ["officer", "group", "page"]),
    ("referrals:list", "officer", ["status", "provider", "mediator", "sort", "page"]),
    ("referrals:list", "mediator_user", ["stage", "sort", "page"]),
    ("dashboards:my_work", "officer", ["page", "group", "officer"]),
    ("dashboards:management", "manager", ["date_from", "date_to", *PERIOD_BOXES, "officer", "year"]),
    ("dashboards:mediator", "mediator_user", ["page", "stage"]),
    ("dashboards:export_cases", "manager", CASE_LIST_PARAMS),
    ("dashboards:export_sen2", "manager", ["year"]),
    ("privacy:access_log_cases", "manager", ["date_from", "date_to", *PERIOD_BOXES, "what", "page", "reference"]),
    ("privacy:access_log_people", "manager", ["date_from", "date_to", *PERIOD_BOXES, "what", "page", "person"]),
    ("privacy:retention", "manager", ["page"]),
    ("privacy:home", "manager", ["page"]),
    ("dashboards:export_history", "manager", ["page"]),
]


@pytest.mark.parametrize("url_name,user,params", LISTS, ids=[f"{n}-{u}" for n, u, _ in LISTS])
def test_hostile_query_strings_on_every_list_give_no_server_error(client, world, url_name, user, params):
    prober = prober_for(client, getattr(world, user))
    fuzz_query(prober, reverse(url_name), params, extra_values=["-next_deadline", "-", "overdue", "mine", "0"])
    prober.check()


# --- Ids in URLs ------------------------------------------------------------------------------------------------

HUGE_IDS = [2**63, 10**30]


def test_huge_ids_in_any_url_are_not_found_not_server_errors(client, world):
    prober = prober_for(client, world.manager)
    for pattern, name in portal_patterns():
        if "<int:" not in pattern:
            continue
        for huge in HUGE_IDS:
            url = "/" + pattern.replace("^", "")
            while "<int:" in url:
                start = url.index("<int:")
                url = url[:start] + str(huge) + url[url.index(">", start) + 1 :]
            for method in ("get", "post"):
                status = prober.request(method, url, {"x": "1"}, label=name)
                if status not in (404, 405):
                    prober.failures.append(f"{method.upper()} {url} gave {status}, not 404")
    prober.check()


# --- The admin -----------------------------------------------------------------------------------------------

ADMIN_FORMS = {
    "cases.school": lambda w: {"name": "Oak Academy", "setting_type": "school", "urn": "123456", "phase": "primary",
                               "postcode": "", "active": "on"},
    "cases.healthbody": lambda w: {"name": "NHS Test ICB", "ods_code": "QT1", "email": "icb@example.org",
                                   "active": "on"},
    "cases.nonworkingday": lambda w: {"day": "2026-12-30", "title": "Proclaimed holiday", "active": "on"},
    "referrals.mediationprovider": lambda w: {
        "name": "New Provider", "contact_name": "Pat", "email": "pat@example.org", "phone": "0113 496 0000",
        "contract_share": "10", "share_changed_on": "2026-01-01", "offers_mediation": "on", "active": "on",
    },
    "letters.supportservice": lambda w: {
        "kind": "sendiass", "name": "Anytown SENDIASS", "phone": "0113 496 0001", "email": "iass@example.org",
        "website": "https://iass.example.org", "area": "Anytown", "active": "on",
    },
    "referrals.mediator": lambda w: {
        "user": w.spare_user.pk, "provider": w.provider.pk, "accreditation": "CoM", "specialisms": ["health"],
        "languages": "English", "max_active_cases": "8", "active": "on", "conflict_schools": [w.school.pk],
        "conflict_notes": "",
    },
}  # fmt: skip
ADMIN_INSTANCES = {
    "cases.school": lambda w: w.school,
    "cases.healthbody": lambda w: w.icb,
    "cases.nonworkingday": lambda w: w.non_working_day,
    "referrals.mediationprovider": lambda w: w.provider,
    "referrals.mediator": lambda w: w.mediator,
    "letters.supportservice": lambda w: SupportService.objects.order_by("pk").first(),
}


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _change_data(world, label):
    data = ADMIN_FORMS[label](world)
    if label == "referrals.mediator":
        data["user"] = world.mediator_user.pk
    return data


@pytest.mark.parametrize("label", sorted(ADMIN_FORMS))
def test_hostile_values_in_the_admins_forms_give_no_server_error(client, world, label):
    model = apps.get_model(label)
    prober = prober_for(client, world.superuser)
    fuzz_form(prober, _admin_url(model, "add"), ADMIN_FORMS[label](world))
    instance = ADMIN_INSTANCES[label](world)
    fuzz_form(prober, _admin_url(model, "change", instance.pk), _change_data(world, label))
    prober.check()


def registered_admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


# Thirteen changelists: the values that reach the admin's lookups, and one more from the table in turn.
CORE_ADMIN_QUERY = ["\x00", "abc", "99999999999999999999", ["1", "2"], "2101-01-01"]


def test_hostile_changelist_queries_and_actions_in_the_admin_give_no_server_error(client, world):
    prober = prober_for(client, world.superuser)
    for model, model_admin in registered_admins():
        url = _admin_url(model, "changelist")
        params = ["q", "o", "p", "all", "_popup", "_to_field", "e"]
        for spec in model_admin.list_filter:
            if isinstance(spec, type):  # a filter class names its own parameter
                params.append(getattr(spec, "parameter_name", "") or "filter")
                continue
            name = spec if isinstance(spec, str) else spec[0]
            params += [f"{name}__exact", f"{name}__id__exact", f"{name}__isnull", f"{name}__gte"]
        if model_admin.date_hierarchy:
            params += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        fuzz_query(prober, url, params, core=CORE_ADMIN_QUERY, dealt=1)
        first = str(model.objects.order_by("pk").values_list("pk", flat=True).first() or 1)
        for action in ["deactivate", "delete_selected"]:
            for selected in ["abc", "\x00", "1.5", "99999999999999999999", "", first, [first, "abc"]]:
                prober.request(
                    "post",
                    url,
                    {"action": action, "_selected_action": selected, "index": "0"},
                    label=f"action={action!r} _selected_action={shorten(selected)}",
                )
    prober.check()


def test_hostile_autocomplete_queries_in_the_admin_give_no_server_error(client, world):
    prober = prober_for(client, world.superuser)
    url = reverse("admin:autocomplete")
    base = {"app_label": "referrals", "model_name": "mediator", "field_name": "conflict_schools"}
    for name in [*base, "term", "page"]:
        for value in HOSTILE:
            prober.request("get", url, {**base, "term": "oak", name: value}, label=f"{name}={shorten(value)}")
    prober.check()


ADMIN_NOT_FUZZED = {
    "otp_static.staticdevice": "django-otp's own admin for recovery codes (devices are made by the portal's pages)",
    "otp_totp.totpdevice": "django-otp's own admin for authenticator apps (devices are made by the portal's pages)",
    "sendportal.user": "Django's own user admin (its password forms are Django's); its changelist is fuzzed",
    "auth.group": "Django's own group admin (roles come from the data migrations); its changelist is fuzzed",
}


def test_every_admin_registered_model_has_its_forms_fuzzed_or_is_read_only():
    for model, model_admin in registered_admins():
        label = model._meta.label_lower
        read_only = not model_admin.has_add_permission(_superuser_request())
        assert label in ADMIN_FORMS or read_only or label in ADMIN_NOT_FUZZED, f"the admin's {label} forms"


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = type("U", (), {"is_active": True, "is_superuser": True, "is_staff": True,
                                  "has_perm": lambda self, *a: True})()  # fmt: skip
    return request


# --- Every page is fuzzed or listed with a reason ------------------------------------------------------------

NOT_FUZZED = {
    "home": "no input: redirects each role to its home page",
    "cases:reassign": "not in the fuzz tables yet: its bad input, roles and ids are tested in cases/tests/test_team.py",
    "cases:cover": "not in the fuzz tables yet: its bad input and roles are tested in cases/tests/test_team.py",
    "cases:cover_end": "not in the fuzz tables yet: an unknown cover (404) and a GET are tested in test_team.py",
    "healthz": "no input: answers the load balancer",
    "guide:index": "no input: a page of text",
    "guide:clocks": "no input: a page of text",
    "guide:statuses": "no input: a page of text",
    "guide:role": "its only input is the role's slug; an unknown one is a 404 (guide/tests)",
    "logout": "no input besides the CSRF token: signs the user out",
    "cases:detail": "no input besides its id (test_huge_ids_in_any_url_are_not_found_not_server_errors)",
    "referrals:detail": "no input besides its id (test_huge_ids_in_any_url_are_not_found_not_server_errors)",
    "referrals:document": "no input besides its ids (the id test); sharing and scope: documents/tests",
    "documents:download": "no input besides its ids (the id test); scope and another case's ids: documents/tests",
    "referrals:certificate_download": "no input besides its id (the id test); a missing file has its own test",
    "referrals:certificate_confirm": "no input besides its id and the CSRF token (the id test covers the id)",
    "accounts:sign_in_code": "needs a sign-in in progress; wrong, empty and repeated codes: accounts/tests",
    "accounts:sign_in_set_up": "needs a sign-in in progress; wrong first codes: accounts/tests",
    "accounts:sso_start": "no input: redirects to the council's identity provider",
    "accounts:sso_callback": "input is the provider's signed token; forged and mismatched tokens: accounts/tests",
    "accounts:password_reset_sent": "no input: a page of text",
    "accounts:password_reset_complete": "no input: a page of text",
    "accounts:password_reset_confirm": "its token is checked by Django; bad and used tokens: accounts/tests",
    "accounts:two_factor": "no input: lists the user's second factor",
    "accounts:two_factor_set_up": "a code checked against a key in the session; wrong codes: accounts/tests",
    "accounts:recovery_codes": "no input besides the CSRF token",
    "accounts:two_factor_remove": "a current code; wrong codes and managers: accounts/tests",
    "accounts:sessions": "no input: lists the user's sessions",
    "privacy:privacy_notice": "no input: a page of text",
    "privacy:accessibility": "no input: a page of text",
    "privacy:cookies": "no input: a page of text",
    "privacy:case": "no input besides its id (the id test covers the id)",
    "privacy:hold_lift": "the same form as privacy:hold_place (a reason), on a case on hold",
    "privacy:access_log_case": "the access_log_cases filters on one case (its id: the id test)",
    "privacy:access_log_case_csv": "the same filters as access_log_case, streamed as CSV",
    "privacy:access_log_person": "the access_log_people filters on one person (its id: the id test)",
    "privacy:access_log_person_csv": "the same filters as access_log_person, streamed as CSV",
    "accounts:session_end": "no input besides its id (the id test covers the id)",
    "accounts:session_end_others": "no input besides the CSRF token",
    "letters:draft": "its only input is the kind of letter: hostile kinds in letters/tests/test_views.py",
    "letters:pdf": "no input besides its id and the kind's slug (an unknown kind is a 404: letters/tests)",
    "letters:docx": "no input besides its id and the kind's slug (an unknown kind is a 404: letters/tests)",
    "letters:sent_pdf": "no input besides its ids (the id test covers them)",
    "letters:sent_docx": "no input besides its ids (the id test covers them)",
}


def portal_patterns(resolver=None, prefix="", namespace=""):
    """(route, name) for every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = entry.namespace or namespace
            found += portal_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append((prefix + str(entry.pattern), name))
    return found


def test_every_page_is_fuzzed_or_listed_with_the_reason_it_is_not():
    fuzzed = {t.url_name for t in FORMS} | {name for name, _, _ in LISTS} | {"login"}
    missing = [name for _, name in portal_patterns() if name not in fuzzed and name not in NOT_FUZZED]
    assert missing == [], f"new pages must be added to the fuzz tables (or NOT_FUZZED with a reason): {missing}"
    assert set(NOT_FUZZED) <= {name for _, name in portal_patterns()}, "NOT_FUZZED names a page that is gone"


def test_every_date_field_in_every_form_is_the_portals_date_field():
    """Decision 16 holds for new forms too: every date a form reads goes through PortalDateField."""
    from cases import filters, views_deadlines, views_profile
    from cases import forms as case_forms
    from dashboards import forms as dashboard_forms

    checked = 0
    for module in (case_forms, referral_forms, letter_forms, dashboard_forms, views_deadlines, views_profile, filters):
        for obj in vars(module).values():
            if not (isinstance(obj, type) and issubclass(obj, forms.BaseForm)):
                continue
            # Defined in the module, or in one of its modules when it is a package (referrals.forms).
            if obj.__module__ == module.__name__ or obj.__module__.startswith(f"{module.__name__}."):
                for name, form_field in obj.base_fields.items():
                    if isinstance(form_field, forms.DateField | forms.DateTimeField):
                        checked += 1
                        assert isinstance(form_field, PortalDateField | PortalDateTimeField), f"{obj.__name__}.{name}"
    case_filter_dates = [f for f in filters.CaseFilter.base_filters.values() if f.field_class is forms.DateField]
    assert case_filter_dates == []
    assert checked > 20
