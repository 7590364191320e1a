"""Bulk pathway: seed_pathway() gives the bulk cases their pathway records and clocks (PathwayMaker)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.fields.json import KT
from django.utils import timezone

from cases import clock_services, deadlines
from cases.deadlines import ClockCode
from cases.models import (
    Case,
    CaseEvent,
    ContactChannel,
    Deadline,
    Decision,
    Route,
    School,
)
from demo.bulk.mediation import MediationSteps
from demo.bulk.outcomes import OutcomeSteps
from demo.bulk.rows import CASE_CONVERTERS, IdAllocator, RowWriter, as_datetime, raw_rows
from demo.bulk.shapes import BATCH_SIZE, S
from demo.bulk.work import CASE_FIELDS, CERT, CHOICE, DS, CaseRow, CaseWork, Coverage, MediatorRow, Wish
from demo.reference import DEFAULT_SEED, PROVIDERS, pick
from demo.seeded import PATHWAY_MODELS, SEED_MARKER, SHARED_CERTIFICATE_PDF, chunks
from demo.wording import ADVISERS, OFFICE_TIMES, PROVIDER_WEIGHTS, WAIVE_REASON
from referrals.models import (
    AdviserContact,
    Certificate,
    DisagreementResolution,
    MediationProvider,
    MediationSession,
    Mediator,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import mediator_loads

REAL_CERTIFICATE_PDFS = 50


class PathwayMaker(MediationSteps, OutcomeSteps):
    """Builds the pathway rows of one case at a time (plain dicts keyed by attname, as RowWriter takes them).
    Each case's choices come from its own random.Random, seeded with the seed and the case reference."""

    def __init__(self, *, rng_seed: int, now: datetime, real_pdfs: int) -> None:
        self.rng_seed = rng_seed
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        self.cal = clock_services.working_calendar()
        self.cover = Coverage()
        self.rng = random.Random(rng_seed)
        providers = {p.name: p for p in MediationProvider.objects.filter(name__in=[p["name"] for p in PROVIDERS])}
        self.provider_ids = [providers[spec["name"]].pk for spec in PROVIDERS]
        self.provider_names = [spec["name"] for spec in PROVIDERS]
        self.drs_provider = next(i for i, spec in enumerate(PROVIDERS) if spec["offers_drs"])
        self.mediators: list[MediatorRow] = []
        for m in Mediator.objects.filter(provider__in=providers.values()).select_related("user").order_by("pk"):
            self.mediators.append(
                MediatorRow(
                    id=m.pk,
                    user_id=m.user_id,
                    name=str(m),
                    provider=self.provider_ids.index(m.provider_id),
                    capacity=m.max_active_cases,
                    bookable=m.active and not m.employed_by_la,
                    specialisms=frozenset(m.specialisms or ()),
                    languages=frozenset(lang.casefold() for lang in m.language_list),
                    conflict_schools=frozenset(m.conflict_schools.values_list("pk", flat=True)),
                    conflict_notes=m.conflict_notes,
                    conflict_words=frozenset(re.findall(r"\w+", m.conflict_notes.casefold())),
                )
            )
        self.by_id = {m.id: m for m in self.mediators}
        self.loads = dict(mediator_loads())
        self.school_phase = dict(School.objects.values_list("pk", "phase"))
        self.manager_id = get_user_model().objects.filter(username="manager").values_list("pk", flat=True).first()
        self.ids = {model: IdAllocator(model) for model in PATHWAY_MODELS}
        self.rows: dict[type, list[dict]] = {model: [] for model in PATHWAY_MODELS}
        self.waivers: list[tuple[int, str]] = []  # (case id, clock key) a manager waived
        self.real_pdfs = real_pdfs
        self.shared_pdf: tuple[str, str] | None = None  # (storage name, sha256)
        self.certificates_made = 0
        self.middays: dict[date, datetime] = {}

    # Small helpers -----------------------------------------------------------------------------------------

    def _between(self, low: date, high: date) -> date:
        """A day from low to high inclusive (low when high is before it)."""
        span = (high - low).days
        return low if span <= 0 else low + timedelta(days=int(self.rng.random() * (span + 1)))

    def _clamp(self, day: date, low: date, high: date) -> date:
        return max(low, min(day, high)) if high >= low else low

    def _workday(self, day: date, low: date, high: date) -> date:
        """`day`, or the nearest working day to it between low and high (before it first)."""
        if deadlines.is_working_day(day, holidays=self.cal):
            return day
        back = deadlines.last_working_day_on_or_before(day, holidays=self.cal)
        if back >= low:
            return back
        forward = deadlines.first_working_day_on_or_after(day, holidays=self.cal)
        return forward if forward <= high else day

    def _at(self, day: date, at: clock_time | None = None) -> datetime:
        """A moment in office hours on `day`, never after now."""
        if at is None:
            at = OFFICE_TIMES[int(self.rng.random() * len(OFFICE_TIMES))]
        moment = datetime.combine(day, at, tzinfo=self.tz)
        return moment if day < self.today else min(moment, self.now)

    def _done_on(self, due: date, low: date, high: date, *, must: bool = False) -> date | None:
        """When an obligation due on `due` was carried out: mostly on time, some late; None if that would be
        after `high` (or today), unless the case has moved on so it must have been done by then."""
        roll = self.rng.random()
        if roll < 0.82:
            day = due - timedelta(days=int(self.rng.random() * (max(0, min(3, (due - low).days)) + 1)))
        elif roll < 0.96:
            day = due + timedelta(days=1 + int(self.rng.random() * 6))
        else:
            day = due + timedelta(days=7 + int(self.rng.random() * 24))
        high = min(high, self.today)
        day = max(day, low)
        if day > high:
            return max(low, high) if must else None
        return self._workday(day, low, high)

    # Clocks ------------------------------------------------------------------------------------------------

    def _clock(self, w: CaseWork, key: str, clock: str, due: date, binds: str, facts: dict, *, set_on: date,
               title: str = "", due_time=None, note: str = "", review: bool = False) -> dict:  # fmt: skip
        """A Deadline row as deadline_set() would store it (open)."""
        row = {
            "id": self.ids[Deadline].next(), "case_id": w.c.id, "officer_id": w.c.officer_id, "key": key,
            "clock": clock,
            "title": (title or deadlines.CLOCKS[clock].title)[:200], "binds": binds, "due_on": due,
            "due_time": due_time, "facts": facts, "state": DS.OPEN, "met_on": None, "needs_legal_review": review,
            "note": note[:300], "created_at": self._midday(set_on),
        }  # fmt: skip
        w.clocks[key] = row
        return row

    def _midday(self, day: date) -> datetime:
        """Midday on `day` (never after now): when a clock was set. Cached: there are several per case."""
        moment = self.middays.get(day)
        if moment is None:
            moment = self.middays[day] = min(datetime.combine(day, clock_time(12, 0), tzinfo=self.tz), self.now)
        return moment

    @staticmethod
    def _meet(row: dict | None, on: date) -> None:
        """As deadline_mark_met: an open or missed clock is met."""
        if row is not None and row["state"] in (DS.OPEN, DS.MISSED):
            row["state"], row["met_on"] = DS.MET, on

    @staticmethod
    def _end(row: dict | None, state: str) -> None:
        """As deadline_mark_missed / deadline_supersede: only an open clock changes."""
        if row is not None and row["state"] == DS.OPEN:
            row["state"] = state

    # One case ----------------------------------------------------------------------------------------------

    def make(self, case: CaseRow, steps: list[tuple[str, date]], wish: Wish | None) -> None:
        self.rng = random.Random(f"{self.rng_seed}:pathway:{case.reference}")
        w = CaseWork(case, steps, self.today)
        if case.route == Route.DRS:
            self._drs(w)
        else:
            self._statutory(w, wish)
        # The statutory clocks are not written here: flush() asks the clock registry for them, from the facts just
        # made, exactly as the services do (the rows in w.clocks only steer the story: who is late, what is met).

    # Mediation and placement routes ------------------------------------------------------------------------

    def _statutory(self, w: CaseWork, wish: Wish | None) -> None:
        """The adviser contact, then the certificate the family's "no mediation" makes due (C2), or the mediation;
        and any appeal."""
        when = w.when
        after_triage = [status for status in w.active if status not in (S.INTAKE, S.TRIAGED)]
        if S.NOT_IN_SCOPE in when or (not after_triage and self.rng.random() >= 0.45):
            return
        choice = self._adviser_choice(w, wish, after_triage)
        contact_by = when[after_triage[0]] if after_triage else w.limit
        self._adviser_contact(w, choice, contact_by)
        if choice == CHOICE.NO_MEDIATION:
            contacted = w.contact["contacted_on"]
            # The certificate came before the case moved on after mediation.
            self._certificate_due(w, None, ClockCode.C2, {"told_adviser_on": contacted.isoformat()}, contacted,
                                  CERT.DECLINED, before=when.get(S.POST_MEDIATION))  # fmt: skip
        elif S.MEDIATION_ROUTE in when:
            self._mediation(w, wish)
        if S.APPEAL_LODGED in when:
            self._appeal(w)

    def _adviser_choice(self, w: CaseWork, wish: Wish | None, after_triage: list[str]) -> str:
        """What the family told the mediation adviser, from where the case went."""
        c, when, rng = w.c, w.when, self.rng
        if S.PLACEMENT_ONLY in when:
            return CHOICE.PLACEMENT_INFO
        if wish or c.decision == Decision.HSC or S.AGREEMENT_IMPLEMENTATION in when:
            return CHOICE.MEDIATION
        if S.POST_MEDIATION in when:
            return self.cover.pick(rng, "post-choice", [(CHOICE.NO_MEDIATION, 45), (CHOICE.MEDIATION, 55)])
        return CHOICE.NO_MEDIATION if rng.random() < (0.4 if not after_triage else 0.2) else CHOICE.MEDIATION

    def _adviser_contact(self, w: CaseWork, choice: str, by: date) -> None:
        c, rng = w.c, self.rng
        low = c.decision_sent_on or c.first_contact_on
        if c.first_contact_channel == ContactChannel.PROVIDER:
            wanted = c.first_contact_on
        else:
            wanted = c.first_contact_on + timedelta(days=rng.randint(-6, 4))
        contacted = self._clamp(wanted, low, min(by, self.today))
        provider = pick(rng, PROVIDER_WEIGHTS)
        late = bool(c.decision_sent_on) and contacted > deadlines.adviser_contact_deadline(c.decision_sent_on)
        w.contact = {
            "id": self.ids[AdviserContact].next(), "case_id": c.id, "contacted_on": contacted, "choice": choice,
            "provider_id": self.provider_ids[provider], "adviser_name": rng.choice(ADVISERS[provider]),
            "late": late, "recorded_by_id": w.actor, "created_at": self._at(max(contacted, c.first_contact_on)),
        }  # fmt: skip
        self.rows[AdviserContact].append(w.contact)

    def _certificate_bounds(self, w: CaseWork) -> tuple[date, bool]:
        """By when a certificate can have been issued, and whether it must have been (an appeal needs it)."""
        if S.APPEAL_LODGED in w.when:
            return w.when[S.APPEAL_LODGED], True
        if S.WINDOW_EXPIRED in w.when and w.c.decision_sent_on:
            # The window can only be recorded as expired once it has closed (C9: a month after the certificate at the
            # earliest): the certificate came early enough for that.
            expired, day = w.when[S.WINDOW_EXPIRED], w.when[S.WINDOW_EXPIRED] - timedelta(days=1)
            while (
                day > w.c.first_contact_on
                and deadlines.appeal_deadline(w.c.decision_sent_on, day, holidays=self.cal) >= expired
            ):
                day -= timedelta(days=1)
            return day, True
        return w.limit, False

    def _certificate_due(self, w: CaseWork, ref: dict | None, clock: str, facts: dict, on: date, kind: str, *,
                         before: date | None = None, awaiting: bool = False,
                         mediator: MediatorRow | None = None) -> None:  # fmt: skip
        """A certificate clock (C2, C6 or C8: 3 working days from `on`) and the certificate, unless the case is
        still awaiting it; one issued `before` a day must have been."""
        due = deadlines.certificate_deadline(on, holidays=self.cal)
        row = self._clock(w, clock, clock, due, Deadline.Binds.ADVISER, facts, set_on=on)
        high, must = self._certificate_bounds(w)
        if before:
            high, must = min(high, before), True
        issued = None if awaiting else self._done_on(due, on, high, must=must)
        if issued:
            self._certificate(w, kind, issued, ref, due_high=high, mediator=mediator)
            self._meet(row, issued)

    # Writing -----------------------------------------------------------------------------------------------

    def flush(self, writers: dict, case_ids: Sequence[int]) -> int:
        """Insert the facts made so far (parents first), then the cases' clocks as the clock registry works them out
        from those facts (clock_services.recompute_cases, as every service does, without timeline events: the demo's
        history is its status changes), then the waivers a manager made."""
        written = 0
        self._copy_first_held()
        for model in PATHWAY_MODELS:
            rows = self.rows[model]
            if model is Certificate:
                rows.sort(key=lambda row: row["version"])  # a corrected version points at the one it replaces
            if rows:
                writers[model].insert(rows)
                written += len(rows)
            self.rows[model] = []
        clock_services.recompute_cases(case_ids, actor=None, record_events=False)
        for case_id, key in self.waivers:
            Deadline.objects.filter(case_id=case_id, key=key, state=DS.OPEN).update(
                state=DS.WAIVED, waived_reason=WAIVE_REASON, waived_by_id=self.manager_id
            )
        if self.waivers:
            clock_services.cases_next_deadline_refresh({case_id for case_id, _ in self.waivers})
        self.waivers = []
        return written + Deadline.objects.filter(case_id__in=case_ids).count()

    def _copy_first_held(self) -> None:
        """Each referral's copy of the date of its first held session (Referral.first_held_on), which
        MediationSession.save() keeps when the services write a session."""
        first: dict[int, date] = {}
        for session in self.rows[MediationSession]:
            if session["status"] == MediationSession.SessionStatus.HELD:
                referral_id, day = session["referral_id"], session["starts_on"]
                if referral_id not in first or day < first[referral_id]:
                    first[referral_id] = day
        for referral in self.rows[Referral]:
            referral["first_held_on"] = first.get(referral["id"])


def _load_cases(ids: Sequence[int]) -> list[tuple[CaseRow, list[tuple[str, date]]]]:
    """The cases, newest first, with their lifecycle: (status, London date it was entered), intake first."""
    tz, zone = timezone.get_current_timezone(), connection.timezone
    steps: dict[int, list[tuple[str, date]]] = {}
    events = (
        CaseEvent.objects.filter(case_id__in=ids, kind=CaseEvent.Kind.STATUS_CHANGED)
        .annotate(to=KT("data__to"))
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "created_at", "to")
    )
    days: dict = {}

    def local_day(value) -> date:
        # Cached by hour: UK offsets are whole hours, so every moment in an hour falls on the same London day.
        hour = value[:13] if isinstance(value, str) else int(value.timestamp()) // 3600
        day = days.get(hour)
        if day is None:
            day = days[hour] = as_datetime(value, zone).astimezone(tz).date()
        return day

    for case_id, created_at, to in raw_rows(events):
        steps.setdefault(case_id, []).append((to, local_day(created_at)))
    converters = [CASE_CONVERTERS.get(name) for name in CASE_FIELDS]
    converters[CASE_FIELDS.index("created_at")] = lambda value: as_datetime(value, zone)
    cases = [
        CaseRow(*(value if conv is None else conv(value) for value, conv in zip(row, converters, strict=True)))
        for row in raw_rows(Case.objects.filter(pk__in=ids).values_list(*CASE_FIELDS))
    ]
    cases.sort(key=lambda case: case.id, reverse=True)
    return [(case, [(S.INTAKE, case.first_contact_on), *steps.get(case.id, [])]) for case in cases]


def pathway_pending_case_ids() -> list[int]:
    """Seeded cases with no pathway rows and no clocks yet, newest first. (A case with nothing to record, such
    as a new disagreement-resolution enquiry, stays in the list and gets nothing again: harmless.)"""
    seeded = set(
        CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED, data__source=SEED_MARKER["source"]).values_list(
            "case_id", flat=True
        )
    )
    for model in (Deadline, AdviserContact, Referral, DisagreementResolution, TribunalAppeal, Certificate):
        seeded -= set(model.objects.values_list("case_id", flat=True).distinct())
    return sorted(seeded, reverse=True)


@transaction.atomic
def seed_pathway(
    *, rng_seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE, now: datetime | None = None,
    real_pdfs: int | None = None,
) -> int:  # fmt: skip
    """Give the seeded cases that have none their pathway records and statutory clocks, in bulk (RowWriter,
    never the per-case services). Returns how many rows were written. Called by run() after seed_cases.

    Consistent with each case's route and lifecycle: mediation and placement cases get the adviser contact,
    referrals (a provider may decline and a second referral follow), mediators of the referral's provider
    (never an inactive or LA-employed one, nor one with a declared conflict; open referrals only up to each
    mediator's maximum caseload, else they wait for a mediator), assignment history, sessions with their
    notice, outcomes, agreed actions, certificates and tribunal appeals; disagreement-resolution cases get
    their DRS record. Dates fall inside the case's own timeline and are never after today, except the start
    of a planned session. Due dates are deadlines, so they may be later: clocks, agreed actions and a
    tribunal's directed response date. Clocks are computed with cases.deadlines and the working-day calendar
    exactly as the services compute them, then met, missed, superseded or waived as the recorded facts say;
    each case's next clock and latest certificate date are set at the end.

    Certificate PDFs: only the first `real_pdfs` certificates (default REAL_CERTIFICATE_PDFS, newest cases
    first, so the ones the demo sign-ins open) are rendered with referrals.certificates and stored as the
    service stores them, each with the SHA-256 of its own PDF. Rendering takes a tenth of a second or more per
    PDF, far too slow for tens of thousands; so every other certificate row points at one shared
    demonstration PDF (SHARED_CERTIFICATE_PDF: rendered and stored once, it says it is demonstration data)
    and carries that file's correct SHA-256. Everything else on those rows (number, kind, version, dates,
    issuer, provider) is right for its case."""
    now = now or timezone.now()
    ids = pathway_pending_case_ids()
    if not ids:
        return 0
    real_pdfs = REAL_CERTIFICATE_PDFS if real_pdfs is None else real_pdfs
    existing_real = Certificate.objects.exclude(pdf=SHARED_CERTIFICATE_PDF).count()
    maker = PathwayMaker(rng_seed=rng_seed, now=now, real_pdfs=max(0, real_pdfs - existing_real))
    wishes = maker.plan_wishes(ids)
    writers = {model: RowWriter(model, now=now, include_pk=True) for model in PATHWAY_MODELS}
    written = 0
    for chunk in chunks(ids, batch_size):
        for case, steps in _load_cases(chunk):
            maker.make(case, steps, wishes.get(case.id))
        written += maker.flush(writers, chunk)
    return written
