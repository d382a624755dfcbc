"""The REST API's base: the same selectors, FilterSets, services, scoping and masking as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import pagination, permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from registry.pagination import COUNT_CAP
from registry.personal import can_see_personal
from registry.scoping import narrow_choices, restrict
from registry.tables import MASKERS


class ModelPermissions(permissions.DjangoModelPermissions):
    """Reading needs view_<model> too (DRF's default lets any authenticated user read)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class CappedPagination(pagination.LimitOffsetPagination):
    """limit/offset pages whose total is counted only up to COUNT_CAP (a million rows stay fast)."""

    max_limit = 500

    def get_count(self, queryset):
        count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.count_capped = count > COUNT_CAP
        return min(count, COUNT_CAP)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean"}
        return schema


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
            narrow_choices(field, user)

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
        from registry.crud import scoped_delete

        delete = getattr(self, "delete_service", None) or scoped_delete
        delete(user=self.request.user, instance=instance)

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        # re-read through the selector so annotations (coverage, counts) are current
        instance = self.get_queryset().get(pk=response.data["id"])
        return Response(self.get_serializer(instance).data)


class ApiRouter(DefaultRouter):
    """The API authenticates by itself (401/403 in JSON), not by the login-page redirect of the pages."""

    def get_urls(self):
        urls = super().get_urls()
        for pattern in urls:
            pattern.callback.login_required = False
        return urls
