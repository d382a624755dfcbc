"""URLs of the 统计报表 page and its workbook."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.statistics_view, name="statistics"),
    path("workbook/", views.workbook_view, name="workbook"),
]
