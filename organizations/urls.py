from django.urls import path

from registry import catalog

from . import views

app_name = "organizations"

urlpatterns = [
    path("coverage/", views.coverage_view, name="coverage"),
    path("party-organizations/tree/", views.party_organization_tree_view, name="partyorganization_tree"),
    *catalog.urls(app_name),
]
