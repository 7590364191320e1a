"""The forgiving case search (cases.search): near spellings, the parent's name, postcodes; exact matches first."""

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Case
from cases.search import exact_q, find_cases, similarity
from cases.tests.factories import CaseFactory
from sendportal.testing.plans import query_plan


def search_page(client, term: str) -> str:
    return client.get(client.post(reverse("cases:list"), {"q": term})["Location"]).content.decode()


def rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")] if "<tbody>" in page else ""


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("Rahman", "Rahmen", 0.4), ("Smith", "Smyth", 3 / 9), ("Jones", "Jones", 1.0), ("Ng", "Okafor", 0.0)],
)
def test_similarity_is_pg_trgm_similarity(db, a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(expected, abs=1e-6)


def test_a_misspelt_surname_finds_the_child_and_says_these_are_near_spellings(client_for, officer):
    CaseFactory(child_first_name="Aisha", child_last_name="Rahman")
    CaseFactory(child_first_name="Tom", child_last_name="Brown")
    page = search_page(client_for(officer), "Rahmen")
    assert "Aisha Rahman" in rows(page)
    assert "Tom Brown" not in rows(page)
    assert "No case matched “Rahmen” exactly. Showing cases with names spelt nearly the same." in page


def test_a_misspelt_first_name_is_found_too(db):
    CaseFactory(child_first_name="Mohammed", child_last_name="Ali")
    found = find_cases(Case.objects.all(), "Mohamed")
    assert found.similar
    assert [c.child_first_name for c in found.cases] == ["Mohammed"]


def test_an_exact_match_comes_without_near_spellings(client_for, officer):
    # The parents' names are fixed: a random one could end in "Smith" and be found by the parent's name.
    CaseFactory(child_first_name="Amy", child_last_name="Smith", party_name="Grace Smith")
    CaseFactory(child_first_name="Ben", child_last_name="Smyth", party_name="Hannah Smyth")
    page = search_page(client_for(officer), "Smith")
    assert "Amy Smith" in rows(page)
    assert "Ben Smyth" not in rows(page)
    assert "spelt nearly the same" not in page


def test_nothing_near_finds_nothing(client_for, officer):
    CaseFactory(child_first_name="Amy", child_last_name="Smith")
    page = search_page(client_for(officer), "Okonkwo")
    assert "No cases match." in page
    assert "Amy Smith" not in page


def test_short_terms_and_references_are_never_guessed(db):
    CaseFactory(child_first_name="Li", child_last_name="Wong")
    assert not find_cases(Case.objects.all(), "Lu").similar
    assert not find_cases(Case.objects.all(), "SEND-2026-99999").similar


def test_a_parents_name_finds_the_case(client_for, officer):
    CaseFactory(child_first_name="Yusuf", child_last_name="Khan", party_name="Sarah Rahman")
    CaseFactory(child_first_name="Other", child_last_name="Child", party_name="Sarah Jones")
    c = client_for(officer)
    for term in ("Rahman", "rahman", "Sarah Rahman", "Sarah"):
        body = rows(search_page(c, term))
        assert "Yusuf Khan" in body, term
    assert "Other Child" not in rows(search_page(c, "Rahman"))


def test_a_postcode_whole_or_its_outward_code_finds_the_case(client_for, officer):
    CaseFactory(child_first_name="Leeds", child_last_name="Child", postcode="LS6 2AB")
    CaseFactory(child_first_name="Other", child_last_name="Place", postcode="LS16 5QT")
    c = client_for(officer)
    for term in ("LS6 2AB", "ls62ab", "LS6"):
        body = rows(search_page(c, term))
        assert "Leeds Child" in body and "Other Place" not in body, term


def test_the_search_stays_within_the_officers_own_cases(client_for, officer, other_officer):
    """The search narrows the list the person may see; a near spelling never reaches past it."""
    from cases.selectors import case_list_for

    CaseFactory(child_first_name="Aisha", child_last_name="Rahman", officer=other_officer)
    visible = case_list_for(officer)
    assert list(find_cases(visible, "Rahmen").cases) == list(
        Case.objects.filter(pk__in=visible.values("pk"), child_last_name="Rahman")
    )


def test_the_exact_search_uses_indexes_for_postcode_and_parents_name(db):
    plan = query_plan(*Case.objects.filter(exact_q("LS6 2AB")).values("pk").order_by().query.sql_with_params())
    assert "cases_case_postcode_idx" in plan
    if connection.vendor == "postgresql":
        near = Case.objects.filter(child_last_name__trigram_similar="Rahmen").values("pk").order_by()
        assert "cases_case_last_name_trgm" in query_plan(*near.query.sql_with_params())


def test_a_parents_last_word_finds_the_case_only_as_a_whole_word(client_for, officer):
    CaseFactory(child_first_name="Amal", child_last_name="Child", party_name="Mrs Jane Okafor")
    CaseFactory(child_first_name="Bea", child_last_name="Child", party_name="Jane Okaforth")
    CaseFactory(child_first_name="Cal", child_last_name="Child", party_name="Tom Smith-Okafor")
    c = client_for(officer)
    found = rows(search_page(c, "okafor"))
    assert "Amal Child" in found
    assert "Bea Child" not in found and "Cal Child" not in found
    assert "Cal Child" in rows(search_page(c, "Smith-Okafor"))


@pytest.mark.parametrize(
    "name",
    ["Jane Okafor", "Okafor", "Mrs  Jane   Okafor", "Sarah O'Neill", "Tom Smith-Jones", "Ann B C Xu", "Jo Ann Lee-Lee"],
)
def test_a_parents_last_word_is_the_text_after_the_last_space(db, name):
    from django.db.models import Value

    from cases.search import SQLiteLastWord

    case = CaseFactory(party_name=name, child_first_name="Zed", child_last_name="Quux")
    CaseFactory(party_name="Somebody Else", child_first_name="Zed", child_last_name="Quux")
    word = name.rsplit(" ", 1)[-1]
    assert list(Case.objects.filter(exact_q(word.lower()))) == [case]
    if connection.vendor == "sqlite":
        # SQLite's own expression, the one its index holds, gives the same word in capitals.
        found = Case.objects.filter(pk=case.pk).annotate(w=SQLiteLastWord(Value(name))).values_list("w", flat=True)
        assert found.get() == word.upper()


def test_the_search_by_a_parents_last_word_reads_an_index(db):
    from cases.search import _last_word_q

    index = "cases_case_party_name_upper_trgm" if connection.vendor == "postgresql" else "cases_case_party_last_word"
    sql, params = Case.objects.filter(_last_word_q("Rahman")).values("pk").order_by().query.sql_with_params()
    assert index in query_plan(sql, params)
    # With the rest of the search too: on SQLite each of its terms is read from its own index.
    sql, params = Case.objects.filter(exact_q("Rahman")).values("pk").order_by().query.sql_with_params()
    plan = query_plan(sql, params)
    assert index in plan
    if connection.vendor == "sqlite":
        assert "MULTI-INDEX OR" in plan and "SCAN cases_case" not in plan, plan
