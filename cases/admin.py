from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple

from sendportal.admin import ReadOnlyModelAdmin

from .models import Case, CaseEvent, HealthBody, NonWorkingDay, School

MAX_ID = 2**63 - 1


def is_id(value) -> bool:
    """A value that can be a row's id (a whole number the database can hold)."""
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class _OnlyIdsLookedUp:
    """Re-showing a refused form looks up the chosen rows by id: a posted value that cannot be an id ("abc", a NUL
    byte) is left out of that lookup (it gave a server error) while the form still refuses it with a message."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class SafeAutocompleteSelect(_OnlyIdsLookedUp, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_OnlyIdsLookedUp, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """Autocomplete fields whose refused values never break the form's page (issue 10, section 3.5)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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
    list_display = ["name", "setting_type", "urn", "phase", "postcode", "active"]
    list_filter = ["setting_type", "phase", "active"]
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
class CaseAdmin(ReadOnlyModelAdmin):
    """Read-only view for superusers (and the benchmark's baseline); officers work in the portal."""

    list_display = ["reference", "status", "route", "decision", "officer", "decision_sent_on", "created_at"]
    list_filter = ["status", "route", "decision"]
    search_fields = ["reference"]
    list_select_related = ["officer"]
    show_full_result_count = True


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyModelAdmin):
    list_display = ["case", "kind", "description", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]
