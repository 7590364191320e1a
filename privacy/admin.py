from django.contrib import admin

from sendportal.admin import ReadOnlyModelAdmin

from .models import CaseRetention, RetentionAction


@admin.register(RetentionAction)
class RetentionActionAdmin(ReadOnlyModelAdmin):
    """The schedule's own record: read-only here (it is append-only)."""

    list_display = ["happened_at", "case_id", "step", "run"]
    list_filter = ["step"]
    readonly_fields = ["case_id", "step", "run", "happened_at", "details"]


@admin.register(CaseRetention)
class CaseRetentionAdmin(admin.ModelAdmin):
    """Legal holds are placed and lifted on the data protection pages (with the timeline entry); read-only here."""

    list_display = ["case", "stage", "legal_hold", "hold_since", "delete_due_on"]
    list_filter = ["stage", "legal_hold"]
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "stage",
        "anonymised_at",
        "delete_due_on",
        "legal_hold",
        "hold_reason",
        "hold_by",
        "hold_since",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
