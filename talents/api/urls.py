"""Routes of the representative pool API."""

from registry import catalog

from . import views

urlpatterns = catalog.api_urls(
    "talents",
    ("status-changes", views.StatusChangeViewSet, "statuschange"),
    ("specialties", views.SpecialtyViewSet, "specialty"),
)
