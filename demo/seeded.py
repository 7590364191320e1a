"""What the seed made: the marker on every seeded case, counting them and removing them (`--reset-cases`)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, transaction

from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    Deadline,
    HealthBody,
    School,
)
from cases.services import REFERENCE_PREFIX
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationProvider,
    MediationSession,
    Mediator,
    MediatorAssignment,
    Referral,
    TribunalAppeal,
)

# The "created" event of every seeded case carries this, so seeded cases can be counted and removed without
# touching cases entered through the portal.
SEED_MARKER = {"source": "seed_demo"}
SHARED_CERTIFICATE_PDF = "certificates/demo-shared-certificate.pdf"


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seeded_cases():
    """Cases made by this module (their "created" event carries SEED_MARKER)."""
    return Case.objects.filter(events__kind=CaseEvent.Kind.CREATED, events__data__source=SEED_MARKER["source"])


def seeded_case_count() -> int:
    return CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED, data__source=SEED_MARKER["source"]).count()


def highest_reference_number(year: int) -> int:
    """The larger of the year's counter and the highest reference in use."""
    counter = CaseReferenceCounter.objects.filter(year=year).values_list("last_number", flat=True).first() or 0
    return max(counter, highest_reference_in_use(year))


def highest_reference_in_use(year: int) -> int:
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    highest = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = highest.removeprefix(prefix) if highest else ""
    return int(number) if number.isdigit() else 0


@transaction.atomic
def delete_seeded_cases() -> int:
    """Remove seeded cases (with their events, pathway records and clocks) and wind each year's counter back
    to the highest reference still in use, so a fresh seed gets the same references again. Children go before
    the rows they point at: certificates (newest version first) protect their case and referral."""
    ids = list(seeded_cases().values_list("pk", flat=True))
    files: list[str] = []
    for chunk in chunks(ids, 5000):
        certs = Certificate.objects.filter(case_id__in=chunk)
        files += [name for name in certs.values_list("pdf", flat=True) if name and name != SHARED_CERTIFICATE_PDF]
        for version in sorted(set(certs.values_list("version", flat=True)), reverse=True):
            certs.filter(version=version).delete()
        for model in (MediatorAssignment, MediationSession, IssueOutcome, AgreementAction):
            model.objects.filter(referral__case_id__in=chunk).delete()
        for model in (Referral, AdviserContact, TribunalAppeal, DisagreementResolution, Deadline, CaseEvent):
            model.objects.filter(case_id__in=chunk).delete()
        Case.objects.filter(pk__in=chunk).delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    for counter in CaseReferenceCounter.objects.all():
        counter.last_number = highest_reference_in_use(counter.year)
        counter.save(update_fields=["last_number"])
    return len(ids)


PATHWAY_MODELS = (
    AdviserContact, Referral, MediatorAssignment, MediationSession, IssueOutcome, AgreementAction, Certificate,
    TribunalAppeal, DisagreementResolution, Deadline,
)  # fmt: skip


@dataclass
class SeedReport:
    sign_ins: list[tuple[str, str, str]]
    cases_added: int
    cases_removed: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    pathway_rows: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    @classmethod
    def finished(
        cls,
        started: float,
        *,
        sign_ins: list[tuple[str, str, str]],
        added: int,
        removed: int,
        timings: dict[str, float],
        pathway_rows: int = 0,
    ) -> SeedReport:
        """The report of a seed that began at `started` (time.perf_counter()): how long it took and what the
        database holds now."""
        return cls(
            sign_ins=sign_ins,
            cases_added=added,
            cases_removed=removed,
            seconds=time.perf_counter() - started,
            counts=model_counts(),
            pathway_rows=pathway_rows,
            timings=timings,
        )


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def model_counts() -> dict[str, int]:
    models = (
        School, HealthBody, MediationProvider, Mediator, get_user_model(), Case, CaseEvent, CaseReferenceCounter,
        *PATHWAY_MODELS,
    )  # fmt: skip
    return {_sentence_case(model._meta.verbose_name_plural): model.objects.count() for model in models}


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load, so the database plans queries from the data it now holds. PostgreSQL's
    autovacuum would get there on its own after a while; SQLite never does unless asked, and without
    statistics it may walk every open clock in the authority where an officer's few hundred open cases would
    do."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
