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
