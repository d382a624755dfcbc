"""URLs of the activities pages: the catalog's (activities/catalog.py), 月度统计, 登记参与人员, and issuing a
certificate from a person."""

from django.urls import path

from registry import catalog

from . import figures, views
from .certificate_views import CertificateIssueView

app_name = "activities"

urlpatterns = [
    path("figures/", figures.figures_view, name="figures"),
    path("figures/workbook/", figures.figures_workbook_view, name="figures_workbook"),
    *catalog.urls(app_name),
    path("<int:pk>/participants/", views.ParticipantsAddView.as_view(), name="participants_add"),
    path(
        "certificates/issue/<int:representative_pk>/",
        CertificateIssueView.as_view(),
        name="volunteercertificate_issue",
    ),
]
