"""The letter templates and example support services the data migration makes. Live-server (browser) tests flush
the database, taking migration-made rows with them, so the letters tests put them back first with the migration's
own function (it only adds what is missing)."""

import importlib

import pytest
from django.apps import apps

SEED = importlib.import_module("letters.migrations.0002_seed_templates_and_support_services")


def seed_letters():
    SEED.seed(apps, None)


@pytest.fixture
def letter_templates(db):
    seed_letters()
