"""Every citation of the rules (`docs/rules.md §4 C9`, `§8 D15`, `§9 P2`) names a section, and an item in it,
that docs/rules.md has; and nothing cites the external rules document the team used to keep beside the code."""

import os
import re
from pathlib import Path

from django.conf import settings

RULES = Path(settings.BASE_DIR) / "docs" / "rules.md"
# Folders that are not the project's own text: tools, caches, build output, uploaded files.
SKIPPED_FOLDERS = {"node_modules", "staticfiles", "media", "__pycache__"}
TEXT_SUFFIXES = {".py", ".html", ".md", ".txt", ".toml", ".js", ".css", ".cfg", ".ini", ".yml", ".yaml", ".json"}
TEXT_NAMES = {"Makefile", "run", "run-tests", "find-python", "ensure-chromium", "backup", "restore"}
# The old document's name, built so this file does not cite it itself.
EXTERNAL_DOCUMENT = "send" + "-rules.md"
S = "\N{SECTION SIGN}"

SECTION_HEADING = re.compile(r"^## §(\d+) ", re.MULTILINE)
ITEM_DEFINITION = re.compile(r"^(?:- \*\*|\| )([A-Z]\d+)\b", re.MULTILINE)
ITEM = r"[A-Z]\d+(?:-[A-Z]?\d+)?"
# A section, then the items cited in it: "§4 C2, C6, C8", "§8 D9 and D17", "§8 D12-D17", or "§5" alone.
CITATION = re.compile(rf"§(\d+)((?:(?:,\s*|\s+and\s+|\s+){ITEM}\b)*)")


def rules_index(text: str) -> dict[int, set[str]]:
    """{section number: the item ids defined in it (table rows and bold bullets)} of docs/rules.md."""
    index: dict[int, set[str]] = {}
    headings = list(SECTION_HEADING.finditer(text))
    for position, heading in enumerate(headings):
        end = headings[position + 1].start() if position + 1 < len(headings) else len(text)
        index[int(heading.group(1))] = set(ITEM_DEFINITION.findall(text, heading.end(), end))
    return index


def cited_items(items: str) -> list[str]:
    """The item ids a citation names, a range such as D12-D17 expanded."""
    cited = []
    for first_letter, first, last_letter, last in re.findall(r"([A-Z])(\d+)(?:-([A-Z])?(\d+))?", items):
        if last and (last_letter or first_letter) == first_letter:
            cited.extend(f"{first_letter}{number}" for number in range(int(first), int(last) + 1))
        else:
            cited.append(f"{first_letter}{first}")
    return cited


def citation_problems(text: str, index: dict[int, set[str]]) -> list[str]:
    """Each citation in `text` whose section or item docs/rules.md does not have."""
    problems = []
    for citation in CITATION.finditer(text):
        section = int(citation.group(1))
        if section not in index:
            problems.append(f"{citation.group(0).strip()}: no §{section}")
            continue
        problems.extend(
            f"{citation.group(0).strip()}: §{section} has no {item}"
            for item in cited_items(citation.group(2))
            if item not in index[section]
        )
    return problems


def project_text_files():
    """The project's own text files: the virtualenv, git, caches and build output are never walked."""
    base = Path(settings.BASE_DIR)
    for folder, subfolders, names in os.walk(base):
        subfolders[:] = sorted(
            name for name in subfolders if name not in SKIPPED_FOLDERS and (name == ".ci" or not name.startswith("."))
        )
        for name in sorted(names):
            path = Path(folder) / name
            if path.suffix in TEXT_SUFFIXES or name in TEXT_NAMES:
                yield path


def test_the_index_reads_every_section_and_item_of_the_rules():
    index = rules_index(RULES.read_text(encoding="utf-8"))
    assert sorted(index) == list(range(1, 11))
    assert {f"C{number}" for number in range(1, 18)} <= index[4]
    assert {f"D{number}" for number in range(1, 18)} <= index[8]
    assert {"P1", "P2", "P3", "P4", "P5"} <= index[9]
    assert "C9" not in index[8]


def test_a_citation_of_a_missing_section_or_item_is_a_problem():
    # Built with S so that this file's own source holds no bad citation for the tree scan to find.
    index = {4: {"C1", "C9"}, 8: {f"D{number}" for number in range(1, 18)}}
    assert citation_problems(f"(docs/rules.md {S}4 C9, C1 and {S}8 D12-D17)", index) == []
    assert citation_problems(f"docs/rules.md {S}4 C10", index) == [f"{S}4 C10: {S}4 has no C10"]
    assert citation_problems(f"(docs/rules.md {S}8 D17-D18)", index) == [f"{S}8 D17-D18: {S}8 has no D18"]
    assert citation_problems(f"(docs/rules.md {S}7)", index) == [f"{S}7: no {S}7"]
    assert citation_problems(f"(docs/rules.md {S}8 C9)", index) == [f"{S}8 C9: {S}8 has no C9"]


def test_every_rules_citation_in_the_tree_names_a_section_and_item_that_exist():
    index = rules_index(RULES.read_text(encoding="utf-8"))
    problems = []
    citations = 0
    for path in project_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        citations += len(CITATION.findall(text))
        problems.extend(
            f"{path.relative_to(settings.BASE_DIR)}: {problem}" for problem in citation_problems(text, index)
        )
    assert problems == []
    assert citations > 100  # the code, tests and docs cite the rules: the scan found them


def test_nothing_cites_the_external_rules_document():
    citing = [
        str(path.relative_to(settings.BASE_DIR))
        for path in project_text_files()
        if EXTERNAL_DOCUMENT in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert citing == []
