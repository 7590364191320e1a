"""The apps depend one way, and no module imports itself back round a cycle: read from the source (Python imports,
lazy ones included) and the templates, so a new import the wrong way fails here, not in a review.

The direction: dashboards and privacy -> referrals (the mediation pathway) -> documents -> cases -> sendportal. The
case page learns of the pathway and the documents only through what they register (cases.panels), never by importing
them."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# What each app may import (besides itself). The map must itself be one way: see the last test.
MAY_IMPORT = {
    "sendportal": set(),
    "cases": {"sendportal"},
    "documents": {"cases", "sendportal"},
    "referrals": {"documents", "cases", "sendportal"},
    "accounts": {"cases", "sendportal"},
    "letters": {"referrals", "documents", "cases", "sendportal"},
    "guide": {"referrals", "documents", "cases", "sendportal"},
    "dashboards": {"referrals", "documents", "cases", "sendportal"},
    "privacy": {"dashboards", "letters", "referrals", "documents", "cases", "sendportal"},
}
APPS = set(MAY_IMPORT)
TOOLS = {"demo", "bench", "scripts"}  # the demo data, benchmark and drills drive the whole portal from outside
# The places that put the whole portal together (and may name every app): the URLconf, the settings, the test
# kit and the backup manifest (which lists every stored file of every app).
WHOLE_PORTAL = {
    "sendportal/urls.py",
    "sendportal/backups.py",
}
WHOLE_PORTAL_DIRS = ("sendportal/settings/", "sendportal/testing/")


def _modules() -> dict[str, Path]:
    modules = {}
    for top in sorted(APPS | TOOLS):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts or "migrations" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(name: str, path: Path, modules) -> set[str]:
    """The project modules `name` imports, anywhere in the file (a lazy import inside a function counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle of imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_module_imports_itself_back_round_a_cycle():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_lazy_import_back():
    assert _cycles({"a.services": {"a.clocks"}, "a.clocks": {"a.services"}, "a.views": {"a.services"}}) == [
        ["a.clocks", "a.services"]
    ]


def _wrong_way(graph) -> list[str]:
    wrong = []
    for name, imported in graph.items():
        app = name.split(".")[0]
        path = name.replace(".", "/") + ".py"
        if app in TOOLS or path in WHOLE_PORTAL or path.startswith(WHOLE_PORTAL_DIRS):
            continue
        for target in sorted(imported):
            other = target.split(".")[0]
            if other != app and other not in MAY_IMPORT[app]:
                wrong.append(f"{name} imports {target}")
    return wrong


def test_apps_import_only_the_apps_below_them():
    assert _wrong_way(_graph()) == []


def test_an_import_the_wrong_way_is_found():
    assert _wrong_way({"cases.views": {"referrals.forms", "sendportal.web"}}) == ["cases.views imports referrals.forms"]


# --- Templates ----------------------------------------------------------------------------------------------

TAG_LIBRARIES = {path.stem: path.parent.parent.name for top in APPS for path in (ROOT / top).glob("templatetags/*.py")}
LOAD = re.compile(r"\{%\s*load\s+([^%]+?)\s*%\}")
INCLUDE = re.compile(r"\{%\s*include\s+[\"']([a-z_]+)/")
FORM_POSTS_TO = re.compile(r"<form[^>]*\saction=\"\{%\s*url\s+[\"']([a-z_]+):")
SHARED_TEMPLATE_DIRS = {"components", "includes", "registration"}  # the project's own (sendportal)


def _template_problems(app: str, text: str) -> list[str]:
    """A template of `app` may load tag libraries, include templates and post forms only of the apps below it
    (a link to another app's page is navigation, not a dependency)."""
    allowed = MAY_IMPORT[app] | {app}
    problems = []
    for names in LOAD.findall(text):
        for library in names.split():
            owner = TAG_LIBRARIES.get(library)
            if owner and owner not in allowed:
                problems.append(f"loads {library} from {owner}")
    for folder in INCLUDE.findall(text):
        owner = "sendportal" if folder in SHARED_TEMPLATE_DIRS else folder
        if owner in APPS and owner not in allowed:
            problems.append(f"includes a template of {owner}")
    for namespace in FORM_POSTS_TO.findall(text):
        if namespace in APPS and namespace not in allowed:
            problems.append(f"posts a form to {namespace}")
    return problems


def test_templates_use_only_the_apps_below_their_own():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT / "templates")
        app = rel.parts[0] if len(rel.parts) > 1 and rel.parts[0] in APPS else "sendportal"
        problems += [f"{rel}: {problem}" for problem in _template_problems(app, path.read_text())]
    assert problems == []


def test_a_template_that_reaches_up_is_found():
    text = (
        '{% load crispy_forms_tags case_tags %}{% include "referrals/_case_panel.html" %}'
        '<form method="post" action="{% url \'referrals:compliance_done\' case.pk %}">'
        "<a href=\"{% url 'guide:clocks' %}\">What each deadline means</a>"
    )
    assert _template_problems("cases", text) == [
        "includes a template of referrals",
        "posts a form to referrals",
    ]
    assert _template_problems("sendportal", "{% load case_tags %}") == ["loads case_tags from cases"]


def test_the_allowed_dependencies_run_one_way():
    assert _cycles({app: set(allowed) for app, allowed in MAY_IMPORT.items()}) == []
    assert MAY_IMPORT["cases"] == {"sendportal"} and "referrals" in MAY_IMPORT["dashboards"]
