"""URLs of the activities pages: the catalog's (activities/catalog.py), and issuing a certificate from a person."""

from django.urls import path

from registry import catalog

from .certificate_views import CertificateIssueView

app_name = "activities"

urlpatterns = [
    *catalog.urls(app_name),
    path(
        "certificates/issue/<int:representative_pk>/",
        CertificateIssueView.as_view(),
        name="volunteercertificate_issue",
    ),
]
