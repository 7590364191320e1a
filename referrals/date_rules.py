"""Date-order rules for the pathway's facts, in one place (decision 16): every date a person records is in the
range the portal accepts, is not in the future, and comes no earlier than the facts it follows from (a referral
after the decision, a session after the LA was told, a certificate no earlier than its trigger...).

Pure: services pass the values (the new facts and their recorded neighbours) and today. The same rules serve a
first recording and a later correction, so a correction can never store what the first form would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

EARLIEST_DATE = date(1900, 1, 1)  # decision 16: dates a person types are from 1 Jan 1900 ...
LATEST_DATE = date(2100, 12, 31)  # ... to 31 Dec 2100


@dataclass(frozen=True)
class After:
    """`field` may not be before the fact `earlier` (the same day is allowed)."""

    field: str
    earlier: str
    message: str


@dataclass(frozen=True)
class NotAfter:
    """`field` may not be after the fact `later` (the same day is allowed)."""

    field: str
    later: str
    message: str


# Dates that record something that has happened: never in the future.
PAST_FACTS = frozenset(
    {
        "contacted_on",
        "referred_on",
        "family_told_la_on",
        "provider_told_la_on",
        "health_told_on",
        "icb_notified_on",
        "icb_received_on",
        "responded_on",
        "notice_sent_on",
        "notified_on",
        "concluded_on",
        "agreement_on",
        "withdrawn_on",
        "done_on",
        "issued_on",
        "registered_on",
        "la_told_on",
        "outcome_on",
        "order_sent_on",
        "unopposed_notified_on",
        "recommendation_on",
        "meeting_held_on",
    }
)

LABELS = {
    "contacted_on": "The date the family contacted the adviser",
    "referred_on": "The referral date",
    "family_told_la_on": "The date the family told the LA",
    "provider_told_la_on": "The date the provider told the LA",
    "health_told_on": "The date the LA was told about health issues",
    "icb_notified_on": "The date the ICB was notified",
    "icb_received_on": "The date the ICB received the notice",
    "responded_on": "The date of the provider's response",
    "notice_sent_on": "The date notice was sent",
    "notified_on": "That date",
    "concluded_on": "The date mediation concluded",
    "agreement_on": "The agreement date",
    "withdrawn_on": "The date the family withdrew",
    "done_on": "The date it was done",
    "issued_on": "The issue date",
    "registered_on": "The registration date",
    "la_told_on": "The date the LA was told",
    "outcome_on": "The outcome date",
    "order_sent_on": "The date the order was sent out",
    "unopposed_notified_on": "The date the Tribunal was told",
    "recommendation_on": "The recommendation date",
    "response_due_on": "The response date",
    "hearing_on": "The hearing date",
    "agreed_due_on": "The agreed date",
    "session_on": "The session date",
    "referred_on_drs": "The referral date",
    "meeting_on": "The meeting date",
}

ADVISER_CONTACT = (
    After(
        "contacted_on",
        "decision_sent_on",
        "The family cannot have contacted the adviser before the decision letter was sent.",
    ),
)
REFERRAL = (
    After("referred_on", "decision_sent_on", "The referral date cannot be before the decision letter was sent."),
    After(
        "family_told_la_on",
        "decision_sent_on",
        "The date the family told the LA cannot be before the decision letter was sent.",
    ),
    After(
        "provider_told_la_on",
        "decision_sent_on",
        "The date the provider told the LA cannot be before the decision letter was sent.",
    ),
    After(
        "health_told_on",
        "decision_sent_on",
        "The date the LA was told about health issues cannot be before the decision letter was sent.",
    ),
    After(
        "icb_notified_on",
        "health_told_on",
        "The ICB cannot be notified before the LA was told about the health issues.",
    ),
    After("icb_received_on", "icb_notified_on", "The ICB cannot receive the notice before it was sent."),
    After("responded_on", "referred_on", "The provider cannot respond before the referral."),
    After("not_held_notified_on", "clock_start", "This cannot be before the LA was told the family wants mediation."),
)
RESPONSE = (After("responded_on", "referred_on", "The provider cannot respond before the referral."),)
ICB_NOTICE = (
    After(
        "notified_on", "health_told_on", "The ICB cannot be notified before the LA was told about the health issues."
    ),
    After("received_on", "notified_on", "The ICB cannot receive the notice before it was sent."),
)
SESSION = (
    After("session_on", "clock_start", "The mediation cannot be before the LA was told the family wants it."),
    After("notice_sent_on", "clock_start", "Notice cannot be sent before the LA was told the family wants it."),
    NotAfter("notice_sent_on", "session_on", "Notice must be sent before the mediation."),
)
NOT_HELD = (After("notified_on", "clock_start", "This cannot be before the LA was told."),)
CONCLUSION = (
    After("concluded_on", "last_held_on", "Mediation cannot conclude before the session was held."),
    After("agreement_on", "last_held_on", "The agreement cannot be before the session."),
)
WITHDRAWAL = (After("withdrawn_on", "referred_on", "The family cannot withdraw before the referral."),)
CONCESSION = (After("agreement_on", "referred_on", "The concession cannot be before the referral."),)
AGREED_ACTION = (After("agreed_due_on", "agreement_on", "The agreed date cannot be before the agreement."),)
ACTION_DONE = (After("done_on", "agreement_on", "It cannot be done before the agreement."),)
CERTIFICATE = (
    After("issued_on", "decision_sent_on", "A certificate cannot be issued before the decision letter."),
    After("issued_on", "trigger_on", "A certificate cannot be issued before what it certifies."),
)
APPEAL = (
    After("registered_on", "decision_sent_on", "An appeal cannot be before the decision."),
    After("la_told_on", "registered_on", "The LA cannot be told before the appeal was registered."),
    After("response_due_on", "registered_on", "The response date must be after registration."),
    After("hearing_on", "registered_on", "The hearing must be after registration."),
)
APPEAL_OUTCOME = tuple(
    After(field, "registered_on", "That date cannot be before the appeal was registered.")
    for field in ("outcome_on", "order_sent_on", "unopposed_notified_on", "recommendation_on")
)
COMPLIANCE_DONE = (After("done_on", "set_on", "It cannot be done before the order or agreement it carries out."),)
DRS_REFERRAL = (After("referred_on", "first_contact_on", "The referral cannot be before first contact."),)
DRS_RECORD = (
    After("meeting_on", "referred_on", "The meeting cannot be before the referral."),
    After("outcome_on", "meeting_on", "The outcome cannot be before the meeting."),
    After("outcome_on", "referred_on", "The outcome cannot be before the referral."),
)


def date_problems(
    values: Mapping[str, date | None],
    rules: Iterable[After | NotAfter],
    *,
    today: date,
    fields: Iterable[str] | None = None,
) -> dict[str, str]:
    """{field: message} for the dates in `values` that break the range, the no-future rule or an order rule.

    `values` holds the dates being recorded and the recorded facts they are checked against; only `fields` (by
    default every date in `values` that a rule or the no-future list names) are reported."""
    checked = set(fields) if fields is not None else set(values)
    problems: dict[str, str] = {}
    for field in checked:
        value = values.get(field)
        if value is None:
            continue
        label = LABELS.get(field, "That date")
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            problems[field] = f"{label} must be between 1 January 1900 and 31 December 2100."
        elif field in PAST_FACTS and value > today:
            problems[field] = f"{label} cannot be in the future."
    for rule in rules:
        if rule.field not in checked or rule.field in problems:
            continue
        value = values.get(rule.field)
        if value is None:
            continue
        if isinstance(rule, After):
            other = values.get(rule.earlier)
            broken = other is not None and value < other
        else:
            other = values.get(rule.later)
            broken = other is not None and value > other
        if broken:
            problems[rule.field] = rule.message
    return problems
