"""URL wiring only: each app owns its own urls module."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from registry.api import SchemaView

admin.site.site_header = "同心库 管理后台"
admin.site.site_title = "同心库 管理后台"
admin.site.index_title = "数据维护"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("organizations/", include("organizations.urls")),
    path("api/v1/organizations/", include("organizations.api.urls")),
    path("talents/", include("talents.urls")),
    path("api/v1/talents/", include("talents.api.urls")),
    path("activities/", include("activities.urls")),
    path("proposals/", include("proposals.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/activities/", include("activities.api.urls")),
    path("api/v1/proposals/", include("proposals.api.urls")),
    # the description refuses in JSON itself (a client is not sent to the login page); the docs page
    # is a page: to the login form (DRF views are exempt from LoginRequiredMiddleware)
    path("api/schema/", login_not_required(SchemaView.as_view()), name="api_schema"),
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api_schema")), name="api_docs"),
    path("", include("registry.urls")),
]

handler403 = "registry.views.shell.error_403"
handler404 = "registry.views.shell.error_404"
handler500 = "registry.views.shell.error_500"
