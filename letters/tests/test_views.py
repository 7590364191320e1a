"""Letters from the case page: who may draft them (403/404), the preview, the PDF and Word files' content, recording
a letter as sent (on the case and its timeline), bad input, the access log and query counts."""

import io
from datetime import date

import docx
import pypdf
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from cases.models import CaseEvent, Decision, Route
from cases.tests.factories import CaseFactory
from letters.models import Letter, LetterTemplate, SupportService
from referrals.tests.factories import AgreementActionFactory, CertificateFactory, ProviderFactory, ReferralFactory

pytestmark = [pytest.mark.usefixtures("letter_templates"), pytest.mark.today(date(2026, 11, 20))]


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return " ".join(" ".join(p.text for p in document.paragraphs).split())


@pytest.fixture
def case(officer):
    ProviderFactory(name="Calm Waters Mediation", phone="0113 496 0000", email="advice@calmwaters.example")
    return CaseFactory(
        officer=officer,
        party_name="Grace Okafor",
        child_first_name="Amara",
        child_last_name="Okafor",
        address="1 High Street\nAnytown",
        postcode="LS1 4AP",
        decision=Decision.RTA,
        decision_sent_on=date(2026, 10, 1),
        first_contact_on=date(2026, 10, 6),
    )


def draft_url(case, kind=None):
    url = reverse("letters:draft", args=[case.pk])
    return f"{url}?kind={kind}" if kind else url


# --- Who may draft ----------------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, case):
    response = client.get(draft_url(case))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("who", ["mediator_user", "data_protection_officer"])
def test_roles_without_letters_are_refused_everywhere(client_for, request, case, who):
    c = client_for(request.getfixturevalue(who))
    for url in [
        draft_url(case, "acknowledgement"),
        reverse("letters:pdf", args=[case.pk, "acknowledgement"]),
        reverse("letters:docx", args=[case.pk, "acknowledgement"]),
    ]:
        assert c.get(url).status_code == 403, url
    response = c.post(reverse("letters:record", args=[case.pk]), {"kind": "acknowledgement"})
    assert response.status_code == 403
    assert not Letter.objects.exists()


def test_an_unknown_case_or_letter_is_not_found(client_for, officer, case):
    c = client_for(officer)
    assert c.get(reverse("letters:draft", args=[case.pk + 999])).status_code == 404
    assert c.get(reverse("letters:pdf", args=[case.pk, "no_such_letter"])).status_code == 404
    assert c.get(reverse("letters:docx", args=[case.pk + 999, "acknowledgement"])).status_code == 404
    assert c.get(reverse("letters:sent_pdf", args=[case.pk, 12345])).status_code == 404


def test_a_letter_the_case_cannot_have_yet_is_not_found_and_says_why_on_the_page(client_for, officer, case):
    c = client_for(officer)
    assert c.get(reverse("letters:pdf", args=[case.pk, "certificate_cover"])).status_code == 404
    page = c.get(draft_url(case)).content.decode()
    assert "Cover letter for a mediation certificate: The case has no mediation certificate yet." in page
    refused = c.get(draft_url(case, "certificate_cover"))
    assert refused.status_code == 400
    assert "Choose a letter this case can have now." in refused.content.decode()


@pytest.mark.parametrize("kind", ["", "x" * 10_000, "../admin", "acknowledgement'--", "ACKNOWLEDGEMENT"])
def test_hostile_kinds_are_refused_with_a_message(client_for, officer, case, kind):
    response = client_for(officer).get(reverse("letters:draft", args=[case.pk]), {"kind": kind})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_a_null_character_in_the_kind_is_a_bad_request(client_for, officer, case):
    response = client_for(officer).get(reverse("letters:draft", args=[case.pk]), {"kind": "\x00"})
    assert response.status_code == 400
    assert "Record as sent" not in response.content.decode()


# --- Preview and files ------------------------------------------------------------------------------------------


def test_a_manager_previews_the_mediation_information_letter(client_for, manager, case):
    SupportService.objects.create(kind="sendiass", name="Anytown SENDIASS", phone="0113 496 0001")
    response = client_for(manager).get(draft_url(case, "mediation_information"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: Mediation information" in page
    assert "Mediation, and your right to appeal our decision: Refusal to carry out an EHC needs assessment" in page
    assert "Dear Grace Okafor," in page
    assert "by Tuesday 1 December 2026, 2 months from the date our decision letter was sent" in page
    assert "Calm Waters Mediation: phone 0113 496 0000, advice@calmwaters.example" in page
    assert "Anytown SENDIASS: phone 0113 496 0001" in page
    assert "Disagreement resolution is also available" in page
    assert "<title>Letters for case" in page and "Okafor" not in page[: page.index("</title>")]


def test_the_pdf_and_word_files_hold_the_letter_and_are_logged_as_views_of_the_case(client_for, officer, case):
    c = client_for(officer)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    pdf = c.get(reverse("letters:pdf", args=[case.pk, "acknowledgement"]))
    word = c.get(reverse("letters:docx", args=[case.pk, "acknowledgement"]))

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{case.reference}-acknowledgement.pdf"'
    text = pdf_text(pdf.content)
    for expected in [
        "Example Borough Council",
        "Grace Okafor 1 High Street Anytown LS1 4AP",
        "Friday 20 November 2026",
        f"Our reference: {case.reference}",
        "Your disagreement about our decision: Refusal to carry out an EHC needs assessment",
        "Thank you for contacting us on Tuesday 6 October 2026 about Amara Okafor.",
        "Olivia Officer is dealing with it",
    ]:
        assert expected in text, expected
    metadata = repr(dict(pypdf.PdfReader(io.BytesIO(pdf.content)).metadata))
    assert "Okafor" not in metadata

    assert word["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert word["Content-Disposition"].endswith(f'filename="{case.reference}-acknowledgement.docx"')
    words = docx_text(word.content)
    assert "Dear Grace Okafor," in words
    assert "Thank you for contacting us on Tuesday 6 October 2026 about Amara Okafor." in words
    assert (
        docx.Document(io.BytesIO(word.content)).core_properties.title
        == f"Acknowledgement of the disagreement, case {case.reference}"
    )
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 2


def test_a_health_or_social_care_only_certificate_cover_has_no_appeal_form(client_for, officer):
    case = CaseFactory(officer=officer, decision=Decision.HSC, route=Route.MEDIATION, health_involved=True)
    CertificateFactory(referral=ReferralFactory(concluded=True, case=case), number="CERT-HSC-1")
    text = pdf_text(client_for(officer).get(reverse("letters:pdf", args=[case.pk, "certificate_cover"])).content)
    assert "Please find enclosed mediation certificate CERT-HSC-1" in text
    assert "there is no appeal form to send it with" in text
    assert "SEND35" not in text


def test_the_agreement_letter_lists_each_action_with_its_date(client_for, officer, case):
    referral = ReferralFactory(concluded=True, case=case, agreement_on=date(2026, 11, 18))
    AgreementActionFactory(referral=referral, description="Send the family the EP report", due_on=date(2026, 12, 2))
    AgreementActionFactory(referral=referral, description="Arrange a review", owner="icb", due_on=date(2026, 12, 9))
    words = docx_text(
        client_for(officer).get(reverse("letters:docx", args=[case.pk, "agreement_confirmation"])).content
    )
    assert "The actions agreed at mediation on Wednesday 18 November 2026" in words
    assert "• Send the family the EP report: the LA, by Wednesday 2 December 2026" in words
    assert "• Arrange a review: the ICB, by Wednesday 9 December 2026" in words


def test_details_the_case_does_not_record_are_named_in_the_preview(client_for, officer, case):
    case.officer = None
    case.save()
    page = client_for(officer).get(draft_url(case, "acknowledgement")).content.decode()
    assert "The case does not record these details yet" in page
    assert "<li>The officer dealing with the case</li>" in page
    assert "[not recorded] is dealing with it" in page


def test_a_template_broken_outside_the_admin_is_not_drafted(client_for, officer, case):
    LetterTemplate.objects.filter(kind="acknowledgement").update(body="{{ case.officer.password }}")
    c = client_for(officer)
    page = c.get(draft_url(case, "acknowledgement")).content.decode()
    assert "This letter&#x27;s template has a problem" in page
    assert "Record as sent" not in page
    assert c.get(reverse("letters:pdf", args=[case.pk, "acknowledgement"])).status_code == 404


# --- Recording a letter as sent ----------------------------------------------------------------------------------


def record(c, case, **data):
    payload = {"kind": "mediation_information", "recipient": "Grace Okafor", "method": "post", "sent_on": "2026-11-19"}
    payload.update(data)
    return c.post(reverse("letters:record", args=[case.pk]), payload)


def test_recording_a_letter_keeps_it_on_the_case_and_its_timeline(client_for, officer, case):
    c = client_for(officer)
    response = record(c, case)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    letter = Letter.objects.get()
    assert (letter.kind, letter.recipient, letter.method, letter.sent_on) == (
        "mediation_information",
        "Grace Okafor",
        "post",
        date(2026, 11, 19),
    )
    assert letter.sent_by == officer
    assert "Thursday 1 December" not in letter.body and "by Tuesday 1 December 2026" in letter.body
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.LETTER)
    assert event.description == "Letter sent: Mediation information, to Grace Okafor by post on Thu 19 Nov 2026"
    page = c.get(case.get_absolute_url()).content.decode()
    assert "Letter recorded as sent: Mediation information" in page
    assert "Letter sent: Mediation information, to Grace Okafor by post on Thu 19 Nov 2026" in page
    sent = c.get(reverse("letters:sent_pdf", args=[case.pk, letter.pk]))
    assert "Thursday 19 November 2026" in pdf_text(sent.content)
    assert "by Tuesday 1 December 2026" in docx_text(
        c.get(reverse("letters:sent_docx", args=[case.pk, letter.pk])).content
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recipient": ""}, "Enter who the letter was sent to."),
        ({"method": "pigeon"}, "Select a valid choice"),
        ({"sent_on": ""}, "Enter the date the letter was sent."),
        ({"sent_on": "2026-11-21"}, "The date sent cannot be in the future."),
        ({"sent_on": "2026-10-01"}, "cannot be before the family&#x27;s first contact (Tue 6 Oct 2026)"),
        ({"sent_on": "2101-01-01"}, "between 1 January 1900 and 31 December 2100"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(client_for, officer, case, data, message):
    response = record(client_for(officer), case, **data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Letters for case" in page
    assert "There is a problem" in page and message in page
    assert not Letter.objects.exists()
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.LETTER).exists()


def test_recording_a_letter_the_case_cannot_have_is_not_found(client_for, officer, case):
    assert record(client_for(officer), case, kind="certificate_cover").status_code == 404
    assert not Letter.objects.exists()


# --- The case page and intake --------------------------------------------------------------------------------------


def test_the_case_page_signposts_support_and_links_to_letters(client_for, officer, case):
    SupportService.objects.create(
        kind="independent_supporter", name="North Independent Support", email="north@example.org", area="the north"
    )
    page = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "Letters and support" in page
    assert "North Independent Support" in page and "Covers the north" in page
    assert reverse("letters:draft", args=[case.pk]) in page


# --- Query counts ---------------------------------------------------------------------------------------------------


def test_the_draft_page_and_files_have_a_constant_query_count(client_for, officer, case, django_assert_max_num_queries):
    c = client_for(officer)
    referral = ReferralFactory(concluded=True, case=case, agreement_on=date(2026, 11, 18))
    AgreementActionFactory(referral=referral)
    c.get(draft_url(case, "agreement_confirmation"))
    with django_assert_max_num_queries(30) as small:
        c.get(draft_url(case, "agreement_confirmation"))
    for n in range(8):
        AgreementActionFactory(referral=referral, description=f"Action {n}")
        SupportService.objects.create(kind="sendiass", name=f"Service {n}")
        ProviderFactory()
    with django_assert_max_num_queries(30) as large:
        page = c.get(draft_url(case, "agreement_confirmation")).content.decode()
    assert page.count("Action ") == 8
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_case_page_query_count_stays_constant_as_letters_and_services_grow(
    client_for, officer, case, django_assert_max_num_queries
):
    c = client_for(officer)
    record(c, case)
    c.get(case.get_absolute_url())
    with django_assert_max_num_queries(40) as small:
        c.get(case.get_absolute_url())
    for n in range(6):
        record(c, case, recipient=f"Recipient {n}")
        SupportService.objects.create(kind="independent_supporter", name=f"Supporter {n}")
    c.get(case.get_absolute_url())  # shows, and so clears, the "recorded" messages (a session write of its own)
    with django_assert_max_num_queries(40) as large:
        page = c.get(case.get_absolute_url()).content.decode()
    assert page.count("Recipient ") >= 6
    assert len(large.captured_queries) == len(small.captured_queries)
