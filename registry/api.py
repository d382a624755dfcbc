"""The REST API's base: the same selectors, FilterSets, services, scoping and masking as the pages."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound, ParseError, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from registry import conflicts
from registry.api_pagination import CappedPagination
from registry.api_schema import NOT_FOUND_MESSAGE, ApiSchema
from registry.choices import AccessAction
from registry.conflicts import VERSION_FIELD, EditConflict, is_versioned
from registry.personal import can_see_personal, mask_value, personal_fields, personal_labels, record_clear_values
from registry.scoping import narrow_choices, restrict
from registry.validators import validate_no_control_characters


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

    The personal fields are the model's declaration (``Model.personal_fields``). A masked value
    sent back unchanged (a client echoing what it read) is ignored. Clear values sent to a
    permitted user are logged by ScopedViewSet, one AccessLog row per response.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in self.fields.values():
            narrow_choices(field, user)
            if isinstance(field, serializers.CharField) and not field.read_only:
                field.validators.append(_control_character_check(field))

    def get_fields(self):
        fields = super().get_fields()
        if is_versioned(self.Meta.model) and VERSION_FIELD not in fields:
            fields[VERSION_FIELD] = serializers.IntegerField(
                required=False,
                min_value=1,
                label="版本",
                help_text="读取时记录的版本号。修改时原样带回：记录已被他人修改则返回 409，不做任何更改。",
            )
        return fields

    @property
    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _personal(self) -> dict:
        return personal_fields(self.Meta.model)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not can_see_personal(self._user):
            for name, kind in self._personal().items():
                if data.get(name):
                    data[name] = mask_value(kind, data[name])
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
                if getattr(self.instance, name, "") and data.get(name) == mask_value(kind, getattr(self.instance, name))
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
                if name in attrs and current and attrs[name] == mask_value(kind, current):
                    attrs.pop(name)
        return super().validate(attrs)


def _control_character_check(field):
    """Text refuses invisible control characters; tabs and line breaks only in a multi-line field."""
    multiline = field.style.get("base_template") == "textarea.html"
    label = str(field.label or field.field_name or "")
    return lambda value: validate_no_control_characters(value, label=label, multiline=multiline)


def _as_drf_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(
            {field: [m for e in errors for m in e.messages] for field, errors in error.error_dict.items()}
        )
    return ValidationError({"non_field_errors": error.messages})


class _VersionConflict(exceptions.APIException):
    def __init__(self, detail: dict):
        super().__init__()
        self.detail = detail  # as given: the current version stays a number


class PreconditionFailed(_VersionConflict):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class EditConflictError(_VersionConflict):
    status_code = status.HTTP_409_CONFLICT
    default_code = "edit_conflict"


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="谁在何时修改了此记录。")
    version = serializers.IntegerField(help_text="当前版本号。")


def _conflict_detail(message: str, version) -> dict:
    return {"detail": f"{message}请重新读取后再提交。", "version": version}


def etag(instance) -> str:
    return f'"{instance.version}"'


def if_match_versions(header: str) -> list[int] | None:
    """The versions an If-Match header names (None for “*”); a tag that is not one of ours matches nothing."""
    if header.strip() == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag.isdigit():
            versions.append(int(tag))
    return versions


class VersionedSchema(ApiSchema):
    """Documents the optimistic locking of detail reads and updates: ETag, If-Match, 409 and 412."""

    def _versioned(self) -> bool:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        return model is not None and is_versioned(model)

    def _is_update(self) -> bool:
        return self.method in ("PUT", "PATCH") and self._versioned()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not self._versioned():
            return parameters
        if self._is_update():
            parameters.append(
                OpenApiParameter(
                    name="If-Match",
                    type=str,
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description='读取时响应头 ETag 的值（如 "3"）。记录已被他人修改则返回 412，不做任何更改。',
                )
            )
        if self.method in ("GET", "PUT", "PATCH") and "{id}" in self.path:
            parameters.append(
                OpenApiParameter(
                    name="ETag",
                    type=str,
                    location=OpenApiParameter.HEADER,
                    response=[200],
                    description="记录的当前版本号，修改时放入 If-Match 请求头。",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self._is_update():
            responses["409"] = self._get_response_for_code(
                OpenApiResponse(ConflictSerializer, description="请求体中的 version 已过期：记录已被他人修改。"),
                "409",
                direction=direction,
            )
            responses["412"] = self._get_response_for_code(
                OpenApiResponse(ConflictSerializer, description="If-Match 已过期：记录已被他人修改。"),
                "412",
                direction=direction,
            )
        return responses


class ScopedViewSet(viewsets.ModelViewSet):
    """CRUD over one model through its selector and services.

    Subclasses set ``selector(user=)``, ``create_service(user=, data=)``,
    ``update_service(user=, instance=, data=)`` and optionally ``delete_service``, plus the
    FilterSet and the Table whose column keys ``?sort=`` accepts, as on the pages.
    """

    permission_classes = [permissions.IsAuthenticated, ModelPermissions]
    pagination_class = CappedPagination
    table = None
    schema = VersionedSchema()

    # the permission each action needs of a row (DRF's ModelPermissions checks the model once)
    action_permissions = {"update": "change", "partial_update": "change", "destroy": "delete"}

    def selector(self, *, user):
        return restrict(self.queryset.model._default_manager.all(), user, "view")

    def get_queryset(self):
        queryset = restrict(
            self.selector(user=self.request.user),
            self.request.user,
            self.action_permissions.get(self.action, "view"),
        )
        if self.table is not None:
            order, _ = self.table.ordering(self.request.query_params.get("sort"))
            queryset = queryset.order_by(*order)
        return queryset

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != VERSION_FIELD}
        try:
            with transaction.atomic():
                serializer.instance = self.create_service(user=self.request.user, data=data)
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if self._if_match is not None:
            data[VERSION_FIELD] = self._if_match
        try:
            with transaction.atomic():
                serializer.instance = self.update_service(
                    user=self.request.user, instance=serializer.instance, data=data
                )
        except EditConflict as conflict:
            detail = _conflict_detail(conflict.messages[0], conflict.stored)
            raise (PreconditionFailed if self._if_match is not None else EditConflictError)(detail) from conflict
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
        if is_versioned(type(instance)):
            response["ETag"] = etag(instance)
        return response

    def create(self, request, *args, **kwargs):
        return self._reread(super().create(request, *args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self.log_clear_values(request, response)
        return response

    def log_clear_values(self, request, response) -> None:
        """One AccessLog row naming the records and fields whose clear values this response carries."""
        model = getattr(self.queryset, "model", None)
        declared = personal_fields(model) if model is not None else {}
        if not declared or not 200 <= response.status_code < 300 or not can_see_personal(request.user):
            return
        data = getattr(response, "data", None)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            items = data["results"]
        elif isinstance(data, list):
            items = data
        else:
            items = [data] if isinstance(data, dict) else []
        ids, shown = [], set()
        for item in items:
            if not isinstance(item, dict) or "id" not in item:
                continue
            filled = {name for name in declared if item.get(name)}
            if filled:
                ids.append(item["id"])
                shown |= filled
        if ids:
            record_clear_values(
                request=request,
                model=model,
                ids=ids,
                fields=personal_labels(model, sorted(shown)),
                action=AccessAction.REVEAL,
                detail={"via": "api", "method": request.method},
            )

    _if_match = None  # the version an If-Match header names, for perform_update

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        if is_versioned(type(instance)):
            response["ETag"] = etag(instance)
        return response

    def update(self, request, *args, **kwargs):
        header = request.headers.get("If-Match")
        if header is not None and is_versioned(self.queryset.model):
            # refused before anything is read from the body: the client's copy is out of date
            instance = self.get_object()
            versions = if_match_versions(header)
            if versions is not None:
                if instance.version not in versions:
                    message = conflicts.conflict_message(*conflicts.last_change(instance))
                    raise PreconditionFailed(_conflict_detail(message, instance.version))
                self._if_match = instance.version
        return self._reread(super().update(request, *args, **kwargs))


class ApiRouter(DefaultRouter):
    """The API authenticates by itself (401/403 in JSON), not by the login-page redirect of the pages."""

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback.login_required = False
        return urls
