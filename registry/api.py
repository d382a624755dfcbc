"""The REST API's base: the same selectors, FilterSets, services, scoping and masking as the pages."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, ParseError, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from registry.api_pagination import CappedPagination
from registry.api_schema import NOT_FOUND_MESSAGE
from registry.personal import can_see_personal
from registry.tables import MASKERS


class ModelPermissions(permissions.DjangoModelPermissions):
    """Reading needs view_<model> too (DRF's default lets any authenticated user read)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "操作与记录的当前状态冲突。"
    default_code = "conflict"


def exception_handler(exc, context):
    """DRF's handler, with the API's own Chinese for a missing record (the same words as the pages)."""
    if isinstance(exc, Http404):
        exc = NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, ParseError):
        # DRF's text carries the parser's English ("Expecting property name…"): say it in Chinese
        cause = exc.__context__
        where = f"（第 {cause.lineno} 行第 {cause.colno} 列附近）" if isinstance(cause, json.JSONDecodeError) else ""
        exc = ParseError(f"请求体无法解析，不是有效的 JSON 或表单数据{where}。")
    response = drf_exception_handler(exc, context)
    # DRF rolls the request's transaction back on every error; this refusal came before any write,
    # and the access-log entry of the attempt must stay
    refused = getattr(context.get("request"), "refused_outside_scope", False)
    if refused and isinstance(exc, ValidationError) and transaction.get_connection().in_atomic_block:
        transaction.set_rollback(False)
    return response


class SchemaView(SpectacularAPIView):
    """The OpenAPI description, for signed-in users; a refusal is JSON whatever format was asked for."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Related choices narrowed to the requester's scope; personal fields masked unless permitted.

    ``Meta.personal_fields = {"mobile": "mobile", "id_number": "id_number"}`` names the fields and
    how they are masked. A masked value sent back unchanged (a client echoing what it read) is ignored.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in self.fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                target.queryset = queryset.visible_to(user)

    @property
    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _personal(self) -> dict:
        return getattr(self.Meta, "personal_fields", {})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not can_see_personal(self._user):
            for name, kind in self._personal().items():
                if data.get(name):
                    data[name] = MASKERS[kind](data[name])
        for field in instance._meta.concrete_fields:
            if field.choices and field.name in data:
                data[f"{field.name}_display"] = getattr(instance, f"get_{field.name}_display")()
        return data

    def to_internal_value(self, data):
        request = self.context.get("request")
        if request is not None and hasattr(data, "get"):
            from registry.duplicates import refuse_outside_scope_duplicates

            refused = refuse_outside_scope_duplicates(
                request=request,
                model=self.Meta.model,
                values={name: data.get(name) for name in self.fields if not self.fields[name].read_only},
                exclude_pk=getattr(self.instance, "pk", None),
            )
            if refused:
                request.refused_outside_scope = True
                raise ValidationError({name: [message] for name, message in refused.items()})
        # drop an echoed mask before the fields' own validators (checksums, formats) see it
        if self.instance is not None and hasattr(data, "get"):
            echoed = [
                name
                for name, kind in self._personal().items()
                if getattr(self.instance, name, "") and data.get(name) == MASKERS[kind](getattr(self.instance, name))
            ]
            if echoed:
                data = data.copy()
                for name in echoed:
                    data.pop(name)
        return super().to_internal_value(data)

    def validate(self, attrs):
        if self.instance is not None:
            for name, kind in self._personal().items():
                current = getattr(self.instance, name, "")
                if name in attrs and current and attrs[name] == MASKERS[kind](current):
                    attrs.pop(name)
        return super().validate(attrs)


def _as_drf_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
        )
    return ValidationError({"non_field_errors": error.messages})


class ScopedViewSet(viewsets.ModelViewSet):
    """CRUD over one model through its selector and services.

    Subclasses set ``selector(user=)``, ``create_service(user=, data=)``,
    ``update_service(user=, instance=, data=)`` and optionally ``delete_service``, plus the
    FilterSet and the Table whose column keys ``?sort=`` accepts, as on the pages.
    """

    permission_classes = [permissions.IsAuthenticated, ModelPermissions]
    pagination_class = CappedPagination
    table = None

    def selector(self, *, user):
        return self.queryset.model.objects.visible_to(user)

    def get_queryset(self):
        queryset = self.selector(user=self.request.user)
        if self.table is not None:
            order, _ = self.table.ordering(self.request.query_params.get("sort"))
            queryset = queryset.order_by(*order)
        return queryset

    def perform_create(self, serializer):
        try:
            with transaction.atomic():
                serializer.instance = self.create_service(user=self.request.user, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                serializer.instance = self.update_service(
                    user=self.request.user, instance=serializer.instance, data=serializer.validated_data
                )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def perform_destroy(self, instance):
        from registry.crud import protected_delete_message, scoped_delete

        delete = getattr(self, "delete_service", None) or scoped_delete
        try:
            delete(user=self.request.user, instance=instance)
        except ProtectedError as error:
            raise Conflict(protected_delete_message(instance, error)) from error

    def _reread(self, response):
        # through the selector, so that annotations (coverage, counts) are in the answer as on a read
        instance = self.get_queryset().get(pk=response.data["id"])
        response.data = self.get_serializer(instance).data
        return response

    def create(self, request, *args, **kwargs):
        return self._reread(super().create(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return self._reread(super().update(request, *args, **kwargs))


class ApiRouter(DefaultRouter):
    """The API authenticates by itself (401/403 in JSON), not by the login-page redirect of the pages."""

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback.login_required = False
        return urls
