"""Intake records: the disagreement case, the child or young person, the family contact, reference data
(schools and settings, health bodies, extra non-working days) and the case timeline.

Business rules live in rules.py (pure) and services.py (writes); this module holds fields, choices and
database constraints only. One module per concern (reference data, choices, the case, notes and the
timeline, deadlines, staff settings and cover); import them from here.
"""

# Django registers models as they are imported and apps.get_models() lists them in that order: reference data,
# the case, its notes and timeline, its clocks, then staff settings.
# isort: off
from .reference import (
    DATE_RANGE,
    OFSTED_SETTING_TYPES,
    OFSTED_URN_MESSAGE,
    SCHOOL_URN_MESSAGE,
    ActiveQuerySet,
    HealthBody,
    NonWorkingDay,
    School,
    SchoolPhase,
    SettingType,
)
from .choices import DECISION_SHORT_LABELS, ContactChannel, Decision, NextStepBy, PartyType, PlanSection, Route, Status
from .case import Case, CaseQuerySet, CaseReferenceCounter
from .events import CaseEvent, CaseNote
from .deadline import Deadline
from .staff import Cover, CoverQuerySet, ReminderSent, StaffPreference
# isort: on

__all__ = [
    "ActiveQuerySet",
    "Case",
    "CaseEvent",
    "CaseNote",
    "CaseQuerySet",
    "CaseReferenceCounter",
    "ContactChannel",
    "Cover",
    "CoverQuerySet",
    "DATE_RANGE",
    "DECISION_SHORT_LABELS",
    "Deadline",
    "Decision",
    "HealthBody",
    "NextStepBy",
    "NonWorkingDay",
    "OFSTED_SETTING_TYPES",
    "OFSTED_URN_MESSAGE",
    "PartyType",
    "PlanSection",
    "ReminderSent",
    "Route",
    "SCHOOL_URN_MESSAGE",
    "School",
    "SchoolPhase",
    "SettingType",
    "StaffPreference",
    "Status",
]
