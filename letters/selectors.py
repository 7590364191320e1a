"""Reads for letters. The case is always fetched through cases.selectors.case_get_for (404 outside the user's
scope) before anything here is read; every read is a fixed number of queries whatever the case holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from cases import deadlines
from cases.models import Case, Deadline
from referrals.certificates import DEFAULT_LOCAL_AUTHORITY_NAME, KINDS, case_appeal_route
from referrals.models import AdviserContact, AgreementAction, Certificate, MediationProvider

from . import rules, sandbox
from .models import Letter, LetterKind, LetterTemplate, SupportService


def support_services() -> QuerySet[SupportService]:
    return SupportService.objects.filter(active=True).order_by("kind", "name")


@dataclass(frozen=True)
class LettersPanel:
    """The case page's "Letters and support" panel: services to point the family to, the letters sent, and whether
    this person may draft one."""

    services: tuple
    letters: tuple
    can_draft: bool


@dataclass(frozen=True)
class IntakeSupport:
    """The support services the intake form shows, for the officer to offer the family."""

    services: tuple


def intake_support(*, user, case: Case | None, forms=None) -> IntakeSupport:
    """One query: the active support services."""
    return IntakeSupport(services=tuple(support_services()))


def letters_panel(*, user, case: Case, forms=None) -> LettersPanel:
    """Two queries whatever the case holds (support services; the latest 50 letters)."""
    from .permissions import can_draft_letters

    can_draft = can_draft_letters(user)
    return LettersPanel(
        services=tuple(support_services()),
        letters=tuple(letters_for_case(case)[:50]) if can_draft else (),
        can_draft=can_draft,
    )


def letters_for_case(case: Case) -> QuerySet[Letter]:
    return case.letters.select_related("sent_by").order_by("-sent_on", "-id")


def letter_get_for(case: Case, pk) -> Letter:
    """A letter recorded on ``case`` (already fetched for the user); anything else is a 404."""
    letter = case.letters.filter(pk=pk).first() if str(pk).isdigit() else None
    if letter is None:
        raise Http404("No such letter on this case")
    return letter


def _contact(item, kind_label: str = "") -> rules.Contact:
    return rules.Contact(
        name=item.name,
        phone=item.phone or "",
        email=item.email or "",
        website=getattr(item, "website", "") or "",
        area=getattr(item, "area", "") or "",
        kind_label=kind_label,
    )


def _name(user) -> str:
    return user.display_name if user else ""


SUPPORT_KIND_LABELS = {
    SupportService.Kind.SENDIASS: "SENDIASS",
    SupportService.Kind.INDEPENDENT_SUPPORTER: "Independent Supporter",
}


def _advisers(case: Case) -> list[MediationProvider]:
    """The mediation adviser the family contacted, or else every active adviser."""
    contact = AdviserContact.objects.filter(case=case).select_related("provider").first()
    if contact is not None and contact.provider is not None:
        return [contact.provider]
    return list(MediationProvider.objects.filter(active=True, offers_mediation=True).order_by("name"))


def _agreed_actions(case: Case) -> list[AgreementAction]:
    return list(
        AgreementAction.objects.filter(referral__case=case)
        .select_related("referral")
        .only("description", "owner", "due_on", "referral__agreement_on")
        .order_by("due_on", "id")
    )


def _certificate_facts(certificate: Certificate | None) -> tuple[str, date | None, str]:
    """The latest certificate's number, issue date and kind (blank without one)."""
    if certificate is None:
        return "", None, ""
    return certificate.number, certificate.issued_on, KINDS[certificate.kind].title


def letter_facts(case: Case, user, *, today: date) -> rules.LetterFacts:
    """Everything the letters can say about ``case`` (six queries, whatever the case holds)."""
    advisers = _advisers(case)
    services = [_contact(s, SUPPORT_KIND_LABELS.get(s.kind, "")) for s in support_services()]
    certificate_number, certificate_issued_on, certificate_kind_label = _certificate_facts(
        case.certificates.order_by("-version").first()
    )
    appeal = (
        Deadline.objects.filter(case=case, key="C9").exclude(state=Deadline.State.SUPERSEDED).only("due_on").first()
    )
    actions = _agreed_actions(case)
    agreement_days = [a.referral.agreement_on for a in actions if a.referral.agreement_on]
    return rules.LetterFacts(
        letter_date=today,
        local_authority=getattr(settings, "LOCAL_AUTHORITY_NAME", DEFAULT_LOCAL_AUTHORITY_NAME),
        case_reference=case.reference,
        recipient_name=case.party_name,
        child_name=case.child_name,
        child_first_name=case.child_first_name,
        decision_label=case.get_decision_display() if case.decision else "",
        decision_sent_on=case.decision_sent_on,
        first_contact_on=case.first_contact_on,
        officer_name=_name(case.officer),
        officer_email=case.officer.email if case.officer else "",
        sender_name=_name(user),
        appeal_route=case_appeal_route(case),
        adviser_contact_by=deadlines.adviser_contact_deadline(case.decision_sent_on) if case.decision_sent_on else None,
        adviser_contacts=tuple(_contact(p) for p in advisers),
        support_services=tuple(services),
        certificate_number=certificate_number,
        certificate_issued_on=certificate_issued_on,
        certificate_kind_label=certificate_kind_label,
        appeal_due=appeal.due_on if appeal else None,
        agreement_on=max(agreement_days) if agreement_days else None,
        agreed_actions=tuple(
            rules.AgreedAction(a.description, AgreementAction.Owner(a.owner).label, a.due_on) for a in actions
        ),
    )


def letter_kinds_for(case: Case) -> list[rules.KindChoice]:
    """The kinds of letter, each available for ``case`` now or with the reason it is not (two queries)."""
    return rules.letter_kinds(
        has_certificate=Certificate.objects.filter(case=case).exists(),
        has_agreed_actions=AgreementAction.objects.filter(referral__case=case).exists(),
    )


@dataclass(frozen=True)
class Draft:
    """A letter worked out for a case: what the preview, the PDF and the Word file show."""

    kind: str
    kind_label: str
    subject: str
    body: str
    missing: tuple[str, ...]  # fields the template uses that the case does not record yet
    local_authority: str
    case_reference: str
    recipient_name: str
    recipient_address: tuple[str, ...]
    letter_date: date

    @property
    def paragraphs(self) -> list[list[str]]:
        return sandbox.paragraphs(self.body)

    @property
    def missing_labels(self) -> list[str]:
        return [sandbox.FIELDS.get(name, name) for name in self.missing]


def letter_draft(case: Case, user, kind: str, *, today: date) -> Draft:
    """The letter of ``kind`` for ``case`` from its template. 404 for a kind that is not available for the case;
    sandbox.TemplateInvalid when the template was broken outside the admin."""
    choice = next((c for c in letter_kinds_for(case) if c.kind == kind), None)
    if choice is None or not choice.available:
        raise Http404("No such letter for this case")
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        raise Http404("This letter has no template")
    facts = letter_facts(case, user, today=today)
    values, missing = rules.fill_missing(
        rules.letter_fields(facts), sandbox.fields_used(template.subject + "\n" + template.body)
    )
    return Draft(
        kind=kind,
        kind_label=LetterKind(kind).label,
        subject=" ".join(sandbox.render(template.subject, values).split()),
        body=sandbox.render(template.body, values),
        missing=tuple(missing),
        local_authority=facts.local_authority,
        case_reference=case.reference,
        recipient_name=case.party_name,
        recipient_address=tuple(line for line in [*case.address.splitlines(), case.postcode] if line.strip()),
        letter_date=today,
    )


def draft_of_letter(case: Case, letter: Letter) -> Draft:
    """A letter already recorded as sent, as it was sent (for downloading it again)."""
    return Draft(
        kind=letter.kind,
        kind_label=letter.get_kind_display(),
        subject=letter.subject,
        body=letter.body,
        missing=(),
        local_authority=getattr(settings, "LOCAL_AUTHORITY_NAME", DEFAULT_LOCAL_AUTHORITY_NAME),
        case_reference=case.reference,
        recipient_name=letter.recipient,
        recipient_address=tuple(line for line in [*case.address.splitlines(), case.postcode] if line.strip()),
        letter_date=letter.sent_on,
    )
