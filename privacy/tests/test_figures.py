"""Anonymisation keeps every figure: the management dashboard (for several periods, each officer and everyone),
the SEN2 figures for every year, the mediators' dashboards, the officers' My work and the SEN2 CSV are the same
before and after `apply_retention --apply` anonymises every closed case of a realistic demo data set."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases import clock_services
from cases.models import Case, Status
from cases.selectors import officers_qs
from dashboards import exports, selectors
from demo import bulk
from privacy.models import CaseRetention
from referrals.models import Mediator

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 23))]
FIGURES_DAY = date(2026, 12, 23)


def every_figure() -> dict:
    today = FIGURES_DAY
    calendar = clock_services.working_calendar()
    officers = list(officers_qs())
    periods = [
        selectors.default_period(today),
        selectors.Period(date(2022, 1, 1), today),
        selectors.Period(date(2026, 9, 1), date(2026, 11, 30)),
    ]
    figures = {}
    for period in periods:
        for officer in [None, *officers]:
            key = ("management", period.start, period.end, officer.pk if officer else None)
            figures[key] = selectors.management_dashboard(
                today=today, period=period, year=2026, officer=officer, officers=officers
            )
    for year in range(selectors.FIRST_SEN2_YEAR, today.year + 1):
        sen2 = selectors.sen2_figures(year=year)
        figures[("sen2", year)] = sen2
        figures[("sen2 csv", year)] = exports.sen2_rows(sen2)
    now = selectors.london_midnight(today) + timedelta(hours=9)
    for mediator in Mediator.objects.select_related("user"):
        figures[("mediator", mediator.pk)] = selectors.mediator_dashboard(
            mediator.user, now=now, today=today, calendar=calendar
        )
    for officer in officers:
        figures[("my work", officer.pk)] = selectors.my_work(officer, today=today, calendar=calendar)
    return figures


def test_every_dashboard_figure_is_the_same_after_anonymisation(settings):
    bulk.run(cases=150, real_pdfs=1)
    closed = Case.objects.filter(status=Status.CLOSED, closed_on__isnull=False)
    assert closed.count() >= 20, "the demo data should close enough cases to mean something"
    before = every_figure()
    assert before[("sen2", 2026)]["calendar"]["held"] > 0  # the figures compared are not all zero

    # Everything closed is due today: no waiting after closing, no age rule, deletion far off.
    settings.RETENTION_ANONYMISE_AFTER_YEARS = 0
    settings.RETENTION_KEEP_UNTIL_AGE = 0
    settings.RETENTION_DELETE_AFTER_YEARS = 50
    out = StringIO()
    call_command("apply_retention", "--apply", "--batch-size", "7", stdout=out)

    anonymised = CaseRetention.objects.filter(stage=CaseRetention.Stage.ANONYMISED)
    assert anonymised.count() == closed.count()
    assert set(Case.objects.filter(pk__in=anonymised.values("case_id")).values_list("child_first_name", flat=True)) == {
        "Anonymised"
    }
    after = every_figure()
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key


def test_deletion_does_change_historic_figures(settings):
    """The other side of the reporting-horizon decision (docs/retention.md): deleted cases leave the figures."""
    bulk.run(cases=60, real_pdfs=1)
    before = sum(selectors.sen2_figures(year=year)["calendar"]["held"] for year in range(2024, 2027))
    settings.RETENTION_ANONYMISE_AFTER_YEARS = 0
    settings.RETENTION_KEEP_UNTIL_AGE = 0
    settings.RETENTION_DELETE_AFTER_YEARS = 0
    call_command("apply_retention", "--apply", stdout=StringIO())
    assert not Case.objects.filter(status=Status.CLOSED, closed_on__isnull=False).exists()
    after = sum(selectors.sen2_figures(year=year)["calendar"]["held"] for year in range(2024, 2027))
    assert after < before
    assert get_user_model().objects.filter(username="manager").exists()  # staff are not the schedule's business
