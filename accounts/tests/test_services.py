"""Services: rate limits, council account sync, sessions recorded on every kind of sign-in."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import services
from accounts.models import RateLimitCounter, UserSession
from cases import permissions
from conftest import ensure_role

pytestmark = pytest.mark.django_db


def test_rate_limit_counts_in_windows():
    now = timezone.now()
    window = timedelta(hours=1)
    assert [services.rate_limit_hit(key="k", limit=2, window=window, now=now) for _ in range(3)] == [True, True, False]
    assert services.rate_limit_hit(key="other", limit=2, window=window, now=now)
    later = now + window
    assert services.rate_limit_hit(key="k", limit=2, window=window, now=later)  # a new window
    assert RateLimitCounter.objects.get(key="k").hits == 1


def test_spent_counters_are_cleared_as_new_ones_come():
    now = timezone.now()
    services.rate_limit_hit(key="old", limit=5, window=timedelta(hours=1), now=now - timedelta(hours=3))
    services.rate_limit_hit(key="new", limit=5, window=timedelta(hours=1), now=now)
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]


def test_hashed_keys_keep_no_address():
    key = services.hashed_key("reset-address", "jo@example.gov.uk")
    assert "jo" not in key and key.startswith("reset-address:")
    assert key == services.hashed_key("reset-address", "jo@example.gov.uk")


def test_sso_sync_creates_only_with_a_role_and_sets_exactly_the_roles():
    for role in permissions.ROLE_PERMISSIONS:
        ensure_role(role)
    claims = {"sub": "s-1", "preferred_username": "jo", "email": "jo@x.gov.uk", "name": "Jo Bloggs"}
    assert services.sso_user_sync(issuer="https://idp", claims=claims, roles=set()) is None
    user = services.sso_user_sync(issuer="https://idp", claims=claims, roles={permissions.OFFICER})
    assert (user.username, user.first_name, user.last_name) == ("jo", "Jo", "Bloggs")
    assert not user.has_usable_password()
    user.groups.add(Group.objects.create(name="Other"))
    again = services.sso_user_sync(
        issuer="https://idp", claims={**claims, "email": "jo.b@x.gov.uk"}, roles={permissions.MEDIATOR}
    )
    assert again == user
    assert set(user.groups.values_list("name", flat=True)) == {permissions.MEDIATOR, "Other"}
    user.refresh_from_db()
    assert user.email == "jo.b@x.gov.uk"
    # Same subject at another issuer: another person.
    other = services.sso_user_sync(issuer="https://other-idp", claims=claims, roles={permissions.OFFICER})
    assert other != user
    assert other.username == "jo@x.gov.uk"


def test_force_login_records_the_session_too(client, officer):
    client.force_login(officer)
    client.force_login(officer)  # again on the same session: still one record
    (record,) = UserSession.objects.filter(user=officer)
    assert record.session_id == client.session.session_key
    assert record.method == UserSession.Method.PASSWORD
