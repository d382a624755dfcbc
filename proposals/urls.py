"""URLs of the tracked-items pages: the catalog's, one step of the life cycle, and 承办单位办理情况."""

from django.urls import path

from registry import catalog

from . import supervision_views, views

app_name = "proposals"

urlpatterns = [
    path("items/<int:pk>/transition/<slug:name>/", views.item_transition_view, name="item_transition"),
    # before the catalog's departments/<pk>/: a fixed path, not a record
    path("departments/figures/", supervision_views.DepartmentFiguresView.as_view(), name="department_figures"),
    path(
        "departments/figures/export/",
        supervision_views.DepartmentFiguresExportView.as_view(),
        name="department_figures_export",
    ),
    *catalog.urls(app_name),
]
