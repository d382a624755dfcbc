"""Django admin of the pool: scoped like the pages, numbers masked, rules through the services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from registry.admin import ScopedModelAdmin
from registry.scoping import narrow_choices

from . import selectors, services
from .choices import PoolLevel, PoolStatus
from .forms import NominationForm
from .models import (
    Attendance,
    Evaluation,
    Membership,
    MergeRecord,
    Nomination,
    Representative,
    ServiceGroup,
    Specialty,
    StatusChange,
    Training,
)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


class ScopedInline:
    """An inline lists only the rows of the user's scope (a district training has attendees of every street)."""

    def get_queryset(self, request):
        return narrow_choices(super().get_queryset(request), request.user)


class NominationAdminForm(forms.ModelForm):
    """The nomination rule of talents.services, for the admin's forms and inlines too."""

    class Meta:
        model = Nomination
        fields = NominationForm.Meta.fields  # the field list is the page form's, written once

    def clean(self):
        cleaned = super().clean()
        representative = cleaned.get("representative") or getattr(self.instance, "representative", None)
        year = cleaned.get("year")
        is_new = self.instance.pk is None
        if representative is None or not year or not (is_new or {"representative", "year"} & set(self.changed_data)):
            return cleaned
        if representative.pk is None:
            raise ValidationError("请先保存代表人士（并完成综合评价），再添加推荐使用。")
        try:
            services.check_nomination(representative=representative, year=year)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return cleaned


class EvaluationInline(ScopedInline, admin.TabularInline):
    model = Evaluation
    extra = 0
    fields = [
        "year",
        "political_stance",
        "deliberation",
        "social_influence",
        "duty_performance",
        "grade",
        "evaluator",
        "evaluated_on",
    ]


class NominationInline(ScopedInline, admin.TabularInline):
    model = Nomination
    form = NominationAdminForm
    extra = 0
    fields = ["kind", "level", "year", "body", "post", "outcome", "term_end"]


class MembershipInline(ScopedInline, admin.TabularInline):
    """A person's service groups."""
    create_service = staticmethod(services.membership_create)
    update_service = staticmethod(services.membership_update)

    model = Membership
    extra = 0
    fields = ["group", "role", "joined_on", "left_on", "note"]
    autocomplete_fields = ["group"]


class MemberInline(ScopedInline, admin.TabularInline):
    """A group's members (of the user's scope)."""
    create_service = staticmethod(services.membership_create)
    update_service = staticmethod(services.membership_update)

    model = Membership
    extra = 0
    fields = ["representative", "role", "joined_on", "left_on", "note"]
    autocomplete_fields = ["representative"]


class StatusChangeInline(ScopedInline, admin.TabularInline):
    """Read-only: the status history is written by the status service (the list's actions)."""

    model = StatusChange
    extra = 0
    fields = ["changed_on", "from_status", "to_status", "level", "changed_by", "note"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-changed_on", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _status_action(to_status, level, description):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for representative in queryset:
            try:
                with transaction.atomic():
                    services.representative_change_status(
                        user=request.user,
                        representative=representative,
                        to_status=to_status,
                        level=level,
                        note="管理后台批量变更",
                    )
                done += 1
            except ValidationError as error:
                failed.append(f"{representative}：{'；'.join(error.messages)}")
        if done:
            modeladmin.message_user(request, f"已将{done}人变更为“{description}”。", messages.SUCCESS)
        for message in failed[:10]:
            modeladmin.message_user(request, message, messages.WARNING)

    act.__name__ = f"mark_{to_status}_{level or 'keep'}"
    act.short_description = f"将所选代表人士变更为：{description}"
    act.allowed_permissions = ("change",)
    return act


@admin.register(Representative)
class RepresentativeAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.representative_create)
    update_service = staticmethod(services.representative_update)
    delete_service = staticmethod(services.representative_delete)
    list_filter = ["status", "level", "political_affiliation", "stratum", "gender", "education", "discovery_channel"]
    search_fields = ["name", "name_initials", "organization_name", "organization__name"]
    autocomplete_fields = ["region", "organization"]
    filter_horizontal = ["specialties"]
    list_select_related = ["region", "organization"]
    readonly_fields = [
        "status",
        "level",
        "status_date",
        "merged_into",
        "name_initials",
        "created_at",
        "updated_at",
        "masked_id_number",
        "masked_mobile",
    ]
    inlines = [StatusChangeInline, EvaluationInline, NominationInline, MembershipInline]
    actions = [
        _status_action(PoolStatus.ADMITTED, PoolLevel.DISTRICT, "入库（区级）"),
        _status_action(PoolStatus.ADMITTED, PoolLevel.CITY, "入库（市级）"),
        _status_action(PoolStatus.KEY_CONTACT, "", "重点联系对象"),
        _status_action(PoolStatus.WITHDRAWN, "", "退出"),
    ]
    fieldsets = [
        (None, {"fields": ["name", "gender", "ethnicity", "birth_date", "id_number", "mobile"]}),
        (
            "政治面貌与工作",
            {
                "fields": [
                    "political_affiliation",
                    "education",
                    "title",
                    "organization",
                    "organization_name",
                    "position",
                    "stratum",
                    "specialties",
                    "discovery_channel",
                ]
            },
        ),
        ("所属区域与入库状态", {"fields": ["region", "status", "level", "status_date", "merged_into"]}),
        ("其他", {"fields": ["remarks", "name_initials", "created_at", "updated_at"]}),
    ]

    # the numbers masked for everyone, as on the pages (masked_* come from ScopedModelAdmin)
    list_display = [
        "name",
        "gender",
        "masked_mobile",
        "masked_id_number",
        "organization_label",
        "region",
        "status",
        "level",
        "updated_at",
    ]

    @admin.display(description="工作单位")
    def organization_label(self, obj):
        return obj.organization_display

    def get_search_results(self, request, queryset, search_term):
        # a whole ID number or mobile: the same exact, logged, permission-bound match as the pages
        if selectors.personal_term(search_term) is not None:
            return services.representative_personal_search(request=request, queryset=queryset, term=search_term), False
        return super().get_search_results(request, queryset, search_term)



@admin.register(Evaluation)
class EvaluationAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.evaluation_create)
    update_service = staticmethod(services.evaluation_update)
    list_display = [
        "representative",
        "year",
        "political_stance",
        "deliberation",
        "social_influence",
        "duty_performance",
        "grade",
        "evaluator",
    ]
    list_filter = ["year", "grade"]
    search_fields = ["representative__name", "representative__name_initials", "evaluator"]
    autocomplete_fields = ["representative"]
    list_select_related = ["representative"]


@admin.register(Nomination)
class NominationAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.nomination_create)
    update_service = staticmethod(services.nomination_update)
    form = NominationAdminForm
    list_display = ["representative", "kind", "level", "year", "body", "outcome", "term_end"]
    list_filter = ["kind", "level", "outcome", "year"]
    search_fields = ["representative__name", "representative__name_initials", "body", "post"]
    autocomplete_fields = ["representative"]
    list_select_related = ["representative"]


class AttendanceInline(ScopedInline, admin.TabularInline):
    create_service = staticmethod(services.attendance_create)
    update_service = staticmethod(services.attendance_update)
    model = Attendance
    extra = 0
    autocomplete_fields = ["representative"]


@admin.register(Training)
class TrainingAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.training_create)
    update_service = staticmethod(services.training_update)
    delete_service = staticmethod(services.training_delete)
    list_display = ["title", "held_on", "organizer", "hours", "region"]
    list_filter = ["organizer"]
    search_fields = ["title", "organizer", "location"]
    autocomplete_fields = ["region"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline]


@admin.register(ServiceGroup)
class ServiceGroupAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.service_group_create)
    update_service = staticmethod(services.service_group_update)
    delete_service = staticmethod(services.service_group_delete)
    list_display = ["name", "kind", "region", "founded_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["region"]
    inlines = [MemberInline]


@admin.register(MergeRecord)
class MergeRecordAdmin(ScopedModelAdmin):
    """Read-only: a merge is made on the 疑似重复 page through the merge service."""

    list_display = ["merged_at", "kept", "merged", "reason", "merged_by"]
    list_select_related = ["kept", "merged", "merged_by"]
    readonly_fields = ["kept", "merged", "reason", "note", "moved", "merged_by", "merged_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
