"""The case search: by reference, by the child's name, by the parent's (or young person's) name, by postcode, and,
when nothing matches exactly, by names spelt nearly the same ("Rahmen" finds Rahman).

Exact first: a reference (whole or part), the child's first or last name or both (a case-insensitive prefix), a
word of the name of the person who brought the case, a postcode (whole, or its outward code "LS6"). These use
indexes on both databases (cases migrations 0011, 0013 and 0018).

Forgiving second, only when the exact search finds no case: names whose trigram similarity to the term is at
least SIMILARITY (pg_trgm's own measure and default threshold). PostgreSQL answers it with pg_trgm's `%` operator
over GIN trigram indexes. SQLite has no trigram index, so the fallback reads the distinct names that start with
the term's first letter (from the NOCASE name indexes) and measures their similarity in Python with the same
formula; a misspelt first letter is therefore found on PostgreSQL only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Func, Q, QuerySet, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact

from .models import Case
from .services import REFERENCE_PREFIX

SIMILARITY = 0.3
"""pg_trgm's default similarity threshold (pg_trgm.similarity_threshold)."""

MIN_FORGIVING_LENGTH = 4
"""Shorter terms are too short for a near spelling to mean anything ("Li" is near half the names)."""

REFERENCE_CHARACTERS = frozenset(f"{REFERENCE_PREFIX.upper()}-0123456789")
_FULL_POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$")
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_NAME = re.compile(r"^[^\W\d_][^\W\d_' -]*$")


def may_be_in_a_reference(term: str) -> bool:
    """False when `term` holds a character no reference has (a space; the M, I, T and H of "Smith"): it cannot be
    part of a reference, so the search need not scan every reference for it (LIKE '%...%' can use no index)."""
    return all(ch in REFERENCE_CHARACTERS for ch in term.upper() if ch.isascii())


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lower case, padded with two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams of the two words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _postcode_q(term: str) -> Q:
    compact = term.upper().replace(" ", "")
    if _FULL_POSTCODE.match(term.upper()):
        return Q(postcode=f"{compact[:-3]} {compact[-3:]}")
    if _OUTWARD_CODE.match(compact):
        return Q(postcode__startswith=f"{compact} ")
    return Q()


def exact_q(term: str) -> Q:
    q = Q(reference__icontains=term) if may_be_in_a_reference(term) else Q()
    q |= _postcode_q(term)
    parts = term.split(" ")
    if len(parts) >= 2:
        q |= Q(child_first_name__iexact=parts[0], child_last_name__iexact=" ".join(parts[1:]))
        q |= Q(child_first_name__istartswith=parts[0], child_last_name__istartswith=parts[-1])
        q |= Q(party_name__iexact=term)
    else:
        q |= Q(child_first_name__istartswith=term) | Q(child_last_name__istartswith=term)
        # The parent's (or young person's) name: its start (as the child's names) or its last word.
        q |= Q(party_name__istartswith=term) | _last_word_q(term)
    return q


class SQLiteLastWord(Func):
    """SQLite: the last word of a text in capitals (the text after its last space; the whole text if it has none),
    written exactly as the expression index cases_case_party_last_word holds it (migration 0026), literals
    inlined, so that SQLite matches the two and reads the index. (It strips the trailing run of the text's
    non-space characters to find what comes before the last word, and removes that.)"""

    template = "upper(replace(%(expressions)s, rtrim(%(expressions)s, replace(%(expressions)s, ' ', '')), ''))"
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return self.template % {"expressions": sql}, (*params, *params, *params)  # the text appears three times


def _last_word_q(term: str) -> Q:
    """The parent's last word. PostgreSQL answers LIKE '% WORD' from the trigram index on UPPER(party_name); SQLite
    from its index on the last word itself (SQLite reads the OR of the search's terms index by index). Both compare
    as SQLite's LIKE does: capitals matter only outside A-Z."""
    if connection.vendor == "postgresql":
        return Q(party_name__iendswith=f" {term}")
    return Q(Exact(SQLiteLastWord("party_name"), Upper(Value(term))))


def _similar_names(field: str, term: str) -> list[str]:
    """SQLite: the distinct values of `field` starting with the term's first letter that are near the term."""
    names = (
        Case.objects.filter(**{f"{field}__istartswith": term[0]}).values_list(field, flat=True).distinct().order_by()
    )
    return [name for name in names if similarity(name, term) >= SIMILARITY]


def forgiving_q(term: str) -> Q:
    if connection.vendor == "postgresql":
        return (
            Q(child_last_name__trigram_similar=term)
            | Q(child_first_name__trigram_similar=term)
            | Q(party_name__trigram_word_similar=term)
        )
    return Q(child_last_name__in=_similar_names("child_last_name", term)) | Q(
        child_first_name__in=_similar_names("child_first_name", term)
    )


@dataclass(frozen=True)
class Search:
    cases: QuerySet[Case]
    similar: bool  # nothing matched exactly: these are near spellings


def find_cases(queryset: QuerySet[Case], term: str) -> Search:
    term = " ".join(term.split())
    if not term:
        return Search(queryset, similar=False)
    exact = queryset.filter(exact_q(term))
    if len(term) < MIN_FORGIVING_LENGTH or not _NAME.match(term) or " " in term or exact.exists():
        return Search(exact, similar=False)
    return Search(queryset.filter(forgiving_q(term)), similar=True)


def search_cases(queryset: QuerySet[Case], term: str) -> QuerySet[Case]:
    """The cases the search finds (exact matches, else near spellings)."""
    return find_cases(queryset, term).cases
