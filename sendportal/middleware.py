import time

from django.utils.cache import patch_cache_control


class NoStoreForSignedInMiddleware:
    """Signed-in pages must never be kept by the browser or a proxy (shared council PCs; ASVS V14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, must_revalidate=True, private=True)
        return response


class SessionIdleRefreshMiddleware:
    """The 30-minute idle timeout (security.md) without a database write on every request: a signed-in session's
    expiry is pushed on at most once a minute (Django saves a session only when it changes; this changes it when its
    last refresh is a minute old). A session therefore ends between 29 and 30 minutes after the last request."""

    KEY = "_refreshed"
    EVERY_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and not session.modified:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.EVERY_SECONDS:
                session[self.KEY] = now
        elif session is not None and session.modified and not session.is_empty():
            session[self.KEY] = int(time.time())  # saved anyway: note when
        return response


def note_session_refreshed(sender, request, user, **kwargs):
    """Signing in saves the session: note when, so the next minute's requests need not (user_logged_in)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionIdleRefreshMiddleware.KEY] = int(time.time())


class RefuseNulInQueryStringMiddleware:
    """A NUL byte in a query string is never typed by a person, and PostgreSQL refuses it in any text it is sent
    (a list's filter or search became a server error): such a request gets a 400 page before any view runs.
    Posted forms keep their own messages (Django's form fields refuse NUL bytes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            from django.shortcuts import render

            return render(request, "400.html", status=400)
        return self.get_response(request)


# Browser features the portal never uses, denied to it and to anything embedded in it (ASVS V3.4).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "battery", "bluetooth", "camera", "display-capture",
        "encrypted-media", "gamepad", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
        "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
        "serial", "usb", "web-share", "xr-spatial-tracking",
    )
)  # fmt: skip


class PermissionsPolicyMiddleware:
    """Every response says which browser features the page may use: none of the powerful ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ClientErrorLogMiddleware:
    """Each 403 and 404 is logged once, as one line: status, path (never the query string, which can hold a
    search) and the user's id, with no traceback. Django's own django.request lines for them are dropped by
    sendportal.log_filters.DropClientErrorRecords, which logged 403s with a traceback."""

    STATUSES = (403, 404)

    def __init__(self, get_response):
        import logging

        self.get_response = get_response
        self.logger = logging.getLogger("sendportal.requests")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in self.STATUSES:
            user = getattr(request, "user", None)
            who = user.pk if user is not None and user.is_authenticated else "-"
            self.logger.warning("%s %s user=%s", response.status_code, request.path, who)
        return response
