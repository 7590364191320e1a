"""Project-level views: the home redirect, the load balancer's health check and the server-error handler."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

logger = logging.getLogger("sendportal.availability")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
"""What the database raises when it cannot answer: down, restarting, unreachable, out of connections, or a
statement cancelled by the statement timeout (psycopg's QueryCanceled is an OperationalError)."""

HEALTH_CHECK_TIMEOUT_MS = 2000
"""The health check's query gives up after this long: a load balancer polls every few seconds and must not
queue its checks behind a slow database."""


def home(request):
    """Send each role to where its work is."""
    if request.user.has_perm("cases.view_case"):
        return redirect("dashboards:my_work")
    if request.user.has_perm("referrals.act_as_mediator"):
        return redirect("dashboards:mediator")
    if request.user.has_perm("privacy.view_access_log"):
        return redirect("privacy:home")
    return render(request, "home.html")


def database_answers() -> bool:
    """Whether the database answers a trivial query within HEALTH_CHECK_TIMEOUT_MS (the connection's own
    connect timeout bounds reaching it at all)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(HEALTH_CHECK_TIMEOUT_MS)])
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except DATABASE_UNAVAILABLE as exc:
        logger.warning("health check: the database did not answer (%s)", type(exc).__name__)
        return False


@login_not_required
@never_cache
def healthz(request):
    """Load-balancer health check: no session, no data. 200 while the database answers; 503 with Retry-After
    while it does not, so the load balancer stops sending traffic until it answers again."""
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    response = JsonResponse({"status": "unavailable", "database": "unavailable"}, status=503)
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    return response


def service_unavailable() -> HttpResponse:
    """The clean 'try again shortly' page, rendered without the request: no session, user or database."""
    body = loader.get_template("503.html").render({"retry_after": settings.SERVICE_UNAVAILABLE_RETRY_AFTER})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception, *args, **kwargs):
    """handler400. A session save refused because the database cannot answer reaches here as Django's "session
    interrupted" (a 400, raised while handling the database error): that is the 503 page, as any other outage is.
    Anything else is Django's own 400 page."""
    cause = exception
    while cause is not None:
        if isinstance(cause, DATABASE_UNAVAILABLE):
            return service_unavailable()
        cause = cause.__cause__ or cause.__context__
    from django.views.defaults import bad_request as django_bad_request

    return django_bad_request(request, exception, *args, **kwargs)


def server_error(request, *args, **kwargs):
    """handler500. Django calls it inside the `except` that caught the exception, from a view or any middleware
    (the session save included). A database that cannot answer is a 503 the load balancer and the browser can
    retry; the transaction the request was in has been rolled back, so nothing is half saved. Anything else is
    Django's plain 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return service_unavailable()
    body = loader.get_template("500.html").render()
    return HttpResponseServerError(body)
