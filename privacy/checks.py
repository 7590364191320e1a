"""System check: the retention periods in settings make a policy (whole years, 0 or more)."""

from django.core.checks import Error, register


@register()
def retention_settings_check(app_configs, **kwargs):
    from .selectors import retention_policy

    try:
        retention_policy()
    except (AttributeError, TypeError, ValueError) as exc:
        return [
            Error(
                f"The retention settings are not valid: {exc}",
                hint="Set RETENTION_ANONYMISE_AFTER_YEARS, RETENTION_KEEP_UNTIL_AGE and RETENTION_DELETE_AFTER_YEARS "
                "to whole numbers of years, 0 or more (docs/retention.md).",
                id="privacy.E001",
            )
        ]
    return []
