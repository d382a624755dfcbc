"""Routes of the tracked-items API: all from proposals/catalog.py."""

from registry import catalog

urlpatterns = catalog.api_urls("proposals")
