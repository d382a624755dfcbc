"""API endpoints of the organizations app: same filters, scoping and services as the pages."""

from rest_framework import viewsets

from registry.api import ModelPermissions, ScopedViewSet
from registry.scoping import scoped_prefetch

from .. import selectors, services
from ..filters import (
    AssignmentFilter,
    LiaisonFilter,
    OrganizationFilter,
    PartyOrganizationFilter,
    SurveyFilter,
    VenueFilter,
)
from ..models import AnnualSurvey, Assignment, Industry, Liaison, Organization, Pairing, PartyOrganization, Venue
from ..tables import (
    ASSIGNMENT_TABLE,
    LIAISON_TABLE,
    ORGANIZATION_TABLE,
    PARTY_ORGANIZATION_TABLE,
    SURVEY_TABLE,
    VENUE_TABLE,
)
from . import serializers


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    permission_classes = [ModelPermissions]
    pagination_class = None


class OrganizationViewSet(ScopedViewSet):
    queryset = Organization.objects.none()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = OrganizationFilter
    table = ORGANIZATION_TABLE

    selector = staticmethod(selectors.organization_list)

    create_service = staticmethod(services.organization_create)
    update_service = staticmethod(services.organization_update)
    delete_service = staticmethod(services.organization_delete)


class AnnualSurveyViewSet(ScopedViewSet):
    queryset = AnnualSurvey.objects.none()
    serializer_class = serializers.AnnualSurveySerializer
    filterset_class = SurveyFilter
    table = SURVEY_TABLE

    selector = staticmethod(selectors.survey_list)

    create_service = staticmethod(services.survey_create)
    update_service = staticmethod(services.survey_update)


class PartyOrganizationViewSet(ScopedViewSet):
    queryset = PartyOrganization.objects.none()
    serializer_class = serializers.PartyOrganizationSerializer
    filterset_class = PartyOrganizationFilter
    table = PARTY_ORGANIZATION_TABLE

    def selector(self, *, user):
        # the covered organizations the requester may see: another street's are not theirs to list
        covered = scoped_prefetch("organizations", user=user, queryset=Organization.objects.only("pk"))
        return selectors.party_organization_list(user=user).prefetch_related(covered)

    create_service = staticmethod(services.party_organization_create)
    update_service = staticmethod(services.party_organization_update)


class LiaisonViewSet(ScopedViewSet):
    queryset = Liaison.objects.none()
    serializer_class = serializers.LiaisonSerializer
    filterset_class = LiaisonFilter
    table = LIAISON_TABLE

    selector = staticmethod(selectors.liaison_list)

    create_service = staticmethod(services.liaison_create)
    update_service = staticmethod(services.liaison_update)


class AssignmentViewSet(ScopedViewSet):
    queryset = Assignment.objects.none()
    serializer_class = serializers.AssignmentSerializer
    filterset_class = AssignmentFilter
    table = ASSIGNMENT_TABLE

    selector = staticmethod(selectors.assignment_list)

    create_service = staticmethod(services.assignment_create)
    update_service = staticmethod(services.assignment_update)


class PairingViewSet(ScopedViewSet):
    queryset = Pairing.objects.none()
    serializer_class = serializers.PairingSerializer

    def selector(self, *, user):
        return selectors.pairing_list(user=user).order_by("-since", "-pk")

    create_service = staticmethod(services.pairing_create)
    update_service = staticmethod(services.pairing_update)


class VenueViewSet(ScopedViewSet):
    queryset = Venue.objects.none()
    serializer_class = serializers.VenueSerializer
    filterset_class = VenueFilter
    table = VENUE_TABLE

    selector = staticmethod(selectors.venue_list)

    create_service = staticmethod(services.venue_create)
    update_service = staticmethod(services.venue_update)
