"""Casework done through the portal's own services, each step on the day it happened: how the demo is made.

A Desk opens cases (cases.services.case_create) and a CaseFile carries each one along its pathway with the services
the portal's pages call: the adviser contact, the referral, the provider's answer, the mediator, sessions, the
outcome, certificates, agreed actions, appeals, disagreement resolution, status changes, waivers and notes. Each
call runs with the clock set to the moment it happened (time-machine), so the timeline, the clocks and every date a
service checks are exactly what the portal would have recorded had staff done the work on those days. Nothing here
writes a pathway row or a clock itself. Two things are written directly: the seed marker on each case's "created"
event (demo.seeded), so `--reset-cases` can tell seeded cases from real ones; and the year's reference counter just
before each case is taken in, so the register numbers the demo's cases in the order they were opened, with the gaps
a register shows when it holds more cases than the demo (the stories are told one at a time, not in date order).
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import clock_services, deadlines
from cases import services as case_services
from cases.models import Case, CaseEvent, CaseReferenceCounter, Decision, HealthBody, School, Status
from demo import wording
from demo.people import FamilyMaker, build_pools
from demo.reference import ICBS, PROVIDERS
from demo.seeded import SEED_MARKER
from referrals import rules as referral_rules
from referrals import services
from referrals.models import (
    AdviserContact,
    AgreementAction,
    Certificate,
    DisagreementResolution,
    IssueOutcome,
    MediationProvider,
    MediationSession,
    Mediator,
    PlanIssue,
    Referral,
    TribunalAppeal,
)
from referrals.selectors import mediator_ranking, provider_suggestion

SS = MediationSession.SessionStatus
OFFICE_OPENS = clock_time(9, 0)


def _reference(year: int, number: int) -> str:
    """As cases.services.next_case_reference writes a reference."""
    return f"{case_services.REFERENCE_PREFIX}-{year}-{number:05d}"


@contextmanager
def on(moment: datetime):
    """Run the block as if it were `moment` (the clock stands still there)."""
    import time_machine  # a development dependency: the demo is seeded where `make run` installed it

    with time_machine.travel(moment, tick=False):
        yield


class Desk:
    """The staff, providers and calendar the demo's casework uses, and the families it is done for."""

    def __init__(self, *, now: datetime, rng_seed: int) -> None:
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        self.cal = clock_services.working_calendar()
        self.rng = random.Random(f"{rng_seed}:casework")
        self.family = FamilyMaker(rng=self.rng, pools=build_pools(rng_seed), today=self.today)
        self.users = {user.username: user for user in get_user_model().objects.all()}
        by_name = {provider.name: provider for provider in MediationProvider.objects.all()}
        self.providers = [by_name[spec["name"]] for spec in PROVIDERS]
        self.mediators = {m.user.username: m for m in Mediator.objects.select_related("user", "provider")}
        by_code = {icb.ods_code: icb for icb in HealthBody.objects.all()}
        self.icbs = [by_code[code] for _, code, _ in ICBS]
        self.schools = {school.pk: school for school in School.objects.all()}
        self.cases: list[Case] = []
        self.numbers: dict[date, int] = {}  # cases opened on each day so far
        self.counters = dict(CaseReferenceCounter.objects.values_list("year", "last_number"))
        self.years: set[int] = set()

    # Days ---------------------------------------------------------------------------------------------------

    def ago(self, days: int) -> date:
        """The working day `days` calendar days before today (or the last one before it)."""
        return deadlines.last_working_day_on_or_before(self.today - timedelta(days=days), holidays=self.cal)

    def ahead(self, days: int) -> date:
        """The working day `days` calendar days after today (or the next one after it)."""
        return deadlines.first_working_day_on_or_after(self.today + timedelta(days=days), holidays=self.cal)

    def working_days_after(self, day: date, n: int) -> date:
        return deadlines.add_working_days(day, n, holidays=self.cal)

    def number_next_case(self, opened: date) -> None:
        """Set the year's reference counter so the case taken in next gets a number that follows the date it was
        opened: up to 8 a day, in day-of-year order."""
        year, nth = opened.year, self.numbers.get(opened, 0)
        self.numbers[opened] = nth + 1
        self.years.add(year)
        number = (opened.timetuple().tm_yday - 1) * 8 + min(nth, 7) + 1
        while Case.objects.filter(reference=_reference(year, number)).exists():
            number += 1
        CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number - 1})

    def settle_reference_counters(self) -> None:
        """Leave each year's counter at the highest number in use, so the next intake carries on after the demo."""
        for year in self.years:
            prefix = _reference(year, 0)[:-5]
            used = Case.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
            highest = max((int(reference.removeprefix(prefix)) for reference in used), default=0)
            last = max(highest, self.counters.get(year, 0))
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})

    def suggested_provider(self) -> int:
        """The index (into PROVIDERS) of the provider the portal suggests for the next referral."""
        suggestion = provider_suggestion()
        return next(i for i, provider in enumerate(self.providers) if provider.pk == suggestion.provider_id)

    # Opening a case -------------------------------------------------------------------------------------------

    def open(
        self,
        *,
        opened: date,
        route: str,
        decision: str = "",
        sections: tuple[str, ...] = (),
        health: bool = False,
        social_care: bool = False,
        letter_days: int | None = None,
        channel: str = "phone",
        officer: str | None = "officer",
        taken_in_by: str | None = None,
        **facts,
    ) -> CaseFile:
        """Take a disagreement in on `opened` (case_create), as the family would have brought it: the decision
        letter `letter_days` before (about three weeks by default), then give it to `officer`."""
        rng = self.rng
        letter_days = rng.randint(8, 35) if letter_days is None else letter_days
        sent = None
        if decision or route != "drs":
            sent = deadlines.last_working_day_on_or_before(opened - timedelta(days=letter_days), holidays=self.cal)
        row = {
            "first_contact_on": opened,
            "decision_sent_on": sent,
            "health_involved": health,
            "first_contact_channel": channel,
        }
        self.family._child_and_family(row)
        self.family._support(row)
        row.update(facts)
        data = {
            field: row[field]
            for field in case_services.EDITABLE_FIELDS
            if field in row and field not in ("school", "icb")
        }
        data.update(
            route=route,
            decision=decision,
            sections_disputed=list(sections),
            health_involved=health,
            social_care_involved=social_care,
            school=self.schools.get(row.get("school_id")),
            icb=self.icbs[0 if rng.random() < 0.8 else 1] if health else None,
        )
        creator = self.users[taken_in_by or officer or "officer2"]
        data["officer"] = self.users[officer] if officer else None  # None: left in the queue for an officer
        file = CaseFile(self, None)
        self.number_next_case(opened)
        case = file.do(opened, case_services.case_create, actor=creator, data=data)
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CREATED).update(data=SEED_MARKER)
        file.case = case
        self.cases.append(case)
        if officer:
            file.do(opened, case_services.case_assign_officer, case=case, actor=creator, officer=self.users[officer])
        return file


class CaseFile:
    """One case as its officer, the mediator and the manager work on it, step by step through the services."""

    def __init__(self, desk: Desk, case: Case | None) -> None:
        self.desk = desk
        self.case = case
        self.cursor: datetime | None = None
        self.referral: Referral | None = None
        self.sessions: list[MediationSession] = []
        self.appeal: TribunalAppeal | None = None
        self.drs: DisagreementResolution | None = None

    # Time ---------------------------------------------------------------------------------------------------

    def at(self, day: date) -> datetime:
        """A moment on `day` in office hours, after this case's previous step, never after now."""
        desk = self.desk
        if self.cursor is not None and timezone.localdate(self.cursor) >= day:
            moment = self.cursor + timedelta(minutes=desk.rng.randint(4, 40))
        else:
            start = datetime.combine(day, OFFICE_OPENS, tzinfo=desk.tz)
            moment = start + timedelta(minutes=desk.rng.randint(0, 6 * 60))
        moment = min(moment, desk.now)
        self.cursor = moment
        return moment

    def do(self, day: date, service, **kwargs):
        """Call `service` as if on `day`, after this case's previous step."""
        with on(self.at(day)):
            return service(**kwargs)

    @property
    def officer(self):
        return self.case.officer or self.desk.users["officer"]

    def refresh(self) -> None:
        self.case.refresh_from_db()
        if self.referral is not None:
            self.referral.refresh_from_db()

    # Intake and status ------------------------------------------------------------------------------------------

    def note(self, day: date, text: str, *, by: str | None = None) -> None:
        actor = self.desk.users[by] if by else self.officer
        self.do(day, case_services.case_note_add, case=self.case, actor=actor, text=text)

    def move(self, day: date, status: str, reason: str = "") -> None:
        self.refresh()
        self.do(day, case_services.case_change_status, case=self.case, actor=self.officer, to_status=status,
                reason=reason)  # fmt: skip
        self.refresh()

    def close(self, day: date) -> None:
        self.move(day, Status.CLOSED)

    # Adviser, referral, provider, mediator ----------------------------------------------------------------------

    def adviser(self, day: date, choice: str = AdviserContact.Choice.MEDIATION, provider: int = 0) -> None:
        """The family contacted the mediation adviser on `day` (recorded by the officer that day)."""
        self.do(day, services.adviser_contact_record, case=self.case, actor=self.officer, contacted_on=day,
                choice=choice, provider=self.desk.providers[provider],
                adviser_name=self.desk.rng.choice(wording.ADVISERS[provider]))  # fmt: skip
        self.refresh()

    def refer(self, day: date, *, told: date | None = None, provider: int | None = None) -> Referral:
        """Refer for mediation on `day`; the family told the LA they want mediation on `told`. The provider is the
        one the portal suggests, unless `provider` says otherwise (with the family's reason)."""
        told = told or day
        chosen = self.desk.providers[provider] if provider is not None else None
        health = self.case.health_involved or self.case.decision == Decision.HSC
        health_only = self.case.decision == Decision.HSC and set(self.case.sections_disputed) <= {"C", "G"}
        with on(self.at(day)):
            suggestion = provider_suggestion()
            suggested = next(p for p in self.desk.providers if p.pk == suggestion.provider_id)
            chosen = chosen or suggested
            reason = "" if chosen == suggested else self.desk.rng.choice(wording.NOT_SUGGESTED_REASONS)
            self.referral = services.referral_create(
                case=self.case, actor=self.officer, provider=chosen, family_told_la_on=told, referred_on=day,
                provider_choice_reason=reason, health_issues=health, health_only=health_only,
                health_told_on=told if health else None,
            )  # fmt: skip
        self.refresh()
        return self.referral

    def accept(self, day: date) -> None:
        self.do(day, services.referral_respond, referral=self.referral, actor=self.officer, accepted=True,
                responded_on=day)  # fmt: skip
        self.refresh()

    def decline(self, day: date, reason: str, detail: str = "") -> None:
        self.do(day, services.referral_respond, referral=self.referral, actor=self.officer, accepted=False,
                responded_on=day, decline_reason=reason, decline_detail=detail)  # fmt: skip
        self.refresh()

    def notify_icb(self, day: date) -> None:
        self.do(day, services.referral_notify_icb, referral=self.referral, actor=self.officer, notified_on=day)
        self.refresh()

    def assign(self, day: date, mediator: str | None = None) -> Mediator:
        """Assign `mediator` (a username), or the portal's top suggestion; a choice other than the top one carries
        the officer's reason, as the form asks."""
        with on(self.at(day)):
            ranked = mediator_ranking(self.referral)
            top = referral_rules.top_choice(ranked)
            wanted = self.desk.mediators[mediator] if mediator else None
            chosen = (
                wanted
                if wanted is not None and wanted.pk in {r.mediator_id for r in ranked if not r.excluded}
                else None
            )
            chosen = chosen or Mediator.objects.get(pk=top)
            reason = "" if chosen.pk == top else self.desk.rng.choice(wording.NOT_TOP_REASONS)
            services.referral_assign_mediator(referral=self.referral, actor=self.officer, mediator=chosen,
                                              reason=reason)  # fmt: skip
        self.refresh()
        return chosen

    @property
    def mediator_user(self):
        return self.referral.mediator.user

    # Sessions -------------------------------------------------------------------------------------------------

    def arrange(self, session_on: date, *, hour: int = 10, online: bool = False, notice: date | None = None):
        """The mediator arranges a session on `session_on`, sending notice 5 working days before (or on `notice`,
        with the family's agreement to shorter notice when that is later)."""
        due = deadlines.mediation_notice_deadline(session_on, holidays=self.desk.cal)
        notice = notice or min(due, self.desk.today)
        starts = datetime.combine(session_on, clock_time(hour, 0 if hour != 13 else 30), tzinfo=self.desk.tz)
        venue = self.desk.rng.choice(wording.VENUES_ONLINE if online else wording.VENUES_IN_PERSON)
        session = self.do(
            notice, services.session_schedule, referral=self.referral, actor=self.mediator_user, starts_at=starts,
            mode=MediationSession.Mode.ONLINE if online else MediationSession.Mode.IN_PERSON, venue=venue,
            notice_sent_on=notice, short_notice_consent=notice > due,
        )  # fmt: skip
        self.sessions.append(session)
        self.refresh()
        return session

    def held(self, session: MediationSession | None = None, *, child_views: bool = True) -> None:
        """The mediator records the session as held, that afternoon."""
        session = session or self.sessions[-1]
        case = self.case
        attendance = {
            "party_attended": True,
            "supporter_attended": case.sendiass_involved or bool(case.supporter_name),
            "la_decision_maker_attended": True,
            "icb_attended": self.referral.health_issues,
            "interpreter_attended": case.interpreter_needed,
            "child_views_obtained": child_views,
        }
        self.do(timezone.localdate(session.starts_at), services.session_record, session=session,
                actor=self.mediator_user, status=SS.HELD, attendance=attendance)  # fmt: skip
        self.refresh()

    def cancelled(self, day: date, kind: int = 0, session: MediationSession | None = None) -> None:
        status, by, reason = wording.CANCELLATIONS[kind]
        self.do(day, services.session_record, session=session or self.sessions[-1], actor=self.mediator_user,
                status=status, cancelled_by=by, cancel_reason=reason)  # fmt: skip
        self.refresh()

    def not_held_in_time(self, day: date) -> None:
        self.do(day, services.referral_not_held_in_time, referral=self.referral, actor=self.mediator_user,
                notified_on=day)  # fmt: skip
        self.refresh()

    def family_withdrew(self, day: date, reason: str) -> None:
        self.do(day, services.referral_withdraw, referral=self.referral, actor=self.officer, withdrawn_on=day,
                reason=reason)  # fmt: skip
        self.refresh()

    # Outcome, certificate, agreement -------------------------------------------------------------------------

    def issues(self) -> list[str]:
        """The issues in dispute, as the outcome form lists them for this case."""
        sections = set(self.case.sections_disputed)
        issues = [issue for section, issue in (("B", PlanIssue.SECTION_B), ("F", PlanIssue.SECTION_F),
                                                ("I", PlanIssue.SECTION_I)) if section in sections]  # fmt: skip
        if {"C", "G"} & sections or self.case.health_involved:
            issues.append(PlanIssue.HEALTH)
        if {"D", "H1", "H2"} & sections or self.case.social_care_involved:
            issues.append(PlanIssue.SOCIAL_CARE)
        if not issues or self.case.decision in (Decision.RTA, Decision.RTI, Decision.RTR, Decision.RTAM,
                                                 Decision.CEASE):  # fmt: skip
            issues.append(PlanIssue.DECISION)
        return issues

    def conclude(self, day: date, outcome: str, *, agreement: date | None = None) -> None:
        R = IssueOutcome.Result
        issues = self.issues()
        if outcome == Referral.Outcome.FULL:
            results = [R.AGREED] * len(issues)
        elif outcome == Referral.Outcome.NONE:
            results = [R.NOT_AGREED] * len(issues)
        else:
            results = [R.AGREED, *([R.NOT_AGREED] * (len(issues) - 1))] if len(issues) > 1 else [R.PARTLY]
        if outcome != Referral.Outcome.NONE:
            agreement = agreement or day
        self.do(day, services.referral_conclude, referral=self.referral, actor=self.mediator_user,
                concluded_on=day, outcome=outcome, issue_outcomes=dict(zip(issues, results, strict=True)),
                agreement_on=agreement)  # fmt: skip
        self.refresh()

    def la_conceded(self, day: date) -> None:
        self.do(day, services.referral_la_conceded, referral=self.referral, actor=self.officer, agreement_on=day)
        self.refresh()

    def certificate(self, day: date, *, kind: str | None = None, correction: str = "") -> Certificate:
        """Issue the certificate the case is due: by the mediator after mediation, else by the adviser (recorded
        by the officer)."""
        referral = self.referral
        if kind is None:
            if referral is None or referral.status == Referral.Status.WITHDRAWN:
                kind = Certificate.Kind.DECLINED
            elif referral.status == Referral.Status.NOT_HELD:
                kind = Certificate.Kind.NOT_HELD
            else:
                kind = Certificate.Kind.CONCLUDED
        if kind == Certificate.Kind.CONCLUDED:
            actor, name, role = self.mediator_user, str(referral.mediator), "mediator"
        else:
            contact = self.case.adviser_contact
            actor, name, role = self.officer, contact.adviser_name, "mediation adviser"
        cert = self.do(day, services.certificate_issue, case=self.case, actor=actor, kind=kind, issued_on=day,
                       issuer_name=name, issuer_role=role,
                       referral=referral if kind != Certificate.Kind.DECLINED or referral else None,
                       correction_reason=correction)  # fmt: skip
        self.refresh()
        return cert

    def agree(self, day: date, description: str, *, basis: str, owner: str = AgreementAction.Owner.LA,
              order_kind: str = "", due: date | None = None) -> list[AgreementAction]:  # fmt: skip
        """Record an action the written agreement sets out (entered on `day`)."""
        actions = self.do(day, services.agreement_action_add, referral=self.referral, actor=self.officer,
                          description=description, owner=owner, basis=basis, order_kind=order_kind,
                          agreed_due_on=due)  # fmt: skip
        self.refresh()
        return actions

    def done(self, action: AgreementAction, day: date) -> None:
        self.do(day, services.agreement_action_complete, action=action, actor=self.officer, done_on=day)

    # Tribunal ---------------------------------------------------------------------------------------------------

    def appeal_lodged(self, day: date, *, registered: date, hearing: date | None = None) -> TribunalAppeal:
        self.appeal = self.do(day, services.tribunal_appeal_record, case=self.case, actor=self.officer,
                              registered_on=registered, la_told_on=day,
                              response_due_on=self.desk.working_days_after(registered, 30),
                              hearing_on=hearing)  # fmt: skip
        self.refresh()
        return self.appeal

    def appeal_outcome(self, day: date, outcome: str, **facts) -> None:
        """The Tribunal's outcome on `day`, recorded once the last of its dates (the order sent out) had passed."""
        recorded = max([day, *(value for value in facts.values() if isinstance(value, date))])
        self.do(recorded, services.tribunal_outcome_record, appeal=self.appeal, actor=self.officer, outcome=outcome,
                outcome_on=day, **facts)  # fmt: skip
        self.refresh()

    def compliance_done(self, key_prefix: str, day: date) -> None:
        """The LA carried out the compliance step whose clock key starts with `key_prefix` (C17, C14:..:step)."""
        for key in self.case.deadlines.filter(key__startswith=key_prefix).values_list("key", flat=True):
            self.do(day, services.compliance_step_complete, case=self.case, actor=self.officer, key=key,
                    done_on=day)  # fmt: skip

    # Disagreement resolution ----------------------------------------------------------------------------------

    def drs_refer(self, day: date, kind: str) -> None:
        provider = next(p for p in self.desk.providers if p.offers_drs)
        self.drs = self.do(day, services.drs_refer, case=self.case, actor=self.officer, kind=kind, provider=provider,
                           referred_on=day)  # fmt: skip
        self.refresh()

    def drs_record(self, day: date, **facts) -> None:
        self.drs = self.do(day, services.drs_record, drs=self.drs, actor=self.officer, **facts)
        self.refresh()

    # Clocks ---------------------------------------------------------------------------------------------------

    def waive(self, day: date, key: str, reason: str) -> None:
        deadline = self.case.deadlines.get(key=key)
        self.do(day, clock_services.deadline_waive, deadline=deadline, actor=self.desk.users["manager"],
                reason=reason)  # fmt: skip
