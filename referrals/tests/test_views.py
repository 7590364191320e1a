"""Referral pages and the case page's mediation panel: permission matrix, what a mediator sees, bad input,
certificate download, query counts, and the happy path through the pages (the services' own rules are tested
in test_services.py)."""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from auditlog.signals import accessed
from django.urls import reverse
from django.utils.html import escape

from cases import clock_services
from cases.models import CaseEvent, CaseNote, Deadline, Route
from cases.tests.factories import CaseFactory, CaseNoteFactory
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    MediationSession,
    Referral,
    TribunalAppeal,
)
from referrals.tests.factories import (
    AdviserContactFactory,
    AgreementActionFactory,
    CertificateFactory,
    DrsFactory,
    MediatorFactory,
    ProviderFactory,
    ReferralFactory,
    SessionFactory,
    TribunalAppealFactory,
)
from sendportal.testing.dates import shows_date

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 12:00:00+00:00"
RS = Referral.Status


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def text_of(response) -> str:
    return response.content.decode()


def title_of(response) -> str:
    content = text_of(response)
    return content[content.index("<title>") + 7 : content.index("</title>")]


# --- The world the permission matrix runs in ----------------------------------------------------------------


@pytest.fixture
def world(mediator_user):
    """Two scheduled referrals: one assigned to the signed-in mediator, one to somebody else. Each has a planned
    session, an agreed action and a certificate; the first case also has an appeal and a DRS referral."""
    mine = MediatorFactory(user=mediator_user)
    referral = ReferralFactory(scheduled=True, provider=mine.provider, mediator=mine)
    other = ReferralFactory(scheduled=True)
    return SimpleNamespace(
        mediator=mine,
        referral=referral,
        session=referral.sessions.get(),
        action=AgreementActionFactory(referral=referral),
        certificate=CertificateFactory(referral=referral),
        other=other,
        other_session=other.sessions.get(),
        other_action=AgreementActionFactory(referral=other),
        other_certificate=CertificateFactory(referral=other),
        appeal=TribunalAppealFactory(case=referral.case),
        drs=DrsFactory(case=referral.case),
    )


REFERRAL_PAGES = ["referrals:detail", "referrals:withdraw", "referrals:certificate"]
# POSTs a mediator may make on their own referrals (and officers on any).
MEDIATOR_ACTIONS = [
    "referrals:session_schedule",
    "referrals:session_record",
    "referrals:not_held",
    "referrals:conclude",
    "referrals:withdraw",
    "referrals:action_add",
    "referrals:note_add",
    "referrals:certificate",
]
OFFICER_ACTIONS = [
    "referrals:respond",
    "referrals:notify_icb",
    "referrals:assign",
    "referrals:la_conceded",
    "referrals:action_done",
]
CASE_ACTIONS = [
    "referrals:adviser_contact",
    "referrals:create",
    "referrals:drs_refer",
    "referrals:drs_record",
    "referrals:appeal_add",
    "referrals:appeal_outcome",
]
POST_ONLY = [name for name in MEDIATOR_ACTIONS + OFFICER_ACTIONS if name not in REFERRAL_PAGES]

# Valid-looking input for each action, so a request that got through would change something.
DATA = {
    "referrals:session_schedule": {
        "starts_at": "2026-11-27T10:00",
        "mode": "online",
        "venue": "Video call",
        "notice_sent_on": "2026-11-19",
        "short_notice_consent": "on",
    },
    "referrals:session_record": {"status": "held", "party_attended": "on"},
    "referrals:not_held": {"notified_on": "2026-11-19"},
    "referrals:conclude": {"concluded_on": "2026-11-19", "outcome": "none", "issue_decision": "not_agreed"},
    "referrals:withdraw": {"withdrawn_on": "2026-11-19", "reason": "The family changed their mind"},
    "referrals:action_add": {"description": "Crafted", "owner": "la", "basis": "other"},
    "referrals:note_add": {"text": "Crafted note"},
    "referrals:certificate": {
        "kind": "not_held",
        "issued_on": "2026-11-20",
        "issuer_name": "Crafted",
        "issuer_role": "Mediator",
    },
    "referrals:respond": {"accepted": "no", "responded_on": "2026-11-19", "decline_reason": "no_capacity"},
    "referrals:notify_icb": {"notified_on": "2026-11-19"},
    "referrals:assign": {"reason": "Crafted"},
    "referrals:la_conceded": {"agreement_on": "2026-11-19"},
    "referrals:action_done": {"done_on": "2026-11-19"},
    "referrals:adviser_contact": {"contacted_on": "2026-04-10", "choice": "mediation"},
    "referrals:create": {"family_told_la_on": "2026-11-02"},
    "referrals:drs_refer": {"kind": "school_provision", "referred_on": "2026-11-19"},
    "referrals:drs_record": {"meeting_on": "2026-11-19"},
    "referrals:appeal_add": {"registered_on": "2026-11-19", "la_told_on": "2026-11-19"},
    "referrals:appeal_outcome": {"outcome": "dismissed", "outcome_on": "2026-11-19"},
}


def referral_url(name, w, *, own=True):
    referral = w.referral if own else w.other
    if name == "referrals:session_record":
        return reverse(name, args=[referral.pk, (w.session if own else w.other_session).pk])
    if name == "referrals:action_done":
        return reverse(name, args=[referral.pk, (w.action if own else w.other_action).pk])
    return reverse(name, args=[referral.pk])


def case_url(name, w):
    case = w.referral.case
    if name == "referrals:drs_record":
        return reverse(name, args=[case.pk, w.drs.pk])
    if name == "referrals:appeal_outcome":
        return reverse(name, args=[case.pk, w.appeal.pk])
    return reverse(name, args=[case.pk])


def data_for(name, w):
    data = dict(DATA[name])
    if name == "referrals:assign":
        data["mediator"] = w.mediator.pk
    if name in ("referrals:create", "referrals:drs_refer"):
        data["provider"] = w.referral.provider_id
    return data


def snapshot(referral):
    """Everything a request could change on a referral and its case."""
    referral.refresh_from_db()
    case = referral.case
    return (
        referral.status,
        referral.mediator_id,
        referral.outcome,
        tuple(referral.sessions.values_list("status", flat=True)),
        tuple(referral.actions.values_list("done_on", flat=True)),
        referral.certificates.count(),
        CaseNote.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
        AdviserContact.objects.filter(case=case).count(),
        Referral.objects.filter(case=case).count(),
        TribunalAppeal.objects.filter(case=case, outcome="").count(),
        DisagreementResolution.objects.filter(case=case, meeting_on__isnull=True).count(),
    )


def all_pages(w):
    return [
        reverse("referrals:list"),
        *[referral_url(name, w) for name in REFERRAL_PAGES],
        reverse("referrals:certificate_download", args=[w.certificate.pk]),
        reverse("referrals:case_certificate", args=[w.referral.case.pk]),
    ]


# --- Permission matrix -----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_from_every_page(client, world):
    for url in all_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.parametrize("name", MEDIATOR_ACTIONS + OFFICER_ACTIONS + CASE_ACTIONS)
def test_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client, world, name):
    before = snapshot(world.referral)
    url = case_url(name, world) if name in CASE_ACTIONS else referral_url(name, world)
    response = client.post(url, data_for(name, world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(world.referral) == before


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_officers_and_managers_can_open_every_page(request, client_for, world, role):
    c = client_for(request.getfixturevalue(role))
    for url in [*all_pages(world), referral_url("referrals:detail", world, own=False)]:
        assert c.get(url).status_code == 200, url


def test_mediator_can_open_their_own_referral_pages(client_for, mediator_user, world):
    c = client_for(mediator_user)
    for url in [
        reverse("referrals:list"),
        *[referral_url(name, world) for name in REFERRAL_PAGES],
        reverse("referrals:certificate_download", args=[world.certificate.pk]),
    ]:
        assert c.get(url).status_code == 200, url


def test_mediator_gets_404_on_another_mediators_referral_pages(client_for, mediator_user, world):
    c = client_for(mediator_user)
    for name in REFERRAL_PAGES:
        response = c.get(referral_url(name, world, own=False))
        assert response.status_code == 404, name
        assert "Page not found" in text_of(response)
    download = reverse("referrals:certificate_download", args=[world.other_certificate.pk])
    assert c.get(download).status_code == 404


@pytest.mark.parametrize("name", MEDIATOR_ACTIONS)
def test_mediator_post_to_another_mediators_referral_is_404_and_changes_nothing(client_for, mediator_user, world, name):
    before = snapshot(world.other)
    response = client_for(mediator_user).post(referral_url(name, world, own=False), data_for(name, world))
    assert response.status_code == 404
    assert snapshot(world.other) == before


@pytest.mark.parametrize("name", OFFICER_ACTIONS)
def test_mediator_gets_403_on_officer_only_actions_even_on_their_own_referral(client_for, mediator_user, world, name):
    before = snapshot(world.referral)
    response = client_for(mediator_user).post(referral_url(name, world), data_for(name, world))
    assert response.status_code == 403
    assert snapshot(world.referral) == before


@pytest.mark.parametrize("name", CASE_ACTIONS)
def test_mediator_gets_403_on_case_panel_actions(client_for, mediator_user, world, name):
    before = snapshot(world.referral)
    response = client_for(mediator_user).post(case_url(name, world), data_for(name, world))
    assert response.status_code == 403
    assert snapshot(world.referral) == before


def test_mediator_gets_403_on_the_case_certificate_page(client_for, mediator_user, world):
    url = reverse("referrals:case_certificate", args=[world.referral.case.pk])
    assert client_for(mediator_user).get(url).status_code == 403


def test_user_without_a_role_gets_403(client_for, django_user_model, world):
    nobody = django_user_model.objects.create_user("norole", password="correct-horse-battery-staple")
    c = client_for(nobody)
    for url in [reverse("referrals:list"), referral_url("referrals:detail", world)]:
        assert c.get(url).status_code == 403


@pytest.mark.parametrize("name", POST_ONLY + CASE_ACTIONS)
def test_actions_refuse_get(client_for, officer, world, name):
    url = case_url(name, world) if name in CASE_ACTIONS else referral_url(name, world)
    assert client_for(officer).get(url).status_code == 405


def test_unknown_ids_are_404(client_for, officer, world):
    c = client_for(officer)
    assert c.get(reverse("referrals:detail", args=[999999])).status_code == 404
    assert c.get(reverse("referrals:certificate_download", args=[999999])).status_code == 404
    other_case_session = reverse("referrals:session_record", args=[world.referral.pk, world.other_session.pk])
    assert c.post(other_case_session, DATA["referrals:session_record"]).status_code == 404
    other_case_appeal = reverse("referrals:appeal_outcome", args=[world.other.case.pk, world.appeal.pk])
    assert c.post(other_case_appeal, DATA["referrals:appeal_outcome"]).status_code == 404


# --- Navigation -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "mediator_user"])
def test_navigation_links_to_referrals(request, client_for, role):
    content = text_of(client_for(request.getfixturevalue(role)).get(reverse("referrals:list")))
    assert f'href="{reverse("referrals:list")}">Referrals</a>' in content


# --- What the mediator sees ----------------------------------------------------------------------------------


def test_mediator_page_has_shared_notes_only_and_no_case_controls(client_for, mediator_user, officer, world):
    case = world.referral.case
    CaseNoteFactory(case=case, author=officer, text="INTERNAL: safeguarding history", visibility="internal")
    CaseNoteFactory(case=case, author=officer, text="Family prefer mornings", visibility="shared")
    response = client_for(mediator_user).get(world.referral.get_absolute_url())
    content = text_of(response)
    assert "Family prefer mornings" in content
    assert "safeguarding history" not in content
    assert "Move the case on" not in content
    assert "Change status" not in content
    assert "The provider&#x27;s response" not in content and "Assign a mediator" not in content
    assert "UPN" not in content and "NHS number" not in content
    assert case.party_name in content and "Dates the LA was told" in content
    assert "Statutory clocks" in content
    assert case.child_first_name not in title_of(response)


def test_viewing_a_referral_is_logged_as_access_to_the_case(client_for, mediator_user, world):
    from auditlog.models import LogEntry

    client_for(mediator_user).get(world.referral.get_absolute_url())
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_pk=str(world.referral.case.pk))
    assert entry.actor == mediator_user


def test_officers_referral_page_shows_shared_notes_only_too(client_for, officer, world):
    CaseNoteFactory(case=world.referral.case, author=officer, text="INTERNAL ONLY", visibility="internal")
    assert "INTERNAL ONLY" not in text_of(client_for(officer).get(world.referral.get_absolute_url()))


def test_mediator_adds_a_shared_note_seen_on_the_timeline(client_for, mediator_user, world):
    response = client_for(mediator_user).post(
        reverse("referrals:note_add", args=[world.referral.pk]), {"text": "<b>Room booked</b>"}, follow=True
    )
    note = CaseNote.objects.get(case=world.referral.case)
    assert note.visibility == CaseNote.Visibility.SHARED and note.author == mediator_user
    assert CaseEvent.objects.filter(case=world.referral.case, description="Shared note added by Mo Mediator").exists()
    content = text_of(response)
    assert "Shared note added" in content
    assert "&lt;b&gt;Room booked&lt;/b&gt;" in content and "<b>Room booked</b>" not in content


def test_empty_shared_note_is_refused_with_a_message(client_for, mediator_user, world):
    response = client_for(mediator_user).post(reverse("referrals:note_add", args=[world.referral.pk]), {"text": ""})
    assert response.status_code == 400
    assert title_of(response).startswith("Error:")
    assert "There is a problem" in text_of(response)
    assert not CaseNote.objects.exists()


def test_mediator_list_shows_only_their_referrals_and_arranged_sessions(client_for, mediator_user, world):
    response = client_for(mediator_user).get(reverse("referrals:list"))
    content = text_of(response)
    assert "My referrals" in content and "(1)" in content
    assert world.referral.case.reference in content
    assert world.other.case.reference not in content
    assert "Sessions arranged" in content and "Wed 18 Nov 2026" in content and "To record" in content


def test_mediator_list_filters_by_stage(client_for, mediator_user, world):
    ReferralFactory(concluded=True, mediator=world.mediator, provider=world.mediator.provider)
    c = client_for(mediator_user)
    content = text_of(c.get(reverse("referrals:list"), {"stage": "finished"}))
    table = content[content.index("Your referrals, sorted by") :]
    assert "(1)" in content and world.referral.case.reference not in table
    assert "Stage: Finished" in content


# --- Mediator assignment ---------------------------------------------------------------------------------------


@pytest.fixture
def accepted(db):
    provider = ProviderFactory(name="Northway Mediation")
    best = MediatorFactory(provider=provider, user__first_name="Jane", user__last_name="Smith", specialisms=[])
    second = MediatorFactory(provider=provider, user__first_name="Sam", user__last_name="Second", max_active_cases=2)
    ReferralFactory(assigned=True, provider=provider, mediator=second)
    excluded = MediatorFactory(
        provider=provider, user__first_name="Lee", user__last_name="Council", employed_by_la=True
    )
    referral = ReferralFactory(accepted=True, provider=provider)
    return SimpleNamespace(referral=referral, best=best, second=second, excluded=excluded)


def test_ranked_list_shows_reasons_and_exclusions_with_the_top_preselected(client_for, officer, accepted):
    content = text_of(client_for(officer).get(accepted.referral.get_absolute_url()))
    assert "Assign a mediator" in content
    assert "Employed by the local authority: not independent (CFA 2014 s.56)" in content
    assert "Caseload 1 of 2" in content
    excluded_radio = f'value="{accepted.excluded.pk}" id="assign_mediator_2" aria-describedby="assign_mediator_2_why"'
    assert f"{excluded_radio} disabled" in content
    top_radio = f'value="{accepted.best.pk}" id="assign_mediator_0" aria-describedby="assign_mediator_0_why"'
    assert f"{top_radio} checked" in content
    assert "Top suggestion" in content


def test_assigning_the_top_suggestion_names_the_mediator(client_for, officer, accepted):
    response = client_for(officer).post(
        reverse("referrals:assign", args=[accepted.referral.pk]), {"mediator": accepted.best.pk}, follow=True
    )
    assert "Mediator Jane Smith assigned" in text_of(response)
    accepted.referral.refresh_from_db()
    assert accepted.referral.mediator == accepted.best and accepted.referral.status == RS.ASSIGNED


def test_choosing_another_mediator_needs_a_reason(client_for, officer, accepted):
    url = reverse("referrals:assign", args=[accepted.referral.pk])
    c = client_for(officer)
    response = c.post(url, {"mediator": accepted.second.pk})
    assert response.status_code == 400
    assert "Give a reason for not choosing the top suggestion (Jane Smith)." in text_of(response)
    assert Referral.objects.get(pk=accepted.referral.pk).mediator is None
    response = c.post(url, {"mediator": accepted.second.pk, "reason": "Knows the school's SENCo process"}, follow=True)
    assert "Mediator Sam Second assigned" in text_of(response)


def test_a_crafted_post_for_an_excluded_mediator_is_refused_with_the_reason(client_for, officer, accepted):
    response = client_for(officer).post(
        reverse("referrals:assign", args=[accepted.referral.pk]), {"mediator": accepted.excluded.pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert "Lee Council cannot be assigned: employed by the local authority" in text_of(response)
    assert Referral.objects.get(pk=accepted.referral.pk).mediator is None


def test_a_mediator_of_another_provider_is_not_a_valid_choice(client_for, officer, accepted):
    stranger = MediatorFactory()
    response = client_for(officer).post(
        reverse("referrals:assign", args=[accepted.referral.pk]), {"mediator": stranger.pk, "reason": "x"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in text_of(response)


# --- The case page's mediation panel ----------------------------------------------------------------------------


def test_panel_preselects_the_suggested_provider_and_explains_every_share(client_for, officer):
    northway = ProviderFactory(name="Northway Mediation", contract_share=60)
    southgate = ProviderFactory(name="Southgate Mediation", contract_share=40)
    MediatorFactory(provider=northway)
    MediatorFactory(provider=southgate)
    ProviderFactory(name="Closed Mediation", active=False)
    case = CaseFactory()
    content = text_of(client_for(officer).get(case.get_absolute_url()))
    assert "Refer to a provider" in content
    assert "Suggested provider: <strong>Northway Mediation</strong>" in content
    assert "Northway Mediation: 0 of 0 referrals (0%) against a 60% share: 60 points below" in content
    assert "Southgate Mediation: 0 of 0 referrals (0%) against a 40% share: 40 points below" in content
    assert "Closed Mediation: not considered (inactive, no capacity)" in content
    assert f'<option value="{northway.pk}" selected>Northway Mediation</option>' in content
    assert "Reason for not using the suggested provider" in content


def test_refer_form_carries_over_the_declined_referrals_dates(client_for, officer):
    declined = ReferralFactory(
        declined=True, family_told_la_on=date(2026, 10, 29), provider_told_la_on=date(2026, 10, 30)
    )
    content = text_of(client_for(officer).get(declined.case.get_absolute_url()))
    assert "was declined (no capacity)" in content
    assert shows_date(content, "family_told_la_on", date(2026, 10, 29))
    assert shows_date(content, "provider_told_la_on", date(2026, 10, 30))


def test_no_refer_form_while_a_referral_is_active(client_for, officer, world):
    content = text_of(client_for(officer).get(world.referral.case.get_absolute_url()))
    assert "Refer to a provider" not in content
    assert world.referral.get_absolute_url() in content
    assert world.mediator.user.get_full_name() in content


def test_late_adviser_contact_is_flagged(client_for, officer):
    contact = AdviserContactFactory(contacted_on=date(2026, 6, 1), late=True)
    content = text_of(client_for(officer).get(contact.case.get_absolute_url()))
    assert "Late: after the 2-month limit" in content


def test_recording_a_late_adviser_contact_through_the_panel(client_for, officer):
    case = CaseFactory()
    response = client_for(officer).post(
        reverse("referrals:adviser_contact", args=[case.pk]),
        {"contacted_on": "2026-06-01", "choice": "no_mediation", "adviser_name": "Pat Adviser"},
        follow=True,
    )
    content = text_of(response)
    assert "Adviser contact recorded (late: after the 2-month limit)" in content
    assert "Late: after the 2-month limit" in content
    assert "Issue a 'mediation declined' certificate" in content
    assert AdviserContact.objects.get(case=case).late


def test_impossible_adviser_contact_date_reshows_the_case_page_with_400(client_for, officer):
    case = CaseFactory()
    response = client_for(officer).post(
        reverse("referrals:adviser_contact", args=[case.pk]), {"contacted_on": "2026-02-30", "choice": "mediation"}
    )
    assert response.status_code == 400
    content = text_of(response)
    assert title_of(response).startswith("Error:")
    assert 'href="#adviser_contacted_on_day"' in content and "Enter a valid date." in content
    assert not AdviserContact.objects.exists()


def test_referral_through_the_panel_needs_a_reason_for_another_provider(client_for, officer):
    northway = ProviderFactory(name="Northway Mediation", contract_share=60)
    southgate = ProviderFactory(name="Southgate Mediation", contract_share=40)
    MediatorFactory(provider=northway)
    MediatorFactory(provider=southgate)
    case = CaseFactory()
    url = reverse("referrals:create", args=[case.pk])
    c = client_for(officer)
    response = c.post(url, {"provider": southgate.pk, "family_told_la_on": "2026-11-02"})
    assert response.status_code == 400
    assert "Give a reason for not using the suggested provider." in text_of(response)
    assert not Referral.objects.exists()
    response = c.post(
        url,
        {"provider": southgate.pk, "family_told_la_on": "2026-11-02", "provider_choice_reason": "Conflict"},
        follow=True,
    )
    assert "Referred to Southgate Mediation" in text_of(response)


def test_tribunal_outcome_offers_readable_order_kinds_and_needs_the_sent_date(client_for, officer):
    appeal = TribunalAppealFactory()
    c = client_for(officer)
    content = text_of(c.get(appeal.case.get_absolute_url()))
    assert '<option value="make_and_maintain_plan">Make and maintain an EHC plan</option>' in content
    assert '<option value="placement_only">Placement only (section I)</option>' in content
    response = c.post(
        reverse("referrals:appeal_outcome", args=[appeal.case.pk, appeal.pk]),
        {"outcome": "upheld", "outcome_on": "2026-11-19", "order_kind": "make_and_maintain_plan"},
    )
    assert response.status_code == 400
    assert "Enter the date the Tribunal sent out the order." in text_of(response)
    appeal.refresh_from_db()
    assert appeal.outcome == ""


def test_tribunal_order_sets_compliance_clocks(client_for, officer):
    appeal = TribunalAppealFactory()
    response = client_for(officer).post(
        reverse("referrals:appeal_outcome", args=[appeal.case.pk, appeal.pk]),
        {
            "outcome": "upheld",
            "outcome_on": "2026-11-18",
            "order_kind": "make_and_maintain_plan",
            "order_sent_on": "2026-11-19",
        },
        follow=True,
    )
    assert "Tribunal outcome recorded: upheld" in text_of(response)
    assert Deadline.objects.filter(case=appeal.case, clock="C14").count() == 2


def test_drs_route_shows_the_drs_block_and_refers(client_for, officer):
    provider = ProviderFactory(name="Talk It Through", offers_drs=True)
    case = CaseFactory(route=Route.DRS, decision="")
    c = client_for(officer)
    content = text_of(c.get(case.get_absolute_url()))
    assert "Refer for disagreement resolution" in content and "Refer to a provider" not in content
    response = c.post(
        reverse("referrals:drs_refer", args=[case.pk]),
        {"kind": "school_provision", "provider": provider.pk, "referred_on": "2026-11-19"},
        follow=True,
    )
    assert "Referred to Talk It Through for disagreement resolution" in text_of(response)


def test_panel_query_count_is_constant_as_the_case_grows(client_for, officer, django_assert_max_num_queries):
    case = CaseFactory()
    referral = ReferralFactory(declined=True, case=case)
    CertificateFactory(referral=referral, case=case, kind=Certificate.Kind.DECLINED)
    case.certificate_issued_on = date(2026, 11, 19)
    case.save()
    TribunalAppealFactory(case=case)
    c = client_for(officer)
    c.get(case.get_absolute_url())
    with django_assert_max_num_queries(40) as small:
        c.get(case.get_absolute_url())
    for version in range(2, 6):
        extra = ReferralFactory(declined=True, case=case)
        CertificateFactory(referral=extra, case=case, version=version, correction_reason="typo")
        TribunalAppealFactory(case=case)
    with django_assert_max_num_queries(40) as large:
        content = text_of(c.get(case.get_absolute_url()))
    assert content.count("View referral") == 5
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Bad input on the referral page -----------------------------------------------------------------------------


def test_impossible_response_date_gives_a_field_message_and_saves_nothing(client_for, officer):
    referral = ReferralFactory()
    response = client_for(officer).post(
        reverse("referrals:respond", args=[referral.pk]), {"accepted": "yes", "responded_on": "2026-02-30"}
    )
    assert response.status_code == 400
    content = text_of(response)
    assert title_of(response).startswith("Error:")
    assert 'href="#respond_responded_on_day"' in content and "Enter a valid date." in content
    referral.refresh_from_db()
    assert referral.status == RS.REFERRED and referral.responded_on is None


def test_future_response_date_is_refused_by_the_service_beside_the_field(client_for, officer):
    referral = ReferralFactory()
    response = client_for(officer).post(
        reverse("referrals:respond", args=[referral.pk]), {"accepted": "yes", "responded_on": "2026-12-25"}
    )
    assert response.status_code == 400
    assert "The date of the provider&#x27;s response cannot be in the future." in text_of(response)
    assert Referral.objects.get(pk=referral.pk).status == RS.REFERRED


def test_decline_needs_a_coded_reason(client_for, officer):
    referral = ReferralFactory()
    response = client_for(officer).post(
        reverse("referrals:respond", args=[referral.pk]), {"accepted": "no", "responded_on": "2026-11-19"}
    )
    assert response.status_code == 400
    assert "Choose why the provider declined." in text_of(response)
    assert Referral.objects.get(pk=referral.pk).status == RS.REFERRED


def test_impossible_session_time_is_refused(client_for, mediator_user, world):
    response = client_for(mediator_user).post(
        reverse("referrals:session_schedule", args=[world.referral.pk]),
        {"starts_at": "2026-11-31T25:00", "mode": "online", "notice_sent_on": "2026-11-19"},
    )
    assert response.status_code == 400
    assert 'href="#schedule_starts_at_day"' in text_of(response)
    assert world.referral.sessions.count() == 1


def test_short_notice_without_consent_is_refused(client_for, mediator_user, world):
    response = client_for(mediator_user).post(
        reverse("referrals:session_schedule", args=[world.referral.pk]),
        {"starts_at": "2026-11-24T10:00", "mode": "online", "notice_sent_on": "2026-11-20"},
    )
    assert response.status_code == 400
    assert "5 working days before" in text_of(response)
    assert world.referral.sessions.count() == 1


def test_cancelled_session_needs_who_cancelled(client_for, mediator_user, world):
    url = reverse("referrals:session_record", args=[world.referral.pk, world.session.pk])
    response = client_for(mediator_user).post(url, {"status": "cancelled"})
    assert response.status_code == 400
    assert f'href="#session{world.session.pk}_cancelled_by"' in text_of(response)
    world.session.refresh_from_db()
    assert world.session.status == MediationSession.SessionStatus.PLANNED


def test_mark_done_with_an_impossible_date_saves_nothing(client_for, officer, world):
    url = reverse("referrals:action_done", args=[world.referral.pk, world.action.pk])
    response = client_for(officer).post(url, {"done_on": "2026-13-01"})
    assert response.status_code == 400
    assert f'href="#done{world.action.pk}_done_on_day"' in text_of(response)
    assert AgreementAction.objects.get(pk=world.action.pk).done_on is None


def test_withdrawal_asks_for_confirmation_on_its_own_page(client_for, mediator_user, world):
    c = client_for(mediator_user)
    url = reverse("referrals:withdraw", args=[world.referral.pk])
    content = text_of(c.get(url))
    assert "cannot be undone" in content
    response = c.post(url, {"withdrawn_on": "2026-11-19", "reason": ""})
    assert response.status_code == 400
    assert title_of(response).startswith("Error:")
    assert Referral.objects.get(pk=world.referral.pk).status == RS.SCHEDULED
    response = c.post(url, {"withdrawn_on": "2026-11-19", "reason": "Changed their mind"}, follow=True)
    assert "withdrawal is recorded" in text_of(response)
    assert Referral.objects.get(pk=world.referral.pk).status == RS.WITHDRAWN


# --- Certificates --------------------------------------------------------------------------------------------


def test_certificate_download_is_a_pdf_attachment_named_by_number(client_for, officer, world):
    response = client_for(officer).get(reverse("referrals:certificate_download", args=[world.certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{world.certificate.number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_certificate_download_is_logged_as_access(client_for, mediator_user, world):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append((sender, instance.pk))

    accessed.connect(receiver, sender=Certificate)
    try:
        client_for(mediator_user).get(reverse("referrals:certificate_download", args=[world.certificate.pk]))
    finally:
        accessed.disconnect(receiver, sender=Certificate)
    assert seen == [(Certificate, world.certificate.pk)]


def test_certificate_of_a_case_without_referral_is_hidden_from_mediators(client_for, mediator_user, officer):
    MediatorFactory(user=mediator_user)
    contact = AdviserContactFactory(choice=AdviserContact.Choice.NO_MEDIATION)
    cert = CertificateFactory(referral=None, case=contact.case, kind=Certificate.Kind.DECLINED)
    url = reverse("referrals:certificate_download", args=[cert.pk])
    assert client_for(mediator_user).get(url).status_code == 404
    assert client_for(officer).get(url).status_code == 200


def test_certificate_page_prefills_the_issuer_and_asks_for_a_correction_reason(client_for, mediator_user, world):
    referral = ReferralFactory(concluded=True, mediator=world.mediator, provider=world.mediator.provider)
    c = client_for(mediator_user)
    url = reverse("referrals:certificate", args=[referral.pk])
    content = text_of(c.get(url))
    assert "Issuing is final" in content
    assert 'value="Mo Mediator"' in content
    assert "Reason for issuing a corrected version" not in content
    CertificateFactory(referral=referral)
    content = text_of(c.get(url))
    assert "Reason for issuing a corrected version" in content


def test_issuing_a_certificate_needs_the_right_stage(client_for, officer, world):
    response = client_for(officer).post(
        reverse("referrals:certificate", args=[world.other.pk]), DATA["referrals:certificate"]
    )
    assert response.status_code == 400
    assert world.other.certificates.count() == 1


# --- The referral list (officers) ------------------------------------------------------------------------------


def test_officer_list_filters_by_status_provider_and_mediator_with_tags(client_for, officer):
    northway = ProviderFactory(name="Northway Mediation")
    first = ReferralFactory(assigned=True, provider=northway)
    ReferralFactory(declined=True)
    c = client_for(officer)
    content = text_of(c.get(reverse("referrals:list")))
    assert "Referrals <span" in content and "(2)" in content
    content = text_of(c.get(reverse("referrals:list"), {"status": RS.ASSIGNED, "provider": northway.pk}))
    assert "(1)" in content and first.case.reference in content
    assert "Status: Mediator assigned" in content and "Provider: Northway Mediation" in content
    content = text_of(c.get(reverse("referrals:list"), {"mediator": first.mediator.pk}))
    assert "(1)" in content and f"Mediator: {escape(first.mediator)}" in content  # O'Brien is O&#x27;Brien


def test_officer_list_sorts_on_the_server(client_for, officer):
    early = ReferralFactory(referred_on=date(2026, 10, 1))
    late = ReferralFactory(referred_on=date(2026, 11, 10))
    content = text_of(client_for(officer).get(reverse("referrals:list"), {"sort": "referred"}))
    assert content.index(early.case.reference) < content.index(late.case.reference)
    assert 'aria-sort="ascending"' in content
    content = text_of(client_for(officer).get(reverse("referrals:list"), {"sort": "nonsense"}))
    assert content.index(late.case.reference) < content.index(early.case.reference)


def test_officer_list_paginates_with_total(client_for, officer):
    ReferralFactory.create_batch(27)
    content = text_of(client_for(officer).get(reverse("referrals:list")))
    assert "(27)" in content and "Showing 1 to 25 of 27 results" in content


def test_malformed_filter_gives_a_message_not_an_error(client_for, officer):
    response = client_for(officer).get(reverse("referrals:list"), {"provider": "abc", "status": "nonsense"})
    assert response.status_code == 200
    assert title_of(response).startswith("Error:")
    assert "There is a problem" in text_of(response)


def test_officer_list_query_count_is_constant_as_rows_grow(client_for, officer, django_assert_max_num_queries):
    c = client_for(officer)
    ReferralFactory.create_batch(3, assigned=True)
    with django_assert_max_num_queries(15) as small:
        c.get(reverse("referrals:list"))
    ReferralFactory.create_batch(30, scheduled=True)
    with django_assert_max_num_queries(15) as large:
        c.get(reverse("referrals:list"), {"sort": "mediator"})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_mediator_list_query_count_is_constant_as_rows_grow(client_for, mediator_user, django_assert_max_num_queries):
    mine = MediatorFactory(user=mediator_user)
    c = client_for(mediator_user)
    ReferralFactory(scheduled=True, mediator=mine, provider=mine.provider)
    with django_assert_max_num_queries(12) as small:
        c.get(reverse("referrals:list"))
    for _ in range(20):
        referral = ReferralFactory(scheduled=True, mediator=mine, provider=mine.provider)
        SessionFactory(referral=referral)
    with django_assert_max_num_queries(12) as large:
        c.get(reverse("referrals:list"))
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The whole pathway through the pages ------------------------------------------------------------------------


def on(day: str):
    """Travel to 10am London time on `day` (GMT in November): the pages record what happens that day."""
    return time_machine.travel(f"{day} 10:00:00+00:00", tick=False)


def test_refer_accept_assign_schedule_hold_conclude_act_and_certify_moves_the_appeal_deadline(
    client_for, officer, mediator_user
):
    provider = ProviderFactory(name="Northway Mediation", contract_share=100)
    jane = MediatorFactory(user=mediator_user, provider=provider)
    case = CaseFactory(decision_sent_on=date(2026, 10, 1), sections_disputed=["B", "F"])
    clock_services.case_clocks_recompute(case=case, actor=officer)
    assert Deadline.objects.get(case=case, key="C9").due_on == date(2026, 12, 1)
    with on("2026-11-02"):
        lead = client_for(officer)  # signed in again each day: an idle session expires after 30 minutes
        content = text_of(lead.get(case.get_absolute_url()))
        assert f'<option value="{provider.pk}" selected>Northway Mediation</option>' in content
        response = lead.post(
            reverse("referrals:create", args=[case.pk]),
            {"provider": provider.pk, "family_told_la_on": "2026-11-02"},
            follow=True,
        )
        assert "Referred to Northway Mediation" in text_of(response)
    referral = Referral.objects.get(case=case)

    with on("2026-11-03"):
        lead = client_for(officer)
        response = lead.post(
            reverse("referrals:respond", args=[referral.pk]),
            {"accepted": "yes", "responded_on": "2026-11-03"},
            follow=True,
        )
        assert "Northway Mediation accepted the referral" in text_of(response)
        response = lead.post(reverse("referrals:assign", args=[referral.pk]), {"mediator": jane.pk}, follow=True)
        assert "Mediator Mo Mediator assigned" in text_of(response)

    with on("2026-11-09"):
        mediator = client_for(mediator_user)
        response = mediator.post(
            reverse("referrals:session_schedule", args=[referral.pk]),
            {
                "starts_at": "2026-11-18T10:00",
                "mode": "in_person",
                "venue": "Civic Centre",
                "notice_sent_on": "2026-11-09",
            },
            follow=True,
        )
        assert "Session arranged for Wed 18 Nov 2026 at 10:00" in text_of(response)
    session = referral.sessions.get()

    with on("2026-11-18"):
        mediator = client_for(mediator_user)
        response = mediator.post(
            reverse("referrals:session_record", args=[referral.pk, session.pk]),
            {
                "status": "held",
                "party_attended": "on",
                "la_decision_maker_attended": "on",
                "child_views_obtained": "on",
            },
            follow=True,
        )
        assert "Session recorded: held" in text_of(response)
        response = mediator.post(
            reverse("referrals:conclude", args=[referral.pk]),
            {
                "concluded_on": "2026-11-18",
                "outcome": "partial",
                "agreement_on": "2026-11-18",
                "issue_B": "agreed",
                "issue_F": "not_agreed",
            },
            follow=True,
        )
        content = text_of(response)
        assert "Mediation concluded: partial agreement" in content
        assert "Section B: needs" in content and "Not agreed" in content
        response = mediator.post(
            reverse("referrals:action_add", args=[referral.pk]),
            {"description": "Arrange an educational psychologist visit", "owner": "la", "basis": "other"},
            follow=True,
        )
        assert "Agreed action added" in text_of(response)
    assert referral.actions.get().due_on == date(2026, 12, 2)

    mediator = client_for(mediator_user)
    certificate_url = reverse("referrals:certificate", args=[referral.pk])
    assert "Issuing is final" in text_of(mediator.get(certificate_url))
    response = mediator.post(
        certificate_url,
        {"kind": "concluded", "issued_on": "2026-11-20", "issuer_name": "Mo Mediator", "issuer_role": "Mediator"},
        follow=True,
    )
    cert = Certificate.objects.get(case=case)
    assert f"Certificate {cert.number} issued" in text_of(response)

    referral.refresh_from_db()
    assert referral.status == RS.CONCLUDED and referral.outcome == Referral.Outcome.PARTIAL
    appeal_clock = Deadline.objects.get(case=case, key="C9")
    # Certificate + 1 month is Sun 20 Dec 2026: the next working day, later than decision + 2 months (1 Dec).
    assert appeal_clock.due_on == date(2026, 12, 21)
    assert appeal_clock.facts["certificate_issued_on"] == "2026-11-20"
    assert Deadline.objects.get(case=case, key="C8").state == Deadline.State.MET

    download = client_for(officer).get(reverse("referrals:certificate_download", args=[cert.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
