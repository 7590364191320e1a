"""Services re-check the permission whatever calls them."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from cases.models import CaseEvent
from cases.tests.factories import CaseFactory
from privacy import services
from privacy.models import CaseRetention

pytestmark = [pytest.mark.django_db, pytest.mark.today(date(2026, 12, 8))]


@pytest.mark.parametrize("role", ["officer", "mediator_user"])
def test_only_holders_of_the_permission_can_place_or_lift_a_hold(request, role):
    user = request.getfixturevalue(role)
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.legal_hold_place(case=case, actor=user, reason="Claim")
    with pytest.raises(PermissionDenied):
        services.legal_hold_lift(case=case, actor=user, reason="Settled")
    assert not CaseRetention.objects.exists()


@pytest.mark.parametrize("role", ["officer", "mediator_user"])
def test_only_holders_of_the_permission_can_record_an_export(request, role):
    user = request.getfixturevalue(role)
    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.subject_access_record(cases=[case], actor=user, purpose="subject_access")
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.EXPORTED).exists()


def test_an_export_needs_a_known_purpose(data_protection_officer):
    from django.core.exceptions import ValidationError

    case = CaseFactory()
    with pytest.raises(ValidationError, match="Choose what the export is for"):
        services.subject_access_record(cases=[case], actor=data_protection_officer, purpose="curiosity")
