"""Page and export timings through django.test.Client, signed in (force_login) as the demo users.

Each page is requested `repeat` times; the first request is a warm-up and is discarded. One more request,
inside CaptureQueriesContext, gives the query count (kept out of the timed requests: capturing queries
slows each one down). Pages whose URL does not resolve yet are reported as "not built".
"""

from __future__ import annotations

import codecs
import csv
import gc
import math
import re
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from cases.models import Case, CaseEvent
from dashboards.figures import forget_all as forget_kept_figures

BASELINE = "admin"  # key of the admin changelist, the baseline every page is compared with

MB = 1024 * 1024


# --- What is measured -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    """Facts about the seeded data the page URLs need, found once per size."""

    detail_pk: int | None
    statuses: tuple[str, ...]
    surname: str


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    username: str
    url: Callable[[Fixture], str | None]  # None: nothing to request (for example no case to show)
    total: str = "heading"  # how to read the total: "heading" (numbers in brackets in h1/h2), "admin", ""
    search: bool = False  # POST the search first, then GET the page it redirects to
    misspelt: bool = False  # search for the surname misspelt (cases.search finds near spellings)
    cold_cache: bool = False  # drop the kept management figures before every request (worked out each time)
    # Why the page's time is reported but not held to the admin changelist ("" = it is held to it).
    timing_note: str = ""


def _filtered(fx: Fixture) -> str:
    statuses = "".join(f"status={status}&" for status in fx.statuses)
    return f"/cases/?{statuses}officer=mine&sort=next_deadline"


PAGES = (
    PageSpec("cases", "Case list", "officer", lambda fx: "/cases/"),
    PageSpec("cases_filtered", "Case list, filtered (status, mine, by next deadline)", "officer", _filtered),
    PageSpec(
        "cases_my_move",
        "Case list, my move (the LA's next step on my cases, by its date)",
        "officer",
        lambda fx: "/cases/?move=mine&sort=next_step",
    ),
    PageSpec("cases_search", "Case list, search (surname)", "officer", lambda fx: "/cases/", search=True),
    PageSpec(
        "cases_search_typo",
        "Case list, search (surname misspelt)",
        "officer",
        lambda fx: "/cases/",
        search=True,
        misspelt=True,
    ),
    PageSpec(
        "case_detail",
        "Case detail",
        "officer",
        lambda fx: f"/cases/{fx.detail_pk}/" if fx.detail_pk else None,
        total="",
    ),
    PageSpec("deadlines_officer", "Deadlines (officer)", "officer", lambda fx: "/deadlines/"),
    PageSpec("deadlines_manager", "Deadlines (manager, team)", "manager", lambda fx: "/deadlines/"),
    PageSpec("referrals_officer", "Referrals (officer)", "officer", lambda fx: "/referrals/"),
    PageSpec("referrals_mediator", "Referrals (mediator)", "mediator1", lambda fx: "/referrals/"),
    PageSpec("dashboard", "Management dashboard (figures cached)", "manager", lambda fx: "/dashboard/", total=""),
    PageSpec(
        "dashboard_cold",
        "Management dashboard (cache emptied: figures worked out)",
        "manager",
        lambda fx: "/dashboard/",
        total="",
        cold_cache=True,
        timing_note="what one manager waits at most once every 5 minutes for a period: the figures are then "
        "cached for everyone (the row above)",
    ),
    PageSpec("my_work", "My work (officer)", "officer", lambda fx: "/my-work/", total=""),
    PageSpec("mediator", "Mediator home", "mediator1", lambda fx: "/mediator/", total=""),
    PageSpec(BASELINE, "Admin changelist (baseline)", "admin", lambda fx: "/admin/cases/case/", total="admin"),
)

EXPORTS = (
    ("cases_csv", "Cases CSV export", "/exports/cases.csv"),
    ("sen2_csv", "SEN2 CSV export", "/exports/sen2.csv"),
)
EXPORT_USERS = ("manager", "officer")  # the first one allowed to download is used


def misspell(name: str) -> str:
    """The name with its last vowel changed ("Rahman" -> "Rahmen"), the commonest kind of typo in a surname."""
    for i in range(len(name) - 1, 0, -1):
        if name[i] in "aeiou":
            return name[:i] + ("e" if name[i] != "e" else "a") + name[i + 1 :]
    return name + "e"


def find_fixture() -> Fixture:
    """The case with the longest timeline (a rich detail page), the two statuses `officer` holds most, and
    the commonest child surname (the search with the most matches)."""
    busiest = CaseEvent.objects.values("case_id").annotate(n=Count("id")).order_by("-n", "case_id").first()
    officer = get_user_model().objects.filter(username="officer").first()
    statuses: tuple[str, ...] = ()
    if officer is not None:
        statuses = tuple(
            Case.objects.filter(officer=officer)
            .values_list("status", flat=True)
            .annotate(n=Count("id"))
            .order_by("-n", "status")[:2]
        )
    surname = (
        Case.objects.values_list("child_last_name", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n", "child_last_name")
        .first()
    )
    return Fixture(detail_pk=busiest["case_id"] if busiest else None, statuses=statuses, surname=surname or "Smith")


# --- Results ----------------------------------------------------------------------------------------------


@dataclass
class Query:
    sql: str
    ms: float


@dataclass
class PageResult:
    key: str
    label: str
    username: str
    path: str
    status: str  # "ok", "not built", "HTTP 403", "error: ..."
    shown: int | None = None
    total: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: list[Query] = field(default_factory=list)
    db_ms: float = 0.0  # time spent in the database on the counted request
    slowest: list[tuple[Query, list[str]]] = field(default_factory=list)  # the 3 slowest, with their plans

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def query_count(self) -> int | None:
        return len(self.queries) if self.ok else None

    @property
    def overhead_count(self) -> int | None:
        return overhead_statements(self.queries) if self.ok else None


@dataclass
class ExportResult:
    key: str
    label: str
    path: str
    status: str
    username: str = ""
    streamed: bool = False
    seconds: float | None = None
    rows: int | None = None
    megabytes: float | None = None
    rss_peak_mb: float | None = None  # rise in the process's peak resident memory while streaming
    tracemalloc_peak_mb: float | None = None  # peak Python allocations while streaming
    queries: list[Query] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def peak_mb(self) -> float | None:
        values = [v for v in (self.rss_peak_mb, self.tracemalloc_peak_mb) if v is not None]
        return max(values) if values else None


# --- Helpers ----------------------------------------------------------------------------------------------


def exists(path: str) -> bool:
    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (with 14 samples the 95th is the slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


_TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S | re.I)
_ROW = re.compile(r"<tr\b", re.I)
_HEADING = re.compile(r"<h([12])\b[^>]*>(.*?)</h\1>", re.S | re.I)
_BRACKETED = re.compile(r"\((\d[\d,]*)\)")
_ADMIN_PAGINATOR = re.compile(r'<nav class="paginator".*?</nav>', re.S)
_TAG = re.compile(r"<[^>]+>")


def rows_shown(html: str) -> int:
    return sum(len(_ROW.findall(body)) for body in _TBODY.findall(html))


def rows_total(html: str, how: str) -> int | None:
    if how == "heading":
        numbers = [int(n.replace(",", "")) for _, text in _HEADING.findall(html) for n in _BRACKETED.findall(text)]
        return sum(numbers) if numbers else None
    if how == "admin":
        nav = _ADMIN_PAGINATOR.search(html)
        if nav:
            text = _TAG.sub(" ", re.sub(r"<ul>.*?</ul>", " ", nav.group(0), flags=re.S))
            match = re.search(r"(\d[\d,]*)\s+(?:cases?|results?)", text)
            if match:
                return int(match.group(1).replace(",", ""))
    return None


def _queries(ctx: CaptureQueriesContext) -> list[Query]:
    """Every statement the request ran (transaction statements included, as assertNumQueries counts them)."""
    return [Query(q["sql"], float(q["time"]) * 1000) for q in ctx.captured_queries]


def _is_session_write(query: Query | None) -> bool:
    return query is not None and query.sql.lstrip().startswith('UPDATE "django_session"')


def overhead_statements(queries: list[Query]) -> int:
    """Statements every signed-in request pays before and after the view: the session read, the user (with their
    permissions: sendportal.auth_backends), and, once a minute, the session save that pushes its
    expiry on (sendportal.middleware; BEGIN/UPDATE/COMMIT with Django's store)."""
    n = 0
    for i, q in enumerate(queries):
        sql = q.sql.strip()
        before = queries[i - 1] if i else None
        after = queries[i + 1] if i + 1 < len(queries) else None
        if (
            '"django_session"' in sql
            or (  # the signed-in user with their permissions (a get(): LIMIT 21), not a page's own list of users
                sql.startswith('SELECT "auth_user".') and 'WHERE "auth_user"."id" =' in sql and sql.endswith("LIMIT 21")
            )
            # a user's permissions read on their own (a user not loaded by sendportal.auth_backends), not a page's
            # list of users who hold a permission
            or (sql.startswith('SELECT "django_content_type"."app_label"') and 'FROM "auth_permission"' in sql)
            or (sql.upper().startswith("BEGIN") and _is_session_write(after))
            or (sql.upper() == "COMMIT" and _is_session_write(before))
        ):
            n += 1
    return n


def _timer(into: list[Query]):
    """An execute wrapper timing each query to the microsecond (the captured times are rounded to 1 ms)."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            try:
                text = connection.ops.last_executed_query(context["cursor"], sql, params)
            except Exception:
                text = sql
            into.append(Query(text, ms))

    return wrapper


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


_clients: dict[str, Client] = {}


def client_for(username: str) -> Client:
    if username not in _clients:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        _clients[username] = client
    return _clients[username]


def reset_clients() -> None:
    """Forget the signed-in clients (their sessions went with the previous database)."""
    _clients.clear()


# --- Pages ------------------------------------------------------------------------------------------------


@dataclass
class _Timing:
    spec: PageSpec
    result: PageResult
    client: Client | None = None
    times: list[float] = field(default_factory=list)


def _prepare(spec: PageSpec, fx: Fixture) -> _Timing:
    """The page's client and path (after the search POST for a search page), or a result saying why not."""
    path = spec.url(fx)
    timing = _Timing(spec, PageResult(spec.key, spec.label, spec.username, path or "", "not built"))
    if path is None:
        timing.result.status = "nothing to show"
        return timing
    if not exists(path):
        return timing
    try:
        client = client_for(spec.username)
        if spec.search:
            term = misspell(fx.surname) if spec.misspelt else fx.surname
            response = client.post(path, {"q": term, "keep": ""})
            if response.status_code != 302:
                timing.result.status = f"HTTP {response.status_code} on the search POST"
                return timing
            timing.result.path = response["Location"]
    except Exception as exc:  # a page still being built must not stop the run
        timing.result.status = f"error: {type(exc).__name__}: {str(exc)[:200]}"
        return timing
    timing.client = client
    timing.result.status = "timing"
    return timing


def _time_one(timing: _Timing) -> None:
    try:
        if timing.spec.cold_cache:
            forget_kept_figures()
        started = time.perf_counter()
        response = timing.client.get(timing.result.path)
        _body(response)
        timing.times.append(time.perf_counter() - started)
        if response.status_code != 200:
            timing.result.status = f"HTTP {response.status_code}"
    except Exception as exc:
        timing.result.status = f"error: {type(exc).__name__}: {str(exc)[:200]}"


def _finish(timing: _Timing) -> PageResult:
    """Count and time the queries of one more request, read the rows, and work out the median and p95."""
    result = timing.result
    try:
        timed: list[Query] = []
        if timing.spec.cold_cache:
            forget_kept_figures()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(_timer(timed)):
            body = _body(timing.client.get(result.path))
    except Exception as exc:
        result.status = f"error: {type(exc).__name__}: {str(exc)[:200]}"
        return result
    times = timing.times[1:]  # the first request warms caches
    html = body.decode("utf-8", "replace")
    result.status = "ok"
    result.shown = rows_shown(html)
    result.total = rows_total(html, timing.spec.total) if timing.spec.total else None
    result.median_ms = statistics.median(times) * 1000
    result.p95_ms = percentile(times, 95) * 1000
    result.queries = _queries(ctx)
    result.db_ms = sum(q.ms for q in timed)
    # Plans now, while this size's database is still there.
    result.slowest = [(q, explain(q.sql)) for q in sorted(timed, key=lambda q: q.ms, reverse=True)[:3]]
    return result


def measure_pages(fx: Fixture, repeat: int, log=print) -> list[PageResult]:
    """Every page `repeat` times, in rounds: each round requests every page once, in turn, so a change in the
    machine's speed during the run (other work, thermal limits) falls on every page and on the admin
    changelist alike instead of on whichever page was being timed at that moment."""
    timings = [_prepare(spec, fx) for spec in PAGES]
    for _ in range(max(repeat, 2)):
        for timing in timings:
            if timing.result.status == "timing":
                _time_one(timing)
    results = []
    for timing in timings:
        result = _finish(timing) if timing.result.status == "timing" else timing.result
        if result.ok:
            log(f"    {result.label}: {result.median_ms:.1f} ms median, {result.query_count} queries")
        else:
            log(f"    {result.label}: {result.status}")
        results.append(result)
    return results


# --- Exports ----------------------------------------------------------------------------------------------


def _rss_kb(field_name: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Linux lets a process reset its own peak resident size (VmHWM) to the current one."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def _lines(chunks):
    """Text lines (newline kept) from byte chunks that may split a line or a character anywhere."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    for chunk in chunks:
        text = pending + (decoder.decode(chunk) if isinstance(chunk, bytes) else chunk)
        *complete, pending = text.split("\n")
        for line in complete:
            yield line + "\n"
    if pending:
        yield pending


def _stream(response):
    if getattr(response, "streaming", False):
        yield from response.streaming_content
    else:
        yield response.content


def measure_export(key: str, label: str, path: str, log=print) -> ExportResult:
    result = ExportResult(key, label, path, "not built")
    if not exists(path):
        log(f"    {label}: not built")
        return result
    try:
        # Pass 1, timed: every byte through, nothing kept; peak resident memory measured around it. A case
        # export writes an "exported" event on every case in it, so it is not repeated more than needed.
        for username in EXPORT_USERS:
            client = client_for(username)
            gc.collect()
            rss_reset = _reset_peak_rss()
            rss_before = _rss_kb("VmRSS")
            started = time.perf_counter()
            response = client.get(path)
            size = 0
            for chunk in _stream(response):
                size += len(chunk)
            result.seconds = time.perf_counter() - started
            hwm = _rss_kb("VmHWM")
            if response.status_code == 200:
                result.username = username
                break
            result.status = f"HTTP {response.status_code}"
        else:
            log(f"    {label}: {result.status} for {', '.join(EXPORT_USERS)}")
            return result
        if rss_reset and rss_before is not None and hwm is not None:
            result.rss_peak_mb = max(hwm - rss_before, 0) / 1024
        result.streamed = bool(getattr(response, "streaming", False))
        result.megabytes = size / MB

        # Pass 2, untimed: peak Python allocations, the rows and the queries.
        gc.collect()
        tracemalloc.start()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
            rows = sum(1 for _ in csv.reader(_lines(_stream(response))))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code} on the second request")
        result.tracemalloc_peak_mb = peak / MB
        result.rows = max(rows - 1, 0)
        result.queries = _queries(ctx)
        result.status = "ok"
    except Exception as exc:
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        result.status = f"error: {type(exc).__name__}: {str(exc)[:200]}"
    if result.ok:
        log(
            f"    {label}: {result.rows:,} rows in {result.seconds:.1f} s, peak {result.peak_mb:.0f} MB, "
            f"{len(result.queries)} queries"
        )
    else:
        log(f"    {label}: {result.status}")
    return result


def measure_exports(log=print) -> list[ExportResult]:
    return [measure_export(key, label, path, log) for key, label, path in EXPORTS]


# --- Looking into a slow or chatty page ---------------------------------------------------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def repeated(queries: list[Query], at_least: int = 2) -> list[tuple[int, str]]:
    """Query shapes run more than once (literals replaced by ?): the sign of a query per row."""
    shapes = Counter(_LITERAL.sub("?", q.sql) for q in queries)
    return [(n, shape) for shape, n in shapes.most_common() if n >= at_least]


def explain(sql: str) -> list[str]:
    """The database's plan for one captured SELECT (its literals are already in the SQL)."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
    except Exception as exc:
        return [f"(no plan: {type(exc).__name__})"]
    if connection.vendor == "sqlite":
        return [str(row[-1]) for row in rows]
    return [str(row[0]) for row in rows]
