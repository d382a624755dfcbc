"""API endpoints of the organizations app with behaviour of their own; the rest are generated from
organizations/catalog.py with the same filters, scoping and services as the pages."""

from rest_framework import viewsets

from registry.api import ModelPermissions, ScopedViewSet
from registry.scoping import scoped_prefetch

from .. import selectors
from ..models import Industry, Organization
from . import serializers


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    permission_classes = [ModelPermissions]
    pagination_class = None


class PartyOrganizationViewSet(ScopedViewSet):
    def selector(self, *, user):
        # the covered organizations the requester may see: another street's are not theirs to list
        covered = scoped_prefetch("organizations", user=user, queryset=Organization.objects.only("pk"))
        return selectors.party_organization_list(user=user).prefetch_related(covered)


class PairingViewSet(ScopedViewSet):
    def selector(self, *, user):
        return selectors.pairing_list(user=user).order_by("-since", "-pk")
