"""The demo's fixed cast: schools, ICBs, the two providers, the staff and mediators who sign in.

Nothing here describes real people. Names come from short lists, phone numbers from the Ofcom ranges reserved
for drama, email addresses from the example.com and example.org domains reserved for documentation, and schools
from invented place names. Postcodes have a valid shape but may not exist. Shared by the demo (demo.seed) and the
benchmark's bulk data (demo.bulk); `rng_seed` never changes any of it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from itertools import accumulate
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import permissions
from cases.models import (
    HealthBody,
    School,
    SchoolPhase,
)
from referrals.models import (
    MediationProvider,
    Mediator,
)

DEMO_PASSWORD = "demo-password-2026"  # published in the README and printed by `make run`: demo only
# The authenticator key of the demo sign-ins that must use two-factor sign-in (manager, admin): published in the
# README like the password, so anyone trying the demo can add it to an authenticator app, or print the current
# code with `manage.py demo_security_code`. Demo only.
DEMO_TOTP_KEY = "DEMOSENDPORTALTWOFACTORKEYZZZZZZ"
DEFAULT_SEED = 2026

# Reference data never depends on --seed (see the module docstring).
REFERENCE_SEED = 1530


def weighted(pairs: Sequence[tuple[object, float]]) -> tuple[tuple, tuple[float, ...]]:
    """(values, cumulative weights) for random.choices(cum_weights=...)."""
    values = tuple(value for value, _ in pairs)
    return values, tuple(accumulate(weight for _, weight in pairs))


def pick(rng: random.Random, table: tuple[tuple, tuple[float, ...]]):
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
ICB_WEIGHTS = weighted([(0, 80), (1, 12), (2, 8)])

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


def postcode(rng: random.Random, area: str, districts: int) -> str:
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
                    "postcode": postcode(rng, area, districts),
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
