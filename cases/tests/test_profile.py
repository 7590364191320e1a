"""The profile page: who can open it, the reminder email switch, and that nobody can change someone else's."""

import pytest
from django.urls import reverse

from cases.models import StaffPreference

pytestmark = pytest.mark.django_db

URL = "/profile/"


def reminders_on(user):
    preference = StaffPreference.objects.filter(user=user).first()
    return preference is None or preference.reminder_emails


def test_profile_url_is_named_profile():
    assert reverse("profile") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


def test_anonymous_post_is_sent_to_sign_in_and_changes_nothing(client, officer):
    response = client.post(URL, {})
    assert response.status_code == 302
    assert not StaffPreference.objects.exists()


def test_officer_sees_name_roles_and_reminders_on_by_default(client_for, officer):
    response = client_for(officer).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Your profile" in html
    assert "Olivia Officer" in html
    assert "olivia_officer@example.gov.uk" in html
    assert "SEN officer" in html
    assert "Deadline reminder emails" in html
    assert 'name="reminder_emails"' in html
    assert "checked" in html.split('name="reminder_emails"')[1].split(">")[0]
    assert "due within 5 working days" in html
    # Looking at the page writes nothing.
    assert not StaffPreference.objects.exists()


def test_officer_can_turn_reminders_off_and_back_on(client_for, officer):
    client = client_for(officer)

    response = client.post(URL, {}, follow=True)  # an unticked box sends nothing

    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "Reminder emails turned off" in html
    assert "checked" not in html.split('name="reminder_emails"')[1].split(">")[0]
    assert reminders_on(officer) is False

    response = client.post(URL, {"reminder_emails": "on"}, follow=True)

    assert "Reminder emails turned on" in response.content.decode()
    assert reminders_on(officer) is True
    assert StaffPreference.objects.filter(user=officer).count() == 1


def test_mediator_can_open_their_profile_but_has_no_reminder_setting(client_for, mediator_user):
    response = client_for(mediator_user).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mo Mediator" in html
    assert '<dt class="col-sm-4">Roles</dt><dd class="col-sm-8 mb-0">Mediator</dd>' in html
    assert "Deadline reminder emails" not in html
    assert 'name="reminder_emails"' not in html


def test_mediator_cannot_post_a_reminder_setting(client_for, mediator_user):
    response = client_for(mediator_user).post(URL, {"reminder_emails": ""})
    assert response.status_code == 403
    assert not StaffPreference.objects.exists()


def test_posting_another_users_id_changes_only_your_own_preference(client_for, officer, other_officer):
    theirs = StaffPreference.objects.create(user=other_officer, reminder_emails=True)

    client_for(officer).post(URL, {"user": other_officer.pk, "id": theirs.pk, "reminder_emails": ""})

    theirs.refresh_from_db()
    assert theirs.reminder_emails is True
    assert theirs.user == other_officer
    mine = StaffPreference.objects.get(user=officer)
    assert mine.reminder_emails is False
    assert mine.pk != theirs.pk


def test_profile_warns_when_there_is_no_email_address(client_for, officer):
    officer.email = ""
    officer.save()
    html = client_for(officer).get(URL).content.decode()
    assert "We have no email address for you" in html


def test_nav_links_to_the_profile_and_marks_it_current(client_for, officer):
    client = client_for(officer)
    html = client.get(URL).content.decode()
    assert f'href="{URL}" aria-current="page">Profile</a>' in html
    other_page = client.get(reverse("cases:list")).content.decode()
    assert f'href="{URL}">Profile</a>' in other_page


def test_profile_page_is_not_cached(client_for, officer):
    response = client_for(officer).get(URL)
    assert "no-store" in response["Cache-Control"]


def test_profile_rejects_other_methods(client_for, officer):
    assert client_for(officer).put(URL).status_code == 405
