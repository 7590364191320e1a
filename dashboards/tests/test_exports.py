"""CSV exports: exactly the filtered case list, formula injection neutralised, streamed, logged, rate limited."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.models import Status as CaseStatus
from dashboards import exports
from dashboards.tests import builders as b
from referrals.models import Referral

pytestmark = pytest.mark.django_db
NOW = "2026-05-20 12:00:00+00:00"


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(exports.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(exports.BOM))))


def references_on_list_page(client, query: str) -> list[str]:
    content = client.get(f"{reverse('cases:list')}?{query}").content.decode()
    return re.findall(r'<th scope="row"><a href="/cases/\d+/">([^<]+)</a></th>', content)


def search_token(client, term: str, keep: str) -> str:
    response = client.post(reverse("cases:list"), {"q": term, "keep": keep})
    return re.search(r"[?&]s=([^&]+)", response["Location"]).group(1)


# --- Formula injection (security.md item 6) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("Zoë", "Zoë"),
        ("O'Brien-Smith", "O'Brien-Smith"),
    ],
)
def test_cells_that_could_run_as_formulas_come_out_as_text(client_for, manager, name, expected):
    b.case(child_first_name=name, child_last_name="Doe")
    rows = rows_of(client_for(manager).get(reverse("dashboards:export_cases")))
    assert rows[1][1] == expected


def test_every_text_column_is_neutralised_not_just_names(client_for, manager, django_user_model):
    officer = django_user_model.objects.create_user("evil", first_name="=cmd|' /C calc'!A0", last_name="")
    b.case(officer=officer, next_deadline_title="@evil", next_deadline_on=date(2026, 6, 1))
    row = rows_of(client_for(manager).get(reverse("dashboards:export_cases")))[1]
    assert row[10].startswith("'=cmd")
    assert row[7] == "'@evil"


def test_neutralise_leaves_numbers_and_ordinary_text_alone():
    assert exports.neutralise(-2) == -2
    assert exports.neutralise("2026-05-20") == "2026-05-20"
    assert exports.neutralise("") == ""
    assert exports.neutralise("-") == "'-"


# --- Exactly the filtered list --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_case_export_is_exactly_the_filtered_searched_and_sorted_case_list(client_for, manager, officer, other_officer):
    for first, last, status, who in [
        ("Amy", "Smith", CaseStatus.INTAKE, officer),
        ("Ben", "Smith", CaseStatus.INTAKE, officer),
        ("Cat", "Smithson", CaseStatus.INTAKE, officer),
        ("Dan", "Smith", CaseStatus.TRIAGED, officer),  # other status
        ("Eve", "Smith", CaseStatus.INTAKE, other_officer),  # other officer
        ("Fay", "Jones", CaseStatus.INTAKE, officer),  # not found by the search
    ]:
        b.case(child_first_name=first, child_last_name=last, status=status, officer=who)
    c = client_for(manager)
    keep = f"status=intake&officer={officer.pk}&sort=-child"
    query = f"{keep}&s={search_token(c, 'Smith', keep)}"

    rows = rows_of(c.get(f"{reverse('dashboards:export_cases')}?{query}"))

    exported = [row[0] for row in rows[1:]]
    assert exported == references_on_list_page(c, query)
    assert [row[1] for row in rows[1:]] == ["Cat", "Ben", "Amy"]  # Smithson, Smith, Smith: sorted by child, desc
    assert rows[0] == exports.CASE_HEADER


@time_machine.travel(NOW, tick=False)
def test_case_export_without_filters_is_every_case_in_the_default_order(client_for, manager):
    for _ in range(3):
        b.case()
    c = client_for(manager)
    exported = [row[0] for row in rows_of(c.get(reverse("dashboards:export_cases")))[1:]]
    assert exported == references_on_list_page(c, "")
    assert len(exported) == 3


def test_export_spans_every_page_and_batch(client_for, manager, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    cases = [b.case() for _ in range(30)]  # more than a page of 25, and ten batches
    rows = rows_of(client_for(manager).get(reverse("dashboards:export_cases")))
    assert sorted(row[0] for row in rows[1:]) == sorted(c.reference for c in cases)
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).count() == 30


def test_case_list_filters_with_a_problem_export_nothing(client_for, manager):
    b.case()
    response = client_for(manager).get(
        reverse("dashboards:export_cases"), {"decision_from": "2026-03-01", "decision_to": "2026-02-01"}
    )
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()
    assert not LogEntry.objects.filter(additional_data__has_key="export").exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).exists()


# --- Streamed and logged ---------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_case_export_is_streamed_as_an_attachment_and_logged(client_for, manager, officer):
    exported = [b.case(status=CaseStatus.INTAKE) for _ in range(2)]
    left_out = b.case(status=CaseStatus.TRIAGED)

    response = client_for(manager).get(reverse("dashboards:export_cases"), {"status": "intake"})

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cases-2026-05-20.csv"'
    assert len(rows_of(response)) == 3
    entry = LogEntry.objects.get(additional_data__export="cases")
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.actor == manager
    assert entry.content_type.model_class() is Case
    assert entry.additional_data["rows"] == 2
    assert entry.additional_data["filters"] == {"status": ["intake"]}
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED)
    assert sorted(events.values_list("case_id", flat=True)) == sorted(c.pk for c in exported)
    assert {e.description for e in events} == {"Included in a case list export by Maya Manager"}
    assert {e.actor_id for e in events} == {manager.pk}
    assert {e.data["audit_entry"] for e in events} == {entry.pk}
    assert not left_out.events.filter(kind=CaseEvent.Kind.EXPORTED).exists()


def test_search_term_is_not_written_to_the_audit_entry(client_for, manager):
    b.case(child_last_name="Smith")
    c = client_for(manager)
    token = search_token(c, "Smith", "")
    c.get(reverse("dashboards:export_cases"), {"s": token})
    entry = LogEntry.objects.get(additional_data__export="cases")
    assert entry.additional_data["searched"] is True
    assert "Smith" not in str(entry.additional_data)


def test_export_query_count_does_not_grow_with_rows(client_for, manager, django_assert_max_num_queries):
    """Constant within a batch: each further CHUNK_SIZE rows adds one fetch and one insert of timeline events."""
    c = client_for(manager)
    for _ in range(5):
        b.case()
    with django_assert_max_num_queries(16) as small:
        rows_of(c.get(reverse("dashboards:export_cases")))
    for _ in range(45):
        b.case()
    with django_assert_max_num_queries(16) as large:
        rows_of(c.get(reverse("dashboards:export_cases")))
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Rate limit (security.md item 10) --------------------------------------------------------------------------


def test_eleventh_export_in_an_hour_is_refused_with_a_clear_message(client_for, manager):
    b.case()
    with time_machine.travel("2026-05-20 09:00:00+00:00", tick=False) as traveller:
        c = client_for(manager)
        for i in range(exports.EXPORTS_PER_HOUR):
            url = reverse("dashboards:export_sen2") if i % 2 else reverse("dashboards:export_cases")
            assert c.get(url).status_code == 200
            traveller.shift(timedelta(minutes=1))
        refused = c.get(reverse("dashboards:export_cases"))
        assert refused.status_code == 429
        content = refused.content.decode()
        assert "You have made 10 exports in the last hour, the most allowed." in content
        assert "You can export again from 11:00." in content  # first export 09:00 UTC = 10:00 BST, plus an hour
        assert int(refused["Retry-After"]) == 60 * 50
        assert c.get(reverse("dashboards:export_sen2")).status_code == 429
        assert LogEntry.objects.filter(additional_data__has_key="export").count() == 10
        traveller.shift(timedelta(minutes=51))
        c = client_for(manager)  # signed in again: the session idled out meanwhile
        assert c.get(reverse("dashboards:export_cases")).status_code == 200


def test_the_limit_is_per_person(client_for, manager, django_user_model):
    from cases import permissions
    from conftest import make_user

    other = make_user(django_user_model, "mia_manager", permissions.MANAGER)
    for _ in range(exports.EXPORTS_PER_HOUR):
        exports.log_export(user=manager, model=Case, description="earlier", details={"export": "cases"})
    assert client_for(manager).get(reverse("dashboards:export_cases")).status_code == 429
    assert client_for(other).get(reverse("dashboards:export_cases")).status_code == 200


@pytest.mark.parametrize("user", ["officer", "mediator_user"])
@pytest.mark.parametrize("name", ["dashboards:export_cases", "dashboards:export_sen2"])
def test_exports_by_a_non_manager_are_forbidden_and_write_nothing(client_for, request, user, name):
    b.case()
    assert client_for(request.getfixturevalue(user)).get(reverse(name)).status_code == 403
    assert not LogEntry.objects.filter(additional_data__has_key="export").exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).exists()


# --- SEN2 figures ----------------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_sen2_export_has_the_hand_worked_figures_for_the_year(client_for, manager):
    for i in range(3):
        ref = b.referral(referred_on=date(2026, 1, 5), status=Referral.Status.HELD)
        b.session(ref, date(2026, 2, 1 + i))
        if i == 0:
            b.appeal(ref.case, date(2026, 4, 1))
    old = b.referral(referred_on=date(2025, 3, 1))
    b.session(old, date(2025, 4, 1))

    response = client_for(manager).get(reverse("dashboards:export_sen2"), {"year": "2026"})

    rows = rows_of(response)
    assert response["Content-Disposition"] == 'attachment; filename="sen2-mediation-2026.csv"'
    by_measure = {(row[0], row[1]): row[3] for row in rows[1:] if row[1]}
    assert by_measure[("Calendar year 2026", "4862")] == "3"
    assert by_measure[("Calendar year 2026", "4863")] == "1"
    assert by_measure[("Calendar year 2026", "4864")] == "33.3"
    assert ["Calendar year 2026", "", "As text", "1 of 3: 33.3%"] in rows
    assert ("Academic year 2025/26", "4862") in by_measure
    entry = LogEntry.objects.get(additional_data__export="sen2")
    assert (entry.action, entry.actor, entry.additional_data["year"]) == (LogEntry.Action.ACCESS, manager, 2026)
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.EXPORTED).exists()  # figures name no case


@pytest.mark.parametrize("year", ["1999", "2099", "abc", "2026.5"])
@time_machine.travel(NOW, tick=False)
def test_sen2_export_for_a_bad_year_says_so_and_exports_nothing(client_for, manager, year):
    response = client_for(manager).get(reverse("dashboards:export_sen2"), {"year": year})
    assert response.status_code == 400
    assert "Choose a year from 2014 to 2026." in response.content.decode()
    assert not LogEntry.objects.filter(additional_data__has_key="export").exists()


# --- Export history: each export once, not on each case's timeline ----------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_each_export_is_one_line_of_the_history_and_not_on_the_case_timeline(client_for, manager):
    cases = [b.case(status=CaseStatus.INTAKE) for _ in range(3)]
    c = client_for(manager)
    rows_of(c.get(reverse("dashboards:export_cases"), {"status": "intake", "q": "Smith"}))
    rows_of(c.get(reverse("dashboards:export_sen2"), {"year": "2026"}))

    page = c.get(reverse("dashboards:export_history")).content.decode()
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    assert body.count("<tr>") == 2
    assert body.index("SEN2 figures (CSV)") < body.index("Case list (CSV)")  # newest first
    assert "Case list export: 3 cases" in body
    assert "status: intake" in body
    assert "Maya Manager" in body
    assert "Smith" not in page  # a search term is never shown or stored

    timeline = c.get(reverse("cases:detail", args=[cases[0].pk])).content.decode()
    assert "Included in a case list export" not in timeline
    # The per-case record stays for the DPO's access log.
    assert CaseEvent.objects.filter(case=cases[0], kind=CaseEvent.Kind.EXPORTED).count() == 1


@pytest.mark.parametrize("user", ["officer", "mediator_user"])
def test_export_history_is_for_managers_only(client_for, request, user):
    assert client_for(request.getfixturevalue(user)).get(reverse("dashboards:export_history")).status_code == 403


def test_export_history_query_count_does_not_grow_with_exports(client_for, manager):
    c = client_for(manager)
    for _ in range(3):
        rows_of(c.get(reverse("dashboards:export_sen2"), {"year": "2026"}))
    with CaptureQueriesContext(connection) as few:
        c.get(reverse("dashboards:export_history"))
    for _ in range(5):
        rows_of(c.get(reverse("dashboards:export_sen2"), {"year": "2025"}))
    with CaptureQueriesContext(connection) as more:
        response = c.get(reverse("dashboards:export_history"))
    assert response.content.decode().count("SEN2 figures (CSV)") == 8
    assert 0 < len(more) == len(few)
