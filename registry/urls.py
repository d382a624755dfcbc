from django.urls import path

from registry.views import access_log, exports, importing, regions, search, shell

app_name = "registry"

urlpatterns = [
    path("", shell.dashboard, name="dashboard"),
    path("search/", search.search_view, name="search"),
    path("regions/", regions.region_list_view, name="region_list"),
    path("regions/<int:pk>/", regions.region_detail_view, name="region_detail"),
    path("imports/", importing.import_list_view, name="import_list"),
    path("imports/record/<int:pk>/", importing.import_record_view, name="import_record"),
    path("imports/record/<int:pk>/status/", importing.import_record_status_view, name="import_record_status"),
    path("imports/record/<int:pk>/commit/", importing.import_commit_view, name="import_commit"),
    path("imports/record/<int:pk>/cancel/", importing.import_cancel_view, name="import_cancel"),
    path("imports/record/<int:pk>/retry/", importing.import_retry_view, name="import_retry"),
    path("imports/record/<int:pk>/errors.xlsx", importing.import_error_report_view, name="import_error_report"),
    path("imports/<str:model_key>/", importing.import_upload_view, name="import_upload"),
    path("imports/<str:model_key>/template/", importing.import_template_view, name="import_template"),
    path("exports/", exports.export_list_view, name="export_list"),
    path("exports/<int:pk>/", exports.export_job_view, name="export_job"),
    path("exports/<int:pk>/status/", exports.export_job_status_view, name="export_job_status"),
    path("exports/<int:pk>/download/", exports.export_download_view, name="export_download"),
    path("access-log/", access_log.AccessLogListView.as_view(), name="accesslog_list"),
    path("access-log/export/", access_log.AccessLogExportView.as_view(), name="accesslog_export"),
]
