"""Pure mediation-pathway rules: no database (pytest-django refuses queries in tests without a django_db mark).
Inputs are plain dataclasses, never models."""

from datetime import date
from decimal import Decimal

import pytest

from referrals import rules
from referrals.models import Referral
from referrals.rules import MediatorFacts, ProviderFacts, ReferralNeeds

RS = Referral.Status

# ---------------------------------------------------------------------------------------------------------
# 1. Provider suggestion


def provider(id, name, share, referrals=0, **overrides):
    base = dict(
        id=id,
        name=name,
        active=True,
        contract_share=Decimal(share),
        referrals_since_change=referrals,
        has_capacity=True,
        offers_mediation=True,
    )
    base.update(overrides)
    return ProviderFacts(**base)


def test_providers_on_their_shares_tie_and_the_larger_share_wins():
    northway = provider(1, "Northway", "60", 12)
    southgate = provider(2, "Southgate", "40", 8)
    suggestion = rules.suggest_provider([southgate, northway])
    assert suggestion.provider_id == 1
    assert suggestion.explanations == [
        "Northway: 12 of 20 referrals (60%) against a 60% share: on its share",
        "Southgate: 8 of 20 referrals (40%) against a 40% share: on its share",
    ]


def test_provider_furthest_below_its_share_is_suggested():
    suggestion = rules.suggest_provider([provider(1, "Northway", "60", 15), provider(2, "Southgate", "40", 5)])
    assert suggestion.provider_id == 2
    assert suggestion.provider_name == "Southgate"
    assert suggestion.explanations == [
        "Southgate: 5 of 20 referrals (25%) against a 40% share: 15 points below",
        "Northway: 15 of 20 referrals (75%) against a 60% share: 15 points above",
    ]


def test_with_no_referrals_since_the_change_the_largest_share_is_suggested():
    suggestion = rules.suggest_provider([provider(2, "Southgate", "40"), provider(1, "Northway", "60")])
    assert suggestion.provider_id == 1
    assert suggestion.explanations[0] == "Northway: 0 of 0 referrals (0%) against a 60% share: 60 points below"


def test_equal_deficit_and_equal_share_are_broken_by_name():
    suggestion = rules.suggest_provider([provider(1, "Westfield", "50", 3), provider(2, "Eastbrook", "50", 3)])
    assert suggestion.provider_id == 2


def test_explanation_example_from_the_issue():
    lines = rules.provider_explanations([provider(1, "Northway", "60", 12), provider(2, "Southgate", "40", 18)])
    assert "Northway: 12 of 30 referrals (40%) against a 60% share: 20 points below" in lines


def test_fractional_shares_are_shown_to_one_decimal_place():
    lines = rules.provider_explanations([provider(1, "Northway", "50", 1), provider(2, "Southgate", "50", 2)])
    assert lines == [
        "Northway: 1 of 3 referrals (33.3%) against a 50% share: 16.7 points below",
        "Southgate: 2 of 3 referrals (66.7%) against a 50% share: 16.7 points above",
    ]


def test_a_single_referral_and_a_single_point_read_in_the_singular():
    lines = rules.provider_explanations([provider(1, "Northway", "99", 0), provider(2, "Southgate", "1", 1)])
    assert lines[0] == "Northway: 0 of 1 referral (0%) against a 99% share: 99 points below"
    assert lines[1] == "Southgate: 1 of 1 referral (100%) against a 1% share: 99 points above"
    lines = rules.provider_explanations([provider(1, "Northway", "51", 1), provider(2, "Southgate", "49", 1)])
    assert lines[0] == "Northway: 1 of 2 referrals (50%) against a 51% share: 1 point below"


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"active": False}, "inactive"),
        ({"has_capacity": False}, "no capacity"),
        ({"offers_mediation": False}, "does not offer mediation"),
        ({"contract_share": Decimal("0")}, "no contract share"),
    ],
)
def test_ineligible_provider_is_never_suggested_and_says_why(overrides, why):
    # Southgate is furthest below its share, so only its exclusion keeps it from being suggested.
    excluded = provider(2, "Southgate", "40", 0, **overrides)
    suggestion = rules.suggest_provider([provider(1, "Northway", "60", 10), excluded])
    assert suggestion.provider_id == 1
    assert suggestion.explanations[-1] == f"Southgate: not considered ({why})"


def test_excluded_providers_referrals_do_not_count_towards_the_total():
    lines = rules.provider_explanations(
        [provider(1, "Northway", "60", 6), provider(2, "Southgate", "40", 4), provider(3, "Old", "0", 90)]
    )
    assert lines[0].startswith("Northway: 6 of 10 referrals (60%)")
    assert lines[1].startswith("Southgate: 4 of 10 referrals (40%)")
    assert lines[2] == "Old: not considered (no contract share)"


def test_every_exclusion_of_a_provider_is_listed():
    lines = rules.provider_explanations([provider(1, "Northway", "0", active=False, has_capacity=False)])
    assert lines == ["Northway: not considered (inactive, no capacity, no contract share)"]


def test_no_suggestion_when_no_provider_is_eligible():
    assert rules.suggest_provider([provider(1, "Northway", "60", active=False)]) is None
    assert rules.suggest_provider([]) is None


@pytest.mark.parametrize(
    ("suggested", "chosen", "reason", "problems"),
    [
        (1, 1, "", []),
        (1, 2, "", ["Give a reason for not using the suggested provider."]),
        (1, 2, "   ", ["Give a reason for not using the suggested provider."]),
        (1, 2, "The family asked for a provider they used before.", []),
        (None, 2, "", []),  # nothing was suggested, so there is nothing to depart from
        (1, None, "", ["Choose a provider."]),
    ],
)
def test_choosing_another_provider_needs_a_reason(suggested, chosen, reason, problems):
    assert rules.provider_choice_problems(suggested, chosen, reason) == problems


# ---------------------------------------------------------------------------------------------------------
# 2. Mediator ranking

START = date(2026, 3, 2)  # Monday
END = date(2026, 3, 31)  # the 30-day date (C4), 29 days after START
PROVIDER = 7
SCHOOL = 40


def mediator(id=1, name="Alex Moss", **overrides):
    base = dict(
        id=id,
        name=name,
        provider_id=PROVIDER,
        active=True,
        employed_by_la=False,
        max_active_cases=8,
        active_cases=0,
        specialisms=frozenset(),
        languages=("English",),
        conflict_school_ids=frozenset(),
        conflict_notes="",
        available_from=None,
    )
    base.update(overrides)
    return MediatorFacts(**base)


def referral_needs(**overrides):
    base = dict(
        provider_id=PROVIDER,
        school_id=SCHOOL,
        family_names=("Okafor", "Grace Okafor", "Ada Okafor"),
        needs=frozenset(),
        language="English",
        interpreter_needed=False,
        window_start=START,
        window_end=END,
    )
    base.update(overrides)
    return ReferralNeeds(**base)


def ranked_one(needs=None, **overrides):
    (entry,) = rules.rank_mediators([mediator(**overrides)], needs or referral_needs())
    return entry


def points_for(entry, reason_start):
    matches = [signal.points for signal in entry.signals if signal.reason.startswith(reason_start)]
    assert len(matches) == 1, entry.reasons
    return matches[0]


# --- exclusions ---


@pytest.mark.parametrize(
    ("overrides", "exclusion"),
    [
        ({"active": False}, "Inactive"),
        ({"active_cases": 8}, "At maximum caseload (8 of 8)"),
        ({"active_cases": 9, "max_active_cases": 8}, "At maximum caseload (9 of 8)"),
        ({"employed_by_la": True}, "Employed by the local authority: not independent (CFA 2014 s.56)"),
        ({"conflict_school_ids": frozenset({SCHOOL})}, "Declared conflict with the child's school"),
        ({"conflict_notes": "Okafor"}, "Declared conflict: family name 'Okafor' in their conflict notes"),
        ({"provider_id": PROVIDER + 1}, "Works for another provider"),
    ],
)
def test_each_exclusion_on_its_own(overrides, exclusion):
    entry = ranked_one(**overrides)
    assert entry.excluded is True
    assert entry.exclusions == [exclusion]


def test_an_eligible_mediator_has_no_exclusions():
    entry = ranked_one(active_cases=7, conflict_school_ids=frozenset({SCHOOL + 1}), conflict_notes="Smith")
    assert entry.excluded is False
    assert entry.exclusions == []


def test_every_exclusion_is_listed_together():
    entry = ranked_one(active=False, employed_by_la=True, conflict_school_ids=frozenset({SCHOOL}))
    assert entry.exclusions == [
        "Inactive",
        "Employed by the local authority: not independent (CFA 2014 s.56)",
        "Declared conflict with the child's school",
    ]


def test_no_school_recorded_never_conflicts():
    entry = ranked_one(needs=referral_needs(school_id=None), conflict_school_ids=frozenset({SCHOOL}))
    assert entry.excluded is False


@pytest.mark.parametrize(
    ("notes", "family_names", "matched"),
    [
        ("Okafor, Grace", ("Okafor",), ["Okafor"]),
        ("okafor family (neighbours)", ("Okafor",), ["Okafor"]),
        ("Smith, John\nOKAFOR, Ada", ("Okafor",), ["Okafor"]),
        ("Okaforth, Jane", ("Okafor",), []),  # whole words only
        ("Nokafor", ("Okafor",), []),
        ("Grace  Okafor (school governor)", ("Grace Okafor",), ["Grace Okafor"]),
        ("O'Brien, Sean", ("O'Brien",), ["O'Brien"]),
        ("Smith-Jones", ("Smith",), ["Smith"]),  # a hyphen separates words
        ("Okafor, Grace", ("Okafor", "okafor", "Grace Okafor"), ["Okafor"]),  # each name once; surname first
        ("Okafor", ("", "  "), []),
        ("", ("Okafor",), []),
    ],
)
def test_family_names_match_conflict_notes_as_whole_words_ignoring_case(notes, family_names, matched):
    assert rules.conflicting_family_names(notes, family_names) == matched


def test_each_conflicting_family_name_is_its_own_exclusion():
    needs = referral_needs(family_names=("Okafor", "Grace Okafor", "Bello"))
    entry = ranked_one(needs=needs, conflict_notes="Grace Okafor\nBello, Tunde")
    assert entry.exclusions == [
        "Declared conflict: family name 'Okafor' in their conflict notes",
        "Declared conflict: family name 'Grace Okafor' in their conflict notes",
        "Declared conflict: family name 'Bello' in their conflict notes",
    ]


# --- signals, one table each ---


@pytest.mark.parametrize(
    ("needs", "specialisms", "reasons", "points"),
    [
        ({"health"}, {"health"}, ["Specialism match: health"], 30),
        ({"social_care"}, {"social_care"}, ["Specialism match: social care"], 30),
        ({"post_16"}, {"post_16"}, ["Specialism match: post-16"], 30),
        ({"health"}, set(), ["No health specialism"], 0),
        ({"health"}, {"social_care"}, ["No health specialism"], 0),
        (set(), {"health", "post_16"}, [], 0),  # a specialism the case does not need adds nothing
        (
            {"health", "social_care", "post_16"},
            {"health", "post_16"},
            ["Specialism match: health", "No social care specialism", "Specialism match: post-16"],
            60,
        ),
        (
            {"health", "social_care", "post_16"},
            {"health", "social_care", "post_16"},
            ["Specialism match: health", "Specialism match: social care", "Specialism match: post-16"],
            90,
        ),
    ],
)
def test_each_needed_specialism_the_mediator_has_adds_30(needs, specialisms, reasons, points):
    entry = ranked_one(needs=referral_needs(needs=frozenset(needs)), specialisms=frozenset(specialisms))
    specialism_signals = [s for s in entry.signals if "pecialism" in s.reason]
    assert [s.reason for s in specialism_signals] == reasons
    assert sum(s.points for s in specialism_signals) == points


@pytest.mark.parametrize(
    ("language", "interpreter", "languages", "reason", "points"),
    [
        ("Polish", True, ("English", "Polish"), "Mediates in Polish", 25),
        ("Polish", False, ("English", "Polish"), "Mediates in Polish", 25),
        ("polish ", True, ("English", " POLISH"), "Mediates in polish", 25),
        ("Polish", True, ("English",), "Does not speak Polish: interpreter needed", 0),
        ("Polish", False, ("English", "Urdu"), "Does not speak Polish: interpreter needed", 0),
        ("English", True, ("English",), "Interpreter needed: record the family's language to match a mediator", 0),
        ("", True, ("English",), "Interpreter needed: record the family's language to match a mediator", 0),
    ],
)
def test_language_signal(language, interpreter, languages, reason, points):
    entry = ranked_one(needs=referral_needs(language=language, interpreter_needed=interpreter), languages=languages)
    assert points_for(entry, reason) == points


@pytest.mark.parametrize("language", ["English", "english", "", "  "])
def test_english_speaking_family_has_no_language_signal(language):
    entry = ranked_one(needs=referral_needs(language=language), languages=("English", "Polish"))
    assert not [reason for reason in entry.reasons if "speak" in reason or "Mediates" in reason]


@pytest.mark.parametrize(
    ("active", "maximum", "points"),
    [
        (0, 8, Decimal("20.0")),
        (2, 8, Decimal("15.0")),
        (4, 8, Decimal("10.0")),
        (7, 8, Decimal("2.5")),
        (1, 3, Decimal("13.3")),
        (8, 8, Decimal("0.0")),
        (9, 8, Decimal("0.0")),  # over capacity never goes negative (and is excluded anyway)
    ],
)
def test_caseload_signal_scales_with_spare_capacity(active, maximum, points):
    entry = ranked_one(active_cases=active, max_active_cases=maximum)
    assert points_for(entry, f"Caseload {active} of {maximum}") == points


@pytest.mark.parametrize(
    ("available_from", "reason", "points"),
    [
        (None, "No availability date recorded: treated as available now", Decimal("15.0")),
        (date(2026, 2, 1), "Available from the start of the 30-day window", Decimal("15.0")),
        (START, "Available from the start of the 30-day window", Decimal("15.0")),
        (date(2026, 3, 3), "Available from Tue 3 Mar 2026 (inside the 30-day window)", Decimal("14.5")),
        (date(2026, 3, 17), "Available from Tue 17 Mar 2026 (inside the 30-day window)", Decimal("7.2")),
        (END, "Available from Tue 31 Mar 2026 (inside the 30-day window)", Decimal("0.0")),
        (
            date(2026, 4, 1),
            "Not available until Wed 1 Apr 2026, after the 30-day window (Tue 31 Mar 2026)",
            Decimal("-20.0"),
        ),
    ],
)
def test_availability_signal_scales_down_across_the_30_day_window(available_from, reason, points):
    entry = ranked_one(available_from=available_from)
    assert points_for(entry, reason) == points


def test_when_the_30_day_window_has_passed_everyone_available_now_is_penalised():
    needs = referral_needs(window_start=date(2026, 4, 10))
    entry = ranked_one(needs=needs, available_from=None)
    assert points_for(entry, "Available now, but the 30-day window ended on Tue 31 Mar 2026") == -20


def test_score_is_the_sum_of_the_signal_points():
    needs = referral_needs(needs=frozenset({"health", "social_care"}), language="Polish", interpreter_needed=True)
    entry = ranked_one(
        needs=needs,
        specialisms=frozenset({"health"}),
        languages=("English", "Polish"),
        active_cases=2,
        available_from=None,
    )
    assert entry.reasons == [
        "Specialism match: health",
        "No social care specialism",
        "Mediates in Polish",
        "Caseload 2 of 8",
        "No availability date recorded: treated as available now",
    ]
    assert entry.score == Decimal("85.0")  # 30 + 0 + 25 + 15 + 15
    assert entry.score == sum(signal.points for signal in entry.signals)


def test_weights_are_the_documented_constants():
    assert (
        rules.SPECIALISM_MATCH_POINTS,
        rules.LANGUAGE_MATCH_POINTS,
        rules.CASELOAD_POINTS,
        rules.AVAILABILITY_POINTS,
        rules.LATE_AVAILABILITY_PENALTY,
    ) == (30, 25, 20, 15, -20)


# --- ordering and tie-breaks ---


def names(ranked):
    return [entry.name for entry in ranked]


def test_eligible_mediators_are_ordered_by_score_and_excluded_ones_come_last():
    needs = referral_needs(needs=frozenset({"health"}))
    ranked = rules.rank_mediators(
        [
            mediator(1, "Ann Low", active_cases=6),  # 5 + 15 = 20
            mediator(2, "Zoe Inactive", active=False, specialisms=frozenset({"health"})),
            mediator(3, "Ben Health", specialisms=frozenset({"health"}), active_cases=4),  # 30 + 10 + 15 = 55
            mediator(4, "Cal Free"),  # 20 + 15 = 35
            mediator(5, "Abe Council", employed_by_la=True),
        ],
        needs,
    )
    assert names(ranked) == ["Ben Health", "Cal Free", "Ann Low", "Abe Council", "Zoe Inactive"]
    assert [entry.score for entry in ranked[:3]] == [Decimal("55.0"), Decimal("35.0"), Decimal("20.0")]
    assert [entry.excluded for entry in ranked] == [False, False, False, True, True]


def test_equal_scores_prefer_the_lower_caseload_ratio_over_earlier_availability():
    ranked = rules.rank_mediators(
        [
            mediator(1, "Ann Busy", active_cases=3, max_active_cases=6, available_from=None),  # 10 + 15 = 25
            mediator(2, "Ben Quiet", active_cases=1, max_active_cases=8, available_from=date(2026, 3, 9)),
        ],
        referral_needs(window_end=date(2026, 3, 16)),  # Ben: 17.5 + 15 x 7/14 = 25
    )
    assert [entry.score for entry in ranked] == [Decimal("25.0"), Decimal("25.0")]
    assert names(ranked) == ["Ben Quiet", "Ann Busy"]


def test_equal_scores_and_caseloads_prefer_the_earlier_availability():
    ranked = rules.rank_mediators(
        [
            mediator(1, "Ann Later", available_from=date(2026, 4, 20)),  # 20 - 20 = 0
            mediator(2, "Ben Sooner", available_from=date(2026, 4, 2)),  # 20 - 20 = 0
        ],
        referral_needs(),
    )
    assert [entry.score for entry in ranked] == [Decimal("0.0"), Decimal("0.0")]
    assert names(ranked) == ["Ben Sooner", "Ann Later"]


def test_availability_before_the_window_counts_as_the_window_start_for_the_tie_break():
    ranked = rules.rank_mediators(
        [mediator(1, "Ben Early", available_from=date(2026, 2, 1)), mediator(2, "Ann Unknown", available_from=None)],
        referral_needs(),
    )
    assert ranked[0].available_on == ranked[1].available_on == START
    assert names(ranked) == ["Ann Unknown", "Ben Early"]


def test_full_ties_are_broken_by_name_ignoring_case():
    ranked = rules.rank_mediators(
        [mediator(1, "zoe Ward"), mediator(2, "Amir Khan"), mediator(3, "Beth Cole")], referral_needs()
    )
    assert names(ranked) == ["Amir Khan", "Beth Cole", "zoe Ward"]


def test_excluded_mediators_are_listed_by_name_whatever_their_score():
    ranked = rules.rank_mediators(
        [
            mediator(1, "Zara Expert", active=False, specialisms=frozenset({"health"})),
            mediator(2, "Adam Novice", employed_by_la=True, available_from=date(2026, 5, 1)),
        ],
        referral_needs(needs=frozenset({"health"})),
    )
    assert names(ranked) == ["Adam Novice", "Zara Expert"]


def test_top_choice_is_the_first_eligible_mediator():
    ranked = rules.rank_mediators(
        [mediator(1, "Ann Low", active_cases=6), mediator(2, "Ben Free"), mediator(3, "Cy LA", employed_by_la=True)],
        referral_needs(),
    )
    assert rules.top_choice(ranked) == 2


def test_no_top_choice_when_everyone_is_excluded():
    ranked = rules.rank_mediators([mediator(1, "Ann", active=False)], referral_needs())
    assert rules.top_choice(ranked) is None
    assert rules.top_choice([]) is None


# --- assignment reasons ---


@pytest.fixture
def ranked():
    return rules.rank_mediators(
        [
            mediator(1, "Ann Top"),
            mediator(2, "Ben Second", active_cases=4),
            mediator(3, "Cy Council", employed_by_la=True, active_cases=8),
        ],
        referral_needs(),
    )


@pytest.mark.parametrize(
    ("chosen", "reason", "problems"),
    [
        (1, "", []),
        (2, "Ben has met the family's advocate before and they asked for him.", []),
        (2, "", ["Give a reason for not choosing the top suggestion (Ann Top)."]),
        (2, "  ", ["Give a reason for not choosing the top suggestion (Ann Top)."]),
        (
            3,
            "They asked for him.",
            [
                "Cy Council cannot be assigned: employed by the local authority: not independent (CFA 2014 s.56); "
                "at maximum caseload (8 of 8)."
            ],
        ),
        (99, "", ["Choose one of the provider's mediators."]),
        (None, "", ["Choose one of the provider's mediators."]),
    ],
)
def test_assignment_reason_rules(ranked, chosen, reason, problems):
    assert rules.assignment_problems(ranked, chosen, reason) == problems


# ---------------------------------------------------------------------------------------------------------
# 3. Referral status transitions

ALLOWED = {
    RS.REFERRED: {RS.ACCEPTED, RS.DECLINED, RS.NOT_HELD, RS.WITHDRAWN},
    RS.ACCEPTED: {RS.ASSIGNED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED},
    RS.ASSIGNED: {RS.ASSIGNED, RS.SCHEDULED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED},
    RS.SCHEDULED: {RS.SCHEDULED, RS.HELD, RS.ASSIGNED, RS.NOT_HELD, RS.WITHDRAWN, RS.LA_CONCEDED},
    RS.HELD: {RS.SCHEDULED, RS.CONCLUDED, RS.WITHDRAWN},
    RS.NOT_HELD: {RS.SCHEDULED, RS.CONCLUDED, RS.WITHDRAWN},
    RS.DECLINED: set(),
    RS.CONCLUDED: set(),
    RS.WITHDRAWN: set(),
    RS.LA_CONCEDED: set(),
}


def test_transition_table_covers_every_status():
    assert set(rules.REFERRAL_TRANSITIONS) == set(RS.values)


@pytest.mark.parametrize("status", list(RS))
@pytest.mark.parametrize("target", list(RS))
def test_referral_transition_table(status, target):
    assert rules.referral_can_transition(status, target) is (target in ALLOWED[status])


@pytest.mark.parametrize("status", [RS.DECLINED, RS.CONCLUDED, RS.WITHDRAWN, RS.LA_CONCEDED])
def test_final_statuses_go_nowhere(status):
    assert rules.referral_allowed_transitions(status) == ()


def test_unknown_status_goes_nowhere():
    assert rules.referral_allowed_transitions("lost") == ()
    assert rules.referral_transition_problems(status="lost", target=RS.ACCEPTED) == [
        "A referral at 'lost' cannot move to 'Accepted: mediator to be assigned'."
    ]


def test_disallowed_transition_is_explained_with_status_labels():
    assert rules.referral_transition_problems(status=RS.CONCLUDED, target=RS.SCHEDULED) == [
        "A referral at 'Mediation concluded' cannot move to 'Session arranged'."
    ]


@pytest.mark.parametrize(
    ("status", "target", "facts", "problems"),
    [
        (RS.REFERRED, RS.DECLINED, {}, ["Choose why the provider declined."]),
        (RS.REFERRED, RS.DECLINED, {"decline_reason": Referral.DeclineReason.NO_CAPACITY}, []),
        (RS.ACCEPTED, RS.ASSIGNED, {}, ["Choose a mediator."]),
        (RS.ASSIGNED, RS.ASSIGNED, {"mediator_id": 4}, []),
        (RS.SCHEDULED, RS.ASSIGNED, {"mediator_id": 4}, []),
        (RS.HELD, RS.CONCLUDED, {}, ["Record the outcome."]),
        (RS.HELD, RS.CONCLUDED, {"outcome": Referral.Outcome.PARTIAL}, []),
        (RS.NOT_HELD, RS.CONCLUDED, {"outcome": Referral.Outcome.NOT_HELD}, []),
        (RS.REFERRED, RS.ACCEPTED, {}, []),
        (RS.ASSIGNED, RS.WITHDRAWN, {}, []),
    ],
)
def test_a_transition_needs_its_facts_recorded(status, target, facts, problems):
    assert rules.referral_transition_problems(status=status, target=target, **facts) == problems
