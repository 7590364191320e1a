"""The bulk data tells the truth: a sample of bulk-seeded cases, done again through the real services (each step on
the day the bulk data says it happened), comes out with the same statuses, clocks, due dates and states."""

from datetime import date

import pytest
from django.utils import timezone

from cases import clock_services
from cases.models import Case
from demo import bulk
from demo import seeded as records
from demo.tests.replay import facts_of, outcome_of, replay

SAMPLE = 90

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 23))]


def test_bulk_cases_replayed_through_the_services_come_out_the_same():
    now = timezone.now()
    bulk.run(cases=SAMPLE, real_pdfs=0)
    cases = list(Case.objects.order_by("pk"))
    expected = {case.reference: outcome_of(case) for case in cases}
    facts = [facts_of(case) for case in cases]
    assert sum(bool(f.referrals) for f in facts) > SAMPLE / 3 and sum(bool(f.appeal) for f in facts) > 5
    # Replayed in a portal without the bulk cases, so caseloads and the providers' shares start from nothing.
    records.delete_seeded_cases()
    replayed = {f.case.reference: replay(f, now=now) for f in facts}
    clock_services.recompute_cases([case.pk for case in replayed.values()], record_events=False)
    differences = {
        reference: (expected[reference], outcome_of(case))
        for reference, case in replayed.items()
        if outcome_of(case) != expected[reference]
    }
    assert not differences, differences
