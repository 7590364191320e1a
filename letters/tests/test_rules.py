"""What the letters say, worked out from plain facts. No database."""

from datetime import date

import pytest

from letters import rules
from letters.models import LetterKind
from referrals.certificates import AppealRoute


def facts(**overrides):
    values = {
        "letter_date": date(2026, 12, 4),
        "local_authority": "Example Borough Council",
        "case_reference": "SEND-2026-00042",
        "recipient_name": "Grace Okafor",
        "child_name": "Amara Okafor",
        "child_first_name": "Amara",
        "decision_label": "Refusal to carry out an EHC needs assessment",
        "decision_sent_on": date(2026, 10, 1),
        "first_contact_on": date(2026, 10, 6),
        "officer_name": "Olivia Officer",
        "officer_email": "olivia@example.gov.uk",
        "sender_name": "Olivia Officer",
        "appeal_route": AppealRoute.WITH_APPEAL_FORM,
        "adviser_contact_by": date(2026, 12, 1),
        "adviser_contacts": (rules.Contact("Calm Waters Mediation", phone="0113 496 0000", email="a@cw.example"),),
        "support_services": (
            rules.Contact("Anytown SENDIASS", "0113 496 0001", "iass@example.org", "https://iass.example.org",
                          "the whole borough", "SENDIASS"),
            rules.Contact("North Independent Support"),
        ),
    }  # fmt: skip
    values.update(overrides)
    return rules.LetterFacts(**values)


def test_every_field_has_a_value_worked_out_from_the_facts():
    from letters.sandbox import FIELDS

    values = rules.letter_fields(facts())
    assert set(values) == set(FIELDS)
    assert values["letter_date"] == "Friday 4 December 2026"
    assert values["adviser_contact_deadline"] == "Tuesday 1 December 2026"
    assert values["support_services"] == (
        "• Anytown SENDIASS: phone 0113 496 0001, iass@example.org, https://iass.example.org; covers the "
        "whole borough\n• North Independent Support"
    )
    assert values["mediation_adviser_contacts"] == "• Calm Waters Mediation: phone 0113 496 0000, a@cw.example"
    assert values["certificate_appeal_note"] == ""  # no certificate yet


def test_the_rights_paragraph_carries_the_two_month_contact_date_when_there_is_an_appeal():
    text = rules.appeal_rights_text(AppealRoute.WITH_APPEAL_FORM, date(2026, 12, 1))
    assert "You have the right to appeal to the First-tier Tribunal" in text
    assert "You must contact the mediation adviser by Tuesday 1 December 2026, 2 months from the date" in text


def test_the_rights_paragraph_on_a_health_or_social_care_only_case_offers_mediation_and_no_appeal():
    text = rules.appeal_rights_text(AppealRoute.NO_APPEAL, date(2026, 12, 1))
    assert "cannot be appealed to the First-tier Tribunal (Special Educational Needs and Disability) on its own" in text
    assert "you can still ask for mediation" in text
    assert "right to appeal" not in text and "SEND35" not in text


def test_the_rights_paragraph_for_placement_only_says_no_certificate_is_needed_for_section_i_alone():
    text = rules.appeal_rights_text(AppealRoute.PLACEMENT_ONLY, None)
    assert "You do not need a mediation certificate to appeal about that alone" in text
    assert "within 2 months of the date our decision letter was sent" in text


@pytest.mark.parametrize(
    ("route", "due", "says", "never"),
    [
        (
            AppealRoute.WITH_APPEAL_FORM,
            date(2027, 1, 4),
            "send this certificate with the appeal form (SEND35)",
            "health",
        ),
        (
            AppealRoute.WITH_APPEAL_FORM,
            date(2027, 1, 4),
            "must reach the Tribunal by 5pm on Monday 4 January 2027",
            "x",
        ),
        (AppealRoute.WITH_APPEAL_FORM, None, "the later of 2 months after our decision letter was sent", "5pm"),
        (AppealRoute.PLACEMENT_ONLY, None, "You do not need this certificate to appeal only about the school", "x"),
        (AppealRoute.NO_APPEAL, None, "there is no appeal form to send it with", "SEND35"),
    ],
)
def test_the_certificate_cover_note_follows_the_case(route, due, says, never):
    text = rules.certificate_appeal_note_text(route, due)
    assert says in text
    assert never not in text


def test_agreed_actions_are_listed_with_who_and_by_when():
    values = rules.letter_fields(
        facts(
            agreement_on=date(2026, 11, 18),
            agreed_actions=(
                rules.AgreedAction("Send the EP report", "The LA", date(2026, 12, 2)),
                rules.AgreedAction("Review the health plan", "The ICB", date(2026, 12, 9)),
            ),
        )
    )
    assert values["agreement_date"] == "Wednesday 18 November 2026"
    assert values["agreed_actions"] == (
        "• Send the EP report: the LA, by Wednesday 2 December 2026\n"
        "• Review the health plan: the ICB, by Wednesday 9 December 2026"
    )


def test_a_contact_says_what_kind_of_service_it_is_unless_its_name_does():
    assert rules.Contact("Anytown SENDIASS", kind_label="SENDIASS").line() == "Anytown SENDIASS"
    assert rules.Contact("Carers Together", kind_label="Independent Supporter").line() == (
        "Carers Together (Independent Supporter)"
    )


def test_letters_that_need_a_certificate_or_agreed_actions_wait_for_them():
    kinds = {k.kind: k for k in rules.letter_kinds(has_certificate=False, has_agreed_actions=False)}
    assert kinds[LetterKind.ACKNOWLEDGEMENT].available and kinds[LetterKind.MEDIATION_INFORMATION].available
    assert not kinds[LetterKind.CERTIFICATE_COVER].available
    assert kinds[LetterKind.CERTIFICATE_COVER].reason == "The case has no mediation certificate yet."
    assert not kinds[LetterKind.AGREEMENT_CONFIRMATION].available
    everything = rules.letter_kinds(has_certificate=True, has_agreed_actions=True)
    assert all(k.available and not k.reason for k in everything)


def test_missing_values_are_marked_and_named():
    values, missing = rules.fill_missing({"a": "x", "b": "", "c": " "}, ["a", "b", "c"])
    assert missing == ["b", "c"]
    assert values["b"] == rules.NOT_RECORDED and values["a"] == "x"
