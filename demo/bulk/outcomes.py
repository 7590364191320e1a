"""Bulk pathway steps: certificates, tribunal appeals, disagreement resolution and the demo sign-ins' workspaces."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cases import deadlines, rules
from cases.deadlines import ClockCode
from cases.models import (
    Case,
    Deadline,
    Decision,
    Route,
)
from demo.bulk.shapes import S, bookable_demo_mediators
from demo.bulk.work import APPEAL, CASELOAD, CERT, DS, IDEAL_WISH_AGE, RS, SS, CaseWork, MediatorRow, Wish, step_label
from demo.seeded import SHARED_CERTIFICATE_PDF
from demo.wording import AGREEMENT_ORDER, CORRECTION_REASON, UNOPPOSED_KIND
from referrals import certificates
from referrals import rules as referral_rules
from referrals.models import (
    Certificate,
    DisagreementResolution,
    MediationSession,
    Referral,
    TribunalAppeal,
)


class OutcomeSteps:
    """Mixed into PathwayMaker: certificates, appeals, disagreement resolution and workspaces."""

    # Certificates ------------------------------------------------------------------------------------------

    def _certificate(self, w: CaseWork, kind: str, issued: date, ref: dict | None, *, due_high: date,
                     mediator: MediatorRow | None = None) -> None:  # fmt: skip
        """A certificate (version 1, and now and then a corrected version 2) and the case's latest issue date."""
        c, rng = w.c, self.rng
        versions = [issued]
        if rng.random() < 0.02 and min(due_high, self.today) > issued:
            versions.append(self._between(issued + timedelta(days=1), min(issued + timedelta(days=10), due_high,
                                                                          self.today)))  # fmt: skip
        provider = ref["provider_id"] if ref else w.contact["provider_id"]
        if mediator is not None:
            issuer, role, issued_by = mediator.name, "mediator", mediator.user_id
        else:
            issuer, role, issued_by = w.contact["adviser_name"], "mediation adviser", w.actor
        previous = None
        for version, day in enumerate(versions, start=1):
            number = f"CERT-{c.reference}-{version}"
            correction = CORRECTION_REASON if version > 1 else ""
            pdf, sha = self._pdf(w, kind, number, version, day, issuer, role, provider, correction, previous)
            row = {
                "id": self.ids[Certificate].next(), "case_id": c.id, "referral_id": ref["id"] if ref else None,
                "version": version, "number": number, "kind": kind, "issued_on": day, "issued_by_id": issued_by,
                "issuer_name": issuer, "issuer_role": role, "provider_id": provider, "pdf": pdf, "sha256": sha,
                "correction_reason": correction, "replaces_id": previous["id"] if previous else None,
                "created_at": self._at(day),
            }  # fmt: skip
            if version > 1 and self.manager_id:  # a manager confirmed the correction after legal review
                row.update(review_confirmed_by_id=self.manager_id, review_confirmed_at=self._at(day))
            self.rows[Certificate].append(row)
            previous = row
        # The appeal clock runs from the first certificate the family received (decision 15: the seeded corrections
        # are not to the issue date).
        w.certificate_on = versions[0]

    def _pdf(self, w: CaseWork, kind, number, version, issued, issuer, role, provider, correction, previous):
        """(storage name, sha256): a real PDF for the first REAL_CERTIFICATE_PDFS certificates, then the shared
        demo PDF (see seed_pathway)."""
        self.certificates_made += 1
        if self.certificates_made > self.real_pdfs:
            return self._shared_pdf()
        c = w.c
        appealable = c.decision_sent_on and c.decision in rules.APPEALABLE_DECISIONS
        content = certificates.certificate_content_for(
            case_reference=c.reference, party_name=c.party_name,
            child_name=f"{c.child_first_name} {c.child_last_name}", child_date_of_birth=c.child_date_of_birth,
            decision_label=Decision(c.decision).label if c.decision else "", decision_sent_on=c.decision_sent_on,
            kind=kind, number=number, version=version, issued_on=issued, issuer_name=issuer, issuer_role=role,
            provider_name=self.provider_names[self.provider_ids.index(provider)],
            appeal_due=deadlines.appeal_deadline(c.decision_sent_on, issued, holidays=self.cal) if appealable else None,
            correction_reason=correction, replaces_number=previous["number"] if previous else "",
            appeal_route=certificates.case_appeal_route(c),
        )  # fmt: skip
        pdf = certificates.render_certificate_pdf(content)
        name = default_storage.save(f"certificates/{uuid.UUID(int=self.rng.getrandbits(128), version=4).hex}.pdf",
                                    ContentFile(pdf))  # fmt: skip
        return name, certificates.sha256_of(pdf)

    def _shared_pdf(self) -> tuple[str, str]:
        if self.shared_pdf is None:
            if default_storage.exists(SHARED_CERTIFICATE_PDF):
                with default_storage.open(SHARED_CERTIFICATE_PDF, "rb") as stored:
                    pdf = stored.read()
            else:
                content = certificates.certificate_content_for(
                    case_reference="DEMO", party_name="Demonstration data",
                    child_name="Demonstration data: the details are on the certificate record",
                    child_date_of_birth=date(2015, 1, 1), decision_label="Demonstration certificate",
                    decision_sent_on=None, kind=CERT.CONCLUDED, number="DEMO-SHARED-CERTIFICATE", version=1,
                    issued_on=self.today, issuer_name="Demonstration data", issuer_role="mediation adviser",
                )  # fmt: skip
                pdf = certificates.render_certificate_pdf(content)
                name = default_storage.save(SHARED_CERTIFICATE_PDF, ContentFile(pdf))
                if name != SHARED_CERTIFICATE_PDF:
                    raise RuntimeError(f"The shared demo certificate was stored as {name}.")
            self.shared_pdf = (SHARED_CERTIFICATE_PDF, certificates.sha256_of(pdf))
        return self.shared_pdf

    # Tribunal -----------------------------------------------------------------------------------------------

    def _appeal(self, w: CaseWork) -> None:
        """The appeal the LA was told of when the case moved to "appeal lodged", its outcome from where the case
        went next, and the compliance clocks the outcome sets (C14, C15, C16; C17 as directed)."""
        c, when = w.c, w.when
        told = when[S.APPEAL_LODGED]
        registered = self._appeal_registered(w, told)
        response_due = deadlines.add_working_days(registered, 30, holidays=self.cal)
        appeal = {
            "id": self.ids[TribunalAppeal].next(), "case_id": c.id, "registered_on": registered, "la_told_on": told,
            "response_due_on": response_due, "hearing_on": None, "outcome": "", "outcome_on": None, "order_kind": "",
            "order_sent_on": None, "unopposed_kind": "", "unopposed_notified_on": None, "recommendation_on": None,
            "created_by_id": w.actor, "created_at": self._at(told),
            "case_decision": c.decision,  # the copy TribunalAppeal.save() takes from the case
        }  # fmt: skip
        self.rows[TribunalAppeal].append(appeal)
        w.appeal_on = registered
        after = w.path[w.path.index(S.APPEAL_LODGED) + 1] if w.moved_on(S.APPEAL_LODGED) else None
        decided = w.nxt(S.APPEAL_LODGED) if after else None
        self._appeal_response(w, appeal, told, response_due, end=decided or self.today)
        if after == S.CONCEDED_UNOPPOSED:
            specs = self._unopposed(w, appeal, told, decided)
        elif after == S.ORDER_MADE:
            specs = self._order_made(w, appeal, registered, decided)
        else:
            specs = []
            if after in (S.APPEAL_WITHDRAWN, S.WITHDRAWN):
                appeal.update(outcome=APPEAL.WITHDRAWN, outcome_on=decided)
        self._compliance_clocks(w, appeal, specs, decided)

    def _appeal_registered(self, w: CaseWork, told: date) -> date:
        """The working day the Tribunal registered the appeal: before the LA was told, mostly in time (C9)."""
        c, rng = w.c, self.rng
        low = max(d for d in (c.decision_sent_on, w.when.get(S.APPEAL_WINDOW_OPEN), w.certificate_on) if d)
        low = min(low, told)
        in_time = deadlines.appeal_deadline(c.decision_sent_on, w.certificate_on, holidays=self.cal)
        registered = told - timedelta(days=rng.randint(1, 12))
        if registered > in_time and rng.random() < 0.85:
            registered = in_time - timedelta(days=rng.randint(0, 10))
        return self._workday(self._clamp(registered, low, told), low, told)

    def _appeal_response(self, w: CaseWork, appeal: dict, told: date, response_due: date, *, end: date) -> None:
        """The LA's response as directed (C17): sent by the time the appeal is decided, or now and then already."""
        c17 = self._clock(
            w,
            f"{ClockCode.C17}:{appeal['id']}",
            ClockCode.C17,
            response_due,
            Deadline.Binds.LA,
            {"directed": True},
            set_on=told,
            title="LA response to the appeal (as directed)",
        )
        if end >= response_due or self.rng.random() < 0.4:
            self._meet(c17, self._done_on(response_due, told, end, must=True))
            appeal.setdefault("steps_done", {})[c17["key"]] = c17["met_on"].isoformat()

    def _unopposed(self, w: CaseWork, appeal: dict, told: date, decided: date) -> list[tuple]:
        """The LA conceded the appeal (unopposed): the steps of its timetable (C15)."""
        c = w.c
        kind = UNOPPOSED_KIND[c.decision]
        if kind == deadlines.UnopposedAppealKind.PLACEMENT_ONLY and {"B", "F"} & set(c.sections_disputed):
            kind = deadlines.UnopposedAppealKind.CONTENT_AND_PLACEMENT
        notified = self._between(max(told, decided - timedelta(days=5)), decided)
        appeal.update(outcome=APPEAL.CONCEDED, outcome_on=decided, unopposed_kind=kind,
                      unopposed_notified_on=notified)  # fmt: skip
        return [(f"{ClockCode.C15}:{appeal['id']}:{step}", ClockCode.C15, due,
                 {"notified_on": notified.isoformat(), "kind": kind}, f"Unopposed appeal: {step_label(step)}")
                for step, due in deadlines.unopposed_appeal_deadlines(kind, notified).items()]  # fmt: skip

    def _order_made(self, w: CaseWork, appeal: dict, registered: date, decided: date) -> list[tuple]:
        """A hearing and its decision; once the case reached compliance, the order sent and its timetable."""
        c, rng = w.c, self.rng
        appeal["hearing_on"] = self._clamp(decided - timedelta(days=rng.randint(0, 12)), registered, decided)
        appeal["outcome_on"] = decided
        if S.COMPLIANCE in w.when:
            return self._order_sent(w, appeal, decided)
        if rng.random() < 0.7:
            appeal["outcome"] = APPEAL.DISMISSED
        else:  # decided, the order not sent out yet
            appeal.update(outcome=rng.choice((APPEAL.UPHELD, APPEAL.PARTLY_UPHELD)),
                          order_kind=AGREEMENT_ORDER[c.decision][1])  # fmt: skip
        return []

    def _order_sent(self, w: CaseWork, appeal: dict, decided: date) -> list[tuple]:
        """The order sent within 3 days: its timetable (C14), and perhaps recommendations (C16)."""
        c, rng = w.c, self.rng
        sent = self._between(decided, min(decided + timedelta(days=3), w.when[S.COMPLIANCE]))
        if c.decision == Decision.CEASE and rng.random() < 0.5:
            outcome, kind = APPEAL.DISMISSED, deadlines.OrderKind.CEASE_APPEAL_DISMISSED
        else:
            outcome, kind = rng.choice((APPEAL.UPHELD, APPEAL.PARTLY_UPHELD)), AGREEMENT_ORDER[c.decision][1]
        appeal.update(outcome=outcome, order_kind=kind, order_sent_on=sent)
        specs = [(f"{ClockCode.C14}:{appeal['id']}:{step}", ClockCode.C14, due,
                  {"order_sent_on": sent.isoformat(), "kind": kind}, f"Tribunal order: {step_label(step)}")
                 for step, due in deadlines.tribunal_order_deadlines(kind, sent).items()]  # fmt: skip
        return specs + self._recommendations(w, appeal, decided)

    def _recommendations(self, w: CaseWork, appeal: dict, decided: date) -> list[tuple]:
        """Health or social care recommendations (extended powers): mostly where the case involves them."""
        c = w.c
        likely = 0.5 if c.health_involved or c.social_care_involved else 0.05
        if not self.cover.pick(self.rng, "recommendation", [(True, likely), (False, 1 - likely)]):
            return []
        appeal["recommendation_on"] = decided
        appeal["recommendation_to"] = (
            TribunalAppeal.RecommendationTo.ICB if c.health_involved else TribunalAppeal.RecommendationTo.LA
        )
        return [
            (
                f"{ClockCode.C16}:{appeal['id']}",
                ClockCode.C16,
                deadlines.recommendation_response_deadline(decided),
                {"recommendation_on": decided.isoformat()},
                "",
            )
        ]

    def _compliance_clocks(self, w: CaseWork, appeal: dict, specs: list[tuple], decided: date | None) -> None:
        """Each compliance step's clock, mostly met when due by now, and the steps done on the appeal."""
        rng = self.rng
        for key, clock, due, facts, title in specs:
            set_on = appeal["order_sent_on"] or appeal["unopposed_notified_on"] or decided
            row = self._clock(w, key, clock, due, Deadline.Binds.LA, facts, set_on=set_on, title=title)
            if due <= w.limit:
                if rng.random() < 0.88:
                    self._meet(row, self._done_on(due, set_on, w.limit, must=True))
            elif rng.random() < 0.2:
                self._meet(row, self._between(set_on, w.limit))
            if row["met_on"]:
                appeal.setdefault("steps_done", {})[key] = row["met_on"].isoformat()

    # Disagreement resolution ----------------------------------------------------------------------------------

    def _drs(self, w: CaseWork) -> None:
        c, when, rng = w.c, w.when, self.rng
        if S.DRS_ROUTE not in when:
            return
        K = DisagreementResolution.Kind
        if c.health_involved:
            kind = K.LA_AND_HEALTH if rng.random() < 0.3 else K.HEALTH_DURING_PROCESS
        elif c.school_id and rng.random() < 0.6:
            kind = K.SCHOOL_PROVISION
        else:
            kind = K.LA_OR_EDUCATION_BODY
        referred = when[S.DRS_ROUTE]
        meeting = outcome = outcome_on = None
        if S.DRS_MEETING_SCHEDULED in when:
            low = when[S.DRS_MEETING_SCHEDULED]
            high = when.get(S.DRS_MEETING_HELD) or w.nxt(S.DRS_MEETING_SCHEDULED)
            meeting = self._workday(self._between(low, high), low, high)
        for status, result in (
            (S.RESOLVED, DisagreementResolution.Outcome.RESOLVED),
            (S.PARTLY_RESOLVED, DisagreementResolution.Outcome.PARTLY_RESOLVED),
            (S.UNRESOLVED, DisagreementResolution.Outcome.UNRESOLVED),
            (S.DRS_DECLINED, DisagreementResolution.Outcome.DECLINED),
        ):
            if status in when:
                outcome, outcome_on = result, when[status]
        self.rows[DisagreementResolution].append({
            "id": self.ids[DisagreementResolution].next(), "case_id": c.id, "kind": kind,
            "provider_id": self.provider_ids[self.drs_provider], "referred_on": referred, "meeting_on": meeting,
            "outcome": outcome or "", "outcome_on": outcome_on, "created_by_id": w.actor,
            "created_at": self._at(referred),
        })  # fmt: skip

    # The demo sign-ins' workspaces ---------------------------------------------------------------------------

    def plan_wishes(self, case_ids: Sequence[int]) -> dict[int, Wish]:
        """Cases (among those about to get their pathway) that give each bookable demo mediator an upcoming
        session, another current mediation and a concluded one awaiting its certificate, and give `officer`
        clocks due today, this week and overdue; only what their workspaces do not already show."""
        User = get_user_model()
        user_ids = dict(User.objects.values_list("username", "pk"))
        wishes: dict[int, Wish] = {}
        current, concluded, agreements = self._wish_pools(case_ids)
        for username in [m.user.username for m in bookable_demo_mediators()]:
            mediator = next((m for m in self.mediators if m.bookable and m.user_id == user_ids.get(username)), None)
            if mediator is not None:
                self._mediator_wishes(mediator, current, concluded, wishes)
        officer_id = user_ids.get("officer")
        due_today = Deadline.objects.filter(case__officer_id=officer_id, state=DS.OPEN, due_on=self.today).exists()
        if officer_id and not due_today:
            mine = [item for item in agreements if item[2][7] == officer_id]
            if mine:
                wishes[mine[0][2][0]] = Wish("due_today")
        return wishes

    def _wish_pools(self, case_ids: Sequence[int]) -> tuple[list, list, list]:
        """The candidate cases in mediation, after it and implementing an agreement, each as (age, reference,
        row): mediations nearest the ideal age first, the others oldest first."""
        candidates = (
            Case.objects.filter(pk__in=case_ids, route__in=[Route.MEDIATION, Route.PLACEMENT_ONLY])
            .exclude(decision=Decision.HSC)
            .values_list("pk", "reference", "status", "first_contact_on", "school_id", "child_last_name",
                         "party_name", "officer_id")
        )  # fmt: skip
        current, concluded, agreements = [], [], []
        for row in candidates:
            age = (self.today - row[3]).days
            if row[2] == S.MEDIATION_ROUTE:
                current.append((abs(age - IDEAL_WISH_AGE), row[1], row))
            elif row[2] == S.POST_MEDIATION:
                concluded.append((age, row[1], row))
            elif row[2] == S.AGREEMENT_IMPLEMENTATION:
                agreements.append((age, row[1], row))
        current.sort()
        concluded.sort()
        agreements.sort()
        return current, concluded, agreements

    @staticmethod
    def _take(pool: list, mediator: MediatorRow) -> int | None:
        """The first case in `pool` the mediator may take (no conflict of school or family name), removed from it."""
        for i, (_, _, row) in enumerate(pool):
            names = (row[5], row[6].split(" ")[-1], row[6])
            if row[4] in mediator.conflict_schools or (
                mediator.conflict_notes and referral_rules.conflicting_family_names(mediator.conflict_notes, names)
            ):
                continue
            return pool.pop(i)[2][0]
        return None

    def _mediator_wishes(self, mediator: MediatorRow, current: list, concluded: list, wishes: dict[int, Wish]) -> None:
        """What the mediator's workspace lacks: an upcoming session, two current mediations, one awaiting its
        certificate."""
        mine = Referral.objects.filter(mediator_id=mediator.id)
        upcoming = MediationSession.objects.filter(
            referral__mediator_id=mediator.id, status=SS.PLANNED, starts_at__gte=self.now
        ).exists()
        active = mine.filter(status__in=CASELOAD).count()
        awaiting = mine.filter(status=RS.CONCLUDED, case__certificates__isnull=True).exists()
        wanted = [] if upcoming else ["upcoming"]
        wanted += ["active"] * max(0, 2 - active - len(wanted))
        wanted += [] if awaiting else ["awaiting"]
        for kind in wanted:
            pk = self._take(concluded if kind == "awaiting" else current, mediator)
            if pk is not None:
                wishes[pk] = Wish(kind, mediator.id)
                if kind != "awaiting":
                    self.loads[mediator.id] = self.loads.get(mediator.id, 0) + 1
