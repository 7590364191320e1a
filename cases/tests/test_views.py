"""Case pages: permission matrix, content, bad input, query counts."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, CaseEvent, Decision, Status
from cases.tests.factories import CaseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"


def roles(request):
    return request.getfixturevalue


# --- Permission matrix -----------------------------------------------------------------------------------

GET_PAGES = [
    ("cases:list", False),
    ("cases:create", False),
    ("cases:detail", True),
    ("cases:edit", True),
]
POST_ACTIONS = ["cases:assign", "cases:status", "cases:note_add"]


def url_for(name, case):
    return reverse(name, args=[case.pk]) if name not in ("cases:list", "cases:create") else reverse(name)


@pytest.mark.parametrize(("name", "_"), GET_PAGES)
def test_anonymous_is_sent_to_sign_in(client, name, _):
    case = CaseFactory()
    response = client.get(url_for(name, case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client, name):
    case = CaseFactory()
    response = client.post(url_for(name, case), {"to_status": Status.TRIAGED})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.INTAKE


@pytest.mark.parametrize(("name", "_"), GET_PAGES)
def test_mediator_gets_403_on_every_case_page(client_for, mediator_user, name, _):
    case = CaseFactory()
    response = client_for(mediator_user).get(url_for(name, case))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_mediator_post_gets_403_and_changes_nothing(client_for, mediator_user, name):
    case = CaseFactory()
    response = client_for(mediator_user).post(url_for(name, case), {"to_status": Status.TRIAGED, "text": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.INTAKE
    assert not case.events.exists()


@pytest.mark.parametrize("role", ["officer", "manager"])
@pytest.mark.parametrize(("name", "_"), GET_PAGES)
def test_officers_and_managers_can_open_every_case_page(request, client_for, role, name, _):
    case = CaseFactory()
    response = client_for(request.getfixturevalue(role)).get(url_for(name, case))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["cases:detail", "cases:edit"])
def test_unknown_case_id_is_404(client_for, officer, name):
    response = client_for(officer).get(reverse(name, args=[999999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_post_to_unknown_case_is_404(client_for, officer, name):
    response = client_for(officer).post(reverse(name, args=[999999]), {"to_status": Status.TRIAGED})
    assert response.status_code == 404


@pytest.mark.parametrize("name", POST_ACTIONS)
def test_actions_refuse_get(client_for, officer, name):
    case = CaseFactory()
    assert client_for(officer).get(url_for(name, case)).status_code == 405


def test_user_without_a_role_gets_403(client_for, django_user_model):
    nobody = django_user_model.objects.create_user("norole", password="correct-horse-battery-staple")
    assert client_for(nobody).get(reverse("cases:list")).status_code == 403


# --- Case list ---------------------------------------------------------------------------------------------


def test_list_shows_cases_with_total(client_for, officer):
    CaseFactory(child_first_name="Amara", child_last_name="Okafor", reference="SEND-2026-00007")
    CaseFactory(child_first_name="Ben", child_last_name="Jones")
    content = client_for(officer).get(reverse("cases:list")).content.decode()
    assert "Cases <span" in content and "(2)" in content
    assert "SEND-2026-00007" in content
    assert "Amara Okafor" in content
    assert "Ben Jones" in content


def test_filter_by_status_and_route(client_for, officer):
    CaseFactory(child_first_name="Intake", status=Status.INTAKE)
    CaseFactory(child_first_name="Triaged", status=Status.TRIAGED)
    content = client_for(officer).get(reverse("cases:list"), {"status": Status.TRIAGED}).content.decode()
    assert "Triaged " in content and "Intake " not in content
    assert "Status: Triaged" in content  # removable tag


def test_filter_mine_and_unassigned(client_for, officer, other_officer):
    CaseFactory(child_first_name="Minecase", officer=officer)
    CaseFactory(child_first_name="Theirs", officer=other_officer)
    CaseFactory(child_first_name="Nobodys", officer=None)
    c = client_for(officer)
    mine = c.get(reverse("cases:list"), {"officer": "mine"}).content.decode()
    assert "Minecase" in mine and "Theirs" not in mine and "Nobodys" not in mine
    unassigned = c.get(reverse("cases:list"), {"officer": "unassigned"}).content.decode()
    assert "Nobodys" in unassigned and "Minecase" not in unassigned
    theirs = c.get(reverse("cases:list"), {"officer": str(other_officer.pk)}).content.decode()
    assert "Theirs" in theirs and "Minecase" not in theirs


def test_filter_by_decision_school_and_date_range(client_for, officer):
    school = SchoolFactory(name="Hillside Primary")
    CaseFactory(child_first_name="Early", decision=Decision.RTA, decision_sent_on=date(2026, 1, 5), school=school)
    CaseFactory(child_first_name="Later", decision=Decision.RTA, decision_sent_on=date(2026, 6, 5), school=school)
    CaseFactory(child_first_name="Cease", decision=Decision.CEASE, decision_sent_on=date(2026, 6, 5))
    params = {"decision": "RTA", "school": school.pk, "decision_from": "2026-03-01", "decision_to": "2026-12-31"}
    content = client_for(officer).get(reverse("cases:list"), params).content.decode()
    assert "Later" in content and "Early" not in content and "Cease" not in content


def test_date_range_ending_before_it_starts_gets_a_clear_message(client_for, officer):
    CaseFactory()
    response = client_for(officer).get(
        reverse("cases:list"), {"decision_from": "2026-06-01", "decision_to": "2026-01-01"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date." in content
    assert "<title>Error: Cases" in content


def test_malformed_filter_values_give_messages_not_errors(client_for, officer):
    response = client_for(officer).get(
        reverse("cases:list"), {"decision_from": "31/02/2026", "officer": "99999", "status": "nonsense"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter a valid date." in content


def test_search_keeps_names_out_of_the_url(client_for, officer):
    CaseFactory(child_first_name="Zanele", child_last_name="Mokoena")
    CaseFactory(child_first_name="Other", child_last_name="Child")
    c = client_for(officer)
    response = c.post(reverse("cases:list"), {"q": "Zanele Mokoena", "keep": "status=intake"})
    assert response.status_code == 302
    location = response["Location"]
    assert "Zanele" not in location and "Mokoena" not in location
    assert "status=intake" in location and "s=" in location
    content = c.get(location).content.decode()
    assert "Zanele Mokoena" in content
    assert "Other Child" not in content
    assert "Search: Zanele Mokoena" in content


def test_search_by_reference(client_for, officer):
    CaseFactory(reference="SEND-2025-00123", child_first_name="Found")
    CaseFactory(reference="SEND-2025-00999", child_first_name="Hidden")
    c = client_for(officer)
    location = c.post(reverse("cases:list"), {"q": "00123"})["Location"]
    content = c.get(location).content.decode()
    assert "Found" in content and "Hidden" not in content


def test_another_users_search_token_finds_nothing(client_for, officer, other_officer, client):
    CaseFactory(child_first_name="Zanele")
    location = client_for(officer).post(reverse("cases:list"), {"q": "Zanele"})["Location"]
    client.logout()
    client.force_login(other_officer)
    content = client.get(location).content.decode()
    assert "Search:" not in content  # the token means nothing in another session


@pytest.mark.parametrize(
    ("sort", "first"), [("child", "Adams"), ("-child", "Zed"), ("reference", "Adams"), ("-reference", "Zed")]
)
def test_server_side_sort(client_for, officer, sort, first):
    CaseFactory(child_last_name="Zed", reference="SEND-2026-00002")
    CaseFactory(child_last_name="Adams", reference="SEND-2026-00001")
    content = client_for(officer).get(reverse("cases:list"), {"sort": sort}).content.decode()
    body = content[content.index("<tbody>") :]
    other = "Zed" if first == "Adams" else "Adams"
    assert body.index(first) < body.index(other)


def test_unknown_sort_falls_back_to_newest_first(client_for, officer):
    CaseFactory()
    response = client_for(officer).get(reverse("cases:list"), {"sort": "password"})
    assert response.status_code == 200
    assert "date opened, newest or highest first" in response.content.decode()


def test_pagination_shows_range_and_total(client_for, officer):
    CaseFactory.create_batch(30)
    content = client_for(officer).get(reverse("cases:list"), {"page": 2}).content.decode()
    assert "Showing 26 to 30 of 30 results" in content
    assert "Page 2 of 2" in content


def test_list_query_count_is_constant_as_rows_grow(client_for, officer, django_assert_max_num_queries):
    c = client_for(officer)
    CaseFactory.create_batch(3, officer=officer)
    with django_assert_max_num_queries(12) as small:
        c.get(reverse("cases:list"))
    CaseFactory.create_batch(40, officer=officer)
    with django_assert_max_num_queries(12) as large:
        c.get(reverse("cases:list"), {"officer": "mine", "sort": "child"})
    assert len(large.captured_queries) <= len(small.captured_queries) + 1


# --- Intake -------------------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "child_first_name": "Amara",
        "child_last_name": "Okafor",
        "child_date_of_birth": "2015-06-01",
        "upn": "",
        "nhs_number": "943 476 5919",
        "party_type": "parent",
        "party_name": "Grace Okafor",
        "party_relationship": "Mother",
        "phone": "07700 900123",
        "email": "grace@example.com",
        "address": "1 High Street\nLeeds",
        "postcode": "ls1 4ap",
        "preferred_language": "English",
        "route": "mediation",
        "decision": "RTA",
        "decision_sent_on": "2026-10-01",
        "first_contact_on": "2026-10-06",
        "first_contact_channel": "phone",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_intake_creates_case_and_normalises_identifiers(client_for, officer):
    response = client_for(officer).post(reverse("cases:create"), form_data(), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    content = response.content.decode()
    assert f"Case {case.reference} opened" in content
    assert case.postcode == "LS1 4AP"
    assert case.phone == "+447700900123"
    assert case.nhs_number == "943 476 5919"
    assert case.created_by == officer


@time_machine.travel(NOW, tick=False)
def test_intake_with_mistakes_shows_error_summary_and_saves_nothing(client_for, officer):
    response = client_for(officer).post(
        reverse("cases:create"),
        form_data(first_contact_on="2026-09-01", postcode="NOT A POSTCODE", nhs_number="943 476 5918"),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Take in a new case" in content
    assert "There is a problem" in content
    assert 'href="#id_first_contact_on_day"' in content
    assert "First contact cannot be before the decision letter was sent." in content
    assert 'href="#id_postcode"' in content
    assert 'href="#id_nhs_number"' in content
    assert 'value="Grace Okafor"' in content  # what was typed is kept
    assert Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_intake_refuses_young_person_under_16(client_for, officer):
    response = client_for(officer).post(reverse("cases:create"), form_data(party_type="young_person"))
    assert "must be over compulsory school age" in response.content.decode()
    assert Case.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_intake_refuses_mass_assigned_fields(client_for, officer, other_officer):
    client_for(officer).post(
        reverse("cases:create"),
        form_data(status="closed", officer=str(other_officer.pk), reference="MINE-1", is_staff="on"),
    )
    case = Case.objects.get()
    assert case.status == Status.INTAKE
    assert case.officer == other_officer  # the intake form offers the officer who will hold the case
    assert case.reference.startswith("SEND-2026-")


@time_machine.travel(NOW, tick=False)
def test_intake_warns_about_a_possible_duplicate_before_saving(client_for, officer):
    existing = CaseFactory(
        child_first_name="Amara",
        child_last_name="Okafor",
        child_date_of_birth=date(2015, 6, 1),
        decision_sent_on=date(2026, 10, 1),
        first_contact_on=date(2026, 10, 2),
    )
    c = client_for(officer)
    response = c.post(reverse("cases:create"), form_data(child_first_name="amara"))
    content = response.content.decode()
    assert "This may be a case we already have" in content
    assert existing.get_absolute_url() in content
    assert existing.reference in content
    assert Case.objects.count() == 1
    response = c.post(reverse("cases:create"), form_data(confirm_not_duplicate="on"), follow=True)
    assert Case.objects.count() == 2


# --- Detail, edit, assign, status, notes -----------------------------------------------------------------


def test_detail_shows_summary_timeline_and_actions(client_for, officer):
    case = CaseFactory(child_first_name="Amara", child_last_name="Okafor", decision=Decision.CEASE)
    CaseEvent.objects.create(case=case, actor=officer, kind="created", description="Case opened by test")
    content = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert f"Case {case.reference}" in content
    assert "Amara Okafor" in content
    assert "Decision to cease to maintain the plan" in content
    assert "Case opened by test" in content
    assert "Move the case on" in content
    assert '<option value="triaged">Triaged</option>' in content
    assert '<option value="closed">' not in content  # not an allowed transition from intake


def test_detail_title_has_no_child_name(client_for, officer):
    case = CaseFactory(child_first_name="Amara", child_last_name="Okafor")
    content = client_for(officer).get(case.get_absolute_url()).content.decode()
    title = content[content.index("<title>") : content.index("</title>")]
    assert "Amara" not in title and "Okafor" not in title


def test_viewing_a_case_is_logged_as_access(client_for, officer):
    from auditlog.models import LogEntry

    case = CaseFactory()
    client_for(officer).get(case.get_absolute_url())
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(case.pk))
    assert entry.actor == officer


@time_machine.travel(NOW, tick=False)
def test_edit_moves_the_decision_date_and_writes_the_timeline(client_for, officer):
    case = CaseFactory(decision_sent_on=date(2026, 10, 1), first_contact_on=date(2026, 10, 6))
    data = form_data(
        child_first_name=case.child_first_name,
        child_last_name=case.child_last_name,
        child_date_of_birth=case.child_date_of_birth.isoformat(),
        decision_sent_on="2026-10-02",
        nhs_number="",
        version=case.version,
    )
    response = client_for(officer).post(reverse("cases:edit", args=[case.pk]), data, follow=True)
    assert f"Case {case.reference} updated" in response.content.decode()
    case.refresh_from_db()
    assert case.decision_sent_on == date(2026, 10, 2)
    assert "Thu 1 Oct 2026 to Fri 2 Oct 2026" in case.events.get(kind=CaseEvent.Kind.UPDATED).description


def test_assign_through_the_page(client_for, officer, other_officer):
    case = CaseFactory()
    response = client_for(officer).post(
        reverse("cases:assign", args=[case.pk]), {"officer": other_officer.pk}, follow=True
    )
    assert f"Case {case.reference} assigned to Owen Other" in response.content.decode()
    case.refresh_from_db()
    assert case.officer == other_officer


def test_assigning_a_non_officer_is_refused_with_a_message(client_for, officer, mediator_user):
    case = CaseFactory()
    response = client_for(officer).post(reverse("cases:assign", args=[case.pk]), {"officer": mediator_user.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.officer is None


def test_status_change_through_the_page(client_for, officer):
    case = CaseFactory()
    response = client_for(officer).post(
        reverse("cases:status", args=[case.pk]), {"to_status": Status.TRIAGED}, follow=True
    )
    assert "Status changed to Triaged" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.TRIAGED


def test_disallowed_status_from_a_crafted_post_is_refused(client_for, officer):
    case = CaseFactory()
    response = client_for(officer).post(reverse("cases:status", args=[case.pk]), {"to_status": Status.CLOSED})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.INTAKE


def test_triage_guard_message_is_shown(client_for, officer):
    case = CaseFactory(decision=Decision.CONTENT_F, sections_disputed=[])
    response = client_for(officer).post(reverse("cases:status", args=[case.pk]), {"to_status": Status.TRIAGED})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Record which EHC plan sections are disputed before triage." in content
    assert "<title>Error: Case" in content


def test_note_added_through_the_page_is_escaped(client_for, officer):
    case = CaseFactory()
    response = client_for(officer).post(
        reverse("cases:note_add", args=[case.pk]),
        {"text": "<script>alert(1)</script>", "visibility": "internal"},
        follow=True,
    )
    content = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content


def test_detail_query_count_does_not_grow_with_timeline(client_for, officer, django_assert_max_num_queries):
    case = CaseFactory()
    c = client_for(officer)
    for i in range(30):
        CaseEvent.objects.create(case=case, actor=officer, kind="updated", description=f"event {i}")
    # One query per panel (clocks, mediation, tribunal, documents, letters and support, notes, timeline...).
    with django_assert_max_num_queries(21):
        c.get(case.get_absolute_url())


def test_search_scans_references_only_for_terms_a_reference_can_hold(client_for, officer):
    from cases.filters import may_be_in_a_reference
    from cases.models import Case

    assert may_be_in_a_reference("00123") and may_be_in_a_reference("send-2025") and may_be_in_a_reference("End")
    assert not may_be_in_a_reference("Smith") and not may_be_in_a_reference("Amy Smith")
    from cases.search import exact_q

    assert "reference" not in str(Case.objects.filter(exact_q("Smith")).query).split("WHERE")[1]
    assert "reference" in str(Case.objects.filter(exact_q("00123")).query).split("WHERE")[1]
    # The parents' names are fixed: a random one could end in "Smith" and be found by the parent's name.
    CaseFactory(reference="SEND-2025-00123", child_first_name="Found", child_last_name="Smith", party_name="Ann Smith")
    CaseFactory(
        reference="SEND-2025-00999", child_first_name="Smithson", child_last_name="Jones", party_name="Bo Jones"
    )
    CaseFactory(reference="SEND-2026-00001", child_first_name="Hidden", child_last_name="Brown", party_name="Cy Brown")
    c = client_for(officer)
    for term, found, hidden in (
        ("smith", ["Found Smith", "Smithson Jones"], ["Hidden"]),
        ("send-2025", ["Found Smith", "Smithson Jones"], ["Hidden"]),
        ("2026-0000", ["Hidden Brown"], ["Found", "Smithson"]),
    ):
        content = c.get(c.post(reverse("cases:list"), {"q": term})["Location"]).content.decode()
        body = content[content.index("<tbody>") :]
        assert all(name in body for name in found) and not any(name in body for name in hidden), term


def test_case_list_rows_show_the_officer_and_link_to_the_case(client_for, officer):
    case = CaseFactory(officer=officer, reference="SEND-2026-00042")
    content = client_for(officer).get(reverse("cases:list")).content.decode()
    assert f'<a href="{case.get_absolute_url()}">SEND-2026-00042</a>' in content
    assert "Olivia Officer" in content


def test_the_name_search_can_use_its_indexes(db):
    """Migration 0011: a search by a child's name is answered from an index, not by reading every case."""
    from cases.search import exact_q
    from sendportal.testing.plans import query_plan

    plan = query_plan(*Case.objects.filter(exact_q("Smith")).values("pk").order_by().query.sql_with_params())
    assert "cases_case_child_first_name_search_idx" in plan
    assert "cases_case_child_last_name_search_idx" in plan


def test_lists_name_the_decision_in_words_not_its_code(client_for, officer):
    from cases.models import Decision

    assert {d.value for d in Decision} == {d.value for d in Decision if d.short_label}
    CaseFactory(officer=officer, decision=Decision.RTA)
    CaseFactory(officer=officer, decision=Decision.CONTENT_F)
    content = client_for(officer).get(reverse("cases:list")).content.decode()
    assert "<td>Refusal to assess</td>" in content and "<td>Plan: provision (F)</td>" in content
    assert ">RTA<" not in content and ">CONTENT-F<" not in content
