"""Routes of the activities API: the 月度统计 figures, and the catalogued models from activities/catalog.py."""

from django.urls import path

from registry import catalog

from .views import ActivityFiguresView

urlpatterns = [
    path("figures/", ActivityFiguresView.as_view(), name="activity-figures"),
    *catalog.api_urls("activities"),
]
