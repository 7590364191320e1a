"""Loading the GOV.UK bank holidays file into the extra non-working days.

GOV.UK publishes the UK bank holidays as JSON, one division per part of the UK:
``{"england-and-wales": {"division": ..., "events": [{"title": ..., "date": "2026-12-25", ...}]}, ...}``.
A newly proclaimed bank holiday can appear there before the ``holidays`` package knows it; importing the
file adds such days to the admin table of extra non-working days (docs/rules.md §8 D1).

``parse_govuk_bank_holidays`` is pure (text in, dates out, ValueError with the reason on a bad file);
``bank_holidays_import`` writes, in one transaction, only the days the working calendar does not already know.
"""

from __future__ import annotations

import json
import re
from datetime import date

from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import transaction

from .deadlines import EnglandBankHolidaysPlus
from .models import NonWorkingDay

DIVISION = "england-and-wales"  # England and Wales share one set of bank holidays; Scotland and NI differ
TITLE_MAX_LENGTH = NonWorkingDay._meta.get_field("title").max_length
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_govuk_bank_holidays(text: str) -> list[tuple[date, str]]:
    """The England and Wales events of a GOV.UK bank holidays file as (date, title), sorted by date.

    Raises ValueError saying what is wrong: not JSON, no "england-and-wales" division or no "events" list,
    or an event without a title or an ISO date (YYYY-MM-DD). A date listed twice is kept once, with the
    first title given for it. The other divisions are ignored.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"The file is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}).") from None
    if not isinstance(data, dict) or not isinstance(data.get(DIVISION), dict):
        raise ValueError(f'The file has no "{DIVISION}" section: is it the GOV.UK bank holidays file?')
    events = data[DIVISION].get("events")
    if not isinstance(events, list):
        raise ValueError(f'The "{DIVISION}" section has no "events" list.')
    found: dict[date, str] = {}
    for number, event in enumerate(events, start=1):
        where = f"Event {number} in {DIVISION}"
        if not isinstance(event, dict):
            raise ValueError(f"{where} is not an object with a title and a date.")
        day = _event_date(event.get("date"), where)
        title = event.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError(f"{where} ({day.isoformat()}) has no title.")
        title = title.strip()
        if len(title) > TITLE_MAX_LENGTH:
            raise ValueError(f"{where} ({day.isoformat()}) has a title longer than {TITLE_MAX_LENGTH} characters.")
        found.setdefault(day, title)
    return sorted(found.items())


def _event_date(value: object, where: str) -> date:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} has no date.")
    # date.fromisoformat also takes forms such as 20261225 or 2026-W52-5; GOV.UK always writes YYYY-MM-DD.
    if not _ISO_DATE.match(value):
        raise ValueError(f'{where} has the date "{value[:40]}", which is not in the form YYYY-MM-DD.')
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'{where} has the date "{value}", which does not exist.') from None


def _known_to_the_package(day: date, calendar: EnglandBankHolidaysPlus) -> bool:
    try:
        return day in calendar
    except ValueError:  # a year the holidays package does not cover: it cannot already know the day
        return False


@transaction.atomic
def bank_holidays_import(entries: list[tuple[date, str]]) -> tuple[list[NonWorkingDay], list[tuple[date, str]]]:
    """Add the days not already known as extra non-working days; return (added rows, skipped entries).

    Already known: an England and Wales bank holiday in the ``holidays`` package, or a row in the extra
    non-working days table (an inactive row counts: someone switched that day off on purpose, and the
    import does not switch it back on). One transaction: all of the new days are added, or none.
    """
    days = {day for day, _ in entries}
    in_table = set(NonWorkingDay.objects.filter(day__in=days).values_list("day", flat=True))
    package = EnglandBankHolidaysPlus()
    to_add: list[NonWorkingDay] = []
    skipped: list[tuple[date, str]] = []
    seen: set[date] = set()
    for day, title in sorted(entries):
        if day in seen or day in in_table or _known_to_the_package(day, package):
            skipped.append((day, title))
            continue
        seen.add(day)
        to_add.append(NonWorkingDay(day=day, title=title[:TITLE_MAX_LENGTH]))
    added = NonWorkingDay.objects.bulk_create(to_add)
    # bulk_create sends no signals, so record the reference-data change in the audit log explicitly.
    for row in added:
        LogEntry.objects.log_create(row, action=LogEntry.Action.CREATE, changes=model_instance_diff(None, row))
    return added, skipped
