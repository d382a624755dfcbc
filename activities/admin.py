"""Admin of the activities app: saves through the same services as the pages, with the form's field list."""

from django.contrib import admin

from registry.admin import DictionaryItemAdmin, ScopedModelAdmin

from . import services
from .forms import ActivityForm, ParticipationForm
from .models import Activity, ActivityTheme, Participation


@admin.register(ActivityTheme)
class ActivityThemeAdmin(DictionaryItemAdmin):
    create_service = staticmethod(services.activity_theme_create)
    update_service = staticmethod(services.activity_theme_update)
    delete_service = staticmethod(services.activity_theme_delete)


@admin.register(Activity)
class ActivityAdmin(ScopedModelAdmin):
    fields = ActivityForm.Meta.fields
    list_display = ["title", "kind", "start_at", "region", "status", "headcount", "donation_amount"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "place"]
    date_hierarchy = "start_at"
    autocomplete_fields = ["organizations", "covered_regions", "themes"]
    raw_id_fields = ["venue", "team"]
    list_select_related = ["region"]

    create_service = staticmethod(services.activity_create)
    update_service = staticmethod(services.activity_update)
    delete_service = staticmethod(services.activity_delete)


@admin.register(Participation)
class ParticipationAdmin(ScopedModelAdmin):
    fields = ParticipationForm.Meta.fields
    list_display = ["display_name", "activity", "role", "hours"]
    list_filter = ["role"]
    search_fields = ["name", "activity__title"]
    raw_id_fields = ["activity", "representative"]
    list_select_related = ["activity", "representative"]

    create_service = staticmethod(services.participation_create)
    update_service = staticmethod(services.participation_update)
    delete_service = staticmethod(services.participation_delete)
