"""Letter templates and support services in the admin. Templates are checked when saved (LetterTemplate.clean via
the admin's model form): each problem is shown against the subject or body with its line."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from cases.admin import DeactivateInsteadOfDeleteMixin
from sendportal.admin import ReadOnlyModelAdmin

from .models import Letter, LetterTemplate, SupportService
from .sandbox import FIELDS


@admin.register(SupportService)
class SupportServiceAdmin(DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "email", "area", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "area"]
    fields = ["kind", "name", "phone", "email", "website", "area", "active"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """One template per kind of letter (made by a migration): they can be changed, never added or deleted."""

    list_display = ["__str__", "subject", "updated_at"]
    fields = ["kind_name", "subject", "body", "fields_you_can_use"]
    readonly_fields = ["kind_name", "fields_you_can_use"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Letter")
    def kind_name(self, obj):
        return obj.get_kind_display()

    @admin.display(description="Fields you can use")
    def fields_you_can_use(self, obj):
        rows = format_html_join(
            "", "<li><code>{{{{ {} }}}}</code>: {}</li>", ((name, text) for name, text in FIELDS.items())
        )
        return format_html(
            "<p>Write a field as its name between double braces. Nothing else in braces is allowed: no tags, "
            "filters, dots or brackets.</p><ul>{}</ul>",
            rows,
        )


@admin.register(Letter)
class LetterAdmin(ReadOnlyModelAdmin):
    """Letters recorded as sent: read only (officers record them from the case page)."""

    list_display = ["case", "kind", "sent_on", "method", "sent_by"]
    list_filter = ["kind", "method"]
    list_select_related = ["case", "sent_by"]
