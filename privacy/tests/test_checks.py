"""The system check refuses retention settings that are not whole years."""

from privacy.checks import retention_settings_check


def test_default_retention_settings_pass(settings):
    assert retention_settings_check(None) == []


def test_a_negative_period_is_an_error(settings):
    settings.RETENTION_DELETE_AFTER_YEARS = -1
    (error,) = retention_settings_check(None)
    assert error.id == "privacy.E001"
    assert "delete_after_years must be a whole number of years, 0 or more, not -1" in error.msg
