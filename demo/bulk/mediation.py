"""Bulk pathway steps: referral, mediator, sessions, outcome and agreed actions of one case (PathwayMaker)."""

from __future__ import annotations

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
        c, when, rng = w.c, w.when, self.rng
        target = self._target(w, wish)
        ended = target not in CURRENT_REFERRAL or S.WITHDRAWN in when or w.moved_on(S.MEDIATION_ROUTE)
        current = not ended  # the referral is still open today
        contacted = w.contact["contacted_on"]
        referred = self._clamp(when[S.MEDIATION_ROUTE], contacted, self.today)
        high = w.nxt(S.MEDIATION_ROUTE) if S.POST_MEDIATION in when else w.limit
        high = max(high, referred)
        family_told = self._between(contacted, min(contacted + timedelta(days=3), referred))
        provider_told = self._between(contacted, referred) if rng.random() < 0.5 else None
        start = min(family_told, provider_told or family_told)
        health_only = c.decision == Decision.HSC and set(c.sections_disputed) <= {"C", "G"}
        health = health_only or c.health_involved or (c.decision == Decision.HSC and "C" in c.sections_disputed)

        wished = self.by_id[wish.mediator_id] if wish and wish.mediator_id else None
        provider = wished.provider if wished else pick(rng, PROVIDER_WEIGHTS)
        if wish is None and self.cover.pick(rng, "declined", [(True, 8), (False, 92)]):
            first = 1 - provider
            responded = self._between(referred, min(deadlines.add_working_days(referred, 3, holidays=self.cal), high))
            reason, detail = rng.choice(DECLINES)
            declined = self._referral(w, first, referred, family_told, provider_told, health, health_only, start)
            declined.update(status=RS.DECLINED, responded_on=responded, decline_reason=reason, decline_detail=detail)
            referred = self._between(responded, min(responded + timedelta(days=2), high))
        ref = self._referral(w, provider, referred, family_told, provider_told, health, health_only, start)
        w.referral = ref

        if health:  # C3: tell the ICB within 3 working days
            due = deadlines.health_notification_deadline(family_told, holidays=self.cal)
            c3 = self._clock(
                w,
                ClockCode.C3,
                ClockCode.C3,
                due,
                Deadline.Binds.LA,
                {"health_told_on": family_told.isoformat()},
                set_on=referred,
            )
            notified = self._done_on(due, family_told, high, must=ended or health_only)
            if notified:
                ref["icb_notified_on"] = notified
                self._meet(c3, notified)
        if health_only:
            notified = ref["icb_notified_on"]
            key, clock_start, binds = ClockCode.C5, notified, Deadline.Binds.ICB
            facts = {"icb_received_on": notified.isoformat()}
        else:
            key, clock_start, binds = ClockCode.C4, start, Deadline.Binds.LA
            facts = {
                "la_told_on": start.isoformat(), "family_told_la_on": family_told.isoformat(),
                "provider_told_la_on": provider_told.isoformat() if provider_told else None,
            }  # fmt: skip
        in_time = deadlines.mediation_deadline(clock_start)
        c45 = self._clock(w, key, key, in_time, binds, facts, set_on=ref["icb_notified_on"] or referred)

        if target == RS.REFERRED:
            return
        responded = self._clamp(deadlines.add_working_days(referred, rng.randint(0, 3), holidays=self.cal),
                                referred, high)  # fmt: skip
        ref["status"], ref["responded_on"] = RS.ACCEPTED, responded
        # A referral not held in time stays on its mediator's caseload (the family may still mediate): only a
        # current one has a mediator; an earlier one never found a mediator in time.
        if target in (RS.ACCEPTED, RS.REFERRED) or (target == RS.NOT_HELD and not current):
            needs_mediator = False
        elif target in (RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED):
            needs_mediator = rng.random() < 0.5
        else:
            needs_mediator = True
        mediator = None
        if needs_mediator:
            mediator = self.by_id[wish.mediator_id] if wish and wish.mediator_id else None
            mediator = mediator or self._choose_mediator(w, provider, referred, capacity=current)
            if mediator is None and target in (RS.ASSIGNED, RS.SCHEDULED, RS.HELD):
                target = RS.ACCEPTED  # nobody free: waiting for a mediator
        assigned = responded
        if mediator is not None:
            assigned = self._between(responded, min(responded + timedelta(days=3), high))
            assigned = self._assign(w, ref, mediator, assigned, high)
            ref["status"] = RS.ASSIGNED
            if current and not (wish and wish.mediator_id) and ref["status"] in CASELOAD:
                self.loads[ref["mediator_id"]] = self.loads.get(ref["mediator_id"], 0) + 1

        if target == RS.ACCEPTED or target == RS.ASSIGNED:
            return
        if target == RS.LA_CONCEDED:
            agreed = self._clamp(high, assigned, self.today)
            ref.update(status=RS.LA_CONCEDED, outcome=Referral.Outcome.LA_CONCEDED, agreement_on=agreed,
                       concluded_on=agreed)  # fmt: skip
            self._end(c45, DS.SUPERSEDED)
            self._actions(w, ref, agreed, wish)
            return
        if target == RS.WITHDRAWN:
            withdrawn = self._clamp(when.get(S.WITHDRAWN) or self._between(assigned, high), assigned, high)
            ref.update(status=RS.WITHDRAWN, outcome=Referral.Outcome.WITHDRAWN, concluded_on=withdrawn)
            self._end(c45, DS.SUPERSEDED)
            due = deadlines.certificate_deadline(withdrawn, holidays=self.cal)
            c2 = self._clock(
                w,
                ClockCode.C2,
                ClockCode.C2,
                due,
                Deadline.Binds.ADVISER,
                {"withdrew_on": withdrawn.isoformat()},
                set_on=withdrawn,
            )
            cert_high, must = self._certificate_bounds(w)
            issued = self._done_on(due, withdrawn, cert_high, must=must)
            if issued:
                self._certificate(w, CERT.DECLINED, issued, ref, due_high=cert_high)
                self._meet(c2, issued)
            return
        if target == RS.NOT_HELD:
            told = self._clamp(in_time + timedelta(days=rng.randint(-6, 3)), assigned, high)
            ref.update(status=RS.NOT_HELD, not_held_notified_on=told)
            self._end(c45, DS.MISSED)
            due = deadlines.certificate_deadline(told, holidays=self.cal)
            c6 = self._clock(
                w,
                ClockCode.C6,
                ClockCode.C6,
                due,
                Deadline.Binds.ADVISER,
                {"adviser_told_on": told.isoformat()},
                set_on=told,
            )
            cert_high, must = self._certificate_bounds(w)
            issued = self._done_on(due, told, cert_high, must=must)
            if issued:
                self._certificate(w, CERT.NOT_HELD, issued, ref, due_high=cert_high)
                self._meet(c6, issued)
            return

        # A session: planned (SCHEDULED) or held (HELD and the concluded outcomes).
        first_day = max(assigned + timedelta(days=1), clock_start)
        if target == RS.SCHEDULED:
            day = deadlines.first_working_day_on_or_after(
                max(self.today + timedelta(days=rng.randint(2, 20)), first_day), holidays=self.cal
            )
        else:
            last_day = high if target != RS.HELD else self.today
            first_day = min(first_day, last_day)
            late = rng.random() < 0.15
            wanted = clock_start + timedelta(days=rng.randint(31, 45) if late else rng.randint(10, 29))
            day = self._workday(self._clamp(wanted, first_day, last_day), first_day, last_day)
        if day > in_time and self.manager_id and self.cover.pick(rng, "waive", [(True, 1), (False, 6)]):
            c45.update(state=DS.WAIVED, waived_reason=WAIVE_REASON, waived_by_id=self.manager_id)
            self.waivers.append((c.id, key))
        if (day - assigned).days >= 6 and assigned + timedelta(days=3) <= self.today:
            cancel = self.cover.pick(rng, "cancel", [(CANCELLATIONS[0], 5), (CANCELLATIONS[3], 3), (None, 80)])
            if cancel is CANCELLATIONS[0]:
                cancel = rng.choice(CANCELLATIONS[:3])
            if cancel:
                latest = min(day - timedelta(days=3), self.today)
                early = self._workday(self._between(assigned + timedelta(days=3), latest), assigned, latest)
                self._session(w, ref, mediator, early, assigned, status=cancel[0], cancel=cancel)
        status = SS.PLANNED if target == RS.SCHEDULED else SS.HELD
        self._session(w, ref, mediator, day, assigned, status=status, health=health)
        if status == SS.PLANNED:
            ref["status"] = RS.SCHEDULED
            return
        ref["status"] = RS.HELD
        self._meet(c45, day)
        if target == RS.HELD:
            return

        # Concluded: outcome, issue outcomes, the written agreement and the certificate (C8).
        concluded = self._clamp(high, day, self.today)
        agreement = concluded if target in (CONCLUDED_FULL, CONCLUDED_PARTIAL) else None
        ref.update(status=RS.CONCLUDED, outcome=target, concluded_on=concluded, agreement_on=agreement)
        self._issue_outcomes(w, ref, target)
        due = deadlines.certificate_deadline(concluded, holidays=self.cal)
        c8 = self._clock(
            w,
            ClockCode.C8,
            ClockCode.C8,
            due,
            Deadline.Binds.ADVISER,
            {"concluded_on": concluded.isoformat()},
            set_on=concluded,
        )
        cert_high, must = self._certificate_bounds(w)
        issued = None if wish and wish.kind == "awaiting" else self._done_on(due, concluded, cert_high, must=must)
        if issued:
            self._certificate(w, CERT.CONCLUDED, issued, ref, due_high=cert_high, mediator=mediator)
            self._meet(c8, issued)
        if agreement:
            self._actions(w, ref, agreement, wish)

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
        if rng.random() < 0.88:
            wanted = due - timedelta(days=rng.randint(0, 6))
        else:
            wanted = self._between(due + timedelta(days=1), day)
        notice = self._clamp(wanted, min(assigned, day, self.today), min(day, self.today))
        notice = self._workday(notice, min(assigned, notice), min(day, self.today))
        online = rng.random() < 0.4
        starts = datetime.combine(day, rng.choice(SESSION_TIMES), tzinfo=self.tz)
        if status != SS.PLANNED:
            starts = min(starts, self.now)
        held = status == SS.HELD
        parent = c.party_type == PartyType.PARENT
        session = {
            "id": self.ids[MediationSession].next(), "referral_id": ref["id"], "case_id": c.id, "starts_at": starts,
            "starts_on": england_date(starts),
            "mode": MediationSession.Mode.ONLINE if online else MediationSession.Mode.IN_PERSON,
            "venue": rng.choice(VENUES_ONLINE if online else VENUES_IN_PERSON), "notice_sent_on": notice,
            "short_notice_consent": notice > due, "status": status,
            "cancelled_by": cancel[1] if cancel else "", "cancel_reason": cancel[2] if cancel else "",
            "party_attended": held and rng.random() < 0.97,
            "supporter_attended": held and (c.sendiass_involved or bool(c.supporter_name)) and rng.random() < 0.8,
            "la_decision_maker_attended": held and rng.random() < 0.9,
            "icb_attended": held and health and rng.random() < 0.7,
            "interpreter_attended": held and c.interpreter_needed and rng.random() < 0.9,
            "child_views_obtained": held and rng.random() < (0.6 if parent else 0.9),
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
        c, when, rng = w.c, w.when, self.rng
        B, Owner = AgreementAction.Basis, AgreementAction.Owner
        specs: list[tuple[str, str, str, str, date | None]] = []  # description, owner, basis, order kind, agreed
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
        steps = []  # (description, due, clock, owner, basis, order kind), as agreement_action_add makes them
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
        complied, breached = when.get(S.COMPLIED), when.get(S.BREACHED)
        end = min(complied or breached or w.limit, w.limit)
        breach = min(range(len(steps)), key=lambda i: steps[i][1]) if breached else None
        for i, (description, due, clock, owner, basis, kind, step) in enumerate(steps):
            done = None
            if wish is not None and wish.kind == "due_today" and basis == B.AGREED_IN_WRITING:
                pass  # kept open for the officer's "My work"
            elif complied:
                done = self._done_on(due, agreed, complied, must=True)
            elif i == breach:  # the breach: not done by its date (perhaps done late, after the breach)
                late_from = max(breached, due) + timedelta(days=1)
                if late_from <= w.limit and rng.random() < 0.5:
                    done = self._clamp(breached + timedelta(days=rng.randint(1, 20)), late_from, w.limit)
            elif due < end:
                done = self._done_on(due, agreed, end) if rng.random() < 0.75 else None
            elif rng.random() < 0.25:
                done = self._between(agreed, end)
            action = {
                "id": self.ids[AgreementAction].next(), "referral_id": ref["id"], "description": description[:500],
                "owner": owner, "basis": basis, "order_kind": kind, "step": step, "due_on": due, "done_on": done,
                "created_at": self._at(agreed),
            }  # fmt: skip
            self.rows[AgreementAction].append(action)
            binds = Deadline.Binds.ICB if owner == Owner.ICB else Deadline.Binds.LA
            row = self._clock(w, f"{clock}:{action['id']}", clock, due, binds, {"agreement_on": agreed.isoformat()},
                              set_on=agreed, title=description[:200])  # fmt: skip
            if done:
                self._meet(row, done)
