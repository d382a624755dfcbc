from django.urls import path

from registry.views.generic import crud_urls

from . import views
from .models import AnnualSurvey, Assignment, Liaison, Organization, Pairing, PartyOrganization, Venue

app_name = "organizations"

urlpatterns = [
    path("coverage/", views.coverage_view, name="coverage"),
    path("party-organizations/tree/", views.party_organization_tree_view, name="partyorganization_tree"),
    path("<int:pk>/reveal/", views.OrganizationRevealView.as_view(), name="organization_reveal"),
    path("liaisons/<int:pk>/reveal/", views.LiaisonRevealView.as_view(), name="liaison_reveal"),
    *crud_urls(
        Organization,
        "",
        list_view=views.OrganizationListView,
        export_view=views.OrganizationExportView,
        detail_view=views.OrganizationDetailView,
        create_view=views.OrganizationFormView,
        update_view=views.OrganizationFormView,
        delete_view=views.OrganizationDeleteView,
    ),
    *crud_urls(
        AnnualSurvey,
        "surveys/",
        list_view=views.SurveyListView,
        export_view=views.SurveyExportView,
        create_view=views.SurveyFormView,
        update_view=views.SurveyFormView,
        delete_view=views.SurveyDeleteView,
    ),
    *crud_urls(
        PartyOrganization,
        "party-organizations/",
        list_view=views.PartyOrganizationListView,
        export_view=views.PartyOrganizationExportView,
        detail_view=views.PartyOrganizationDetailView,
        create_view=views.PartyOrganizationFormView,
        update_view=views.PartyOrganizationFormView,
        delete_view=views.PartyOrganizationDeleteView,
    ),
    *crud_urls(Pairing, "pairings/", create_view=views.PairingFormView, update_view=views.PairingFormView),
    *crud_urls(
        Liaison,
        "liaisons/",
        list_view=views.LiaisonListView,
        export_view=views.LiaisonExportView,
        detail_view=views.LiaisonDetailView,
        create_view=views.LiaisonFormView,
        update_view=views.LiaisonFormView,
        delete_view=views.LiaisonDeleteView,
    ),
    *crud_urls(
        Assignment,
        "assignments/",
        list_view=views.AssignmentListView,
        export_view=views.AssignmentExportView,
        create_view=views.AssignmentFormView,
        update_view=views.AssignmentFormView,
        delete_view=views.AssignmentDeleteView,
    ),
    *crud_urls(
        Venue,
        "venues/",
        list_view=views.VenueListView,
        export_view=views.VenueExportView,
        detail_view=views.VenueDetailView,
        create_view=views.VenueFormView,
        update_view=views.VenueFormView,
        delete_view=views.VenueDeleteView,
    ),
]
