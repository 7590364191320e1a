"""The suite's own clock switches: SENDPORTAL_TEST_TODAY for a whole run, @pytest.mark.today for one test."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

PROBE = Path(__file__).with_name("today_probe.py")


def run_probe(day_setting: str, expected: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SENDPORTAL_TEST_TODAY": day_setting, "PROBE_EXPECTED_DAY": expected}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(PROBE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROBE.parents[2],
    )


def test_the_switch_runs_a_whole_pytest_as_if_it_were_that_day():
    result = run_probe("2028-02-29", "2028-02-29")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "as if today were Tue 29 Feb 2028" in result.stdout
    assert "1 passed" in result.stdout


def test_the_probe_fails_when_the_day_is_not_the_one_asked_for():
    result = run_probe("2028-02-29", "2026-12-24")
    assert result.returncode == 1
    assert "1 failed" in result.stdout


def test_a_malformed_day_stops_the_run_with_a_message():
    result = run_probe("29/02/2028", "2028-02-29")
    assert result.returncode != 0
    assert "SENDPORTAL_TEST_TODAY must be a date as YYYY-MM-DD" in result.stdout + result.stderr


@pytest.mark.today(date(2027, 12, 24))
def test_the_marker_fixes_the_day_for_one_test(today):
    assert today == date(2027, 12, 24)
    assert timezone.localdate() == date(2027, 12, 24)
    assert timezone.localtime().hour == 9
