"""Pure sign-in rules (no database)."""

import pytest

from accounts import rules

NOW = 1_800_000_000


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
            "Chrome on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1",
            "Safari on iPhone",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36", "Chrome on Android"),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_user_agent_summary(agent, summary):
    assert rules.summarise_user_agent(agent) == summary


@pytest.mark.parametrize(
    ("typed", "code", "totp"),
    [
        ("123 456", "123456", True),
        ("123456", "123456", True),
        ("12345", "12345", False),
        ("ABCD-EFGH", "abcdefgh", False),
        (" abcd efgh ", "abcdefgh", False),
        ("1234567", "1234567", False),
    ],
)
def test_codes_are_read_as_people_type_them(typed, code, totp):
    assert rules.normalise_code(typed) == code
    assert rules.is_totp_code(code) is totp


def test_keys_read_in_groups_of_four():
    assert rules.group_for_reading("ABCDEFGHIJ") == "ABCD EFGH IJ"


ROLE_GROUPS = {"SEN officer": ["g-officers"], "Manager": ["g-managers", "g-heads"], "Mediator": ["g-mediators"]}


@pytest.mark.parametrize(
    ("value", "roles"),
    [
        (["g-officers", "all-staff"], {"SEN officer"}),
        (["g-heads"], {"Manager"}),
        (["g-officers", "g-managers"], {"SEN officer", "Manager"}),
        ("g-mediators all-staff", {"Mediator"}),  # a space-separated string
        ("g-mediators,g-officers", {"Mediator", "SEN officer"}),
        (["all-staff"], set()),
        ([], set()),
        (None, set()),
    ],
)
def test_roles_come_from_the_configured_claim_values(value, roles):
    claims = {"sub": "1"} if value is None else {"sub": "1", "groups": value}
    assert rules.roles_from_claims(claims, claim="groups", role_groups=ROLE_GROUPS) == roles


def test_roles_can_come_from_another_claim_such_as_app_roles():
    claims = {"groups": ["g-officers"], "roles": ["Sendportal.Manager"]}
    mapping = {"Manager": ["Sendportal.Manager"]}
    assert rules.roles_from_claims(claims, claim="roles", role_groups=mapping) == {"Manager"}


GOOD = {"iss": "https://login.example/tenant/v2.0", "aud": "portal", "exp": NOW + 60, "sub": "abc"}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"iss": "https://login.example/other/v2.0"}, "issuer does not match"),
        ({"aud": "another-app"}, "not issued to this portal"),
        ({"aud": ["portal", "another-app"]}, "authorised party is another client"),
        ({"exp": NOW - 1}, "expired"),
        ({"exp": None}, "expired"),
        ({"sub": ""}, "no subject"),
    ],
)
def test_id_token_claims_are_checked(change, problem):
    assert rules.id_token_problems({**GOOD, **change}, issuer=GOOD["iss"], client_id="portal", now=NOW) == [problem]


def test_a_good_id_token_has_no_problems():
    assert rules.id_token_problems(GOOD, issuer=GOOD["iss"], client_id="portal", now=NOW) == []
    several = {**GOOD, "aud": ["portal", "api"], "azp": "portal"}
    assert rules.id_token_problems(several, issuer=GOOD["iss"], client_id="portal", now=NOW) == []


def test_username_candidates_prefer_the_providers_username_then_email_then_subject():
    claims = {"preferred_username": "jo.bloggs@council.gov.uk", "email": "jo@council.gov.uk"}
    assert rules.username_candidates(claims, subject_digest="f" * 64) == [
        "jo.bloggs@council.gov.uk",
        "jo@council.gov.uk",
        "sso-" + "f" * 20,
    ]
    assert rules.username_candidates({}, subject_digest="0123456789abcdef0123456789") == ["sso-0123456789abcdef0123"]
