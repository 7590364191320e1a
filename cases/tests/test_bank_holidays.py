"""Importing the GOV.UK bank holidays file: parsing (pure), the import service and the command."""

import json
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from cases.bank_holidays import bank_holidays_import, parse_govuk_bank_holidays
from cases.models import NonWorkingDay


def govuk_file(events, *, division="england-and-wales"):
    """A file shaped like the one GOV.UK publishes, with the other divisions alongside."""
    return json.dumps(
        {
            division: {"division": division, "events": events},
            "scotland": {
                "division": "scotland",
                "events": [{"title": "St Andrew's Day", "date": "2026-11-30", "notes": "", "bunting": True}],
            },
        }
    )


SAMPLE_EVENTS = [
    {"title": "Christmas Day", "date": "2026-12-25", "notes": "", "bunting": True},
    {"title": "Extra day", "date": "2027-06-07", "notes": "", "bunting": True},
]


@pytest.fixture
def sample_file(tmp_path):
    path = tmp_path / "bank-holidays.json"
    path.write_text(govuk_file(SAMPLE_EVENTS), encoding="utf-8")
    return path


def write(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    return path


# --- Parsing: pure, no database ----------------------------------------------------------------------------


def test_parse_reads_england_and_wales_events_only():
    assert parse_govuk_bank_holidays(govuk_file(SAMPLE_EVENTS)) == [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2027, 6, 7), "Extra day"),
    ]


def test_parse_sorts_by_date_and_keeps_the_first_title_of_a_repeated_date():
    events = [
        {"title": "Later", "date": "2027-06-08"},
        {"title": "Extra day", "date": "2027-06-07"},
        {"title": "Same day again", "date": "2027-06-07"},
    ]
    assert parse_govuk_bank_holidays(govuk_file(events)) == [
        (date(2027, 6, 7), "Extra day"),
        (date(2027, 6, 8), "Later"),
    ]


def test_parse_accepts_an_empty_events_list():
    assert parse_govuk_bank_holidays(govuk_file([])) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json at all", "The file is not valid JSON (Expecting value at line 1 column 1)."),
        ('{"england-and-wales": {"events": [}', "The file is not valid JSON"),
        ("[]", 'The file has no "england-and-wales" section'),
        (json.dumps({"scotland": {"events": []}}), 'The file has no "england-and-wales" section'),
        (json.dumps({"england-and-wales": []}), 'The file has no "england-and-wales" section'),
        (json.dumps({"england-and-wales": {"division": "england-and-wales"}}), 'has no "events" list'),
        (json.dumps({"england-and-wales": {"events": {}}}), 'has no "events" list'),
        (govuk_file(["2027-06-07"]), "Event 1 in england-and-wales is not an object with a title and a date."),
        (govuk_file([{"title": "No date"}]), "Event 1 in england-and-wales has no date."),
        (govuk_file([{"title": "Number", "date": 20270607}]), "Event 1 in england-and-wales has no date."),
        (
            govuk_file([SAMPLE_EVENTS[0], {"title": "British order", "date": "07/06/2027"}]),
            'Event 2 in england-and-wales has the date "07/06/2027", which is not in the form YYYY-MM-DD.',
        ),
        (
            govuk_file([{"title": "Basic ISO", "date": "20270607"}]),
            'has the date "20270607", which is not in the form YYYY-MM-DD.',
        ),
        (
            govuk_file([{"title": "No such day", "date": "2027-02-30"}]),
            'Event 1 in england-and-wales has the date "2027-02-30", which does not exist.',
        ),
        (govuk_file([{"date": "2027-06-07"}]), "Event 1 in england-and-wales (2027-06-07) has no title."),
        (govuk_file([{"title": "   ", "date": "2027-06-07"}]), "(2027-06-07) has no title."),
        (govuk_file([{"title": "x" * 201, "date": "2027-06-07"}]), "has a title longer than 200 characters."),
    ],
)
def test_parse_rejects_a_malformed_file_saying_why(text, message):
    with pytest.raises(ValueError) as excinfo:
        parse_govuk_bank_holidays(text)
    assert message in str(excinfo.value)


# --- The import service ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_adds_only_days_the_calendar_does_not_know():
    NonWorkingDay.objects.create(day=date(2027, 6, 8), title="Added by hand")
    NonWorkingDay.objects.create(day=date(2027, 6, 9), title="Switched off on purpose", active=False)
    entries = [
        (date(2026, 12, 25), "Christmas Day"),  # in the holidays package
        (date(2027, 6, 7), "Extra day"),
        (date(2027, 6, 8), "Already in the table"),
        (date(2027, 6, 9), "Inactive in the table"),
    ]

    added, skipped = bank_holidays_import(entries)

    assert [(row.day, row.title) for row in added] == [(date(2027, 6, 7), "Extra day")]
    assert [day for day, _ in skipped] == [date(2026, 12, 25), date(2027, 6, 8), date(2027, 6, 9)]
    assert NonWorkingDay.objects.get(day=date(2027, 6, 8)).title == "Added by hand"
    assert NonWorkingDay.objects.get(day=date(2027, 6, 9)).active is False
    assert NonWorkingDay.objects.count() == 3


@pytest.mark.django_db
def test_import_of_a_year_the_holidays_package_does_not_cover_adds_the_day():
    added, skipped = bank_holidays_import([(date(2101, 1, 3), "Far future")])
    assert [row.day for row in added] == [date(2101, 1, 3)]
    assert skipped == []


@pytest.mark.django_db
def test_import_is_recorded_in_the_audit_log():
    (row,), _ = bank_holidays_import([(date(2027, 6, 7), "Extra day")])
    entry = LogEntry.objects.get_for_object(row).get()
    assert entry.action == LogEntry.Action.CREATE
    assert "Extra day" in entry.object_repr


@pytest.mark.django_db
def test_import_twice_adds_nothing_the_second_time():
    entries = parse_govuk_bank_holidays(govuk_file(SAMPLE_EVENTS))
    first_added, _ = bank_holidays_import(entries)
    second_added, second_skipped = bank_holidays_import(entries)
    assert len(first_added) == 1
    assert second_added == []
    assert len(second_skipped) == 2
    assert NonWorkingDay.objects.count() == 1


# --- The command -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_a_govuk_file_and_reports_what_it_added(sample_file):
    out = StringIO()
    call_command("import_bank_holidays", str(sample_file), stdout=out)

    assert list(NonWorkingDay.objects.values_list("day", "title", "active")) == [(date(2027, 6, 7), "Extra day", True)]
    assert "Added Mon 7 Jun 2027: Extra day" in out.getvalue()
    assert "Added 1 non-working day; skipped 1 already known." in out.getvalue()
    assert "recompute_deadlines" in out.getvalue()


@pytest.mark.django_db
def test_command_run_again_adds_nothing(sample_file):
    call_command("import_bank_holidays", str(sample_file), stdout=StringIO())
    out = StringIO()
    call_command("import_bank_holidays", str(sample_file), stdout=out)
    assert NonWorkingDay.objects.count() == 1
    assert "Added 0 non-working days; skipped 2 already known." in out.getvalue()
    assert "recompute_deadlines" not in out.getvalue()


@pytest.mark.django_db
def test_command_reads_a_file_saved_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_text(govuk_file(SAMPLE_EVENTS), encoding="utf-8-sig")
    call_command("import_bank_holidays", str(path), stdout=StringIO())
    assert NonWorkingDay.objects.filter(day=date(2027, 6, 7)).exists()


@pytest.mark.django_db
def test_a_failed_import_changes_nothing(tmp_path):
    NonWorkingDay.objects.create(day=date(2027, 6, 8), title="Added by hand")
    # The first event is good; the second is bad, so even the good one must not be added.
    path = write(tmp_path, govuk_file([SAMPLE_EVENTS[1], {"title": "Broken", "date": "2027-13-01"}]))

    with pytest.raises(CommandError) as excinfo:
        call_command("import_bank_holidays", str(path), stdout=StringIO())

    assert 'Event 2 in england-and-wales has the date "2027-13-01", which does not exist.' in str(excinfo.value)
    assert "Nothing was imported." in str(excinfo.value)
    assert list(NonWorkingDay.objects.values_list("day", flat=True)) == [date(2027, 6, 8)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<html>Service unavailable</html>", "The file is not valid JSON"),
        (json.dumps({"scotland": {"events": []}}), 'no "england-and-wales" section'),
    ],
)
def test_command_names_the_problem_with_a_malformed_file(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(CommandError, match=message):
        call_command("import_bank_holidays", str(path), stdout=StringIO())
    assert NonWorkingDay.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_bank_holidays", str(tmp_path / "missing.json"), stdout=StringIO())
    assert NonWorkingDay.objects.count() == 0


@pytest.mark.django_db
def test_command_reports_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe\x00\x01not utf-8")
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_bank_holidays", str(path), stdout=StringIO())
