"""Django admin for the registry core, and ScopedModelAdmin that every app's admin builds on."""

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, quote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from registry import services
from registry.crud import scoped_create, scoped_delete, scoped_update
from registry.forms import protect_personal_fields
from registry.history import history_for
from registry.models import AccessLog, ImportRecord, Region, User
from registry.permissions import may_widen_scope
from registry.personal import mask_value, personal_fields
from registry.roles import ROLE_NAMES
from registry.scoping import narrow_choices, user_is_unrestricted


def _masked_display(name: str, kind: str):
    def display(obj):
        return mask_value(kind, getattr(obj, name, "")) or "—"

    return display




class _ServiceRefused(Exception):
    """A service refused an admin write; raised out of the view's transaction so that all of it rolls back."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def _refusal(error) -> ValidationError:
    if isinstance(error, PermissionDenied):  # a service's rule (a district's record, a save leaving the scope)
        return ValidationError(str(error) or "您没有执行该操作的权限。")
    if isinstance(error, (ProtectedError, RestrictedError)):
        related = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
        names = "、".join(sorted({str(o._meta.verbose_name) for o in related}))
        return ValidationError(f"仍有关联的{names}，请先处理这些记录。")
    return error


def _model_data(obj, form=None, stored=None) -> dict:
    """What the admin's form put on ``obj``, as the data a service takes: every field for a new record,
    the fields that differ from ``stored`` for an edit, and the form's many-to-many choices."""
    fields = [f for f in obj._meta.concrete_fields if f.editable and not f.primary_key]
    if stored is not None:
        fields = [f for f in fields if getattr(obj, f.attname) != getattr(stored, f.attname)]
    data = {f.name: getattr(obj, f.name) for f in fields}
    cleaned = getattr(form, "cleaned_data", None) or {}
    data.update({f.name: cleaned[f.name] for f in obj._meta.many_to_many if f.name in cleaned})
    return data


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            form.add_error(target, [message for item in errors for message in item.messages])
    else:
        form.add_error(None, error.messages)


def _flatten(items):
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _outside_scope(user, objects) -> set[tuple[type, object]]:
    """(model, pk) of those of ``objects`` the user may not see, in one query per model."""
    by_model: dict[type, set] = {}
    for obj in objects:
        if hasattr(type(obj).objects, "visible_to"):
            by_model.setdefault(type(obj), set()).add(obj.pk)
    hidden = set()
    for model, pks in by_model.items():
        visible = set(model.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
        hidden |= {(model, pk) for pk in pks - visible}
    return hidden


class ServiceModelAdmin(admin.ModelAdmin):
    """An admin that saves and deletes through the model's services, the ones the pages call.

    So every business rule (scope, pool level, merged records, nominations, coverage) holds in
    the admin too. A service's ValidationError rolls the whole save back and shows the same form
    again with the service's message; a refused delete is rolled back and explained.
    """

    # the model's services, as staticmethod(organization_create) etc.; registry.crud's scoped
    # create/update/delete when None. The inlines of other admins write this model through them too.
    create_service = None
    update_service = None
    delete_service = None

    def _scoped(self) -> bool:
        return hasattr(self.model.objects, "visible_to")

    def service_create(self, request, data: dict):
        if self.create_service is not None:
            return self.create_service(user=request.user, data=data)
        return scoped_create(user=request.user, model=self.model, data=data)

    def service_update(self, request, instance, data: dict):
        if self.update_service is not None:
            return self.update_service(user=request.user, instance=instance, data=data)
        return scoped_update(user=request.user, instance=instance, data=data)

    def service_delete(self, request, instance) -> None:
        if self.delete_service is not None:
            self.delete_service(user=request.user, instance=instance)
        else:
            scoped_delete(user=request.user, instance=instance)

    def _uses_services(self) -> bool:
        return self._scoped() or any((self.create_service, self.update_service, self.delete_service))

    def _write(self, request, obj, form=None) -> None:
        """Save ``obj`` (filled in by an admin form) through the services; ``obj`` then holds what was saved."""
        try:
            if obj.pk is not None and type(obj)._base_manager.filter(pk=obj.pk).exists():
                stored = type(obj)._base_manager.get(pk=obj.pk)
                saved = self.service_update(request, stored, _model_data(obj, form, stored))
            else:
                saved = self.service_create(request, _model_data(obj, form))
        except (ValidationError, PermissionDenied) as error:
            raise _ServiceRefused(_refusal(error)) from error
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def _delete(self, request, obj) -> None:
        try:
            self.service_delete(request, obj)
        except (ValidationError, PermissionDenied, ProtectedError, RestrictedError) as error:
            raise _ServiceRefused(_refusal(error)) from error

    def save_model(self, request, obj, form, change):
        if not self._uses_services():
            return super().save_model(request, obj, form, change)
        self._write(request, obj, form)

    def delete_model(self, request, obj):
        if not self._uses_services():
            return super().delete_model(request, obj)
        self._delete(request, obj)

    def delete_queryset(self, request, queryset):
        if not self._uses_services():
            return super().delete_queryset(request, queryset)
        # one by one through the service, all or nothing (the changelist rolls back on a refusal)
        for obj in queryset:
            self._delete(request, obj)

    def _inline_writer(self, request, obj, model):
        """The services an inline of ``model`` declares (create_service etc.), as an admin that writes with them."""
        kinds = ("create_service", "update_service", "delete_service")
        for inline in self.get_inline_instances(request, obj):
            if inline.model is model and any(getattr(inline, kind, None) for kind in kinds):
                writer = ServiceModelAdmin(model, self.admin_site)
                for kind in kinds:
                    setattr(writer, kind, getattr(inline, kind, None))
                return writer
        return None

    def save_formset(self, request, form, formset, change):
        """Inline rows go through the services of their own model's admin."""
        model_admin = self._inline_writer(request, form.instance, formset.model)
        model_admin = model_admin or self.admin_site._registry.get(formset.model)
        if model_admin is None and hasattr(formset.model.objects, "visible_to"):
            model_admin = ServiceModelAdmin(formset.model, self.admin_site)  # no admin of its own: the generic path
        if not isinstance(model_admin, ServiceModelAdmin) or not model_admin._uses_services():
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        label = formset.model._meta.verbose_name
        try:
            for obj in formset.deleted_objects:
                model_admin._delete(request, obj)
            for row, obj in [(f, f.instance) for f in formset.forms if f.instance in formset.new_objects]:
                model_admin._write(request, obj, row)
            for obj, _changed in formset.changed_objects:
                row = next(f for f in formset.forms if f.instance is obj)
                model_admin._write(request, obj, row)
        except _ServiceRefused as refused:
            raise _ServiceRefused(ValidationError(f"{label}：{'；'.join(refused.error.messages)}")) from refused
        formset.save_m2m()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form

        class RefusedForm(form):
            def _post_clean(self):
                super()._post_clean()
                _add_errors(self, refusal)

        return RefusedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:  # the admin's view runs in a transaction: the refusal leaving it rolls the whole save back
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _ServiceRefused as refused:
            # everything is rolled back; the same form comes back with the service's reasons
            request._service_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _ServiceRefused as refused:
            self.message_user(request, f"无法删除：{'；'.join(refused.error.messages)}", messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def changelist_view(self, request, extra_context=None):
        try:
            with transaction.atomic():  # a bulk delete: all or nothing
                return super().changelist_view(request, extra_context)
        except _ServiceRefused as refused:
            reason = "；".join(refused.error.messages)
            self.message_user(request, f"无法删除：{reason}，未删除任何记录。", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class DictionaryItemAdmin(ServiceModelAdmin):
    """A list admins keep (registry.models.DictionaryItem): name, order and 启用, edited in place on the list."""

    fields = ["name", "sort_order", "is_active"]
    list_display = fields
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name"]


class ScopedModelAdmin(ServiceModelAdmin):
    """A changelist, form and history limited to the user's region scope.

    Records outside the scope do not exist for the user (404); foreign-key choices are
    narrowed to the scope; a save that would move a record out of it is refused.
    """

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # masked_<field>: what a view-only change page shows instead of a stored personal field
        for name, kind in personal_fields(model).items():
            label = str(model._meta.get_field(name).verbose_name)
            setattr(self, f"masked_{name}", admin.display(description=label)(_masked_display(name, kind)))

    def get_queryset(self, request):
        return narrow_choices(super().get_queryset(request), request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not personal_fields(self.model):
            return form

        class ProtectedForm(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                protect_personal_fields(self)

        return ProtectedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        declared = personal_fields(self.model)
        if obj is None or not declared or self.has_change_permission(request, obj):
            return fieldsets
        # a view-only page renders stored values as text: show the masked ones instead
        swap = {name: f"masked_{name}" for name in declared}
        return [(title, {**opts, "fields": [swap.get(f, f) for f in opts["fields"]]}) for title, opts in fieldsets]

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

    def get_deleted_objects(self, objs, request):
        """Django's lists of what a delete takes along or is blocked by, with the records outside the
        user's scope named only by their kind: a confirmation page must not reveal another street's people."""
        if user_is_unrestricted(request.user):
            return super().get_deleted_objects(objs, request)
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        nested = collector.nested()
        hidden = _outside_scope(request.user, [*_flatten(nested), *collector.protected])
        perms_needed = set()

        def describe(obj):
            opts = obj._meta
            if (type(obj), obj.pk) in hidden:
                return f"{capfirst(opts.verbose_name)}：（其他辖区的记录）"
            model_admin = self.admin_site._registry.get(type(obj))
            if model_admin is not None and not model_admin.has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
            except NoReverseMatch:
                return f"{capfirst(opts.verbose_name)}: {obj}"
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, str(obj))

        def describe_all(items):
            return [describe_all(item) if isinstance(item, list) else describe(item) for item in items]

        to_delete = describe_all(nested)
        protected = [describe(obj) for obj in collector.protected]
        counts = {model._meta.verbose_name_plural: len(found) for model, found in collector.model_objs.items()}
        return to_delete, counts, perms_needed, protected

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
            "history": history_for(obj, user=request.user),
            **(extra_context or {}),
        }
        return render(request, "admin/tracked_object_history.html", context)


@admin.register(Region)
class RegionAdmin(ScopedModelAdmin):
    create_service = staticmethod(services.region_create)
    update_service = staticmethod(services.region_update)
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
class AccessLogAdmin(ScopedModelAdmin):
    list_display = ["created_at", "username", "action", "target_model", "target_repr", "fields", "ip_address"]
    list_filter = ["action", "target_model", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "target_repr", "reason", "ip_address"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.JSONField: {"disabled": True}}
    list_select_related = ["user"]

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
    exclude = ["file_content", "plan"]

    def get_queryset(self, request):
        return ImportRecord.objects.visible_to(request.user).defer("file_content", "plan")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
