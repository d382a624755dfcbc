"""The organizations app's models in the registry catalog: pages, API, menu and search come from here."""

from django.urls import reverse

from registry.catalog import Entry, Menu, Search, register, register_section

from . import selectors, services, views
from .api import serializers
from .api import views as api_views
from .filters import (
    AssignmentFilter,
    LiaisonFilter,
    OrganizationFilter,
    PairingFilter,
    PartyOrganizationFilter,
    SurveyFilter,
    VenueFilter,
)
from .forms import (
    AssignmentForm,
    LiaisonForm,
    OrganizationForm,
    PairingForm,
    PartyOrganizationForm,
    SurveyForm,
    VenueForm,
)
from .models import AnnualSurvey, Assignment, Liaison, Organization, Pairing, PartyOrganization, Venue
from .tables import (
    ASSIGNMENT_TABLE,
    LIAISON_FIELDS,
    LIAISON_TABLE,
    ORGANIZATION_FIELDS,
    ORGANIZATION_TABLE,
    PAIRING_LIST_TABLE,
    PARTY_ORGANIZATION_FIELDS,
    PARTY_ORGANIZATION_TABLE,
    SURVEY_TABLE,
    VENUE_FIELDS,
    VENUE_TABLE,
)

NO_DETAIL = frozenset({"list", "export", "create", "update", "delete", "api"})


def _organization_page(obj) -> str:
    return reverse("organizations:organization_detail", args=[obj.organization_id])


register_section("organizations", "社会组织", 20)

register(
    Entry(
        model=Organization,
        prefix="",
        title="社会组织",
        selector=selectors.organization_list,
        filterset=OrganizationFilter,
        table=ORGANIZATION_TABLE,
        detail_fields=ORGANIZATION_FIELDS,
        detail_view=views.OrganizationDetailView,
        detail_template="organizations/organization_detail.html",
        reveal=True,
        form=OrganizationForm,
        create_service=services.organization_create,
        update_service=services.organization_update,
        delete_service=services.organization_delete,
        api_prefix="organizations",
        serializer=serializers.OrganizationSerializer,
        menu=Menu("社会组织名录", 10),
        search=Search("社会组织", 10),
    )
)
register(
    Entry(
        model=AnnualSurvey,
        prefix="surveys/",
        actions=NO_DETAIL,
        title="年度摸底调查",
        selector=selectors.survey_list,
        filterset=SurveyFilter,
        table=SURVEY_TABLE,
        form=SurveyForm,
        create_service=services.survey_create,
        update_service=services.survey_update,
        success_url=_organization_page,
        api_prefix="surveys",
        serializer=serializers.AnnualSurveySerializer,
        menu=Menu("年度摸底调查", 20),
    )
)
register(
    Entry(
        model=PartyOrganization,
        prefix="party-organizations/",
        title="党组织",
        selector=selectors.party_organization_list,
        filterset=PartyOrganizationFilter,
        table=PARTY_ORGANIZATION_TABLE,
        list_template="organizations/partyorganization_list.html",
        detail_fields=PARTY_ORGANIZATION_FIELDS,
        detail_view=views.PartyOrganizationDetailView,
        form=PartyOrganizationForm,
        create_service=services.party_organization_create,
        update_service=services.party_organization_update,
        api_prefix="party-organizations",
        serializer=serializers.PartyOrganizationSerializer,
        api_viewset=api_views.PartyOrganizationViewSet,
        menu=Menu("党组织", 30),
        search=Search("党组织", 30),
    )
)
register(
    Entry(
        model=Liaison,
        prefix="liaisons/",
        title="联络员与党建指导员",
        selector=selectors.liaison_list,
        filterset=LiaisonFilter,
        table=LIAISON_TABLE,
        detail_fields=LIAISON_FIELDS,
        detail_view=views.LiaisonDetailView,
        reveal=True,
        form=LiaisonForm,
        create_service=services.liaison_create,
        update_service=services.liaison_update,
        api_prefix="liaisons",
        serializer=serializers.LiaisonSerializer,
        menu=Menu("联络员与党建指导员", 40),
        search=Search("联络员与党建指导员", 40),
    )
)
register(
    Entry(
        model=Assignment,
        prefix="assignments/",
        actions=NO_DETAIL,
        title="联络员任职",
        selector=selectors.assignment_list,
        filterset=AssignmentFilter,
        table=ASSIGNMENT_TABLE,
        form=AssignmentForm,
        create_service=services.assignment_create,
        update_service=services.assignment_update,
        success_url=_organization_page,
        api_prefix="assignments",
        serializer=serializers.AssignmentSerializer,
        menu=Menu("联络员任职", 50),
    )
)
register(
    Entry(
        model=Pairing,
        prefix="pairings/",
        # no page of its own: a row opens its form, a save goes back to the party organization's page
        actions=frozenset({"list", "export", "create", "update", "api"}),
        title="结对共建",
        selector=selectors.pairing_list,
        filterset=PairingFilter,
        table=PAIRING_LIST_TABLE,
        form=PairingForm,
        create_service=services.pairing_create,
        update_service=services.pairing_update,
        success_url=lambda obj: reverse("organizations:partyorganization_detail", args=[obj.party_organization_id]),
        api_prefix="pairings",
        serializer=serializers.PairingSerializer,
        api_viewset=api_views.PairingViewSet,
        menu=Menu("结对共建", 36),
    )
)
register(
    Entry(
        model=Venue,
        prefix="venues/",
        title="阵地与基地",
        selector=selectors.venue_list,
        filterset=VenueFilter,
        table=VENUE_TABLE,
        detail_fields=VENUE_FIELDS,
        form=VenueForm,
        create_service=services.venue_create,
        update_service=services.venue_update,
        api_prefix="venues",
        serializer=serializers.VenueSerializer,
        menu=Menu("阵地与基地", 60),
    )
)
