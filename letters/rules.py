"""Pure rules for letters: which letters a case can have now, and the value of every field a template can use,
worked out from plain facts (selectors.letter_facts reads them). No ORM, no clock: ``letter_date`` is given.

What a letter says about appealing follows the case by the same rule as the certificate
(referrals.certificates.appeal_route_for): no appeal form on a health or social care only case.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from referrals.certificates import APPEAL_FORM, AppealRoute
from sendportal.formats import long_date

from .models import LetterKind

NOT_RECORDED = "[not recorded]"
TRIBUNAL = "First-tier Tribunal (Special Educational Needs and Disability)"


@dataclass(frozen=True)
class Contact:
    """A service the family can contact, as printed on a letter."""

    name: str
    phone: str = ""
    email: str = ""
    website: str = ""
    area: str = ""
    kind_label: str = ""

    def line(self) -> str:
        named = self.kind_label and self.kind_label.lower() not in self.name.lower()
        parts = [self.name + (f" ({self.kind_label})" if named else "")]
        parts += [p for p in (f"phone {self.phone}" if self.phone else "", self.email, self.website) if p]
        line = ": ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
        return line + (f"; covers {self.area}" if self.area else "")


@dataclass(frozen=True)
class AgreedAction:
    description: str
    owner_label: str
    due_on: date


@dataclass(frozen=True)
class LetterFacts:
    """Everything a letter can say about one case, as plain values."""

    letter_date: date
    local_authority: str
    case_reference: str
    recipient_name: str
    child_name: str
    child_first_name: str
    decision_label: str
    decision_sent_on: date | None
    first_contact_on: date | None
    officer_name: str
    officer_email: str
    sender_name: str
    appeal_route: str
    adviser_contact_by: date | None  # C1: the decision letter + 2 months (None without a decision letter date)
    adviser_contacts: tuple[Contact, ...] = ()
    support_services: tuple[Contact, ...] = ()
    certificate_number: str = ""
    certificate_issued_on: date | None = None
    certificate_kind_label: str = ""
    appeal_due: date | None = None  # C9, when the case has an appeal window
    agreement_on: date | None = None
    agreed_actions: tuple[AgreedAction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class KindChoice:
    kind: str
    label: str
    available: bool
    reason: str = ""  # why it is not available yet


def letter_kinds(*, has_certificate: bool, has_agreed_actions: bool) -> list[KindChoice]:
    """Every kind of letter, each available or with the reason it is not yet."""
    needs = {
        LetterKind.CERTIFICATE_COVER: (has_certificate, "The case has no mediation certificate yet."),
        LetterKind.AGREEMENT_CONFIRMATION: (has_agreed_actions, "No actions agreed at mediation are recorded yet."),
    }
    choices = []
    for kind in LetterKind:
        available, reason = needs.get(kind, (True, ""))
        choices.append(KindChoice(kind.value, kind.label, available, "" if available else reason))
    return choices


def appeal_deadline_text(appeal_due: date | None) -> str:
    return f"5pm on {long_date(appeal_due)}" if appeal_due else ""


def appeal_rights_text(appeal_route: str, adviser_contact_by: date | None) -> str:
    """The family's rights after the decision, for the mediation information letter (docs/rules.md §1, §4 C1)."""
    by = long_date(adviser_contact_by) if adviser_contact_by else ""
    contact = (
        f"You must contact the mediation adviser by {by}, 2 months from the date our decision letter was sent."
        if by
        else "You must contact the mediation adviser within 2 months of the date our decision letter was sent."
    )
    if appeal_route == AppealRoute.NO_APPEAL:
        return (
            "Our decision is about health or social care provision only. It cannot be appealed to the "
            f"{TRIBUNAL} on its own, but you can still ask for mediation: contact the mediation adviser below."
        )
    if appeal_route == AppealRoute.PLACEMENT_ONLY:
        return (
            f"You have the right to appeal to the {TRIBUNAL} about the school or setting named in section I of the "
            "EHC plan. You do not need a mediation certificate to appeal about that alone, and you can still ask "
            "for mediation. If your appeal is also about section B or section F, you need a certificate first. "
            + contact
        )
    return (
        f"You have the right to appeal to the {TRIBUNAL}. Before you appeal you must get information and advice "
        "about mediation from the independent mediation adviser, who will give you a mediation certificate "
        f"whether or not you then choose mediation. {contact} The appeal itself must reach the Tribunal within 2 "
        "months of the date our decision letter was sent, or within 1 month of the date of the mediation "
        "certificate if that is later."
    )


def certificate_appeal_note_text(appeal_route: str, appeal_due: date | None) -> str:
    """What the family does with the certificate, for its cover letter (the same rule as the certificate)."""
    deadline = appeal_deadline_text(appeal_due)
    by = (
        f"Your appeal must reach the Tribunal by {deadline}."
        if deadline
        else "Your appeal must reach the Tribunal by the later of 2 months after our decision letter was sent and "
        "1 month after the date of this certificate."
    )
    if appeal_route == AppealRoute.NO_APPEAL:
        return (
            "Your disagreement is about health or social care provision only, which cannot be appealed to the "
            f"{TRIBUNAL} on its own, so there is no appeal form to send it with. Please keep it with your records."
        )
    if appeal_route == AppealRoute.PLACEMENT_ONLY:
        return (
            "You do not need this certificate to appeal only about the school or setting named in section I of the "
            "EHC plan. If your appeal is also about section B or section F, send this certificate with the appeal "
            f"form ({APPEAL_FORM}) to the {TRIBUNAL}. {by}"
        )
    return (
        f"If you decide to appeal, send this certificate with the appeal form ({APPEAL_FORM}) to the {TRIBUNAL}. {by}"
    )


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def letter_fields(facts: LetterFacts) -> dict[str, str]:
    """The value of every field (letters.sandbox.FIELDS); "" where the case does not record it."""
    return {
        "letter_date": long_date(facts.letter_date),
        "local_authority": facts.local_authority,
        "case_reference": facts.case_reference,
        "recipient_name": facts.recipient_name,
        "child_name": facts.child_name,
        "child_first_name": facts.child_first_name,
        "decision": facts.decision_label,
        "decision_letter_date": long_date(facts.decision_sent_on),
        "first_contact_date": long_date(facts.first_contact_on),
        "officer_name": facts.officer_name,
        "officer_email": facts.officer_email,
        "sender_name": facts.sender_name,
        "adviser_contact_deadline": long_date(facts.adviser_contact_by),
        "appeal_rights": appeal_rights_text(facts.appeal_route, facts.adviser_contact_by),
        "mediation_adviser_contacts": _lines(f"• {c.line()}" for c in facts.adviser_contacts),
        "support_services": _lines(f"• {c.line()}" for c in facts.support_services),
        "certificate_number": facts.certificate_number,
        "certificate_date": long_date(facts.certificate_issued_on),
        "certificate_kind": facts.certificate_kind_label,
        "certificate_appeal_note": certificate_appeal_note_text(facts.appeal_route, facts.appeal_due)
        if facts.certificate_number
        else "",
        "appeal_deadline": appeal_deadline_text(facts.appeal_due),
        "agreement_date": long_date(facts.agreement_on),
        "agreed_actions": _lines(
            f"• {a.description}: {a.owner_label[:1].lower()}{a.owner_label[1:]}, by {long_date(a.due_on)}"
            for a in facts.agreed_actions
        ),
    }


def fill_missing(values: dict[str, str], used: list[str]) -> tuple[dict[str, str], list[str]]:
    """(values with NOT_RECORDED for each used field that is empty, the names of those fields)."""
    missing = [name for name in used if not values.get(name, "").strip()]
    return {**values, **dict.fromkeys(missing, NOT_RECORDED)}, missing
