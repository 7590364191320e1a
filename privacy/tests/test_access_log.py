"""The DPO's access log: a case's views, changes and exports from the audit log and the timeline, a person's
entries, the date and action filters, the streamed CSV, and a page cost that does not grow with the log."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import CaseFactory
from privacy import access_log
from privacy.tests.builders import full_case
from referrals.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 8))]


def _at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def case(officer):
    with _at(date(2026, 11, 1)):
        return CaseFactory(reference="SEND-2026-00777", officer=officer, status="triaged")


@pytest.fixture
def history(client_for, case, officer, manager, other_officer):
    """A case looked at, changed and exported by three people on three days."""
    with _at(date(2026, 11, 2)):
        client_for(officer).get(case.get_absolute_url())
    with _at(date(2026, 11, 9)):
        client_for(other_officer).post(
            reverse("cases:note_add", args=[case.pk]), {"text": "Phoned the school", "visibility": "internal"}
        )
        client_for(other_officer).get(case.get_absolute_url())
    with _at(date(2026, 11, 16)):
        export = client_for(manager).get(reverse("dashboards:export_cases"), {"status": "triaged"})
        b"".join(export.streaming_content)  # the timeline entries are written as the rows are sent
    with _at(date(2026, 11, 16)):
        other = CaseFactory()
        client_for(officer).get(other.get_absolute_url())
    return other


def _rows(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return response, list(response.context["page"].object_list)


def test_case_log_lists_views_changes_and_exports_newest_first(client_for, data_protection_officer, case, history):
    response, rows = _rows(client_for(data_protection_officer), reverse("privacy:access_log_case", args=[case.pk]))
    summary = [(r.when.date().isoformat(), r.who, r.action, r.what) for r in rows]
    assert summary == [
        ("2026-11-16", "Maya Manager", "Exported", "Case"),
        ("2026-11-09", "Owen Other", "Viewed", "Case"),
        ("2026-11-09", "Owen Other", "Created", f"Case note {case.notes.get().pk}"),
        ("2026-11-02", "Olivia Officer", "Viewed", "Case"),
        ("2026-11-01", "The portal itself", "Created", "Case"),  # made by a factory: no one signed in
    ]
    assert rows[0].detail == "Included in a case list export by Maya Manager"
    page = response.content.decode()
    assert "Access log of case SEND-2026-00777" in page and "(5)" in page
    assert "Mon 9 Nov 2026" in page


def test_case_log_filters_by_date_and_action(client_for, data_protection_officer, case, history):
    client = client_for(data_protection_officer)
    url = reverse("privacy:access_log_case", args=[case.pk])
    _, rows = _rows(client, url, date_from="2026-11-05", date_to="2026-11-09")
    assert [(r.who, r.action) for r in rows] == [("Owen Other", "Viewed"), ("Owen Other", "Created")]
    _, rows = _rows(client, url, what="viewed")
    assert [r.who for r in rows] == ["Owen Other", "Olivia Officer"]
    _, rows = _rows(client, url, what="exported")
    assert [r.who for r in rows] == ["Maya Manager"]
    _, rows = _rows(client, url, what="changed")
    assert [(r.action, r.what.rstrip("0123456789 ")) for r in rows] == [("Created", "Case note"), ("Created", "Case")]


def test_case_log_shows_field_names_changed_never_the_values(client_for, data_protection_officer, officer):
    case = full_case(closed_on=None, born=date(2016, 5, 14), status="triaged", actor=officer)
    _, rows = _rows(
        client_for(data_protection_officer), reverse("privacy:access_log_case", args=[case.pk]), what="changed"
    )
    changed = [r for r in rows if r.action == "Changed" and r.what == "Case"]
    assert [r.detail for r in changed] == ["Fields: address"]
    assert "Larkspur" not in "".join(f"{r.detail}{r.what}" for r in rows)


def test_bad_filters_show_errors_and_keep_the_log(client_for, data_protection_officer, case, history):
    response = client_for(data_protection_officer).get(
        reverse("privacy:access_log_case", args=[case.pk]),
        {"date_from": "2026-11-30", "date_to": "2026-11-01", "what": "burgled"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Access log of case" in page
    assert "The end date must be the same as or after the start date." in page
    assert "Choose what happened from the list." in page
    assert len(response.context["page"].object_list) == 5  # unfiltered, rather than nothing


def test_person_log_shows_what_they_did_on_which_case(client_for, data_protection_officer, case, officer, history):
    response, rows = _rows(client_for(data_protection_officer), reverse("privacy:access_log_person", args=[officer.pk]))
    assert [(r.action, r.case_reference) for r in rows] == [("Viewed", history.reference), ("Viewed", case.reference)]
    page = response.content.decode()
    assert f'href="{reverse("privacy:access_log_case", args=[case.pk])}"' in page
    assert "<title>Access log of a member of staff" in page and "Olivia" not in page.split("</title>")[0]


def test_person_log_lists_a_case_list_export_as_one_entry(client_for, data_protection_officer, manager, history):
    _, rows = _rows(client_for(data_protection_officer), reverse("privacy:access_log_person", args=[manager.pk]))
    assert [(r.action, r.what, r.detail) for r in rows] == [("Exported", "Export", "Case list export: 1 cases")]


def test_choosing_a_person_goes_to_their_log_by_id(client_for, data_protection_officer, officer):
    response = client_for(data_protection_officer).get(reverse("privacy:access_log_people"), {"person": officer.pk})
    assert response["Location"] == reverse("privacy:access_log_person", args=[officer.pk])
    response = client_for(data_protection_officer).get(reverse("privacy:access_log_people"), {"person": "999999"})
    assert response.status_code == 400 and "Choose a member of staff from the list." in response.content.decode()


def test_case_log_csv_is_streamed_filtered_neutralised_and_logged(client_for, data_protection_officer, case, history):
    sneaky = UserFactory(first_name='=HYPERLINK("http://evil.example","x")', last_name="", username="sneaky")
    with _at(date(2026, 11, 20)):
        client_for(sneaky).force_login(sneaky)
        from auditlog.context import set_actor
        from auditlog.signals import accessed

        with set_actor(sneaky):
            accessed.send(sender=Case, instance=case)
    response = client_for(data_protection_officer).get(
        reverse("privacy:access_log_case_csv", args=[case.pk]), {"date_from": "2026-11-09"}
    )
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="access-log-case-{case.pk}-2026-12-08.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == access_log.CSV_HEADER
    assert [row[3] for row in rows[1:]] == ["Viewed", "Exported", "Viewed", "Created"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[2][0] == "2026-11-16 10:00:00" and rows[2][5] == case.reference
    entry = LogEntry.objects.get(additional_data__export="access_log")
    assert entry.actor == data_protection_officer and entry.additional_data["case"] == case.pk
    assert entry.additional_data["date_from"] == "2026-11-09"


def test_person_log_csv(client_for, data_protection_officer, officer, case, history):
    response = client_for(data_protection_officer).get(reverse("privacy:access_log_person_csv", args=[officer.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [(row[3], row[5]) for row in rows[1:]] == [("Viewed", history.reference), ("Viewed", case.reference)]


def _views(case, actor, n):
    """n audit entries of `actor` viewing `case`, written in one go (as the case page writes them one by one)."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Case)
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(case.pk),
                object_id=case.pk,
                object_repr=case.reference,
                action=LogEntry.Action.ACCESS,
                actor=actor,
            )
            for _ in range(n)
        ]
    )


def test_case_log_page_costs_the_same_queries_however_long_the_log(
    client_for, data_protection_officer, case, officer, django_assert_max_num_queries
):
    _views(case, officer, 1)
    url = reverse("privacy:access_log_case", args=[case.pk])
    dpo = client_for(data_protection_officer)
    dpo.get(url)  # content types cached
    with django_assert_max_num_queries(30) as small:
        dpo.get(url)
    _views(case, officer, 120)
    client = client_for(officer)
    for n in range(3):
        client.post(reverse("cases:note_add", args=[case.pk]), {"text": f"Note {n}", "visibility": "internal"})
    dpo = client_for(data_protection_officer)
    with django_assert_max_num_queries(30) as large:
        response = dpo.get(url)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 1 + 1 + 120 + 3
    assert len(large.captured_queries) == len(small.captured_queries)


def test_person_log_page_costs_the_same_queries_however_long_the_log(
    client_for, data_protection_officer, officer, django_assert_max_num_queries
):
    cases = [CaseFactory() for _ in range(3)]
    _views(cases[0], officer, 1)
    url = reverse("privacy:access_log_person", args=[officer.pk])
    dpo = client_for(data_protection_officer)
    dpo.get(url)
    with django_assert_max_num_queries(30) as small:
        dpo.get(url)
    for case in cases:
        _views(case, officer, 40)
    with django_assert_max_num_queries(30) as large:
        response = dpo.get(url)
    assert {r.case_reference for r in response.context["page"].object_list} >= {cases[1].reference, cases[2].reference}
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_persons_log_is_read_in_order_from_the_person_time_and_id_index(officer):
    from sendportal.testing.plans import query_plan

    _views(CaseFactory(), officer, 3)
    sql, params = access_log.PersonLog(officer).ordered()[:50].query.sql_with_params()
    if connection.vendor == "postgresql":
        # Three rows cost the same sorted or not, so PostgreSQL may take auditlog's own actor index and sort. The
        # question is whether the log *can* be read in its order from the (person, time, id) index: sorting is
        # made dear for this test's transaction, as sequential scans are by query_plan.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
    plan = query_plan(sql, params)
    assert "privacy_logentry_actor_time_id_idx" in plan, plan
    # The index holds the whole order (newest first, ties by id): the log itself is not sorted. (The subqueries
    # that find each entry's case come after it in the plan and sort their own few rows.)
    log = plan.split("SubPlan")[0].split("CORRELATED SCALAR SUBQUERY")[0]
    assert "Sort" not in log and "TEMP B-TREE" not in log, plan
