"""System checks on the single sign-on settings."""

from accounts import checks


def ids(problems):
    return [p.id for p in problems]


def test_sso_settings_are_all_or_nothing(settings):
    settings.OIDC_ISSUER, settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "", "", ""
    assert checks.sso_settings(None) == []
    settings.OIDC_ISSUER = "https://login.example/tenant/v2.0"
    assert ids(checks.sso_settings(None)) == ["accounts.E001"]
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "id", "secret"
    assert checks.sso_settings(None) == []


def test_unknown_roles_in_the_mapping_are_an_error(settings):
    settings.OIDC_ROLE_GROUPS = {"officer": ["a"], "director": ["b"]}
    assert ids(checks.sso_settings(None)) == ["accounts.E002"]


def test_deploy_checks_want_https_and_a_mapping(settings):
    settings.OIDC_ISSUER = "http://login.example"
    assert ids(checks.sso_deploy_settings(None)) == ["accounts.W001"]
    settings.OIDC_ISSUER = "https://login.example"
    settings.OIDC_ROLE_GROUPS = {"officer": [], "manager": [], "mediator": []}
    assert ids(checks.sso_deploy_settings(None)) == ["accounts.W002"]
    settings.OIDC_ROLE_GROUPS = {"officer": ["g1"], "manager": [], "mediator": []}
    assert checks.sso_deploy_settings(None) == []
