"""Django admin for the organizations app, scoped by region through ScopedModelAdmin."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from registry.admin import ScopedModelAdmin

from . import services
from .models import (
    AnnualSurvey,
    Assignment,
    Industry,
    Liaison,
    Organization,
    Pairing,
    PartyCoverage,
    PartyOrganization,
    Venue,
)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


class SurveyInline(admin.TabularInline):
    model = AnnualSurvey
    extra = 0
    fields = [
        "year",
        "staff_count",
        "party_member_count",
        "probationary_member_count",
        "mobile_party_member_count",
        "surveyed_on",
    ]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["liaison"]
    fields = ["liaison", "role", "start_date", "end_date", "remarks"]


@admin.register(Organization)
class OrganizationAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    delete_service = staticmethod(services.organization_delete)
    list_display = ["name", "credit_code", "kind", "region", "industry", "status", "rating", "updated_at"]
    list_filter = ["kind", "status", "industry", "rating", "is_hub", "on_abnormal_list"]
    search_fields = ["name", "credit_code", "name_initials"]
    autocomplete_fields = ["region"]
    list_select_related = ["region", "industry"]
    readonly_fields = ["name_initials", "created_at", "updated_at"]
    inlines = [SurveyInline, AssignmentInline]


@admin.register(AnnualSurvey)
class AnnualSurveyAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.survey_create)
    update_service = staticmethod(services.survey_update)
    list_display = ["organization", "year", "staff_count", "party_member_count", "mobile_party_member_count"]
    list_filter = ["year"]
    search_fields = ["organization__name", "organization__credit_code"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]


class CoverageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        kind = self.data.get("kind", self.instance.kind)
        try:
            services.check_coverage(kind, [f.cleaned_data["organization"] for f in kept])
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class CoverageInline(admin.TabularInline):
    model = PartyCoverage
    formset = CoverageFormSet
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.party_organization_create)
    update_service = staticmethod(services.party_organization_update)
    list_display = ["name", "kind", "tier", "parent", "region", "secretary", "member_count"]
    list_filter = ["tier", "kind", "industry"]
    search_fields = ["name", "secretary"]
    autocomplete_fields = ["parent", "region"]
    list_select_related = ["parent", "region"]
    inlines = [CoverageInline]


@admin.register(Liaison)
class LiaisonAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.liaison_create)
    update_service = staticmethod(services.liaison_update)
    list_display = ["name", "work_unit", "post", "region", "is_party_member"]
    list_filter = ["is_party_member"]
    search_fields = ["name", "work_unit", "name_initials"]
    autocomplete_fields = ["region"]
    readonly_fields = ["name_initials"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.assignment_create)
    update_service = staticmethod(services.assignment_update)
    list_display = ["liaison", "role", "organization", "start_date", "end_date"]
    list_filter = ["role"]
    search_fields = ["liaison__name", "organization__name"]
    autocomplete_fields = ["liaison", "organization"]
    list_select_related = ["liaison", "organization"]
    date_hierarchy = "start_date"


@admin.register(Pairing)
class PairingAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.pairing_create)
    update_service = staticmethod(services.pairing_update)
    list_display = ["party_organization", "partner_name", "partner_kind", "since", "is_active"]
    list_filter = ["partner_kind", "is_active"]
    search_fields = ["partner_name", "party_organization__name"]
    autocomplete_fields = ["party_organization"]


@admin.register(Venue)
class VenueAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.venue_create)
    update_service = staticmethod(services.venue_update)
    list_display = ["name", "kind", "level", "region", "operating_organization", "opened_date"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region", "operating_organization"]
