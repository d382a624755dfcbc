"""Django admin for the registry core, and ScopedModelAdmin that every app's admin builds on."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render

from registry.forms import protect_personal_fields
from registry.history import history_for
from registry.models import AccessLog, ImportRecord, Region, User
from registry.permissions import may_widen_scope
from registry.personal import can_see_personal
from registry.roles import ROLE_NAMES
from registry.scoping import ensure_still_visible, narrow_choices, user_is_unrestricted


class ScopedModelAdmin(admin.ModelAdmin):
    """A changelist, form and history limited to the user's region scope.

    Records outside the scope do not exist for the user (404); foreign-key choices are
    narrowed to the scope; a save that would move a record out of it is refused.
    """

    history_personal_fields: dict[str, str] = {}  # {field: "mobile" | "id_number"}, masked in 变更记录
    # {field: "mobile" | "id_number"}: masked in the change form (and 变更记录) unless the user may see them
    personal_fields: dict[str, str] = {}

    def get_queryset(self, request):
        return narrow_choices(super().get_queryset(request), request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self.personal_fields or can_see_personal(request.user):
            return form
        personal, user = self.personal_fields, request.user

        class ProtectedForm(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                protect_personal_fields(self, personal, user)

        return ProtectedForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = narrow_choices(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = narrow_choices(field.queryset, request.user)
        return field

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # the admin's change view runs in a transaction: raising here rolls the save back
        if not user_is_unrestricted(request.user) and hasattr(type(obj).objects, "visible_to"):
            ensure_still_visible(request.user, obj)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects with "may have been deleted"; outside the scope the
        # record must not be confirmed to exist at all.
        raise Http404("记录不存在或不在您的管辖区域内。")

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("记录不存在或不在您的管辖区域内。")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": f"变更记录：{obj}",
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "history": history_for(
                obj,
                personal=self.history_personal_fields or self.personal_fields,
                clear=can_see_personal(request.user),
            ),
            **(extra_context or {}),
        }
        return render(request, "admin/tracked_object_history.html", context)


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    list_display = ["name", "code", "level", "parent", "path"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    ordering = ["path"]
    list_select_related = ["parent"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedModelAdmin):
    list_display = ["username", "full_name", "region", "all_regions", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "all_regions", "groups"]
    search_fields = ["username", "full_name", "department"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "department", "email"]}),
        ("管辖范围", {"fields": ["region", "all_regions"]}),
        ("角色与权限", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "region", "groups", "usable_password", "password1", "password2"],
            },
        ),
    ]
    # only a superuser grants these: they widen what an account may see
    restricted_fields = ["is_superuser", "all_regions", "user_permissions", "is_staff"]

    def get_readonly_fields(self, request, obj=None):
        fields = ["last_login", "date_joined"]
        if not may_widen_scope(request.user):
            fields += self.restricted_fields
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not may_widen_scope(request.user):
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_NAMES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and obj.region_id is None:
            raise PermissionDenied("请为该用户指定管辖区域。")
        super().save_model(request, obj, form, change)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "username", "action", "target_model", "target_repr", "fields", "ip_address"]
    list_filter = ["action", "target_model", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "target_repr", "reason", "ip_address"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.JSONField: {"disabled": True}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Read-only: an import record is written by the import workflow only."""

    list_display = ["created_at", "username", "model_label", "file_name", "status", "total_rows", "error_count"]
    list_filter = ["status", "model_label", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "file_name", "file_sha256"]
    date_hierarchy = "created_at"
    exclude = ["file_content"]

    def get_queryset(self, request):
        return ImportRecord.objects.visible_to(request.user).defer("file_content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
