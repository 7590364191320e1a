from django.contrib import admin

from .models import Case, CaseEvent, HealthBody, NonWorkingDay, School


class DeactivateInsteadOfDeleteMixin:
    """Reference data that cases refer to is deactivated, never deleted."""

    actions = ["deactivate", "reactivate"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Deactivate selected")
    def deactivate(self, request, queryset):
        count = queryset.update(active=False)
        self.message_user(request, f"{count} deactivated")

    @admin.action(description="Reactivate selected")
    def reactivate(self, request, queryset):
        count = queryset.update(active=True)
        self.message_user(request, f"{count} reactivated")


@admin.register(School)
class SchoolAdmin(DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "urn", "phase", "postcode", "active"]
    list_filter = ["phase", "active"]
    search_fields = ["name", "urn", "postcode"]


@admin.register(HealthBody)
class HealthBodyAdmin(DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "ods_code", "email", "active"]
    list_filter = ["active"]
    search_fields = ["name", "ods_code"]


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    list_display = ["day", "title", "active"]
    list_filter = ["active"]
    search_fields = ["title"]
    date_hierarchy = "day"


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only view for superusers (and the benchmark's baseline); officers work in the portal."""

    list_display = ["reference", "status", "route", "decision", "officer", "decision_sent_on", "created_at"]
    list_filter = ["status", "route", "decision"]
    search_fields = ["reference"]
    list_select_related = ["officer"]
    show_full_result_count = True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "description", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
