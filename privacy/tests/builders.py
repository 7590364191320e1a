"""A case with something identifying in every place the portal can hold it: names, contact details, numbers, free
text in every model, a certificate PDF, timeline entries and the audit entries the audit library writes for them.
The family's details are unusual words, so a search of the whole database for them means something."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from auditlog.context import set_actor
from auditlog.signals import accessed

from cases.models import Case, CaseEvent, CaseNote, Deadline, Status
from cases.services import case_event_record
from cases.tests.factories import CaseFactory, SchoolFactory
from letters.models import Letter, LetterKind
from referrals.models import MediatorAssignment
from referrals.tests.factories import (
    AdviserContactFactory,
    AgreementActionFactory,
    CertificateFactory,
    ReferralFactory,
    SessionFactory,
    TribunalAppealFactory,
    UserFactory,
)


@dataclass
class Family:
    child_first: str = "Zephyrine"
    child_last: str = "Quillfeather"
    party: str = "Ottoline Quillfeather"
    phone: str = "07700 900123"
    email: str = "ottoline.q@example.org"
    address: str = "12 Larkspur Lane, Exampleton"
    postcode: str = "EX9 4LQ"
    upn: str = "A123456789012"
    nhs: str = "9434765919"
    supporter: str = "Barnaby Fenwick"
    adviser: str = "Henrietta Marchbanks"

    def secrets(self, case_reference: str) -> list[str]:
        """Everything that must be gone from the whole database once the case is anonymised."""
        return [
            self.child_first,
            self.child_last,
            "Ottoline",
            "Larkspur",
            self.postcode,
            self.upn,
            self.nhs,
            "Barnaby",
            "Fenwick",
            "Marchbanks",
            "ottoline.q",
            "900123",
            case_reference,
        ]


def full_case(
    *,
    closed_on: date | None,
    born: date,
    family: Family | None = None,
    status: str = Status.CLOSED,
    decision_sent_on: date = date(2026, 3, 27),
    actor=None,
) -> Case:
    family = family or Family()
    actor = actor or UserFactory(username=f"officer_{family.child_last.lower()}_{born:%Y%m%d}")
    with set_actor(actor):
        case = CaseFactory(
            child_first_name=family.child_first,
            child_last_name=family.child_last,
            child_date_of_birth=born,
            party_name=family.party,
            phone=family.phone,
            email=family.email,
            address="Old address, Exampleton",
            postcode=family.postcode,
            upn=family.upn,
            nhs_number=family.nhs,
            preferred_language="Latvian",
            access_needs=f"{family.party.split()[0]} uses a wheelchair",
            supporter_name=family.supporter,
            school=SchoolFactory(name="Hollybrook Primary"),
            decision_sent_on=decision_sent_on,
            status=status,
            closed_on=closed_on,
            withdrawn_reason=f"{family.party.split()[0]} moved away",
            officer=actor,
            created_by=actor,
        )
        case.address = family.address  # an audited change: the audit entry holds the old and the new address
        case.save()
        accessed.send(sender=Case, instance=case)  # a view of the case page

        CaseNote.objects.create(
            case=case,
            author=actor,
            text=f"{family.party} phoned about {family.child_first}'s EP report.",
            visibility=CaseNote.Visibility.INTERNAL,
        )
        CaseNote.objects.create(
            case=case,
            author=actor,
            text=f"Shared: {family.child_first} prefers mornings.",
            visibility=CaseNote.Visibility.SHARED,
        )
        AdviserContactFactory(case=case, adviser_name=family.adviser, recorded_by=actor)
        referral = ReferralFactory(
            case=case,
            concluded=True,
            provider_choice_reason=f"{family.party} asked for this provider",
            created_by=actor,
        )
        MediatorAssignment.objects.create(
            referral=referral,
            mediator=referral.mediator,
            assigned_by=actor,
            reason=f"Knows {family.child_last} family's school",
        )
        SessionFactory(
            referral=referral,
            held=True,
            venue=f"At the family home, {family.address}",
            cancel_reason=f"{family.party.split()[0]} was ill",
            recorded_by=actor,
            starts_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        )
        AgreementActionFactory(referral=referral, description=f"Send {family.party} the EP report")
        CertificateFactory(
            referral=referral,
            case=case,
            number=f"CERT-{case.reference}-1",
            issued_by=actor,
            pdf__data=f"%PDF-1.4 certificate for {family.child_first} {family.child_last}".encode(),
        )
        TribunalAppealFactory(case=case, created_by=actor)
        Letter.objects.create(
            case=case,
            kind=LetterKind.ACKNOWLEDGEMENT,
            recipient=family.party,
            method=Letter.Method.POST,
            sent_on=date(2026, 11, 20),
            subject=f"Your disagreement about {family.child_first}'s assessment",
            body=f"Dear {family.party},\n\nThank you for contacting us about {family.child_first} {family.child_last}.",
            sent_by=actor,
        )
        Deadline.objects.create(
            case=case,
            key="C4",
            clock="C4",
            title="Mediation within 30 days",
            due_on=date(2026, 12, 2),
            state=Deadline.State.WAIVED,
            waived_reason=f"{family.party.split()[0]} asked for more time",
            waived_by=actor,
        )
        case_event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.STATUS_CHANGED,
            description=f"Status changed from Triaged to Withdrawn by the family: {family.party} moved away",
            data={"from": "triaged", "to": "withdrawn"},
        )
        case_event_record(
            case=case,
            actor=actor,
            kind=CaseEvent.Kind.UPDATED,
            description=f"Changed date of birth; date of birth: {born:%a %-d %b %Y} to {born:%a %-d %b %Y}",
            data={"fields": ["child_date_of_birth"], "dates": {"child_date_of_birth": [born.isoformat()] * 2}},
        )
    return case
