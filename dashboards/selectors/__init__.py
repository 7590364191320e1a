"""Read-only figures for the dashboards, computed in the database.

Every function takes what it depends on (`today`, the period, the year, the officer) as arguments and returns
plain dicts and lists, so the figures can be checked against hand-built data and the pages cost the same number
of queries at any size: figures come from aggregate()/annotate() with conditional Count, grouped queries
(values().annotate()), window functions and TruncMonth, never from Python loops over cases. Python only reshapes
the handful of aggregated rows (one per month, outcome, decision type, officer, mediator or provider).

One module per page or concern: officer (my work), management (workload, headline numbers, clock
compliance, the page as a whole), outcomes (outcomes and decisions changed), sen2, providers (mediators and
providers), mediator (the mediator dashboard), and common (what they share). Everything is importable from here.

Page budgets (a signed-in request costs 4 queries first: the session, the user, their permissions in one query,
and the session save as one UPDATE): my work 8 queries, mediator dashboard 4, management dashboard 9 (with the
officer list), plus the cache read and, when the figures are worked out, the cache write.

The definitions are the business rules: each page repeats them under "How these figures are worked out".
"""

from .common import (
    AGREED_OUTCOMES,
    CERTIFICATE_CLOCKS,
    CHANGED_AT_MEDIATION,
    CHANGED_AT_TRIBUNAL,
    CLOCK_GROUPS,
    FIRST_SEN2_YEAR,
    HELD,
    LIST_LIMIT,
    MAX_PERIOD_DAYS,
    NO_DECISION,
    DaysBetween,
    MonthStart,
    Period,
    certificate_clock,
    default_period,
    london_midnight,
    percent,
    percent_text,
    referral_url,
)
from .management import clock_compliance, headline, management_dashboard, workload
from .mediator import CLOCK_ROW_FIELDS, mediator_dashboard
from .officer import CLOCK_BUCKETS, my_work
from .outcomes import appeal_counts, concluded_referral_counts, decisions_changed, outcome_mix
from .providers import mediator_workload, provider_certificate_counts, provider_performance
from .sen2 import academic_window, academic_year_label, calendar_window, sen2_figures

__all__ = [
    "AGREED_OUTCOMES",
    "CERTIFICATE_CLOCKS",
    "CHANGED_AT_MEDIATION",
    "CHANGED_AT_TRIBUNAL",
    "CLOCK_BUCKETS",
    "CLOCK_GROUPS",
    "CLOCK_ROW_FIELDS",
    "DaysBetween",
    "FIRST_SEN2_YEAR",
    "HELD",
    "LIST_LIMIT",
    "MAX_PERIOD_DAYS",
    "MonthStart",
    "NO_DECISION",
    "Period",
    "academic_window",
    "academic_year_label",
    "appeal_counts",
    "calendar_window",
    "certificate_clock",
    "clock_compliance",
    "concluded_referral_counts",
    "decisions_changed",
    "default_period",
    "headline",
    "london_midnight",
    "management_dashboard",
    "mediator_dashboard",
    "mediator_workload",
    "my_work",
    "outcome_mix",
    "percent",
    "percent_text",
    "provider_certificate_counts",
    "provider_performance",
    "referral_url",
    "sen2_figures",
    "workload",
]
