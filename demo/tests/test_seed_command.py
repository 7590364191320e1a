"""`manage.py seed_demo`: what it prints, the password it sets, and when it refuses to run."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case

pytestmark = pytest.mark.django_db


def test_command_prints_counts_and_the_demo_sign_ins():
    out = StringIO()
    call_command("seed_demo", "--without-cases", "--allow-without-debug", stdout=out)
    text = out.getvalue()
    assert "Added 0 cases." in text
    assert "Demo sign-ins" in text
    assert re.search(r"mediator8\s+demo-password-2026\s+Mediator", text)
    assert re.search(r"admin\s+demo-password-2026\s+Administrator", text)
    assert "seconds" in text
    assert not Case.objects.exists()


def test_command_takes_another_password():
    call_command(
        "seed_demo", "--without-cases", "--password", "another-long-passphrase", "--allow-without-debug",
        stdout=StringIO(),
    )  # fmt: skip
    assert get_user_model().objects.get(username="manager").check_password("another-long-passphrase")


def test_command_refuses_a_short_password():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "short", "--allow-without-debug", stdout=StringIO())


def test_command_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
