"""URLs of the representative pool pages."""

from django.urls import path

from registry import catalog

from . import views

app_name = "talents"

urlpatterns = [
    path("overview/", views.overview_view, name="overview"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("duplicates/merge/", views.merge_view, name="merge"),
    path("duplicates/distinct/", views.not_duplicate_view, name="not_duplicate"),
    path("<int:pk>/status/", views.representative_status_view, name="representative_status"),
    *catalog.urls(app_name),
]
