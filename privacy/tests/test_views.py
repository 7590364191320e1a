"""Data protection pages: who may see them, what they show, bad input, and nothing sensitive in URLs."""

import io
import json
import zipfile
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cases.models import CaseEvent, Status
from cases.tests.factories import CaseFactory
from dashboards import exports
from privacy.models import CaseRetention
from privacy.tests.builders import full_case

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 8))]


@pytest.fixture
def case(officer):
    return full_case(closed_on=None, born=date(2016, 5, 14), status=Status.TRIAGED, actor=officer)


def _urls(case, person):
    return {
        "privacy:home": reverse("privacy:home"),
        "privacy:case": reverse("privacy:case", args=[case.pk]),
        "privacy:subject_access": reverse("privacy:subject_access"),
        "privacy:access_log_cases": reverse("privacy:access_log_cases"),
        "privacy:access_log_case": reverse("privacy:access_log_case", args=[case.pk]),
        "privacy:access_log_case_csv": reverse("privacy:access_log_case_csv", args=[case.pk]),
        "privacy:access_log_people": reverse("privacy:access_log_people"),
        "privacy:access_log_person": reverse("privacy:access_log_person", args=[person.pk]),
        "privacy:access_log_person_csv": reverse("privacy:access_log_person_csv", args=[person.pk]),
        "privacy:retention": reverse("privacy:retention"),
    }


ROLES = ["officer", "mediator_user", "manager", "data_protection_officer"]
# GET: (officer, mediator, manager, data protection)
MATRIX = {
    "privacy:home": (403, 403, 200, 200),
    "privacy:case": (403, 403, 200, 200),
    "privacy:subject_access": (403, 403, 200, 200),
    "privacy:access_log_cases": (403, 403, 200, 200),
    "privacy:access_log_case": (403, 403, 200, 200),
    "privacy:access_log_case_csv": (403, 403, 200, 200),
    "privacy:access_log_people": (403, 403, 200, 200),
    "privacy:access_log_person": (403, 403, 200, 200),
    "privacy:access_log_person_csv": (403, 403, 200, 200),
    "privacy:retention": (403, 403, 200, 200),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_anonymous_is_sent_to_sign_in(client, case, officer, name):
    response = client.get(_urls(case, officer)[name])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client_for, request, case, officer, name, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(_urls(case, officer)[name])
    assert response.status_code == MATRIX[name][ROLES.index(role)]


@pytest.mark.parametrize(
    "name", ["privacy:case", "privacy:access_log_case", "privacy:access_log_case_csv", "privacy:access_log_person"]
)
def test_unknown_ids_are_404(client_for, manager, name):
    assert client_for(manager).get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("privacy:hold_place", "officer"),
        ("privacy:hold_place", "mediator_user"),
        ("privacy:subject_access_export", "officer"),
        ("privacy:subject_access_export", "mediator_user"),
    ],
)
def test_posts_are_refused_to_the_wrong_role(client_for, request, case, name, role):
    user = request.getfixturevalue(role)
    url = reverse(name, args=[case.pk]) if name == "privacy:hold_place" else reverse(name)
    response = client_for(user).post(url, {"case": case.pk, "reason": "x", "purpose": "subject_access"})
    assert response.status_code == 403
    assert not CaseRetention.objects.filter(case=case).exists()


def test_nobody_else_holds_a_data_protection_permission(officer, mediator_user, data_protection_officer):
    assert not any(p.startswith("privacy.") for p in officer.get_all_permissions())
    assert not any(p.startswith("privacy.") for p in mediator_user.get_all_permissions())
    assert not any(p.startswith(("cases.", "referrals.")) for p in data_protection_officer.get_all_permissions())


def test_navigation_and_home_page(client_for, data_protection_officer, manager, officer):
    response = client_for(data_protection_officer).get(reverse("home"))
    assert response["Location"] == reverse("privacy:home")
    page = client_for(data_protection_officer).get(reverse("privacy:home")).content.decode()
    assert ">Data protection</a>" in page and 'aria-current="page"' in page
    assert "Subject-access and disclosure export" in page and "Retention schedule and legal holds" in page
    assert ">Data protection</a>" in client_for(manager).get(reverse("dashboards:my_work")).content.decode()
    assert ">Data protection</a>" not in client_for(officer).get(reverse("dashboards:my_work")).content.decode()


def test_finding_a_case_by_reference_goes_to_its_data_protection_page(client_for, data_protection_officer, case):
    response = client_for(data_protection_officer).post(reverse("privacy:home"), {"reference": case.reference.lower()})
    assert response["Location"] == reverse("privacy:case", args=[case.pk])


def test_an_unknown_reference_is_a_clear_message(client_for, data_protection_officer):
    response = client_for(data_protection_officer).post(reverse("privacy:home"), {"reference": "SEND-1999-00001"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Data protection" in page
    assert "There is a problem" in page and "No case has that reference" in page


def test_case_page_shows_the_schedule_without_personal_details(client_for, data_protection_officer):
    closed = full_case(closed_on=date(2026, 6, 17), born=date(2007, 3, 1))
    page = client_for(data_protection_officer).get(reverse("privacy:case", args=[closed.pk])).content.decode()
    assert "Wed 17 Jun 2026" in page  # closed
    assert "Thu 17 Jun 2032" in page and "Tue 17 Jun 2036" in page  # anonymised, then deleted
    assert "Zephyrine" not in page and "Ottoline" not in page
    assert "Place a legal hold" in page


def test_placing_and_lifting_a_legal_hold_writes_the_timeline(client_for, data_protection_officer, case):
    client = client_for(data_protection_officer)
    response = client.post(
        reverse("privacy:hold_place", args=[case.pk]), {"reason": "Claim from the family"}, follow=True
    )
    assert f"Case {case.reference} is on legal hold" in response.content.decode()
    retention = CaseRetention.objects.get(case=case)
    assert retention.legal_hold and retention.hold_by == data_protection_officer
    assert retention.hold_reason == "Claim from the family"
    page = response.content.decode()
    assert "On legal hold" in page and "Lift the legal hold" in page

    response = client.post(reverse("privacy:hold_lift", args=[case.pk]), {"reason": "Claim settled"}, follow=True)
    assert f"Legal hold on case {case.reference} lifted" in response.content.decode()
    retention.refresh_from_db()
    assert not retention.legal_hold and retention.hold_reason == ""
    events = list(
        CaseEvent.objects.filter(case=case, kind="legal_hold").order_by("pk").values_list("description", "actor")
    )
    assert events == [
        ("Legal hold placed: Claim from the family", data_protection_officer.pk),
        ("Legal hold lifted: Claim settled", data_protection_officer.pk),
    ]


def test_a_hold_without_a_reason_changes_nothing_and_says_why(client_for, data_protection_officer, case):
    response = client_for(data_protection_officer).post(reverse("privacy:hold_place", args=[case.pk]), {"reason": " "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Case" in page and "Reason: Give the reason." in page
    assert not CaseRetention.objects.filter(case=case).exists()


def test_a_hold_cannot_be_placed_twice_or_lifted_when_there_is_none(client_for, data_protection_officer, case):
    client = client_for(data_protection_officer)
    response = client.post(reverse("privacy:hold_lift", args=[case.pk]), {"reason": "x"})
    assert response.status_code == 400 and "This case is not on legal hold." in response.content.decode()
    client.post(reverse("privacy:hold_place", args=[case.pk]), {"reason": "Claim"})
    response = client.post(reverse("privacy:hold_place", args=[case.pk]), {"reason": "Again"})
    assert response.status_code == 400 and "This case is already on legal hold." in response.content.decode()
    assert CaseRetention.objects.get(case=case).hold_reason == "Claim"


# --- Subject-access export --------------------------------------------------------------------------------------


def test_the_reference_step_shows_the_case_and_possible_family_cases_and_logs_the_view(
    client_for, data_protection_officer, case
):
    sibling = CaseFactory(party_name=case.party_name, email=case.email, child_first_name="Tobias")
    same_child = CaseFactory(
        child_first_name=case.child_first_name,
        child_last_name=case.child_last_name,
        child_date_of_birth=case.child_date_of_birth,
    )
    stranger = CaseFactory(party_name=case.party_name)  # same name, no shared contact detail
    response = client_for(data_protection_officer).post(
        reverse("privacy:subject_access"), {"reference": case.reference}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Zephyrine Quillfeather" in page
    assert sibling.reference in page and same_child.reference in page and stranger.reference not in page
    assert "same child: names and date of birth" in page
    viewed = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__view="subject access search")
    assert set(viewed.values_list("object_id", flat=True)) == {case.pk, sibling.pk, same_child.pk}
    assert response.wsgi_request.path == reverse("privacy:subject_access")  # the reference went by POST


def _export(client, case, **extra):
    return client.post(
        reverse("privacy:subject_access_export"),
        {"case": case.pk, "purpose": "subject_access", "request_reference": "SAR-118", **extra},
    )


def test_export_downloads_a_zip_with_summary_data_and_certificates_and_is_logged(
    client_for, data_protection_officer, case
):
    sibling = CaseFactory(party_name=case.party_name, email=case.email, child_first_name="Tobias")
    response = _export(client_for(data_protection_officer), case, family=[sibling.pk])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{case.reference}-and-1-more-2026-12-08.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"summary.html", "data.json", f"certificates/{case.reference}/CERT-{case.reference}-1.pdf"} <= names
    data = json.loads(archive.read("data.json"))
    assert [c["reference"] for c in data["cases"]] == [case.reference, sibling.reference]
    assert data["request_reference"] == "SAR-118"
    assert data["cases"][0]["case"]["child_date_of_birth"] == "2016-05-14"
    summary = archive.read("summary.html").decode()
    assert "Zephyrine" in summary and "Review before disclosure" in summary

    summary_entry = LogEntry.objects.get(additional_data__export="subject_access")
    assert summary_entry.actor == data_protection_officer
    assert summary_entry.additional_data["cases"] == [case.pk, sibling.pk]
    per_case = LogEntry.objects.filter(additional_data__subject_access_export=summary_entry.pk)
    assert set(per_case.values_list("object_id", flat=True)) == {case.pk, sibling.pk}
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.EXPORTED)
    assert event.description == ("Included in a subject-access export by Dara Protection (subject access request)")
    assert exports.next_export_allowed_at(data_protection_officer, now=summary_entry.timestamp) is None


def test_export_refuses_a_family_case_that_was_not_offered(client_for, data_protection_officer, case):
    other = CaseFactory()
    response = _export(client_for(data_protection_officer), case, family=[other.pk])
    assert response.status_code == 400
    assert "Also include these cases: Choose only from the cases listed." in response.content.decode()
    assert not LogEntry.objects.filter(additional_data__export="subject_access").exists()


def test_export_without_a_purpose_shows_the_choice_again(client_for, data_protection_officer, case):
    response = client_for(data_protection_officer).post(reverse("privacy:subject_access_export"), {"case": case.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose what the export is for." in page and "<title>Error: Subject-access export" in page
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.EXPORTED).exists()


def test_export_is_rate_limited(client_for, data_protection_officer, case):
    client = client_for(data_protection_officer)
    for _ in range(exports.EXPORTS_PER_HOUR):
        assert _export(client, case).status_code == 200
    response = _export(client, case)
    assert response.status_code == 429 and "Too many exports" in response.content.decode()


def test_export_of_an_unknown_case_is_404(client_for, data_protection_officer):
    response = client_for(data_protection_officer).post(
        reverse("privacy:subject_access_export"), {"case": 999999, "purpose": "subject_access"}
    )
    assert response.status_code == 404


# --- Footer pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("privacy:privacy_notice", "Article 9(2)(g)"),
        ("privacy:accessibility", "Enforcement procedure"),
        ("privacy:cookies", "Strictly necessary"),
    ],
)
def test_footer_pages_are_public_and_linked_from_every_page(client, name, text):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert text.lower() in response.content.decode().lower()
    sign_in = client.get(reverse("login")).content.decode()
    assert f'href="{reverse(name)}"' in sign_in


def test_privacy_notice_gives_the_lawful_basis_retention_and_the_dpo(client, settings):
    settings.DATA_PROTECTION_OFFICER_EMAIL = "information.governance@example-borough.gov.uk"
    page = client.get(reverse("privacy:privacy_notice")).content.decode()
    assert "Article 6(1)(e)" in page and "Schedule 1, paragraph 6" in page
    assert "information.governance@example-borough.gov.uk" in page
    assert "6 years after the case closed and the child's 25th birthday" in page
    assert "ico.org.uk" in page


def test_cookie_page_names_the_cookies_the_portal_sets(client, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    settings.CSRF_COOKIE_AGE = 31449600  # Django's default, as in production
    page = client.get(reverse("privacy:cookies")).content.decode()
    assert "<code>__Host-sessionid</code>" in page and "<code>__Host-csrftoken</code>" in page
    assert "After 52 weeks" in page and "after 30 minutes without using the portal" in page


def test_the_portal_sets_no_cookie_the_cookie_page_does_not_list(client, officer):
    """Sign in, open a page, take an action that shows a message: only the session and CSRF cookies appear."""
    set_cookies = set()

    def collect(response):
        set_cookies.update(response.cookies.keys())
        return response

    collect(client.get(reverse("login")))
    collect(client.post(reverse("login"), {"username": officer.username, "password": "correct-horse-battery-staple"}))
    case = CaseFactory()
    collect(client.post(reverse("cases:note_add", args=[case.pk]), {"text": "Called", "visibility": "internal"}))
    page = collect(client.get(case.get_absolute_url()))
    assert "Note added" in page.content.decode()
    assert set_cookies == {"sessionid", "csrftoken"}


def test_retention_page_counts_the_schedule_and_costs_the_same_queries_with_more_holds(
    client_for, data_protection_officer, manager, django_assert_max_num_queries
):
    def held_case():
        case = CaseFactory(
            status=Status.CLOSED,
            closed_on=date(2019, 1, 1),
            child_date_of_birth=date(1990, 1, 1),
            decision_sent_on=date(2018, 6, 1),
        )
        CaseRetention.objects.create(
            case=case, legal_hold=True, hold_reason="Claim", hold_by=manager, hold_since="2026-11-01T10:00Z"
        )
        return case

    CaseFactory(
        status=Status.CLOSED,
        closed_on=date(2019, 1, 1),
        child_date_of_birth=date(1990, 1, 1),
        decision_sent_on=date(2018, 6, 1),
    )  # due for anonymisation (and not deletion) on 8 Dec 2026
    held_case()
    client = client_for(data_protection_officer)
    with django_assert_max_num_queries(20) as few:
        response = client.get(reverse("privacy:retention"))
    counts = response.context["counts"]
    assert (counts["closed"], counts["held"], counts["anonymise"], counts["delete"]) == (2, 1, 1, 0)
    for _ in range(12):
        held_case()
    with django_assert_max_num_queries(20) as many:
        response = client.get(reverse("privacy:retention"))
    assert response.context["counts"]["held"] == 13
    assert len(response.context["page"].object_list) == 13
    assert len(many.captured_queries) == len(few.captured_queries)


def test_accessibility_statement_lists_each_known_issue_with_its_criterion(client):
    from privacy import accessibility

    page = client.get(reverse("privacy:accessibility")).content.decode()
    for issue in accessibility.KNOWN_ISSUES:
        assert issue["summary"].replace("'", "&#x27;") in page or issue["summary"] in page
        if issue["criterion"]:
            assert f"This fails WCAG 2.2 success criterion {issue['criterion']}" in page
    assert "This statement was prepared on 5 December 2026" in page
    assert "partially compliant with" in page
    assert "success criterion ." not in page  # an issue with no criterion is not listed as a failure
