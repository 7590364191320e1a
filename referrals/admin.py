from django import forms
from django.contrib import admin

from cases.admin import DeactivateInsteadOfDeleteMixin, SafeAutocompleteMixin

from .models import MediationProvider, Mediator


@admin.register(MediationProvider)
class MediationProviderAdmin(DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    list_display = ["name", "contact_name", "email", "contract_share", "share_changed_on", "active"]
    list_filter = ["active", "offers_mediation", "offers_drs"]
    search_fields = ["name", "contact_name", "email"]


class MediatorAdminForm(forms.ModelForm):
    specialisms = forms.MultipleChoiceField(
        choices=Mediator.Specialism.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Mediator
        fields = [
            "user",
            "provider",
            "accreditation",
            "specialisms",
            "languages",
            "max_active_cases",
            "available_from",
            "employed_by_la",
            "active",
            "conflict_schools",
            "conflict_notes",
        ]


@admin.register(Mediator)
class MediatorAdmin(SafeAutocompleteMixin, DeactivateInsteadOfDeleteMixin, admin.ModelAdmin):
    form = MediatorAdminForm
    list_display = [
        "__str__",
        "provider",
        "accreditation",
        "languages",
        "max_active_cases",
        "available_from",
        "employed_by_la",
        "active",
    ]
    list_filter = ["provider", "active", "employed_by_la"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "accreditation", "languages"]
    list_select_related = ["user", "provider"]
    autocomplete_fields = ["conflict_schools"]
    raw_id_fields = ["user"]
