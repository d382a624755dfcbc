"""URLs of the activities pages: the catalog's (activities/catalog.py) and 登记参与人员."""

from django.urls import path

from registry import catalog

from . import views

app_name = "activities"

urlpatterns = [
    *catalog.urls(app_name),
    path("<int:pk>/participants/", views.ParticipantsAddView.as_view(), name="participants_add"),
]
