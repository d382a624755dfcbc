"""Routes of the tracked-items API: the catalog's (proposals/catalog.py) and 承办单位办理情况."""

from django.urls import path

from registry import catalog

from .supervision import DepartmentFiguresView

urlpatterns = [
    path("department-figures/", DepartmentFiguresView.as_view(), name="department-figures"),
    *catalog.api_urls("proposals"),
]
