"""API endpoints of the representative pool with behaviour of their own (the rest come from talents/catalog.py):
the same selectors, filters, services, scoping and masking as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from registry.api import ModelPermissions, ScopedViewSet, _as_drf_error
from registry.scoping import scoped_prefetch

from .. import selectors, services
from ..filters import StatusChangeFilter
from ..models import Representative, Specialty, StatusChange
from ..permissions import may_change_status, may_view_pool
from . import serializers


class SpecialtyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Specialty.objects.all()
    serializer_class = serializers.SpecialtySerializer
    permission_classes = [ModelPermissions]
    pagination_class = None


class RepresentativeViewSet(ScopedViewSet):
    """代表人士. Status changes go through POST …/{id}/status/ (written to the dated status history)."""

    def selector(self, *, user):
        if self.action == "list":
            return selectors.representative_list(user=user).prefetch_related("specialties")
        return selectors.representative_detail_queryset(user=user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.RepresentativeDetailSerializer
        if self.action == "status":
            return serializers.StatusChangeInputSerializer
        return super().get_serializer_class()

    @extend_schema(request=serializers.StatusChangeInputSerializer, responses=serializers.StatusChangeSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """变更入库状态（候选、入库、重点联系对象、退出）；退出时其所在服务小组同日结束。"""
        if not may_change_status(request.user):
            raise PermissionDenied("您没有变更入库状态的权限。")
        representative = self.get_object()
        payload = serializers.StatusChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                change = services.representative_change_status(
                    user=request.user, representative=representative, **payload.validated_data
                )
        except DjangoValidationError as error:
            raise _as_drf_error(error) from error
        return Response(serializers.StatusChangeSerializer(change, context={"request": request}).data, status=201)


class ViewRepresentativePermission(permissions.BasePermission):
    """Reading the status history is part of reading the person."""

    def has_permission(self, request, view):
        return may_view_pool(request.user)


class StatusChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """入库状态变更记录（只读：由状态变更写入）。"""

    queryset = StatusChange.objects.none()
    serializer_class = serializers.StatusChangeSerializer
    permission_classes = [permissions.IsAuthenticated, ViewRepresentativePermission]
    filterset_class = StatusChangeFilter

    def get_queryset(self):
        return (
            StatusChange.objects.restrict(self.request.user)
            .select_related("changed_by")
            .order_by("-changed_on", "-pk")
        )


class TrainingViewSet(ScopedViewSet):
    def get_queryset(self):
        # only the attendees the requester may see (others' names are their street's business), in one query
        attendees = scoped_prefetch("attendees", user=self.request.user, queryset=Representative.objects.only("pk"))
        return super().get_queryset().prefetch_related(attendees)


class MembershipViewSet(ScopedViewSet):
    def selector(self, *, user):
        return selectors.membership_list(user=user).order_by("group", "left_on", "pk")
