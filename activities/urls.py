"""URLs of the activities pages: all from activities/catalog.py."""

from registry import catalog

app_name = "activities"

urlpatterns = catalog.urls(app_name)
