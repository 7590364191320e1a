"""System checks for single sign-on settings (run by `manage.py check`, and `check --deploy` in CI)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .sso import ROLE_KEYS


@register(Tags.security)
def sso_settings(app_configs, **kwargs):
    problems = []
    configured = [settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET]
    if any(configured) and not all(configured):
        problems.append(
            Error(
                "Single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together; some are missing.",
                id="accounts.E001",
            )
        )
    unknown = set(settings.OIDC_ROLE_GROUPS) - set(ROLE_KEYS)
    if unknown:
        problems.append(Error(f"OIDC_ROLE_GROUPS has unknown roles: {', '.join(sorted(unknown))}.", id="accounts.E002"))
    return problems


@register(Tags.security, deploy=True)
def sso_deploy_settings(app_configs, **kwargs):
    if settings.OIDC_ISSUER and not settings.OIDC_ISSUER.startswith("https://"):
        return [Warning("OIDC_ISSUER should be an https:// address.", id="accounts.W001")]
    if settings.OIDC_ISSUER and not any(settings.OIDC_ROLE_GROUPS.values()):
        return [
            Warning(
                "Single sign-on is on but no OIDC_*_GROUPS are set, so every council user will be refused.",
                id="accounts.W002",
            )
        ]
    return []
