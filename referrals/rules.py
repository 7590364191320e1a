"""Pure domain rules for the mediation pathway: which provider to suggest, how to rank a provider's mediators,
and which referral statuses may follow which (docs/rules.md §5 and §9).

No ORM, no clock: callers build the plain fact dataclasses below from the models (and pass the dates that
matter), so every rule can be tested without a database. Scores are exact (``fractions.Fraction``) while being
computed and shown rounded to one decimal place; the ordering uses the rounded score the officer sees, so two
mediators that look tied are ordered by the stated tie-breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sendportal.formats import short_date

from .models import Mediator, Referral

# ---------------------------------------------------------------------------------------------------------
# Mediator ranking weights (docs/rules.md §9 P3). Product weighting, not statute: change a
# number here and the tests that pin it. The largest possible score is 3 x 30 + 25 + 20 + 15 = 150.

SPECIALISM_MATCH_POINTS = 30  # each of health, social care, post-16 that the case needs and the mediator has
LANGUAGE_MATCH_POINTS = 25  # the mediator mediates in the family's preferred language (other than English)
CASELOAD_POINTS = 20  # scaled by spare capacity: 20 x (1 - active cases / maximum active cases)
AVAILABILITY_POINTS = 15  # available at the window start; scaled down to 0 on the last day of the window
LATE_AVAILABILITY_PENALTY = -20  # first available after the 30-day window (C4) closes

NO_LANGUAGE_NEED = "english"  # the portal is English-speaking: English (or blank) means no language need

SPECIALISM_LABELS = {
    Mediator.Specialism.HEALTH.value: "health",
    Mediator.Specialism.SOCIAL_CARE.value: "social care",
    Mediator.Specialism.POST_16.value: "post-16",
}
SPECIALISM_ORDER = tuple(SPECIALISM_LABELS)

# Exclusion sentences (docs/rules.md §9 P2, P3).
EXCLUDED_OTHER_PROVIDER = "Works for another provider"
EXCLUDED_INACTIVE = "Inactive"
EXCLUDED_LA_EMPLOYEE = "Employed by the local authority: not independent (CFA 2014 s.56)"
EXCLUDED_SCHOOL_CONFLICT = "Declared conflict with the child's school"

CHOOSE_A_MEDIATOR = "Choose one of the provider's mediators."
CHOOSE_A_PROVIDER = "Choose a provider."
PROVIDER_REASON_NEEDED = "Give a reason for not using the suggested provider."

_SCORE_PLACES = Decimal("0.1")


def _one_place(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)


def _number(value: Fraction) -> str:
    """A percentage or point count for a sentence: whole numbers bare, otherwise one decimal place."""
    text = str(_one_place(value))
    return text.removesuffix(".0")


# ---------------------------------------------------------------------------------------------------------
# 1. Provider suggestion (docs/rules.md §9 P1)


@dataclass(frozen=True)
class ProviderFacts:
    """What the suggestion needs to know about one commissioned provider."""

    id: int
    name: str
    active: bool
    contract_share: Decimal  # percent of referrals the provider is contracted to take
    referrals_since_change: int  # referrals made to it since the contract shares last changed
    has_capacity: bool
    offers_mediation: bool


@dataclass(frozen=True)
class ProviderSuggestion:
    """The suggested provider and one sentence per provider saying how it compares (or why it was left out).

    ``explanations`` lists the eligible providers best first (the suggestion first), then the excluded ones in
    the order given."""

    provider_id: int
    provider_name: str
    explanations: list[str] = field(default_factory=list)


def provider_exclusions(provider: ProviderFacts) -> list[str]:
    """Why a provider cannot take a mediation referral now (empty when it can)."""
    reasons = []
    if not provider.active:
        reasons.append("inactive")
    if not provider.offers_mediation:
        reasons.append("does not offer mediation")
    if not provider.has_capacity:
        reasons.append("no capacity")
    if provider.contract_share <= 0:
        reasons.append("no contract share")
    return reasons


def _provider_deficits(providers: Sequence[ProviderFacts]) -> list[tuple[ProviderFacts, Fraction, Fraction]]:
    """(provider, actual share %, deficit in points) for each eligible provider, best candidate first."""
    eligible = [p for p in providers if not provider_exclusions(p)]
    total = sum(p.referrals_since_change for p in eligible)
    rows = []
    for provider in eligible:
        actual = Fraction(provider.referrals_since_change * 100, total) if total else Fraction(0)
        rows.append((provider, actual, Fraction(provider.contract_share) - actual))
    rows.sort(key=lambda row: (-row[2], -row[0].contract_share, row[0].name.casefold(), row[0].id))
    return rows


def _points_phrase(deficit: Fraction) -> str:
    if deficit == 0:
        return "on its share"
    size = _number(abs(deficit))
    unit = "point" if size == "1" else "points"
    return f"{size} {unit} {'below' if deficit > 0 else 'above'}"


def provider_explanations(providers: Sequence[ProviderFacts]) -> list[str]:
    """One sentence per provider: its share of referrals since the contract shares last changed against its
    contracted share, or why it is not considered. Eligible providers come first, best candidate first."""
    rows = _provider_deficits(providers)
    total = sum(provider.referrals_since_change for provider, _, _ in rows)
    noun = "referral" if total == 1 else "referrals"
    lines = [
        f"{provider.name}: {provider.referrals_since_change} of {total} {noun} ({_number(actual)}%) "
        f"against a {_number(Fraction(provider.contract_share))}% share: {_points_phrase(deficit)}"
        for provider, actual, deficit in rows
    ]
    for provider in providers:
        if reasons := provider_exclusions(provider):
            lines.append(f"{provider.name}: not considered ({', '.join(reasons)})")
    return lines


def suggest_provider(providers: Sequence[ProviderFacts]) -> ProviderSuggestion | None:
    """The provider whose share of referrals since the contract shares last changed is furthest below its
    contracted share, among active providers that offer mediation, have capacity and hold a contract share.

    Actual share = the provider's referrals / all eligible providers' referrals since the change; with no
    referrals yet every actual share is 0, so the deficit is the contract share. Ties go to the larger contract
    share, then the name. None when no provider is eligible (``provider_explanations`` then says why)."""
    rows = _provider_deficits(providers)
    if not rows:
        return None
    best = rows[0][0]
    return ProviderSuggestion(best.id, best.name, provider_explanations(providers))


def provider_choice_problems(suggested_id: int | None, chosen_id: int | None, reason: str) -> list[str]:
    """The officer accepts the suggested provider or picks another and must say why."""
    if chosen_id is None:
        return [CHOOSE_A_PROVIDER]
    if suggested_id is not None and chosen_id != suggested_id and not reason.strip():
        return [PROVIDER_REASON_NEEDED]
    return []


# ---------------------------------------------------------------------------------------------------------
# 2. Mediator ranking (docs/rules.md §9 P2: independence, CFA 2014 s.56; §9 P3: allocation, conflicts)


@dataclass(frozen=True)
class MediatorFacts:
    """What the ranking needs to know about one mediator."""

    id: int
    name: str
    provider_id: int
    active: bool
    employed_by_la: bool
    max_active_cases: int
    active_cases: int
    specialisms: frozenset[str]  # Mediator.Specialism values: health, social_care, post_16
    languages: tuple[str, ...]
    conflict_school_ids: frozenset[int]
    conflict_notes: str  # one family or person per line, surname first
    available_from: date | None  # None: no date recorded, treated as available now


@dataclass(frozen=True)
class ReferralNeeds:
    """What the referral needs from a mediator. The caller works out ``needs`` from the case: "health" for
    health issues, "social_care", and "post_16" when the young person is 16 or over on the referral date or the
    setting is post-16."""

    provider_id: int
    school_id: int | None
    family_names: tuple[str, ...]  # child and party surnames and full names
    needs: frozenset[str]
    language: str  # the family's preferred language; "English" means no language need
    interpreter_needed: bool
    window_start: date  # the first day a session could be held
    window_end: date  # the 30-day date (C4)


@dataclass(frozen=True)
class Signal:
    """One ranking signal: the sentence shown to the officer and the points it adds (or takes away)."""

    reason: str
    points: Decimal


@dataclass(frozen=True)
class RankedMediator:
    """A mediator's place in the ranking: excluded outright (with every reason), or scored with its signals."""

    mediator_id: int
    name: str
    excluded: bool
    exclusions: list[str]
    score: Decimal  # sum of the signal points, one decimal place; computed for excluded mediators too
    signals: list[Signal]
    caseload_ratio: Fraction  # active cases / maximum (tie-break: lower first)
    available_on: date  # the first day within reach: available_from, not before window_start

    @property
    def reasons(self) -> list[str]:
        """The ranking signals as sentences, in a fixed order: specialisms, language, caseload, availability."""
        return [signal.reason for signal in self.signals]


def _name_pattern(name: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def conflicting_family_names(conflict_notes: str, family_names: Iterable[str]) -> list[str]:
    """The family names that appear as whole words (ignoring case) in any line of the conflict notes."""
    lines = [line for line in conflict_notes.splitlines() if line.strip()]
    found: list[str] = []
    seen: set[str] = set()
    for name in family_names:
        clean = " ".join(name.split())
        if not clean or clean.casefold() in seen:
            continue
        pattern = _name_pattern(clean)
        if any(pattern.search(line) for line in lines):
            found.append(clean)
            seen.add(clean.casefold())
    return found


def mediator_exclusions(mediator: MediatorFacts, needs: ReferralNeeds) -> list[str]:
    """Every reason the mediator can never be assigned to this referral (empty when they can).

    A mediator must be independent: an LA employee is not (CFA 2014 s.56(3); docs/rules.md §9 P2). Declared
    conflicts of interest with the child's school or family exclude them (§9 P3). So do working for a
    different provider, being inactive, and being at the maximum caseload."""
    exclusions = []
    if mediator.provider_id != needs.provider_id:
        exclusions.append(EXCLUDED_OTHER_PROVIDER)
    if not mediator.active:
        exclusions.append(EXCLUDED_INACTIVE)
    if mediator.employed_by_la:
        exclusions.append(EXCLUDED_LA_EMPLOYEE)
    if mediator.active_cases >= mediator.max_active_cases:
        exclusions.append(f"At maximum caseload ({mediator.active_cases} of {mediator.max_active_cases})")
    if needs.school_id is not None and needs.school_id in mediator.conflict_school_ids:
        exclusions.append(EXCLUDED_SCHOOL_CONFLICT)
    for name in conflicting_family_names(mediator.conflict_notes, needs.family_names):
        exclusions.append(f"Declared conflict: family name '{name}' in their conflict notes")
    return exclusions


def _signal(reason: str, points: Fraction | int) -> Signal:
    return Signal(reason, _one_place(Fraction(points)))


def _specialism_signals(mediator: MediatorFacts, needs: ReferralNeeds) -> list[Signal]:
    signals = []
    for specialism in SPECIALISM_ORDER:
        if specialism not in needs.needs:
            continue
        label = SPECIALISM_LABELS[specialism]
        if specialism in mediator.specialisms:
            signals.append(_signal(f"Specialism match: {label}", SPECIALISM_MATCH_POINTS))
        else:
            signals.append(_signal(f"No {label} specialism", 0))
    return signals


def _language_signals(mediator: MediatorFacts, needs: ReferralNeeds) -> list[Signal]:
    language = " ".join(needs.language.split())
    if not language or language.casefold() == NO_LANGUAGE_NEED:
        if needs.interpreter_needed:
            return [_signal("Interpreter needed: record the family's language to match a mediator", 0)]
        return []
    spoken = {" ".join(lang.split()).casefold() for lang in mediator.languages}
    if language.casefold() in spoken:
        return [_signal(f"Mediates in {language}", LANGUAGE_MATCH_POINTS)]
    return [_signal(f"Does not speak {language}: interpreter needed", 0)]


def _caseload_ratio(mediator: MediatorFacts) -> Fraction:
    if mediator.max_active_cases <= 0:
        return Fraction(1)
    return Fraction(mediator.active_cases, mediator.max_active_cases)


def _caseload_signal(mediator: MediatorFacts) -> Signal:
    spare = max(Fraction(0), 1 - _caseload_ratio(mediator))
    return _signal(f"Caseload {mediator.active_cases} of {mediator.max_active_cases}", CASELOAD_POINTS * spare)


def _available_on(mediator: MediatorFacts, needs: ReferralNeeds) -> date:
    if mediator.available_from is None:
        return needs.window_start
    return max(mediator.available_from, needs.window_start)


def _availability_signal(mediator: MediatorFacts, needs: ReferralNeeds) -> Signal:
    start, end = needs.window_start, needs.window_end
    available_on = _available_on(mediator, needs)
    if available_on > end:
        if available_on > start:
            reason = f"Not available until {short_date(available_on)}, after the 30-day window ({short_date(end)})"
        else:
            reason = f"Available now, but the 30-day window ended on {short_date(end)}"
        return _signal(reason, LATE_AVAILABILITY_PENALTY)
    if mediator.available_from is None:
        return _signal("No availability date recorded: treated as available now", AVAILABILITY_POINTS)
    if available_on == start:
        return _signal("Available from the start of the 30-day window", AVAILABILITY_POINTS)
    points = AVAILABILITY_POINTS * Fraction((end - available_on).days, (end - start).days)
    return _signal(f"Available from {short_date(available_on)} (inside the 30-day window)", points)


def rank_mediator(mediator: MediatorFacts, needs: ReferralNeeds) -> RankedMediator:
    """One mediator's exclusions and score. The weighting (constants at the top of this module):

    * each needed specialism the mediator has (health, social care, post-16): +30;
    * the family's language (other than English) is one the mediator mediates in: +25; otherwise 0, and the
      reason says an interpreter is needed;
    * spare capacity: +20 x (1 - active cases / maximum), so an empty caseload gives 20 and a full one 0;
    * availability: +15 when available on or before the window start (no date recorded counts as available
      now), scaled down in proportion to 0 on the last day of the 30-day window, -20 after it."""
    signals = [
        *_specialism_signals(mediator, needs),
        *_language_signals(mediator, needs),
        _caseload_signal(mediator),
        _availability_signal(mediator, needs),
    ]
    exclusions = mediator_exclusions(mediator, needs)
    return RankedMediator(
        mediator_id=mediator.id,
        name=mediator.name,
        excluded=bool(exclusions),
        exclusions=exclusions,
        score=sum((signal.points for signal in signals), Decimal("0.0")),
        signals=signals,
        caseload_ratio=_caseload_ratio(mediator),
        available_on=_available_on(mediator, needs),
    )


def _rank_key(ranked: RankedMediator) -> tuple[int, Decimal | int, Fraction | int, date, str, int]:
    if ranked.excluded:
        return (1, 0, 0, date.min, ranked.name.casefold(), ranked.mediator_id)
    return (0, -ranked.score, ranked.caseload_ratio, ranked.available_on, ranked.name.casefold(), ranked.mediator_id)


def rank_mediators(mediators: Iterable[MediatorFacts], needs: ReferralNeeds) -> list[RankedMediator]:
    """The provider's mediators for one referral, best first, each with the reasons (docs/rules.md §9 P3).

    Eligible mediators come first by score (highest first); ties go to the lower caseload against capacity,
    then the earlier availability, then the name. Excluded mediators follow, by name, with every exclusion."""
    return sorted((rank_mediator(mediator, needs) for mediator in mediators), key=_rank_key)


def top_choice(ranked: Iterable[RankedMediator]) -> int | None:
    """The first eligible mediator in a ranking from ``rank_mediators`` (None when every one is excluded)."""
    return next((entry.mediator_id for entry in ranked if not entry.excluded), None)


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def assignment_problems(ranked: Sequence[RankedMediator], chosen_id: int | None, reason: str) -> list[str]:
    """Why the officer's choice of mediator cannot stand (empty when it can). An excluded mediator can never be
    assigned; choosing anyone but the top eligible suggestion needs a reason (docs/rules.md §9 P4)."""
    chosen = next((entry for entry in ranked if entry.mediator_id == chosen_id), None)
    if chosen is None:
        return [CHOOSE_A_MEDIATOR]
    if chosen.excluded:
        because = "; ".join(_lower_first(exclusion) for exclusion in chosen.exclusions)
        return [f"{chosen.name} cannot be assigned: {because}."]
    top = next(entry for entry in ranked if not entry.excluded)
    if chosen.mediator_id != top.mediator_id and not reason.strip():
        return [f"Give a reason for not choosing the top suggestion ({top.name})."]
    return []


# ---------------------------------------------------------------------------------------------------------
# 3. Referral status transitions (docs/rules.md §5)

RS = Referral.Status

REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    # a provider that has not answered by day 30 leaves the referral "not held in time" (the C6 certificate route)
    RS.REFERRED: (RS.ACCEPTED, RS.DECLINED, RS.NOT_HELD, RS.WITHDRAWN),
    RS.ACCEPTED: (RS.ASSIGNED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED),
    # assigned -> assigned is a reassignment
    RS.ASSIGNED: (RS.ASSIGNED, RS.SCHEDULED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED),
    # scheduled -> scheduled arranges another session; -> assigned means the session was cancelled
    RS.SCHEDULED: (RS.SCHEDULED, RS.HELD, RS.ASSIGNED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED),
    RS.HELD: (RS.SCHEDULED, RS.CONCLUDED, RS.WITHDRAWN),
    # after the not-held-in-time certificate the family may still mediate later (optional), with a mediator
    # assigned first if none was
    RS.NOT_HELD: (RS.SCHEDULED, RS.CONCLUDED, RS.WITHDRAWN),
    RS.DECLINED: (),
    RS.CONCLUDED: (),
    RS.WITHDRAWN: (),
    RS.LA_CONCEDED: (),
}


def referral_allowed_transitions(status: str) -> tuple[str, ...]:
    """Statuses a referral may move to from ``status`` (none from a final status or an unknown one)."""
    return REFERRAL_TRANSITIONS.get(status, ())


def referral_can_transition(status: str, target: str) -> bool:
    return target in referral_allowed_transitions(status)


def _status_label(status: str) -> str:
    try:
        return str(RS(status).label)
    except ValueError:
        return status


def referral_transition_problems(
    *,
    status: str,
    target: str,
    decline_reason: str = "",
    mediator_id: int | None = None,
    outcome: str = "",
) -> list[str]:
    """Why a referral may not move from ``status`` to ``target`` (empty when it may): the table above, then what
    the target needs recorded (a decline reason, a mediator, an outcome)."""
    if not referral_can_transition(status, target):
        return [f"A referral at '{_status_label(status)}' cannot move to '{_status_label(target)}'."]
    problems = []
    if target == RS.DECLINED and not decline_reason:
        problems.append("Choose why the provider declined.")
    elif target == RS.ASSIGNED and mediator_id is None:
        problems.append("Choose a mediator.")
    elif target == RS.CONCLUDED and not outcome:
        problems.append("Record the outcome.")
    return problems
