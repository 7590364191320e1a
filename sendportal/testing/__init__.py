"""Test support shared by every app's tests (pytest plugins registered from the root conftest.py)."""
