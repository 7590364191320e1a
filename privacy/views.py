"""Data protection pages: the data protection home, a case's retention and legal hold, subject-access exports, the
access log (of a case, of a person) and the retention schedule; and the public privacy notice, accessibility
statement and cookie page linked from every page's footer.

Case references travel by POST only; URLs carry case and staff ids, never a name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.refusals import service_call
from dashboards import exports
from sendportal.formats import short_day_month_year

from . import access_log, accessibility, permissions, rules, selectors, services
from . import subject_access as exporter
from .forms import AccessLogFilter, CaseReferenceForm, ExportForm, LegalHoldForm, PersonForm

PAGE_SIZE = 50


def any_privacy_permission(view):
    """403 unless the user holds one of the data protection permissions."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not permissions.has_any_privacy_permission(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _remote_addr(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _refused(request):
    """429 once the person has made their exports for the hour (dashboards.exports.EXPORTS_PER_HOUR)."""
    now = timezone.now()
    allowed_at = exports.next_export_allowed_at(request.user, now=now)
    if allowed_at is None:
        return None
    response = render(
        request,
        "privacy/refused.html",
        {
            "title": "Too many exports",
            "message": f"You have made {exports.EXPORTS_PER_HOUR} exports in the last hour, the most allowed. You can "
            f"export again from {timezone.localtime(allowed_at):%H:%M}.",
        },
        status=429,
    )
    response["Retry-After"] = str(max(int((allowed_at - now).total_seconds()), 1))
    return response


# --- Home and a case's data protection page ---------------------------------------------------------------------


@any_privacy_permission
def home(request):
    form = CaseReferenceForm(
        request.POST or None, finder=lambda reference: selectors.case_by_reference(request.user, reference)
    )
    if request.method == "POST" and form.is_valid():
        return redirect("privacy:case", pk=form.case.pk)
    return render(request, "privacy/home.html", {"form": form}, status=400 if form.errors else 200)


def _case_context(request, case: Case, **forms) -> dict:
    retention = selectors.retention_for(case)
    policy = selectors.retention_policy()
    anonymised = retention is not None and retention.stage == retention.Stage.ANONYMISED
    dates = {}
    if case.is_closed and case.closed_on and not anonymised:
        dates = {
            "anonymise_on": rules.anonymise_due_on(
                closed_on=case.closed_on, date_of_birth=case.child_date_of_birth, policy=policy
            ),
            "delete_on": rules.delete_due_on(
                closed_on=case.closed_on, date_of_birth=case.child_date_of_birth, policy=policy
            ),
        }
    return {
        "case": case,
        "retention": retention,
        "anonymised": anonymised,
        "held": bool(retention and retention.legal_hold),
        "dates": dates,
        "can_hold": permissions.can_manage_legal_hold(request.user),
        "can_export": permissions.can_export(request.user),
        "can_read_log": permissions.can_read_access_log(request.user),
        "hold_form": LegalHoldForm(),
        **forms,
    }


@any_privacy_permission
def case_page(request, pk):
    case = selectors.privacy_case_get(request.user, pk)
    return render(request, "privacy/case.html", _case_context(request, case))


def _hold_action(request, pk, service, success: str):
    case = selectors.privacy_case_get(request.user, pk)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        saved, _ = service_call(
            form, lambda: service(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        )
        if saved:
            messages.success(request, success.format(reference=case.reference))
            return redirect("privacy:case", pk=case.pk)
    context = _case_context(request, case, hold_form=form)
    return render(request, "privacy/case.html", context, status=400)


@require_POST
@permission_required(permissions.LEGAL_HOLD, raise_exception=True)
def hold_place(request, pk):
    return _hold_action(request, pk, services.legal_hold_place, "Case {reference} is on legal hold")


@require_POST
@permission_required(permissions.LEGAL_HOLD, raise_exception=True)
def hold_lift(request, pk):
    return _hold_action(request, pk, services.legal_hold_lift, "Legal hold on case {reference} lifted")


# --- Subject-access exports --------------------------------------------------------------------------------------


@permission_required(permissions.EXPORT, raise_exception=True)
def subject_access_start(request):
    """Step 1: the case reference (POST). Step 2 (the same POST, valid): the case and possible family cases to
    confirm, what the export is for. Step 3: subject_access_export."""
    form = CaseReferenceForm(
        request.POST or None, finder=lambda reference: selectors.case_by_reference(request.user, reference)
    )
    if request.method == "POST" and form.is_valid():
        return _export_choice(request, form.case)
    return render(request, "privacy/subject_access.html", {"form": form}, status=400 if form.errors else 200)


def _family_choices(matches) -> list[tuple[int, str]]:
    return [
        (
            m.case.pk,
            f"{m.case.reference}: {m.case.child_name}, born {short_day_month_year(m.case.child_date_of_birth)}; "
            f"brought by {m.case.party_name or 'nobody recorded'} ({'; '.join(m.reasons)})",
        )
        for m in matches
    ]


def _export_choice(request, case: Case, form: ExportForm | None = None, status: int = 200):
    matches = selectors.family_cases(case)
    form = form or ExportForm(initial={"case": case.pk}, family_choices=_family_choices(matches))
    # The page shows the names on these cases so the officer can confirm the family: that is a view of each.
    services.cases_viewed(
        cases=[case, *(m.case for m in matches)],
        actor=request.user,
        purpose="subject access search",
        remote_addr=_remote_addr(request),
    )
    return render(
        request, "privacy/subject_access_confirm.html", {"case": case, "matches": matches, "form": form}, status=status
    )


@require_POST
@permission_required(permissions.EXPORT, raise_exception=True)
def subject_access_export(request):
    raw = request.POST.get("case", "").strip()
    if not raw.isdigit():
        return redirect("privacy:subject_access")
    case = selectors.privacy_case_get(request.user, int(raw))
    matches = selectors.family_cases(case)
    form = ExportForm(request.POST, family_choices=_family_choices(matches))
    if not form.is_valid():
        return _export_choice(request, case, form, status=400)
    refused = _refused(request)
    if refused:
        return refused
    cases = selectors.export_cases_get(request.user, [case.pk, *form.cleaned_data.get("family", [])])
    purpose = form.cleaned_data["purpose"]
    request_reference = form.cleaned_data["request_reference"].strip()
    services.subject_access_record(
        cases=cases,
        actor=request.user,
        purpose=purpose,
        request_reference=request_reference,
        remote_addr=_remote_addr(request),
    )
    meta = exporter.ExportMeta(
        generated_at=timezone.now(),
        generated_by=request.user.display_name,
        purpose=services.Purpose.label(purpose),
        request_reference=request_reference,
    )
    response = HttpResponse(exporter.build_zip(cases, meta), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exporter.zip_name(cases, timezone.localdate())}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The access log ------------------------------------------------------------------------------------------------


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_cases(request):
    """Find a case's access log by its reference (POST)."""
    form = CaseReferenceForm(
        request.POST or None, finder=lambda reference: selectors.case_by_reference(request.user, reference)
    )
    if request.method == "POST" and form.is_valid():
        return redirect("privacy:access_log_case", pk=form.case.pk)
    return render(request, "privacy/access_log_cases.html", {"form": form}, status=400 if form.errors else 200)


def _log_page(request, log, filters: AccessLogFilter) -> dict:
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(log, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "filter_form": filters, "query": query.urlencode()}


@dataclass(frozen=True)
class _LogOf:
    """Whose access log a page shows: a case's or a member of staff's."""

    key: str  # "case" or "person": names the subject in the context, the template, the URL and the CSV file
    log_class: type
    describe: Callable[[Any], str]  # the subject as the record of a CSV export names it


_CASE_LOG = _LogOf("case", access_log.CaseLog, lambda case: f"case {case.reference}")
_PERSON_LOG = _LogOf("person", access_log.PersonLog, lambda person: f"staff member {person.pk}")


def _log_page_response(request, of: _LogOf, subject):
    filters = AccessLogFilter(request.GET or None)
    log = of.log_class(subject, **filters.choices())
    context = {of.key: subject, **_log_page(request, log, filters)}
    return render(request, f"privacy/access_log_{of.key}.html", context, status=400 if filters.errors else 200)


def _log_csv_response(request, of: _LogOf, subject):
    """The log as CSV, recorded as an export; with filters that do not validate, back to the page."""
    filters = AccessLogFilter(request.GET or None)
    if filters.errors:
        return redirect(f"{reverse(f'privacy:access_log_{of.key}', args=[subject.pk])}?{request.GET.urlencode()}")
    refused = _refused(request)
    if refused:
        return refused
    choices = filters.choices()
    exports.log_export(
        user=request.user,
        model=type(subject),
        description=f"Access log export: {of.describe(subject)}",
        details={"export": "access_log", of.key: subject.pk, **_filter_details(choices)},
        remote_addr=_remote_addr(request),
    )
    return _csv_response(of.log_class(subject, **choices), f"access-log-{of.key}-{subject.pk}")


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_case(request, pk):
    return _log_page_response(request, _CASE_LOG, selectors.privacy_case_get(request.user, pk))


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_case_csv(request, pk):
    return _log_csv_response(request, _CASE_LOG, selectors.privacy_case_get(request.user, pk))


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_people(request):
    """Choose a member of staff (GET ?person=<id>; ids only in the URL)."""
    people = list(selectors.staff_for_access_log(request.user))
    form = PersonForm(request.GET or None, people=people)
    if form.is_bound and form.is_valid():
        return redirect("privacy:access_log_person", pk=form.cleaned_data["person"])
    return render(request, "privacy/access_log_people.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_person(request, pk):
    return _log_page_response(request, _PERSON_LOG, selectors.staff_get(request.user, pk))


@permission_required(permissions.ACCESS_LOG, raise_exception=True)
def access_log_person_csv(request, pk):
    return _log_csv_response(request, _PERSON_LOG, selectors.staff_get(request.user, pk))


def _filter_details(choices: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in choices.items()}


def _csv_response(log, stem: str) -> StreamingHttpResponse:
    def rows():
        yield exports.BOM + exports.csv_block([access_log.CSV_HEADER])
        for batch in log.iterate():
            yield exports.csv_block(access_log.csv_row(row) for row in batch)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


# --- The retention schedule ------------------------------------------------------------------------------------


@permission_required(permissions.RETENTION, raise_exception=True)
def retention(request):
    today = timezone.localdate()
    policy = selectors.retention_policy()
    page = Paginator(selectors.legal_holds(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/retention.html",
        {
            "today": today,
            "policy": policy,
            "counts": selectors.retention_counts(today, policy),
            "page": page,
            "runs": selectors.recent_runs(),
        },
    )


# --- Public pages in the footer ------------------------------------------------------------------------------------


def _public_context() -> dict:
    return {
        "local_authority": settings.LOCAL_AUTHORITY_NAME,
        "dpo_name": settings.DATA_PROTECTION_OFFICER_NAME,
        "dpo_email": settings.DATA_PROTECTION_OFFICER_EMAIL,
        "dpo_address": settings.DATA_PROTECTION_OFFICER_ADDRESS,
        "policy": selectors.retention_policy(),
    }


@login_not_required
def privacy_notice(request):
    return render(request, "privacy/privacy_notice.html", _public_context())


@login_not_required
def accessibility_statement(request):
    return render(
        request,
        "privacy/accessibility_statement.html",
        {
            **_public_context(),
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "issues": accessibility.KNOWN_ISSUES,
            "prepared_on": accessibility.PREPARED_ON,
            "tested_on": accessibility.TESTED_ON,
        },
    )


def _duration(seconds: int | None) -> str:
    """A cookie's lifetime in words ("52 weeks"), or "" for one that ends with the browser session."""
    if not seconds:
        return ""
    days = seconds // 86400
    if days and days % 7 == 0:
        return f"{days // 7} weeks"
    return f"{days} days" if days else f"{seconds // 60} minutes"


@login_not_required
def cookies(request):
    return render(
        request,
        "privacy/cookies.html",
        {
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
            "csrf_age": _duration(settings.CSRF_COOKIE_AGE),
        },
    )
