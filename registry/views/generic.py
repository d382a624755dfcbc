"""Generic list, detail, create, edit, delete and export views that every app's pages reuse.

Every one reads through the app's selector (which starts from restrict(user, action) or visible_to(user))
and fetches its one record through restrict(user, the view's action), and writes through its services,
so the permission, scoping, validation and history have one path.
"""

import copy
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.views.generic import TemplateView

from registry import conflicts
from registry.conflicts import VERSION_FIELD, EditConflict
from registry.db import replica_reads
from registry.exporters import TableExporter, model_rows, register
from registry.exporting import ITERATOR_CHUNK, exporter_response
from registry.history import history_for
from registry.navigation import detail_sections_for
from registry.pagination import paginate
from registry.permissions import EXPORT_PERMISSION, may_export
from registry.personal import can_reveal_personal, can_see_personal
from registry.scoping import has_model_permission, restrict
from registry.search import ranked_order
from registry.tables import Table, bind_personal

NOT_FOUND_MESSAGE = "记录不存在或不在您的管辖区域内。"


class ModelPermissionMixin:
    """Requires ``<app>.<action>_<model>``; a missing permission is a friendly 403."""

    model = None
    action = "view"
    extra_permissions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        opts = self.model._meta
        needed = [f"{opts.app_label}.{self.action}_{opts.model_name}", *self.extra_permissions]
        if not request.user.has_perms(needed):
            raise PermissionDenied(f"您没有{self.action_label}“{opts.verbose_name}”的权限。")
        return super().dispatch(request, *args, **kwargs)

    @property
    def action_label(self) -> str:
        return {"view": "查看", "add": "新增", "change": "编辑", "delete": "删除"}.get(self.action, self.action)

    def url_name(self, suffix: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}:{opts.model_name}_{suffix}"

    def url_or_none(self, suffix: str, *args) -> str | None:
        try:
            return reverse(self.url_name(suffix), args=args)
        except NoReverseMatch:
            return None

    def base_context(self) -> dict:
        opts = self.model._meta
        user = self.request.user
        return {
            "opts": opts,
            "model_name": opts.verbose_name,
            "can_add": has_model_permission(user, self.model, "add"),
            "can_change": has_model_permission(user, self.model, "change"),
            "can_delete": has_model_permission(user, self.model, "delete"),
            "can_export": may_export(user),
            "list_url": self.url_or_none("list"),
        }


def get_restricted_or_404(queryset, user, action: str, kwargs):
    """The record ``kwargs["pk"]`` among the selector's rows that ``user`` may ``action``; else a Chinese 404."""
    try:
        return restrict(queryset, user, action).get(pk=kwargs["pk"])
    except queryset.model.DoesNotExist as error:
        raise Http404(NOT_FOUND_MESSAGE) from error


class ObjectListView(ModelPermissionMixin, TemplateView):
    """A filtered, searchable, sortable, paginated list of the records the user may see."""

    template_name = "registry/object_list.html"
    filterset_class = None
    table: Table = None
    title = ""

    def selector(self, *, user):
        return restrict(self.model._default_manager.all(), user, "view")

    def get_filterset(self):
        return self.filterset_class(
            self.request.GET or None, queryset=self.selector(user=self.request.user), request=self.request
        )

    def filtered_queryset(self):
        filterset = self.get_filterset()
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        if filterset.is_bound and not filterset.form.is_valid():
            queryset = queryset.none()
        order, sort = self.table.ordering(self.request.GET.get("sort"))
        return filterset, queryset.order_by(*ranked_order(queryset, order, sort)), sort

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, queryset, sort = self.filtered_queryset()
        page = paginate(queryset, self.request.GET.get("page"), self.table.per_page)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(self.base_context())
        context.update(
            {
                "title": self.title or self.model._meta.verbose_name_plural,
                "filterset": filterset,
                "page": page,
                "rows": self.table.rows(page.objects, self.request.user),
                "headers": self._headers(sort, params),
                "query_string": params.urlencode(),
                "sort": sort,
                "create_url": self.url_or_none("create"),
                "export_url": self.url_or_none("export"),
                "import_url": self.import_url(),
                "personal_clear": can_see_personal(self.request.user),
                "has_filters": bool(filterset.is_bound and filterset.active_filters),
            }
        )
        return context

    def import_url(self) -> str | None:
        """The upload page of the model's Excel import, when it has one and the user may import."""
        from registry.importing import spec_for_model

        spec = spec_for_model(self.model)
        if spec is None or not spec.can_import(self.request.user):
            return None
        return reverse("registry:import_upload", args=[spec.key])

    def _headers(self, sort, params) -> list[dict]:
        headers = []
        for column in self.table.table_columns:
            header = {"label": column.label, "numeric": column.numeric, "url": None, "state": None}
            if column.sortable:
                ascending = sort == column.key
                descending = sort == f"-{column.key}"
                query = params.copy()
                query["sort"] = f"-{column.key}" if ascending else column.key
                header["url"] = f"?{query.urlencode()}"
                header["state"] = "asc" if ascending else "desc" if descending else None
            headers.append(header)
        return headers


class ObjectExportView(ObjectListView):
    """导出Excel of exactly the filtered, scoped, sorted list, with the list's columns.

    Up to EXPORT_BACKGROUND_ROWS rows the file is written within the request; a larger list becomes an
    export job for the task worker (registry.export_jobs) and the answer is its progress page, at once.
    """

    extra_permissions = (EXPORT_PERMISSION,)

    def get(self, request, *args, **kwargs):
        filterset, queryset, _ = self.filtered_queryset()
        if filterset.error_messages:
            # back to the list, which shows the same message beside the filters it names
            messages.error(request, "未导出：筛选条件有误。" + "；".join(filterset.error_messages))
            list_url = self.url_or_none("list")
            return redirect(f"{list_url}?{request.GET.urlencode()}" if list_url else "/")
        exporter = ListExporter.for_view(self, filterset=filterset, queryset=queryset)
        threshold = settings.EXPORT_BACKGROUND_ROWS
        if exporter.estimate_rows(cap=threshold) > threshold:
            from registry.export_jobs import export_start

            job = export_start(user=request.user, exporter=exporter)
            return redirect("registry:export_job", pk=job.pk)
        # the rows come from the streaming replica when there is one and it holds everything committed
        # until now (registry/db.py); the access log is written to the primary all the same
        with replica_reads():
            return exporter_response(request=request, exporter=exporter)

    def export_title(self) -> str:
        return self.title or str(self.model._meta.verbose_name_plural)


@register
class ListExporter(TableExporter):
    """The export of any list page (an ObjectExportView): its filters, scope, order and export columns.

    Options are the export URL's name and query string, so the task worker rebuilds exactly the rows the
    request would have written, for the same user, through the same view.
    """

    identifier = "list"
    name = "名录导出"

    def __init__(self, *, user, options: dict | None = None, view=None, filterset=None, queryset=None):
        super().__init__(user=user)
        self.options = options or {}
        if view is None:
            view, filterset, queryset = self._rebuild_view()
        self.view = view
        self.queryset = queryset
        self.table = view.table
        self.model = view.model
        self._title = view.export_title()
        self.filters = filterset.active_filters if filterset.is_bound else {}

    @classmethod
    def for_view(cls, view, *, filterset, queryset) -> "ListExporter":
        request = view.request
        options = {"view": request.resolver_match.view_name, "query": request.GET.urlencode()}
        return cls(user=request.user, options=options, view=view, filterset=filterset, queryset=queryset)

    def _rebuild_view(self):
        """The export view of ``options`` set up for this user, as in the request that started the export."""
        try:
            match = resolve(reverse(self.options["view"]))
        except (KeyError, NoReverseMatch, Resolver404) as error:
            raise PermissionDenied("这个名录已不存在，无法导出。") from error
        view_class = getattr(match.func, "view_class", None)
        if view_class is None or not issubclass(view_class, ObjectExportView):
            raise PermissionDenied("这个地址不是名录导出。")
        request = HttpRequest()
        request.method = "GET"
        request.GET = QueryDict(self.options.get("query", ""))
        request.user = self.user
        request.resolver_match = match
        view = view_class(**match.func.view_initkwargs)
        view.setup(request, *match.args, **match.kwargs)
        filterset, queryset, _ = view.filtered_queryset()
        return view, filterset, queryset

    def check_allowed(self) -> None:
        """The permissions the request checked, checked again by the worker (they may have been withdrawn)."""
        opts = self.model._meta
        permissions = [f"{opts.app_label}.{self.view.action}_{opts.model_name}", *self.view.extra_permissions]
        if not self.user.has_perms(permissions):
            raise PermissionDenied(f"您已没有导出“{opts.verbose_name}”的权限。")

    def estimate_rows(self, *, cap: int) -> int:
        # the ids of at most cap + 1 rows, counted: bounded however large the table is
        return self.queryset.order_by().values("pk")[: cap + 1].count()

    def sheets(self):
        self.objects = model_rows(self.queryset, chunk_size=ITERATOR_CHUNK)
        yield from super().sheets()


class ObjectDetailView(ModelPermissionMixin, TemplateView):
    """One record: its fields, related records, actions and 变更记录."""

    template_name = "registry/object_detail.html"
    fields: list = ()  # Columns shown as label/value pairs; the model's personal_fields are masked
    # "<app>:<model>_reveal" (a registry.views.reveal.RevealMixin view): a 显示 button beside each
    # masked personal field for users who may reveal one record's numbers with a reason
    reveal_url_name: str | None = None

    def selector(self, *, user):
        return restrict(self.model._default_manager.all(), user, "view")

    def get_object(self):
        return get_restricted_or_404(self.selector(user=self.request.user), self.request.user, self.action, self.kwargs)

    def history(self, obj) -> list[dict]:
        """The 变更记录 block's rows; a page may tell a wider story (the organization's timeline)."""
        return history_for(obj, user=self.request.user)

    def related_sections(self, obj) -> list[dict]:
        """Override: [{"title", "rows" (from a Table), "headers", "empty", "add_url"}]."""
        return []

    @property
    def detail_fields(self) -> list:
        """``fields`` with the model's declared personal fields marked for masking."""
        return bind_personal(self.model, self.fields)

    def field_row(self, column, obj, *, clear: bool, reveal_url: str | None) -> dict:
        masked = bool(column.personal and not clear)
        return {
            "key": column.key,
            "label": column.label,
            "text": column.text(obj, clear_personal=clear),
            "masked": masked,
            "reveal_url": reveal_url if masked and column.raw(obj) else None,
            # the permitted reveal with one click; others say why (both are logged)
            "reason_required": not can_see_personal(self.request.user),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        user = self.request.user
        # masked for everyone, the permitted included: a clear value shows only through a logged 显示
        clear = False
        reveal_url = None
        if self.reveal_url_name and can_reveal_personal(user):
            reveal_url = reverse(self.reveal_url_name, args=[obj.pk])
        field_rows = [self.field_row(c, obj, clear=clear, reveal_url=reveal_url) for c in self.detail_fields]
        context.update(self.base_context())
        context.update(
            {
                "object": obj,
                "title": str(obj),
                "field_rows": field_rows,
                "reveal_enabled": any(row["reveal_url"] for row in field_rows),
                "sections": [*self.related_sections(obj), *detail_sections_for(obj, user)],
                "history": self.history(obj),
                "edit_url": self.url_or_none("update", obj.pk),
                "delete_url": self.url_or_none("delete", obj.pk),
            }
        )
        return context


def section(title: str, table: Table, objects, user, *, add_url: str | None = None, empty: str = "暂无记录。"):
    """A related-records block for a detail page, rendered with the same column spec as lists."""
    rows = table.rows(objects, user)
    columns = table.table_columns
    return {
        "title": title,
        # on a phone a table of several text columns squeezes each to a character a line: stack it as cards
        "cards_on_phone": sum(not c.numeric for c in columns) > 2,
        "headers": [{"label": c.label, "numeric": c.numeric} for c in columns],
        "rows": rows,
        "count": len(rows),
        "add_url": add_url,
        "empty": empty,
    }


class ObjectFormView(ModelPermissionMixin, TemplateView):
    """Create (no pk) or edit a record through the app's service; a bad form keeps what was typed."""

    template_name = "registry/object_form.html"
    form_class = None
    # the app's services: staticmethod(organization_create) etc.
    create_service = None
    update_service = None

    def create(self, *, user, data):
        return self.create_service(user=user, data=data)

    def update(self, *, user, instance, data):
        return self.update_service(user=user, instance=instance, data=data)

    def selector(self, *, user):
        return restrict(self.model._default_manager.all(), user, "view")

    @property
    def is_create(self) -> bool:
        return "pk" not in self.kwargs

    def dispatch(self, request, *args, **kwargs):
        self.action = "add" if "pk" not in kwargs else "change"
        return super().dispatch(request, *args, **kwargs)

    def get_instance(self):
        if self.is_create:
            return None
        return get_restricted_or_404(self.selector(user=self.request.user), self.request.user, self.action, self.kwargs)

    def initial(self) -> dict:
        return {key: value for key, value in self.request.GET.items() if key in self.form_class.base_fields}

    def get_form(self, instance):
        if self.request.method == "POST":
            return self.form_class(self.request.POST, self.request.FILES, instance=instance, user=self.request.user)
        return self.form_class(instance=instance, user=self.request.user, initial=self.initial())

    def render_form(self, form, instance, status=200, **extra):
        context = self.get_context_data(form=form, object=instance, **extra)
        context.update(self.base_context())
        context["title"] = f"编辑：{instance}" if instance else f"新增{self.model._meta.verbose_name}"
        context["cancel_url"] = self.url_or_none("detail", instance.pk) if instance else self.url_or_none("list")
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        instance = self.get_instance()
        return self.render_form(self.get_form(instance), instance)

    def post(self, request, *args, **kwargs):
        instance = self.get_instance()
        opened = self.posted_version()
        if instance is not None and opened is not None and opened != getattr(instance, VERSION_FIELD, opened):
            return self.render_conflict(instance, opened)
        # the form validates a copy: the service must see the record as stored to know what changed
        form = self.get_form(copy.copy(instance) if instance is not None else None)
        valid = form.is_valid()  # first: the refusal below replaces the model's message
        if not self.refuse_outside_scope_duplicates(form, instance) and valid:
            data = form.service_data()
            try:
                with transaction.atomic():
                    if instance is None:
                        saved = self.create(user=request.user, data=data)
                    else:
                        saved = self.update(user=request.user, instance=instance, data=data)
            except EditConflict as conflict:  # saved by someone between our read and the locked check
                return self.render_conflict(self.get_instance(), conflict.expected)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                verb = "已新增" if instance is None else "已保存"
                messages.success(request, f"{verb}{self.model._meta.verbose_name}“{saved}”。")
                return redirect(self.success_url(saved))
        return self.render_form(form, instance, status=400 if request.method == "POST" else 200)

    def posted_version(self) -> int | None:
        """The version the editor opened (the form's hidden field); None when absent or not a number."""
        try:
            return int(self.request.POST.get(VERSION_FIELD, ""))
        except ValueError:
            return None

    def render_conflict(self, current, opened_version: int):
        """409: who changed the record meanwhile and what; the form holds the editor's own changes on
        top of the current version, so saving again keeps both."""
        user = self.request.user
        opened = conflicts.snapshot_at(current, opened_version) or current
        # compared with the record as the editor opened it, the form knows what they changed
        submitted = self.form_class(self.request.POST, self.request.FILES, instance=copy.copy(opened), user=user)
        valid = submitted.is_valid()
        cleaned = submitted.cleaned_data if valid else {}
        yours = {name: cleaned[name] for name in submitted.changed_data if name in cleaned and name != VERSION_FIELD}
        if valid:
            form = self.form_class(instance=current, user=user, initial={**yours, VERSION_FIELD: current.version})
            form.initial.update(yours)  # over the masked stored numbers: what the editor typed is theirs
        else:
            data = self.request.POST.copy()
            data[VERSION_FIELD] = current.version
            form = self.form_class(data, self.request.FILES, instance=copy.copy(current), user=user)
            form.is_valid()
        rows = conflicts.changed_meanwhile(
            opened=opened,
            current=current,
            names=list(submitted.fields),
            yours=submitted.cleaned_data,
            clear=can_see_personal(user),
        )
        message = conflicts.conflict_message(*conflicts.last_change(current))
        mine = [str(submitted.fields[name].label) for name in yours]
        conflict = {"message": message, "rows": rows, "mine": "、".join(mine)}
        return self.render_form(form, current, status=409, conflict=conflict)

    def success_url(self, obj) -> str:
        return self.url_or_none("detail", obj.pk) or self.url_or_none("list")

    def refuse_outside_scope_duplicates(self, form, instance) -> bool:
        """A code held only outside the user's area: say so without naming the record, and log it."""
        from registry.duplicates import refuse_outside_scope_duplicates

        refused = refuse_outside_scope_duplicates(
            request=self.request,
            model=self.model,
            values={name: form.data.get(name) for name in form.fields},
            exclude_pk=getattr(instance, "pk", None),
        )
        for name, message in refused.items():
            form.errors[name] = form.error_class([message])  # in place of the model's "已存在"
        return bool(refused)


class ObjectDeleteView(ModelPermissionMixin, TemplateView):
    template_name = "registry/object_confirm_delete.html"
    action = "delete"
    delete_service = None  # the app's service; the generic scoped delete when None

    def delete(self, *, user, instance):
        from registry.crud import scoped_delete

        (self.delete_service or scoped_delete)(user=user, instance=instance)

    def selector(self, *, user):
        return restrict(self.model._default_manager.all(), user, "view")

    def get_object(self):
        return get_restricted_or_404(self.selector(user=self.request.user), self.request.user, self.action, self.kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        context.update(self.base_context())
        context.update({"object": obj, "title": f"删除：{obj}", "cancel_url": self.url_or_none("detail", obj.pk)})
        return context

    def post(self, request, *args, **kwargs):
        from django.db.models import ProtectedError

        obj = self.get_object()
        label = str(obj)
        success_url = self.success_url(obj)  # before the delete, while the record still has its links
        try:
            self.delete(user=request.user, instance=obj)
        except ProtectedError as error:
            from registry.crud import protected_delete_message

            messages.error(request, protected_delete_message(label, error))
            return redirect(self.url_or_none("detail", obj.pk))
        messages.success(request, f"已删除{self.model._meta.verbose_name}“{label}”。")
        return redirect(success_url)

    def success_url(self, obj) -> str:
        """Where to go after the delete (override for a record without a list page of its own)."""
        return self.url_or_none("list")


def querystring(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def progress_fragment(request, template: str, context: dict, *, active: bool):
    """The progress fragment a background job's page polls (imports, exports); once the job is no longer
    active the page reloads itself to show the outcome."""
    response = render(request, template, context)
    if not active:
        response["HX-Refresh"] = "true"
    return response
