"""The management figures kept in the database (dashboards.figures): served while fresh, worked out again after,
one row per choice, and a write in one statement once a choice has been made before."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import figures
from dashboards.models import FiguresSnapshot

pytestmark = pytest.mark.django_db

NOON = "2026-11-20 12:00:00+00:00"


@pytest.fixture(autouse=True)
def five_minutes(settings):
    settings.DASHBOARD_FIGURES_SECONDS = 300


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"open_cases": self.calls, "when": timezone.localdate()}


def test_figures_are_worked_out_once_then_served_from_one_row_while_fresh():
    compute = Counter()
    with time_machine.travel(NOON, tick=False):
        with CaptureQueriesContext(connection) as first:
            data, at = figures.figures_for(("management", "year"), ("day", [1, 2]), compute)
        worked_out = timezone.now()
    assert data["open_cases"] == 1 and at == worked_out
    # the first time this choice is made: the read, an UPDATE that finds no row, the INSERT
    assert [q["sql"].split()[0] for q in first.captured_queries] == ["SELECT", "UPDATE", "INSERT"]
    with (
        time_machine.travel(worked_out + timedelta(minutes=4, seconds=59), tick=False),
        CaptureQueriesContext(connection) as again,
    ):
        data, at = figures.figures_for(("management", "year"), ("day", [1, 2]), compute)
    assert compute.calls == 1 and data["open_cases"] == 1 and at == worked_out
    assert len(again.captured_queries) == 1
    assert FiguresSnapshot.objects.count() == 1


def test_after_five_minutes_they_are_worked_out_again_and_overwrite_their_row_in_one_statement():
    compute = Counter()
    with time_machine.travel(NOON, tick=False):
        figures.figures_for("choice", "sig", compute)
    with time_machine.travel("2026-11-20 12:05:01+00:00", tick=False):
        with CaptureQueriesContext(connection) as later:
            data, at = figures.figures_for("choice", "sig", compute)
        assert at == timezone.now()
    assert compute.calls == 2 and data["open_cases"] == 2
    assert [q["sql"].split()[0] for q in later.captured_queries] == ["SELECT", "UPDATE"]
    assert FiguresSnapshot.objects.count() == 1
    assert FiguresSnapshot.objects.get().worked_out_at == at


def test_other_choices_and_other_signatures_are_not_served_each_others_figures():
    compute = Counter()
    with time_machine.travel(NOON, tick=False):
        figures.figures_for("this year", "monday", compute)
        other_choice, _ = figures.figures_for("last year", "monday", compute)
        next_day, _ = figures.figures_for("this year", "tuesday", compute)  # another day, or other officers
        served, _ = figures.figures_for("this year", "tuesday", compute)
    assert (other_choice["open_cases"], next_day["open_cases"], served["open_cases"]) == (2, 3, 3)
    assert FiguresSnapshot.objects.count() == 2  # one row per choice


def test_kept_figures_that_cannot_be_read_are_worked_out_again(caplog):
    compute = Counter()
    with time_machine.travel(NOON, tick=False):
        figures.figures_for("choice", "sig", compute)
        FiguresSnapshot.objects.update(figures=b"not a pickle")
        data, _ = figures.figures_for("choice", "sig", compute)
    assert data["open_cases"] == 2
    assert "could not be read" in caplog.text


def test_with_no_time_set_they_are_worked_out_on_every_request(settings):
    settings.DASHBOARD_FIGURES_SECONDS = 0
    compute = Counter()
    with time_machine.travel(NOON, tick=False):
        figures.figures_for("choice", "sig", compute)
        data, _ = figures.figures_for("choice", "sig", compute)
    assert data["open_cases"] == 2


def test_forget_all_drops_every_kept_figure():
    compute = Counter()
    figures.figures_for("a", "sig", compute)
    figures.figures_for("b", "sig", compute)
    figures.forget_all()
    assert not FiguresSnapshot.objects.exists()
    assert figures.figures_for("a", "sig", compute)[0]["open_cases"] == 3
