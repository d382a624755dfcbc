"""Admin of the activities app: saves through the same services as the pages, with the form's field list."""

from django.contrib import admin

from registry.admin import ServiceModelAdmin

from . import services
from .forms import ActivityThemeForm
from .models import ActivityTheme


@admin.register(ActivityTheme)
class ActivityThemeAdmin(ServiceModelAdmin):
    fields = ActivityThemeForm.Meta.fields
    list_display = ActivityThemeForm.Meta.fields
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]

    create_service = staticmethod(services.activity_theme_create)
    update_service = staticmethod(services.activity_theme_update)
    delete_service = staticmethod(services.activity_theme_delete)
