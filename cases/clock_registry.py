"""The clock registry: every statutory clock declares, once, how its due date (and whether it was met or missed)
follows from the facts a case has recorded (docs/rules.md §4, §8 D9 and D17).

The app that owns a clock's facts registers a *provider* for its code (`ClockCode`), usually from its
AppConfig.ready(). A provider reads a batch of cases through the `ClockContext` and yields one `ClockSpec` for each
clock that applies. Facts several providers share are read once per batch by a *facts loader* registered under a
name, so recomputing one case costs a handful of queries and recomputing 100,000 cases costs the same handful per
batch. "Recompute a case" therefore means "ask every provider" (cases.clock_services), and no service writes a
due date by hand.

Nothing here writes: clock_services compares what the providers expect with the stored Deadline rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from .deadlines import CLOCKS, ClockCode

# The case fields providers may read (the bulk recompute loads only these).
CASE_CLOCK_FIELDS = (
    "id",
    "route",
    "decision",
    "sections_disputed",
    "health_involved",
    "social_care_involved",
    "decision_sent_on",
    "status",
    "closed_on",
    "officer_id",
    "certificate_issued_on",
)


@dataclass(frozen=True)
class ClockSpec:
    """What the facts say one clock on one case should be."""

    case_id: int
    code: ClockCode
    key: str  # unique per case: the code, or "code:item" for clocks that repeat (sessions, actions, appeals)
    due_on: date
    binds: str  # Deadline.Binds: who must act
    facts: dict = field(default_factory=dict)  # the recorded facts the due date came from (shown and stored)
    due_time: time | None = None
    needs_legal_review: bool = False
    note: str = ""
    title: str = ""
    met_on: date | None = None  # the day the obligation was done, when the facts record it
    missed_reason: str = ""  # the facts say it was not met: the clock is missed once its due date has passed
    gone_reason: str = ""  # the clock no longer applies: an open one is superseded, none is created

    @property
    def display_title(self) -> str:
        return self.title or CLOCKS[self.code].title


class ClockContext:
    """A batch of cases being recomputed, with the working-day calendar, today, and the facts loaded for it."""

    def __init__(self, cases: Sequence[Any], *, calendar, today: date):
        self.cases = list(cases)
        self.case_ids = [case.pk for case in self.cases]
        self.calendar = calendar
        self.today = today
        self._facts: dict[str, Any] = {}

    def facts(self, name: str) -> Any:
        """The facts registered under `name`, loaded for the whole batch on first use."""
        if name not in self._facts:
            try:
                loader = _FACT_LOADERS[name]
            except KeyError:
                raise LookupError(f"No clock facts are registered as {name!r}") from None
            self._facts[name] = loader(self)
        return self._facts[name]


Provider = Callable[[ClockContext], Iterable[ClockSpec]]
FactsLoader = Callable[[ClockContext], Any]
DerivedRefresher = Callable[[ClockContext], None]

_PROVIDERS: dict[ClockCode, Provider] = {}
_FACT_LOADERS: dict[str, FactsLoader] = {}
_DERIVED: list[DerivedRefresher] = []


def clock_provider(code: ClockCode) -> Callable[[Provider], Provider]:
    """Register the function that yields the `code` clocks of a batch of cases. One provider per code."""

    def register(provider: Provider) -> Provider:
        existing = _PROVIDERS.get(code)
        if existing is not None and existing is not provider:
            raise ValueError(f"Clock {code} already has a provider: {existing.__module__}.{existing.__qualname__}")
        _PROVIDERS[code] = provider
        return provider

    return register


def clock_facts(name: str) -> Callable[[FactsLoader], FactsLoader]:
    """Register a loader of facts shared by providers, read once per batch (`ClockContext.facts(name)`)."""

    def register(loader: FactsLoader) -> FactsLoader:
        _FACT_LOADERS[name] = loader
        return loader

    return register


def derived_facts(refresher: DerivedRefresher) -> DerivedRefresher:
    """Register a function that rewrites stored flags worked out from facts (for example "contact was late"),
    run with every recompute so they never go stale (decision 17)."""
    if refresher not in _DERIVED:
        _DERIVED.append(refresher)
    return refresher


def registered_codes() -> set[ClockCode]:
    return set(_PROVIDERS)


def missing_providers() -> list[ClockCode]:
    """Clock codes nobody has registered a provider for (a system check reports them)."""
    return [code for code in ClockCode if code not in _PROVIDERS]


def expected_clocks(ctx: ClockContext) -> dict[int, list[ClockSpec]]:
    """Ask every provider: the clocks each case of the batch should have, by case id, in clock-code order."""
    by_case: dict[int, list[ClockSpec]] = defaultdict(list)
    keys: dict[int, set[str]] = defaultdict(set)
    for code in ClockCode:
        provider = _PROVIDERS.get(code)
        if provider is None:
            continue
        for spec in provider(ctx):
            if spec.code != code:
                raise ValueError(f"The {code} provider yielded a {spec.code} clock")
            if spec.key in keys[spec.case_id]:
                raise ValueError(f"Two {code} clocks with key {spec.key} on case {spec.case_id}")
            keys[spec.case_id].add(spec.key)
            by_case[spec.case_id].append(spec)
    return by_case


def refresh_derived_facts(ctx: ClockContext) -> None:
    for refresher in _DERIVED:
        refresher(ctx)
