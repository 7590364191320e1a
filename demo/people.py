"""The families of the demo's cases: names, addresses, schools and contact details drawn from seeded pools.

Names come from Faker (en_GB) and short name lists; phone numbers from the Ofcom ranges reserved for drama; email
addresses from example.com and example.org; NHS numbers from the range NHS England reserves for testing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from faker import Faker

from cases import rules
from cases.models import (
    ContactChannel,
    PartyType,
    School,
    SchoolPhase,
)
from cases.validators import normalise_nhs_number, upn_check_letter
from demo.reference import POST_TOWNS, pick, postcode, weighted

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
    _Community(78, (), (), (), (), weighted(
        [("English", 99.2), ("Welsh", 0.3), ("British Sign Language", 0.5)])),
    _Community(12, (
        "Hussain", "Khan", "Ahmed", "Akhtar", "Begum", "Iqbal", "Mahmood", "Ali", "Rashid", "Patel", "Kaur", "Singh",
        "Shah", "Malik", "Chaudhry", "Mirza", "Rahman", "Uddin", "Miah", "Sandhu",
    ), (
        "Muhammad", "Ayaan", "Zayn", "Yusuf", "Ibrahim", "Hamza", "Adam", "Aisha", "Maryam", "Zara", "Fatima",
        "Hafsa", "Inaaya", "Amira", "Harpreet", "Jasleen", "Arjun", "Simran",
    ), ("Nazia", "Shabana", "Samina", "Rubina", "Farzana", "Amandeep", "Ayesha", "Sadia"),
        ("Imran", "Asif", "Tariq", "Zahid", "Mohammed", "Rizwan", "Sukhdev", "Amir"),
        weighted([("English", 70), ("Urdu", 14), ("Punjabi", 9), ("Bengali", 5), ("Gujarati", 2)])),
    _Community(4, (
        "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański",
        "Woźniak", "Dąbrowski", "Mazur",
    ), ("Jakub", "Kacper", "Szymon", "Filip", "Antoni", "Zuzanna", "Julia", "Lena", "Maja", "Hanna", "Oliwia"),
        ("Agnieszka", "Katarzyna", "Magdalena", "Anna", "Monika"), ("Piotr", "Tomasz", "Marcin", "Paweł", "Krzysztof"),
        weighted([("English", 55), ("Polish", 45)])),
    _Community(2, ("Mohamed", "Abdi", "Hassan", "Warsame", "Farah", "Osman", "Yusuf", "Jama", "Nur"), (
        "Abdirahman", "Mohamed", "Hodan", "Ayan", "Fartun", "Sagal", "Ilhan", "Abdullahi", "Khadra",
    ), ("Amina", "Hawa", "Fadumo", "Sahra", "Halima"), ("Abdi", "Ahmed", "Hassan", "Abdikadir", "Yusuf"),
        weighted([("English", 55), ("Somali", 45)])),
    _Community(2, ("Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Munteanu", "Rusu"), (
        "Andrei", "Luca", "David", "Maria", "Ioana", "Elena", "Alexandru", "Sofia",
    ), ("Andreea", "Elena", "Mihaela", "Ioana"), ("Ion", "Mihai", "Florin", "Gabriel"),
        weighted([("English", 50), ("Romanian", 50)])),
    _Community(2, ("Karimi", "Hamid", "Aziz", "Saleh", "Rasul", "Othman"), (
        "Omar", "Ali", "Karwan", "Lana", "Rojin", "Sara", "Ahmad", "Dilan",
    ), ("Nasrin", "Hana", "Shilan", "Layla"), ("Karzan", "Rebwar", "Hassan", "Omar"),
        weighted([("English", 45), ("Arabic", 30), ("Kurdish (Sorani)", 25)])),
)
COMMUNITY_WEIGHTS = weighted([(i, c.weight) for i, c in enumerate(COMMUNITIES)])

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

PARENT_RELATIONSHIPS = weighted([
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
        addresses.append((f"{line}\n{town}", postcode(rng, area, districts)))
    return Pools(
        child_first=child_first,
        mothers=[fake.first_name_female() for _ in range(size // 3)],
        fathers=[fake.first_name_male() for _ in range(size // 3)],
        surnames=[fake.last_name() for _ in range(size)],
        addresses=addresses,
        supporters=[fake.name() for _ in range(size // 10)],
    )


# fmt: off
PHASE_WEIGHTS = weighted([
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


class FamilyMaker:
    """Fills in the child, the family and their supporter on a case (a dict of column values keyed by attname),
    from one seeded random.Random and the name pools."""

    def __init__(self, *, rng: random.Random, pools: Pools, today: date) -> None:
        self.rng = rng
        self.pools = pools
        self.today = today
        self.earliest_birth = date(today.year - OLDEST_BIRTH_YEARS_AGO, 1, 1)
        self.latest_birth = date(today.year - YOUNGEST_BIRTH_YEARS_AGO, 12, 31)
        self.schools: dict[str | None, list[int | None]] = {None: [None]}
        for pk, phase in School.objects.filter(active=True).order_by("urn").values_list("pk", "phase"):
            self.schools.setdefault(phase, []).append(pk)

    def _child_and_family(self, case: dict) -> None:
        """The child (school, date of birth, names, UPN, NHS number) and who brings the disagreement, with the
        family's language and how to reach them."""
        opened = case["first_contact_on"]
        born = self._child_born(case, opened)
        community = COMMUNITIES[pick(self.rng, COMMUNITY_WEIGHTS)]
        child_first, surname = self._child_names(case, community, born, opened)
        first, last = self._party(case, community, rules.is_young_person(born, opened), child_first, surname)
        case["party_name"] = f"{first} {last}"
        self._language(case, community)
        self._contact_details(case, first, last)

    def _child_born(self, case: dict, opened: date) -> date:
        """The child's school (by phase) and a date of birth that fits the phase."""
        rng = self.rng
        phase = pick(rng, PHASE_WEIGHTS)
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
        return born

    def _child_names(self, case: dict, community, born: date, opened: date) -> tuple[str, str]:
        """The child's first name and surname, and now and then a UPN (at school age) and an NHS number."""
        rng, pools = self.rng, self.pools
        age = rules.age_on(born, opened)
        surname = rng.choice(community.surnames or pools.surnames)
        child_first = rng.choice(community.children or pools.child_first)
        case["child_first_name"], case["child_last_name"] = child_first, surname
        if case["school_id"] and 4 <= age <= 19 and rng.random() < 0.4:
            case["upn"] = self._upn(born)
        if case["health_involved"] and rng.random() < 0.6:
            case["nhs_number"] = self._nhs_number()
        return child_first, surname

    def _party(self, case: dict, community, adult: bool, child_first: str, surname: str) -> tuple[str, str]:
        """Who brings the disagreement: a young person for themselves, someone acting for them, or a parent or
        carer. Returns their first and last names."""
        rng, pools = self.rng, self.pools
        roll = rng.random()
        if adult and roll < 0.5:
            case["party_type"] = PartyType.YOUNG_PERSON
            return child_first, surname
        if adult and roll < 0.58:
            case["party_type"] = PartyType.ALTERNATIVE
            relationship, gender = rng.choice(ALTERNATIVE_RELATIONSHIPS), "any"
        else:
            case["party_type"] = PartyType.PARENT
            relationship, gender = pick(rng, PARENT_RELATIONSHIPS)
        if gender == "any":
            gender = rng.choice("fm")
        names = (community.mothers or pools.mothers) if gender == "f" else (community.fathers or pools.fathers)
        first = rng.choice(names)
        last = surname if rng.random() < 0.75 else rng.choice(community.surnames or pools.surnames)
        case["party_relationship"] = relationship
        return first, last

    def _language(self, case: dict, community) -> None:
        """The family's language, an interpreter where needed, and any access needs."""
        rng = self.rng
        language = pick(rng, community.languages)
        case["preferred_language"] = language
        if language == "British Sign Language":
            case["interpreter_needed"], case["access_needs"] = True, BSL_NEEDS
        elif language != "English":
            case["interpreter_needed"] = rng.random() < 0.65
        if "access_needs" not in case and rng.random() < 0.1:
            case["access_needs"] = rng.choice(ACCESS_NEEDS)

    def _contact_details(self, case: dict, first: str, last: str) -> None:
        """A phone number, an email address (always one of the two) and a postal address, mostly."""
        rng = self.rng
        if rng.random() < 0.92:
            case["phone"] = self._phone()
        if rng.random() < 0.85 or "phone" not in case:
            local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
            domain = "example.com" if rng.random() < 0.6 else "example.org"
            case["email"] = f"{local}{rng.randint(1, 99)}@{domain}"
        if rng.random() < 0.96:
            case["address"], case["postcode"] = rng.choice(self.pools.addresses)

    def _support(self, case: dict) -> None:
        rng = self.rng
        involved = case["first_contact_channel"] == ContactChannel.SENDIASS or rng.random() < 0.18
        case["sendiass_involved"] = involved
        if involved and rng.random() < 0.6:
            case["supporter_name"] = f"{rng.choice(self.pools.supporters)} (SENDIASS)"
        elif rng.random() < 0.05:
            case["supporter_name"] = f"{rng.choice(self.pools.supporters)} (advocate)"

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
