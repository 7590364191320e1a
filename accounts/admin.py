from django.contrib import admin

from .models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Which council identity signs in as which portal user (made at their first single sign-on)."""

    list_display = ["user", "issuer", "created_at", "last_sign_in_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request):
        return False
