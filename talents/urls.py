"""URLs of the representative pool pages."""

from django.urls import path

from registry.views.generic import crud_urls

from . import views
from .models import Attendance, Evaluation, Membership, Nomination, Representative, ServiceGroup, Training

app_name = "talents"

urlpatterns = [
    path("overview/", views.overview_view, name="overview"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("duplicates/merge/", views.merge_view, name="merge"),
    path("duplicates/distinct/", views.not_duplicate_view, name="not_duplicate"),
    path("<int:pk>/status/", views.representative_status_view, name="representative_status"),
    path("<int:pk>/reveal/", views.RepresentativeRevealView.as_view(), name="representative_reveal"),
    *crud_urls(
        Representative,
        "",
        list_view=views.RepresentativeListView,
        export_view=views.RepresentativeExportView,
        detail_view=views.RepresentativeDetailView,
        create_view=views.RepresentativeFormView,
        update_view=views.RepresentativeFormView,
        delete_view=views.RepresentativeDeleteView,
    ),
    *crud_urls(
        Evaluation,
        "evaluations/",
        list_view=views.EvaluationListView,
        export_view=views.EvaluationExportView,
        create_view=views.EvaluationFormView,
        update_view=views.EvaluationFormView,
        delete_view=views.EvaluationDeleteView,
    ),
    *crud_urls(
        Nomination,
        "nominations/",
        list_view=views.NominationListView,
        export_view=views.NominationExportView,
        create_view=views.NominationFormView,
        update_view=views.NominationFormView,
        delete_view=views.NominationDeleteView,
    ),
    *crud_urls(
        Training,
        "trainings/",
        list_view=views.TrainingListView,
        export_view=views.TrainingExportView,
        detail_view=views.TrainingDetailView,
        create_view=views.TrainingFormView,
        update_view=views.TrainingFormView,
        delete_view=views.TrainingDeleteView,
    ),
    *crud_urls(Attendance, "attendances/", create_view=views.AttendanceFormView),
    *crud_urls(
        ServiceGroup,
        "groups/",
        list_view=views.ServiceGroupListView,
        export_view=views.ServiceGroupExportView,
        detail_view=views.ServiceGroupDetailView,
        create_view=views.ServiceGroupFormView,
        update_view=views.ServiceGroupFormView,
        delete_view=views.ServiceGroupDeleteView,
    ),
    *crud_urls(
        Membership,
        "memberships/",
        create_view=views.MembershipFormView,
        update_view=views.MembershipFormView,
        delete_view=views.MembershipDeleteView,
    ),
]
