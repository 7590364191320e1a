"""Managers' team work: reassigning many cases in one step with a reason, absence cover, and the workload
figures linking to the lists they count."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import team_services
from cases.models import Case, CaseEvent, Cover, Deadline, Status
from cases.tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 6, 17))]

TODAY = date(2026, 6, 17)


def open_clock(case, due_on=date(2026, 6, 10)):
    return Deadline.objects.create(
        case=case, key="C4", clock="C4", title="Hold the mediation", due_on=due_on, officer=case.officer
    )


# --- Reassigning ------------------------------------------------------------------------------------------------


def test_reassigning_moves_each_open_case_and_its_clocks_with_the_reason_on_its_timeline(
    officer, other_officer, manager
):
    mine = [CaseFactory(officer=officer) for _ in range(3)]
    closed = CaseFactory(officer=officer, status=Status.CLOSED)
    clocks = [open_clock(case) for case in mine]

    moved = team_services.cases_reassign(
        actor=manager, cases=Case.objects.filter(officer=officer), officer=other_officer, reason="Olivia has left"
    )

    assert moved == 3
    assert set(Case.objects.filter(officer=other_officer)) == set(mine)
    closed.refresh_from_db()
    assert closed.officer == officer  # a closed case stays where it was
    assert {Deadline.objects.get(pk=c.pk).officer for c in clocks} == {other_officer}
    for case in mine:
        event = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.OFFICER_ASSIGNED).get()
        assert event.description == "Assigned to Owen Other: Olivia has left"
        assert event.actor == manager
        assert event.data["reason"] == "Olivia has left"
    assert LogEntry.objects.get_for_objects(Case.objects.filter(pk__in=[c.pk for c in mine])).count() >= 3


def test_reassigning_needs_a_reason_and_someone_who_can_hold_cases_and_changes_nothing_otherwise(
    officer, other_officer, manager, mediator_user
):
    case = CaseFactory(officer=officer)
    for target, reason, field in ((other_officer, "   ", "reason"), (mediator_user, "Rebalancing", "to_officer")):
        with pytest.raises(ValidationError) as refused:
            team_services.cases_reassign(
                actor=manager, cases=Case.objects.filter(pk=case.pk), officer=target, reason=reason
            )
        assert field in refused.value.message_dict
    case.refresh_from_db()
    assert case.officer == officer
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.OFFICER_ASSIGNED).exists()


def test_only_managers_reassign_in_bulk(officer, other_officer):
    case = CaseFactory(officer=officer)
    with pytest.raises(PermissionDenied):
        team_services.cases_reassign(
            actor=officer, cases=Case.objects.filter(pk=case.pk), officer=other_officer, reason="Mine now"
        )


def test_the_reassign_page_moves_all_of_an_officers_cases(client_for, officer, other_officer, manager):
    cases = [CaseFactory(officer=officer, child_first_name="Amara") for _ in range(2)]
    c = client_for(manager)
    url = reverse("cases:reassign") + f"?from_officer={officer.pk}"
    page = c.get(url).content.decode()
    assert "All their open cases (2)" in page
    assert cases[0].reference in page

    response = c.post(url, {"which": "all", "to_officer": other_officer.pk, "reason": "Long-term leave"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list") + f"?officer={other_officer.pk}"
    assert Case.objects.filter(officer=other_officer).count() == 2
    followed = c.get(response["Location"]).content.decode()
    assert "2 cases moved from Olivia Officer to Owen Other." in followed


def test_the_reassign_page_moves_only_the_ticked_cases(client_for, officer, other_officer, manager):
    first, second = CaseFactory(officer=officer), CaseFactory(officer=officer)
    c = client_for(manager)
    url = reverse("cases:reassign") + f"?from_officer={officer.pk}"
    c.post(url, {"which": "chosen", "cases": [second.pk], "to_officer": other_officer.pk, "reason": "Balance"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.officer, second.officer) == (officer, other_officer)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"which": "chosen", "reason": "Balance"}, "Tick at least one case, or choose all their open cases."),
        ({"which": "all", "reason": ""}, "Enter why the cases are moving."),
        ({"which": "all", "reason": "Balance", "to_officer": ""}, "Choose who the cases are moving to."),
        ({"which": "all", "reason": "Balance", "to_officer": "999999"}, "Choose an officer from the list."),
    ],
)
def test_the_reassign_page_explains_what_is_wrong_and_moves_nothing(
    client_for, officer, other_officer, manager, data, message
):
    case = CaseFactory(officer=officer)
    data = {"to_officer": other_officer.pk, **data}
    response = client_for(manager).post(reverse("cases:reassign") + f"?from_officer={officer.pk}", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    case.refresh_from_db()
    assert case.officer == officer


def test_a_case_of_another_officer_cannot_be_slipped_into_the_ticked_ones(client_for, officer, other_officer, manager):
    theirs = CaseFactory(officer=other_officer)
    mine = CaseFactory(officer=officer)
    response = client_for(manager).post(
        reverse("cases:reassign") + f"?from_officer={officer.pk}",
        {"which": "chosen", "cases": [theirs.pk, mine.pk], "to_officer": manager.pk, "reason": "Balance"},
    )
    assert "no longer open or no longer theirs" in response.content.decode()
    assert Case.objects.get(pk=theirs.pk).officer == other_officer
    assert Case.objects.get(pk=mine.pk).officer == officer


def test_team_pages_are_for_managers_only(client_for, officer, mediator_user):
    for user in (officer, mediator_user):
        c = client_for(user)
        assert c.get(reverse("cases:reassign")).status_code == 403
        assert c.get(reverse("cases:cover")).status_code == 403
    assert client_for(None).get(reverse("cases:cover")).status_code == 302


def test_the_reassign_page_lists_a_bounded_number_of_cases_whatever_the_caseload(
    client_for, officer, manager, django_assert_max_num_queries
):
    CaseFactory.create_batch(3, officer=officer)
    c = client_for(manager)
    url = reverse("cases:reassign") + f"?from_officer={officer.pk}"
    with django_assert_max_num_queries(20) as few:
        c.get(url)
    CaseFactory.create_batch(12, officer=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


# --- Absence cover -------------------------------------------------------------------------------------------


def add_cover(manager, officer, colleague, starts_on=TODAY, ends_on=date(2026, 6, 26), reason="Annual leave"):
    return team_services.cover_add(
        actor=manager,
        officer=officer,
        colleague=colleague,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field", "message"),
    [
        (date(2026, 6, 20), date(2026, 6, 19), "ends_on", "same as or after the first day"),
        (date(2026, 6, 1), date(2026, 6, 16), "ends_on", "today or later"),
        (date(2026, 6, 17), date(2027, 6, 30), "ends_on", "at most a year"),
    ],
)
def test_cover_dates_must_make_sense(officer, other_officer, manager, starts_on, ends_on, field, message):
    with pytest.raises(ValidationError) as refused:
        add_cover(manager, officer, other_officer, starts_on, ends_on)
    assert message in refused.value.message_dict[field][0]
    assert not Cover.objects.exists()


def test_one_cover_at_a_time_and_nobody_covers_while_away(officer, other_officer, manager):
    add_cover(manager, officer, other_officer)
    with pytest.raises(ValidationError, match="already has cover"):
        add_cover(manager, officer, manager, date(2026, 6, 25), date(2026, 7, 3))
    with pytest.raises(ValidationError, match="is away themselves"):
        add_cover(manager, other_officer, officer, date(2026, 6, 20), date(2026, 6, 21))
    with pytest.raises(ValidationError, match="covering for someone else"):
        add_cover(manager, other_officer, manager, date(2026, 6, 20), date(2026, 6, 21))
    with pytest.raises(ValidationError, match="other than the officer"):
        add_cover(manager, officer, officer, date(2026, 7, 1), date(2026, 7, 2))
    assert Cover.objects.count() == 1
    # After the first cover ends, another may follow.
    add_cover(manager, officer, manager, date(2026, 6, 27), date(2026, 7, 3))


def test_the_colleague_covering_sees_the_absent_officers_clocks_on_my_work_and_deadlines(
    client_for, officer, other_officer, manager
):
    case = CaseFactory(officer=officer, reference="SEND-2026-00777")
    open_clock(case)
    c = client_for(other_officer)
    assert c.get(reverse("deadlines") + f"?officer={officer.pk}").status_code == 200
    assert "SEND-2026-00777" not in c.get(reverse("deadlines") + f"?officer={officer.pk}").content.decode()

    add_cover(manager, officer, other_officer)

    my_work = c.get(reverse("dashboards:my_work")).content.decode()
    assert "Covering for colleagues" in my_work
    assert "Olivia Officer's clocks</a> (until Friday 26 June 2026): 1 overdue" in my_work
    deadlines = c.get(reverse("deadlines") + f"?officer={officer.pk}").content.decode()
    assert "SEND-2026-00777" in deadlines
    assert "SEND-2026-00777" not in c.get(reverse("deadlines")).content.decode()  # their own, by default


def test_the_cover_page_sets_up_lists_and_ends_cover(client_for, officer, other_officer, manager):
    c = client_for(manager)
    response = c.post(
        reverse("cases:cover"),
        {
            "officer": officer.pk,
            "colleague": other_officer.pk,
            "starts_on": "2026-06-17",
            "ends_on": "2026-06-26",
            "reason": "Annual leave",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Owen Other covers Olivia Officer&#x27;s work from 17 June 2026 to 26 June 2026." in page
    assert "In force" in page and "Annual leave" in page
    cover = Cover.objects.get()
    assert LogEntry.objects.get_for_object(cover).get().actor == manager  # the audit log says who set it up

    page = c.post(reverse("cases:cover_end", args=[cover.pk]), follow=True).content.decode()
    assert "Cover for Olivia Officer ended." in page
    cover.refresh_from_db()
    assert cover.ended_early_by == manager
    assert "ended early on" in page
    again = c.post(reverse("cases:cover_end", args=[cover.pk]), follow=True).content.decode()
    assert "This cover has already ended." in again


def test_the_cover_form_names_what_is_missing_and_saves_nothing(client_for, manager):
    page = client_for(manager).post(reverse("cases:cover"), {}).content.decode()
    for message in ("Choose who is away.", "Choose who covers their work.", "Enter the first day of cover."):
        assert message in page
    assert not Cover.objects.exists()


def test_ending_an_unknown_cover_is_a_404_and_needs_a_post(client_for, manager):
    c = client_for(manager)
    assert c.post(reverse("cases:cover_end", args=[999999])).status_code == 404
    assert c.get(reverse("cases:cover_end", args=[999999])).status_code == 405


# --- Workload figures link to their lists ---------------------------------------------------------------------


def test_workload_figures_link_to_the_lists_they_count(client_for, officer, manager):
    case = CaseFactory(officer=officer)
    open_clock(case)
    page = client_for(manager).get(reverse("dashboards:management")).content.decode()
    assert f'href="/cases/?officer={officer.pk}&amp;status=intake&amp;status=triaged' in page
    assert f'href="/deadlines/?officer={officer.pk}&amp;group=overdue"' in page
    assert 'href="/cases/?officer=unassigned&amp;status=intake' in page
    assert reverse("cases:reassign") in page and reverse("cases:cover") in page
