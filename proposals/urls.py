"""URLs of the tracked-items pages: the catalog's, plus one step of the life cycle."""

from django.urls import path

from registry import catalog

from . import views

app_name = "proposals"

urlpatterns = [
    path("items/<int:pk>/transition/<slug:name>/", views.item_transition_view, name="item_transition"),
    *catalog.urls(app_name),
]
