"""Certificate storage failures (issue 10, section 3.4): an unwritable folder gives a clear error page with nothing
saved; a missing PDF gives a 404 page saying the file is missing and whom to tell."""

import html

import pytest
import time_machine
from django.urls import reverse

from cases.models import CaseEvent
from referrals.models import Certificate
from referrals.tests.factories import CertificateFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20 12:00:00+00:00", tick=False)
def test_an_unwritable_certificate_folder_gives_a_clear_page_and_saves_nothing(client_for, officer, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    referral = ReferralFactory(concluded=True)
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.post(
        reverse("referrals:certificate", args=[referral.pk]),
        {
            "kind": "concluded",
            "issued_on": "2026-11-19",
            "issuer_name": "Ann Adviser",
            "issuer_role": "Mediation adviser",
        },
    )
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert "The certificate could not be stored" in content
    assert "Nothing was issued" in content
    assert not Certificate.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.CERTIFICATE).exists()


def test_a_missing_certificate_file_gives_a_404_page_that_says_so(client_for, officer):
    cert = CertificateFactory()
    cert.pdf.storage.delete(cert.pdf.name)
    client = client_for(officer)
    client.raise_request_exception = False
    response = client.get(reverse("referrals:certificate_download", args=[cert.pk]))
    assert response.status_code == 404
    content = html.unescape(response.content.decode())
    assert f"The PDF of certificate {cert.number} is missing from the portal's storage" in content
    assert "Tell the portal's administrators" in content
