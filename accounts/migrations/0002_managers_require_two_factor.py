"""Managers must sign in with a security code (ROLE_PERMISSIONS in cases/permissions.py; superusers hold every
permission, so they must too)."""

from django.db import migrations

from sendportal.migration_utils import grant, revoke

CHANGE = {"Manager": ["accounts.require_two_factor"]}


def forwards(apps, schema_editor):
    grant(apps, CHANGE)


def backwards(apps, schema_editor):
    revoke(apps, CHANGE)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_sessions_identities_rate_limits"),
        ("cases", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
