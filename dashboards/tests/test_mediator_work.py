"""A mediator's home leads to their work: sessions to arrange, sessions to record, outcomes to record and
certificates due, each a link to the form on their own referral; nobody else's referrals appear."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from dashboards import mediator_work
from dashboards.tests import builders as b
from referrals.models import MediationSession, Referral

pytestmark = pytest.mark.django_db
S = Referral.Status
PLANNED, HELD, CANCELLED = (
    MediationSession.SessionStatus.PLANNED,
    MediationSession.SessionStatus.HELD,
    MediationSession.SessionStatus.CANCELLED,
)
TODAY = date(2026, 5, 20)
NOW = "2026-05-20 12:00:00+01:00"


def _lists(user):
    return {w.key: w for w in mediator_work.mediator_work(user, now=b.at(TODAY, 12))}


@pytest.fixture
def mine(mediator_user, django_user_model):
    provider = b.provider()
    me = b.mediator(mediator_user, provider)
    someone = b.mediator(django_user_model.objects.create_user("sam"), provider)
    late = b.referral(prov=provider, status=S.ASSIGNED, mediator=me, referred_on=date(2026, 5, 1))
    b.session(late, date(2026, 5, 12), status=CANCELLED, cancelled_by="family")
    fresh = b.referral(prov=provider, status=S.ASSIGNED, mediator=me, referred_on=date(2026, 5, 14))
    past = b.referral(prov=provider, status=S.SCHEDULED, mediator=me)
    past_session = b.session(past, date(2026, 5, 19), status=PLANNED)
    coming = b.referral(prov=provider, status=S.SCHEDULED, mediator=me)
    b.session(coming, date(2026, 5, 27), status=PLANNED)
    held = b.referral(prov=provider, status=S.HELD, mediator=me)
    b.session(held, date(2026, 5, 18), status=HELD)
    for status in (S.ASSIGNED, S.HELD):  # someone else's: never shown
        theirs = b.referral(prov=provider, status=status, mediator=someone)
    b.session(theirs, date(2026, 5, 18), status=PLANNED)
    return {"late": late, "fresh": fresh, "past": past, "past_session": past_session, "held": held}


def test_each_list_holds_the_mediators_own_referrals_longest_waiting_first(mediator_user, mine):
    lists = _lists(mediator_user)
    arrange = lists["arrange"]
    assert [r.reference for r in arrange.rows] == [mine["late"].case.reference, mine["fresh"].case.reference]
    assert arrange.total == 2
    assert arrange.rows[0].detail == "Referred Fri 1 May 2026; last session Tue 12 May 2026 at 10:00 did not go ahead"
    assert arrange.rows[1].detail == "Referred Thu 14 May 2026"
    assert arrange.rows[0].url == f"/referrals/{mine['late'].pk}/#schedule-heading"
    record = lists["record"]
    assert [(r.reference, r.detail) for r in record.rows] == [
        (mine["past"].case.reference, "Session on Tue 19 May 2026 at 10:00")
    ]
    assert record.rows[0].url == f"/referrals/{mine['past'].pk}/#session-{mine['past_session'].pk}"
    conclude = lists["conclude"]
    assert [(r.reference, r.detail) for r in conclude.rows] == [
        (mine["held"].case.reference, "Session held Mon 18 May 2026")
    ]
    assert conclude.rows[0].url == f"/referrals/{mine['held'].pk}/#conclude-heading"


def test_a_long_list_shows_its_first_rows_and_its_full_count(mediator_user):
    me = b.mediator(mediator_user, b.provider())
    for _ in range(4):
        b.referral(status=S.ASSIGNED, mediator=me)
    arrange = mediator_work.mediator_work(mediator_user, now=b.at(TODAY, 12), limit=3)[0]
    assert (len(arrange.rows), arrange.total) == (3, 4)


def test_a_mediator_with_nothing_to_do_sees_empty_lists(mediator_user):
    b.mediator(mediator_user, b.provider())
    assert [(w.key, w.total, w.rows) for w in mediator_work.mediator_work(mediator_user, now=b.at(TODAY, 12))] == [
        ("arrange", 0, []),
        ("record", 0, []),
        ("conclude", 0, []),
    ]


@time_machine.travel(NOW, tick=False)
def test_the_home_page_links_each_piece_of_work_to_its_form(client_for, mediator_user, mine):
    b.deadline(mine["held"].case, "C8", date(2026, 5, 22), title="Certificate after mediation")
    content = client_for(mediator_user).get(reverse("dashboards:mediator")).content.decode()
    assert f'href="/referrals/{mine["late"].pk}/#schedule-heading">Arrange a session' in content
    assert f'href="/referrals/{mine["past"].pk}/#session-{mine["past_session"].pk}">Record what happened' in content
    assert f'href="/referrals/{mine["held"].pk}/#conclude-heading">Record the outcome' in content
    assert f'href="/referrals/{mine["held"].pk}/certificate/">Issue the certificate' in content
    assert '<span class="number d-block">2</span> <span class="label">sessions to arrange</span>' in content


@time_machine.travel(NOW, tick=False)
def test_a_past_planned_session_opens_its_record_form_on_the_referral_page(client_for, mediator_user, mine):
    page = client_for(mediator_user).get(reverse("referrals:detail", args=[mine["past"].pk])).content.decode()
    article = page.split(f'id="session-{mine["past_session"].pk}"')[1].split("</article>")[0]
    assert '<details class="no-print mt-2" open>' in article
    coming = Referral.objects.get(
        status=S.SCHEDULED, mediator__user=mediator_user, sessions__starts_on=date(2026, 5, 27)
    )
    page = client_for(mediator_user).get(reverse("referrals:detail", args=[coming.pk])).content.decode()
    assert '<details class="no-print mt-2">' in page and '<details class="no-print mt-2" open>' not in page
