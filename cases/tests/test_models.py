"""Reference data: schools and early years settings (issue 13 item 10). Private, voluntary and independent
nurseries and childminders are registered with Ofsted and may have an Ofsted URN or none; schools keep their URN."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.models import School, SchoolPhase, SettingType
from cases.tests.factories import CaseFactory, SchoolFactory

pytestmark = pytest.mark.django_db

EARLY_YEARS = SchoolPhase.EARLY_YEARS


@pytest.mark.parametrize("setting_type", [SettingType.PVI_NURSERY, SettingType.CHILDMINDER])
def test_an_early_years_setting_can_be_recorded_without_a_urn(setting_type):
    setting = School(name="Little Acorns", setting_type=setting_type, urn="", phase=EARLY_YEARS)
    setting.full_clean()
    setting.save()
    assert str(setting) == f"Little Acorns ({SettingType(setting_type).label.lower()}, no URN)"


def test_several_settings_without_a_urn_can_be_recorded_but_a_urn_is_unique():
    for name in ("Busy Bees Day Nursery", "Jo Bloggs (childminder)"):
        School.objects.create(name=name, setting_type=SettingType.PVI_NURSERY, urn="", phase=EARLY_YEARS)
    School.objects.create(name="Acorn Nursery", setting_type=SettingType.PVI_NURSERY, urn="EY123456", phase=EARLY_YEARS)
    assert School.objects.filter(urn="").count() == 2
    duplicate = School(name="Another", setting_type=SettingType.CHILDMINDER, urn="EY123456", phase=EARLY_YEARS)
    with pytest.raises(ValidationError) as refused:
        duplicate.full_clean()
    assert refused.value.messages == ["A school or setting with this URN is already recorded."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize("urn", ["EY123456", "2512345", "123456"])
def test_an_ofsted_urn_is_accepted_for_a_childminder(urn):
    School(name="Sam Carter", setting_type=SettingType.CHILDMINDER, urn=urn, phase=EARLY_YEARS).full_clean()


@pytest.mark.parametrize("urn", ["EY12345", "XY123456", "12345", "12345678"])
def test_a_malformed_ofsted_urn_is_refused_with_the_formats_it_takes(urn):
    with pytest.raises(ValidationError) as refused:
        School(name="Sam Carter", setting_type=SettingType.CHILDMINDER, urn=urn, phase=EARLY_YEARS).full_clean()
    assert refused.value.message_dict["urn"] == [
        "Enter the Ofsted URN as EY and 6 digits (EY123456) or as 6 or 7 digits, or leave it blank."
    ]


@pytest.mark.parametrize("setting_type", [SettingType.SCHOOL, SettingType.COLLEGE, SettingType.MAINTAINED_NURSERY])
def test_a_school_still_needs_its_six_digit_urn(setting_type):
    for urn in ("", "EY123456", "2512345"):
        with pytest.raises(ValidationError) as refused:
            School(name="Oak Primary", setting_type=setting_type, urn=urn, phase=SchoolPhase.PRIMARY).full_clean()
        label = SettingType(setting_type).label.lower()
        assert refused.value.message_dict["urn"] == [f"A {label} needs its URN: 6 digits, for example 100001."]
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.create(name="Oak Primary", setting_type=setting_type, urn="", phase=SchoolPhase.PRIMARY)


def test_a_nursery_or_childminder_is_an_early_years_setting():
    setting = School(name="Busy Bees", setting_type=SettingType.PVI_NURSERY, urn="", phase=SchoolPhase.PRIMARY)
    with pytest.raises(ValidationError) as refused:
        setting.full_clean()
    assert refused.value.message_dict["phase"] == [
        "A private, voluntary or independent nursery is an early years setting."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        setting.save()


def test_an_existing_school_stays_a_school_with_its_urn():
    school = SchoolFactory(urn="100321")
    assert school.setting_type == SettingType.SCHOOL
    assert str(school).endswith("(100321)")


def test_an_administrator_adds_a_childminder_with_no_urn_and_an_officer_records_it_on_a_case(
    client, superuser, officer
):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:cases_school_add"),
        {"name": "Priya Shah", "setting_type": "childminder", "urn": "", "phase": "early_years", "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    childminder = School.objects.get(name="Priya Shah")
    assert (childminder.setting_type, childminder.urn) == (SettingType.CHILDMINDER, "")

    refused = client.post(
        reverse("admin:cases_school_add"),
        {"name": "Elm School", "setting_type": "school", "urn": "", "phase": "primary", "active": "on"},
    )
    assert refused.status_code == 200
    assert "A school or academy needs its URN" in refused.content.decode()
    assert not School.objects.filter(name="Elm School").exists()

    case = CaseFactory(officer=officer, school=childminder)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Priya Shah" in page
    edit = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert "Priya Shah (childminder, no URN)" in edit
