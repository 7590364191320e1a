"""Run only by test_test_today.py, in a pytest of its own (its name keeps it out of the normal collection)."""

import os
from datetime import date

from django.utils import timezone


def test_the_clock_reads_the_day_asked_for():
    expected = date.fromisoformat(os.environ["PROBE_EXPECTED_DAY"])
    assert timezone.localdate() == expected
    assert date.today() == expected  # noqa: DTZ011 (the point: even a naive read sees the switched day)
