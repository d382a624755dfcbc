"""Admin of tracked items: saves through the same services; the state moves only through the life cycle."""

from django.contrib import admin

from registry.admin import DictionaryItemAdmin, ScopedModelAdmin, ServiceModelAdmin

from . import services
from .forms import ConsultationForm, DepartmentForm, MeetingForm
from .models import Consultation, Department, Meeting, OpinionCategory, TrackedItem


@admin.register(Department)
class DepartmentAdmin(ServiceModelAdmin):
    fields = DepartmentForm.Meta.fields
    list_display = ["name", "kind", "is_conference_member", "contact_name", "sort_order", "is_active"]
    list_filter = ["kind", "is_conference_member"]
    search_fields = ["name", "contact_name"]
    filter_horizontal = ["contacts"]

    create_service = staticmethod(services.department_create)
    update_service = staticmethod(services.department_update)
    delete_service = staticmethod(services.department_delete)


@admin.register(OpinionCategory)
class OpinionCategoryAdmin(DictionaryItemAdmin):
    create_service = staticmethod(services.opinion_category_create)
    update_service = staticmethod(services.opinion_category_update)
    delete_service = staticmethod(services.opinion_category_delete)


@admin.register(Consultation)
class ConsultationAdmin(ScopedModelAdmin):
    fields = ConsultationForm.Meta.fields
    list_display = ["topic", "held_on", "region"]
    search_fields = ["topic"]
    raw_id_fields = ["participants"]

    create_service = staticmethod(services.consultation_create)
    update_service = staticmethod(services.consultation_update)
    delete_service = staticmethod(services.consultation_delete)


@admin.register(Meeting)
class MeetingAdmin(ScopedModelAdmin):
    fields = MeetingForm.Meta.fields
    list_display = ["title", "kind", "held_on"]
    search_fields = ["title"]

    create_service = staticmethod(services.meeting_create)
    update_service = staticmethod(services.meeting_update)
    delete_service = staticmethod(services.meeting_delete)


@admin.register(TrackedItem)
class TrackedItemAdmin(ScopedModelAdmin):
    """Read the items and fix what was reported; 交办, 答复 and 评价 only on the item's page (the life cycle)."""

    fields = ["title", "content", "region", "submitted_on", "category", "adoption_level", "instruction_level"]
    readonly_fields = ["kind", "state"]
    list_display = ["title", "kind", "state", "lead_department", "due_date"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]

    update_service = staticmethod(services.item_update)
    delete_service = staticmethod(services.item_delete)

    def has_add_permission(self, request):
        return False
