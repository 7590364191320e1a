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
