"""MediationSession.starts_on follows starts_at: the session's date in England, whatever the UTC date."""

from datetime import UTC, date, datetime

import pytest

from referrals.models import MediationSession, england_date
from referrals.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 8, 31, 23, 30, tzinfo=UTC), date(2026, 9, 1)),  # 00:30 BST on 1 September
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),  # GMT: same date
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29)),  # 00:30 GMT, before the clocks go forward
        (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), date(2026, 10, 25)),  # midnight BST, the night they go back
    ],
)
def test_england_date_is_the_london_calendar_date(moment, expected):
    assert england_date(moment) == expected


def test_starts_on_is_kept_with_starts_at_on_every_save():
    session = SessionFactory(starts_at=datetime(2026, 6, 10, 8, 0, tzinfo=UTC))  # 09:00 in London
    assert MediationSession.objects.get(pk=session.pk).starts_on == date(2026, 6, 10)

    session.starts_at = datetime(2026, 6, 11, 23, 15, tzinfo=UTC)  # 00:15 on 12 June in London
    session.save(update_fields=["starts_at"])
    assert MediationSession.objects.get(pk=session.pk).starts_on == date(2026, 6, 12)
