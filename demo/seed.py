"""Demo and scale data: a believable English local authority's SEND disagreement work.

The `seed_demo` command and the benchmark call `run()` or the steps below, one function per concern:
reference data, users, mediators, cases, then the pathway (seed_pathway: adviser contacts, referrals, sessions,
certificates, appeals, disagreement resolution and every statutory clock), which reads the seeded cases and adds
its own rows the same way. Every step is idempotent: running it again leaves the same data.

Nothing here describes real people. Names come from Faker (en_GB) and short name lists, phone numbers from
the Ofcom ranges reserved for drama, email addresses from the example.com and example.org domains reserved for
documentation, and schools from invented place names. Postcodes have a valid shape but may not exist.

Reference data and users are fixed; `rng_seed` only changes the cases, so a different seed never duplicates
schools, providers or people.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models.fields.json import KT
from django.utils import timezone
from faker import Faker

from cases import clock_services, deadlines, permissions, rules
from cases.deadlines import ClockCode
from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    ContactChannel,
    Deadline,
    Decision,
    HealthBody,
    PartyType,
    PlanSection,
    Route,
    School,
    SchoolPhase,
    Status,
)
from cases.services import REFERENCE_PREFIX
from cases.validators import normalise_nhs_number, upn_check_letter
from referrals import certificates
from referrals import rules as referral_rules
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
    PlanIssue,
    Referral,
    TribunalAppeal,
    england_date,
)
from referrals.selectors import ACTIVE_REFERRAL_STATUSES, MEDIATOR_CASELOAD_STATUSES, mediator_loads

DEMO_PASSWORD = "demo-password-2026"  # published in the README and printed by `make run`: demo only
# The authenticator key of the demo sign-ins that must use two-factor sign-in (manager, admin): published in the
# README like the password, so anyone trying the demo can add it to an authenticator app, or print the current
# code with `manage.py demo_security_code`. Demo only.
DEMO_TOTP_KEY = "DEMOSENDPORTALTWOFACTORKEYZZZZZZ"
DEFAULT_CASES = 200
DEFAULT_SEED = 2026
BATCH_SIZE = 2000
HISTORY_DAYS = 3 * 365  # cases opened over the last three years, up to today

# The "created" event of every seeded case carries this, so seeded cases can be counted and removed without
# touching cases entered through the portal.
SEED_MARKER = {"source": "seed_demo"}

# Reference data never depends on --seed (see the module docstring).
REFERENCE_SEED = 1530

S = Status


def _weighted(pairs: Sequence[tuple[object, float]]) -> tuple[tuple, tuple[float, ...]]:
    """(values, cumulative weights) for random.choices(cum_weights=...)."""
    values = tuple(value for value, _ in pairs)
    return values, tuple(accumulate(weight for _, weight in pairs))


def _pick(rng: random.Random, table: tuple[tuple, tuple[float, ...]]):
    values, cum_weights = table
    return rng.choices(values, cum_weights=cum_weights)[0]


# --- Reference data ---------------------------------------------------------------------------------------

# fmt: off
PLACE_STARTS = (
    "Ash", "Beech", "Birch", "Bram", "Brook", "Church", "Elm", "Fair", "Fern", "Glen", "Hazel", "Holly",
    "Kings", "Lark", "Lime", "Mill", "Moor", "Oak", "Queens", "Rose", "Stone", "Thorn", "Well", "Willow",
    "Heath", "Marsh", "Cross", "Long", "Castle", "Hollin",
)
PLACE_ENDS = ("field", "ley", "ton", "brook", "wood", "hill", "gate", "bury", "ford", "dale", "well", "mead")
SAINTS = ("Mary", "Peter", "John", "Anne", "Joseph", "Michael", "Paul", "Bede", "Hilda", "Aidan", "Wilfrid", "Chad")

# (how many, name patterns) per phase: 60 settings in all.
SCHOOL_PLAN = {
    SchoolPhase.EARLY_YEARS: (5, (
        "{place} Nursery School", "{place} Day Nursery", "{place} Children's Centre Nursery",
    )),
    SchoolPhase.PRIMARY: (22, (
        "{place} Primary School", "{place} Infant School", "{place} Junior School", "{place} Primary Academy",
        "{place} Community Primary School", "St {saint}'s Church of England Primary School",
        "St {saint}'s Catholic Primary School",
    )),
    SchoolPhase.SECONDARY: (11, (
        "{place} Academy", "{place} High School", "{place} School", "St {saint}'s Catholic High School",
        "{place} Church of England Academy",
    )),
    SchoolPhase.ALL_THROUGH: (3, ("{place} All-through Academy", "{place} Free School")),
    SchoolPhase.SPECIAL: (8, ("{place} Special School", "{place} Park School", "{place} Specialist Learning Centre")),
    SchoolPhase.POST_16: (7, ("{place} College", "{place} Sixth Form College", "{place} Specialist College")),
    SchoolPhase.INDEPENDENT: (4, ("{place} House School", "{place} Hall School", "The {place} Independent School")),
}

# Postcode districts and their post towns: the families live in and around one authority.
POST_TOWNS = (("LS", 29, "Leeds"), ("WF", 17, "Wakefield"), ("BD", 24, "Bradford"), ("HD", 9, "Huddersfield"),
              ("HX", 7, "Halifax"))
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # Royal Mail never uses C, I, K, M, O or V in the inward code

ICBS = (
    ("NHS West Yorkshire Integrated Care Board", "QWO", "send.team@westyorkshire-icb.example.org"),
    ("NHS South Yorkshire Integrated Care Board", "QF7", "send@southyorkshire-icb.example.org"),
    ("NHS Humber and North Yorkshire Integrated Care Board", "QOQ", "send@humber-icb.example.org"),
)
ICB_WEIGHTS = _weighted([(0, 80), (1, 12), (2, 8)])

# Fictional providers; contract shares 60/40 (docs/rules.md §9 P1).
PROVIDERS = (
    {
        "name": "Northway Mediation Ltd", "contact_name": "Rachel Dunmore", "email": "referrals@northway.example.org",
        "phone": "+441134960100", "contract_share": Decimal("60.00"), "offers_mediation": True, "offers_drs": False,
    },
    {
        "name": "Bridgewell SEND Resolution", "contact_name": "Marcus Okoye", "email": "hello@bridgewell.example.org",
        "phone": "+441134960200", "contract_share": Decimal("40.00"), "offers_mediation": True, "offers_drs": True,
    },
)
# fmt: on


class DemoUser(NamedTuple):
    username: str
    first_name: str
    last_name: str
    role: str  # a group name, or "" for the superuser


STAFF = (
    DemoUser("admin", "Portal", "Administrator", ""),
    DemoUser("officer", "Hannah", "Whitfield", permissions.OFFICER),
    DemoUser("officer2", "Imran", "Hussain", permissions.OFFICER),
    DemoUser("officer3", "Gemma", "Lowe", permissions.OFFICER),
    DemoUser("officer4", "Daniel", "Price", permissions.OFFICER),
    DemoUser("manager", "Priya", "Sharma", permissions.MANAGER),
    DemoUser("dpo", "Ruth", "Adeyemi", permissions.DATA_PROTECTION),
)


class DemoMediator(NamedTuple):
    user: DemoUser
    provider: int  # index into PROVIDERS
    specialisms: tuple[str, ...]
    languages: str
    capacity: int
    employed_by_la: bool = False
    active: bool = True
    conflict_schools: tuple[int, ...] = ()  # indexes into school_specs()


def _mediator_user(username: str, first_name: str, last_name: str) -> DemoUser:
    return DemoUser(username, first_name, last_name, permissions.MEDIATOR)


# Eight mediators across the two providers (5 + 3). mediator7 is an LA employee and mediator8 is inactive:
# both exist so the independence and availability rules have something to exclude.
# fmt: off
MEDIATORS = (
    DemoMediator(_mediator_user("mediator1", "Catherine", "Doyle"), 0, ("health",), "English", 8,
                 conflict_schools=(0, 30)),
    DemoMediator(_mediator_user("mediator2", "Tomasz", "Kowalski"), 0, ("post_16",), "English, Polish", 6),
    DemoMediator(_mediator_user("mediator3", "Aisha", "Rahman"), 0, ("social_care", "health"),
                 "English, Urdu, Punjabi", 10),
    DemoMediator(_mediator_user("mediator4", "Gareth", "Evans"), 0, (), "English, Welsh", 5, conflict_schools=(12,)),
    DemoMediator(_mediator_user("mediator5", "Hodan", "Ali"), 0, ("social_care",), "English, Somali", 7),
    DemoMediator(_mediator_user("mediator6", "Jaswinder", "Gill"), 1, ("health", "post_16"), "English, Punjabi", 9),
    DemoMediator(_mediator_user("mediator7", "Fiona", "Marsh"), 1, ("social_care",), "English", 4,
                 employed_by_la=True),
    DemoMediator(_mediator_user("mediator8", "Peter", "Hale"), 1, ("post_16",), "English", 6, active=False),
)
# fmt: on


def _place_names(rng: random.Random) -> list[str]:
    # Skip awkward joins such as "Brookbrook" or "Elmmead".
    places = [start + end for start in PLACE_STARTS for end in PLACE_ENDS if start[-1].lower() != end[0]]
    rng.shuffle(places)
    return places


def _postcode(rng: random.Random, area: str, districts: int) -> str:
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    return f"{area}{rng.randint(1, districts)} {inward}"


def school_specs() -> list[dict]:
    """The 60 demo schools and settings, the same on every run."""
    rng = random.Random(REFERENCE_SEED)
    places = iter(_place_names(rng))
    saints = iter(SAINTS)
    urns = iter(rng.sample(range(107000, 149999), 60))
    specs = []
    for phase, (count, patterns) in SCHOOL_PLAN.items():
        for i in range(count):
            pattern = patterns[i % len(patterns)]
            name = pattern.format(place=next(places), saint=next(saints) if "{saint}" in pattern else "")
            area, districts, _town = rng.choice(POST_TOWNS)
            specs.append(
                {
                    "urn": f"{next(urns):06d}",
                    "name": name,
                    "phase": phase,
                    "postcode": _postcode(rng, area, districts),
                }
            )
    return specs


@transaction.atomic
def seed_reference_data() -> None:
    """Schools, ICBs and the two commissioned providers. Existing rows (matched on URN, ODS code or name) are
    left as they are, so admin edits survive a re-run."""
    for spec in school_specs():
        School.objects.get_or_create(urn=spec["urn"], defaults=spec)
    for name, ods_code, email in ICBS:
        HealthBody.objects.get_or_create(ods_code=ods_code, defaults={"name": name, "email": email})
    share_changed_on = _financial_year_start(timezone.localdate())
    for spec in PROVIDERS:
        MediationProvider.objects.get_or_create(
            name=spec["name"], defaults={**spec, "share_changed_on": share_changed_on}
        )


def _financial_year_start(today: date) -> date:
    """1 April of the current financial year: when the contract shares were last set."""
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


# --- Users and mediators ----------------------------------------------------------------------------------


@transaction.atomic
def seed_users(*, password: str = DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo sign-ins and put each in its role group. Every run resets the password,
    so the printed table is always right. Returns (username, password, role) rows."""
    User = get_user_model()
    # One hash reused for every sign-in: argon2 is slow on purpose, and the password is the same.
    hashed = make_password(password)
    groups = {group.name: group for group in Group.objects.filter(name__in=permissions.ROLE_PERMISSIONS)}
    if missing := set(permissions.ROLE_PERMISSIONS) - set(groups):
        raise RuntimeError(f"Role groups missing ({', '.join(sorted(missing))}): run migrate first.")
    domains = {spec.username: "council.example.org" for spec in STAFF}
    domains |= {m.user.username: PROVIDERS[m.provider]["email"].split("@")[1] for m in MEDIATORS}
    rows = []
    for spec in (*STAFF, *(m.user for m in MEDIATORS)):
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.first_name}.{spec.last_name}@{domains[spec.username]}".lower(),
                "is_active": True,
                "is_staff": not spec.role,
                "is_superuser": not spec.role,
                "password": hashed,
            },
        )
        user.groups.set([groups[spec.role]] if spec.role else [])
        rows.append((spec.username, password, spec.role or "Administrator (superuser)"))
    seed_two_factor()
    return rows


def seed_two_factor() -> None:
    """Give the demo sign-ins that must use two-factor sign-in the published authenticator key (DEMO_TOTP_KEY),
    so `make run` works without setting one up; any other device they had is replaced."""
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.permissions import REQUIRE_TWO_FACTOR

    key = b32decode(DEMO_TOTP_KEY).hex()
    for user in get_user_model().objects.filter(username__in=[spec.username for spec in STAFF]):
        if not (user.is_superuser or user.has_perm(REQUIRE_TWO_FACTOR)):
            continue
        TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
        TOTPDevice.objects.get_or_create(user=user, key=key, defaults={"name": "Demo authenticator", "confirmed": True})


@transaction.atomic
def seed_mediators() -> None:
    """The eight mediators, split 5/3 between the providers, with varied specialisms, languages and capacity."""
    User = get_user_model()
    providers = list(MediationProvider.objects.filter(name__in=[p["name"] for p in PROVIDERS]).order_by("name"))
    by_name = {provider.name: provider for provider in providers}
    urns = [spec["urn"] for spec in school_specs()]
    for spec in MEDIATORS:
        mediator, _ = Mediator.objects.update_or_create(
            user=User.objects.get(username=spec.user.username),
            defaults={
                "provider": by_name[PROVIDERS[spec.provider]["name"]],
                "accreditation": "College of Mediators SEND register",
                "specialisms": list(spec.specialisms),
                "languages": spec.languages,
                "max_active_cases": spec.capacity,
                "employed_by_la": spec.employed_by_la,
                "active": spec.active,
                "conflict_notes": "Hussain, Nazia (neighbour)" if spec.conflict_schools else "",
            },
        )
        mediator.conflict_schools.set(School.objects.filter(urn__in=[urns[i] for i in spec.conflict_schools]))


# --- Case data pools --------------------------------------------------------------------------------------

# fmt: off
MODERN_FIRST_NAMES = (
    "Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Charlie", "Alfie", "Freddie", "Theo",
    "Archie", "Jacob", "Thomas", "Joshua", "Harvey", "Logan", "Riley", "Mason", "Olivia", "Amelia", "Isla", "Ava",
    "Lily", "Freya", "Mia", "Ivy", "Poppy", "Ella", "Grace", "Evie", "Sophie", "Ruby", "Daisy", "Florence",
    "Willow", "Rosie", "Millie", "Chloe", "Jessica", "Ellie", "Callum", "Bethany", "Kieran", "Jade",
)


class _Community(NamedTuple):
    weight: float
    surnames: tuple[str, ...]  # empty: Faker en_GB surnames
    children: tuple[str, ...]  # empty: Faker en_GB first names mixed with MODERN_FIRST_NAMES
    mothers: tuple[str, ...]
    fathers: tuple[str, ...]
    languages: tuple[tuple, tuple[float, ...]]


COMMUNITIES = (
    _Community(78, (), (), (), (), _weighted(
        [("English", 99.2), ("Welsh", 0.3), ("British Sign Language", 0.5)])),
    _Community(12, (
        "Hussain", "Khan", "Ahmed", "Akhtar", "Begum", "Iqbal", "Mahmood", "Ali", "Rashid", "Patel", "Kaur", "Singh",
        "Shah", "Malik", "Chaudhry", "Mirza", "Rahman", "Uddin", "Miah", "Sandhu",
    ), (
        "Muhammad", "Ayaan", "Zayn", "Yusuf", "Ibrahim", "Hamza", "Adam", "Aisha", "Maryam", "Zara", "Fatima",
        "Hafsa", "Inaaya", "Amira", "Harpreet", "Jasleen", "Arjun", "Simran",
    ), ("Nazia", "Shabana", "Samina", "Rubina", "Farzana", "Amandeep", "Ayesha", "Sadia"),
        ("Imran", "Asif", "Tariq", "Zahid", "Mohammed", "Rizwan", "Sukhdev", "Amir"),
        _weighted([("English", 70), ("Urdu", 14), ("Punjabi", 9), ("Bengali", 5), ("Gujarati", 2)])),
    _Community(4, (
        "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
        "Woźniak", "Dąbrowski", "Mazur",
    ), ("Jakub", "Kacper", "Szymon", "Filip", "Antoni", "Zuzanna", "Julia", "Lena", "Maja", "Hanna", "Oliwia"),
        ("Agnieszka", "Katarzyna", "Magdalena", "Anna", "Monika"), ("Piotr", "Tomasz", "Marcin", "Paweł", "Krzysztof"),
        _weighted([("English", 55), ("Polish", 45)])),
    _Community(2, ("Mohamed", "Abdi", "Hassan", "Warsame", "Farah", "Osman", "Yusuf", "Jama", "Nur"), (
        "Abdirahman", "Mohamed", "Hodan", "Ayan", "Fartun", "Sagal", "Ilhan", "Abdullahi", "Khadra",
    ), ("Amina", "Hawa", "Fadumo", "Sahra", "Halima"), ("Abdi", "Ahmed", "Hassan", "Abdikadir", "Yusuf"),
        _weighted([("English", 55), ("Somali", 45)])),
    _Community(2, ("Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Munteanu", "Rusu"), (
        "Andrei", "Luca", "David", "Maria", "Ioana", "Elena", "Alexandru", "Sofia",
    ), ("Andreea", "Elena", "Mihaela", "Ioana"), ("Ion", "Mihai", "Florin", "Gabriel"),
        _weighted([("English", 50), ("Romanian", 50)])),
    _Community(2, ("Karimi", "Hamid", "Aziz", "Saleh", "Rasul", "Othman"), (
        "Omar", "Ali", "Karwan", "Lana", "Rojin", "Sara", "Ahmad", "Dilan",
    ), ("Nasrin", "Hana", "Shilan", "Layla"), ("Karzan", "Rebwar", "Hassan", "Omar"),
        _weighted([("English", 45), ("Arabic", 30), ("Kurdish (Sorani)", 25)])),
)
COMMUNITY_WEIGHTS = _weighted([(i, c.weight) for i, c in enumerate(COMMUNITIES)])

STREET_KINDS = ("Road", "Street", "Avenue", "Close", "Lane", "Drive", "Crescent", "Grove", "Way", "Gardens",
                "Terrace", "Mount", "View", "Court")

ACCESS_NEEDS = (
    "Prefers online meetings (caring responsibilities).",
    "Step-free access needed: the parent uses a wheelchair.",
    "Please send letters in large print.",
    "Parent has dyslexia: please go through documents by phone as well.",
    "Hearing loop needed in meetings.",
    "Meetings between 10am and 2pm only (school run).",
    "Young person is autistic: a quiet room and the agenda in advance, please.",
    "Contact by email only, please.",
    "Needs breaks during long meetings.",
)
BSL_NEEDS = "British Sign Language interpreter for all meetings."

WITHDRAWN_REASONS = (
    "The family reached agreement with the school directly.",
    "The LA agreed to carry out the needs assessment.",
    "The family moved out of the area.",
    "The parent decided not to take the disagreement further.",
    "Agreed at the annual review meeting.",
    "The family chose to appeal to the Tribunal instead.",
)

PARENT_RELATIONSHIPS = _weighted([
    (("Mother", "f"), 52), (("Father", "m"), 22), (("Foster carer", "any"), 5), (("Grandmother", "f"), 5),
    (("Special guardian", "any"), 3), (("Adoptive mother", "f"), 3), (("Adoptive father", "m"), 2),
    (("Stepmother", "f"), 2), (("Stepfather", "m"), 2), (("Aunt", "f"), 2),
])
ALTERNATIVE_RELATIONSHIPS = ("Mother (alternative person)", "Father (alternative person)",
                             "Deputy (Court of Protection)")
# fmt: on


@dataclass
class Pools:
    """Names and addresses drawn once from Faker, then sampled per case: calling Faker 100,000 times is slow."""

    child_first: list[str]
    mothers: list[str]
    fathers: list[str]
    surnames: list[str]
    addresses: list[tuple[str, str]]  # (address lines, postcode)
    supporters: list[str]


@cache
def build_pools(rng_seed: int, size: int = 3000) -> Pools:
    """A few thousand names and addresses, the same for the same seed."""
    fake = Faker("en_GB")
    fake.seed_instance(rng_seed)
    rng = random.Random(rng_seed)
    child_first = [fake.first_name() for _ in range(size // 3)] + list(MODERN_FIRST_NAMES) * (size // 60)
    streets = [f"{fake.last_name()} {rng.choice(STREET_KINDS)}" for _ in range(size // 3)]
    addresses = []
    for _ in range(size):
        area, districts, town = rng.choice(POST_TOWNS)
        line = f"{rng.randint(1, 240)} {rng.choice(streets)}"
        if rng.random() < 0.12:
            line = f"Flat {rng.randint(1, 24)}, {line}"
        addresses.append((f"{line}\n{town}", _postcode(rng, area, districts)))
    return Pools(
        child_first=child_first,
        mothers=[fake.first_name_female() for _ in range(size // 3)],
        fathers=[fake.first_name_male() for _ in range(size // 3)],
        surnames=[fake.last_name() for _ in range(size)],
        addresses=addresses,
        supporters=[fake.name() for _ in range(size // 10)],
    )


# --- Case shapes: route, decision, status and how long each stage takes ------------------------------------

# fmt: off
ROUTE_WEIGHTS = _weighted([(Route.MEDIATION, 68), (Route.DRS, 18), (Route.PLACEMENT_ONLY, 14)])
MEDIATION_DECISIONS = _weighted([
    (Decision.RTA, 24), (Decision.RTI, 7), (Decision.CONTENT_B, 10), (Decision.CONTENT_F, 24),
    (Decision.PLACEMENT_I, 8), (Decision.RTR, 4), (Decision.RTAM, 12), (Decision.CEASE, 6), (Decision.HSC, 5),
])
# Disagreement resolution covers more than appealable decisions: half record no decision at all.
DRS_DECISIONS = _weighted([
    ("", 50), (Decision.RTA, 12), (Decision.RTI, 4), (Decision.CONTENT_F, 14), (Decision.RTAM, 10),
    (Decision.HSC, 10),
])

SECTION_CHOICES = {
    Decision.CONTENT_B: _weighted([(("B",), 5), (("B", "F"), 5)]),
    Decision.CONTENT_F: _weighted([(("F",), 6), (("B", "F"), 3), (("F", "I"), 1)]),
    Decision.PLACEMENT_I: _weighted([(("I",), 4), (("F", "I"), 4), (("B", "F", "I"), 2)]),
    Decision.RTAM: _weighted([((), 5), (("B", "F"), 3), (("F",), 2)]),
}
# Health and social care elements alone: (sections, health involved, social care involved).
HSC_CHOICES = _weighted([((("C", "G"), True, False), 5), ((("D", "H2"), False, True), 3),
                         ((("C", "D", "G", "H1"), True, True), 2)])
SECTION_ORDER = {section: i for i, section in enumerate(PlanSection.values)}

CHANNEL_WEIGHTS = _weighted([
    (ContactChannel.PROVIDER, 30), (ContactChannel.PHONE, 20), (ContactChannel.EMAIL, 18),
    (ContactChannel.ONLINE, 15), (ContactChannel.SENDIASS, 9), (ContactChannel.LETTER, 4),
    (ContactChannel.IN_PERSON, 4),
])

PHASE_WEIGHTS = _weighted([
    (SchoolPhase.PRIMARY, 30), (SchoolPhase.SECONDARY, 26), (SchoolPhase.SPECIAL, 15), (SchoolPhase.POST_16, 12),
    (SchoolPhase.EARLY_YEARS, 7), (SchoolPhase.INDEPENDENT, 4), (SchoolPhase.ALL_THROUGH, 3), (None, 3),
])
# Age in whole years at first contact, by the phase of the setting attended (None: no setting).
PHASE_AGES = {
    SchoolPhase.EARLY_YEARS: (2, 4), SchoolPhase.PRIMARY: (4, 10), SchoolPhase.SECONDARY: (11, 15),
    SchoolPhase.ALL_THROUGH: (4, 15), SchoolPhase.SPECIAL: (3, 18), SchoolPhase.POST_16: (16, 19),
    SchoolPhase.INDEPENDENT: (5, 17), None: (5, 19),
}
OLDEST_BIRTH_YEARS_AGO = 24  # dates of birth from 24 years ago ...
YOUNGEST_BIRTH_YEARS_AGO = 2  # ... to 2 years ago

UPN_LA_CODES = ("383", "380", "384", "382", "381")
# fmt: on


class _Stage(NamedTuple):
    """How a status sits in time, in days since first contact."""

    weight: float  # how common the status is among cases old enough (and young enough) to be in it
    min_age: int  # a case is at least this old before it can be in this status
    max_age: int  # cases are not left in this status longer than this
    reach: tuple[int, int]  # when a case typically enters the status


NEVER_STALE = 100_000
STAGES: dict[str, _Stage] = {
    S.INTAKE: _Stage(5, 0, 14, (0, 0)),
    S.TRIAGED: _Stage(4, 1, 30, (1, 7)),
    S.DRS_ROUTE: _Stage(2, 5, 60, (3, 20)),
    S.DRS_MEETING_SCHEDULED: _Stage(2, 10, 75, (7, 40)),
    S.DRS_MEETING_HELD: _Stage(1.5, 20, 100, (20, 70)),
    S.RESOLVED: _Stage(3, 30, 200, (30, 90)),
    S.PARTLY_RESOLVED: _Stage(1.5, 30, 200, (30, 90)),
    S.UNRESOLVED: _Stage(1.5, 30, 200, (30, 90)),
    S.DRS_DECLINED: _Stage(1.5, 10, 150, (7, 45)),
    S.MEDIATION_ROUTE: _Stage(8, 3, 60, (2, 10)),
    S.POST_MEDIATION: _Stage(4, 25, 100, (25, 50)),
    S.PLACEMENT_ONLY: _Stage(3, 5, 75, (3, 15)),
    S.NOT_IN_SCOPE: _Stage(1, 3, 90, (2, 10)),
    S.AGREEMENT_IMPLEMENTATION: _Stage(3, 30, 150, (30, 60)),
    S.COMPLIED: _Stage(2, 60, 400, (60, 120)),
    S.BREACHED: _Stage(1, 60, 400, (60, 140)),
    S.APPEAL_WINDOW_OPEN: _Stage(5, 25, 90, (25, 50)),
    S.APPEAL_LODGED: _Stage(4, 60, 330, (50, 90)),
    S.CONCEDED_UNOPPOSED: _Stage(1, 90, 300, (80, 200)),
    S.ORDER_MADE: _Stage(1.5, 150, 500, (150, 300)),
    S.APPEAL_WITHDRAWN: _Stage(1, 80, 400, (70, 250)),
    S.COMPLIANCE: _Stage(1.5, 160, 600, (150, 320)),
    S.WINDOW_EXPIRED: _Stage(2, 70, 400, (65, 90)),
    S.WITHDRAWN: _Stage(2, 3, 300, (3, 120)),
    S.CLOSED: _Stage(45, 40, NEVER_STALE, (40, 400)),
}
MAX_STAGE_AGE = max(stage.reach[0] for stage in STAGES.values()) + 1

# fmt: off
DRS_STATUSES = {S.DRS_ROUTE, S.DRS_MEETING_SCHEDULED, S.DRS_MEETING_HELD, S.RESOLVED, S.PARTLY_RESOLVED,
                S.UNRESOLVED, S.DRS_DECLINED}
MEDIATION_STATUSES = {S.MEDIATION_ROUTE, S.POST_MEDIATION, S.AGREEMENT_IMPLEMENTATION, S.COMPLIED, S.BREACHED}
APPEAL_STATUSES = {S.APPEAL_WINDOW_OPEN, S.APPEAL_LODGED, S.CONCEDED_UNOPPOSED, S.ORDER_MADE, S.APPEAL_WITHDRAWN,
                   S.COMPLIANCE, S.WINDOW_EXPIRED}
ROUTE_STATUSES = {
    Route.MEDIATION: set(S.values) - DRS_STATUSES - {S.PLACEMENT_ONLY},
    Route.DRS: set(S.values) - MEDIATION_STATUSES - APPEAL_STATUSES - {S.PLACEMENT_ONLY},
    Route.PLACEMENT_ONLY: set(S.values) - DRS_STATUSES - {S.NOT_IN_SCOPE},
}
# fmt: on

# Lifecycle steps that are rarer than the alternatives next to them.
STEP_WEIGHTS = {S.WITHDRAWN: 0.08, S.NOT_IN_SCOPE: 0.3, S.DRS_DECLINED: 0.5}


def statuses_for(route: str, health_only: bool) -> set[str]:
    """Statuses a seeded case on this route may hold. Health and social care elements alone (decision HSC)
    have no appeal route (docs/rules.md §1), so those cases never reach the appeal statuses."""
    allowed = ROUTE_STATUSES[route]
    return allowed - APPEAL_STATUSES if health_only else allowed


class _Path(NamedTuple):
    statuses: tuple[str, ...]  # intake first
    weight: float
    earliest: int  # days since first contact before the last step can have happened


@cache
def lifecycle_paths(route: str, health_only: bool) -> dict[str, list[_Path]]:
    """Every way through the lifecycle (cases.rules.TRANSITIONS) to each status, keeping to the route."""
    allowed = statuses_for(route, health_only)
    found: dict[str, list[_Path]] = {}

    def walk(path: tuple[str, ...], weight: float) -> None:
        earliest = max(STAGES[status].reach[0] for status in path)
        found.setdefault(path[-1], []).append(_Path(path, weight, earliest))
        for target in rules.allowed_transitions(path[-1]):
            if target in allowed and target not in path:
                walk((*path, target), weight * STEP_WEIGHTS.get(target, 1.0))

    walk((S.INTAKE,), 1.0)
    return found


@cache
def _path_table(route: str, health_only: bool, status: str, age: int):
    paths = lifecycle_paths(route, health_only)[status]
    fitting = [path for path in paths if path.earliest <= age] or [min(paths, key=lambda p: p.earliest)]
    return _weighted([(path, path.weight) for path in fitting])


@cache
def _status_table(route: str, health_only: bool, age: int):
    allowed = statuses_for(route, health_only)
    return _weighted(
        [
            (status, stage.weight)
            for status, stage in STAGES.items()
            if status in allowed and stage.min_age <= age <= stage.max_age
        ]
    )


# --- Cases ------------------------------------------------------------------------------------------------


class Forced(NamedTuple):
    """What a coverage case must be; None leaves it to chance."""

    route: str | None = None
    status: str | None = None
    decision: str | None = None
    age: int | None = None  # days since first contact
    officer: str | None = None  # username of the officer holding it


# Mediation cases at different ages, so the pathway step (seed_pathway) has a case that fits each referral stage.
REFERRAL_STAGE_AGES = (4, 8, 14, 20, 28, 36, 46, 56)


def _bookable_demo_mediators() -> list[DemoMediator]:
    """The demo mediators a referral can go to (active and independent of the LA)."""
    return [m for m in MEDIATORS if m.active and not m.employed_by_la]


def demo_workload_plan() -> list[Forced]:
    """Cases for the demo sign-ins' workspaces: two current mediations and one just concluded for each mediator
    who can take referrals, referral-stage cases of every age, and an agreement being carried out for `officer`."""
    plan = [Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=age) for age in REFERRAL_STAGE_AGES]
    for i, _mediator in enumerate(_bookable_demo_mediators()):
        plan += [
            Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=6 + 5 * i),
            Forced(route=Route.MEDIATION, status=S.MEDIATION_ROUTE, age=12 + 4 * i),
            Forced(route=Route.MEDIATION, status=S.POST_MEDIATION, age=26),
        ]
    plan.append(Forced(route=Route.MEDIATION, status=S.AGREEMENT_IMPLEMENTATION, age=50, officer="officer"))
    return plan


def coverage_plan() -> list[Forced]:
    """One case for every status each route can reach, and one for every decision on the mediation route,
    so even the smallest demo shows every badge, filter value and dashboard row; then the demo workload."""
    plan = [Forced(route=Route.MEDIATION, decision=decision) for decision in Decision.values]
    for route in Route.values:
        plan += [Forced(route=route, status=status) for status in S.values if status in ROUTE_STATUSES[route]]
    return plan + demo_workload_plan()


class _Staff(NamedTuple):
    holders: tuple[tuple, tuple[float, ...]]  # user ids of who holds cases, weighted
    names: dict[int, str]
    ids: dict[str, int]  # by username


def _case_holders() -> _Staff:
    User = get_user_model()
    weights = {"officer": 30, "officer2": 25, "officer3": 20, "officer4": 20, "manager": 5}
    users = {user.username: user for user in User.objects.filter(username__in=weights)}
    missing = set(weights) - set(users)
    if missing:
        raise RuntimeError(f"Seed the demo users first (missing: {', '.join(sorted(missing))}).")
    return _Staff(
        holders=_weighted([(users[name].pk, weight) for name, weight in weights.items()]),
        names={user.pk: user.get_full_name() for user in users.values()},
        ids={name: user.pk for name, user in users.items()},
    )


class References:
    """Hands out SEND-<year>-<5 digits> references after whatever each year already used, then leaves each
    year's counter at the highest number used, so cases.services.next_case_reference carries on cleanly."""

    def __init__(self) -> None:
        self.last: dict[int, int] = {}

    def next(self, year: int) -> str:
        if year not in self.last:
            self.last[year] = highest_reference_number(year)
        self.last[year] += 1
        return f"{REFERENCE_PREFIX}-{year}-{self.last[year]:05d}"

    def save(self) -> None:
        for year, last in self.last.items():
            CaseReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})


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


class CaseMaker:
    """Builds case rows and their timeline event rows (plain dicts of column values, keyed by attname).
    One seeded random.Random drives every choice."""

    def __init__(self, *, rng: random.Random, pools: Pools, now: datetime) -> None:
        self.rng = rng
        self.pools = pools
        self.now = now
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate(now)
        self.earliest_birth = date(self.today.year - OLDEST_BIRTH_YEARS_AGO, 1, 1)
        self.latest_birth = date(self.today.year - YOUNGEST_BIRTH_YEARS_AGO, 12, 31)
        self.schools: dict[str | None, list[int | None]] = {None: [None]}
        for pk, phase in School.objects.filter(active=True).order_by("urn").values_list("pk", "phase"):
            self.schools.setdefault(phase, []).append(pk)
        codes = [code for _, code, _ in ICBS]
        by_code = dict(HealthBody.objects.filter(ods_code__in=codes).values_list("ods_code", "pk"))
        self.icbs = [by_code[code] for code in codes]
        self.staff = _case_holders()

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    # Opening times ---------------------------------------------------------------------------------------

    def opening_times(self, forced: Sequence[Forced | None]) -> list[tuple[datetime, Forced | None]]:
        """When each case was opened, oldest first (so references run in date order within a year)."""
        rng = self.rng
        openings = []
        for wanted in forced:
            if wanted and wanted.age is not None:
                oldest, age = wanted.age, wanted.age
            elif wanted and wanted.status:
                stage = STAGES[wanted.status]
                oldest = min(stage.max_age, HISTORY_DAYS)
                age = rng.randint(stage.min_age, oldest)
            elif rng.random() < 0.7:
                oldest, age = HISTORY_DAYS, rng.randint(0, HISTORY_DAYS)
            else:  # referrals have risen year on year: more recent cases
                oldest, age = HISTORY_DAYS, int(HISTORY_DAYS * (1 - rng.random() ** 0.5))
            opened = self.today - timedelta(days=age)
            if opened.weekday() >= 5 and rng.random() < 0.85:  # most contact comes on a weekday
                friday = opened - timedelta(days=opened.weekday() - 4)
                if (self.today - friday).days <= oldest:
                    opened = friday
            openings.append((self._office_time(opened, after=None), wanted))
        openings.sort(key=lambda item: item[0])
        return openings

    def _office_time(self, day: date, *, after: datetime | None, before: datetime | None = None) -> datetime:
        """A time in office hours on `day` (or the next weekday), strictly after `after`, not after `before`
        and never after now. When office hours do not fit, any moment between the bounds."""
        rng = self.rng
        while day.weekday() >= 5 and day < self.today:
            day += timedelta(days=1)
        moment = datetime.combine(day, clock_time(8, 30), tzinfo=self.tz) + timedelta(seconds=rng.randint(0, 32400))
        low = after or datetime.combine(day, clock_time(0, 0), tzinfo=self.tz)
        high = min(before or self.now, self.now)
        if low < moment <= high:
            return moment
        if high <= low:
            return low
        return low + (high - low) * rng.uniform(0.05, 0.95)

    # One case -------------------------------------------------------------------------------------------

    def make(self, created_at: datetime, wanted: Forced | None, reference: str) -> tuple[dict, list[dict]]:
        """One case row and its event rows (without case_id: the case has no primary key yet)."""
        rng = self.rng
        wanted = wanted or Forced()
        opened = self.local_date(created_at)
        age = (self.today - opened).days

        route = wanted.route or _pick(rng, ROUTE_WEIGHTS)
        if wanted.decision is not None:
            decision = wanted.decision
        elif route == Route.PLACEMENT_ONLY:
            decision = Decision.PLACEMENT_I
        elif route == Route.DRS:
            decision = _pick(rng, DRS_DECISIONS)
        elif wanted.status in APPEAL_STATUSES:
            decision = Decision.HSC
            while decision == Decision.HSC:
                decision = _pick(rng, MEDIATION_DECISIONS)
        else:
            decision = _pick(rng, MEDIATION_DECISIONS)
        health_only = decision == Decision.HSC
        status = wanted.status or _pick(rng, _status_table(route, health_only, age))
        path = _pick(rng, _path_table(route, health_only, status, min(age, MAX_STAGE_AGE)))

        decision_sent_on = None
        if decision or route != Route.DRS:
            # Most families make contact within the two months of clock C1; some come late.
            lag = int(rng.triangular(0, 56, 10)) if rng.random() < 0.9 else rng.randint(57, 150)
            decision_sent_on = opened - timedelta(days=lag)
            while decision_sent_on.weekday() >= 5:  # decision letters go out on weekdays
                decision_sent_on -= timedelta(days=1)

        sections, health, social = self._sections(route, decision)
        case = {
            "reference": reference,
            "route": route,
            "decision": decision,
            "sections_disputed": sections,
            "health_involved": health,
            "social_care_involved": social,
            "icb_id": self.icbs[_pick(rng, ICB_WEIGHTS)] if health else None,
            "decision_sent_on": decision_sent_on,
            "first_contact_on": opened,
            "first_contact_channel": _pick(rng, CHANNEL_WEIGHTS),
            "status": status,
            "created_at": created_at,
        }
        self._child_and_family(case)
        self._support(case)
        case["officer_id"], case["created_by_id"] = self._holders(status)
        if wanted.officer:
            case["officer_id"] = self.staff.ids[wanted.officer]
        events = self._timeline(case, path, age)
        return case, events

    def _sections(self, route: str, decision: str) -> tuple[list[str], bool, bool]:
        rng = self.rng
        if route == Route.PLACEMENT_ONLY:
            return ["I"], False, False
        if decision == Decision.HSC:
            sections, health, social = _pick(rng, HSC_CHOICES)
            return list(sections), health, social
        sections = list(_pick(rng, SECTION_CHOICES[decision])) if decision in SECTION_CHOICES else []
        health, social = rng.random() < 0.12, rng.random() < 0.08
        if sections and health:
            sections.append(rng.choice(("C", "G")))
        if sections and social:
            sections.append(rng.choice(("D", "H2")))
        return sorted(set(sections), key=SECTION_ORDER.__getitem__), health, social

    def _child_and_family(self, case: dict) -> None:
        rng, pools = self.rng, self.pools
        opened = case["first_contact_on"]
        phase = _pick(rng, PHASE_WEIGHTS)
        case["school_id"] = rng.choice(self.schools.get(phase) or [None])
        low, high = PHASE_AGES[phase]
        if phase == SchoolPhase.POST_16 and rng.random() < 0.2:
            low, high = 20, 24  # specialist colleges and apprenticeships: plans can run to 25
        years = rng.randint(low, high)
        born = opened - timedelta(days=int(years * 365.25) + rng.randint(1, 364))
        if born < self.earliest_birth:
            born = self.earliest_birth + timedelta(days=rng.randint(0, 180))
        born = min(born, self.latest_birth, case["decision_sent_on"] or opened)
        case["child_date_of_birth"] = born
        age = rules.age_on(born, opened)

        community = COMMUNITIES[_pick(rng, COMMUNITY_WEIGHTS)]
        surname = rng.choice(community.surnames or pools.surnames)
        child_first = rng.choice(community.children or pools.child_first)
        case["child_first_name"], case["child_last_name"] = child_first, surname
        if case["school_id"] and 4 <= age <= 19 and rng.random() < 0.4:
            case["upn"] = self._upn(born)
        if case["health_involved"] and rng.random() < 0.6:
            case["nhs_number"] = self._nhs_number()

        adult = rules.is_young_person(born, opened)
        roll = rng.random()
        if adult and roll < 0.5:
            case["party_type"] = PartyType.YOUNG_PERSON
            first, last = child_first, surname
        else:
            if adult and roll < 0.58:
                case["party_type"] = PartyType.ALTERNATIVE
                relationship, gender = rng.choice(ALTERNATIVE_RELATIONSHIPS), "any"
            else:
                case["party_type"] = PartyType.PARENT
                relationship, gender = _pick(rng, PARENT_RELATIONSHIPS)
            if gender == "any":
                gender = rng.choice("fm")
            names = (community.mothers or pools.mothers) if gender == "f" else (community.fathers or pools.fathers)
            first = rng.choice(names)
            last = surname if rng.random() < 0.75 else rng.choice(community.surnames or pools.surnames)
            case["party_relationship"] = relationship
        case["party_name"] = f"{first} {last}"

        language = _pick(rng, community.languages)
        case["preferred_language"] = language
        if language == "British Sign Language":
            case["interpreter_needed"], case["access_needs"] = True, BSL_NEEDS
        elif language != "English":
            case["interpreter_needed"] = rng.random() < 0.65
        if "access_needs" not in case and rng.random() < 0.1:
            case["access_needs"] = rng.choice(ACCESS_NEEDS)

        if rng.random() < 0.92:
            case["phone"] = self._phone()
        if rng.random() < 0.85 or "phone" not in case:
            local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
            domain = "example.com" if rng.random() < 0.6 else "example.org"
            case["email"] = f"{local}{rng.randint(1, 99)}@{domain}"
        if rng.random() < 0.96:
            case["address"], case["postcode"] = rng.choice(pools.addresses)

    def _support(self, case: dict) -> None:
        rng = self.rng
        involved = case["first_contact_channel"] == ContactChannel.SENDIASS or rng.random() < 0.18
        case["sendiass_involved"] = involved
        if involved and rng.random() < 0.6:
            case["supporter_name"] = f"{rng.choice(self.pools.supporters)} (SENDIASS)"
        elif rng.random() < 0.05:
            case["supporter_name"] = f"{rng.choice(self.pools.supporters)} (advocate)"

    def _holders(self, status: str) -> tuple[int | None, int]:
        """(assigned officer, who entered the case): most cases are assigned; half of new ones are not yet."""
        rng = self.rng
        creator = _pick(rng, self.staff.holders)
        if rng.random() >= (0.4 if status == S.INTAKE else 0.95):
            return None, creator
        return (creator if rng.random() < 0.9 else _pick(rng, self.staff.holders)), creator

    def _upn(self, born: date) -> str:
        rng = self.rng
        body = (
            f"{rng.choice(UPN_LA_CODES)}{rng.randint(2000, 7999)}{(born.year + 4) % 100:02d}{rng.randint(0, 999):03d}"
        )
        return upn_check_letter(body) + body

    def _nhs_number(self) -> str:
        """A number in the range NHS England reserves for testing (999 ...), with a valid check digit."""
        rng = self.rng
        while True:
            digits = f"999{rng.randint(0, 999_999):06d}"
            check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
            if check == 11:
                check = 0
            if check != 10:
                return normalise_nhs_number(digits + str(check))

    def _phone(self) -> str:
        """Ofcom drama ranges: mobiles 07700 900xxx, Leeds 0113 496 0xxx, 01632 960xxx."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            return f"+447700900{rng.randint(0, 999):03d}"
        if roll < 0.95:
            return f"+441134960{rng.randint(0, 999):03d}"
        return f"+441632960{rng.randint(0, 999):03d}"

    # Timeline -------------------------------------------------------------------------------------------

    def _timeline(self, case: dict, path: _Path, age: int) -> list[dict]:
        """The "created" event, the officer assignment and one event per lifecycle step, in order. Sets
        closed_on and withdrawn_reason on the case to match."""
        rng = self.rng
        created_at = case["created_at"]
        creator, officer = case["created_by_id"], case["officer_id"]
        events = [
            {
                "actor_id": creator,
                "kind": CaseEvent.Kind.CREATED,
                "created_at": created_at,
                "data": SEED_MARKER,
                "description": f"Case {case['reference']} opened ({Route(case['route']).label.lower()})",
            }
        ]
        steps = path.statuses[1:]
        times: list[datetime] = []
        if steps:
            final = STAGES[path.statuses[-1]]
            last_day = min(age, rng.randint(path.earliest, max(path.earliest, final.reach[1])))
            offsets = sorted(
                rng.uniform(min(STAGES[status].reach[0], last_day), min(STAGES[status].reach[1], last_day))
                for status in steps[:-1]
            )
            previous = created_at
            for offset in (*offsets, last_day):
                day = self.local_date(created_at + timedelta(days=offset))
                previous = self._office_time(min(day, self.today), after=previous)
                times.append(previous)
        if officer:
            end = times[0] if times else min(self.now, created_at + timedelta(days=rng.uniform(0.1, 2)))
            day = self.local_date(created_at + (end - created_at) * rng.uniform(0.1, 0.6))
            events.append(
                {
                    "actor_id": creator,
                    "kind": CaseEvent.Kind.OFFICER_ASSIGNED,
                    "created_at": self._office_time(day, after=created_at, before=end),
                    "description": f"Assigned to {self.staff.names[officer]}",
                    "data": {"officer": officer},
                }
            )
        for old, new, when in zip(path.statuses[:-1], steps, times, strict=True):
            description = f"Status changed from {S(old).label} to {S(new).label}"
            if new == S.WITHDRAWN:
                case["withdrawn_reason"] = rng.choice(WITHDRAWN_REASONS)
                description += f": {case['withdrawn_reason']}"
            if new == S.CLOSED:
                case["closed_on"] = self.local_date(when)
            events.append(
                {
                    "actor_id": officer or creator,
                    "kind": CaseEvent.Kind.STATUS_CHANGED,
                    "created_at": when,
                    "description": description,
                    "data": {"from": old, "to": new},
                }
            )
        return events


class RowWriter:
    """INSERTs rows of one model with a single executemany per batch (on PostgreSQL, a COPY).

    At 100,000 cases the ORM's bulk_create spends most of its time building model instances and compiling
    one huge INSERT; writing column values straight through the cursor is several times faster. Values are
    adapted per column the way the ORM adapts them for the connected database (dates, datetimes, JSON), and
    every column the caller leaves out gets the field's default, so a field added later still gets a value.
    Model signals are not sent (as with bulk_create)."""

    def __init__(self, model, *, now: datetime, include_pk: bool = False) -> None:
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if include_pk or not f.primary_key]
        self.names = [f.attname for f in fields]
        defaults = [
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in fields
        ]
        adapters = {
            "DateField": ops.adapt_datefield_value,
            "DateTimeField": _datetime_adapter(),
            "TimeField": ops.adapt_timefield_value,
        }
        self.adapters = []
        for f in fields:
            kind = f.get_internal_type()
            if kind == "JSONField":
                self.adapters.append(lambda value, encoder=f.encoder: ops.adapt_json_value(value, encoder))
            elif kind in adapters:
                self.adapters.append(adapters[kind])
            elif kind in {
                "CharField",
                "TextField",
                "EmailField",
                "BooleanField",
                "ForeignKey",
                "OneToOneField",
                "IntegerField",
                "BigIntegerField",
                "BigAutoField",
                "AutoField",
                "PositiveIntegerField",
                "PositiveSmallIntegerField",
            }:
                self.adapters.append(None)
            else:
                self.adapters.append(lambda value, field=f: field.get_db_prep_save(value, connection))
        # Defaults are adapted once, here, not once per row.
        self.defaults = [
            value if adapt is None or value is None else adapt(value)
            for value, adapt in zip(defaults, self.adapters, strict=True)
        ]
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
        # PostgreSQL: COPY, several times faster than one INSERT per row (psycopg 3 dumps the same values).
        self.copy_sql = ""
        if connection.vendor == "postgresql":
            self.copy_sql = f"COPY {ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"

    def insert(self, rows: Sequence[dict]) -> None:
        # Column by column: one list comprehension per column is much faster than a Python loop per value.
        missing = object()
        columns = []
        for name, adapt, default in zip(self.names, self.adapters, self.defaults, strict=True):
            values = [row.get(name, missing) for row in rows]
            if adapt is None:
                columns.append([default if value is missing else value for value in values])
            else:
                columns.append(
                    [default if value is missing else None if value is None else adapt(value) for value in values]
                )
        with connection.cursor() as cursor:
            if self.copy_sql:
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for values in zip(*columns, strict=True):
                        copy.write_row(values)
            else:
                cursor.executemany(self.sql, list(zip(*columns, strict=True)))


def _datetime_adapter():
    """The connection's adapter for aware datetimes. On SQLite the same conversion as the ORM's (to the
    connection's time zone, naive, as text) without its per-value checks, which at a million rows add up."""
    ops = connection.ops
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return ops.adapt_datetimefield_value
    zone = connection.timezone

    def adapt(value):
        if value.tzinfo is None:
            return ops.adapt_datetimefield_value(value)
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seeded_cases():
    """Cases made by this module (their "created" event carries SEED_MARKER)."""
    return Case.objects.filter(events__kind=CaseEvent.Kind.CREATED, events__data__source=SEED_MARKER["source"])


def seeded_case_count() -> int:
    return CaseEvent.objects.filter(kind=CaseEvent.Kind.CREATED, data__source=SEED_MARKER["source"]).count()


@transaction.atomic
def seed_cases(
    n: int, *, rng_seed: int = DEFAULT_SEED, batch_size: int = BATCH_SIZE, now: datetime | None = None
) -> int:
    """Top the seeded cases up to `n` (nothing to do if there are already `n`). Returns how many were added.

    Deterministic for a given seed, existing count and day. Rows go straight in (see RowWriter), skipping
    model signals: the audit log records people's changes, not demo data."""
    existing = seeded_case_count()
    if existing >= n:
        return 0
    now = now or timezone.now()
    rng = random.Random(f"{rng_seed}:{existing}")
    maker = CaseMaker(rng=rng, pools=build_pools(rng_seed), now=now)
    coverage = coverage_plan()[existing:n]
    wanted: list[Forced | None] = [*coverage, *[None] * (n - existing - len(coverage))]
    references = References()
    case_writer, event_writer = RowWriter(Case, now=now), RowWriter(CaseEvent, now=now)
    for batch in _chunks(maker.opening_times(wanted), batch_size):
        cases, events = [], []
        for created_at, forced in batch:
            case, case_events = maker.make(created_at, forced, references.next(maker.local_date(created_at).year))
            cases.append(case)
            events.append(case_events)
        case_writer.insert(cases)
        ids = dict(
            Case.objects.filter(reference__in=[case["reference"] for case in cases]).values_list("reference", "pk")
        )
        for case, case_events in zip(cases, events, strict=True):
            for event in case_events:
                event["case_id"] = ids[case["reference"]]
        event_writer.insert([event for case_events in events for event in case_events])
    references.save()
    return n - existing


@transaction.atomic
def delete_seeded_cases() -> int:
    """Remove seeded cases (with their events, pathway records and clocks) and wind each year's counter back
    to the highest reference still in use, so a fresh seed gets the same references again. Children go before
    the rows they point at: certificates (newest version first) protect their case and referral."""
    ids = list(seeded_cases().values_list("pk", flat=True))
    files: list[str] = []
    for chunk in _chunks(ids, 5000):
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


# --- The mediation pathway ---------------------------------------------------------------------------------
#
# seed_pathway() gives every seeded case the pathway records its route and lifecycle imply, dated inside the
# case's own timeline (the status changes seed_cases wrote), and the statutory clocks the services would have
# set from those records, computed with cases.deadlines. Rows go in through RowWriter, never the services:
# the services take a lock, write an event and recompute clocks for every step, which at 100,000 cases would
# take hours.

RS = Referral.Status
SS = MediationSession.SessionStatus
DS = Deadline.State
CHOICE = AdviserContact.Choice
CERT = Certificate.Kind
APPEAL = TribunalAppeal.Outcome
CASELOAD = frozenset(MEDIATOR_CASELOAD_STATUSES)
CURRENT_REFERRAL = frozenset(ACTIVE_REFERRAL_STATUSES)

REAL_CERTIFICATE_PDFS = 50
SHARED_CERTIFICATE_PDF = "certificates/demo-shared-certificate.pdf"
IDEAL_WISH_AGE = 18  # days since first contact of the current mediations the demo mediators are given

# fmt: off
ADVISERS = {  # fictional mediation advisers of each provider (by index into PROVIDERS)
    0: ("Rachel Dunmore", "Sam Whiteley", "Joanne Pike"),
    1: ("Marcus Okoye", "Leah Grant"),
}
PROVIDER_WEIGHTS = _weighted([(0, 60), (1, 40)])  # the contract shares
NOT_SUGGESTED_REASONS = (
    "The family asked for this provider: they mediated with them before.",
    "The suggested provider has no mediator who speaks the family's language.",
    "The family's SENDIASS adviser recommended this provider.",
)
DECLINES = (
    (Referral.DeclineReason.NO_CAPACITY, ""),
    (Referral.DeclineReason.CONFLICT, "One of the provider's mediators is related to the head teacher."),
    (Referral.DeclineReason.OUTSIDE_CONTRACT, "The family lives outside the area the contract covers."),
    (Referral.DeclineReason.OTHER, "The family asked for a mediator who is also a qualified social worker."),
)
NOT_TOP_REASONS = (
    "The family met this mediator at a pre-mediation call and asked for them.",
    "The top suggestion is on leave during the 30 days.",
    "Continuity: this mediator mediated with the family last year.",
)
REASSIGN_REASONS = (
    "The first mediator is unwell; reassigned so the session can go ahead in time.",
    "The family asked for a mediator of the same gender.",
)
VENUES_IN_PERSON = (
    "Civic Centre, Committee Room 3", "Town Hall Annexe, Meeting Room 2", "Northgate Family Hub, Room 1",
    "Central Library, first-floor meeting room", "Parkside Community Centre, quiet room",
)
VENUES_ONLINE = ("Video call (link sent by email)", "Video call (link sent by email; interpreter joining)")
OFFICE_TIMES = tuple(clock_time(8 + minutes // 60, minutes % 60) for minutes in range(30, 570, 5))
SESSION_TIMES = (clock_time(9, 30), clock_time(10, 0), clock_time(13, 0), clock_time(13, 30), clock_time(14, 0))
CANCELLATIONS = (
    (SS.CANCELLED, MediationSession.Party.FAMILY, "The child was unwell."),
    (SS.CANCELLED, MediationSession.Party.LA, "No LA officer with authority to decide was free that day."),
    (SS.CANCELLED, MediationSession.Party.MEDIATOR, "The mediator was unwell."),
    (SS.DID_NOT_ATTEND, MediationSession.Party.FAMILY, "The family did not join and could not be reached."),
)
WAIVE_REASON = "The family asked for the mediation after the 30 days; the parties agreed the date in writing."
CORRECTION_REASON = "Version 1 gave the wrong date for the decision letter."

# What a mediation agreement on the appealable decision requires (C10), and the unopposed-appeal kind (C15).
AGREEMENT_ORDER = {
    Decision.RTA: ("Carry out the EHC needs assessment", deadlines.OrderKind.ASSESS),
    Decision.RTR: ("Carry out the EHC needs re-assessment", deadlines.OrderKind.REASSESS),
    Decision.RTI: ("Make and maintain an EHC plan", deadlines.OrderKind.MAKE_AND_MAINTAIN_PLAN),
    Decision.CONTENT_B: ("Amend section B as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.CONTENT_F: ("Amend section F as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.RTAM: ("Amend the plan as agreed", deadlines.OrderKind.AMEND_CONTENTS),
    Decision.PLACEMENT_I: ("Name the agreed school in section I", deadlines.OrderKind.CHANGE_NAMED_SCHOOL),
    Decision.CEASE: ("Continue to maintain the EHC plan", deadlines.OrderKind.CONTINUE_TO_MAINTAIN),
}
UNOPPOSED_KIND = {
    Decision.RTA: deadlines.UnopposedAppealKind.ASSESS,
    Decision.RTR: deadlines.UnopposedAppealKind.REASSESS,
    Decision.RTI: deadlines.UnopposedAppealKind.REFUSAL_TO_ISSUE,
    Decision.CONTENT_B: deadlines.UnopposedAppealKind.CONTENT,
    Decision.CONTENT_F: deadlines.UnopposedAppealKind.CONTENT,
    Decision.RTAM: deadlines.UnopposedAppealKind.REFUSAL_TO_AMEND,
    Decision.PLACEMENT_I: deadlines.UnopposedAppealKind.PLACEMENT_ONLY,
    Decision.CEASE: deadlines.UnopposedAppealKind.CEASE,
}
OTHER_ACTIONS = (
    "Educational psychologist to observe the child in school and send a report",
    "Arrange a transition meeting with the new setting",
    "Fund a laptop and assistive software for the rest of the term",
    "Interim one-to-one support in class for three weeks",
    "Send the family the notes of the annual review meeting",
    "Review home-to-school transport",
)
ICB_ACTIONS = (
    "ICB to tell the LA what it agreed about speech and language therapy",
    "ICB to tell the LA what it agreed about occupational therapy",
)
AGREED_ACTIONS = ("Review meeting with the family on the agreed date", "Joint visit to the proposed school")
# fmt: on

# The referral stages a current mediation can be at, weighted by days since the referral (0 rules it out).
ACTIVE_STAGES = (
    (RS.REFERRED, lambda e: 6 if e <= 3 else (1 if e <= 10 else 0)),
    (RS.ACCEPTED, lambda e: 0 if e < 1 else (3 if e <= 12 else 1)),
    (RS.ASSIGNED, lambda e: 0 if e < 2 else (4 if e <= 20 else 1)),
    (RS.SCHEDULED, lambda e: 0 if e < 2 else 6),
    (RS.WITHDRAWN, lambda e: 0 if e < 3 else 1),
    (RS.HELD, lambda e: 0 if e < 7 else 3),
    (RS.NOT_HELD, lambda e: 0 if e < 20 else 3),
)
CONCLUDED_FULL, CONCLUDED_PARTIAL, CONCLUDED_NONE = "full", "partial", "none"


class Wish(NamedTuple):
    """A demo sign-in's workspace needs this case to be at a given stage: "upcoming" (a session booked with
    `mediator`), "active" (a current mediation), "awaiting" (concluded, certificate not yet issued), or
    "due_today" (an agreed action due today on the officer's case)."""

    kind: str
    mediator_id: int | None = None


class Coverage:
    """Makes sure even a small seed shows every value of a choice: the first cases to reach a choice take the
    values not yet used (in the order given, if feasible); after that the weights decide."""

    def __init__(self) -> None:
        self.used: set[tuple[str, object]] = set()

    def pick(self, rng: random.Random, group: str, options: Sequence[tuple[object, float]]):
        feasible = [(value, weight) for value, weight in options if weight > 0]
        for value, _ in feasible:
            if (group, value) not in self.used:
                self.used.add((group, value))
                return value
        values, weights = zip(*feasible, strict=True)
        return rng.choices(values, weights=weights)[0]


class _Mediator(NamedTuple):
    id: int
    user_id: int
    name: str
    provider: int  # index into PROVIDERS
    capacity: int
    bookable: bool
    specialisms: frozenset[str]
    languages: frozenset[str]
    conflict_schools: frozenset[int]
    conflict_notes: str
    conflict_words: frozenset[str]  # the words of the notes, casefolded


CASE_FIELDS = (
    "id", "reference", "route", "decision", "decision_sent_on", "first_contact_on", "first_contact_channel",
    "created_at", "status", "closed_on", "officer_id", "created_by_id", "health_involved", "social_care_involved",
    "school_id", "preferred_language", "interpreter_needed", "sendiass_involved", "supporter_name", "party_type",
    "party_name", "child_first_name", "child_last_name", "child_date_of_birth", "sections_disputed",
)  # fmt: skip


class _CaseRow(NamedTuple):
    id: int
    reference: str
    route: str
    decision: str
    decision_sent_on: date | None
    first_contact_on: date
    first_contact_channel: str
    created_at: datetime
    status: str
    closed_on: date | None
    officer_id: int | None
    created_by_id: int | None
    health_involved: bool
    social_care_involved: bool
    school_id: int | None
    preferred_language: str
    interpreter_needed: bool
    sendiass_involved: bool
    supporter_name: str
    party_type: str
    party_name: str
    child_first_name: str
    child_last_name: str
    child_date_of_birth: date
    sections_disputed: list


class _Work:
    """One case while its pathway is made: its timeline, and the rows made for it so far."""

    def __init__(self, case: _CaseRow, steps: list[tuple[str, date]], today: date) -> None:
        self.c = case
        self.steps = steps
        self.path = [status for status, _ in steps]
        self.when: dict[str, date] = {}
        for status, day in steps:
            self.when.setdefault(status, day)
        self.today = today
        self.limit = self.when.get(S.WITHDRAWN) or self.when.get(S.CLOSED) or today  # nothing happens after
        self.active = [status for status in self.path if status not in (S.WITHDRAWN, S.CLOSED)]
        self.stage = self.active[-1]
        self.actor = case.officer_id or case.created_by_id
        self.clocks: dict[str, dict] = {}
        self.contact: dict | None = None
        self.referral: dict | None = None
        self.certificate_on: date | None = None
        self.appeal_on: date | None = None

    def nxt(self, status: str) -> date:
        """When the case left `status` (today if it is still there)."""
        i = self.path.index(status)
        return self.steps[i + 1][1] if i + 1 < len(self.steps) else self.today

    def moved_on(self, status: str) -> bool:
        return self.path.index(status) + 1 < len(self.path)


class IdAllocator:
    """Primary keys handed out before the rows are written, so child rows can point at their parents and
    clock keys can carry ids ("C7:<session id>"). PostgreSQL: from the table's own sequence, a block at a
    time. SQLite: after the highest id ever used (the seed holds the database's write lock)."""

    def __init__(self, model, block: int = 5000) -> None:
        self.table = model._meta.db_table
        self.column = model._meta.pk.column
        self.block = block
        self.pool: list[int] = []
        self.last = 0
        self.from_sequence = connection.vendor == "postgresql"
        if not self.from_sequence:
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX({quote(self.column)}) FROM {quote(self.table)}")
                self.last = cursor.fetchone()[0] or 0
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                    row = cursor.fetchone()
                    self.last = max(self.last, row[0] if row else 0)

    def next(self) -> int:
        if not self.from_sequence:
            self.last += 1
            return self.last
        if not self.pool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.column, self.block],
                )
                self.pool = sorted((row[0] for row in cursor.fetchall()), reverse=True)
        return self.pool.pop()


PATHWAY_MODELS = (
    AdviserContact, Referral, MediatorAssignment, MediationSession, IssueOutcome, AgreementAction, Certificate,
    TribunalAppeal, DisagreementResolution, Deadline,
)  # fmt: skip


class PathwayMaker:
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
        self.mediators: list[_Mediator] = []
        for m in Mediator.objects.filter(provider__in=providers.values()).select_related("user").order_by("pk"):
            self.mediators.append(
                _Mediator(
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

    def _clock(self, w: _Work, key: str, clock: str, due: date, binds: str, facts: dict, *, set_on: date,
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

    def make(self, case: _CaseRow, steps: list[tuple[str, date]], wish: Wish | None) -> None:
        self.rng = random.Random(f"{self.rng_seed}:pathway:{case.reference}")
        w = _Work(case, steps, self.today)
        if case.route == Route.DRS:
            self._drs(w)
        else:
            self._statutory(w, wish)
        # The statutory clocks are not written here: flush() asks the clock registry for them, from the facts just
        # made, exactly as the services do (the rows in w.clocks only steer the story: who is late, what is met).

    # Mediation and placement routes ------------------------------------------------------------------------

    def _statutory(self, w: _Work, wish: Wish | None) -> None:
        c, when, rng = w.c, w.when, self.rng
        after_triage = [status for status in w.active if status not in (S.INTAKE, S.TRIAGED)]
        if S.NOT_IN_SCOPE in when or (not after_triage and rng.random() >= 0.45):
            return
        placement = S.PLACEMENT_ONLY in when
        if placement:
            choice = CHOICE.PLACEMENT_INFO
        elif wish or c.decision == Decision.HSC or S.AGREEMENT_IMPLEMENTATION in when:
            choice = CHOICE.MEDIATION
        elif S.POST_MEDIATION in when:
            choice = self.cover.pick(rng, "post-choice", [(CHOICE.NO_MEDIATION, 45), (CHOICE.MEDIATION, 55)])
        else:
            choice = CHOICE.NO_MEDIATION if rng.random() < (0.4 if not after_triage else 0.2) else CHOICE.MEDIATION
        contact_by = when[after_triage[0]] if after_triage else w.limit
        self._adviser_contact(w, choice, contact_by)
        if choice == CHOICE.NO_MEDIATION:
            contacted = w.contact["contacted_on"]
            due = deadlines.certificate_deadline(contacted, holidays=self.cal)
            row = self._clock(w, ClockCode.C2, ClockCode.C2, due, Deadline.Binds.ADVISER,
                              {"told_adviser_on": contacted.isoformat()}, set_on=contacted)  # fmt: skip
            high, must = self._certificate_bounds(w)
            if S.POST_MEDIATION in when:  # the certificate came before the case moved on
                high, must = min(high, when[S.POST_MEDIATION]), True
            issued = self._done_on(due, contacted, high, must=must)
            if issued:
                self._certificate(w, CERT.DECLINED, issued, None, due_high=high)
                self._meet(row, issued)
        elif S.MEDIATION_ROUTE in when:
            self._mediation(w, wish)
        if S.APPEAL_LODGED in when:
            self._appeal(w)

    def _adviser_contact(self, w: _Work, choice: str, by: date) -> None:
        c, rng = w.c, self.rng
        low = c.decision_sent_on or c.first_contact_on
        if c.first_contact_channel == ContactChannel.PROVIDER:
            wanted = c.first_contact_on
        else:
            wanted = c.first_contact_on + timedelta(days=rng.randint(-6, 4))
        contacted = self._clamp(wanted, low, min(by, self.today))
        provider = _pick(rng, PROVIDER_WEIGHTS)
        late = bool(c.decision_sent_on) and contacted > deadlines.adviser_contact_deadline(c.decision_sent_on)
        w.contact = {
            "id": self.ids[AdviserContact].next(), "case_id": c.id, "contacted_on": contacted, "choice": choice,
            "provider_id": self.provider_ids[provider], "adviser_name": rng.choice(ADVISERS[provider]),
            "late": late, "recorded_by_id": w.actor, "created_at": self._at(max(contacted, c.first_contact_on)),
        }  # fmt: skip
        self.rows[AdviserContact].append(w.contact)

    def _certificate_bounds(self, w: _Work) -> tuple[date, bool]:
        """By when a certificate can have been issued, and whether it must have been (an appeal needs it)."""
        if S.APPEAL_LODGED in w.when:
            return w.when[S.APPEAL_LODGED], True
        return w.limit, False

    # Referral, mediator, sessions, outcome ----------------------------------------------------------------

    def _target(self, w: _Work, wish: Wish | None) -> str:
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

    def _mediation(self, w: _Work, wish: Wish | None) -> None:
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
        provider = wished.provider if wished else _pick(rng, PROVIDER_WEIGHTS)
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

    def _referral(self, w: _Work, provider: int, referred: date, family_told: date, provider_told: date | None,
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
        }  # fmt: skip
        self.rows[Referral].append(row)
        return row

    def _needs(self, w: _Work, on: date) -> set[str]:
        c = w.c
        needs = set()
        if c.health_involved or c.decision == Decision.HSC and "C" in c.sections_disputed:
            needs.add("health")
        if c.social_care_involved:
            needs.add("social_care")
        if rules.age_on(c.child_date_of_birth, on) >= 16 or self.school_phase.get(c.school_id) == "post_16":
            needs.add("post_16")
        return needs

    def _can_take(self, m: _Mediator, w: _Work) -> bool:
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

    def _choose_mediator(self, w: _Work, provider: int, on: date, *, capacity: bool, other_than=None):
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

    def _assign(self, w: _Work, ref: dict, mediator: _Mediator, on: date, high: date) -> date:
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

    def _session(self, w: _Work, ref: dict, mediator: _Mediator | None, day: date, assigned: date, *,
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
            "id": self.ids[MediationSession].next(), "referral_id": ref["id"], "starts_at": starts,
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

    def _issues(self, c: _CaseRow) -> list[str]:
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

    def _issue_outcomes(self, w: _Work, ref: dict, outcome: str) -> None:
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

    def _actions(self, w: _Work, ref: dict, agreed: date, wish: Wish | None) -> None:
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
                steps += [(f"{text}: {_step_label(step)}", due, ClockCode.C10, owner, basis, kind, step)
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

    # Certificates ------------------------------------------------------------------------------------------

    def _certificate(self, w: _Work, kind: str, issued: date, ref: dict | None, *, due_high: date,
                     mediator: _Mediator | None = None) -> None:  # fmt: skip
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

    def _pdf(self, w: _Work, kind, number, version, issued, issuer, role, provider, correction, previous):
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

    def _appeal(self, w: _Work) -> None:
        """The appeal the LA was told of when the case moved to "appeal lodged", its outcome from where the case
        went next, and the compliance clocks the outcome sets (C14, C15, C16; C17 as directed)."""
        c, when, rng = w.c, w.when, self.rng
        told = when[S.APPEAL_LODGED]
        low = max(d for d in (c.decision_sent_on, when.get(S.APPEAL_WINDOW_OPEN), w.certificate_on) if d)
        low = min(low, told)
        in_time = deadlines.appeal_deadline(c.decision_sent_on, w.certificate_on, holidays=self.cal)
        registered = told - timedelta(days=rng.randint(1, 12))
        if registered > in_time and rng.random() < 0.85:
            registered = in_time - timedelta(days=rng.randint(0, 10))
        registered = self._workday(self._clamp(registered, low, told), low, told)
        response_due = deadlines.add_working_days(registered, 30, holidays=self.cal)
        appeal = {
            "id": self.ids[TribunalAppeal].next(), "case_id": c.id, "registered_on": registered, "la_told_on": told,
            "response_due_on": response_due, "hearing_on": None, "outcome": "", "outcome_on": None, "order_kind": "",
            "order_sent_on": None, "unopposed_kind": "", "unopposed_notified_on": None, "recommendation_on": None,
            "created_by_id": w.actor, "created_at": self._at(told),
        }  # fmt: skip
        self.rows[TribunalAppeal].append(appeal)
        w.appeal_on = registered
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
        after = w.path[w.path.index(S.APPEAL_LODGED) + 1] if w.moved_on(S.APPEAL_LODGED) else None
        decided = w.nxt(S.APPEAL_LODGED) if after else None
        end = decided or self.today
        if end >= response_due or rng.random() < 0.4:
            self._meet(c17, self._done_on(response_due, told, end, must=True))
            appeal.setdefault("steps_done", {})[c17["key"]] = c17["met_on"].isoformat()

        specs: list[tuple[str, str, date, dict, str]] = []  # key, clock, due, facts, title
        if after == S.CONCEDED_UNOPPOSED:
            kind = UNOPPOSED_KIND[c.decision]
            if kind == deadlines.UnopposedAppealKind.PLACEMENT_ONLY and {"B", "F"} & set(c.sections_disputed):
                kind = deadlines.UnopposedAppealKind.CONTENT_AND_PLACEMENT
            notified = self._between(max(told, decided - timedelta(days=5)), decided)
            appeal.update(outcome=APPEAL.CONCEDED, outcome_on=decided, unopposed_kind=kind,
                          unopposed_notified_on=notified)  # fmt: skip
            for step, due in deadlines.unopposed_appeal_deadlines(kind, notified).items():
                specs.append((f"{ClockCode.C15}:{appeal['id']}:{step}", ClockCode.C15, due,
                              {"notified_on": notified.isoformat(), "kind": kind},
                              f"Unopposed appeal: {_step_label(step)}"))  # fmt: skip
        elif after == S.ORDER_MADE:
            appeal["hearing_on"] = self._clamp(decided - timedelta(days=rng.randint(0, 12)), registered, decided)
            appeal["outcome_on"] = decided
            if S.COMPLIANCE in when:
                sent = self._between(decided, min(decided + timedelta(days=3), when[S.COMPLIANCE]))
                if c.decision == Decision.CEASE and rng.random() < 0.5:
                    outcome, kind = APPEAL.DISMISSED, deadlines.OrderKind.CEASE_APPEAL_DISMISSED
                else:
                    outcome, kind = rng.choice((APPEAL.UPHELD, APPEAL.PARTLY_UPHELD)), AGREEMENT_ORDER[c.decision][1]
                appeal.update(outcome=outcome, order_kind=kind, order_sent_on=sent)
                for step, due in deadlines.tribunal_order_deadlines(kind, sent).items():
                    specs.append((f"{ClockCode.C14}:{appeal['id']}:{step}", ClockCode.C14, due,
                                  {"order_sent_on": sent.isoformat(), "kind": kind},
                                  f"Tribunal order: {_step_label(step)}"))  # fmt: skip
                # Health or social care recommendations (extended powers): mostly where the case involves them.
                likely = 0.5 if c.health_involved or c.social_care_involved else 0.05
                if self.cover.pick(rng, "recommendation", [(True, likely), (False, 1 - likely)]):
                    appeal["recommendation_on"] = decided
                    appeal["recommendation_to"] = (
                        TribunalAppeal.RecommendationTo.ICB if c.health_involved else TribunalAppeal.RecommendationTo.LA
                    )
                    specs.append(
                        (
                            f"{ClockCode.C16}:{appeal['id']}",
                            ClockCode.C16,
                            deadlines.recommendation_response_deadline(decided),
                            {"recommendation_on": decided.isoformat()},
                            "",
                        )
                    )
            elif rng.random() < 0.7:
                appeal["outcome"] = APPEAL.DISMISSED
            else:  # decided, the order not sent out yet
                appeal.update(outcome=rng.choice((APPEAL.UPHELD, APPEAL.PARTLY_UPHELD)),
                              order_kind=AGREEMENT_ORDER[c.decision][1])  # fmt: skip
        elif after in (S.APPEAL_WITHDRAWN, S.WITHDRAWN):
            appeal.update(outcome=APPEAL.WITHDRAWN, outcome_on=decided)
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

    def _drs(self, w: _Work) -> None:
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

    # Writing -----------------------------------------------------------------------------------------------

    def flush(self, writers: dict, case_ids: Sequence[int]) -> int:
        """Insert the facts made so far (parents first), then the cases' clocks as the clock registry works them out
        from those facts (clock_services.recompute_cases, as every service does, without timeline events: the demo's
        history is its status changes), then the waivers a manager made."""
        written = 0
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

    # The demo sign-ins' workspaces ---------------------------------------------------------------------------

    def plan_wishes(self, case_ids: Sequence[int]) -> dict[int, Wish]:
        """Cases (among those about to get their pathway) that give each bookable demo mediator an upcoming
        session, another current mediation and a concluded one awaiting its certificate, and give `officer`
        clocks due today, this week and overdue; only what their workspaces do not already show."""
        User = get_user_model()
        user_ids = dict(User.objects.values_list("username", "pk"))
        wishes: dict[int, Wish] = {}
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

        def take(pool, mediator):
            for i, (_, _, row) in enumerate(pool):
                names = (row[5], row[6].split(" ")[-1], row[6])
                if row[4] in mediator.conflict_schools or (
                    mediator.conflict_notes and referral_rules.conflicting_family_names(mediator.conflict_notes, names)
                ):
                    continue
                return pool.pop(i)[2][0]
            return None

        for username in [m.user.username for m in _bookable_demo_mediators()]:
            mediator = next((m for m in self.mediators if m.bookable and m.user_id == user_ids.get(username)), None)
            if mediator is None:
                continue
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
                pk = take(concluded if kind == "awaiting" else current, mediator)
                if pk is not None:
                    wishes[pk] = Wish(kind, mediator.id)
                    if kind != "awaiting":
                        self.loads[mediator.id] = self.loads.get(mediator.id, 0) + 1
        officer_id = user_ids.get("officer")
        due_today = Deadline.objects.filter(case__officer_id=officer_id, state=DS.OPEN, due_on=self.today).exists()
        if officer_id and not due_today:
            mine = [item for item in agreements if item[2][7] == officer_id]
            if mine:
                wishes[mine[0][2][0]] = Wish("due_today")
        return wishes


def _step_label(step: str) -> str:
    """As referrals.services labels a timetable step."""
    return deadlines.DEADLINE_LABELS.get(step, step.replace("_", " ").capitalize())


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() queryset as the database driver returns them. The ORM's per-value
    converters are skipped (they cost more than the rest of loading put together): _as_date and friends
    below convert what each backend returns (SQLite: text and integers; PostgreSQL: Python values)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def _as_datetime(value, zone=UTC) -> datetime:
    """An aware datetime; SQLite returns text, naive in the connection's time zone (UTC unless configured)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return datetime.fromisoformat(value).replace(tzinfo=zone)


def _as_json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


CASE_CONVERTERS = {
    "decision_sent_on": _as_date, "first_contact_on": _as_date, "closed_on": _as_date,
    "child_date_of_birth": _as_date, "sections_disputed": _as_json,
    "health_involved": bool, "social_care_involved": bool, "interpreter_needed": bool, "sendiass_involved": bool,
}  # fmt: skip


def _load_cases(ids: Sequence[int]) -> list[tuple[_CaseRow, list[tuple[str, date]]]]:
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
            day = days[hour] = _as_datetime(value, zone).astimezone(tz).date()
        return day

    for case_id, created_at, to in _raw_rows(events):
        steps.setdefault(case_id, []).append((to, local_day(created_at)))
    converters = [CASE_CONVERTERS.get(name) for name in CASE_FIELDS]
    converters[CASE_FIELDS.index("created_at")] = lambda value: _as_datetime(value, zone)
    cases = [
        _CaseRow(*(value if conv is None else conv(value) for value, conv in zip(row, converters, strict=True)))
        for row in _raw_rows(Case.objects.filter(pk__in=ids).values_list(*CASE_FIELDS))
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
    for chunk in _chunks(ids, batch_size):
        for case, steps in _load_cases(chunk):
            maker.make(case, steps, wishes.get(case.id))
        written += maker.flush(writers, chunk)
    return written


# --- The whole demo ---------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    sign_ins: list[tuple[str, str, str]]
    cases_added: int
    cases_removed: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    pathway_rows: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


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


def run(
    *,
    cases: int = DEFAULT_CASES,
    rng_seed: int = DEFAULT_SEED,
    password: str = DEMO_PASSWORD,
    reset_cases: bool = False,
    real_pdfs: int | None = None,
) -> SeedReport:
    """Seed everything, in dependency order, in one transaction. `real_pdfs`: see seed_pathway."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    moment = timezone.now()
    with disable_auditlog(), transaction.atomic():
        seed_reference_data()
        sign_ins = seed_users(password=password)
        seed_mediators()
        mark = step("reference data and users", started)
        removed = delete_seeded_cases() if reset_cases else 0
        mark = step("removing seeded cases", mark) if reset_cases else mark
        added = seed_cases(cases, rng_seed=rng_seed, now=moment)
        mark = step("cases", mark)
        pathway_rows = seed_pathway(rng_seed=rng_seed, now=moment, real_pdfs=real_pdfs)
        mark = step("pathway and clocks", mark)
    mark = step("commit", mark)
    refresh_planner_statistics()
    step("planner statistics", mark)
    return SeedReport(
        sign_ins=sign_ins,
        cases_added=added,
        cases_removed=removed,
        seconds=time.perf_counter() - started,
        counts=model_counts(),
        pathway_rows=pathway_rows,
        timings=timings,
    )
