"""Bulk pathway steps: referral, mediator, sessions, outcome and agreed actions of one case (PathwayMaker)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cases import deadlines, rules
from cases.deadlines import ClockCode
from cases.models import (
    Deadline,
    Decision,
    PartyType,
)
from demo.bulk.shapes import S
from demo.bulk.work import (
    ACTIVE_STAGES,
    CASELOAD,
    CERT,
    CONCLUDED_FULL,
    CONCLUDED_NONE,
    CONCLUDED_PARTIAL,
    CURRENT_REFERRAL,
    DS,
    RS,
    SS,
    CaseRow,
    CaseWork,
    MediatorRow,
    Wish,
    step_label,
)
from demo.reference import pick
from demo.wording import (
    AGREED_ACTIONS,
    AGREEMENT_ORDER,
    CANCELLATIONS,
    DECLINES,
    ICB_ACTIONS,
    NOT_SUGGESTED_REASONS,
    NOT_TOP_REASONS,
    OTHER_ACTIONS,
    PROVIDER_WEIGHTS,
    REASSIGN_REASONS,
    SESSION_TIMES,
    VENUES_IN_PERSON,
    VENUES_ONLINE,
    WAIVE_REASON,
)
from referrals import rules as referral_rules
from referrals.models import (
    AgreementAction,
    IssueOutcome,
    MediationSession,
    MediatorAssignment,
    PlanIssue,
    Referral,
    england_date,
)


@dataclass
class _Mediation:
    """One case's referral as the steps fill it in."""

    target: str  # where the referral ends up (the steps may find it must wait for a mediator instead)
    current: bool  # still open today
    ended: bool
    referred: date
    high: date  # the latest day its steps can be on
    family_told: date
    provider_told: date | None
    start: date  # the earlier day the LA was told: C4 runs from it
    health: bool
    health_only: bool
    provider: int
    ref: dict
    key: str = ""  # C4, or C5 for health only
    clock_start: date | None = None
    in_time: date | None = None  # the day mediation must be held by
    c45: dict | None = None
    mediator: MediatorRow | None = None
    assigned: date | None = None


class MediationSteps:
    """Mixed into PathwayMaker: the mediation pathway of one case."""

    # Referral, mediator, sessions, outcome ----------------------------------------------------------------

    def _target(self, w: CaseWork, wish: Wish | None) -> str:
        """Where the referral ends up, from where the case went after mediation (or the wish)."""
        when, rng = w.when, self.rng
        if wish:
            if wish.kind == "upcoming":
                return RS.SCHEDULED
            if wish.kind == "active":
                return RS.HELD if (self.today - when[S.MEDIATION_ROUTE]).days >= 3 else RS.ASSIGNED
            if wish.kind == "awaiting":
                return CONCLUDED_NONE
            return self.cover.pick(rng, "agreement", [(CONCLUDED_FULL, 50), (CONCLUDED_PARTIAL, 35)])
        if S.AGREEMENT_IMPLEMENTATION in when:
            return self.cover.pick(
                rng, "agreement", [(CONCLUDED_FULL, 50), (CONCLUDED_PARTIAL, 35), (RS.LA_CONCEDED, 15)]
            )
        if S.POST_MEDIATION in when:
            return self.cover.pick(rng, "post", [(CONCLUDED_NONE, 55), (RS.NOT_HELD, 25), (RS.WITHDRAWN, 20)])
        if S.WITHDRAWN in when:
            return RS.WITHDRAWN
        elapsed = (self.today - when[S.MEDIATION_ROUTE]).days
        return self.cover.pick(rng, "active", [(status, weight(elapsed)) for status, weight in ACTIVE_STAGES])

    def _mediation(self, w: CaseWork, wish: Wish | None) -> None:
        """The case's referral, from the referral to where it stands today, each step as its service records it."""
        m = self._refer(w, wish)
        self._mediation_clocks(w, m)
        if m.target == RS.REFERRED:
            return
        self._accept_and_assign(w, wish, m)
        if m.target in (RS.ACCEPTED, RS.ASSIGNED):
            return
        ending = {
            RS.LA_CONCEDED: self._la_conceded,
            RS.WITHDRAWN: self._withdrawn,
            RS.NOT_HELD: self._not_held_in_time,
        }.get(m.target)
        if ending is not None:
            ending(w, m, wish)
            return
        day = self._sessions(w, m)
        if m.target in (RS.SCHEDULED, RS.HELD):
            return
        self._conclude(w, m, wish, day)

    @staticmethod
    def _health(c: CaseRow) -> tuple[bool, bool]:
        """(health care issues, health only) for the case's referral."""
        health_only = c.decision == Decision.HSC and set(c.sections_disputed) <= {"C", "G"}
        health = health_only or c.health_involved or (c.decision == Decision.HSC and "C" in c.sections_disputed)
        return health, health_only

    def _refer(self, w: CaseWork, wish: Wish | None) -> _Mediation:
        """The referral (after a first provider's decline, now and then), with the dates the family and the
        provider told the LA."""
        when, rng = w.when, self.rng
        target = self._target(w, wish)
        ended = target not in CURRENT_REFERRAL or S.WITHDRAWN in when or w.moved_on(S.MEDIATION_ROUTE)
        contacted = w.contact["contacted_on"]
        referred = self._clamp(when[S.MEDIATION_ROUTE], contacted, self.today)
        high = max(w.nxt(S.MEDIATION_ROUTE) if S.POST_MEDIATION in when else w.limit, referred)
        family_told = self._between(contacted, min(contacted + timedelta(days=3), referred))
        provider_told = self._between(contacted, referred) if rng.random() < 0.5 else None
        start = min(family_told, provider_told or family_told)
        health, health_only = self._health(w.c)
        wished = self.by_id[wish.mediator_id] if wish and wish.mediator_id else None
        provider = wished.provider if wished else pick(rng, PROVIDER_WEIGHTS)
        told = (family_told, provider_told, health, health_only, start)
        if wish is None and self.cover.pick(rng, "declined", [(True, 8), (False, 92)]):
            referred = self._declined_referral(w, 1 - provider, referred, high, told)
        ref = self._referral(w, provider, referred, *told)
        w.referral = ref
        return _Mediation(
            target=target, current=not ended, ended=ended, referred=referred, high=high, family_told=family_told,
            provider_told=provider_told, start=start, health=health, health_only=health_only, provider=provider,
            ref=ref,
        )  # fmt: skip

    def _declined_referral(self, w: CaseWork, provider: int, referred: date, high: date, told: tuple) -> date:
        """A first referral the provider declined within 3 working days. Returns the day of the next referral."""
        rng = self.rng
        responded = self._between(referred, min(deadlines.add_working_days(referred, 3, holidays=self.cal), high))
        reason, detail = rng.choice(DECLINES)
        declined = self._referral(w, provider, referred, *told)
        declined.update(status=RS.DECLINED, responded_on=responded, decline_reason=reason, decline_detail=detail)
        return self._between(responded, min(responded + timedelta(days=2), high))

    def _mediation_clocks(self, w: CaseWork, m: _Mediation) -> None:
        """C3 (tell the ICB within 3 working days) for health care issues, then C4 (or C5 for health only)."""
        ref = m.ref
        if m.health:
            due = deadlines.health_notification_deadline(m.family_told, holidays=self.cal)
            c3 = self._clock(w, ClockCode.C3, ClockCode.C3, due, Deadline.Binds.LA,
                             {"health_told_on": m.family_told.isoformat()}, set_on=m.referred)  # fmt: skip
            notified = self._done_on(due, m.family_told, m.high, must=m.ended or m.health_only)
            if notified:
                ref["icb_notified_on"] = notified
                self._meet(c3, notified)
        if m.health_only:
            notified = ref["icb_notified_on"]
            m.key, m.clock_start, binds = ClockCode.C5, notified, Deadline.Binds.ICB
            facts = {"icb_received_on": notified.isoformat()}
        else:
            m.key, m.clock_start, binds = ClockCode.C4, m.start, Deadline.Binds.LA
            facts = {
                "la_told_on": m.start.isoformat(), "family_told_la_on": m.family_told.isoformat(),
                "provider_told_la_on": m.provider_told.isoformat() if m.provider_told else None,
            }  # fmt: skip
        m.in_time = deadlines.mediation_deadline(m.clock_start)
        m.c45 = self._clock(w, m.key, m.key, m.in_time, binds, facts, set_on=ref["icb_notified_on"] or m.referred)

    def _needs_mediator(self, m: _Mediation) -> bool:
        """A referral not held in time stays on its mediator's caseload (the family may still mediate): only a
        current one has a mediator; an earlier one never found a mediator in time."""
        if m.target in (RS.ACCEPTED, RS.REFERRED) or (m.target == RS.NOT_HELD and not m.current):
            return False
        if m.target in (RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED):
            return self.rng.random() < 0.5
        return True

    def _accept_and_assign(self, w: CaseWork, wish: Wish | None, m: _Mediation) -> None:
        """The provider accepts within 3 working days, and a mediator is assigned (the wished one, or one the
        rules allow); with nobody free the referral waits for a mediator."""
        ref = m.ref
        responded = self._clamp(deadlines.add_working_days(m.referred, self.rng.randint(0, 3), holidays=self.cal),
                                m.referred, m.high)  # fmt: skip
        ref["status"], ref["responded_on"] = RS.ACCEPTED, responded
        wished = bool(wish and wish.mediator_id)
        if self._needs_mediator(m):
            m.mediator = self.by_id[wish.mediator_id] if wish and wish.mediator_id else None
            m.mediator = m.mediator or self._choose_mediator(w, m.provider, m.referred, capacity=m.current)
            if m.mediator is None and m.target in (RS.ASSIGNED, RS.SCHEDULED, RS.HELD):
                m.target = RS.ACCEPTED  # nobody free: waiting for a mediator
        m.assigned = responded
        if m.mediator is None:
            return
        assigned = self._between(responded, min(responded + timedelta(days=3), m.high))
        m.assigned = self._assign(w, ref, m.mediator, assigned, m.high)
        ref["status"] = RS.ASSIGNED
        if m.current and not wished and ref["status"] in CASELOAD:
            self.loads[ref["mediator_id"]] = self.loads.get(ref["mediator_id"], 0) + 1

    # Endings without a session -------------------------------------------------------------------------------

    def _la_conceded(self, w: CaseWork, m: _Mediation, wish: Wish | None) -> None:
        agreed = self._clamp(m.high, m.assigned, self.today)
        m.ref.update(status=RS.LA_CONCEDED, outcome=Referral.Outcome.LA_CONCEDED, agreement_on=agreed,
                     concluded_on=agreed)  # fmt: skip
        self._end(m.c45, DS.SUPERSEDED)
        self._actions(w, m.ref, agreed, wish)

    def _withdrawn(self, w: CaseWork, m: _Mediation, wish: Wish | None) -> None:
        """The family withdrew: a certificate is due as for a decline (C2)."""
        withdrawn = self._clamp(w.when.get(S.WITHDRAWN) or self._between(m.assigned, m.high), m.assigned, m.high)
        m.ref.update(status=RS.WITHDRAWN, outcome=Referral.Outcome.WITHDRAWN, concluded_on=withdrawn)
        self._end(m.c45, DS.SUPERSEDED)
        self._certificate_due(w, m.ref, ClockCode.C2, {"withdrew_on": withdrawn.isoformat()}, withdrawn, CERT.DECLINED)

    def _not_held_in_time(self, w: CaseWork, m: _Mediation, wish: Wish | None) -> None:
        """The adviser was told mediation cannot be held within 30 days: the mediation clock is missed and a
        certificate is due (C6)."""
        told = self._clamp(m.in_time + timedelta(days=self.rng.randint(-6, 3)), m.assigned, m.high)
        m.ref.update(status=RS.NOT_HELD, not_held_notified_on=told)
        self._end(m.c45, DS.MISSED)
        self._certificate_due(w, m.ref, ClockCode.C6, {"adviser_told_on": told.isoformat()}, told, CERT.NOT_HELD)

    # Sessions and the conclusion -----------------------------------------------------------------------------

    def _session_day(self, m: _Mediation) -> date:
        """A planned session's day (a working day soon), or a held one's (mostly within the 30 days)."""
        rng = self.rng
        first_day = max(m.assigned + timedelta(days=1), m.clock_start)
        if m.target == RS.SCHEDULED:
            return deadlines.first_working_day_on_or_after(
                max(self.today + timedelta(days=rng.randint(2, 20)), first_day), holidays=self.cal
            )
        last_day = m.high if m.target != RS.HELD else self.today
        first_day = min(first_day, last_day)
        late = rng.random() < 0.15
        wanted = m.clock_start + timedelta(days=rng.randint(31, 45) if late else rng.randint(10, 29))
        return self._workday(self._clamp(wanted, first_day, last_day), first_day, last_day)

    def _sessions(self, w: CaseWork, m: _Mediation) -> date:
        """A session, planned (SCHEDULED) or held (HELD and the concluded outcomes), perhaps after one cancelled;
        a late one's clock is now and then waived. Returns the session's day."""
        rng = self.rng
        day = self._session_day(m)
        if day > m.in_time and self.manager_id and self.cover.pick(rng, "waive", [(True, 1), (False, 6)]):
            m.c45.update(state=DS.WAIVED, waived_reason=WAIVE_REASON, waived_by_id=self.manager_id)
            self.waivers.append((w.c.id, m.key))
        if (day - m.assigned).days >= 6 and m.assigned + timedelta(days=3) <= self.today:
            self._cancelled_session(w, m, day)
        status = SS.PLANNED if m.target == RS.SCHEDULED else SS.HELD
        self._session(w, m.ref, m.mediator, day, m.assigned, status=status, health=m.health)
        if status == SS.PLANNED:
            m.ref["status"] = RS.SCHEDULED
            return day
        m.ref["status"] = RS.HELD
        self._meet(m.c45, day)
        return day

    def _cancelled_session(self, w: CaseWork, m: _Mediation, day: date) -> None:
        """Now and then an earlier session, cancelled or not attended."""
        rng = self.rng
        cancel = self.cover.pick(rng, "cancel", [(CANCELLATIONS[0], 5), (CANCELLATIONS[3], 3), (None, 80)])
        if cancel is CANCELLATIONS[0]:
            cancel = rng.choice(CANCELLATIONS[:3])
        if cancel:
            latest = min(day - timedelta(days=3), self.today)
            early = self._workday(self._between(m.assigned + timedelta(days=3), latest), m.assigned, latest)
            self._session(w, m.ref, m.mediator, early, m.assigned, status=cancel[0], cancel=cancel)

    def _conclude(self, w: CaseWork, m: _Mediation, wish: Wish | None, day: date) -> None:
        """Concluded: outcome, issue outcomes, the written agreement and the certificate (C8)."""
        concluded = self._clamp(m.high, day, self.today)
        agreement = concluded if m.target in (CONCLUDED_FULL, CONCLUDED_PARTIAL) else None
        m.ref.update(status=RS.CONCLUDED, outcome=m.target, concluded_on=concluded, agreement_on=agreement)
        self._issue_outcomes(w, m.ref, m.target)
        awaiting = bool(wish and wish.kind == "awaiting")
        self._certificate_due(w, m.ref, ClockCode.C8, {"concluded_on": concluded.isoformat()}, concluded,
                              CERT.CONCLUDED, awaiting=awaiting, mediator=m.mediator)  # fmt: skip
        if agreement:
            self._actions(w, m.ref, agreement, wish)

    def _referral(self, w: CaseWork, provider: int, referred: date, family_told: date, provider_told: date | None,
                  health: bool, health_only: bool, start: date) -> dict:  # fmt: skip
        rng = self.rng
        suggested, reason = provider, ""
        if rng.random() < 0.1:
            suggested, reason = 1 - provider, rng.choice(NOT_SUGGESTED_REASONS)
        row = {
            "id": self.ids[Referral].next(), "case_id": w.c.id, "provider_id": self.provider_ids[provider],
            "suggested_provider_id": self.provider_ids[suggested], "provider_choice_reason": reason,
            "referred_on": referred, "family_told_la_on": family_told, "provider_told_la_on": provider_told,
            "health_issues": health, "health_only": health_only, "health_told_on": family_told if health else None,
            "icb_notified_on": None, "status": RS.REFERRED, "responded_on": None, "decline_reason": "",
            "decline_detail": "", "mediator_id": None, "not_held_notified_on": None, "concluded_on": None,
            "outcome": "", "agreement_on": None, "created_by_id": w.actor, "created_at": self._at(referred),
            "case_decision": w.c.decision,  # the copy Referral.save() takes from the case
        }  # fmt: skip
        self.rows[Referral].append(row)
        return row

    def _needs(self, w: CaseWork, on: date) -> set[str]:
        c = w.c
        needs = set()
        if c.health_involved or c.decision == Decision.HSC and "C" in c.sections_disputed:
            needs.add("health")
        if c.social_care_involved:
            needs.add("social_care")
        if rules.age_on(c.child_date_of_birth, on) >= 16 or self.school_phase.get(c.school_id) == "post_16":
            needs.add("post_16")
        return needs

    def _can_take(self, m: MediatorRow, w: CaseWork) -> bool:
        """The exclusions referrals.rules applies, less the caseload: independent, active, no declared conflict."""
        c = w.c
        if not m.bookable or c.school_id in m.conflict_schools:
            return False
        if m.conflict_words:
            names = (c.child_last_name, c.party_name.split(" ")[-1], c.party_name)
            # A name can only match if all its words are in the notes: check that first, it is cheap.
            if any(all(word in m.conflict_words for word in name.casefold().split()) for name in names):
                return not referral_rules.conflicting_family_names(m.conflict_notes, names)
        return True

    def _choose_mediator(self, w: CaseWork, provider: int, on: date, *, capacity: bool, other_than=None):
        """One of the provider's mediators the rules allow; for an open referral only one with a free place.
        Specialism and language matches, and spare capacity, make a mediator likelier."""
        needs = self._needs(w, on)
        language = w.c.preferred_language.casefold()
        choices, weights = [], []
        for m in self.mediators:
            if m.provider != provider or m is other_than or not self._can_take(m, w):
                continue
            weight = 1.0 + 2 * len(needs & m.specialisms)
            if language != "english" and language in m.languages:
                weight += 3
            if capacity:
                free = m.capacity - self.loads.get(m.id, 0)
                if free <= 0:
                    continue
                weight *= free / m.capacity
            choices.append(m)
            weights.append(weight)
        return self.rng.choices(choices, weights=weights)[0] if choices else None

    def _assign(self, w: CaseWork, ref: dict, mediator: MediatorRow, on: date, high: date) -> date:
        """MediatorAssignment history: sometimes a first mediator, reassigned a few days later. Returns the
        day the referral's mediator was assigned."""
        rng = self.rng
        previous = None
        if rng.random() < 0.08 and (high - on).days >= 4:
            previous = self._choose_mediator(w, mediator.provider, on, capacity=False, other_than=mediator)
        moved = self._between(on + timedelta(days=1), min(on + timedelta(days=6), high)) if previous else on
        for who, start, end in ((previous, on, moved), (mediator, moved, None)):
            if who is None:
                continue
            top = rng.random() < 0.85
            self.rows[MediatorAssignment].append({
                "id": self.ids[MediatorAssignment].next(), "referral_id": ref["id"], "mediator_id": who.id,
                "assigned_by_id": w.actor, "assigned_at": self._at(start), "was_top_suggestion": top,
                "reason": "" if top else rng.choice(NOT_TOP_REASONS if end is None or who is previous else
                                                    REASSIGN_REASONS),
                "ended_at": self._at(end) if end else None,
            })  # fmt: skip
        ref["mediator_id"] = mediator.id
        return moved

    def _session(self, w: CaseWork, ref: dict, mediator: MediatorRow | None, day: date, assigned: date, *,
                 status: str, cancel=None, health: bool = False) -> None:  # fmt: skip
        """A session with its notice (C7, met when the notice went): at least 5 working days before, or
        shorter with the family's consent."""
        c, rng = w.c, self.rng
        due = deadlines.mediation_notice_deadline(day, holidays=self.cal)
        notice = self._notice_day(due, day, assigned)
        online = rng.random() < 0.4
        starts = datetime.combine(day, rng.choice(SESSION_TIMES), tzinfo=self.tz)
        if status != SS.PLANNED:
            starts = min(starts, self.now)
        session = {
            "id": self.ids[MediationSession].next(), "referral_id": ref["id"], "case_id": c.id, "starts_at": starts,
            "starts_on": england_date(starts),
            "mode": MediationSession.Mode.ONLINE if online else MediationSession.Mode.IN_PERSON,
            "venue": rng.choice(VENUES_ONLINE if online else VENUES_IN_PERSON), "notice_sent_on": notice,
            "short_notice_consent": notice > due, "status": status,
            "cancelled_by": cancel[1] if cancel else "", "cancel_reason": cancel[2] if cancel else "",
            **self._attendance(c, held=status == SS.HELD, health=health),
            "recorded_by_id": mediator.user_id if mediator else w.actor, "created_at": self._at(notice),
        }  # fmt: skip
        self.rows[MediationSession].append(session)
        row = self._clock(
            w,
            f"{ClockCode.C7}:{session['id']}",
            ClockCode.C7,
            due,
            Deadline.Binds.LA,
            {"mediation_on": day.isoformat()},
            set_on=notice,
        )
        self._meet(row, notice)

    def _notice_day(self, due: date, day: date, assigned: date) -> date:
        """The working day notice went: mostly by its due day, now and then later (shorter notice)."""
        rng = self.rng
        if rng.random() < 0.88:
            wanted = due - timedelta(days=rng.randint(0, 6))
        else:
            wanted = self._between(due + timedelta(days=1), day)
        notice = self._clamp(wanted, min(assigned, day, self.today), min(day, self.today))
        return self._workday(notice, min(assigned, notice), min(day, self.today))

    def _attendance(self, c: CaseRow, *, held: bool, health: bool) -> dict[str, bool]:
        """Who attended a held session (nobody attends one that was not held)."""
        rng = self.rng
        parent = c.party_type == PartyType.PARENT
        return {
            "party_attended": held and rng.random() < 0.97,
            "supporter_attended": held and (c.sendiass_involved or bool(c.supporter_name)) and rng.random() < 0.8,
            "la_decision_maker_attended": held and rng.random() < 0.9,
            "icb_attended": held and health and rng.random() < 0.7,
            "interpreter_attended": held and c.interpreter_needed and rng.random() < 0.9,
            "child_views_obtained": held and rng.random() < (0.6 if parent else 0.9),
        }

    def _issues(self, c: CaseRow) -> list[str]:
        issues = [PlanIssue.SECTION_B] if "B" in c.sections_disputed else []
        issues += [PlanIssue.SECTION_F] if "F" in c.sections_disputed else []
        issues += [PlanIssue.SECTION_I] if "I" in c.sections_disputed else []
        if {"C", "G"} & set(c.sections_disputed) or c.health_involved:
            issues.append(PlanIssue.HEALTH)
        if {"D", "H1", "H2"} & set(c.sections_disputed) or c.social_care_involved:
            issues.append(PlanIssue.SOCIAL_CARE)
        if c.decision in (Decision.RTA, Decision.RTI, Decision.RTR, Decision.RTAM, Decision.CEASE) or not issues:
            issues.append(PlanIssue.DECISION)
        return issues

    def _issue_outcomes(self, w: CaseWork, ref: dict, outcome: str) -> None:
        rng = self.rng
        R = IssueOutcome.Result
        issues = self._issues(w.c)
        if outcome == CONCLUDED_FULL:
            results = [R.AGREED] * len(issues)
        elif outcome == CONCLUDED_NONE:
            results = [R.NOT_AGREED] * len(issues)
        elif len(issues) == 1:
            results = [R.PARTLY]
        else:
            results = [rng.choice((R.AGREED, R.PARTLY, R.NOT_AGREED)) for _ in issues]
            results[0], results[-1] = R.AGREED, R.NOT_AGREED
        for issue, result in zip(issues, results, strict=True):
            self.rows[IssueOutcome].append(
                {"id": self.ids[IssueOutcome].next(), "referral_id": ref["id"], "issue": issue, "result": result}
            )

    # Agreed actions (reg 42) -------------------------------------------------------------------------------

    def _actions(self, w: CaseWork, ref: dict, agreed: date, wish: Wish | None) -> None:
        """What the written agreement says will be done, each with its clock (C10-C13) as agreement_action_add
        sets them, and done dates that match the case: all done once complied with, one overdue if breached."""
        when = w.when
        steps = self._action_steps(self._action_specs(w, ref, agreed, wish), agreed)
        complied, breached = when.get(S.COMPLIED), when.get(S.BREACHED)
        end = min(complied or breached or w.limit, w.limit)
        breach = min(range(len(steps)), key=lambda i: steps[i][1]) if breached else None
        for i, (description, due, clock, owner, basis, kind, step) in enumerate(steps):
            if wish is not None and wish.kind == "due_today" and basis == AgreementAction.Basis.AGREED_IN_WRITING:
                done = None  # kept open for the officer's "My work"
            else:
                done = self._action_done(w, agreed, due, complied=complied, breached=breached if i == breach else None,
                                         end=end)  # fmt: skip
            action = {
                "id": self.ids[AgreementAction].next(), "referral_id": ref["id"], "description": description[:500],
                "owner": owner, "basis": basis, "order_kind": kind, "step": step, "due_on": due, "done_on": done,
                "created_at": self._at(agreed),
            }  # fmt: skip
            self.rows[AgreementAction].append(action)
            binds = Deadline.Binds.ICB if owner == AgreementAction.Owner.ICB else Deadline.Binds.LA
            row = self._clock(w, f"{clock}:{action['id']}", clock, due, binds, {"agreement_on": agreed.isoformat()},
                              set_on=agreed, title=description[:200])  # fmt: skip
            if done:
                self._meet(row, done)

    def _action_specs(self, w: CaseWork, ref: dict, agreed: date, wish: Wish | None) -> list[tuple]:
        """(description, owner, basis, order kind, agreed due date) of each action in the written agreement."""
        c, rng = w.c, self.rng
        B, Owner = AgreementAction.Basis, AgreementAction.Owner
        specs: list[tuple[str, str, str, str, date | None]] = []
        if c.decision in AGREEMENT_ORDER and (ref["outcome"] != CONCLUDED_PARTIAL or rng.random() < 0.5):
            text, kind = AGREEMENT_ORDER[c.decision]
            specs.append((text, Owner.LA, B.APPEALABLE, kind, None))
        for text in rng.sample(OTHER_ACTIONS, rng.randint(0 if specs else 1, 2)):
            specs.append((text, Owner.LA, B.OTHER, "", None))
        if (c.health_involved or c.decision == Decision.HSC) and rng.random() < 0.6:
            specs.append((rng.choice(ICB_ACTIONS), Owner.ICB, B.ICB_TO_LA, "", None))
        if rng.random() < 0.2:
            specs.append((rng.choice(AGREED_ACTIONS), Owner.LA, B.AGREED_IN_WRITING, "",
                          agreed + timedelta(weeks=rng.randint(3, 8))))  # fmt: skip
        if wish and wish.kind == "due_today":  # the officer's "My work": due today, this week and overdue
            specs.append((AGREED_ACTIONS[0], Owner.LA, B.AGREED_IN_WRITING, "", self.today))
            specs.append((AGREED_ACTIONS[1], Owner.LA, B.AGREED_IN_WRITING, "", self.today + timedelta(days=3)))
            if agreed < self.today:
                specs.append(("Send the family the agreed provision map", Owner.LA, B.AGREED_IN_WRITING, "",
                              self._between(agreed, self.today - timedelta(days=1))))  # fmt: skip
        return specs

    @staticmethod
    def _action_steps(specs: list[tuple], agreed: date) -> list[tuple]:
        """(description, due, clock, owner, basis, order kind, step) of each action, as agreement_action_add makes
        them: an order's timetable is one action a step."""
        B = AgreementAction.Basis
        steps = []
        for text, owner, basis, kind, agreed_due in specs:
            if basis == B.APPEALABLE:
                timetable = deadlines.tribunal_order_deadlines(kind, agreed)
                steps += [(f"{text}: {step_label(step)}", due, ClockCode.C10, owner, basis, kind, step)
                          for step, due in timetable.items()]  # fmt: skip
            elif basis == B.OTHER:
                steps.append((text, deadlines.agreement_action_deadline(agreed), ClockCode.C11, owner, basis, kind, ""))
            elif basis == B.ICB_TO_LA:
                steps.append(
                    (text, deadlines.health_body_notice_deadline(agreed), ClockCode.C12, owner, basis, kind, "")
                )
            else:
                steps.append((text, agreed_due, ClockCode.C13, owner, basis, kind, ""))
        return steps

    def _action_done(self, w: CaseWork, agreed: date, due: date, *, complied: date | None, breached: date | None,
                     end: date) -> date | None:  # fmt: skip
        """When an action was done: all by the day the case complied; the breached one not by its date (perhaps
        late, after the breach); the others mostly by their date."""
        rng = self.rng
        if complied:
            return self._done_on(due, agreed, complied, must=True)
        if breached:
            late_from = max(breached, due) + timedelta(days=1)
            if late_from <= w.limit and rng.random() < 0.5:
                return self._clamp(breached + timedelta(days=rng.randint(1, 20)), late_from, w.limit)
            return None
        if due < end:
            return self._done_on(due, agreed, end) if rng.random() < 0.75 else None
        if rng.random() < 0.25:
            return self._between(agreed, end)
        return None
