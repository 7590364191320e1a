"""Demo and scale data: a believable English local authority's SEND disagreement work.

The `seed_demo` command and the benchmark call `run()` or the steps below, one function per concern:
reference data, users, mediators, cases. A later step (referrals, deadlines, sessions) reads the seeded cases
and adds its own rows the same way. Every step is idempotent: running it again leaves the same data.

Nothing here describes real people. Names come from Faker (en_GB) and short name lists, phone numbers from
the Ofcom ranges reserved for drama, email addresses from the example.com and example.org domains reserved for
documentation, and schools from invented place names. Postcodes have a valid shape but may not exist.

Reference data and users are fixed; `rng_seed` only changes the cases, so a different seed never duplicates
schools, providers or people.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import NamedTuple

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from cases import permissions, rules
from cases.models import (
    Case,
    CaseEvent,
    CaseReferenceCounter,
    ContactChannel,
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
from referrals.models import MediationProvider, Mediator

DEMO_PASSWORD = "demo-password-2026"  # published in the README and printed by `make run`: demo only
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

# Fictional providers; contract shares 60/40 (send-rules.md section 7: commissioning).
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
    return rows


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
    have no appeal route (send-rules.md section 2.1), so those cases never reach the appeal statuses."""
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


def coverage_plan() -> list[Forced]:
    """One case for every status each route can reach, and one for every decision on the mediation route,
    so even the smallest demo shows every badge, filter value and dashboard row."""
    plan = [Forced(route=Route.MEDIATION, decision=decision) for decision in Decision.values]
    for route in Route.values:
        plan += [Forced(route=route, status=status) for status in S.values if status in ROUTE_STATUSES[route]]
    return plan


class _Staff(NamedTuple):
    holders: tuple[tuple, tuple[float, ...]]  # user ids of who holds cases, weighted
    names: dict[int, str]


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
            if wanted and wanted.status:
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

        adult = rules.YOUNG_PERSON_MIN_AGE <= age <= rules.YOUNG_PERSON_MAX_AGE
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
    """INSERTs rows of one model with a single executemany per batch.

    At 100,000 cases the ORM's bulk_create spends most of its time building model instances and compiling
    one huge INSERT; writing column values straight through the cursor is several times faster. Values are
    adapted per column the way the ORM adapts them for the connected database (dates, datetimes, JSON), and
    every column the caller leaves out gets the field's default, so a field added later still gets a value.
    Model signals are not sent (as with bulk_create)."""

    def __init__(self, model, *, now: datetime) -> None:
        ops = connection.ops
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in fields]
        self.defaults = {
            f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in fields
        }
        adapters = {
            "DateField": ops.adapt_datefield_value,
            "DateTimeField": ops.adapt_datetimefield_value,
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
                "PositiveIntegerField",
                "PositiveSmallIntegerField",
            }:
                self.adapters.append(None)
            else:
                self.adapters.append(lambda value, field=f: field.get_db_prep_save(value, connection))
        columns = ", ".join(ops.quote_name(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"

    def insert(self, rows: Sequence[dict]) -> None:
        columns = list(zip(self.names, self.adapters, strict=True))
        defaults = self.defaults
        params = []
        for row in rows:
            values = []
            for name, adapt in columns:
                value = row[name] if name in row else defaults[name]
                values.append(value if adapt is None or value is None else adapt(value))
            params.append(values)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, params)


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
    """Remove seeded cases (with their events) and wind each year's counter back to the highest reference
    still in use, so a fresh seed gets the same references again."""
    ids = list(seeded_cases().values_list("pk", flat=True))
    for chunk in _chunks(ids, 5000):
        CaseEvent.objects.filter(case_id__in=chunk).delete()
        Case.objects.filter(pk__in=chunk).delete()
    for counter in CaseReferenceCounter.objects.all():
        counter.last_number = highest_reference_in_use(counter.year)
        counter.save(update_fields=["last_number"])
    return len(ids)


# --- The whole demo ---------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    sign_ins: list[tuple[str, str, str]]
    cases_added: int
    cases_removed: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def model_counts() -> dict[str, int]:
    models = (School, HealthBody, MediationProvider, Mediator, get_user_model(), Case, CaseEvent, CaseReferenceCounter)
    return {_sentence_case(model._meta.verbose_name_plural): model.objects.count() for model in models}


def run(
    *,
    cases: int = DEFAULT_CASES,
    rng_seed: int = DEFAULT_SEED,
    password: str = DEMO_PASSWORD,
    reset_cases: bool = False,
) -> SeedReport:
    """Seed everything, in dependency order, in one transaction."""
    started = time.perf_counter()
    with disable_auditlog(), transaction.atomic():
        seed_reference_data()
        sign_ins = seed_users(password=password)
        seed_mediators()
        removed = delete_seeded_cases() if reset_cases else 0
        added = seed_cases(cases, rng_seed=rng_seed)
    return SeedReport(
        sign_ins=sign_ins,
        cases_added=added,
        cases_removed=removed,
        seconds=time.perf_counter() - started,
        counts=model_counts(),
    )
