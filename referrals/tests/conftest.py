"""Fixtures shared by the pathway's tests (pathway.py): providers, mediators and a case."""

from referrals.tests.pathway import case, mediators, providers  # noqa: F401 (fixtures)
