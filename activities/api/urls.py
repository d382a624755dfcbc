"""Routes of the activities API: all from activities/catalog.py."""

from registry import catalog

urlpatterns = catalog.api_urls("activities")
