import logging
from functools import wraps

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

logger = logging.getLogger("sendportal.admin")

MAX_ID = 2**63 - 1
# What the admin's own lookups raise on a value they cannot use: a filter or a selected row that is not an id,
# a date part out of range. They used to give server errors (issue 10, section 3.5).
UNUSABLE_VALUE_ERRORS = (ValueError, OverflowError, ValidationError)


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


def _bad_request(request, reason: str):
    # The path only: query strings and posted values can hold anything.
    logger.warning("admin request refused (400): %s path=%s user=%s", reason, request.path, request.user.pk)
    return render(request, "400.html", status=400)


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

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses what it cannot use with a 400 rather than a server error: selected rows that
        are not ids, and filter values its lookups cannot use (raised while the page renders, so it renders here).
        Every model in this admin has whole-number ids."""

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.method == "POST" and not all(_is_id(v) for v in request.POST.getlist("_selected_action")):
                return _bad_request(request, "selected rows that are not ids")
            try:
                response = view(request, *args, **kwargs)
                if isinstance(response, TemplateResponse) and not response.is_rendered:
                    response.render()
            except UNUSABLE_VALUE_ERRORS as exc:
                return _bad_request(request, f"a value the admin cannot use ({type(exc).__name__})")
            return response

        # Inside the admin's own wrapper: who may see the page is checked first.
        return super().admin_view(guarded, cacheable)


class ReadOnlyModelAdmin(ModelAdmin):
    """A model the portal itself writes (with its timeline and audit entries): the admin lists and shows its rows
    and never adds, changes or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _register_user_admin():
    """The portal's user in the admin with Django's own user admin (its forms work on any AbstractUser)."""
    from django.contrib import admin
    from django.contrib.auth.admin import UserAdmin

    from .models import User

    admin.site.register(User, UserAdmin)


_register_user_admin()
