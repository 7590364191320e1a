from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


class SuperuserAdminSite(AdminSite):
    site_header = "sendportal administration"
    site_title = "sendportal admin"
    index_title = "Reference data"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    @login_not_required
    def login(self, request, extra_context=None):
        """The portal's own sign-in, never the admin's: it is the one that asks administrators for their
        security code (accounts.views)."""
        url = reverse("login")
        if next_url := request.GET.get(REDIRECT_FIELD_NAME):
            url += "?" + urlencode({REDIRECT_FIELD_NAME: next_url})
        return redirect(url)
