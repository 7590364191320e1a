"""SENDIASS and the Independent Supporters are offered at intake: the intake form lists the active services with
their contacts, and the officer records that they told the family about them (shown on the case page)."""

import time_machine
from django.urls import reverse

from cases.models import Case
from cases.tests.test_views import NOW, form_data
from letters.models import SupportService


@time_machine.travel(NOW, tick=False)
def test_the_intake_form_offers_the_support_services_and_records_the_offer(client_for, officer):
    SupportService.objects.all().delete()
    SupportService.objects.create(kind="sendiass", name="Anytown SENDIASS", phone="0113 496 0001")
    SupportService.objects.create(kind="independent_supporter", name="Northside Supporters", area="the north")
    SupportService.objects.create(kind="sendiass", name="Closed Service", active=False)
    client = client_for(officer)

    page = client.get(reverse("cases:create")).content.decode()
    support = page.split('id="intake-support-heading"')[1].split("</section>")[0]
    assert "Anytown SENDIASS" in support and "Phone 0113 496 0001" in support
    assert "Northside Supporters" in support and "Covers the north" in support
    assert "Closed Service" not in support
    assert 'name="support_offered"' in page
    assert page.index('id="intake-support-heading"') < page.index('name="support_offered"')

    response = client.post(reverse("cases:create"), form_data(support_offered="on"))
    case = Case.objects.get()
    assert response.status_code == 302 and case.support_offered is True
    detail = client.get(case.get_absolute_url()).content.decode()
    row = detail.split("Told about SENDIASS and Independent Supporters")[1][:200]
    assert "Yes" in row


@time_machine.travel(NOW, tick=False)
def test_not_ticking_it_records_that_the_family_was_not_told(client_for, officer):
    client_for(officer).post(reverse("cases:create"), form_data())
    assert Case.objects.get().support_offered is False
